/* crosswalk roster validate | import | export. */
#include "cli/cli.h"

#include "engine/roster_export.h"
#include "engine/roster_import.h"
#include "engine/roster_source.h"
#include "roster/package.h"
#include "util/error.h"
#include "util/limits.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static const cw_option no_options[] = { { NULL, NULL, NULL, 0 } };

static const cw_command_spec validate_spec = {
	"roster validate",
	"PATH [--json]",
	"Check a OneRoster 1.1 or 1.2 CSV set (a directory or a .zip).",
	"Reports every problem as FILE:LINE:COLUMN: severity: code: message\n"
	"(codes: docs/roster-diagnostics.md) and counts per file. Exit 0 when\n"
	"the set is valid (warnings allowed), 1 when it is not.\n"
	"--json prints {\"valid\", \"version\", \"errors\", \"warnings\", "
	"\"rows\",\n"
	"\"files\": [{\"file\", \"mode\", \"rows\", \"errors\", "
	"\"warnings\"}],\n"
	"\"diagnostics\": [{\"file\", \"line\", \"column\", \"severity\", "
	"\"code\",\n"
	"\"message\"}], \"diagnostics_truncated\"}.",
	no_options,
	1,
	1
};

typedef struct {
	int json;
	long shown;
	long hidden;
	cJSON *list;
} printer;

static void on_diag(const cw_diag *d, void *payload)
{
	printer *p = payload;
	const char *severity =
	        d->severity == CW_DIAG_ERROR ? "error" : "warning";

	if (p->shown >= CW_LIMIT_DIAGNOSTICS_SHOWN) {
		p->hidden++;
		return;
	}
	p->shown++;
	if (!p->json) {
		printf("%s:%u:%u: %s: %s: %s\n", d->file, d->line, d->column,
		       severity, d->code, d->message);
		return;
	}
	{
		cJSON *item = cJSON_CreateObject();

		if (!item)
			return;
		cJSON_AddStringToObject(item, "file", d->file);
		cJSON_AddNumberToObject(item, "line", d->line);
		cJSON_AddNumberToObject(item, "column", d->column);
		cJSON_AddStringToObject(item, "severity", severity);
		cJSON_AddStringToObject(item, "code", d->code);
		cJSON_AddStringToObject(item, "message", d->message);
		cJSON_AddItemToArray(p->list, item);
	}
}

static const char *mode_name(cw_or_file_mode mode)
{
	return mode == CW_OR_FILE_BULK ? "bulk" : "delta";
}

static void print_text(const cw_or_package_report *r, const printer *p,
                       const char *path, int valid)
{
	if (p->hidden)
		printf("... %ld more problems not shown\n", p->hidden);
	printf("OneRoster %s set %s: %s (%llu errors, %llu warnings, %llu "
	       "rows)\n",
	       r->manifest_ok
	               ? (r->manifest.version == CW_OR_V1P1 ? "1.1" : "1.2")
	               : "?",
	       path, valid ? "valid" : "INVALID", (unsigned long long)r->errors,
	       (unsigned long long)r->warnings, (unsigned long long)r->rows);
	if (!r->manifest_ok)
		return;
	printf("  %-34s %-6s %10s %8s %8s\n", "file", "mode", "rows", "errors",
	       "warnings");
	for (int i = 0; i < CW_OR_CSV_ENTITY_COUNT; i++) {
		cw_or_entity e = cw_or_read_order[i];
		char name[80];

		if (r->manifest.files[e] == CW_OR_FILE_ABSENT)
			continue;
		snprintf(name, sizeof(name), "%s.csv", cw_or_entity_name(e));
		printf("  %-34s %-6s %10llu %8llu %8llu\n", name,
		       mode_name(r->manifest.files[e]),
		       (unsigned long long)r->files[e].rows,
		       (unsigned long long)r->files[e].errors,
		       (unsigned long long)r->files[e].warnings);
	}
}

