/* Compact JWS: RFC 8037 A.4, round trips per alg, tampering, the OB 3.0
 * header rules, strict base64url, and the OB 2.0 validator fixture. */
#include "crypto/jws.h"

#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"
#include "util/limits.h"

#include <check.h>
#include <string.h>
#include <unistd.h>

Suite *suite_jws(void);

/* RFC 8037 appendix A.1 and A.4. */
static const char rfc8037_d[] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
static const char rfc8037_x[] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
static const char rfc8037_jws[] =
        "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhV"
        "sPt9g7sVvpAr_MuM0KAg";
static const char rfc8037_payload[] = "Example of Ed25519 signing";

static cw_key *rfc8037_key(void)
{
	unsigned char *seed = NULL;
	size_t len = 0;
	cw_key *key = NULL;

	ck_assert_int_eq(
	        cw_base64url_decode(&seed, &len, rfc8037_d, strlen(rfc8037_d)),
	        0);
	ck_assert_uint_eq(len, 32);
	ck_assert_int_eq(cw_key_from_ed25519_seed(&key, seed), 0);
	cw_free(seed);
	return key;
}

START_TEST(rfc8037_vector)
{
	cw_key *key = rfc8037_key();
	cw_buf out = CW_BUF_INIT(4096);
	cw_jws_result *r = NULL;
	cJSON *jwk = NULL;

	ck_assert_int_eq(cw_jws_sign(&out, key, NULL,
	                             (const unsigned char *)rfc8037_payload,
	                             strlen(rfc8037_payload)),
	                 0);
	ck_assert_str_eq(out.data, rfc8037_jws);
	ck_assert_int_eq(
	        cw_jws_verify(&r, rfc8037_jws, strlen(rfc8037_jws), key, 0), 0);
	ck_assert_str_eq(r->alg, "EdDSA");
	ck_assert_ptr_null(r->kid);
	ck_assert_uint_eq(r->payload_len, strlen(rfc8037_payload));
	ck_assert_str_eq((const char *)r->payload, rfc8037_payload);
	cw_jws_result_free(r);
	ck_assert_int_eq(cw_key_to_jwk(&jwk, key), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(jwk, "x")->valuestring, rfc8037_x);
	cJSON_Delete(jwk);
	cw_key_free(key);
	cw_buf_dispose(&out);
}
END_TEST

/* Each type: sign with kid, verify with the key, then with the header jwk;
 * tampered payload and signature fail with CW_EAUTH. */
START_TEST(round_trip)
{
	static const cw_key_type types[] = { CW_KEY_ED25519, CW_KEY_RSA,
		                             CW_KEY_P256 };
	static const char *const algs[] = { "EdDSA", "RS256", "ES256" };
	cw_buf out = CW_BUF_INIT(1 << 16);
	cJSON *extra = cJSON_CreateObject(), *jwk = NULL;
	cw_jws_result *r = NULL;
	cw_key *key = NULL, *other = NULL;
	size_t first_dot;
	char *copy;

	ck_assert_int_eq(cw_key_generate(&key, types[_i]), 0);
	ck_assert_int_eq(cw_key_to_jwk(&jwk, key), 0);
	cJSON_AddStringToObject(extra, "typ", "JWT");
	cJSON_AddItemToObject(extra, "jwk", jwk);
	ck_assert_int_eq(cw_jws_sign(&out, key, extra,
	                             (const unsigned char *)"{\"a\":1}", 7),
	                 0);
	ck_assert_int_eq(cw_jws_verify(&r, out.data, out.len, key, 0), 0);
	ck_assert_str_eq(r->alg, algs[_i]);
	ck_assert_ptr_nonnull(r->jwk_key);
	cw_jws_result_free(r);
	ck_assert_int_eq(cw_jws_verify(&r, out.data, out.len, NULL, 0), 0);
	ck_assert_str_eq((const char *)r->payload, "{\"a\":1}");
	cw_jws_result_free(r);
	/* another key of the same type */
	ck_assert_int_eq(cw_key_generate(&other, types[_i]), 0);
	ck_assert_int_eq(cw_jws_verify(&r, out.data, out.len, other, 0),
	                 CW_EAUTH);
	ck_assert_ptr_null(r);
	/* the payload changed: "{"a":1}" → "{"a":2}" */
	copy = cw_strdup(out.data);
	first_dot = (size_t)(strchr(copy, '.') - copy);
	copy[first_dot + 8] = copy[first_dot + 8] == 'Q' ? 'g' : 'Q';
	ck_assert_int_eq(cw_jws_verify(&r, copy, strlen(copy), key, 0),
	                 CW_EAUTH);
	cw_free(copy);
	copy = cw_strdup(out.data);
	copy[strlen(copy) - 3] = copy[strlen(copy) - 3] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(cw_jws_verify(&r, copy, strlen(copy), key, 0),
	                 CW_EAUTH);
	cw_free(copy);
	cw_key_free(other);
	cw_key_free(key);
	cJSON_Delete(extra);
	cw_buf_dispose(&out);
}
END_TEST

