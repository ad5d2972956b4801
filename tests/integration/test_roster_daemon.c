/* Roster imports through the daemon: a zip upload becomes a background job
 * whose state and report are polled; held imports are approved by a call. */
#include "harness.h"

#include "engine/scope.h"
#include "unit/tmpdir.h"
#include "util/file.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

Suite *suite_roster_daemon(void);

#define R "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"

static cwt_env env;
static cwt_daemon daemon_;
static char token[64], auth[128];

static void write_set(const char *name, const char *users)
{
	char dir[400], path[500], command[1200];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/%s", env.dir, name);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/manifest.csv", dir);
	f = fopen(path, "w");
	fputs("propertyName,value\noneroster.version,1.2\nfile.orgs,bulk\n"
	      "file.users,bulk\n",
	      f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/orgs.csv", dir);
	f = fopen(path, "w");
	fputs("sourcedId,name,type\nsch,School,school\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/users.csv", dir);
	f = fopen(path, "w");
	fputs(users, f);
	fclose(f);
	snprintf(command, sizeof(command), "cd '%s' && zip -q -r ../%s.zip .",
	         dir, name);
	ck_assert_int_eq(system(command), 0);
}

static void setup(void)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	char id[64], secret[64];

	cwt_env_init(&env);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d1", NULL),
	                 0);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_client_add(&env, "d1", CW_SCOPE_ADMIN, id, secret);
	cwt_start(&daemon_, &env, NULL);
	ck_assert_int_eq(cwt_token(token, &daemon_, id, secret, NULL), 0);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
}

static void teardown(void)
{
	cwt_stop(&daemon_, SIGTERM, 5000);
	cwt_env_cleanup(&env);
}

/* Uploads NAME.zip; returns the import id from the 202. */
static long upload(const char *name, const char *query)
{
	const char *headers[] = { auth, "Content-Type: application/zip", NULL };
	char path[400], url[200], location[128];
	char *data = NULL;
	size_t len = 0;
	cwt_http res;
	cJSON *doc;
	long id;

	snprintf(path, sizeof(path), "%s/%s.zip", env.dir, name);
	ck_assert_int_eq(cw_file_read(&data, &len, path, 1 << 20), 0);
	snprintf(url, sizeof(url), "/admin/v1/roster/imports%s", query);
	cwt_request_bytes(&res, &daemon_, "POST", url, headers, data, len);
	free(data);
	ck_assert_msg(res.status == 202, "%ld %s", res.status,
	              cw_buf_cstr(&res.body));
	doc = cwt_json(&res);
	id = (long)cJSON_GetObjectItem(doc, "import_id")->valuedouble;
	ck_assert_str_eq(cw_json_string(doc, "state"), "running");
	ck_assert(cwt_header(&res, "Location", location, sizeof(location)));
	ck_assert_str_eq(location, cw_json_string(doc, "status"));
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	return id;
}

/* Polls the import until it is no longer running (10 s at most). */
static cJSON *wait_for(long id)
{
	char path[100];

	snprintf(path, sizeof(path), "/admin/v1/roster/imports/%ld", id);
	for (int i = 0; i < 200; i++) {
		cwt_http res;
		cJSON *doc;

		cwt_get_auth(&res, &daemon_, path, token);
		ck_assert_int_eq(res.status, 200);
		doc = cwt_json(&res);
		cwt_http_dispose(&res);
		if (strcmp(cw_json_string(doc, "state"), "running") != 0)
			return doc;
		cJSON_Delete(doc);
		cwt_sleep_ms(50);
	}
	ck_abort_msg("import %ld still running", id);
	return NULL;
}

static long users_count(const cJSON *status, const char *what)
{
	const cJSON *u = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(status, "report"),
	                            "entities"),
	        "users");

	return u ? (long)cJSON_GetObjectItem(u, what)->valuedouble : -1;
}

START_TEST(upload_runs_as_a_job)
{
	cJSON *status;

	write_set("one", "sourcedId,enabledUser,username,givenName,familyName\n"
	                 "u1,true,u1,A,B\nu2,true,u2,C,D\nu3,true,u3,E,F\n");
	status = wait_for(upload("one", ""));
	ck_assert_str_eq(cw_json_string(status, "state"), "applied");
	ck_assert_int_eq(users_count(status, "added"), 3);
	cJSON_Delete(status);
}
END_TEST

START_TEST(held_import_is_approved)
{
	const char *headers[] = { auth, NULL };
	char path[100];
	long held, again;
	cwt_http res;
	cJSON *status, *doc;

	write_set("full",
	          "sourcedId,enabledUser,username,givenName,familyName\n"
	          "u1,true,u1,A,B\nu2,true,u2,C,D\nu3,true,u3,E,F\n");
	write_set("small", "sourcedId,enabledUser,username,givenName,"
	                   "familyName\nu1,true,u1,A,B\n");
	cJSON_Delete(wait_for(upload("full", "")));
	held = upload("small", "");
	status = wait_for(held);
	ck_assert_str_eq(cw_json_string(status, "state"), "pending");
	ck_assert_ptr_nonnull(
	        strstr(cw_json_string(cJSON_GetObjectItem(status, "report"),
	                              "held_reason"),
	               "delete 2 of the 3 users"));
	cJSON_Delete(status);
	snprintf(path, sizeof(path), "/admin/v1/roster/imports/%ld/approve",
	         held);
	cwt_request(&res, &daemon_, "POST", path, headers, NULL);
	ck_assert_int_eq(res.status, 202);
	doc = cwt_json(&res);
	again = (long)cJSON_GetObjectItem(doc, "import_id")->valuedouble;
	ck_assert_int_ne(again, held);
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	status = wait_for(again);
	ck_assert_str_eq(cw_json_string(status, "state"), "applied");
	ck_assert_msg(users_count(status, "deleted") == 2, "%s",
	              cJSON_PrintUnformatted(status));
	cJSON_Delete(status);
	status = wait_for(held);
	ck_assert_str_eq(cw_json_string(status, "state"), "approved");
	cJSON_Delete(status);
	/* Approving twice is refused. */
	cwt_request(&res, &daemon_, "POST", path, headers, NULL);
	ck_assert_int_eq(res.status, 409);
	cwt_http_dispose(&res);
}
END_TEST

