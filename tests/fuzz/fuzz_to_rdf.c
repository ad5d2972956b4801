/* Fuzzes cw_jsonld_to_rdf on JSON texts (expanded JSON-LD or not) under a
 * small work cap: it fails cleanly or gives quads whose N-Quads read back
 * to as many quads, and a second run gives the same bytes. */
#include "fuzz.h"

#include "jsonld/jsonld.h"
#include "jsonld/nquads.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT (64 << 10)
#define MAX_WORK  20000

static int is_ascii(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if (data[i] >= 0x80)
			return 0;
	return 1;
}

/* The N-Quads of one run, or NULL when it failed (checked to fail well). */
static char *run(const cJSON *doc, const cw_jsonld_options *o, size_t *len)
{
	cw_buf text = CW_BUF_INIT(64 << 20);
	cw_rdf_dataset *ds = NULL;
	cw_jsonld_error where;
	int err = cw_jsonld_to_rdf(&ds, doc, o, &where);

	if (err < 0) {
		if (ds || (err == CW_EINVAL && where.message[0] == '\0'))
			abort();
		return NULL;
	}
	if (!ds || cw_nquads_write(&text, ds) < 0)
		abort();
	cw_rdf_dataset_free(ds);
	return cw_buf_detach(&text, len);
}

static void check_reads_back(const char *text, size_t len, size_t lines)
{
	cw_rdf_dataset *again = NULL;

	if (cw_nquads_read(&again, text, len, NULL, NULL) < 0 ||
	    again->count != lines)
		abort();
	cw_rdf_dataset_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_jsonld_options o;
	cJSON *doc = NULL;
	char *first = NULL, *second = NULL;
	size_t len = 0, len2 = 0, lines = 0;

	if (size > MAX_INPUT ||
	    cw_json_parse(&doc, (const char *)data, size, 64, NULL) < 0)
		return 0;
	memset(&o, 0, sizeof(o));
	o.max_work = MAX_WORK;
	o.rdf_direction = (cw_jsonld_rdf_direction)(size % 3);
	if ((first = run(doc, &o, &len))) {
		second = run(doc, &o, &len2);
		if (!second || len != len2 || memcmp(first, second, len) != 0)
			abort();
		for (size_t i = 0; i < len; i++)
			lines += first[i] == '\n';
		/* Input that is not UTF-8 gives literals the reader refuses. */
		if (is_ascii(data, size))
			check_reads_back(first ? first : "", len, lines);
	}
	cw_free(first);
	cw_free(second);
	cJSON_Delete(doc);
	return 0;
}
