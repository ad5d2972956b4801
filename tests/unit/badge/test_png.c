/* PNG baking: round trips, one chunk after rebaking, tEXt/zTXt/compressed
 * iTXt found in the wild, and the strict reader's rejections. */
#include "badge/bake.h"

#include "util/alloc.h"
#include "util/error.h"

#include <check.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

Suite *suite_bake_png(void);

static const char ob3[] = "{\"@context\":[\"https://www.w3.org/ns/"
                          "credentials/v2\"],\"type\":[\"Verifiable"
                          "Credential\",\"OpenBadgeCredential\"]}";
static const char ob2[] = "{\"@context\":\"https://w3id.org/openbadges/v2\","
                          "\"type\":\"Assertion\"}";
static const char jws[] = "eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2lnbmF0dXJl";

static void put_u32(cw_buf *b, uint32_t v)
{
	unsigned char p[4] = { (unsigned char)(v >> 24),
		               (unsigned char)(v >> 16),
		               (unsigned char)(v >> 8), (unsigned char)v };

	cw_buf_put(b, p, 4);
}

static void put_chunk(cw_buf *b, const char *type, const void *data, size_t len)
{
	uLong crc = crc32(0L, (const Bytef *)type, 4);

	crc = crc32(crc, data, (uInt)len);
	put_u32(b, (uint32_t)len);
	cw_buf_put(b, type, 4);
	cw_buf_put(b, data, len);
	put_u32(b, (uint32_t)crc);
}

/* A 2x2 RGB image; extra (may be NULL) goes before IDAT. */
static void make_png(cw_buf *b, const char *extra_type, const void *extra,
                     size_t extra_len)
{
	static const unsigned char ihdr[13] = { 0, 0, 0, 2, 0, 0, 0, 2, 8, 2 };
	static const unsigned char rows[14] = { 0, 255, 0, 0,   255, 0, 0,
		                                0, 0,   0, 255, 0,   0, 255 };
	unsigned char idat[64];
	uLongf idat_len = sizeof(idat);

	ck_assert_int_eq(compress(idat, &idat_len, rows, sizeof(rows)), Z_OK);
	cw_buf_put(b, "\x89PNG\r\n\x1a\n", 8);
	put_chunk(b, "IHDR", ihdr, sizeof(ihdr));
	if (extra_type)
		put_chunk(b, extra_type, extra, extra_len);
	put_chunk(b, "IDAT", idat, idat_len);
	put_chunk(b, "IEND", "", 0);
}

/* How many chunks of type the image has (it is well formed). */
static int count_chunks(const cw_buf *b, const char *type)
{
	const unsigned char *p = (const unsigned char *)b->data;
	size_t pos = 8;
	int n = 0;

	while (pos + 12 <= b->len) {
		uint32_t len = (uint32_t)p[pos] << 24 |
		               (uint32_t)p[pos + 1] << 16 |
		               (uint32_t)p[pos + 2] << 8 | p[pos + 3];

		n += memcmp(p + pos + 4, type, 4) == 0;
		pos += 12 + len;
	}
	return n;
}

static int unbake(const cw_buf *b, char **text, cw_badge_version *v,
                  int *is_url)
{
	size_t len = 0;
	int err = cw_badge_unbake(text, &len, v, is_url,
	                          (const unsigned char *)b->data, b->len);

	if (err == 0)
		ck_assert_uint_eq(len, strlen(*text));
	return err;
}

static void bake(cw_buf *out, const cw_buf *in, cw_badge_version v,
                 const char *payload)
{
	ck_assert_int_eq(cw_badge_bake(out, (const unsigned char *)in->data,
	                               in->len, v, payload, strlen(payload),
	                               NULL),
	                 0);
}

