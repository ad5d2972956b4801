/* Crosswalks between CASE frameworks: the items an item matches in the
 * tenant's other frameworks, through exactMatchOf (both directions,
 * followed transitively), isRelatedTo and ext: associations (both
 * directions, one step). What a badge's alignment to another state's
 * framework is mapped through to the district's own. */
#ifndef CW_ENGINE_CASE_CROSSWALK_H
#define CW_ENGINE_CASE_CROSSWALK_H

#include "store/store.h"

#include <cjson/cJSON.h>

/* Most items one crosswalk walks through. */
#define CW_CASE_CROSSWALK_MAX 10000

typedef struct {
	char identifier[256]; /* the matched item (any string: an end may be
	                         an outside identifier) */
	char document[64];    /* its CFDocument, "" when not stored here */
	char relation[80];    /* exactMatchOf, isRelatedTo, ext:… */
	char via[64];         /* the association that reached it */
	int hops;             /* 1 for a direct association */
} cw_case_match;

/**
 * The matches of item id, nearest first. CW_ENOTFOUND when the tenant has
 * no such item.
 * @param[out] out cw_malloc'd array (cw_free), *count entries
 */
int cw_case_crosswalk(cw_case_match **out, size_t *count, cw_store *store,
                      int64_t tenant_id, const char *id);

/** {"item", "document", "matches": [{"identifier", "document",
 *  "documentTitle", "humanCodingScheme", "fullStatement", "relation",
 *  "via", "hops", "stored"}]}. */
cJSON *cw_case_crosswalk_json(cw_store *store, int64_t tenant_id,
                              const char *id, const cw_case_match *matches,
                              size_t count);

#endif
