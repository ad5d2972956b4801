/* OAuth 2.0 client credentials and bearer checks against the running daemon:
 * every rejection, and tenants that never see each other. */
#include "harness.h"

#include "engine/scope.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Suite *suite_auth(void);

#define R    "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"
#define RC   "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"
#define FORM "Content-Type: application/x-www-form-urlencoded"

static cwt_env env;
static cwt_daemon daemon_;

static void setup(void)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);

	cwt_env_init(&env);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "tenant", "add", "alpha", NULL), 0);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "tenant", "add", "beta", NULL), 0);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_start(&daemon_, &env, "--set", "token_ttl_s=2", NULL);
}

static void teardown(void)
{
	cwt_stop(&daemon_, SIGTERM, 5000);
	cwt_env_cleanup(&env);
}

static const char *oauth_error(const cwt_http *res, char out[64])
{
	cJSON *doc = cwt_json(res);

	snprintf(out, 64, "%s", cw_json_string(doc, "error"));
	cJSON_Delete(doc);
	return out;
}

START_TEST(token_with_basic_and_post)
{
	char id[64], secret[64], token[64], body[512], error[64], value[64];
	const char *headers[] = { FORM, NULL };
	cwt_http res;
	cJSON *doc;

	cwt_client_add(&env, "alpha", R " " RC, id, secret);
	ck_assert_int_eq(cwt_token(token, &daemon_, id, secret, NULL), 0);
	ck_assert_uint_eq(strlen(token), 43);

	snprintf(body, sizeof(body),
	         "grant_type=client_credentials&client_id=%s&client_secret=%s"
	         "&scope=%s",
	         id, secret, RC);
	cwt_request(&res, &daemon_, "POST", "/oauth/token", headers, body);
	ck_assert_int_eq(res.status, 200);
	doc = cwt_json(&res);
	ck_assert_str_eq(cw_json_string(doc, "token_type"), "bearer");
	ck_assert_str_eq(cw_json_string(doc, "scope"), RC);
	ck_assert_int_eq(cJSON_GetObjectItem(doc, "expires_in")->valueint, 2);
	cJSON_Delete(doc);
	ck_assert(cwt_header(&res, "Cache-Control", value, sizeof(value)));
	ck_assert_str_eq(value, "no-store");
	cwt_http_dispose(&res);
	(void)error;
}
END_TEST

START_TEST(token_rejections)
{
	char id[64], secret[64], token[64], body[512], error[64], value[128];
	const char *form[] = { FORM, NULL };
	const char *json[] = { "Content-Type: application/json", NULL };
	cwt_http res;

	cwt_client_add(&env, "alpha", R, id, secret);
	/* wrong secret, unknown client */
	ck_assert_int_eq(cwt_token(token, &daemon_, id, "wrong", NULL), 401);
	ck_assert_int_eq(cwt_token(token, &daemon_, "0000", secret, NULL), 401);
	/* a scope the client was not granted, and one that does not exist */
	ck_assert_int_eq(cwt_token(token, &daemon_, id, secret, RC), 400);
	ck_assert_int_eq(cwt_token(token, &daemon_, id, secret, "urn:x"), 400);

	snprintf(body, sizeof(body),
	         "grant_type=client_credentials&client_id=%s&client_secret=x",
	         id);
	cwt_request(&res, &daemon_, "POST", "/oauth/token", form, body);
	ck_assert_int_eq(res.status, 401);
	ck_assert_str_eq(oauth_error(&res, error), "invalid_client");
	ck_assert(cwt_header(&res, "WWW-Authenticate", value, sizeof(value)));
	cwt_http_dispose(&res);

	snprintf(body, sizeof(body),
	         "grant_type=password&client_id=%s&client_secret=%s", id,
	         secret);
	cwt_request(&res, &daemon_, "POST", "/oauth/token", form, body);
	ck_assert_int_eq(res.status, 400);
	ck_assert_str_eq(oauth_error(&res, error), "unsupported_grant_type");
	cwt_http_dispose(&res);

	snprintf(body, sizeof(body), "client_id=%s&client_secret=%s", id,
	         secret);
	cwt_request(&res, &daemon_, "POST", "/oauth/token", form, body);
	ck_assert_int_eq(res.status, 400);
	ck_assert_str_eq(oauth_error(&res, error), "invalid_request");
	cwt_http_dispose(&res);

	cwt_request(&res, &daemon_, "POST", "/oauth/token", json,
	            "{\"grant_type\":\"client_credentials\"}");
	ck_assert_int_eq(res.status, 400);
	ck_assert_str_eq(oauth_error(&res, error), "invalid_request");
	cwt_http_dispose(&res);

	cwt_request(&res, &daemon_, "POST", "/oauth/token", form,
	            "grant_type=client_credentials");
	ck_assert_int_eq(res.status, 401);
	ck_assert_str_eq(oauth_error(&res, error), "invalid_client");
	cwt_http_dispose(&res);

	cwt_request(&res, &daemon_, "GET", "/oauth/token", NULL, NULL);
	ck_assert_int_eq(res.status, 405);
	cwt_http_dispose(&res);
}
END_TEST

