/* Fuzzes the N-Quads reader and RDFC-1.0 under small caps: what reads
 * writes canonical lines that read again to as many quads; a dataset that
 * canonicalizes gives output that reads back and canonicalizes to itself. */
#include "fuzz.h"

#include "jsonld/nquads.h"
#include "jsonld/rdfc.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define MAX_QUADS 256
#define MAX_WORK  2000

static cw_rdf_dataset *read_or_null(const char *text, size_t len)
{
	cw_nquads_limits limits = { 1 << 20, MAX_QUADS };
	cw_rdf_dataset *ds = NULL;
	cw_nquads_error where;
	int err = cw_nquads_read(&ds, text, len, &limits, &where);

	if (err == CW_EINVAL &&
	    (where.line < 1 || where.column < 1 || where.message[0] == '\0'))
		abort();
	if (err < 0 && ds)
		abort();
	return ds;
}

/* The canonical form of what was read must read back to as many quads. */
static void check_writer(const cw_rdf_dataset *ds)
{
	cw_buf out = CW_BUF_INIT(64 << 20);
	cw_rdf_dataset *again = NULL;

	if (cw_nquads_write(&out, ds) < 0)
		goto out;
	again = read_or_null(out.data ? out.data : "", out.len);
	if (!again || again->count != ds->count)
		abort();
out:
	cw_rdf_dataset_free(again);
	cw_buf_dispose(&out);
}

static void check_canonical(const cw_rdf_dataset *ds)
{
	cw_rdfc_options o = { CW_RDFC_SHA256, MAX_WORK, 64, 64 << 20 };
	cw_rdfc_result *r = NULL, *r2 = NULL;
	cw_rdf_dataset *again = NULL;

	if (cw_rdfc_canonize(&r, ds, &o) < 0)
		goto out;
	if (!r || strlen(r->nquads) > r->len)
		abort();
	if (!(again = read_or_null(r->nquads, r->len)))
		abort();
	/* Work may differ for the relabelled input; a limit hit is fine. */
	if (cw_rdfc_canonize(&r2, again, &o) < 0)
		goto out;
	if (r2->len != r->len || memcmp(r2->nquads, r->nquads, r->len) != 0)
		abort();
out:
	cw_rdfc_result_free(r2);
	cw_rdfc_result_free(r);
	cw_rdf_dataset_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	cw_rdf_dataset *ds = NULL;

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	ds = read_or_null(copy, size);
	if (ds) {
		check_writer(ds);
		check_canonical(ds);
	}
	cw_rdf_dataset_free(ds);
	free(copy);
	return 0;
}
