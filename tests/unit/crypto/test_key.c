/* Keys: RFC 8032 and the 1EdTech OB 3.0 vector, Multikey and did:key, JWK
 * and RFC 7638 thumbprints, DER/PEM, signatures of every type. */
#include "crypto/key.h"

#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_key(void);

/* RFC 8032 section 7.1, TEST 1 (empty message). */
static const char rfc8032_secret[] =
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char rfc8032_public[] =
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
static const char rfc8032_sig[] =
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555f"
        "b8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

/* The 1EdTech OB 3.0 eddsa-rdfc-2022 test vector (copied from
 * ob3-1edtech-eddsa-rdfc-2022-vector.json so the tests stand alone). */
static const char ob3_seed[] =
        "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4";
static const char ob3_public[] =
        "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5";
static const char ob3_multibase[] =
        "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";
static const char ob3_hash_data[] =
        "d34009cea0dbc1ca941e09dc01c8c9d3e3ce3c5b853f67ee44698dcea10f5d19"
        "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773";
static const char ob3_signature[] =
        "f7a017acf7d27983267ec362657c0fb08e955549f49dac5bf36a03c4f2c3a4f1"
        "e3738a6c5ecd7ffba7135cb9cd754e6196f4b73082ea8df8e703c8ecd4333503";

/* RFC 7638 section 3.1: the RSA key and its thumbprint. */
static const char rfc7638_n[] =
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1"
        "RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5"
        "n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8K"
        "JZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQF"
        "h6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJz"
        "KnqDKgw";

static void unhex(unsigned char *out, size_t len, const char *hex)
{
	ck_assert_int_eq(cw_hex_decode(out, len, hex, strlen(hex)), 0);
}

START_TEST(rfc8032_test1)
{
	unsigned char seed[32], pub[32], want[64], sig[CW_SIG_MAX];
	cw_buf jwk_x = CW_BUF_INIT(128);
	size_t sig_len = 0;
	cw_key *key = NULL, *pub_key = NULL;

	unhex(seed, 32, rfc8032_secret);
	unhex(pub, 32, rfc8032_public);
	unhex(want, 64, rfc8032_sig);
	ck_assert_int_eq(cw_key_from_ed25519_seed(&key, seed), 0);
	ck_assert(cw_key_is_private(key));
	ck_assert_int_eq(
	        cw_key_sign(key, (const unsigned char *)"", 0, sig, &sig_len),
	        0);
	ck_assert_uint_eq(sig_len, 64);
	ck_assert_mem_eq(sig, want, 64);
	ck_assert_int_eq(cw_key_from_ed25519_public(&pub_key, pub), 0);
	ck_assert(!cw_key_is_private(pub_key));
	ck_assert_int_eq(
	        cw_key_verify(pub_key, (const unsigned char *)"", 0, sig, 64),
	        0);
	sig[10] ^= 1;
	ck_assert_int_eq(
	        cw_key_verify(pub_key, (const unsigned char *)"", 0, sig, 64),
	        CW_EAUTH);
	ck_assert_int_eq(cw_key_sign(pub_key, (const unsigned char *)"", 0, sig,
	                             &sig_len),
	                 CW_EINVAL);
	cw_key_free(key);
	cw_key_free(pub_key);
	cw_buf_dispose(&jwk_x);
}
END_TEST

