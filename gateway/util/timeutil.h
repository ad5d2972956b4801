/* Wall-clock and monotonic time, and ISO 8601 / RFC 3339 formatting. */
#ifndef CW_UTIL_TIMEUTIL_H
#define CW_UTIL_TIMEUTIL_H

#include <stdint.h>

#define CW_TIME_ISO_LEN 32

/** Milliseconds since the Unix epoch. */
int64_t cw_time_now_ms(void);
/** Monotonic milliseconds, for durations and deadlines. */
int64_t cw_time_mono_ms(void);
/** Monotonic microseconds. */
int64_t cw_time_mono_us(void);
/** Formats epoch milliseconds as "2026-01-02T03:04:05.678Z". */
void cw_time_format_iso(int64_t epoch_ms, char out[CW_TIME_ISO_LEN]);
/**
 * Parses "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDThh:mm:ss[.f…]" with "Z",
 * "±hh:mm" or no zone (read as UTC) into epoch milliseconds.
 * @return 0, or CW_EINVAL when s is not such a time
 */
int cw_time_parse_iso(const char *s, int64_t *epoch_ms);

#endif