/* Ten failed authentications of a client (auth_failure_limit) and it is
 * answered 429 with Retry-After, even with its right secret, until the
 * window ends; other clients go on. */
START_TEST(failed_attempts_are_throttled)
{
	char id[64], secret[64], other[64], other_secret[64], token[64];
	char body[512], error[64];
	const char *form[] = { FORM, NULL };
	cwt_http res;

	cwt_client_add(&env, "alpha", R, id, secret);
	cwt_client_add(&env, "alpha", R, other, other_secret);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(cwt_token(token, &daemon_, id, "wrong", NULL),
		                 401);
	snprintf(body, sizeof(body),
	         "grant_type=client_credentials&client_id=%s&client_secret=%s",
	         id, secret);
	cwt_request(&res, &daemon_, "POST", "/oauth/token", form, body);
	ck_assert_int_eq(res.status, 429);
	ck_assert_str_eq(oauth_error(&res, error), "invalid_client");
	const char *after = strstr(cw_buf_cstr(&res.headers), "Retry-After: ");
	ck_assert_ptr_nonnull(after);
	long wait = strtol(after + 13, NULL, 10);
	ck_assert_msg(wait > 0 && wait <= 300, "Retry-After %ld", wait);
	cwt_http_dispose(&res);
	ck_assert_int_eq(cwt_token(token, &daemon_, other, other_secret, NULL),
	                 0);
	/* a success clears the count: nine failures, a token, nine more */
	for (int i = 0; i < 9; i++)
		ck_assert_int_eq(
		        cwt_token(token, &daemon_, other, "wrong", NULL), 401);
	ck_assert_int_eq(cwt_token(token, &daemon_, other, other_secret, NULL),
	                 0);
	for (int i = 0; i < 9; i++)
		ck_assert_int_eq(
		        cwt_token(token, &daemon_, other, "wrong", NULL), 401);
	ck_assert_int_eq(cwt_token(token, &daemon_, other, other_secret, NULL),
	                 0);
}
END_TEST

/* A token request of id with its secret on d: the status, and the
 * Retry-After seconds into *after (0: none). */
static long token_status(const cwt_daemon *d, const char *id,
                         const char *secret, long *after)
{
	const char *form[] = { FORM, NULL };
	char body[512], value[32];
	cwt_http res;
	long status;

	snprintf(body, sizeof(body),
	         "grant_type=client_credentials&client_id=%s&client_secret=%s",
	         id, secret);
	cwt_request(&res, d, "POST", "/oauth/token", form, body);
	status = res.status;
	*after = cwt_header(&res, "Retry-After", value, sizeof(value))
	                 ? strtol(value, NULL, 10)
	                 : 0;
	cwt_http_dispose(&res);
	return status;
}

/* Nodes A and B on one store (SQLite, or the test's PostgreSQL) count the
 * same failures: wrong secrets spread over both reach the limit together
 * (each node alone saw half of it), then both answer 429 with
 * Retry-After, to the right secret too; once the window passed the client
 * gets its token, and a success on one node clears the count on both. */
