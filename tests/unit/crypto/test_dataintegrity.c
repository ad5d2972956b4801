/* Data Integrity proofs with the embedded contexts: eddsa-rdfc-2022 and
 * eddsa-2022 round trips, what the proof signs (cryptosuite, purpose,
 * value), proof sets, refusals (keys, contexts, ambiguous numbers) and key
 * resolution through a loader. */
#include "crypto/dataintegrity.h"
#include "crypto/key.h"
#include "util/buf.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_dataintegrity(void);

static const char credential[] =
        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
        "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],"
        "\"id\":\"urn:uuid:7\",\"type\":[\"VerifiableCredential\","
        "\"OpenBadgeCredential\"],\"issuer\":{\"id\":\"did:example:i\","
        "\"type\":\"Profile\",\"name\":\"I\"},\"validFrom\":"
        "\"2026-01-01T00:00:00Z\",\"name\":\"N\",\"credentialSubject\":{"
        "\"type\":\"AchievementSubject\",\"achievement\":{\"id\":"
        "\"https://ex/a\",\"type\":\"Achievement\",\"name\":\"A\","
        "\"criteria\":{\"narrative\":\"c\"}}}}";

static cw_key *key;
static cw_buf vm;

static void setup(void)
{
	unsigned char seed[32] = { 7 };
	vm = (cw_buf)CW_BUF_INIT(1024);
	ck_assert_int_eq(cw_key_from_ed25519_seed(&key, seed), 0);
	ck_assert_int_eq(cw_key_did_vm(&vm, key), 0);
}

static void teardown(void)
{
	cw_key_free(key);
	cw_buf_dispose(&vm);
}

static cJSON *sign_with(const char *json, const char *suite, int *err)
{
	cJSON *doc = cJSON_Parse(json), *out = NULL;
	cw_di_sign_options o = { cw_buf_cstr(&vm), "2026-02-03T04:05:06Z", NULL,
		                 NULL, suite };
	*err = cw_di_sign(&out, doc, key, &o, NULL);
	cJSON_Delete(doc);
	return out;
}

static int verify(const cJSON *doc, cw_di_report *r)
{
	memset(r, 0, sizeof(*r));
	return cw_di_verify(doc, NULL, r);
}

static void set_proof_string(cJSON *doc, const char *key_name,
                             const char *value)
{
	cJSON *proof = cJSON_GetObjectItem(doc, "proof");
	if (cJSON_IsArray(proof))
		proof = cJSON_GetArrayItem(proof, 0);
	cJSON_ReplaceItemInObject(proof, key_name, cJSON_CreateString(value));
}

START_TEST(both_cryptosuites_round_trip)
{
	static const char *const suites[] = { "eddsa-rdfc-2022", "eddsa-2022" };
	cw_di_report r;
	int err;
	cJSON *doc = sign_with(credential, suites[_i], &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "proof"),
	                                     "cryptosuite")
	                         ->valuestring,
	                 suites[_i]);
	ck_assert_int_eq(verify(doc, &r), 0);
	ck_assert_str_eq(r.cryptosuite, suites[_i]);
	ck_assert_str_eq(r.verification_method, cw_buf_cstr(&vm));
	/* the cryptosuite is part of what is signed */
	set_proof_string(doc, "cryptosuite", suites[1 - _i]);
	ck_assert_int_eq(verify(doc, &r), CW_EAUTH);
	ck_assert_str_eq(r.step, "signature");
	cJSON_Delete(doc);
}
END_TEST

START_TEST(what_the_proof_covers)
{
	cw_di_report r;
	int err;
	cJSON *doc = sign_with(credential, NULL, &err);
	ck_assert_int_eq(err, 0);
	set_proof_string(doc, "created", "2026-02-03T04:05:07Z");
	ck_assert_int_eq(verify(doc, &r), CW_EAUTH);
	cJSON_Delete(doc);
	doc = sign_with(credential, NULL, &err);
	set_proof_string(doc, "proofPurpose", "authentication");
	ck_assert_int_eq(verify(doc, &r), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(r.message, "expected assertionMethod"));
	cJSON_Delete(doc);
	doc = sign_with(credential, NULL, &err);
	set_proof_string(doc, "proofValue", "z3FXQqFwbZxKBxGV8ZWhWkFjoSnRSERX");
	ck_assert_int_eq(verify(doc, &r), CW_EINVAL);
	cJSON_Delete(doc);
	doc = sign_with(credential, NULL, &err);
	set_proof_string(doc, "cryptosuite", "ecdsa-rdfc-2019");
	ck_assert_int_eq(verify(doc, &r), CW_EUNSUPPORTED);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(proof_sets)
{
	cw_di_report r;
	int err;
	cJSON *once = sign_with(credential, NULL, &err);
	char *text = cJSON_PrintUnformatted(once);
	cJSON *twice = sign_with(text, "eddsa-2022", &err);
	cJSON_free(text);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(twice, "proof")), 2);
	ck_assert_int_eq(verify(twice, &r), 0);
	/* every proof must verify, not just one */
	cJSON *second =
	        cJSON_GetArrayItem(cJSON_GetObjectItem(twice, "proof"), 1);
	cJSON_ReplaceItemInObject(second, "created",
	                          cJSON_CreateString("2027-01-01T00:00:00Z"));
	ck_assert_int_eq(verify(twice, &r), CW_EAUTH);
	cJSON_Delete(once);
	cJSON_Delete(twice);
}
END_TEST

