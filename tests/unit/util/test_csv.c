/* The streaming CSV reader: RFC 4180 quoting, line ends, BOM, positions,
 * limits, and the same result however the input is split into chunks. */
#include "util/buf.h"
#include "util/csv.h"
#include "util/error.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_csv(void);

/* Renders records as "L<line>[a|b]" and problems as "!code@line:col". */
static int on_record(const cw_csv_record *r, void *payload)
{
	cw_buf *out = payload;

	cw_buf_printf(out, "L%u[", r->line);
	for (size_t i = 0; i < r->count; i++) {
		ck_assert_uint_eq(strlen(r->fields[i]), r->lengths[i]);
		cw_buf_printf(out, "%s%s", i ? "|" : "", r->fields[i]);
	}
	cw_buf_puts(out, "]");
	return 0;
}

static void on_problem(const cw_csv_problem *p, void *payload)
{
	cw_buf_printf(payload, "!%s@%u:%u", p->code, p->line, p->column);
}

static const cw_csv_limits limits = { 64, 256, 8 };

/* Reads text in chunks of chunk bytes (0: all at once). */
static int read_all(cw_buf *out, const char *text, size_t len, size_t chunk)
{
	cw_csv *csv = NULL;
	int err = 0;

	ck_assert_int_eq(cw_csv_new(&csv, &limits, on_record, on_problem, out),
	                 0);
	if (!chunk)
		chunk = len ? len : 1;
	for (size_t at = 0; at < len && err == 0; at += chunk)
		err = cw_csv_feed(csv, text + at,
		                  len - at < chunk ? len - at : chunk);
	if (err == 0)
		err = cw_csv_finish(csv);
	cw_csv_free(csv);
	return err;
}

static const struct {
	const char *text;
	const char *expected;
	int fatal;
} cases[] = {
	{ "a,b\nc,d\n", "L1[a|b]L2[c|d]", 0 },
	{ "a,b\r\nc,d\r\n", "L1[a|b]L2[c|d]", 0 },
	{ "a,b\rc,d", "L1[a|b]L2[c|d]", 0 },
	{ "a,b", "L1[a|b]", 0 },
	{ "", "", 0 },
	{ "\xEF\xBB\xBFid,name\n1,x\n", "L1[id|name]L2[1|x]", 0 },
	{ "\xEF\xBB"
	  "a\n",
	  "!csv.invalid_utf8@1:1L1[\xEF\xBB"
	  "a]",
	  0 },
	{ "\"a,b\",\"c\"\"d\"\n", "L1[a,b|c\"d]", 0 },
	{ "\"multi\nline\",x\nnext\n", "L1[multi\nline|x]L3[next]", 0 },
	{ "\"multi\r\nline\",x\r\nnext\r\n", "L1[multi\r\nline|x]L3[next]", 0 },
	{ ",,\n", "L1[||]", 0 },
	{ "a,\n", "L1[a|]", 0 },
	{ "a\n\nb\n", "L1[a]L2[]L3[b]", 0 },
	{ "\"\"\n", "L1[]", 0 },
	{ "ab\"c\n", "!csv.bare_quote@1:3L1[ab\"c]", 0 },
	{ "\"ab\"c,d\n", "!csv.text_after_quote@1:5L1[abc|d]", 0 },
	{ "x\n\"open,\nstill", "L1[x]!csv.unterminated_quote@2:1", 1 },
	{ "a\0b\n", "!csv.nul_byte@1:2", 1 },
	{ "\xC3\xA9t\xC3\xA9,b\xC3\n",
	  "!csv.invalid_utf8@1:5"
	  "L1[\xC3\xA9t\xC3\xA9|b\xC3]",
	  0 },
	{ "\xC3\xA9,\"x\"y\n", "!csv.text_after_quote@1:6L1[\xC3\xA9|xy]", 0 },
};

START_TEST(table)
{
	const char *text = cases[_i].text;
	size_t len = strlen(text);
	cw_buf whole = CW_BUF_INIT(4096), bytewise = CW_BUF_INIT(4096);
	int err;

	if (strcmp(cases[_i].expected, "!csv.nul_byte@1:2") == 0)
		len = 4; /* the case holds a NUL */
	err = read_all(&whole, text, len, 0);
	ck_assert_msg(strcmp(cw_buf_cstr(&whole), cases[_i].expected) == 0,
	              "case %d: got %s", _i, cw_buf_cstr(&whole));
	ck_assert_int_eq(err != 0, cases[_i].fatal);
	/* Splitting the input anywhere must not change anything. */
	err = read_all(&bytewise, text, len, 1);
	ck_assert_str_eq(cw_buf_cstr(&bytewise), cw_buf_cstr(&whole));
	ck_assert_int_eq(err != 0, cases[_i].fatal);
	cw_buf_dispose(&whole);
	cw_buf_dispose(&bytewise);
}
END_TEST

START_TEST(limits_are_fatal)
{
	char long_field[100], many[64];
	cw_buf out = CW_BUF_INIT(4096);

	memset(long_field, 'x', sizeof(long_field));
	ck_assert_int_eq(read_all(&out, long_field, sizeof(long_field), 7),
	                 CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(out.data, "!csv.field_too_long@1:"));
	cw_buf_clear(&out);
	snprintf(many, sizeof(many), "1,2,3,4,5,6,7,8,9\n");
	ck_assert_int_eq(read_all(&out, many, strlen(many), 0), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(out.data, "!csv.too_many_fields"));
	cw_buf_dispose(&out);
}
END_TEST

static int stop_at_second(const cw_csv_record *r, void *payload)
{
	(void)payload;
	return r->line == 2 ? 42 : 0;
}

START_TEST(callback_can_stop)
{
	cw_csv *csv = NULL;

	ck_assert_int_eq(cw_csv_new(&csv, &limits, stop_at_second, NULL, NULL),
	                 0);
	ck_assert_int_eq(cw_csv_feed(csv, "a\nb\nc\n", 6), 42);
	ck_assert_uint_eq(cw_csv_records(csv), 2);
	cw_csv_free(csv);
}
END_TEST

START_TEST(columns_count_characters)
{
	cw_buf out = CW_BUF_INIT(4096);
	/* "é" is two bytes but one column: the bare quote is at column 3. */
	const char *text = "\xC3\xA9x\"\n";

	read_all(&out, text, strlen(text), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "!csv.bare_quote@1:3"));
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(utf8_validation)
{
	ck_assert(cw_utf8_valid("plain", 5));
	ck_assert(cw_utf8_valid("\xE2\x82\xAC", 3));
	ck_assert(cw_utf8_valid("\xF0\x9F\x98\x80", 4));
	ck_assert(!cw_utf8_valid("\xC0\xAF", 2));         /* overlong */
	ck_assert(!cw_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
	ck_assert(!cw_utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
	ck_assert(!cw_utf8_valid("\xE2\x82", 2));         /* truncated */
	ck_assert(!cw_utf8_valid("\xFF", 1));
}
END_TEST

Suite *suite_csv(void)
{
	Suite *s = suite_create("util/csv");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, limits_are_fatal);
	tcase_add_test(tc, callback_can_stop);
	tcase_add_test(tc, columns_count_characters);
	tcase_add_test(tc, utf8_validation);
	suite_add_tcase(s, tc);
	return s;
}
