/* The spreadsheet CSV of a CFPackage (sheet.h, docs/case-csv.md). Its
 * columns are every member of every CASE class (model.h) once, so each row
 * is one object: text members as text, numbers as JSON numbers, lists,
 * links and extensions as JSON, nothing left out. */
#include "case/sheet.h"

#include "case/export_internal.h"
#include "case/model.h"
#include "util/alloc.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

#include <stdio.h>
#include <string.h>

#define MAX_COLUMNS 96
#define FIXED       3 /* object, parent, layout */

typedef struct {
	const char *names[MAX_COLUMNS];
	size_t count;
} columns;

/* object, parent, layout, then each class's members in kind order, each
 * name once. */
static void columns_of(columns *c)
{
	c->names[0] = "object";
	c->names[1] = "parent";
	c->names[2] = "layout";
	c->count = FIXED;
	for (int k = 0; k < CW_CASE_KIND_COUNT; k++) {
		const cw_case_class *cl = cw_case_class_of((cw_case_kind)k);

		for (size_t m = 0; m < cl->member_count; m++) {
			size_t i = 0;

			while (i < c->count &&
			       strcmp(c->names[i], cl->members[m].name))
				i++;
			if (i == c->count && c->count < MAX_COLUMNS)
				c->names[c->count++] = cl->members[m].name;
		}
	}
}

static int scalar_type(cw_case_type type)
{
	return type == CW_CASE_T_UUID || type == CW_CASE_T_STRING ||
	       type == CW_CASE_T_URI || type == CW_CASE_T_DATETIME ||
	       type == CW_CASE_T_DATE || type == CW_CASE_T_ASSOC;
}

static int number_type(cw_case_type type)
{
	return type == CW_CASE_T_INT || type == CW_CASE_T_NUMBER;
}

/* ---- writing --------------------------------------------------------------
 */

/* Text as it is; "" and text starting with a backslash get one more
 * backslash in front, so an empty cell can mean "absent". */
static int put_text(cw_buf *cell, const char *s)
{
	if (!*s || *s == '\\')
		cw_buf_putc(cell, '\\');
	return cw_buf_puts(cell, s);
}

static int put_json(cw_buf *cell, const cJSON *v)
{
	char *text = cJSON_PrintUnformatted(v);
	int err;

	if (!text)
		return CW_ENOMEM;
	err = cw_buf_puts(cell, text);
	cJSON_free(text);
	return err;
}

static int encode(cw_buf *cell, const cw_case_member *m, const cJSON *v)
{
	if (scalar_type(m->type)) {
		if (!cJSON_IsString(v)) {
			cw_error_set("%s is not text", m->name);
			return CW_EINVAL;
		}
		return put_text(cell, v->valuestring);
	}
	if (number_type(m->type)) {
		if (!cJSON_IsNumber(v)) {
			cw_error_set("%s is not a number", m->name);
			return CW_EINVAL;
		}
		return cw_case_put_number(cell, v->valuedouble);
	}
	if (m->type == CW_CASE_T_CHILDREN)
		return cw_buf_printf(cell, "%d", cJSON_GetArraySize(v));
	return put_json(cell, v);
}

typedef struct {
	cw_buf *out;
	const columns *cols;
	cw_buf cell;
	size_t rows;
} writer;

static int write_row(writer *w, cw_case_kind kind, const cJSON *o,
                     const char *parent)
{
	const cw_case_class *c = cw_case_class_of(kind);
	int err = 0;

	cw_csv_write_field(w->out, c->name, 0);
	cw_csv_write_field(w->out, parent ? parent : "", 0);
	cw_csv_write_field(w->out, "", 0);
	for (size_t i = FIXED; err == 0 && i < w->cols->count; i++) {
		const cw_case_member *m =
		        cw_case_member_of(c, w->cols->names[i]);
		const cJSON *v =
		        m ? cJSON_GetObjectItemCaseSensitive(o, m->name) : NULL;

		cw_buf_clear(&w->cell);
		if (v)
			err = encode(&w->cell, m, v);
		if (err == 0 && w->cell.error)
			err = w->cell.error;
		if (err == 0)
			cw_csv_write_field(w->out, cw_buf_cstr(&w->cell),
			                   i + 1 == w->cols->count);
	}
	w->rows++;
	return err ? err : w->out->error;
}

/* What the package holds beyond its objects: which collections it has, in
 * their order (empty ones too), and its extensions. */
