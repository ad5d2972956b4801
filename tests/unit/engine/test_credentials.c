/* Clients and tokens: hashed at rest, checked in constant time, scoped,
 * expiring, dying with their client. */
#include "engine/credentials.h"
#include "engine/scope.h"
#include "unit/tmpdir.h"
#include "util/error.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_credentials(void);

#define R  "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"
#define RC "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"

static char dir[256];
static cw_store *store;
static const unsigned char test_key[CW_SECRETBOX_KEY_LEN] = { 7, 1, 2, 3 };

static void setup(void)
{
	int applied;

	cw_test_tmpdir(dir);
	ck_assert_int_eq(cw_store_open(&store, "sqlite", dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
	ck_assert_int_eq(cw_store_tenant_add(store, "d1", NULL), 0);
	ck_assert_int_eq(cw_store_tenant_add(store, "d2", NULL), 0);
}

static void teardown(void)
{
	cw_store_free(store);
	cw_test_rmtree(dir);
}

START_TEST(secret_hashing)
{
	char a[128], b[128];

	ck_assert_int_eq(cw_credentials_hash_secret(a, "s3cret"), 0);
	ck_assert_int_eq(cw_credentials_hash_secret(b, "s3cret"), 0);
	ck_assert_str_ne(a, b); /* salted */
	ck_assert_int_eq(strncmp(a, "sha256$", 7), 0);
	ck_assert(cw_credentials_secret_matches(a, "s3cret"));
	ck_assert(cw_credentials_secret_matches(b, "s3cret"));
	ck_assert(!cw_credentials_secret_matches(a, "s3creT"));
	ck_assert(!cw_credentials_secret_matches(a, ""));
	ck_assert(!cw_credentials_secret_matches("sha256$zz$zz", "s3cret"));
	ck_assert(!cw_credentials_secret_matches("plain", "plain"));
}
END_TEST

START_TEST(create_stores_no_plaintext)
{
	cw_new_client made;
	cw_client row;

	ck_assert_int_eq(cw_credentials_client_create(&made, store, test_key,
	                                              "d1", R " " RC, "test"),
	                 0);
	ck_assert_uint_eq(strlen(made.client_id), 32);
	ck_assert_uint_eq(strlen(made.client_secret), CW_SECRET_LEN);
	ck_assert_str_eq(made.scopes, R " " RC);
	ck_assert_int_eq(cw_store_client_get(store, made.client_id, &row), 0);
	ck_assert_ptr_null(strstr(row.secret_hash, made.client_secret));
	ck_assert(cw_credentials_secret_matches(row.secret_hash,
	                                        made.client_secret));
	/* Sealed too, bound to the client id, under the master key. */
	ck_assert_int_eq(strncmp(row.secret_sealed, "v1:", 3), 0);
	ck_assert_ptr_null(strstr(row.secret_sealed, made.client_secret));
	{
		char *plain = NULL;
		size_t len = 0;

		ck_assert_int_eq(cw_secretbox_open(&plain, &len, test_key,
		                                   made.client_id,
		                                   row.secret_sealed,
		                                   strlen(row.secret_sealed)),
		                 0);
		ck_assert_str_eq(plain, made.client_secret);
		cw_free(plain);
	}
	cw_client_dispose(&row);
	cw_new_client_dispose(&made);
}
END_TEST

START_TEST(create_rejects_bad_input)
{
	cw_new_client made;

	ck_assert_int_eq(cw_credentials_client_create(&made, store, test_key,
	                                              "nope", R, "test"),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_credentials_client_create(&made, store, test_key,
	                                              "d1", "urn:made:up",
	                                              "test"),
	                 CW_EINVAL);
}
END_TEST

START_TEST(client_check)
{
	cw_new_client made;
	cw_client client;

	cw_credentials_client_create(&made, store, test_key, "d1", R, "test");
	ck_assert_int_eq(cw_credentials_client_check(&client, store,
	                                             made.client_id,
	                                             made.client_secret),
	                 0);
	ck_assert_str_eq(client.tenant, "d1");
	cw_client_dispose(&client);
	ck_assert_int_eq(cw_credentials_client_check(&client, store,
	                                             made.client_id, "wrong"),
	                 CW_EAUTH);
	ck_assert_str_eq(cw_error_last(), "wrong client secret");
	ck_assert_int_eq(cw_credentials_client_check(&client, store, "unknown",
	                                             made.client_secret),
	                 CW_EAUTH);
	ck_assert_str_eq(cw_error_last(), "unknown client");
	cw_store_client_revoke(store, made.client_id, "2026");
	ck_assert_int_eq(cw_credentials_client_check(&client, store,
	                                             made.client_id,
	                                             made.client_secret),
	                 CW_EAUTH);
	ck_assert_str_eq(cw_error_last(), "the client was revoked");
	cw_new_client_dispose(&made);
}
END_TEST

START_TEST(tokens_scoped_expiring_revocable)
{
	cw_new_client made;
	cw_client client;
	cw_issued_token token;
	cw_token_info info;
	int64_t now = cw_time_now_ms();

	cw_credentials_client_create(&made, store, test_key, "d2", R " " RC,
	                             "test");
	cw_credentials_client_check(&client, store, made.client_id,
	                            made.client_secret);
	/* No scope asked: all of the client's. */
	ck_assert_int_eq(
	        cw_credentials_token_issue(&token, store, &client, NULL, 60),
	        0);
	ck_assert_str_eq(token.scopes, R " " RC);
	ck_assert_int_eq(token.expires_in, 60);
	ck_assert_int_eq(cw_credentials_token_check(&info, store,
	                                            token.access_token, now),
	                 0);
	ck_assert_str_eq(info.tenant, "d2");
	ck_assert_str_eq(info.client_id, made.client_id);
	cw_token_info_dispose(&info);
	/* Expired one minute later. */
	ck_assert_int_eq(cw_credentials_token_check(
	                         &info, store, token.access_token, now + 61000),
	                 CW_EAUTH);
	ck_assert_str_eq(cw_error_last(), "the token has expired");
	cw_issued_token_dispose(&token);
	/* A subset is granted, a superset refused. */
	ck_assert_int_eq(
	        cw_credentials_token_issue(&token, store, &client, RC, 60), 0);
	ck_assert_str_eq(token.scopes, RC);
	cw_store_client_revoke(store, made.client_id, "2026");
	ck_assert_int_eq(cw_credentials_token_check(&info, store,
	                                            token.access_token, now),
	                 CW_EAUTH);
	ck_assert_str_eq(cw_error_last(), "the token's client was revoked");
	cw_issued_token_dispose(&token);
	ck_assert_int_eq(cw_credentials_token_issue(&token, store, &client,
	                                            RC " " CW_SCOPE_ADMIN, 60),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_credentials_token_check(&info, store, "short", now),
	                 CW_EAUTH);
	cw_client_dispose(&client);
	cw_new_client_dispose(&made);
}
END_TEST

START_TEST(tokens_are_stored_hashed)
{
	cw_new_client made;
	cw_client client;
	cw_issued_token token;
	cw_token_info info;
	char hash[65];

	cw_credentials_client_create(&made, store, test_key, "d1", R, "test");
	cw_credentials_client_check(&client, store, made.client_id,
	                            made.client_secret);
	cw_credentials_token_issue(&token, store, &client, NULL, 60);
	/* The store knows the token by its hash only. */
	ck_assert_int_eq(
	        cw_store_token_lookup(store, token.access_token, &info),
	        CW_ENOTFOUND);
	cw_sha256_hex(hash, token.access_token, strlen(token.access_token));
	ck_assert_int_eq(cw_store_token_lookup(store, hash, &info), 0);
	cw_token_info_dispose(&info);
	cw_issued_token_dispose(&token);
	cw_client_dispose(&client);
	cw_new_client_dispose(&made);
}
END_TEST

/* A request of client_id signed with secret (HMAC-SHA256, in the query). */
static void signed_request(cw_oauth1_request *r, cw_buf *base,
                           const char *client_id, const char *secret,
                           const char *nonce, int64_t now_s)
{
	char query[512], sig[CW_OAUTH1_SIGNATURE_LEN];

	snprintf(query, sizeof(query),
	         "limit=2&oauth_consumer_key=%s&oauth_nonce=%s&"
	         "oauth_signature_method=HMAC-SHA256&oauth_timestamp=%lld&"
	         "oauth_signature=x",
	         client_id, nonce, (long long)now_s);
	ck_assert_int_eq(
	        cw_oauth1_parse(r, NULL, 0, query, strlen(query), NULL, 0), 0);
	ck_assert_int_eq(cw_oauth1_check(r, now_s, CW_LIMIT_OAUTH1_WINDOW_S),
	                 0);
	cw_buf_clear(base);
	ck_assert_int_eq(
	        cw_oauth1_base_string(base, "GET", "http", "h", "/x", 2, r), 0);
	ck_assert_int_eq(cw_oauth1_sign(sig, CW_HMAC_SHA256, secret, NULL,
	                                base->data, base->len),
	                 0);
	cw_free(r->signature);
	r->signature = cw_strdup(sig);
}

static int oauth1_check(cw_token_info *info, const unsigned char *key,
                        const char *id, const char *secret, const char *nonce)
{
	int64_t now = cw_time_now_ms();
	cw_buf base = CW_BUF_INIT(1 << 16);
	cw_oauth1_request r;
	int err;

	signed_request(&r, &base, id, secret, nonce, now / 1000);
	err = cw_credentials_oauth1_check(info, store, key, &r, base.data,
	                                  base.len, now);
	cw_oauth1_request_dispose(&r);
	cw_buf_dispose(&base);
	return err;
}

START_TEST(oauth1_signed_requests)
{
	unsigned char other_key[CW_SECRETBOX_KEY_LEN] = { 9 };
	cw_new_client made;
	cw_token_info info;

	cw_credentials_client_create(&made, store, test_key, "d2", R, "test");
	ck_assert_int_eq(oauth1_check(&info, test_key, made.client_id,
	                              made.client_secret, "n1"),
	                 0);
	ck_assert_str_eq(info.tenant, "d2");
	ck_assert_str_eq(info.client_id, made.client_id);
	ck_assert_str_eq(info.scopes, R);
	ck_assert_str_ne(info.tenant_created_at, "");
	cw_token_info_dispose(&info);
	/* The nonce once only; another one is fine. */
	ck_assert_int_eq(oauth1_check(&info, test_key, made.client_id,
	                              made.client_secret, "n1"),
	                 CW_EAUTH);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "oauth_nonce"));
	ck_assert_int_eq(oauth1_check(&info, test_key, made.client_id,
	                              made.client_secret, "n2"),
	                 0);
	cw_token_info_dispose(&info);
	/* A wrong secret is refused and burns no nonce. */
	ck_assert_int_eq(
	        oauth1_check(&info, test_key, made.client_id, "wrong", "n3"),
	        CW_EAUTH);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "signature"));
	ck_assert_int_eq(oauth1_check(&info, test_key, made.client_id,
	                              made.client_secret, "n3"),
	                 0);
	cw_token_info_dispose(&info);
	/* Another master key cannot open the secret: an internal error. */
	ck_assert_int_eq(oauth1_check(&info, other_key, made.client_id,
	                              made.client_secret, "n4"),
	                 CW_EIO);
	ck_assert_int_eq(oauth1_check(&info, test_key, "unknown",
	                              made.client_secret, "n5"),
	                 CW_EAUTH);
	ck_assert_str_eq(cw_error_last(),
	                 "unknown client (oauth_consumer_key)");
	cw_store_client_revoke(store, made.client_id, "2026");
	ck_assert_int_eq(oauth1_check(&info, test_key, made.client_id,
	                              made.client_secret, "n6"),
	                 CW_EAUTH);
	ck_assert_str_eq(cw_error_last(), "the client was revoked");
	cw_new_client_dispose(&made);
}
END_TEST

