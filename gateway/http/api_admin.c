/* Administration API under /admin/v1. A tenant's admin client manages that
 * tenant only; an admin client of the system tenant (the operator) manages
 * all. Another tenant's objects answer 404, never revealing they exist. */
#include "http/api.h"

#include "engine/credentials.h"
#include "engine/scope.h"
#include "engine/views.h"
#include "http/server.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void actor_of(const cw_request *req, char out[64])
{
	snprintf(out, 64, "client:%s", cw_request_auth(req)->client_id);
}

static int audit(cw_request *req, const char *tenant, const char *action,
                 const char *target, int ok, const char *detail)
{
	cw_audit_entry entry = { 0 };
	char actor[64];

	actor_of(req, actor);
	entry.actor = actor;
	entry.tenant = tenant;
	entry.action = action;
	entry.target = target;
	entry.outcome = ok ? "success" : "failure";
	entry.detail = detail;
	return cw_store_audit_append(cw_request_ctx(req)->store, &entry);
}

/* The tenant a request acts on: its own, or ?tenant= / "tenant" for the
 * operator. Returns 0, or an HTTP status it already answered. */
int cw_api_target_tenant(cw_tenant *out, cw_request *req, cw_response *res,
                         const char *asked)
{
	const cw_auth *auth = cw_request_auth(req);
	int err;

	if (!asked || !*asked)
		asked = auth->tenant;
	if (strcmp(asked, auth->tenant) != 0 && !cw_request_is_operator(req)) {
		cw_response_error(res, 403, "forbidden",
		                  "a client may only manage its own tenant");
		return 403;
	}
	err = cw_store_tenant_get(cw_request_ctx(req)->store, asked, out);
	if (err == CW_ENOTFOUND) {
		cw_response_error(res, 404, "unknownobject",
		                  "no tenant named \"%.63s\"", asked);
		return 404;
	}
	return err;
}

/* ---- tenants ------------------------------------------------------------- */

