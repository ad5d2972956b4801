/* Stored and named forms of a row's fields; see fields.h. */
#include "roster/fields.h"

#include "util/error.h"
#include "util/json.h"

#include <cjson/cJSON.h>
#include <string.h>

/* Stored and named forms are flat: an object or array, lists, metadata. */
#define FIELDS_DEPTH 4

static cJSON *parse(const char *text)
{
	cJSON *doc = NULL;

	if (!text ||
	    cw_json_parse(&doc, text, strlen(text), FIELDS_DEPTH, NULL) < 0)
		return NULL;
	return doc;
}

static int is_list(cw_or_type type)
{
	return type == CW_OR_GUID_LIST || type == CW_OR_STRING_LIST ||
	       type == CW_OR_PAIR_LIST || type == CW_OR_ENUM_LIST;
}

static const cw_or_file *model(cw_or_entity entity)
{
	const cw_or_file *f = cw_or_model_file(entity);

	return f && f->column_count >= 3 &&
	                       f->column_count - 3 <= CW_OR_FIELDS_MAX
	               ? f
	               : NULL;
}

int cw_or_fields_position(cw_or_entity entity, const char *name)
{
	const cw_or_file *f = model(entity);
	int i = f ? cw_or_column_index(f, name) : -1;

	return i >= 3 ? i - 3 : -1;
}

static void put_string(cw_buf *b, const char *s, size_t len)
{
	cw_buf_putc(b, '"');
	cw_buf_put_json_bytes(b, s, len);
	cw_buf_putc(b, '"');
}

static void put_list(cw_buf *b, const char *s, size_t len)
{
	const char *end = s + len;

	cw_buf_putc(b, '[');
	for (int first = 1; s < end; first = 0) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		size_t n = comma ? (size_t)(comma - s) : (size_t)(end - s);

		if (!first)
			cw_buf_putc(b, ',');
		put_string(b, s, n);
		s += n + (comma != NULL);
	}
	cw_buf_putc(b, ']');
}

int cw_or_fields_build(cw_buf *out, cw_or_entity entity,
                       const cw_or_cell *cells, size_t cell_count,
                       const char *const *meta_names,
                       const char *const *meta_values, size_t meta_count)
{
	const cw_or_file *f = model(entity);
	size_t n = f ? f->column_count - 3 : 0;
	size_t last = meta_count ? n : 0;

	cw_buf_clear(out);
	if (!f || cell_count > n)
		return CW_EINVAL;
	for (size_t k = 0; !meta_count && k < cell_count; k++)
		if (cells[k].s && cells[k].len)
			last = k + 1;
	cw_buf_putc(out, '[');
	for (size_t k = 0; k < last; k++) {
		const cw_or_cell *c = k < cell_count ? &cells[k] : NULL;

		if (k)
			cw_buf_putc(out, ',');
		if (!c || !c->s || !c->len)
			cw_buf_puts(out, "null");
		else if (is_list(f->columns[k + 3].type))
			put_list(out, c->s, c->len);
		else
			put_string(out, c->s, c->len);
	}
	if (meta_count) {
		cw_buf_puts(out, last ? ",{" : "{");
		for (size_t m = 0; m < meta_count; m++) {
			if (m)
				cw_buf_putc(out, ',');
			put_string(out, meta_names[m], strlen(meta_names[m]));
			cw_buf_putc(out, ':');
			put_string(out, meta_values[m], strlen(meta_values[m]));
		}
		cw_buf_putc(out, '}');
	}
	return cw_buf_putc(out, ']');
}

/* A column's value as JSON text, escaped our way: an array of strings for a
 * list column, a string for any other. */
static int put_item(cw_buf *b, const cJSON *item, const cw_or_column *col)
{
	if (cJSON_IsString(item) != !is_list(col->type))
		return CW_EINVAL;
	if (cJSON_IsString(item)) {
		cw_buf_putc(b, '"');
		cw_buf_put_json_string(b, item->valuestring);
		return cw_buf_putc(b, '"');
	}
	if (!cJSON_IsArray(item))
		return CW_EINVAL;
	cw_buf_putc(b, '[');
	for (const cJSON *e = item->child; e; e = e->next) {
		if (!cJSON_IsString(e))
			return CW_EINVAL;
		if (e != item->child)
			cw_buf_putc(b, ',');
		cw_buf_putc(b, '"');
		cw_buf_put_json_string(b, e->valuestring);
		cw_buf_putc(b, '"');
	}
	return cw_buf_putc(b, ']');
}

static int put_metadata(cw_buf *b, const cJSON *meta)
{
	cw_buf_putc(b, '{');
	for (const cJSON *m = meta->child; m; m = m->next) {
		if (!cJSON_IsString(m) || !m->string)
			return CW_EINVAL;
		for (const cJSON *o = meta->child; o != m; o = o->next)
			if (strcmp(o->string, m->string) == 0)
				return CW_EINVAL; /* a name twice */
		if (m != meta->child)
			cw_buf_putc(b, ',');
		cw_buf_putc(b, '"');
		cw_buf_put_json_string(b, m->string);
		cw_buf_puts(b, "\":\"");
		cw_buf_put_json_string(b, m->valuestring);
		cw_buf_putc(b, '"');
	}
	return cw_buf_putc(b, '}');
}

