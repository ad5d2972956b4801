/* Reads one OneRoster CSV data file: matches headers by name, checks every
 * value against the schema, normalises what is safe to normalise (with a
 * warning) and hands each row on. Pure and streaming. */
#ifndef CW_ROSTER_ROWS_H
#define CW_ROSTER_ROWS_H

#include "roster/diag.h"
#include "roster/schema.h"

#include <stddef.h>
#include <stdint.h>

typedef enum { CW_OR_BULK, CW_OR_DELTA } cw_or_mode;

typedef struct {
	const cw_or_file *file;
	uint32_t line;
	const char *const *values; /* per schema column; "" when empty/absent */
	const uint32_t *columns;   /* source column of each value (0: absent) */
	size_t metadata_count;
	const char *const *metadata_names; /* without the "metadata." prefix */
	const char *const *metadata_values;
	int has_errors; /* the row broke a rule; its values are not trustworthy
	                 */
} cw_or_row;

/** Return 0 to go on; non-zero stops the reader and is returned. */
typedef int (*cw_or_row_cb)(const cw_or_row *row, void *payload);

typedef struct cw_or_reader cw_or_reader;

typedef struct {
	uint64_t rows;
	uint64_t errors;
	uint64_t warnings;
} cw_or_counts;

/**
 * @param filename the name used in diagnostics ("users.csv")
 */
int cw_or_reader_new(cw_or_reader **out, const cw_or_file *file,
                     cw_or_mode mode, const char *filename, cw_diag_cb on_diag,
                     cw_or_row_cb on_row, void *payload);
/** Feeds bytes; 0, CW_EINVAL (a fatal problem, reported), CW_ENOMEM, or the
 *  row callback's value. */
int cw_or_reader_feed(cw_or_reader *reader, const char *data, size_t len);
int cw_or_reader_finish(cw_or_reader *reader);
cw_or_counts cw_or_reader_counts(const cw_or_reader *reader);
void cw_or_reader_free(cw_or_reader *reader);

/* Value checks, exposed for the REST and JSON codecs and for tests. Each
 * returns 1 when valid. */
int cw_or_guid_valid(const char *s, size_t len);
int cw_or_date_valid(const char *s, size_t len);
/** Writes the canonical "YYYY-MM-DDTHH:MM:SS.sssZ" form of a date-time into
 *  out (25 bytes). Returns 1 when s was canonical already, 2 when it was
 *  normalised (no milliseconds, no zone, an offset), 0 when invalid. */
int cw_or_datetime_normalize(char out[25], const char *s, size_t len);

#endif
