/* Scheduled syncs in the daemon against the fake SIS (fake_sis.py's
 * "roster" scenario): firings run once each, full then deltas on the full
 * schedule, blackouts, "run now" and its 409, one run at a time between the
 * CLI and the daemon, held runs approved with their own data, the admin API
 * and its tenant isolation (secrets never shown), change-log retention and
 * the feed's 410, and a daemon killed mid-run. */
#include "harness.h"
#include "or_set.h"

#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/timeutil.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

Suite *suite_sync_schedule(void);

#define USERS 30
#define ADMIN "urn:crosswalk:scope:admin"
#define V12   "/roster/ims/oneroster/rostering/v1p2"

static pid_t sis_pid;
static cwt_daemon sis; /* only its port: cwt_request speaks to it */
static char port_file[300];

static void start_sis(void)
{
	char dir[] = "/tmp/cw-sched-sis-XXXXXX", users[16];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(port_file, sizeof(port_file), "%s/port", dir);
	snprintf(users, sizeof(users), "%d", USERS);
	memset(&sis, 0, sizeof(sis));
	sis_pid = fork();
	ck_assert_int_ge(sis_pid, 0);
	if (sis_pid == 0) {
		execl(CW_OAUTH1_PYTHON, CW_OAUTH1_PYTHON, CW_FAKE_SIS,
		      port_file, users, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && !sis.port; i++) {
		char *text = NULL;
		size_t len = 0;
		if (cw_file_read(&text, &len, port_file, 64) == 0) {
			sis.port = (int)strtol(text, NULL, 10);
			free(text);
		} else {
			cwt_sleep_ms(50);
		}
	}
	ck_assert_msg(sis.port > 0, "fake_sis.py did not start");
}

static void stop_sis(void)
{
	kill(sis_pid, SIGTERM);
	waitpid(sis_pid, NULL, 0);
	unlink(port_file);
}

/* GET /roster/_set?…: the SIS's user count and answer delay. */
static void sis_set(const char *query)
{
	cwt_http r;
	char path[128];
	snprintf(path, sizeof(path), "/roster/_set?%s", query);
	cwt_request(&r, &sis, "GET", path, NULL, NULL);
	ck_assert_int_eq(r.status, 200);
	cwt_http_dispose(&r);
}

/* How many users requests the SIS answered, with and without a filter. */
static void sis_users_requests(int *full, int *delta)
{
	cwt_http r;
	const cJSON *item;
	*full = *delta = 0;
	cwt_request(&r, &sis, "GET", "/roster/_log", NULL, NULL);
	cJSON *doc = cwt_json(&r);
	cJSON_ArrayForEach(item, cJSON_GetObjectItem(doc, "requests"))
	{
		if (!strstr(item->valuestring, "/users?"))
			continue;
		if (strstr(item->valuestring, "filter="))
			(*delta)++;
		else
			(*full)++;
	}
	cJSON_Delete(doc);
	cwt_http_dispose(&r);
}

static void setup(cwt_env *env, const char *zone)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	cwt_env_init(env);
	ck_assert_int_eq(cwt_run(env, &out, &err, "tenant", "add", "d1",
	                         "--time-zone", zone, NULL),
	                 0);
	ck_assert_int_eq(cwt_run(env, &out, &err, "tenant", "add", "d2", NULL),
	                 0);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

/* `sync add` of a connection of tenant to the fake SIS, extra flags after. */
static void add_connection(const cwt_env *env, const char *tenant,
                           const char *name, const char *a, const char *b,
                           const char *c, const char *d)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	char base[200];
	snprintf(base, sizeof(base), "http://127.0.0.1:%d" V12, sis.port);
	ck_assert_msg(cwt_run(env, &out, &err, "sync", "add", "--tenant",
	                      tenant, "--name", name, "--base-url", base,
	                      "--version", "1.2", "--page-size", "10", a, b, c,
	                      d, NULL) == 0,
	              "%s", cw_buf_cstr(&err));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

static void start_daemon(cwt_daemon *d, const cwt_env *env)
{
	cwt_start(d, env, "--set", "fetch_private_addresses=1", "--set",
	          "sync_lease_s=3", NULL);
}

/* An admin API call with a bearer token; the response in r. */
static void api(cwt_http *r, const cwt_daemon *d, const char *method,
                const char *path, const char *token, const char *body)
{
	char auth[128];
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	cwt_request(r, d, method, path, headers, body);
}

/* `sync show NAME` parsed. */
static cJSON *show(const cwt_env *env, const char *name)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(4096);
	ck_assert_msg(cwt_run(env, &out, &err, "sync", "show", name, "--runs",
	                      "50", NULL) == 0,
	              "%s", cw_buf_cstr(&err));
	cJSON *doc = cJSON_Parse(out.data);
	ck_assert_ptr_nonnull(doc);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	return doc;
}

static int finished_runs(const cJSON *doc)
{
	const cJSON *run;
	int n = 0;
	cJSON_ArrayForEach(run, cJSON_GetObjectItem(doc, "runs")) n +=
	        strcmp(cJSON_GetObjectItem(run, "state")->valuestring,
	               "running") != 0;
	return n;
}

/* Waits until run id of name is no longer running; its JSON. */
static cJSON *wait_run(const cwt_daemon *d, const char *token, const char *name,
                       long long id)
{
	char path[200];
	snprintf(path, sizeof(path), "/admin/v1/sync/connections/%s/runs/%lld",
	         name, id);
	for (int i = 0; i < 200; i++) {
		cwt_http r;
		api(&r, d, "GET", path, token, NULL);
		ck_assert_int_eq(r.status, 200);
		cJSON *doc = cwt_json(&r);
		cwt_http_dispose(&r);
		if (strcmp(cJSON_GetObjectItem(doc, "state")->valuestring,
		           "running") != 0)
			return doc;
		cJSON_Delete(doc);
		cwt_sleep_ms(100);
	}
	ck_abort_msg("run %lld of %s did not finish", id, name);
	return NULL;
}

/* POST …/run (or …/runs/ID/approve); the run id from the 202. */
static long long run_now(const cwt_daemon *d, const char *token,
                         const char *path)
{
	cwt_http r;
	char location[200];
	api(&r, d, "POST", path, token, NULL);
	ck_assert_msg(r.status == 202, "%ld %s", r.status,
	              cw_buf_cstr(&r.body));
	ck_assert_int_eq(cwt_header(&r, "Location", location, sizeof(location)),
	                 1);
	cJSON *doc = cwt_json(&r);
	long long id =
	        (long long)cJSON_GetObjectItem(doc, "run_id")->valuedouble;
	ck_assert_ptr_nonnull(strstr(location, "/runs/"));
	cJSON_Delete(doc);
	cwt_http_dispose(&r);
	return id;
}

