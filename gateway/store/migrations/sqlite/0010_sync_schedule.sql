-- 0010: scheduled syncs. A tenant has a time zone (IANA name) its schedules
-- are read in. A connection gets a full-sync schedule, blackout date ranges
-- ("2027-06-15..2027-08-20,…", the tenant's dates), its next scheduled
-- firing, when its last full run began, and a lease: the one run allowed at
-- a time claims it (owner, until) and renews it while it runs. Each run is
-- kept with its report; a held run keeps its pulled set for approval. The
-- change log's horizon records, per tenant, the last sequence number
-- pruned, so a change feed asked for older changes can say so.
ALTER TABLE tenants ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE sync_connections ADD COLUMN full_schedule TEXT;
ALTER TABLE sync_connections ADD COLUMN blackouts TEXT;
ALTER TABLE sync_connections ADD COLUMN next_run_ms INTEGER;
ALTER TABLE sync_connections ADD COLUMN last_full_ms INTEGER;
ALTER TABLE sync_connections ADD COLUMN lease_owner TEXT;
ALTER TABLE sync_connections ADD COLUMN lease_until_ms INTEGER;
CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  connection_id INTEGER NOT NULL REFERENCES sync_connections(id),
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  started_by TEXT NOT NULL CHECK (started_by IN ('schedule', 'api', 'cli',
    'approval')),
  kind TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
  state TEXT NOT NULL CHECK (state IN ('running', 'applied', 'unchanged',
    'held', 'approved', 'rejected', 'failed', 'interrupted', 'superseded')),
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  import_id INTEGER,
  held_set TEXT,
  cursor TEXT,
  report TEXT
);
CREATE INDEX sync_runs_by_connection ON sync_runs(connection_id, id);
CREATE TABLE roster_log_horizon (
  tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id),
  through_seq INTEGER NOT NULL,
  pruned_ms INTEGER NOT NULL
);
