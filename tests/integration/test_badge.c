/* crosswalk badge bake | badge unbake: PNG and SVG round trips of the
 * credential bytes, the version from the credential, exit codes 1 and 2. */
#include "harness.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/file.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

Suite *suite_badge(void);

static cwt_env env;
static cw_buf out, err;

static const char ob3[] =
        "{\n  \"@context\": [\"https://www.w3.org/ns/credentials/v2\",\n"
        "    \"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],"
        "\n  \"type\": [\"VerifiableCredential\", \"OpenBadgeCredential\"],\n"
        "  \"name\": \"Fractions ]]> & <decimals>\"\n}\n";
static const char ob2[] =
        "{\"@context\": \"https://w3id.org/openbadges/v2\", \"type\": "
        "\"Assertion\", \"id\": \"https://example.org/assertions/7\"}\n";
static const char svg[] =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\">"
        "<rect width=\"4\" height=\"4\"/></svg>\n";

static void setup(void)
{
	cwt_env_init(&env);
	out = (cw_buf)CW_BUF_INIT(1 << 20);
	err = (cw_buf)CW_BUF_INIT(1 << 20);
}

static void teardown(void)
{
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_env_cleanup(&env);
}

static const char *file_path(char path[400], const char *name)
{
	ck_assert_int_lt(snprintf(path, 400, "%s/%s", env.dir, name), 400);
	return path;
}

static const char *write_file(char path[400], const char *name,
                              const void *data, size_t len)
{
	ck_assert_int_eq(cw_file_create(file_path(path, name), data, len, 0600),
	                 0);
	return path;
}

static void put_chunk(cw_buf *b, const char *type, const void *data, size_t len)
{
	unsigned char n[4] = { (unsigned char)(len >> 24),
		               (unsigned char)(len >> 16),
		               (unsigned char)(len >> 8), (unsigned char)len };
	uLong crc = crc32(crc32(0L, (const Bytef *)type, 4), data, (uInt)len);
	unsigned char c[4] = { (unsigned char)(crc >> 24),
		               (unsigned char)(crc >> 16),
		               (unsigned char)(crc >> 8), (unsigned char)crc };

	cw_buf_put(b, n, 4);
	cw_buf_put(b, type, 4);
	cw_buf_put(b, data, len);
	cw_buf_put(b, c, 4);
}

/* A 1x1 grey PNG. */
static const char *write_png(char path[400], const char *name)
{
	static const unsigned char ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8 };
	static const unsigned char row[2] = { 0, 128 };
	unsigned char idat[32];
	uLongf idat_len = sizeof(idat);
	cw_buf png = CW_BUF_INIT(4096);

	ck_assert_int_eq(compress(idat, &idat_len, row, sizeof(row)), Z_OK);
	cw_buf_put(&png, "\x89PNG\r\n\x1a\n", 8);
	put_chunk(&png, "IHDR", ihdr, sizeof(ihdr));
	put_chunk(&png, "IDAT", idat, idat_len);
	put_chunk(&png, "IEND", "", 0);
	write_file(path, name, png.data, png.len);
	cw_buf_dispose(&png);
	return path;
}

static int run_bake(const char *credential, const char *image,
                    const char *baked)
{
	cw_buf_clear(&out);
	cw_buf_clear(&err);
	return cwt_run(&env, &out, &err, "badge", "bake", "--credential",
	               credential, "--image", image, "--out", baked, NULL);
}

static int run_unbake(const char *image)
{
	cw_buf_clear(&out);
	cw_buf_clear(&err);
	return cwt_run(&env, &out, &err, "badge", "unbake", image, NULL);
}

static void read_back(cw_buf *into, const char *path)
{
	char *text = NULL;
	size_t len = 0;

	ck_assert_int_eq(cw_file_read(&text, &len, path, 1 << 20), 0);
	cw_buf_clear(into);
	cw_buf_put(into, text, len);
	cw_free(text);
}

static const void *contains(const cw_buf *b, const char *needle, size_t n)
{
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, needle, n) == 0)
			return b->data + i;
	return NULL;
}

START_TEST(png_and_svg_round_trips)
{
	char cred[400], png[400], image[400], baked[400], baked_svg[400];
	cw_buf file = CW_BUF_INIT(1 << 20);

	write_file(cred, "ob3.json", ob3, strlen(ob3));
	write_png(png, "in.png");
	file_path(baked, "out.png");
	ck_assert_int_eq(run_bake(cred, png, baked), 0);
	read_back(&file, baked);
	ck_assert_ptr_nonnull(contains(&file, "iTXtopenbadgecredential", 23));
	ck_assert_int_eq(run_unbake(baked), 0);
	ck_assert_str_eq(cw_buf_cstr(&out), ob3);
	/* rebaking the baked image replaces its credential */
	ck_assert_int_eq(run_bake(cred, baked, baked), 0);
	ck_assert_int_eq(run_unbake(baked), 0);
	ck_assert_str_eq(cw_buf_cstr(&out), ob3);

	write_file(image, "in.svg", svg, strlen(svg));
	file_path(baked_svg, "out.svg");
	ck_assert_int_eq(run_bake(cred, image, baked_svg), 0);
	read_back(&file, baked_svg);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&file),
	                             "<openbadges:credential><![CDATA[{"));
	ck_assert_int_eq(run_unbake(baked_svg), 0);
	ck_assert_str_eq(cw_buf_cstr(&out), ob3);
	cw_buf_dispose(&file);
}
END_TEST

