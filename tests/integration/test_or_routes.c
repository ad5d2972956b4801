/* Every OneRoster route of the route table, walked from the table itself:
 * no token is 401, a token with every scope but the route's is 403, the
 * tenant's own token gets its data, and another tenant's token never sees
 * it (its objects are 404, its collections hold only its own rows). */
#include "harness.h"
#include "or_set.h"

#include "http/api.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

Suite *suite_or_routes(void);

#define OR12 "https://purl.imsglobal.org/spec/or/v1p2/scope/"
#define GB   "/ims/oneroster/gradebook/v1p2"

static cwt_env env;
static cwt_daemon daemon_;
static char all_d1[64], all_d2[64];
static char universe[4096]; /* every scope a OneRoster route names */

/* The id a path parameter stands for in the set, by the segment before
 * it ("/classes/{id}") or by its name ("{class_id}"). */
static const char *id_for(const char *segment, const char *param)
{
	static const struct {
		const char *segment, *id;
	} by_segment[] = {
		{ "academicSessions", "y25" },
		{ "classes", "k" },
		{ "courses", "c" },
		{ "demographics", "s1" },
		{ "enrollments", "e1" },
		{ "gradingPeriods", "gp1" },
		{ "orgs", "sch" },
		{ "schools", "sch" },
		{ "students", "s1" },
		{ "teachers", "t1" },
		{ "terms", "t1" },
		{ "users", "s1" },
		{ "categories", "cat" },
		{ "lineItems", "li1" },
		{ "results", "res1" },
		{ "scoreScales", "sc" },
		{ "resources", "rsa" },
		{ "assessmentLineItems", "ali1" },
		{ "assessmentResults", "ar1" },
	};

	if (strcmp(param, "class_id") == 0)
		return "k";
	if (strcmp(param, "line_item_id") == 0)
		return "li1";
	if (strcmp(param, "student_id") == 0)
		return "s1";
	if (strcmp(param, "academic_session_id") == 0)
		return "gp1";
	for (size_t i = 0; i < sizeof(by_segment) / sizeof(by_segment[0]); i++)
		if (strcmp(by_segment[i].segment, segment) == 0)
			return by_segment[i].id;
	return NULL;
}

/* The route's pattern with its parameters replaced; 1 when it had any. */
static int fill(char *out, size_t n, const char *pattern)
{
	char segment[64] = "";
	size_t used = 0;
	int params = 0;

	for (const char *p = pattern; *p && used + 1 < n;) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			char name[64];
			const char *id;

			ck_assert_ptr_nonnull(close);
			snprintf(name, sizeof(name), "%.*s",
			         (int)(close - p - 1), p + 1);
			id = id_for(segment, name);
			ck_assert_msg(id != NULL, "no id for %s", pattern);
			used += (size_t)snprintf(out + used, n - used, "%s",
			                         id);
			p = close + 1;
			params = 1;
			continue;
		}
		if (*p == '/' && p[1] != '{') {
			size_t len = strcspn(p + 1, "/");

			snprintf(segment, sizeof(segment), "%.*s", (int)len,
			         p + 1);
		}
		out[used++] = *p++;
	}
	out[used] = '\0';
	return params;
}

static int is_oneroster(const cw_route *r)
{
	return strncmp(r->pattern, "/ims/oneroster/", 15) == 0;
}

/* Whether scope is one of the space-separated list. */
static int listed(const char *list, const char *scope, size_t len)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, " ");

		if (n == len && strncmp(p, scope, len) == 0)
			return 1;
		p += n;
		p += strspn(p, " ");
	}
	return 0;
}

static void gather_universe(void)
{
	universe[0] = '\0';
	for (size_t i = 0; i < cw_route_count; i++) {
		const char *p = cw_routes[i].scopes;

		if (!is_oneroster(&cw_routes[i]))
			continue;
		ck_assert_ptr_nonnull(p);
		while (*p) {
			size_t n = strcspn(p, " "), used = strlen(universe);

			if (!listed(universe, p, n))
				snprintf(universe + used,
				         sizeof(universe) - used, "%s%.*s",
				         used ? " " : "", (int)n, p);
			p += n;
			p += strspn(p, " ");
		}
	}
}

