/* crosswalk rdf canonize: RDFC-1.0 canonical N-Quads of an N-Quads file. */
#include "cli/cli.h"

#include "jsonld/nquads.h"
#include "jsonld/rdfc.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/limits.h"

#include <stdio.h>

static const cw_option canonize_options[] = {
	{ "hash", "sha256|sha384", "the hash of RDFC-1.0 (default sha256)", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_command_spec canonize_spec = {
	"rdf canonize",
	"[--hash sha256|sha384] FILE.nq",
	"Print the RDFC-1.0 canonical N-Quads of an N-Quads file.",
	"Reads FILE.nq (W3C N-Quads, UTF-8, at most 64 MiB and 1,000,000\n"
	"quads), relabels its blank nodes _:c14n0 … with the W3C RDF Dataset\n"
	"Canonicalization algorithm RDFC-1.0 and prints the sorted canonical\n"
	"lines on stdout. A syntax error is reported as FILE:LINE:COLUMN:\n"
	"message (exit 1); so is a dataset that needs more than "
	"200,000 steps\nof Hash N-Degree Quads (a poison graph).",
	canonize_options,
	1,
	1
};

static int print_document(const cw_rdfc_result *r)
{
	if (fwrite(r->nquads, 1, r->len, stdout) != r->len ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "crosswalk rdf canonize: cannot write the "
		                "output\n");
		return CW_EXIT_INTERNAL;
	}
	return CW_EXIT_OK;
}

static int run_canonize(const cw_args *args)
{
	const char *path = args->positionals[0],
	           *hash = cw_args_get(args, "hash");
	cw_rdfc_options options = { CW_RDFC_SHA256, 0, 0, 0 };
	cw_rdf_dataset *ds = NULL;
	cw_rdfc_result *r = NULL;
	cw_nquads_error where;
	char *text = NULL;
	size_t len = 0;
	int err, code;

	if (hash && cw_rdfc_hash_parse(&options.hash, hash) < 0) {
		fprintf(stderr,
		        "crosswalk rdf canonize: --hash must be sha256 "
		        "or sha384, not \"%s\"\n",
		        hash);
		return CW_EXIT_USAGE;
	}
	if ((err = cw_file_read(&text, &len, path, CW_LIMIT_NQUADS_BYTES)) < 0)
		return cw_cli_fail(args, err);
	err = cw_nquads_read(&ds, text, len, NULL, &where);
	cw_free(text);
	if (err == CW_EINVAL) {
		fprintf(stderr, "%s:%zu:%zu: %s\n", path, where.line,
		        where.column, where.message);
		return CW_EXIT_INVALID;
	}
	if (err == 0)
		err = cw_rdfc_canonize(&r, ds, &options);
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", path, cw_error_last());
		code = cw_cli_exit_code(err);
	} else {
		code = print_document(r);
	}
	cw_rdfc_result_free(r);
	cw_rdf_dataset_free(ds);
	return code;
}

const cw_command cw_cmd_rdf_canonize = { &canonize_spec, run_canonize };
