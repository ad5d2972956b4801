/* The pure checks of the OB 3.0 authorization server: redirect URIs, PKCE
 * S256 (expected values from Python hashlib), scopes, client metadata. */
#include "engine/ob3_auth.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

#include <check.h>
#include <string.h>

Suite *suite_ob3_auth(void);

START_TEST(redirect_uris)
{
	static const struct {
		const char *uri;
		int ok;
	} cases[] = {
		{ "https://backpack.example/cb", 1 },
		{ "https://backpack.example:8443/cb?x=1", 1 },
		{ "http://127.0.0.1:9/cb", 1 },
		{ "http://localhost/cb", 1 },
		{ "http://[::1]:8080/cb", 1 },
		{ "https://[2001:db8::1]/cb", 1 },
		{ "http://backpack.example/cb", 0 },
		{ "http://127.0.0.1.evil.example/cb", 0 },
		{ "http://[2001:db8::1]/cb", 0 },
		{ "https://b.example/cb#fragment", 0 },
		{ "https://user@b.example/cb", 0 },
		{ "https:///cb", 0 },
		{ "ftp://b.example/cb", 0 },
		{ "com.example.app:/cb", 0 },
		{ "https://b.example/c b", 0 },
		{ "", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		ck_assert_msg((cw_ob3_redirect_uri_check(cases[i].uri) == 0) ==
		                      cases[i].ok,
		              "%s", cases[i].uri);
	ck_assert_int_eq(cw_ob3_redirect_uri_check(NULL), CW_EINVAL);
}
END_TEST

START_TEST(pkce_s256)
{
	/* base64url(sha256(verifier)) by Python's hashlib and base64 */
	const char *verifier = "dBjftJeZ4CVP-mJ92K7pq9gPwqvE4NnN3dm7lCx0w1s";
	const char *challenge = "f9XRfDdeeQ3loX7xXD_t9zph0NsvgRC39ZwE0CXx464";
	ck_assert(cw_ob3_pkce_matches(challenge, verifier));
	ck_assert(!cw_ob3_pkce_matches(
	        challenge, "dBjftJeZ4CVP-mJ92K7pq9gPwqvE4NnN3dm7lCx0w1t"));
	ck_assert(!cw_ob3_pkce_matches(verifier, verifier)); /* plain */
	ck_assert(!cw_ob3_pkce_matches(challenge, "short"));
	ck_assert(!cw_ob3_pkce_matches(challenge, NULL));
	ck_assert(!cw_ob3_pkce_matches(NULL, verifier));
}
END_TEST

START_TEST(scope_lists)
{
	cw_buf out = CW_BUF_INIT(4096);
	ck_assert_int_eq(cw_ob3_scope_normalize(&out,
	                                        "  " CW_OB3_SCOPE_PROFILE_READ
	                                        " " CW_OB3_SCOPE_PROFILE_READ
	                                        " offline_access"),
	                 0);
	ck_assert_str_eq(out.data, CW_OB3_SCOPE_PROFILE_READ " offline_access");
	cw_buf_dispose(&out);
	ck_assert_int_eq(cw_ob3_scope_normalize(&out, CW_OB3_SCOPE_PREFIX
	                                        "credential.create"),
	                 CW_EINVAL);
	cw_buf_dispose(&out);
	/* a client-credentials scope is not one of the API's */
	ck_assert_int_eq(
	        cw_ob3_scope_normalize(&out, "urn:crosswalk:scope:admin"),
	        CW_EINVAL);
	cw_buf_dispose(&out);
}
END_TEST

static const char *check(const char *json)
{
	cw_buf lines = CW_BUF_INIT(1 << 16), scopes = CW_BUF_INIT(4096);
	cJSON *m = NULL, *kept = cJSON_CreateObject();
	const char *error = NULL;
	ck_assert_int_eq(cw_json_parse(&m, json, strlen(json), 16, NULL), 0);
	int err =
	        cw_ob3_client_metadata_check(kept, &lines, &scopes, m, &error);
	ck_assert(err == 0 || (err == CW_EINVAL && error));
	if (err == 0) {
		ck_assert_str_eq(
		        cw_json_string(kept, "token_endpoint_auth_method"),
		        "client_secret_basic");
		ck_assert_int_gt(scopes.len, 0);
		ck_assert_int_gt(lines.len, 0);
	}
	cJSON_Delete(m);
	cJSON_Delete(kept);
	cw_buf_dispose(&lines);
	cw_buf_dispose(&scopes);
	return err == 0 ? "ok" : error;
}

START_TEST(client_metadata)
{
	ck_assert_str_eq(
	        check("{\"client_name\":\"A\",\"redirect_uris\":"
	              "[\"https://a.example/cb\",\"http://127.0.0.1/"
	              "cb\"],\"logo_uri\":\"https://a.example/l.png\"}"),
	        "ok");
	ck_assert_str_eq(check("{\"client_name\":\"A\",\"redirect_uris\":"
	                       "[\"https://a.example/cb\"],\"grant_types\":"
	                       "[\"refresh_token\"]}"),
	                 "invalid_client_metadata");
	ck_assert_str_eq(check("{\"client_name\":\"A\",\"redirect_uris\":"
	                       "[\"https://a.example/cb\"],\"response_types\":"
	                       "[\"token\"]}"),
	                 "invalid_client_metadata");
	ck_assert_str_eq(check("{\"client_name\":\"A\",\"redirect_uris\":"
	                       "[\"https://a.example/cb\"],\"logo_uri\":"
	                       "\"javascript:alert(1)\"}"),
	                 "invalid_client_metadata");
	ck_assert_str_eq(check("{\"client_name\":\"A\",\"redirect_uris\":"
	                       "\"https://a.example/cb\"}"),
	                 "invalid_redirect_uri");
	ck_assert_str_eq(check("{\"client_name\":\"A\",\"redirect_uris\":"
	                       "[1]}"),
	                 "invalid_redirect_uri");
	ck_assert_str_eq(check("[]"), "invalid_client_metadata");
}
END_TEST

Suite *suite_ob3_auth(void)
{
	Suite *s = suite_create("ob3_auth");
	TCase *t = tcase_create("checks");
	tcase_add_test(t, redirect_uris);
	tcase_add_test(t, pkce_s256);
	tcase_add_test(t, scope_lists);
	tcase_add_test(t, client_metadata);
	suite_add_tcase(s, t);
	return s;
}
