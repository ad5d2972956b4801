-- 0013: the CBE flows. A tenant's own mapping of a flow (overriding the
-- default shipped in the binary), and every flow run: the input as
-- received, each stage's output (a JSON array), the outcome. A run is
-- keyed by its idempotency key (source and content), so the same input
-- twice is one run; held and failed runs are the dead letters, replayed
-- in place once their data is fixed.
CREATE TABLE flow_mappings (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  flow TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, flow)
);
CREATE TABLE flow_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  flow TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  source TEXT NOT NULL,
  input BLOB NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'held', 'failed')),
  reason TEXT,
  stages TEXT,
  report TEXT,
  attempts INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (tenant_id, flow, idempotency_key)
);
CREATE INDEX flow_runs_by_state ON flow_runs (tenant_id, state, id);
