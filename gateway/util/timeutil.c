/* Time helpers. */
#include "util/timeutil.h"

#include "util/error.h"

#include <stdio.h>
#include <time.h>

int64_t cw_time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t cw_time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t cw_time_mono_ms(void)
{
	return cw_time_mono_us() / 1000;
}

void cw_time_format_iso(int64_t epoch_ms, char out[CW_TIME_ISO_LEN])
{
	time_t secs = (time_t)(epoch_ms / 1000);
	int millis = (int)(epoch_ms % 1000);
	struct tm tm;

	if (millis < 0) {
		millis += 1000;
		secs -= 1;
	}
	if (!gmtime_r(&secs, &tm)) {
		snprintf(out, CW_TIME_ISO_LEN, "1970-01-01T00:00:00.000Z");
		return;
	}
	/* The moduli bound every field, so the text always fits. */
	snprintf(out, CW_TIME_ISO_LEN, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
	         (unsigned)(tm.tm_year + 1900) % 10000u,
	         (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
	         (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
	         (unsigned)tm.tm_sec % 100u, (unsigned)millis % 1000u);
}

static int digits(const char **s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*s)++) {
		if (**s < '0' || **s > '9')
			return 0;
		v = v * 10 + (**s - '0');
	}
	*out = v;
	return 1;
}

static int expect(const char **s, char c)
{
	if (**s != c)
		return 0;
	(*s)++;
	return 1;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
		                    31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

int cw_time_parse_iso(const char *s, int64_t *epoch_ms)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, zone = 0;

	if (!digits(&s, 4, &y) || !expect(&s, '-') || !digits(&s, 2, &mo) ||
	    !expect(&s, '-') || !digits(&s, 2, &d) || mo < 1 || mo > 12 ||
	    d < 1 || d > month_days(y, mo))
		return CW_EINVAL;
	if (*s == 'T') {
		s++;
		if (!digits(&s, 2, &h) || !expect(&s, ':') ||
		    !digits(&s, 2, &mi) || !expect(&s, ':') ||
		    !digits(&s, 2, &sec) || h > 23 || mi > 59 || sec > 60)
			return CW_EINVAL;
		if (*s == '.') {
			int scale = 100;

			if (*++s < '0' || *s > '9')
				return CW_EINVAL;
			for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
				ms += (*s - '0') * scale;
		}
		if (*s == 'Z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			int sign = *s++ == '-' ? -1 : 1, zh, zm;

			if (!digits(&s, 2, &zh) || !expect(&s, ':') ||
			    !digits(&s, 2, &zm) || zh > 23 || zm > 59)
				return CW_EINVAL;
			zone = sign * (zh * 60 + zm);
		}
	}
	if (*s)
		return CW_EINVAL;
	*epoch_ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	              sec - zone * 60) *
	             1000) +
	            ms;
	return 0;
}
