/* OneRoster 1.2 gradebook writes: PUT and DELETE of lineItems and results,
 * the way mastery comes back from CBE tools. A body is mapped onto the CSV
 * columns of its file and checked by the same row reader as an import (so
 * the rules are the same), its references against the tenant, and written
 * with its score-scale and learning-objective link rows in one transaction
 * through the import path: the change log and the exports see it. A
 * problem answers 422 with the JSON pointer of the member at fault. */
#include "http/api.h"

#include "engine/roster_import.h"
#include "engine/roster_index.h"
#include "http/server.h"
#include "roster/fields.h"
#include "roster/rest.h"
#include "roster/rows.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINKS 64 /* objectives (and one scale) per object */

typedef enum {
	M_STRING,
	M_DATE,
	M_NUMBER,
	M_BOOL,
	M_REF,
	M_PAIRS /* [{"itemValueLHS", "itemValueRHS"}] */
} member_kind;

typedef struct {
	const char *member, *column;
	member_kind kind;
	cw_or_entity target; /* M_REF */
} member_spec;

static const member_spec result_members[] = {
	{ "lineItem", "lineItemSourcedId", M_REF, CW_OR_LINE_ITEMS },
	{ "student", "studentSourcedId", M_REF, CW_OR_USERS },
	{ "class", "classSourcedId", M_REF, CW_OR_CLASSES },
	{ "scoreStatus", "scoreStatus", M_STRING, CW_OR_NONE },
	{ "score", "score", M_NUMBER, CW_OR_NONE },
	{ "scoreDate", "scoreDate", M_DATE, CW_OR_NONE },
	{ "comment", "comment", M_STRING, CW_OR_NONE },
	{ "textScore", "textScore", M_STRING, CW_OR_NONE },
	{ "inProgress", "inProgress", M_BOOL, CW_OR_NONE },
	{ "incomplete", "incomplete", M_BOOL, CW_OR_NONE },
	{ "late", "late", M_BOOL, CW_OR_NONE },
	{ "missing", "missing", M_BOOL, CW_OR_NONE },
	{ NULL, NULL, M_STRING, CW_OR_NONE },
};

static const member_spec line_item_members[] = {
	{ "title", "title", M_STRING, CW_OR_NONE },
	{ "description", "description", M_STRING, CW_OR_NONE },
	{ "assignDate", "assignDate", M_DATE, CW_OR_NONE },
	{ "dueDate", "dueDate", M_DATE, CW_OR_NONE },
	{ "class", "classSourcedId", M_REF, CW_OR_CLASSES },
	{ "category", "categorySourcedId", M_REF, CW_OR_CATEGORIES },
	{ "gradingPeriod", "academicSessionSourcedId", M_REF,
	  CW_OR_ACADEMIC_SESSIONS },
	{ "resultValueMin", "resultValueMin", M_NUMBER, CW_OR_NONE },
	{ "resultValueMax", "resultValueMax", M_NUMBER, CW_OR_NONE },
	{ "school", "schoolSourcedId", M_REF, CW_OR_ORGS },
	{ NULL, NULL, M_STRING, CW_OR_NONE },
};

static const member_spec category_members[] = {
	{ "title", "title", M_STRING, CW_OR_NONE },
	{ "weight", "weight", M_NUMBER, CW_OR_NONE },
	{ NULL, NULL, M_STRING, CW_OR_NONE },
};

static const member_spec score_scale_members[] = {
	{ "title", "title", M_STRING, CW_OR_NONE },
	{ "type", "type", M_STRING, CW_OR_NONE },
	{ "class", "classSourcedId", M_REF, CW_OR_CLASSES },
	{ "course", "courseSourcedId", M_REF, CW_OR_COURSES },
	{ "scoreScaleValue", "scoreScaleValue", M_PAIRS, CW_OR_NONE },
	{ NULL, NULL, M_STRING, CW_OR_NONE },
};

typedef struct {
	cw_or_entity entity, scales, objectives;
	cw_ri_link scales_link, objectives_link;
	const member_spec *members;
	const char *what; /* "result" */
	int links;        /* has score-scale and objective link rows */
	int v11;          /* the 1.1 binding: 1.2-only columns are kept */
} kind;

static const kind result_kind = { CW_OR_RESULTS,
	                          CW_OR_RESULT_SCORE_SCALES,
	                          CW_OR_RESULT_LEARNING_OBJECTIVE_IDS,
	                          CW_RI_SCALES_BY_RESULT,
	                          CW_RI_OBJECTIVES_BY_RESULT,
	                          result_members,
	                          "result",
	                          1,
	                          0 };
static const kind line_item_kind = { CW_OR_LINE_ITEMS,
	                             CW_OR_LINE_ITEM_SCORE_SCALES,
	                             CW_OR_LINE_ITEM_LEARNING_OBJECTIVE_IDS,
	                             CW_RI_SCALES_BY_LINE_ITEM,
	                             CW_RI_OBJECTIVES_BY_LINE_ITEM,
	                             line_item_members,
	                             "lineItem",
	                             1,
	                             0 };
static const kind category_kind = { CW_OR_CATEGORIES,
	                            CW_OR_NONE,
	                            CW_OR_NONE,
	                            CW_RI_LINK_COUNT,
	                            CW_RI_LINK_COUNT,
	                            category_members,
	                            "category",
	                            0,
	                            0 };
static const kind score_scale_kind = { CW_OR_SCORE_SCALES,
	                               CW_OR_NONE,
	                               CW_OR_NONE,
	                               CW_RI_LINK_COUNT,
	                               CW_RI_LINK_COUNT,
	                               score_scale_members,
	                               "scoreScale",
	                               0,
	                               0 };

/* OneRoster 1.1: the members its binding has. A lineItem's school is its
 * class's; the columns 1.1 lacks (a result's textScore, a category's
 * weight …) keep what the row held, so a 1.1 client loses nothing a 1.2
 * one wrote. */
static const member_spec result_members_v11[] = {
	{ "lineItem", "lineItemSourcedId", M_REF, CW_OR_LINE_ITEMS },
	{ "student", "studentSourcedId", M_REF, CW_OR_USERS },
	{ "scoreStatus", "scoreStatus", M_STRING, CW_OR_NONE },
	{ "score", "score", M_NUMBER, CW_OR_NONE },
	{ "scoreDate", "scoreDate", M_DATE, CW_OR_NONE },
	{ "comment", "comment", M_STRING, CW_OR_NONE },
	{ NULL, NULL, M_STRING, CW_OR_NONE },
};

static const member_spec line_item_members_v11[] = {
	{ "title", "title", M_STRING, CW_OR_NONE },
	{ "description", "description", M_STRING, CW_OR_NONE },
	{ "assignDate", "assignDate", M_DATE, CW_OR_NONE },
	{ "dueDate", "dueDate", M_DATE, CW_OR_NONE },
	{ "class", "classSourcedId", M_REF, CW_OR_CLASSES },
	{ "category", "categorySourcedId", M_REF, CW_OR_CATEGORIES },
	{ "gradingPeriod", "academicSessionSourcedId", M_REF,
	  CW_OR_ACADEMIC_SESSIONS },
	{ "resultValueMin", "resultValueMin", M_NUMBER, CW_OR_NONE },
	{ "resultValueMax", "resultValueMax", M_NUMBER, CW_OR_NONE },
	{ NULL, NULL, M_STRING, CW_OR_NONE },
};