static const cJSON *path_of(const cJSON *doc, const char *a, const char *b,
                            const char *c)
{
	const cJSON *v = cJSON_GetObjectItem(doc, a);
	if (v && b)
		v = cJSON_GetObjectItem(v, b);
	if (v && c)
		v = cJSON_GetObjectItem(v, c);
	return v;
}

static double number_at(const cJSON *doc, const char *a, const char *b,
                        const char *c, const char *d)
{
	const cJSON *v = path_of(doc, a, b, c);
	if (v && d)
		v = cJSON_GetObjectItem(v, d);
	ck_assert_msg(cJSON_IsNumber(v), "no number at %s.%s.%s.%s", a,
	              b ? b : "", c ? c : "", d ? d : "");
	return v->valuedouble;
}

static void date_of(char out[16], int64_t day_offset)
{
	time_t t = time(NULL) + (time_t)(day_offset * 86400);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* A schedule with a seconds field fires every 2 s: each firing runs once;
 * the first run and those the full schedule came due for are full, the
 * others deltas (the SIS sees the filter); a connection in a blackout
 * never fires on its own but runs when asked. */
START_TEST(scheduled_runs)
{
	cwt_env env;
	cwt_daemon d;
	char blackout[40], from[16], to[16], after[16], token[64];
	int full = 0, delta = 0;
	start_sis();
	setup(&env, "America/Chicago");
	add_connection(&env, "d1", "nightly", "--schedule", "*/2 * * * * *",
	               "--full-schedule", "*/6 * * * * *");
	date_of(from, -1);
	date_of(to, 1);
	date_of(after, 2);
	snprintf(blackout, sizeof(blackout), "%s..%s", from, to);
	add_connection(&env, "d2", "summer", "--schedule", "* * * * * *",
	               "--blackout", blackout);
	start_daemon(&d, &env);
	cJSON *doc = NULL;
	for (int i = 0; i < 150; i++) {
		cJSON_Delete(doc);
		doc = show(&env, "nightly");
		if (finished_runs(doc) >= 4)
			break;
		cwt_sleep_ms(100);
	}
	ck_assert_int_ge(finished_runs(doc), 4);
	/* the oldest four, oldest first */
	const cJSON *runs = cJSON_GetObjectItem(doc, "runs");
	int n = cJSON_GetArraySize(runs), fulls = 0, deltas = 0;
	int64_t previous = 0;
	for (int i = 0; i < 4; i++) {
		const cJSON *run = cJSON_GetArrayItem(runs, n - 1 - i);
		const char *kind =
		        cJSON_GetObjectItem(run, "kind")->valuestring;
		const char *state =
		        cJSON_GetObjectItem(run, "state")->valuestring;
		int64_t at = 0;
		ck_assert_str_eq(
		        cJSON_GetObjectItem(run, "started_by")->valuestring,
		        "schedule");
		ck_assert_msg(!strcmp(state, i ? "unchanged" : "applied"),
		              "run %d: %s", i, state);
		ck_assert_int_eq(
		        cw_time_parse_iso(cJSON_GetObjectItem(run, "started_at")
		                                  ->valuestring,
		                          &at),
		        0);
		/* one run per firing: firings are 2 s apart */
		ck_assert_msg(!previous || at - previous >= 800,
		              "runs %lld ms apart", (long long)(at - previous));
		previous = at;
		ck_assert_int_eq(path_of(run, "report", "since", NULL) != NULL,
		                 !strcmp(kind, "delta"));
		fulls += !strcmp(kind, "full");
		deltas += !strcmp(kind, "delta");
		if (i == 0) {
			ck_assert_str_eq(kind, "full");
			ck_assert_int_eq(
			        (int)number_at(path_of(run, "report", "import",
			                               "entities"),
			                       "users", "added", NULL, NULL),
			        USERS);
		}
	}
	ck_assert_msg(fulls >= 2 && deltas >= 1, "%d full, %d delta", fulls,
	              deltas);
	sis_users_requests(&full, &delta);
	ck_assert_int_gt(full, 0);
	ck_assert_int_gt(delta, 0);
	cJSON_Delete(doc);
	/* the blacked-out connection: no run, its next run after the range */
	doc = show(&env, "summer");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "runs")),
	                 0);
	ck_assert_msg(
	        !strncmp(cJSON_GetObjectItem(doc, "next_run")->valuestring,
	                 after, 10),
	        "next run %s",
	        cJSON_GetObjectItem(doc, "next_run")->valuestring);
	cJSON_Delete(doc);
	/* "run now" works in a blackout */
	ck_assert_int_eq(
	        cwt_token(token, &d, env.admin_id, env.admin_secret, ADMIN), 0);
	long long id =
	        run_now(&d, token, "/admin/v1/sync/connections/summer/run");
	doc = wait_run(&d, token, "summer", id);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "state")->valuestring,
	                 "applied");
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "started_by")->valuestring,
	                 "api");
	cJSON_Delete(doc);
	ck_assert_int_eq(cwt_stop(&d, SIGTERM, 5000), 0);
	stop_sis();
	cwt_env_cleanup(&env);
}
END_TEST

/* Pulled sets kept in the data dir (held runs' data). */
/* Pulled sets kept: held ones are in the store (one manifest.csv blob
 * each), none in the data dir once their run ended. */
static int kept_sets(const cwt_env *env)
{
	DIR *dir = opendir(env->dir);
	struct dirent *e;
	char value[32] = "";
	int n = 0;
	ck_assert_ptr_nonnull(dir);
	while ((e = readdir(dir)))
		n += strncmp(e->d_name, "sync-", 5) == 0;
	closedir(dir);
	ck_assert(cwt_store_value(env,
	                          "SELECT count(*) FROM blobs WHERE name LIKE "
	                          "'sync-%/manifest.csv'",
	                          value, sizeof(value)));
	return n + (int)strtol(value, NULL, 10);
}

/* The daemon deletes a run's pulled set just after it records the run as
 * finished, so a test that saw the state waits a little for the file. */
