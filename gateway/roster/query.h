/* The query parameters of a OneRoster REST collection (limit, offset, sort,
 * orderBy, filter, fields): parsed from the raw values, then applied to the
 * entity's JSON objects. Pure: no I/O, no globals.
 *
 * Parsing rules beyond the grammar in the reference notes (2.4):
 * - limit and offset are plain decimal digits (no sign, space or '+').
 *   A limit too big for a long is clamped like any limit over max_limit;
 *   an offset too big for a long, or so big that offset + limit would not
 *   fit in one, is invaliddata: callers can add offset and limit safely.
 *   A max_limit below 1 counts as 1.
 * - An empty sort, filter or fields value is an error, not "absent".
 * - In a filter, spaces (' ' only) may surround the operator, must surround
 *   AND / OR (one or more), and may lead or trail the whole filter. A value
 *   may be empty ('').
 * - A fields entry is one top-level member name, without dots.
 * - A failing allocation gives CW_ENOMEM with code_minor
 *   "internal_server_error".
 *
 * Matching rules beyond the brief: JSON null, an empty array and an object
 * where a leaf is expected all count as a missing value. Numbers are
 * decimal text only (no hex, inf or nan). A JSON number compared with a
 * value that is not a number is compared as its shortest text.
 *
 * Ordering: missing < numbers < text (strings; booleans as "true" /
 * "false"). A sort path that crosses an array uses its first element.
 * orderBy=desc reverses the whole order, tie-break included. */
#ifndef CW_ROSTER_QUERY_H
#define CW_ROSTER_QUERY_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef enum {
	CW_OQ_EQ,
	CW_OQ_NE,
	CW_OQ_GT,
	CW_OQ_GE,
	CW_OQ_LT,
	CW_OQ_LE,
	CW_OQ_CONTAINS
} cw_oq_op;

typedef struct {
	char *field; /* a dot path: "status", "school.sourcedId",
	                "roles.org.sourcedId" */
	cw_oq_op op;
	char *value; /* unquoted, doubled quotes undone */
} cw_oq_predicate;

typedef struct {
	long limit;     /* default 100, clamped to max_limit */
	long offset;    /* default 0 */
	char *sort;     /* a field (dot path allowed) or NULL */
	int descending; /* orderBy=desc */
	cw_oq_predicate predicates[2];
	int predicate_count; /* 0, 1 or 2 */
	int join_or;         /* 1: OR, 0: AND (when 2 predicates) */
	char **fields;       /* the fields= selection, or NULL */
	size_t field_count;
} cw_oq_query;

typedef struct {
	const char *code_minor; /* "invalid_filter_field",
	                           "invalid_selection_field", "invaliddata",
	                           "invalid_sort_field" */
	char message[256]; /* what was wrong, where (e.g. the character offset
	                      in the filter) and what was expected */
} cw_oq_error;

/**
 * Parses the raw, already URL-decoded parameter values (NULL when absent).
 * 0, or CW_EINVAL with *err filled (CW_ENOMEM when out of memory). Nothing
 * to dispose on failure: *q is left zeroed. The message also goes to
 * cw_error_set().
 */
int cw_oq_parse(cw_oq_query *q, const char *limit, const char *offset,
                const char *sort, const char *order_by, const char *filter,
                const char *fields, long max_limit, cw_oq_error *err);

/**
 * Checks every filter field, the sort field and every selected field
 * against the names an entity's JSON objects have. allowed is a
 * NULL-terminated list of top-level member names ("sourcedId", "status",
 * "school", …); a dot path is checked by its first segment. CW_EINVAL with
 * invalid_filter_field / invalid_sort_field / invalid_selection_field, in
 * that order of precedence.
 */
int cw_oq_check_fields(const cw_oq_query *q, const char *const *allowed,
                       cw_oq_error *err);

/** 1 when object matches the filter (always 1 without predicates). */
int cw_oq_match(const cw_oq_query *q, const cJSON *object);

/**
 * Orders two objects by q->sort (and then by "sourcedId" so the order is
 * total); honours q->descending. Negative, 0 or positive, as for qsort.
 */
int cw_oq_compare(const cw_oq_query *q, const cJSON *a, const cJSON *b);

/** Removes from object every member not in the fields selection (no-op
 *  without one). */
void cw_oq_select(const cw_oq_query *q, cJSON *object);

/** Frees what q owns and zeroes it; safe on a zeroed or disposed query. */
void cw_oq_dispose(cw_oq_query *q);

#endif
