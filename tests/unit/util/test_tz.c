/* Time zones from TZif data: offsets from the transitions and from the POSIX
 * footer, local times in gaps and overlaps, bad files and names. */
#include "util/tz.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <check.h>
#include <string.h>

Suite *suite_tz(void);

static int64_t at(const char *iso)
{
	int64_t ms = 0;
	ck_assert_int_eq(cw_time_parse_iso(iso, &ms), 0);
	return ms / 1000;
}

static size_t put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

/* A version 2 file with no transitions at all: everything comes from the
 * footer, as in a slim file long after its last transition. */
static size_t slim_file(unsigned char *buf, const char *footer)
{
	size_t n = 0;
	for (int part = 0; part < 2; part++) {
		memcpy(buf + n, "TZif2", 5);
		memset(buf + n + 5, 0, 15);
		n += 20;
		n += put32(buf + n, 0); /* isut */
		n += put32(buf + n, 0); /* isstd */
		n += put32(buf + n, 0); /* leap */
		n += put32(buf + n, 0); /* time */
		n += put32(buf + n, 1); /* type */
		n += put32(buf + n, 4); /* chars */
		n += put32(buf + n, (uint32_t)-18000);
		buf[n++] = 0;
		buf[n++] = 0;
		memcpy(buf + n, "EST", 4);
		n += 4;
	}
	buf[n++] = '\n';
	memcpy(buf + n, footer, strlen(footer));
	n += strlen(footer);
	buf[n++] = '\n';
	return n;
}

START_TEST(footer_rules)
{
	unsigned char buf[256];
	size_t len = slim_file(buf, "EST5EDT,M3.2.0,M11.1.0");
	cw_tz *tz = NULL;
	ck_assert_int_eq(cw_tz_parse(&tz, (const char *)buf, len), 0);
	ck_assert_int_eq(cw_tz_offset(tz, at("2027-01-15T12:00:00Z")), -18000);
	ck_assert_int_eq(cw_tz_offset(tz, at("2027-03-14T06:59:59Z")), -18000);
	ck_assert_int_eq(cw_tz_offset(tz, at("2027-03-14T07:00:00Z")), -14400);
	ck_assert_int_eq(cw_tz_offset(tz, at("2027-11-07T05:59:59Z")), -14400);
	ck_assert_int_eq(cw_tz_offset(tz, at("2027-11-07T06:00:00Z")), -18000);
	ck_assert_int_eq(cw_tz_offset(tz, at("2040-07-01T00:00:00Z")), -14400);
	cw_tz_free(tz);
}
END_TEST

START_TEST(system_zones)
{
	cw_tz *tz = NULL;
	int64_t out[2];
	ck_assert_int_eq(cw_tz_load(&tz, "America/New_York"), 0);
	ck_assert_int_eq(cw_tz_offset(tz, at("2027-07-01T00:00:00Z")), -14400);
	ck_assert_int_eq(cw_tz_offset(tz, at("2027-12-01T00:00:00Z")), -18000);
	/* 02:30 on 2027-03-14 is skipped; 01:30 on 2027-11-07 repeats */
	ck_assert_int_eq(cw_tz_from_local(tz, at("2027-03-14T02:30:00Z"), out),
	                 0);
	ck_assert_int_eq(cw_tz_from_local(tz, at("2027-11-07T01:30:00Z"), out),
	                 2);
	ck_assert_int_eq(out[0], at("2027-11-07T05:30:00Z"));
	ck_assert_int_eq(out[1], at("2027-11-07T06:30:00Z"));
	ck_assert_int_eq(cw_tz_from_local(tz, at("2027-11-07T03:00:00Z"), out),
	                 1);
	ck_assert_int_eq(out[0], at("2027-11-07T08:00:00Z"));
	cw_tz_free(tz);
	ck_assert_int_eq(cw_tz_load(&tz, "UTC"), 0);
	ck_assert_int_eq(cw_tz_offset(tz, at("2027-07-01T00:00:00Z")), 0);
	cw_tz_free(tz);
}
END_TEST

START_TEST(bad_zones)
{
	cw_tz *tz = NULL;
	ck_assert_int_eq(cw_tz_load(&tz, "../etc/passwd"), CW_EINVAL);
	ck_assert_int_eq(cw_tz_load(&tz, "/etc/passwd"), CW_EINVAL);
	ck_assert_int_eq(cw_tz_load(&tz, "Mars/Olympus_Mons"), CW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "Mars/Olympus_Mons"));
	ck_assert_int_eq(cw_tz_parse(&tz, "TZif", 4), CW_EINVAL);
	ck_assert_int_eq(
	        cw_tz_parse(&tz, "not a zone file at all, no header", 33),
	        CW_EINVAL);
	ck_assert_ptr_null(tz);
}
END_TEST

START_TEST(civil_days)
{
	int64_t y;
	int m, d;
	ck_assert_int_eq(cw_days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(cw_days_from_civil(2000, 3, 1), 11017);
	cw_civil_from_days(cw_days_from_civil(2028, 2, 29), &y, &m, &d);
	ck_assert(y == 2028 && m == 2 && d == 29);
	ck_assert_int_eq(cw_weekday_from_days(cw_days_from_civil(2027, 1, 1)),
	                 5);
	ck_assert_int_eq(cw_days_in_month(2100, 2), 28);
	ck_assert_int_eq(cw_days_in_month(2000, 2), 29);
}
END_TEST

Suite *suite_tz(void)
{
	Suite *s = suite_create("tz");
	TCase *c = tcase_create("tz");
	tcase_add_test(c, footer_rules);
	tcase_add_test(c, system_zones);
	tcase_add_test(c, bad_zones);
	tcase_add_test(c, civil_days);
	suite_add_tcase(s, c);
	return s;
}