START_TEST(round_trips_both_versions)
{
	static const struct {
		cw_badge_version v;
		const char *payload, *keyword;
	} cases[] = {
		{ CW_BADGE_OB3, ob3, "openbadgecredential" },
		{ CW_BADGE_OB3, jws, "openbadgecredential" },
		{ CW_BADGE_OB2, ob2, "openbadges" },
		{ CW_BADGE_OB2, jws, "openbadges" },
	};
	cw_buf in = CW_BUF_INIT(1 << 20), out = CW_BUF_INIT(1 << 20);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = -1;

	make_png(&in, NULL, NULL, 0);
	bake(&out, &in, cases[_i].v, cases[_i].payload);
	/* right after the 8-byte signature and the 25-byte IHDR */
	ck_assert_mem_eq(out.data + 37, "iTXt", 4);
	ck_assert_mem_eq(out.data + 41, cases[_i].keyword,
	                 strlen(cases[_i].keyword) + 1);
	ck_assert_mem_eq(out.data + 41 + strlen(cases[_i].keyword) + 1,
	                 "\0\0\0\0", 4);
	ck_assert_int_eq(unbake(&out, &text, &v, &is_url), 0);
	ck_assert_str_eq(text, cases[_i].payload);
	ck_assert_int_eq(v, cases[_i].v);
	ck_assert_int_eq(is_url, 0);
	cw_free(text);
	cw_buf_dispose(&in);
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(rebaking_replaces)
{
	cw_buf in = CW_BUF_INIT(1 << 20), once = CW_BUF_INIT(1 << 20),
	       twice = CW_BUF_INIT(1 << 20), other = CW_BUF_INIT(1 << 20);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = 0;

	make_png(&in, NULL, NULL, 0);
	bake(&once, &in, CW_BADGE_OB3, jws);
	bake(&twice, &once, CW_BADGE_OB3, ob3);
	ck_assert_int_eq(count_chunks(&twice, "iTXt"), 1);
	ck_assert_uint_eq(twice.len, in.len + 12 + 24 + strlen(ob3));
	ck_assert_int_eq(unbake(&twice, &text, &v, &is_url), 0);
	ck_assert_str_eq(text, ob3);
	cw_free(text);
	/* an image carries one credential: 2.0 over 3.0 replaces it too */
	bake(&other, &twice, CW_BADGE_OB2, ob2);
	ck_assert_int_eq(count_chunks(&other, "iTXt"), 1);
	ck_assert_int_eq(unbake(&other, &text, &v, &is_url), 0);
	ck_assert_str_eq(text, ob2);
	ck_assert_int_eq(v, CW_BADGE_OB2);
	cw_free(text);
	cw_buf_dispose(&in);
	cw_buf_dispose(&once);
	cw_buf_dispose(&twice);
	cw_buf_dispose(&other);
}
END_TEST

/* keyword NUL then rest (rest_len bytes), as a chunk's data */
static void text_chunk(cw_buf *b, const char *type, const char *keyword,
                       const void *rest, size_t rest_len)
{
	cw_buf data = CW_BUF_INIT(1 << 24);

	cw_buf_put(&data, keyword, strlen(keyword) + 1);
	cw_buf_put(&data, rest, rest_len);
	make_png(b, type, data.data, data.len);
	cw_buf_dispose(&data);
}

START_TEST(reads_text_variants)
{
	static const char url[] = "https://example.org/assertions/1";
	unsigned char z[512], itxt[600] = { 1, 0, 'e', 'n', 0, 0 };
	uLongf z_len = sizeof(z);
	cw_buf b = CW_BUF_INIT(1 << 20);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = 0;

	text_chunk(&b, "tEXt", "openbadges", url, strlen(url));
	ck_assert_int_eq(unbake(&b, &text, &v, &is_url), 0);
	ck_assert_str_eq(text, url);
	ck_assert_int_eq(v, CW_BADGE_OB2);
	ck_assert_int_eq(is_url, 1);
	cw_free(text);
	cw_buf_clear(&b);

	ck_assert_int_eq(
	        compress(z + 1, &z_len, (const Bytef *)ob2, strlen(ob2)), Z_OK);
	z[0] = 0; /* zTXt compression method */
	text_chunk(&b, "zTXt", "openbadges", z, z_len + 1);
	ck_assert_int_eq(unbake(&b, &text, &v, &is_url), 0);
	ck_assert_str_eq(text, ob2);
	ck_assert_int_eq(is_url, 0);
	cw_free(text);
	cw_buf_clear(&b);

	z_len = sizeof(itxt) - 6;
	ck_assert_int_eq(
	        compress(itxt + 6, &z_len, (const Bytef *)ob3, strlen(ob3)),
	        Z_OK);
	text_chunk(&b, "iTXt", "openbadgecredential", itxt, z_len + 6);
	ck_assert_int_eq(unbake(&b, &text, &v, &is_url), 0);
	ck_assert_str_eq(text, ob3);
	ck_assert_int_eq(v, CW_BADGE_OB3);
	cw_free(text);
	cw_buf_dispose(&b);
}
END_TEST

START_TEST(no_badge_and_other_text)
{
	cw_buf b = CW_BUF_INIT(1 << 20);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = 0;

	text_chunk(&b, "tEXt", "Comment", "openbadges", 10);
	ck_assert_int_eq(unbake(&b, &text, &v, &is_url), CW_ENOTFOUND);
	ck_assert_ptr_null(text);
	cw_buf_dispose(&b);
}
END_TEST

START_TEST(inflate_is_capped)
{
	size_t big = 9u << 20;
	unsigned char *zeros = cw_calloc(1, big), *z = cw_malloc(big / 100);
	uLongf z_len = big / 100 - 1;
	cw_buf b = CW_BUF_INIT(1 << 24);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = 0;

	ck_assert_int_eq(compress(z + 1, &z_len, zeros, big), Z_OK);
	z[0] = 0;
	text_chunk(&b, "zTXt", "openbadges", z, z_len + 1);
	ck_assert_int_eq(unbake(&b, &text, &v, &is_url), CW_ETOOBIG);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "cap"));
	cw_free(zeros);
	cw_free(z);
	cw_buf_dispose(&b);
}
END_TEST

