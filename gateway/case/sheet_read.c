/* Reading the spreadsheet CSV (sheet.h) back into CFPackage JSON: columns
 * matched by name, each row an object of its class, rubric criteria and
 * levels under the rubric and criterion rows before them. */
#include "case/sheet.h"

#include "case/model.h"
#include "util/alloc.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLUMNS 128

typedef struct {
	cw_case_diag_cb on_diag;
	void *payload;
	size_t errors;
	int header_seen;
	/* for each column of the file: its name (NULL: not one of ours) */
	char *names[MAX_COLUMNS];
	size_t column_count;
	int object_column, parent_column, layout_column;
	cJSON *root;
	cJSON *rubric, *criterion; /* the rows criteria and levels go under */
	int fatal;                 /* out of memory */
} reader;

static void problem(reader *r, uint32_t line, uint32_t column, const char *code,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void problem(reader *r, uint32_t line, uint32_t column, const char *code,
                    const char *fmt, ...)
{
	char where[40], message[600];
	cw_case_diag d;
	va_list ap;

	r->errors++;
	if (!r->on_diag)
		return;
	snprintf(where, sizeof(where), "%u:%u", line, column);
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	d = (cw_case_diag){ where, CW_CASE_ERROR, code, message };
	r->on_diag(&d, r->payload);
}

static void on_csv_problem(const cw_csv_problem *p, void *payload)
{
	reader *r = payload;

	if (p->fatal || strcmp(p->code, "csv.invalid_utf8") == 0)
		problem(r, p->line, p->column, p->code, "%s", p->message);
}

static int known_column(const char *name)
{
	if (!strcmp(name, "object") || !strcmp(name, "parent") ||
	    !strcmp(name, "layout"))
		return 1;
	for (int k = 0; k < CW_CASE_KIND_COUNT; k++)
		if (cw_case_member_of(cw_case_class_of((cw_case_kind)k), name))
			return 1;
	return 0;
}

static int read_header(reader *r, const cw_csv_record *rec)
{
	r->object_column = r->parent_column = r->layout_column = -1;
	if (rec->count > MAX_COLUMNS) {
		problem(r, rec->line, 1, "case.sheet.header",
		        "more than %d columns", MAX_COLUMNS);
		return 0;
	}
	for (size_t i = 0; i < rec->count; i++) {
		const char *name = rec->fields[i];

		if (!known_column(name)) {
			problem(r, rec->line, rec->columns[i],
			        "case.sheet.header",
			        "\"%.60s\" is not a column of the CASE sheet "
			        "(docs/case-csv.md)",
			        name);
			continue;
		}
		if (!(r->names[i] = cw_strdup(name)))
			return CW_ENOMEM;
		if (!strcmp(name, "object"))
			r->object_column = (int)i;
		else if (!strcmp(name, "parent"))
			r->parent_column = (int)i;
		else if (!strcmp(name, "layout"))
			r->layout_column = (int)i;
	}
	r->column_count = rec->count;
	if (r->object_column < 0)
		problem(r, rec->line, 1, "case.sheet.header",
		        "the header has no \"object\" column");
	return 0;
}

static const char *cell(const cw_csv_record *rec, int column)
{
	return column >= 0 && (size_t)column < rec->count ? rec->fields[column]
	                                                  : "";
}

/* A collection of the root (or of CFDefinitions), made when first needed. */
static cJSON *collection(reader *r, const char *path)
{
	cJSON *at = r->root;
	const char *slash = strchr(path, '/');
	char first[64];
	cJSON *found;

	if (slash) {
		snprintf(first, sizeof(first), "%.*s", (int)(slash - path),
		         path);
		if (!(at = cJSON_GetObjectItemCaseSensitive(r->root, first)) &&
		    !(at = cJSON_AddObjectToObject(r->root, first)))
			return NULL;
		path = slash + 1;
	}
	if ((found = cJSON_GetObjectItemCaseSensitive(at, path)))
		return found;
	if (!strcmp(path, "CFDefinitions"))
		return cJSON_AddObjectToObject(at, path);
	return cJSON_AddArrayToObject(at, path);
}

static int apply_layout(reader *r, const char *layout)
{
	char token[64];

	while (*layout) {
		size_t n = strcspn(layout, " ");

		if (n > 0 && n < sizeof(token)) {
			memcpy(token, layout, n);
			token[n] = '\0';
			if (!collection(r, token))
				return CW_ENOMEM;
		}
		layout += n + (layout[n] == ' ');
	}
	return 0;
}

/* One cell as the member's value: NULL when it cannot be read. */
static cJSON *decode(reader *r, const cw_csv_record *rec, size_t column,
                     const cw_case_member *m)
{
	const char *text = rec->fields[column];
	cJSON *v = NULL;

	switch (m->type) {
	case CW_CASE_T_UUID:
	case CW_CASE_T_STRING:
	case CW_CASE_T_URI:
	case CW_CASE_T_DATETIME:
	case CW_CASE_T_DATE:
	case CW_CASE_T_ASSOC:
		/* A leading backslash is the escape of "" and of itself. */
		return cJSON_CreateString(text[0] == '\\' ? text + 1 : text);
	case CW_CASE_T_CHILDREN: return cJSON_CreateArray();
	default: break;
	}
	if (cw_json_parse(&v, text, rec->lengths[column], CW_CASE_MAX_DEPTH,
	                  NULL) < 0 ||
	    ((m->type == CW_CASE_T_INT || m->type == CW_CASE_T_NUMBER) &&
	     !cJSON_IsNumber(v))) {
		cJSON_Delete(v);
		problem(r, rec->line, rec->columns[column], "case.sheet.value",
		        "%s: expected %s", m->name,
		        m->type == CW_CASE_T_INT || m->type == CW_CASE_T_NUMBER
		                ? "a number"
		                : "JSON (docs/case-csv.md)");
		return NULL;
	}
	return v;
}

/* The row's members, in its class's order. */
static cJSON *object_of(reader *r, const cw_csv_record *rec,
                        const cw_case_class *c)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t m = 0; o && m < c->member_count; m++) {
		const cw_case_member *member = &c->members[m];

		for (size_t i = 0; i < rec->count && i < r->column_count; i++) {
			cJSON *v;

			if (!r->names[i] || strcmp(r->names[i], member->name) ||
			    !rec->fields[i][0])
				continue;
			if ((v = decode(r, rec, i, member)))
				cJSON_AddItemToObject(o, member->name, v);
		}
	}
	if (!o)
		r->fatal = 1;
	return o;
}

