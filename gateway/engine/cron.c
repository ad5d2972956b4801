/* Cron parsing into bit sets, and the next firing found by walking local
 * wall time field by field, then mapping it to UTC through the zone. */
#include "engine/cron.h"

#include "util/error.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct {
	const char *name;
	int min, max;
	const char *const *names; /* names[0] is value min (or NULL) */
} field_spec;

static const char *const month_names[] = { "jan", "feb", "mar", "apr", "may",
	                                   "jun", "jul", "aug", "sep", "oct",
	                                   "nov", "dec", NULL };
static const char *const day_names[] = { "sun", "mon", "tue", "wed",
	                                 "thu", "fri", "sat", NULL };

static const field_spec fields[] = {
	{ "second", 0, 59, NULL },       { "minute", 0, 59, NULL },
	{ "hour", 0, 23, NULL },         { "day-of-month", 1, 31, NULL },
	{ "month", 1, 12, month_names }, { "day-of-week", 0, 7, day_names },
};

/* A number or a name of the field; the characters read in *used. */
static int read_value(const field_spec *f, const char *p, size_t len, int *out)
{
	int v = 0;
	size_t i = 0;
	if (len == 0)
		return CW_EINVAL;
	if (isdigit((unsigned char)p[0])) {
		for (; i < len && isdigit((unsigned char)p[i]) && v < 1000; i++)
			v = v * 10 + (p[i] - '0');
		if (i != len)
			return CW_EINVAL;
		*out = v;
		return 0;
	}
	for (int n = 0; f->names && f->names[n]; n++)
		if (len == 3 && strncasecmp(p, f->names[n], 3) == 0) {
			*out = f->min + n;
			return 0;
		}
	return CW_EINVAL;
}

static int field_error(int position, const field_spec *f, const char *what,
                       const char *p, size_t len)
{
	cw_error_set("field %d (%s): \"%.*s\": %s", position, f->name, (int)len,
	             p, what);
	return CW_EINVAL;
}

/* One element of a list: *, N, N-M, with /S; bits set in *bits. */
static int parse_element(uint64_t *bits, int position, const field_spec *f,
                         const char *p, size_t len)
{
	const char *slash = memchr(p, '/', len);
	size_t range_len = slash ? (size_t)(slash - p) : len;
	const char *dash = memchr(p, '-', range_len);
	int lo = f->min, hi = f->max, step = 1;
	char expect[96];
	snprintf(expect, sizeof(expect),
	         "expected *, N, N-M or a step /S, with N and M %d to %d%s",
	         f->min, f->max, f->names ? " or a name" : "");
	if (slash) {
		if (read_value(&(field_spec){ f->name, 1, 1000, NULL },
		               slash + 1, len - range_len - 1, &step) < 0 ||
		    step < 1 || step > f->max)
			return field_error(position, f,
			                   "the step after / must be a number "
			                   "from 1 to the field's maximum",
			                   p, len);
	}
	if (range_len == 1 && p[0] == '*') {
		/* every value */
	} else if (dash) {
		if (read_value(f, p, (size_t)(dash - p), &lo) < 0 ||
		    read_value(f, dash + 1, range_len - (size_t)(dash - p) - 1,
		               &hi) < 0)
			return field_error(position, f, expect, p, len);
	} else {
		if (read_value(f, p, range_len, &lo) < 0)
			return field_error(position, f, expect, p, len);
		if (!slash)
			hi = lo;
	}
	if (lo < f->min || hi > f->max || lo > f->max || hi < f->min)
		return field_error(position, f, expect, p, len);
	if (lo > hi)
		return field_error(position, f,
		                   "a range must not run backwards (N-M "
		                   "with N <= M)",
		                   p, len);
	for (int v = lo; v <= hi; v += step)
		*bits |= (uint64_t)1 << v;
	return 0;
}

static int parse_field(uint64_t *bits, int index, int position, const char *p,
                       size_t len)
{
	const field_spec *f = &fields[index];
	const char *whole = p;
	size_t whole_len = len;
	*bits = 0;
	while (len > 0) {
		const char *comma = memchr(p, ',', len);
		size_t n = comma ? (size_t)(comma - p) : len;
		int err;
		if (n == 0)
			return field_error(position, f,
			                   "an empty list element (two commas, "
			                   "or one at an end)",
			                   whole, whole_len);
		if ((err = parse_element(bits, position, f, p, n)) < 0)
			return err;
		if (!comma)
			break;
		len -= n + 1;
		p = comma + 1;
		if (len == 0)
			return field_error(position, f,
			                   "an empty list element (a comma at "
			                   "the end)",
			                   whole, whole_len);
	}
	return 0;
}

