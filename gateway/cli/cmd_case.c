/* crosswalk case validate | import. */
#include "cli/cli.h"

#include "engine/case_crosswalk.h"
#include "engine/case_import.h"
#include "engine/case_mirror.h"
#include "engine/datadir.h"
#include "util/json.h"
#include "util/timeutil.h"
#include "util/alloc.h"
#include "net/fetch.h"
#include "util/error.h"
#include "util/file.h"
#include "util/limits.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const cw_option no_options[] = { { NULL, NULL, NULL, 0 } };

static const cw_command_spec validate_spec = {
	"case validate",
	"FILE [--json]",
	"Check a CASE 1.0 or 1.1 CFPackage (JSON, or the spreadsheet CSV).",
	"Reports every problem as FILE#POINTER: severity: code: message, the\n"
	"pointer (RFC 6901) naming the member at fault: types and required\n"
	"members, identifiers, duplicate identifiers, isChildOf cycles,\n"
	"associations whose ends are not in the package, CFItemType against\n"
	"CFItemTypeURI (codes: docs/case-diagnostics.md). A file starting\n"
	"with the header of `case export --format csv`, or named *.csv, is\n"
	"read as that spreadsheet (docs/case-csv.md; its problems at\n"
	"FILE#LINE:COLUMN). Exit 0 when valid\n"
	"(warnings allowed), 1 when not. --json prints {\"valid\", "
	"\"document\",\n"
	"\"title\", \"errors\", \"warnings\", \"diagnostics\": [{\"pointer\",\n"
	"\"severity\", \"code\", \"message\"}], \"diagnostics_truncated\"}.",
	no_options,
	1,
	1
};

typedef struct {
	const char *path;
	int json;
	long shown, hidden;
	cJSON *list;
} printer;

static void on_diag(const cw_case_diag *d, void *payload)
{
	printer *p = payload;
	const char *severity =
	        d->severity == CW_CASE_ERROR ? "error" : "warning";
	cJSON *item;

	if (p->shown >= CW_LIMIT_DIAGNOSTICS_SHOWN) {
		p->hidden++;
		return;
	}
	p->shown++;
	if (!p->json) {
		printf("%s#%s: %s: %s: %s\n", p->path, d->pointer, severity,
		       d->code, d->message);
		return;
	}
	if (!(item = cJSON_CreateObject()))
		return;
	cJSON_AddStringToObject(item, "pointer", d->pointer);
	cJSON_AddStringToObject(item, "severity", severity);
	cJSON_AddStringToObject(item, "code", d->code);
	cJSON_AddStringToObject(item, "message", d->message);
	cJSON_AddItemToArray(p->list, item);
}

/* A .csv file is the spreadsheet CSV (case/sheet.h). */
static int csv_named(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcasecmp(path + n - 4, ".csv") == 0;
}

static int is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	       strncasecmp(s, "https://", 8) == 0;
}

/* The package text of a file or a URL, capped. */
static int load(char **out, size_t *len, const char *where)
{
	/* The operator's own command: any address (the daemon's fetches for
	 * tenants are the ones kept off private networks). */
	cw_fetch_options o = { CW_LIMIT_CASE_PACKAGE, CW_LIMIT_FETCH_TIMEOUT,
		               NULL, "application/json", 0 };

	if (!is_url(where))
		return cw_file_read(out, len, where, CW_LIMIT_CASE_PACKAGE);
	return cw_net_fetch_text(out, len, where, &o);
}

static cJSON *result_json(const cw_case_import_result *r, printer *p, int valid)
{
	cJSON *doc = cw_case_import_result_json(r);

	if (!doc)
		return NULL;
	cJSON_AddBoolToObject(doc, "valid", valid);
	cJSON_AddItemToObject(doc, "diagnostics", p->list);
	p->list = NULL;
	cJSON_AddBoolToObject(doc, "diagnostics_truncated", p->hidden > 0);
	return doc;
}

static int run_validate(const cw_args *args)
{
	printer p = { args->positionals[0], args->json, 0, 0, NULL };
	cw_case_import_options o = { NULL,    NULL, NULL,
		                     on_diag, &p,   csv_named(p.path) };
	cw_case_import_result r;
	char *text = NULL;
	size_t len = 0;
	int err, code;

	if ((err = load(&text, &len, p.path)) < 0)
		return cw_cli_fail(args, err);
	if (p.json && !(p.list = cJSON_CreateArray())) {
		cw_free(text);
		return CW_EXIT_INTERNAL;
	}
	err = cw_case_validate_buffer(&r, NULL, 0, text, len, &o);
	cw_free(text);
	if (err < 0 && err != CW_EINVAL) {
		cJSON_Delete(p.list);
		return cw_cli_fail(args, err);
	}
	code = err == 0 ? CW_EXIT_OK : CW_EXIT_INVALID;
	if (p.json) {
		if (cw_cli_print_json(result_json(&r, &p, err == 0)) !=
		    CW_EXIT_OK)
			code = CW_EXIT_INTERNAL;
	} else {
		if (p.hidden)
			printf("... %ld more problems not shown\n", p.hidden);
		printf("%s: %s, %zu errors, %zu warnings\n", p.path,
		       err == 0 ? "valid" : "invalid", r.errors, r.warnings);
	}
	cJSON_Delete(p.list);
	return code;
}

