/* OneRoster REST JSON objects (1.1 or 1.2 binding) to rows of the CSV
 * binding, so records pulled from a SIS go through the same validation and
 * import as a CSV set. Pure: JSON in, CSV text out. */
#ifndef CW_ROSTER_FROM_JSON_H
#define CW_ROSTER_FROM_JSON_H

#include "roster/schema.h"
#include "util/buf.h"
#include "util/json_page.h"

#include <cjson/cJSON.h>

/** The header line of entity's CSV file in version ("sourcedId,…\n"). */
int cw_or_json_csv_header(cw_buf *out, cw_or_version version,
                          cw_or_entity entity);

/**
 * Appends record (an object of entity's JSON binding) as one CSV line of
 * entity's file: references as their sourcedIds, lists joined by commas,
 * userIds as {type:identifier}, booleans and numbers as text, date-times
 * cut to dates where the CSV column is a date. Members the CSV binding
 * lacks (metadata, links, children) are left out. CW_EINVAL when a member
 * has a JSON type the column cannot hold (the message names it). bulk:
 * status and dateLastModified left blank, as a bulk file has them.
 */
int cw_or_json_csv_row(cw_buf *out, cw_or_version version, cw_or_entity entity,
                       const cJSON *record, int bulk);

/**
 * For a 1.2 user: its roles[] as lines of roles.csv. A role without a
 * sourcedId gets "<user>.<org>.<role>" (the ids 1.1 roles get too).
 */
int cw_or_json_csv_roles(cw_buf *out, const cJSON *user, int bulk);

/*
 * The same conversions over records of a cw_json_page (no tree): what the
 * SIS pull uses. Byte for byte the output of the cJSON functions above for
 * the same record (tests/fuzz/fuzz_json_page.c checks it). A converter
 * remembers where each column's member sits in records of the same shape.
 */
typedef struct cw_or_json_rows cw_or_json_rows;

int cw_or_json_rows_new(cw_or_json_rows **out, cw_or_version version,
                        cw_or_entity entity, int bulk);
void cw_or_json_rows_free(cw_or_json_rows *rows);

/** cw_or_json_csv_row for a page's record. */
int cw_or_json_rows_put(cw_or_json_rows *rows, cw_buf *out,
                        const cw_jobject *record);

/** cw_or_json_csv_roles for a page's 1.2 user (rows of any entity). */
int cw_or_json_rows_roles(cw_or_json_rows *rows, cw_buf *out,
                          const cw_jobject *user);

#endif
