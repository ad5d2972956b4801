/* crosswalk case export: a stored CASE framework as the file a product
 * imports (case/export.h). */
#include "cli/cli.h"

#include "case/export.h"
#include "case/package.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"
#include "util/limits.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const cw_option export_options[] = {
	{ "tenant", "NAME", "the tenant holding the framework (required)", 0 },
	{ "doc", "ID", "the CFDocument identifier (required)", 0 },
	{ "format", "FORMAT",
	  "canvas, moodle, powerschool, schoology, csv, case-json or "
	  "ob3-achievements (required)",
	  0 },
	{ "out", "FILE", "write there (replaced); stdout without it", 0 },
	{ NULL, NULL, NULL, 0 },
};

static const cw_command_spec export_spec = {
	"case export",
	"--tenant NAME --doc ID --format canvas|moodle|powerschool|schoology|"
	"csv|case-json|ob3-achievements [--out FILE] [--json]",
	"Write a stored CASE framework as a file another product imports.",
	"Rows follow the isChildOf tree (parents before children; siblings by\n"
	"sequenceNumber, humanCodingScheme, identifier; an item with several\n"
	"parents goes under its first). canvas: Canvas outcomes.csv (the\n"
	"document and items with children are groups, leaves outcomes; "
	"ratings\n"
	"from a CFRubric criterion aligned to the item, else a 4-level "
	"scale).\n"
	"moodle: a tool_lpimportcsv competency framework. powerschool: the\n"
	"Learning Standards Management CSV. schoology: the District Mastery\n"
	"CSV. csv: the whole package as a spreadsheet that `case import` "
	"reads\n"
	"back unchanged (docs/case-csv.md). case-json: the CFPackage served "
	"at\n"
	"/ims/case/v1p1/CFPackages/{id}. ob3-achievements: a JSON array of\n"
	"Open Badges 3.0 Achievements, one per item. CSV files are RFC 4180,\n"
	"CRLF, UTF-8 without a BOM. Exit 1 when the tenant or the document is\n"
	"unknown. --json prints {\"document\", \"format\", \"rows\", \"out\"}\n"
	"(on stderr when the export itself goes to stdout).",
	export_options,
	0,
	0
};

/* Replaces path with the text: written beside it, then renamed over. */
static int write_out(const char *path, const cw_buf *text)
{
	char temp[4200];
	int n = snprintf(temp, sizeof(temp), "%s.tmp%ld", path, (long)getpid());

	if (n < 0 || (size_t)n >= sizeof(temp)) {
		cw_error_set("%s: path too long", path);
		return CW_EINVAL;
	}
	(void)unlink(temp);
	if (cw_file_create(temp, cw_buf_cstr(text), text->len, 0644) < 0)
		return CW_EIO;
	if (rename(temp, path) != 0) {
		cw_error_set("%s: %s", path, strerror(errno));
		(void)unlink(temp);
		return CW_EIO;
	}
	return 0;
}

static int write_stdout(const cw_buf *text)
{
	if (fwrite(cw_buf_cstr(text), 1, text->len, stdout) != text->len ||
	    fflush(stdout) != 0) {
		cw_error_set("writing to stdout: %s", strerror(errno));
		return CW_EIO;
	}
	return 0;
}

/* The export of the stored 1.1 package text in stored. That text is the
 * strict form, checked when it was imported: parsed, not checked again. */
static int make(cw_buf *out, size_t *rows, const cw_buf *stored,
                cw_case_export_format format)
{
	cJSON *root = NULL;
	int err = cw_json_parse(&root, stored->data, stored->len,
	                        CW_CASE_MAX_DEPTH, NULL);

	if (err == 0 && format == CW_CASE_EXPORT_CASE_JSON) {
		/* As stored: byte for byte what the provider serves. */
		*rows = (size_t)cJSON_GetArraySize(
		        cJSON_GetObjectItemCaseSensitive(root, "CFItems"));
		err = cw_buf_put(out, stored->data, stored->len);
	} else if (err == 0) {
		err = cw_case_export(out, rows, root, format);
	}
	if (err == CW_EINVAL)
		cw_error_set("the stored package does not read back");
	cJSON_Delete(root);
	return err == CW_EINVAL ? CW_EIO : err;
}

