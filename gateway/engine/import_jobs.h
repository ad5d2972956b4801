/* Uploaded OneRoster imports as jobs of the queue: the upload is kept in
 * the data dir, the job names it, and any node may (re-)run it: a retry
 * first reads the import's record, so an import an earlier attempt
 * finished is not run twice. */
#ifndef CW_ENGINE_IMPORT_JOBS_H
#define CW_ENGINE_IMPORT_JOBS_H

#include "engine/ctx.h"
#include "engine/queue.h"

extern const cw_queue_handler cw_import_job_handler;

/**
 * Records an import of the set at path (an upload, which the job deletes
 * once the import ends, unless it is held pending) for the tenant and
 * starts its job; *import_id the record. CW_ETOOBIG when this node runs
 * too many jobs (the record then says failed, the upload is deleted).
 */
int cw_import_job_submit(cw_ctx *ctx, const cw_tenant *tenant, const char *path,
                         int approve, int64_t *import_id);

#endif
