-- 0005: OAuth 1.0a signed requests (OneRoster 1.1). A signature is an HMAC
-- keyed with the client secret, so the secret is also kept sealed under the
-- master key (AES-256-GCM, "v1:" + base64); the hash stays for the token
-- endpoint. Clients made before have none (NULL) and cannot sign requests.
-- Each nonce a client used is kept until its timestamp leaves the accepted
-- window: inserting one again fails, and the replay is refused.
ALTER TABLE clients ADD COLUMN secret_sealed text;

CREATE TABLE oauth1_nonces (
  client_id text COLLATE "C" NOT NULL REFERENCES clients(client_id),
  nonce text COLLATE "C" NOT NULL,
  timestamp_s bigint NOT NULL,
  seen_at_ms bigint NOT NULL,
  PRIMARY KEY (client_id, nonce)
);
CREATE INDEX oauth1_nonces_by_time ON oauth1_nonces(timestamp_s);
