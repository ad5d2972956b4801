-- 0012: the Open Badges 3.0 API. Holders are the resource owners: people a
-- tenant issues credentials to, who sign in with the recipient identifier
-- (login) credentials are issued to and a passcode (stored hashed). Clients
-- register themselves (RFC 7591); their secret is stored hashed. Every other
-- secret of the authorization code flow is a row of ob3_secrets, stored only
-- as its SHA-256: the consent form's one-time token (kind form), the
-- authorization code, access and refresh tokens. Rows descending from one
-- consent share grant_id, so a replayed code or refresh token revokes them
-- all (RFC 6749 §4.1.2, RFC 9700 §4.14).
CREATE TABLE ob3_holders (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  login TEXT NOT NULL,
  passcode_hash TEXT NOT NULL,
  profile TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, login)
);

-- metadata: the registered client metadata as JSON (RFC 7591 §3.2.1,
-- without the secret); redirect_uris: one per line, matched exactly.
CREATE TABLE ob3_clients (
  client_id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  metadata TEXT NOT NULL,
  redirect_uris TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE ob3_secrets (
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('form', 'code', 'access', 'refresh')),
  client_id TEXT NOT NULL REFERENCES ob3_clients(client_id),
  grant_id TEXT NOT NULL,
  tenant_id INTEGER,
  holder_id INTEGER REFERENCES ob3_holders(id),
  scopes TEXT NOT NULL,
  redirect_uri TEXT,
  state TEXT,
  code_challenge TEXT,
  issued_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  used_at_ms INTEGER,
  revoked_at_ms INTEGER
) WITHOUT ROWID;
CREATE INDEX ob3_secrets_by_grant ON ob3_secrets(grant_id);
CREATE INDEX ob3_secrets_by_expiry ON ob3_secrets(expires_at_ms);

-- Credentials a holder upserted (POST /ims/ob/v3p0/credentials), verified
-- when they came; format json (embedded proof) or jwt (the compact JWS).
CREATE TABLE ob3_credentials (
  tenant_id INTEGER NOT NULL,
  holder_id INTEGER NOT NULL REFERENCES ob3_holders(id),
  id TEXT NOT NULL,
  credential TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('json', 'jwt')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, holder_id, id)
) WITHOUT ROWID;
