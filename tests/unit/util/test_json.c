/* cw_json_parse: depth cap before recursion, error positions, trailing data. */
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

#include <check.h>
#include <string.h>

Suite *suite_json(void);

START_TEST(parses_objects)
{
	const char *text = " {\"a\": [1, 2, {\"b\": \"c\"}]}\n";
	cJSON *doc = NULL;
	char *back;

	ck_assert_int_eq(cw_json_parse(&doc, text, strlen(text), 8, NULL), 0);
	back = cw_json_print(doc);
	ck_assert_str_eq(back, "{\"a\":[1,2,{\"b\":\"c\"}]}");
	cw_free(back);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(depth_cap_is_enforced_before_parsing)
{
	char deep[4096];
	cw_json_position where;
	cJSON *doc = NULL;

	memset(deep, '[', sizeof(deep));
	ck_assert_int_eq(cw_json_parse(&doc, deep, sizeof(deep), 64, &where),
	                 CW_ETOOBIG);
	ck_assert_ptr_null(doc);
	ck_assert_uint_eq(where.offset, 64);
	ck_assert_int_eq(where.column, 65);
	ck_assert_str_eq(cw_error_last(),
	                 "1:65: JSON nested deeper than 64 levels");
}
END_TEST

START_TEST(brackets_inside_strings_do_not_count)
{
	const char *text = "{\"a\":\"[[[[[[[[[[\\\"[[[[\"}";
	cJSON *doc = NULL;

	ck_assert_int_eq(cw_json_parse(&doc, text, strlen(text), 2, NULL), 0);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(syntax_error_has_line_and_column)
{
	const char *text = "{\n  \"a\": 1,\n  \"b\": tru\n}";
	cw_json_position where;
	cJSON *doc = NULL;

	ck_assert_int_eq(cw_json_parse(&doc, text, strlen(text), 8, &where),
	                 CW_EINVAL);
	ck_assert_int_eq(where.line, 3);
	ck_assert_ptr_null(doc);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "3:"));
}
END_TEST

START_TEST(trailing_garbage_is_an_error)
{
	const char *text = "{\"a\":1} x";
	cw_json_position where;
	cJSON *doc = NULL;

	ck_assert_int_eq(cw_json_parse(&doc, text, strlen(text), 8, &where),
	                 CW_EINVAL);
	ck_assert_uint_eq(where.offset, 8);
}
END_TEST

START_TEST(length_bounds_the_input)
{
	const char *text = "{\"a\":1}{\"b\":2}";
	cJSON *doc = NULL;

	ck_assert_int_eq(cw_json_parse(&doc, text, 7, 8, NULL), 0);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(doc, "a"));
	cJSON_Delete(doc);
}
END_TEST

Suite *suite_json(void)
{
	Suite *s = suite_create("util/json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parses_objects);
	tcase_add_test(tc, depth_cap_is_enforced_before_parsing);
	tcase_add_test(tc, brackets_inside_strings_do_not_count);
	tcase_add_test(tc, syntax_error_has_line_and_column);
	tcase_add_test(tc, trailing_garbage_is_an_error);
	tcase_add_test(tc, length_bounds_the_input);
	suite_add_tcase(s, tc);
	return s;
}
