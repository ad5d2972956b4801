/* crosswalk jobs queue: the rows of the job queue (uploaded imports, sync
 * runs, mirror runs), which node holds each and how often it was tried. */
#include "cli/cli.h"

#include "engine/queue.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cw_option queue_options[] = {
	{ "tenant", "NAME", "only this tenant's jobs", 0 },
	{ "state", "STATE", "queued, running, done or failed", 0 },
	{ "limit", "N", "at most N jobs, newest first (default 100)", 0 },
	{ NULL, NULL, NULL, 0 }
};

typedef struct {
	cJSON *list;
	int64_t now;
} printer;

static int on_job(const cw_job *j, void *payload)
{
	printer *p = payload;

	if (p->list) {
		cJSON *one = cw_queue_job_json(j);
		return one && cJSON_AddItemToArray(p->list, one) ? 0
		                                                 : CW_ENOMEM;
	}
	printf("%-6lld %-7s %-8s ref %-6lld attempt %d/%d%s%s%s%s\n",
	       (long long)j->id, j->kind, j->state, (long long)j->ref_id,
	       j->attempts, j->max_attempts, j->owner ? "  on " : "",
	       j->owner ? j->owner : "", j->error ? ": " : "",
	       j->error ? j->error : "");
	return 0;
}

static int run_queue(const cw_args *args)
{
	const char *limit = cw_args_get(args, "limit"),
	           *state = cw_args_get(args, "state");
	char *end = NULL;
	long n = limit ? strtol(limit, &end, 10) : 100;
	printer p = { NULL, 0 };
	cw_cli_env env;
	cw_tenant t = { 0 };
	int code, err = 0;

	if (n < 1 || n > 100000 || (end && *end)) {
		fprintf(stderr,
		        "crosswalk jobs queue: --limit is 1 to 100000\n");
		return CW_EXIT_USAGE;
	}
	if (state && strcmp(state, "queued") && strcmp(state, "running") &&
	    strcmp(state, "done") && strcmp(state, "failed")) {
		fprintf(stderr, "crosswalk jobs queue: --state is queued, "
		                "running, done or failed\n");
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	if (args->json && !(p.list = cJSON_CreateArray()))
		err = CW_ENOMEM;
	if (err == 0 && cw_args_get(args, "tenant"))
		err = cw_store_tenant_get(env.store,
		                          cw_args_get(args, "tenant"), &t);
	if (err == 0)
		err = cw_store_job_list(env.store, t.id, 0, state, (size_t)n,
		                        on_job, &p);
	if (err < 0) {
		code = cw_cli_fail(args, err);
		cJSON_Delete(p.list);
	} else {
		code = p.list ? cw_cli_print_json(p.list) : CW_EXIT_OK;
	}
	cw_cli_env_close(&env);
	return code;
}

static const cw_command_spec queue_spec = {
	"jobs queue",
	"[--tenant NAME] [--state STATE] [--limit N] [--json]",
	"List the job queue's rows, newest first.",
	"Each job: its number, kind (import, sync, mirror), state, the record\n"
	"it runs (the import, the sync run, the mirror), its attempts, and "
	"the\n"
	"node holding it while it runs. A job whose node dies is claimed\n"
	"again by another node once its lease (sync_lease_s) lapses.",
	queue_options,
	0,
	0
};

const cw_command cw_cmd_jobs_queue = { &queue_spec, run_queue };
