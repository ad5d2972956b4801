/* Form bodies of token requests. */
#include "http/form.h"
#include "util/error.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_form(void);

START_TEST(parses_fields)
{
	const char *body = "grant_type=client_credentials&scope=a+b%20c&x=&&y";
	cw_form form;

	ck_assert_int_eq(cw_form_parse(&form, body, strlen(body)), 0);
	ck_assert_uint_eq(form.count, 4);
	ck_assert_str_eq(cw_form_get(&form, "grant_type"),
	                 "client_credentials");
	ck_assert_str_eq(cw_form_get(&form, "scope"), "a b c");
	ck_assert_str_eq(cw_form_get(&form, "x"), "");
	ck_assert_str_eq(cw_form_get(&form, "y"), "");
	ck_assert_ptr_null(cw_form_get(&form, "z"));
	cw_form_dispose(&form);
}
END_TEST

START_TEST(rejects_repeats_and_bad_escapes)
{
	static const char *const bad[] = { "a=1&a=2", "a=%", "a=%4", "%zz=1",
		                           "a=%00" };
	cw_form form;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(cw_form_parse(&form, bad[i], strlen(bad[i])),
		                 CW_EINVAL);
		ck_assert_uint_eq(form.count, 0);
	}
}
END_TEST

START_TEST(caps_field_count)
{
	char body[1024] = "";
	size_t used = 0;
	cw_form form;

	for (int i = 0; i <= CW_FORM_MAX_FIELDS; i++)
		used += (size_t)snprintf(body + used, sizeof(body) - used,
		                         "f%d=1&", i);
	ck_assert_int_eq(cw_form_parse(&form, body, used), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "more than"));
}
END_TEST

START_TEST(empty_body)
{
	cw_form form;

	ck_assert_int_eq(cw_form_parse(&form, "", 0), 0);
	ck_assert_uint_eq(form.count, 0);
	cw_form_dispose(&form);
}
END_TEST

Suite *suite_form(void)
{
	Suite *s = suite_create("http/form");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parses_fields);
	tcase_add_test(tc, rejects_repeats_and_bad_escapes);
	tcase_add_test(tc, caps_field_count);
	tcase_add_test(tc, empty_body);
	suite_add_tcase(s, tc);
	return s;
}
