/* crosswalk clr build: a student's CLR 2.0 transcript of the credentials
 * the tenant issued them. */
#include "cli/cli.h"

#include "roster/fields.h"
#include "roster/schema.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

static const cw_option clr_options[] = {
	{ "tenant", "NAME", "the tenant (required)", 0 },
	{ "student", "SOURCEDID", "the student (required)", 0 },
	{ "issuer", "ID", "the issuer that signs (default: the first)", 0 },
	{ "out", "FILE", "write it to FILE (default: stdout)", 0 },
	{ "map", "URL_PREFIX=DIR",
	  "contexts under URL_PREFIX from DIR (the CLR 2.0 context)", 1 },
	{ NULL, NULL, NULL, 0 }
};

typedef struct {
	char email[320], name[300];
	int found;
} student_row;

static int on_user(const cw_roster_record *r, void *payload)
{
	student_row *s = payload;
	cJSON *f = cJSON_Parse(r->fields);
	const cJSON *email = cJSON_GetArrayItem(
	        f, cw_or_fields_position(CW_OR_USERS, "email"));
	const cJSON *given = cJSON_GetArrayItem(
	        f, cw_or_fields_position(CW_OR_USERS, "givenName"));
	const cJSON *family = cJSON_GetArrayItem(
	        f, cw_or_fields_position(CW_OR_USERS, "familyName"));

	s->found = 1;
	if (cJSON_IsString(email))
		snprintf(s->email, sizeof(s->email), "%s", email->valuestring);
	if (cJSON_IsString(given) && cJSON_IsString(family))
		snprintf(s->name, sizeof(s->name), "%s %s", given->valuestring,
		         family->valuestring);
	cJSON_Delete(f);
	return 0;
}

static int run_build(const cw_args *args)
{
	const char *tenant = cw_args_get(args, "tenant");
	const char *student = cw_args_get(args, "student");
	const char *path = cw_args_get(args, "out"), *format = NULL;
	cw_jsonld_loader *loader = NULL;
	cw_cli_fetcher f;
	cw_cli_env env;
	cw_tenant t;
	student_row row = { "", "", 0 };
	char *clr = NULL;
	size_t count = 0;
	int code, err;

	if (!tenant || !student) {
		fprintf(stderr, "crosswalk clr build: --tenant and --student "
		                "are required\n");
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	if ((code = cw_cli_fetcher_open(&f, &env, args)) != 0) {
		cw_cli_env_close(&env);
		return code;
	}
	err = cw_store_tenant_get(env.store, tenant, &t);
	if (err == 0)
		err = cw_store_roster_get(env.store, t.id, CW_OR_USERS, student,
		                          on_user, &row);
	if (err == CW_ENOTFOUND && !row.found)
		cw_error_set("no user %s in tenant %s's roster", student,
		             tenant);
	if (err == 0 && (err = cw_cli_jsonld_loader(&loader, args)) == 0) {
		f.badges.loader = loader;
		err = cw_badges_clr_build(&clr, &format, &count, &f.badges,
		                          tenant, student,
		                          row.email[0] ? row.email : NULL,
		                          row.name[0] ? row.name : NULL,
		                          cw_args_get(args, "issuer"));
	}
	if (err == 0 && path)
		err = cw_file_create(path, clr, strlen(clr), 0644);
	cw_cli_audit(env.store, tenant, "clr.build", student, err);
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else {
		if (!path)
			puts(clr);
		fprintf(stderr, "CLR of %s: %zu credentials, signed as %s\n",
		        student, count,
		        strcmp(format, "di") == 0
		                ? "Data Integrity "
		                  "(eddsa-rdfc-2022)"
		                : "VC-JWT (no CLR 2.0 context "
		                  "loaded)");
		code = CW_EXIT_OK;
	}
	cw_free(clr);
	cw_jsonld_loader_free(loader);
	cw_cli_fetcher_close(&f);
	cw_cli_env_close(&env);
	return code;
}

static const cw_command_spec build_spec = {
	"clr build",
	"--tenant NAME --student SOURCEDID [--issuer ID] [--out FILE] "
	"[--map URL_PREFIX=DIR]",
	"A student's CLR 2.0: every credential the tenant issued them.",
	"The ClrCredential bundles each signed OB 3.0 credential (JSON) the\n"
	"tenant issued to the student's sourcedId or email, their\n"
	"achievements, and associations mirroring the CASE framework between\n"
	"the achievements' items. It is signed with Data Integrity when the\n"
	"CLR 2.0 context is loaded (jsonld_contexts_dir, or --map), else as a\n"
	"VC-JWT.",
	clr_options,
	0,
	0
};

const cw_command cw_cmd_clr_build = { &build_spec, run_build };
