/* The N-Quads reader (escapes, comments, line ends, errors with their
 * line:column) and the canonical writer's escaping. */
#include "jsonld/nquads.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_jsonld_nquads(void);

#define S "<http://a.example/s> "
#define P "<http://a.example/p> "

/* Reads text and writes it back in canonical form. */
static char *roundtrip(const char *text)
{
	cw_buf out = CW_BUF_INIT(1 << 20);
	cw_rdf_dataset *ds = NULL;
	cw_nquads_error where;
	int err = cw_nquads_read(&ds, text, strlen(text), NULL, &where);

	ck_assert_msg(err == 0, "%s: %zu:%zu: %s", text, where.line,
	              where.column, where.message);
	ck_assert_int_eq(cw_nquads_write(&out, ds), 0);
	cw_rdf_dataset_free(ds);
	return cw_buf_detach(&out, NULL);
}

static const struct {
	const char *in, *out;
} good[] = {
	{ S P "<http://a.example/o> .", S P "<http://a.example/o> .\n" },
	{ S P "\"a\\tb\\u0001\\U0001F600\\\"\\\\\\n\\r\\b\\f\\u007F'\\'"
	      "\xc3\xa9\" .",
	  S P "\"a\\tb\\u0001\xf0\x9f\x98\x80\\\"\\\\\\n\\r\\b\\f\\u007F''"
	      "\xc3\xa9\" .\n" },
	{ S P "\"x\"^^<http://www.w3.org/2001/XMLSchema#string> .",
	  S P "\"x\" .\n" },
	{ S P "\"x\"@en-GB .", S P "\"x\"@en-GB .\n" },
	{ S P "\"1\"^^<http://www.w3.org/2001/XMLSchema#integer> <http://g/> .",
	  S P
	  "\"1\"^^<http://www.w3.org/2001/XMLSchema#integer> <http://g/> .\n" },
	{ "<http://a.example/\\u0041\\U00000042> " P "_:b1.",
	  "<http://a.example/AB> " P "_:b1 .\n" },
	{ "# comment\r\n\r\n  _:a.b " P "_:x _:g . # trailing\n",
	  "_:a.b " P "_:x _:g .\n" },
	{ "<http://s><http://p>\"raw\x01 tab\t\"<http://g>.",
	  "<http://s> <http://p> \"raw\\u0001 tab\\t\" <http://g> .\n" },
	{ "", "" },
};

START_TEST(reads_and_writes_canonically)
{
	char *out = roundtrip(good[_i].in);

	ck_assert_str_eq(out, good[_i].out);
	cw_free(out);
}
END_TEST

static const struct {
	const char *in;
	size_t line, column;
	const char *message;
} bad[] = {
	{ S P ".\n", 1, 43, "expected an object" },
	{ "\n<a> " P "<http://o> .\n", 2, 1, "relative IRI" },
	{ S P "\"x\\q\" .\n", 1, 45, "unknown escape \\q" },
	{ S P "<http://o>\n", 1, 53, "expected '.'" },
	{ "_:a " P "\"\xc3\xa9\" . x\n", 1, 32, "end of the line" },
	{ S P "\"\xff\" .", 1, 44, "invalid UTF-8" },
	{ S P "\"abc", 1, 43, "unterminated string" },
	{ S P "\"a\nb\" .", 1, 45, "line end inside a string" },
	{ "_:-a " P "_:b .", 1, 3, "blank node label" },
	{ "\"lit\" " P "_:b .", 1, 1, "expected a subject" },
	{ S P "<http://o> .\r\n<x", 2, 1, "unterminated IRI" },
	{ S "_:p <http://o> .", 1, 22, "expected a predicate" },
	{ S P "<http://o> \"g\" .", 1, 54, "expected '.'" },
	{ S P "<http://o o> .", 1, 52, "not allowed in an IRI" },
	{ S P "<http://o\\u003E> .", 1, 52, "not allowed in an IRI" },
	{ S P "\"\\uD800\" .", 1, 44, "not a Unicode scalar value" },
	{ S P "\"\\u12\" .", 1, 44, "bad hex digit" },
	{ S P "\"x\"@ .", 1, 46, "empty language tag" },
	{ S P "\"x\"^<http://t> .", 1, 46, "expected ^^<datatype IRI>" },
};

START_TEST(reports_errors_with_positions)
{
	cw_rdf_dataset *ds = NULL;
	cw_nquads_error where;
	int err = cw_nquads_read(&ds, bad[_i].in, strlen(bad[_i].in), NULL,
	                         &where);

	ck_assert_int_eq(err, CW_EINVAL);
	ck_assert_ptr_null(ds);
	ck_assert_msg(where.line == bad[_i].line &&
	                      where.column == bad[_i].column &&
	                      strstr(where.message, bad[_i].message),
	              "%s: got %zu:%zu: %s", bad[_i].in, where.line,
	              where.column, where.message);
}
END_TEST

START_TEST(caps_size_and_quads)
{
	const char *text = S P "<http://o> .\n" S P "<http://o2> .\n";
	cw_nquads_limits quads = { 0, 1 }, bytes = { 10, 0 };
	cw_rdf_dataset *ds = NULL;

	ck_assert_int_eq(cw_nquads_read(&ds, text, strlen(text), &quads, NULL),
	                 CW_ETOOBIG);
	ck_assert_ptr_null(ds);
	ck_assert_int_eq(cw_nquads_read(&ds, text, strlen(text), &bytes, NULL),
	                 CW_ETOOBIG);
	ck_assert_int_eq(cw_nquads_read(&ds, text, strlen(text), NULL, NULL),
	                 0);
	ck_assert_uint_eq(ds->count, 2);
	cw_rdf_dataset_free(ds);
}
END_TEST

START_TEST(keeps_nul_bytes_in_literals)
{
	const char *text = S P "\"a\\u0000b\" .";
	cw_buf out = CW_BUF_INIT(1024);
	cw_rdf_dataset *ds = NULL;

	ck_assert_int_eq(cw_nquads_read(&ds, text, strlen(text), NULL, NULL),
	                 0);
	ck_assert_uint_eq(ds->quads[0].object.len, 3);
	ck_assert_int_eq(cw_nquads_write(&out, ds), 0);
	ck_assert_str_eq(cw_buf_cstr(&out), S P "\"a\\u0000b\" .\n");
	cw_buf_dispose(&out);
	cw_rdf_dataset_free(ds);
}
END_TEST

Suite *suite_jsonld_nquads(void)
{
	Suite *s = suite_create("jsonld_nquads");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, reads_and_writes_canonically, 0,
	                    sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, reports_errors_with_positions, 0,
	                    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, caps_size_and_quads);
	tcase_add_test(tc, keeps_nul_bytes_in_literals);
	suite_add_tcase(s, tc);
	return s;
}
