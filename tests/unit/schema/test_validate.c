/* Validation: verdicts, and every error with its instance pointer, keyword
 * location and message. */
#include "helpers.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_schema_validate(void);

static const char roster_schema[] =
        "{\"type\":\"object\",\"required\":[\"users\"],"
        "\"properties\":{\"users\":{\"type\":\"array\",\"items\":"
        "{\"$ref\":\"#/$defs/user\"}}},"
        "\"$defs\":{\"user\":{\"type\":\"object\","
        "\"required\":[\"sourcedId\",\"roles\"],"
        "\"additionalProperties\":false,"
        "\"properties\":{\"sourcedId\":{\"type\":\"string\",\"minLength\":1},"
        "\"enabledUser\":{\"enum\":[\"true\",\"false\"]},"
        "\"roles\":{\"type\":\"array\",\"minItems\":1}}}}}";

/* One error each: where, what and which keyword. */
static const struct {
	const char *schema;
	const char *instance;
	const char *where;
	const char *message;
	const char *keyword;
} single_errors[] = {
	{ roster_schema,
	  "{\"users\":[{\"sourcedId\":\"a\",\"roles\":[1]},"
	  "{\"sourcedId\":\"b\",\"roles\":[1]},{\"sourcedId\":\"c\","
	  "\"roles\":[1]},{\"sourcedId\":\"d\",\"roles\":[]}]}",
	  "/users/3/roles", "expected at least 1 item, got 0",
	  "/properties/users/items/$ref/properties/roles/minItems" },
	{ roster_schema,
	  "{\"users\":[{\"sourcedId\":\"a\",\"roles\":[1],\"role\":\"x\"}]}",
	  "/users/0/role",
	  "property \"role\" is not allowed "
	  "(additionalProperties)",
	  "/properties/users/items/$ref/additionalProperties" },
	{ roster_schema,
	  "{\"users\":[{\"sourcedId\":\"a\",\"roles\":[1],"
	  "\"enabledUser\":true}]}",
	  "/users/0/enabledUser", "expected one of [\"true\",\"false\"]",
	  "/properties/users/items/$ref/properties/enabledUser/enum" },
	{ roster_schema, "{\"users\":[{\"roles\":[1]}]}", "/users/0",
	  "missing required property \"sourcedId\"",
	  "/properties/users/items/$ref/required" },
	{ roster_schema, "[]", "", "expected object, got array", "/type" },
	{ "{\"properties\":{\"a/b~c\":{\"type\":\"integer\"}}}",
	  "{\"a/b~c\":1.5}", "/a~1b~0c", "expected integer, got number",
	  "/properties/a~1b~0c/type" },
	{ "{\"type\":[\"string\",\"null\"]}", "3", "",
	  "expected string or null, got integer", "/type" },
	{ "{\"maxLength\":2}", "\"\\u00e9t\\u00e9\"", "",
	  "expected at most 2 characters, got 3", "/maxLength" },
	{ "{\"minimum\":1.5}", "1", "", "expected at least 1.5", "/minimum" },
	{ "{\"exclusiveMaximum\":3}", "3", "", "expected less than 3",
	  "/exclusiveMaximum" },
	{ "{\"multipleOf\":0.5}", "1.25", "", "expected a multiple of 0.5",
	  "/multipleOf" },
	{ "{\"pattern\":\"^ext:[a-z]+$\"}", "\"ext:A\"", "",
	  "does not match the pattern ^ext:[a-z]+$", "/pattern" },
	{ "{\"uniqueItems\":true}", "[1,{\"a\":[2]},{\"a\":[2.0]}]", "",
	  "expected unique items, items 1 and 2 are equal", "/uniqueItems" },
	{ "{\"contains\":{\"const\":1},\"maxContains\":1}", "[1,2,1]", "",
	  "expected at most 1 items matching contains, found 2",
	  "/maxContains" },
	{ "{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":0}]}", "3", "",
	  "expected to match exactly one schema in oneOf, matched 0 and 1",
	  "/oneOf" },
	{ "{\"not\":{\"type\":\"string\"}}", "\"x\"", "",
	  "must not match the schema in not", "/not" },
	{ "{\"dependentRequired\":{\"a\":[\"b\"]}}", "{\"a\":1}", "",
	  "missing property \"b\", required when \"a\" is present",
	  "/dependentRequired/a" },
	{ "{\"prefixItems\":[true],\"items\":false}", "[1,2]", "/1",
	  "item 1 is not allowed (items)", "/items" },
	{ "{\"allOf\":[{\"properties\":{\"a\":true}}],"
	  "\"unevaluatedProperties\":false}",
	  "{\"a\":1,\"b\":2}", "/b",
	  "property \"b\" is not allowed (unevaluatedProperties)",
	  "/unevaluatedProperties" },
	{ "{\"propertyNames\":{\"maxLength\":1}}", "{\"ab\":1}", "/ab",
	  "expected at most 1 character, got 2", "/propertyNames/maxLength" },
	{ "{\"$defs\":{\"n\":{\"$anchor\":\"num\",\"type\":\"number\"}},"
	  "\"items\":{\"$ref\":\"#num\"}}",
	  "[1,\"x\"]", "/1", "expected number, got string",
	  "/items/$ref/type" },
};