static const struct {
	const char *name, *expr;
} macros[] = {
	{ "@yearly", "0 0 1 1 *" },  { "@annually", "0 0 1 1 *" },
	{ "@monthly", "0 0 1 * *" }, { "@weekly", "0 0 * * 0" },
	{ "@daily", "0 0 * * *" },   { "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
};

/* Splits expr at blanks into at most 6 fields; CW_EINVAL past that. */
static int split_fields(const char *expr, const char *starts[6], size_t lens[6],
                        size_t *count)
{
	*count = 0;
	for (const char *p = expr; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*count == 6) {
			cw_error_set("\"%s\": expected 5 fields (minute hour "
			             "day-of-month month day-of-week) or 6 "
			             "with seconds first, got more",
			             expr);
			return CW_EINVAL;
		}
		starts[*count] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		lens[*count] = (size_t)(p - starts[*count]);
		(*count)++;
	}
	if (*count != 5 && *count != 6) {
		cw_error_set("\"%s\": expected 5 fields (minute hour "
		             "day-of-month month day-of-week) or 6 with "
		             "seconds first, got %zu",
		             expr, *count);
		return CW_EINVAL;
	}
	return 0;
}

static int parse_macro(cw_cron *out, const char *expr)
{
	for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (strcmp(expr, macros[i].name) == 0)
			return cw_cron_parse(out, macros[i].expr);
	cw_error_set("\"%s\": expected @hourly, @daily, @midnight, @weekly, "
	             "@monthly, @yearly or @annually",
	             expr);
	return CW_EINVAL;
}

int cw_cron_parse(cw_cron *out, const char *expr)
{
	const char *starts[6];
	size_t lens[6], count = 0;
	uint64_t bits[6];
	int err;
	memset(out, 0, sizeof(*out));
	if (strlen(expr) > CW_CRON_MAX_LEN) {
		cw_error_set("a cron expression is at most %d characters",
		             CW_CRON_MAX_LEN);
		return CW_EINVAL;
	}
	if (expr[0] == '@')
		return parse_macro(out, expr);
	if ((err = split_fields(expr, starts, lens, &count)) < 0)
		return err;
	out->has_seconds = count == 6;
	bits[0] = 1; /* second 0 */
	for (size_t i = 0; i < count; i++) {
		int index = (int)(i + (count == 5));
		if ((err = parse_field(&bits[index], index, (int)i + 1,
		                       starts[i], lens[i])) < 0)
			return err;
	}
	out->seconds = bits[0];
	out->minutes = bits[1];
	out->hours = (uint32_t)bits[2];
	out->days = (uint32_t)bits[3];
	out->months = (uint16_t)bits[4];
	out->weekdays = (uint8_t)((bits[5] | bits[5] >> 7) & 0x7f);
	out->days_star = starts[count - 3][0] == '*';
	out->weekdays_star = starts[count - 1][0] == '*';
	return 0;
}

static int day_matches(const cw_cron *c, int64_t days, int mday)
{
	int dom = (c->days >> mday) & 1;
	int dow = (c->weekdays >> cw_weekday_from_days(days)) & 1;
	if (c->days_star || c->weekdays_star)
		return dom && dow;
	return dom || dow;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The first local wall time (seconds, counted like UTC) after local that
 * matches; CW_ENOTFOUND past limit. */
static int next_local(int64_t *out, const cw_cron *c, int64_t local,
                      int64_t limit)
{
	int64_t t = c->has_seconds ? local + 1 : floor_div(local, 60) * 60 + 60;
	while (t <= limit) {
		int64_t days = floor_div(t, 86400), year;
		int64_t in_day = t - days * 86400;
		int month, mday, hour = (int)(in_day / 3600);
		int minute = (int)(in_day % 3600 / 60),
		    second = (int)(in_day % 60);
		cw_civil_from_days(days, &year, &month, &mday);
		if (!((c->months >> month) & 1)) {
			int64_t y = month == 12 ? year + 1 : year;
			t = cw_days_from_civil(y, month % 12 + 1, 1) * 86400;
		} else if (!day_matches(c, days, mday)) {
			t = (days + 1) * 86400;
		} else if (!((c->hours >> hour) & 1)) {
			t = days * 86400 + (int64_t)(hour + 1) * 3600;
		} else if (!((c->minutes >> minute) & 1)) {
			t = days * 86400 + hour * 3600 +
			    (int64_t)(minute + 1) * 60;
		} else if (!((c->seconds >> second) & 1)) {
			t++;
		} else {
			*out = t;
			return 0;
		}
	}
	cw_error_set("the schedule does not fire within five years");
	return CW_ENOTFOUND;
}

int cw_cron_next(int64_t *out, const cw_cron *cron, const cw_tz *tz,
                 int64_t after_s)
{
	int64_t local = after_s + cw_tz_offset(tz, after_s);
	int64_t limit = local + 5 * 366 * 86400L;
	for (;;) {
		int64_t wall, instants[2];
		int err = next_local(&wall, cron, local, limit);
		if (err < 0)
			return err;
		int n = cw_tz_from_local(tz, wall, instants);
		/* A skipped wall time never happens; a repeated one happened
		 * already when its first occurrence is not after after_s. */
		if (n > 0 && instants[0] > after_s) {
			*out = instants[0];
			return 0;
		}
		local = wall;
	}
}

static int parse_date(int64_t *days, const char *p, size_t len)
{
	int y, m, d;
	char tail;
	char text[16];
	if (len != 10)
		return CW_EINVAL;
	memcpy(text, p, len);
	text[len] = '\0';
	if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    text[4] != '-' || text[7] != '-' || m < 1 || m > 12 || d < 1 ||
	    d > cw_days_in_month(y, m) || y < 1970)
		return CW_EINVAL;
	*days = cw_days_from_civil(y, m, d);
	return 0;
}

