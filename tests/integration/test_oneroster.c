/* The OneRoster 1.2 rostering REST API on a set the test imports: shapes,
 * paging, filters, subsets, nested routes, scopes and tenants. */
#include "harness.h"
#include "or_set.h"

#include "unit/tmpdir.h"
#include "util/json.h"
#include "util/timeutil.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

Suite *suite_oneroster(void);

#define OR12 "https://purl.imsglobal.org/spec/or/v1p2/scope/"
#define BASE "/ims/oneroster/rostering/v1p2"

static cwt_env env;
static cwt_daemon daemon_;
static char token[64];      /* d1: every rostering scope */
static char core_token[64]; /* d1: roster-core only */
static char other_token[64];

static void setup(void)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	char id[64], secret[64], set[400];

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
	snprintf(set, sizeof(set), "%s/set2", env.dir);
	cwt_or_write_set(set,
	                 "sourcedId,enabledUser,username,givenName,familyName\n"
	                 "s1,true,x,Other,Person\ns2,true,y,B,C\n"
	                 "t1,true,z,D,E\n");
	cwt_or_import(&env, "d2", set);
	cwt_start(&daemon_, &env, NULL);
	cwt_client_add(&env, "d1",
	               OR12 "roster.readonly " OR12 "roster-core.readonly " OR12
	                    "roster-demographics.readonly",
	               id, secret);
	ck_assert_int_eq(cwt_token(token, &daemon_, id, secret, NULL), 0);
	cwt_client_add(&env, "d1", OR12 "roster-core.readonly", id, secret);
	ck_assert_int_eq(cwt_token(core_token, &daemon_, id, secret, NULL), 0);
	cwt_client_add(&env, "d2", OR12 "roster.readonly", id, secret);
	ck_assert_int_eq(cwt_token(other_token, &daemon_, id, secret, NULL), 0);
}

static void teardown(void)
{
	cwt_stop(&daemon_, SIGTERM, 5000);
	cwt_env_cleanup(&env);
}

/* GET path with tok; checks the status; returns the body as JSON. */
static cJSON *get(const char *path, const char *tok, long status,
                  cwt_http *keep)
{
	cwt_http res;
	cJSON *doc;

	cwt_get_auth(&res, &daemon_, path, tok);
	ck_assert_msg(res.status == status, "%s: %ld %s", path, res.status,
	              cw_buf_cstr(&res.body));
	doc = cwt_json(&res);
	if (keep)
		*keep = res;
	else
		cwt_http_dispose(&res);
	return doc;
}

static int size_of(const cJSON *doc, const char *name)
{
	return cJSON_GetArraySize(cJSON_GetObjectItem(doc, name));
}

/* The sourcedIds of a collection, comma-joined. */
static void ids_of(char *out, size_t n, const cJSON *doc, const char *name)
{
	const cJSON *item;

	out[0] = '\0';
	cJSON_ArrayForEach(item, cJSON_GetObjectItem(doc, name))
	{
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s%s", len ? "," : "",
		         cw_json_string(item, "sourcedId"));
	}
}

static const char *minor_of(const cJSON *doc)
{
	const cJSON *f = cJSON_GetArrayItem(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "imsx_CodeMinor"),
	                            "imsx_codeMinorField"),
	        0);
	return cw_json_string(f, "imsx_codeMinorFieldValue");
}

START_TEST(users_in_the_json_binding)
{
	cwt_http res;
	char header[2048];
	cJSON *doc = get(BASE "/users", token, 200, &res), *u, *role;

	ck_assert_int_eq(size_of(doc, "users"), 3);
	ck_assert(cwt_header(&res, "X-Total-Count", header, sizeof(header)));
	ck_assert_str_eq(header, "3");
	cwt_http_dispose(&res);
	u = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "users"), 0);
	ck_assert_str_eq(cw_json_string(u, "sourcedId"), "s1");
	ck_assert_str_eq(cw_json_string(u, "status"), "active");
	ck_assert_str_eq(cw_json_string(u, "enabledUser"), "true");
	ck_assert_str_eq(cw_json_string(u, "preferredFirstName"), "Addie");
	ck_assert_ptr_null(cJSON_GetObjectItem(u, "preferredGivenName"));
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetArrayItem(
	                               cJSON_GetObjectItem(u, "userIds"), 0),
	                       "identifier"),
	        "a1");
	role = cJSON_GetArrayItem(cJSON_GetObjectItem(u, "roles"), 0);
	ck_assert_str_eq(cw_json_string(role, "role"), "student");
	ck_assert_str_eq(cw_json_string(role, "roleType"), "primary");
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(role, "org"), "type"),
	        "org");
	ck_assert_ptr_nonnull(
	        strstr(cw_json_string(cJSON_GetObjectItem(role, "org"), "href"),
	               BASE "/orgs/sch"));
	cJSON_Delete(doc);

	doc = get(BASE "/classes/k", token, 200, NULL);
	u = cJSON_GetObjectItem(doc, "class");
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(u, "course"), "sourcedId"),
	        "c");
	ck_assert_str_eq(
	        cw_json_string(
	                cJSON_GetArrayItem(cJSON_GetObjectItem(u, "terms"), 0),
	                "type"),
	        "academicSession");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(u, "grades")),
	                 2);
	cJSON_Delete(doc);

	doc = get(BASE "/users/nobody", token, 404, NULL);
	ck_assert_str_eq(minor_of(doc), "unknownobject");
	cJSON_Delete(doc);
}
END_TEST

