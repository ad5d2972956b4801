/* VC-JWT: the claims made from an OB 3.0 credential, verification back to
 * the same credential, claim mismatches, and legacy VC 1.1 "vc" JWTs. */
#include "crypto/vcjwt.h"

#include "crypto/jws.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

#include <check.h>
#include <string.h>

Suite *suite_vcjwt(void);

/* The unsigned credential of the 1EdTech OB 3.0 vector, shortened. */
static const char credential_text[] =
        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
        "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],"
        "\"id\":\"http://example.com/credentials/3527\","
        "\"type\":[\"VerifiableCredential\",\"OpenBadgeCredential\"],"
        "\"issuer\":{\"id\":\"https://example.edu/issuers/565049\","
        "\"type\":[\"Profile\"],\"name\":\"Example Corp\"},"
        "\"validFrom\":\"2010-01-01T00:00:00Z\","
        "\"validUntil\":\"2030-01-01T00:00:00.750Z\","
        "\"name\":\"Teamwork Badge\","
        "\"credentialSubject\":{\"id\":\"did:example:"
        "ebfeb1f712ebc6f1c276e12ec21\","
        "\"type\":[\"AchievementSubject\"]}}";

static cw_key *test_key(void)
{
	cw_key *key = NULL;

	ck_assert_int_eq(cw_key_generate(&key, CW_KEY_ED25519), 0);
	return key;
}

/* The JWS of payload under key with typ JWT. */
static char *sign_payload(const cw_key *key, const char *payload)
{
	cJSON *header = cJSON_Parse("{\"typ\":\"JWT\"}");
	cw_buf out = CW_BUF_INIT(1 << 16);

	ck_assert_int_eq(cw_jws_sign(&out, key, header,
	                             (const unsigned char *)payload,
	                             strlen(payload)),
	                 0);
	cJSON_Delete(header);
	return cw_buf_detach(&out, NULL);
}

START_TEST(create_and_verify)
{
	cJSON *cred = cJSON_Parse(credential_text), *back = NULL,
	      *payload = NULL;
	cw_buf jwt = CW_BUF_INIT(1 << 16), vm = CW_BUF_INIT(512);
	cw_key *key = test_key();
	cw_jws_result *r = NULL;

	ck_assert_int_eq(cw_key_did_vm(&vm, key), 0);
	ck_assert_int_eq(cw_vcjwt_create(&jwt, key, cred, vm.data), 0);
	ck_assert_int_eq(cw_jws_verify(&r, jwt.data, jwt.len, key, 0), 0);
	ck_assert_str_eq(r->kid, vm.data);
	ck_assert_str_eq(cJSON_GetObjectItem(r->header, "typ")->valuestring,
	                 "JWT");
	payload = cJSON_Parse((const char *)r->payload);
	ck_assert_str_eq(cw_json_string(payload, "iss"),
	                 "https://example.edu/issuers/565049");
	ck_assert_str_eq(cw_json_string(payload, "jti"),
	                 "http://example.com/credentials/3527");
	ck_assert_str_eq(cw_json_string(payload, "sub"),
	                 "did:example:ebfeb1f712ebc6f1c276e12ec21");
	ck_assert_double_eq(cJSON_GetObjectItem(payload, "nbf")->valuedouble,
	                    1262304000.0);
	ck_assert_double_eq(cJSON_GetObjectItem(payload, "exp")->valuedouble,
	                    1893456000.0);
	ck_assert_ptr_nonnull(
	        cJSON_GetObjectItem(payload, "credentialSubject"));
	ck_assert_int_eq(cw_vcjwt_verify(&back, jwt.data, jwt.len, key), 0);
	ck_assert(cJSON_Compare(back, cred, 1));
	cJSON_Delete(back);
	/* another key */
	cw_key_free(key);
	key = test_key();
	ck_assert_int_eq(cw_vcjwt_verify(&back, jwt.data, jwt.len, key),
	                 CW_EAUTH);
	ck_assert_ptr_null(back);
	cJSON_Delete(payload);
	cw_jws_result_free(r);
	cJSON_Delete(cred);
	cw_key_free(key);
	cw_buf_dispose(&jwt);
	cw_buf_dispose(&vm);
}
END_TEST

START_TEST(issuer_string_and_jwk)
{
	cJSON *cred = cJSON_Parse("{\"issuer\":\"did:example:i\",\"validFrom\":"
	                          "\"2020-05-01T10:00:00+02:00\"}"),
	      *back = NULL;
	cw_buf jwt = CW_BUF_INIT(1 << 16);
	cw_key *key = NULL;

	ck_assert_int_eq(cw_key_generate(&key, CW_KEY_P256), 0);
	ck_assert_int_eq(cw_vcjwt_create(&jwt, key, cred, NULL), 0);
	ck_assert_int_eq(cw_vcjwt_verify(&back, jwt.data, jwt.len, key), 0);
	ck_assert(cJSON_Compare(back, cred, 1));
	cJSON_Delete(back);
	/* no verification method: the header carries the public jwk */
	ck_assert_int_eq(cw_vcjwt_verify(&back, jwt.data, jwt.len, NULL), 0);
	ck_assert(cJSON_Compare(back, cred, 1));
	cJSON_Delete(back);
	/* with a kid and no key, verify has nothing to check against */
	cw_buf_clear(&jwt);
	ck_assert_int_eq(cw_vcjwt_create(&jwt, key, cred, "https://k/1"), 0);
	ck_assert_int_eq(cw_vcjwt_verify(&back, jwt.data, jwt.len, NULL),
	                 CW_EINVAL);
	cJSON_Delete(cred);
	cred = cJSON_Parse("{\"name\":\"no issuer\"}");
	ck_assert_int_eq(cw_vcjwt_create(&jwt, key, cred, NULL), CW_EINVAL);
	cJSON_Delete(cred);
	cred = cJSON_Parse("{\"issuer\":\"x\",\"validFrom\":\"yesterday\"}");
	ck_assert_int_eq(cw_vcjwt_create(&jwt, key, cred, NULL), CW_EINVAL);
	cJSON_Delete(cred);
	cw_key_free(key);
	cw_buf_dispose(&jwt);
}
END_TEST

