/* TZif reading and UTC/local conversions; the POSIX TZ footer covers times
 * past the file's last transition (slim zone files end in 2007). */
#include "util/tz.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZIF_MAX_BYTES   (1L << 20)
#define TZIF_MAX_COUNT   100000
#define TZIF_HEADER_SIZE 44

typedef struct {
	int month, week, day; /* Mm.w.d: week 5 is the last */
	int32_t time;         /* seconds after local midnight */
} rule;

typedef struct {
	int present; /* the footer gave a zone */
	int32_t std_utoff, dst_utoff;
	int has_dst;
	rule start, end;
} posix_zone;

struct cw_tz {
	size_t count;      /* transitions */
	int64_t *times;    /* ascending */
	int32_t *utoff_at; /* the offset from each transition on */
	int32_t first_utoff;
	posix_zone footer;
};

int64_t cw_days_from_civil(int64_t year, int month, int day)
{
	int64_t y = month <= 2 ? year - 1 : year;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void cw_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

int cw_weekday_from_days(int64_t days)
{
	int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */
	return (int)(w < 0 ? w + 7 : w);
}

int cw_days_in_month(int64_t year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
		                    31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* ---- the POSIX TZ footer ("EST5EDT,M3.2.0,M11.1.0") ---------------------- */

static const char *skip_name(const char *p)
{
	if (*p == '<') {
		const char *end = strchr(p, '>');
		return end ? end + 1 : NULL;
	}
	const char *start = p;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - start >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] in seconds; NULL when malformed. */
static const char *parse_hms(const char *p, int32_t *out)
{
	int sign = 1, part = 0;
	int32_t total = 0;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (; part < 3; part++) {
		int v = 0, digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 3) {
			v = v * 10 + (*p++ - '0');
			digits++;
		}
		if (!digits)
			return NULL;
		total += v * (part == 0 ? 3600 : part == 1 ? 60 : 1);
		if (*p != ':')
			break;
		p++;
	}
	*out = sign * total;
	return p;
}

static const char *parse_rule(const char *p, rule *r)
{
	char *end;
	if (*p++ != 'M')
		return NULL; /* Jn and n forms: not used by tzdata zones */
	r->month = (int)strtol(p, &end, 10);
	if (end == p || *end != '.')
		return NULL;
	r->week = (int)strtol(p = end + 1, &end, 10);
	if (end == p || *end != '.')
		return NULL;
	r->day = (int)strtol(p = end + 1, &end, 10);
	if (end == p || r->month < 1 || r->month > 12 || r->week < 1 ||
	    r->week > 5 || r->day < 0 || r->day > 6)
		return NULL;
	r->time = 7200;
	p = end;
	if (*p == '/')
		p = parse_hms(p + 1, &r->time);
	return p;
}

static int parse_footer(posix_zone *z, const char *p)
{
	int32_t off;
	memset(z, 0, sizeof(*z));
	if (!(p = skip_name(p)) || !(p = parse_hms(p, &off)))
		return CW_EINVAL;
	z->std_utoff = z->dst_utoff = -off;
	z->present = 1;
	if (!*p)
		return 0;
	if (!(p = skip_name(p)))
		return CW_EINVAL;
	z->dst_utoff = z->std_utoff + 3600;
	if (*p && *p != ',') {
		if (!(p = parse_hms(p, &off)))
			return CW_EINVAL;
		z->dst_utoff = -off;
	}
	if (*p++ != ',' || !(p = parse_rule(p, &z->start)) || *p++ != ',' ||
	    !(p = parse_rule(p, &z->end)) || *p)
		return CW_EINVAL;
	z->has_dst = 1;
	return 0;
}

/* When rule r falls in year, as local seconds counted like UTC. */
static int64_t rule_local(const rule *r, int64_t year)
{
	int64_t first = cw_days_from_civil(year, r->month, 1);
	int day = 1 + (r->day - cw_weekday_from_days(first) + 7) % 7 +
	          (r->week - 1) * 7;
	if (day > cw_days_in_month(year, r->month))
		day -= 7;
	return (first + day - 1) * 86400 + r->time;
}

static int32_t footer_offset(const posix_zone *z, int64_t t)
{
	int64_t year;
	int month, day;
	if (!z->has_dst)
		return z->std_utoff;
	int64_t local = t + z->std_utoff;
	cw_civil_from_days(local / 86400 - (local % 86400 < 0), &year, &month,
	                   &day);
	int64_t start = rule_local(&z->start, year) - z->std_utoff;
	int64_t end = rule_local(&z->end, year) - z->dst_utoff;
	int dst = start < end ? (t >= start && t < end)
	                      : !(t >= end && t < start);
	return dst ? z->dst_utoff : z->std_utoff;
}

/* ---- TZif ---------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct {
	uint32_t isut, isstd, leap, time, type, chars;
} counts;

static int read_header(counts *c, const unsigned char *p, size_t left)
{
	if (left < TZIF_HEADER_SIZE || memcmp(p, "TZif", 4) != 0) {
		cw_error_set("not a TZif file (no TZif header)");
		return CW_EINVAL;
	}
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	if (c->time > TZIF_MAX_COUNT || c->type == 0 || c->type > 256 ||
	    c->leap > TZIF_MAX_COUNT || c->chars > 65536 || c->isut > c->type ||
	    c->isstd > c->type) {
		cw_error_set("TZif header counts out of range");
		return CW_EINVAL;
	}
	return 0;
}

static size_t block_size(const counts *c, size_t time_size)
{
	return c->time * time_size + c->time + c->type * 6 + c->chars +
	       c->leap * (time_size + 4) + c->isstd + c->isut;
}

/* Reads one data block (time_size 4 or 8) at p into tz. */
static int read_block(cw_tz *tz, const counts *c, const unsigned char *p,
                      size_t time_size)
{
	const unsigned char *idx = p + c->time * time_size;
	const unsigned char *types = idx + c->time;
	tz->count = c->time;
	tz->times = cw_calloc(c->time + 1, sizeof(int64_t));
	tz->utoff_at = cw_calloc(c->time + 1, sizeof(int32_t));
	if (!tz->times || !tz->utoff_at)
		return CW_ENOMEM;
	tz->first_utoff = (int32_t)be32(types);
	for (size_t i = 0; i < c->time; i++) {
		tz->times[i] = time_size == 8
		                       ? be64(p + i * 8)
		                       : (int64_t)(int32_t)be32(p + i * 4);
		if (idx[i] >= c->type ||
		    (i && tz->times[i] <= tz->times[i - 1])) {
			cw_error_set("TZif transition %zu is out of order or "
			             "names no type",
			             i);
			return CW_EINVAL;
		}
		tz->utoff_at[i] = (int32_t)be32(types + idx[i] * 6);
	}
	return 0;
}

int cw_tz_parse(cw_tz **out, const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	cw_tz *tz = cw_calloc(1, sizeof(*tz));
	counts c;
	size_t size;
	int err;
	*out = NULL;
	if (!tz)
		return CW_ENOMEM;
	if ((err = read_header(&c, p, len)) < 0)
		goto out;
	size = TZIF_HEADER_SIZE + block_size(&c, 4);
	if (size > len) {
		cw_error_set("TZif file truncated");
		err = CW_EINVAL;
		goto out;
	}
	if (p[4] < '2') {
		err = read_block(tz, &c, p + TZIF_HEADER_SIZE, 4);
		goto out;
	}
	p += size;
	len -= size;
	if ((err = read_header(&c, p, len)) < 0)
		goto out;
	size = TZIF_HEADER_SIZE + block_size(&c, 8);
	if (size > len) {
		cw_error_set("TZif file truncated");
		err = CW_EINVAL;
		goto out;
	}
	if ((err = read_block(tz, &c, p + TZIF_HEADER_SIZE, 8)) < 0)
		goto out;
	p += size;
	len -= size;
	if (len >= 2 && p[0] == '\n') {
		char footer[128];
		const unsigned char *nl = memchr(p + 1, '\n', len - 1);
		size_t n = nl ? (size_t)(nl - p - 1) : 0;
		if (n > 0 && n < sizeof(footer)) {
			memcpy(footer, p + 1, n);
			footer[n] = '\0';
			if (parse_footer(&tz->footer, footer) < 0)
				tz->footer.present = 0; /* last type goes on */
		}
	}
out:
	if (err < 0)
		cw_tz_free(tz);
	else
		*out = tz;
	return err;
}

int cw_tz_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > CW_TZ_NAME_MAX || name[0] == '/' ||
	    name[n - 1] == '/' || strstr(name, "..") || strstr(name, "//"))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
		            "YZ"
		            "0123456789/_+-",
		            name[i]))
			return 0;
	return 1;
}

