/* Running a stored sync connection, for `crosswalk sync run` and the daemon
 * alike: take the connection's lease, pull the SIS into a temporary set,
 * import it as `roster import` would, record the run (its report, and the
 * cursor when it applied), post the report to the webhook, give the lease
 * back. A run held by the change threshold keeps its pulled set until it is
 * approved (applying exactly that set) or a later run replaces it. */
#ifndef CW_ENGINE_SYNC_RUN_H
#define CW_ENGINE_SYNC_RUN_H

#include "engine/roster_import.h"
#include "engine/sis_pull.h"
#include "store/store.h"

#include <cjson/cJSON.h>

/* A delta starts this long before the last applied pull began, so rows
 * changed while it ran (boundary ties, clock skew) are read again. */
#define CW_SYNC_OVERLAP_S 300

typedef struct {
	cw_store *store;
	const char *data_dir;
	const unsigned char *master_key; /* opens the connection's secret */
	long threshold_pct;              /* roster_delete_threshold_pct */
	long lease_s;                    /* sync_lease_s */
	const char *started_by;          /* schedule | api | cli | approval */
	int full;        /* a full pull even if a delta could do */
	int approve;     /* apply even past the threshold (a fresh pull) */
	int public_only; /* refuse private addresses (the daemon's tenants) */
	int max_concurrent;   /* sync_max_concurrent: requests in flight */
	volatile int *cancel; /* when set non-zero, the import gives up */
	/* With approve_run (a held run's id) the job applies that run's
	 * pulled set, approved, instead of pulling again. */
	int64_t approve_run;
	/* The firing that started it (schedule), 0 otherwise: a full
	 * schedule reached since the last full run makes it a full run. */
	int64_t fired_ms;
} cw_sync_options;

typedef struct cw_sync_job cw_sync_job;

/**
 * Finds the connection named name (of tenant_id; 0: any tenant's), takes
 * its lease and records a run in state running. CW_ENOTFOUND when there is
 * no such connection (or held run to approve), CW_EBUSY (message set) when
 * a run of it is running already, CW_EINVAL when approve_run is not a held
 * run that can still be approved.
 */
int cw_sync_begin(cw_sync_job **out, const cw_sync_options *options,
                  int64_t tenant_id, const char *name);

/** The run's id, its kind ("full" or "delta"), the connection's tenant. */
int64_t cw_sync_job_run_id(const cw_sync_job *job);
const char *cw_sync_job_kind(const cw_sync_job *job);
int64_t cw_sync_job_tenant_id(const cw_sync_job *job);

typedef struct {
	const char *state; /* applied, unchanged, held, rejected, failed */
	int pulled;        /* the pull completed (the import ran) */
	cw_sis_pull_report pull;
	cw_roster_import_result import;
	char *report; /* the run's JSON report (cw_free) */
} cw_sync_result;

/**
 * Runs the job (pull or approved set, import, record, webhook) and gives
 * the lease back. 0 when the run ended as recorded in out->state (held and
 * rejected included); a negative code when it could not be recorded.
 */
int cw_sync_execute(cw_sync_job *job, cw_sync_result *out);

/** Records a begun job's run as failed (why) without running it. */
void cw_sync_abandon(cw_sync_job *job, const char *why);

/** Gives the lease back if still held, frees the job. */
void cw_sync_job_free(cw_sync_job *job);
void cw_sync_result_dispose(cw_sync_result *result);

/** Deletes connection id and its runs (cw_store_sync_delete), and the
 *  pulled sets its held runs kept. */
int cw_sync_delete(cw_store *store, int64_t id);

/** A connection as JSON, its secret never (for `sync show|list` and the
 *  admin API); tenant is its tenant's name. */
cJSON *cw_sync_connection_json(const cw_sync_connection *c, const char *tenant);

/** A run as JSON (for `sync show` and the admin API). */
char *cw_sync_run_json(const cw_sync_run *run);

/**
 * The first firing of the connection's schedule after after_ms, outside
 * its blackouts, in the zone named zone; *next_ms 0 when it has no
 * schedule. CW_EINVAL (message set) for a bad schedule, blackout or zone.
 */
int cw_sync_next_firing(int64_t *next_ms, const char *schedule,
                        const char *blackouts, const char *zone,
                        int64_t after_ms);

/**
 * Checks the parts of a connection a user gives (schedule, full schedule,
 * blackouts, page size, version, webhook URL); CW_EINVAL with a message
 * naming the bad one.
 */
int cw_sync_check(const cw_sync_connection *c);

#endif
