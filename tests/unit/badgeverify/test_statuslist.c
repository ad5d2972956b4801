/* The Bitstring Status List decoder (GZIP built here with zlib, MSB-first
 * indexing, bounds) and identity hash matching. */
#include "badge/statuslist.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/error.h"

#include <check.h>
#include <string.h>
#include <zlib.h>

#include "tests_badgeverify.h"

void bv_encoded_list(cw_buf *out, const unsigned char *bits, size_t len)
{
	unsigned char packed[4096];
	z_stream z;
	char *text;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(
	        deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
	        Z_OK);
	z.next_in = (unsigned char *)bits;
	z.avail_in = (uInt)len;
	z.next_out = packed;
	z.avail_out = sizeof(packed);
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	text = cw_malloc(cw_base64url_len(z.total_out) + 1);
	cw_base64url_encode(text, packed, z.total_out);
	cw_buf_putc(out, 'u');
	cw_buf_puts(out, text);
	cw_free(text);
	deflateEnd(&z);
}

START_TEST(bits_are_msb_first)
{
	unsigned char bits[16] = { 0 };
	cw_buf list = CW_BUF_INIT(1 << 16);
	int bit = -1;

	bits[0] = 0x80;  /* index 0 */
	bits[1] = 0x04;  /* index 13 */
	bits[15] = 0x01; /* index 127, the last */
	bv_encoded_list(&list, bits, sizeof(bits));
	const struct {
		unsigned index;
		int want;
	} cases[] = { { 0, 1 },  { 1, 0 },  { 7, 0 },   { 8, 0 },
		      { 13, 1 }, { 12, 0 }, { 127, 1 }, { 126, 0 } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(
		        cw_badge_bitstring_get(&bit, list.data, cases[i].index),
		        0);
		ck_assert_msg(bit == cases[i].want, "index %u", cases[i].index);
	}
	ck_assert_int_eq(cw_badge_bitstring_get(&bit, list.data, 128),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_badge_bitstring_get(&bit, list.data + 1, 0),
	                 CW_EINVAL); /* no multibase prefix */
	ck_assert_int_eq(cw_badge_bitstring_get(&bit, "uAAAA", 0), CW_EINVAL);
	ck_assert_int_eq(cw_badge_bitstring_get(&bit, "u", 0), CW_EINVAL);
	ck_assert_int_eq(cw_badge_bitstring_get(&bit, NULL, 0), CW_EINVAL);
	cw_buf_dispose(&list);
}
END_TEST

START_TEST(identity_hashes)
{
	int match = -1;

	ck_assert_int_eq(cw_badge_identity_matches(
	                         &match,
	                         "sha256$ecf5409f3f4b91ab60cc5ef4c02aef"
	                         "7032354375e70cf4d8e43f6a1d29891942",
	                         1, "deadsea", "nobody@example.org"),
	                 0);
	ck_assert_int_eq(match, 1);
	/* upper-case hex and prefix are accepted */
	ck_assert_int_eq(cw_badge_identity_matches(
	                         &match,
	                         "SHA256$B5809D8A92F8858436D7E6B87C12EB"
	                         "C0AE1EAC4BAECC2C0B913AEE2C922EF399",
	                         1, "Kosher", "a@example.com"),
	                 0);
	ck_assert_int_eq(match, 1);
	ck_assert_int_eq(cw_badge_identity_matches(
	                         &match,
	                         "sha256$b5809d8a92f8858436d7e6b87c12eb"
	                         "c0ae1eac4baecc2c0b913aee2c922ef399",
	                         1, "Kosher", "b@example.com"),
	                 0);
	ck_assert_int_eq(match, 0);
	ck_assert_int_eq(cw_badge_identity_matches(&match, "A@Example.com", 0,
	                                           NULL, "a@example.com"),
	                 0);
	ck_assert_int_eq(match, 1);
	ck_assert_int_eq(cw_badge_identity_matches(&match, "md5$abc", 1, NULL,
	                                           "a@example.com"),
	                 CW_EUNSUPPORTED);
	ck_assert_int_eq(cw_badge_identity_matches(&match, "sha256$abc", 1,
	                                           NULL, "a@example.com"),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_badge_identity_matches(&match, "plain", 1, NULL,
	                                           "a@example.com"),
	                 CW_EINVAL);
}
END_TEST

Suite *suite_badgeverify_statuslist(void)
{
	Suite *s = suite_create("badgeverify_statuslist");
	TCase *t = tcase_create("core");

	tcase_add_test(t, bits_are_msb_first);
	tcase_add_test(t, identity_hashes);
	suite_add_tcase(s, t);
	return s;
}
