/* IANA time zones read from TZif files (RFC 8536), so schedules are evaluated
 * in a tenant's zone without touching the process-wide TZ. */
#ifndef CW_UTIL_TZ_H
#define CW_UTIL_TZ_H

#include <stddef.h>
#include <stdint.h>

#define CW_TZ_NAME_MAX 63
/* Where cw_tz_load looks for zone files. */
#define CW_TZ_DIR "/usr/share/zoneinfo"

typedef struct cw_tz cw_tz;

/**
 * Parses a TZif file (version 1, 2, 3 or 4; the 64-bit data when present,
 * and the POSIX TZ footer for times after the last transition).
 * @return 0, or CW_EINVAL (message set) when buf is not such a file
 */
int cw_tz_parse(cw_tz **out, const char *buf, size_t len);

/**
 * The zone named name: "UTC" (always there), or CW_TZ_DIR/NAME.
 * CW_EINVAL when the name is not a zone name (letters, digits, "/_+-",
 * no "..") or CW_ENOTFOUND when there is no such zone file.
 */
int cw_tz_load(cw_tz **out, const char *name);

/** 1 when name has the shape of an IANA zone name ("America/Chicago"). */
int cw_tz_name_valid(const char *name);

void cw_tz_free(cw_tz *tz);

/** Seconds east of UTC in effect at utc_s (Unix seconds). */
int32_t cw_tz_offset(const cw_tz *tz, int64_t utc_s);

/**
 * The instants (Unix seconds, ascending) whose local wall time is local_s
 * (a wall time counted as if it were UTC): 0 in a gap (a skipped hour), 2
 * in an overlap (a repeated hour), else 1.
 */
int cw_tz_from_local(const cw_tz *tz, int64_t local_s, int64_t out[2]);

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
int64_t cw_days_from_civil(int64_t year, int month, int day);
/** The date of a day number (the inverse of cw_days_from_civil). */
void cw_civil_from_days(int64_t days, int64_t *year, int *month, int *day);
/** 0 Sunday … 6 Saturday. */
int cw_weekday_from_days(int64_t days);
/** 28 to 31. */
int cw_days_in_month(int64_t year, int month);

#endif