int cw_tz_load(cw_tz **out, const char *name)
{
	char path[256], *data = NULL;
	size_t len = 0;
	int err;
	*out = NULL;
	if (strcmp(name, "UTC") == 0) {
		*out = cw_calloc(1, sizeof(cw_tz));
		return *out ? 0 : CW_ENOMEM;
	}
	if (!cw_tz_name_valid(name)) {
		cw_error_set("\"%s\" is not a time zone name (like "
		             "America/Chicago)",
		             name);
		return CW_EINVAL;
	}
	snprintf(path, sizeof(path), "%s/%s", CW_TZ_DIR, name);
	err = cw_file_read(&data, &len, path, TZIF_MAX_BYTES);
	if (err == CW_ENOTFOUND || err == CW_EIO) {
		cw_error_set("no time zone %s (no file %s; is tzdata "
		             "installed?)",
		             name, path);
		err = CW_ENOTFOUND;
	}
	if (err == 0 && (err = cw_tz_parse(out, data, len)) < 0) {
		char why[200];
		snprintf(why, sizeof(why), "%s", cw_error_last());
		cw_error_set("time zone %s: %s", name, why);
	}
	cw_free(data);
	return err;
}

void cw_tz_free(cw_tz *tz)
{
	if (!tz)
		return;
	cw_free(tz->times);
	cw_free(tz->utoff_at);
	cw_free(tz);
}