static const member_spec category_members_v11[] = {
	{ "title", "title", M_STRING, CW_OR_NONE },
	{ NULL, NULL, M_STRING, CW_OR_NONE },
};

static const kind result_kind_v11 = { CW_OR_RESULTS,
	                              CW_OR_NONE,
	                              CW_OR_NONE,
	                              CW_RI_LINK_COUNT,
	                              CW_RI_LINK_COUNT,
	                              result_members_v11,
	                              "result",
	                              0,
	                              1 };
static const kind line_item_kind_v11 = { CW_OR_LINE_ITEMS,
	                                 CW_OR_NONE,
	                                 CW_OR_NONE,
	                                 CW_RI_LINK_COUNT,
	                                 CW_RI_LINK_COUNT,
	                                 line_item_members_v11,
	                                 "lineItem",
	                                 0,
	                                 1 };
static const kind category_kind_v11 = { CW_OR_CATEGORIES,
	                                CW_OR_NONE,
	                                CW_OR_NONE,
	                                CW_RI_LINK_COUNT,
	                                CW_RI_LINK_COUNT,
	                                category_members_v11,
	                                "category",
	                                0,
	                                1 };

/* The assessment results profile: references are columns of the row (its
 * scale too); learning objectives are link rows, as for lineItems. */
static const member_spec assessment_line_item_members[] = {
	{ "title", "title", M_STRING, CW_OR_NONE },
	{ "description", "description", M_STRING, CW_OR_NONE },
	{ "class", "classSourcedId", M_REF, CW_OR_CLASSES },
	{ "parentAssessmentLineItem", "parentAssessmentLineItemSourcedId",
	  M_REF, CW_OR_ASSESSMENT_LINE_ITEMS },
	{ "scoreScale", "scoreScaleSourcedId", M_REF, CW_OR_SCORE_SCALES },
	{ "resultValueMin", "resultValueMin", M_NUMBER, CW_OR_NONE },
	{ "resultValueMax", "resultValueMax", M_NUMBER, CW_OR_NONE },
	{ NULL, NULL, M_STRING, CW_OR_NONE },
};

static const member_spec assessment_result_members[] = {
	{ "assessmentLineItem", "assessmentLineItemSourcedId", M_REF,
	  CW_OR_ASSESSMENT_LINE_ITEMS },
	{ "student", "studentSourcedId", M_REF, CW_OR_USERS },
	{ "score", "score", M_NUMBER, CW_OR_NONE },
	{ "textScore", "textScore", M_STRING, CW_OR_NONE },
	{ "scoreDate", "scoreDate", M_DATE, CW_OR_NONE },
	{ "scoreScale", "scoreScaleSourcedId", M_REF, CW_OR_SCORE_SCALES },
	{ "scorePercentile", "scorePercentile", M_NUMBER, CW_OR_NONE },
	{ "scoreStatus", "scoreStatus", M_STRING, CW_OR_NONE },
	{ "comment", "comment", M_STRING, CW_OR_NONE },
	{ "inProgress", "inProgress", M_BOOL, CW_OR_NONE },
	{ "incomplete", "incomplete", M_BOOL, CW_OR_NONE },
	{ "late", "late", M_BOOL, CW_OR_NONE },
	{ "missing", "missing", M_BOOL, CW_OR_NONE },
	{ NULL, NULL, M_STRING, CW_OR_NONE },
};

static const kind assessment_line_item_kind = {
	CW_OR_ASSESSMENT_LINE_ITEMS,
	CW_OR_NONE,
	CW_OR_ASSESSMENT_LINE_ITEM_LEARNING_OBJECTIVE_IDS,
	CW_RI_LINK_COUNT,
	CW_RI_OBJECTIVES_BY_ASSESSMENT_LINE_ITEM,
	assessment_line_item_members,
	"assessmentLineItem",
	1,
	0
};
static const kind assessment_result_kind = {
	CW_OR_ASSESSMENT_RESULTS,
	CW_OR_NONE,
	CW_OR_ASSESSMENT_RESULT_LEARNING_OBJECTIVE_IDS,
	CW_RI_LINK_COUNT,
	CW_RI_OBJECTIVES_BY_ASSESSMENT_RESULT,
	assessment_result_members,
	"assessmentResult",
	1,
	0
};

/* Objectives with a score and textScore (results), not bare ids. */
static int scored(const kind *k)
{
	return k->entity == CW_OR_RESULTS ||
	       k->entity == CW_OR_ASSESSMENT_RESULTS;
}

/* A body on its way to rows: a cell per column of the entity's file, the
 * pointer each came from, the link rows. */
typedef struct {
	const kind *k;
	const char *id;
	cw_or_cell cells[CW_OR_FIELDS_MAX];
	const char *pointers[CW_OR_FIELDS_MAX];
	char text[CW_OR_FIELDS_MAX][64]; /* numbers and booleans made text */
	const cJSON *metadata;
	const char *scale; /* scoreScale.sourcedId, or NULL */
	struct {
		const char *source, *objective, *text_score;
		char score[64];
	} objectives[MAX_LINKS];
	size_t objective_count;
	char pairs[4096];  /* scoreScaleValue as "{L:R},{L:R}" */
	char org[256];     /* a scoreScale's org, from its class */
	char kept[8192];   /* 1.2-only values a 1.1 write keeps */
	char base[64];     /* "/result", or "/results/3" in a POST */
	char pointer[200]; /* where the first problem is */
	char problem[400];
} body;

