/* base58btc and multibase: the Bitcoin vectors, leading zeros, rejections. */
#include "crypto/multibase.h"

#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/limits.h"

#include <check.h>
#include <string.h>

Suite *suite_multibase(void);

static const struct {
	const char *hex;
	const char *base58;
} vectors[] = {
	{ "", "" },
	{ "00", "1" },
	{ "000000", "111" },
	{ "61", "2g" },
	{ "626262", "a3gV" },
	{ "636363", "aPEr" },
	{ "48656c6c6f20576f726c6421", "2NEpo7TZRRrLZSi2U" },
	{ "0000287fb4cd", "11233QC4" },
	{ "00eb15231dfceb60925886b67d065299925915aeb172c06647",
	  "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L" },
	{ "54686520717569636b2062726f776e20666f78206a756d7073206f76657220746865"
	  "206c617a7920646f672e",
	  "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z" },
	{ "ffffffffffffffffffff", "FPBt6CHo3fovdL" },
};

START_TEST(base58_vectors)
{
	size_t hex_len = strlen(vectors[_i].hex), len = 0;
	unsigned char bytes[64], *decoded = NULL;
	cw_buf out = CW_BUF_INIT(1024);

	ck_assert_int_eq(
	        cw_hex_decode(bytes, hex_len / 2, vectors[_i].hex, hex_len), 0);
	ck_assert_int_eq(cw_base58btc_encode(&out, bytes, hex_len / 2), 0);
	ck_assert_str_eq(cw_buf_cstr(&out), vectors[_i].base58);
	ck_assert_int_eq(cw_base58btc_decode(&decoded, &len, vectors[_i].base58,
	                                     strlen(vectors[_i].base58)),
	                 0);
	ck_assert_uint_eq(len, hex_len / 2);
	ck_assert_mem_eq(decoded, bytes, len);
	cw_free(decoded);
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(base58_rejects)
{
	static const char *const bad[] = { "0",       "O", "I",   "l",
		                           "2NEp o7", "+", "2g\n" };
	unsigned char *decoded = NULL;
	size_t len = 0;
	char *big;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(cw_base58btc_decode(&decoded, &len, bad[i],
		                                     strlen(bad[i])),
		                 CW_EINVAL);
		ck_assert_ptr_null(decoded);
	}
	big = cw_malloc(CW_LIMIT_BASE58_TEXT + 3);
	memset(big, '2', CW_LIMIT_BASE58_TEXT + 2);
	big[CW_LIMIT_BASE58_TEXT + 2] = '\0';
	ck_assert_int_eq(cw_base58btc_decode(&decoded, &len, big,
	                                     CW_LIMIT_BASE58_TEXT + 1),
	                 CW_ETOOBIG);
	big[0] = 'z';
	ck_assert_int_eq(cw_multibase_decode(&decoded, &len, big), CW_ETOOBIG);
	cw_free(big);
}
END_TEST

START_TEST(multibase_prefix)
{
	static const unsigned char data[] = { 0, 1, 2, 3 };
	cw_buf out = CW_BUF_INIT(1024);
	unsigned char *decoded = NULL;
	size_t len = 0;

	ck_assert_int_eq(cw_multibase_encode(&out, data, sizeof(data)), 0);
	ck_assert_str_eq(cw_buf_cstr(&out), "z1Ldp");
	ck_assert_int_eq(cw_multibase_decode(&decoded, &len, out.data), 0);
	ck_assert_uint_eq(len, sizeof(data));
	ck_assert_mem_eq(decoded, data, len);
	cw_free(decoded);
	ck_assert_int_eq(cw_multibase_decode(&decoded, &len, "m1Ldp"),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_multibase_decode(&decoded, &len, ""), CW_EINVAL);
	ck_assert_ptr_null(decoded);
	cw_buf_dispose(&out);
}
END_TEST

Suite *suite_multibase(void)
{
	Suite *s = suite_create("crypto/multibase");
	TCase *tc = tcase_create("base58btc");

	tcase_add_loop_test(tc, base58_vectors, 0,
	                    sizeof(vectors) / sizeof(vectors[0]));
	tcase_add_test(tc, base58_rejects);
	tcase_add_test(tc, multibase_prefix);
	suite_add_tcase(s, tc);
	return s;
}
