/* CFPackage reading: the JSON parsed once, then every object normalised in
 * place to the strict 1.1 form (members in class order, values in their
 * canonical forms); see package.h. The checks a schema cannot make are in
 * check.c. */
#include "case/package.h"

#include "case/check.h"
#include "schema/builtin.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/timeutil.h"

#include <ctype.h>
#include <pthread.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define POINTER_MAX  CW_CASE_POINTER_MAX
#define MAX_REPORTED 1000 /* diagnostics handed on; all are counted */

typedef cw_case_report_ctx reader;

void cw_case_report(cw_case_report_ctx *r, const char *pointer,
                    cw_case_severity severity, const char *code,
                    const char *fmt, ...)
{
	char message[600];
	va_list ap;
	cw_case_diag d;
	size_t *count = severity == CW_CASE_ERROR ? &r->package->errors
	                                          : &r->package->warnings;

	if ((*count)++ >= MAX_REPORTED || !r->options || !r->options->on_diag)
		return;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	d = (cw_case_diag){ pointer, severity, code, message };
	r->options->on_diag(&d, r->options->diag_payload);
}

/* pointer + "/" + token (RFC 6901: ~ as ~0, / as ~1), cut to fit. Called
 * for every member of every object: no printf. */
static void join(char out[POINTER_MAX], const char *pointer, const char *token)
{
	size_t n = strlen(pointer);

	if (n > POINTER_MAX - 2)
		n = POINTER_MAX - 2;
	memmove(out, pointer, n);
	out[n++] = '/';
	for (const char *t = token; *t && n + 3 < POINTER_MAX; t++) {
		if (*t == '~' || *t == '/') {
			out[n++] = '~';
			out[n++] = *t == '~' ? '0' : '1';
		} else {
			out[n++] = *t;
		}
	}
	out[n] = '\0';
}

static void join_index(char out[POINTER_MAX], const char *pointer, size_t i)
{
	char digits[24];
	size_t d = sizeof(digits);

	digits[--d] = '\0';
	do {
		digits[--d] = (char)('0' + i % 10);
		i /= 10;
	} while (i && d);
	join(out, pointer, digits + d);
}

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "null";
}

static int set_string(cJSON *v, const char *s)
{
	char *copy = cJSON_malloc(strlen(s) + 1);

	if (!copy)
		return CW_ENOMEM;
	memcpy(copy, s, strlen(s) + 1);
	if (v->valuestring)
		cJSON_free(v->valuestring);
	v->valuestring = copy;
	v->type = cJSON_String;
	return 0;
}

/* ---- values -------------------------------------------------------------- */

