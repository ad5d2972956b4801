/* Reading partner learning records. */
#include "mapping/record.h"

#include "util/alloc.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const columns[] = {
	"recordId", "student", "activity",    "description", "startDate",
	"endDate",  "hours",   "evidenceUrl", "competencies"
};
#define COLUMN_COUNT (sizeof(columns) / sizeof(columns[0]))

static int is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";

	if (!s || strlen(s) != 10)
		return 0;
	for (size_t i = 0; i < 10; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i])
		                    : s[i] != '-')
			return 0;
	return 1;
}

static const char *text_of(const cJSON *o, const char *key)
{
	const char *s = cw_json_string(o, key);
	return s && *s ? s : NULL;
}

static void problem(cw_record *r, const char *what)
{
	if (!r->problem[0])
		snprintf(r->problem, sizeof(r->problem), "%s: %s", r->where,
		         what);
}

static void read_competencies(cw_record *r, const cJSON *list)
{
	const cJSON *c;

	if (!cJSON_IsArray(list) || !cJSON_GetArraySize(list)) {
		problem(r, "competencies: expected at least one");
		return;
	}
	cJSON_ArrayForEach(c, list)
	{
		const char *id = text_of(c, "id");
		if (r->competency_count == CW_RECORD_MAX_COMPETENCIES) {
			problem(r, "competencies: more than 16");
			return;
		}
		if (!id) {
			problem(r, "competencies: each needs an id");
			return;
		}
		r->competencies[r->competency_count++] =
		        (cw_record_competency){ id, text_of(c, "level") };
	}
}

/* Fills r from its object o (the row's canonical form). */
static void read_row(cw_record *r, cJSON *o)
{
	const cJSON *hours = cJSON_GetObjectItemCaseSensitive(o, "hours");
	const char *url;

	r->canonical = o;
	r->record_id = text_of(o, "recordId");
	r->student = text_of(o, "student");
	r->activity = text_of(o, "activity");
	r->description = text_of(o, "description");
	r->start_date = text_of(o, "startDate");
	r->end_date = text_of(o, "endDate");
	r->evidence_url = url = text_of(o, "evidenceUrl");
	if (!cJSON_IsObject(o))
		problem(r, "expected an object");
	else if (!r->record_id)
		problem(r, "recordId: required (the partner's id of the row)");
	else if (!r->student)
		problem(r, "student: required");
	else if (!r->activity)
		problem(r, "activity: required");
	if ((r->start_date && !is_date(r->start_date)) ||
	    (r->end_date && !is_date(r->end_date)))
		problem(r, "startDate/endDate: expected YYYY-MM-DD");
	if (r->start_date && r->end_date &&
	    strcmp(r->start_date, r->end_date) > 0)
		problem(r, "endDate: before startDate");
	if (hours && (!cJSON_IsNumber(hours) || hours->valuedouble < 0 ||
	              hours->valuedouble > 10000))
		problem(r, "hours: expected a number from 0 to 10000");
	r->has_hours = cJSON_IsNumber(hours);
	r->hours = r->has_hours ? hours->valuedouble : 0;
	if (url && strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0)
		problem(r, "evidenceUrl: expected an http(s) URL");
	read_competencies(r,
	                  cJSON_GetObjectItemCaseSensitive(o, "competencies"));
}

static int grow(cw_record_set *set)
{
	cw_record *rows;

	if (set->count == CW_RECORD_MAX_ROWS) {
		cw_error_set("more than %d records", CW_RECORD_MAX_ROWS);
		return CW_ETOOBIG;
	}
	if ((set->count & (set->count - 1)) == 0 || set->count == 0) {
		size_t cap = set->count ? 2 * set->count : 64;
		if (!(rows = cw_realloc(set->rows, cap * sizeof(*rows))))
			return CW_ENOMEM;
		set->rows = rows;
	}
	memset(&set->rows[set->count], 0, sizeof(set->rows[0]));
	return 0;
}

static int read_json(cw_record_set *set, const char *text, size_t len)
{
	cw_json_position at = { 0, 0, 0 };
	cJSON *row;
	int err = cw_json_parse(&set->doc, text, len, 16, &at);

	if (err < 0)
		return err;
	if (!cJSON_IsArray(set->doc)) {
		cw_error_set("/: expected an array of records");
		return CW_EINVAL;
	}
	cJSON_ArrayForEach(row, set->doc)
	{
		if ((err = grow(set)) < 0)
			return err;
		snprintf(set->rows[set->count].where,
		         sizeof(set->rows[0].where), "/%zu", set->count);
		read_row(&set->rows[set->count++], row);
	}
	return 0;
}

/* ---- CSV ------------------------------------------------------------------
 */

typedef struct {
	cw_record_set *set;
	int position[COLUMN_COUNT]; /* the column of each name, or -1 */
	int header_done;
	char problem[300];
} csv_reader;

