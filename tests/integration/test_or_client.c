/* The OneRoster REST client (engine/or_client) against a fake SIS on
 * loopback (fake_sis.py: paging without count headers, repeated rows, 429
 * with Retry-After, 503, a connection dropped mid-page, a stalled answer,
 * a SIS that ignores offset, expiring tokens, a truncated page, pages in
 * flight together, OAuth 1.0a checked by python3-oauthlib) and against a
 * real Crosswalk daemon. */
#include "harness.h"
#include "or_set.h"

#include "engine/or_client.h"
#include "net/fetch.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/strset.h"

#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

Suite *suite_or_client(void);

#define USERS 250
#define V12   "/ims/oneroster/rostering/v1p2"

static pid_t sis;
static int sis_port;
static char port_file[300];

static void start_sis(void)
{
	char dir[] = "/tmp/cw-fake-sis-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(port_file, sizeof(port_file), "%s/port", dir);
	sis = fork();
	ck_assert_int_ge(sis, 0);
	if (sis == 0) {
		execl(CW_OAUTH1_PYTHON, CW_OAUTH1_PYTHON, CW_FAKE_SIS,
		      port_file, "250", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && !sis_port; i++) {
		char *text = NULL;
		size_t len = 0;
		if (cw_file_read(&text, &len, port_file, 64) == 0) {
			sis_port = (int)strtol(text, NULL, 10);
			free(text);
		} else {
			cwt_sleep_ms(50);
		}
	}
	ck_assert_msg(sis_port > 0, "fake_sis.py did not start");
}

static void stop_sis(void)
{
	kill(sis, SIGTERM);
	waitpid(sis, NULL, 0);
	unlink(port_file);
	sis_port = 0;
}

typedef struct {
	cw_strset *ids;
	size_t count;
	int ordered; /* every id after the one before */
	char last[64];
} collected;

static int on_record(void *arg, const cJSON *record)
{
	collected *c = arg;
	uint32_t found;
	const char *id = cJSON_GetObjectItem(record, "sourcedId")->valuestring;
	ck_assert_int_eq(cw_strset_put(c->ids, id, strlen(id), 0, &found), 1);
	c->count++;
	if (strcmp(id, c->last) <= 0)
		c->ordered = 0;
	snprintf(c->last, sizeof(c->last), "%s", id);
	return 0;
}

static long waits[16];
static int wait_count;
static pthread_mutex_t wait_lock = PTHREAD_MUTEX_INITIALIZER;
static int in_order; /* whether the last pull's records came in order */

static void record_wait(void *arg, long ms)
{
	(void)arg;
	pthread_mutex_lock(&wait_lock); /* the fetching threads call it */
	if (wait_count < 16)
		waits[wait_count++] = ms;
	pthread_mutex_unlock(&wait_lock);
}

/* Pulls users from scenario; the code, with stats and records. */
static int pull(const char *scenario, cw_or_client_options *o,
                cw_or_pull_stats *st, size_t *records)
{
	char base[200];
	cw_or_client *c = NULL;
	collected got = { NULL, 0, 1, "" };
	snprintf(base, sizeof(base), "http://127.0.0.1:%d/%s" V12, sis_port,
	         scenario);
	o->base_url = base;
	o->sleep_ms = record_wait;
	wait_count = 0;
	ck_assert_int_eq(cw_strset_new(&got.ids), 0);
	ck_assert_int_eq(cw_or_client_new(&c, o), 0);
	int err = cw_or_client_pull(c, "users", NULL, on_record, &got, st);
	cw_or_client_free(c);
	cw_strset_free(got.ids);
	*records = got.count;
	in_order = got.ordered;
	return err;
}

START_TEST(paging_variants)
{
	cw_or_client_options o = { 0 };
	cw_or_pull_stats st;
	size_t n;
	start_sis();
	ck_assert_int_eq(pull("clean", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_eq(st.pages, 3);
	/* no count header, short last page */
	ck_assert_int_eq(pull("nocount", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	/* no count header, the last full page followed by an empty one */
	o.page_size = 50;
	ck_assert_int_eq(pull("nocount", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_eq(st.pages, 6);
	/* rows repeated across pages are counted and passed on once */
	o.page_size = 100;
	ck_assert_int_eq(pull("repeat", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_eq(st.duplicates, 5); /* page 2 starts 5 rows early */
	/* a SIS that ignores offset would look like a short roster: error */
	ck_assert_int_eq(pull("ignore-offset", &o, &st, &n), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "offset"));
	stop_sis();
}
END_TEST

/* The most GETs the fake SIS's busy scenario saw at once, reset. */
static long busy_max(void)
{
	char url[200];
	cw_buf body = CW_BUF_INIT(4096);
	cw_fetch_options fo = { 4096, 10, NULL, "application/json", 0 };
	long status = 0, max = -1;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/busy/stats", sis_port);
	ck_assert_int_eq(cw_net_fetch(&body, &status, url, &fo), 0);
	const char *m = strstr(cw_buf_cstr(&body), "\"max\": ");
	ck_assert_ptr_nonnull(m);
	max = strtol(m + 7, NULL, 10);
	cw_buf_dispose(&body);
	return max;
}

START_TEST(concurrent_pages)
{
	cw_or_client_options o = { 0 };
	cw_or_pull_stats st;
	size_t n;
	start_sis();
	/* 13 pages, 3 at a time at most (the first alone), in order */
	o.page_size = 20;
	o.max_concurrent = 3;
	ck_assert_int_eq(pull("busy", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_eq(st.pages, 13);
	ck_assert(in_order);
	long most = busy_max();
	ck_assert_msg(most >= 2 && most <= 3, "%ld at once", most);
	/* rows repeated across pages fetched together: each passed on once,
	 * in order; no count header, so pages past the end went out too */
	o.max_concurrent = 4;
	ck_assert_int_eq(pull("repeat", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_eq(st.duplicates, 5); /* page 2 starts 5 rows early */
	ck_assert(in_order);
	ck_assert_uint_ge(st.requests, st.pages);
	/* faults while pages overlap: 503 on pages 2 and 3, retried */
	o.page_size = 100;
	ck_assert_int_eq(pull("flaky", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_eq(st.retries, 3);
	ck_assert(in_order);
	/* a truncated page still fails the pull, naming where it stopped */
	ck_assert_int_eq(pull("truncated", &o, &st, &n), CW_EINVAL);
	ck_assert_msg(strstr(cw_error_last(), "not JSON (line 1, column ") &&
	                      strstr(cw_error_last(), "the text ends inside"),
	              "%s", cw_error_last());
	/* the page that stopped it, not one fetched ahead and dropped */
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "offset=100: not JSON"));
	ck_assert_uint_eq(n, 100); /* page 1 only: nothing half-reported */
	stop_sis();
}
END_TEST

START_TEST(faults_and_retries)
{
	cw_or_client_options o = { 0 };
	cw_or_pull_stats st;
	size_t n;
	start_sis();
	/* 429 with Retry-After: 1 on page 1, 503 on pages 2 and 3 */
	ck_assert_int_eq(pull("flaky", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_eq(st.retries, 3);
	ck_assert_int_eq(waits[0], 1000);              /* as the SIS said */
	ck_assert(waits[1] >= 250 && waits[1] <= 500); /* jittered backoff */
	/* a connection dropped mid-body, and an answer that stalls */
	ck_assert_int_eq(pull("drop", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_ge(st.retries, 1);
	o.timeout_s = 1;
	ck_assert_int_eq(pull("slow", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_ge(st.retries, 1);
	/* always 500: gives up after max_retries with a clear message */
	o.max_retries = 2;
	ck_assert_int_eq(pull("down", &o, &st, &n), CW_EIO);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(st.requests, 3);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "HTTP 500 after 3"));
	stop_sis();
}
END_TEST

START_TEST(oauth)
{
	cw_or_client_options o = { 0 };
	cw_or_pull_stats st;
	size_t n;
	char token_url[200];
	start_sis();
	snprintf(token_url, sizeof(token_url),
	         "http://127.0.0.1:%d/oauth2/token", sis_port);
	o.auth = CW_OR_AUTH_OAUTH2;
	o.token_url = token_url;
	o.client_id = "sis-client";
	o.client_secret = "sis-secret";
	ck_assert_int_eq(pull("oauth2", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_eq(st.token_fetches, 1); /* cached across pages */
	/* tokens that stop working: renewed once per request. A token good
	 * for one request is used up by whichever page goes first, so this
	 * count holds one request at a time only. */
	snprintf(token_url, sizeof(token_url),
	         "http://127.0.0.1:%d/expire/token", sis_port);
	o.max_concurrent = 1;
	ck_assert_int_eq(pull("expire", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_eq(st.token_fetches, 3);
	/* with pages in flight together, tokens good for five requests: the
	 * first thread refused renews, the others use the new one */
	snprintf(token_url, sizeof(token_url),
	         "http://127.0.0.1:%d/expire5/token", sis_port);
	o.max_concurrent = 2;
	o.page_size = 20;
	ck_assert_int_eq(pull("expire5", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_ge(st.token_fetches, 3); /* 13 pages, 5 per token */
	o.max_concurrent = 0;
	o.page_size = 0;
	o.client_secret = "wrong";
	ck_assert_int_eq(pull("oauth2", &o, &st, &n), CW_EAUTH);
	/* OAuth 1.0a, verified by python3-oauthlib */
	memset(&o, 0, sizeof(o));
	o.auth = CW_OR_AUTH_OAUTH1;
	o.consumer_key = "sis-key";
	o.consumer_secret = "sis-consumer-secret";
	ck_assert_int_eq(pull("oauth1", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	o.oauth1_sha1 = 1;
	ck_assert_int_eq(pull("oauth1", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	o.consumer_secret = "wrong";
	ck_assert_int_eq(pull("oauth1", &o, &st, &n), CW_EAUTH);
	stop_sis();
}
END_TEST

/* A second Crosswalk as the SIS: the provider and the consumer agree. */
START_TEST(real_provider)
{
	cwt_env env;
	cwt_daemon d;
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	char set[400], id[64], secret[64], base[200], token_url[200];
	cwt_env_init(&env);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d1", NULL),
	                 0);
	snprintf(set, sizeof(set), "%s/set", env.dir);
	cwt_or_write_set(set, cwt_or_users_csv);
	cwt_or_import(&env, "d1", set);
	cwt_start(&d, &env, NULL);
	cwt_client_add(&env, "d1",
	               "https://purl.imsglobal.org/spec/or/v1p2/scope/"
	               "roster-core.readonly",
	               id, secret);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d" V12, d.port);
	snprintf(token_url, sizeof(token_url),
	         "http://127.0.0.1:%d/oauth/token", d.port);
	cw_or_client_options o = { 0 };
	o.base_url = base;
	o.auth = CW_OR_AUTH_OAUTH2;
	o.token_url = token_url;
	o.client_id = id;
	o.client_secret = secret;
	o.page_size = 2;
	cw_or_client *c = NULL;
	collected got = { NULL, 0, 1, "" };
	cw_or_pull_stats st;
	ck_assert_int_eq(cw_strset_new(&got.ids), 0);
	ck_assert_int_eq(cw_or_client_new(&c, &o), 0);
	ck_assert_int_eq(
	        cw_or_client_pull(c, "users", NULL, on_record, &got, &st), 0);
	ck_assert_uint_eq(got.count, 3); /* s1, s2, t1 */
	ck_assert_uint_eq(st.pages, 2);
	ck_assert_int_eq(cw_or_client_pull(c, "users", "givenName='Zed'",
	                                   on_record, &got, &st),
	                 0);
	ck_assert_uint_eq(got.count, 3); /* the filter matched nobody */
	cw_or_client_free(c);
	cw_strset_free(got.ids);
	cwt_stop(&d, SIGTERM, 5000);
	cwt_env_cleanup(&env);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

/* Reads dir/name sorted by line, for comparing exports. */
static char *sorted_file(const char *dir, const char *name)
{
	char path[600], *text = NULL;
	size_t len = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(cw_file_read(&text, &len, path, 1 << 20), 0);
	char *lines[256];
	size_t n = 0;
	for (char *p = text; *p && n < 256;) {
		lines[n++] = p;
		char *end = strchr(p, '\n');
		if (!end)
			break;
		*end = '\0';
		p = end + 1;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0;
		     j--) {
			char *t = lines[j];
			lines[j] = lines[j - 1];
			lines[j - 1] = t;
		}
	cw_buf out = CW_BUF_INIT(1 << 20);
	for (size_t i = 0; i < n; i++)
		cw_buf_printf(&out, "%s\n", lines[i]);
	free(text);
	return cw_buf_detach(&out, &len);
}

static int sync_pull(const cwt_env *env, const cwt_daemon *d, const char *id,
                     const char *secret, cw_buf *out, const char *extra)
{
	char base[200], token_url[200];
	cw_buf err = CW_BUF_INIT(1 << 20);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d" V12, d->port);
	snprintf(token_url, sizeof(token_url),
	         "http://127.0.0.1:%d/oauth/token", d->port);
	cw_buf_clear(out);
	int code =
	        cwt_run(env, out, &err, "sync", "pull", "--tenant", "d2",
	                "--base-url", base, "--version", "1.2", "--token-url",
	                token_url, "--client-id", id, "--client-secret", secret,
	                "--page-size", "2", "--json", extra, NULL);
	cw_buf_puts(out, cw_buf_cstr(&err));
	cw_buf_dispose(&err);
	return code;
}

/* Tenants d1 (the SIS: the test set's users and s3, served by a daemon)
 * and d2 (empty), and a d1 client that may read rosters. */
static void provider(cwt_env *env, cwt_daemon *d, char id[64], char secret[64])
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	char set[400], users[1024];
	cwt_env_init(env);
	ck_assert_int_eq(cwt_run(env, &out, &err, "tenant", "add", "d1", NULL),
	                 0);
	ck_assert_int_eq(cwt_run(env, &out, &err, "tenant", "add", "d2", NULL),
	                 0);
	snprintf(users, sizeof(users), "%ss3,true,s3,,Extra,Student,,\n",
	         cwt_or_users_csv);
	snprintf(set, sizeof(set), "%s/set", env->dir);
	cwt_or_write_set(set, users);
	cwt_or_import(env, "d1", set);
	cwt_start(d, env, NULL);
	cwt_client_add(env, "d1",
	               "https://purl.imsglobal.org/spec/or/v1p2/scope/"
	               "roster.readonly",
	               id, secret);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

/* `sync pull` from one tenant's provider into another: the same roster;
 * again: unchanged; a user the SIS stops returning is deleted; a pull that
 * fails changes nothing. */
START_TEST(sync_pull_between_tenants)
{
	cwt_env env;
	cwt_daemon d;
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(4096);
	char set[400], id[64], secret[64], a[400], b[400];
	provider(&env, &d, id, secret);
	ck_assert_msg(sync_pull(&env, &d, id, secret, &out, NULL) == 0, "%s",
	              out.data);
	ck_assert_ptr_nonnull(strstr(out.data, "\"state\":\"applied\""));
	snprintf(a, sizeof(a), "%s/a", env.dir);
	snprintf(b, sizeof(b), "%s/b", env.dir);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "roster", "export",
	                         "--tenant", "d1", "--version", "1.2", "--out",
	                         a, NULL),
	                 0);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "roster", "export",
	                         "--tenant", "d2", "--version", "1.2", "--out",
	                         b, NULL),
	                 0);
	static const char *const same[] = {
		"orgs.csv",    "academicSessions.csv",
		"courses.csv", "classes.csv",
		"users.csv",   "enrollments.csv"
	};
	for (size_t i = 0; i < 6; i++) {
		char *x = sorted_file(a, same[i]), *y = sorted_file(b, same[i]);
		ck_assert_msg(strcmp(x, y) == 0, "%s differs:\n%s---\n%s",
		              same[i], x, y);
		free(x);
		free(y);
	}
	ck_assert_int_eq(sync_pull(&env, &d, id, secret, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"state\":\"unchanged\""));
	/* s3 leaves the SIS: a full pull finds the silent deletion */
	snprintf(set, sizeof(set), "%s/set2", env.dir);
	cwt_or_write_set(set, cwt_or_users_csv);
	cwt_or_import(&env, "d1", set);
	cwt_sleep_ms(1200); /* the daemon rechecks its change log each second */
	ck_assert_msg(sync_pull(&env, &d, id, secret, &out, "--approve") == 0,
	              "%s", out.data);
	ck_assert_msg(strstr(out.data, "\"state\":\"applied\""), "%s",
	              out.data);
	cJSON *report = cJSON_Parse(out.data);
	ck_assert_ptr_nonnull(report);
	ck_assert_ptr_nonnull(strstr(out.data, "\"deleted\":1"));
	cJSON_Delete(report);
	/* a SIS that cannot be reached: exit 1, nothing imported */
	cwt_stop(&d, SIGTERM, 5000);
	ck_assert_int_eq(sync_pull(&env, &d, id, secret, &out, NULL), 1);
	ck_assert_ptr_nonnull(strstr(out.data, "nothing imported"));
	cwt_env_cleanup(&env);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

/* A stored connection: `sync add` seals its secret, the first `sync run`
 * pulls everything, the next pulls only what changed since (a delta). */
START_TEST(stored_connection_full_then_delta)
{
	cwt_env env;
	cwt_daemon d;
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	char set[400], id[64], secret[64], base[200], token_url[200];
	provider(&env, &d, id, secret);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d" V12, d.port);
	snprintf(token_url, sizeof(token_url),
	         "http://127.0.0.1:%d/oauth/token", d.port);
	/* each run's report goes to a webhook (whose first answer is 500) */
	char hook[64], sink_file[400], port_text[16];
	int hook_port = cwt_free_port();
	snprintf(port_text, sizeof(port_text), "%d", hook_port);
	snprintf(hook, sizeof(hook), "http://127.0.0.1:%d/hook", hook_port);
	snprintf(sink_file, sizeof(sink_file), "%s/hooks.jsonl", env.dir);
	pid_t sink = fork();
	ck_assert_int_ge(sink, 0);
	if (sink == 0) {
		execl(CW_OAUTH1_PYTHON, CW_OAUTH1_PYTHON, CW_WEBHOOK_SINK,
		      port_text, sink_file, (char *)NULL);
		_exit(127);
	}
	cwt_sleep_ms(300);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "add", "--tenant",
	                         "d2", "--name", "sis", "--base-url", base,
	                         "--version", "1.2", "--token-url", token_url,
	                         "--client-id", id, "--client-secret", secret,
	                         "--page-size", "2", "--webhook", hook, NULL),
	                 0);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "add", "--tenant",
	                         "d2", "--name", "sis", "--base-url", base,
	                         "--version", "1.2", NULL),
	                 1); /* the name is taken */
	cw_buf_clear(&out);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "sync", "run", "sis", "--json", NULL),
	        0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"state\":\"applied\""));
	cw_buf_clear(&out);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "show", "sis", NULL),
	                 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"last_state\":\"ok\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"cursor\":\"20"));
	ck_assert_ptr_null(strstr(out.data, secret)); /* never shown */
	/* s1 renamed and s3 gone at the SIS: a delta (with its 5-minute
	 * overlap) updates s1 and deletes s3 from its tobedeleted row */
	snprintf(set, sizeof(set), "%s/set2", env.dir);
	cwt_or_write_set(set, "sourcedId,enabledUser,username,userIds,"
	                      "givenName,familyName,preferredGivenName,email\n"
	                      "s1,true,s1,{LDAP:a1},Augusta,Lovelace,Addie,"
	                      "ada@example.org\n"
	                      "s2,true,s2,,Grace,Hopper,,grace@example.org\n"
	                      "t1,true,t1,,Alan,Turing,,alan@example.org\n");
	cwt_or_import(&env, "d1", set);
	cwt_sleep_ms(1200); /* the daemon rechecks its change log each second */
	/* a quarter of the users going is past the delete threshold: held,
	 * nothing applied, the cursor kept; --approve applies it */
	cw_buf_clear(&out);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "sync", "run", "sis", "--json", NULL),
	        1);
	ck_assert_ptr_nonnull(strstr(out.data, "\"state\":\"pending\""));
	cw_buf_clear(&out);
	cw_buf_clear(&err);
	ck_assert_msg(cwt_run(&env, &out, &err, "sync", "run", "sis", "--json",
	                      "--approve", NULL) == 0,
	              "%s%s", out.data, cw_buf_cstr(&err));
	ck_assert_msg(strstr(out.data, "\"users\":{\"added\":0,\"updated\":1,"
	                               "\"deleted\":1,"),
	              "%s", out.data);
	cw_buf_clear(&out);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "sync", "run", "sis",
	                         "--full", "--json", NULL),
	                 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"state\":\"unchanged\""));
	/* four runs, four reports (the first after a retry) */
	char *hooks = NULL;
	size_t hooks_len = 0;
	ck_assert_int_eq(cw_file_read(&hooks, &hooks_len, sink_file, 1 << 20),
	                 0);
	int lines = 0;
	for (const char *p = hooks; *p; p++)
		lines += *p == '\n';
	ck_assert_msg(lines == 4, "%s", hooks);
	ck_assert_ptr_nonnull(strstr(hooks, "\"state\":\"held\""));
	ck_assert_ptr_nonnull(strstr(hooks, "\"connection\":\"sis\""));
	free(hooks);
	kill(sink, SIGTERM);
	waitpid(sink, NULL, 0);
	cwt_stop(&d, SIGTERM, 5000);
	cwt_env_cleanup(&env);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

Suite *suite_or_client(void)
{
	Suite *s = suite_create("or_client");
	TCase *tc = tcase_create("or_client");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, paging_variants);
	tcase_add_test(tc, faults_and_retries);
	tcase_add_test(tc, concurrent_pages);
	tcase_add_test(tc, oauth);
	tcase_add_test(tc, real_provider);
	tcase_add_test(tc, sync_pull_between_tenants);
	tcase_add_test(tc, stored_connection_full_then_delta);
	suite_add_tcase(s, tc);
	return s;
}
