/* Uploaded OneRoster imports as jobs of the queue: the upload is kept in
 * the store (a blob), the job names it, and any node may (re-)run it
 * without sharing a disk with the node that took it: a retry first reads
 * the import's record, so an import an earlier attempt finished is not
 * run twice. */
#ifndef CW_ENGINE_IMPORT_JOBS_H
#define CW_ENGINE_IMPORT_JOBS_H

#include "engine/ctx.h"
#include "engine/queue.h"

extern const cw_queue_handler cw_import_job_handler;

/**
 * Records an import for the tenant and starts its job: of the upload at
 * path (DATA_DIR/uploads/NAME, stored in the store as the blob NAME first;
 * with upload too, as the blob upload), or, path NULL, of the upload
 * already stored as upload (an approval).
 * The record's source is "upload:NAME"; the stored set is deleted once the
 * import ends, unless it is held pending. *import_id the record.
 * CW_ETOOBIG when this node runs too many jobs (the record then says
 * failed, the upload is deleted).
 */
int cw_import_job_submit(cw_ctx *ctx, const cw_tenant *tenant, const char *path,
                         const char *upload, int approve, int64_t *import_id);

#endif