/* Clients made before the secret was sealed can only use bearer tokens. */
START_TEST(oauth1_needs_a_sealed_secret)
{
	cw_client old = { 0 };
	cw_tenant d1;
	char hash[128];
	cw_token_info info;

	ck_assert_int_eq(cw_store_tenant_get(store, "d1", &d1), 0);
	ck_assert_int_eq(cw_credentials_hash_secret(hash, "old-secret"), 0);
	snprintf(old.client_id, sizeof(old.client_id), "%s",
	         "00000000000000000000000000000001");
	old.tenant_id = d1.id;
	old.scopes = (char *)R;
	old.secret_hash = hash;
	snprintf(old.created_at, sizeof(old.created_at), "2025");
	ck_assert_int_eq(cw_store_client_add(store, &old), 0);
	ck_assert_int_eq(oauth1_check(&info, test_key, old.client_id,
	                              "old-secret", "n1"),
	                 CW_EAUTH);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "create a new client"));
}
END_TEST

Suite *suite_credentials(void)
{
	Suite *s = suite_create("engine/credentials");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, secret_hashing);
	tcase_add_test(tc, create_stores_no_plaintext);
	tcase_add_test(tc, create_rejects_bad_input);
	tcase_add_test(tc, client_check);
	tcase_add_test(tc, oauth1_signed_requests);
	tcase_add_test(tc, oauth1_needs_a_sealed_secret);
	tcase_add_test(tc, tokens_scoped_expiring_revocable);
	tcase_add_test(tc, tokens_are_stored_hashed);
	suite_add_tcase(s, tc);
	return s;
}
