/* Credentials. Secrets and tokens are 256-bit random values, so one salted
 * SHA-256 is enough to store them: there is nothing to brute-force, and a slow
 * KDF would only slow the token endpoint. Comparisons are constant-time. */
#include "engine/credentials.h"

#include "engine/scope.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>

#define SALT_LEN 16

static int random_text(char *out, size_t raw_len)
{
	unsigned char raw[32];
	int err;

	if (raw_len > sizeof(raw))
		return CW_EINVAL;
	err = cw_random_bytes(raw, raw_len);
	if (err == 0)
		cw_base64url_encode(out, raw, raw_len);
	return err;
}

static int salted_digest(char out[65], const unsigned char *salt,
                         const char *secret)
{
	cw_buf input = CW_BUF_INIT(4096);
	int err;

	cw_buf_put(&input, salt, SALT_LEN);
	err = cw_buf_puts(&input, secret);
	if (err == 0)
		err = cw_sha256_hex(out, input.data, input.len);
	cw_buf_dispose(&input);
	return err;
}

int cw_credentials_hash_secret(char out[128], const char *secret)
{
	unsigned char salt[SALT_LEN];
	char salt_hex[2 * SALT_LEN + 1], digest[65];
	int err;

	if ((err = cw_random_bytes(salt, sizeof(salt))) < 0)
		return err;
	if ((err = salted_digest(digest, salt, secret)) < 0)
		return err;
	cw_hex_encode(salt_hex, salt, sizeof(salt));
	snprintf(out, 128, "sha256$%s$%s", salt_hex, digest);
	return 0;
}

int cw_credentials_secret_matches(const char *stored, const char *secret)
{
	unsigned char salt[SALT_LEN];
	char digest[65];

	if (strncmp(stored, "sha256$", 7) != 0 ||
	    strlen(stored) != 7 + 2 * SALT_LEN + 1 + 64 ||
	    stored[7 + 2 * SALT_LEN] != '$' ||
	    cw_hex_decode(salt, SALT_LEN, stored + 7, 2 * SALT_LEN) < 0 ||
	    salted_digest(digest, salt, secret) < 0)
		return 0;
	return cw_const_time_equal(digest, stored + 8 + 2 * SALT_LEN, 64);
}

int cw_credentials_client_create(
        cw_new_client *out, cw_store *store,
        const unsigned char master_key[CW_SECRETBOX_KEY_LEN],
        const char *tenant, const char *scopes, const char *actor)
{
	cw_buf normalized = CW_BUF_INIT(CW_LIMIT_SCOPE_STRING);
	unsigned char id_raw[CW_CLIENT_ID_LEN / 2];
	char hash[128], stamp[CW_TIME_ISO_LEN], *sealed = NULL;
	cw_client client = { 0 };
	cw_tenant row;
	cw_audit_entry audit = { 0 };
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = cw_store_tenant_get(store, tenant, &row)) < 0)
		goto out;
	if ((err = cw_scope_normalize(&normalized, scopes)) < 0)
		goto out;
	if ((err = cw_random_bytes(id_raw, sizeof(id_raw))) < 0 ||
	    (err = random_text(out->client_secret, 32)) < 0 ||
	    (err = cw_credentials_hash_secret(hash, out->client_secret)) < 0)
		goto out;
	cw_hex_encode(out->client_id, id_raw, sizeof(id_raw));
	if ((err = cw_secretbox_seal(&sealed, master_key, out->client_id,
	                             out->client_secret, CW_SECRET_LEN)) < 0)
		goto out;
	cw_time_format_iso(cw_time_now_ms(), stamp);
	memcpy(client.client_id, out->client_id, sizeof(client.client_id));
	client.tenant_id = row.id;
	client.scopes = normalized.data;
	client.secret_hash = hash;
	client.secret_sealed = sealed;
	memcpy(client.created_at, stamp, sizeof(stamp));
	if ((err = cw_store_client_add(store, &client)) < 0)
		goto out;
	snprintf(out->tenant, sizeof(out->tenant), "%s", row.name);
	out->scopes = cw_buf_detach(&normalized, NULL);
	if (!out->scopes)
		err = CW_ENOMEM;
out:
	audit.actor = actor;
	audit.tenant = tenant;
	audit.action = "client.add";
	audit.target = err == 0 ? out->client_id : NULL;
	audit.outcome = err == 0 ? "success" : "failure";
	audit.detail = err == 0 ? out->scopes : cw_error_last();
	if (err != CW_ESTORE) {
		int audit_err = cw_store_audit_append(store, &audit);
		if (err == 0)
			err = audit_err;
	}
	cw_buf_dispose(&normalized);
	cw_free(sealed);
	if (err < 0)
		cw_new_client_dispose(out);
	return err;
}

void cw_new_client_dispose(cw_new_client *client)
{
	cw_free(client->scopes);
	client->scopes = NULL;
	memset(client->client_secret, 0, sizeof(client->client_secret));
}

int cw_credentials_client_check(cw_client *out, cw_store *store,
                                const char *client_id, const char *secret)
{
	int err = cw_store_client_get(store, client_id, out);

	if (err == CW_ENOTFOUND) {
		cw_error_set("unknown client");
		return CW_EAUTH;
	}
	if (err < 0)
		return err;
	if (!cw_credentials_secret_matches(out->secret_hash, secret)) {
		cw_error_set("wrong client secret");
		err = CW_EAUTH;
	} else if (out->revoked_at[0]) {
		cw_error_set("the client was revoked");
		err = CW_EAUTH;
	}
	if (err < 0)
		cw_client_dispose(out);
	return err;
}