START_TEST(refusals)
{
	cw_key *rsa = NULL, *pub = NULL;
	cJSON *doc = cJSON_Parse(credential), *out = NULL;
	cw_di_sign_options o = { cw_buf_cstr(&vm), NULL, NULL, NULL, NULL };
	cw_di_report r = { 0 };
	ck_assert_int_eq(cw_key_generate(&rsa, CW_KEY_RSA), 0);
	ck_assert_int_eq(cw_di_sign(&out, doc, rsa, &o, &r), CW_EINVAL);
	ck_assert_str_eq(r.step, "key");
	ck_assert_int_eq(cw_key_from_did_key(&pub, cw_buf_cstr(&vm)), 0);
	ck_assert_int_eq(cw_di_sign(&out, doc, pub, &o, NULL), CW_EINVAL);
	o.cryptosuite = "eddsa-jcs-2022";
	ck_assert_int_eq(cw_di_sign(&out, doc, key, &o, NULL), CW_EUNSUPPORTED);
	ck_assert_ptr_null(out);
	cJSON_Delete(doc);
	/* VC 1.1 alone does not define DataIntegrityProof: safe mode says so
	 * rather than signing a proof whose type is dropped */
	doc = cJSON_Parse(
	        "{\"@context\":[\"https://www.w3.org/2018/credentials/"
	        "v1\"],\"type\":\"VerifiableCredential\",\"issuer\":"
	        "\"did:example:i\",\"issuanceDate\":"
	        "\"2026-01-01T00:00:00Z\",\"credentialSubject\":{"
	        "\"id\":\"did:example:s\"}}");
	o.cryptosuite = NULL;
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(cw_di_sign(&out, doc, key, &o, &r), CW_EINVAL);
	ck_assert_str_eq(r.step, "canonize");
	ck_assert_ptr_nonnull(strstr(r.message, "dropped term"));
	cJSON_Delete(doc);
	cw_key_free(rsa);
	cw_key_free(pub);
}
END_TEST

START_TEST(keys_from_a_loader)
{
	cw_jsonld_loader *loader = NULL;
	cw_buf mb = CW_BUF_INIT(256), json = CW_BUF_INIT(2048);
	cw_key *found = NULL;
	ck_assert_int_eq(cw_key_multibase(&mb, key), 0);
	ck_assert_int_eq(cw_jsonld_loader_new(&loader), 0);
	ck_assert_int_eq(cw_di_resolve_key(&found, "https://ex/keys#1", loader),
	                 CW_ENOTFOUND);
	cw_buf_printf(&json,
	              "{\"id\":\"https://ex/keys\",\"verificationMethod\":[{"
	              "\"id\":\"#1\",\"type\":\"Multikey\","
	              "\"publicKeyMultibase\":\"%s\"}]}",
	              cw_buf_cstr(&mb));
	ck_assert_int_eq(cw_jsonld_loader_add(loader, "https://ex/keys",
	                                      json.data, json.len),
	                 0);
	ck_assert_int_eq(cw_di_resolve_key(&found, "https://ex/keys#1", loader),
	                 0);
	cw_key_free(found);
	ck_assert_int_eq(cw_di_resolve_key(&found, "https://ex/keys#2", loader),
	                 CW_ENOTFOUND);
	ck_assert_ptr_null(found);
	cw_jsonld_loader_free(loader);
	cw_buf_dispose(&mb);
	cw_buf_dispose(&json);
}
END_TEST

Suite *suite_dataintegrity(void)
{
	Suite *s = suite_create("dataintegrity");
	TCase *tc = tcase_create("dataintegrity");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, both_cryptosuites_round_trip, 0, 2);
	tcase_add_test(tc, what_the_proof_covers);
	tcase_add_test(tc, proof_sets);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, keys_from_a_loader);
	suite_add_tcase(s, tc);
	return s;
}