START_TEST(paging_and_links)
{
	cwt_http res;
	char header[2048], ids[256];
	cJSON *doc = get(BASE "/users?limit=1&offset=1", token, 200, &res);

	ids_of(ids, sizeof(ids), doc, "users");
	ck_assert_str_eq(ids, "s2");
	ck_assert(cwt_header(&res, "Link", header, sizeof(header)));
	ck_assert_ptr_nonnull(
	        strstr(header, "offset=2&limit=1>; rel=\"next\""));
	ck_assert_ptr_nonnull(
	        strstr(header, "offset=0&limit=1>; rel=\"prev\""));
	ck_assert_ptr_nonnull(
	        strstr(header, "offset=2&limit=1>; rel=\"last\""));
	cwt_http_dispose(&res);
	cJSON_Delete(doc);

	/* Past the end: an empty page, the total still said. */
	doc = get(BASE "/users?offset=10", token, 200, &res);
	ck_assert_int_eq(size_of(doc, "users"), 0);
	ck_assert(cwt_header(&res, "X-Total-Count", header, sizeof(header)));
	ck_assert_str_eq(header, "3");
	cwt_http_dispose(&res);
	cJSON_Delete(doc);

	doc = get(BASE "/users?limit=0", token, 400, NULL);
	ck_assert_str_eq(minor_of(doc), "invaliddata");
	cJSON_Delete(doc);
	doc = get(BASE "/users?offset=-1", token, 400, NULL);
	cJSON_Delete(doc);
	doc = get(BASE "/users?limit=99999999999", token, 200, NULL);
	ck_assert_int_eq(size_of(doc, "users"), 3);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(filters_sorts_and_fields)
{
	char ids[256];
	cJSON *doc, *u;

	doc = get(BASE "/users?filter=givenName%3D%27Grace%27", token, 200,
	          NULL);
	ids_of(ids, sizeof(ids), doc, "users");
	ck_assert_str_eq(ids, "s2");
	cJSON_Delete(doc);
	doc = get(BASE "/users?filter=roles.role%3D%27teacher%27%20OR%20"
	               "givenName%3D%27Ada%27",
	          token, 200, NULL);
	ids_of(ids, sizeof(ids), doc, "users");
	ck_assert_str_eq(ids, "s1,t1");
	cJSON_Delete(doc);
	doc = get(BASE "/users?sort=familyName&orderBy=desc", token, 200, NULL);
	ids_of(ids, sizeof(ids), doc, "users");
	ck_assert_str_eq(ids, "t1,s1,s2"); /* Turing, Lovelace, Hopper */
	cJSON_Delete(doc);
	/* A sort on no field of theirs: the default order, as the binding
	 * says, not an error. */
	doc = get(BASE "/users?sort=shoeSize&orderBy=desc", token, 200, NULL);
	ids_of(ids, sizeof(ids), doc, "users");
	ck_assert_str_eq(ids, "t1,s2,s1");
	cJSON_Delete(doc);
	doc = get(BASE "/users?fields=sourcedId,givenName", token, 200, NULL);
	u = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "users"), 0);
	ck_assert_int_eq(cJSON_GetArraySize(u), 2);
	ck_assert_str_eq(cw_json_string(u, "givenName"), "Ada");
	cJSON_Delete(doc);

	doc = get(BASE "/users?filter=nosuch%3D%27x%27", token, 400, NULL);
	ck_assert_str_eq(minor_of(doc), "invalid_filter_field");
	cJSON_Delete(doc);
	doc = get(BASE "/users?filter=givenName%3D%27unclosed", token, 400,
	          NULL);
	ck_assert_str_eq(minor_of(doc), "invalid_filter_field");
	cJSON_Delete(doc);
	doc = get(BASE "/users?fields=sourcedId,bogus", token, 400, NULL);
	ck_assert_str_eq(minor_of(doc), "invalid_selection_field");
	cJSON_Delete(doc);
	doc = get(BASE "/users/s1?fields=email", token, 200, NULL);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "user")),
	                 1);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(subsets_and_nested_routes)
{
	static const struct {
		const char *path, *envelope, *ids;
	} cases[] = {
		{ BASE "/schools", "orgs", "sch,sch2" },
		{ BASE "/terms", "academicSessions", "t1" },
		{ BASE "/gradingPeriods", "academicSessions", "gp1" },
		{ BASE "/students", "users", "s1,s2" },
		{ BASE "/teachers", "users", "t1" },
		{ BASE "/classes/k/students", "users", "s1" },
		{ BASE "/classes/k/teachers", "users", "t1" },
		{ BASE "/courses/c/classes", "classes", "k,k2" },
		{ BASE "/schools/sch/classes", "classes", "k" },
		{ BASE "/schools/sch/courses", "courses", "c" },
		{ BASE "/schools/sch/enrollments", "enrollments", "e1,e2" },
		{ BASE "/schools/sch/students", "users", "s1,s2" },
		{ BASE "/schools/sch/teachers", "users", "t1" },
		{ BASE "/schools/sch/terms", "academicSessions", "t1" },
		{ BASE "/schools/sch/classes/k/enrollments", "enrollments",
		  "e1,e2" },
		{ BASE "/schools/sch/classes/k/students", "users", "s1" },
		{ BASE "/schools/sch/classes/k/teachers", "users", "t1" },
		{ BASE "/students/s1/classes", "classes", "k" },
		{ BASE "/teachers/t1/classes", "classes", "k" },
		{ BASE "/users/s2/classes", "classes", "k2" },
		{ BASE "/terms/t1/classes", "classes", "k,k2" },
		{ BASE "/terms/t1/gradingPeriods", "academicSessions", "gp1" },
	};
	char ids[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *doc = get(cases[i].path, token, 200, NULL);

		ids_of(ids, sizeof(ids), doc, cases[i].envelope);
		ck_assert_msg(strcmp(ids, cases[i].ids) == 0, "%s: %s",
		              cases[i].path, ids);
		cJSON_Delete(doc);
	}
	/* The parent must exist, and be what the route says. */
	cJSON_Delete(get(BASE "/schools/dst", token, 404, NULL));
	cJSON_Delete(get(BASE "/schools/nosuch/classes", token, 404, NULL));
	cJSON_Delete(get(BASE "/students/t1/classes", token, 404, NULL));
	cJSON_Delete(
	        get(BASE "/schools/sch2/classes/k/students", token, 404, NULL));
	cJSON_Delete(get(BASE "/schools/sch", token, 200, NULL));
}
END_TEST

START_TEST(scopes_and_tenants)
{
	cJSON *doc;
	char ids[256];

	/* roster-core reads collections, not nested routes nor demographics */
	cJSON_Delete(get(BASE "/users", core_token, 200, NULL));
	doc = get(BASE "/classes/k/students", core_token, 403, NULL);
	cJSON_Delete(doc);
	cJSON_Delete(get(BASE "/demographics", core_token, 403, NULL));
	doc = get(BASE "/demographics/s1", token, 200, NULL);
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(doc, "demographics"), "sex"),
	        "female");
	cJSON_Delete(doc);
	/* The admin client of the system tenant is not a roster client. */
	{
		char admin[64];

		ck_assert_int_eq(cwt_token(admin, &daemon_, env.admin_id,
		                           env.admin_secret, NULL),
		                 0);
		cJSON_Delete(get(BASE "/users", admin, 403, NULL));
	}
	/* d2's client sees d2's users, under the same ids. */
	doc = get(BASE "/users/s1", other_token, 200, NULL);
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(doc, "user"), "givenName"),
	        "Other");
	cJSON_Delete(doc);
	doc = get(BASE "/users?filter=givenName%3D%27Ada%27", other_token, 200,
	          NULL);
	ids_of(ids, sizeof(ids), doc, "users");
	ck_assert_str_eq(ids, "");
	cJSON_Delete(doc);
	cJSON_Delete(get(BASE "/users", "not-a-token", 401, NULL));
}
END_TEST

/* An import shows up in the API within a second (the change log moved). */
START_TEST(imports_show_up)
{
	char set[400];
	cJSON *doc;

	cJSON_Delete(get(BASE "/users", token, 200, NULL));
	snprintf(set, sizeof(set), "%s/set3", env.dir);
	cwt_or_write_set(set,
	                 "sourcedId,enabledUser,username,givenName,familyName\n"
	                 "s1,true,s1,Ada,Byron\ns2,true,s2,Grace,Hopper\n"
	                 "t1,true,t1,Alan,Turing\n");
	cwt_or_import(&env, "d1", set);
	for (int i = 0; i < 40; i++) {
		doc = get(BASE "/users/s1", token, 200, NULL);
		if (strcmp(cw_json_string(cJSON_GetObjectItem(doc, "user"),
		                          "familyName"),
		           "Byron") == 0) {
			cJSON_Delete(doc);
			return;
		}
		cJSON_Delete(doc);
		cwt_sleep_ms(100);
	}
	ck_abort_msg("the import did not show up");
}
END_TEST

#define GB "/ims/oneroster/gradebook/v1p2"

/* Gradebook reads: lineItems and results with their CASE objectives and
 * score scales, numbers as numbers, the class-nested routes. */
