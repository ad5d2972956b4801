/* util/json_page: the tree-less page reader, its errors and its values. */
#include "util/json_page.h"

#include "util/error.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_json_page(void);

static cw_json_page *page;

static int read_text(const char *text, cw_json_position *where)
{
	return cw_json_page_read(page, text, strlen(text), "users", 64, where);
}

START_TEST(records_and_values)
{
	const char *text =
	        "\xEF\xBB\xBF{\"meta\":{\"users\":1},\"users\":[{\"sourcedId\":"
	        "\"a\\u00e9\\ud83d\\ude00\",\"n\":-1.5e3,\"ok\":true,"
	        "\"org\":{\"href\":\"h\\\"x\",\"sourcedId\":\"o1\"},"
	        "\"l\":[1,\"two\",null],\"sourcedId\":\"second\"},7],"
	        "\"users\":\"ignored\"}";
	cw_buf b = CW_BUF_INIT(1024);
	cw_jobject o;
	cw_jv v;
	size_t cursor = 0;
	ck_assert_int_eq(cw_json_page_new(&page), 0);
	ck_assert_int_eq(read_text(text, NULL), 0);
	ck_assert_uint_eq(cw_json_page_count(page), 2);
	cw_json_page_item(page, 0, &o);
	ck_assert_uint_eq(o.count, 6);
	/* the first of two members of one name, decoded */
	ck_assert_int_eq(cw_jv_decode(&b, cw_jobject_get(&o, "sourcedId")), 0);
	ck_assert_str_eq(b.data, "a\xC3\xA9\xF0\x9F\x98\x80");
	ck_assert(cw_jobject_get(&o, "n")->type == CW_JV_NUMBER);
	ck_assert(cw_jobject_get(&o, "ok")->type == CW_JV_TRUE);
	ck_assert_ptr_null(cw_jobject_get(&o, "missing"));
	ck_assert_int_eq(
	        cw_jv_member(cw_jobject_get(&o, "org"), "sourcedId", &v), 0);
	ck_assert(cw_jv_equals(&v, "o1"));
	ck_assert_int_eq(cw_jv_member(cw_jobject_get(&o, "org"), "href", &v),
	                 0);
	ck_assert(cw_jv_equals(&v, "h\"x"));
	ck_assert_int_eq(cw_jv_next(cw_jobject_get(&o, "l"), &cursor, &v), 1);
	ck_assert(v.type == CW_JV_NUMBER && v.len == 1);
	ck_assert_int_eq(cw_jv_next(cw_jobject_get(&o, "l"), &cursor, &v), 1);
	ck_assert(cw_jv_equals(&v, "two"));
	ck_assert_int_eq(cw_jv_next(cw_jobject_get(&o, "l"), &cursor, &v), 1);
	ck_assert(v.type == CW_JV_NULL);
	ck_assert_int_eq(cw_jv_next(cw_jobject_get(&o, "l"), &cursor, &v), 0);
	/* an item that is not an object has no members */
	cw_json_page_item(page, 1, &o);
	ck_assert(o.whole.type == CW_JV_NUMBER && o.count == 0);
	/* JSON without the array */
	ck_assert_int_eq(read_text("{\"users\":{}}", NULL), CW_ENOTFOUND);
	ck_assert_int_eq(read_text("[1]", NULL), CW_ENOTFOUND);
	ck_assert_int_eq(read_text(" {} ", NULL), CW_ENOTFOUND);
	cw_buf_dispose(&b);
	cw_json_page_free(page);
}
END_TEST

/* Broken texts: the code, where it stopped and why. */
static const struct {
	const char *text;
	int err, line, column;
	const char *why;
} broken[] = {
	{ "{\"users\":[{\"sourcedId\":\"a\"},{\"sourcedId\":\"b", CW_EINVAL, 1,
	  44, "the text ends inside a string" },
	{ "{\"users\":[{\"sourcedId\":\"a\"},", CW_EINVAL, 1, 29,
	  "the text ends inside an array" },
	{ "{\"users\":[{\"sourcedId\":\"a\"}", CW_EINVAL, 1, 28,
	  "the text ends inside an array" },
	{ "{\"users\":[\n{\"a\":tru", CW_EINVAL, 2, 9,
	  "the text ends inside a literal" },
	{ "{\"users\":[{\"a\":1,}]}", CW_EINVAL, 1, 18,
	  "a member name expected" },
	{ "{\"users\":[1,]}", CW_EINVAL, 1, 13, "a value expected" },
	{ "{\"users\":[1 2]}", CW_EINVAL, 1, 13, "',' or ']' expected" },
	{ "{\"users\":[{\"a\" 1}]}", CW_EINVAL, 1, 16, "':' expected" },
	{ "{\"users\":[\"\\x\"]}", CW_EINVAL, 1, 12,
	  "an unknown escape in a string" },
	{ "{\"users\":[\"\\u12\"]}", CW_EINVAL, 1, 12,
	  "a \\u escape without four hex digits" },
	{ "{\"users\":[\"\\udc00\"]}", CW_EINVAL, 1, 12,
	  "a lone low surrogate" },
	{ "{\"users\":[\"\\ud800x\"]}", CW_EINVAL, 1, 12,
	  "a high surrogate without its low half" },
	{ "{\"users\":[\"\\u0000\"]}", CW_EINVAL, 1, 12,
	  "a string holds \\u0000" },
	{ "{\"users\":[1.5.3]}", CW_EINVAL, 1, 11,
	  "a number that is not JSON" },
	{ "{\"users\":[+1]}", CW_EINVAL, 1, 11, "a value expected" },
	{ "{\"users\":[]} x", CW_EINVAL, 1, 14, "text after the value" },
	{ "{\"users\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	  "[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	  "]]]]]]]]]]]}",
	  CW_ETOOBIG, 1, 73, "JSON nested deeper than 64 levels" },
	{ "", CW_EINVAL, 1, 1, "the text ends where a value should be" },
};

START_TEST(broken_texts)
{
	cw_json_position where;
	char want[200];
	ck_assert_int_eq(cw_json_page_new(&page), 0);
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		memset(&where, 0, sizeof(where));
		ck_assert_msg(read_text(broken[i].text, &where) ==
		                      broken[i].err,
		              "case %zu", i);
		snprintf(want, sizeof(want), "%d:%d: %s", broken[i].line,
		         broken[i].column, broken[i].why);
		ck_assert_msg(strcmp(cw_error_last(), want) == 0,
		              "case %zu: %s, not %s", i, cw_error_last(), want);
		ck_assert_int_eq(where.line, broken[i].line);
		ck_assert_int_eq(where.column, broken[i].column);
		ck_assert_uint_eq(cw_json_page_count(page), 0);
	}
	/* a NUL byte inside a string (cJSON would cut the string there) */
	ck_assert_int_eq(cw_json_page_read(page, "{\"users\":[\"a\0b\"]}", 17,
	                                   "users", 64, &where),
	                 CW_EINVAL);
	ck_assert_str_eq(cw_error_last(), "1:13: a NUL byte in a string");
	cw_json_page_free(page);
}
END_TEST

Suite *suite_json_page(void)
{
	Suite *s = suite_create("util/json_page");
	TCase *tc = tcase_create("json_page");
	tcase_add_test(tc, records_and_values);
	tcase_add_test(tc, broken_texts);
	suite_add_tcase(s, tc);
	return s;
}
