/* Pulling a tenant's roster from a SIS's OneRoster REST API into a CSV set
 * on disk (every rostering collection through engine/or_client, each record
 * through roster/from_json), which then goes through cw_roster_import like
 * any uploaded set: validated, diffed, held past the threshold, applied in
 * one transaction or not at all. */
#ifndef CW_ENGINE_SIS_PULL_H
#define CW_ENGINE_SIS_PULL_H

#include "engine/or_client.h"
#include "roster/schema.h"

typedef struct {
	cw_or_client_options client; /* base_url: the rostering service */
	cw_or_version version;       /* CW_OR_V1P1 or CW_OR_V1P2 */
	int demographics;            /* pull /demographics too */
	/* Delta: a filter such as dateLastModified>'2026-11-30T00:00:00Z';
	 * the set is written in delta mode. NULL: a full (bulk) set. */
	const char *filter;
} cw_sis_pull_options;

typedef struct {
	cw_or_pull_stats totals;
	size_t records[CW_OR_ENTITY_COUNT];
	char failure[400]; /* which collection failed, and why */
} cw_sis_pull_report;

/**
 * Writes manifest.csv and one CSV file per pulled collection (1.2 users'
 * roles as roles.csv) into dir, which must exist and be empty. On failure
 * the report says which collection and why, and the set is incomplete:
 * the caller must not import it.
 */
int cw_sis_pull(const char *dir, const cw_sis_pull_options *options,
                cw_sis_pull_report *report);

#endif
