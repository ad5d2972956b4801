/* Encoders and decoders, table-driven, with the RFC 4648 vectors. */
#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"

#include <check.h>
#include <string.h>

Suite *suite_encode(void);

static const struct {
	const char *plain;
	const char *base64;
	const char *base64url;
} rfc4648[] = {
	{ "", "", "" },
	{ "f", "Zg==", "Zg" },
	{ "fo", "Zm8=", "Zm8" },
	{ "foo", "Zm9v", "Zm9v" },
	{ "foob", "Zm9vYg==", "Zm9vYg" },
	{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};

START_TEST(base64_vectors)
{
	unsigned char *decoded = NULL;
	char encoded[32];
	size_t len = 0;
	const char *plain = rfc4648[_i].plain;

	ck_assert_int_eq(cw_base64_decode(&decoded, &len, rfc4648[_i].base64,
	                                  strlen(rfc4648[_i].base64)),
	                 0);
	ck_assert_uint_eq(len, strlen(plain));
	ck_assert_mem_eq(decoded, plain, len);
	cw_free(decoded);
	cw_base64_encode(encoded, (const unsigned char *)plain, strlen(plain));
	ck_assert_str_eq(encoded, rfc4648[_i].base64);
	ck_assert_uint_eq(cw_base64_len(strlen(plain)),
	                  strlen(rfc4648[_i].base64));
	cw_base64url_encode(encoded, (const unsigned char *)plain,
	                    strlen(plain));
	ck_assert_str_eq(encoded, rfc4648[_i].base64url);
	ck_assert_uint_eq(cw_base64url_len(strlen(plain)), strlen(encoded));
}
END_TEST

START_TEST(base64_rejects_garbage)
{
	/* The last three leave bits set that padding says are unused. */
	static const char *const bad[] = { "Zg=",   "Zm9v!", "Z===",
		                           "Zm 9v", "====",  "Zg==Zg==",
		                           "YR==",  "Zm9=",  "AB==" };
	unsigned char *decoded = NULL;
	size_t len = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(cw_base64_decode(&decoded, &len, bad[i],
		                                  strlen(bad[i])),
		                 CW_EINVAL);
		ck_assert_ptr_null(decoded);
	}
}
END_TEST

START_TEST(hex_round_trip)
{
	const unsigned char raw[] = { 0x00, 0x7f, 0x80, 0xff, 0x12 };
	unsigned char back[5];
	char hex[11];

	cw_hex_encode(hex, raw, sizeof(raw));
	ck_assert_str_eq(hex, "007f80ff12");
	ck_assert_int_eq(cw_hex_decode(back, 5, hex, 10), 0);
	ck_assert_mem_eq(back, raw, 5);
	ck_assert_int_eq(cw_hex_decode(back, 5, "007f80ff1", 9), CW_EINVAL);
	ck_assert_int_eq(cw_hex_decode(back, 5, "007f80ff1g", 10), CW_EINVAL);
}
END_TEST

START_TEST(form_decoding)
{
	char *out = NULL;

	ck_assert_int_eq(cw_form_decode(&out, "a+b%20c%2Bd", 11), 0);
	ck_assert_str_eq(out, "a b c+d");
	cw_free(out);
	ck_assert_int_eq(cw_form_decode(&out, "%3a%3A", 6), 0);
	ck_assert_str_eq(out, "::");
	cw_free(out);
	ck_assert_int_eq(cw_form_decode(&out, "ab%2", 4), CW_EINVAL);
	ck_assert_int_eq(cw_form_decode(&out, "ab%", 3), CW_EINVAL);
	ck_assert_int_eq(cw_form_decode(&out, "%zz", 3), CW_EINVAL);
	ck_assert_int_eq(cw_form_decode(&out, "%00", 3), CW_EINVAL);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(sha256_known_answer)
{
	char hex[65];

	ck_assert_int_eq(cw_sha256_hex(hex, "abc", 3), 0);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
	                      "b410ff61f20015ad");
	ck_assert(cw_const_time_equal("same", "same", 4));
	ck_assert(!cw_const_time_equal("same", "sane", 4));
}
END_TEST

/* RFC 2202 test case 2 and RFC 4231 test case 2. */
START_TEST(hmac_known_answers)
{
	static const char data[] = "what do ya want for nothing?";
	unsigned char mac[CW_HMAC_MAX_LEN];
	char hex[2 * CW_HMAC_MAX_LEN + 1];
	size_t len = 0;

	ck_assert_int_eq(
	        cw_hmac(mac, &len, CW_HMAC_SHA1, "Jefe", 4, data, strlen(data)),
	        0);
	ck_assert_uint_eq(len, CW_SHA1_LEN);
	cw_hex_encode(hex, mac, len);
	ck_assert_str_eq(hex, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	ck_assert_int_eq(cw_hmac(mac, &len, CW_HMAC_SHA256, "Jefe", 4, data,
	                         strlen(data)),
	                 0);
	ck_assert_uint_eq(len, 32);
	cw_hex_encode(hex, mac, len);
	ck_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c7"
	                      "5a003f089d2739839dec58b964ec3843");
}
END_TEST

Suite *suite_encode(void)
{
	Suite *s = suite_create("util/encode");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, base64_vectors, 0,
	                    sizeof(rfc4648) / sizeof(rfc4648[0]));
	tcase_add_test(tc, base64_rejects_garbage);
	tcase_add_test(tc, hex_round_trip);
	tcase_add_test(tc, form_decoding);
	tcase_add_test(tc, sha256_known_answer);
	tcase_add_test(tc, hmac_known_answers);
	suite_add_tcase(s, tc);
	return s;
}
