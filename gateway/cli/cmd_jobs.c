/* crosswalk jobs list | show | replay | dead-letters: the flow runs, their
 * audit trail, and the runs held or failed. */
#include "cli/cli.h"

#include "engine/flows.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cw_option list_options[] = {
	{ "tenant", "NAME", "only this tenant's runs", 0 },
	{ "limit", "N", "at most N runs, newest first (default 100)", 0 },
	{ NULL, NULL, NULL, 0 }
};

typedef struct {
	const cw_args *args;
	cJSON *list;
	int detail;
} printer;

static int on_run(const cw_flow_run *r, void *payload)
{
	printer *p = payload;

	if (p->list)
		return cJSON_AddItemToArray(p->list,
		                            cw_flow_run_json(r, p->detail))
		               ? 0
		               : CW_ENOMEM;
	printf("%-6lld %-20s %-8s %-22s %s%s%s\n", (long long)r->id, r->flow,
	       r->state, r->updated_at, r->source, r->reason ? ": " : "",
	       r->reason ? r->reason : "");
	return 0;
}

static int tenant_of(int64_t *id, cw_cli_env *env, const cw_args *args)
{
	cw_tenant t;
	int err = 0;

	*id = 0;
	if (cw_args_get(args, "tenant") &&
	    (err = cw_store_tenant_get(env->store, cw_args_get(args, "tenant"),
	                               &t)) == 0)
		*id = t.id;
	return err;
}

/* The runs in any of states (NULL-ended; NULL: every run), one list. */
static int list_runs(const cw_args *args, const char *const *states)
{
	cw_cli_env env;
	printer p = { args, args->json ? cJSON_CreateArray() : NULL, 0 };
	const char *limit = cw_args_get(args, "limit");
	char *end = NULL;
	long n = limit ? strtol(limit, &end, 10) : 100;
	int64_t tenant;
	int code, err;

	if (n < 1 || n > 100000 || (end && *end)) {
		fprintf(stderr, "crosswalk jobs: --limit is 1 to 100000\n");
		cJSON_Delete(p.list);
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0) {
		cJSON_Delete(p.list);
		return code;
	}
	err = tenant_of(&tenant, &env, args);
	for (size_t i = 0; err == 0 && (i == 0 || (states && states[i])); i++)
		err = cw_store_flow_run_list(env.store, tenant, 0,
		                             states ? states[i] : NULL, 0,
		                             (size_t)n, on_run, &p);
	code = err < 0  ? cw_cli_fail(args, err)
	       : p.list ? cw_cli_print_json(p.list)
	                : CW_EXIT_OK;
	if (err < 0)
		cJSON_Delete(p.list);
	cw_cli_env_close(&env);
	return code;
}

static int run_list(const cw_args *args)
{
	return list_runs(args, NULL);
}

static int run_dead_letters(const cw_args *args)
{
	static const char *const dead[] = { "held", "failed", NULL };

	return list_runs(args, dead);
}

static int parse_id(int64_t *id, const char *s)
{
	char *end = NULL;
	long long v = strtoll(s, &end, 10);

	*id = v;
	return v > 0 && end && !*end ? 0 : CW_EUSAGE;
}

static int run_show(const cw_args *args)
{
	cw_cli_env env;
	printer p = { args, cJSON_CreateArray(), 1 };
	int64_t id;
	int code, err;

	if (parse_id(&id, args->positionals[0]) < 0) {
		fprintf(stderr, "crosswalk jobs show: ID is a run number\n");
		cJSON_Delete(p.list);
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0) {
		cJSON_Delete(p.list);
		return code;
	}
	err = cw_store_flow_run_list(env.store, 0, id, NULL, 1, 1, on_run, &p);
	if (err < 0) {
		code = cw_cli_fail(args, err);
		cJSON_Delete(p.list);
	} else {
		cJSON *run = cJSON_DetachItemFromArray(p.list, 0);
		cJSON_Delete(p.list);
		code = cw_cli_print_json(run);
	}
	cw_cli_env_close(&env);
	return code;
}