static cw_case_kind kind_named(const char *name)
{
	for (int k = 0; k < CW_CASE_KIND_COUNT; k++)
		if (!strcmp(cw_case_class_of((cw_case_kind)k)->name, name))
			return (cw_case_kind)k;
	return CW_CASE_NONE;
}

static const char *list_of(cw_case_kind kind, char *path, size_t n)
{
	const cw_case_class *c = cw_case_class_of(kind);

	if (kind == CW_CASE_ITEM || kind == CW_CASE_ASSOCIATION ||
	    kind == CW_CASE_RUBRIC)
		snprintf(path, n, "%s", c->collection);
	else
		snprintf(path, n, "CFDefinitions/%s", c->collection);
	return path;
}

/* Criteria and levels go under the rubric and criterion rows before them;
 * their parent cell, when given, must name that row. */
static cJSON *nested_list(reader *r, const cw_csv_record *rec,
                          cw_case_kind kind)
{
	cJSON *under =
	        kind == CW_CASE_RUBRIC_CRITERION ? r->rubric : r->criterion;
	const char *member = kind == CW_CASE_RUBRIC_CRITERION
	                             ? "CFRubricCriteria"
	                             : "CFRubricCriterionLevels";
	const char *parent = cell(rec, r->parent_column);
	const char *id = under ? cw_json_string(under, "identifier") : NULL;
	cJSON *list;

	if (!under || (*parent && (!id || strcmp(parent, id)))) {
		problem(r, rec->line, 1, "case.sheet.parent",
		        "a %s row must follow its %s row",
		        cw_case_class_of(kind)->name,
		        kind == CW_CASE_RUBRIC_CRITERION ? "CFRubric"
		                                         : "CFRubricCriterion");
		return NULL;
	}
	if (!(list = cJSON_GetObjectItemCaseSensitive(under, member)))
		list = cJSON_AddArrayToObject(under, member);
	if (!list)
		r->fatal = 1;
	return list;
}

