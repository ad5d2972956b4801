/* CASE imports; see case_import.h. Every object's strict 1.1 text is
 * written once into one buffer, and the store diffs those texts against
 * what it holds, so an unchanged package writes nothing. */
#include "engine/case_import.h"

#include "case/sheet.h"
#include "case/write.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	cw_store *store;
	int64_t tenant_id;
} lookup;

static int ignore(const cw_case_record *r, void *payload)
{
	(void)r;
	(void)payload;
	return 0;
}

static int known(const char *identifier, void *payload)
{
	lookup *l = payload;

	return l->store && cw_store_case_get(l->store, l->tenant_id, identifier,
	                                     ignore, NULL) == 0;
}

typedef struct {
	const cw_case_import_options *options;
	size_t errors;
} sheet_count;

static void count_sheet_diag(const cw_case_diag *d, void *payload)
{
	sheet_count *c = payload;

	c->errors++;
	if (c->options && c->options->on_diag)
		c->options->on_diag(d, c->options->diag_payload);
}

/* The spreadsheet CSV (case/sheet.h) becomes CFPackage JSON first. */
static int sheet_to_json(cw_buf *json, cw_case_import_result *result,
                         const char *buf, size_t len,
                         const cw_case_import_options *o)
{
	sheet_count c = { o, 0 };
	int err = cw_case_sheet_read(json, buf, len, count_sheet_diag, &c);

	result->errors = c.errors;
	return err;
}

static int read_package(cw_case_package **out, cw_case_import_result *result,
                        cw_store *store, int64_t tenant_id, const char *buf,
                        size_t len, const cw_case_import_options *o,
                        int background)
{
	lookup l = { store, tenant_id };
	cw_case_read_options ro = { known, &l, o ? o->on_diag : NULL,
		                    o ? o->diag_payload : NULL, background };
	cw_buf json = CW_BUF_INIT((size_t)CW_LIMIT_CASE_PACKAGE * 2);
	int err = 0;

	memset(result, 0, sizeof(*result));
	*out = NULL;
	if ((o && o->csv) || cw_case_sheet_is(buf, len)) {
		if ((err = sheet_to_json(&json, result, buf, len, o)) < 0)
			goto out;
		buf = cw_buf_cstr(&json);
		len = json.len;
	}
	err = cw_case_package_read(out, buf, len, &ro);
	if (*out) {
		result->errors = (*out)->errors;
		result->warnings = (*out)->warnings;
		snprintf(
		        result->document, sizeof(result->document), "%s",
		        cw_json_string((*out)->document, "identifier")
		                ? cw_json_string((*out)->document, "identifier")
		                : "");
		snprintf(result->title, sizeof(result->title), "%s",
		         cw_json_string((*out)->document, "title")
		                 ? cw_json_string((*out)->document, "title")
		                 : "");
	}
out:
	cw_buf_dispose(&json);
	return err;
}

int cw_case_validate_buffer(cw_case_import_result *out, cw_store *store,
                            int64_t tenant_id, const char *buf, size_t len,
                            const cw_case_import_options *options)
{
	cw_case_package *p = NULL;
	int err = read_package(&p, out, store, tenant_id, buf, len, options, 0);

	cw_case_package_free(p);
	return err;
}

/* ---- the records --------------------------------------------------------- */

typedef struct {
	cw_buf text; /* every body, NUL-terminated */
	struct {
		const cJSON *object;
		int kind;
		size_t at;
	} * items;
	size_t count, alloc;
	/* Each kind's bodies are contiguous: where they start, how many. */
	size_t first[CW_CASE_KIND_COUNT], n[CW_CASE_KIND_COUNT];
} bodies;

static int add_body(bodies *b, const cJSON *object, cw_case_kind kind)
{
	if (b->count == b->alloc) {
		size_t want = b->alloc ? b->alloc * 2 : 1024;
		void *grown = cw_realloc(b->items, want * sizeof(*b->items));

		if (!grown)
			return CW_ENOMEM;
		b->items = grown;
		b->alloc = want;
	}
	b->items[b->count].object = object;
	b->items[b->count].kind = kind;
	b->items[b->count].at = b->text.len;
	b->count++;
	cw_case_write_object(&b->text, object, kind, CW_CASE_V1P1, NULL);
	return cw_buf_putc(&b->text, '\0');
}