int cw_credentials_token_issue(cw_issued_token *out, cw_store *store,
                               const cw_client *client, const char *requested,
                               long ttl_s)
{
	cw_buf scopes = CW_BUF_INIT(CW_LIMIT_SCOPE_STRING);
	cw_token token = { 0 };
	int64_t now = cw_time_now_ms();
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (requested && *requested) {
		if ((err = cw_scope_normalize(&scopes, requested)) < 0)
			goto out;
		if (!cw_scope_subset(scopes.data, client->scopes)) {
			cw_error_set("a requested scope is not granted to "
			             "this client");
			err = CW_EINVAL;
			goto out;
		}
	} else if ((err = cw_buf_puts(&scopes, client->scopes)) < 0) {
		goto out;
	}
	if ((err = random_text(out->access_token, 32)) < 0 ||
	    (err = cw_sha256_hex(token.token_hash, out->access_token,
	                         CW_TOKEN_LEN)) < 0)
		goto out;
	memcpy(token.client_id, client->client_id, sizeof(token.client_id));
	token.tenant_id = client->tenant_id;
	token.scopes = scopes.data;
	token.issued_at_ms = now;
	token.expires_at_ms = now + (int64_t)ttl_s * 1000;
	if ((err = cw_store_token_add(store, &token)) < 0)
		goto out;
	out->expires_in = ttl_s;
	out->scopes = cw_buf_detach(&scopes, NULL);
	if (!out->scopes)
		err = CW_ENOMEM;
out:
	cw_buf_dispose(&scopes);
	if (err < 0)
		cw_issued_token_dispose(out);
	return err;
}

void cw_issued_token_dispose(cw_issued_token *token)
{
	cw_free(token->scopes);
	token->scopes = NULL;
	memset(token->access_token, 0, sizeof(token->access_token));
}

int cw_credentials_token_check(cw_token_info *out, cw_store *store,
                               const char *token, int64_t now_ms)
{
	char hash[65];
	size_t len = strlen(token);
	int err;

	memset(out, 0, sizeof(*out));
	if (len != CW_TOKEN_LEN) {
		cw_error_set("malformed token");
		return CW_EAUTH;
	}
	if ((err = cw_sha256_hex(hash, token, len)) < 0)
		return err;
	err = cw_store_token_lookup(store, hash, out);
	if (err == CW_ENOTFOUND) {
		cw_error_set("unknown token");
		return CW_EAUTH;
	}
	if (err < 0)
		return err;
	if (out->expires_at_ms <= now_ms) {
		cw_error_set("the token has expired");
		err = CW_EAUTH;
	} else if (out->client_revoked) {
		cw_error_set("the token's client was revoked");
		err = CW_EAUTH;
	}
	if (err < 0)
		cw_token_info_dispose(out);
	return err;
}

/* The client's secret, opened; CW_EAUTH for a client that cannot sign. */
static int open_secret(char **out, const cw_client *client,
                       const unsigned char master_key[CW_SECRETBOX_KEY_LEN])
{
	size_t len = 0;
	int err;

	*out = NULL;
	if (client->revoked_at[0]) {
		cw_error_set("the client was revoked");
		return CW_EAUTH;
	}
	if (!client->secret_sealed || !*client->secret_sealed) {
		cw_error_set(
		        "this client was created before OAuth 1.0a support "
		        "and its secret is kept only hashed: create a new "
		        "client to sign requests");
		return CW_EAUTH;
	}
	err = cw_secretbox_open(out, &len, master_key, client->client_id,
	                        client->secret_sealed,
	                        strlen(client->secret_sealed));
	if (err == CW_EAUTH || err == CW_EINVAL) {
		cw_error_set(
		        "the sealed secret of client %s does not open with "
		        "this master key",
		        client->client_id);
		err = CW_EIO;
	}
	return err;
}

static int fill_info(cw_token_info *out, const cw_client *client)
{
	memcpy(out->client_id, client->client_id, sizeof(out->client_id));
	out->tenant_id = client->tenant_id;
	memcpy(out->tenant, client->tenant, sizeof(out->tenant));
	memcpy(out->tenant_created_at, client->tenant_created_at,
	       sizeof(out->tenant_created_at));
	out->scopes = cw_strdup(client->scopes);
	return out->scopes ? 0 : CW_ENOMEM;
}

int cw_credentials_oauth1_check(
        cw_token_info *out, cw_store *store,
        const unsigned char master_key[CW_SECRETBOX_KEY_LEN],
        const cw_oauth1_request *request, const char *base, size_t base_len,
        int64_t now_ms)
{
	cw_client client = { 0 };
	char *secret = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	err = cw_store_client_get(store, request->consumer_key, &client);
	if (err == CW_ENOTFOUND) {
		cw_error_set("unknown client (oauth_consumer_key)");
		return CW_EAUTH;
	}
	if (err < 0)
		return err;
	if ((err = open_secret(&secret, &client, master_key)) < 0 ||
	    (err = cw_oauth1_verify(request, secret, base, base_len)) < 0)
		goto out;
	err = cw_store_nonce_add(store, client.client_id, request->nonce,
	                         request->timestamp_s, now_ms);
	if (err == CW_EEXISTS)
		err = CW_EAUTH;
	if (err == 0)
		err = fill_info(out, &client);
out:
	if (secret) {
		memset(secret, 0, strlen(secret));
		cw_free(secret);
	}
	cw_client_dispose(&client);
	if (err < 0)
		cw_token_info_dispose(out);
	return err;
}