int cw_or_fields_expand(cw_buf *out, cw_or_entity entity, const char *stored)
{
	const cw_or_file *f = model(entity);
	cJSON *doc = parse(stored);
	size_t k = 0, n = f ? f->column_count - 3 : 0;
	int err = f && cJSON_IsArray(doc) ? 0 : CW_EINVAL;

	cw_buf_clear(out);
	cw_buf_putc(out, '{');
	for (const cJSON *item = doc ? doc->child : NULL; err == 0 && item;
	     item = item->next, k++) {
		int metadata = k == n && cJSON_IsObject(item) && !item->next;

		if (k >= n && !metadata) {
			err = CW_EINVAL;
			break;
		}
		if (cJSON_IsNull(item))
			continue;
		if (out->len > 1)
			cw_buf_putc(out, ',');
		if (metadata) {
			cw_buf_puts(out, "\"metadata\":");
			err = put_metadata(out, item);
			continue;
		}
		cw_buf_putc(out, '"');
		cw_buf_put_json_string(out, f->columns[k + 3].name);
		cw_buf_puts(out, "\":");
		err = put_item(out, item, &f->columns[k + 3]);
	}
	cJSON_Delete(doc);
	if (err == 0)
		err = cw_buf_putc(out, '}');
	if (err == 0 && out->error)
		err = out->error;
	return err;
}

int cw_or_fields_compact(cw_buf *out, cw_or_entity entity, const char *named)
{
	const cw_or_file *f = model(entity);
	cJSON *doc = parse(named), *meta = NULL;
	size_t n = f ? f->column_count - 3 : 0, last = 0;
	const cJSON *items[CW_OR_FIELDS_MAX] = { 0 };
	unsigned char seen[CW_OR_FIELDS_MAX] = { 0 };
	int err = f && cJSON_IsObject(doc) ? 0 : CW_EINVAL;

	cw_buf_clear(out);
	for (cJSON *item = doc ? doc->child : NULL; err == 0 && item;
	     item = item->next) {
		int k;

		if (strcmp(item->string, "metadata") == 0) {
			/* Once, and an object. */
			err = meta || !cJSON_IsObject(item) ? CW_EINVAL : 0;
			meta = item;
			continue;
		}
		k = cw_or_fields_position(entity, item->string);
		if (k < 0 || seen[k]++ ||
		    (!cJSON_IsString(item) && !cJSON_IsArray(item))) {
			err = CW_EINVAL;
		} else if (!(cJSON_IsString(item) && !*item->valuestring) &&
		           !(cJSON_IsArray(item) && !item->child)) {
			items[k] = item;
			if ((size_t)k + 1 > last)
				last = (size_t)k + 1;
		}
	}
	if (meta && !meta->child)
		meta = NULL;
	if (meta)
		last = n;
	cw_buf_putc(out, '[');
	for (size_t k = 0; err == 0 && k < last; k++) {
		if (k)
			cw_buf_putc(out, ',');
		if (!items[k])
			cw_buf_puts(out, "null");
		else
			err = put_item(out, items[k], &f->columns[k + 3]);
	}
	if (err == 0 && meta) {
		cw_buf_puts(out, last ? "," : "");
		err = put_metadata(out, meta);
	}
	cJSON_Delete(doc);
	if (err == 0)
		err = cw_buf_putc(out, ']');
	if (err == 0 && out->error)
		err = out->error;
	return err;
}

/* The bytes that end a bare JSON value (NUL included). */
static const unsigned char is_separator[256] = {
	['\0'] = 1, [','] = 1, [':'] = 1, [']'] = 1,
	['}'] = 1,  ['"'] = 1, ['['] = 1, ['{'] = 1,
};

/* Skips one JSON value at p (this module's output); NULL if malformed. */
static const char *skip_value(const char *p)
{
	int depth = 0;

	do {
		switch (*p) {
		case '"':
			for (p++;;) {
				p += strcspn(p, "\"\\");
				if (*p != '\\' || !p[1])
					break;
				p += 2;
			}
			if (!*p)
				return NULL;
			p++;
			break;
		case '[':
		case '{':
			depth++;
			p++;
			break;
		case ']':
		case '}':
			if (--depth < 0)
				return NULL;
			p++;
			break;
		case ',':
		case ':':
			if (depth == 0)
				return NULL;
			p++;
			break;
		case '\0': return NULL;
		default:
			/* null, a number, true/false: up to a separator */
			while (!is_separator[(unsigned char)*p])
				p++;
		}
	} while (depth > 0);
	return p;
}

int cw_or_fields_next(const char **cursor, const char **at, size_t *len)
{
	const char *p = *cursor, *end;

	if (!p)
		return -1;
	if (*p == '[')
		p++;
	else if (*p == ',')
		p++;
	else if (*p == ']')
		return 0;
	else
		return -1;
	if (*p == ']') {
		*cursor = p;
		return 0;
	}
	if (!(end = skip_value(p)) || (*end != ',' && *end != ']'))
		return -1;
	*at = p;
	*len = (size_t)(end - p);
	*cursor = end;
	return 1;
}
