/* Cron schedules: parsing (and its errors), the next firing in a zone across
 * both DST transitions, the day-of-month / day-of-week rule, blackouts. */
#include "engine/cron.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <check.h>
#include <string.h>

Suite *suite_cron(void);

static int64_t at(const char *iso)
{
	int64_t ms = 0;
	ck_assert_int_eq(cw_time_parse_iso(iso, &ms), 0);
	return ms / 1000;
}

static const struct {
	const char *expr, *zone, *after, *next;
} next_cases[] = {
	/* spring forward in New York: 02:30 does not exist on 2027-03-14 */
	{ "30 2 * * *", "America/New_York", "2027-03-13T08:00:00Z",
	  "2027-03-15T06:30:00Z" },
	{ "0 * * * *", "America/New_York", "2027-03-14T06:30:00Z",
	  "2027-03-14T07:00:00Z" },
	{ "0 3 * * *", "America/New_York", "2027-03-14T06:00:00Z",
	  "2027-03-14T07:00:00Z" },
	/* fall back: 01:30 happens twice on 2027-11-07 and fires once */
	{ "30 1 * * *", "America/New_York", "2027-11-06T06:00:00Z",
	  "2027-11-07T05:30:00Z" },
	{ "30 1 * * *", "America/New_York", "2027-11-07T05:30:00Z",
	  "2027-11-08T06:30:00Z" },
	{ "*/30 * * * *", "America/New_York", "2027-11-07T05:45:00Z",
	  "2027-11-07T07:00:00Z" },
	{ "0 2 * * *", "America/Chicago", "2027-01-10T00:00:00Z",
	  "2027-01-10T08:00:00Z" },
	{ "0 2 * * *", "America/Chicago", "2027-07-10T00:00:00Z",
	  "2027-07-10T07:00:00Z" },
	/* the southern hemisphere: Sydney falls back on 2027-04-04 */
	{ "30 2 * * *", "Australia/Sydney", "2027-04-03T12:00:00Z",
	  "2027-04-03T15:30:00Z" },
	{ "30 2 * * *", "Australia/Sydney", "2027-04-03T15:30:00Z",
	  "2027-04-04T16:30:00Z" },
	{ "*/15 9-17 * * mon-fri", "UTC", "2027-01-08T17:50:00Z",
	  "2027-01-11T09:00:00Z" },
	/* both day fields restricted: either matches (Friday the 8th) */
	{ "0 0 13 * fri", "UTC", "2027-01-01T00:00:00Z",
	  "2027-01-08T00:00:00Z" },
	{ "0 0 13 * *", "UTC", "2027-01-01T00:00:00Z", "2027-01-13T00:00:00Z" },
	{ "0 0 * * 5", "UTC", "2027-01-01T00:00:00Z", "2027-01-08T00:00:00Z" },
	/* day-of-month written with *: both must match (Monday the 11th) */
	{ "0 0 */10 * mon", "UTC", "2027-01-01T00:00:00Z",
	  "2027-01-11T00:00:00Z" },
	{ "@weekly", "UTC", "2027-01-01T00:00:00Z", "2027-01-03T00:00:00Z" },
	{ "@hourly", "UTC", "2027-01-01T00:00:00Z", "2027-01-01T01:00:00Z" },
	{ "@daily", "America/Chicago", "2027-01-01T12:00:00Z",
	  "2027-01-02T06:00:00Z" },
	{ "0 0 * * 7", "UTC", "2027-01-01T00:00:00Z", "2027-01-03T00:00:00Z" },
	{ "0 12 1 jan,JUL *", "UTC", "2027-02-01T00:00:00Z",
	  "2027-07-01T12:00:00Z" },
	{ "5/20 * * * *", "UTC", "2027-01-01T00:06:00Z",
	  "2027-01-01T00:25:00Z" },
	{ "0 0 29 2 *", "UTC", "2027-01-01T00:00:00Z", "2028-02-29T00:00:00Z" },
	{ "1-3,10 0 1 1 *", "UTC", "2027-01-01T00:02:00Z",
	  "2027-01-01T00:03:00Z" },
	/* a leading seconds field */
	{ "*/5 * * * * *", "UTC", "2027-01-01T00:00:03Z",
	  "2027-01-01T00:00:05Z" },
	{ "30 0 0 * * *", "UTC", "2027-01-01T00:00:30Z",
	  "2027-01-02T00:00:30Z" },
};

