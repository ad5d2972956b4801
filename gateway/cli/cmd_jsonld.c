/* crosswalk jsonld expand|canonize: JSON-LD 1.1 expansion and the canonical
 * N-Quads of a JSON-LD document, with embedded contexts only. */
#include "cli/cli.h"

#include "engine/contexts_dir.h"
#include "engine/datadir.h"
#include "jsonld/jsonld.h"
#include "jsonld/rdfc.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/limits.h"

#include <stdio.h>
#include <string.h>

#define JSONLD_FILE_MAX  (16L << 20)
#define CONTEXT_FILE_MAX (1L << 20)

static const cw_option jsonld_options[] = {
	{ "base", "IRI", "the document's base IRI", 0 },
	{ "map", "URL_PREFIX=DIR",
	  "serve documents under URL_PREFIX from files in DIR", 1 },
	{ "expand-context", "FILE", "a context applied before the document's",
	  0 },
	{ "processing-mode", "json-ld-1.0|json-ld-1.1",
	  "the JSON-LD processing mode (default json-ld-1.1)", 0 },
	{ "safe", NULL,
	  "fail on terms no context defines, instead of dropping them", 0 },
	{ NULL, NULL, NULL, 0 }
};

typedef struct {
	const cw_args *args;
} map_state;

/* --map: a URL under a prefix is read from DIR/<rest of the URL>. */
static int map_fetch(void *arg, const char *url, cJSON **doc)
{
	const cw_args *args = ((map_state *)arg)->args;
	int n = cw_args_count(args, "map");
	for (int i = 0; i < n; i++) {
		const char *spec = cw_args_get_nth(args, "map", i);
		const char *eq = strchr(spec, '=');
		size_t plen = eq ? (size_t)(eq - spec) : 0;
		if (!eq || strncmp(url, spec, plen) != 0)
			continue;
		const char *rest = url + plen;
		if (strstr(rest, "..") || strchr(rest, '?'))
			return CW_ENOTFOUND;
		cw_buf path = CW_BUF_INIT(4096);
		char *text = NULL;
		size_t len = 0;
		cw_buf_printf(&path, "%s/%s", eq + 1, rest);
		int err = path.error ? path.error
		                     : cw_file_read(&text, &len,
		                                    cw_buf_cstr(&path),
		                                    CONTEXT_FILE_MAX);
		cw_buf_dispose(&path);
		if (err < 0)
			return CW_ENOTFOUND;
		*doc = cJSON_ParseWithLength(text, len);
		cw_free(text);
		return *doc ? 0 : CW_EINVAL;
	}
	return CW_ENOTFOUND;
}

static map_state the_map;

/* The operator's pinned contexts (jsonld_contexts_dir, jsonld_context_pins)
 * when the data dir has a config that names some. */
static int add_operator_contexts(cw_jsonld_loader *loader, const cw_args *args)
{
	cw_config config;
	cw_buf errors = CW_BUF_INIT(16 * 1024), dir = CW_BUF_INIT(4096);
	int flag_error = 0;
	const char *data_dir = cw_datadir_pick(args->data_dir);
	int err = cw_datadir_load_config(&config, data_dir, NULL, &errors,
	                                 &flag_error);
	cw_buf_dispose(&errors);
	if (err < 0) /* no data dir: only embedded contexts and --map */
		return 0;
	const char *pins = config.jsonld_context_pins;
	const char *sub = config.jsonld_contexts_dir;
	if (pins && *pins) {
		if (sub && sub[0] == '/')
			cw_buf_puts(&dir, sub);
		else
			cw_buf_printf(&dir, "%s/%s", data_dir, sub ? sub : "");
		err = dir.error ? dir.error
		                : cw_jsonld_loader_add_dir(
		                          loader, cw_buf_cstr(&dir), pins);
		if (err < 0)
			fprintf(stderr,
			        "crosswalk %s: jsonld_context_pins: %s\n",
			        args->spec->name, cw_error_last());
	}
	cw_buf_dispose(&dir);
	cw_config_dispose(&config);
	return err;
}

int cw_cli_jsonld_loader(cw_jsonld_loader **out, const cw_args *args)
{
	int err = cw_jsonld_loader_new(out);
	if (err < 0 || (err = cw_jsonld_loader_add_embedded(*out)) < 0 ||
	    (err = add_operator_contexts(*out, args)) < 0)
		return err;
	for (int i = 0; i < cw_args_count(args, "map"); i++) {
		if (!strchr(cw_args_get_nth(args, "map", i), '=')) {
			fprintf(stderr,
			        "crosswalk %s: --map needs "
			        "URL_PREFIX=DIR\n",
			        args->spec->name);
			return CW_EUSAGE;
		}
	}
	if (cw_args_count(args, "map")) {
		the_map.args = args;
		cw_jsonld_loader_set_fetch(*out, map_fetch, &the_map);
	}
	return 0;
}

void cw_cli_jsonld_report(const char *path, int err,
                          const cw_jsonld_error *where)
{
	if (err == CW_EINVAL && where->message[0])
		fprintf(stderr, "%s: %s%s%s: %s\n", path,
		        where->pointer[0] ? where->pointer : "/",
		        where->code[0] ? ": " : "", where->code,
		        where->message);
	else
		fprintf(stderr, "%s: %s\n", path, cw_error_last());
}

