/* crosswalk tenant add | list. */
#include "cli/cli.h"

#include "engine/sync_run.h"
#include "engine/views.h"
#include "util/error.h"
#include "util/timeutil.h"
#include "util/tz.h"

#include <cjson/cJSON.h>
#include <stdio.h>

static const cw_option no_options[] = { { NULL, NULL, NULL, 0 } };

static const cw_option zone_options[] = {
	{ "time-zone", "ZONE",
	  "IANA time zone its sync schedules are read in (default UTC)", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_command_spec add_spec = {
	"tenant add",
	"NAME [--time-zone ZONE]",
	"Add a tenant (a district, a program …).",
	"NAME: 1 to 63 characters of a-z, 0-9 and '-', not starting with "
	"'-'.\n"
	"ZONE: an IANA name such as America/Chicago (read from\n"
	"/usr/share/zoneinfo, Debian's tzdata); schedules of its sync\n"
	"connections and their blackout dates are in it.",
	zone_options,
	1,
	1
};

static const cw_command_spec update_spec = {
	"tenant update",
	"NAME --time-zone ZONE",
	"Change a tenant's time zone (its connections are rescheduled).",
	NULL,
	zone_options,
	1,
	1
};

/* A zone that cw_tz_load reads, or an exit code. */
static int check_zone(const cw_args *args, const char *zone)
{
	cw_tz *tz = NULL;
	int err;
	if (!zone)
		return 0;
	err = cw_tz_load(&tz, zone);
	cw_tz_free(tz);
	if (err < 0) {
		fprintf(stderr, "crosswalk %s: --time-zone: %s\n",
		        args->spec->name, cw_error_last());
		return CW_EXIT_USAGE;
	}
	return 0;
}

typedef struct {
	cw_store *store;
	const char *zone;
	int err;
} rescheduling;

/* A connection's next firing worked out again in the new zone. */
static int reschedule(const cw_sync_connection *c, void *payload)
{
	rescheduling *r = payload;
	int64_t next = 0;
	int won = 0;
	int err = cw_sync_next_firing(&next, c->schedule, c->blackouts, r->zone,
	                              cw_time_now_ms());
	if (err == 0)
		err = cw_store_sync_reschedule(r->store, c->id, c->next_run_ms,
		                               next, &won);
	if (err < 0 && r->err == 0)
		r->err = err;
	return 0;
}

static int run_update(const cw_args *args)
{
	const char *zone = cw_args_get(args, "time-zone");
	cw_cli_env env;
	cw_tenant tenant;
	int code, err;
	if (!zone) {
		fprintf(stderr, "crosswalk tenant update: --time-zone is "
		                "required\n");
		return CW_EXIT_USAGE;
	}
	if ((code = check_zone(args, zone)) != 0 ||
	    (code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	err = cw_store_tenant_get(env.store, args->positionals[0], &tenant);
	if (err == 0)
		err = cw_store_tenant_zone_set(env.store, tenant.id, zone);
	if (err == 0) {
		rescheduling r = { env.store, zone, 0 };
		err = cw_store_sync_list(env.store, tenant.id, NULL, reschedule,
		                         &r);
		if (err == 0)
			err = r.err;
	}
	(void)cw_cli_audit(env.store, tenant.name, "tenant.update",
	                   args->positionals[0], err);
	if (err < 0)
		code = cw_cli_fail(args, err);
	else
		printf("Tenant %s: time zone %s.\n", tenant.name, zone);
	cw_cli_env_close(&env);
	return code;
}

static const cw_command_spec list_spec = {
	"tenant list", "[--json]", "List the tenants.", NULL, no_options, 0, 0
};

static int run_add(const cw_args *args)
{
	const char *name = args->positionals[0];
	cw_cli_env env;
	cw_tenant tenant;
	const char *zone = cw_args_get(args, "time-zone");
	int code = check_zone(args, zone), err;

	if (code || (code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	err = cw_store_tenant_add(env.store, name, &tenant);
	if (err == 0 && zone)
		err = cw_store_tenant_zone_set(env.store, tenant.id, zone);
	if (err != CW_ESTORE) {
		int audit_err =
		        cw_cli_audit(env.store, name, "tenant.add", name, err);
		if (err == 0)
			err = audit_err;
	}
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (args->json) {
		code = cw_cli_print_json(cw_view_tenant(&tenant));
	} else {
		printf("Tenant %s added.\n", tenant.name);
	}
	cw_cli_env_close(&env);
	return code;
}

static int print_row(const cw_tenant *tenant, void *payload)
{
	(void)payload;
	printf("%-32s %s\n", tenant->name, tenant->created_at);
	return 0;
}

static int run_list(const cw_args *args)
{
	cJSON *list = args->json ? cJSON_CreateArray() : NULL;
	cw_cli_env env;
	int code = cw_cli_env_open(&env, args, NULL), err;

	if (code) {
		cJSON_Delete(list);
		return code;
	}
	if (!args->json)
		printf("%-32s %s\n", "NAME", "CREATED");
	err = cw_store_tenant_list(
	        env.store, args->json ? cw_view_append_tenant : print_row,
	        list);
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (list) {
		code = cw_cli_print_json(list);
		list = NULL;
	}
	cJSON_Delete(list);
	cw_cli_env_close(&env);
	return code;
}

const cw_command cw_cmd_tenant_add = { &add_spec, run_add };
const cw_command cw_cmd_tenant_list = { &list_spec, run_list };
const cw_command cw_cmd_tenant_update = { &update_spec, run_update };
