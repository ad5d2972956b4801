/* SVG baking: round trips, one element after rebaking, hosted 2.0 badges,
 * and the refusals (DTD, entities, deep nesting, not <svg>, malformed). */
#include "badge/bake.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/limits.h"

#include <check.h>
#include <string.h>

Suite *suite_bake_svg(void);

static const char plain[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\">"
        "\n  <circle cx=\"4\" cy=\"4\" r=\"3\" fill=\"#c00\"/>\n</svg>\n";
static const char ob3[] = "{\"@context\":[\"https://www.w3.org/ns/"
                          "credentials/v2\"],\"name\":\"x]]>y & <z>\"}";
static const char ob2[] = "{\"@context\":\"https://w3id.org/openbadges/v2\","
                          "\"type\":\"Assertion\"}";
static const char jws[] = "eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2lnbmF0dXJl";

static int unbake_text(const char *svg, size_t len, char **text,
                       cw_badge_version *v, int *is_url)
{
	size_t text_len = 0;

	return cw_badge_unbake(text, &text_len, v, is_url,
	                       (const unsigned char *)svg, len);
}

static int unbake(const char *svg, char **text, cw_badge_version *v,
                  int *is_url)
{
	return unbake_text(svg, strlen(svg), text, v, is_url);
}

static int bake(cw_buf *out, const char *svg, cw_badge_version v,
                const char *payload, const char *url)
{
	return cw_badge_bake(out, (const unsigned char *)svg, strlen(svg), v,
	                     payload, strlen(payload), url);
}

static int count(const char *haystack, const char *needle)
{
	int n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

START_TEST(round_trips)
{
	static const struct {
		cw_badge_version v;
		const char *payload, *url, *expect;
	} cases[] = {
		{ CW_BADGE_OB3, ob3, NULL,
		  "xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\" "
		  "width=\"8\" height=\"8\"><openbadges:credential><![CDATA[" },
		{ CW_BADGE_OB3, jws, NULL,
		  "<openbadges:credential verify=\"eyJhbGciOiJSUzI1NiJ9." },
		{ CW_BADGE_OB2, ob2, "https://example.org/assertions/1",
		  "xmlns:openbadges=\"http://openbadges.org\" width=\"8\" "
		  "height=\"8\"><openbadges:assertion "
		  "verify=\"https://example.org/"
		  "assertions/1\"><![CDATA[{" },
		{ CW_BADGE_OB2, jws, NULL,
		  "<openbadges:assertion verify=\"ey" },
	};
	cw_buf out = CW_BUF_INIT(1 << 20);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = -1;

	ck_assert_int_eq(bake(&out, plain, cases[_i].v, cases[_i].payload,
	                      cases[_i].url),
	                 0);
	ck_assert_msg(strstr(cw_buf_cstr(&out), cases[_i].expect), "%s",
	              cw_buf_cstr(&out));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "<?xml version"));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "<circle cx=\"4\""));
	ck_assert_int_eq(unbake(cw_buf_cstr(&out), &text, &v, &is_url), 0);
	ck_assert_str_eq(text, cases[_i].payload);
	ck_assert_int_eq(v, cases[_i].v);
	ck_assert_int_eq(is_url, 0);
	cw_free(text);
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(rebaking_replaces)
{
	cw_buf once = CW_BUF_INIT(1 << 20), twice = CW_BUF_INIT(1 << 20),
	       other = CW_BUF_INIT(1 << 20);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = 0;

	ck_assert_int_eq(bake(&once, plain, CW_BADGE_OB3, jws, NULL), 0);
	ck_assert_int_eq(bake(&twice, once.data, CW_BADGE_OB3, ob3, NULL), 0);
	ck_assert_int_eq(count(twice.data, "<openbadges:credential"), 1);
	ck_assert_int_eq(count(twice.data, "xmlns:openbadges"), 1);
	ck_assert_int_eq(unbake(twice.data, &text, &v, &is_url), 0);
	ck_assert_str_eq(text, ob3);
	cw_free(text);
	/* 2.0 over 3.0: the prefix is rebound, one element remains */
	ck_assert_int_eq(bake(&other, twice.data, CW_BADGE_OB2, ob2, NULL), 0);
	ck_assert_int_eq(count(other.data, "<openbadges:"), 1);
	ck_assert_int_eq(count(other.data, "v3p0"), 0);
	ck_assert_int_eq(unbake(other.data, &text, &v, &is_url), 0);
	ck_assert_str_eq(text, ob2);
	ck_assert_int_eq(v, CW_BADGE_OB2);
	cw_free(text);
	cw_buf_dispose(&once);
	cw_buf_dispose(&twice);
	cw_buf_dispose(&other);
}
END_TEST