START_TEST(ob2_and_jws)
{
	char cred[400], image[400], baked[400], jws_path[400], png[400];
	char jws[512], payload[256];
	const char *claims = "{\"vc\":{\"type\":[\"VerifiableCredential\"]}}";
	cw_buf file = CW_BUF_INIT(1 << 20);
	size_t n;

	write_file(cred, "ob2.json", ob2, strlen(ob2));
	write_file(image, "in.svg", svg, strlen(svg));
	file_path(baked, "ob2.svg");
	ck_assert_int_eq(run_bake(cred, image, baked), 0);
	read_back(&file, baked);
	ck_assert_ptr_nonnull(
	        strstr(cw_buf_cstr(&file),
	               "xmlns:openbadges=\"http://openbadges.org\""));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&file),
	                             "<openbadges:assertion verify=\"https://"
	                             "example.org/assertions/7\">"));
	ck_assert_int_eq(run_unbake(baked), 0);
	ck_assert_str_eq(cw_buf_cstr(&out), ob2);

	/* a VC-JWT (its "vc" claim says 3.0), with a trailing newline */
	cw_base64url_encode(payload, (const unsigned char *)claims,
	                    strlen(claims));
	n = (size_t)snprintf(jws, sizeof(jws), "eyJhbGciOiJSUzI1NiJ9.%s.c2ln\n",
	                     payload);
	write_file(jws_path, "vc.jwt", jws, n);
	write_png(png, "in.png");
	ck_assert_int_eq(run_bake(jws_path, png, baked), 0);
	read_back(&file, baked);
	ck_assert_ptr_nonnull(contains(&file, "iTXtopenbadgecredential", 23));
	ck_assert_int_eq(run_unbake(baked), 0);
	ck_assert_str_eq(cw_buf_cstr(&out), jws);
	/* --version overrides */
	ck_assert_int_eq(cwt_run(&env, &out, &err, "badge", "bake",
	                         "--credential", jws_path, "--image", png,
	                         "--out", baked, "--version", "2", NULL),
	                 0);
	read_back(&file, baked);
	ck_assert_ptr_nonnull(contains(&file, "iTXtopenbadges\0", 15));
	cw_buf_dispose(&file);
}
END_TEST

/* A signed OB 3.0 credential baked into a PNG verifies from the image;
 * an image carrying no badge is reported as such. */
START_TEST(verify_a_baked_image)
{
	char key[400], cred[400], signed_path[400], image[400], baked[400];
	char did[200], text[1400];
	file_path(key, "ed.key");
	ck_assert_int_eq(cwt_run(&env, &out, &err, "keys", "generate", "--type",
	                         "ed25519", "--out", key, NULL),
	                 0);
	snprintf(did, sizeof(did), "%.*s", (int)strcspn(out.data, "#"),
	         out.data);
	snprintf(text, sizeof(text),
	         "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
	         "\"https://purl.imsglobal.org/spec/ob/v3p0/"
	         "context-3.0.3.json\"],"
	         "\"id\":\"urn:uuid:5\",\"type\":[\"VerifiableCredential\","
	         "\"OpenBadgeCredential\"],\"issuer\":{\"id\":\"%s\",\"type\":"
	         "\"Profile\",\"name\":\"District\"},\"validFrom\":"
	         "\"2026-01-01T00:00:00Z\",\"name\":\"Robotics\","
	         "\"credentialSubject\":{\"id\":\"did:example:learner\","
	         "\"type\":\"AchievementSubject\",\"achievement\":{\"id\":"
	         "\"https://district.example/a/1\",\"type\":\"Achievement\","
	         "\"name\":\"Robotics\",\"criteria\":{\"narrative\":\"x\"}}}}",
	         did);
	write_file(cred, "cred.json", text, strlen(text));
	cw_buf_clear(&out);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "vc", "sign", "--key", key,
	                         cred, NULL),
	                 0);
	write_file(signed_path, "signed.json", out.data, out.len);
	write_png(image, "plain.png");
	file_path(baked, "baked.png");
	ck_assert_int_eq(run_bake(signed_path, image, baked), 0);
	cw_buf_clear(&out);
	ck_assert_msg(
	        cwt_run(&env, &out, &err, "badge", "verify", baked, NULL) == 0,
	        "%s%s", out.data, cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(out.data, "VALID (ob3 json)"));
	cw_buf_clear(&err);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "badge", "verify", image, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err.data, "carries no badge"));
}
END_TEST

START_TEST(exit_codes)
{
	char cred[400], png[400], bad[400], baked[400], odd[400];

	write_file(cred, "ob3.json", ob3, strlen(ob3));
	write_png(png, "in.png");
	file_path(baked, "out.png");
	ck_assert_int_eq(run_unbake(png), 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), "no Open Badges"));
	write_file(bad, "bad.png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
	ck_assert_int_eq(run_unbake(bad), 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), "at offset 8"));
	ck_assert_int_eq(run_bake(cred, bad, baked), 1);
	write_file(odd, "odd.json", "{\"name\": \"x\"}", 13);
	ck_assert_int_eq(run_bake(odd, png, baked), 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), "--version"));

	ck_assert_int_eq(cwt_run(&env, &out, &err, "badge", "bake",
	                         "--credential", cred, "--image", png, NULL),
	                 2);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "badge", "bake",
	                         "--credential", cred, "--image", png, "--out",
	                         baked, "--version", "4", NULL),
	                 2);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "badge", "unbake", NULL), 2);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "badge", "unbake", png,
	                         "--bogus", NULL),
	                 2);
}
END_TEST

Suite *suite_badge(void)
{
	Suite *s = suite_create("integration/badge");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, png_and_svg_round_trips);
	tcase_add_test(tc, ob2_and_jws);
	tcase_add_test(tc, exit_codes);
	tcase_add_test(tc, verify_a_baked_image);
	suite_add_tcase(s, tc);
	return s;
}
