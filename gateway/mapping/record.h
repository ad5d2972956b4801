/* A community partner's learning records (CSV or JSON): student, activity,
 * dates, hours, evidence, competencies with levels. Pure: text in, one
 * record struct per row (each checked, with what is wrong with it) or a
 * precise error for text that is not CSV or JSON at all. */
#ifndef CW_MAPPING_RECORD_H
#define CW_MAPPING_RECORD_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define CW_RECORD_MAX_COMPETENCIES 16
#define CW_RECORD_MAX_ROWS         200000
#define CW_RECORD_MAX_BYTES        (256L << 20)

typedef struct {
	const char *id;
	const char *level; /* NULL: none given */
} cw_record_competency;

typedef struct {
	char where[48]; /* "line 3" (CSV) or "/3" (JSON) */
	const char *record_id, *student, *activity, *description;
	const char *start_date, *end_date, *evidence_url;
	double hours;
	int has_hours;
	cw_record_competency competencies[CW_RECORD_MAX_COMPETENCIES];
	size_t competency_count;
	char problem[300]; /* what is wrong with the row; "" when nothing */
	cJSON *canonical;  /* the row as one JSON object (its content) */
} cw_record;

typedef struct {
	cw_record *rows;
	size_t count;
	cJSON *doc; /* strings of rows point into it */
} cw_record_set;

/**
 * Reads records: a JSON array of objects, or CSV with a header naming
 * recordId, student, activity and competencies ("ID:Level|ID:Level"), and
 * optionally description, startDate, endDate, hours, evidenceUrl. A row
 * with a problem is kept, its problem set. CW_EINVAL (message: line and
 * column, or the JSON position) when the text is neither.
 */
int cw_record_set_read(cw_record_set *out, const char *text, size_t len);
void cw_record_set_dispose(cw_record_set *set);

#endif