START_TEST(gradebook_reads)
{
	static const struct {
		const char *path, *envelope, *ids;
	} cases[] = {
		{ GB "/lineItems", "lineItems", "li1,li2" },
		{ GB "/results", "results", "res1,res2" },
		{ GB "/categories", "categories", "cat" },
		{ GB "/scoreScales", "scoreScales", "sc" },
		{ GB "/classes/k/lineItems", "lineItems", "li1" },
		{ GB "/classes/k/results", "results", "res1" },
		{ GB "/classes/k2/categories", "categories", "cat" },
		{ GB "/classes/k/scoreScales", "scoreScales", "sc" },
		{ GB "/classes/k/lineItems/li1/results", "results", "res1" },
		{ GB "/classes/k2/students/s2/results", "results", "res2" },
		{ GB "/classes/k/students/s2/results", "results", "" },
		{ GB "/schools/sch/scoreScales", "scoreScales", "sc" },
		{ GB "/results?filter=score%3E%272.9%27", "results", "res1" },
	};
	cJSON *doc, *li, *set, *res, *scale;
	char gb_token[64], id[64], secret[64], ids[256];

	cwt_client_add(&env, "d1", OR12 "gradebook.readonly", id, secret);
	ck_assert_int_eq(cwt_token(gb_token, &daemon_, id, secret, NULL), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		doc = get(cases[i].path, gb_token, 200, NULL);
		ids_of(ids, sizeof(ids), doc, cases[i].envelope);
		ck_assert_msg(strcmp(ids, cases[i].ids) == 0, "%s: %s",
		              cases[i].path, ids);
		cJSON_Delete(doc);
	}
	doc = get(GB "/lineItems/li1", gb_token, 200, NULL);
	li = cJSON_GetObjectItem(doc, "lineItem");
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(li, "gradingPeriod"),
	                       "type"),
	        "academicSession");
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(li, "resultValueMax")));
	ck_assert_str_eq(cw_json_string(cJSON_GetObjectItem(li, "scoreScale"),
	                                "sourcedId"),
	                 "sc");
	set = cJSON_GetArrayItem(
	        cJSON_GetObjectItem(li, "learningObjectiveSet"), 0);
	ck_assert_str_eq(cw_json_string(set, "source"), "case");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(
	                         set, "learningObjectiveIds")),
	                 2);
	cJSON_Delete(doc);
	doc = get(GB "/results/res1", gb_token, 200, NULL);
	res = cJSON_GetObjectItem(doc, "result");
	ck_assert_double_eq(cJSON_GetObjectItem(res, "score")->valuedouble, 3);
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(res, "student"), "type"),
	        "user");
	set = cJSON_GetArrayItem(
	        cJSON_GetObjectItem(
	                cJSON_GetArrayItem(cJSON_GetObjectItem(
	                                           res, "learningObjectiveSet"),
	                                   0),
	                "learningObjectiveResults"),
	        0);
	ck_assert_str_eq(cw_json_string(set, "textScore"), "Proficient");
	ck_assert_double_eq(cJSON_GetObjectItem(set, "score")->valuedouble, 3);
	cJSON_Delete(doc);
	doc = get(GB "/scoreScales/sc", gb_token, 200, NULL);
	scale = cJSON_GetArrayItem(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "scoreScale"),
	                            "scoreScaleValue"),
	        1);
	ck_assert_str_eq(cw_json_string(scale, "itemValueLHS"), "Advanced");
	ck_assert_str_eq(cw_json_string(scale, "itemValueRHS"), "4");
	ck_assert_ptr_null(cJSON_GetObjectItem(
	        cJSON_GetObjectItem(doc, "scoreScale"), "org"));
	cJSON_Delete(doc);
	cJSON_Delete(get(GB "/classes/k/lineItems/li2/results", gb_token, 404,
	                 NULL));
	cJSON_Delete(get(GB "/lineItems", core_token, 403, NULL));
}
END_TEST

#define RS "/ims/oneroster/resources/v1p2"

START_TEST(resource_reads)
{
	static const struct {
		const char *path, *ids;
	} cases[] = {
		{ RS "/resources", "rsa,rsb" },
		{ RS "/classes/k/resources", "rsa" },
		{ RS "/courses/c/resources", "rsb" },
		{ RS "/users/s1/resources", "rsa,rsb" },
		{ RS "/users/s2/resources", "" },
	};
	char rs_token[64], id[64], secret[64], ids[256];
	cJSON *doc;

	cwt_client_add(&env, "d1", OR12 "resource.readonly", id, secret);
	ck_assert_int_eq(cwt_token(rs_token, &daemon_, id, secret, NULL), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		doc = get(cases[i].path, rs_token, 200, NULL);
		ids_of(ids, sizeof(ids), doc, "resources");
		ck_assert_msg(strcmp(ids, cases[i].ids) == 0, "%s: %s",
		              cases[i].path, ids);
		cJSON_Delete(doc);
	}
	doc = get(RS "/resources/rsa", rs_token, 200, NULL);
	ck_assert_str_eq(cw_json_string(cJSON_GetObjectItem(doc, "resource"),
	                                "vendorResourceId"),
	                 "V1");
	cJSON_Delete(doc);
	cJSON_Delete(get(RS "/classes/nosuch/resources", rs_token, 404, NULL));
	cJSON_Delete(get(RS "/resources", token, 403, NULL));
}
END_TEST

/* PUT with a bearer token and a JSON body; returns the answer parsed. */
static cJSON *send(const char *method, const char *path, const char *tok,
                   const char *body, long status)
{
	char auth[128];
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	cwt_http res;
	cJSON *doc = NULL;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
	cwt_request(&res, &daemon_, method, path, headers, body);
	ck_assert_msg(res.status == status, "%s %s: %ld %s", method, path,
	              res.status, cw_buf_cstr(&res.body));
	if (res.body.len)
		doc = cwt_json(&res);
	cwt_http_dispose(&res);
	return doc;
}

static const char *description(const cJSON *doc)
{
	return cw_json_string(doc, "imsx_description");
}

#define LO "urn:uuid:5e3c9b2a-7f4d-4c1e-9a0b-1d2e3f405162"

/* Mastery comes back: results and lineItems written through the API, with
 * their objectives and scale, checked as an import checks a row. */