START_TEST(ob3_vector)
{
	unsigned char seed[32], hash_data[64], want[64], sig[CW_SIG_MAX];
	cw_buf mb = CW_BUF_INIT(256), did = CW_BUF_INIT(256),
	       vm = CW_BUF_INIT(256), expected = CW_BUF_INIT(256);
	cw_key *key = NULL, *from_did = NULL;
	size_t sig_len = 0;
	cJSON *jwk = NULL;
	unsigned char pub[32];
	char x[64];

	unhex(seed, 32, ob3_seed);
	unhex(hash_data, 64, ob3_hash_data);
	unhex(want, 64, ob3_signature);
	unhex(pub, 32, ob3_public);
	ck_assert_int_eq(cw_key_from_ed25519_seed(&key, seed), 0);
	ck_assert_int_eq(cw_key_multibase(&mb, key), 0);
	ck_assert_str_eq(mb.data, ob3_multibase);
	ck_assert_int_eq(cw_key_did(&did, key), 0);
	cw_buf_printf(&expected, "did:key:%s", ob3_multibase);
	ck_assert_str_eq(did.data, expected.data);
	ck_assert_int_eq(cw_key_did_vm(&vm, key), 0);
	cw_buf_printf(&expected, "#%s", ob3_multibase);
	ck_assert_str_eq(vm.data, expected.data);
	ck_assert_int_eq(cw_key_sign(key, hash_data, 64, sig, &sig_len), 0);
	ck_assert_mem_eq(sig, want, 64);
	ck_assert_int_eq(cw_key_from_did_key(&from_did, vm.data), 0);
	ck_assert_int_eq(cw_key_verify(from_did, hash_data, 64, want, 64), 0);
	ck_assert_int_eq(cw_key_to_jwk(&jwk, from_did), 0);
	cw_base64url_encode(x, pub, 32);
	ck_assert_str_eq(cJSON_GetObjectItem(jwk, "x")->valuestring, x);
	ck_assert_ptr_null(cJSON_GetObjectItem(jwk, "d"));
	cJSON_Delete(jwk);
	cw_key_free(key);
	cw_key_free(from_did);
	cw_buf_dispose(&mb);
	cw_buf_dispose(&did);
	cw_buf_dispose(&vm);
	cw_buf_dispose(&expected);
}
END_TEST

START_TEST(did_key_forms)
{
	static const char *const bad[] = {
		"did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#z6Mk",
		"did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#",
		"did:web:example.com",
		"did:key:",
		"did:key:f6Mk",
		"did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hw",
		"did:key:z2NEpo7TZRRrLZSi2U",
		"did",
	};
	cw_key *key = NULL;

	ck_assert_int_eq(
	        cw_key_from_did_key(
	                &key,
	                "did:key:"
	                "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"),
	        0);
	ck_assert_int_eq(cw_key_get_type(key), CW_KEY_ED25519);
	cw_key_free(key);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_lt(cw_key_from_did_key(&key, bad[i]), 0);
		ck_assert_ptr_null(key);
	}
}
END_TEST

START_TEST(rfc7638_thumbprint)
{
	cJSON *jwk = cJSON_CreateObject(), *again = NULL;
	cw_buf thumb = CW_BUF_INIT(128), mb = CW_BUF_INIT(128);
	cw_key *key = NULL;

	cJSON_AddStringToObject(jwk, "kty", "RSA");
	cJSON_AddStringToObject(jwk, "n", rfc7638_n);
	cJSON_AddStringToObject(jwk, "e", "AQAB");
	cJSON_AddStringToObject(jwk, "alg", "RS256");
	cJSON_AddStringToObject(jwk, "kid", "2011-04-29");
	ck_assert_int_eq(cw_key_from_jwk(&key, jwk), 0);
	ck_assert_int_eq(cw_key_get_type(key), CW_KEY_RSA);
	ck_assert_int_eq(cw_key_jwk_thumbprint(&thumb, key), 0);
	ck_assert_str_eq(thumb.data,
	                 "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	ck_assert_int_eq(cw_key_to_jwk(&again, key), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(again, "n")->valuestring,
	                 rfc7638_n);
	ck_assert_str_eq(cJSON_GetObjectItem(again, "e")->valuestring, "AQAB");
	ck_assert_int_eq(cw_key_multibase(&mb, key), CW_EUNSUPPORTED);
	cJSON_Delete(jwk);
	cJSON_Delete(again);
	cw_key_free(key);
	cw_buf_dispose(&thumb);
	cw_buf_dispose(&mb);
}
END_TEST

