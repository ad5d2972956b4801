/* OneRoster primitives: GUIDs, dates, date-times and their normal forms. */
#include "roster/rows.h"

#include <check.h>
#include <string.h>

Suite *suite_roster_values(void);

START_TEST(guids)
{
	ck_assert(cw_or_guid_valid("usr-1_a.b/c@d", 13));
	ck_assert(!cw_or_guid_valid("", 0));
	ck_assert(!cw_or_guid_valid("a b", 3));
	ck_assert(!cw_or_guid_valid("a:b", 3));
}
END_TEST

START_TEST(dates)
{
	ck_assert(cw_or_date_valid("2024-02-29", 10));
	ck_assert(!cw_or_date_valid("2023-02-29", 10));
	ck_assert(!cw_or_date_valid("2023-13-01", 10));
	ck_assert(!cw_or_date_valid("2023-1-01", 9));
	ck_assert(!cw_or_date_valid("2023/01/01", 10));
}
END_TEST

static const struct {
	const char *in;
	int result;
	const char *out;
} datetimes[] = {
	{ "2025-01-02T03:04:05.678Z", 1, "2025-01-02T03:04:05.678Z" },
	{ "2025-01-02T03:04:05Z", 2, "2025-01-02T03:04:05.000Z" },
	{ "2025-01-02T03:04:05", 2, "2025-01-02T03:04:05.000Z" },
	{ "2025-01-02T03:04:05.1Z", 2, "2025-01-02T03:04:05.100Z" },
	{ "2025-01-02T03:04:05.123456Z", 2, "2025-01-02T03:04:05.123Z" },
	{ "2025-01-01T01:30:00+02:00", 2, "2024-12-31T23:30:00.000Z" },
	{ "2024-02-28T23:00:00-01:30", 2, "2024-02-29T00:30:00.000Z" },
	{ "2023-05-01", 0, NULL },
	{ "2023-05-01 10:00:00Z", 0, NULL },
	{ "2023-05-01T25:00:00Z", 0, NULL },
	{ "2023-05-01T10:00:00.Z", 0, NULL },
	{ "2023-05-01T10:00:00+2:00", 0, NULL },
	{ "2023-05-01T10:00:00Zjunk", 0, NULL },
};

START_TEST(datetime_table)
{
	char out[25];
	int result = cw_or_datetime_normalize(out, datetimes[_i].in,
	                                      strlen(datetimes[_i].in));

	ck_assert_int_eq(result, datetimes[_i].result);
	if (result)
		ck_assert_str_eq(out, datetimes[_i].out);
}
END_TEST

Suite *suite_roster_values(void)
{
	Suite *s = suite_create("roster/values");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, guids);
	tcase_add_test(tc, dates);
	tcase_add_loop_test(tc, datetime_table, 0,
	                    sizeof(datetimes) / sizeof(datetimes[0]));
	suite_add_tcase(s, tc);
	return s;
}