START_TEST(gradebook_writes)
{
	static const struct {
		const char *body, *pointer;
	} bad[] = {
		{ "{\"result\":{\"lineItem\":{\"sourcedId\":\"li1\"},"
		  "\"student\":{\"sourcedId\":\"s2\"},\"scoreStatus\":"
		  "\"bogus\",\"scoreDate\":\"2024-10-01\"}}",
		  "/result/scoreStatus" },
		{ "{\"result\":{\"lineItem\":{\"sourcedId\":\"nope\"},"
		  "\"student\":{\"sourcedId\":\"s2\"},\"scoreStatus\":"
		  "\"submitted\",\"scoreDate\":\"2024-10-01\"}}",
		  "/result/lineItem/sourcedId" },
		{ "{\"result\":{\"lineItem\":{\"sourcedId\":\"li1\"},"
		  "\"student\":{\"sourcedId\":\"s2\"},\"scoreStatus\":"
		  "\"submitted\"}}",
		  "/result/scoreDate" },
		{ "{\"result\":{\"grade\":\"A\"}}", "/result/grade" },
		{ "{\"result\":{\"sourcedId\":\"other\"}}",
		  "/result/sourcedId" },
		{ "{\"result\":{\"score\":\"high\"}}", "/result/score" },
		{ "{\"result\":{\"lineItem\":\"li1\"}}", "/result/lineItem" },
		{ "{\"results\":{}}", "expected {\"result\"" },
	};
	char id[64], secret[64], writer[64], out[400], text[8192];
	cw_buf o = CW_BUF_INIT(1 << 16), e = CW_BUF_INIT(1 << 16);
	cJSON *doc, *r;

	cwt_client_add(&env, "d1",
	               OR12 "gradebook.createput " OR12 "gradebook.delete " OR12
	                    "gradebook.readonly",
	               id, secret);
	ck_assert_int_eq(cwt_token(writer, &daemon_, id, secret, NULL), 0);

	doc = send("PUT", GB "/results/res9", writer,
	           "{\"result\":{\"sourcedId\":\"res9\",\"lineItem\":"
	           "{\"sourcedId\":\"li1\"},\"student\":{\"sourcedId\":"
	           "\"s2\"},\"scoreStatus\":\"fully graded\",\"score\":4,"
	           "\"scoreDate\":\"2024-10-01\",\"textScore\":\"Advanced\","
	           "\"late\":false,\"scoreScale\":{\"sourcedId\":\"sc\"},"
	           "\"learningObjectiveSet\":[{\"source\":\"case\","
	           "\"learningObjectiveResults\":[{\"learningObjectiveId\":"
	           "\"" LO "\",\"score\":4}]}]}}",
	           201);
	ck_assert_double_eq(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "result"), "score")
	                ->valuedouble,
	        4);
	/* The answer is the object as stored, its links included. */
	r = cJSON_GetObjectItem(doc, "result");
	ck_assert_str_eq(cw_json_string(cJSON_GetObjectItem(r, "scoreScale"),
	                                "sourcedId"),
	                 "sc");
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(
	                cJSON_GetArrayItem(
	                        cJSON_GetObjectItem(r, "learningObjectiveSet"),
	                        0),
	                "learningObjectiveResults")),
	        1);
	cJSON_Delete(doc);
	doc = get(GB "/results/res9", writer, 200, NULL);
	r = cJSON_GetObjectItem(doc, "result");
	ck_assert_str_eq(cw_json_string(r, "late"), "false");
	ck_assert_str_eq(cw_json_string(cJSON_GetObjectItem(r, "scoreScale"),
	                                "sourcedId"),
	                 "sc");
	ck_assert_str_eq(
	        cw_json_string(
	                cJSON_GetArrayItem(
	                        cJSON_GetObjectItem(
	                                cJSON_GetArrayItem(
	                                        cJSON_GetObjectItem(
	                                                r,
	                                                "learningObjectiveSet"),
	                                        0),
	                                "learningObjectiveResults"),
	                        0),
	                "learningObjectiveId"),
	        LO);
	cJSON_Delete(doc);

	/* Written again without objectives: the old link rows go. */
	cJSON_Delete(send("PUT", GB "/results/res9", writer,
	                  "{\"result\":{\"lineItem\":{\"sourcedId\":\"li1\"},"
	                  "\"student\":{\"sourcedId\":\"s2\"},"
	                  "\"scoreStatus\":\"fully graded\",\"score\":2,"
	                  "\"scoreDate\":\"2024-10-02\"}}",
	                  201));
	doc = get(GB "/results/res9", writer, 200, NULL);
	r = cJSON_GetObjectItem(doc, "result");
	ck_assert_double_eq(cJSON_GetObjectItem(r, "score")->valuedouble, 2);
	ck_assert_ptr_null(cJSON_GetObjectItem(r, "learningObjectiveSet"));
	ck_assert_ptr_null(cJSON_GetObjectItem(r, "scoreScale"));
	cJSON_Delete(doc);

	/* It is in the roster like an imported row: the CSV export has it. */
	snprintf(out, sizeof(out), "%s/exported", env.dir);
	ck_assert_int_eq(cwt_run(&env, &o, &e, "roster", "export", "--tenant",
	                         "d1", "--version", "1.2", "--out", out, NULL),
	                 0);
	{
		char path[500];
		FILE *f;
		size_t n;

		snprintf(path, sizeof(path), "%s/results.csv", out);
		f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		n = fread(text, 1, sizeof(text) - 1, f);
		text[n] = '\0';
		fclose(f);
		ck_assert_ptr_nonnull(strstr(text, "res9,,,li1,s2,fully "
		                                   "graded,2,2024-10-02"));
	}

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		doc = send("PUT", GB "/results/res9", writer, bad[i].body, 422);
		ck_assert_msg(strstr(description(doc), bad[i].pointer) != NULL,
		              "%s: %s", bad[i].body, description(doc));
		cJSON_Delete(doc);
	}
	cJSON_Delete(send("PUT", GB "/results/res9", token, "{}", 403));

	/* A new lineItem shows up under its class. */
	cJSON_Delete(send("PUT", GB "/lineItems/li3", writer,
	                  "{\"lineItem\":{\"title\":\"Quiz\",\"assignDate\":"
	                  "\"2024-10-01T00:00:00Z\",\"dueDate\":\"2024-10-08\","
	                  "\"class\":{\"sourcedId\":\"k\"},\"category\":"
	                  "{\"sourcedId\":\"cat\"},\"gradingPeriod\":"
	                  "{\"sourcedId\":\"gp1\"},\"school\":{\"sourcedId\":"
	                  "\"sch\"},\"resultValueMax\":4,"
	                  "\"learningObjectiveSet\":[{\"source\":\"case\","
	                  "\"learningObjectiveIds\":[\"" LO "\"]}]}}",
	                  201));
	doc = get(GB "/classes/k/lineItems", writer, 200, NULL);
	ids_of(text, sizeof(text), doc, "lineItems");
	ck_assert_str_eq(text, "li1,li3");
	cJSON_Delete(doc);

	/* Deleting: a lineItem results point at stays (409); a result goes. */
	doc = send("DELETE", GB "/lineItems/li1", writer, NULL, 409);
	ck_assert_ptr_nonnull(strstr(description(doc), "res"));
	cJSON_Delete(doc);
	cJSON_Delete(send("DELETE", GB "/results/res9", writer, NULL, 204));
	cJSON_Delete(get(GB "/results/res9", writer, 404, NULL));
	cJSON_Delete(send("DELETE", GB "/results/res9", writer, NULL, 404));
	cJSON_Delete(send("DELETE", GB "/lineItems/li3", writer, NULL, 204));

	/* Categories and score scales; a scale's org is its class's school. */
	cJSON_Delete(send("PUT", GB "/categories/cat2", writer,
	                  "{\"category\":{\"title\":\"Quizzes\",\"weight\":3}}",
	                  201));
	doc = get(GB "/categories/cat2", writer, 200, NULL);
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(
	        cJSON_GetObjectItem(doc, "category"), "weight")));
	cJSON_Delete(doc);
	cJSON_Delete(send("PUT", GB "/scoreScales/sc2", writer,
	                  "{\"scoreScale\":{\"title\":\"Levels\",\"type\":"
	                  "\"mastery\",\"class\":{\"sourcedId\":\"k\"},"
	                  "\"course\":{\"sourcedId\":\"c\"},"
	                  "\"scoreScaleValue\":[{\"itemValueLHS\":\"Met\","
	                  "\"itemValueRHS\":\"3\"}]}}",
	                  201));
	doc = get(GB "/schools/sch/scoreScales", writer, 200, NULL);
	ids_of(text, sizeof(text), doc, "scoreScales");
	ck_assert_str_eq(text, "sc,sc2");
	cJSON_Delete(doc);
	doc = send("PUT", GB "/scoreScales/sc2", writer,
	           "{\"scoreScale\":{\"title\":\"Levels\",\"type\":\"m\","
	           "\"class\":{\"sourcedId\":\"k\"},\"course\":"
	           "{\"sourcedId\":\"c\"},\"scoreScaleValue\":"
	           "[{\"itemValueLHS\":\"a:b\",\"itemValueRHS\":\"3\"}]}}",
	           422);
	ck_assert_ptr_nonnull(
	        strstr(description(doc), "/scoreScale/scoreScaleValue/0"));
	cJSON_Delete(doc);
	cJSON_Delete(send("DELETE", GB "/categories/cat", writer, NULL, 409));
	cJSON_Delete(send("DELETE", GB "/categories/cat2", writer, NULL, 204));
	cJSON_Delete(send("DELETE", GB "/scoreScales/sc2", writer, NULL, 204));
	cw_buf_dispose(&o);
	cw_buf_dispose(&e);
}
END_TEST

#define OR11 "https://purl.imsglobal.org/spec/or/v1p1/scope/"
#define V1   "/ims/oneroster/v1p1"

/* The same data in the 1.1 binding: users with role and orgs, hrefs under
 * /v1p1, members 1.1 does not have left out; its own scopes. */
START_TEST(v11_binding)
{
	char v1_token[64], id[64], secret[64], ids[256];
	cJSON *doc, *u, *li;

	cwt_client_add(&env, "d1",
	               OR11 "roster.readonly " OR11 "roster-core.readonly " OR11
	                    "gradebook.readonly",
	               id, secret);
	ck_assert_int_eq(cwt_token(v1_token, &daemon_, id, secret, NULL), 0);
	doc = get(V1 "/users/s1", v1_token, 200, NULL);
	u = cJSON_GetObjectItem(doc, "user");
	ck_assert_str_eq(cw_json_string(u, "role"), "student");
	ck_assert_ptr_nonnull(strstr(
	        cw_json_string(
	                cJSON_GetArrayItem(cJSON_GetObjectItem(u, "orgs"), 0),
	                "href"),
	        V1 "/orgs/sch"));
	ck_assert_ptr_null(cJSON_GetObjectItem(u, "roles"));
	ck_assert_ptr_null(cJSON_GetObjectItem(u, "preferredFirstName"));
	cJSON_Delete(doc);
	doc = get(V1 "/teachers", v1_token, 200, NULL);
	ids_of(ids, sizeof(ids), doc, "users");
	ck_assert_str_eq(ids, "t1");
	cJSON_Delete(doc);
	doc = get(V1 "/classes/k/students", v1_token, 200, NULL);
	ids_of(ids, sizeof(ids), doc, "users");
	ck_assert_str_eq(ids, "s1");
	cJSON_Delete(doc);
	doc = get(V1 "/lineItems/li1", v1_token, 200, NULL);
	li = cJSON_GetObjectItem(doc, "lineItem");
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(li, "gradingPeriod"));
	ck_assert_ptr_null(cJSON_GetObjectItem(li, "school"));
	ck_assert_ptr_null(cJSON_GetObjectItem(li, "learningObjectiveSet"));
	cJSON_Delete(doc);
	cJSON_Delete(
	        get(V1 "/users?fields=sourcedId,role", v1_token, 200, NULL));
	doc = get(V1 "/users?fields=roles", v1_token, 400, NULL);
	ck_assert_str_eq(minor_of(doc), "invalid_selection_field");
	cJSON_Delete(doc);
	/* Each binding takes its own scopes. */
	cJSON_Delete(get(V1 "/users", token, 403, NULL));
	cJSON_Delete(get(BASE "/users", v1_token, 403, NULL));
}
END_TEST