/* 1 kept, 0 dropped (null, or refused: reported), <0 error. */
static int uuid_value(cw_case_report_ctx *r, cJSON *v, const char *pointer)
{
	if (!cJSON_IsString(v) || !cw_case_uuid_shaped(v->valuestring)) {
		cw_case_report(r, pointer, CW_CASE_ERROR, "case.uuid",
		               "expected a UUID (8-4-4-4-12 hex digits), found "
		               "%s%s%.60s%s",
		               type_name(v), cJSON_IsString(v) ? " \"" : "",
		               cJSON_IsString(v) ? v->valuestring : "",
		               cJSON_IsString(v) ? "\"" : "");
		return 0;
	}
	for (char *p = v->valuestring; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 1;
}

static int datetime_value(cw_case_report_ctx *r, cJSON *v, const char *pointer)
{
	char text[CW_TIME_ISO_LEN];
	int64_t ms;

	if (!cJSON_IsString(v) || cw_time_parse_iso(v->valuestring, &ms) < 0) {
		cw_case_report(r, pointer, CW_CASE_ERROR, "case.datetime",
		               "expected an ISO 8601 date-time "
		               "(2024-03-12T19:10:16Z), found %s%s%.60s%s",
		               type_name(v), cJSON_IsString(v) ? " \"" : "",
		               cJSON_IsString(v) ? v->valuestring : "",
		               cJSON_IsString(v) ? "\"" : "");
		return 0;
	}
	cw_time_format_iso(ms, text);
	return set_string(v, text) < 0 ? CW_ENOMEM : 1;
}

static int date_value(cw_case_report_ctx *r, cJSON *v, const char *pointer)
{
	int64_t ms;
	char day[11];

	if (cJSON_IsString(v) && cw_time_parse_iso(v->valuestring, &ms) == 0) {
		if (strlen(v->valuestring) == 10)
			return 1;
		cw_case_report(r, pointer, CW_CASE_WARNING, "case.date",
		               "a date-time where a date is expected: "
		               "kept its day");
		snprintf(day, sizeof(day), "%.10s", v->valuestring);
		return set_string(v, day) < 0 ? CW_ENOMEM : 1;
	}
	cw_case_report(r, pointer, CW_CASE_ERROR, "case.date",
	               "expected a date (YYYY-MM-DD), found %s", type_name(v));
	return 0;
}

/* A number, or a string that is one (kept, with a warning). */
static int number_value(cw_case_report_ctx *r, cJSON *v, const char *pointer,
                        int whole)
{
	double d;
	char *end = NULL;

	if (cJSON_IsString(v)) {
		d = strtod(v->valuestring, &end);
		if (*v->valuestring && end && *end == '\0') {
			cw_case_report(r, pointer, CW_CASE_WARNING,
			               "case.number",
			               "a number written as a string");
			cJSON_free(v->valuestring);
			v->valuestring = NULL;
			v->type = cJSON_Number;
			cJSON_SetNumberValue(v, d);
		}
	}
	if (!cJSON_IsNumber(v) ||
	    (whole &&
	     (v->valuedouble > 2147483647.0 || v->valuedouble < -2147483648.0 ||
	      v->valuedouble != floor(v->valuedouble)))) {
		cw_case_report(r, pointer, CW_CASE_ERROR, "case.number",
		               "expected %s, found %s",
		               whole ? "a whole number" : "a number",
		               type_name(v));
		return 0;
	}
	return 1;
}

/* Strings; one string is a list of one (educationLevel: "09,10" split). */
static int strings_value(cw_case_report_ctx *r, cJSON *v, const char *pointer,
                         int split)
{
	const cJSON *e;
	size_t i = 0;

	if (cJSON_IsString(v)) {
		cJSON *list = cJSON_CreateArray();
		const char *p = v->valuestring;

		if (!list)
			return CW_ENOMEM;
		do {
			size_t n = split ? strcspn(p, ",") : strlen(p);
			char *one = cw_strndup(p, n);

			if (!one) {
				cJSON_Delete(list);
				return CW_ENOMEM;
			}
			if (n)
				cJSON_AddItemToArray(list,
				                     cJSON_CreateString(one));
			cw_free(one);
			p += n + (p[n] == ',');
		} while (split && *p);
		cJSON_free(v->valuestring);
		v->valuestring = NULL;
		v->type = cJSON_Array;
		v->child = list->child;
		list->child = NULL;
		cJSON_Delete(list);
		return 1;
	}
	if (!cJSON_IsArray(v)) {
		cw_case_report(r, pointer, CW_CASE_ERROR, "case.type",
		               "expected an array of strings, found %s",
		               type_name(v));
		return 0;
	}
	cJSON_ArrayForEach(e, v)
	{
		char at[POINTER_MAX];

		join_index(at, pointer, i++);
		if (!cJSON_IsString(e)) {
			cw_case_report(r, at, CW_CASE_ERROR, "case.type",
			               "expected a string, found %s",
			               type_name(e));
			return 0;
		}
	}
	return 1;
}

/* LinkURI {title, identifier, uri} (gen: identifier any string, and
 * targetType). */
static int link_value(cw_case_report_ctx *r, cJSON *v, const char *pointer,
                      int gen)
{
	cJSON *title = cJSON_GetObjectItemCaseSensitive(v, "title");
	cJSON *id = cJSON_GetObjectItemCaseSensitive(v, "identifier");
	cJSON *uri = cJSON_GetObjectItemCaseSensitive(v, "uri");
	cJSON *target = cJSON_GetObjectItemCaseSensitive(v, "targetType");
	const cJSON *m;
	char at[POINTER_MAX];

	if (!cJSON_IsObject(v)) {
		cw_case_report(r, pointer, CW_CASE_ERROR, "case.type",
		               "expected a link {title, identifier, uri}, "
		               "found %s",
		               type_name(v));
		return 0;
	}
	join(at, pointer, "identifier");
	if (gen && cJSON_IsString(id) && *id->valuestring) {
		if (cw_case_uuid_shaped(id->valuestring))
			uuid_value(r, id, at);
	} else if (gen || !id || !uuid_value(r, id, at)) {
		if (!id || gen)
			cw_case_report(r, at, CW_CASE_ERROR, "case.required",
			               "a link needs an identifier");
		return 0;
	}
	join(at, pointer, "uri");
	if (!cJSON_IsString(uri) || !*uri->valuestring) {
		cw_case_report(r, at, CW_CASE_ERROR, "case.required",
		               "a link needs a uri");
		return 0;
	}
	if (!cJSON_IsString(title)) {
		join(at, pointer, "title");
		cw_case_report(
		        r, at, CW_CASE_WARNING, "case.link.title",
		        "a link without a title: its identifier is used");
		cJSON_DeleteItemFromObjectCaseSensitive(v, "title");
		cJSON_AddStringToObject(v, "title", id->valuestring);
	}
	if (target && !(gen && cJSON_IsString(target)))
		cJSON_DeleteItemFromObjectCaseSensitive(v, "targetType");
	/* Nothing else belongs in a link. */
	for (m = v->child; m;) {
		const cJSON *next = m->next;

		if (strcmp(m->string, "title") &&
		    strcmp(m->string, "identifier") &&
		    strcmp(m->string, "uri") && strcmp(m->string, "targetType"))
			cJSON_DeleteItemFromObjectCaseSensitive(v, m->string);
		m = next;
	}
	return 1;
}

static int links_value(cw_case_report_ctx *r, cJSON *v, const char *pointer)
{
	cJSON *e;
	size_t i = 0;

	if (cJSON_IsObject(v)) {
		/* One link where a list belongs: a list of one. */
		cJSON *copy = cJSON_Duplicate(v, 1);

		if (!copy)
			return CW_ENOMEM;
		while (v->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(v, v->child));
		v->type = cJSON_Array;
		cJSON_AddItemToArray(v, copy);
	}
	if (!cJSON_IsArray(v)) {
		cw_case_report(r, pointer, CW_CASE_ERROR, "case.type",
		               "expected an array of links, found %s",
		               type_name(v));
		return 0;
	}
	cJSON_ArrayForEach(e, v)
	{
		char at[POINTER_MAX];

		join_index(at, pointer, i++);
		if (link_value(r, e, at, 0) <= 0)
			return 0;
	}
	return 1;
}

static int association_type_value(cw_case_report_ctx *r, cJSON *v,
                                  const char *pointer)
{
	static const char *const known[] = {
		"isChildOf",       "isPeerOf", "isPartOf",
		"exactMatchOf",    "precedes", "isRelatedTo",
		"replacedBy",      "exemplar", "hasSkillLevel",
		"isTranslationOf", NULL
	};

	if (cJSON_IsString(v) && cw_case_association_type(v->valuestring))
		return 1;
	for (const char *const *k = known; cJSON_IsString(v) && *k; k++)
		if (strcasecmp(*k, v->valuestring) == 0) {
			cw_case_report(r, pointer, CW_CASE_WARNING,
			               "case.association.type",
			               "\"%.60s\" read as \"%s\"",
			               v->valuestring, *k);
			return set_string(v, *k) < 0 ? CW_ENOMEM : 1;
		}
	cw_case_report(r, pointer, CW_CASE_ERROR, "case.association.type",
	               "expected an associationType (isChildOf, isPeerOf, "
	               "isPartOf, exactMatchOf, precedes, isRelatedTo, "
	               "replacedBy, exemplar, hasSkillLevel, isTranslationOf "
	               "or ext:name), found %s%s%.60s%s",
	               type_name(v), cJSON_IsString(v) ? " \"" : "",
	               cJSON_IsString(v) ? v->valuestring : "",
	               cJSON_IsString(v) ? "\"" : "");
	return 0;
}

static int normalize_object(reader *rd, cJSON *o, cw_case_kind kind,
                            const char *pointer);

static int children_value(reader *rd, cJSON *v, const char *pointer,
                          cw_case_kind kind)
{
	cw_case_report_ctx r = { rd->options, rd->package };
	cJSON *e;
	size_t i = 0;
	int err = 0;

	if (!cJSON_IsArray(v)) {
		cw_case_report(&r, pointer, CW_CASE_ERROR, "case.type",
		               "expected an array of %s objects, found %s",
		               cw_case_class_of(kind)->name, type_name(v));
		return 0;
	}
	cJSON_ArrayForEach(e, v)
	{
		char at[POINTER_MAX];

		join_index(at, pointer, i++);
		if ((err = normalize_object(rd, e, kind, at)) < 0)
			return err;
	}
	return 1;
}

/* The value v of member m in its canonical form: 1 kept, 0 dropped. */
static int member_value(reader *rd, const cw_case_member *m, cJSON *v,
                        const char *pointer)
{
	cw_case_report_ctx r = { rd->options, rd->package };

	if (cJSON_IsNull(v) && (m->flags & CW_CASE_REQUIRED) &&
	    m->type == CW_CASE_T_STRING) {
		cw_case_report(&r, pointer, CW_CASE_WARNING, "case.null",
		               "null where a string is required: read as \"\"");
		return set_string(v, "") < 0 ? CW_ENOMEM : 1;
	}
	if (cJSON_IsNull(v))
		return 0; /* null is absent */
	switch (m->type) {
	case CW_CASE_T_UUID: return uuid_value(&r, v, pointer);
	case CW_CASE_T_STRING:
	case CW_CASE_T_URI:
		if (cJSON_IsString(v) &&
		    (m->type == CW_CASE_T_STRING || *v->valuestring))
			return 1;
		cw_case_report(&r, pointer, CW_CASE_ERROR, "case.type",
		               "expected %s, found %s",
		               m->type == CW_CASE_T_URI ? "a URI" : "a string",
		               cJSON_IsString(v) ? "an empty string"
		                                 : type_name(v));
		return 0;
	case CW_CASE_T_DATETIME: return datetime_value(&r, v, pointer);
	case CW_CASE_T_DATE: return date_value(&r, v, pointer);
	case CW_CASE_T_STRINGS:
		return strings_value(&r, v, pointer,
		                     strcmp(m->name, "educationLevel") == 0);
	case CW_CASE_T_LINK: return link_value(&r, v, pointer, 0);
	case CW_CASE_T_LINKS: return links_value(&r, v, pointer);
	case CW_CASE_T_LINK_GEN: return link_value(&r, v, pointer, 1);
	case CW_CASE_T_INT: return number_value(&r, v, pointer, 1);
	case CW_CASE_T_NUMBER: return number_value(&r, v, pointer, 0);
	case CW_CASE_T_ASSOC: return association_type_value(&r, v, pointer);
	case CW_CASE_T_EXTENSIONS:
		if (cJSON_IsObject(v) || cJSON_IsArray(v))
			return 1;
		cw_case_report(&r, pointer, CW_CASE_ERROR, "case.type",
		               "expected an object, found %s", type_name(v));
		return 0;
	case CW_CASE_T_CHILDREN:
		return children_value(rd, v, pointer, m->child);
	}
	return 0;
}

/* Older names of members: found under them, kept under the new one. */
static const char *current_name(cw_case_kind kind, const char *name)
{
	if (kind == CW_CASE_ITEM && strcmp(name, "educationalLevel") == 0)
		return "educationLevel";
	return name;
}

static int dropped(const cw_case_class *c, const char *name)
{
	for (const char *const *d = c->dropped; d && *d; d++)
		if (strcmp(*d, name) == 0)
			return 1;
	return 0;
}

/* Members the model does not have go under the object's extensions, so
 * nothing is lost (a warning says so). */
static int keep_unknown(reader *rd, cJSON *o, cJSON *kept,
                        const cw_case_class *c, const char *pointer)
{
	cw_case_report_ctx r = { rd->options, rd->package };
	cJSON *ext = NULL;

	while (o->child) {
		cJSON *m = cJSON_DetachItemViaPointer(o, o->child);
		char at[POINTER_MAX];

		if (dropped(c, m->string) || cJSON_IsNull(m)) {
			cJSON_Delete(m);
			continue;
		}
		join(at, pointer, m->string);
		cw_case_report(&r, at, CW_CASE_WARNING, "case.member.unknown",
		               "not a member of %s: kept under extensions",
		               c->name);
		if (!ext) {
			ext = cJSON_GetObjectItemCaseSensitive(kept,
			                                       "extensions");
			if (!cJSON_IsObject(ext)) {
				cJSON_DeleteItemFromObjectCaseSensitive(
				        kept, "extensions");
				ext = cJSON_AddObjectToObject(kept,
				                              "extensions");
			}
			if (!ext) {
				cJSON_Delete(m);
				return CW_ENOMEM;
			}
		}
		cJSON_DeleteItemFromObjectCaseSensitive(ext, m->string);
		cJSON_AddItemToObject(ext, m->string, m);
	}
	return 0;
}

/* The members of o the class has, detached into their slots (the first
 * of a repeated name wins; the rest stay in o as unknown). */
static void take_known(cJSON *o, const cw_case_class *c, cw_case_kind kind,
                       cJSON *slot[CW_CASE_MAX_MEMBERS])
{
	for (cJSON *m = o->child, *next; m; m = next) {
		int i = cw_case_member_index(c, current_name(kind, m->string));

		next = m->next;
		if (i >= 0 && !slot[i])
			slot[i] = cJSON_DetachItemViaPointer(o, m);
	}
}

/* o in place: its members in class order, each in canonical form. */
static int normalize_object(reader *rd, cJSON *o, cw_case_kind kind,
                            const char *pointer)
{
	const cw_case_class *c = cw_case_class_of(kind);
	cw_case_report_ctx r = { rd->options, rd->package };
	cJSON *slot[CW_CASE_MAX_MEMBERS] = { NULL }, *kept;
	int err = 0;

	if (!cJSON_IsObject(o)) {
		cw_case_report(&r, pointer, CW_CASE_ERROR, "case.type",
		               "expected a %s object, found %s", c->name,
		               type_name(o));
		return 0;
	}
	if (!(kept = cJSON_CreateObject()))
		return CW_ENOMEM;
	take_known(o, c, kind, slot);
	for (size_t i = 0; i < c->member_count; i++) {
		const cw_case_member *m = &c->members[i];
		cJSON *v = slot[i];
		int absent = !v || cJSON_IsNull(v);
		char at[POINTER_MAX];

		if (err < 0) {
			cJSON_Delete(v);
			continue;
		}
		join(at, pointer, v ? v->string : m->name);
		err = v ? member_value(rd, m, v, at) : 0;
		if (err > 0) {
			cJSON_AddItemToObject(kept, m->name, v);
			continue;
		}
		cJSON_Delete(v);
		if (err == 0 && (m->flags & CW_CASE_REQUIRED) && absent)
			cw_case_report(
			        &r, pointer, CW_CASE_ERROR, "case.required",
			        "%s has no %s (required)", c->name, m->name);
	}
	if (err >= 0)
		err = keep_unknown(rd, o, kept, c, pointer);
	/* kept's members become o's. */
	o->child = kept->child;
	kept->child = NULL;
	cJSON_Delete(kept);
	return err < 0 ? err : 0;
}

/* ---- the package --------------------------------------------------------- */

static int normalize_list(reader *rd, cJSON *list, cw_case_kind kind,
                          const char *pointer)
{
	cw_case_report_ctx r = { rd->options, rd->package };
	cJSON *e;
	size_t i = 0;
	int err = 0;

	if (!cJSON_IsArray(list)) {
		cw_case_report(&r, pointer, CW_CASE_ERROR, "case.type",
		               "expected an array of %s, found %s",
		               cw_case_class_of(kind)->name, type_name(list));
		return 0;
	}
	if (cJSON_GetArraySize(list) > CW_CASE_MAX_OBJECTS) {
		cw_case_report(&r, pointer, CW_CASE_ERROR, "case.too_many",
		               "more than %d objects", CW_CASE_MAX_OBJECTS);
		return 0;
	}
	cJSON_ArrayForEach(e, list)
	{
		char at[POINTER_MAX];

		join_index(at, pointer, i++);
		if ((err = normalize_object(rd, e, kind, at)) < 0)
			return err;
	}
	return 0;
}

/* CFDefinitions: an object of the five lists ([] read as {}). */
static int normalize_definitions(reader *rd, cJSON *defs)
{
	cw_case_report_ctx r = { rd->options, rd->package };
	int err = 0;

	if (cJSON_IsArray(defs) && !defs->child) {
		defs->type = cJSON_Object;
		return 0;
	}
	if (!cJSON_IsObject(defs)) {
		cw_case_report(&r, "/CFDefinitions", CW_CASE_ERROR, "case.type",
		               "expected an object, found %s", type_name(defs));
		return 0;
	}
	for (size_t i = 0; err == 0 && i < 5; i++) {
		const cw_case_class *c =
		        cw_case_class_of(cw_case_definition_kinds[i]);
		cJSON *list =
		        cJSON_GetObjectItemCaseSensitive(defs, c->collection);
		char at[POINTER_MAX];

		join(at, "/CFDefinitions", c->collection);
		if (cJSON_IsNull(list))
			cJSON_DeleteItemFromObjectCaseSensitive(defs,
			                                        c->collection);
		else if (list)
			err = normalize_list(rd, list, c->kind, at);
	}
	return err;
}

/* The root's members in order; unknown ones under extensions. */
static int normalize_root(reader *rd, cJSON *root)
{
	static const struct {
		const char *name;
		cw_case_kind kind; /* NONE: definitions */
	} lists[] = { { "CFItems", CW_CASE_ITEM },
		      { "CFAssociations", CW_CASE_ASSOCIATION },
		      { "CFRubrics", CW_CASE_RUBRIC } };
	cw_case_report_ctx r = { rd->options, rd->package };
	cJSON *doc = cJSON_GetObjectItemCaseSensitive(root, "CFDocument");
	cJSON *defs = cJSON_GetObjectItemCaseSensitive(root, "CFDefinitions");
	int err;

	if (!cJSON_IsObject(doc)) {
		cw_case_report(&r, "/CFDocument", CW_CASE_ERROR,
		               "case.required",
		               "a CFPackage needs one CFDocument object");
		return 0;
	}
	if ((err = normalize_object(rd, doc, CW_CASE_DOCUMENT, "/CFDocument")) <
	    0)
		return err;
	for (size_t i = 0; i < 3; i++) {
		cJSON *list =
		        cJSON_GetObjectItemCaseSensitive(root, lists[i].name);
		char at[POINTER_MAX];

		join(at, "", lists[i].name);
		if (cJSON_IsNull(list))
			cJSON_DeleteItemFromObjectCaseSensitive(root,
			                                        lists[i].name);
		else if (list && (err = normalize_list(rd, list, lists[i].kind,
		                                       at)) < 0)
			return err;
	}
	if (cJSON_IsNull(defs))
		cJSON_DeleteItemFromObjectCaseSensitive(root, "CFDefinitions");
	else if (defs && (err = normalize_definitions(rd, defs)) < 0)
		return err;
	return 0;
}

/* Root members in package order: CFDocument, CFItems, CFAssociations,
 * CFDefinitions, CFRubrics, extensions; anything else under extensions. */
static int order_root(reader *rd, cJSON *root)
{
	static const char *const order[] = { "CFDocument",     "CFItems",
		                             "CFAssociations", "CFDefinitions",
		                             "CFRubrics",      "extensions" };
	cw_case_report_ctx r = { rd->options, rd->package };
	cJSON *kept = cJSON_CreateObject(), *ext = NULL;

	if (!kept)
		return CW_ENOMEM;
	for (size_t i = 0; i < 6; i++) {
		cJSON *v =
		        cJSON_DetachItemFromObjectCaseSensitive(root, order[i]);

		if (v)
			cJSON_AddItemToObject(kept, order[i], v);
		else if (i == 1 || i == 2)
			cJSON_AddArrayToObject(kept, order[i]);
	}
	while (root->child) {
		cJSON *m = cJSON_DetachItemViaPointer(root, root->child);
		char at[POINTER_MAX];

		if (strcmp(m->string, "CFPackageURI") == 0) {
			cJSON_Delete(m);
			continue;
		}
		join(at, "", m->string);
		cw_case_report(&r, at, CW_CASE_WARNING, "case.member.unknown",
		               "not a member of CFPackage: kept under "
		               "extensions");
		ext = ext ? ext
		          : cJSON_GetObjectItemCaseSensitive(kept,
		                                             "extensions");
		if (!cJSON_IsObject(ext))
			ext = cJSON_AddObjectToObject(kept, "extensions");
		if (ext)
			cJSON_AddItemToObject(ext, m->string, m);
		else
			cJSON_Delete(m);
	}
	root->child = kept->child;
	kept->child = NULL;
	cJSON_Delete(kept);
	return 0;
}

/* schemas/case/v1p1/cfpackage.json, compiled once for every reader. */
static cw_schema *package_schema;
static int package_schema_err;

static void compile_schema(void)
{
	cw_schema_options o;

	cw_schema_options_init(&o);
	o.format_assert = 1;
	o.max_work = 1L << 40; /* the package is capped; its size bounds it */
	o.max_errors = 1000;
	package_schema_err = cw_schema_builtin_compile(
	        &package_schema, CW_SCHEMA_SET_CASE_V1P1, "cfpackage.json", &o);
}

static int compiled_schema(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, compile_schema);
	if (package_schema_err < 0) {
		cw_error_set("the CASE package schema does not compile");
		return CW_ESTORE;
	}
	return 0;
}