START_TEST(single_error_table)
{
	cw_schema *schema = NULL;
	cw_schema_result result;

	ck_assert_int_eq(st_compile(&schema, single_errors[_i].schema, NULL),
	                 0);
	ck_assert_int_eq(
	        st_validate(&result, schema, single_errors[_i].instance),
	        CW_EINVAL);
	ck_assert_uint_eq(result.count, 1);
	ck_assert_str_eq(result.errors[0].instance_location,
	                 single_errors[_i].where);
	ck_assert_str_eq(result.errors[0].message, single_errors[_i].message);
	ck_assert_str_eq(result.errors[0].keyword_location,
	                 single_errors[_i].keyword);
	cw_schema_result_dispose(&result);
	cw_schema_free(schema);
}
END_TEST

START_TEST(every_error_is_reported)
{
	cw_schema *schema = NULL;
	cw_schema_result result;
	char *text;

	ck_assert_int_eq(st_compile(&schema, roster_schema, NULL), 0);
	ck_assert_int_eq(st_validate(&result, schema,
	                             "{\"users\":[{\"sourcedId\":\"\","
	                             "\"roles\":[]},{\"x\":1}]}"),
	                 CW_EINVAL);
	ck_assert_uint_eq(result.count, 5);
	ck_assert_str_eq(result.errors[0].instance_location,
	                 "/users/0/sourcedId");
	ck_assert_str_eq(result.errors[1].instance_location, "/users/0/roles");
	ck_assert_str_eq(result.errors[2].message,
	                 "missing required property \"sourcedId\"");
	ck_assert_str_eq(result.errors[3].message,
	                 "missing required property \"roles\"");
	ck_assert_str_eq(result.errors[4].instance_location, "/users/1/x");
	ck_assert_str_eq(result.errors[4].schema_location,
	                 "urn:crosswalk:schema:root#/$defs/user/"
	                 "additionalProperties");
	text = cw_schema_error_text(&result.errors[1]);
	ck_assert_str_eq(text,
	                 "/users/0/roles: expected at least 1 item, got 0");
	cw_free(text);
	cw_schema_result_dispose(&result);
	cw_schema_free(schema);
}
END_TEST