static const struct {
	const char *payload;
	const char *message;
} mismatches[] = {
	{ "{\"issuer\":\"a\",\"iss\":\"b\"}", "\"iss\" differs" },
	{ "{\"issuer\":{\"id\":\"a\"}}", "\"iss\" is missing" },
	{ "{\"issuer\":\"a\",\"iss\":\"a\",\"id\":\"u\"}",
	  "\"jti\" is missing" },
	{ "{\"issuer\":\"a\",\"iss\":\"a\",\"jti\":\"u\"}", "\"jti\" is set" },
	{ "{\"issuer\":\"a\",\"iss\":\"a\",\"validFrom\":\"2010-01-01T00:00:"
	  "00Z\",\"nbf\":1262304001}",
	  "\"nbf\" is not the NumericDate" },
	{ "{\"issuer\":\"a\",\"iss\":\"a\",\"validFrom\":\"2010-01-01T00:00:"
	  "00Z\",\"nbf\":\"1262304000\"}",
	  "\"nbf\" is not the NumericDate" },
	{ "{\"issuer\":\"a\",\"iss\":\"a\",\"exp\":5}", "\"exp\" is set" },
	{ "{\"issuer\":\"a\",\"iss\":\"a\",\"credentialSubject\":{\"id\":"
	  "\"s\"},\"sub\":\"t\"}",
	  "\"sub\" differs" },
	{ "{\"iss\":\"a\"}", "no issuer" },
	{ "[1]", "expected a JSON object" },
	{ "{\"iss\":\"a\",\"vc\":{\"issuer\":\"b\"}}", "\"iss\" differs" },
	{ "{\"iss\":\"a\",\"nbf\":\"x\",\"vc\":{}}", "\"nbf\" is not a "
	                                             "NumericDate" },
};

START_TEST(claim_mismatch)
{
	cw_key *key = test_key();
	char *jwt = sign_payload(key, mismatches[_i].payload);
	cJSON *back = NULL;

	ck_assert_int_eq(cw_vcjwt_verify(&back, jwt, strlen(jwt), key),
	                 CW_EINVAL);
	ck_assert_ptr_null(back);
	ck_assert_msg(strstr(cw_error_last(), mismatches[_i].message),
	              "case %d: %s", _i, cw_error_last());
	cw_free(jwt);
	cw_key_free(key);
}
END_TEST

START_TEST(legacy_vc11)
{
	static const char payload[] =
	        "{\"iss\":\"https://example.edu/issuers/1\",\"jti\":\"urn:uuid:"
	        "1\",\"nbf\":1262304000,\"exp\":1893456000,\"sub\":\"did:ex:"
	        "s\","
	        "\"vc\":{\"@context\":[\"https://www.w3.org/2018/credentials/"
	        "v1\"],\"type\":[\"VerifiableCredential\"],"
	        "\"credentialSubject\":{\"name\":\"S\"}}}";
	cw_key *key = test_key();
	char *jwt = sign_payload(key, payload);
	cJSON *back = NULL;

	ck_assert_int_eq(cw_vcjwt_verify(&back, jwt, strlen(jwt), key), 0);
	ck_assert_str_eq(cw_json_string(back, "issuer"),
	                 "https://example.edu/issuers/1");
	ck_assert_str_eq(cw_json_string(back, "id"), "urn:uuid:1");
	ck_assert_str_eq(cw_json_string(back, "issuanceDate"),
	                 "2010-01-01T00:00:00.000Z");
	ck_assert_str_eq(cw_json_string(back, "expirationDate"),
	                 "2030-01-01T00:00:00.000Z");
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(back, "credentialSubject"),
	                       "id"),
	        "did:ex:s");
	ck_assert_ptr_null(cJSON_GetObjectItem(back, "iss"));
	cJSON_Delete(back);
	cw_free(jwt);
	cw_key_free(key);
}
END_TEST

Suite *suite_vcjwt(void)
{
	Suite *s = suite_create("crypto/vcjwt");
	TCase *tc = tcase_create("vcjwt");

	tcase_add_test(tc, create_and_verify);
	tcase_add_test(tc, issuer_string_and_jwk);
	tcase_add_loop_test(tc, claim_mismatch, 0,
	                    sizeof(mismatches) / sizeof(mismatches[0]));
	tcase_add_test(tc, legacy_vc11);
	suite_add_tcase(s, tc);
	return s;
}
