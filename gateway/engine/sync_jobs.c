/* Scheduled and requested sync runs in the daemon, one job of the queue
 * each (begun here, re-run by any node if this one dies); the next firing
 * is moved before a run starts so no other tick (or node) fires it
 * again. */
#include "engine/sync_jobs.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/log.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>

#define MAX_DUE   64  /* firings started per tick; the rest wait a second */
#define RUNS_KEPT 200 /* each connection's newest runs kept */

typedef struct {
	cw_sync_job *job;
	int executed;
} running;

static void free_local(void *arg)
{
	running *r = arg;
	if (!r)
		return;
	if (!r->executed)
		cw_sync_abandon(r->job, "the daemon had too many jobs running; "
		                        "the run did not start");
	cw_sync_job_free(r->job);
	cw_free(r);
}

static void fill_options(cw_sync_options *o, cw_ctx *ctx,
                         const char *started_by)
{
	memset(o, 0, sizeof(*o));
	o->store = ctx->store;
	o->data_dir = ctx->data_dir;
	o->master_key = ctx->master_key;
	o->threshold_pct = ctx->config->roster_delete_threshold_pct;
	o->lease_s = ctx->config->sync_lease_s;
	o->started_by = started_by;
	o->public_only = !ctx->config->fetch_private_addresses;
	o->max_concurrent = (int)ctx->config->sync_max_concurrent;
	o->cancel = &ctx->stopping;
}

static int64_t arg_int(const cJSON *args, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);
	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

