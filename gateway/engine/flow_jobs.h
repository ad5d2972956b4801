/* The CBE flows in the daemon: the environment a flow needs on a node (the
 * public base URL, the issuer, the document fetcher), one run of a flow on
 * an uploaded input as the HTTP API and the queue share it, and the "flow"
 * jobs of the queue: an input run in the background on any node (kept in
 * the store until it ends), its report the job's result. A flow run is
 * keyed by its input, so a job run again after its node died does what
 * was not done and issues nothing twice. */
#ifndef CW_ENGINE_FLOW_JOBS_H
#define CW_ENGINE_FLOW_JOBS_H

#include "engine/ctx.h"
#include "engine/doc_fetch.h"
#include "engine/flows.h"
#include "engine/queue.h"

typedef struct {
	cw_buf base;
	cw_badges badges;
	cw_doc_fetcher docs;
	cw_flow_env env;
} cw_flow_daemon;

int cw_flow_daemon_init(cw_flow_daemon *d, cw_ctx *ctx);
void cw_flow_daemon_dispose(cw_flow_daemon *d);

/**
 * Runs the flow kind of the tenant's mapping on input ("upload"):
 * credential-to-result on a credential, partner-record on records,
 * pd-completion on a class sourcedId. *report the outcome (held and
 * failed are outcomes). CW_EINVAL with *report NULL: not an input of the
 * flow, or (*bad_mapping 1) the tenant's mapping does not load; message
 * set.
 */
int cw_flow_daemon_run(cJSON **report, cw_flow_daemon *d,
                       const cw_tenant *tenant, cw_flow_kind kind,
                       const char *input, size_t len, int *bad_mapping);

extern const cw_queue_handler cw_flow_job_handler;

/** Stores input and starts a "flow" job of flow (its name) for the tenant;
 *  *job_id its id. CW_ETOOBIG when this node runs too many jobs. */
int cw_flow_job_submit(cw_ctx *ctx, const cw_tenant *tenant, const char *flow,
                       const char *input, size_t len, int64_t *job_id);

#endif
