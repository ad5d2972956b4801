/* crosswalk badge verify on the real binary: an OB 2.0 hosted badge served
 * over loopback HTTP (python3 -m http.server, as the CASE tests do), verified
 * by URL; a revoked one (revoked: true) fails at its step; --json's shape;
 * loopback refused unless fetch_private_addresses; usage and I/O codes. */
#include "harness.h"

#include "util/buf.h"
#include "util/json.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

Suite *suite_badge_verify(void);

static cwt_env env;
static pid_t server;
static int port;
static char www[300];

/* Writes www/name: text with each "PORT" replaced by the server's port. */
static void host(const char *name, const char *text)
{
	char path[400];
	cw_buf body = CW_BUF_INIT(1 << 16);
	const char *at;
	FILE *f;

	while ((at = strstr(text, "PORT"))) {
		cw_buf_put(&body, text, (size_t)(at - text));
		cw_buf_printf(&body, "%d", port);
		text = at + 4;
	}
	cw_buf_puts(&body, text);
	snprintf(path, sizeof(path), "%s/%s", www, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(body.data, 1, body.len, f), body.len);
	ck_assert_int_eq(fclose(f), 0);
	cw_buf_dispose(&body);
}

#define BASE "http://127.0.0.1:PORT"

static void assertion(const char *name, const char *extra)
{
	char text[2048];

	snprintf(
	        text, sizeof(text),
	        "{\"@context\":\"https://w3id.org/openbadges/v2\",\"type\":"
	        "\"Assertion\",\"id\":\"" BASE "/%s\",\"recipient\":{\"type\":"
	        "\"email\",\"hashed\":true,\"salt\":\"deadsea\",\"identity\":"
	        "\"sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6"
	        "a1d29891942\"},\"issuedOn\":\"2016-12-31T23:59:59Z\","
	        "\"badge\":\"" BASE "/badge.json\",\"verification\":{\"type\":"
	        "\"hosted\"}%s}",
	        name, extra);
	host(name, text);
}

static void setup(void)
{
	char port_text[16];

	cwt_env_init(&env);
	snprintf(www, sizeof(www), "%s/www", env.dir);
	ck_assert_int_eq(mkdir(www, 0700), 0);
	port = cwt_free_port();
	assertion("assertion.json", "");
	assertion("revoked.json",
	          ",\"revoked\":true,\"revocationReason\":\"Issued in error\"");
	host("badge.json",
	     "{\"@context\":\"https://w3id.org/openbadges/v2\",\"type\":"
	     "\"BadgeClass\",\"id\":\"" BASE
	     "/badge.json\",\"name\":\"Robots\","
	     "\"description\":\"Builds robots\",\"image\":\"" BASE "/b.png\","
	     "\"criteria\":{\"narrative\":\"Build one\"},\"issuer\":\"" BASE
	     "/issuer.json\"}");
	host("issuer.json",
	     "{\"@context\":\"https://w3id.org/openbadges/v2\",\"type\":"
	     "\"Issuer\",\"id\":\"" BASE "/issuer.json\",\"name\":\"Org\","
	     "\"url\":\"" BASE "\",\"email\":\"a@example.org\"}");
	snprintf(port_text, sizeof(port_text), "%d", port);
	server = fork();
	ck_assert_int_ge(server, 0);
	if (server == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		execlp("python3", "python3", "-m", "http.server", port_text,
		       "--bind", "127.0.0.1", "--directory", www, (char *)NULL);
		_exit(127);
	}
	setenv("CROSSWALK_FETCH_PRIVATE_ADDRESSES", "1", 1);
}

static void teardown(void)
{
	kill(server, SIGTERM);
	waitpid(server, NULL, 0);
	unsetenv("CROSSWALK_FETCH_PRIVATE_ADDRESSES");
	cwt_env_cleanup(&env);
}

/* badge verify URL ...; waits for the server on the first call. */
static int verify(cw_buf *out, const char *name, const char *flag)
{
	char url[200];
	cw_buf err = CW_BUF_INIT(1 << 16);
	int code = 3;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/%s", port, name);
	for (int i = 0; i < 50; i++) {
		cw_buf_clear(out);
		cw_buf_clear(&err);
		code = flag ? cwt_run(&env, out, &err, "badge", "verify", url,
		                      "--recipient", "nobody@example.org", flag,
		                      NULL)
		            : cwt_run(&env, out, &err, "badge", "verify", url,
		                      "--recipient", "nobody@example.org",
		                      NULL);
		if (!strstr(cw_buf_cstr(out), "Connection refused") &&
		    !strstr(cw_buf_cstr(out), "Couldn't connect"))
			break;
		cwt_sleep_ms(100);
	}
	cw_buf_dispose(&err);
	return code;
}

