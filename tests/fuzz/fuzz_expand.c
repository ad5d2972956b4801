/* Fuzzes the JSON-LD pipeline a signature runs: cw_jsonld_expand (embedded
 * contexts, the context cache, safe mode or not) on any JSON text, then
 * toRdf and RDFC-1.0 on what it expands to. Failures must be clean (a
 * message, no output); a second expansion must give the same bytes (the
 * cache must not change results). */
#include "fuzz.h"

#include "jsonld/jsonld.h"
#include "jsonld/rdfc.h"
#include "util/error.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT (64 << 10)

static char *expand_once(const cJSON *doc, const cw_jsonld_options *o,
                         cJSON **expanded)
{
	cw_jsonld_error where;
	int err = cw_jsonld_expand(expanded, doc, o, &where);
	if (err < 0) {
		if (*expanded || (err == CW_EINVAL && !where.message[0]))
			abort();
		return NULL;
	}
	if (!cJSON_IsArray(*expanded))
		abort();
	return cJSON_PrintUnformatted(*expanded);
}

static void canonize(const cJSON *expanded, const cw_jsonld_options *o)
{
	cw_rdf_dataset *ds = NULL;
	cw_rdfc_result *r = NULL;
	cw_rdfc_options ro = { CW_RDFC_SHA256, 2000, 64, 1 << 20 };
	if (cw_jsonld_to_rdf(&ds, expanded, o, NULL) == 0)
		cw_rdfc_canonize(&r, ds, &ro);
	cw_rdfc_result_free(r);
	cw_rdf_dataset_free(ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *doc = NULL, *first = NULL, *second = NULL;
	cw_jsonld_options o = { 0 };
	if (size < 1 || size > MAX_INPUT)
		return 0;
	o.safe = data[0] & 1;
	o.json_ld_10 = (data[0] & 6) == 6;
	o.base = (data[0] & 8) ? "https://example.org/base/doc" : NULL;
	o.max_work = 50000;
	if (cw_json_parse(&doc, (const char *)data + 1, size - 1, 64, NULL) < 0)
		return 0;
	char *a = expand_once(doc, &o, &first);
	char *b = expand_once(doc, &o, &second);
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		abort();
	if (first)
		canonize(first, &o);
	cJSON_free(a);
	cJSON_free(b);
	cJSON_Delete(first);
	cJSON_Delete(second);
	cJSON_Delete(doc);
	return 0;
}
