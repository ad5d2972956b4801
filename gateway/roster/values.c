/* OneRoster primitive values: GUIDs, dates and date-times. */
#include "roster/rows.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int cw_or_guid_valid(const char *s, size_t len)
{
	if (len == 0 || len > 255)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == '.' || c == '/' ||
		      c == '@' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
		                    31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* Parses "YYYY-MM-DD" at s (10 bytes). */
static int parse_date(const char *s, int *y, int *m, int *d)
{
	if (!digits(s, 4, y) || s[4] != '-' || !digits(s + 5, 2, m) ||
	    s[7] != '-' || !digits(s + 8, 2, d))
		return 0;
	return *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in_month(*y, *m);
}

int cw_or_date_valid(const char *s, size_t len)
{
	int y, m, d;

	return len == 10 && parse_date(s, &y, &m, &d);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int cw_or_datetime_normalize(char out[25], const char *s, size_t len)
{
	int y, mo, d, h, mi, sec, millis = 0, offset_min = 0;
	size_t i = 19;
	int64_t total;

	if (len < 19 || !parse_date(s, &y, &mo, &d) || s[10] != 'T' ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
	    s[16] != ':' || !digits(s + 17, 2, &sec) || h > 23 || mi > 59 ||
	    sec > 59)
		return 0;
	if (i < len && s[i] == '.') {
		size_t start = ++i;
		int scale = 100;

		while (i < len && s[i] >= '0' && s[i] <= '9') {
			millis += (s[i] - '0') * scale;
			scale /= 10;
			i++;
		}
		if (i == start || i - start > 9)
			return 0;
	}
	if (i < len && s[i] == 'Z') {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int oh, om, sign = s[i] == '-' ? -1 : 1;

		if (len - i != 6 || !digits(s + i + 1, 2, &oh) ||
		    s[i + 3] != ':' || !digits(s + i + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return 0;
		offset_min = sign * (oh * 60 + om);
		i += 6;
	}
	if (i != len)
		return 0;
	total = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	        offset_min * 60;
	{
		int64_t days =
		        total >= 0 ? total / 86400 : (total - 86399) / 86400;
		int64_t rest = total - days * 86400;

		civil_from_days(days, &y, &mo, &d);
		if (y < 0 || y > 9999)
			return 0;
		snprintf(out, 25, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
		         (unsigned)y, (unsigned)mo % 100u, (unsigned)d % 100u,
		         (unsigned)(rest / 3600) % 100u,
		         (unsigned)(rest / 60 % 60) % 100u,
		         (unsigned)(rest % 60) % 100u,
		         (unsigned)millis % 1000u);
	}
	return len == 24 && memcmp(out, s, 24) == 0 ? 1 : 2;
}