START_TEST(hosted_and_foreign_badges)
{
	static const char hosted[] =
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	        "xmlns:ob=\"http://openbadges.org\">\n  <ob:assertion "
	        "verify=\"https://example.org/a/1\"/>\n</svg>";
	static const char pretty[] =
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	        "xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\">"
	        "<openbadges:credential>\n   eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n"
	        "</openbadges:credential></svg>";
	cw_buf out = CW_BUF_INIT(1 << 20);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = 0;

	ck_assert_int_eq(unbake(hosted, &text, &v, &is_url), 0);
	ck_assert_str_eq(text, "https://example.org/a/1");
	ck_assert_int_eq(v, CW_BADGE_OB2);
	ck_assert_int_eq(is_url, 1);
	cw_free(text);
	ck_assert_int_eq(unbake(pretty, &text, &v, &is_url), 0);
	ck_assert_str_eq(text, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
	ck_assert_int_eq(is_url, 0);
	cw_free(text);
	/* rebaking reuses the declared prefix */
	ck_assert_int_eq(bake(&out, hosted, CW_BADGE_OB2, jws, NULL), 0);
	ck_assert_int_eq(count(out.data, "<ob:assertion"), 1);
	ck_assert_int_eq(count(out.data, "xmlns:openbadges"), 0);
	ck_assert_ptr_null(strstr(out.data, "<?xml"));
	cw_buf_dispose(&out);
}
END_TEST

static const struct {
	const char *name, *svg;
	int err;
	const char *message;
} refused[] = {
	{ "doctype",
	  "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG "
	  "1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
	  "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
	  CW_EINVAL, "SVG line 2:" },
	{ "billion laughs",
	  "<!DOCTYPE svg [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
	  "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c "
	  "\"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d "
	  "\"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><svg "
	  "xmlns=\"http://www.w3.org/2000/svg\">&d;&d;&d;&d;</svg>",
	  CW_EINVAL, "a DOCTYPE is refused" },
	{ "external entity",
	  "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><svg "
	  "xmlns=\"http://www.w3.org/2000/svg\"><text>&x;</text></svg>",
	  CW_EINVAL, "a DOCTYPE is refused" },
	{ "undeclared entity",
	  "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<text>&x;</text></svg>",
	  CW_EINVAL, "SVG line 2:" },
	{ "not svg", "<html xmlns=\"http://www.w3.org/1999/xhtml\"/>",
	  CW_EINVAL, "the root element is <html>, not <svg>" },
	{ "svg in another namespace", "<svg xmlns=\"urn:x\"/>", CW_EINVAL,
	  "not <svg>" },
	{ "malformed",
	  "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <g>\n</svg>",
	  CW_EINVAL, "SVG line 3:" },
	{ "no badge", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
	  CW_ENOTFOUND, "no <openbadges:credential>" },
	{ "empty badge",
	  "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	  "xmlns:o=\"http://openbadges.org\"><o:assertion/></svg>",
	  CW_EINVAL, "neither a body nor a verify attribute" },
	{ "not xml", "<", CW_EINVAL, "SVG line 1:" },
};

START_TEST(refusals)
{
	cw_buf out = CW_BUF_INIT(1 << 20);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = 0, err;

	err = unbake(refused[_i].svg, &text, &v, &is_url);
	ck_assert_msg(err == refused[_i].err, "%s: %d %s", refused[_i].name,
	              err, cw_error_last());
	ck_assert_msg(strstr(cw_error_last(), refused[_i].message), "%s: %s",
	              refused[_i].name, cw_error_last());
	ck_assert_ptr_null(text);
	err = bake(&out, refused[_i].svg, CW_BADGE_OB3, ob3, NULL);
	if (refused[_i].err == CW_ENOTFOUND || _i == 8)
		ck_assert_int_eq(err, 0);
	else
		ck_assert_int_eq(err, refused[_i].err);
	ck_assert_ptr_null(strstr(cw_buf_cstr(&out), "root:"));
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(caps)
{
	cw_buf svg = CW_BUF_INIT(1 << 25), out = CW_BUF_INIT(1 << 20);
	cw_badge_version v = 0;
	char *text = NULL;
	int is_url = 0;

	cw_buf_puts(&svg, "<svg xmlns=\"http://www.w3.org/2000/svg\">");
	for (int i = 0; i < 200; i++)
		cw_buf_puts(&svg, "<g>");
	for (int i = 0; i < 200; i++)
		cw_buf_puts(&svg, "</g>");
	cw_buf_puts(&svg, "</svg>");
	ck_assert_int_eq(unbake(svg.data, &text, &v, &is_url), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "nested over 128"));
	ck_assert_int_eq(bake(&out, svg.data, CW_BADGE_OB3, ob3, NULL),
	                 CW_EINVAL);
	/* over 16 MiB */
	cw_buf_clear(&svg);
	cw_buf_puts(&svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"><!--");
	while (svg.len <= (size_t)CW_LIMIT_BADGE_SVG)
		cw_buf_puts(&svg, "0123456789abcdef0123456789abcdef");
	cw_buf_puts(&svg, "--></svg>");
	ck_assert_int_eq(unbake(svg.data, &text, &v, &is_url), CW_ETOOBIG);
	ck_assert_ptr_null(text);
	cw_buf_dispose(&svg);
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(prefix_taken)
{
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	                          "xmlns:openbadges=\"urn:other\"/>";
	cw_buf out = CW_BUF_INIT(1 << 20);
	cw_badge_image_type type = 0;

	ck_assert_int_eq(bake(&out, svg, CW_BADGE_OB3, ob3, NULL), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "prefix openbadges"));
	ck_assert_int_eq(
	        cw_badge_image_sniff(&type,
	                             (const unsigned char *)"\xef\xbb"
	                                                    "\xbf\n<svg/>",
	                             9),
	        0);
	ck_assert_int_eq(type, CW_BADGE_IMAGE_SVG);
	cw_buf_dispose(&out);
}
END_TEST

Suite *suite_bake_svg(void)
{
	Suite *s = suite_create("badge/bake_svg");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, round_trips, 0, 4);
	tcase_add_test(tc, rebaking_replaces);
	tcase_add_test(tc, hosted_and_foreign_badges);
	tcase_add_loop_test(tc, refusals, 0,
	                    sizeof(refused) / sizeof(refused[0]));
	tcase_add_test(tc, caps);
	tcase_add_test(tc, prefix_taken);
	suite_add_tcase(s, tc);
	return s;
}