static int kept_sets_settle(const cwt_env *env, int expected)
{
	int n = kept_sets(env);
	for (int i = 0; i < 100 && n != expected; i++) {
		cwt_sleep_ms(50);
		n = kept_sets(env);
	}
	return n;
}

/* Forks `crosswalk sync run NAME` (its output discarded). */
static pid_t cli_run_background(const cwt_env *env, const char *name)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		if (env->store[0])
			setenv("CROSSWALK_STORE", env->store, 1);
		execl(CW_BINARY, "crosswalk", "sync", "run", name, "--data-dir",
		      env->dir, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* "Run now" answers 202 and a second one 409 while it runs; the CLI gets
 * "already running" too, and the daemon 409 while the CLI runs. A run the
 * threshold holds says why and waits; approving it (API, then CLI) applies
 * exactly what it pulled. */
START_TEST(run_now_one_at_a_time_and_approval)
{
	cwt_env env;
	cwt_daemon d;
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	char token[64];
	cwt_http r;
	start_sis();
	setup(&env, "UTC");
	add_connection(&env, "d1", "sis", "--json", NULL, NULL, NULL);
	start_daemon(&d, &env);
	ck_assert_int_eq(
	        cwt_token(token, &d, env.admin_id, env.admin_secret, ADMIN), 0);
	sis_set("delay=0.3");
	long long id = run_now(&d, token, "/admin/v1/sync/connections/sis/run");
	api(&r, &d, "POST", "/admin/v1/sync/connections/sis/run", token, NULL);
	ck_assert_int_eq(r.status, 409);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&r.body), "already running"));
	cwt_http_dispose(&r);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "run", "sis", NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), "already running"));
	cJSON *doc = wait_run(&d, token, "sis", id);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "state")->valuestring,
	                 "applied");
	cJSON_Delete(doc);
	/* the CLI holds the lease: the daemon answers 409 meanwhile */
	pid_t cli = cli_run_background(&env, "sis");
	int conflicts = 0, status = 0, leased = 0;
	for (int i = 0; i < 200 && !conflicts; i++) {
		api(&r, &d, "GET", "/admin/v1/sync/connections/sis", token,
		    NULL);
		leased = strstr(cw_buf_cstr(&r.body), "\"running\":true") !=
		         NULL;
		cwt_http_dispose(&r);
		if (!leased) {
			ck_assert_int_eq(waitpid(cli, &status, WNOHANG), 0);
			cwt_sleep_ms(20);
			continue;
		}
		api(&r, &d, "POST", "/admin/v1/sync/connections/sis/run", token,
		    NULL);
		ck_assert_msg(r.status == 409, "%ld while the CLI runs",
		              r.status);
		conflicts++;
		cwt_http_dispose(&r);
	}
	ck_assert_int_gt(conflicts, 0);
	ck_assert_int_eq(waitpid(cli, &status, 0), cli);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	/* a third of the users gone: held, with the counts and threshold */
	sis_set("delay=0&users=20");
	id = run_now(&d, token, "/admin/v1/sync/connections/sis/run?full=true");
	doc = wait_run(&d, token, "sis", id);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "state")->valuestring,
	                 "held");
	const char *why =
	        path_of(doc, "report", "held_reason", NULL)->valuestring;
	ck_assert_msg(strstr(why, "delete 10 of the 30 users") &&
	                      strstr(why, "10%"),
	              "%s", why);
	/* its import is approved through the run, not as a bare import */
	char import_path[128];
	snprintf(import_path, sizeof(import_path),
	         "/admin/v1/roster/imports/%.0f/approve",
	         number_at(doc, "report", "import", "import_id", NULL));
	api(&r, &d, "POST", import_path, token, NULL);
	ck_assert_int_eq(r.status, 409);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&r.body), "pulled by a sync"));
	cwt_http_dispose(&r);
	cJSON_Delete(doc);
	ck_assert_int_eq(kept_sets(&env), 1);
	/* while it waits, the SIS changes again: approval applies what the
	 * held run pulled (20 users), not a new pull */
	sis_set("users=25");
	char path[160];
	snprintf(path, sizeof(path),
	         "/admin/v1/sync/connections/sis/runs/%lld/approve", id);
	long long approval = run_now(&d, token, path);
	doc = wait_run(&d, token, "sis", approval);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "state")->valuestring,
	                 "applied");
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "started_by")->valuestring,
	                 "approval");
	ck_assert_int_eq(
	        (int)number_at(path_of(doc, "report", "import", "entities"),
	                       "users", "deleted", NULL, NULL),
	        10);
	cJSON_Delete(doc);
	api(&r, &d, "POST", path, token, NULL); /* approved already */
	ck_assert_int_eq(r.status, 409);
	cwt_http_dispose(&r);
	ck_assert_int_eq(kept_sets_settle(&env, 0), 0);
	/* the CLI's approval path */
	sis_set("users=10");
	cw_buf_clear(&out);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "run", "sis",
	                         "--full", "--json", NULL),
	                 1);
	doc = cJSON_Parse(out.data);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "state")->valuestring,
	                 "pending");
	char run_id[24];
	snprintf(run_id, sizeof(run_id), "%.0f",
	         number_at(doc, "sync", "run_id", NULL, NULL));
	cJSON_Delete(doc);
	cw_buf_clear(&out);
	ck_assert_msg(cwt_run(&env, &out, &err, "sync", "approve", "sis",
	                      run_id, "--json", NULL) == 0,
	              "%s", cw_buf_cstr(&err));
	ck_assert_msg(strstr(out.data, "\"users\":{\"added\":0,\"updated\":0,"
	                               "\"deleted\":10,"),
	              "%s", out.data);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "approve", "sis",
	                         run_id, NULL),
	                 1);
	ck_assert_int_eq(kept_sets(&env), 0);
	ck_assert_int_eq(cwt_stop(&d, SIGTERM, 5000), 0);
	stop_sis();
	cwt_env_cleanup(&env);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

static int file_has(const char *path, const char *needle)
{
	char *text = NULL;
	size_t len = 0;
	int found = 0;
	if (cw_file_read(&text, &len, path, 64L << 20) != 0)
		return 0;
	for (size_t i = 0; i + strlen(needle) <= len && !found; i++)
		found = memcmp(text + i, needle, strlen(needle)) == 0;
	free(text);
	return found;
}

