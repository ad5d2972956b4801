/* API clients and their OAuth 2.0 bearer tokens: creation, secret checks,
 * token issue and verification; OAuth 1.0a signed requests. Tokens are only
 * stored hashed; secrets hashed, and sealed under the master key for the
 * HMAC of OAuth 1.0a signatures. */
#ifndef CW_ENGINE_CREDENTIALS_H
#define CW_ENGINE_CREDENTIALS_H

#include "engine/oauth1.h"
#include "store/store.h"
#include "util/secretbox.h"

#include <stdint.h>

#define CW_SECRET_LEN 43 /* base64url of 32 random bytes */
#define CW_TOKEN_LEN  43

typedef struct {
	char client_id[CW_CLIENT_ID_LEN + 1];
	char client_secret[CW_SECRET_LEN + 1]; /* shown once, never stored */
	char *scopes;                          /* normalised */
	char tenant[CW_TENANT_NAME_MAX + 1];
} cw_new_client;

typedef struct {
	char access_token[CW_TOKEN_LEN + 1];
	char *scopes;
	long expires_in; /* seconds */
} cw_issued_token;

/**
 * Creates a client of tenant with the given scope list and audits it as actor.
 * Its secret is stored hashed and sealed under master_key (bound to the
 * client id). CW_ENOTFOUND for an unknown tenant, CW_EINVAL for a bad scope
 * list.
 */
int cw_credentials_client_create(
        cw_new_client *out, cw_store *store,
        const unsigned char master_key[CW_SECRETBOX_KEY_LEN],
        const char *tenant, const char *scopes, const char *actor);
void cw_new_client_dispose(cw_new_client *client);

/**
 * Checks client_id and secret. CW_EAUTH (message says why) when the client is
 * unknown, revoked or the secret is wrong; on success out holds the client.
 */
int cw_credentials_client_check(cw_client *out, cw_store *store,
                                const char *client_id, const char *secret);

/**
 * Issues a bearer token for an authenticated client. requested may be NULL or
 * empty (all of the client's scopes); otherwise it must be a subset of them
 * (CW_EINVAL, message names the scope not granted).
 */
int cw_credentials_token_issue(cw_issued_token *out, cw_store *store,
                               const cw_client *client, const char *requested,
                               long ttl_s);
void cw_issued_token_dispose(cw_issued_token *token);

/**
 * Resolves a presented bearer token. CW_EAUTH when it is unknown, expired or
 * its client revoked; CW_ESTORE when the store fails.
 */
int cw_credentials_token_check(cw_token_info *out, cw_store *store,
                               const char *token, int64_t now_ms);

/**
 * Authenticates an OAuth 1.0a request already parsed and checked
 * (cw_oauth1_check) whose signature base string is base: the consumer key
 * names a known, active client with a sealed secret, the signature matches
 * that secret, and the client did not use the nonce before (it is recorded).
 * out is filled as for a bearer token (no expiry). CW_EAUTH (message says
 * why), CW_EIO when the sealed secret does not open under master_key,
 * CW_ESTORE.
 */
int cw_credentials_oauth1_check(
        cw_token_info *out, cw_store *store,
        const unsigned char master_key[CW_SECRETBOX_KEY_LEN],
        const cw_oauth1_request *request, const char *base, size_t base_len,
        int64_t now_ms);

/** Hashes a secret as "sha256$SALT$DIGEST" (hex) into out (128 bytes). */
int cw_credentials_hash_secret(char out[128], const char *secret);
/** 1 when secret matches the stored hash. */
int cw_credentials_secret_matches(const char *stored, const char *secret);

#endif