static int fail_at(body *b, const char *pointer, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int fail_at(body *b, const char *pointer, const char *fmt, ...)
{
	va_list ap;

	snprintf(b->pointer, sizeof(b->pointer), "%s", pointer);
	va_start(ap, fmt);
	vsnprintf(b->problem, sizeof(b->problem), fmt, ap);
	va_end(ap);
	return CW_EINVAL;
}

static int number_text(char out[64], const cJSON *v)
{
	char *end;

	if (cJSON_IsNumber(v)) {
		snprintf(out, 64, "%.15g", v->valuedouble);
		return 1;
	}
	if (cJSON_IsString(v) && *v->valuestring &&
	    strlen(v->valuestring) < 64) {
		(void)strtod(v->valuestring, &end);
		snprintf(out, 64, "%s", v->valuestring);
		return *end == '\0';
	}
	return 0;
}

/* One member onto its column. */
static int take_member(body *b, const member_spec *m, const cJSON *v,
                       const char *base)
{
	int k = cw_or_fields_position(b->k->entity, m->column);
	char pointer[200];
	const cJSON *id;

	snprintf(pointer, sizeof(pointer), "%s/%s", base, m->member);
	if (k < 0)
		return fail_at(b, pointer, "not a column of this object");
	b->pointers[k] = m->member;
	switch (m->kind) {
	case M_REF:
		id = cJSON_GetObjectItemCaseSensitive(v, "sourcedId");
		if (!cJSON_IsString(id))
			return fail_at(b, pointer,
			               "expected a reference: {\"sourcedId\": "
			               "\"…\"}");
		b->cells[k] = (cw_or_cell){ id->valuestring,
			                    strlen(id->valuestring) };
		return 0;
	case M_NUMBER:
		if (!number_text(b->text[k], v))
			return fail_at(b, pointer, "expected a number");
		b->cells[k] = (cw_or_cell){ b->text[k], strlen(b->text[k]) };
		return 0;
	case M_BOOL:
		if (cJSON_IsBool(v))
			snprintf(b->text[k], 64, "%s",
			         cJSON_IsTrue(v) ? "true" : "false");
		else if (cJSON_IsString(v) && strlen(v->valuestring) < 64)
			snprintf(b->text[k], 64, "%s", v->valuestring);
		else
			return fail_at(b, pointer,
			               "expected \"true\" or "
			               "\"false\"");
		b->cells[k] = (cw_or_cell){ b->text[k], strlen(b->text[k]) };
		return 0;
	case M_DATE:
		/* The JSON binding sends date-times; the model keeps the day.
		 */
		if (!cJSON_IsString(v) || strlen(v->valuestring) < 10)
			return fail_at(b, pointer,
			               "expected a date (YYYY-MM-DD)");
		b->cells[k] = (cw_or_cell){ v->valuestring, 10 };
		return 0;
	case M_PAIRS: {
		const cJSON *pair;
		size_t used = 0, i = 0;

		if (!cJSON_IsArray(v) || !v->child)
			return fail_at(b, pointer,
			               "expected an array of "
			               "{itemValueLHS, itemValueRHS}");
		cJSON_ArrayForEach(pair, v)
		{
			const cJSON *l = cJSON_GetObjectItemCaseSensitive(
			        pair, "itemValueLHS");
			const cJSON *r = cJSON_GetObjectItemCaseSensitive(
			        pair, "itemValueRHS");
			char at[240];
			int n;

			snprintf(at, sizeof(at), "%.150s/%zu", pointer, i++);
			if (!cJSON_IsString(l) || !cJSON_IsString(r) ||
			    strpbrk(l->valuestring, "{}:,") ||
			    strpbrk(r->valuestring, "{}:,"))
				return fail_at(
				        b, at,
				        "expected {\"itemValueLHS\": "
				        "\"…\", \"itemValueRHS\": \"…\"} "
				        "without { } : ,");
			n = snprintf(b->pairs + used, sizeof(b->pairs) - used,
			             "%s{%s:%s}", used ? "," : "",
			             l->valuestring, r->valuestring);
			if (n < 0 || (size_t)n >= sizeof(b->pairs) - used)
				return fail_at(b, pointer, "too long");
			used += (size_t)n;
		}
		b->cells[k] = (cw_or_cell){ b->pairs, used };
		return 0;
	}
	case M_STRING:
		if (!cJSON_IsString(v))
			return fail_at(b, pointer, "expected a string");
		b->cells[k] =
		        (cw_or_cell){ v->valuestring, strlen(v->valuestring) };
		return 0;
	}
	return 0;
}

static int take_objectives(body *b, const cJSON *sets, const char *base)
{
	const cJSON *set, *entry;
	size_t s = 0;

	if (!cJSON_IsArray(sets))
		return fail_at(b, base, "expected an array of sets");
	cJSON_ArrayForEach(set, sets)
	{
		const cJSON *source =
		        cJSON_GetObjectItemCaseSensitive(set, "source");
		const char *list_name = scored(b->k)
		                                ? "learningObjectiveResults"
		                                : "learningObjectiveIds";
		const cJSON *list =
		        cJSON_GetObjectItemCaseSensitive(set, list_name);
		char pointer[200];
		size_t e = 0;

		snprintf(pointer, sizeof(pointer), "%.120s/%zu/source", base,
		         s);
		if (!cJSON_IsString(source) || !*source->valuestring)
			return fail_at(b, pointer,
			               "expected a source (case, "
			               "unknown or ext:…)");
		snprintf(pointer, sizeof(pointer), "%.120s/%zu/%s", base, s,
		         list_name);
		if (!cJSON_IsArray(list))
			return fail_at(b, pointer, "expected an array");
		cJSON_ArrayForEach(entry, list)
		{
			const cJSON *objective = entry, *score = NULL,
			            *text = NULL;
			char at[240];

			if (b->objective_count == MAX_LINKS)
				return fail_at(b, pointer,
				               "more than %d objectives",
				               MAX_LINKS);
			snprintf(at, sizeof(at), "%s/%zu", pointer, e++);
			if (scored(b->k)) {
				objective = cJSON_GetObjectItemCaseSensitive(
				        entry, "learningObjectiveId");
				score = cJSON_GetObjectItemCaseSensitive(
				        entry, "score");
				text = cJSON_GetObjectItemCaseSensitive(
				        entry, "textScore");
			}
			if (!cJSON_IsString(objective) ||
			    !*objective->valuestring)
				return fail_at(b, at,
				               "expected a learning "
				               "objective id");
			b->objectives[b->objective_count].source =
			        source->valuestring;
			b->objectives[b->objective_count].objective =
			        objective->valuestring;
			b->objectives[b->objective_count].score[0] = '\0';
			if (score &&
			    !number_text(
			            b->objectives[b->objective_count].score,
			            score))
				return fail_at(b, at,
				               "score: expected a number");
			b->objectives[b->objective_count].text_score =
			        cJSON_IsString(text) ? text->valuestring : NULL;
			b->objective_count++;
		}
		s++;
	}
	return 0;
}

/* Maps the object's members; unknown ones are refused. */
static int take_body(body *b, const cJSON *o, const char *base)
{
	const cJSON *v;
	int err = 0;

	cJSON_ArrayForEach(v, o)
	{
		const member_spec *m = b->k->members;
		char pointer[200];

		snprintf(pointer, sizeof(pointer), "%s/%s", base, v->string);
		while (m->member && strcmp(m->member, v->string) != 0)
			m++;
		if (m->member) {
			err = take_member(b, m, v, base);
		} else if (strcmp(v->string, "sourcedId") == 0) {
			if (!cJSON_IsString(v) ||
			    strcmp(v->valuestring, b->id) != 0)
				err = fail_at(
				        b, pointer,
				        "differs from the sourcedId in the "
				        "path");
		} else if (strcmp(v->string, "status") == 0 ||
		           strcmp(v->string, "dateLastModified") == 0) {
			continue; /* the gateway sets them */
		} else if (strcmp(v->string, "metadata") == 0) {
			const cJSON *item;

			if (!cJSON_IsObject(v))
				err = fail_at(b, pointer, "expected an object");
			cJSON_ArrayForEach(item,
			                   v) if (!err && !cJSON_IsString(item))
			        err = fail_at(b, pointer,
			                      "metadata values are strings");
			b->metadata = v;
		} else if (b->k->links &&
		           strcmp(v->string, "scoreScale") == 0) {
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(
			        v, "sourcedId");

			if (!cJSON_IsString(id))
				err = fail_at(b, pointer,
				              "expected a reference");
			else
				b->scale = id->valuestring;
		} else if (b->k->links &&
		           strcmp(v->string, "learningObjectiveSet") == 0) {
			err = take_objectives(b, v, pointer);
		} else {
			err = fail_at(b, pointer, "not a member of a %s",
			              b->k->what);
		}
		if (err)
			return err;
	}
	return 0;
}

/* ---- the row reader's rules ---------------------------------------------- */

typedef struct {
	body *b;
	cw_buf *stored;
	int failed;
} checking;

static void on_diag(const cw_diag *d, void *payload)
{
	checking *c = payload;
	const cw_or_file *f = cw_or_model_file(c->b->k->entity);
	size_t n = strcspn(d->message, ":");
	char pointer[200];

	if (d->severity != CW_DIAG_ERROR || c->failed++)
		return;
	/* The message starts with the column's name: back to the member. */
	snprintf(pointer, sizeof(pointer), "%s", c->b->base);
	for (size_t i = 3; i < f->column_count; i++)
		if (strlen(f->columns[i].name) == n &&
		    strncmp(f->columns[i].name, d->message, n) == 0)
			snprintf(pointer, sizeof(pointer), "%s/%s", c->b->base,
			         c->b->pointers[i - 3] ? c->b->pointers[i - 3]
			                               : f->columns[i].name);
	fail_at(c->b, pointer, "%s", d->message);
}

static int on_row(const cw_or_row *row, void *payload)
{
	checking *c = payload;
	cw_or_cell cells[CW_OR_FIELDS_MAX] = { { NULL, 0 } };
	size_t count = 0;

	for (size_t i = 3; i < row->file->column_count; i++) {
		cells[i - 3] =
		        (cw_or_cell){ row->values[i], strlen(row->values[i]) };
		if (*row->values[i])
			count = i - 2;
	}
	return cw_or_fields_build(c->stored, row->file->entity, cells, count,
	                          (const char *const *)row->metadata_names,
	                          (const char *const *)row->metadata_values,
	                          row->metadata_count);
}

/* The body as one delta CSV row through the import's reader: its rules,
 * its normalising, and the stored form of the row that passes. */
static int check_row(body *b, cw_buf *stored)
{
	const cw_or_file *f = cw_or_model_file(b->k->entity);
	cw_buf csv = CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4);
	char stamp[CW_TIME_ISO_LEN];
	checking c = { b, stored, 0 };
	cw_or_reader *reader = NULL;
	const cJSON *m;
	int err;

	cw_time_format_iso(cw_time_now_ms(), stamp);
	for (size_t i = 0; i < f->column_count; i++)
		cw_csv_write_field(&csv, f->columns[i].name,
		                   i + 1 == f->column_count && !b->metadata);
	cJSON_ArrayForEach(m, b->metadata)
	{
		char name[300];

		snprintf(name, sizeof(name), "metadata.%s", m->string);
		cw_csv_write_field(&csv, name, !m->next);
	}
	cw_csv_write_field(&csv, b->id, 0);
	cw_csv_write_field(&csv, "active", 0);
	cw_csv_write_field(&csv, stamp, f->column_count == 3 && !b->metadata);
	for (size_t i = 3; i < f->column_count; i++) {
		char value[CW_LIMIT_CSV_FIELD];
		const cw_or_cell *cell = &b->cells[i - 3];

		snprintf(value, sizeof(value), "%.*s",
		         (int)(cell->s ? cell->len : 0),
		         cell->s ? cell->s : "");
		cw_csv_write_field(&csv, value,
		                   i + 1 == f->column_count && !b->metadata);
	}
	cJSON_ArrayForEach(m, b->metadata)
	        cw_csv_write_field(&csv, m->valuestring, !m->next);
	err = csv.error;
	if (err == 0)
		err = cw_or_reader_new(&reader, f, CW_OR_DELTA, f->name,
		                       on_diag, on_row, &c);
	if (err == 0)
		err = cw_or_reader_feed(reader, csv.data, csv.len);
	if (err == 0)
		err = cw_or_reader_finish(reader);
	cw_or_reader_free(reader);
	cw_buf_dispose(&csv);
	if (c.failed)
		return CW_EINVAL;
	return err;
}