START_TEST(next_firing)
{
	cw_cron cron;
	cw_tz *tz = NULL;
	int64_t next = 0;
	char got[CW_TIME_ISO_LEN];

	ck_assert_msg(cw_cron_parse(&cron, next_cases[_i].expr) == 0, "%s: %s",
	              next_cases[_i].expr, cw_error_last());
	ck_assert_msg(cw_tz_load(&tz, next_cases[_i].zone) == 0, "%s",
	              cw_error_last());
	ck_assert_int_eq(
	        cw_cron_next(&next, &cron, tz, at(next_cases[_i].after)), 0);
	cw_time_format_iso(next * 1000, got);
	ck_assert_msg(next == at(next_cases[_i].next),
	              "%s in %s after %s: got %s, expected %s",
	              next_cases[_i].expr, next_cases[_i].zone,
	              next_cases[_i].after, got, next_cases[_i].next);
	cw_tz_free(tz);
}
END_TEST

/* Every firing of an hourly schedule over both New York transitions:
 * 23 firings on the short day, 24 (not 25) on the long one. */
START_TEST(fires_once_per_local_time)
{
	static const struct {
		const char *from, *to;
		int firings;
	} days[] = { { "2027-03-14T05:00:00Z", "2027-03-15T04:00:00Z", 23 },
		     { "2027-11-07T04:00:00Z", "2027-11-08T05:00:00Z", 24 } };
	cw_cron cron;
	cw_tz *tz = NULL;
	ck_assert_int_eq(cw_cron_parse(&cron, "0 * * * *"), 0);
	ck_assert_int_eq(cw_tz_load(&tz, "America/New_York"), 0);
	for (int d = 0; d < 2; d++) {
		int64_t t = at(days[d].from) - 1, end = at(days[d].to);
		int n = 0;
		while (cw_cron_next(&t, &cron, tz, t) == 0 && t < end)
			n++;
		ck_assert_int_eq(n, days[d].firings);
	}
	cw_tz_free(tz);
}
END_TEST

START_TEST(never_fires)
{
	cw_cron cron;
	cw_tz *tz = NULL;
	int64_t next;
	ck_assert_int_eq(cw_cron_parse(&cron, "0 0 30 2 *"), 0);
	ck_assert_int_eq(cw_tz_load(&tz, "UTC"), 0);
	ck_assert_int_eq(cw_cron_next(&next, &cron, tz, at("2027-01-01")),
	                 CW_ENOTFOUND);
	cw_tz_free(tz);
}
END_TEST

static const struct {
	const char *expr, *message;
} bad_cases[] = {
	{ "60 * * * *", "field 1 (minute): \"60\": expected *, N, N-M or a "
	                "step /S, with N and M 0 to 59" },
	{ "* 24 * * *", "field 2 (hour): \"24\"" },
	{ "* * 0 * *", "field 3 (day-of-month): \"0\"" },
	{ "* * * foo *", "field 4 (month): \"foo\": expected *, N, N-M or a "
	                 "step /S, with N and M 1 to 12 or a name" },
	{ "* * * * 8", "field 5 (day-of-week): \"8\"" },
	{ "* * * * sun-xyz", "field 5 (day-of-week): \"sun-xyz\"" },
	{ "*/0 * * * *", "field 1 (minute): \"*/0\": the step after /" },
	{ "5-1 * * * *", "field 1 (minute): \"5-1\": a range must not run "
	                 "backwards" },
	{ "1,,2 * * * *", "field 1 (minute): \"1,,2\": an empty list" },
	{ "1, * * * *", "field 1 (minute)" },
	{ "* * * *", "expected 5 fields (minute hour day-of-month month "
	             "day-of-week) or 6 with seconds first, got 4" },
	{ "* * * * * * *", "got more" },
	{ "", "got 0" },
	{ "61 * * * * *", "field 1 (second): \"61\"" },
	{ "0 60 * * * *", "field 2 (minute): \"60\"" },
	{ "@reboot", "\"@reboot\": expected @hourly, @daily" },
	{ "1.5 * * * *", "field 1 (minute): \"1.5\"" },
};