static void add_object(reader *r, const cw_csv_record *rec, cw_case_kind kind)
{
	char path[96];
	cJSON *list, *o;

	if (kind == CW_CASE_DOCUMENT &&
	    cJSON_GetObjectItemCaseSensitive(r->root, "CFDocument")) {
		problem(r, rec->line, 1, "case.sheet.document",
		        "a second CFDocument row");
		return;
	}
	if (kind == CW_CASE_RUBRIC_CRITERION ||
	    kind == CW_CASE_RUBRIC_CRITERION_LEVEL)
		list = nested_list(r, rec, kind);
	else if (kind == CW_CASE_DOCUMENT)
		list = r->root;
	else if (!(list = collection(r, list_of(kind, path, sizeof(path)))))
		r->fatal = 1;
	if (!list || !(o = object_of(r, rec, cw_case_class_of(kind))))
		return;
	if (kind == CW_CASE_DOCUMENT)
		cJSON_AddItemToObject(r->root, "CFDocument", o);
	else
		cJSON_AddItemToArray(list, o);
	if (kind == CW_CASE_RUBRIC) {
		r->rubric = o;
		r->criterion = NULL;
	} else if (kind == CW_CASE_RUBRIC_CRITERION) {
		r->criterion = o;
	}
}

static int package_row(reader *r, const cw_csv_record *rec)
{
	for (size_t i = 0; i < rec->count && i < r->column_count; i++) {
		cJSON *v = NULL;

		if (!r->names[i] || strcmp(r->names[i], "extensions") ||
		    !rec->fields[i][0])
			continue;
		if (cw_json_parse(&v, rec->fields[i], rec->lengths[i],
		                  CW_CASE_MAX_DEPTH, NULL) < 0) {
			problem(r, rec->line, rec->columns[i],
			        "case.sheet.value",
			        "extensions: expected JSON");
			continue;
		}
		cJSON_AddItemToObject(r->root, "extensions", v);
	}
	return apply_layout(r, cell(rec, r->layout_column));
}

static int on_record(const cw_csv_record *rec, void *payload)
{
	reader *r = payload;
	const char *object;
	cw_case_kind kind;

	if (!r->header_seen) {
		r->header_seen = 1;
		return read_header(r, rec);
	}
	if (r->object_column < 0 || (rec->count == 1 && !rec->fields[0][0]))
		return 0; /* no object column, or a blank line */
	object = cell(rec, r->object_column);
	if (!strcmp(object, "CFPackage"))
		return package_row(r, rec);
	if ((kind = kind_named(object)) == CW_CASE_NONE) {
		problem(r, rec->line, 1, "case.sheet.object",
		        "\"%.60s\" is not a CASE class (CFPackage, CFDocument, "
		        "CFItem, CFAssociation, CFConcept, CFSubject, "
		        "CFLicense, CFItemType, CFAssociationGrouping, "
		        "CFRubric, CFRubricCriterion, CFRubricCriterionLevel)",
		        object);
		return 0;
	}
	add_object(r, rec, kind);
	return r->fatal ? CW_ENOMEM : 0;
}

static int parse(reader *r, const char *buf, size_t len)
{
	static const cw_csv_limits limits = { CW_LIMIT_CASE_PACKAGE,
		                              CW_LIMIT_CASE_PACKAGE,
		                              MAX_COLUMNS };
	cw_csv *csv = NULL;
	int err = cw_csv_new(&csv, &limits, on_record, on_csv_problem, r);

	if (err == 0)
		err = cw_csv_feed(csv, buf, len);
	if (err == 0)
		err = cw_csv_finish(csv);
	cw_csv_free(csv);
	return err;
}

int cw_case_sheet_read(cw_buf *out, const char *buf, size_t len,
                       cw_case_diag_cb on_diag, void *payload)
{
	reader r = { on_diag, payload, 0,  0,  { NULL },
		     0,       -1,      -1, -1, cJSON_CreateObject(),
		     NULL,    NULL,    0 };
	char *text = NULL;
	int err = r.root ? parse(&r, buf, len) : CW_ENOMEM;

	if (err == 0 && !r.header_seen)
		problem(&r, 1, 1, "case.sheet.header", "the file is empty");
	if (err == CW_EINVAL || (err == 0 && r.errors))
		err = CW_EINVAL;
	else if (err == 0 && !(text = cJSON_PrintUnformatted(r.root)))
		err = CW_ENOMEM;
	if (err == 0)
		err = cw_buf_puts(out, text);
	cJSON_free(text);
	cJSON_Delete(r.root);
	for (size_t i = 0; i < MAX_COLUMNS; i++)
		cw_free(r.names[i]);
	return err;
}
