-- 0015: the job queue. Every background job of the daemons (an uploaded
-- import, a sync run, a CASE mirror run) is a row that one node claims
-- with a lease it renews while the job runs; when the lease runs out (its
-- node died) another node claims the row again and re-runs the job, up to
-- max_attempts. ref_id is the job's record in its own table (the import,
-- the sync run, the mirror), args what to run, as JSON.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  kind TEXT NOT NULL,
  ref_id INTEGER NOT NULL DEFAULT 0,
  args TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done',
    'failed')),
  owner TEXT,
  lease_until_ms INTEGER NOT NULL DEFAULT 0,
  not_before_ms INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  error TEXT,
  result TEXT -- done: what the job reports (JSON)
);
CREATE INDEX jobs_open ON jobs (state, id) WHERE state IN ('queued',
  'running');
CREATE INDEX jobs_by_ref ON jobs (kind, ref_id);
-- Named leases for work one node at a time does (the scheduler): on SQLite
-- a row with an owner and an expiry; PostgreSQL uses an advisory lock
-- instead and keeps this table empty.
CREATE TABLE job_locks (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  until_ms INTEGER NOT NULL
);
-- Files a job needs on whichever node runs it (an uploaded set, kept until
-- its import ends or, held for approval, is approved or expires): named,
-- in chunks of at most 1 MiB, so no node needs another's disk.
CREATE TABLE blobs (
  name TEXT PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  size INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE TABLE blob_chunks (
  name TEXT NOT NULL REFERENCES blobs(name),
  seq INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (name, seq)
);