START_TEST(rfc8037_okp_thumbprint)
{
	cJSON *jwk = cJSON_Parse("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
	                         "\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
	                         "\"}");
	cw_buf thumb = CW_BUF_INIT(128);
	cw_key *key = NULL;

	ck_assert_int_eq(cw_key_from_jwk(&key, jwk), 0);
	ck_assert_int_eq(cw_key_jwk_thumbprint(&thumb, key), 0);
	ck_assert_str_eq(thumb.data,
	                 "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
	cJSON_Delete(jwk);
	cw_key_free(key);
	cw_buf_dispose(&thumb);
}
END_TEST

START_TEST(jwk_rejects)
{
	static const char *const bad[] = {
		"[]",
		"{}",
		"{\"kty\":\"oct\",\"k\":\"AAAA\"}",
		"{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAA\"}",
		"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAA\"}",
		"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
		"\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"}",
		"{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\",\"y\":\"AA\"}",
		"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":"
		"\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"y\":"
		"\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		"{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}",
		"{\"kty\":\"RSA\",\"e\":\"AQAB\"}",
	};
	cw_key *key = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *jwk = cJSON_Parse(bad[i]);

		ck_assert_ptr_nonnull(jwk);
		ck_assert_int_lt(cw_key_from_jwk(&key, jwk), 0);
		ck_assert_ptr_null(key);
		cJSON_Delete(jwk);
	}
}
END_TEST

/* Every type: sign/verify, tamper, JWK, DER and PEM round trips. */
START_TEST(round_trips)
{
	static const cw_key_type types[] = { CW_KEY_ED25519, CW_KEY_RSA,
		                             CW_KEY_P256 };
	static const unsigned char msg[] = "a message";
	cw_buf der = CW_BUF_INIT(8192), pem = CW_BUF_INIT(8192);
	unsigned char sig[CW_SIG_MAX];
	cw_key *key = NULL, *pub = NULL, *back = NULL;
	cJSON *jwk = NULL, *jwk2 = NULL;
	size_t sig_len = 0;

	ck_assert_int_eq(cw_key_generate(&key, types[_i]), 0);
	ck_assert_int_eq(cw_key_get_type(key), types[_i]);
	ck_assert_int_eq(cw_key_sign(key, msg, sizeof(msg), sig, &sig_len), 0);
	ck_assert_uint_eq(sig_len, types[_i] == CW_KEY_RSA ? 256 : 64);
	ck_assert_int_eq(cw_key_to_jwk(&jwk, key), 0);
	ck_assert_int_eq(cw_key_from_jwk(&pub, jwk), 0);
	ck_assert(!cw_key_is_private(pub));
	ck_assert_int_eq(cw_key_to_jwk(&jwk2, pub), 0);
	ck_assert(cJSON_Compare(jwk, jwk2, 1));
	ck_assert_int_eq(cw_key_verify(pub, msg, sizeof(msg), sig, sig_len), 0);
	ck_assert_int_eq(cw_key_verify(pub, msg, sizeof(msg) - 1, sig, sig_len),
	                 CW_EAUTH);
	ck_assert_int_eq(cw_key_verify(pub, msg, sizeof(msg), sig, sig_len - 1),
	                 CW_EAUTH);
	sig[sig_len - 1] ^= 0x40;
	ck_assert_int_eq(cw_key_verify(pub, msg, sizeof(msg), sig, sig_len),
	                 CW_EAUTH);
	sig[sig_len - 1] ^= 0x40;
	ck_assert_int_eq(cw_key_private_der(&der, key), 0);
	ck_assert_int_eq(
	        cw_key_from_der(&back, (unsigned char *)der.data, der.len), 0);
	ck_assert(cw_key_is_private(back));
	ck_assert_int_eq(cw_key_get_type(back), types[_i]);
	cw_key_free(back);
	ck_assert_int_eq(cw_key_write_pem(&pem, key, 1), 0);
	ck_assert_ptr_nonnull(strstr(pem.data, "-----BEGIN PRIVATE KEY-----"));
	ck_assert_int_eq(cw_key_read_pem(&back, pem.data, pem.len), 0);
	ck_assert(cw_key_is_private(back));
	cw_key_free(back);
	cw_buf_clear(&pem);
	ck_assert_int_eq(cw_key_write_pem(&pem, pub, 0), 0);
	ck_assert_int_eq(cw_key_write_pem(&pem, pub, 1), CW_EINVAL);
	ck_assert_int_eq(cw_key_read_pem(&back, pem.data, pem.len), 0);
	ck_assert(!cw_key_is_private(back));
	ck_assert_int_eq(cw_key_verify(back, msg, sizeof(msg), sig, sig_len),
	                 0);
	cw_key_free(back);
	cw_key_free(pub);
	cw_key_free(key);
	cJSON_Delete(jwk);
	cJSON_Delete(jwk2);
	cw_buf_dispose(&der);
	cw_buf_dispose(&pem);
}
END_TEST