static cJSON *report_json(const cw_or_package_report *r, printer *p, int valid)
{
	cJSON *doc = cJSON_CreateObject(), *files;

	if (!doc)
		return NULL;
	cJSON_AddBoolToObject(doc, "valid", valid);
	if (r->manifest_ok)
		cJSON_AddStringToObject(
		        doc, "version",
		        r->manifest.version == CW_OR_V1P1 ? "1.1" : "1.2");
	else
		cJSON_AddNullToObject(doc, "version");
	cJSON_AddNumberToObject(doc, "errors", (double)r->errors);
	cJSON_AddNumberToObject(doc, "warnings", (double)r->warnings);
	cJSON_AddNumberToObject(doc, "rows", (double)r->rows);
	files = cJSON_AddArrayToObject(doc, "files");
	for (int i = 0; r->manifest_ok && files && i < CW_OR_CSV_ENTITY_COUNT;
	     i++) {
		cw_or_entity e = cw_or_read_order[i];
		cJSON *f;
		char name[80];

		if (r->manifest.files[e] == CW_OR_FILE_ABSENT)
			continue;
		f = cJSON_CreateObject();
		if (!f)
			break;
		snprintf(name, sizeof(name), "%s.csv", cw_or_entity_name(e));
		cJSON_AddStringToObject(f, "file", name);
		cJSON_AddStringToObject(f, "mode",
		                        mode_name(r->manifest.files[e]));
		cJSON_AddNumberToObject(f, "rows", (double)r->files[e].rows);
		cJSON_AddNumberToObject(f, "errors",
		                        (double)r->files[e].errors);
		cJSON_AddNumberToObject(f, "warnings",
		                        (double)r->files[e].warnings);
		cJSON_AddItemToArray(files, f);
	}
	cJSON_AddItemToObject(doc, "diagnostics", p->list);
	p->list = NULL;
	cJSON_AddBoolToObject(doc, "diagnostics_truncated", p->hidden > 0);
	return doc;
}

static int run_validate(const cw_args *args)
{
	static const cw_or_zip_limits limits = { CW_LIMIT_ZIP_BYTES,
		                                 CW_LIMIT_ZIP_RATIO };
	const char *path = args->positionals[0];
	printer p = { args->json, 0, 0, NULL };
	cw_or_package_hooks hooks = { on_diag, NULL, NULL, &p, NULL };
	cw_or_package_report report;
	cw_or_source *src = NULL;
	int err, code;

	if (p.json && !(p.list = cJSON_CreateArray()))
		return CW_EXIT_INTERNAL;
	err = cw_or_source_open(&src, path, &limits);
	if (err < 0) {
		cJSON_Delete(p.list);
		return cw_cli_fail(args, err);
	}
	err = cw_or_package_check(&report, src, &hooks);
	src->free(src);
	if (err < 0 && err != CW_EINVAL) {
		cJSON_Delete(p.list);
		return cw_cli_fail(args, err);
	}
	code = err == 0 ? CW_EXIT_OK : CW_EXIT_INVALID;
	if (p.json) {
		int print =
		        cw_cli_print_json(report_json(&report, &p, err == 0));
		if (print != CW_EXIT_OK)
			code = print;
	} else {
		print_text(&report, &p, path, err == 0);
	}
	cJSON_Delete(p.list);
	return code;
}

const cw_command cw_cmd_roster_validate = { &validate_spec, run_validate };

static const cw_option import_options[] = {
	{ "tenant", "NAME", "the tenant to import into (required)", 0 },
	{ "approve", NULL,
	  "apply even when the import deletes more than the threshold", 0 },
	{ NULL, NULL, NULL, 0 },
};

static const cw_command_spec import_spec = {
	"roster import",
	"--tenant NAME PATH [--approve] [--json]",
	"Validate a OneRoster CSV set and apply it to a tenant, all or "
	"nothing.",
	"Bulk files replace their entity type (rows not in the file are\n"
	"deleted); delta files add, update, and delete tobedeleted rows. Any\n"
	"error: nothing changes (exit 1). An import that would delete more "
	"than\n"
	"roster_delete_threshold_pct (config, default 10) of a type's rows is\n"
	"held as pending (exit 1) until run again with --approve. 1.1 sets "
	"are\n"
	"stored as 1.2 (users.role and orgSourcedIds become roles).\n"
	"--json prints {\"state\", \"held_reason\", \"import_id\", "
	"\"errors\",\n"
	"\"warnings\", \"rows\", \"entities\": {NAME: {\"added\", "
	"\"updated\",\n"
	"\"deleted\", \"unchanged\", \"warnings\"}}, \"diagnostics\": [...]}.",
	import_options,
	1,
	1
};