/* The admin API: a tenant's admin manages its own connections only; bad
 * input changes nothing; secrets are sealed and never come back. */
START_TEST(admin_connections)
{
	cwt_env env;
	cwt_daemon d;
	char id1[64], s1[64], id2[64], s2[64], t1[64], t2[64], op[64];
	char db[400];
	cwt_http r;
	setup(&env, "America/New_York");
	cwt_client_add(&env, "d1", ADMIN, id1, s1);
	cwt_client_add(&env, "d2", ADMIN, id2, s2);
	cwt_start(&d, &env, NULL);
	ck_assert_int_eq(cwt_token(t1, &d, id1, s1, ADMIN), 0);
	ck_assert_int_eq(cwt_token(t2, &d, id2, s2, ADMIN), 0);
	ck_assert_int_eq(
	        cwt_token(op, &d, env.admin_id, env.admin_secret, ADMIN), 0);
	static const char create[] =
	        "{\"name\":\"c1\",\"base_url\":\"https://sis.example/ims/"
	        "oneroster/rostering/v1p2\",\"version\":\"1.2\",\"token_url\":"
	        "\"https://sis.example/token\",\"client_id\":\"abc\","
	        "\"client_secret\":\"S3CRET-never-shown\",\"schedule\":\"0 2 "
	        "* * *\",\"blackouts\":[\"2027-06-15..2027-08-20\"]}";
	api(&r, &d, "POST", "/admin/v1/sync/connections", t1, create);
	ck_assert_msg(r.status == 201, "%ld %s", r.status,
	              cw_buf_cstr(&r.body));
	ck_assert_ptr_null(strstr(cw_buf_cstr(&r.body), "S3CRET"));
	ck_assert_ptr_nonnull(
	        strstr(cw_buf_cstr(&r.body), "\"has_secret\":true"));
	ck_assert_ptr_nonnull(
	        strstr(cw_buf_cstr(&r.body), "\"next_run\":\"20"));
	ck_assert_ptr_nonnull(
	        strstr(cw_buf_cstr(&r.body), "\"tenant\":\"d1\""));
	cwt_http_dispose(&r);
	api(&r, &d, "POST", "/admin/v1/sync/connections", t1, create);
	ck_assert_int_eq(r.status, 409);
	cwt_http_dispose(&r);
	/* precise errors, nothing stored */
	static const struct {
		const char *body, *message;
	} bad[] = {
		{ "{\"name\":\"c2\",\"base_url\":\"https://x/\",\"version\":"
		  "\"1.2\",\"schedule\":\"0 24 * * *\"}",
		  "schedule: field 2 (hour): \\\"24\\\"" },
		{ "{\"name\":\"c2\",\"base_url\":\"https://x/\",\"version\":"
		  "\"1.2\",\"blackouts\":[\"2027-02-30..2027-03-01\"]}",
		  "blackout" },
		{ "{\"name\":\"c2\",\"base_url\":\"https://x/\",\"version\":"
		  "\"2.0\"}",
		  "version is 1.1 or 1.2" },
		{ "{\"name\":\"c 2\",\"base_url\":\"https://x/\",\"version\":"
		  "\"1.2\"}",
		  "\\\"name\\\"" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		api(&r, &d, "POST", "/admin/v1/sync/connections", t1,
		    bad[i].body);
		ck_assert_int_eq(r.status, 422);
		ck_assert_msg(strstr(cw_buf_cstr(&r.body), bad[i].message),
		              "%s", cw_buf_cstr(&r.body));
		cwt_http_dispose(&r);
	}
	api(&r, &d, "GET", "/admin/v1/sync/connections/c2", t1, NULL);
	ck_assert_int_eq(r.status, 404);
	cwt_http_dispose(&r);
	/* another tenant's admin: as if there were no such connection */
	static const char *const methods[][2] = {
		{ "GET", "/admin/v1/sync/connections/c1" },
		{ "PATCH", "/admin/v1/sync/connections/c1" },
		{ "DELETE", "/admin/v1/sync/connections/c1" },
		{ "POST", "/admin/v1/sync/connections/c1/run" },
		{ "GET", "/admin/v1/sync/connections/c1/runs" },
	};
	for (size_t i = 0; i < 5; i++) {
		api(&r, &d, methods[i][0], methods[i][1], t2,
		    strcmp(methods[i][0], "PATCH") == 0 ? "{}" : NULL);
		ck_assert_msg(r.status == 404, "%s %s: %ld", methods[i][0],
		              methods[i][1], r.status);
		cwt_http_dispose(&r);
	}
	api(&r, &d, "GET", "/admin/v1/sync/connections", t2, NULL);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(strstr(cw_buf_cstr(&r.body), "c1"));
	cwt_http_dispose(&r);
	api(&r, &d, "GET", "/admin/v1/sync/connections?tenant=d1", t2, NULL);
	ck_assert_int_eq(r.status, 403);
	cwt_http_dispose(&r);
	api(&r, &d, "POST", "/admin/v1/sync/connections?tenant=d1", t2,
	    "{\"name\":\"c3\",\"base_url\":\"https://x/"
	    "\",\"version\":\"1.2\"}");
	ck_assert_int_eq(r.status, 403);
	cwt_http_dispose(&r);
	/* the operator names the tenant */
	api(&r, &d, "GET", "/admin/v1/sync/connections?tenant=d1", op, NULL);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&r.body), "\"name\":\"c1\""));
	ck_assert_ptr_null(strstr(cw_buf_cstr(&r.body), "S3CRET"));
	cwt_http_dispose(&r);
	/* a bad change changes nothing; a good one shows the new schedule */
	api(&r, &d, "PATCH", "/admin/v1/sync/connections/c1", t1,
	    "{\"schedule\":\"0 25 * * *\"}");
	ck_assert_int_eq(r.status, 422);
	cwt_http_dispose(&r);
	api(&r, &d, "PATCH", "/admin/v1/sync/connections/c1", t1,
	    "{\"schedule\":\"30 3 * * mon-fri\",\"client_secret\":"
	    "\"NEW-S3CRET\",\"blackouts\":[]}");
	ck_assert_msg(r.status == 200, "%ld %s", r.status,
	              cw_buf_cstr(&r.body));
	cwt_http_dispose(&r);
	api(&r, &d, "GET", "/admin/v1/sync/connections/c1", t1, NULL);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&r.body),
	                             "\"schedule\":\"30 3 * * mon-fri\""));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&r.body), "\"blackouts\":[]"));
	ck_assert_ptr_nonnull(
	        strstr(cw_buf_cstr(&r.body), "\"auth\":\"oauth2\""));
	ck_assert_ptr_null(strstr(cw_buf_cstr(&r.body), "S3CRET"));
	cwt_http_dispose(&r);
	/* sealed at rest too */
	if (env.store[0]) {
		char found[32] = "";
		ck_assert_int_eq(
		        cwt_store_value(&env,
		                        "SELECT count(*) FROM "
		                        "sync_connections WHERE "
		                        "secret_sealed LIKE '%S3CRET%'",
		                        found, sizeof(found)),
		        1);
		ck_assert_str_eq(found, "0");
	}
	snprintf(db, sizeof(db), "%s/crosswalk.db", env.dir);
	ck_assert(!file_has(db, "NEW-S3CRET") && !file_has(db, "S3CRET-never"));
	snprintf(db, sizeof(db), "%s/crosswalk.db-wal", env.dir);
	ck_assert(!file_has(db, "NEW-S3CRET") && !file_has(db, "S3CRET-never"));
	api(&r, &d, "DELETE", "/admin/v1/sync/connections/c1", t1, NULL);
	ck_assert_int_eq(r.status, 204);
	cwt_http_dispose(&r);
	api(&r, &d, "GET", "/admin/v1/sync/connections/c1", t1, NULL);
	ck_assert_int_eq(r.status, 404);
	cwt_http_dispose(&r);
	ck_assert_int_eq(cwt_stop(&d, SIGTERM, 5000), 0);
	cwt_env_cleanup(&env);
}
END_TEST

