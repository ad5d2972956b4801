/* The daemon's side of sync connections: scheduled firings become runs
 * (background jobs), "run now" and approvals from the admin API too, and
 * the change log is pruned to its retention. */
#ifndef CW_ENGINE_SYNC_JOBS_H
#define CW_ENGINE_SYNC_JOBS_H

#include "engine/ctx.h"
#include "engine/queue.h"
#include "engine/sync_run.h"

/** The "sync" jobs of the queue. */
extern const cw_queue_handler cw_sync_job_handler;

/**
 * Starts every connection's firing that has come due: each firing is
 * taken by one caller only (cw_store_sync_reschedule), its next one set
 * first; a connection whose run is still running skips the firing (logged).
 */
void cw_sync_tick(cw_ctx *ctx);

/**
 * Begins a run of the connection named name of tenant_id now (lease and
 * run record; CW_EBUSY when one is running, CW_ENOTFOUND) and runs it as a
 * background job; its id in *run_id. CW_ETOOBIG when too many jobs run
 * (the run is recorded failed). started_by: "api" or "approval"
 * (approve_run: the held run to apply); full: a full pull.
 */
int cw_sync_start(cw_ctx *ctx, int64_t tenant_id, const char *name,
                  const char *started_by, int full, int64_t approve_run,
                  int64_t *run_id);

/** Deletes change-log entries older than change_retention_days, and each
 *  connection's runs but its newest 200 (running and held ones stay). */
void cw_sync_prune_changes(cw_ctx *ctx);

#endif
