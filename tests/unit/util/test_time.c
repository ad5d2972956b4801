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
	tcase_add_test(tc, clocks_move_forward);
	suite_add_tcase(s, tc);
	return s;
}
