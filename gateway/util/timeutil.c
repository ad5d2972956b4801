/* Time helpers. */
#include "util/timeutil.h"

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
