/* crosswalk holder add | list: the people who sign in to the OB 3.0 API to
 * fetch the badges a tenant issued to them (engine/ob3_auth.h). */
#include "cli/cli.h"

#include "engine/ob3_auth.h"
#include "util/error.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

static int need(const cw_args *args, const char *name)
{
	if (cw_args_get(args, name))
		return 0;
	fprintf(stderr, "crosswalk %s: --%s is required\n", args->spec->name,
	        name);
	return CW_EXIT_USAGE;
}

static const cw_option add_options[] = {
	{ "tenant", "NAME", "the tenant (required)", 0 },
	{ "recipient", "EMAIL|SOURCEDID|DID",
	  "the identifier the tenant issues badges to; the holder signs in "
	  "with it (required)",
	  0 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_command_spec add_spec = {
	"holder add",
	"--tenant NAME --recipient EMAIL|SOURCEDID|DID [--json]",
	"Create a holder of the OB 3.0 API; prints their passcode once.",
	"A holder signs in at the authorization page with the tenant's name,\n"
	"the recipient identifier and the passcode, and then lets an\n"
	"application read the credentials issued to that identifier. The\n"
	"passcode is stored hashed: it cannot be shown again. --json prints\n"
	"{\"id\", \"tenant\", \"login\", \"passcode\"}.",
	add_options,
	0,
	0
};

static int run_add(const cw_args *args)
{
	const char *tenant = cw_args_get(args, "tenant");
	const char *login = cw_args_get(args, "recipient");
	cw_ob3_new_holder h;
	cw_cli_env env;
	cJSON *doc;
	int code, err;

	if ((code = need(args, "tenant")) || (code = need(args, "recipient")) ||
	    (code = cw_cli_env_open(&env, args, NULL)))
		return code;
	err = cw_ob3_holder_create(&h, env.store, tenant, login, "cli");
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (args->json) {
		doc = cJSON_CreateObject();
		if (doc) {
			cJSON_AddNumberToObject(doc, "id", (double)h.id);
			cJSON_AddStringToObject(doc, "tenant", h.tenant);
			cJSON_AddStringToObject(doc, "login", login);
			cJSON_AddStringToObject(doc, "passcode", h.passcode);
		}
		code = cw_cli_print_json(doc);
	} else {
		printf("holder:   %s (tenant %s)\npasscode: %s\n", login,
		       h.tenant, h.passcode);
		printf("The passcode is shown only now.\n");
	}
	memset(h.passcode, 0, sizeof(h.passcode));
	cw_cli_env_close(&env);
	return code;
}

static const cw_option list_options[] = { { "tenant", "NAME",
	                                    "the tenant (required)", 0 },
	                                  { NULL, NULL, NULL, 0 } };

static const cw_command_spec list_spec = {
	"holder list",
	"--tenant NAME [--json]",
	"List a tenant's OB 3.0 API holders.",
	"One line per holder: its login (recipient identifier) and when it "
	"was\n"
	"created. No passcodes: they are kept only hashed.",
	list_options,
	0,
	0
};

static int run_list(const cw_args *args)
{
	cJSON *list = NULL;
	const cJSON *h;
	cw_cli_env env;
	int code, err;

	if ((code = need(args, "tenant")) ||
	    (code = cw_cli_env_open(&env, args, NULL)))
		return code;
	err = cw_ob3_holder_list(&list, env.store, cw_args_get(args, "tenant"));
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (args->json) {
		code = cw_cli_print_json(list);
		list = NULL;
	} else {
		cJSON_ArrayForEach(h, list)
		        printf("%s\t%s\n", cw_json_string(h, "login"),
		               cw_json_string(h, "created_at"));
	}
	cJSON_Delete(list);
	cw_cli_env_close(&env);
	return code;
}

const cw_command cw_cmd_holder_add = { &add_spec, run_add };
const cw_command cw_cmd_holder_list = { &list_spec, run_list };
