/* The job queue across nodes: an uploaded import whose node is killed
 * while it runs is finished by another node, once; `crosswalk jobs queue`
 * shows the job's row. Runs on SQLite and on PostgreSQL. */
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

Suite *suite_jobs(void);

#define USERS 300000 /* long enough to be cut half way */
#define R     "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"

/* DIR/NAME.zip: a 1.2 set of one school and the first users of USERS
 * users. */
static void write_set(const cwt_env *env, const char *name, int users)
{
	char dir[400], path[500], command[1200];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/%s", env->dir, name);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/manifest.csv", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("propertyName,value\noneroster.version,1.2\nfile.orgs,bulk\n"
	      "file.users,bulk\n",
	      f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/orgs.csv", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("sourcedId,name,type\nsch,School,school\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/users.csv", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("sourcedId,enabledUser,username,givenName,familyName\n", f);
	for (int i = 0; i < users; i++)
		fprintf(f, "u%d,true,user%d,Given%d,Family%d\n", i, i, i, i);
	fclose(f);
	snprintf(command, sizeof(command), "cd '%s' && zip -q -r ../%s.zip .",
	         dir, name);
	ck_assert_int_eq(system(command), 0);
}

static long long upload(const cwt_daemon *d, const cwt_env *env,
                        const char *token, const char *name)
{
	char auth[128], path[400];
	const char *headers[] = { auth, "Content-Type: application/zip", NULL };
	char *data = NULL;
	size_t len = 0;
	cwt_http res;
	long long id;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	snprintf(path, sizeof(path), "%s/%s.zip", env->dir, name);
	ck_assert_int_eq(cw_file_read(&data, &len, path, 16 << 20), 0);
	cwt_request_bytes(&res, d, "POST", "/admin/v1/roster/imports?tenant=d1",
	                  headers, data, len);
	free(data);
	ck_assert_msg(res.status == 202, "%ld %s", res.status,
	              cw_buf_cstr(&res.body));
	cJSON *doc = cwt_json(&res);
	id = (long long)cJSON_GetObjectItem(doc, "import_id")->valuedouble;
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	return id;
}

/* The import's status through node d, once it left running (30 s). */
static cJSON *wait_for(const cwt_daemon *d, const char *token, long long id)
{
	char path[100];

	snprintf(path, sizeof(path), "/admin/v1/roster/imports/%lld", id);
	for (int i = 0; i < 300; i++) {
		cwt_http res;
		cwt_get_auth(&res, d, path, token);
		ck_assert_int_eq(res.status, 200);
		cJSON *doc = cwt_json(&res);
		cwt_http_dispose(&res);
		if (strcmp(cw_json_string(doc, "state"), "running") != 0)
			return doc;
		cJSON_Delete(doc);
		cwt_sleep_ms(100);
	}
	ck_abort_msg("import %lld still running", id);
	return NULL;
}

static long added_users(const cJSON *status)
{
	const cJSON *u = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(status, "report"),
	                            "entities"),
	        "users");
	const cJSON *n = cJSON_GetObjectItem(u, "added");
	return cJSON_IsNumber(n) ? (long)n->valuedouble : -1;
}

/* GET /users/u7 through d: the HTTP status. */
static long user_status(const cwt_daemon *d, const char *token)
{
	cwt_http res;
	cwt_get_auth(&res, d, "/ims/oneroster/rostering/v1p2/users/u7", token);
	long status = res.status;
	cwt_http_dispose(&res);
	return status;
}

static void job_row(const cwt_env *env, long long import_id, char *out,
                    size_t n)
{
	char sql[200];
	snprintf(sql, sizeof(sql),
	         "SELECT state || ' ' || attempts FROM jobs WHERE kind = "
	         "'import' AND ref_id = %lld",
	         import_id);
	ck_assert(cwt_store_value(env, sql, out, n));
}

/* Node B's env: a data dir of its own (a copy of a's config and master
 * key, as every node of a cluster has), sharing only the store with a's:
 * no file of a's is B's. */