int cw_api_admin_tenants_list(cw_request *req, cw_response *res)
{
	cw_store *store = cw_request_ctx(req)->store;
	cJSON *doc = cJSON_CreateObject();
	cJSON *list = doc ? cJSON_AddArrayToObject(doc, "tenants") : NULL;
	cw_tenant own;
	int err;

	if (!list) {
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	if (cw_request_is_operator(req)) {
		err = cw_store_tenant_list(store, cw_view_append_tenant, list);
	} else {
		/* The token lookup already read the caller's tenant. */
		const cw_auth *auth = cw_request_auth(req);

		own.id = auth->tenant_id;
		snprintf(own.name, sizeof(own.name), "%s", auth->tenant);
		snprintf(own.created_at, sizeof(own.created_at), "%s",
		         auth->tenant_created_at);
		err = cw_view_append_tenant(&own, list);
	}
	if (err < 0) {
		cJSON_Delete(doc);
		return err;
	}
	return cw_response_json(res, 200, doc);
}

int cw_api_admin_tenants_add(cw_request *req, cw_response *res)
{
	cw_store *store = cw_request_ctx(req)->store;
	cJSON *body = NULL;
	const char *name;
	cw_tenant tenant;
	int err;

	if (!cw_request_is_operator(req))
		return cw_response_error(res, 403, "forbidden",
		                         "only the operator (an admin client "
		                         "of the system tenant) adds tenants");
	if (cw_request_json_object(&body, req, res) < 0)
		return 0;
	name = cw_json_string(body, "name");
	if (!name) {
		err = cw_response_error(res, 422, "invaliddata",
		                        "/name: expected a string");
		goto out;
	}
	err = cw_store_tenant_add(store, name, &tenant);
	if (err == CW_EINVAL || err == CW_EEXISTS) {
		audit(req, name, "tenant.add", name, 0, cw_error_last());
		err = cw_response_error(res, err == CW_EINVAL ? 422 : 409,
		                        "invaliddata", "/name: %s",
		                        cw_error_last());
		goto out;
	}
	if (err < 0)
		goto out;
	if ((err = audit(req, name, "tenant.add", name, 1, NULL)) < 0)
		goto out;
	err = cw_response_json(res, 201, cw_view_tenant(&tenant));
out:
	cJSON_Delete(body);
	return err;
}

/* ---- clients ------------------------------------------------------------- */

int cw_api_admin_clients_list(cw_request *req, cw_response *res)
{
	const char *asked = cw_request_query(req, "tenant");
	cJSON *doc = NULL, *list;
	int64_t tenant_id = 0;
	cw_tenant tenant;
	int err;

	if (asked || !cw_request_is_operator(req)) {
		err = cw_api_target_tenant(&tenant, req, res, asked);
		if (err != 0)
			return err > 0 ? 0 : err;
		tenant_id = tenant.id;
	}
	doc = cJSON_CreateObject();
	list = doc ? cJSON_AddArrayToObject(doc, "clients") : NULL;
	if (!list) {
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	err = cw_store_client_list(cw_request_ctx(req)->store, tenant_id,
	                           cw_view_append_client, list);
	if (err < 0) {
		cJSON_Delete(doc);
		return err;
	}
	return cw_response_json(res, 200, doc);
}

/* "scopes" may be a string ("a b") or an array of strings. */
static int scopes_from_body(cw_buf *out, const cJSON *body)
{
	const cJSON *scopes = cJSON_GetObjectItemCaseSensitive(body, "scopes");
	const cJSON *item;

	if (cJSON_IsString(scopes))
		return cw_buf_puts(out, scopes->valuestring);
	if (!cJSON_IsArray(scopes))
		return CW_EINVAL;
	cJSON_ArrayForEach(item, scopes)
	{
		if (!cJSON_IsString(item))
			return CW_EINVAL;
		if (out->len)
			cw_buf_putc(out, ' ');
		cw_buf_puts(out, item->valuestring);
	}
	return out->error;
}

int cw_api_admin_clients_add(cw_request *req, cw_response *res)
{
	cw_buf scopes = CW_BUF_INIT(CW_LIMIT_SCOPE_STRING);
	cw_new_client client = { 0 };
	cJSON *body = NULL;
	cw_tenant tenant;
	char actor[64];
	int err;

	if (cw_request_json_object(&body, req, res) < 0)
		return 0;
	err = cw_api_target_tenant(&tenant, req, res,
	                           cw_json_string(body, "tenant"));
	if (err != 0) {
		err = err > 0 ? 0 : err;
		goto out;
	}
	if (scopes_from_body(&scopes, body) < 0) {
		err = cw_response_error(res, 422, "invaliddata",
		                        "/scopes: expected a string or an "
		                        "array of scope URIs");
		goto out;
	}
	actor_of(req, actor);
	err = cw_credentials_client_create(&client, cw_request_ctx(req)->store,
	                                   cw_request_ctx(req)->master_key,
	                                   tenant.name, cw_buf_cstr(&scopes),
	                                   actor);
	if (err == CW_EINVAL) {
		err = cw_response_error(res, 422, "invaliddata", "/scopes: %s",
		                        cw_error_last());
		goto out;
	}
	if (err == 0)
		err = cw_response_json(res, 201, cw_view_new_client(&client));
out:
	cw_new_client_dispose(&client);
	cw_buf_dispose(&scopes);
	cJSON_Delete(body);
	return err;
}

int cw_api_admin_clients_revoke(cw_request *req, cw_response *res)
{
	cw_store *store = cw_request_ctx(req)->store;
	const char *id = cw_request_param(req, "id");
	char stamp[CW_TIME_ISO_LEN];
	cw_client client = { 0 };
	int err = cw_store_client_get(store, id, &client);

	if (err == 0 && !cw_request_is_operator(req) &&
	    client.tenant_id != cw_request_auth(req)->tenant_id)
		err = CW_ENOTFOUND; /* never reveal another tenant's client */
	if (err == 0 && client.revoked_at[0])
		err = CW_ENOTFOUND;
	if (err == CW_ENOTFOUND) {
		err = cw_response_error(res, 404, "unknownobject",
		                        "no active client \"%.64s\"", id);
		goto out;
	}
	if (err < 0)
		goto out;
	cw_time_format_iso(cw_time_now_ms(), stamp);
	if ((err = cw_store_client_revoke(store, id, stamp)) < 0 ||
	    (err = audit(req, client.tenant, "client.revoke", id, 1, NULL)) < 0)
		goto out;
	err = cw_response_text(res, 204, "application/json", "", 0);
out:
	cw_client_dispose(&client);
	return err;
}

/* ---- audit log ----------------------------------------------------------- */

static long query_long(const cw_request *req, const char *key, long fallback,
                       long min, long max, int *bad)
{
	const char *text = cw_request_query(req, key);
	char *end = NULL;
	long value;

	if (!text)
		return fallback;
	value = strtol(text, &end, 10);
	if (end == text || *end || value < min || value > max)
		*bad = 1;
	return value;
}

int cw_api_admin_audit_list(cw_request *req, cw_response *res)
{
	const char *asked = cw_request_query(req, "tenant");
	const char *tenant = NULL;
	cJSON *doc, *list;
	cw_tenant row;
	int bad = 0, err;
	long after = query_long(req, "after", 0, 0, 0x7fffffffL, &bad);
	long limit = query_long(req, "limit", 100, 1, 1000, &bad);

	if (bad)
		return cw_response_error(res, 400, "invaliddata",
		                         "after: 0 or more; limit: 1 to 1000");
	if (asked || !cw_request_is_operator(req)) {
		err = cw_api_target_tenant(&row, req, res, asked);
		if (err != 0)
			return err > 0 ? 0 : err;
		tenant = cw_request_auth(req)->tenant;
		if (asked)
			tenant = asked;
	}
	doc = cJSON_CreateObject();
	list = doc ? cJSON_AddArrayToObject(doc, "entries") : NULL;
	if (!list) {
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	err = cw_store_audit_list(cw_request_ctx(req)->store, tenant, after,
	                          (int)limit, cw_view_append_audit, list);
	if (err < 0) {
		cJSON_Delete(doc);
		return err;
	}
	return cw_response_json(res, 200, doc);
}