START_TEST(p256_multikey)
{
	cw_buf mb = CW_BUF_INIT(256), mb2 = CW_BUF_INIT(256),
	       vm = CW_BUF_INIT(512);
	cw_key *key = NULL, *pub = NULL, *from_vm = NULL;
	cJSON *jwk = NULL, *jwk2 = NULL;

	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(cw_key_generate(&key, CW_KEY_P256), 0);
		ck_assert_int_eq(cw_key_multibase(&mb, key), 0);
		ck_assert_int_eq(strncmp(mb.data, "zDn", 3), 0);
		ck_assert_int_eq(cw_key_from_multibase(&pub, mb.data), 0);
		ck_assert_int_eq(cw_key_multibase(&mb2, pub), 0);
		ck_assert_str_eq(mb.data, mb2.data);
		ck_assert_int_eq(cw_key_to_jwk(&jwk, key), 0);
		ck_assert_int_eq(cw_key_to_jwk(&jwk2, pub), 0);
		ck_assert(cJSON_Compare(jwk, jwk2, 1));
		ck_assert_int_eq(cw_key_did_vm(&vm, key), 0);
		ck_assert_int_eq(cw_key_from_did_key(&from_vm, vm.data), 0);
		ck_assert_int_eq(cw_key_get_type(from_vm), CW_KEY_P256);
		cw_key_free(from_vm);
		cw_key_free(key);
		cw_key_free(pub);
		cJSON_Delete(jwk);
		cJSON_Delete(jwk2);
		cw_buf_clear(&mb);
		cw_buf_clear(&mb2);
		cw_buf_clear(&vm);
	}
	cw_buf_dispose(&mb);
	cw_buf_dispose(&mb2);
	cw_buf_dispose(&vm);
}
END_TEST

START_TEST(der_pem_rejects)
{
	static const char encrypted[] =
	        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	        "MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3\n"
	        "-----END ENCRYPTED PRIVATE KEY-----\n";
	static const unsigned char junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	cw_key *key = NULL;
	cw_key_type type;

	ck_assert_int_eq(cw_key_read_pem(&key, encrypted, strlen(encrypted)),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_key_read_pem(&key, "hello", 5), CW_EINVAL);
	ck_assert_int_eq(cw_key_from_der(&key, junk, sizeof(junk)), CW_EINVAL);
	ck_assert_ptr_null(key);
	ck_assert_int_eq(cw_key_type_parse(&type, "p256"), 0);
	ck_assert_int_eq(type, CW_KEY_P256);
	ck_assert_int_eq(cw_key_type_parse(&type, "dsa"), CW_EINVAL);
	ck_assert_str_eq(cw_key_type_name(CW_KEY_RSA), "rsa");
}
END_TEST

Suite *suite_key(void)
{
	Suite *s = suite_create("crypto/key");
	TCase *tc = tcase_create("key");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rfc8032_test1);
	tcase_add_test(tc, ob3_vector);
	tcase_add_test(tc, did_key_forms);
	tcase_add_test(tc, rfc7638_thumbprint);
	tcase_add_test(tc, rfc8037_okp_thumbprint);
	tcase_add_test(tc, jwk_rejects);
	tcase_add_loop_test(tc, round_trips, 0, 3);
	tcase_add_test(tc, p256_multikey);
	tcase_add_test(tc, der_pem_rejects);
	suite_add_tcase(s, tc);
	return s;
}