/* With change_retention_days 0 the daemon prunes all but the newest log
 * entry: a feed reader from 0 is told to start over (410) and where from. */
START_TEST(change_retention)
{
	cwt_env env;
	cwt_daemon d;
	char set[400], id[64], secret[64], token[64], path[128];
	cwt_http r;
	setup(&env, "UTC");
	snprintf(set, sizeof(set), "%s/a", env.dir);
	cwt_or_write_set(set, cwt_or_users_csv);
	cwt_or_import(&env, "d1", set);
	snprintf(set, sizeof(set), "%s/b", env.dir);
	cwt_or_write_set(set, "sourcedId,enabledUser,username,userIds,"
	                      "givenName,familyName,preferredGivenName,email\n"
	                      "s1,true,s1,{LDAP:a1},Augusta,Lovelace,Addie,"
	                      "ada@example.org\n"
	                      "s2,true,s2,,Grace,Hopper,,grace@example.org\n"
	                      "t1,true,t1,,Alan,Turing,,alan@example.org\n");
	cwt_or_import(&env, "d1", set);
	cwt_client_add(&env, "d1",
	               "https://purl.imsglobal.org/spec/or/v1p2/scope/"
	               "roster.readonly",
	               id, secret);
	cwt_start(&d, &env, "--set", "change_retention_days=0", "--set",
	          "change_prune_interval_s=1", NULL);
	ck_assert_int_eq(cwt_token(token, &d, id, secret,
	                           "https://purl.imsglobal.org/spec/or/v1p2/"
	                           "scope/roster.readonly"),
	                 0);
	cJSON *doc = NULL;
	for (int i = 0; i < 50; i++) {
		cwt_get_auth(&r, &d, "/crosswalk/v1/roster/changes?since=0",
		             token);
		if (r.status == 410)
			break;
		ck_assert_int_eq(r.status, 200);
		cwt_http_dispose(&r);
		cwt_sleep_ms(100);
	}
	ck_assert_int_eq(r.status, 410);
	doc = cwt_json(&r);
	ck_assert_ptr_nonnull(
	        strstr(cw_buf_cstr(&r.body), "read the whole roster"));
	cwt_http_dispose(&r);
	long long resume =
	        (long long)number_at(doc, "resume_from", NULL, NULL, NULL);
	long long pruned =
	        (long long)number_at(doc, "pruned_through", NULL, NULL, NULL);
	ck_assert_int_ge(resume, pruned);
	ck_assert_int_gt(pruned, 0);
	cJSON_Delete(doc);
	snprintf(path, sizeof(path), "/crosswalk/v1/roster/changes?since=%lld",
	         pruned - 1);
	cwt_get_auth(&r, &d, path, token);
	ck_assert_int_eq(r.status, 410);
	cwt_http_dispose(&r);
	snprintf(path, sizeof(path), "/crosswalk/v1/roster/changes?since=%lld",
	         resume);
	cwt_get_auth(&r, &d, path, token);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&r.body), "\"more\":false"));
	cwt_http_dispose(&r);
	/* deltas by time need the log's deletions too: refused, not short */
	cwt_get_auth(&r, &d,
	             "/ims/oneroster/rostering/v1p2/users?filter="
	             "dateLastModified%3E%272020-01-01T00%3A00%3A00Z%27",
	             token);
	ck_assert_int_eq(r.status, 410);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&r.body), "no longer kept"));
	cwt_http_dispose(&r);
	cwt_get_auth(&r, &d, "/ims/oneroster/rostering/v1p2/users", token);
	ck_assert_int_eq(r.status, 200);
	cwt_http_dispose(&r);
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	snprintf(set, sizeof(set), "%s/delta", env.dir);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "roster", "export",
	                         "--tenant", "d1", "--version", "1.2",
	                         "--since", "2020-01-01T00:00:00Z", "--out",
	                         set, NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), "no longer kept"));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	ck_assert_int_eq(cwt_stop(&d, SIGTERM, 5000), 0);
	cwt_env_cleanup(&env);
}
END_TEST

static void export_to(const cwt_env *env, const char *dir)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	ck_assert_msg(cwt_run(env, &out, &err, "roster", "export", "--tenant",
	                      "d1", "--version", "1.2", "--out", dir,
	                      NULL) == 0,
	              "%s", cw_buf_cstr(&err));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

