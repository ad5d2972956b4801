/* cw_jsonld_expand: embedded contexts, safe mode, protected terms, errors
 * with their JSON pointers, IRI resolution (RFC 3986 §5.4), limits, and the
 * context cache giving the same result as a fresh run. */
#include "jsonld/jsonld.h"
#include "util/error.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_jsonld_expand(void);

#define VC2 "\"https://www.w3.org/ns/credentials/v2\""
#define OB3 "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\""

static const char credential[] =
        "{\"@context\":[" VC2 "," OB3 "],"
        "\"id\":\"urn:uuid:1\",\"type\":[\"VerifiableCredential\","
        "\"OpenBadgeCredential\"],\"issuer\":{\"id\":\"https://ex.edu/i\","
        "\"type\":\"Profile\",\"name\":\"Ex\"},\"validFrom\":"
        "\"2026-01-01T00:00:00Z\",\"name\":\"Badge\",\"credentialSubject\":"
        "{\"id\":\"did:example:s\",\"type\":\"AchievementSubject\","
        "\"achievement\":{\"id\":\"https://ex.edu/a\",\"type\":"
        "\"Achievement\",\"name\":\"A\",\"criteria\":{\"narrative\":\"x\"},"
        "\"creditsAvailable\":3.5}}}";

static cJSON *parse(const char *json)
{
	cJSON *doc = NULL;
	ck_assert_int_eq(cw_json_parse(&doc, json, strlen(json), 64, NULL), 0);
	return doc;
}

static char *expand_text(const char *json, const cw_jsonld_options *o, int *err,
                         cw_jsonld_error *where)
{
	cJSON *doc = parse(json), *out = NULL;
	*err = cw_jsonld_expand(&out, doc, o, where);
	char *text = out ? cJSON_PrintUnformatted(out) : NULL;
	cJSON_Delete(out);
	cJSON_Delete(doc);
	return text;
}

START_TEST(test_embedded_credential)
{
	int err;
	cw_jsonld_options o = { 0 };
	o.safe = 1;
	char *text = expand_text(credential, &o, &err, NULL);
	ck_assert_int_eq(err, 0);
	ck_assert_ptr_nonnull(strstr(
	        text,
	        "\"@type\":[\"https://www.w3.org/2018/credentials#"
	        "VerifiableCredential\",\"https://purl.imsglobal.org/spec/"
	        "vc/ob/vocab.html#OpenBadgeCredential\"]"));
	ck_assert_ptr_nonnull(strstr(text, "\"https://schema.org/name\":[{"
	                                   "\"@value\":\"Badge\"}]"));
	ck_assert_ptr_nonnull(
	        strstr(text, "{\"@value\":\"2026-01-01T00:00:00Z\",\"@type\":"
	                     "\"http://www.w3.org/2001/XMLSchema#dateTime\"}"));
	cJSON_free(text);
}
END_TEST

START_TEST(test_cache_matches_fresh_runs)
{
	int err;
	char *first = expand_text(credential, NULL, &err, NULL);
	ck_assert_int_eq(err, 0);
	for (int i = 0; i < 5; i++) {
		char *again = expand_text(credential, NULL, &err, NULL);
		ck_assert_int_eq(err, 0);
		ck_assert_str_eq(again, first);
		cJSON_free(again);
	}
	cJSON_free(first);
}
END_TEST

START_TEST(test_cached_context_takes_the_run_base)
{
	const char *doc = "{\"@context\":" VC2 ",\"id\":\"rel/1\","
	                  "\"type\":\"VerifiableCredential\"}";
	cw_jsonld_options o = { 0 };
	int err;
	o.base = "https://a.example/x/";
	char *a = expand_text(doc, &o, &err, NULL);
	ck_assert_int_eq(err, 0);
	o.base = "https://b.example/y/";
	char *b = expand_text(doc, &o, &err, NULL);
	ck_assert_ptr_nonnull(strstr(a, "\"https://a.example/x/rel/1\""));
	ck_assert_ptr_nonnull(strstr(b, "\"https://b.example/y/rel/1\""));
	cJSON_free(a);
	cJSON_free(b);
}
END_TEST

START_TEST(test_safe_mode_names_the_dropped_term)
{
	char json[sizeof(credential) + 64];
	cw_jsonld_options o = { 0 };
	cw_jsonld_error where;
	int err;
	snprintf(json, sizeof(json), "%.*s,\"hidden\":1}}",
	         (int)(sizeof(credential) - 3), credential);
	char *text = expand_text(json, NULL, &err, NULL);
	ck_assert_int_eq(err, 0); /* without safe mode: silently dropped */
	ck_assert_ptr_null(strstr(text, "hidden"));
	cJSON_free(text);
	o.safe = 1;
	text = expand_text(json, &o, &err, &where);
	ck_assert_int_eq(err, CW_EINVAL);
	ck_assert_ptr_null(text);
	ck_assert_str_eq(where.code, "dropped term");
	ck_assert_str_eq(where.pointer, "/credentialSubject/hidden");
}
END_TEST

