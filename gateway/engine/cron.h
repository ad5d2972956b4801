/* Cron schedules of sync connections: five fields (minute hour day-of-month
 * month day-of-week) or six with a leading seconds field, evaluated in a
 * time zone, and blackout date ranges in which nothing fires. */
#ifndef CW_ENGINE_CRON_H
#define CW_ENGINE_CRON_H

#include "util/tz.h"

#include <stddef.h>
#include <stdint.h>

#define CW_CRON_MAX_LEN      256
#define CW_BLACKOUTS_MAX     32
#define CW_BLACKOUT_TEXT_MAX (CW_BLACKOUTS_MAX * 23)

typedef struct {
	uint64_t seconds, minutes; /* bit n: n matches */
	uint32_t hours, days;      /* days: bits 1-31 */
	uint16_t months;           /* bits 1-12 */
	uint8_t weekdays;          /* bit 0 Sunday … 6 Saturday */
	/* The day fields written as "*…": cron's rule is that when both are
	 * restricted a day matches either, else both must. */
	int days_star, weekdays_star;
	int has_seconds;
} cw_cron;

/**
 * Parses "MIN HOUR DOM MON DOW" or "SEC MIN HOUR DOM MON DOW": each field a
 * list of "*", N, N-M, each with an optional step "/S" (N/S: N to the end,
 * every S); month and
 * weekday names (jan, mon …); weekday 7 is Sunday. Also @hourly, @daily
 * (@midnight), @weekly, @monthly, @yearly (@annually).
 * @return 0, or CW_EINVAL with a message naming the field and what it
 * expected
 */
int cw_cron_parse(cw_cron *out, const char *expr);

/**
 * The first firing strictly after after_s (Unix seconds), in zone tz: a
 * local time the zone skips (spring forward) does not fire; one it repeats
 * (fall back) fires once, at its first occurrence. CW_ENOTFOUND when none
 * comes within five years ("0 0 30 2 *").
 */
int cw_cron_next(int64_t *out, const cw_cron *cron, const cw_tz *tz,
                 int64_t after_s);

/** Inclusive ranges of local dates, as day numbers (cw_days_from_civil). */
typedef struct {
	int64_t first, last;
} cw_blackout;

/**
 * Parses "YYYY-MM-DD..YYYY-MM-DD" (one day: "YYYY-MM-DD"), first not after
 * last. CW_EINVAL with a message otherwise.
 */
int cw_blackout_parse(cw_blackout *out, const char *text);

/**
 * Parses a comma-separated list of ranges (as stored; "" or NULL: none)
 * into out (CW_BLACKOUTS_MAX of them); *count how many.
 */
int cw_blackouts_parse(cw_blackout *out, size_t *count, const char *text);

/** 1 when the local date of utc_s in tz falls in one of the ranges. */
int cw_blackout_covers(const cw_blackout *ranges, size_t count, const cw_tz *tz,
                       int64_t utc_s);

/**
 * The first firing after after_s that no blackout covers (cw_cron_next,
 * skipping the ranges).
 */
int cw_cron_next_open(int64_t *out, const cw_cron *cron, const cw_tz *tz,
                      const cw_blackout *ranges, size_t count, int64_t after_s);

#endif