static void second_node(const cwt_env *a, cwt_env *b, char *store_flag,
                        size_t n)
{
	char command[1200];
	*b = *a;
	cw_test_tmpdir(b->dir);
	snprintf(command, sizeof(command),
	         "cp -p '%s/master.key' '%s/crosswalk.conf' '%s/'", a->dir,
	         a->dir, b->dir);
	ck_assert_int_eq(system(command), 0);
	/* PostgreSQL: the same URL (CROSSWALK_STORE); SQLite: a's file. */
	if (a->store[0])
		snprintf(store_flag, n, "store=%s", a->store);
	else
		snprintf(store_flag, n, "store=sqlite:%s/crosswalk.db", a->dir);
}

static int files_in_uploads(const cwt_env *e)
{
	char command[600];
	int n = -1;
	snprintf(command, sizeof(command),
	         "ls '%s/uploads' 2>/dev/null | wc -l", e->dir);
	FILE *p = popen(command, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

/* Node A takes an upload of USERS users and is killed with SIGKILL while
 * its import runs (nothing of it applied). Node B, which shares only the
 * store with A (a data dir of its own), claims the job once A's lease
 * lapses and imports the set from the store: the users appear through B
 * when it commits, not before, and a second upload of the same set
 * changes nothing. */
START_TEST(import_taken_over_when_a_node_dies)
{
	cwt_env env;
	cwt_daemon a, b;
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	char id[64], secret[64], admin[64], reader[64], value[64] = "";

	cwt_env_init(&env);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d1", NULL),
	                 0);
	cwt_client_add(&env, "d1", R, id, secret);
	write_set(&env, "big", USERS);
	cwt_env other;
	char store_flag[700];
	second_node(&env, &other, store_flag, sizeof(store_flag));
	cwt_start(&a, &env, "--set", "sync_lease_s=3", NULL);
	cwt_start(&b, &other, "--set", "sync_lease_s=3", "--set", store_flag,
	          NULL);
	ck_assert_int_eq(cwt_token(admin, &a, env.admin_id, env.admin_secret,
	                           CW_SCOPE_ADMIN),
	                 0);
	ck_assert_int_eq(cwt_token(reader, &b, id, secret, NULL), 0);
	long long import_id = upload(&a, &env, admin, "big");
	cwt_stop(&a, SIGKILL, 5000);
	/* A died holding the job: its row and the import say running. */
	char sql[120];
	snprintf(sql, sizeof(sql),
	         "SELECT state FROM roster_imports WHERE id = %lld", import_id);
	ck_assert(cwt_store_value(&env, sql, value, sizeof(value)));
	ck_assert_str_eq(value, "running");
	job_row(&env, import_id, value, sizeof(value));
	ck_assert_str_eq(value, "running 1");
	ck_assert_int_eq(user_status(&b, reader), 404);
	cJSON *status = wait_for(&b, admin, import_id);
	ck_assert_msg(strcmp(cw_json_string(status, "state"), "applied") == 0,
	              "%s", cJSON_PrintUnformatted(status));
	ck_assert_int_eq(added_users(status), USERS);
	cJSON_Delete(status);
	ck_assert_int_eq(user_status(&b, reader), 200);
	job_row(&env, import_id, value, sizeof(value));
	ck_assert_str_eq(value, "done 2");
	/* The job's row, as the CLI shows it. */
	cw_buf_clear(&out);
	cw_buf_clear(&err);
	ck_assert_msg(
	        cwt_run(&env, &out, &err, "jobs", "queue", "--json", NULL) == 0,
	        "%s", cw_buf_cstr(&err));
	cJSON *list = cJSON_Parse(cw_buf_cstr(&out)), *job, *found = NULL;
	ck_assert_ptr_nonnull(list);
	cJSON_ArrayForEach(job, list)
	{
		if (!strcmp(cw_json_string(job, "kind"), "import") &&
		    (long long)cJSON_GetObjectItem(job, "ref_id")
		                    ->valuedouble == import_id)
			found = job;
	}
	ck_assert_ptr_nonnull(found);
	ck_assert_str_eq(cw_json_string(found, "state"), "done");
	ck_assert_int_eq(cJSON_GetObjectItem(found, "attempts")->valueint, 2);
	cJSON_Delete(list);
	/* The same set again: what one uninterrupted import left. */
	status = wait_for(&b, admin, upload(&b, &env, admin, "big"));
	ck_assert_str_eq(cw_json_string(status, "state"), "unchanged");
	cJSON_Delete(status);
	/* Nothing of the uploads is left in the store, nor on B's disk; A
	 * died holding its copy of the first. */
	ck_assert_int_eq(files_in_uploads(&env), 1);
	ck_assert_int_eq(files_in_uploads(&other), 0);
	ck_assert_int_eq(
	        cwt_store_count_settles(&env, "SELECT count(*) FROM blobs", 0),
	        0);
	ck_assert_int_eq(cwt_stop(&b, SIGTERM, 5000), 0);
	cw_test_rmtree(other.dir);
	cwt_env_cleanup(&env);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

/* A held upload is approved through another node that shares only the
 * store: the set comes from the store, and nothing is left after. */
START_TEST(held_upload_approved_on_another_node)
{
	cwt_env env, other;
	cwt_daemon a, b;
	cw_buf out = CW_BUF_INIT(1 << 16), err = CW_BUF_INIT(1 << 16);
	char admin[64], store_flag[700], path[120], value[32] = "";

	cwt_env_init(&env);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d1", NULL),
	                 0);
	write_set(&env, "full", 10);
	write_set(&env, "small", 2);
	second_node(&env, &other, store_flag, sizeof(store_flag));
	cwt_start(&a, &env, NULL);
	cwt_start(&b, &other, "--set", store_flag, NULL);
	ck_assert_int_eq(cwt_token(admin, &a, env.admin_id, env.admin_secret,
	                           CW_SCOPE_ADMIN),
	                 0);
	cJSON *status = wait_for(&a, admin, upload(&a, &env, admin, "full"));
	ck_assert_str_eq(cw_json_string(status, "state"), "applied");
	cJSON_Delete(status);
	long long held = upload(&a, &env, admin, "small");
	status = wait_for(&a, admin, held);
	ck_assert_str_eq(cw_json_string(status, "state"), "pending");
	cJSON_Delete(status);
	ck_assert_int_eq(files_in_uploads(&env), 0);
	ck_assert(cwt_store_value(&env, "SELECT count(*) FROM blobs", value,
	                          sizeof(value)));
	ck_assert_str_eq(value, "1");
	/* approved through B, which never had the file */
	char auth[128];
	const char *headers[] = { auth, NULL };
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", admin);
	snprintf(path, sizeof(path), "/admin/v1/roster/imports/%lld/approve",
	         held);
	cwt_http res;
	cwt_request(&res, &b, "POST", path, headers, NULL);
	ck_assert_msg(res.status == 202, "%ld %s", res.status,
	              cw_buf_cstr(&res.body));
	cJSON *doc = cwt_json(&res);
	long long again =
	        (long long)cJSON_GetObjectItem(doc, "import_id")->valuedouble;
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	status = wait_for(&b, admin, again);
	ck_assert_msg(strcmp(cw_json_string(status, "state"), "applied") == 0,
	              "%s", cJSON_PrintUnformatted(status));
	const cJSON *users = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(status, "report"),
	                            "entities"),
	        "users");
	ck_assert_int_eq(cJSON_GetObjectItem(users, "deleted")->valueint, 8);
	cJSON_Delete(status);
	ck_assert_int_eq(files_in_uploads(&env), 0);
	ck_assert_int_eq(files_in_uploads(&other), 0);
	ck_assert_int_eq(
	        cwt_store_count_settles(&env, "SELECT count(*) FROM blobs", 0),
	        0);
	ck_assert_int_eq(cwt_stop(&a, SIGTERM, 5000), 0);
	ck_assert_int_eq(cwt_stop(&b, SIGTERM, 5000), 0);
	cw_test_rmtree(other.dir);
	cwt_env_cleanup(&env);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

Suite *suite_jobs(void)
{
	Suite *s = suite_create("jobs");
	TCase *tc = tcase_create("jobs");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, import_taken_over_when_a_node_dies);
	tcase_add_test(tc, held_upload_approved_on_another_node);
	suite_add_tcase(s, tc);
	return s;
}