static const char *arg_text(const cJSON *args, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * A retry (the node that began the run died, or stopped): the run begins
 * anew from the job's arguments, which settles the dead one interrupted.
 * A run of the connection running now (another node's) has it covered.
 */
static int begin_again(cw_ctx *ctx, cw_queue_job *qj, running *r)
{
	const cJSON *args = cw_queue_job_args(qj);
	const char *name = arg_text(args, "name"),
	           *by = arg_text(args, "started_by");
	cw_sync_options o;
	int err;

	if (!name || !by) {
		cw_error_set("sync job %lld has no connection",
		             (long long)cw_queue_job_id(qj));
		return CW_EINVAL;
	}
	fill_options(&o, ctx, by);
	o.cancel = cw_queue_job_cancel(qj);
	o.full = arg_int(args, "full") != 0;
	o.approve_run = arg_int(args, "approve_run");
	o.fired_ms = arg_int(args, "fired_ms");
	/* The dead attempt had taken the held run; it is held again. */
	if (o.approve_run)
		(void)cw_store_sync_run_settle(ctx->store, o.approve_run,
		                               "approved", "held");
	err = cw_sync_begin(&r->job, &o, cw_queue_job_tenant(qj), name);
	if (err == CW_EBUSY && strcmp(by, "schedule") == 0) {
		CW_LOG(CW_LOG_INFO, "sync_retry_covered", "s:connection", name,
		       "s:reason", "a run of it is running", NULL);
		return 1;
	}
	if (err == 0)
		(void)cw_queue_job_set_ref(qj, cw_sync_job_run_id(r->job));
	return err;
}

static int run_job(cw_ctx *ctx, cw_queue_job *qj, void *local)
{
	running again = { NULL, 0 }, *r = local ? local : &again;
	cw_sync_result result;
	int err = 0;

	if (!local && (err = begin_again(ctx, qj, r)) != 0)
		return err > 0 ? 0 : err;
	err = cw_sync_execute(r->job, &result);
	r->executed = 1;
	/* Stopped half way (not held, not applied): another attempt, on
	 * any node, runs it again. */
	if (err == 0 && ctx->stopping && result.state &&
	    strcmp(result.state, "failed") == 0)
		err = CW_ECANCELED;
	cw_sync_result_dispose(&result);
	if (!local)
		cw_sync_job_free(again.job);
	return err;
}

/* Every attempt's node died under it: its last run says interrupted. */
static void sync_abandoned(cw_ctx *ctx, const cw_job *job)
{
	if (job->ref_id)
		(void)cw_store_sync_run_settle(ctx->store, job->ref_id,
		                               "running", "interrupted");
}

const cw_queue_handler cw_sync_job_handler = { "sync", run_job, free_local,
	                                       sync_abandoned };

static int start(cw_ctx *ctx, const cw_sync_options *o, int64_t tenant_id,
                 const char *name, int64_t *run_id)
{
	running *r = cw_calloc(1, sizeof(*r));
	cJSON *args = cJSON_CreateObject();
	char *text = NULL;
	int err;
	if (!r || !args) {
		cw_free(r);
		cJSON_Delete(args);
		return CW_ENOMEM;
	}
	if ((err = cw_sync_begin(&r->job, o, tenant_id, name)) < 0) {
		cw_free(r);
		cJSON_Delete(args);
		return err;
	}
	if (run_id)
		*run_id = cw_sync_job_run_id(r->job);
	if (!cJSON_AddStringToObject(args, "name", name) ||
	    !cJSON_AddStringToObject(args, "started_by", o->started_by) ||
	    !cJSON_AddBoolToObject(args, "full", o->full) ||
	    !cJSON_AddNumberToObject(args, "approve_run",
	                             (double)o->approve_run) ||
	    !cJSON_AddNumberToObject(args, "fired_ms", (double)o->fired_ms) ||
	    !(text = cJSON_PrintUnformatted(args))) {
		free_local(r);
		cJSON_Delete(args);
		return CW_ENOMEM;
	}
	err = cw_queue_submit(ctx->queue, "sync", cw_sync_job_tenant_id(r->job),
	                      cw_sync_job_run_id(r->job), text, 0, r, NULL);
	cJSON_free(text);
	cJSON_Delete(args);
	return err;
}

int cw_sync_start(cw_ctx *ctx, int64_t tenant_id, const char *name,
                  const char *started_by, int full, int64_t approve_run,
                  int64_t *run_id)
{
	cw_sync_options o;
	fill_options(&o, ctx, started_by);
	o.full = full;
	o.approve_run = approve_run;
	return start(ctx, &o, tenant_id, name, run_id);
}

typedef struct {
	int64_t id, tenant_id, next_run_ms;
	char name[64];
	char *schedule, *blackouts;
} due;

typedef struct {
	due list[MAX_DUE];
	size_t count;
	int64_t now;
} due_list;

static int collect(const cw_sync_connection *c, void *payload)
{
	due_list *d = payload;
	due *one;
	if (!c->schedule || (c->next_run_ms && c->next_run_ms > d->now) ||
	    d->count == MAX_DUE)
		return 0;
	one = &d->list[d->count];
	memset(one, 0, sizeof(*one));
	one->schedule = cw_strdup(c->schedule);
	one->blackouts = c->blackouts ? cw_strdup(c->blackouts) : NULL;
	if (!one->schedule || (c->blackouts && !one->blackouts)) {
		cw_free(one->schedule);
		cw_free(one->blackouts);
		return CW_ENOMEM;
	}
	one->id = c->id;
	one->tenant_id = c->tenant_id;
	one->next_run_ms = c->next_run_ms;
	snprintf(one->name, sizeof(one->name), "%s", c->name);
	d->count++;
	return 0;
}

/* One due connection: sets its next firing, and runs this one when the
 * stored firing is still what its schedule says (a connection changed
 * since is only rescheduled). */
static void fire(cw_ctx *ctx, const due *d, int64_t now)
{
	char zone[64];
	int64_t next = 0, expected = 0;
	int won = 0, err;
	if ((err = cw_store_tenant_zone_get(ctx->store, d->tenant_id, zone)) <
	            0 ||
	    (err = cw_sync_next_firing(&next, d->schedule, d->blackouts, zone,
	                               now)) < 0 ||
	    (d->next_run_ms &&
	     (err = cw_sync_next_firing(&expected, d->schedule, d->blackouts,
	                                zone, d->next_run_ms - 1000)) < 0) ||
	    (err = cw_store_sync_reschedule(ctx->store, d->id, d->next_run_ms,
	                                    next, &won)) < 0) {
		CW_LOG(CW_LOG_WARN, "sync_schedule_failed", "s:connection",
		       d->name, "s:message", cw_error_last(), NULL);
		return;
	}
	if (!won || !d->next_run_ms || expected != d->next_run_ms)
		return;
	cw_sync_options o;
	fill_options(&o, ctx, "schedule");
	o.fired_ms = d->next_run_ms;
	err = start(ctx, &o, d->tenant_id, d->name, NULL);
	if (err == CW_EBUSY)
		CW_LOG(CW_LOG_WARN, "sync_firing_skipped", "s:connection",
		       d->name, "s:reason", "a run of it is still running",
		       NULL);
	else if (err < 0)
		CW_LOG(CW_LOG_WARN, "sync_start_failed", "s:connection",
		       d->name, "s:message", cw_error_last(), NULL);
}

void cw_sync_tick(cw_ctx *ctx)
{
	due_list d;
	d.count = 0;
	d.now = cw_time_now_ms();
	if (cw_store_sync_list(ctx->store, 0, NULL, collect, &d) < 0)
		CW_LOG(CW_LOG_WARN, "sync_tick_failed", "s:message",
		       cw_error_last(), NULL);
	for (size_t i = 0; i < d.count; i++) {
		if (!ctx->stopping)
			fire(ctx, &d.list[i], d.now);
		cw_free(d.list[i].schedule);
		cw_free(d.list[i].blackouts);
	}
}

void cw_sync_prune_changes(cw_ctx *ctx)
{
	int64_t before = cw_time_now_ms() -
	                 ctx->config->change_retention_days * 86400000LL;
	int pruned = 0;
	if (cw_store_roster_prune(ctx->store, before, &pruned) < 0)
		CW_LOG(CW_LOG_WARN, "change_prune_failed", "s:message",
		       cw_error_last(), NULL);
	else if (pruned)
		CW_LOG(CW_LOG_INFO, "changes_pruned", "i:log_rows", pruned,
		       NULL);
	if (cw_store_sync_run_trim(ctx->store, RUNS_KEPT, &pruned) < 0)
		CW_LOG(CW_LOG_WARN, "sync_run_trim_failed", "s:message",
		       cw_error_last(), NULL);
	else if (pruned)
		CW_LOG(CW_LOG_INFO, "sync_runs_trimmed", "i:runs", pruned,
		       NULL);
}