/* Corruptions of the plain image: offset to change, new bytes, or a cut. */
static const struct {
	const char *name;
	size_t offset; /* where to write bytes, or the new length when cut */
	const char *bytes;
	size_t n;
	int cut;
	int err;
	const char *message;
} corruptions[] = {
	{ "signature", 6, "Q", 1, 0, CW_EINVAL, "bad signature" },
	{ "crc", 41, "\xff", 1, 0, CW_EINVAL,
	  "PNG chunk 1 (\"IDAT\") at offset 33: CRC mismatch" },
	{ "truncated", 50, NULL, 0, 1, CW_EINVAL,
	  "chunk 1 (\"IDAT\") at offset 33: truncated (length past" },
	{ "cut in a header", 37, NULL, 0, 1, CW_EINVAL,
	  "chunk 1 (\"????\") at offset 33: truncated" },
	{ "length", 33, "\x7f\xff\xff\xff", 4, 0, CW_ETOOBIG,
	  "offset 33: length over the 16 MiB chunk cap" },
	{ "huge length", 33, "\xff\xff\xff\xf0", 4, 0, CW_ETOOBIG,
	  "length over" },
	{ "no IEND", 0, NULL, 12, 1, CW_EINVAL, "no IEND" },
	{ "type", 37, "I\x01AT", 4, 0, CW_EINVAL, "are not letters" },
};

