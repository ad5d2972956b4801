/* Badge batches for the daemon: one batch issued from the admin API's
 * JSON rows (every row checked first, all signed and stored in one
 * transaction), and the "badge-batch" jobs of the queue: a batch issued in
 * the background on any node. Each row of a job's batch gets its
 * credential id when the job is submitted, so a batch run again after its
 * node died either issues the whole batch or finds it issued (its ids are
 * taken): never twice. */
#ifndef CW_ENGINE_BADGE_JOBS_H
#define CW_ENGINE_BADGE_JOBS_H

#include "engine/badges.h"
#include "engine/ctx.h"
#include "engine/queue.h"

#include <cjson/cJSON.h>

/**
 * Issues rows (an array of {recipient, achievement, id?, issuer?,
 * results?, evidence?}) in format (NULL: OB 3.0 Data Integrity). 0 with
 * *answer {"credentials": [{index, id, recipient, achievement}]};
 * CW_EINVAL with *errors [{pointer, message}] (nothing issued) when rows
 * are wrong; other errors as cw_badges_issue_batch.
 */
int cw_badge_batch_issue(cJSON **answer, cJSON **errors, const cw_badges *b,
                         const char *tenant, const cJSON *rows,
                         const char *format);

extern const cw_queue_handler cw_badge_batch_job_handler;

/** Gives every row of rows (modified) its credential id, stores the batch
 *  and starts its job; *job_id its id. CW_ETOOBIG when this node runs too
 *  many jobs. */
int cw_badge_batch_submit(cw_ctx *ctx, const cw_tenant *tenant, cJSON *rows,
                          const char *format, int64_t *job_id);

#endif
