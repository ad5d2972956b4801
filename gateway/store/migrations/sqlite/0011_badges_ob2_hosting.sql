-- 0011: Open Badges 2.0 assertions and how an issuer is named.
-- id_kind: 'default' (its url, else the did:key of its active Ed25519 key,
-- as before), 'hosted' (the daemon's URL for it) or 'did:web' (a did:web
-- of the daemon's host, its DID document served by the daemon); public_id
-- holds the hosted URL or the DID, fixed when the issuer is made.
ALTER TABLE badge_issuers ADD COLUMN id_kind TEXT NOT NULL DEFAULT 'default'
  CHECK (id_kind IN ('default', 'hosted', 'did:web'));
ALTER TABLE badge_issuers ADD COLUMN public_id TEXT;

-- OB 2.0 assertions: id the urn:uuid commands take; verification hosted
-- (the daemon serves the assertion JSON at its URL, 410 once revoked) or
-- signed (RS256 JWS; listed in the issuer's RevocationList once revoked).
-- assertion: the Assertion JSON as issued; jws: the signed text, or NULL.
CREATE TABLE badge_assertions (
  tenant_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  issuer TEXT NOT NULL,
  achievement TEXT NOT NULL,
  recipient TEXT NOT NULL,
  verification TEXT NOT NULL CHECK (verification IN ('hosted', 'signed')),
  assertion TEXT NOT NULL,
  jws TEXT,
  issued_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_reason TEXT,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, issuer) REFERENCES badge_issuers (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX badge_assertions_revoked
  ON badge_assertions (tenant_id, issuer, revoked_at)
  WHERE revoked_at IS NOT NULL;
