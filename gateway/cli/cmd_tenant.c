/* crosswalk tenant add | list. */
#include "cli/cli.h"

#include "engine/views.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <stdio.h>

static const cw_option no_options[] = { { NULL, NULL, NULL, 0 } };

static const cw_command_spec add_spec = {
	"tenant add",
	"NAME",
	"Add a tenant (a district, a program …).",
	"NAME: 1 to 63 characters of a-z, 0-9 and '-', not starting with '-'.",
	no_options,
	1,
	1
};

static const cw_command_spec list_spec = {
	"tenant list", "[--json]", "List the tenants.", NULL, no_options, 0, 0
};

static int run_add(const cw_args *args)
{
	const char *name = args->positionals[0];
	cw_cli_env env;
	cw_tenant tenant;
	int code = cw_cli_env_open(&env, args, NULL), err;

	if (code)
		return code;
	err = cw_store_tenant_add(env.store, name, &tenant);
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
