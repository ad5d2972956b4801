/* The command-line contract: help, exit codes, --json, config errors, and an
 * init that can run twice without losing anything. */
#include "harness.h"

#include "util/json.h"

#include <check.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

Suite *suite_cli(void);

#define R "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"

static cwt_env env;
static cw_buf out, err;

static void setup(void)
{
	cwt_env_init(&env);
	out = (cw_buf)CW_BUF_INIT(1 << 20);
	err = (cw_buf)CW_BUF_INIT(1 << 20);
}

static void teardown(void)
{
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_env_cleanup(&env);
}

static void reset(void)
{
	cw_buf_clear(&out);
	cw_buf_clear(&err);
}

START_TEST(help_everywhere)
{
	static const char *const commands[][2] = {
		{ "init", NULL },       { "serve", NULL },
		{ "tenant", "add" },    { "tenant", "list" },
		{ "client", "add" },    { "client", "list" },
		{ "client", "revoke" }, { "version", NULL },
	};

	ck_assert_int_eq(cwt_run(&env, &out, &err, "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "client revoke"));
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		reset();
		if (commands[i][1])
			ck_assert_int_eq(cwt_run(&env, &out, &err,
			                         commands[i][0], commands[i][1],
			                         "--help", NULL),
			                 0);
		else
			ck_assert_int_eq(cwt_run(&env, &out, &err,
			                         commands[i][0], "--help",
			                         NULL),
			                 0);
		ck_assert_ptr_nonnull(strstr(out.data, "Usage: crosswalk"));
		ck_assert_ptr_nonnull(strstr(out.data, "--data-dir"));
	}
}
END_TEST

START_TEST(usage_errors_exit_2)
{
	ck_assert_int_eq(cwt_run(&env, &out, &err, "frobnicate", NULL), 2);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", NULL), 2);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "tenant", "add", "a", "b", NULL), 2);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "client", "add", "--tenant",
	                         "x", NULL),
	                 2);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "tenant", "list", "--bogus", NULL),
	        2);
	ck_assert_ptr_nonnull(strstr(err.data, "unknown option --bogus"));
}
END_TEST

START_TEST(invalid_input_exits_1)
{
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "tenant", "add", "Bad!", NULL), 1);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "ok", NULL),
	                 0);
	reset();
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "ok", NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(err.data, "already exists"));
	ck_assert_int_eq(cwt_run(&env, &out, &err, "client", "add", "--tenant",
	                         "nope", "--scope", R, NULL),
	                 1);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "client", "add", "--tenant",
	                         "ok", "--scope", "urn:nope", NULL),
	                 1);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "client", "revoke", "abc", NULL), 1);
}
END_TEST

START_TEST(json_outputs)
{
	cJSON *doc = NULL, *scopes;

	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d1",
	                         "--json", NULL),
	                 0);
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 8, NULL), 0);
	ck_assert_str_eq(cw_json_string(doc, "name"), "d1");
	cJSON_Delete(doc);
	reset();
	ck_assert_int_eq(cwt_run(&env, &out, &err, "client", "add", "--tenant",
	                         "d1", "--scope", R, "--json", NULL),
	                 0);
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 8, NULL), 0);
	ck_assert_uint_eq(strlen(cw_json_string(doc, "client_id")), 32);
	ck_assert_ptr_nonnull(cw_json_string(doc, "client_secret"));
	ck_assert_str_eq(cw_json_string(doc, "tenant"), "d1");
	scopes = cJSON_GetObjectItem(doc, "scopes");
	ck_assert_int_eq(cJSON_GetArraySize(scopes), 1);
	ck_assert_str_eq(cJSON_GetArrayItem(scopes, 0)->valuestring, R);
	cJSON_Delete(doc);
	reset();
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "client", "list", "--json", NULL), 0);
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 8, NULL), 0);
	ck_assert_int_eq(cJSON_GetArraySize(doc), 2); /* system admin + d1 */
	ck_assert_ptr_null(strstr(out.data, "secret"));
	cJSON_Delete(doc);
	reset();
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "tenant", "list", "--json", NULL), 0);
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 8, NULL), 0);
	ck_assert_int_eq(cJSON_GetArraySize(doc), 2); /* d1, system */
	cJSON_Delete(doc);
}
END_TEST

