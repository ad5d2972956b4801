/* crosswalk client add | list | revoke. */
#include "cli/cli.h"

#include "engine/credentials.h"
#include "engine/datadir.h"
#include "engine/scope.h"
#include "engine/views.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static const cw_option add_options[] = {
	{ "tenant", "NAME", "the tenant the client belongs to (required)", 0 },
	{ "scope", "\"URI ...\"", "scopes granted, space-separated (required)",
	  1 },
	{ NULL, NULL, NULL, 0 },
};

static const cw_option list_options[] = {
	{ "tenant", "NAME", "only this tenant's clients", 0 },
	{ NULL, NULL, NULL, 0 },
};

static const cw_option no_options[] = { { NULL, NULL, NULL, 0 } };

static const cw_command_spec add_spec = {
	"client add",
	"--tenant NAME --scope \"URI ...\" [--json]",
	"Create an API client; prints its client_id and client_secret once.",
	"Scopes are the 1EdTech scope URIs, for example\n"
	"  https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly\n"
	"and " CW_SCOPE_ADMIN " for the admin API.\n"
	"--json prints {\"client_id\", \"client_secret\", \"tenant\", "
	"\"scopes\"}.",
	add_options,
	0,
	0
};

static const cw_command_spec list_spec = {
	"client list",
	"[--tenant NAME] [--json]",
	"List API clients (never their secrets).",
	NULL,
	list_options,
	0,
	0
};

static const cw_command_spec revoke_spec = {
	"client revoke",
	"CLIENT_ID",
	"Revoke a client; its tokens stop working at once.",
	NULL,
	no_options,
	1,
	1
};

static int run_add(const cw_args *args)
{
	const char *tenant = cw_args_get(args, "tenant");
	cw_buf scopes = CW_BUF_INIT(CW_LIMIT_SCOPE_STRING);
	unsigned char key[CW_MASTER_KEY_LEN];
	cw_new_client client = { 0 };
	cw_cli_env env;
	int code, err;

	if (!tenant || cw_args_count(args, "scope") == 0) {
		fprintf(stderr,
		        "crosswalk client add: --tenant and --scope are "
		        "required\n");
		return CW_EXIT_USAGE;
	}
	for (int i = 0; i < cw_args_count(args, "scope"); i++) {
		cw_buf_puts(&scopes, cw_args_get_nth(args, "scope", i));
		cw_buf_putc(&scopes, ' ');
	}
	if (scopes.error) {
		fprintf(stderr, "crosswalk client add: scope list too long\n");
		cw_buf_dispose(&scopes);
		return CW_EXIT_INVALID;
	}
	code = cw_cli_env_open(&env, args, NULL);
	if (code) {
		cw_buf_dispose(&scopes);
		return code;
	}
	err = cw_datadir_master_key(key, env.data_dir, &env.config);
	if (err == 0)
		err = cw_credentials_client_create(&client, env.store, key,
		                                   tenant, scopes.data, "cli");
	memset(key, 0, sizeof(key));
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (args->json) {
		code = cw_cli_print_json(cw_view_new_client(&client));
	} else {
		printf("Client created for tenant %s.\n  client_id:     %s\n"
		       "  client_secret: %s\n  scopes:        %s\n"
		       "The secret is shown only now; keep it safe.\n",
		       client.tenant, client.client_id, client.client_secret,
		       client.scopes);
	}
	cw_new_client_dispose(&client);
	cw_buf_dispose(&scopes);
	cw_cli_env_close(&env);
	return code;
}

static int list_text(const cw_client *client, void *payload)
{
	(void)payload;
	printf("%-32s %-20s %-8s %s\n", client->client_id, client->tenant,
	       client->revoked_at[0] ? "revoked" : "active", client->scopes);
	return 0;
}

static int run_list(const cw_args *args)
{
	const char *tenant_name = cw_args_get(args, "tenant");
	cJSON *list = args->json ? cJSON_CreateArray() : NULL;
	cw_tenant tenant = { 0 };
	cw_cli_env env;
	int code = cw_cli_env_open(&env, args, NULL), err = 0;

	if (code) {
		cJSON_Delete(list);
		return code;
	}
	if (tenant_name)
		err = cw_store_tenant_get(env.store, tenant_name, &tenant);
	if (err == 0 && !args->json)
		printf("%-32s %-20s %-8s %s\n", "CLIENT_ID", "TENANT", "STATE",
		       "SCOPES");
	if (err == 0)
		err = cw_store_client_list(
		        env.store, tenant.id,
		        args->json ? cw_view_append_client : list_text, list);
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

static int run_revoke(const cw_args *args)
{
	const char *id = args->positionals[0];
	char stamp[CW_TIME_ISO_LEN];
	cw_client client = { 0 };
	cw_cli_env env;
	int code = cw_cli_env_open(&env, args, NULL), err;

	if (code)
		return code;
	cw_time_format_iso(cw_time_now_ms(), stamp);
	err = cw_store_client_get(env.store, id, &client);
	if (err == 0)
		err = cw_store_client_revoke(env.store, id, stamp);
	if (err != CW_ESTORE) {
		int audit_err = cw_cli_audit(
		        env.store, client.tenant[0] ? client.tenant : NULL,
		        "client.revoke", id, err);
		if (err == 0)
			err = audit_err;
	}
	if (err < 0)
		code = cw_cli_fail(args, err);
	else if (args->json)
		printf("{\"client_id\":\"%s\",\"revoked_at\":\"%s\"}\n",
		       client.client_id, stamp);
	else
		printf("Client %s revoked.\n", client.client_id);
	cw_client_dispose(&client);
	cw_cli_env_close(&env);
	return code;
}

const cw_command cw_cmd_client_add = { &add_spec, run_add };
const cw_command cw_cmd_client_list = { &list_spec, run_list };
const cw_command cw_cmd_client_revoke = { &revoke_spec, run_revoke };