START_TEST(hosted_badge_by_url)
{
	cw_buf out = CW_BUF_INIT(1 << 20);
	int code = verify(&out, "assertion.json", NULL);

	ck_assert_msg(code == 0, "%s", cw_buf_cstr(&out));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "PASS hosted: "));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "PASS origin: "));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "PASS recipient: "));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "VALID (ob2 hosted)"));
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(revoked_hosted_badge_fails)
{
	cw_buf out = CW_BUF_INIT(1 << 20);
	int code = verify(&out, "revoked.json", NULL);

	ck_assert_msg(code == 1, "%d %s", code, cw_buf_cstr(&out));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out),
	                             "FAIL revocation: revoked: Issued in "
	                             "error"));
	ck_assert_ptr_nonnull(
	        strstr(cw_buf_cstr(&out), "INVALID (ob2 hosted): revocation"));
	cw_buf_dispose(&out);
}
END_TEST

static const cJSON *step(const cJSON *report, const char *name)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, cJSON_GetObjectItem(report, "steps"))
	{
		if (strcmp(cw_json_string(s, "name"), name) == 0)
			return s;
	}
	return NULL;
}

START_TEST(json_report_shape)
{
	cw_buf out = CW_BUF_INIT(1 << 20);
	cJSON *doc = NULL;
	char id[200];

	ck_assert_int_eq(verify(&out, "revoked.json", "--json"), 1);
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 64, NULL), 0);
	snprintf(id, sizeof(id), "http://127.0.0.1:%d/revoked.json", port);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(doc, "valid")));
	ck_assert_str_eq(cw_json_string(doc, "format"), "ob2 hosted");
	ck_assert_str_eq(cw_json_string(doc, "id"), id);
	ck_assert_ptr_nonnull(
	        strstr(cw_json_string(doc, "issuer"), "/issuer.json"));
	ck_assert(cJSON_IsArray(cJSON_GetObjectItem(doc, "nested")));
	ck_assert_str_eq(cw_json_string(step(doc, "revocation"), "status"),
	                 "fail");
	ck_assert_str_eq(cw_json_string(step(doc, "hosted"), "status"), "pass");
	ck_assert_ptr_nonnull(cw_json_string(step(doc, "hosted"), "detail"));
	cJSON_Delete(doc);
	cw_buf_clear(&out);
	ck_assert_int_eq(verify(&out, "assertion.json", "--json"), 0);
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 64, NULL), 0);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(doc, "valid")));
	cJSON_Delete(doc);
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(loopback_refused_by_default)
{
	cw_buf out = CW_BUF_INIT(1 << 20);

	/* wait for the server with fetching allowed, then refuse it */
	ck_assert_int_eq(verify(&out, "assertion.json", NULL), 0);
	unsetenv("CROSSWALK_FETCH_PRIVATE_ADDRESSES");
	ck_assert_int_eq(verify(&out, "assertion.json", NULL), 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "FAIL hosted: "));
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(usage_and_io_codes)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 16);
	char png[400];
	FILE *f;

	ck_assert_int_eq(cwt_run(&env, &out, &err, "badge", "verify", NULL), 2);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "badge", "verify",
	                         "/nonexistent/badge.json", NULL),
	                 3);
	snprintf(png, sizeof(png), "%s/badge.png", env.dir);
	f = fopen(png, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite("\x89PNG\r\n\x1a\n\0\0\0\0", 1, 12, f);
	fclose(f);
	cw_buf_clear(&err);
	/* a corrupt image: invalid input, named (baked images verify: see
	 * test_badge.c) */
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "badge", "verify", png, NULL), 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), "PNG"));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

Suite *suite_badge_verify(void)
{
	Suite *s = suite_create("badge_verify");
	TCase *t = tcase_create("cli");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, hosted_badge_by_url);
	tcase_add_test(t, revoked_hosted_badge_fails);
	tcase_add_test(t, json_report_shape);
	tcase_add_test(t, loopback_refused_by_default);
	tcase_add_test(t, usage_and_io_codes);
	suite_add_tcase(s, t);
	return s;
}