const cw_command cw_cmd_case_validate = { &validate_spec, run_validate };

static const cw_option import_options[] = {
	{ "tenant", "NAME", "the tenant to import into (required)", 0 },
	{ NULL, NULL, NULL, 0 },
};

static const cw_command_spec import_spec = {
	"case import",
	"--tenant NAME FILE|URL [--json]",
	"Check a CASE CFPackage and store it for a tenant, all or nothing.",
	"The package (a file, or an http(s) URL fetched with a 512 MiB and\n"
	"120 s cap; JSON, or the spreadsheet CSV of `case export --format\n"
	"csv`, docs/case-csv.md) is checked as `case validate` does, its\n"
	"association ends also against the tenant's other frameworks. Any "
	"error: nothing is\n"
	"stored (exit 1). Importing it again updates it in place: objects\n"
	"added, changed and retired (items the package no longer has stay\n"
	"readable on their own) go to the change log; an unchanged package\n"
	"writes nothing. --json prints {\"document\", \"title\", \"changed\",\n"
	"\"errors\", \"warnings\", \"objects\": {\"CFItems\": {\"added\",\n"
	"\"changed\", \"retired\", \"unchanged\"} …}, \"valid\", "
	"\"diagnostics\"}.",
	import_options,
	1,
	1
};

static void print_import(const cw_case_import_result *r)
{
	printf("Import of %s (%s): %s\n", r->document, r->title,
	       r->changed ? "applied" : "unchanged");
	printf("  %-24s %9s %9s %9s %9s\n", "objects", "added", "changed",
	       "retired", "unchanged");
	for (int k = 0; k < CW_CASE_KIND_COUNT; k++) {
		const cw_case_counts *c = &r->counts[k];

		if (!c->added && !c->changed && !c->retired && !c->unchanged)
			continue;
		printf("  %-24s %9llu %9llu %9llu %9llu\n",
		       cw_case_class_of((cw_case_kind)k)->collection,
		       (unsigned long long)c->added,
		       (unsigned long long)c->changed,
		       (unsigned long long)c->retired,
		       (unsigned long long)c->unchanged);
	}
}

static int import_into(const cw_args *args, cw_cli_env *env, printer *p,
                       const cw_tenant *tenant)
{
	cw_case_import_options o = { p->path, "cli", tenant->name,
		                     on_diag, p,     csv_named(p->path) };
	cw_case_import_result r;
	char *text = NULL;
	size_t len = 0;
	int err = load(&text, &len, p->path), code;

	if (err < 0)
		return cw_cli_fail(args, err);
	err = cw_case_import_buffer(&r, env->store, tenant->id, text, len, &o);
	cw_free(text);
	if (err < 0 && err != CW_EINVAL && err != CW_EEXISTS)
		return cw_cli_fail(args, err);
	code = err == 0 ? CW_EXIT_OK : CW_EXIT_INVALID;
	if (err == CW_EEXISTS)
		fprintf(stderr, "crosswalk case import: %s; nothing stored\n",
		        cw_error_last());
	if (p->json) {
		if (cw_cli_print_json(result_json(&r, p, err == 0)) !=
		    CW_EXIT_OK)
			code = CW_EXIT_INTERNAL;
	} else if (err == 0) {
		print_import(&r);
	} else if (err == CW_EINVAL) {
		printf("%s: invalid, %zu errors, %zu warnings; nothing "
		       "stored\n",
		       p->path, r.errors, r.warnings);
	}
	return code;
}

