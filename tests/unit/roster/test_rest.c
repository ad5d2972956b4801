/* Stored rows as 1.2 REST objects: the tree and the text writer agree, and
 * both follow the JSON binding (GUIDRefs, arrays, renamed members). */
#include "roster/rest.h"
#include "util/buf.h"
#include "util/json.h"

#include <check.h>
#include <string.h>

Suite *suite_roster_rest(void);

#define ORIGIN "http://gw.example"

static const cw_or_rest_row rows[] = {
	{ CW_OR_CLASSES, "k1", "active", "2026-01-01T00:00:00.000Z",
	  "[\"Math \\\"A\\\"\",[\"09\",\"10\"],\"c1\",null,\"scheduled\",null,"
	  "\"s1\",[\"t1\",\"t2\"],null,null,null,{\"metadata.x\":\"1\"}]" },
	{ CW_OR_USERS, "u1", "active", "2026-01-01T00:00:00.000Z",
	  "[\"true\",\"u1\",[\"{LDAP:a1}\",\"{SIS:b2}\"],\"Ada\",\"L\",null,"
	  "null,null,null,null,[\"p1\"],null,null,null,\"Addie\",null,\"Lo\","
	  "\"s1\"]" },
	{ CW_OR_ENROLLMENTS, "e1", "active", "2026-01-01T00:00:00.000Z",
	  "[\"k1\",\"s1\",\"u1\",\"student\",\"true\"]" },
	{ CW_OR_ORGS, "gone", "tobedeleted", "2026-01-01T00:00:00.000Z", "{}" },
};

static const cw_or_rest_row roles[] = {
	{ CW_OR_ROLES, "r1", "active", "2026-01-01T00:00:00.000Z",
	  "[\"u1\",\"primary\",\"student\",null,null,\"s1\"]" },
};

START_TEST(writer_matches_the_tree)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		cw_buf text = CW_BUF_INIT(1 << 16);
		int user = rows[i].entity == CW_OR_USERS;
		cJSON *tree = cw_or_rest_object(&rows[i], ORIGIN, roles,
		                                user ? 1 : 0);
		cJSON *parsed = NULL;

		ck_assert_ptr_nonnull(tree);
		ck_assert_int_eq(cw_or_rest_write(&text, &rows[i], ORIGIN,
		                                  roles, user ? 1 : 0),
		                 0);
		ck_assert_msg(cw_json_parse(&parsed, text.data, text.len, 16,
		                            NULL) == 0,
		              "not JSON: %s", text.data);
		ck_assert_msg(cJSON_Compare(tree, parsed, 1), "%s\nvs\n%s",
		              text.data, cJSON_PrintUnformatted(tree));
		cJSON_Delete(tree);
		cJSON_Delete(parsed);
		cw_buf_dispose(&text);
	}
}
END_TEST

START_TEST(json_binding_shapes)
{
	cJSON *c = cw_or_rest_object(&rows[0], ORIGIN, NULL, 0);
	cJSON *u = cw_or_rest_object(&rows[1], ORIGIN, roles, 1);
	const cJSON *term, *role, *id;

	ck_assert_str_eq(cw_json_string(c, "title"), "Math \"A\"");
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(c, "school"), "href"),
	        ORIGIN "/ims/oneroster/rostering/v1p2/orgs/s1");
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(c, "course"), "type"),
	        "course");
	term = cJSON_GetArrayItem(cJSON_GetObjectItem(c, "terms"), 1);
	ck_assert_str_eq(cw_json_string(term, "sourcedId"), "t2");
	ck_assert_str_eq(cw_json_string(term, "type"), "academicSession");
	ck_assert_ptr_null(cJSON_GetObjectItem(c, "termSourcedIds"));
	ck_assert_str_eq(cw_json_string(cJSON_GetObjectItem(c, "metadata"),
	                                "metadata.x"),
	                 "1");

	ck_assert_str_eq(cw_json_string(u, "preferredFirstName"), "Addie");
	ck_assert_str_eq(cw_json_string(u, "preferredLastName"), "Lo");
	id = cJSON_GetArrayItem(cJSON_GetObjectItem(u, "userIds"), 1);
	ck_assert_str_eq(cw_json_string(id, "type"), "SIS");
	ck_assert_str_eq(cw_json_string(id, "identifier"), "b2");
	ck_assert_str_eq(
	        cw_json_string(
	                cJSON_GetArrayItem(cJSON_GetObjectItem(u, "agents"), 0),
	                "type"),
	        "user");
	ck_assert_str_eq(cw_json_string(cJSON_GetObjectItem(u, "primaryOrg"),
	                                "sourcedId"),
	                 "s1");
	role = cJSON_GetArrayItem(cJSON_GetObjectItem(u, "roles"), 0);
	ck_assert_ptr_null(cJSON_GetObjectItem(role, "user"));
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(role, "org"), "type"),
	        "org");
	cJSON_Delete(c);
	cJSON_Delete(u);
}
END_TEST

START_TEST(members_for_field_checks)
{
	const char *const *m = cw_or_rest_members(CW_OR_USERS);
	int has_roles = 0, preferred = 0, csv_name = 0;

	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m[0], "sourcedId");
	for (; *m; m++) {
		has_roles |= strcmp(*m, "roles") == 0;
		preferred |= strcmp(*m, "preferredFirstName") == 0;
		csv_name |= strcmp(*m, "primaryOrgSourcedId") == 0;
	}
	ck_assert(has_roles && preferred && !csv_name);
	ck_assert_str_eq(cw_or_rest_singular(CW_OR_DEMOGRAPHICS),
	                 "demographics");
	ck_assert_str_eq(cw_or_rest_plural(CW_OR_CLASSES), "classes");
}
END_TEST

START_TEST(damaged_rows_are_refused)
{
	static const cw_or_rest_row bad[] = {
		{ CW_OR_CLASSES, "k", "active", "x", "not json" },
		{ CW_OR_CLASSES, "k", "active", "x", "[\"a\"" },
		{ CW_OR_CLASSES, "k", "active", "x", "[5]" },
		{ CW_OR_CLASSES, "k", "active", "x",
		  "[null,null,null,null,null,null,null,null,null,null,null,"
		  "null,\"extra\"]" },
	};
	cw_buf text = CW_BUF_INIT(1 << 16);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cw_buf_clear(&text);
		ck_assert_msg(
		        cw_or_rest_write(&text, &bad[i], ORIGIN, NULL, 0) < 0,
		        "accepted %s", bad[i].stored);
	}
	cw_buf_dispose(&text);
}
END_TEST

Suite *suite_roster_rest(void)
{
	Suite *s = suite_create("roster/rest");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, writer_matches_the_tree);
	tcase_add_test(tc, json_binding_shapes);
	tcase_add_test(tc, members_for_field_checks);
	tcase_add_test(tc, damaged_rows_are_refused);
	suite_add_tcase(s, tc);
	return s;
}
