/* Helpers every command uses: exit codes, the data dir and its store. */
#include "cli/cli.h"

#include "engine/datadir.h"
#include "util/error.h"

#include <stdio.h>

int cw_cli_exit_code(int err)
{
	switch (err) {
	case 0: return CW_EXIT_OK;
	case CW_EINVAL:
	case CW_ENOTFOUND:
	case CW_EEXISTS:
	case CW_EAUTH:
	case CW_ETOOBIG: return CW_EXIT_INVALID;
	case CW_EUSAGE: return CW_EXIT_USAGE;
	default: return CW_EXIT_INTERNAL;
	}
}

int cw_cli_fail(const cw_args *args, int err)
{
	fprintf(stderr, "crosswalk %s: %s\n", args->spec->name,
	        *cw_error_last() ? cw_error_last() : cw_error_name(err));
	return cw_cli_exit_code(err);
}

int cw_cli_env_open(cw_cli_env *out, const cw_args *args,
                    const cw_config_layers *flags)
{
	cw_buf errors = CW_BUF_INIT(64 * 1024);
	int err, flag_error = 0, code = 0;

	out->store = NULL;
	out->data_dir = cw_datadir_pick(args->data_dir);
	err = cw_datadir_load_config(&out->config, out->data_dir, flags,
	                             &errors, &flag_error);
	if (err < 0) {
		if (errors.len)
			fprintf(stderr,
			        "crosswalk %s: invalid configuration:\n%s",
			        args->spec->name, errors.data);
		else
			cw_cli_fail(args, err);
		code = flag_error ? CW_EXIT_USAGE
		                  : (err == CW_EINVAL || err == CW_ENOTFOUND
		                             ? CW_EXIT_INVALID
		                             : cw_cli_exit_code(err));
		goto out;
	}
	err = cw_datadir_open_store(&out->store, out->data_dir, &out->config);
	if (err < 0) {
		code = cw_cli_fail(args, err);
		cw_config_dispose(&out->config);
	}
out:
	cw_buf_dispose(&errors);
	return code;
}

void cw_cli_env_close(cw_cli_env *env)
{
	cw_store_free(env->store);
	env->store = NULL;
	cw_config_dispose(&env->config);
}

int cw_cli_audit(cw_store *store, const char *tenant, const char *action,
                 const char *target, int err)
{
	cw_audit_entry entry = { 0 };

	entry.actor = "cli";
	entry.tenant = tenant;
	entry.action = action;
	entry.target = target;
	entry.outcome = err == 0 ? "success" : "failure";
	entry.detail = err == 0 ? NULL : cw_error_last();
	return cw_store_audit_append(store, &entry);
}

int cw_cli_print_json(cJSON *doc)
{
	char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;

	cJSON_Delete(doc);
	if (!text) {
		fprintf(stderr, "crosswalk: out of memory printing JSON\n");
		return CW_EXIT_INTERNAL;
	}
	printf("%s\n", text);
	cJSON_free(text);
	return CW_EXIT_OK;
}
