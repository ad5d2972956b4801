/* JSON Canonicalization Scheme (RFC 8785): sorted members, ECMAScript numbers,
 * minimal string escapes. */
#include "jsonld/jcs.h"

#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 1000 /* cJSON's own nesting limit */

/* The shortest digits that read back as v (> 0): "d.ddde±x" parsed into
 * digits (no point, no trailing zeros) and the decimal exponent. */
static int shortest_digits(double v, char digits[20], int *exponent)
{
	char text[40];
	size_t k = 0;
	char *end = NULL;

	for (int precision = 1; precision <= 17; precision++) {
		snprintf(text, sizeof(text), "%.*e", precision - 1, v);
		if (strtod(text, NULL) == v)
			break;
	}
	for (const char *c = text; *c && *c != 'e'; c++)
		if (*c != '.')
			digits[k++] = *c;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	*exponent = (int)strtol(strchr(text, 'e') + 1, &end, 10);
	return (int)k;
}

/* ECMA-262 Number::toString for k digits with the point after n of them. */
static int put_es_form(cw_buf *out, const char *digits, int k, int n)
{
	if (k <= n && n <= 21) {
		cw_buf_put(out, digits, (size_t)k);
		for (int i = k; i < n; i++)
			cw_buf_putc(out, '0');
	} else if (0 < n && n <= 21) {
		cw_buf_put(out, digits, (size_t)n);
		cw_buf_putc(out, '.');
		cw_buf_put(out, digits + n, (size_t)(k - n));
	} else if (-6 < n && n <= 0) {
		cw_buf_puts(out, "0.");
		for (int i = n; i < 0; i++)
			cw_buf_putc(out, '0');
		cw_buf_put(out, digits, (size_t)k);
	} else {
		cw_buf_putc(out, digits[0]);
		if (k > 1) {
			cw_buf_putc(out, '.');
			cw_buf_put(out, digits + 1, (size_t)(k - 1));
		}
		cw_buf_printf(out, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
	}
	return out->error;
}

int cw_jcs_number(cw_buf *out, double v)
{
	char digits[20];
	int exponent = 0, k;

	if (!isfinite(v)) {
		cw_error_set("JSON cannot hold the number %g", v);
		return CW_EINVAL;
	}
	if (v == 0)
		return cw_buf_putc(out, '0');
	if (v < 0) {
		cw_buf_putc(out, '-');
		v = -v;
	}
	k = shortest_digits(v, digits, &exponent);
	return put_es_form(out, digits, k, exponent + 1);
}

static int put_string(cw_buf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	cw_buf_putc(out, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': cw_buf_puts(out, "\\\""); break;
		case '\\': cw_buf_puts(out, "\\\\"); break;
		case '\b': cw_buf_puts(out, "\\b"); break;
		case '\f': cw_buf_puts(out, "\\f"); break;
		case '\n': cw_buf_puts(out, "\\n"); break;
		case '\r': cw_buf_puts(out, "\\r"); break;
		case '\t': cw_buf_puts(out, "\\t"); break;
		default:
			if (*c < 0x20) {
				cw_buf_puts(out, "\\u00");
				cw_buf_putc(out, hex[*c >> 4]);
				cw_buf_putc(out, hex[*c & 15]);
			} else {
				cw_buf_putc(out, (char)*c);
			}
		}
	}
	return cw_buf_putc(out, '"');
}

/* Decodes one UTF-8 sequence at *s (advancing it); invalid bytes count as
 * themselves so that the order stays total. */
static unsigned long next_code_point(const unsigned char **s)
{
	const unsigned char *c = *s;
	unsigned long cp = *c;
	int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;

	if (extra)
		cp &= 0x3Fu >> extra;
	for (int i = 1; i <= extra; i++) {
		if ((c[i] & 0xC0) != 0x80) {
			*s = c + 1;
			return *c;
		}
		cp = (cp << 6) | (c[i] & 0x3F);
	}
	*s = c + 1 + extra;
	return cp;
}

/* The UTF-16 code units of cp: one, or a surrogate pair. */
static int utf16_units(unsigned long cp, unsigned long units[2])
{
	if (cp < 0x10000) {
		units[0] = cp;
		return 1;
	}
	units[0] = 0xD800 + ((cp - 0x10000) >> 10);
	units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
	return 2;
}

int cw_jcs_compare(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a,
	                    *y = (const unsigned char *)b;

	while (*x && *y) {
		unsigned long ux[2] = { 0, 0 }, uy[2] = { 0, 0 };
		int nx = utf16_units(next_code_point(&x), ux),
		    ny = utf16_units(next_code_point(&y), uy);

		for (int i = 0; i < 2; i++)
			if (ux[i] != uy[i])
				return ux[i] < uy[i] ? -1 : 1;
		if (nx != ny)
			return nx < ny ? -1 : 1;
	}
	return (*x != 0) - (*y != 0);
}

static int compare_members(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a,
	            *y = *(const cJSON *const *)b;

	return cw_jcs_compare(x->string, y->string);
}

static int write_value(cw_buf *out, const cJSON *value, int depth);

static int write_object(cw_buf *out, const cJSON *object, int depth)
{
	const cJSON **members = NULL, *member;
	size_t count = 0;
	int err = 0;

	cJSON_ArrayForEach(member, object) count++;
	if (count && !(members = cw_malloc(count * sizeof(*members))))
		return CW_ENOMEM;
	count = 0;
	cJSON_ArrayForEach(member, object) members[count++] = member;
	if (count > 1)
		qsort(members, count, sizeof(*members), compare_members);
	cw_buf_putc(out, '{');
	for (size_t i = 0; i < count && err == 0; i++) {
		if (i)
			cw_buf_putc(out, ',');
		if ((err = put_string(out, members[i]->string)) == 0) {
			cw_buf_putc(out, ':');
			err = write_value(out, members[i], depth + 1);
		}
	}
	cw_free(members);
	return err < 0 ? err : cw_buf_putc(out, '}');
}

static int write_array(cw_buf *out, const cJSON *array, int depth)
{
	const cJSON *item;
	int err = 0;

	cw_buf_putc(out, '[');
	cJSON_ArrayForEach(item, array)
	{
		if (item != array->child)
			cw_buf_putc(out, ',');
		if ((err = write_value(out, item, depth + 1)) < 0)
			return err;
	}
	return cw_buf_putc(out, ']');
}

static int write_value(cw_buf *out, const cJSON *value, int depth)
{
	if (depth > MAX_DEPTH) {
		cw_error_set("JSON nested deeper than %d", MAX_DEPTH);
		return CW_ETOOBIG;
	}
	if (cJSON_IsObject(value))
		return write_object(out, value, depth);
	if (cJSON_IsArray(value))
		return write_array(out, value, depth);
	if (cJSON_IsString(value))
		return put_string(out, value->valuestring);
	if (cJSON_IsNumber(value))
		return cw_jcs_number(out, value->valuedouble);
	if (cJSON_IsTrue(value))
		return cw_buf_puts(out, "true");
	if (cJSON_IsFalse(value))
		return cw_buf_puts(out, "false");
	if (cJSON_IsNull(value))
		return cw_buf_puts(out, "null");
	cw_error_set("not a JSON value");
	return CW_EINVAL;
}

int cw_jcs_write(cw_buf *out, const cJSON *value)
{
	return write_value(out, value, 0);
}