/* Uploads kept, once the daemon settled on expected: the files in the
 * data dir's uploads/ (none once their import has run: the set is kept in
 * the store) and the stored ones. */
static long uploads_left(long expected)
{
	char command[600];
	FILE *p;
	int n = -1;

	snprintf(command, sizeof(command), "ls '%s/uploads' | wc -l", env.dir);
	p = popen(command, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	ck_assert_int_eq(n, 0);
	return cwt_store_count_settles(&env, "SELECT count(*) FROM blobs",
	                               expected);
}

/* A held import goes stale once a newer one is applied: approving it would
 * undo the newer data. It is superseded and its stored upload deleted. */
START_TEST(newer_import_supersedes_held_one)
{
	const char *headers[] = { auth, NULL };
	char path[100];
	long held;
	cwt_http res;
	cJSON *status;

	write_set("full",
	          "sourcedId,enabledUser,username,givenName,familyName\n"
	          "u1,true,u1,A,B\nu2,true,u2,C,D\nu3,true,u3,E,F\n");
	write_set("small", "sourcedId,enabledUser,username,givenName,"
	                   "familyName\nu1,true,u1,A,B\n");
	write_set("more",
	          "sourcedId,enabledUser,username,givenName,familyName\n"
	          "u1,true,u1,A,B\nu2,true,u2,C,D\nu3,true,u3,E,F\n"
	          "u4,true,u4,G,H\n");
	cJSON_Delete(wait_for(upload("full", "")));
	held = upload("small", "");
	cJSON_Delete(wait_for(held));
	ck_assert_int_eq(uploads_left(1), 1);
	status = wait_for(upload("more", ""));
	ck_assert_str_eq(cw_json_string(status, "state"), "applied");
	cJSON_Delete(status);
	status = wait_for(held);
	ck_assert_str_eq(cw_json_string(status, "state"), "superseded");
	ck_assert_ptr_nonnull(strstr(
	        cw_json_string(cJSON_GetObjectItem(status, "report"), "reason"),
	        "would undo it"));
	cJSON_Delete(status);
	ck_assert_int_eq(uploads_left(0), 0);
	snprintf(path, sizeof(path), "/admin/v1/roster/imports/%ld/approve",
	         held);
	cwt_request(&res, &daemon_, "POST", path, headers, NULL);
	ck_assert_int_eq(res.status, 409);
	cwt_http_dispose(&res);
}
END_TEST

START_TEST(bad_uploads_and_access)
{
	const char *text[] = { auth, "Content-Type: text/csv", NULL };
	const char *zip[] = { auth, "Content-Type: application/zip", NULL };
	char other_id[64], other_secret[64], other_token[64];
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	cwt_http res;
	cJSON *status, *doc;
	long id;

	cwt_request(&res, &daemon_, "POST", "/admin/v1/roster/imports", text,
	            "a,b\n");
	ck_assert_int_eq(res.status, 415);
	cwt_http_dispose(&res);

	/* Not a zip at all: the job fails and says why. */
	cwt_request(&res, &daemon_, "POST", "/admin/v1/roster/imports", zip,
	            "this is not a zip");
	ck_assert_int_eq(res.status, 202);
	doc = cwt_json(&res);
	id = (long)cJSON_GetObjectItem(doc, "import_id")->valuedouble;
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	status = wait_for(id);
	ck_assert_str_eq(cw_json_string(status, "state"), "failed");
	ck_assert_ptr_nonnull(cw_json_string(
	        cJSON_GetObjectItem(status, "report"), "reason"));
	cJSON_Delete(status);

	/* Another tenant's admin cannot see it. */
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d2", NULL),
	                 0);
	cwt_client_add(&env, "d2", CW_SCOPE_ADMIN, other_id, other_secret);
	ck_assert_int_eq(
	        cwt_token(other_token, &daemon_, other_id, other_secret, NULL),
	        0);
	{
		char path[100];
		snprintf(path, sizeof(path), "/admin/v1/roster/imports/%ld",
		         id);
		cwt_get_auth(&res, &daemon_, path, other_token);
		ck_assert_int_eq(res.status, 404);
		cwt_http_dispose(&res);
	}
	/* A roster-only client may not import. */
	cwt_client_add(&env, "d1", R, other_id, other_secret);
	ck_assert_int_eq(
	        cwt_token(other_token, &daemon_, other_id, other_secret, NULL),
	        0);
	{
		char bearer[128];
		const char *h[] = { bearer, "Content-Type: application/zip",
			            NULL };
		snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s",
		         other_token);
		cwt_request(&res, &daemon_, "POST", "/admin/v1/roster/imports",
		            h, "PK");
		ck_assert_int_eq(res.status, 403);
		cwt_http_dispose(&res);
	}
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

Suite *suite_roster_daemon(void)
{
	Suite *s = suite_create("integration/roster_daemon");
	TCase *tc = tcase_create("imports");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, upload_runs_as_a_job);
	tcase_add_test(tc, held_import_is_approved);
	tcase_add_test(tc, newer_import_supersedes_held_one);
	tcase_add_test(tc, bad_uploads_and_access);
	suite_add_tcase(s, tc);
	return s;
}