/* 1.1 writes: the 1.1 shapes in, stored in the 1.2 model; what 1.1 has
 * not (a result's textScore, objectives and scale, a category's weight)
 * stays as it was; a lineItem's school is its class's. */
START_TEST(v11_writes)
{
	char id[64], secret[64], v1[64], v12[64];
	cJSON *doc, *r;

	cwt_client_add(&env, "d1",
	               OR11 "gradebook.createput " OR11 "gradebook.delete " OR11
	                    "gradebook.readonly",
	               id, secret);
	ck_assert_int_eq(cwt_token(v1, &daemon_, id, secret, NULL), 0);
	cwt_client_add(&env, "d1", OR12 "gradebook.readonly", id, secret);
	ck_assert_int_eq(cwt_token(v12, &daemon_, id, secret, NULL), 0);

	doc = send("PUT", V1 "/results/res1", v1,
	           "{\"result\":{\"lineItem\":{\"sourcedId\":\"li1\"},"
	           "\"student\":{\"sourcedId\":\"s1\"},\"scoreStatus\":"
	           "\"fully graded\",\"score\":3.5,\"scoreDate\":"
	           "\"2024-09-20\",\"comment\":\"Good\"}}",
	           201);
	r = cJSON_GetObjectItem(doc, "result");
	ck_assert_str_eq(cw_json_string(r, "comment"), "Good");
	ck_assert_ptr_null(cJSON_GetObjectItem(r, "textScore"));
	ck_assert_ptr_nonnull(strstr(
	        cw_json_string(cJSON_GetObjectItem(r, "lineItem"), "href"),
	        V1 "/lineItems/li1"));
	cJSON_Delete(doc);
	doc = get(GB "/results/res1", v12, 200, NULL);
	r = cJSON_GetObjectItem(doc, "result");
	ck_assert_double_eq(cJSON_GetObjectItem(r, "score")->valuedouble, 3.5);
	ck_assert_str_eq(cw_json_string(r, "textScore"), "Proficient");
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(r, "class"), "sourcedId"),
	        "k");
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(r, "learningObjectiveSet"));
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(r, "scoreScale"));
	cJSON_Delete(doc);

	/* A new lineItem: gradingPeriod in, the school from the class. */
	cJSON_Delete(send("PUT", V1 "/lineItems/li4", v1,
	                  "{\"lineItem\":{\"title\":\"Lab\",\"assignDate\":"
	                  "\"2024-10-01\",\"dueDate\":\"2024-10-05\","
	                  "\"class\":{\"sourcedId\":\"k2\"},\"category\":"
	                  "{\"sourcedId\":\"cat\"},\"gradingPeriod\":"
	                  "{\"sourcedId\":\"gp1\"}}}",
	                  201));
	doc = get(GB "/lineItems/li4", v12, 200, NULL);
	ck_assert_str_eq(
	        cw_json_string(
	                cJSON_GetObjectItem(
	                        cJSON_GetObjectItem(doc, "lineItem"), "school"),
	                "sourcedId"),
	        "sch2");
	cJSON_Delete(doc);
	doc = get(V1 "/lineItems/li4", v1, 200, NULL);
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(
	                               cJSON_GetObjectItem(doc, "lineItem"),
	                               "gradingPeriod"),
	                       "sourcedId"),
	        "gp1");
	cJSON_Delete(doc);
	/* 1.2-only members are not 1.1's. */
	doc = send("PUT", V1 "/lineItems/li4", v1,
	           "{\"lineItem\":{\"title\":\"Lab\",\"school\":"
	           "{\"sourcedId\":\"sch\"}}}",
	           422);
	ck_assert_ptr_nonnull(strstr(description(doc), "/lineItem/school"));
	cJSON_Delete(doc);
	doc = send("PUT", V1 "/results/res1", v1,
	           "{\"result\":{\"textScore\":\"A\"}}", 422);
	ck_assert_ptr_nonnull(strstr(description(doc), "/result/textScore"));
	cJSON_Delete(doc);

	/* A category's title from 1.1, its weight kept. */
	cJSON_Delete(send("PUT", V1 "/categories/cat", v1,
	                  "{\"category\":{\"title\":\"Practice\"}}", 201));
	doc = get(GB "/categories/cat", v12, 200, NULL);
	r = cJSON_GetObjectItem(doc, "category");
	ck_assert_str_eq(cw_json_string(r, "title"), "Practice");
	ck_assert_double_eq(cJSON_GetObjectItem(r, "weight")->valuedouble, 2);
	cJSON_Delete(doc);

	/* Deleting through 1.1 takes the result's link rows with it. */
	cJSON_Delete(send("DELETE", V1 "/results/res1", v1, NULL, 204));
	cJSON_Delete(get(GB "/results/res1", v12, 404, NULL));
	cJSON_Delete(send("DELETE", V1 "/lineItems/li4", v1, NULL, 204));
	cJSON_Delete(send("DELETE", V1 "/lineItems/li4", v1, NULL, 404));
	/* Each binding takes its own scopes. */
	cJSON_Delete(send("PUT", V1 "/categories/cat", v12,
	                  "{\"category\":{\"title\":\"X\"}}", 403));
	cJSON_Delete(send("PUT", GB "/categories/cat", v1,
	                  "{\"category\":{\"title\":\"X\"}}", 403));
	cJSON_Delete(send("DELETE", V1 "/categories/cat", token, NULL, 403));
}
END_TEST

/* POST: new objects under a parent, ids allocated (the supplied one when
 * free), all checked before any is written. */