/* header.payload.signature from a header text and raw parts. */
static char *compact(const char *header, const char *payload,
                     const char *signature_b64)
{
	cw_buf out = CW_BUF_INIT(1 << 16);
	char part[4096];

	cw_base64url_encode(part, (const unsigned char *)header,
	                    strlen(header));
	cw_buf_printf(&out, "%s.", part);
	cw_base64url_encode(part, (const unsigned char *)payload,
	                    strlen(payload));
	cw_buf_printf(&out, "%s.%s", part, signature_b64);
	return cw_buf_detach(&out, NULL);
}

static const struct {
	const char *header;
	unsigned flags;
	int err;
	const char *message; /* a part of cw_error_last() */
} header_cases[] = {
	{ "{\"alg\":\"none\"}", 0, CW_EINVAL, "none" },
	{ "{\"alg\":\"none\"}", CW_JWS_OB2, CW_EINVAL, "none" },
	{ "{\"alg\":\"HS256\"}", 0, CW_EUNSUPPORTED, "HS256" },
	{ "{\"typ\":\"JWT\"}", 0, CW_EINVAL, "\"alg\" must be a string" },
	{ "{\"alg\":5}", 0, CW_EINVAL, "\"alg\" must be a string" },
	{ "{\"alg\":\"EdDSA\",\"x5u\":\"https://e.org/k\"}", 0, CW_EINVAL,
	  "\"x5u\" is not allowed" },
	{ "{\"alg\":\"EdDSA\",\"typ\":\"JOSE\"}", 0, CW_EINVAL,
	  "\"typ\" must be \"JWT\"" },
	{ "{\"alg\":\"EdDSA\",\"typ\":1}", CW_JWS_OB2, CW_EINVAL,
	  "\"typ\" must be" },
	{ "{\"alg\":\"EdDSA\",\"kid\":7}", 0, CW_EINVAL,
	  "\"kid\" must be a string" },
	{ "{\"alg\":\"EdDSA\",\"alg\":\"none\"}", 0, CW_EINVAL, "twice" },
	{ "{\"alg\":\"EdDSA\",\"crit\":[\"b64\"],\"b64\":false}", CW_JWS_OB2,
	  CW_EINVAL, "\"crit\" is not allowed" },
	{ "{\"alg\":\"EdDSA\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	  "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"d\":"
	  "\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\"}}",
	  0, CW_EINVAL, "no \"d\"" },
	{ "{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	  "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}}",
	  0, CW_EINVAL, "does not fit the jwk" },
	{ "{\"alg\":\"EdDSA\",\"jwk\":\"key\"}", 0, CW_EINVAL,
	  "public JWK object" },
	{ "[\"alg\"]", 0, CW_EINVAL, "expected a JSON object" },
	{ "{\"alg\":\"EdDSA\"", 0, CW_EINVAL, "not JSON" },
	{ "{\"alg\":\"RS256\"}", 0, CW_EINVAL, "does not fit the ed25519 key" },
	{ "{\"alg\":\"ES256\"}", 0, CW_EINVAL, "does not fit" },
};

