/* The OneRoster REST client (engine/or_client) against a fake SIS on
 * loopback (fake_sis.py: paging without count headers, repeated rows, 429
 * with Retry-After, 503, a connection dropped mid-page, a stalled answer,
 * a SIS that ignores offset, expiring tokens, OAuth 1.0a checked by
 * python3-oauthlib) and against a real Crosswalk daemon. */
#include "harness.h"
#include "or_set.h"

#include "engine/or_client.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/strset.h"

#include <check.h>
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
} collected;

static int on_record(void *arg, const cJSON *record)
{
	collected *c = arg;
	uint32_t found;
	const char *id = cJSON_GetObjectItem(record, "sourcedId")->valuestring;
	ck_assert_int_eq(cw_strset_put(c->ids, id, strlen(id), 0, &found), 1);
	c->count++;
	return 0;
}

static long waits[16];
static int wait_count;

static void record_wait(void *arg, long ms)
{
	(void)arg;
	if (wait_count < 16)
		waits[wait_count++] = ms;
}

/* Pulls users from scenario; the code, with stats and records. */
static int pull(const char *scenario, cw_or_client_options *o,
                cw_or_pull_stats *st, size_t *records)
{
	char base[200];
	cw_or_client *c = NULL;
	collected got = { NULL, 0 };
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
	/* tokens that stop working: renewed once per request */
	snprintf(token_url, sizeof(token_url),
	         "http://127.0.0.1:%d/expire/token", sis_port);
	ck_assert_int_eq(pull("expire", &o, &st, &n), 0);
	ck_assert_uint_eq(n, USERS);
	ck_assert_uint_eq(st.token_fetches, 3);
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
	collected got = { NULL, 0 };
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

Suite *suite_or_client(void)
{
	Suite *s = suite_create("or_client");
	TCase *tc = tcase_create("or_client");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, paging_variants);
	tcase_add_test(tc, faults_and_retries);
	tcase_add_test(tc, oauth);
	tcase_add_test(tc, real_provider);
	suite_add_tcase(s, tc);
	return s;
}