/* Every file of a equals b's. */
static void same_exports(const char *a, const char *b)
{
	DIR *dir = opendir(a);
	struct dirent *e;
	int files = 0;
	ck_assert_ptr_nonnull(dir);
	while ((e = readdir(dir))) {
		char pa[1024], pb[1024], *ta = NULL, *tb = NULL;
		size_t la = 0, lb = 0;
		if (e->d_name[0] == '.')
			continue;
		snprintf(pa, sizeof(pa), "%s/%s", a, e->d_name);
		snprintf(pb, sizeof(pb), "%s/%s", b, e->d_name);
		ck_assert_int_eq(cw_file_read(&ta, &la, pa, 1 << 22), 0);
		ck_assert_int_eq(cw_file_read(&tb, &lb, pb, 1 << 22), 0);
		ck_assert_msg(la == lb && memcmp(ta, tb, la) == 0, "%s differs",
		              e->d_name);
		free(ta);
		free(tb);
		files++;
	}
	closedir(dir);
	ck_assert_int_gt(files, 3);
}

/* SIGKILL of the daemon mid-run leaves the store as it was; after the
 * restart the dead run's lease expires and the next run completes. */
START_TEST(killed_mid_run)
{
	cwt_env env;
	cwt_daemon d;
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	char before[400], after[400], token[64];
	int full = 0, delta = 0, seen = 0;
	start_sis();
	setup(&env, "UTC");
	add_connection(&env, "d1", "sis", NULL, NULL, NULL, NULL);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "run", "sis", NULL),
	                 0);
	snprintf(before, sizeof(before), "%s/before", env.dir);
	export_to(&env, before);
	sis_set("users=28&delay=0.25");
	sis_users_requests(&full, &delta);
	seen = full + delta;
	start_daemon(&d, &env);
	ck_assert_int_eq(
	        cwt_token(token, &d, env.admin_id, env.admin_secret, ADMIN), 0);
	run_now(&d, token, "/admin/v1/sync/connections/sis/run");
	/* killed once the pull reached the users */
	for (int i = 0; i < 100; i++) {
		sis_users_requests(&full, &delta);
		if (full + delta > seen)
			break;
		cwt_sleep_ms(50);
	}
	ck_assert_int_gt(full + delta, seen);
	cwt_stop(&d, SIGKILL, 5000);
	snprintf(after, sizeof(after), "%s/after", env.dir);
	export_to(&env, after);
	same_exports(before, after);
	cJSON *doc = show(&env, "sis");
	const cJSON *dead =
	        cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "runs"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(dead, "state")->valuestring,
	                 "running");
	long long dead_id =
	        (long long)number_at(dead, "run_id", NULL, NULL, NULL);
	cJSON_Delete(doc);
	/* restart: the dead run's lease lapses (3 s), then a run goes */
	sis_set("delay=0");
	start_daemon(&d, &env);
	ck_assert_int_eq(
	        cwt_token(token, &d, env.admin_id, env.admin_secret, ADMIN), 0);
	long long id = 0;
	for (int i = 0; i < 100 && !id; i++) {
		cwt_http r;
		api(&r, &d, "POST",
		    "/admin/v1/sync/connections/sis/run?full=true", token,
		    NULL);
		ck_assert_msg(r.status == 202 || r.status == 409, "%ld",
		              r.status);
		if (r.status == 202) {
			doc = cwt_json(&r);
			id = (long long)number_at(doc, "run_id", NULL, NULL,
			                          NULL);
			cJSON_Delete(doc);
		}
		cwt_http_dispose(&r);
		if (!id)
			cwt_sleep_ms(100);
	}
	ck_assert_int_gt(id, 0);
	doc = wait_run(&d, token, "sis", id);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "state")->valuestring,
	                 "applied");
	ck_assert_int_eq(
	        (int)number_at(path_of(doc, "report", "import", "entities"),
	                       "users", "deleted", NULL, NULL),
	        2);
	cJSON_Delete(doc);
	doc = wait_run(&d, token, "sis", dead_id);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "state")->valuestring,
	                 "interrupted");
	cJSON_Delete(doc);
	ck_assert_int_eq(cwt_stop(&d, SIGTERM, 5000), 0);
	stop_sis();
	cwt_env_cleanup(&env);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

static const char *shown(cJSON *doc, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(doc, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* The CLI's edits: precise errors that change nothing, the next run in the
 * tenant's zone (and again when the zone changes), removal. */
START_TEST(cli_edits)
{
	cwt_env env;
	cw_buf out = CW_BUF_INIT(1 << 16), err = CW_BUF_INIT(1 << 16);
	setup(&env, "America/Chicago");
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "add", "--tenant",
	                         "d1", "--name", "c", "--base-url",
	                         "https://sis.example/", "--version", "1.2",
	                         "--schedule", "0 2 * * *", NULL),
	                 0);
	cJSON *doc = show(&env, "c");
	char before[40];
	snprintf(before, sizeof(before), "%s", shown(doc, "next_run"));
	/* 02:00 in Chicago is 07:00 or 08:00 UTC */
	ck_assert_msg(strstr(before, "T07:00:00.000Z") ||
	                      strstr(before, "T08:00:00.000Z"),
	              "%s", before);
	cJSON_Delete(doc);
	static const struct {
		const char *flag, *value, *message;
	} bad[] = {
		{ "--schedule", "0 2 * *", "got 4" },
		{ "--schedule", "0 2 31 feb-mar mon-fry",
		  "field 5 (day-of-week): \"mon-fry\"" },
		{ "--full-schedule", "*/0 * * * *",
		  "full schedule: field 1 (minute)" },
		{ "--blackout", "2027-08-20..2027-06-15",
		  "first date is after" },
		{ "--page-size", "0", "page size is 1 to 10000" },
		{ "--schedule", "0 0 30 2 *", "never fires" },
		{ "--webhook", "ftp://x/", "webhook" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cw_buf_clear(&err);
		ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "update",
		                         "c", bad[i].flag, bad[i].value, NULL),
		                 2);
		ck_assert_msg(strstr(cw_buf_cstr(&err), bad[i].message), "%s",
		              cw_buf_cstr(&err));
	}
	doc = show(&env, "c");
	ck_assert_str_eq(shown(doc, "schedule"), "0 2 * * *");
	ck_assert_str_eq(shown(doc, "next_run"), before);
	cJSON_Delete(doc);
	/* the tenant moves to UTC: 02:00 UTC */
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "update", "d1",
	                         "--time-zone", "UTC", NULL),
	                 0);
	doc = show(&env, "c");
	ck_assert_ptr_nonnull(strstr(shown(doc, "next_run"), "T02:00:00.000Z"));
	cJSON_Delete(doc);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "update", "d1",
	                         "--time-zone", "Nowhere/Atlantis", NULL),
	                 2);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "update", "c",
	                         "--no-schedule", NULL),
	                 0);
	doc = show(&env, "c");
	ck_assert_ptr_null(cJSON_GetObjectItem(doc, "next_run"));
	cJSON_Delete(doc);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "remove", "c", NULL),
	                 0);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "show", "c", NULL),
	                 1);
	cwt_env_cleanup(&env);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

