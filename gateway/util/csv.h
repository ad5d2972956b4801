/* Streaming RFC 4180 CSV reader: fed in chunks of any size, it hands each
 * record to a callback, so memory stays bounded by the largest record. Pure:
 * no I/O. Accepts a UTF-8 BOM, CRLF, LF or CR line ends. */
#ifndef CW_UTIL_CSV_H
#define CW_UTIL_CSV_H

#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

typedef struct cw_csv cw_csv;

typedef struct {
	size_t count;            /* fields in the record (>= 1) */
	char *const *fields;     /* NUL-terminated, valid during the callback */
	const size_t *lengths;   /* byte lengths (fields may hold no NULs) */
	const uint32_t *columns; /* 1-based character column of each field */
	uint32_t line;           /* physical line where the record starts */
	uint32_t end_line;       /* physical line where it ends */
} cw_csv_record;

/* A problem in the text. Fatal ones stop the reader; the others are reported
 * and reading goes on with the best reading of the text. */
typedef struct {
	uint32_t line;
	uint32_t column;
	const char *code; /* stable: "csv.unterminated_quote" … */
	const char *message;
	int fatal;
} cw_csv_problem;

/** Return 0 to go on; anything else stops the reader and is returned. */
typedef int (*cw_csv_record_cb)(const cw_csv_record *record, void *payload);
typedef void (*cw_csv_problem_cb)(const cw_csv_problem *problem, void *payload);

typedef struct {
	size_t max_field;  /* bytes in one field */
	size_t max_record; /* bytes in one record */
	size_t max_fields; /* fields in one record */
} cw_csv_limits;

int cw_csv_new(cw_csv **out, const cw_csv_limits *limits,
               cw_csv_record_cb on_record, cw_csv_problem_cb on_problem,
               void *payload);
/**
 * Feeds the next bytes. Returns 0, CW_EINVAL after a fatal problem (already
 * reported), CW_ENOMEM, or the record callback's non-zero value.
 */
int cw_csv_feed(cw_csv *csv, const char *data, size_t len);
/** Ends the input: emits a last record without a line end, reports a quote
 *  left open. Same returns as cw_csv_feed. */
int cw_csv_finish(cw_csv *csv);
/** Records emitted so far. */
uint64_t cw_csv_records(const cw_csv *csv);
void cw_csv_free(cw_csv *csv);

/** Appends one field to out, quoted when it holds a comma, quote or line
 *  break (RFC 4180), followed by ',' or, when last, CRLF. */
int cw_csv_write_field(cw_buf *out, const char *field, int last);

/** Checks that s[0..len) is well-formed UTF-8 (no overlongs, surrogates). */
int cw_utf8_valid(const char *s, size_t len);

#endif