/* ---- the handlers -------------------------------------------------------- */

static int ignore(const cw_roster_record *r, void *payload)
{
	(void)r;
	(void)payload;
	return 0;
}

/* 0 when the tenant holds it, CW_ENOTFOUND when not. */
static int exists(cw_store *store, int64_t tenant, cw_or_entity e,
                  const char *id)
{
	return cw_store_roster_get(store, tenant, e, id, ignore, NULL);
}

static int check_refs(body *b, cw_store *store, int64_t tenant)
{
	for (const member_spec *m = b->k->members; m->member; m++) {
		int k = cw_or_fields_position(b->k->entity, m->column);
		char id[256], pointer[200];
		int err;

		if (m->kind != M_REF || k < 0 || !b->cells[k].s)
			continue;
		snprintf(id, sizeof(id), "%.*s", (int)b->cells[k].len,
		         b->cells[k].s);
		err = exists(store, tenant, m->target, id);
		snprintf(pointer, sizeof(pointer), "%s/%s/sourcedId", b->base,
		         m->member);
		if (err == CW_ENOTFOUND)
			return fail_at(b, pointer, "no %s \"%.100s\"",
			               cw_or_entity_name(m->target), id);
		if (err < 0)
			return err;
	}
	if (b->scale) {
		int err = exists(store, tenant, CW_OR_SCORE_SCALES, b->scale);
		char pointer[200];

		snprintf(pointer, sizeof(pointer), "%s/scoreScale/sourcedId",
		         b->base);
		if (err == CW_ENOTFOUND)
			return fail_at(b, pointer, "no scoreScale \"%.100s\"",
			               b->scale);
		return err < 0 ? err : 0;
	}
	return 0;
}

/* The row's link rows now held (from a fresh index). */
/* Adds a held link row (which: 's' scale, 'o' objective) to the list
 * unless it is there already. */
static void held_add(cw_buf *ids, char which, const char *id)
{
	for (const char *p = ids->data; p && p < ids->data + ids->len;
	     p += strlen(p) + 1)
		if (strcmp(p + 1, id) == 0)
			return;
	cw_buf_putc(ids, which);
	cw_buf_put(ids, id, strlen(id) + 1);
}

static int held_links(cw_request *req, const kind *k, const char *id,
                      cw_buf *ids)
{
	cw_ctx *ctx = cw_request_ctx(req);
	int64_t tenant = cw_request_auth(req)->tenant_id;
	const cw_roster_index *ix = NULL;
	int err;

	char made[300];

	if (!k->links)
		return 0;
	/* Link rows an import brought: the index as it stands (a second
	 * old at most; a write must not wait for a rebuild). */
	ix = cw_roster_cache_peek(ctx->rosters, tenant);
	if (!ix && (err = cw_roster_cache_get(ctx->rosters, tenant, &ix)) < 0)
		return err;
	for (int which = 0; which < 2; which++) {
		cw_ri_list l = cw_roster_index_linked(
		        ix, which ? k->objectives_link : k->scales_link, id);

		for (size_t i = 0; i < l.count; i++) {
			cw_buf_putc(ids, which ? 'o' : 's');
			cw_buf_put(ids, l.rows[i]->id,
			           strlen(l.rows[i]->id) + 1);
		}
	}
	cw_roster_cache_release(ctx->rosters, ix);
	/* Link rows this API made (maybe in the last second): the store. */
	snprintf(made, sizeof(made), "%s.scoreScale", id);
	if (k->scales != CW_OR_NONE &&
	    exists(ctx->store, tenant, k->scales, made) == 0)
		held_add(ids, 's', made);
	for (size_t n = 1; n <= MAX_LINKS; n++) {
		snprintf(made, sizeof(made), "%s.objective.%zu", id, n);
		if (exists(ctx->store, tenant, k->objectives, made) != 0)
			break;
		held_add(ids, 'o', made);
	}
	return ids->error;
}