START_TEST(failures_count_across_nodes)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	char id[64], secret[64], token[64];
	cwt_env e;
	cwt_daemon a, b;
	const cwt_daemon *node[2] = { &a, &b };
	long after = -1;

	cwt_env_init(&e);
	ck_assert_int_eq(
	        cwt_run(&e, &out, &err, "tenant", "add", "alpha", NULL), 0);
	cwt_client_add(&e, "alpha", R, id, secret);
	cwt_start(&a, &e, "--set", "auth_failure_limit=4", "--set",
	          "auth_failure_window_s=3", NULL);
	cwt_start(&b, &e, "--set", "auth_failure_limit=4", "--set",
	          "auth_failure_window_s=3", NULL);
	ck_assert_int_eq(cwt_token(token, &a, id, secret, NULL), 0);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(
		        cwt_token(token, node[i % 2], id, "wrong", NULL), 401);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(token_status(node[i], id, secret, &after),
		                 429);
		ck_assert_msg(after >= 1 && after <= 3, "Retry-After %ld",
		              after);
	}
	/* the window (3 s from the first failure) passes */
	cwt_sleep_ms(3200);
	ck_assert_int_eq(token_status(&b, id, secret, &after), 200);
	ck_assert_int_eq(after, 0);
	/* three failures, a success on A, three more: never blocked */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(
		        cwt_token(token, node[i % 2], id, "wrong", NULL), 401);
	ck_assert_int_eq(cwt_token(token, &a, id, secret, NULL), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(
		        cwt_token(token, node[i % 2], id, "wrong", NULL), 401);
	ck_assert_int_eq(cwt_token(token, &b, id, secret, NULL), 0);
	ck_assert_int_eq(cwt_stop(&a, SIGTERM, 5000), 0);
	ck_assert_int_eq(cwt_stop(&b, SIGTERM, 5000), 0);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_env_cleanup(&e);
}
END_TEST

START_TEST(bearer_rejections)
{
	char id[64], secret[64], token[64], value[128];
	const char *bad[] = { "Authorization: Bearer nonsense", NULL };
	const char *basic[] = { "Authorization: Basic eDp5", NULL };
	cwt_http res;

	cwt_request(&res, &daemon_, "GET", "/admin/v1/tenants", NULL, NULL);
	ck_assert_int_eq(res.status, 401);
	ck_assert(cwt_header(&res, "WWW-Authenticate", value, sizeof(value)));
	ck_assert_ptr_nonnull(strstr(value, "Bearer"));
	cwt_http_dispose(&res);

	cwt_request(&res, &daemon_, "GET", "/admin/v1/tenants", bad, NULL);
	ck_assert_int_eq(res.status, 401);
	cwt_http_dispose(&res);
	cwt_request(&res, &daemon_, "GET", "/admin/v1/tenants", basic, NULL);
	ck_assert_int_eq(res.status, 401);
	cwt_http_dispose(&res);

	/* A valid token without the admin scope: forbidden, not unauthorised.
	 */
	cwt_client_add(&env, "alpha", R, id, secret);
	ck_assert_int_eq(cwt_token(token, &daemon_, id, secret, NULL), 0);
	cwt_get_auth(&res, &daemon_, "/admin/v1/tenants", token);
	ck_assert_int_eq(res.status, 403);
	ck_assert(cwt_header(&res, "WWW-Authenticate", value, sizeof(value)));
	ck_assert_ptr_nonnull(strstr(value, "insufficient_scope"));
	cwt_http_dispose(&res);

	/* An admin client that asked for fewer scopes gets fewer. */
	cwt_client_add(&env, "alpha", CW_SCOPE_ADMIN " " R, id, secret);
	ck_assert_int_eq(cwt_token(token, &daemon_, id, secret, R), 0);
	cwt_get_auth(&res, &daemon_, "/admin/v1/tenants", token);
	ck_assert_int_eq(res.status, 403);
	cwt_http_dispose(&res);
}
END_TEST

START_TEST(expired_token)
{
	char token[64];
	cwt_http res;

	ck_assert_int_eq(cwt_token(token, &daemon_, env.admin_id,
	                           env.admin_secret, NULL),
	                 0);
	cwt_get_auth(&res, &daemon_, "/admin/v1/tenants", token);
	ck_assert_int_eq(res.status, 200);
	cwt_http_dispose(&res);
	sleep(3); /* token_ttl_s=2 */
	cwt_get_auth(&res, &daemon_, "/admin/v1/tenants", token);
	ck_assert_int_eq(res.status, 401);
	ck_assert_ptr_nonnull(strstr(res.body.data, "expired"));
	cwt_http_dispose(&res);
}
END_TEST

