/* crosswalk rdf canonize: canonical N-Quads on stdout, FILE:LINE:COLUMN
 * errors with exit 1, usage errors with exit 2, the work limit. */
#include "harness.h"

#include "util/buf.h"
#include "util/file.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_rdf(void);

static cwt_env env;
static cw_buf out, err;
static char path[400];

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

static const char *write_input(const char *name, const char *text)
{
	ck_assert_int_lt(snprintf(path, sizeof(path), "%s/%s", env.dir, name),
	                 (int)sizeof(path));
	ck_assert_int_eq(cw_file_create(path, text, strlen(text), 0600), 0);
	return path;
}

START_TEST(prints_the_canonical_form)
{
	const char *file = write_input(
	        "in.nq",
	        "_:x <http://p> \"a\\u0009b\" .\n<http://s> <http://p> "
	        "_:x <http://g> .\n");

	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "rdf", "canonize", file, NULL), 0);
	ck_assert_str_eq(cw_buf_cstr(&out),
	                 "<http://s> <http://p> _:c14n0 <http://g> .\n"
	                 "_:c14n0 <http://p> \"a\\tb\" .\n");
	cw_buf_clear(&out);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "rdf", "canonize", "--hash",
	                         "sha384", file, NULL),
	                 0);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "_:c14n0"));
}
END_TEST

START_TEST(bad_input_and_usage)
{
	char expected[500];
	const char *file =
	        write_input("bad.nq", "<http://s> <http://p> <o> .\n");

	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "rdf", "canonize", file, NULL), 1);
	snprintf(expected, sizeof(expected), "%s:1:23: relative IRI", file);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), expected));
	ck_assert_int_eq(cwt_run(&env, &out, &err, "rdf", "canonize", "--hash",
	                         "md5", file, NULL),
	                 2);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "rdf", "canonize", NULL), 2);
}
END_TEST

START_TEST(poison_graph_fails_fast)
{
	cw_buf text = CW_BUF_INIT(1 << 20);

	for (int i = 0; i < 10; i++)
		for (int j = 0; j < 10; j++)
			cw_buf_printf(&text, "_:e%d <http://p> _:e%d .\n", i,
			              j);
	write_input("poison.nq", cw_buf_cstr(&text));
	cw_buf_dispose(&text);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "rdf", "canonize", path, NULL), 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), "work limit"));
}
END_TEST

Suite *suite_rdf(void)
{
	Suite *s = suite_create("integration/rdf");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, prints_the_canonical_form);
	tcase_add_test(tc, bad_input_and_usage);
	tcase_add_test(tc, poison_graph_fails_fast);
	suite_add_tcase(s, tc);
	return s;
}