START_TEST(gradebook_posts)
{
	char id[64], secret[64], poster[64], ids[512];
	const cJSON *pairs, *p;
	cJSON *doc;

	cwt_client_add(&env, "d1",
	               OR12 "gradebook.createpost " OR12 "gradebook.readonly",
	               id, secret);
	ck_assert_int_eq(cwt_token(poster, &daemon_, id, secret, NULL), 0);
	doc = send("POST", GB "/classes/k/lineItems", poster,
	           "{\"lineItems\":[{\"sourcedId\":\"li5\",\"title\":\"Exit\","
	           "\"assignDate\":\"2024-11-01\",\"dueDate\":\"2024-11-02\","
	           "\"category\":{\"sourcedId\":\"cat\"},\"gradingPeriod\":"
	           "{\"sourcedId\":\"gp1\"},\"school\":{\"sourcedId\":"
	           "\"sch\"}},{\"sourcedId\":\"li1\",\"title\":\"Taken\","
	           "\"assignDate\":\"2024-11-01\",\"dueDate\":\"2024-11-02\","
	           "\"category\":{\"sourcedId\":\"cat\"},\"gradingPeriod\":"
	           "{\"sourcedId\":\"gp1\"},\"school\":{\"sourcedId\":"
	           "\"sch\"}}]}",
	           201);
	pairs = cJSON_GetObjectItem(doc, "sourcedIdPairs");
	ck_assert_int_eq(cJSON_GetArraySize(pairs), 2);
	p = cJSON_GetArrayItem(pairs, 0);
	ck_assert_str_eq(cw_json_string(p, "suppliedSourcedId"), "li5");
	ck_assert_str_eq(cw_json_string(p, "allocatedSourcedId"), "li5");
	/* li1 is taken: a new id, not an overwrite. */
	p = cJSON_GetArrayItem(pairs, 1);
	ck_assert_str_eq(cw_json_string(p, "suppliedSourcedId"), "li1");
	ck_assert_str_ne(cw_json_string(p, "allocatedSourcedId"), "li1");
	ck_assert_int_eq(strlen(cw_json_string(p, "allocatedSourcedId")), 36);
	cJSON_Delete(doc);
	doc = get(GB "/lineItems/li1", poster, 200, NULL);
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(doc, "lineItem"), "title"),
	        "Ratios");
	cJSON_Delete(doc);
	doc = get(GB "/classes/k/lineItems", poster, 200, NULL);
	ids_of(ids, sizeof(ids), doc, "lineItems");
	ck_assert_ptr_nonnull(strstr(ids, "li5"));
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(doc, "lineItems")), 3);
	cJSON_Delete(doc);

	cJSON_Delete(send("POST", GB "/lineItems/li5/results", poster,
	                  "{\"results\":[{\"sourcedId\":\"res7\",\"student\":"
	                  "{\"sourcedId\":\"s1\"},\"scoreStatus\":"
	                  "\"submitted\",\"scoreDate\":\"2024-11-03\"}]}",
	                  201));
	doc = get(GB "/classes/k/lineItems/li5/results", poster, 200, NULL);
	ids_of(ids, sizeof(ids), doc, "results");
	ck_assert_str_eq(ids, "res7");
	cJSON_Delete(doc);

	/* One bad object: nothing is written, and the pointer says which. */
	doc = send("POST", GB "/classes/k/lineItems", poster,
	           "{\"lineItems\":[{\"sourcedId\":\"li6\",\"title\":\"A\","
	           "\"assignDate\":\"2024-11-01\",\"dueDate\":\"2024-11-02\","
	           "\"category\":{\"sourcedId\":\"cat\"},\"gradingPeriod\":"
	           "{\"sourcedId\":\"gp1\"},\"school\":{\"sourcedId\":"
	           "\"sch\"}},{\"title\":\"B\"}]}",
	           422);
	ck_assert_ptr_nonnull(strstr(description(doc), "/lineItems/1/"));
	cJSON_Delete(doc);
	cJSON_Delete(get(GB "/lineItems/li6", poster, 404, NULL));
	doc = send("POST", GB "/classes/k/lineItems", poster,
	           "{\"lineItems\":[{\"class\":{\"sourcedId\":\"k2\"}}]}", 422);
	ck_assert_ptr_nonnull(
	        strstr(description(doc), "/lineItems/0/class/sourcedId"));
	cJSON_Delete(doc);
	cJSON_Delete(send("POST", GB "/classes/nosuch/lineItems", poster,
	                  "{\"lineItems\":[]}", 404));
	cJSON_Delete(send("POST", GB "/classes/k/lineItems", poster,
	                  "{\"lineItems\":[]}", 422));
	cJSON_Delete(send("POST", GB "/classes/k/lineItems", token,
	                  "{\"lineItems\":[]}", 403));

	/* Results for a class in an academicSession: each result's lineItem
	 * must be of both (li5 is class k's, in gp1). */
	doc = send("POST", GB "/classes/k/academicSessions/gp1/results", poster,
	           "{\"results\":[{\"sourcedId\":\"res8\",\"lineItem\":"
	           "{\"sourcedId\":\"li5\"},\"student\":{\"sourcedId\":"
	           "\"s1\"},\"scoreStatus\":\"fully graded\",\"score\":3,"
	           "\"scoreDate\":\"2024-11-04\"}]}",
	           201);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "sourcedIdPairs"), 0);
	ck_assert_str_eq(cw_json_string(p, "allocatedSourcedId"), "res8");
	cJSON_Delete(doc);
	doc = get(GB "/results/res8", poster, 200, NULL);
	ck_assert_str_eq(
	        cw_json_string(
	                cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "result"),
	                                    "class"),
	                "sourcedId"),
	        "k");
	cJSON_Delete(doc);
	/* li2 is class k2's: refused, nothing written. */
	doc = send("POST", GB "/classes/k/academicSessions/gp1/results", poster,
	           "{\"results\":[{\"sourcedId\":\"res10\",\"lineItem\":"
	           "{\"sourcedId\":\"li2\"},\"student\":{\"sourcedId\":"
	           "\"s1\"},\"scoreStatus\":\"submitted\",\"scoreDate\":"
	           "\"2024-11-04\"}]}",
	           422);
	ck_assert_ptr_nonnull(
	        strstr(description(doc), "/results/0/lineItem/sourcedId"));
	ck_assert_ptr_nonnull(strstr(description(doc), "not of class"));
	cJSON_Delete(doc);
	cJSON_Delete(get(GB "/results/res10", poster, 404, NULL));
	/* A lineItem of the class but another session. */
	doc = send("POST", GB "/classes/k/academicSessions/t1/results", poster,
	           "{\"results\":[{\"lineItem\":{\"sourcedId\":\"li5\"},"
	           "\"student\":{\"sourcedId\":\"s1\"},\"scoreStatus\":"
	           "\"submitted\",\"scoreDate\":\"2024-11-04\"}]}",
	           422);
	ck_assert_ptr_nonnull(strstr(description(doc), "academicSession"));
	cJSON_Delete(doc);
	cJSON_Delete(send("POST",
	                  GB "/classes/k/academicSessions/nosuch/results",
	                  poster, "{\"results\":[]}", 404));
}
END_TEST

/* The assessment results profile: its own objects and scopes, CASE
 * objectives stored and returned intact, references checked, kept out of
 * the CSV binding (which has no file for them). */