START_TEST(revoked_client_loses_its_tokens)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	char id[64], secret[64], token[64];
	cwt_http res;

	cwt_client_add(&env, "alpha", CW_SCOPE_ADMIN, id, secret);
	ck_assert_int_eq(cwt_token(token, &daemon_, id, secret, NULL), 0);
	cwt_get_auth(&res, &daemon_, "/admin/v1/tenants", token);
	ck_assert_int_eq(res.status, 200);
	cwt_http_dispose(&res);
	/* Revoked by the CLI, in another process, while the daemon runs. */
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "client", "revoke", id, NULL), 0);
	cwt_get_auth(&res, &daemon_, "/admin/v1/tenants", token);
	ck_assert_int_eq(res.status, 401);
	cwt_http_dispose(&res);
	ck_assert_int_eq(cwt_token(token, &daemon_, id, secret, NULL), 401);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

START_TEST(tenants_never_see_each_other)
{
	char a_id[64], a_secret[64], b_id[64], b_secret[64], a_token[64];
	char path[128], auth[128];
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	cwt_http res;
	cJSON *doc, *item;

	cwt_client_add(&env, "alpha", CW_SCOPE_ADMIN, a_id, a_secret);
	cwt_client_add(&env, "beta", CW_SCOPE_ADMIN, b_id, b_secret);
	ck_assert_int_eq(cwt_token(a_token, &daemon_, a_id, a_secret, NULL), 0);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", a_token);

	cwt_get_auth(&res, &daemon_, "/admin/v1/clients", a_token);
	ck_assert_int_eq(res.status, 200);
	doc = cwt_json(&res);
	cJSON_ArrayForEach(item, cJSON_GetObjectItem(doc, "clients"))
	        ck_assert_str_eq(cw_json_string(item, "tenant"), "alpha");
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(doc, "clients")), 1);
	cJSON_Delete(doc);
	cwt_http_dispose(&res);

	cwt_get_auth(&res, &daemon_, "/admin/v1/clients?tenant=beta", a_token);
	ck_assert_int_eq(res.status, 403);
	cwt_http_dispose(&res);

	cwt_get_auth(&res, &daemon_, "/admin/v1/tenants", a_token);
	doc = cwt_json(&res);
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(doc, "tenants")), 1);
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetArrayItem(
	                               cJSON_GetObjectItem(doc, "tenants"), 0),
	                       "name"),
	        "alpha");
	cJSON_Delete(doc);
	cwt_http_dispose(&res);

	/* Another tenant's client is "not found", never "forbidden". */
	snprintf(path, sizeof(path), "/admin/v1/clients/%s", b_id);
	cwt_request(&res, &daemon_, "DELETE", path, headers, NULL);
	ck_assert_int_eq(res.status, 404);
	cwt_http_dispose(&res);

	cwt_request(&res, &daemon_, "POST", "/admin/v1/clients", headers,
	            "{\"tenant\":\"beta\",\"scopes\":[\"" R "\"]}");
	ck_assert_int_eq(res.status, 403);
	cwt_http_dispose(&res);

	cwt_request(&res, &daemon_, "POST", "/admin/v1/tenants", headers,
	            "{\"name\":\"gamma\"}");
	ck_assert_int_eq(res.status, 403);
	cwt_http_dispose(&res);

	/* B's client still works: A's attempts changed nothing. */
	ck_assert_int_eq(cwt_token(a_token, &daemon_, b_id, b_secret, NULL), 0);
}
END_TEST