/* ---- two nodes on one store ---------------------------------------------- */

#define ROSTER_READ                                                            \
	"https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"

/* X-Total-Count of GET /users through node d, or -(HTTP status). */
static long users_on(const cwt_daemon *d, const char *token)
{
	cwt_http r;
	char count[32] = "";
	cwt_get_auth(&r, d, "/ims/oneroster/rostering/v1p2/users?limit=1",
	             token);
	long n = r.status == 200 && cwt_header(&r, "X-Total-Count", count,
	                                       sizeof(count)) == 1
	                 ? strtol(count, NULL, 10)
	                 : -r.status;
	cwt_http_dispose(&r);
	return n;
}

/* The state of run id of connection name, read through node d. */
static void run_state(const cwt_daemon *d, const char *token, const char *name,
                      long long id, char out[32])
{
	cwt_http r;
	char path[200];
	snprintf(path, sizeof(path), "/admin/v1/sync/connections/%s/runs/%lld",
	         name, id);
	api(&r, d, "GET", path, token, NULL);
	ck_assert_int_eq(r.status, 200);
	cJSON *doc = cwt_json(&r);
	snprintf(out, 32, "%s", cJSON_GetObjectItem(doc, "state")->valuestring);
	cJSON_Delete(doc);
	cwt_http_dispose(&r);
}

/* Nodes A and B on one data dir's store (SQLite, or the test's
 * PostgreSQL): a token A issued works on B; a sync started through A is
 * invisible through B while it runs and visible once it commits; a client
 * revoked stops working on both at once. */
START_TEST(two_nodes_one_store)
{
	cwt_env env;
	cwt_daemon a, b;
	char id[64], secret[64], token[64], admin[64], state[32] = "";
	start_sis();
	setup(&env, "UTC");
	add_connection(&env, "d1", "sis", NULL, NULL, NULL, NULL);
	cwt_client_add(&env, "d1", ROSTER_READ, id, secret);
	start_daemon(&a, &env);
	start_daemon(&b, &env);
	ck_assert_int_eq(cwt_token(token, &a, id, secret, NULL), 0);
	ck_assert_int_eq(users_on(&b, token), 0);
	ck_assert_int_eq(
	        cwt_token(admin, &a, env.admin_id, env.admin_secret, ADMIN), 0);
	sis_set("delay=0.2");
	long long run =
	        run_now(&a, admin, "/admin/v1/sync/connections/sis/run");
	int checked = 0;
	for (int i = 0; i < 200; i++) {
		run_state(&b, admin, "sis", run, state);
		if (strcmp(state, "running") != 0)
			break;
		ck_assert_int_eq(users_on(&b, token), 0);
		checked++;
		cwt_sleep_ms(100);
	}
	ck_assert_msg(checked >= 3, "the run was seen running %d times",
	              checked);
	ck_assert_str_eq(state, "applied");
	long n = 0;
	for (int i = 0; i < 50 && (n = users_on(&b, token)) != USERS; i++)
		cwt_sleep_ms(100);
	ck_assert_int_eq(n, USERS);
	ck_assert_int_eq(users_on(&a, token), USERS);
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "client", "revoke", id, NULL), 0);
	ck_assert_int_eq(users_on(&a, token), -401);
	ck_assert_int_eq(users_on(&b, token), -401);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	ck_assert_int_eq(cwt_stop(&a, SIGTERM, 5000), 0);
	ck_assert_int_eq(cwt_stop(&b, SIGTERM, 5000), 0);
	stop_sis();
	cwt_env_cleanup(&env);
}
END_TEST

/* An uninterrupted full run of "sis" (CLI) finds nothing to change: the
 * end state a run taken over left is a single run's. */
static void full_run_changes_nothing(const cwt_env *env)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	ck_assert_msg(cwt_run(env, &out, &err, "sync", "run", "sis", "--full",
	                      "--json", NULL) == 0,
	              "%s", cw_buf_cstr(&err));
	cJSON *doc = cJSON_Parse(out.data);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "state")->valuestring,
	                 "unchanged");
	cJSON_Delete(doc);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

/* A scheduled sync running on node A, A killed with SIGKILL: node B's
 * scheduler takes the connection once A's lease lapses, and its run ends
 * where one uninterrupted run would (a full run after it changes nothing). */
START_TEST(sync_taken_over_when_a_node_dies)
{
	cwt_env env;
	cwt_daemon a, b;
	int full = 0, delta = 0;
	start_sis();
	setup(&env, "UTC");
	add_connection(&env, "d1", "sis", "--schedule", "*/2 * * * * *", NULL,
	               NULL);
	sis_set("delay=0.3");
	start_daemon(&a, &env);
	/* A's run has reached the users */
	for (int i = 0; i < 100 && full + delta == 0; i++) {
		cwt_sleep_ms(100);
		sis_users_requests(&full, &delta);
	}
	ck_assert_int_gt(full + delta, 0);
	start_daemon(&b, &env);
	cwt_stop(&a, SIGKILL, 5000);
	sis_set("delay=0");
	cJSON *doc = NULL;
	const cJSON *done = NULL, *dead = NULL;
	for (int i = 0; i < 200 && !done; i++) {
		cJSON_Delete(doc);
		doc = show(&env, "sis");
		const cJSON *runs = cJSON_GetObjectItem(doc, "runs"), *r;
		int n = cJSON_GetArraySize(runs);
		dead = cJSON_GetArrayItem(runs, n - 1); /* the oldest */
		cJSON_ArrayForEach(r, runs)
		{
			if (r != dead && !strcmp(cJSON_GetObjectItem(r, "state")
			                                 ->valuestring,
			                         "applied"))
				done = r;
		}
		if (!done)
			cwt_sleep_ms(100);
	}
	ck_assert_ptr_nonnull(done);
	ck_assert_str_eq(cJSON_GetObjectItem(dead, "state")->valuestring,
	                 "interrupted");
	ck_assert_str_eq(cJSON_GetObjectItem(done, "kind")->valuestring,
	                 "full");
	ck_assert_int_eq(
	        (int)number_at(path_of(done, "report", "import", "entities"),
	                       "users", "added", NULL, NULL),
	        USERS);
	cJSON_Delete(doc);
	ck_assert_int_eq(cwt_stop(&b, SIGTERM, 5000), 0);
	/* an uninterrupted full run now finds nothing to change */
	full_run_changes_nothing(&env);
	stop_sis();
	cwt_env_cleanup(&env);
}
END_TEST