static int report_schema(cw_case_report_ctx *r, cw_schema_result *result)
{
	for (size_t i = 0; i < result->count; i++)
		cw_case_report(r, result->errors[i].instance_location,
		               CW_CASE_ERROR, "case.schema", "%s",
		               result->errors[i].message);
	cw_schema_result_dispose(result);
	return 0;
}

/* A schema check on its own thread; its result is reported on settle. */
typedef struct {
	pthread_t thread;
	const cJSON *root;
	cw_schema_result result;
	int err;
} pending_check;

static void *check_in_background(void *arg)
{
	pending_check *c = arg;

	c->err = cw_schema_validate(&c->result, package_schema, c->root);
	return NULL;
}

/* The strict form against the CASE 1.1 package schema: what the reader
 * let through must still be a package the spec allows. */
static int schema_check(cw_case_report_ctx *r, const cJSON *root,
                        int background)
{
	cw_schema_result result = { NULL, 0, 0 };
	pending_check *c;
	int err = compiled_schema();

	if (err < 0)
		return err;
	if (background && (c = cw_calloc(1, sizeof(*c)))) {
		c->root = root;
		if (pthread_create(&c->thread, NULL, check_in_background, c) ==
		    0) {
			r->package->pending = c;
			return 0;
		}
		cw_free(c); /* no thread: checked here */
	}
	err = cw_schema_validate(&result, package_schema, root);
	report_schema(r, &result);
	return err == CW_ENOMEM ? err : 0;
}

