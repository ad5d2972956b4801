/* Pushing results to a SIS's own OneRoster 1.2 gradebook: PUT of the
 * category, lineItem and result a flow wrote, with an OAuth 2.0 client
 * credentials token of a stored sync connection (its sealed secret opened
 * under the master key). */
#ifndef CW_ENGINE_GRADEBOOK_PUSH_H
#define CW_ENGINE_GRADEBOOK_PUSH_H

#include "store/store.h"

#include <cjson/cJSON.h>

typedef struct {
	cw_store *store;
	const unsigned char *master_key;
	int64_t tenant_id;
	const char *connection;    /* the sync connection's name */
	const char *gradebook_url; /* …/ims/oneroster/gradebook/v1p2 */
	int public_only;           /* refuse private addresses */
	int keep_going;            /* a refusal does not stop the others */
} cw_push_target;

/**
 * PUTs each of objects ([{"path": "results/ID", "body": {…}}], in order)
 * under the gradebook URL. *report: [{"path", "status"}], one per object
 * tried, with "error" (the SIS's status and answer) on one refused.
 * CW_EIO (message: the first refused, its status and answer) when one is
 * refused: those before it stay pushed (PUT is idempotent: push again);
 * with keep_going every object is tried. CW_ENOTFOUND when
 * the connection is not the tenant's, CW_EAUTH when no token comes.
 */
int cw_gradebook_push(cJSON **report, const cw_push_target *target,
                      const cJSON *objects);

#endif