/* A run started through node A's API (no schedule), A killed with SIGKILL
 * while it pulls: node B's queue claims the run's job once A's lease
 * lapses and runs it again; the dead run says interrupted, and the end
 * state is one uninterrupted run's. */
START_TEST(api_run_taken_over_when_a_node_dies)
{
	cwt_env env;
	cwt_daemon a, b;
	char admin[64], sql[200], value[64] = "";
	int full = 0, delta = 0;
	start_sis();
	setup(&env, "UTC");
	add_connection(&env, "d1", "sis", NULL, NULL, NULL, NULL);
	start_daemon(&a, &env);
	start_daemon(&b, &env);
	ck_assert_int_eq(
	        cwt_token(admin, &a, env.admin_id, env.admin_secret, ADMIN), 0);
	sis_set("delay=0.3");
	long long first =
	        run_now(&a, admin, "/admin/v1/sync/connections/sis/run");
	for (int i = 0; i < 100 && full + delta == 0; i++) {
		cwt_sleep_ms(100);
		sis_users_requests(&full, &delta);
	}
	ck_assert_int_gt(full + delta, 0);
	cwt_stop(&a, SIGKILL, 5000);
	sis_set("delay=0");
	cJSON *doc = NULL;
	const cJSON *done = NULL, *dead = NULL, *r;
	for (int i = 0; i < 300 && !done; i++) {
		cJSON_Delete(doc);
		doc = show(&env, "sis");
		dead = NULL;
		cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "runs"))
		{
			long long id = (long long)number_at(r, "run_id", NULL,
			                                    NULL, NULL);
			const char *state =
			        cJSON_GetObjectItem(r, "state")->valuestring;
			if (id == first)
				dead = r;
			else if (!strcmp(state, "applied"))
				done = r;
		}
		if (!done)
			cwt_sleep_ms(100);
	}
	ck_assert_msg(done != NULL, "no other node ran the job again");
	ck_assert_ptr_nonnull(dead);
	ck_assert_str_eq(cJSON_GetObjectItem(dead, "state")->valuestring,
	                 "interrupted");
	ck_assert_str_eq(cJSON_GetObjectItem(done, "started_by")->valuestring,
	                 "api");
	ck_assert_int_eq(
	        (int)number_at(path_of(done, "report", "import", "entities"),
	                       "users", "added", NULL, NULL),
	        USERS);
	/* One job, two attempts: A's and B's. */
	snprintf(sql, sizeof(sql),
	         "SELECT state || ' ' || attempts || ' ' || ref_id FROM jobs "
	         "WHERE kind = 'sync'");
	ck_assert(cwt_store_value(&env, sql, value, sizeof(value)));
	char expected[64];
	snprintf(expected, sizeof(expected), "done 2 %lld",
	         (long long)number_at(done, "run_id", NULL, NULL, NULL));
	ck_assert_str_eq(value, expected);
	cJSON_Delete(doc);
	ck_assert_int_eq(cwt_stop(&b, SIGTERM, 5000), 0);
	full_run_changes_nothing(&env);
	stop_sis();
	cwt_env_cleanup(&env);
}
END_TEST

/* A schedule firing every 2 s with two nodes up: each firing runs once,
 * on one of them. */
START_TEST(schedule_fires_once_across_nodes)
{
	cwt_env env;
	cwt_daemon a, b;
	start_sis();
	setup(&env, "UTC");
	add_connection(&env, "d1", "tick", "--schedule", "*/2 * * * * *", NULL,
	               NULL);
	start_daemon(&a, &env);
	start_daemon(&b, &env);
	cJSON *doc = NULL;
	for (int i = 0; i < 150; i++) {
		cJSON_Delete(doc);
		doc = show(&env, "tick");
		if (finished_runs(doc) >= 4)
			break;
		cwt_sleep_ms(100);
	}
	ck_assert_int_eq(cwt_stop(&a, SIGTERM, 5000), 0);
	ck_assert_int_eq(cwt_stop(&b, SIGTERM, 5000), 0);
	cJSON_Delete(doc);
	doc = show(&env, "tick");
	ck_assert_int_ge(finished_runs(doc), 4);
	const cJSON *run;
	int64_t later = 0;
	int runs = 0;
	cJSON_ArrayForEach(run, cJSON_GetObjectItem(doc, "runs"))
	{
		int64_t at = 0;
		ck_assert_str_eq(
		        cJSON_GetObjectItem(run, "started_by")->valuestring,
		        "schedule");
		ck_assert_int_eq(
		        cw_time_parse_iso(cJSON_GetObjectItem(run, "started_at")
		                                  ->valuestring,
		                          &at),
		        0);
		/* newest first; firings are 2 s apart, so two runs of one
		 * firing would start within a few milliseconds */
		ck_assert_msg(!later || later - at >= 800, "runs %lld ms apart",
		              (long long)(later - at));
		later = at;
		runs++;
	}
	ck_assert_int_ge(runs, 4);
	cJSON_Delete(doc);
	stop_sis();
	cwt_env_cleanup(&env);
}
END_TEST

Suite *suite_sync_schedule(void)
{
	Suite *s = suite_create("sync_schedule");
	TCase *tc = tcase_create("sync_schedule");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, scheduled_runs);
	tcase_add_test(tc, run_now_one_at_a_time_and_approval);
	tcase_add_test(tc, admin_connections);
	tcase_add_test(tc, change_retention);
	tcase_add_test(tc, killed_mid_run);
	tcase_add_test(tc, cli_edits);
	suite_add_tcase(s, tc);
	TCase *nodes = tcase_create("two_nodes");
	tcase_set_timeout(nodes, 120);
	tcase_add_test(nodes, two_nodes_one_store);
	tcase_add_test(nodes, sync_taken_over_when_a_node_dies);
	tcase_add_test(nodes, api_run_taken_over_when_a_node_dies);
	tcase_add_test(nodes, schedule_fires_once_across_nodes);
	suite_add_tcase(s, nodes);
	return s;
}