static int write_package_row(writer *w, const cJSON *root)
{
	const cJSON *m, *d, *ext;
	cw_buf layout = CW_BUF_INIT(4096);
	int err = 0;

	cJSON_ArrayForEach(m, root)
	{
		if (strcmp(m->string, "CFDocument") == 0 ||
		    strcmp(m->string, "extensions") == 0)
			continue;
		if (layout.len)
			cw_buf_putc(&layout, ' ');
		cw_buf_puts(&layout, m->string);
		if (strcmp(m->string, "CFDefinitions") != 0)
			continue;
		cJSON_ArrayForEach(d, m)
		{
			cw_buf_printf(&layout, " CFDefinitions/%s", d->string);
		}
	}
	ext = cJSON_GetObjectItemCaseSensitive(root, "extensions");
	cw_csv_write_field(w->out, "CFPackage", 0);
	cw_csv_write_field(w->out, "", 0);
	cw_csv_write_field(w->out, cw_buf_cstr(&layout), 0);
	for (size_t i = FIXED; err == 0 && i < w->cols->count; i++) {
		cw_buf_clear(&w->cell);
		if (ext && strcmp(w->cols->names[i], "extensions") == 0)
			err = put_json(&w->cell, ext);
		if (err == 0)
			cw_csv_write_field(w->out, cw_buf_cstr(&w->cell),
			                   i + 1 == w->cols->count);
	}
	w->rows++;
	if (err == 0)
		err = layout.error ? layout.error : w->out->error;
	cw_buf_dispose(&layout);
	return err;
}

static int write_rubrics(writer *w, const cJSON *rubrics)
{
	const cJSON *r, *c, *l;
	int err = 0;

	cJSON_ArrayForEach(r, rubrics)
	{
		if ((err = write_row(w, CW_CASE_RUBRIC, r, NULL)) < 0)
			return err;
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(
		                              r, "CFRubricCriteria"))
		{
			err = write_row(w, CW_CASE_RUBRIC_CRITERION, c,
			                cw_case_text(r, "identifier"));
			if (err < 0)
				return err;
			cJSON_ArrayForEach(
			        l, cJSON_GetObjectItemCaseSensitive(
			                   c, "CFRubricCriterionLevels"))
			{
				err = write_row(
				        w, CW_CASE_RUBRIC_CRITERION_LEVEL, l,
				        cw_case_text(c, "identifier"));
				if (err < 0)
					return err;
			}
		}
	}
	return 0;
}

static int write_list(writer *w, const cJSON *list, cw_case_kind kind)
{
	const cJSON *e;
	int err = 0;

	cJSON_ArrayForEach(e, list)
	{
		if ((err = write_row(w, kind, e, NULL)) < 0)
			return err;
	}
	return 0;
}

static int write_objects(writer *w, const cJSON *root)
{
	const cJSON *defs =
	        cJSON_GetObjectItemCaseSensitive(root, "CFDefinitions");
	const cJSON *d;
	int err = write_row(
	        w, CW_CASE_DOCUMENT,
	        cJSON_GetObjectItemCaseSensitive(root, "CFDocument"), NULL);

	if (err == 0)
		err = write_list(
		        w, cJSON_GetObjectItemCaseSensitive(root, "CFItems"),
		        CW_CASE_ITEM);
	if (err == 0)
		err = write_list(w,
		                 cJSON_GetObjectItemCaseSensitive(
		                         root, "CFAssociations"),
		                 CW_CASE_ASSOCIATION);
	cJSON_ArrayForEach(d, defs)
	{
		for (size_t k = 0; err == 0 && k < 5; k++) {
			const cw_case_class *c =
			        cw_case_class_of(cw_case_definition_kinds[k]);

			if (strcmp(c->collection, d->string) == 0)
				err = write_list(w, d, c->kind);
		}
	}
	if (err == 0)
		err = write_rubrics(
		        w, cJSON_GetObjectItemCaseSensitive(root, "CFRubrics"));
	return err;
}

int cw_case_sheet_write(cw_buf *out, size_t *rows, const cJSON *root)
{
	columns cols;
	writer w = { out, &cols, CW_BUF_INIT(CW_LIMIT_CASE_PACKAGE), 0 };
	int err;

	*rows = 0;
	columns_of(&cols);
	for (size_t i = 0; i < cols.count; i++)
		cw_csv_write_field(out, cols.names[i], i + 1 == cols.count);
	err = write_package_row(&w, root);
	if (err == 0)
		err = write_objects(&w, root);
	cw_buf_dispose(&w.cell);
	if (err == 0) {
		*rows = w.rows;
		err = out->error;
	}
	return err;
}

int cw_case_sheet_is(const char *buf, size_t len)
{
	size_t n = strlen(CW_CASE_SHEET_PREFIX);

	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	return len >= n && memcmp(buf, CW_CASE_SHEET_PREFIX, n) == 0;
}