static int header(csv_reader *c, const cw_csv_record *rec)
{
	for (size_t k = 0; k < COLUMN_COUNT; k++) {
		c->position[k] = -1;
		for (size_t i = 0; i < rec->count; i++)
			if (strcmp(rec->fields[i], columns[k]) == 0)
				c->position[k] = (int)i;
	}
	for (size_t k = 0; k < 3; k++)
		if (c->position[k] < 0) {
			snprintf(c->problem, sizeof(c->problem),
			         "line %u: the header has no %s column",
			         rec->line, columns[k]);
			return CW_EINVAL;
		}
	if (c->position[8] < 0) {
		snprintf(c->problem, sizeof(c->problem),
		         "line %u: the header has no competencies column",
		         rec->line);
		return CW_EINVAL;
	}
	c->header_done = 1;
	return 0;
}

/* "ID:Level|ID" as [{"id", "level"}]. */
static cJSON *competency_list(const char *s)
{
	cJSON *list = cJSON_CreateArray();

	while (list && s && *s) {
		const char *bar = strchr(s, '|'), *colon;
		size_t n = bar ? (size_t)(bar - s) : strlen(s);
		char item[600];
		cJSON *o = cJSON_CreateObject();

		snprintf(item, sizeof(item), "%.*s", (int)n, s);
		colon = strchr(item, ':');
		if (colon && colon > item &&
		    strncmp(item, "urn:", 4) != 0) { /* urn:uuid:…:Level */
			cJSON_AddStringToObject(o, "level", colon + 1);
			item[colon - item] = '\0';
		} else if (colon && (colon = strrchr(item, ':')) &&
		           strncmp(item, "urn:uuid:", 9) == 0 &&
		           colon > item + 9) {
			cJSON_AddStringToObject(o, "level", colon + 1);
			item[colon - item] = '\0';
		}
		cJSON_AddStringToObject(o, "id", item);
		cJSON_AddItemToArray(list, o);
		s += n + (bar != NULL);
	}
	return list;
}

static int on_csv_record(const cw_csv_record *rec, void *payload)
{
	csv_reader *c = payload;
	cJSON *o;
	int err;

	if (!c->header_done)
		return header(c, rec);
	if (rec->count == 1 && rec->lengths[0] == 0)
		return 0; /* a blank line */
	if ((err = grow(c->set)) < 0 || !(o = cJSON_CreateObject()))
		return err < 0 ? err : CW_ENOMEM;
	for (size_t k = 0; k < COLUMN_COUNT; k++) {
		int i = c->position[k];
		const char *v =
		        i >= 0 && (size_t)i < rec->count ? rec->fields[i] : "";
		char *end = NULL;
		double hours;

		if (!*v)
			continue;
		if (k == 8) {
			cJSON_AddItemToObject(o, columns[k],
			                      competency_list(v));
		} else if (k == 6 && (hours = strtod(v, &end), end && !*end)) {
			cJSON_AddNumberToObject(o, columns[k], hours);
		} else {
			cJSON_AddStringToObject(o, columns[k], v);
		}
	}
	cJSON_AddItemToArray(c->set->doc, o);
	snprintf(c->set->rows[c->set->count].where,
	         sizeof(c->set->rows[0].where), "line %u", rec->line);
	read_row(&c->set->rows[c->set->count++], o);
	return 0;
}

static void on_csv_problem(const cw_csv_problem *p, void *payload)
{
	csv_reader *c = payload;

	if (p->fatal && !c->problem[0])
		snprintf(c->problem, sizeof(c->problem), "%u:%u: %s", p->line,
		         p->column, p->message);
}

static int read_csv(cw_record_set *set, const char *text, size_t len)
{
	cw_csv_limits limits = { CW_LIMIT_CSV_FIELD, CW_LIMIT_CSV_RECORD,
		                 CW_LIMIT_CSV_FIELDS };
	csv_reader c = { set, { 0 }, 0, "" };
	cw_csv *csv = NULL;
	int err;

	if (!(set->doc = cJSON_CreateArray()))
		return CW_ENOMEM;
	if ((err = cw_csv_new(&csv, &limits, on_csv_record, on_csv_problem,
	                      &c)) < 0)
		return err;
	if ((err = cw_csv_feed(csv, text, len)) == 0)
		err = cw_csv_finish(csv);
	cw_csv_free(csv);
	if (err == 0 && !c.header_done) {
		snprintf(c.problem, sizeof(c.problem), "no header line");
		err = CW_EINVAL;
	}
	if (err < 0 && c.problem[0])
		cw_error_set("%s", c.problem);
	return err < 0 ? err : 0;
}

int cw_record_set_read(cw_record_set *out, const char *text, size_t len)
{
	size_t i = 0;
	int err;

	memset(out, 0, sizeof(*out));
	if (len > (size_t)CW_RECORD_MAX_BYTES) {
		cw_error_set("over %ld bytes", CW_RECORD_MAX_BYTES);
		return CW_ETOOBIG;
	}
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	err = i < len && text[i] == '[' ? read_json(out, text, len)
	                                : read_csv(out, text, len);
	if (err < 0)
		cw_record_set_dispose(out);
	return err;
}

void cw_record_set_dispose(cw_record_set *set)
{
	cw_free(set->rows);
	cJSON_Delete(set->doc);
	memset(set, 0, sizeof(*set));
}
