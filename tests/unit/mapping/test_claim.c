/* The claim of OB 3.0 credentials and OB 2.0 assertions: identities,
 * alignments, the level reached (a rubric level's name before its id). */
#include "mapping/claim.h"
#include "util/error.h"
#include "util/json.h"

#include <check.h>
#include <string.h>

Suite *suite_claim(void);

static cJSON *parse(const char *text)
{
	cJSON *doc = NULL;
	ck_assert_int_eq(cw_json_parse(&doc, text, strlen(text), 64, NULL), 0);
	return doc;
}

START_TEST(ob3_credential)
{
	cJSON *doc = parse(
	        "{\"id\":\"urn:uuid:1\",\"issuer\":{\"id\":\"did:key:z\","
	        "\"name\":\"Museum\"},\"validFrom\":\"2026-03-01T10:00:00Z\","
	        "\"credentialSubject\":{\"id\":\"mailto:ada@example.org\","
	        "\"identifier\":[{\"identityType\":\"sourcedId\","
	        "\"identityHash\":\"sha256$ab\",\"hashed\":true,\"salt\":"
	        "\"pepper\"}],\"achievement\":{\"id\":\"https://a\",\"name\":"
	        "\"Robotics\",\"alignment\":[{\"targetType\":\"CFItem\","
	        "\"targetCode\":\"X1\",\"targetUrl\":\"https://c/uri/X1\"}],"
	        "\"resultDescription\":[{\"id\":\"rd\","
	        "\"rubricCriterionLevel\":"
	        "[{\"id\":\"lvl-3\",\"name\":\"Proficient\"}]}]},\"result\":[{"
	        "\"achievedLevel\":\"lvl-3\",\"value\":\"B\"}]}}");
	cw_claim c;

	ck_assert_int_eq(cw_claim_read(&c, doc), 0);
	ck_assert_int_eq(c.ob2, 0);
	ck_assert_str_eq(c.issuer_name, "Museum");
	ck_assert_str_eq(c.issued, "2026-03-01T10:00:00Z");
	ck_assert_int_eq((int)c.identity_count, 2);
	ck_assert_str_eq(c.identities[0].type, "sourcedId");
	ck_assert_int_eq(c.identities[0].hashed, 1);
	ck_assert_str_eq(c.identities[0].salt, "pepper");
	ck_assert_str_eq(c.identities[1].type, "emailAddress");
	ck_assert_str_eq(c.identities[1].value, "ada@example.org");
	ck_assert_int_eq((int)c.alignment_count, 1);
	ck_assert_str_eq(c.alignments[0].code, "X1");
	ck_assert_int_eq((int)c.level_count, 3);
	ck_assert_str_eq(c.levels[0], "Proficient");
	ck_assert_str_eq(c.levels[1], "lvl-3");
	ck_assert_str_eq(c.levels[2], "B");
	cJSON_Delete(doc);
}
END_TEST

START_TEST(ob2_assertion)
{
	cJSON *doc =
	        parse("{\"id\":\"https://x/a/1\",\"issuedOn\":\"2025-05-05\","
	              "\"recipient\":{\"type\":\"email\",\"hashed\":false,"
	              "\"identity\":\"ada@example.org\"},\"badge\":{\"id\":"
	              "\"https://x/"
	              "b\",\"name\":\"B\",\"issuer\":{\"id\":\"https://x/i\","
	              "\"name\":\"I\"},\"alignment\":[{\"targetName\":\"T\","
	              "\"targetUrl\":\"https://c/uri/Y2\"}]}}");
	cw_claim c;

	ck_assert_int_eq(cw_claim_read(&c, doc), 0);
	ck_assert_int_eq(c.ob2, 1);
	ck_assert_str_eq(c.identities[0].type, "email");
	ck_assert_str_eq(c.issuer_id, "https://x/i");
	ck_assert_str_eq(c.issued, "2025-05-05");
	ck_assert_str_eq(c.alignments[0].url, "https://c/uri/Y2");
	ck_assert_int_eq((int)c.level_count, 0);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(what_is_missing_is_named)
{
	static const char *const cases[][2] = {
		{ "[]", "/: expected" },
		{ "{\"credentialSubject\":{}}", "/id:" },
		{ "{\"id\":\"x\",\"credentialSubject\":1}",
		  "/credentialSubject:" },
		{ "{\"id\":\"x\",\"credentialSubject\":{}}",
		  "/credentialSubject/achievement:" },
		{ "{\"id\":\"x\",\"credentialSubject\":{\"achievement\":{"
		  "\"alignment\":{}}}}",
		  "/credentialSubject/achievement/alignment:" },
		{ "{\"id\":\"x\",\"recipient\":{},\"badge\":\"https://b\"}",
		  "/badge:" },
		{ "{\"id\":\"x\",\"recipient\":{},\"badge\":{\"alignment\":[1]}"
		  "}",
		  "/badge/alignment/0:" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *doc = parse(cases[i][0]);
		cw_claim c;
		ck_assert_int_lt(cw_claim_read(&c, doc), 0);
		ck_assert_msg(strstr(cw_error_last(), cases[i][1]) != NULL,
		              "%s: %s", cases[i][0], cw_error_last());
		cJSON_Delete(doc);
	}
}
END_TEST

Suite *suite_claim(void)
{
	Suite *s = suite_create("claim");
	TCase *t = tcase_create("read");
	tcase_add_test(t, ob3_credential);
	tcase_add_test(t, ob2_assertion);
	tcase_add_test(t, what_is_missing_is_named);
	suite_add_tcase(s, t);
	return s;
}
