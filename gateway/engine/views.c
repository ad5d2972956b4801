/* JSON views: every add is checked; a partial object is never returned. */
#include "engine/views.h"

#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

static cJSON *finish(cJSON *item, int ok)
{
	if (ok)
		return item;
	cJSON_Delete(item);
	return NULL;
}

static int add_string(cJSON *item, const char *key, const char *value)
{
	return cJSON_AddStringToObject(item, key, value) != NULL;
}

cJSON *cw_view_scopes(const char *scopes)
{
	cJSON *list = cJSON_CreateArray();
	const char *p = scopes;
	int ok = list != NULL;

	while (ok && *p) {
		size_t len = strcspn(p, " ");
		char *text = cw_strndup(p, len);
		cJSON *s = text ? cJSON_CreateString(text) : NULL;

		cw_free(text);
		ok = s && cJSON_AddItemToArray(list, s);
		if (!ok)
			cJSON_Delete(s);
		p += len;
		while (*p == ' ')
			p++;
	}
	return finish(list, ok);
}

cJSON *cw_view_tenant(const cw_tenant *tenant)
{
	cJSON *item = cJSON_CreateObject();
	int ok = item && add_string(item, "name", tenant->name) &&
	         add_string(item, "created_at", tenant->created_at);

	return finish(item, ok);
}

static int add_scopes(cJSON *item, const char *scopes)
{
	cJSON *list = cw_view_scopes(scopes);

	if (list && cJSON_AddItemToObject(item, "scopes", list))
		return 1;
	cJSON_Delete(list);
	return 0;
}

cJSON *cw_view_client(const cw_client *client)
{
	cJSON *item = cJSON_CreateObject();
	int ok = item && add_string(item, "client_id", client->client_id) &&
	         add_string(item, "tenant", client->tenant) &&
	         add_scopes(item, client->scopes) &&
	         add_string(item, "created_at", client->created_at);

	if (ok && client->revoked_at[0])
		ok = add_string(item, "revoked_at", client->revoked_at);
	else if (ok)
		ok = cJSON_AddNullToObject(item, "revoked_at") != NULL;
	return finish(item, ok);
}

cJSON *cw_view_new_client(const cw_new_client *client)
{
	cJSON *item = cJSON_CreateObject();
	int ok = item && add_string(item, "client_id", client->client_id) &&
	         add_string(item, "client_secret", client->client_secret) &&
	         add_string(item, "tenant", client->tenant) &&
	         add_scopes(item, client->scopes);

	return finish(item, ok);
}

cJSON *cw_view_audit(const cw_audit_entry *entry)
{
	cJSON *item = cJSON_CreateObject();
	int ok = item &&
	         cJSON_AddNumberToObject(item, "seq", (double)entry->seq) &&
	         add_string(item, "at", entry->at) &&
	         add_string(item, "actor", entry->actor) &&
	         add_string(item, "action", entry->action) &&
	         add_string(item, "outcome", entry->outcome);

	if (ok && entry->tenant)
		ok = add_string(item, "tenant", entry->tenant);
	if (ok && entry->target)
		ok = add_string(item, "target", entry->target);
	if (ok && entry->detail)
		ok = add_string(item, "detail", entry->detail);
	return finish(item, ok);
}

static int append(cJSON *array, cJSON *item)
{
	if (item && cJSON_AddItemToArray(array, item))
		return 0;
	cJSON_Delete(item);
	cw_error_set("out of memory building JSON");
	return CW_ENOMEM;
}

int cw_view_append_tenant(const cw_tenant *tenant, void *array)
{
	return append(array, cw_view_tenant(tenant));
}

int cw_view_append_client(const cw_client *client, void *array)
{
	return append(array, cw_view_client(client));
}

int cw_view_append_audit(const cw_audit_entry *entry, void *array)
{
	return append(array, cw_view_audit(entry));
}