START_TEST(assessment_profile)
{
	char id[64], secret[64], tok[64], d2tok[64], ids[256], path[600];
	cwt_http res;
	const cJSON *r, *o;
	cJSON *doc;
	cw_buf out = CW_BUF_INIT(1 << 16), err = CW_BUF_INIT(1 << 16);
	struct stat st;

	cwt_client_add(&env, "d1",
	               OR12 "assessment.createput " OR12
	                    "assessment.delete " OR12 "assessment.readonly",
	               id, secret);
	ck_assert_int_eq(cwt_token(tok, &daemon_, id, secret, NULL), 0);
	cJSON_Delete(send("PUT", GB "/assessmentLineItems/ali1", tok,
	                  "{\"assessmentLineItem\":{\"title\":\"Unit test\","
	                  "\"class\":{\"sourcedId\":\"k\"},\"scoreScale\":"
	                  "{\"sourcedId\":\"sc\"},\"resultValueMin\":0,"
	                  "\"resultValueMax\":4,\"learningObjectiveSet\":[{"
	                  "\"source\":\"case\",\"learningObjectiveIds\":[\"" LO
	                  "\"]}]}}",
	                  201));
	cJSON_Delete(send("PUT", GB "/assessmentLineItems/ali2", tok,
	                  "{\"assessmentLineItem\":{\"title\":\"Part 1\","
	                  "\"parentAssessmentLineItem\":{\"sourcedId\":"
	                  "\"ali1\"}}}",
	                  201));
	cJSON_Delete(
	        send("PUT", GB "/assessmentResults/ar1", tok,
	             "{\"assessmentResult\":{\"assessmentLineItem\":"
	             "{\"sourcedId\":\"ali1\"},\"student\":{\"sourcedId\":"
	             "\"s1\"},\"scoreStatus\":\"fully graded\",\"score\":3,"
	             "\"scorePercentile\":88.5,\"scoreDate\":\"2024-12-01\","
	             "\"textScore\":\"Proficient\",\"learningObjectiveSet\":"
	             "[{\"source\":\"case\",\"learningObjectiveResults\":[{"
	             "\"learningObjectiveId\":\"" LO "\",\"score\":3,"
	             "\"textScore\":\"Proficient\"}]}]}}",
	             201));

	doc = get(GB "/assessmentResults/ar1", tok, 200, NULL);
	r = cJSON_GetObjectItem(doc, "assessmentResult");
	o = cJSON_GetObjectItem(r, "assessmentLineItem");
	ck_assert_str_eq(cw_json_string(o, "type"), "assessmentLineItem");
	ck_assert_ptr_nonnull(strstr(cw_json_string(o, "href"),
	                             GB "/assessmentLineItems/ali1"));
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(r, "student"), "type"),
	        "user");
	ck_assert_double_eq(
	        cJSON_GetObjectItem(r, "scorePercentile")->valuedouble, 88.5);
	o = cJSON_GetArrayItem(
	        cJSON_GetObjectItem(
	                cJSON_GetArrayItem(
	                        cJSON_GetObjectItem(r, "learningObjectiveSet"),
	                        0),
	                "learningObjectiveResults"),
	        0);
	ck_assert_str_eq(cw_json_string(o, "learningObjectiveId"), LO);
	ck_assert_double_eq(cJSON_GetObjectItem(o, "score")->valuedouble, 3);
	ck_assert_str_eq(cw_json_string(o, "textScore"), "Proficient");
	cJSON_Delete(doc);
	doc = get(GB "/assessmentLineItems/ali1", tok, 200, NULL);
	r = cJSON_GetObjectItem(doc, "assessmentLineItem");
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(r, "scoreScale"), "type"),
	        "scoreScale");
	ck_assert_str_eq(
	        cJSON_GetArrayItem(
	                cJSON_GetObjectItem(
	                        cJSON_GetArrayItem(
	                                cJSON_GetObjectItem(
	                                        r, "learningObjectiveSet"),
	                                0),
	                        "learningObjectiveIds"),
	                0)
	                ->valuestring,
	        LO);
	cJSON_Delete(doc);
	doc = get(GB "/assessmentLineItems?filter=title%3D%27Unit%20test%27",
	          tok, 200, &res);
	ids_of(ids, sizeof(ids), doc, "assessmentLineItems");
	ck_assert_str_eq(ids, "ali1");
	ck_assert_int_eq(cwt_header(&res, "X-Total-Count", ids, sizeof(ids)),
	                 1);
	ck_assert_str_eq(ids, "1");
	cwt_http_dispose(&res);
	cJSON_Delete(doc);

	/* Bad bodies: the pointer at fault, nothing written. */
	doc = send("PUT", GB "/assessmentResults/ar2", tok,
	           "{\"assessmentResult\":{\"assessmentLineItem\":"
	           "{\"sourcedId\":\"nope\"},\"student\":{\"sourcedId\":"
	           "\"s1\"},\"scoreStatus\":\"submitted\",\"scoreDate\":"
	           "\"2024-12-01\"}}",
	           422);
	ck_assert_ptr_nonnull(strstr(description(doc),
	                             "/assessmentResult/assessmentLineItem/"
	                             "sourcedId"));
	cJSON_Delete(doc);
	doc = send("PUT", GB "/assessmentResults/ar2", tok,
	           "{\"assessmentResult\":{\"assessmentLineItem\":"
	           "{\"sourcedId\":\"ali1\"},\"student\":{\"sourcedId\":"
	           "\"s1\"},\"scoreStatus\":\"submitted\"}}",
	           422);
	ck_assert_ptr_nonnull(
	        strstr(description(doc), "/assessmentResult/scoreDate"));
	cJSON_Delete(doc);
	cJSON_Delete(get(GB "/assessmentResults/ar2", tok, 404, NULL));

	/* Kept apart: their own scopes, their tenant, no CSV file. */
	cJSON_Delete(get(GB "/assessmentLineItems", token, 403, NULL));
	cwt_client_add(&env, "d2", OR12 "assessment.readonly", id, secret);
	ck_assert_int_eq(cwt_token(d2tok, &daemon_, id, secret, NULL), 0);
	cJSON_Delete(get(GB "/assessmentLineItems/ali1", d2tok, 404, NULL));
	doc = get(GB "/assessmentLineItems", d2tok, 200, NULL);
	ck_assert_int_eq(size_of(doc, "assessmentLineItems"), 0);
	cJSON_Delete(doc);
	cJSON_Delete(send("PUT", GB "/assessmentLineItems/ali9", d2tok,
	                  "{\"assessmentLineItem\":{\"title\":\"x\"}}", 403));
	snprintf(path, sizeof(path), "%s/assessment-export", env.dir);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "roster", "export",
	                         "--tenant", "d1", "--version", "1.2", "--out",
	                         path, NULL),
	                 0);
	snprintf(path, sizeof(path), "%s/assessment-export/results.csv",
	         env.dir);
	ck_assert_int_eq(stat(path, &st), 0);
	snprintf(path, sizeof(path),
	         "%s/assessment-export/assessmentResults.csv", env.dir);
	ck_assert_int_ne(stat(path, &st), 0);

	/* A line item its results (and parts) point at stays. */
	doc = send("DELETE", GB "/assessmentLineItems/ali1", tok, NULL, 409);
	ck_assert_msg(strstr(description(doc), "ar1") ||
	                      strstr(description(doc), "ali2"),
	              "%s", description(doc));
	cJSON_Delete(doc);
	cJSON_Delete(
	        send("DELETE", GB "/assessmentResults/ar1", tok, NULL, 204));
	cJSON_Delete(get(GB "/assessmentResults/ar1", tok, 404, NULL));
	cJSON_Delete(
	        send("DELETE", GB "/assessmentLineItems/ali2", tok, NULL, 204));
	cJSON_Delete(
	        send("DELETE", GB "/assessmentLineItems/ali1", tok, NULL, 204));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

/* The JSON status of the object sourcedId in a collection's answer, or
 * NULL when it is not there. */
static const char *status_in(const cJSON *doc, const char *plural,
                             const char *id)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, cJSON_GetObjectItem(doc, plural))
	{
		if (strcmp(cw_json_string(o, "sourcedId"), id) == 0)
			return cw_json_string(o, "status");
	}
	return NULL;
}

/* A client following changes sees deletions: rows deleted after its
 * dateLastModified bound come back as status "tobedeleted". */
START_TEST(deletions_show_to_delta_clients)
{
	char id[64], secret[64], writer[64], v1[64], since[CW_TIME_ISO_LEN];
	char path[300];
	const cJSON *o;
	cJSON *doc;

	cwt_client_add(&env, "d1",
	               OR12 "gradebook.delete " OR12 "gradebook.readonly", id,
	               secret);
	ck_assert_int_eq(cwt_token(writer, &daemon_, id, secret, NULL), 0);
	cwt_client_add(&env, "d1", OR11 "gradebook.readonly", id, secret);
	ck_assert_int_eq(cwt_token(v1, &daemon_, id, secret, NULL), 0);
	cw_time_format_iso(cw_time_now_ms() - 1000, since);
	cJSON_Delete(send("DELETE", GB "/results/res2", writer, NULL, 204));

	snprintf(path, sizeof(path),
	         GB "/results?filter=dateLastModified%%3E%%27%s%%27", since);
	doc = get(path, writer, 200, NULL);
	ck_assert_str_eq(status_in(doc, "results", "res2"), "tobedeleted");
	cJSON_ArrayForEach(o, cJSON_GetObjectItem(doc, "results"))
	{
		if (strcmp(cw_json_string(o, "sourcedId"), "res2") == 0) {
			ck_assert_ptr_null(cJSON_GetObjectItem(o, "lineItem"));
			ck_assert_ptr_nonnull(
			        cJSON_GetObjectItem(o, "dateLastModified"));
		}
	}
	cJSON_Delete(doc);
	doc = get(GB "/results", writer, 200, NULL);
	ck_assert_ptr_null(status_in(doc, "results", "res2"));
	cJSON_Delete(doc);
	doc = get(GB "/results?filter=status%3D%27tobedeleted%27", writer, 200,
	          NULL);
	ck_assert_int_eq(size_of(doc, "results"), 1);
	ck_assert_str_eq(status_in(doc, "results", "res2"), "tobedeleted");
	cJSON_Delete(doc);
	snprintf(path, sizeof(path),
	         GB "/results?filter=status%%3D%%27active%%27%%20AND%%20"
	            "dateLastModified%%3E%%27%s%%27",
	         since);
	doc = get(path, writer, 200, NULL);
	ck_assert_ptr_null(status_in(doc, "results", "res2"));
	cJSON_Delete(doc);
	doc = get(GB "/results?filter=dateLastModified%3E%272999-01-01T00:00:"
	             "00.000Z%27",
	          writer, 200, NULL);
	ck_assert_int_eq(size_of(doc, "results"), 0);
	cJSON_Delete(doc);
	/* Nested routes follow links, which a deleted row is in none of. */
	snprintf(path, sizeof(path),
	         GB "/classes/k2/results?filter=dateLastModified%%3E%%27%s%%27",
	         since);
	doc = get(path, writer, 200, NULL);
	ck_assert_ptr_null(status_in(doc, "results", "res2"));
	cJSON_Delete(doc);
	snprintf(path, sizeof(path),
	         V1 "/results?filter=dateLastModified%%3E%%27%s%%27", since);
	doc = get(path, v1, 200, NULL);
	ck_assert_str_eq(status_in(doc, "results", "res2"), "tobedeleted");
	cJSON_Delete(doc);
}
END_TEST