START_TEST(rejects_corrupt_images)
{
	cw_buf b = CW_BUF_INIT(1 << 20), out = CW_BUF_INIT(1 << 20);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = 0;
	size_t len;

	make_png(&b, NULL, NULL, 0);
	len = b.len;
	if (corruptions[_i].cut)
		len = corruptions[_i].offset ? corruptions[_i].offset
		                             : b.len - corruptions[_i].n;
	else
		memcpy(b.data + corruptions[_i].offset, corruptions[_i].bytes,
		       corruptions[_i].n);
	b.len = len;
	ck_assert_int_eq(unbake(&b, &text, &v, &is_url), corruptions[_i].err);
	ck_assert_msg(strstr(cw_error_last(), corruptions[_i].message),
	              "%s: %s", corruptions[_i].name, cw_error_last());
	ck_assert_ptr_null(text);
	ck_assert_int_eq(cw_badge_bake(&out, (const unsigned char *)b.data,
	                               b.len, CW_BADGE_OB3, ob3, strlen(ob3),
	                               NULL),
	                 corruptions[_i].err);
	ck_assert_uint_eq(out.len, 0);
	cw_buf_dispose(&b);
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(rejects_bad_order)
{
	cw_buf b = CW_BUF_INIT(1 << 20), tail = CW_BUF_INIT(1 << 20);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = 0;

	/* data after IEND */
	make_png(&b, NULL, NULL, 0);
	cw_buf_put(&b, "x", 1);
	ck_assert_int_eq(unbake(&b, &text, &v, &is_url), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "bytes after IEND"));
	/* a chunk before IHDR */
	cw_buf_clear(&b);
	cw_buf_put(&b, "\x89PNG\r\n\x1a\n", 8);
	put_chunk(&b, "tEXt", "a\0b", 3);
	make_png(&tail, NULL, NULL, 0);
	cw_buf_put(&b, tail.data + 8, tail.len - 8);
	ck_assert_int_eq(unbake(&b, &text, &v, &is_url), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(),
	                             "chunk 0 (\"tEXt\") at offset 8: the "
	                             "first chunk must be a 13-byte IHDR"));
	/* a second IHDR */
	cw_buf_clear(&b);
	make_png(&b, "IHDR", "0123456789abc", 13);
	ck_assert_int_eq(unbake(&b, &text, &v, &is_url), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "a second IHDR"));
	cw_buf_dispose(&b);
	cw_buf_dispose(&tail);
}
END_TEST

START_TEST(rejects_bad_payloads)
{
	cw_buf in = CW_BUF_INIT(1 << 20), out = CW_BUF_INIT(1 << 20);
	cw_badge_image_type type = 0;

	make_png(&in, NULL, NULL, 0);
	ck_assert_int_eq(cw_badge_image_sniff(
	                         &type, (const unsigned char *)in.data, in.len),
	                 0);
	ck_assert_int_eq(type, CW_BADGE_IMAGE_PNG);
	ck_assert_int_eq(
	        cw_badge_image_sniff(&type, (const unsigned char *)"GIF89a", 6),
	        CW_EUNSUPPORTED);
	ck_assert_int_eq(cw_badge_bake(&out, (const unsigned char *)in.data,
	                               in.len, CW_BADGE_OB3, "not json", 8,
	                               NULL),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_badge_bake(&out, (const unsigned char *)in.data,
	                               in.len, CW_BADGE_OB3, "{}\0{}", 5, NULL),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_badge_bake(&out, (const unsigned char *)in.data,
	                               in.len, CW_BADGE_OB3, ob3, strlen(ob3),
	                               "https://example.org/a"),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_badge_bake(&out, (const unsigned char *)in.data,
	                               in.len, (cw_badge_version)4, ob3,
	                               strlen(ob3), NULL),
	                 CW_EINVAL);
	ck_assert_uint_eq(out.len, 0);
	cw_buf_dispose(&in);
	cw_buf_dispose(&out);
}
END_TEST

Suite *suite_bake_png(void)
{
	Suite *s = suite_create("badge/bake_png");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, round_trips_both_versions, 0, 4);
	tcase_add_test(tc, rebaking_replaces);
	tcase_add_test(tc, reads_text_variants);
	tcase_add_test(tc, no_badge_and_other_text);
	tcase_add_test(tc, inflate_is_capped);
	tcase_add_loop_test(tc, rejects_corrupt_images, 0,
	                    sizeof(corruptions) / sizeof(corruptions[0]));
	tcase_add_test(tc, rejects_bad_order);
	tcase_add_test(tc, rejects_bad_payloads);
	suite_add_tcase(s, tc);
	return s;
}