static int add_bodies(bodies *b, const cw_case_package *p)
{
	static const cw_case_kind kinds[] = { CW_CASE_ITEM,
		                              CW_CASE_ASSOCIATION,
		                              CW_CASE_CONCEPT,
		                              CW_CASE_SUBJECT,
		                              CW_CASE_LICENSE,
		                              CW_CASE_ITEM_TYPE,
		                              CW_CASE_ASSOCIATION_GROUPING,
		                              CW_CASE_RUBRIC };
	int err = add_body(b, p->document, CW_CASE_DOCUMENT);

	for (size_t k = 0; err == 0 && k < sizeof(kinds) / sizeof(kinds[0]);
	     k++) {
		const cJSON *e;

		b->first[kinds[k]] = b->count;
		cJSON_ArrayForEach(e, cw_case_package_list(p, kinds[k]))
		{
			if ((err = add_body(b, e, kinds[k])) < 0)
				break;
		}
		b->n[kinds[k]] = b->count - b->first[kinds[k]];
	}
	return err;
}

static void put_list(cw_buf *out, const bodies *b, cw_case_kind kind)
{
	cw_buf_putc(out, '[');
	for (size_t i = 0; i < b->n[kind]; i++) {
		if (i)
			cw_buf_putc(out, ',');
		cw_buf_puts(out,
		            b->text.data + b->items[b->first[kind] + i].at);
	}
	cw_buf_putc(out, ']');
}

static cw_case_kind kind_of_list(const char *name)
{
	for (int k = 0; k < CW_CASE_KIND_COUNT; k++)
		if (strcmp(cw_case_class_of((cw_case_kind)k)->collection,
		           name) == 0)
			return (cw_case_kind)k;
	return CW_CASE_NONE;
}

static void put_definitions(cw_buf *out, const bodies *b, const cJSON *defs)
{
	const cJSON *d;
	int first = 1;

	cw_buf_putc(out, '{');
	cJSON_ArrayForEach(d, defs)
	{
		cw_case_kind kind = kind_of_list(d->string);

		if (kind == CW_CASE_NONE)
			continue; /* as the writer does */
		cw_buf_printf(out, "%s\"%s\":", first ? "" : ",", d->string);
		put_list(out, b, kind);
		first = 0;
	}
	cw_buf_putc(out, '}');
}

/* The package's 1.1 text from the objects' texts just written, instead of
 * writing all of it a second time. */
static int package_text(cw_buf *out, const bodies *b, const cJSON *root)
{
	const cJSON *m;
	int first = 1;

	cw_buf_putc(out, '{');
	cJSON_ArrayForEach(m, root)
	{
		cw_case_kind kind = kind_of_list(m->string);

		cw_buf_printf(out, "%s\"%s\":", first ? "" : ",", m->string);
		first = 0;
		if (strcmp(m->string, "CFDocument") == 0) {
			cw_buf_puts(out, b->text.data + b->items[0].at);
		} else if (strcmp(m->string, "CFDefinitions") == 0) {
			put_definitions(out, b, m);
		} else if (kind != CW_CASE_NONE) {
			put_list(out, b, kind);
		} else {
			char *text = cJSON_PrintUnformatted(m);

			if (!text)
				return CW_ENOMEM;
			cw_buf_puts(out, text);
			cJSON_free(text);
		}
	}
	return cw_buf_putc(out, '}');
}

static const char *end_of(const cJSON *association, const char *end)
{
	return cw_json_string(
	        cJSON_GetObjectItemCaseSensitive(association, end),
	        "identifier");
}

/* The schema check ran on its thread while the rows went in: its verdict
 * decides whether they are committed. */
typedef struct {
	cw_case_package *p;
	cw_case_import_result *result;
	const cw_case_import_options *o;
} settling;

static int settle(void *payload)
{
	settling *s = payload;
	cw_case_read_options ro = { NULL, NULL, s->o ? s->o->on_diag : NULL,
		                    s->o ? s->o->diag_payload : NULL, 0 };
	int err;

	if (!s->p->pending)
		return s->p->errors ? CW_EINVAL : 0;
	err = cw_case_package_settle(s->p, &ro);
	s->result->errors = s->p->errors;
	s->result->warnings = s->p->warnings;
	return err;
}

