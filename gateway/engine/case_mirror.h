/* Mirroring a remote CASE server into a tenant: its document list, then
 * each CFPackage whose document changed since the last pull, imported as
 * `case import` does (one transaction each, only what changed written).
 * Optional OAuth 2.0 client credentials. Mirrors with a schedule are kept
 * in the store and refreshed by the daemon. */
#ifndef CW_ENGINE_CASE_MIRROR_H
#define CW_ENGINE_CASE_MIRROR_H

#include "engine/queue.h"
#include "store/store.h"

#include <cjson/cJSON.h>

struct cw_ctx_tag;

typedef struct {
	const char *base_url;  /* ".../ims/case/v1p0" or ".../v1p1" */
	const char *token_url; /* OAuth 2.0 token endpoint, or NULL */
	const char *client_id, *client_secret, *scope;
	const char *actor, *tenant; /* for the audit log */
	volatile int *stopping;     /* set: the run stops between packages */
	int public_only;            /* refuse private addresses (net/fetch.h) */
} cw_case_mirror_options;

typedef struct {
	size_t listed, changed, unchanged, failed;
	cJSON *documents; /* [{"identifier", "title", "outcome", "message"}] */
	char error[512];  /* why the list itself failed, or "" */
} cw_case_mirror_report;

/**
 * One pull. 0 when the list was read (each package's outcome is in the
 * report, failed ones too); CW_EIO / CW_EAUTH / CW_EINVAL when the server
 * or its token endpoint could not be used (report->error says why).
 */
int cw_case_mirror_run(cw_case_mirror_report *out, cw_store *store,
                       int64_t tenant_id, const cw_case_mirror_options *o);
void cw_case_mirror_report_dispose(cw_case_mirror_report *report);
/** {"listed", "changed", "unchanged", "failed", "error"?, "documents"}. */
cJSON *cw_case_mirror_report_json(const cw_case_mirror_report *report);

/** "30m", "6h", "1d", "90s" (or plain seconds) as seconds; -1 if not. */
long cw_case_mirror_parse_every(const char *text);

/**
 * Keeps a mirror of the tenant to run every every_s seconds, its client
 * secret (if any) sealed under key; the first run is due now. *id its id.
 */
int cw_case_mirror_schedule(cw_store *store, const unsigned char *key,
                            int64_t tenant_id, const cw_case_mirror_options *o,
                            long every_s, int64_t *id);

/**
 * Runs a stored mirror now (its secret opened with key) and records the
 * run and the next one; the report is out's.
 */
int cw_case_mirror_run_stored(cw_case_mirror_report *out, cw_store *store,
                              const unsigned char *key,
                              const cw_case_mirror *mirror,
                              volatile int *stopping, int public_only);

/** The daemon's tick: starts every mirror that is due as a job of the
 *  queue (engine/case_mirror_jobs.c). */
void cw_case_mirrors_tick(struct cw_ctx_tag *ctx);
/** The "mirror" jobs of the queue. */
extern const cw_queue_handler cw_case_mirror_job_handler;

/** A mirror's client secret sealed for tenant from_tenant, sealed again
 *  (same key) for to_tenant (`crosswalk migrate`); *out cw_free'd. */
int cw_case_mirror_reseal(char **out, const unsigned char *key,
                          const char *sealed, int64_t from_tenant,
                          int64_t to_tenant, const char *base_url);

#endif