START_TEST(failed_branches_are_kept_or_dropped)
{
	cw_schema *schema = NULL;
	cw_schema_result result;

	ck_assert_int_eq(st_compile(&schema,
	                            "{\"anyOf\":[{\"type\":\"string\"},"
	                            "{\"type\":\"integer\"}]}",
	                            NULL),
	                 0);
	ck_assert_int_eq(st_validate(&result, schema, "7"), 0);
	ck_assert_uint_eq(result.count, 0);
	cw_schema_result_dispose(&result);
	ck_assert_int_eq(st_validate(&result, schema, "null"), CW_EINVAL);
	/* Each branch's error, then the anyOf summary. */
	ck_assert_uint_eq(result.count, 3);
	ck_assert_str_eq(result.errors[0].keyword_location, "/anyOf/0/type");
	ck_assert_str_eq(result.errors[2].message,
	                 "expected to match at least one of the 2 schemas in "
	                 "anyOf");
	cw_schema_result_dispose(&result);
	cw_schema_free(schema);
}
END_TEST

static const struct {
	const char *format;
	const char *value;
	int valid;
} formats[] = {
	{ "date", "2024-02-29", 1 },
	{ "date", "2023-02-29", 0 },
	{ "date-time", "2025-01-01T00:00:00.000Z", 1 },
	{ "date-time", "2025-01-01T00:00:00", 0 },
	{ "date-time", "1998-12-31T23:59:60Z", 1 },
	{ "date-time", "1998-12-31T22:59:60Z", 0 },
	{ "time", "08:30:06+01:00", 1 },
	{ "time", "24:00:00Z", 0 },
	{ "uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380", 1 },
	{ "uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d1638", 0 },
	{ "email", "joe.bloggs@example.com", 1 },
	{ "email", "joe..bloggs@example.com", 0 },
	{ "uri", "https://example.org/a?b#c", 1 },
	{ "uri", "//example.org/a", 0 },
	{ "uri", "https://exa mple.org", 0 },
	{ "ipv4", "192.168.0.1", 1 },
	{ "ipv4", "192.168.0.01", 0 },
	{ "ipv6", "::ffff:192.168.0.1", 1 },
	{ "ipv6", "1:2:3:4:5:6:7:8:9", 0 },
	{ "hostname", "not checked", 1 },
};

START_TEST(format_table)
{
	cw_schema_options options;
	cw_schema *asserting = NULL, *annotating = NULL;
	char schema[128], instance[128];

	snprintf(schema, sizeof(schema), "{\"format\":\"%s\"}",
	         formats[_i].format);
	snprintf(instance, sizeof(instance), "\"%s\"", formats[_i].value);
	cw_schema_options_init(&options);
	options.format_assert = 1;
	ck_assert_int_eq(st_compile(&asserting, schema, &options), 0);
	ck_assert_int_eq(st_compile(&annotating, schema, NULL), 0);
	ck_assert_int_eq(st_validate(NULL, asserting, instance),
	                 formats[_i].valid ? 0 : CW_EINVAL);
	ck_assert_int_eq(st_validate(NULL, annotating, instance), 0);
	ck_assert_int_eq(st_validate(NULL, asserting, "12"), 0);
	cw_schema_free(asserting);
	cw_schema_free(annotating);
}
END_TEST

START_TEST(work_budget)
{
	cw_schema_options options;
	cw_schema *schema = NULL;
	cw_schema_result result;
	cJSON *instance = cJSON_CreateArray();

	for (int i = 0; i < 2000; i++)
		ck_assert(
		        cJSON_AddItemToArray(instance, cJSON_CreateNumber(i)));
	cw_schema_options_init(&options);
	options.max_work = 1000;
	ck_assert_int_eq(st_compile(&schema,
	                            "{\"items\":{\"anyOf\":[{\"type\":"
	                            "\"string\"},{\"minimum\":0}]}}",
	                            &options),
	                 0);
	ck_assert_int_eq(cw_schema_validate(&result, schema, instance),
	                 CW_ETOOBIG);
	ck_assert_uint_ge(result.count, 1);
	ck_assert_str_eq(result.errors[result.count - 1].message,
	                 "evaluation stopped: work budget exceeded");
	cw_schema_result_dispose(&result);
	cw_schema_free(schema);
	cJSON_Delete(instance);
}
END_TEST

