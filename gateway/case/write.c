/* CASE JSON text from normalised trees; see write.h. */
#include "case/write.h"

#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int write_value(cw_buf *out, const cJSON *v, int strip);

/* A JSON string: the buffer's escaper writes the inside only. */
static int put_string(cw_buf *out, const char *s)
{
	cw_buf_putc(out, '"');
	cw_buf_put_json_string(out, s);
	return cw_buf_putc(out, '"');
}

static int write_number(cw_buf *out, double d)
{
	if (!isfinite(d))
		return cw_buf_puts(out, "null");
	/* The range first: converting a larger double is undefined. */
	if (fabs(d) < 9007199254740992.0 && d == (double)(long long)d)
		return cw_buf_printf(out, "%lld", (long long)d);
	return cw_buf_printf(out, "%.17g", d);
}

/* Any JSON value as it is (strip: links lose targetType, for 1.0). */
static int write_value(cw_buf *out, const cJSON *v, int strip)
{
	const cJSON *c;
	int first = 1;

	if (cJSON_IsString(v))
		return put_string(out, v->valuestring);
	if (cJSON_IsNumber(v))
		return write_number(out, v->valuedouble);
	if (cJSON_IsTrue(v))
		return cw_buf_puts(out, "true");
	if (cJSON_IsFalse(v))
		return cw_buf_puts(out, "false");
	if (cJSON_IsArray(v)) {
		cw_buf_putc(out, '[');
		cJSON_ArrayForEach(c, v)
		{
			if (!first)
				cw_buf_putc(out, ',');
			first = 0;
			write_value(out, c, strip);
		}
		return cw_buf_putc(out, ']');
	}
	if (cJSON_IsObject(v)) {
		cw_buf_putc(out, '{');
		cJSON_ArrayForEach(c, v)
		{
			if (strip && strcmp(c->string, "targetType") == 0)
				continue;
			if (!first)
				cw_buf_putc(out, ',');
			first = 0;
			put_string(out, c->string);
			cw_buf_putc(out, ':');
			write_value(out, c, strip);
		}
		return cw_buf_putc(out, '}');
	}
	return cw_buf_puts(out, "null");
}

static int write_members(cw_buf *out, const cJSON *object, cw_case_kind kind,
                         cw_case_version v, int *first);

int cw_case_write_object(cw_buf *out, const cJSON *object, cw_case_kind kind,
                         cw_case_version v, const char *extra)
{
	int first = 1;

	cw_buf_putc(out, '{');
	write_members(out, object, kind, v, &first);
	if (extra && *extra) {
		if (!first)
			cw_buf_putc(out, ',');
		cw_buf_puts(out, extra);
	}
	cw_buf_putc(out, '}');
	return out->error;
}

static int write_list(cw_buf *out, const cJSON *list, cw_case_kind kind,
                      cw_case_version v)
{
	const cJSON *e;
	int first = 1;

	cw_buf_putc(out, '[');
	cJSON_ArrayForEach(e, list)
	{
		if (!first)
			cw_buf_putc(out, ',');
		first = 0;
		cw_case_write_object(out, e, kind, v, NULL);
	}
	return cw_buf_putc(out, ']');
}

static int write_members(cw_buf *out, const cJSON *object, cw_case_kind kind,
                         cw_case_version v, int *first)
{
	const cw_case_class *c = cw_case_class_of(kind);
	int strip = v == CW_CASE_V1P0;
	const cJSON *m;

	cJSON_ArrayForEach(m, object)
	{
		const cw_case_member *spec = cw_case_member_of(c, m->string);

		if (strip && (!spec || (spec->flags & CW_CASE_V11)))
			continue;
		if (!*first)
			cw_buf_putc(out, ',');
		*first = 0;
		put_string(out, m->string);
		cw_buf_putc(out, ':');
		if (spec && spec->type == CW_CASE_T_CHILDREN)
			write_list(out, m, spec->child, v);
		else if (strip && spec && spec->type == CW_CASE_T_ASSOC &&
		         cJSON_IsString(m) &&
		         cw_case_association_type(m->valuestring) == 2)
			cw_buf_puts(out, "\"isRelatedTo\"");
		else
			write_value(out, m, strip);
	}
	return out->error;
}

int cw_case_write_package(cw_buf *out, const cJSON *root, cw_case_version v)
{
	static const struct {
		const char *name;
		cw_case_kind kind;
	} lists[] = { { "CFItems", CW_CASE_ITEM },
		      { "CFAssociations", CW_CASE_ASSOCIATION },
		      { "CFRubrics", CW_CASE_RUBRIC } };
	const cJSON *m;
	int first = 1;

	cw_buf_putc(out, '{');
	cJSON_ArrayForEach(m, root)
	{
		cw_case_kind kind = CW_CASE_NONE;

		if (v == CW_CASE_V1P0 && strcmp(m->string, "extensions") == 0)
			continue;
		if (!first)
			cw_buf_putc(out, ',');
		first = 0;
		put_string(out, m->string);
		cw_buf_putc(out, ':');
		for (size_t i = 0; i < 3; i++)
			if (strcmp(m->string, lists[i].name) == 0)
				kind = lists[i].kind;
		if (strcmp(m->string, "CFDocument") == 0) {
			cw_case_write_object(out, m, CW_CASE_DOCUMENT, v, NULL);
		} else if (kind != CW_CASE_NONE) {
			write_list(out, m, kind, v);
		} else if (strcmp(m->string, "CFDefinitions") == 0) {
			const cJSON *d;
			int inner = 1;

			cw_buf_putc(out, '{');
			cJSON_ArrayForEach(d, m)
			{
				for (size_t i = 0; i < 5; i++) {
					const cw_case_class *c =
					        cw_case_class_of(
					                cw_case_definition_kinds
					                        [i]);

					if (strcmp(c->collection, d->string))
						continue;
					if (!inner)
						cw_buf_putc(out, ',');
					inner = 0;
					put_string(out, d->string);
					cw_buf_putc(out, ':');
					write_list(out, d, c->kind, v);
				}
			}
			cw_buf_putc(out, '}');
		} else {
			write_value(out, m, 0);
		}
	}
	cw_buf_putc(out, '}');
	return out->error;
}
