/* Mapping files: the shipped default loads; each kind of mistake gives its
 * JSON pointer; the level table finds names without case. */
#include "mapping/mapping.h"
#include "util/error.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_mapping(void);

static const char base[] =
        "{\"flow\":\"credential-to-result\",\"identity\":[{\"match\":"
        "\"email\"}],\"alignment\":{},\"levels\":[{\"match\":[\"Mastered\","
        "\"4\"],\"score\":4,\"textScore\":\"Mastered\"}],\"lineItem\":{"
        "\"class\":{\"sourcedId\":\"k\"},\"category\":{\"sourcedId\":\"c\","
        "\"title\":\"C\"}}}";

START_TEST(default_loads)
{
	size_t len = 0;
	const char *text =
	        cw_mapping_default(CW_FLOW_CREDENTIAL_TO_RESULT, &len);
	cw_buf problems = CW_BUF_INIT(65536);
	cw_mapping *m = NULL;

	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(cw_mapping_load(&m, text, len, &problems), 0);
	ck_assert_int_eq(m->flow, CW_FLOW_CREDENTIAL_TO_RESULT);
	ck_assert_int_eq((int)m->identity_count, 3);
	ck_assert_int_eq(m->identity[2].match, CW_IDENTITY_USER_ID);
	ck_assert_str_eq(m->identity[2].user_id_type, "SIS");
	ck_assert_int_eq(m->hold_unresolved, 1);
	ck_assert_int_eq(m->no_result_holds, 0);
	ck_assert_str_eq(m->class_id, "extended-learning");
	ck_assert_str_eq(m->category_title, "Extended learning");
	ck_assert_double_eq(cw_mapping_level_find(m, "proficient")->score, 3);
	ck_assert_ptr_null(cw_mapping_level_find(m, "Superb"));
	cw_mapping_free(m);
	cw_buf_dispose(&problems);
}
END_TEST

START_TEST(defaults_of_a_minimal_file)
{
	cw_buf problems = CW_BUF_INIT(65536);
	cw_mapping *m = NULL;

	ck_assert_int_eq(cw_mapping_load(&m, base, strlen(base), &problems), 0);
	ck_assert_int_eq(m->require_valid, 1);
	ck_assert_str_eq(m->id_prefix, "cw-");
	ck_assert_int_eq((int)m->relation_count, 1);
	ck_assert_str_eq(m->relations[0], "exactMatchOf");
	ck_assert_int_eq(m->no_result_holds, 1);
	ck_assert_ptr_null(m->framework);
	cw_mapping_free(m);
	cw_buf_dispose(&problems);
}
END_TEST

/* Loads base with from replaced by to: CW_EINVAL, problems naming want. */
static void refused(const char *from, const char *to, const char *want)
{
	char text[2048];
	const char *at = strstr(base, from);
	cw_buf problems = CW_BUF_INIT(65536);
	cw_mapping *m = NULL;

	ck_assert_ptr_nonnull(at);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - base), base, to,
	         at + strlen(from));
	ck_assert_int_eq(cw_mapping_load(&m, text, strlen(text), &problems),
	                 CW_EINVAL);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(cw_buf_cstr(&problems), want) != NULL,
	              "wanted %s in: %s", want, cw_buf_cstr(&problems));
	cw_buf_dispose(&problems);
}

START_TEST(mistakes_are_pointed_at)
{
	refused("\"email\"", "\"phone\"", "/identity/0/match");
	refused("\"match\":\"email\"", "\"match\":\"userId\"",
	        "/identity/0: missing required property \"identityType\"");
	refused("\"score\":4", "\"score\":\"4\"", "/levels/0/score");
	refused("\"sourcedId\":\"k\"", "\"sourcedId\":\"k\",\"course\":\"c\"",
	        "/lineItem/class");
	refused("\"sourcedId\":\"k\"", "\"sourcedId\":\"k k\"",
	        "/lineItem/class/sourcedId");
	refused("\"alignment\":{}", "\"alignment\":{\"extra\":1}",
	        "/alignment");
	refused("credential-to-result", "badge-to-grade", "/flow");
	refused("\"lineItem\":{",
	        "\"lineItem\":{\"resultValueMin\":5,"
	        "\"resultValueMax\":1,",
	        "/lineItem/resultValueMin");
	refused("}],\"lineItem\"",
	        "},{\"match\":[\"mastered\"],\"score\":3,\"textScore\":"
	        "\"P\"}],\"lineItem\"",
	        "/levels/1/match/0: \"mastered\" is already level 0's");
	refused("\"flow\":\"credential-to-result\",", "", "/flow");
	refused("}}}", "}}", "invalid JSON");
}
END_TEST

Suite *suite_mapping(void)
{
	Suite *s = suite_create("mapping");
	TCase *t = tcase_create("load");
	tcase_add_test(t, default_loads);
	tcase_add_test(t, defaults_of_a_minimal_file);
	tcase_add_test(t, mistakes_are_pointed_at);
	suite_add_tcase(s, t);
	return s;
}
