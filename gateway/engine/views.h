/* JSON views of store records, shared by the CLI (--json) and the admin API
 * so both speak the same shapes. Each returns NULL when out of memory. */
#ifndef CW_ENGINE_VIEWS_H
#define CW_ENGINE_VIEWS_H

#include "engine/credentials.h"
#include "store/store.h"

#include <cjson/cJSON.h>

/** ["uri", …] from a space-separated scope list. */
cJSON *cw_view_scopes(const char *scopes);
/** {"name", "created_at"} */
cJSON *cw_view_tenant(const cw_tenant *tenant);
/** {"client_id", "tenant", "scopes", "created_at", "revoked_at"|null} */
cJSON *cw_view_client(const cw_client *client);
/** {"client_id", "client_secret", "tenant", "scopes"}: shown once. */
cJSON *cw_view_new_client(const cw_new_client *client);
/** {"seq", "at", "actor", "action", "outcome", "tenant"?, "target"?, …} */
cJSON *cw_view_audit(const cw_audit_entry *entry);

/* Store listing callbacks: append the view to the cJSON array in payload. */
int cw_view_append_tenant(const cw_tenant *tenant, void *array);
int cw_view_append_client(const cw_client *client, void *array);
int cw_view_append_audit(const cw_audit_entry *entry, void *array);

#endif
