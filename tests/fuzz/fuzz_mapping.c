/* Fuzzes the mapping loader (gateway/mapping/mapping.h) and the claim
 * reader (mapping/claim.h): any bytes as a mapping file, and as a
 * credential whose claim is read. A load either succeeds with a mapping
 * or fails with problems; nothing may crash or leak. */
#include "fuzz.h"

#include "mapping/claim.h"
#include "mapping/mapping.h"
#include "util/error.h"
#include "util/json.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_buf problems = CW_BUF_INIT(1 << 20);
	cw_mapping *m = NULL;
	cJSON *doc = NULL;
	cw_claim claim;
	int err = cw_mapping_load(&m, (const char *)data, size, &problems);

	if ((err == 0) != (m != NULL) ||
	    (err == CW_EINVAL && problems.len == 0))
		abort();
	if (m &&
	    (m->level_count == 0 || m->identity_count == 0 || !m->category_id))
		abort();
	cw_mapping_free(m);
	cw_buf_dispose(&problems);
	if (cw_json_parse(&doc, (const char *)data, size, 64, NULL) == 0) {
		if (cw_claim_read(&claim, doc) == 0 &&
		    (!claim.id ||
		     claim.identity_count > CW_CLAIM_MAX_IDENTITIES))
			abort();
		cJSON_Delete(doc);
	}
	return 0;
}