static int keep_fields(const cw_roster_record *r, void *payload)
{
	return cw_buf_puts(payload, r->fields);
}

/* The 1.2 JSON binding of a scoreScale has no org, and the 1.1 one of a
 * lineItem no school; the CSV model needs them: the class's school goes
 * into column. */
static int school_of_class(body *b, cw_store *store, int64_t tenant,
                           const char *column)
{
	int k = cw_or_fields_position(b->k->entity, "classSourcedId");
	int o = cw_or_fields_position(b->k->entity, column);
	cw_buf fields = CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4);
	char id[256];
	cJSON *doc = NULL;
	const cJSON *school;
	int err;

	if (k < 0 || o < 0 || !b->cells[k].s)
		return 0; /* no class: the row check says it is required */
	snprintf(id, sizeof(id), "%.*s", (int)b->cells[k].len, b->cells[k].s);
	err = cw_store_roster_get(store, tenant, CW_OR_CLASSES, id, keep_fields,
	                          &fields);
	if (err == CW_ENOTFOUND) {
		char pointer[200];

		snprintf(pointer, sizeof(pointer), "%s/class/sourcedId",
		         b->base);
		err = fail_at(b, pointer, "no class \"%.100s\"", id);
	}
	if (err == 0) {
		doc = cJSON_Parse(fields.data);
		school = cJSON_GetArrayItem(
		        doc, cw_or_fields_position(CW_OR_CLASSES,
		                                   "schoolSourcedId"));
		if (cJSON_IsString(school)) {
			snprintf(b->org, sizeof(b->org), "%s",
			         school->valuestring);
			b->cells[o] = (cw_or_cell){ b->org, strlen(b->org) };
		}
		cJSON_Delete(doc);
	}
	cw_buf_dispose(&fields);
	return err;
}

/* Whether the 1.1 binding carries the 1.2 column (a lineItem's
 * academicSession was 1.1's gradingPeriod; its school is derived). */
static int in_v11_binding(cw_or_entity e, const char *column)
{
	const cw_or_file *f = cw_or_file_for(CW_OR_V1P1, e);

	if (e == CW_OR_LINE_ITEMS &&
	    (strcmp(column, "academicSessionSourcedId") == 0 ||
	     strcmp(column, "schoolSourcedId") == 0))
		return 1;
	return f && cw_or_column_index(f, column) >= 0;
}

/* A 1.1 write over a row: the columns 1.1 has not keep their values. */
static int keep_v12_only(body *b, cw_store *store, int64_t tenant)
{
	const cw_or_file *f = cw_or_model_file(b->k->entity);
	cw_buf fields = CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4);
	size_t used = 0;
	cJSON *doc = NULL;
	int err = cw_store_roster_get(store, tenant, b->k->entity, b->id,
	                              keep_fields, &fields);

	if (err == CW_ENOTFOUND) {
		err = 0; /* a new row: nothing to keep */
		goto out;
	}
	if (err < 0 || !(doc = cJSON_Parse(fields.data)))
		goto out;
	for (size_t i = 3; i < f->column_count; i++) {
		const cJSON *v = cJSON_GetArrayItem(doc, (int)(i - 3));
		size_t len;

		if (in_v11_binding(b->k->entity, f->columns[i].name) ||
		    !cJSON_IsString(v) || b->cells[i - 3].s)
			continue;
		len = strlen(v->valuestring);
		if (used + len + 1 > sizeof(b->kept))
			continue; /* cannot be: stored values are capped */
		memcpy(b->kept + used, v->valuestring, len + 1);
		b->cells[i - 3] = (cw_or_cell){ b->kept + used, len };
		used += len + 1;
	}
out:
	cJSON_Delete(doc);
	cw_buf_dispose(&fields);
	return err;
}

static int respond_problem(cw_response *res, const body *b)
{
	return cw_response_error(res, 422, "invaliddata", "%s: %s", b->pointer,
	                         b->problem);
}

/* Changes of several objects, written together (a POST). */
typedef struct {
	cw_buf text; /* sourcedIds and fields, each ending in NUL */
	struct {
		cw_or_entity entity;
		size_t id_at, fields_at;
		int deleted;
	} * items;
	size_t count, alloc;
} collector;

static int collect(collector *c, const cw_roster_change *changes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (c->count == c->alloc) {
			size_t want = c->alloc ? c->alloc * 2 : 64;
			void *grown =
			        cw_realloc(c->items, want * sizeof(*c->items));

			if (!grown)
				return CW_ENOMEM;
			c->items = grown;
			c->alloc = want;
		}
		c->items[c->count].entity = changes[i].entity;
		c->items[c->count].deleted = changes[i].deleted;
		c->items[c->count].id_at = c->text.len;
		cw_buf_put(&c->text, changes[i].sourced_id,
		           strlen(changes[i].sourced_id) + 1);
		c->items[c->count].fields_at = c->text.len;
		cw_buf_puts(&c->text,
		            changes[i].fields ? changes[i].fields : "");
		if (cw_buf_put(&c->text, "", 1) < 0)
			return CW_ENOMEM;
		c->count++;
	}
	return 0;
}

/* Writes everything collected in one transaction. */
static int write_collected(cw_request *req, collector *c)
{
	cw_ctx *ctx = cw_request_ctx(req);
	int64_t tenant = cw_request_auth(req)->tenant_id;
	cw_roster_change *changes =
	        cw_calloc(c->count ? c->count : 1, sizeof(*changes));
	int err;

	if (!changes)
		return CW_ENOMEM;
	for (size_t i = 0; i < c->count; i++) {
		const char *fields = c->text.data + c->items[i].fields_at;

		changes[i] = (cw_roster_change){
			c->items[i].entity, c->text.data + c->items[i].id_at,
			c->items[i].deleted, c->items[i].deleted ? NULL : fields
		};
	}
	err = cw_roster_write(ctx->store, tenant, changes, c->count);
	if (err == 0)
		cw_roster_cache_invalidate(ctx->rosters, tenant);
	cw_free(changes);
	return err;
}

/* Checks o as k's object id (pointers in problems start at base) and,
 * when write, stores it with its link rows in one transaction (replacing
 * link rows it held before), or adds them to into for the caller to write.
 * CW_EINVAL with b->pointer and b->problem set; stored_out (may be NULL)
 * gets the row's stored form. */