/* A d1 token with every OneRoster scope except those of the route. */
static void token_without(char out[64], const char *route_scopes)
{
	static struct {
		const char *scopes;
		char token[64];
	} made[64];
	static size_t count;
	char scopes[4096] = "", id[64], secret[64];

	for (size_t i = 0; i < count; i++)
		if (made[i].scopes == route_scopes) {
			snprintf(out, 64, "%s", made[i].token);
			return;
		}
	for (const char *p = universe; *p;) {
		size_t n = strcspn(p, " "), used = strlen(scopes);

		if (!listed(route_scopes, p, n))
			snprintf(scopes + used, sizeof(scopes) - used, "%s%.*s",
			         used ? " " : "", (int)n, p);
		p += n;
		p += strspn(p, " ");
	}
	cwt_client_add(&env, "d1", scopes, id, secret);
	ck_assert_int_eq(cwt_token(out, &daemon_, id, secret, NULL), 0);
	ck_assert_uint_lt(count, 64);
	made[count].scopes = route_scopes;
	snprintf(made[count++].token, 64, "%s", out);
}

static long call(const char *method, const char *path, const char *tok,
                 const char *body, cw_buf *keep)
{
	char auth[128];
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	cwt_http res;
	long status;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
	         tok ? tok : "");
	cwt_request(&res, &daemon_, method, path, tok ? headers : NULL, body);
	status = res.status;
	if (keep)
		cw_buf_puts(keep, cw_buf_cstr(&res.body));
	cwt_http_dispose(&res);
	return status;
}

/* d2's collection holds only d2's rows ("x-" ids). */
static void only_other_tenant(const char *path, const char *body)
{
	cJSON *doc = NULL, *rows, *row;

	ck_assert_int_eq(cw_json_parse(&doc, body, strlen(body), 64, NULL), 0);
	rows = doc->child;
	ck_assert_msg(cJSON_IsArray(rows), "%s: %s", path, body);
	cJSON_ArrayForEach(row, rows)
	{
		const char *id = cw_json_string(row, "sourcedId");

		ck_assert_msg(id && strncmp(id, "x-", 2) == 0, "%s: d2 sees %s",
		              path, id ? id : "?");
	}
	cJSON_Delete(doc);
}

static void setup(void)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	char id[64], secret[64], set[400], tok[64];

	cwt_env_init(&env);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d1", NULL),
	                 0);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d2", NULL),
	                 0);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	snprintf(set, sizeof(set), "%s/set1", env.dir);
	cwt_or_write_set(set, cwt_or_users_csv);
	cwt_or_import(&env, "d1", set);
	/* d2: a few rows of its own, none with a d1 id. */
	snprintf(set, sizeof(set), "%s/set2", env.dir);
	ck_assert_int_eq(mkdir(set, 0700), 0);
	cwt_or_write_file(set, "manifest.csv",
	                  "propertyName,value\noneroster.version,1.2\n"
	                  "file.orgs,bulk\nfile.users,bulk\nfile.roles,bulk\n");
	cwt_or_write_file(set, "orgs.csv",
	                  "sourcedId,name,type,identifier\n"
	                  "x-sch,X School,school,X1\n");
	cwt_or_write_file(set, "users.csv",
	                  "sourcedId,enabledUser,username,givenName,"
	                  "familyName\nx-u1,true,xu,Xavier,Other\n");
	cwt_or_write_file(set, "roles.csv",
	                  "sourcedId,userSourcedId,roleType,role,"
	                  "orgSourcedId\nx-r1,x-u1,primary,student,x-sch\n");
	cwt_or_import(&env, "d2", set);
	cwt_start(&daemon_, &env, NULL);
	gather_universe();
	cwt_client_add(&env, "d1", universe, id, secret);
	ck_assert_int_eq(cwt_token(all_d1, &daemon_, id, secret, NULL), 0);
	cwt_client_add(&env, "d2", universe, id, secret);
	ck_assert_int_eq(cwt_token(all_d2, &daemon_, id, secret, NULL), 0);
	/* The assessment profile has no CSV file: made through the API. */
	snprintf(tok, sizeof(tok), "%s", all_d1);
	ck_assert_int_eq(call("PUT", GB "/assessmentLineItems/ali1", tok,
	                      "{\"assessmentLineItem\":{\"title\":\"T\"}}",
	                      NULL),
	                 201);
	ck_assert_int_eq(
	        call("PUT", GB "/assessmentResults/ar1", tok,
	             "{\"assessmentResult\":{\"assessmentLineItem\":"
	             "{\"sourcedId\":\"ali1\"},\"student\":{\"sourcedId\":"
	             "\"s1\"},\"scoreStatus\":\"submitted\",\"scoreDate\":"
	             "\"2024-12-01\"}}",
	             NULL),
	        201);
}

