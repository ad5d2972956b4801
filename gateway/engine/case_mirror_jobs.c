/* The daemon's side of CASE mirrors: due mirrors are run as jobs of the
 * queue ("mirror"), each marked with its next run first so no other tick
 * starts it again while it runs; a run whose node died is run again by
 * another (a mirror run only copies the upstream's current documents, so
 * running it twice changes nothing the first did not). */
#include "engine/case_mirror.h"

#include "engine/ctx.h"
#include "engine/queue.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/log.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	cw_case_mirror m;
	char *strings[6];
} job;

static char *dup_or_null(const char *s)
{
	return s ? cw_strdup(s) : NULL;
}

static void free_job(void *arg)
{
	job *j = arg;

	if (!j)
		return;
	for (int i = 0; i < 6; i++)
		cw_free(j->strings[i]);
	cw_free(j);
}

/* A copy of the mirror that outlives the store's callback. */
static job *copy_of(const cw_case_mirror *m)
{
	job *j = cw_calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->m = *m;
	j->m.base_url = j->strings[0] = dup_or_null(m->base_url);
	j->m.token_url = j->strings[1] = dup_or_null(m->token_url);
	j->m.client_id = j->strings[2] = dup_or_null(m->client_id);
	j->m.secret_sealed = j->strings[3] = dup_or_null(m->secret_sealed);
	j->m.scope = j->strings[4] = dup_or_null(m->scope);
	j->m.last_report = NULL;
	if (!j->m.base_url) {
		free_job(j);
		return NULL;
	}
	return j;
}

typedef struct {
	int64_t id;
	job *found;
} finding;

static int find_mirror(const cw_case_mirror *m, void *payload)
{
	finding *f = payload;

	if (m->id != f->id || f->found)
		return 0;
	return (f->found = copy_of(m)) ? 0 : CW_ENOMEM;
}

static int run_job(cw_ctx *ctx, cw_queue_job *qj, void *local)
{
	finding f = { cw_queue_job_ref(qj), local };
	cw_case_mirror_report r;
	int err = 0;

	/* A retry reads the mirror again (it may have been deleted). */
	if (!local && (err = cw_store_case_mirror_list(ctx->store,
	                                               cw_queue_job_tenant(qj),
	                                               0, find_mirror, &f)) < 0)
		return err;
	if (!f.found)
		return 0;
	err = cw_case_mirror_run_stored(&r, ctx->store, ctx->master_key,
	                                &f.found->m, cw_queue_job_cancel(qj),
	                                !ctx->config->fetch_private_addresses);
	CW_LOG(err == 0 && r.failed == 0 ? CW_LOG_INFO : CW_LOG_WARN,
	       "case_mirror_run", "l:mirror", (long long)f.found->m.id, "s:url",
	       f.found->m.base_url, "l:listed", (long long)r.listed,
	       "l:changed", (long long)r.changed, "l:failed",
	       (long long)r.failed, "s:error", r.error, NULL);
	cw_case_mirror_report_dispose(&r);
	if (!local)
		free_job(f.found);
	return err;
}

const cw_queue_handler cw_case_mirror_job_handler = { "mirror", run_job,
	                                              free_job, NULL };

static int start_one(const cw_case_mirror *m, void *payload)
{
	cw_ctx *ctx = payload;
	int64_t now = cw_time_now_ms();
	char args[48];
	job *j = copy_of(m);

	if (!j)
		return CW_ENOMEM;
	/* Its next run is set before it starts: the next tick skips it. */
	if (cw_store_case_mirror_done(ctx->store, m->id, m->last_run_ms,
	                              now + m->every_s * 1000L,
	                              "{\"state\":\"running\"}") < 0) {
		free_job(j);
		return 0;
	}
	snprintf(args, sizeof(args), "{\"mirror\":%lld}", (long long)m->id);
	if (cw_queue_submit(ctx->queue, "mirror", m->tenant_id, m->id, args, 0,
	                    j, NULL) < 0)
		CW_LOG(CW_LOG_WARN, "case_mirror_deferred", "l:mirror",
		       (long long)m->id, "s:message", cw_error_last(), NULL);
	return 0;
}

void cw_case_mirrors_tick(cw_ctx *ctx)
{
	if (cw_store_case_mirror_list(ctx->store, 0, cw_time_now_ms(),
	                              start_one, ctx) < 0)
		CW_LOG(CW_LOG_WARN, "case_mirror_tick_failed", "s:message",
		       cw_error_last(), NULL);
}
