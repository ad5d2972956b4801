/* Sealed secrets: they open with the key and owner they were sealed for,
 * and with nothing else; every byte is authenticated. */
#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/secretbox.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_secretbox(void);

static const unsigned char key[CW_SECRETBOX_KEY_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
	0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
	0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f
};

#define SECRET "Zm9vYmFyLWJhei1xdXV4LXNlY3JldC0zMi1ieXRlcw"
#define OWNER  "0123456789abcdef0123456789abcdef"

static char *seal(void)
{
	char *sealed = NULL;

	ck_assert_int_eq(
	        cw_secretbox_seal(&sealed, key, OWNER, SECRET, strlen(SECRET)),
	        0);
	return sealed;
}

static int open_with(const unsigned char *k, const char *aad,
                     const char *sealed)
{
	char *plain = NULL;
	size_t len = 0;
	int err =
	        cw_secretbox_open(&plain, &len, k, aad, sealed, strlen(sealed));

	if (err == 0) {
		ck_assert_uint_eq(len, strlen(SECRET));
		ck_assert_str_eq(plain, SECRET);
	} else {
		ck_assert_ptr_null(plain);
	}
	cw_free(plain);
	return err;
}

START_TEST(round_trip)
{
	char *a = seal(), *b = seal();
	char *empty = NULL, *plain = NULL;
	size_t len = 1;

	ck_assert_int_eq(strncmp(a, "v1:", 3), 0);
	ck_assert_ptr_null(strstr(a, SECRET));
	ck_assert_str_ne(a, b); /* a fresh nonce each time */
	ck_assert_int_eq(open_with(key, OWNER, a), 0);
	ck_assert_int_eq(open_with(key, OWNER, b), 0);
	/* 3 + base64(12 + 42 + 16) */
	ck_assert_uint_eq(strlen(a), 3 + cw_base64_len(12 + 42 + 16));
	ck_assert_int_eq(cw_secretbox_seal(&empty, key, OWNER, "", 0), 0);
	ck_assert_int_eq(cw_secretbox_open(&plain, &len, key, OWNER, empty,
	                                   strlen(empty)),
	                 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(plain, "");
	cw_free(plain);
	cw_free(empty);
	cw_free(a);
	cw_free(b);
}
END_TEST

START_TEST(wrong_key_or_owner)
{
	unsigned char other[CW_SECRETBOX_KEY_LEN];
	char *sealed = seal();

	memcpy(other, key, sizeof(other));
	other[31] ^= 1;
	ck_assert_int_eq(open_with(other, OWNER, sealed), CW_EAUTH);
	ck_assert_int_eq(
	        open_with(key, "0123456789abcdef0123456789abcdee", sealed),
	        CW_EAUTH);
	ck_assert_int_eq(open_with(key, "", sealed), CW_EAUTH);
	cw_free(sealed);
}
END_TEST

/* Flipping one bit anywhere (nonce, ciphertext or tag) fails. */
START_TEST(tampered_bytes)
{
	char *sealed = seal();
	unsigned char *raw = NULL;
	size_t raw_len = 0, text_len = strlen(sealed);

	ck_assert_int_eq(
	        cw_base64_decode(&raw, &raw_len, sealed + 3, text_len - 3), 0);
	for (size_t i = 0; i < raw_len; i++) {
		char *text = cw_malloc(3 + cw_base64_len(raw_len) + 1);

		ck_assert_ptr_nonnull(text);
		raw[i] ^= 0x20;
		memcpy(text, "v1:", 3);
		cw_base64_encode(text + 3, raw, raw_len);
		ck_assert_int_eq(open_with(key, OWNER, text), CW_EAUTH);
		raw[i] ^= 0x20;
		cw_free(text);
	}
	cw_free(raw);
	cw_free(sealed);
}
END_TEST

START_TEST(malformed)
{
	char *sealed = seal(), *big = NULL, *none = NULL;
	size_t len = strlen(sealed);
	char truncated[256];

	ck_assert_int_eq(open_with(key, OWNER, "v2:AAAA"), CW_EINVAL);
	ck_assert_int_eq(open_with(key, OWNER, "v1:not base64"), CW_EINVAL);
	ck_assert_int_eq(open_with(key, OWNER, "v1:AAAA"), CW_EINVAL);
	ck_assert_int_eq(open_with(key, OWNER, ""), CW_EINVAL);
	/* Cut short (still base64): either too short or unauthenticated. */
	snprintf(truncated, sizeof(truncated), "%.*s", (int)(len - 4), sealed);
	ck_assert_int_ne(open_with(key, OWNER, truncated), 0);
	big = cw_calloc(1, CW_LIMIT_SEALED_PLAIN + 2);
	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(cw_secretbox_seal(&none, key, OWNER, big,
	                                   CW_LIMIT_SEALED_PLAIN + 1),
	                 CW_ETOOBIG);
	ck_assert_ptr_null(none);
	cw_free(big);
	cw_free(sealed);
}
END_TEST

Suite *suite_secretbox(void)
{
	Suite *s = suite_create("util/secretbox");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, wrong_key_or_owner);
	tcase_add_test(tc, tampered_bytes);
	tcase_add_test(tc, malformed);
	suite_add_tcase(s, tc);
	return s;
}
