/* Clients and tokens: hashed at rest, checked in constant time, scoped,
 * expiring, dying with their client. */
#include "engine/credentials.h"
#include "engine/scope.h"
#include "unit/tmpdir.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/timeutil.h"

#include <check.h>
#include <string.h>

Suite *suite_credentials(void);

#define R  "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"
#define RC "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"

static char dir[256];
static cw_store *store;

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

	ck_assert_int_eq(cw_credentials_client_create(&made, store, "d1",
	                                              R " " RC, "test"),
	                 0);
	ck_assert_uint_eq(strlen(made.client_id), 32);
	ck_assert_uint_eq(strlen(made.client_secret), CW_SECRET_LEN);
	ck_assert_str_eq(made.scopes, R " " RC);
	ck_assert_int_eq(cw_store_client_get(store, made.client_id, &row), 0);
	ck_assert_ptr_null(strstr(row.secret_hash, made.client_secret));
	ck_assert(cw_credentials_secret_matches(row.secret_hash,
	                                        made.client_secret));
	cw_client_dispose(&row);
	cw_new_client_dispose(&made);
}
END_TEST

START_TEST(create_rejects_bad_input)
{
	cw_new_client made;

	ck_assert_int_eq(
	        cw_credentials_client_create(&made, store, "nope", R, "test"),
	        CW_ENOTFOUND);
	ck_assert_int_eq(cw_credentials_client_create(&made, store, "d1",
	                                              "urn:made:up", "test"),
	                 CW_EINVAL);
}
END_TEST

START_TEST(client_check)
{
	cw_new_client made;
	cw_client client;

	cw_credentials_client_create(&made, store, "d1", R, "test");
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

	cw_credentials_client_create(&made, store, "d2", R " " RC, "test");
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

	cw_credentials_client_create(&made, store, "d1", R, "test");
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

Suite *suite_credentials(void)
{
	Suite *s = suite_create("engine/credentials");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, secret_hashing);
	tcase_add_test(tc, create_stores_no_plaintext);
	tcase_add_test(tc, create_rejects_bad_input);
	tcase_add_test(tc, client_check);
	tcase_add_test(tc, tokens_scoped_expiring_revocable);
	tcase_add_test(tc, tokens_are_stored_hashed);
	suite_add_tcase(s, tc);
	return s;
}