int cw_case_package_settle(cw_case_package *package,
                           const cw_case_read_options *options)
{
	cw_case_report_ctx r = { options, package };
	pending_check *c = package ? package->pending : NULL;
	int err = 0;

	if (c) {
		pthread_join(c->thread, NULL);
		package->pending = NULL;
		err = c->err == CW_ENOMEM ? CW_ENOMEM : 0;
		report_schema(&r, &c->result);
		cw_free(c);
	}
	if (err < 0)
		return err;
	return package && package->errors ? CW_EINVAL : 0;
}

int cw_case_package_read(cw_case_package **out, const char *buf, size_t len,
                         const cw_case_read_options *options)
{
	cw_case_package *p = cw_calloc(1, sizeof(*p));
	reader rd = { options, p };
	cw_case_report_ctx r = { options, p };
	cw_json_position where;
	int err;

	*out = NULL;
	if (!p)
		return CW_ENOMEM;
	err = cw_json_parse(&p->root, buf, len, CW_CASE_MAX_DEPTH, &where);
	if (err < 0) {
		char at[64];

		snprintf(at, sizeof(at), "line %d, column %d", where.line,
		         where.column);
		cw_case_report(&r, "", CW_CASE_ERROR,
		               err == CW_ETOOBIG ? "case.depth" : "case.json",
		               "%s: %s", at,
		               err == CW_ETOOBIG ? "nested too deep"
		                                 : cw_error_last());
		*out = p;
		return CW_EINVAL;
	}
	if (!cJSON_IsObject(p->root)) {
		cw_case_report(&r, "", CW_CASE_ERROR, "case.type",
		               "expected a CFPackage object, found %s",
		               type_name(p->root));
		*out = p;
		return CW_EINVAL;
	}
	err = normalize_root(&rd, p->root);
	if (err == 0)
		err = order_root(&rd, p->root);
	if (err == 0 && p->errors == 0)
		err = schema_check(&r, p->root,
		                   options && options->schema_in_background);
	if (err == 0)
		err = cw_case_check(p, options);
	p->document = cJSON_GetObjectItemCaseSensitive(p->root, "CFDocument");
	if (err < 0) {
		cw_case_package_free(p);
		return err;
	}
	*out = p;
	return p->errors ? CW_EINVAL : 0;
}

void cw_case_package_free(cw_case_package *package)
{
	if (!package)
		return;
	(void)cw_case_package_settle(package, NULL);
	cJSON_Delete(package->root);
	cw_free(package);
}

const cJSON *cw_case_package_list(const cw_case_package *package,
                                  cw_case_kind kind)
{
	const cw_case_class *c = cw_case_class_of(kind);
	const cJSON *defs;

	if (!package || !c)
		return NULL;
	if (kind == CW_CASE_ITEM || kind == CW_CASE_ASSOCIATION ||
	    kind == CW_CASE_RUBRIC)
		return cJSON_GetObjectItemCaseSensitive(package->root,
		                                        c->collection);
	defs = cJSON_GetObjectItemCaseSensitive(package->root, "CFDefinitions");
	return cJSON_GetObjectItemCaseSensitive(defs, c->collection);
}