START_TEST(instance_depth)
{
	cw_schema_options options;
	cw_schema *schema = NULL;
	cw_schema_result result;

	cw_schema_options_init(&options);
	options.max_instance_depth = 3;
	ck_assert_int_eq(st_compile(&schema, "true", &options), 0);
	ck_assert_int_eq(st_validate(&result, schema, "[[[]]]"), 0);
	cw_schema_result_dispose(&result);
	ck_assert_int_eq(st_validate(&result, schema, "[[[[]]]]"), CW_ETOOBIG);
	ck_assert_uint_eq(result.count, 1);
	ck_assert_str_eq(result.errors[0].message, "instance nested too deep");
	cw_schema_result_dispose(&result);
	cw_schema_free(schema);
}
END_TEST

START_TEST(runaway_recursion_and_regex)
{
	cw_schema *loop = NULL, *regex = NULL;
	cw_buf text = CW_BUF_INIT(1 << 20);

	ck_assert_int_eq(st_compile(&loop,
	                            "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/"
	                            "a\"}},\"$ref\":\"#/$defs/a\"}",
	                            NULL),
	                 0);
	ck_assert_int_eq(st_validate(NULL, loop, "1"), CW_ETOOBIG);
	ck_assert_int_eq(st_compile(&regex, "{\"pattern\":\"^(a|a)+$\"}", NULL),
	                 0);
	cw_buf_putc(&text, '"');
	for (int i = 0; i < 5000; i++)
		cw_buf_putc(&text, 'a');
	cw_buf_puts(&text, "b\"");
	ck_assert_int_eq(st_validate(NULL, regex, cw_buf_cstr(&text)),
	                 CW_ETOOBIG);
	cw_buf_dispose(&text);
	cw_schema_free(loop);
	cw_schema_free(regex);
}
END_TEST

START_TEST(dynamic_and_unevaluated)
{
	cw_schema *schema = NULL;

	/* A tree whose nodes an extending schema closes with $dynamicRef. */
	ck_assert_int_eq(
	        st_compile(&schema,
	                   "{\"$id\":\"https://example.test/strict\","
	                   "\"$dynamicAnchor\":\"node\",\"$ref\":\"tree\","
	                   "\"unevaluatedProperties\":false,"
	                   "\"$defs\":{\"tree\":{\"$id\":\"tree\","
	                   "\"$dynamicAnchor\":\"node\",\"type\":\"object\","
	                   "\"properties\":{\"data\":true,\"children\":{"
	                   "\"type\":\"array\",\"items\":{\"$dynamicRef\":"
	                   "\"#node\"}}}}}}",
	                   NULL),
	        0);
	ck_assert_int_eq(
	        st_validate(NULL, schema, "{\"children\":[{\"data\":1}]}"), 0);
	ck_assert_int_eq(
	        st_validate(NULL, schema, "{\"children\":[{\"daat\":1}]}"),
	        CW_EINVAL);
	cw_schema_free(schema);
}
END_TEST

Suite *suite_schema_validate(void)
{
	Suite *s = suite_create("schema_validate");
	TCase *c = tcase_create("core");

	tcase_add_loop_test(c, single_error_table, 0,
	                    sizeof(single_errors) / sizeof(single_errors[0]));
	tcase_add_test(c, every_error_is_reported);
	tcase_add_test(c, failed_branches_are_kept_or_dropped);
	tcase_add_loop_test(c, format_table, 0,
	                    sizeof(formats) / sizeof(formats[0]));
	tcase_add_test(c, work_budget);
	tcase_add_test(c, instance_depth);
	tcase_add_test(c, runaway_recursion_and_regex);
	tcase_add_test(c, dynamic_and_unevaluated);
	suite_add_tcase(s, c);
	return s;
}