static void teardown(void)
{
	cwt_stop(&daemon_, SIGTERM, 5000);
	cwt_env_cleanup(&env);
}

START_TEST(every_route_checks_token_scope_and_tenant)
{
	size_t routes = 0;

	for (size_t i = 0; i < cw_route_count; i++) {
		const cw_route *r = &cw_routes[i];
		char path[512], denied[64];
		cw_buf body = CW_BUF_INIT(1 << 22);
		int nested, write = strcmp(r->method, "GET") != 0;
		long status;

		if (!is_oneroster(r))
			continue;
		routes++;
		nested = fill(path, sizeof(path), r->pattern);
		status = call(r->method, path, NULL,
		              r->body_limit ? "{}" : NULL, NULL);
		ck_assert_msg(status == 401, "%s %s without a token: %ld",
		              r->method, path, status);
		token_without(denied, r->scopes);
		status = call(r->method, path, denied,
		              r->body_limit ? "{}" : NULL, NULL);
		ck_assert_msg(status == 403, "%s %s without its scope: %ld",
		              r->method, path, status);
		if (write) {
			/* Another tenant cannot touch d1's objects. */
			status = call(r->method, path, all_d2,
			              r->body_limit ? "{}" : NULL, NULL);
			ck_assert_msg(status == 404 || status == 422,
			              "%s %s as d2: %ld", r->method, path,
			              status);
			continue;
		}
		status = call("GET", path, all_d1, NULL, &body);
		ck_assert_msg(status == 200, "GET %s: %ld %s", path, status,
		              cw_buf_cstr(&body));
		cw_buf_clear(&body);
		status = call("GET", path, all_d2, NULL, &body);
		if (nested) {
			ck_assert_msg(status == 404, "GET %s as d2: %ld %s",
			              path, status, cw_buf_cstr(&body));
		} else {
			ck_assert_msg(status == 200, "GET %s as d2: %ld", path,
			              status);
			only_other_tenant(path, cw_buf_cstr(&body));
		}
		cw_buf_dispose(&body);
	}
	ck_assert_uint_ge(routes, 140);
	/* Nothing d2 sent changed d1: its objects are all still there. */
	ck_assert_int_eq(call("GET", GB "/results/res1", all_d1, NULL, NULL),
	                 200);
	ck_assert_int_eq(
	        call("GET", GB "/assessmentLineItems/ali1", all_d1, NULL, NULL),
	        200);
	ck_assert_int_eq(call("GET", GB "/categories/cat", all_d1, NULL, NULL),
	                 200);
}
END_TEST

/* A write with another tenant's token lands in that tenant only. */
START_TEST(writes_stay_in_their_tenant)
{
	cw_buf body = CW_BUF_INIT(1 << 16);

	ck_assert_int_eq(call("PUT", GB "/categories/cat", all_d2,
	                      "{\"category\":{\"title\":\"Mine\"}}", NULL),
	                 201);
	ck_assert_int_eq(call("GET", GB "/categories/cat", all_d1, NULL, &body),
	                 200);
	ck_assert_ptr_null(strstr(cw_buf_cstr(&body), "Mine"));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&body), "Homework"));
	cw_buf_clear(&body);
	ck_assert_int_eq(call("GET", GB "/categories/cat", all_d2, NULL, &body),
	                 200);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&body), "Mine"));
	ck_assert_int_eq(
	        call("DELETE", GB "/categories/cat", all_d2, NULL, NULL), 204);
	ck_assert_int_eq(call("GET", GB "/categories/cat", all_d1, NULL, NULL),
	                 200);
	cw_buf_dispose(&body);
}
END_TEST

Suite *suite_or_routes(void)
{
	Suite *s = suite_create("integration/oneroster-routes");
	TCase *tc = tcase_create("table");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_route_checks_token_scope_and_tenant);
	tcase_add_test(tc, writes_stay_in_their_tenant);
	suite_add_tcase(s, tc);
	return s;
}