int cw_blackout_parse(cw_blackout *out, const char *text)
{
	const char *dots = strstr(text, "..");
	size_t len = strlen(text);
	size_t first_len = dots ? (size_t)(dots - text) : len;
	if (parse_date(&out->first, text, first_len) < 0 ||
	    (dots ? parse_date(&out->last, dots + 2, len - first_len - 2)
	          : (out->last = out->first, 0)) < 0) {
		cw_error_set("blackout \"%s\": expected YYYY-MM-DD..YYYY-MM-DD "
		             "(real dates, inclusive) or one YYYY-MM-DD",
		             text);
		return CW_EINVAL;
	}
	if (out->first > out->last) {
		cw_error_set("blackout \"%s\": the first date is after the "
		             "last",
		             text);
		return CW_EINVAL;
	}
	return 0;
}

int cw_blackouts_parse(cw_blackout *out, size_t *count, const char *text)
{
	*count = 0;
	while (text && *text) {
		const char *comma = strchr(text, ',');
		size_t n = comma ? (size_t)(comma - text) : strlen(text);
		char one[32];
		int err;
		if (*count == CW_BLACKOUTS_MAX) {
			cw_error_set("at most %d blackout ranges",
			             CW_BLACKOUTS_MAX);
			return CW_EINVAL;
		}
		if (n >= sizeof(one)) {
			cw_error_set("blackout \"%.*s\": expected "
			             "YYYY-MM-DD..YYYY-MM-DD",
			             (int)(n > 40 ? 40 : n), text);
			return CW_EINVAL;
		}
		memcpy(one, text, n);
		one[n] = '\0';
		if ((err = cw_blackout_parse(&out[*count], one)) < 0)
			return err;
		(*count)++;
		text = comma ? comma + 1 : text + n;
	}
	return 0;
}

/* The range covering the local date of utc_s, or NULL. */
static const cw_blackout *covering(const cw_blackout *ranges, size_t count,
                                   const cw_tz *tz, int64_t utc_s)
{
	int64_t day = floor_div(utc_s + cw_tz_offset(tz, utc_s), 86400);
	for (size_t i = 0; i < count; i++)
		if (day >= ranges[i].first && day <= ranges[i].last)
			return &ranges[i];
	return NULL;
}

int cw_blackout_covers(const cw_blackout *ranges, size_t count, const cw_tz *tz,
                       int64_t utc_s)
{
	return covering(ranges, count, tz, utc_s) != NULL;
}

int cw_cron_next_open(int64_t *out, const cw_cron *cron, const cw_tz *tz,
                      const cw_blackout *ranges, size_t count, int64_t after_s)
{
	for (int hops = 0; hops < 1000; hops++) {
		const cw_blackout *b;
		int err = cw_cron_next(out, cron, tz, after_s);
		if (err < 0 || !(b = covering(ranges, count, tz, *out)))
			return err;
		/* Go on from the local midnight that ends the range (where
		 * a zone skips that midnight, from its transition). */
		int64_t midnight = (b->last + 1) * 86400, instants[2];
		int64_t end =
		        cw_tz_from_local(tz, midnight, instants) > 0
		                ? instants[0] - 1
		                : midnight -
		                          cw_tz_offset(tz, midnight - 86400) -
		                          1;
		after_s = end > *out ? end : *out;
	}
	cw_error_set("the schedule does not fire outside its blackouts");
	return CW_ENOTFOUND;
}