START_TEST(test_protected_term_redefinition)
{
	const char *doc = "{\"@context\":[" VC2 ",{\"name\":\"http://x/n\"}],"
	                  "\"type\":\"VerifiableCredential\"}";
	cw_jsonld_error where;
	int err;
	char *text = expand_text(doc, NULL, &err, &where);
	ck_assert_int_eq(err, CW_EINVAL);
	ck_assert_ptr_null(text);
	ck_assert_str_eq(where.code, "protected term redefinition");
	ck_assert_str_eq(where.pointer, "/@context");
}
END_TEST

START_TEST(test_unknown_context_is_never_fetched)
{
	const char *doc = "{\"@context\":\"https://example.com/ctx.jsonld\","
	                  "\"name\":\"x\"}";
	cw_jsonld_error where;
	int err;
	char *text = expand_text(doc, NULL, &err, &where);
	ck_assert_int_eq(err, CW_EINVAL);
	ck_assert_ptr_null(text);
	ck_assert_str_eq(where.code, "loading remote context failed");
}
END_TEST

/* RFC 3986 §5.4.1 normal and §5.4.2 abnormal examples. */
static const char *const resolutions[][2] = {
	{ "g:h", "g:h" },
	{ "g", "http://a/b/c/g" },
	{ "./g", "http://a/b/c/g" },
	{ "g/", "http://a/b/c/g/" },
	{ "/g", "http://a/g" },
	{ "//g", "http://g" },
	{ "?y", "http://a/b/c/d;p?y" },
	{ "g?y", "http://a/b/c/g?y" },
	{ "#s", "http://a/b/c/d;p?q#s" },
	{ "g#s", "http://a/b/c/g#s" },
	{ ";x", "http://a/b/c/;x" },
	{ "", "http://a/b/c/d;p?q" },
	{ ".", "http://a/b/c/" },
	{ "./", "http://a/b/c/" },
	{ "..", "http://a/b/" },
	{ "../g", "http://a/b/g" },
	{ "../..", "http://a/" },
	{ "../../g", "http://a/g" },
	{ "../../../g", "http://a/g" },
	{ "/./g", "http://a/g" },
	{ "/../g", "http://a/g" },
	{ "g.", "http://a/b/c/g." },
	{ "..g", "http://a/b/c/..g" },
	{ "./../g", "http://a/b/g" },
	{ "g/./h", "http://a/b/c/g/h" },
	{ "g/../h", "http://a/b/c/h" },
	{ "g;x=1/../y", "http://a/b/c/y" },
	{ "g?y/../x", "http://a/b/c/g?y/../x" },
	{ "g#s/../x", "http://a/b/c/g#s/../x" }
};

START_TEST(test_rfc3986_resolution)
{
	size_t i = (size_t)_i;
	char doc[256];
	cw_jsonld_options o = { 0 };
	int err;
	o.base = "http://a/b/c/d;p?q";
	snprintf(doc, sizeof(doc), "{\"@id\":\"%s\",\"http://p\":\"v\"}",
	         resolutions[i][0]);
	char *text = expand_text(doc, &o, &err, NULL);
	char want[256];
	snprintf(want, sizeof(want), "\"@id\":\"%s\"", resolutions[i][1]);
	ck_assert_int_eq(err, 0);
	ck_assert_msg(strstr(text, want), "%s: got %s", resolutions[i][0],
	              text);
	cJSON_free(text);
}
END_TEST

START_TEST(test_limits)
{
	char deep[2000];
	size_t n = 0;
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "[");
	n += (size_t)snprintf(deep + n, sizeof(deep) - n, "1");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "]");
	cJSON *doc = NULL, *out = NULL;
	ck_assert_int_eq(cw_json_parse(&doc, deep, n, 1000, NULL), 0);
	cw_jsonld_error where;
	ck_assert_int_eq(cw_jsonld_expand(&out, doc, NULL, &where), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(where.message, "nested deeper"));
	cJSON_Delete(doc);
	cw_jsonld_options o = { 0 };
	o.max_work = 10;
	int err;
	char *text = expand_text(credential, &o, &err, NULL);
	ck_assert_int_eq(err, CW_ETOOBIG);
	ck_assert_ptr_null(text);
}
END_TEST

Suite *suite_jsonld_expand(void)
{
	Suite *s = suite_create("jsonld/expand");
	TCase *tc = tcase_create("expand");
	tcase_add_test(tc, test_embedded_credential);
	tcase_add_test(tc, test_cache_matches_fresh_runs);
	tcase_add_test(tc, test_cached_context_takes_the_run_base);
	tcase_add_test(tc, test_safe_mode_names_the_dropped_term);
	tcase_add_test(tc, test_protected_term_redefinition);
	tcase_add_test(tc, test_unknown_context_is_never_fetched);
	tcase_add_loop_test(
	        tc, test_rfc3986_resolution, 0,
	        (int)(sizeof(resolutions) / sizeof(resolutions[0])));
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return s;
}
