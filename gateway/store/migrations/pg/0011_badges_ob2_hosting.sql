-- 0011: Open Badges 2.0 assertions and how an issuer is named.
-- id_kind: 'default' (its url, else the did:key of its active Ed25519 key,
-- as before), 'hosted' (the daemon's URL for it) or 'did:web' (a did:web
-- of the daemon's host, its DID document served by the daemon); public_id
-- holds the hosted URL or the DID, fixed when the issuer is made.
ALTER TABLE badge_issuers ADD COLUMN id_kind text COLLATE "C" NOT NULL
  DEFAULT 'default' CHECK (id_kind IN ('default', 'hosted', 'did:web'));
ALTER TABLE badge_issuers ADD COLUMN public_id text COLLATE "C";

-- OB 2.0 assertions: id the urn:uuid commands take; verification hosted
-- (the daemon serves the assertion JSON at its URL, 410 once revoked) or
-- signed (RS256 JWS; listed in the issuer's RevocationList once revoked).
-- assertion: the Assertion JSON as issued; jws: the signed text, or NULL.
CREATE TABLE badge_assertions (
  tenant_id bigint NOT NULL,
  id text COLLATE "C" NOT NULL,
  issuer text COLLATE "C" NOT NULL,
  achievement text COLLATE "C" NOT NULL,
  recipient text COLLATE "C" NOT NULL,
  verification text COLLATE "C" NOT NULL CHECK (verification IN ('hosted',
    'signed')),
  assertion text COLLATE "C" NOT NULL,
  jws text COLLATE "C",
  issued_at text COLLATE "C" NOT NULL,
  revoked_at text COLLATE "C",
  revoked_reason text COLLATE "C",
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, issuer) REFERENCES badge_issuers (tenant_id, id)
);
CREATE INDEX badge_assertions_revoked
  ON badge_assertions (tenant_id, issuer, revoked_at)
  WHERE revoked_at IS NOT NULL;