typedef struct {
	int64_t tenant_id;
} owner;

static int on_owner(const cw_flow_run *r, void *payload)
{
	((owner *)payload)->tenant_id = r->tenant_id;
	return 0;
}

static int run_replay(const cw_args *args)
{
	cw_cli_env env;
	cw_jsonld_loader *loader = NULL;
	cw_flow_outcome o = { 0, NULL, NULL };
	cw_cli_fetcher fetcher;
	owner who = { 0 };
	int64_t id;
	int code, err;

	if (parse_id(&id, args->positionals[0]) < 0) {
		fprintf(stderr, "crosswalk jobs replay: ID is a run number\n");
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	if ((code = cw_cli_fetcher_open(&fetcher, &env, args)) != 0) {
		cw_cli_env_close(&env);
		return code;
	}
	cw_flow_env fe = { env.store, NULL, cw_cli_flow_fetch, &fetcher.docs,
		           0,         0,    &fetcher.badges,   0 };
	if ((err = cw_store_flow_run_list(env.store, 0, id, NULL, 0, 1,
	                                  on_owner, &who)) < 0 ||
	    (err = cw_cli_jsonld_loader(&loader, args)) < 0 ||
	    (fe.loader = loader,
	     err = cw_flow_replay(&o, &fe, who.tenant_id, id)) < 0) {
		code = cw_cli_fail(args, err);
		goto out;
	}
	if (args->json) {
		code = cw_cli_print_json(o.report);
		o.report = NULL;
	} else {
		const cJSON *reason = cJSON_GetObjectItem(o.report, "reason");
		printf("%s (run %lld)%s%s\n", o.state, (long long)id,
		       cJSON_IsString(reason) ? ": " : "",
		       cJSON_IsString(reason) ? reason->valuestring : "");
		code = CW_EXIT_OK;
	}
	if (strcmp(o.state, "held") == 0 || strcmp(o.state, "failed") == 0)
		code = CW_EXIT_INVALID;
out:
	cw_flow_outcome_dispose(&o);
	cw_jsonld_loader_free(loader);
	cw_cli_fetcher_close(&fetcher);
	cw_cli_env_close(&env);
	return code;
}

static const cw_option no_options[] = { { NULL, NULL, NULL, 0 } };

static const cw_command_spec list_spec = {
	"jobs list",
	"[--tenant NAME] [--limit N] [--json]",
	"List the flow runs, newest first.",
	"Each run: its number, flow, state (done, held, failed), when, its\n"
	"input's source, and why when it was held or failed.",
	list_options,
	0,
	0
};
static const cw_command_spec dead_spec = {
	"jobs dead-letters",
	"[--tenant NAME] [--limit N] [--json]",
	"List the runs held or failed, with the reason.",
	"Fix what the reason names (the roster, the framework, the mapping),\n"
	"then `jobs replay ID` runs the stored input again.",
	list_options,
	0,
	0
};
static const cw_command_spec show_spec = {
	"jobs show",
	"ID",
	"Show a run: its input's size, each stage's output, the outcome.",
	NULL,
	no_options,
	1,
	1
};
static const cw_command_spec replay_spec = {
	"jobs replay",
	"ID [--json]",
	"Run a held or failed run again on its stored input.",
	"With the tenant's current data and mapping. A run already done is\n"
	"reported as a duplicate and writes nothing.",
	no_options,
	1,
	1
};

const cw_command cw_cmd_jobs_list = { &list_spec, run_list };
const cw_command cw_cmd_jobs_dead_letters = { &dead_spec, run_dead_letters };
const cw_command cw_cmd_jobs_show = { &show_spec, run_show };
const cw_command cw_cmd_jobs_replay = { &replay_spec, run_replay };
