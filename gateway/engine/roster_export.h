/* Exporting a tenant's roster as a OneRoster CSV set (1.1 or 1.2, bulk or
 * delta since a time), to a directory or a .zip. */
#ifndef CW_ENGINE_ROSTER_EXPORT_H
#define CW_ENGINE_ROSTER_EXPORT_H

#include "roster/schema.h"
#include "store/store.h"

#include <stdint.h>

typedef struct {
	const char *tenant;
	cw_or_version version;
	const char *since; /* NULL: bulk; a date-time: delta of changes after */
	const char *out;   /* a directory (created if needed) or FILE.zip */
} cw_roster_export_options;

typedef struct {
	uint64_t rows[CW_OR_ENTITY_COUNT];
	/* Rows the version cannot carry (1.1 users with no role at all: no
	 * roles row, no enrollment), left out. */
	uint64_t skipped[CW_OR_ENTITY_COUNT];
	uint64_t total;
	int files;
} cw_roster_export_result;

int cw_roster_export(cw_roster_export_result *out, cw_store *store,
                     const cw_roster_export_options *options);

/**
 * Writes the Canvas SIS import CSV set (accounts, terms, courses, sections,
 * users, enrollments) from the tenant's roster; with since, only what changed
 * (deleted rows with status deleted). options->version is not used.
 */
int cw_roster_export_canvas(cw_roster_export_result *out, cw_store *store,
                            const cw_roster_export_options *options);

#endif