static int store_package(cw_case_import_result *result, cw_store *store,
                         int64_t tenant_id, cw_case_package *p,
                         const cw_case_import_options *o)
{
	bodies b = { CW_BUF_INIT((size_t)1 << 31), NULL, 0, 0, { 0 }, { 0 } };
	cw_buf v11 = CW_BUF_INIT((size_t)1 << 31);
	cw_case_record *records = NULL;
	cw_case_import imp = { 0 };
	int err = add_bodies(&b, p);

	settling s = { p, result, o };

	if (err == 0)
		err = package_text(&v11, &b, p->root);
	if (err == 0 && !(records = cw_calloc(b.count + 1, sizeof(*records))))
		err = CW_ENOMEM;
	for (size_t i = 0; err == 0 && i < b.count; i++) {
		const cJSON *object = b.items[i].object;
		int assoc = b.items[i].kind == CW_CASE_ASSOCIATION;

		records[i] = (cw_case_record){
			cw_json_string(object, "identifier"),
			b.items[i].kind,
			b.text.data + b.items[i].at,
			0,
			assoc ? end_of(object, "originNodeURI") : NULL,
			assoc ? end_of(object, "destinationNodeURI") : NULL,
			NULL,
			0
		};
	}
	if (err == 0) {
		imp = (cw_case_import){ result->document,
			                result->title,
			                cw_json_string(p->document,
			                               "lastChangeDateTime"),
			                o ? o->source : NULL,
			                b.text.data + b.items[0].at,
			                v11.data,
			                v11.len,
			                records,
			                b.count,
			                settle,
			                &s };
		err = cw_store_case_import(store, tenant_id, &imp,
		                           result->counts);
	}
	if (err < 0) /* the check must end before the tree goes */
		(void)settle(&s);
	for (int k = 0; err == 0 && k < CW_STORE_CASE_KINDS; k++)
		result->changed |= result->counts[k].added ||
		                   result->counts[k].changed ||
		                   result->counts[k].retired;
	cw_free(records);
	cw_free(b.items);
	cw_buf_dispose(&b.text);
	cw_buf_dispose(&v11);
	return err;
}

static void audit(cw_store *store, const cw_case_import_options *o,
                  const cw_case_import_result *r, int err)
{
	cw_audit_entry a = { 0 };
	char detail[300];

	snprintf(detail, sizeof(detail), "%s%s%s",
	         err == 0 ? (r->changed ? "changed" : "unchanged")
	                  : cw_error_last(),
	         o && o->source ? " from " : "",
	         o && o->source ? o->source : "");
	a.actor = o && o->actor ? o->actor : "cli";
	a.tenant = o ? o->tenant : NULL;
	a.action = "case.import";
	a.target = r->document;
	a.outcome = err == 0 ? "success" : "failure";
	a.detail = detail;
	(void)cw_store_audit_append(store, &a);
}

int cw_case_import_buffer(cw_case_import_result *out, cw_store *store,
                          int64_t tenant_id, const char *buf, size_t len,
                          const cw_case_import_options *options)
{
	cw_case_package *p = NULL;
	int err = read_package(&p, out, store, tenant_id, buf, len, options, 1);

	if (err == 0)
		err = store_package(out, store, tenant_id, p, options);
	if (err != CW_EINVAL || !p)
		audit(store, options, out, err);
	cw_case_package_free(p);
	return err;
}

cJSON *cw_case_import_result_json(const cw_case_import_result *r)
{
	cJSON *doc = cJSON_CreateObject(), *counts;

	if (!doc)
		return NULL;
	cJSON_AddStringToObject(doc, "document", r->document);
	cJSON_AddStringToObject(doc, "title", r->title);
	cJSON_AddBoolToObject(doc, "changed", r->changed);
	cJSON_AddNumberToObject(doc, "errors", (double)r->errors);
	cJSON_AddNumberToObject(doc, "warnings", (double)r->warnings);
	counts = cJSON_AddObjectToObject(doc, "objects");
	for (int k = 0; counts && k < CW_CASE_KIND_COUNT; k++) {
		const cw_case_counts *c = &r->counts[k];
		cJSON *one;

		if (!c->added && !c->changed && !c->retired && !c->unchanged)
			continue;
		one = cJSON_AddObjectToObject(
		        counts, cw_case_class_of((cw_case_kind)k)->collection);
		cJSON_AddNumberToObject(one, "added", (double)c->added);
		cJSON_AddNumberToObject(one, "changed", (double)c->changed);
		cJSON_AddNumberToObject(one, "retired", (double)c->retired);
		cJSON_AddNumberToObject(one, "unchanged", (double)c->unchanged);
	}
	return doc;
}
