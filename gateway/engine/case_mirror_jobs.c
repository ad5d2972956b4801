/* The daemon's side of CASE mirrors: due mirrors are run as background
 * jobs, each marked with its next run first so no other tick starts it
 * again while it runs. */
#include "engine/case_mirror.h"

#include "engine/ctx.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/log.h"
#include "util/timeutil.h"

#include <string.h>

typedef struct {
	cw_ctx *ctx;
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

	for (int i = 0; i < 6; i++)
		cw_free(j->strings[i]);
	cw_free(j);
}

static void run_job(void *arg)
{
	job *j = arg;
	cw_case_mirror_report r;
	int err = cw_case_mirror_run_stored(
	        &r, j->ctx->store, j->ctx->master_key, &j->m, &j->ctx->stopping,
	        !j->ctx->config->fetch_private_addresses);

	CW_LOG(err == 0 && r.failed == 0 ? CW_LOG_INFO : CW_LOG_WARN,
	       "case_mirror_run", "l:mirror", (long long)j->m.id, "s:url",
	       j->m.base_url, "l:listed", (long long)r.listed, "l:changed",
	       (long long)r.changed, "l:failed", (long long)r.failed, "s:error",
	       r.error, NULL);
	cw_case_mirror_report_dispose(&r);
}

static int start_one(const cw_case_mirror *m, void *payload)
{
	cw_ctx *ctx = payload;
	job *j = cw_calloc(1, sizeof(*j));
	int64_t now = cw_time_now_ms();

	if (!j)
		return CW_ENOMEM;
	j->ctx = ctx;
	j->m = *m;
	j->m.base_url = j->strings[0] = dup_or_null(m->base_url);
	j->m.token_url = j->strings[1] = dup_or_null(m->token_url);
	j->m.client_id = j->strings[2] = dup_or_null(m->client_id);
	j->m.secret_sealed = j->strings[3] = dup_or_null(m->secret_sealed);
	j->m.scope = j->strings[4] = dup_or_null(m->scope);
	j->m.last_report = NULL;
	if (!j->m.base_url) {
		free_job(j);
		return CW_ENOMEM;
	}
	/* Its next run is set before it starts: the next tick skips it. */
	if (cw_store_case_mirror_done(ctx->store, m->id, m->last_run_ms,
	                              now + m->every_s * 1000L,
	                              "{\"state\":\"running\"}") < 0) {
		free_job(j);
		return 0;
	}
	if (cw_jobs_start(ctx->jobs, run_job, j, free_job) < 0)
		CW_LOG(CW_LOG_WARN, "case_mirror_deferred", "l:mirror",
		       (long long)m->id, NULL);
	return 0;
}

void cw_case_mirrors_tick(cw_ctx *ctx)
{
	if (cw_store_case_mirror_list(ctx->store, 0, cw_time_now_ms(),
	                              start_one, ctx) < 0)
		CW_LOG(CW_LOG_WARN, "case_mirror_tick_failed", "s:message",
		       cw_error_last(), NULL);
}