static int put_object(cw_request *req, body *b, const kind *k, const char *id,
                      const cJSON *o, const char *base, int write,
                      cw_buf *stored_out, collector *into)
{
	cw_ctx *ctx = cw_request_ctx(req);
	int64_t tenant = cw_request_auth(req)->tenant_id;
	cw_buf stored = CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4);
	cw_buf links = CW_BUF_INIT(1 << 20), held = CW_BUF_INIT(1 << 20);
	cw_roster_change changes[2 + 2 * MAX_LINKS + MAX_LINKS];
	char link_ids[MAX_LINKS + 1][300];
	size_t n = 0, link_at[MAX_LINKS + 1] = { 0 };
	int err;

	memset(b, 0, sizeof(*b));
	b->k = k;
	b->id = id;
	snprintf(b->base, sizeof(b->base), "%s", base);
	if (!cw_or_guid_valid(id, strlen(id))) {
		err = fail_at(b, base, "\"%.60s\" is not a sourcedId", id);
		goto out;
	}
	if (!cJSON_IsObject(o)) {
		err = fail_at(b, base, "expected an object");
		goto out;
	}
	err = take_body(b, o, base);
	if (err == 0 && k->entity == CW_OR_SCORE_SCALES)
		err = school_of_class(b, ctx->store, tenant, "orgSourcedId");
	if (err == 0 && k->v11 && k->entity == CW_OR_LINE_ITEMS)
		err = school_of_class(b, ctx->store, tenant, "schoolSourcedId");
	if (err == 0 && k->v11)
		err = keep_v12_only(b, ctx->store, tenant);
	if (err == 0)
		err = check_row(b, &stored);
	if (err == 0)
		err = check_refs(b, ctx->store, tenant);
	if (err < 0 || !write)
		goto out;
	changes[n++] = (cw_roster_change){ k->entity, id, 0, stored.data };
	/* Link rows: "<id>.scoreScale", "<id>.objective.<n>". */
	if (b->scale) {
		cw_or_cell cells[3] = { { NULL, 0 },
			                { id, strlen(id) },
			                { b->scale, strlen(b->scale) } };

		link_at[0] = links.len;
		cw_or_fields_build(&stored, k->scales, cells, 3, NULL, NULL, 0);
		cw_buf_put(&links, stored.data, stored.len + 1);
		snprintf(link_ids[0], sizeof(link_ids[0]), "%s.scoreScale", id);
	}
	for (size_t i = 0; i < b->objective_count; i++) {
		cw_or_cell cells[5] = {
			{ id, strlen(id) },
			{ b->objectives[i].source,
			  strlen(b->objectives[i].source) },
			{ b->objectives[i].objective,
			  strlen(b->objectives[i].objective) },
			{ b->objectives[i].score,
			  strlen(b->objectives[i].score) },
			{ b->objectives[i].text_score,
			  b->objectives[i].text_score
			          ? strlen(b->objectives[i].text_score)
			          : 0 }
		};

		link_at[i + 1] = links.len;
		cw_or_fields_build(&stored, k->objectives, cells,
		                   scored(k) ? 5 : 3, NULL, NULL, 0);
		cw_buf_put(&links, stored.data, stored.len + 1);
		snprintf(link_ids[i + 1], sizeof(link_ids[i + 1]),
		         "%s.objective.%zu", id, i + 1);
	}
	/* stored was reused: rebuild the main row's text last. */
	if ((err = check_row(b, &stored)) < 0 || links.error)
		goto out;
	changes[0].fields = stored.data;
	if (b->scale)
		changes[n++] = (cw_roster_change){ k->scales, link_ids[0], 0,
			                           links.data + link_at[0] };
	for (size_t i = 0; i < b->objective_count; i++)
		changes[n++] =
		        (cw_roster_change){ k->objectives, link_ids[i + 1], 0,
			                    links.data + link_at[i + 1] };
	/* Link rows held before and not written again go. */
	if ((err = held_links(req, k, id, &held)) < 0)
		goto out;
	for (const char *p = held.data;
	     p && p < held.data + held.len &&
	     n < sizeof(changes) / sizeof(changes[0]);
	     p += strlen(p) + 1) {
		int again = 0;

		for (size_t i = 0; i < n; i++)
			again |= strcmp(changes[i].sourced_id, p + 1) == 0;
		if (!again)
			changes[n++] =
			        (cw_roster_change){ *p == 's' ? k->scales
				                              : k->objectives,
				                    p + 1, 1, NULL };
	}
	/* Written now, or with the other objects of a POST. */
	if (into)
		err = collect(into, changes, n);
	else if ((err = cw_roster_write(ctx->store, tenant, changes, n)) == 0)
		cw_roster_cache_invalidate(ctx->rosters, tenant);
out:
	if (err == 0 && stored_out)
		err = cw_buf_put(stored_out, stored.data, stored.len);
	cw_buf_dispose(&stored);
	cw_buf_dispose(&links);
	cw_buf_dispose(&held);
	return err;
}

/* The written object with the link rows just written (its scale and
 * learning objectives), as a GET would show it. */
static int answer_v12(cw_request *req, cw_response *res, const kind *k,
                      const char *id, const char *stored)
{
	cw_ctx *ctx = cw_request_ctx(req);
	int64_t tenant = cw_request_auth(req)->tenant_id;
	cw_or_rest_row row = { k->entity, id, "active", NULL, stored };
	cw_or_rest_row related[MAX_LINKS + 1];
	char ids[MAX_LINKS + 1][300], stamp[CW_TIME_ISO_LEN], origin[300];
	cw_buf text =
	        CW_BUF_INIT((size_t)CW_LIMIT_CSV_RECORD * 4 * (MAX_LINKS + 1));
	size_t at[MAX_LINKS + 1], count = 0;
	cJSON *answer;
	int err = 0;

	cw_time_format_iso(cw_time_now_ms(), stamp);
	row.date_last_modified = stamp;
	for (size_t n = 0; k->links && n <= MAX_LINKS && err == 0; n++) {
		cw_or_entity e = n ? k->objectives : k->scales;

		if (n)
			snprintf(ids[count], sizeof(ids[count]),
			         "%s.objective.%zu", id, n);
		else
			snprintf(ids[count], sizeof(ids[count]),
			         "%s.scoreScale", id);
		at[count] = text.len;
		if (e == CW_OR_NONE)
			continue;
		err = cw_store_roster_get(ctx->store, tenant, e, ids[count],
		                          keep_fields, &text);
		if (err == CW_ENOTFOUND && n) {
			err = 0;
			break;
		}
		if (err == CW_ENOTFOUND) {
			err = 0;
			continue;
		}
		if (err == 0 && (err = cw_buf_putc(&text, '\0')) == 0) {
			related[count] =
			        (cw_or_rest_row){ e, ids[count], "active",
				                  stamp, NULL };
			count++;
		}
	}
	for (size_t i = 0; err == 0 && i < count; i++)
		related[i].stored = text.data + at[i];
	cw_api_origin(req, origin);
	answer = err == 0 ? cJSON_CreateObject() : NULL;
	if (answer)
		cJSON_AddItemToObject(
		        answer, k->what,
		        cw_or_rest_object(&row, origin, related, count));
	cw_buf_dispose(&text);
	if (err < 0)
		return err;
	return cw_response_json(res, 201, answer);
}

/* The written object in the 1.1 binding, in its envelope. */
static int answer_v11(cw_request *req, cw_response *res, const kind *k,
                      const char *id, const char *stored)
{
	cw_buf out = CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 8);
	char stamp[CW_TIME_ISO_LEN], origin[300];
	cw_or_rest_row row = { k->entity, id, "active", stamp, stored };
	int err;

	cw_time_format_iso(cw_time_now_ms(), stamp);
	cw_api_origin(req, origin);
	cw_buf_putc(&out, '{');
	cw_buf_putc(&out, '"');
	cw_buf_puts(&out, k->what);
	cw_buf_puts(&out, "\":");
	err = cw_or_rest_write_v11(&out, &row, origin, NULL, 0);
	if (err == 0 && (err = cw_buf_putc(&out, '}')) == 0)
		err = cw_response_buf(res, 201, "application/json", &out);
	cw_buf_dispose(&out);
	return err;
}

