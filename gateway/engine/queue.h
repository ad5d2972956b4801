/* The job queue of the daemon: background jobs (uploaded imports, sync
 * runs, CASE mirror runs) are rows of the store that a node claims with a
 * lease and renews while the job runs. A job submitted on a node starts
 * there at once; when that node dies its lease runs out and any node's
 * queue thread claims the row again and re-runs the job. Handlers are
 * written to be re-run: a retry finds what the last attempt left. */
#ifndef CW_ENGINE_QUEUE_H
#define CW_ENGINE_QUEUE_H

#include "store/store.h"

#include <cjson/cJSON.h>
#include <stdint.h>

typedef struct cw_queue cw_queue;
typedef struct cw_queue_job cw_queue_job;
struct cw_ctx_tag;

typedef struct {
	const char *kind;
	/**
	 * Runs the job. local: what its submitter prepared (on the node it
	 * was submitted on, first attempt), else NULL (a retry, or another
	 * node): the handler then starts from the row. Returns 0 (done),
	 * CW_EBUSY (not now: queued again a few seconds on), CW_ECANCELED
	 * (the node is stopping or lost the lease: queued again for any
	 * node), any other error (failed, with cw_error_last()).
	 */
	int (*run)(struct cw_ctx_tag *ctx, cw_queue_job *job, void *local);
	/** Frees local (may be NULL). */
	void (*free_local)(void *local);
	/** Its attempts ran out, its node dying under each: settles the
	 *  job's own record (may be NULL). */
	void (*abandoned)(struct cw_ctx_tag *ctx, const cw_job *job);
} cw_queue_handler;

/**
 * A queue running at most max_running jobs on this node (threads of
 * ctx->jobs), leases of lease_ms, owner an id of this process.
 */
int cw_queue_new(cw_queue **out, struct cw_ctx_tag *ctx,
                 const cw_queue_handler *handlers, size_t count,
                 int max_running, int64_t lease_ms);
/** Starts the queue thread: claims due and abandoned jobs, renews the
 *  leases of this node's. */
int cw_queue_start(cw_queue *q);
/**
 * Records a job (args: JSON text) and runs it here now with local; *id
 * (may be NULL) its id. CW_ETOOBIG when this node runs max_running jobs
 * already (nothing recorded; local freed). max_attempts 0: 3.
 */
int cw_queue_submit(cw_queue *q, const char *kind, int64_t tenant_id,
                    int64_t ref_id, const char *args, int max_attempts,
                    void *local, int64_t *id);
/** Cancels this node's jobs and stops the queue thread; the jobs end
 *  handed back (queued) for another node or the next start. */
void cw_queue_stop(cw_queue *q);
void cw_queue_free(cw_queue *q);
/** This process's owner id in leases. */
const char *cw_queue_owner(const cw_queue *q);

/** A job's row as JSON: {id, tenant_id, kind, ref_id, state, attempts,
 *  max_attempts, owner?, lease_until_ms?, created_ms, updated_ms, error?,
 *  args, result?}. */
cJSON *cw_queue_job_json(const cw_job *job);

/**
 * Stores len bytes of data as the blob of the tenant a job will read (its
 * input, so any node can run it), named prefix-XXXXXX (unique; in name).
 */
int cw_queue_input_put(struct cw_ctx_tag *ctx, int64_t tenant_id,
                       const char *prefix, const void *data, size_t len,
                       char name[64]);
/** The bytes of the input blob name in *data (cw_free), at most max. */
int cw_queue_input_get(struct cw_ctx_tag *ctx, const char *name, size_t max,
                       char **data, size_t *len);

/* For handlers. */
int64_t cw_queue_job_id(const cw_queue_job *job);
int64_t cw_queue_job_tenant(const cw_queue_job *job);
/** The job's tenant as the store has it; CW_ENOTFOUND when it is gone. */
int cw_queue_job_tenant_row(cw_queue_job *job, cw_tenant *out);
int64_t cw_queue_job_ref(const cw_queue_job *job);
int cw_queue_job_attempt(const cw_queue_job *job);
/** The args, parsed (NULL when they are not JSON). */
const cJSON *cw_queue_job_args(const cw_queue_job *job);
/** Set when the job should give up: the node stops or lost the lease. */
volatile int *cw_queue_job_cancel(cw_queue_job *job);
/** Records the job's record (e.g. a new sync run) on its row. */
int cw_queue_job_set_ref(cw_queue_job *job, int64_t ref_id);
/** Records what the job reports (JSON text) on its row, before it ends;
 *  CW_ENOTFOUND when the lease went to another node. */
int cw_queue_job_set_result(cw_queue_job *job, const char *result);

#endif
