-- 0008: Open Badges 3.0 issuing. Issuers are named by a stable handle (id);
-- their public id is their URL, or the did:key of their active Ed25519 key
-- when they have none. Private keys are sealed under the master key
-- (util/secretbox.h, associated data bound to tenant, issuer and kid);
-- rotation retires the active key of a type and adds a new one, the old one
-- kept for verification. Status lists hand out indexes in order; a
-- credential's bit is set when it is revoked (revoked_at not NULL).
CREATE TABLE badge_issuers (
  tenant_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  url TEXT,
  email TEXT,
  description TEXT,
  image TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

-- type: ed25519 | rsa | p256; status: active | retired (one active key per
-- issuer and type).
CREATE TABLE badge_issuer_keys (
  tenant_id INTEGER NOT NULL,
  issuer TEXT NOT NULL,
  kid TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('ed25519', 'rsa', 'p256')),
  public_jwk TEXT NOT NULL,
  public_multibase TEXT,
  private_sealed TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
  created_at TEXT NOT NULL,
  retired_at TEXT,
  PRIMARY KEY (tenant_id, issuer, kid),
  FOREIGN KEY (tenant_id, issuer) REFERENCES badge_issuers (tenant_id, id)
);
CREATE UNIQUE INDEX badge_issuer_keys_active
  ON badge_issuer_keys (tenant_id, issuer, type) WHERE status = 'active';

-- id: a urn:uuid or a URL; case_item: the CFItem it was made from.
CREATE TABLE badge_achievements (
  tenant_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  issuer TEXT NOT NULL,
  document TEXT NOT NULL,
  case_item TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, issuer) REFERENCES badge_issuers (tenant_id, id)
) WITHOUT ROWID;

-- credential: the signed text as issued (JSON for di, the compact JWS for
-- jwt).
CREATE TABLE badge_credentials (
  tenant_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  issuer TEXT NOT NULL,
  achievement TEXT NOT NULL,
  recipient TEXT NOT NULL,
  credential TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('di', 'jwt')),
  status_list_index INTEGER NOT NULL,
  issued_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_reason TEXT,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, issuer) REFERENCES badge_issuers (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX badge_credentials_revoked
  ON badge_credentials (tenant_id, issuer, status_list_index)
  WHERE revoked_at IS NOT NULL;

-- size: bits in the list (131072, the W3C minimum, by default);
-- next_index: the first index not handed out.
CREATE TABLE badge_status_lists (
  tenant_id INTEGER NOT NULL,
  issuer TEXT NOT NULL,
  purpose TEXT NOT NULL CHECK (purpose IN ('revocation')),
  size INTEGER NOT NULL,
  next_index INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, issuer, purpose),
  FOREIGN KEY (tenant_id, issuer) REFERENCES badge_issuers (tenant_id, id)
) WITHOUT ROWID;
