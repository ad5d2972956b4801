-- 0009: sync connections, each a SIS a tenant pulls OneRoster from. The
-- secret (an OAuth 2.0 client secret or an OAuth 1.0a consumer secret) is
-- sealed under the master key; cursor is where the next delta starts (the
-- start of the last applied pull); the last run's report is kept, and
-- posted to webhook_url when there is one.
CREATE TABLE sync_connections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL UNIQUE,
  base_url TEXT NOT NULL,
  version TEXT NOT NULL CHECK (version IN ('1.1', '1.2')),
  auth TEXT NOT NULL CHECK (auth IN ('none', 'oauth2', 'oauth1')),
  token_url TEXT,
  client_id TEXT,
  secret_sealed TEXT,
  scope TEXT,
  page_size INTEGER NOT NULL CHECK (page_size BETWEEN 1 AND 10000),
  schedule TEXT,
  webhook_url TEXT,
  cursor TEXT,
  last_run_ms INTEGER,
  last_state TEXT,
  last_report TEXT
);
