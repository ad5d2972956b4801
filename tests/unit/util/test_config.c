/* Config layering and validation: default < file < environment < flags, every
 * problem reported with where it came from and what is allowed. */
#include "util/buf.h"
#include "util/config.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/log.h"

#include <check.h>
#include <string.h>

Suite *suite_config(void);

static const char *fake_env_name;
static const char *fake_env_value;

static const char *fake_env(const char *name)
{
	return fake_env_name && strcmp(name, fake_env_name) == 0
	               ? fake_env_value
	               : NULL;
}

static int load(cw_config *out, const char *file, cw_buf *errors,
                int *flag_error)
{
	cw_config_layers *layers = NULL;
	int err;

	ck_assert_int_eq(cw_config_layers_new(&layers), 0);
	err = cw_config_layers_parse_file(layers, file, strlen(file),
	                                  "test.conf", errors);
	if (err == 0)
		err = cw_config_layers_apply_env(layers, fake_env);
	if (err == 0)
		err = cw_config_resolve(out, layers, errors, flag_error);
	cw_config_layers_free(layers);
	return err;
}

START_TEST(defaults_apply)
{
	cw_buf errors = CW_BUF_INIT(4096);
	cw_config config;
	int flag_error;

	fake_env_name = NULL;
	ck_assert_int_eq(load(&config, "", &errors, &flag_error), 0);
	ck_assert_str_eq(config.listen, "127.0.0.1:8080");
	ck_assert_str_eq(config.store, "sqlite");
	ck_assert_int_eq(config.log_level, CW_LOG_INFO);
	ck_assert_int_eq(config.max_body_bytes, CW_LIMIT_BODY_DEFAULT);
	ck_assert_int_eq(config.token_ttl_s, 3600);
	cw_config_dispose(&config);
	cw_buf_dispose(&errors);
}
END_TEST

START_TEST(file_then_env_then_flag)
{
	const char *file = "# comment\r\n\nlisten = 127.0.0.1:9000\r\n"
	                   "  workers=3  \nlog_level = warn\n";
	cw_buf errors = CW_BUF_INIT(4096);
	cw_config_layers *layers = NULL, *flags = NULL;
	cw_config config;
	int flag_error;

	fake_env_name = "CROSSWALK_WORKERS";
	fake_env_value = "5";
	ck_assert_int_eq(cw_config_layers_new(&layers), 0);
	ck_assert_int_eq(cw_config_layers_new(&flags), 0);
	ck_assert_int_eq(cw_config_layers_parse_file(layers, file, strlen(file),
	                                             "t.conf", &errors),
	                 0);
	ck_assert_int_eq(cw_config_layers_apply_env(layers, fake_env), 0);
	ck_assert_int_eq(
	        cw_config_layers_set(flags, "listen", "[::1]:0", "flag"), 0);
	ck_assert_int_eq(cw_config_layers_overlay(layers, flags), 0);
	ck_assert_int_eq(
	        cw_config_resolve(&config, layers, &errors, &flag_error), 0);
	ck_assert_str_eq(config.listen, "[::1]:0");
	ck_assert_int_eq(config.workers, 5);
	ck_assert_int_eq(config.log_level, CW_LOG_WARN);
	cw_config_dispose(&config);
	cw_config_layers_free(layers);
	cw_config_layers_free(flags);
	cw_buf_dispose(&errors);
}
END_TEST

START_TEST(every_bad_value_is_reported)
{
	const char *file = "log_level = verbose\nmax_body_bytes = 12\n"
	                   "listen = nowhere\nstore = mysql://x\n";
	cw_buf errors = CW_BUF_INIT(4096);
	cw_config config;
	int flag_error;

	fake_env_name = NULL;
	ck_assert_int_eq(load(&config, file, &errors, &flag_error), CW_EINVAL);
	ck_assert_int_eq(flag_error, 0);
	ck_assert_ptr_nonnull(strstr(
	        errors.data, "test.conf:1: log_level: \"verbose\" is "
	                     "not one of debug, info, warn, error, off"));
	ck_assert_ptr_nonnull(strstr(errors.data,
	                             "test.conf:2: max_body_bytes: \"12\" is "
	                             "not a whole number from 1024 to"));
	ck_assert_ptr_nonnull(strstr(errors.data, "test.conf:3: listen:"));
	ck_assert_ptr_nonnull(strstr(errors.data, "test.conf:4: store:"));
	ck_assert_ptr_null(config.listen);
	cw_buf_dispose(&errors);
}
END_TEST

