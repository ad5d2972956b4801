-- 0007: CASE servers a tenant mirrors on a schedule. The client secret of
-- a server that wants OAuth 2.0 is sealed under the master key (as API
-- clients' are); the last run's report is kept for the admin API.
CREATE TABLE case_mirrors (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  base_url TEXT NOT NULL,
  every_s INTEGER NOT NULL CHECK (every_s > 0),
  token_url TEXT,
  client_id TEXT,
  secret_sealed TEXT,
  scope TEXT,
  next_run_ms INTEGER NOT NULL,
  last_run_ms INTEGER,
  last_report TEXT,
  UNIQUE (tenant_id, base_url)
);
CREATE INDEX case_mirrors_due ON case_mirrors(next_run_ms);
