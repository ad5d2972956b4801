/* RFC 3986 reference resolution and JSON pointers. */
#include "schema/schema_internal.h"

#include "util/alloc.h"

#include <check.h>

Suite *suite_schema_uri(void);

/* RFC 3986 section 5.4 examples, plus the URNs and fragments $id uses. */
static const struct {
	const char *base;
	const char *ref;
	const char *out;
} resolutions[] = {
	{ "http://a/b/c/d;p?q", "g", "http://a/b/c/g" },
	{ "http://a/b/c/d;p?q", "./g", "http://a/b/c/g" },
	{ "http://a/b/c/d;p?q", "g/", "http://a/b/c/g/" },
	{ "http://a/b/c/d;p?q", "/g", "http://a/g" },
	{ "http://a/b/c/d;p?q", "//g", "http://g" },
	{ "http://a/b/c/d;p?q", "?y", "http://a/b/c/d;p?y" },
	{ "http://a/b/c/d;p?q", "#s", "http://a/b/c/d;p?q#s" },
	{ "http://a/b/c/d;p?q", "", "http://a/b/c/d;p?q" },
	{ "http://a/b/c/d;p?q", "..", "http://a/b/" },
	{ "http://a/b/c/d;p?q", "../..", "http://a/" },
	{ "http://a/b/c/d;p?q", "../../../g", "http://a/g" },
	{ "http://a/b/c/d;p?q", "g;x=1/../y", "http://a/b/c/y" },
	{ "http://localhost:1234/draft2020-12/tree.json", "#/$defs/node",
	  "http://localhost:1234/draft2020-12/tree.json#/$defs/node" },
	{ "urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed", "#/$defs/bar",
	  "urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed#/$defs/bar" },
	{ "https://crosswalk.invalid/schemas/oneroster/v1p2/users.json",
	  "user.json",
	  "https://crosswalk.invalid/schemas/oneroster/v1p2/"
	  "user.json" },
};

START_TEST(resolution_table)
{
	char *out = sch_uri_resolve(resolutions[_i].base, resolutions[_i].ref);

	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, resolutions[_i].out);
	cw_free(out);
}
END_TEST

START_TEST(pointers)
{
	cJSON *doc = cJSON_Parse("{\"a/b\":{\"m~n\":[10,20]},\"\":1}");
	cw_buf buf = CW_BUF_INIT(256);

	ck_assert_ptr_nonnull(doc);
	ck_assert_double_eq(
	        sch_pointer_follow(doc, "/a~1b/m~0n/1")->valuedouble, 20);
	ck_assert_double_eq(sch_pointer_follow(doc, "/")->valuedouble, 1);
	ck_assert_ptr_eq(sch_pointer_follow(doc, ""), doc);
	ck_assert_ptr_null(sch_pointer_follow(doc, "/a~1b/m~0n/01"));
	ck_assert_ptr_null(sch_pointer_follow(doc, "/a~1b/m~0n/2"));
	ck_assert_ptr_null(sch_pointer_follow(doc, "a"));
	ck_assert_int_eq(sch_pointer_append(&buf, "x/y~z"), 0);
	ck_assert_int_eq(sch_pointer_append_index(&buf, 3), 0);
	ck_assert_str_eq(cw_buf_cstr(&buf), "/x~1y~0z/3");
	cw_buf_dispose(&buf);
	cJSON_Delete(doc);
}
END_TEST

Suite *suite_schema_uri(void)
{
	Suite *s = suite_create("schema_uri");
	TCase *c = tcase_create("core");

	tcase_add_loop_test(c, resolution_table, 0,
	                    sizeof(resolutions) / sizeof(resolutions[0]));
	tcase_add_test(c, pointers);
	suite_add_tcase(s, c);
	return s;
}