START_TEST(bad_expressions)
{
	cw_cron cron;
	ck_assert_int_eq(cw_cron_parse(&cron, bad_cases[_i].expr), CW_EINVAL);
	ck_assert_msg(strstr(cw_error_last(), bad_cases[_i].message) != NULL,
	              "\"%s\": got \"%s\", expected \"%s\"", bad_cases[_i].expr,
	              cw_error_last(), bad_cases[_i].message);
}
END_TEST

START_TEST(blackouts)
{
	cw_blackout ranges[CW_BLACKOUTS_MAX];
	size_t count = 0;
	cw_cron cron;
	cw_tz *tz = NULL;
	int64_t next = 0;
	ck_assert_int_eq(cw_tz_load(&tz, "America/New_York"), 0);
	ck_assert_int_eq(
	        cw_blackouts_parse(ranges, &count,
	                           "2027-06-15..2027-08-20,2027-12-25"),
	        0);
	ck_assert_uint_eq(count, 2);
	/* dates are the tenant's: 00:30 EDT on the 15th is in, 23:30 on the
	 * 14th is not */
	ck_assert(cw_blackout_covers(ranges, count, tz,
	                             at("2027-06-15T04:30:00Z")));
	ck_assert(!cw_blackout_covers(ranges, count, tz,
	                              at("2027-06-15T03:30:00Z")));
	ck_assert(cw_blackout_covers(ranges, count, tz,
	                             at("2027-08-21T03:59:00Z")));
	ck_assert(!cw_blackout_covers(ranges, count, tz,
	                              at("2027-08-21T04:00:00Z")));
	ck_assert(cw_blackout_covers(ranges, count, tz,
	                             at("2027-12-25T12:00:00Z")));
	ck_assert_int_eq(cw_cron_parse(&cron, "0 2 * * *"), 0);
	ck_assert_int_eq(cw_cron_next_open(&next, &cron, tz, ranges, count,
	                                   at("2027-06-14T12:00:00Z")),
	                 0);
	ck_assert_int_eq(next, at("2027-08-21T06:00:00Z"));
	ck_assert_int_eq(cw_cron_next_open(&next, &cron, tz, ranges, count,
	                                   at("2027-12-24T12:00:00Z")),
	                 0);
	ck_assert_int_eq(next, at("2027-12-26T07:00:00Z"));
	/* a per-second schedule crosses a long blackout quickly too */
	ck_assert_int_eq(cw_cron_parse(&cron, "* * * * * *"), 0);
	ck_assert_int_eq(cw_cron_next_open(&next, &cron, tz, ranges, count,
	                                   at("2027-06-15T12:00:00Z")),
	                 0);
	ck_assert_int_eq(next, at("2027-08-21T04:00:00Z"));
	cw_tz_free(tz);
}
END_TEST

START_TEST(bad_blackouts)
{
	static const char *const bad[] = {
		"2027-02-30..2027-03-01",  "2027-08-20..2027-06-15",
		"2027-6-1..2027-07-01",    "2027-06-01..",
		"2027-06-01...2027-07-01", "summer"
	};
	cw_blackout b;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(cw_blackout_parse(&b, bad[i]), CW_EINVAL);
		ck_assert_ptr_nonnull(strstr(cw_error_last(), "blackout"));
	}
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "YYYY-MM-DD"));
	ck_assert_int_eq(cw_blackout_parse(&b, "2027-08-20..2027-06-15"),
	                 CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "first date is after"));
}
END_TEST

Suite *suite_cron(void)
{
	Suite *s = suite_create("cron");
	TCase *c = tcase_create("cron");
	tcase_add_loop_test(c, next_firing, 0,
	                    sizeof(next_cases) / sizeof(next_cases[0]));
	tcase_add_test(c, fires_once_per_local_time);
	tcase_add_test(c, never_fires);
	tcase_add_loop_test(c, bad_expressions, 0,
	                    sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(c, blackouts);
	tcase_add_test(c, bad_blackouts);
	suite_add_tcase(s, c);
	return s;
}
