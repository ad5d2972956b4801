-- 0008: Open Badges 3.0 issuing. Issuers are named by a stable handle (id);
-- their public id is their URL, or the did:key of their active Ed25519 key
-- when they have none. Private keys are sealed under the master key
-- (util/secretbox.h, associated data bound to tenant, issuer and kid);
-- rotation retires the active key of a type and adds a new one, the old one
-- kept for verification. Status lists hand out indexes in order; a
-- credential's bit is set when it is revoked (revoked_at not NULL).
CREATE TABLE badge_issuers (
  tenant_id bigint NOT NULL,
  id text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  url text COLLATE "C",
  email text COLLATE "C",
  description text COLLATE "C",
  image text COLLATE "C",
  created_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

-- type: ed25519 | rsa | p256; status: active | retired (one active key per
-- issuer and type).
CREATE TABLE badge_issuer_keys (
  tenant_id bigint NOT NULL,
  issuer text COLLATE "C" NOT NULL,
  kid text COLLATE "C" NOT NULL,
  type text COLLATE "C" NOT NULL CHECK (type IN ('ed25519', 'rsa', 'p256')),
  public_jwk text COLLATE "C" NOT NULL,
  public_multibase text COLLATE "C",
  private_sealed text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL CHECK (status IN ('active', 'retired')),
  created_at text COLLATE "C" NOT NULL,
  retired_at text COLLATE "C",
  PRIMARY KEY (tenant_id, issuer, kid),
  FOREIGN KEY (tenant_id, issuer) REFERENCES badge_issuers (tenant_id, id)
);
CREATE UNIQUE INDEX badge_issuer_keys_active
  ON badge_issuer_keys (tenant_id, issuer, type) WHERE status = 'active';

-- id: a urn:uuid or a URL; case_item: the CFItem it was made from.
CREATE TABLE badge_achievements (
  tenant_id bigint NOT NULL,
  id text COLLATE "C" NOT NULL,
  issuer text COLLATE "C" NOT NULL,
  document text COLLATE "C" NOT NULL,
  case_item text COLLATE "C",
  created_at text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, issuer) REFERENCES badge_issuers (tenant_id, id)
);

-- credential: the signed text as issued (JSON for di, the compact JWS for
-- jwt).
CREATE TABLE badge_credentials (
  tenant_id bigint NOT NULL,
  id text COLLATE "C" NOT NULL,
  issuer text COLLATE "C" NOT NULL,
  achievement text COLLATE "C" NOT NULL,
  recipient text COLLATE "C" NOT NULL,
  credential text COLLATE "C" NOT NULL,
  format text COLLATE "C" NOT NULL CHECK (format IN ('di', 'jwt')),
  status_list_index bigint NOT NULL,
  issued_at text COLLATE "C" NOT NULL,
  revoked_at text COLLATE "C",
  revoked_reason text COLLATE "C",
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, issuer) REFERENCES badge_issuers (tenant_id, id)
);
CREATE INDEX badge_credentials_revoked
  ON badge_credentials (tenant_id, issuer, status_list_index)
  WHERE revoked_at IS NOT NULL;

-- size: bits in the list (131072, the W3C minimum, by default);
-- next_index: the first index not handed out.
CREATE TABLE badge_status_lists (
  tenant_id bigint NOT NULL,
  issuer text COLLATE "C" NOT NULL,
  purpose text COLLATE "C" NOT NULL CHECK (purpose IN ('revocation')),
  size bigint NOT NULL,
  next_index bigint NOT NULL,
  PRIMARY KEY (tenant_id, issuer, purpose),
  FOREIGN KEY (tenant_id, issuer) REFERENCES badge_issuers (tenant_id, id)
);