/* The binding a request speaks: the 1.1 kind under /v1p1. */
static const kind *binding_kind(cw_request *req, const kind *v12,
                                const kind *v11)
{
	return strncmp(cw_request_path(req), "/ims/oneroster/v1p1/", 20) == 0
	               ? v11
	               : v12;
}

static int put(cw_request *req, cw_response *res, const kind *k)
{
	const char *id = cw_request_param(req, "id");
	body *b = cw_calloc(1, sizeof(*b));
	cw_buf stored = CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4);
	char base[64];
	cJSON *doc = NULL;
	int err;

	if (!b)
		return CW_ENOMEM;
	if ((err = cw_request_json_object(&doc, req, res)) < 0) {
		err = 0; /* answered */
		goto out;
	}
	snprintf(base, sizeof(base), "/%s", k->what);
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, k->what))) {
		b->k = k;
		fail_at(b, "", "expected {\"%s\": {…}}", k->what);
		err = respond_problem(res, b);
		goto out;
	}
	err = put_object(req, b, k, id,
	                 cJSON_GetObjectItemCaseSensitive(doc, k->what), base,
	                 1, &stored, NULL);
	if (err == CW_EINVAL) {
		err = respond_problem(res, b);
	} else if (err == 0 && k->v11) {
		err = answer_v11(req, res, k, id, stored.data);
	} else if (err == 0) {
		err = answer_v12(req, res, k, id, stored.data);
	}
out:
	cJSON_Delete(doc);
	cw_buf_dispose(&stored);
	cw_free(b);
	return err;
}

/* ---- POST: several new objects under a parent ---------------------------- */

#define MAX_POSTED 100

/* What a POST route's path fixes in each object (its class, school or
 * lineItem). */
typedef struct {
	const kind *k;
	const char *plural;  /* the body's array: "lineItems" */
	const char *member;  /* the reference the path sets: "class" */
	cw_or_entity parent; /* what the path names */
	int in_session;      /* the path also names an academicSession: each
	                        result's lineItem must be of the class and it */
} post_route;

/* The lineItem a posted result points at must be of the path's class and
 * academicSession. */
static int check_line_item_of(body *b, cw_store *store, int64_t tenant,
                              const char *class_id, const char *session_id)
{
	int at = cw_or_fields_position(CW_OR_RESULTS, "lineItemSourcedId");
	int cls = cw_or_fields_position(CW_OR_LINE_ITEMS, "classSourcedId");
	int ses = cw_or_fields_position(CW_OR_LINE_ITEMS,
	                                "academicSessionSourcedId");
	cw_buf fields = CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4);
	char id[256], pointer[200];
	cJSON *doc = NULL;
	const cJSON *c, *s;
	int err;

	if (at < 0 || !b->cells[at].s)
		return 0; /* the row check has refused it */
	snprintf(id, sizeof(id), "%.*s", (int)b->cells[at].len, b->cells[at].s);
	snprintf(pointer, sizeof(pointer), "%s/lineItem/sourcedId", b->base);
	err = cw_store_roster_get(store, tenant, CW_OR_LINE_ITEMS, id,
	                          keep_fields, &fields);
	if (err < 0)
		goto out;
	doc = cJSON_Parse(fields.data);
	c = cJSON_GetArrayItem(doc, cls);
	s = cJSON_GetArrayItem(doc, ses);
	if (!cJSON_IsString(c) || strcmp(c->valuestring, class_id) != 0)
		err = fail_at(b, pointer,
		              "lineItem \"%.100s\" is not of class \"%.100s\"",
		              id, class_id);
	else if (!cJSON_IsString(s) || strcmp(s->valuestring, session_id) != 0)
		err = fail_at(b, pointer,
		              "lineItem \"%.100s\" is not of academicSession "
		              "\"%.100s\"",
		              id, session_id);
out:
	cJSON_Delete(doc);
	cw_buf_dispose(&fields);
	return err;
}

/* A new sourcedId: the supplied one when it is free, else a UUID. */
static int allocate(cw_store *store, int64_t tenant, const kind *k,
                    const char *supplied, char out[64], char taken[][64],
                    size_t count)
{
	unsigned char r[16];
	int free_id =
	        supplied && strlen(supplied) < 64 &&
	        cw_or_guid_valid(supplied, strlen(supplied)) &&
	        exists(store, tenant, k->entity, supplied) == CW_ENOTFOUND;

	for (size_t i = 0; free_id && i < count; i++)
		free_id = strcmp(taken[i], supplied) != 0;
	if (free_id) {
		snprintf(out, 64, "%s", supplied);
		return 0;
	}
	if (cw_random_bytes(r, sizeof(r)) < 0)
		return CW_EIO;
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* version 4 */
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 64,
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x"
	         "%02x%02x",
	         r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
	         r[10], r[11], r[12], r[13], r[14], r[15]);
	return 0;
}