START_TEST(init_twice_keeps_everything)
{
	char token[64];
	cwt_daemon d;
	cJSON *doc = NULL;

	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "tenant", "add", "keep", NULL), 0);
	reset();
	ck_assert_int_eq(cwt_run(&env, &out, &err, "init", "--json", NULL), 0);
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 8, NULL), 0);
	ck_assert_int_eq(
	        cJSON_GetObjectItem(doc, "migrations_applied")->valueint, 0);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(
	        cJSON_GetObjectItem(doc, "created"), "admin_client")));
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(doc, "admin"), "client_id"),
	        env.admin_id);
	ck_assert_ptr_null(cw_json_string(cJSON_GetObjectItem(doc, "admin"),
	                                  "client_secret"));
	cJSON_Delete(doc);
	reset();
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "list", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "keep"));
	cwt_start(&d, &env, NULL);
	ck_assert_int_eq(
	        cwt_token(token, &d, env.admin_id, env.admin_secret, NULL), 0);
	ck_assert_int_eq(cwt_stop(&d, SIGTERM, 5000), 0);
}
END_TEST

START_TEST(uninitialised_dir)
{
	cwt_env empty;

	cwt_env_init(&empty);
	cwt_env_cleanup(&empty);
	ck_assert_int_eq(cwt_run(&empty, &out, &err, "tenant", "list", NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(err.data, "crosswalk init"));
}
END_TEST

static void write_config(const char *text)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/crosswalk.conf", env.dir);
	f = fopen(path, "a");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(config_errors_name_key_and_allowed_values)
{
	write_config("log_level = chatty\nworkers = 9999\n");
	ck_assert_int_eq(cwt_start_fails(&env, &err, NULL), 1);
	ck_assert_ptr_nonnull(
	        strstr(err.data, "log_level: \"chatty\" is not one of debug, "
	                         "info, warn, error, off"));
	ck_assert_ptr_nonnull(strstr(err.data,
	                             "workers: \"9999\" is not a whole number "
	                             "from 0 to 256"));
	ck_assert_ptr_nonnull(strstr(err.data, "crosswalk.conf:"));
}
END_TEST

START_TEST(config_unknown_key)
{
	write_config("listen_adress = 127.0.0.1:1\n");
	ck_assert_int_eq(cwt_start_fails(&env, &err, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err.data, "unknown key `listen_adress`"));
}
END_TEST

START_TEST(flag_errors_exit_2)
{
	ck_assert_int_eq(
	        cwt_start_fails(&env, &err, "--listen", "nowhere", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err.data, "listen: \"nowhere\""));
	reset();
	ck_assert_int_eq(cwt_start_fails(&env, &err, "--set", "bogus=1", NULL),
	                 2);
	ck_assert_ptr_nonnull(strstr(err.data, "unknown config key `bogus`"));
}
END_TEST

START_TEST(environment_overrides_file)
{
	setenv("CROSSWALK_LOG_LEVEL", "loud", 1);
	ck_assert_int_eq(cwt_start_fails(&env, &err, NULL), 1);
	unsetenv("CROSSWALK_LOG_LEVEL");
	ck_assert_ptr_nonnull(
	        strstr(err.data, "CROSSWALK_LOG_LEVEL: log_level"));
}
END_TEST

START_TEST(port_in_use_is_an_io_error)
{
	struct sockaddr_in addr = { 0 };
	socklen_t len = sizeof(addr);
	char listen_arg[64];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	getsockname(fd, (struct sockaddr *)&addr, &len);
	snprintf(listen_arg, sizeof(listen_arg), "127.0.0.1:%d",
	         ntohs(addr.sin_port));
	ck_assert_int_eq(
	        cwt_start_fails(&env, &err, "--listen", listen_arg, NULL), 3);
	ck_assert_ptr_nonnull(strstr(err.data, "cannot listen"));
	close(fd);
}
END_TEST

Suite *suite_cli(void)
{
	Suite *s = suite_create("integration/cli");
	TCase *tc = tcase_create("cli");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, help_everywhere);
	tcase_add_test(tc, usage_errors_exit_2);
	tcase_add_test(tc, invalid_input_exits_1);
	tcase_add_test(tc, json_outputs);
	tcase_add_test(tc, init_twice_keeps_everything);
	tcase_add_test(tc, uninitialised_dir);
	tcase_add_test(tc, config_errors_name_key_and_allowed_values);
	tcase_add_test(tc, config_unknown_key);
	tcase_add_test(tc, flag_errors_exit_2);
	tcase_add_test(tc, environment_overrides_file);
	tcase_add_test(tc, port_in_use_is_an_io_error);
	suite_add_tcase(s, tc);
	return s;
}