START_TEST(header_rules)
{
	cw_key *key = rfc8037_key();
	cw_jws_result *r = NULL;
	char *text = compact(header_cases[_i].header, "{}",
	                     "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhij"
	                     "cNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");

	ck_assert_int_eq(cw_jws_verify(&r, text, strlen(text), key,
	                               header_cases[_i].flags),
	                 header_cases[_i].err);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(cw_error_last(), header_cases[_i].message),
	              "case %d: \"%s\"", _i, cw_error_last());
	cw_free(text);
	cw_key_free(key);
}
END_TEST

/* What OB 2.0 needs: another member and another typ. */
START_TEST(ob2_relaxes)
{
	cw_key *key = rfc8037_key();
	cJSON *extra = cJSON_Parse("{\"typ\":\"JOSE\",\"x-ob\":1}");
	cw_buf out = CW_BUF_INIT(4096);
	cw_jws_result *r = NULL;

	ck_assert_int_eq(
	        cw_jws_sign(&out, key, extra, (const unsigned char *)"x", 1),
	        0);
	ck_assert_int_eq(cw_jws_verify(&r, out.data, out.len, key, 0),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_jws_verify(&r, out.data, out.len, key, CW_JWS_OB2),
	                 0);
	cw_jws_result_free(r);
	cJSON_Delete(extra);
	extra = cJSON_Parse("{\"alg\":\"RS256\"}");
	ck_assert_int_eq(
	        cw_jws_sign(&out, key, extra, (const unsigned char *)"x", 1),
	        CW_EINVAL);
	cJSON_Delete(extra);
	cw_key_free(key);
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(structure_rejects)
{
	static const char *const bad[] = {
		"",
		"eyJhbGciOiJFZERTQSJ9",
		"eyJhbGciOiJFZERTQSJ9.e30",
		"eyJhbGciOiJFZERTQSJ9.e30.AAAA.AAAA",
		".e30.AAAA",
		"eyJhbGciOiJFZERTQSJ9.e30.",
		"eyJhbGciOiJFZERTQSJ9=.e30.AAAA",
		"eyJhbGciOiJFZERTQSJ9.e30=.AAAA",
		"eyJhbGciOiJFZERTQSJ9.e30.AA+A",
		"eyJhbGciOiJFZERTQSJ9.e3 0.AAAA",
		"eyJhbGciOiJFZERTQSJ9.e31.AAAA",
		"eyJhbGciOiJFZERTQSJ9.e30.A",
		"eyJhbGciOiJFZERTQSJ9.e30.AAAA\n",
	};
	cw_key *key = rfc8037_key();
	cw_jws_result *r = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = cw_jws_verify(&r, bad[i], strlen(bad[i]), key, 0);

		ck_assert_msg(err == CW_EINVAL || err == CW_EAUTH,
		              "case %zu: %d", i, err);
		ck_assert_ptr_null(r);
	}
	/* a valid structure, but no key and no jwk */
	ck_assert_int_eq(
	        cw_jws_verify(&r, rfc8037_jws, strlen(rfc8037_jws), NULL, 0),
	        CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "no key"));
	cw_key_free(key);
}
END_TEST