/* A write while another process holds the store's write lock past the busy
 * timeout: 503 server_busy with Retry-After, nothing half-written; the same
 * write goes through once the lock is gone. */
START_TEST(busy_store_answers_server_busy)
{
	char id[64], secret[64], writer[64];
	const char *auth[] = { NULL, "Content-Type: application/json", NULL };
	char header[128], value[16];
	cwt_store_lock *lock;
	cwt_http res;

	cwt_client_add(&env, "d1", OR12 "gradebook.createput", id, secret);
	ck_assert_int_eq(cwt_token(writer, &daemon_, id, secret, NULL), 0);
	snprintf(header, sizeof(header), "Authorization: Bearer %s", writer);
	auth[0] = header;
	lock = cwt_store_lock_writes(&env);
	cwt_request(&res, &daemon_, "PUT", GB "/categories/busy", auth,
	            "{\"category\":{\"title\":\"Busy\"}}");
	ck_assert_msg(res.status == 503, "%ld %s", res.status,
	              cw_buf_cstr(&res.body));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&res.body), "server_busy"));
	ck_assert(cwt_header(&res, "Retry-After", value, sizeof(value)));
	cwt_http_dispose(&res);
	cwt_store_unlock(lock);
	cwt_request(&res, &daemon_, "PUT", GB "/categories/busy", auth,
	            "{\"category\":{\"title\":\"Busy\"}}");
	ck_assert_int_eq(res.status, 201);
	cwt_http_dispose(&res);
}
END_TEST

/* The OpenAPI document lists the routes served, with their scopes. */
START_TEST(openapi_describes_the_routes)
{
	cwt_http res;
	cJSON *doc, *paths, *users, *params, *p, *security;
	int limit = 0, core = 0;

	cwt_request(&res, &daemon_, "GET", "/openapi.json", NULL, NULL);
	ck_assert_int_eq(res.status, 200);
	doc = cwt_json(&res);
	cwt_http_dispose(&res);
	ck_assert_str_eq(cw_json_string(doc, "openapi"), "3.0.3");
	paths = cJSON_GetObjectItem(doc, "paths");
	ck_assert_int_ge(cJSON_GetArraySize(paths), 40);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(
	        paths, BASE "/schools/{id}/classes/{class_id}/students"));
	users = cJSON_GetObjectItem(cJSON_GetObjectItem(paths, BASE "/users"),
	                            "get");
	params = cJSON_GetObjectItem(users, "parameters");
	cJSON_ArrayForEach(p, params) limit |=
	        strcmp(cw_json_string(p, "name"), "limit") == 0;
	security = cJSON_GetObjectItem(
	        cJSON_GetArrayItem(cJSON_GetObjectItem(users, "security"), 0),
	        "OAuth2CC");
	cJSON_ArrayForEach(p, security) core |=
	        strcmp(p->valuestring, OR12 "roster-core.readonly") == 0;
	ck_assert(limit && core);
	/* A singleton takes no paging parameters. */
	params = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(
	                cJSON_GetObjectItem(paths, BASE "/users/{id}"), "get"),
	        "parameters");
	ck_assert_int_eq(cJSON_GetArraySize(params), 1);
	cJSON_Delete(doc);
}
END_TEST

/* The change feed: every change of the tenant's roster in order, paged by
 * sequence number; another tenant's changes never show. */
START_TEST(change_feed)
{
	cJSON *doc =
	        get("/crosswalk/v1/roster/changes?limit=2", token, 200, NULL);
	cJSON *changes = cJSON_GetObjectItem(doc, "changes");
	ck_assert_int_eq(cJSON_GetArraySize(changes), 2);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(doc, "more")));
	cJSON *first = cJSON_GetArrayItem(changes, 0);
	ck_assert_str_eq(cw_json_string(first, "op"), "created");
	ck_assert_ptr_nonnull(cw_json_string(first, "sourcedId"));
	ck_assert_ptr_nonnull(cw_json_string(first, "entity"));
	double next = cJSON_GetObjectItem(doc, "next")->valuedouble;
	ck_assert(next >= 2);
	cJSON_Delete(doc);
	/* from there on: no entry repeats, the users are all there */
	char path[128];
	int users = 0;
	for (int pages = 0; pages < 100; pages++) {
		snprintf(path, sizeof(path),
		         "/crosswalk/v1/roster/changes?since=%.0f&limit=50",
		         next);
		doc = get(path, token, 200, NULL);
		const cJSON *c;
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "changes"))
		{
			ck_assert(cJSON_GetObjectItem(c, "seq")->valuedouble >
			          next);
			if (strcmp(cw_json_string(c, "entity"), "users") == 0)
				users++;
		}
		next = cJSON_GetObjectItem(doc, "next")->valuedouble;
		int more = cJSON_IsTrue(cJSON_GetObjectItem(doc, "more"));
		cJSON_Delete(doc);
		if (!more)
			break;
	}
	ck_assert_int_ge(users, 3); /* s1, s2, t1 (unless among the first 2) */
	doc = get("/crosswalk/v1/roster/changes?since=abc", token, 400, NULL);
	cJSON_Delete(doc);
	/* a tenant with no roster: an empty feed, nothing of d1's */
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	char id[64], secret[64], empty_token[64];
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d3", NULL),
	                 0);
	cwt_client_add(&env, "d3", OR12 "roster.readonly", id, secret);
	ck_assert_int_eq(cwt_token(empty_token, &daemon_, id, secret, NULL), 0);
	doc = get("/crosswalk/v1/roster/changes", empty_token, 200, NULL);
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(doc, "changes")), 0);
	ck_assert(!cJSON_IsTrue(cJSON_GetObjectItem(doc, "more")));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cJSON_Delete(doc);
}
END_TEST

Suite *suite_oneroster(void)
{
	Suite *s = suite_create("integration/oneroster");
	TCase *tc = tcase_create("rostering");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, users_in_the_json_binding);
	tcase_add_test(tc, paging_and_links);
	tcase_add_test(tc, filters_sorts_and_fields);
	tcase_add_test(tc, subsets_and_nested_routes);
	tcase_add_test(tc, scopes_and_tenants);
	tcase_add_test(tc, imports_show_up);
	tcase_add_test(tc, openapi_describes_the_routes);
	tcase_add_test(tc, gradebook_reads);
	tcase_add_test(tc, resource_reads);
	tcase_add_test(tc, gradebook_writes);
	tcase_add_test(tc, v11_binding);
	tcase_add_test(tc, v11_writes);
	tcase_add_test(tc, gradebook_posts);
	tcase_add_test(tc, assessment_profile);
	tcase_add_test(tc, deletions_show_to_delta_clients);
	tcase_add_test(tc, busy_store_answers_server_busy);
	tcase_add_test(tc, change_feed);
	suite_add_tcase(s, tc);
	return s;
}
