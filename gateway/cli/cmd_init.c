/* crosswalk init: lay out a data dir, idempotently. */
#include "cli/cli.h"

#include "engine/datadir.h"
#include "engine/scope.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <stdio.h>

static const cw_option init_options[] = { { NULL, NULL, NULL, 0 } };

static const cw_command_spec init_spec = {
	"init",
	"[--data-dir DIR] [--json]",
	"Create the data dir: config file, master key, database, admin client.",
	"Safe to run again: it only creates what is missing and never changes "
	"or\ndeletes data. The admin client's secret is printed once, when the "
	"client is\ncreated; it is stored only as a salted hash.",
	init_options,
	0,
	0
};

static void print_json(const cw_init_report *r, const char *dir)
{
	cJSON *doc = cJSON_CreateObject(), *created, *admin;

	if (!doc)
		return;
	cJSON_AddStringToObject(doc, "data_dir", dir);
	created = cJSON_AddObjectToObject(doc, "created");
	cJSON_AddBoolToObject(created, "data_dir", r->created_dir);
	cJSON_AddBoolToObject(created, "config", r->created_config);
	cJSON_AddBoolToObject(created, "master_key", r->created_key);
	cJSON_AddBoolToObject(created, "admin_client", r->created_admin);
	cJSON_AddNumberToObject(doc, "migrations_applied",
	                        r->migrations_applied);
	admin = cJSON_AddObjectToObject(doc, "admin");
	cJSON_AddStringToObject(admin, "client_id",
	                        r->created_admin ? r->admin.client_id
	                                         : r->existing_admin);
	if (r->created_admin)
		cJSON_AddStringToObject(admin, "client_secret",
		                        r->admin.client_secret);
	cJSON_AddStringToObject(admin, "tenant", CW_SYSTEM_TENANT);
	cJSON_AddStringToObject(admin, "scope", CW_SCOPE_ADMIN);
	cw_cli_print_json(doc);
}

static void print_text(const cw_init_report *r, const char *dir)
{
	printf("Data dir %s: %s\n", dir,
	       r->created_dir ? "created" : "already there");
	printf("  config file: %s\n", r->created_config ? "created" : "kept");
	printf("  master key: %s\n",
	       r->created_key ? "created (mode 0600)" : "kept");
	printf("  database migrations applied now: %d\n",
	       r->migrations_applied);
	if (r->created_admin) {
		printf("Admin client (tenant \"%s\", scope %s):\n"
		       "  client_id:     %s\n  client_secret: %s\n"
		       "The secret is shown only now; keep it safe.\n",
		       CW_SYSTEM_TENANT, CW_SCOPE_ADMIN, r->admin.client_id,
		       r->admin.client_secret);
	} else {
		printf("Admin client %s already exists (its secret was shown "
		       "when it was created).\n",
		       r->existing_admin);
	}
}

static int run_init(const cw_args *args)
{
	const char *dir = cw_datadir_pick(args->data_dir);
	cw_buf errors = CW_BUF_INIT(64 * 1024);
	cw_init_report report;
	int err = cw_datadir_init(&report, dir, NULL, &errors);

	if (err < 0) {
		if (errors.len)
			fprintf(stderr,
			        "crosswalk init: invalid configuration:\n%s",
			        errors.data);
		else
			cw_cli_fail(args, err);
		cw_buf_dispose(&errors);
		return cw_cli_exit_code(err);
	}
	if (args->json)
		print_json(&report, dir);
	else
		print_text(&report, dir);
	cw_init_report_dispose(&report);
	cw_buf_dispose(&errors);
	return CW_EXIT_OK;
}

const cw_command cw_cmd_init = { &init_spec, run_init };