static int run_import(const cw_args *args)
{
	const char *name = cw_args_get(args, "tenant");
	printer p = { args->positionals[0], args->json, 0, 0, NULL };
	cw_tenant tenant;
	cw_cli_env env;
	int code, err;

	if (!name) {
		fprintf(stderr,
		        "crosswalk case import: --tenant is required\n");
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	err = cw_store_tenant_get(env.store, name, &tenant);
	if (err < 0) {
		if (err == CW_ENOTFOUND)
			cw_error_set("no tenant \"%s\"", name);
		code = cw_cli_fail(args, err);
	} else if (p.json && !(p.list = cJSON_CreateArray())) {
		code = CW_EXIT_INTERNAL;
	} else {
		code = import_into(args, &env, &p, &tenant);
	}
	cJSON_Delete(p.list);
	cw_cli_env_close(&env);
	return code;
}

const cw_command cw_cmd_case_import = { &import_spec, run_import };

static const cw_command_spec crosswalk_spec = {
	"case crosswalk",
	"--tenant NAME ITEM_ID [--json]",
	"The items an item matches in the tenant's other CASE frameworks.",
	"Follows exactMatchOf associations both ways and transitively, and\n"
	"isRelatedTo and ext: associations one step, to items of other stored\n"
	"documents (an end stored nowhere here is listed too, as not stored).\n"
	"Exit 1 when the tenant has no such item. --json prints {\"item\",\n"
	"\"matches\": [{\"identifier\", \"document\", \"documentTitle\",\n"
	"\"humanCodingScheme\", \"fullStatement\", \"relation\", \"via\", "
	"\"hops\",\n"
	"\"stored\"}]}.",
	import_options,
	1,
	1
};

static void print_matches(const cJSON *doc)
{
	const cJSON *m;
	int n = 0;

	cJSON_ArrayForEach(m, cJSON_GetObjectItem(doc, "matches"))
	{
		const char *title = cJSON_GetStringValue(
		        cJSON_GetObjectItem(m, "documentTitle"));
		const char *code = cJSON_GetStringValue(
		        cJSON_GetObjectItem(m, "humanCodingScheme"));

		printf("%-16s %s  %s%s%s  (%d hop%s)\n",
		       cJSON_GetStringValue(cJSON_GetObjectItem(m, "relation")),
		       cJSON_GetStringValue(
		               cJSON_GetObjectItem(m, "identifier")),
		       title ? title : "not stored here", code ? "  " : "",
		       code ? code : "",
		       (int)cJSON_GetObjectItem(m, "hops")->valuedouble,
		       cJSON_GetObjectItem(m, "hops")->valuedouble == 1 ? ""
		                                                        : "s");
		n++;
	}
	printf("%d match%s\n", n, n == 1 ? "" : "es");
}

static int run_crosswalk(const cw_args *args)
{
	const char *name = cw_args_get(args, "tenant");
	cw_case_match *matches = NULL;
	size_t count = 0;
	cw_tenant tenant;
	cw_cli_env env;
	cJSON *doc = NULL;
	int code, err;

	if (!name) {
		fprintf(stderr,
		        "crosswalk case crosswalk: --tenant is required\n");
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	err = cw_store_tenant_get(env.store, name, &tenant);
	if (err == CW_ENOTFOUND)
		cw_error_set("no tenant \"%s\"", name);
	if (err == 0) {
		err = cw_case_crosswalk(&matches, &count, env.store, tenant.id,
		                        args->positionals[0]);
		if (err == CW_ENOTFOUND)
			cw_error_set("tenant %s has no CFItem %.100s", name,
			             args->positionals[0]);
	}
	if (err == 0 && !(doc = cw_case_crosswalk_json(env.store, tenant.id,
	                                               args->positionals[0],
	                                               matches, count)))
		err = CW_ENOMEM;
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (args->json) {
		code = cw_cli_print_json(doc);
		doc = NULL;
	} else {
		print_matches(doc);
	}
	cJSON_Delete(doc);
	cw_free(matches);
	cw_cli_env_close(&env);
	return code;
}

const cw_command cw_cmd_case_crosswalk = { &crosswalk_spec, run_crosswalk };

static const cw_option mirror_options[] = {
	{ "tenant", "NAME", "the tenant to mirror into (required)", 0 },
	{ "every", "DURATION",
	  "keep the mirror and let the daemon refresh it this often (90s, 30m, "
	  "6h, 1d)",
	  0 },
	{ "token-url", "URL", "OAuth 2.0 token endpoint of the server", 0 },
	{ "client-id", "ID", "OAuth 2.0 client id", 0 },
	{ "client-secret", "SECRET", "OAuth 2.0 client secret", 0 },
	{ "scope", "SCOPES", "scopes to ask the token endpoint for", 0 },
	{ NULL, NULL, NULL, 0 },
};

static const cw_command_spec mirror_spec = {
	"case mirror",
	"--tenant NAME BASE_URL [--every DURATION] [--token-url URL "
	"--client-id ID --client-secret SECRET [--scope S]] [--json]",
	"Pull every framework a CASE server lists into a tenant.",
	"BASE_URL is the server's CASE root (…/ims/case/v1p0 or …/v1p1). Its\n"
	"/CFDocuments list is read page by page (a bare array is taken too);\n"
	"each document's /CFPackages/{id} is fetched and imported as `case\n"
	"import` does, so a refresh writes only what changed. With --every\n"
	"the mirror is kept\n"
	"(the client secret sealed under the master key) and `crosswalk "
	"serve`\n"
	"refreshes it on that schedule. Exit 0 when every package imported, 1\n"
	"otherwise. --json prints {\"listed\", \"changed\", \"unchanged\",\n"
	"\"failed\", \"error\", \"documents\": [{\"identifier\", \"title\",\n"
	"\"outcome\", \"message\"}], \"mirror_id\"}.",
	mirror_options,
	1,
	1
};

static void print_mirror(const cw_case_mirror_report *r)
{
	const cJSON *d;

	cJSON_ArrayForEach(d, r->documents)
	{
		const char *message =
		        cJSON_GetStringValue(cJSON_GetObjectItem(d, "message"));

		printf("  %-10s %s  %s%s%s\n",
		       cJSON_GetStringValue(cJSON_GetObjectItem(d, "outcome")),
		       cJSON_GetStringValue(
		               cJSON_GetObjectItem(d, "identifier")),
		       cJSON_GetStringValue(cJSON_GetObjectItem(d, "title")),
		       message ? ": " : "", message ? message : "");
	}
	printf("Mirror: %zu listed, %zu changed, %zu unchanged, %zu "
	       "failed%s%s\n",
	       r->listed, r->changed, r->unchanged, r->failed,
	       r->error[0] ? "; " : "", r->error);
}

static int mirror_now(const cw_args *args, cw_cli_env *env,
                      const cw_tenant *tenant, int64_t id)
{
	unsigned char key[CW_MASTER_KEY_LEN];
	cw_case_mirror_options o = { args->positionals[0],
		                     cw_args_get(args, "token-url"),
		                     cw_args_get(args, "client-id"),
		                     cw_args_get(args, "client-secret"),
		                     cw_args_get(args, "scope"),
		                     "cli",
		                     tenant->name,
		                     NULL,
		                     0 /* the operator's own command */ };
	long every = cw_case_mirror_parse_every(cw_args_get(args, "every"));
	cw_case_mirror_report r;
	int err = 0, code;

	if (cw_args_get(args, "every")) {
		if ((err = cw_datadir_master_key(key, env->data_dir,
		                                 &env->config)) == 0)
			err = cw_case_mirror_schedule(
			        env->store, key, tenant->id, &o, every, &id);
		memset(key, 0, sizeof(key));
		if (err < 0)
			return cw_cli_fail(args, err);
	}
	err = cw_case_mirror_run(&r, env->store, tenant->id, &o);
	if (err < 0 && err != CW_EIO && err != CW_EAUTH && err != CW_EINVAL) {
		cw_case_mirror_report_dispose(&r);
		return cw_cli_fail(args, err);
	}
	code = err == 0 && r.failed == 0 ? CW_EXIT_OK : CW_EXIT_INVALID;
	if (id) {
		cJSON *report = cw_case_mirror_report_json(&r);
		char *text = report ? cw_json_print(report) : NULL;

		(void)cw_store_case_mirror_done(
		        env->store, id, cw_time_now_ms(),
		        cw_time_now_ms() + every * 1000L, text);
		cJSON_Delete(report);
		cw_free(text);
	}
	if (args->json) {
		cJSON *doc = cw_case_mirror_report_json(&r);

		if (doc && id)
			cJSON_AddNumberToObject(doc, "mirror_id", (double)id);
		if (cw_cli_print_json(doc) != CW_EXIT_OK)
			code = CW_EXIT_INTERNAL;
	} else {
		print_mirror(&r);
	}
	cw_case_mirror_report_dispose(&r);
	return code;
}

static int run_mirror(const cw_args *args)
{
	const char *name = cw_args_get(args, "tenant");
	const char *every = cw_args_get(args, "every");
	cw_tenant tenant;
	cw_cli_env env;
	int code, err;

	if (!name || (every && cw_case_mirror_parse_every(every) < 0) ||
	    (cw_args_get(args, "token-url") &&
	     (!cw_args_get(args, "client-id") ||
	      !cw_args_get(args, "client-secret")))) {
		fprintf(stderr,
		        "crosswalk case mirror: --tenant is required; --every "
		        "takes 90s, 30m, 6h or 1d; --token-url needs "
		        "--client-id "
		        "and --client-secret\n");
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	err = cw_store_tenant_get(env.store, name, &tenant);
	if (err == CW_ENOTFOUND)
		cw_error_set("no tenant \"%s\"", name);
	code = err < 0 ? cw_cli_fail(args, err)
	               : mirror_now(args, &env, &tenant, 0);
	cw_cli_env_close(&env);
	return code;
}

const cw_command cw_cmd_case_mirror = { &mirror_spec, run_mirror };