START_TEST(syntax_errors_and_unknown_keys)
{
	const char *file =
	        "listen 127.0.0.1:1\nbogus = 1\nlisten = 127.0.0.1:1\n";
	cw_buf errors = CW_BUF_INIT(4096);
	cw_config_layers *layers = NULL;

	ck_assert_int_eq(cw_config_layers_new(&layers), 0);
	ck_assert_int_eq(cw_config_layers_parse_file(layers, file, strlen(file),
	                                             "x.conf", &errors),
	                 CW_EINVAL);
	ck_assert_ptr_nonnull(
	        strstr(errors.data, "x.conf:1: expected `key = value`"));
	ck_assert_ptr_nonnull(
	        strstr(errors.data, "x.conf:2: unknown key `bogus`"));
	cw_config_layers_free(layers);
	cw_buf_dispose(&errors);
}
END_TEST

START_TEST(flag_errors_are_marked)
{
	cw_buf errors = CW_BUF_INIT(4096);
	cw_config_layers *layers = NULL;
	cw_config config;
	int flag_error = 0;

	ck_assert_int_eq(cw_config_layers_new(&layers), 0);
	ck_assert_int_eq(
	        cw_config_layers_set(layers, "workers", "lots", "flag"), 0);
	ck_assert_int_eq(cw_config_layers_set(layers, "nope", "1", "flag"),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(
	        cw_config_resolve(&config, layers, &errors, &flag_error),
	        CW_EINVAL);
	ck_assert_int_eq(flag_error, 1);
	ck_assert_ptr_nonnull(strstr(errors.data, "flag: workers: \"lots\""));
	cw_config_layers_free(layers);
	cw_buf_dispose(&errors);
}
END_TEST

START_TEST(listen_forms)
{
	static const struct {
		const char *text;
		int ok;
		const char *host;
		int port;
	} cases[] = {
		{ "127.0.0.1:8080", 1, "127.0.0.1", 8080 },
		{ "localhost:0", 1, "127.0.0.1", 0 },
		{ "[::1]:443", 1, "::1", 443 },
		{ "0.0.0.0:65535", 1, "0.0.0.0", 65535 },
		{ "127.0.0.1:65536", 0, NULL, 0 },
		{ "127.0.0.1:", 0, NULL, 0 },
		{ "127.0.0.1:-1", 0, NULL, 0 },
		{ "example.com:80", 0, NULL, 0 },
		{ "::1:80", 0, NULL, 0 },
		{ "8080", 0, NULL, 0 },
	};
	char host[64];
	int port;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err = cw_config_parse_listen(cases[i].text, host, &port);
		ck_assert_msg((err == 0) == cases[i].ok, "%s", cases[i].text);
		if (cases[i].ok) {
			ck_assert_str_eq(host, cases[i].host);
			ck_assert_int_eq(port, cases[i].port);
		}
	}
}
END_TEST

START_TEST(bom_and_inline_comments)
{
	const char *file = "\xEF\xBB\xBFlog_level = warn   # quieter\n"
	                   "listen=127.0.0.1:9#not a comment without a space\n";
	cw_buf errors = CW_BUF_INIT(4096);
	cw_config config;
	int flag_error;

	fake_env_name = NULL;
	ck_assert_int_eq(load(&config, file, &errors, &flag_error), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(errors.data, "test.conf:2: listen:"));
	ck_assert_ptr_null(strstr(errors.data, "test.conf:1:"));
	cw_buf_dispose(&errors);
}
END_TEST

START_TEST(default_file_round_trips)
{
	cw_buf text = CW_BUF_INIT(64 * 1024), errors = CW_BUF_INIT(4096);
	cw_config config;
	int flag_error;

	fake_env_name = NULL;
	ck_assert_int_eq(cw_config_write_default(&text), 0);
	ck_assert_ptr_nonnull(strstr(text.data, "# log_level = info"));
	ck_assert_int_eq(load(&config, text.data, &errors, &flag_error), 0);
	ck_assert_str_eq(config.listen, "127.0.0.1:8080");
	ck_assert_str_eq(config.jsonld_contexts_dir, "");
	ck_assert_str_eq(config.jsonld_context_pins, "");
	cw_config_dispose(&config);
	cw_buf_dispose(&text);
	cw_buf_dispose(&errors);
}
END_TEST

Suite *suite_config(void)
{
	Suite *s = suite_create("util/config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, defaults_apply);
	tcase_add_test(tc, file_then_env_then_flag);
	tcase_add_test(tc, every_bad_value_is_reported);
	tcase_add_test(tc, syntax_errors_and_unknown_keys);
	tcase_add_test(tc, flag_errors_are_marked);
	tcase_add_test(tc, listen_forms);
	tcase_add_test(tc, bom_and_inline_comments);
	tcase_add_test(tc, default_file_round_trips);
	suite_add_tcase(s, tc);
	return s;
}
