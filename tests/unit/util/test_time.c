/* ISO 8601 formatting. */
#include "util/timeutil.h"

#include <check.h>

Suite *suite_time(void);

START_TEST(formats_utc_with_millis)
{
	char text[CW_TIME_ISO_LEN];

	cw_time_format_iso(0, text);
	ck_assert_str_eq(text, "1970-01-01T00:00:00.000Z");
	cw_time_format_iso(1795000000123LL, text);
	ck_assert_str_eq(text, "2026-11-18T11:06:40.123Z");
	cw_time_format_iso(-1, text);
	ck_assert_str_eq(text, "1969-12-31T23:59:59.999Z");
}
END_TEST

START_TEST(parses_what_it_formats)
{
	char text[CW_TIME_ISO_LEN];
	int64_t ms = 0;

	ck_assert_int_eq(cw_time_parse_iso("2026-11-18T11:06:40.123Z", &ms), 0);
	ck_assert_int_eq(ms, 1795000000123LL);
	ck_assert_int_eq(cw_time_parse_iso("1969-12-31T23:59:59.999Z", &ms), 0);
	ck_assert_int_eq(ms, -1);
	ck_assert_int_eq(cw_time_parse_iso("2024-02-29", &ms), 0);
	cw_time_format_iso(ms, text);
	ck_assert_str_eq(text, "2024-02-29T00:00:00.000Z");
	/* no zone reads as UTC; an offset moves it; extra digits truncate */
	ck_assert_int_eq(cw_time_parse_iso("2026-11-18T11:06:40", &ms), 0);
	ck_assert_int_eq(ms, 1795000000000LL);
	ck_assert_int_eq(cw_time_parse_iso("2026-11-18T12:36:40.5+01:30", &ms),
	                 0);
	ck_assert_int_eq(ms, 1795000000500LL);
	ck_assert_int_eq(cw_time_parse_iso("2026-11-18T11:06:40.1239Z", &ms),
	                 0);
	ck_assert_int_eq(ms, 1795000000123LL);
}
END_TEST

START_TEST(rejects_what_is_not_a_time)
{
	static const char *const bad[] = {
		"",
		"2026",
		"2026-13-01",
		"2023-02-29",
		"2026-11-18T",
		"2026-11-18T24:00:00Z",
		"2026-11-18 11:06:40Z",
		"2026-11-18T11:06:40.Z",
		"2026-11-18T11:06:40Zjunk",
		"2026-11-18T11:06:40+0100",
	};
	int64_t ms = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cw_time_parse_iso(bad[i], &ms) < 0, "%s", bad[i]);
	ck_assert_int_eq(ms, 42);
}
END_TEST

START_TEST(clocks_move_forward)
{
	int64_t a = cw_time_mono_us(), b = cw_time_mono_us();

	ck_assert_int_ge(b, a);
	ck_assert_int_gt(cw_time_now_ms(), 1700000000000LL);
}
END_TEST

Suite *suite_time(void)
{
	Suite *s = suite_create("util/time");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, formats_utc_with_millis);
	tcase_add_test(tc, parses_what_it_formats);
	tcase_add_test(tc, rejects_what_is_not_a_time);
	tcase_add_test(tc, clocks_move_forward);
	suite_add_tcase(s, tc);
	return s;
}
