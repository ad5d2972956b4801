/* The embedded OneRoster schemas: all compile, and they hold the binding's
 * facts (GUIDRefs, string booleans, closed objects, required members). */
#include "helpers.h"

#include "schema/builtin.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_schema_builtin(void);

START_TEST(every_file_compiles)
{
	for (int set = 0; set <= 1; set++) {
		size_t count = 0;

		for (const cw_embedded_file *f = cw_schema_builtin_files(set);
		     f->name; f++, count++) {
			cw_schema *schema = NULL;

			ck_assert_msg(cw_schema_builtin_compile(
			                      &schema, set, f->name, NULL) == 0,
			              "%s: %s", f->name, cw_error_last());
			cw_schema_free(schema);
		}
		ck_assert_uint_eq(
		        count, set == CW_SCHEMA_SET_ONEROSTER_V1P2 ? 44 : 35);
	}
	ck_assert_ptr_null(cw_schema_builtin_find(CW_SCHEMA_SET_ONEROSTER_V1P1,
	                                          "scoreScale.json"));
}
END_TEST

#define REF(kind, id)                                                          \
	"{\"href\":\"https://x.test/ims/" id "\",\"sourcedId\":\"" id          \
	"\",\"type\":\"" kind "\"}"
#define USER_HEAD                                                              \
	"\"sourcedId\":\"u1\",\"status\":\"active\",\"dateLastModified\":"     \
	"\"2025-01-02T03:04:05.000Z\",\"givenName\":\"Ada\",\"familyName\":"   \
	"\"Lovelace\""
#define ROLES                                                                  \
	"\"roles\":[{\"roleType\":\"primary\",\"role\":\"student\","           \
	"\"org\":" REF("org", "sch") "}]"

static const struct {
	int set;
	const char *name;
	const char *instance;
	const char *where; /* NULL: valid */
	const char *message;
} cases[] = {
	{ 1, "user-single.json",
	  "{\"user\":{" USER_HEAD ",\"enabledUser\":\"true\"," ROLES "}}", NULL,
	  NULL },
	{ 1, "user-single.json",
	  "{\"user\":{" USER_HEAD ",\"enabledUser\":true," ROLES "}}",
	  "/user/enabledUser", "expected one of [\"true\",\"false\"]" },
	{ 1, "user-single.json",
	  "{\"user\":{" USER_HEAD ",\"enabledUser\":\"true\",\"roles\":[]}}",
	  "/user/roles", "expected at least 1 item, got 0" },
	{ 1, "user-single.json",
	  "{\"user\":{" USER_HEAD ",\"enabledUser\":\"true\"," ROLES
	  ",\"role\":\"student\"}}",
	  "/user/role",
	  "property \"role\" is not allowed (additionalProperties)" },
	{ 1, "user-collection.json",
	  "{\"users\":[{" USER_HEAD ",\"enabledUser\":\"true\","
	  "\"roles\":[{\"roleType\":\"primary\",\"role\":\"ext:mentor\","
	  "\"org\":" REF("user", "sch") "}]}]}",
	  "/users/0/roles/0/org/type", "expected \"org\"" },
	{ 1, "user-collection.json",
	  "{\"users\":[{" USER_HEAD ",\"enabledUser\":\"true\"," ROLES
	  ",\"metadata\":{\"any\":{\"thing\":1}}}]}",
	  NULL, NULL },
	{ 1, "org-single.json",
	  "{\"org\":{\"sourcedId\":\"o\",\"status\":\"active\","
	  "\"dateLastModified\":\"2025-01-02T03:04:05.000Z\",\"name\":\"S\","
	  "\"type\":\"school\"}}",
	  "/org", "missing required property \"identifier\"" },
	{ 1, "result-single.json",
	  "{\"result\":{\"sourcedId\":\"r\",\"status\":\"active\","
	  "\"dateLastModified\":\"2025-01-02T03:04:05.000Z\",\"lineItem\":" REF(
	          "lineItem", "li") ",\"student\":" REF("user",
	                                                "s1") ","
	                                                      "\"scoreStatus\":"
	                                                      "\"fully "
	                                                      "graded\","
	                                                      "\"scoreDate\":"
	                                                      "\"2025-01-"
	                                                      "15T00:00:00Z\"}"
	                                                      "}",
	  "/result/scoreDate", "expected a valid date" },
	{ 0, "user-single.json",
	  "{\"user\":{" USER_HEAD ",\"username\":\"ada\",\"enabledUser\":"
	  "\"false\",\"role\":\"student\",\"orgs\":[" REF("org", "sch") "]}}",
	  NULL, NULL },
	{ 0, "user-single.json",
	  "{\"user\":{" USER_HEAD ",\"username\":\"ada\",\"enabledUser\":"
	  "\"false\",\"role\":\"student\",\"orgs\":[" REF(
	          "org", "sch") "]," ROLES "}}",
	  "/user/roles",
	  "property \"roles\" is not allowed "
	  "(additionalProperties)" },
	{ 1, "imsx_StatusInfo.json",
	  "{\"imsx_codeMajor\":\"failure\",\"imsx_severity\":\"error\","
	  "\"imsx_description\":\"x\",\"imsx_CodeMinor\":{"
	  "\"imsx_codeMinorField\":[{\"imsx_codeMinorFieldName\":"
	  "\"TargetEndSystem\",\"imsx_codeMinorFieldValue\":"
	  "\"unknownobject\"}]}}",
	  NULL, NULL },
};

START_TEST(case_table)
{
	cw_schema *schema = NULL;
	cw_schema_result result;
	int err;

	ck_assert_int_eq(cw_schema_builtin_compile(&schema, cases[_i].set,
	                                           cases[_i].name, NULL),
	                 0);
	err = st_validate(&result, schema, cases[_i].instance);
	if (!cases[_i].where) {
		ck_assert_msg(err == 0, "%s: %s",
		              result.count ? result.errors[0].instance_location
		                           : "",
		              result.count ? result.errors[0].message : "");
	} else {
		ck_assert_int_eq(err, CW_EINVAL);
		ck_assert_uint_ge(result.count, 1);
		ck_assert_str_eq(result.errors[0].instance_location,
		                 cases[_i].where);
		ck_assert_str_eq(result.errors[0].message, cases[_i].message);
	}
	cw_schema_result_dispose(&result);
	cw_schema_free(schema);
}
END_TEST

Suite *suite_schema_builtin(void)
{
	Suite *s = suite_create("schema_builtin");
	TCase *c = tcase_create("core");

	tcase_add_test(c, every_file_compiles);
	tcase_add_loop_test(c, case_table, 0, sizeof(cases) / sizeof(cases[0]));
	suite_add_tcase(s, c);
	return s;
}
