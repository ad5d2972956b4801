/* The CASE spreadsheet CSV: a whole CFPackage as one CSV file, one row per
 * object, that reads back into the same package (docs/case-csv.md). Pure:
 * the writer takes a normalised package tree (case/package.h), the reader
 * makes CFPackage JSON text for cw_case_package_read. */
#ifndef CW_CASE_SHEET_H
#define CW_CASE_SHEET_H

#include "case/package.h"
#include "util/buf.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/** The start of the header row (after an optional BOM), how the importer
 *  tells the CSV from JSON. */
#define CW_CASE_SHEET_PREFIX "object,parent,layout,"

/**
 * The package root as the spreadsheet CSV appended to out.
 * @param[out] rows rows written below the header
 * @return 0, CW_EINVAL (a member not of its normalised type), CW_ENOMEM,
 *         CW_ETOOBIG
 */
int cw_case_sheet_write(cw_buf *out, size_t *rows, const cJSON *root);

/** 1 when buf starts with the sheet's header. */
int cw_case_sheet_is(const char *buf, size_t len);

/**
 * Reads a spreadsheet CSV into CFPackage JSON text appended to out. Each
 * problem goes to on_diag, its pointer "LINE:COLUMN" in the CSV.
 * @return 0, CW_EINVAL (problems reported), CW_ENOMEM, CW_ETOOBIG
 */
int cw_case_sheet_read(cw_buf *out, const char *buf, size_t len,
                       cw_case_diag_cb on_diag, void *payload);

#endif
