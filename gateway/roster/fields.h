/* The stored form of a OneRoster row's fields (everything but sourcedId,
 * status and dateLastModified): a JSON array with one element per further
 * column of the entity's 1.2 file, in that file's order: a string, an array
 * of strings for list columns, null when empty, trailing nulls left out.
 * When the row has metadata.* columns, an object of them follows the last
 * column (nulls fill the gap). Names are not repeated on every row, and one
 * row content has one text, so equal rows compare equal as text.
 *
 * The named form is the same row as {"column": value, …, "metadata": {…}},
 * columns in the same order and empty ones left out.
 *
 * Both readers are strict: one JSON value and nothing after it, each column
 * once and in its shape (a list column an array, any other a string), no
 * metadata name twice. Values hold no NUL (CSV values cannot). */
#ifndef CW_ROSTER_FIELDS_H
#define CW_ROSTER_FIELDS_H

#include "roster/schema.h"
#include "util/buf.h"

#include <stddef.h>

#define CW_OR_FIELDS_MAX 32 /* columns after the first three, in any file */

/** One value: len bytes at s; s NULL or len 0 when empty. A list column's
 *  value is its CSV text ("a,b"). */
typedef struct {
	const char *s;
	size_t len;
} cw_or_cell;

/** The position of column name in entity's stored array, or -1. */
int cw_or_fields_position(cw_or_entity entity, const char *name);

/**
 * Writes the stored form of entity's row into out (cleared first): cells
 * holds cell_count values by position; metadata, when meta_count > 0, the
 * names and values of its metadata columns.
 */
int cw_or_fields_build(cw_buf *out, cw_or_entity entity,
                       const cw_or_cell *cells, size_t cell_count,
                       const char *const *meta_names,
                       const char *const *meta_values, size_t meta_count);

/**
 * Walks a stored array without parsing it: *cursor starts at the text (or
 * where the last call left it); each call gives the next element's JSON
 * text at *at, *len bytes, and returns 1, or 0 at the end, or -1 when the
 * text is not an array this module wrote.
 */
int cw_or_fields_next(const char **cursor, const char **at, size_t *len);

/** The named form of a stored array (out cleared first); CW_EINVAL when
 *  stored is not one. */
int cw_or_fields_expand(cw_buf *out, cw_or_entity entity, const char *stored);

/** The stored form of a named object (out cleared first); CW_EINVAL when
 *  named is not an object of strings and arrays of strings. */
int cw_or_fields_compact(cw_buf *out, cw_or_entity entity, const char *named);

#endif