static void print_import_text(const cw_roster_import_result *r)
{
	printf("Import %s: %llu rows, %llu errors, %llu warnings\n", r->state,
	       (unsigned long long)r->check.rows,
	       (unsigned long long)r->check.errors,
	       (unsigned long long)r->check.warnings);
	if (r->held_reason[0])
		printf("Held: %s\n", r->held_reason);
	if (!strcmp(r->state, "rejected"))
		return;
	printf("  %-30s %9s %9s %9s %9s\n", "entity", "added", "updated",
	       "deleted", "unchanged");
	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++) {
		const cw_roster_counts *c = &r->counts[e];

		if (!c->current && !c->added && !c->updated && !c->deleted &&
		    !c->unchanged)
			continue;
		printf("  %-30s %9llu %9llu %9llu %9llu\n",
		       cw_or_entity_name(e), (unsigned long long)c->added,
		       (unsigned long long)c->updated,
		       (unsigned long long)c->deleted,
		       (unsigned long long)c->unchanged);
	}
}

int cw_cli_roster_import_path(const cw_args *args, cw_cli_env *env,
                              const char *tenant, const char *path,
                              cJSON *extra)
{
	printer p = { args->json, 0, 0, NULL };
	cw_roster_import_options options = { 0 };
	cw_roster_import_result result;
	int code, err;

	if (p.json && !(p.list = cJSON_CreateArray())) {
		cJSON_Delete(extra);
		return CW_EXIT_INTERNAL;
	}
	options.tenant = tenant;
	options.path = path;
	options.approve = cw_args_get(args, "approve") != NULL;
	options.threshold_pct = env->config.roster_delete_threshold_pct;
	options.uploads_of = env->data_dir;
	options.zip_limits.max_total_bytes = CW_LIMIT_ZIP_BYTES;
	options.zip_limits.max_ratio = CW_LIMIT_ZIP_RATIO;
	options.on_diag = on_diag;
	options.payload = &p;
	err = cw_roster_import(&result, env->store, &options);
	if (err < 0 && err != CW_EINVAL) {
		code = cw_cli_fail(args, err);
	} else {
		code = err == 0 && strcmp(result.state, "pending") != 0
		               ? CW_EXIT_OK
		               : CW_EXIT_INVALID;
		if (p.json) {
			char *text = cw_roster_import_report_json(&result);
			cJSON *doc = text ? cJSON_Parse(text) : NULL;

			cJSON_free(text);
			if (doc) {
				cJSON_AddItemToObject(doc, "diagnostics",
				                      p.list);
				p.list = NULL;
				cJSON_AddBoolToObject(doc,
				                      "diagnostics_truncated",
				                      p.hidden > 0);
				if (extra)
					cJSON_AddItemToObject(doc, "pull",
					                      extra);
				extra = NULL;
			}
			if (cw_cli_print_json(doc) != CW_EXIT_OK)
				code = CW_EXIT_INTERNAL;
		} else {
			if (p.hidden)
				printf("... %ld more problems not shown\n",
				       p.hidden);
			print_import_text(&result);
		}
	}
	cJSON_Delete(extra);
	cJSON_Delete(p.list);
	return code;
}