START_TEST(operator_manages_tenants_and_clients)
{
	char token[64], auth[128], path[128], new_id[64], new_secret[64];
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	cwt_http res;
	cJSON *doc, *entry;
	int saw_tenant_add = 0, saw_revoke = 0;

	ck_assert_int_eq(cwt_token(token, &daemon_, env.admin_id,
	                           env.admin_secret, NULL),
	                 0);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	cwt_request(&res, &daemon_, "POST", "/admin/v1/tenants", headers,
	            "{\"name\":\"gamma\"}");
	ck_assert_int_eq(res.status, 201);
	cwt_http_dispose(&res);
	cwt_request(&res, &daemon_, "POST", "/admin/v1/tenants", headers,
	            "{\"name\":\"gamma\"}");
	ck_assert_int_eq(res.status, 409);
	cwt_http_dispose(&res);
	cwt_request(&res, &daemon_, "POST", "/admin/v1/tenants", headers,
	            "{\"name\":\"Not Valid\"}");
	ck_assert_int_eq(res.status, 422);
	cwt_http_dispose(&res);

	cwt_request(&res, &daemon_, "POST", "/admin/v1/clients", headers,
	            "{\"tenant\":\"gamma\",\"scopes\":\"" R "\"}");
	ck_assert_int_eq(res.status, 201);
	doc = cwt_json(&res);
	snprintf(new_id, sizeof(new_id), "%s",
	         cw_json_string(doc, "client_id"));
	snprintf(new_secret, sizeof(new_secret), "%s",
	         cw_json_string(doc, "client_secret"));
	ck_assert_str_eq(cw_json_string(doc, "tenant"), "gamma");
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	cwt_request(&res, &daemon_, "POST", "/admin/v1/clients", headers,
	            "{\"tenant\":\"gamma\",\"scopes\":\"urn:bogus\"}");
	ck_assert_int_eq(res.status, 422);
	cwt_http_dispose(&res);

	{
		char t[64];
		ck_assert_int_eq(
		        cwt_token(t, &daemon_, new_id, new_secret, NULL), 0);
	}
	snprintf(path, sizeof(path), "/admin/v1/clients/%s", new_id);
	cwt_request(&res, &daemon_, "DELETE", path, headers, NULL);
	ck_assert_int_eq(res.status, 204);
	cwt_http_dispose(&res);
	cwt_request(&res, &daemon_, "DELETE", path, headers, NULL);
	ck_assert_int_eq(res.status, 404);
	cwt_http_dispose(&res);

	cwt_get_auth(&res, &daemon_, "/admin/v1/audit?tenant=gamma", token);
	ck_assert_int_eq(res.status, 200);
	doc = cwt_json(&res);
	cJSON_ArrayForEach(entry, cJSON_GetObjectItem(doc, "entries"))
	{
		const char *action = cw_json_string(entry, "action");
		ck_assert_str_eq(cw_json_string(entry, "tenant"), "gamma");
		if (strcmp(action, "tenant.add") == 0 &&
		    strcmp(cw_json_string(entry, "outcome"), "success") == 0)
			saw_tenant_add = 1;
		if (strcmp(action, "client.revoke") == 0)
			saw_revoke = 1;
		ck_assert_ptr_nonnull(
		        strstr(cw_json_string(entry, "actor"), env.admin_id));
	}
	ck_assert(saw_tenant_add && saw_revoke);
	cJSON_Delete(doc);
	cwt_http_dispose(&res);

	cwt_get_auth(&res, &daemon_, "/admin/v1/audit?limit=0", token);
	ck_assert_int_eq(res.status, 400);
	cwt_http_dispose(&res);
}
END_TEST

Suite *suite_auth(void)
{
	Suite *s = suite_create("integration/auth");
	TCase *tc = tcase_create("oauth");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, token_with_basic_and_post);
	tcase_add_test(tc, token_rejections);
	tcase_add_test(tc, failed_attempts_are_throttled);
	tcase_add_test(tc, bearer_rejections);
	tcase_add_test(tc, expired_token);
	tcase_add_test(tc, revoked_client_loses_its_tokens);
	tcase_add_test(tc, tenants_never_see_each_other);
	tcase_add_test(tc, operator_manages_tenants_and_clients);
	suite_add_tcase(s, tc);
	TCase *nodes = tcase_create("two_nodes");
	tcase_set_timeout(nodes, 60);
	tcase_add_test(nodes, failures_count_across_nodes);
	suite_add_tcase(s, nodes);
	return s;
}