int32_t cw_tz_offset(const cw_tz *tz, int64_t utc_s)
{
	size_t lo = 0, hi = tz->count;
	if (tz->count == 0 || utc_s < tz->times[0])
		return tz->count == 0 && tz->footer.present
		               ? footer_offset(&tz->footer, utc_s)
		               : tz->first_utoff;
	if (utc_s >= tz->times[tz->count - 1] && tz->footer.present)
		return footer_offset(&tz->footer, utc_s);
	while (hi - lo > 1) { /* the last transition at or before utc_s */
		size_t mid = lo + (hi - lo) / 2;
		if (tz->times[mid] <= utc_s)
			lo = mid;
		else
			hi = mid;
	}
	return tz->utoff_at[lo];
}

int cw_tz_from_local(const cw_tz *tz, int64_t local_s, int64_t out[2])
{
	/* Offsets change rarely: the ones in effect a day either side are
	 * the only candidates. */
	int32_t offsets[2] = { cw_tz_offset(tz, local_s - 86400),
		               cw_tz_offset(tz, local_s + 86400) };
	int n = 0;
	for (int i = 0; i < 2; i++) {
		int64_t t = local_s - offsets[i];
		if (i == 1 && offsets[1] == offsets[0])
			break;
		if (cw_tz_offset(tz, t) == offsets[i])
			out[n++] = t;
	}
	if (n == 2 && out[1] < out[0]) {
		int64_t swap = out[0];
		out[0] = out[1];
		out[1] = swap;
	}
	return n;
}