static int report(const cw_args *args, const char *doc,
                  cw_case_export_format format, size_t rows, const char *out)
{
	cJSON *r;
	char *text;

	if (!args->json) {
		if (out)
			printf("Exported %s (%s): %zu rows to %s\n", doc,
			       cw_case_export_format_name(format), rows, out);
		return CW_EXIT_OK;
	}
	if (!(r = cJSON_CreateObject()))
		return CW_EXIT_INTERNAL;
	cJSON_AddStringToObject(r, "document", doc);
	cJSON_AddStringToObject(r, "format",
	                        cw_case_export_format_name(format));
	cJSON_AddNumberToObject(r, "rows", (double)rows);
	if (out)
		cJSON_AddStringToObject(r, "out", out);
	else
		cJSON_AddNullToObject(r, "out");
	if (out)
		return cw_cli_print_json(r);
	text = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	if (!text)
		return CW_EXIT_INTERNAL;
	fprintf(stderr, "%s\n", text);
	cJSON_free(text);
	return CW_EXIT_OK;
}

static int run_in(const cw_args *args, cw_cli_env *env, const char *name,
                  const char *doc, cw_case_export_format format)
{
	cw_buf stored = CW_BUF_INIT((size_t)CW_LIMIT_CASE_PACKAGE * 2);
	cw_buf out = CW_BUF_INIT((size_t)CW_LIMIT_CASE_PACKAGE * 4);
	const char *path = cw_args_get(args, "out");
	cw_tenant tenant;
	size_t rows = 0;
	int64_t stamp = 0;
	int err = cw_store_tenant_get(env->store, name, &tenant), code;

	if (err == CW_ENOTFOUND)
		cw_error_set("no tenant \"%s\"", name);
	if (err == 0 &&
	    (err = cw_store_case_package(env->store, tenant.id, doc, &stored,
	                                 &stamp)) == CW_ENOTFOUND)
		cw_error_set("tenant \"%s\" has no CASE document \"%s\"", name,
		             doc);
	if (err == 0)
		err = make(&out, &rows, &stored, format);
	if (err == 0)
		err = path ? write_out(path, &out) : write_stdout(&out);
	code = err < 0 ? cw_cli_fail(args, err)
	               : report(args, doc, format, rows, path);
	cw_buf_dispose(&stored);
	cw_buf_dispose(&out);
	return code;
}

static int run_export(const cw_args *args)
{
	const char *name = cw_args_get(args, "tenant");
	const char *doc = cw_args_get(args, "doc");
	const char *format_name = cw_args_get(args, "format");
	cw_case_export_format format;
	char lower[128];
	cw_cli_env env;
	int code;

	if (!name || !doc || !format_name) {
		fprintf(stderr, "crosswalk case export: --tenant, --doc and "
		                "--format are required\n");
		return CW_EXIT_USAGE;
	}
	if (cw_case_export_format_of(&format, format_name) < 0) {
		fprintf(stderr,
		        "crosswalk case export: --format is canvas, moodle, "
		        "powerschool, schoology, csv, case-json or "
		        "ob3-achievements\n");
		return CW_EXIT_USAGE;
	}
	/* Identifiers are stored in lower case. */
	if (strlen(doc) < sizeof(lower)) {
		for (size_t i = 0; i <= strlen(doc); i++)
			lower[i] = (char)tolower((unsigned char)doc[i]);
		doc = lower;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	code = run_in(args, &env, name, doc, format);
	cw_cli_env_close(&env);
	return code;
}

const cw_command cw_cmd_case_export = { &export_spec, run_export };