static int post(cw_request *req, cw_response *res, const post_route *route)
{
	cw_ctx *ctx = cw_request_ctx(req);
	int64_t tenant = cw_request_auth(req)->tenant_id;
	const char *parent = cw_request_param(req, "id");
	const char *session = NULL;
	const kind *k = route->k;
	body *b = cw_calloc(1, sizeof(*b));
	char(*ids)[64] = cw_calloc(MAX_POSTED, 64);
	char(*supplied)[64] = cw_calloc(MAX_POSTED, 64);
	collector all = { CW_BUF_INIT((size_t)64 << 20), NULL, 0, 0 };
	cJSON *doc = NULL, *items, *item, *answer, *pairs;
	size_t count = 0;
	int err;

	if (!b || !ids || !supplied) {
		err = CW_ENOMEM;
		goto out;
	}
	if ((err = cw_request_json_object(&doc, req, res)) < 0) {
		err = 0; /* answered */
		goto out;
	}
	err = exists(ctx->store, tenant, route->parent, parent);
	if (err == CW_ENOTFOUND) {
		err = cw_response_error(res, 404, "unknownobject",
		                        "no %s with sourcedId \"%.100s\"",
		                        cw_or_entity_name(route->parent),
		                        parent);
		goto out;
	}
	if (err == 0 && route->in_session) {
		session = cw_request_param(req, "academic_session_id");
		err = exists(ctx->store, tenant, CW_OR_ACADEMIC_SESSIONS,
		             session);
		if (err == CW_ENOTFOUND) {
			err = cw_response_error(
			        res, 404, "unknownobject",
			        "no academicSession with sourcedId "
			        "\"%.100s\"",
			        session);
			goto out;
		}
	}
	if (err < 0)
		goto out;
	items = cJSON_GetObjectItemCaseSensitive(doc, route->plural);
	b->k = k;
	if (!cJSON_IsArray(items) || !items->child ||
	    cJSON_GetArraySize(items) > MAX_POSTED) {
		fail_at(b, "", "expected {\"%s\": [1 to %d objects]}",
		        route->plural, MAX_POSTED);
		err = respond_problem(res, b);
		goto out;
	}
	/* The path's parent goes into each object; one naming another is
	 * refused. All are checked before any is written. */
	cJSON_ArrayForEach(item, items)
	{
		const cJSON *ref =
		        cJSON_GetObjectItemCaseSensitive(item, route->member);
		const cJSON *given =
		        cJSON_GetObjectItemCaseSensitive(item, "sourcedId");
		char base[64], pointer[128];

		snprintf(base, sizeof(base), "/%s/%zu", route->plural, count);
		if (cJSON_IsObject(item) && !ref) {
			cJSON *r = cJSON_AddObjectToObject(item, route->member);

			cJSON_AddStringToObject(r, "sourcedId", parent);
		} else if (cJSON_IsObject(item) &&
		           !(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(
		                     ref, "sourcedId")) &&
		             strcmp(cJSON_GetObjectItemCaseSensitive(
		                            ref, "sourcedId")
		                            ->valuestring,
		                    parent) == 0)) {
			snprintf(pointer, sizeof(pointer), "%s/%s/sourcedId",
			         base, route->member);
			fail_at(b, pointer, "differs from the %s in the path",
			        route->member);
			err = respond_problem(res, b);
			goto out;
		}
		if (cJSON_IsString(given))
			snprintf(supplied[count], 64, "%s", given->valuestring);
		if ((err = allocate(ctx->store, tenant, k,
		                    cJSON_IsString(given) ? given->valuestring
		                                          : NULL,
		                    ids[count], ids, count)) < 0)
			goto out;
		if (cJSON_IsObject(item))
			cJSON_DeleteItemFromObjectCaseSensitive(item,
			                                        "sourcedId");
		err = put_object(req, b, k, ids[count], item, base, 0, NULL,
		                 NULL);
		if (err == 0 && session)
			err = check_line_item_of(b, ctx->store, tenant, parent,
			                         session);
		if (err == CW_EINVAL) {
			err = respond_problem(res, b);
			goto out;
		}
		if (err < 0)
			goto out;
		count++;
	}
	/* All of them in one transaction. */
	count = 0;
	cJSON_ArrayForEach(item, items)
	{
		char base[64];

		snprintf(base, sizeof(base), "/%s/%zu", route->plural, count);
		if ((err = put_object(req, b, k, ids[count], item, base, 1,
		                      NULL, &all)) < 0)
			goto out;
		count++;
	}
	if ((err = write_collected(req, &all)) < 0)
		goto out;
	answer = cJSON_CreateObject();
	pairs = cJSON_AddArrayToObject(answer, "sourcedIdPairs");
	count = 0;
	cJSON_ArrayForEach(item, items)
	{
		cJSON *pair = cJSON_CreateObject();

		cJSON_AddItemToArray(pairs, pair);
		cJSON_AddStringToObject(pair, "suppliedSourcedId",
		                        supplied[count]);
		cJSON_AddStringToObject(pair, "allocatedSourcedId", ids[count]);
		count++;
	}
	err = cw_response_json(res, 201, answer);
out:
	cJSON_Delete(doc);
	cw_buf_dispose(&all.text);
	cw_free(all.items);
	cw_free(ids);
	cw_free(supplied);
	cw_free(b);
	return err;
}

static int delete (cw_request *req, cw_response *res, const kind *k)
{
	cw_ctx *ctx = cw_request_ctx(req);
	int64_t tenant = cw_request_auth(req)->tenant_id;
	const char *id = cw_request_param(req, "id");
	cw_buf held = CW_BUF_INIT(1 << 20);
	cw_roster_change changes[1 + 2 * MAX_LINKS];
	size_t n = 0;
	int err = exists(ctx->store, tenant, k->entity, id);

	if (err == CW_ENOTFOUND) {
		err = cw_response_error(res, 404, "unknownobject",
		                        "no %s with sourcedId \"%.100s\"",
		                        k->what, id);
		goto out;
	}
	if (err < 0 || (err = held_links(req, k, id, &held)) < 0)
		goto out;
	changes[n++] = (cw_roster_change){ k->entity, id, 1, NULL };
	for (const char *p = held.data;
	     p && p < held.data + held.len &&
	     n < sizeof(changes) / sizeof(changes[0]);
	     p += strlen(p) + 1)
		changes[n++] = (cw_roster_change){ *p == 's' ? k->scales
			                                     : k->objectives,
			                           p + 1, 1, NULL };
	err = cw_roster_write(ctx->store, tenant, changes, n);
	if (err == CW_EINVAL) {
		/* Rows still point at it (a lineItem's results …). */
		err = cw_response_error(res, 409, "invaliddata", "%s",
		                        cw_error_last());
		goto out;
	}
	if (err == 0) {
		cw_roster_cache_invalidate(ctx->rosters, tenant);
		err = cw_response_text(res, 204, "application/json", "", 0);
	}
out:
	cw_buf_dispose(&held);
	return err;
}

int cw_api_or_put_results(cw_request *req, cw_response *res)
{
	return put(req, res, binding_kind(req, &result_kind, &result_kind_v11));
}

int cw_api_or_delete_results(cw_request *req, cw_response *res)
{
	return delete (req, res, &result_kind);
}

int cw_api_or_put_line_items(cw_request *req, cw_response *res)
{
	return put(req, res,
	           binding_kind(req, &line_item_kind, &line_item_kind_v11));
}

int cw_api_or_delete_line_items(cw_request *req, cw_response *res)
{
	return delete (req, res, &line_item_kind);
}

int cw_api_or_put_categories(cw_request *req, cw_response *res)
{
	return put(req, res,
	           binding_kind(req, &category_kind, &category_kind_v11));
}

int cw_api_or_delete_categories(cw_request *req, cw_response *res)
{
	return delete (req, res, &category_kind);
}

int cw_api_or_put_score_scales(cw_request *req, cw_response *res)
{
	return put(req, res, &score_scale_kind);
}

int cw_api_or_delete_score_scales(cw_request *req, cw_response *res)
{
	return delete (req, res, &score_scale_kind);
}

static const post_route class_line_items = { &line_item_kind, "lineItems",
	                                     "class", CW_OR_CLASSES, 0 };
static const post_route school_line_items = { &line_item_kind, "lineItems",
	                                      "school", CW_OR_ORGS, 0 };
static const post_route line_item_results = { &result_kind, "results",
	                                      "lineItem", CW_OR_LINE_ITEMS, 0 };
static const post_route class_session_results = { &result_kind, "results",
	                                          "class", CW_OR_CLASSES, 1 };

int cw_api_or_post_class_line_items(cw_request *req, cw_response *res)
{
	return post(req, res, &class_line_items);
}

int cw_api_or_post_school_line_items(cw_request *req, cw_response *res)
{
	return post(req, res, &school_line_items);
}

int cw_api_or_post_line_item_results(cw_request *req, cw_response *res)
{
	return post(req, res, &line_item_results);
}

int cw_api_or_post_class_session_results(cw_request *req, cw_response *res)
{
	return post(req, res, &class_session_results);
}

int cw_api_or_put_assessment_line_items(cw_request *req, cw_response *res)
{
	return put(req, res, &assessment_line_item_kind);
}

int cw_api_or_delete_assessment_line_items(cw_request *req, cw_response *res)
{
	return delete (req, res, &assessment_line_item_kind);
}

int cw_api_or_put_assessment_results(cw_request *req, cw_response *res)
{
	return put(req, res, &assessment_result_kind);
}

int cw_api_or_delete_assessment_results(cw_request *req, cw_response *res)
{
	return delete (req, res, &assessment_result_kind);
}