static int load(cJSON **doc, cJSON **expand_context, const cw_args *args)
{
	const char *path = args->positionals[0];
	const char *ctx_path = cw_args_get(args, "expand-context");
	char *text = NULL;
	size_t len = 0;
	int err = cw_file_read(&text, &len, path, JSONLD_FILE_MAX);
	if (err < 0)
		return err;
	const char *end = NULL;
	*doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!*doc) {
		size_t at = end ? (size_t)(end - text) : 0;
		cw_error_set("not JSON (at byte %zu)", at);
		cw_free(text);
		return CW_EINVAL;
	}
	cw_free(text);
	if (!ctx_path)
		return 0;
	if ((err = cw_file_read(&text, &len, ctx_path, CONTEXT_FILE_MAX)) < 0)
		return err;
	*expand_context = cJSON_ParseWithLength(text, len);
	cw_free(text);
	if (!*expand_context) {
		cw_error_set("%s: not JSON", ctx_path);
		return CW_EINVAL;
	}
	return 0;
}

static int parse_mode(cw_jsonld_options *o, const cw_args *args)
{
	const char *mode = cw_args_get(args, "processing-mode");
	if (!mode || strcmp(mode, "json-ld-1.1") == 0)
		return 0;
	if (strcmp(mode, "json-ld-1.0") == 0) {
		o->json_ld_10 = 1;
		return 0;
	}
	fprintf(stderr,
	        "crosswalk %s: --processing-mode must be json-ld-1.0 "
	        "or json-ld-1.1\n",
	        args->spec->name);
	return CW_EUSAGE;
}

static int print_text(const char *text, size_t len)
{
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
		return CW_EXIT_INTERNAL;
	return CW_EXIT_OK;
}

static int canonize_and_print(const cJSON *doc, const cw_jsonld_options *o,
                              cw_jsonld_error *where)
{
	cw_rdf_dataset *ds = NULL;
	cw_rdfc_result *r = NULL;
	int err = cw_jsonld_doc_to_rdf(&ds, doc, o, where);
	if (err == 0 && (err = cw_rdfc_canonize(&r, ds, NULL)) == 0)
		err = print_text(r->nquads, r->len) ? CW_EIO : 0;
	cw_rdfc_result_free(r);
	cw_rdf_dataset_free(ds);
	return err;
}

static int run_jsonld(const cw_args *args, int canonize)
{
	const char *path = args->positionals[0];
	cw_jsonld_options o = { 0 };
	cw_jsonld_error where = { 0 };
	cw_jsonld_loader *loader = NULL;
	cJSON *doc = NULL, *ctx = NULL, *expanded = NULL;
	int err;
	if ((err = parse_mode(&o, args)) < 0 ||
	    (err = cw_cli_jsonld_loader(&loader, args)) < 0) {
		cw_jsonld_loader_free(loader);
		return err == CW_EUSAGE ? CW_EXIT_USAGE
		                        : cw_cli_fail(args, err);
	}
	o.base = cw_args_get(args, "base");
	o.safe = cw_args_get(args, "safe") != NULL;
	o.loader = loader;
	if ((err = load(&doc, &ctx, args)) < 0) {
		fprintf(stderr, "%s: %s\n", path, cw_error_last());
		goto out;
	}
	o.expand_context = ctx;
	if (canonize) {
		err = canonize_and_print(doc, &o, &where);
	} else if ((err = cw_jsonld_expand(&expanded, doc, &o, &where)) == 0) {
		char *text = cJSON_PrintUnformatted(expanded);
		err = text && print_text(text, strlen(text)) == 0 ? 0 : CW_EIO;
		if (!err)
			putchar('\n');
		cJSON_free(text);
	}
	if (err < 0 && err != CW_EIO)
		cw_cli_jsonld_report(path, err, &where);
out:
	cJSON_Delete(expanded);
	cJSON_Delete(doc);
	cJSON_Delete(ctx);
	cw_jsonld_loader_free(loader);
	return err < 0 ? cw_cli_exit_code(err) : CW_EXIT_OK;
}

static const cw_command_spec expand_spec = {
	"jsonld expand",
	"[--base IRI] [--map URL_PREFIX=DIR] FILE",
	"Print the JSON-LD 1.1 expanded form of a JSON-LD document.",
	"Contexts come only from those embedded in the binary and from --map\n"
	"directories: nothing is fetched. Errors name the JSON pointer, the\n"
	"JSON-LD error code and the problem (exit 1).",
	jsonld_options,
	1,
	1
};

static const cw_command_spec canonize_spec = {
	"jsonld canonize",
	"[--base IRI] [--map URL_PREFIX=DIR] [--safe] FILE",
	"Print the RDFC-1.0 canonical N-Quads of a JSON-LD document.",
	"The document is expanded, converted to RDF and canonicalized, as a\n"
	"Data Integrity proof (eddsa-rdfc-2022) does before it hashes.\n"
	"Contexts come only from those embedded in the binary and from --map.",
	jsonld_options,
	1,
	1
};

static int run_expand(const cw_args *args)
{
	return run_jsonld(args, 0);
}

static int run_canonize(const cw_args *args)
{
	return run_jsonld(args, 1);
}

const cw_command cw_cmd_jsonld_expand = { &expand_spec, run_expand };
const cw_command cw_cmd_jsonld_canonize = { &canonize_spec, run_canonize };