static int run_import(const cw_args *args)
{
	const char *tenant = cw_args_get(args, "tenant");
	cw_cli_env env;
	int code;

	if (!tenant) {
		fprintf(stderr,
		        "crosswalk roster import: --tenant is required\n");
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	code = cw_cli_roster_import_path(args, &env, tenant,
	                                 args->positionals[0], NULL);
	cw_cli_env_close(&env);
	return code;
}

const cw_command cw_cmd_roster_import = { &import_spec, run_import };

static const cw_option export_options[] = {
	{ "tenant", "NAME", "the tenant to export (required)", 0 },
	{ "version", "1.1|1.2", "OneRoster version to write (required)", 0 },
	{ "since", "DATETIME",
	  "a delta of what changed after this time (deleted rows as "
	  "tobedeleted); without it, a bulk set",
	  0 },
	{ "out", "DIR|FILE.zip", "where to write the set (required)", 0 },
	{ "format", "oneroster|canvas",
	  "oneroster (default) or the Canvas SIS import CSV set", 0 },
	{ NULL, NULL, NULL, 0 },
};

static const cw_command_spec export_spec = {
	"roster export",
	"--tenant NAME --version 1.1|1.2 [--since DATETIME] --out DIR|FILE.zip "
	"[--format oneroster|canvas] [--json]",
	"Write a tenant's roster as a OneRoster CSV set.",
	"The set passes `crosswalk roster validate`, and importing it back "
	"into\n"
	"the tenant changes nothing. 1.1 sets carry users.role and\n"
	"orgSourcedIds from the 1.2 roles (primary role first; administrator\n"
	"for the 1.2 administrator roles and principal). --format canvas "
	"writes\n"
	"accounts, terms, courses, sections (one per class), users and\n"
	"enrollments for Canvas's SIS import (--version is then ignored;\n"
	"proctor and administrator enrollments become ta). --json prints\n"
	"{\"out\", \"version\", \"mode\", \"rows\", \"files\": {NAME: rows}}.",
	export_options,
	0,
	0
};

static int run_export(const cw_args *args)
{
	const char *version = cw_args_get(args, "version");
	const char *since = cw_args_get(args, "since");
	const char *format = cw_args_get(args, "format");
	int canvas = format && strcmp(format, "canvas") == 0;
	cw_roster_export_options options = { 0 };
	cw_roster_export_result result;
	char canonical[25];
	cw_cli_env env;
	int code, err;

	options.tenant = cw_args_get(args, "tenant");
	options.out = cw_args_get(args, "out");
	if (format && !canvas && strcmp(format, "oneroster") != 0) {
		fprintf(stderr,
		        "crosswalk roster export: --format is oneroster "
		        "or canvas\n");
		return CW_EXIT_USAGE;
	}
	if (canvas && !version)
		version = "1.2";
	if (!options.tenant || !options.out || !version ||
	    (strcmp(version, "1.1") && strcmp(version, "1.2"))) {
		fprintf(stderr, "crosswalk roster export: --tenant, --out and "
		                "--version 1.1|1.2 are required\n");
		return CW_EXIT_USAGE;
	}
	if (since &&
	    !cw_or_datetime_normalize(canonical, since, strlen(since))) {
		fprintf(stderr,
		        "crosswalk roster export: --since \"%s\" is not "
		        "a date-time (YYYY-MM-DDTHH:MM:SS.sssZ)\n",
		        since);
		return CW_EXIT_USAGE;
	}
	options.version = strcmp(version, "1.1") == 0 ? CW_OR_V1P1 : CW_OR_V1P2;
	options.since = since ? canonical : NULL;
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	err = canvas ? cw_roster_export_canvas(&result, env.store, &options)
	             : cw_roster_export(&result, env.store, &options);
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (args->json) {
		cJSON *doc = cJSON_CreateObject();
		cJSON *files =
		        doc ? cJSON_AddObjectToObject(doc, "files") : NULL;
		cJSON *skipped =
		        doc ? cJSON_AddObjectToObject(doc, "skipped") : NULL;

		cJSON_AddStringToObject(doc, "out", options.out);
		cJSON_AddStringToObject(doc, "format",
		                        canvas ? "canvas" : "oneroster");
		if (!canvas)
			cJSON_AddStringToObject(doc, "version", version);
		cJSON_AddStringToObject(doc, "mode", since ? "delta" : "bulk");
		cJSON_AddNumberToObject(doc, "rows", (double)result.total);
		for (int e = 0; files && e < CW_OR_ENTITY_COUNT; e++)
			if (result.rows[e])
				cJSON_AddNumberToObject(files,
				                        cw_or_entity_name(e),
				                        (double)result.rows[e]);
		for (int e = 0; skipped && e < CW_OR_ENTITY_COUNT; e++)
			if (result.skipped[e])
				cJSON_AddNumberToObject(
				        skipped, cw_or_entity_name(e),
				        (double)result.skipped[e]);
		code = cw_cli_print_json(doc);
	} else {
		printf("Exported %llu rows in %d files (%s%s, %s) to %s\n",
		       (unsigned long long)result.total, result.files,
		       canvas ? "Canvas SIS CSV" : "OneRoster ",
		       canvas ? "" : version, since ? "delta" : "bulk",
		       options.out);
		if (result.skipped[CW_OR_USERS])
			fprintf(stderr,
			        "warning: %llu users have no role (no roles "
			        "row, "
			        "no enrollment) and are left out: OneRoster "
			        "1.1 "
			        "requires one\n",
			        (unsigned long long)
			                result.skipped[CW_OR_USERS]);
	}
	cw_cli_env_close(&env);
	return code;
}

const cw_command cw_cmd_roster_export = { &export_spec, run_export };
