/* crosswalk roster validate (import and export come next). */
#include "cli/cli.h"

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
	for (int i = 0; i < CW_OR_ENTITY_COUNT; i++) {
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
	for (int i = 0; r->manifest_ok && files && i < CW_OR_ENTITY_COUNT;
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
	cw_or_package_hooks hooks = { on_diag, NULL, NULL, &p };
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
