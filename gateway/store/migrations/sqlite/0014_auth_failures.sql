-- 0014: failed authentications per identity, shared by every node on the
-- store, so that guessing is cut off after auth_failure_limit tries in all
-- (not per node). kind is 'client' (a client id at a token endpoint) or
-- 'holder' (an OB 3.0 holder's sign-in); key_hash the SHA-256 (hex) of the
-- identity, never the login itself (a holder's login is often an email
-- address). Times are wall-clock milliseconds: nodes share no monotonic
-- clock. blocked_until_ms is 0 while the identity may try; rows whose
-- window and block have passed are pruned by the daemon.
CREATE TABLE auth_failures (
  kind TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  failures INTEGER NOT NULL,
  window_start_ms INTEGER NOT NULL,
  blocked_until_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, key_hash)
);