START_TEST(size_caps)
{
	size_t len = CW_LIMIT_JWS_BYTES + 1;
	char *big = cw_malloc(len + 1);
	cw_jws_result *r = NULL;
	char *text;

	memset(big, 'A', len);
	big[len] = '\0';
	ck_assert_int_eq(cw_jws_parse(&r, big, len, 0), CW_ETOOBIG);
	/* a header over CW_LIMIT_JWS_HEADER */
	big[CW_LIMIT_JWS_HEADER * 2] = '.';
	big[CW_LIMIT_JWS_HEADER * 2 + 4] = '.';
	ck_assert_int_eq(cw_jws_parse(&r, big, CW_LIMIT_JWS_HEADER * 2 + 8, 0),
	                 CW_ETOOBIG);
	cw_free(big);
	/* a deep header */
	text = compact(
	        "{\"alg\":\"EdDSA\",\"jwk\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]"
	        "]]]]]]]]]]]}",
	        "{}", "AAAA");
	ck_assert_int_lt(cw_jws_parse(&r, text, strlen(text), 0), 0);
	ck_assert_ptr_null(r);
	cw_free(text);
}
END_TEST

/* The 1EdTech validator's OB 2.0 signed assertions, when ../shared is
 * there (RS256, header {"typ":"JWT","alg":"RS256"}). */
START_TEST(ob2_validator_fixture)
{
	const char *path = CW_SOURCE_DIR
	        "/../shared/fixtures/badges/ob2-validator-signed-jws.json";
	cw_key *key1 = NULL, *key3 = NULL;
	cw_jws_result *r = NULL;
	const char *jws, *revoked;
	cJSON *doc = NULL;
	char *text = NULL;
	size_t len = 0;

	if (access(path, R_OK) != 0)
		return; /* the shared fixtures are not beside the repository */
	ck_assert_int_eq(cw_file_read(&text, &len, path, 1 << 20), 0);
	ck_assert_int_eq(cw_json_parse(&doc, text, len, 32, NULL), 0);
	jws = cw_json_string(doc, "signedAssertionJws");
	revoked = cw_json_string(doc, "revokedAssertionJws");
	ck_assert_ptr_nonnull(jws);
	ck_assert_ptr_nonnull(revoked);
	{
		const char *pem1 = cw_json_string(
		                   cJSON_GetObjectItem(doc, "key1"),
		                   "publicKeyPem"),
		           *pem3 = cw_json_string(
		                   cJSON_GetObjectItem(doc, "key3"),
		                   "publicKeyPem");

		ck_assert_int_eq(cw_key_read_pem(&key1, pem1, strlen(pem1)), 0);
		ck_assert_int_eq(cw_key_read_pem(&key3, pem3, strlen(pem3)), 0);
	}
	ck_assert_int_eq(cw_jws_verify(&r, jws, strlen(jws), key1, CW_JWS_OB2),
	                 0);
	ck_assert_str_eq(r->alg, "RS256");
	ck_assert_ptr_nonnull(
	        strstr((const char *)r->payload, "beths-robotics-badge.json"));
	cw_jws_result_free(r);
	ck_assert_int_eq(
	        cw_jws_verify(&r, revoked, strlen(revoked), key3, CW_JWS_OB2),
	        0);
	cw_jws_result_free(r);
	ck_assert_int_eq(cw_jws_verify(&r, jws, strlen(jws), key3, CW_JWS_OB2),
	                 CW_EAUTH);
	cw_key_free(key1);
	cw_key_free(key3);
	cJSON_Delete(doc);
	cw_free(text);
}
END_TEST

Suite *suite_jws(void)
{
	Suite *s = suite_create("crypto/jws");
	TCase *tc = tcase_create("jws");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rfc8037_vector);
	tcase_add_loop_test(tc, round_trip, 0, 3);
	tcase_add_loop_test(tc, header_rules, 0,
	                    sizeof(header_cases) / sizeof(header_cases[0]));
	tcase_add_test(tc, ob2_relaxes);
	tcase_add_test(tc, structure_rejects);
	tcase_add_test(tc, size_caps);
	tcase_add_test(tc, ob2_validator_fixture);
	suite_add_tcase(s, tc);
	return s;
}
