/* Sync connections through the admin API: list, create, show, change and
 * delete a tenant's connections (secrets go in sealed and never come back
 * out), "run now" (202, or 409 while a run is running), the recent runs
 * with their reports, and the approval of a held run. A tenant's admin
 * sees only its own connections; the operator may name ?tenant=. */
#include "http/api.h"

#include "engine/cron.h"
#include "engine/sync_jobs.h"
#include "http/server.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/secretbox.h"
#include "util/timeutil.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUNS_SHOWN 20

/* ---- finding a connection the caller may see ------------------------------
 */

typedef struct {
	cw_sync_connection c;
	char *strings[20];
	int have;
} found;

static int keep(const cw_sync_connection *c, void *payload)
{
	found *f = payload;
	const char *const *from[] = {
		&c->name,          &c->base_url,      &c->version,
		&c->auth,          &c->token_url,     &c->client_id,
		&c->secret_sealed, &c->scope,         &c->schedule,
		&c->cursor,        &c->last_state,    &c->last_report,
		&c->webhook_url,   &c->full_schedule, &c->blackouts,
		&c->lease_owner,
	};
	const char **to[] = {
		&f->c.name,          &f->c.base_url,      &f->c.version,
		&f->c.auth,          &f->c.token_url,     &f->c.client_id,
		&f->c.secret_sealed, &f->c.scope,         &f->c.schedule,
		&f->c.cursor,        &f->c.last_state,    &f->c.last_report,
		&f->c.webhook_url,   &f->c.full_schedule, &f->c.blackouts,
		&f->c.lease_owner,
	};
	f->c = *c;
	f->have = 1;
	for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		*to[i] = NULL;
		if (*from[i] && !(*to[i] = f->strings[i] = cw_strdup(*from[i])))
			return CW_ENOMEM;
	}
	return 0;
}

static void release(found *f)
{
	for (size_t i = 0; i < 20; i++)
		cw_free(f->strings[i]);
}

/* The connection {name}, when the caller's tenant owns it (or the caller is
 * the operator): 0, or the status answered (404: never tells another
 * tenant's connection from none). */
static int find(found *f, cw_request *req, cw_response *res)
{
	const char *name = cw_request_param(req, "name");
	int err;
	memset(f, 0, sizeof(*f));
	err = cw_store_sync_list(cw_request_ctx(req)->store, 0, name, keep, f);
	if (err < 0 && err != CW_ENOTFOUND)
		return err;
	if (err == CW_ENOTFOUND ||
	    (f->c.tenant_id != cw_request_auth(req)->tenant_id &&
	     !cw_request_is_operator(req))) {
		release(f);
		memset(f, 0, sizeof(*f));
		cw_response_error(res, 404, "unknownobject",
		                  "no sync connection named \"%.63s\"", name);
		return 404;
	}
	return 0;
}

typedef struct {
	int64_t id;
	char name[64];
} tenant_name;

static int on_tenant(const cw_tenant *t, void *payload)
{
	tenant_name *n = payload;
	if (t->id != n->id)
		return 0;
	snprintf(n->name, sizeof(n->name), "%s", t->name);
	return 1;
}

static cJSON *connection_json(cw_store *store, const cw_sync_connection *c)
{
	tenant_name n = { c->tenant_id, "" };
	(void)cw_store_tenant_list(store, on_tenant, &n);
	return cw_sync_connection_json(c, n.name);
}

static int add_run(const cw_sync_run *r, void *payload)
{
	char *text = cw_sync_run_json(r);
	cJSON *item = text ? cJSON_Parse(text) : NULL;
	cw_free(text);
	return item && cJSON_AddItemToArray(payload, item) ? 0 : CW_ENOMEM;
}

/* ---- a connection from a JSON body -----------------------------------------
 */

typedef struct {
	cw_sync_connection c;
	cw_buf blackouts;
	char *sealed;
} edit;

static int bad(cw_response *res, const char *what)
{
	cw_response_error(res, 422, "invaliddata", "%s", what);
	return 422;
}

/* A string member: *out set when present (JSON null clears it). */
static int member(const char **out, const cJSON *doc, const char *key,
                  cw_response *res)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, key);
	char why[96];
	if (!v)
		return 0;
	if (cJSON_IsNull(v)) {
		*out = NULL;
		return 0;
	}
	if (!cJSON_IsString(v)) {
		snprintf(why, sizeof(why), "\"%s\" must be a string", key);
		return bad(res, why);
	}
	*out = v->valuestring;
	return 0;
}

static int blackouts_from(edit *e, const cJSON *doc, cw_response *res)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "blackouts");
	const cJSON *item;
	if (!list)
		return 0;
	if (!cJSON_IsArray(list) && !cJSON_IsNull(list))
		return bad(res, "\"blackouts\" must be an array of "
		                "\"YYYY-MM-DD..YYYY-MM-DD\" strings");
	cw_buf_clear(&e->blackouts);
	cJSON_ArrayForEach(item, list)
	{
		cw_blackout b;
		if (!cJSON_IsString(item))
			return bad(res, "\"blackouts\" must be an array of "
			                "\"YYYY-MM-DD..YYYY-MM-DD\" strings");
		if (cw_blackout_parse(&b, item->valuestring) < 0)
			return bad(res, cw_error_last());
		cw_buf_printf(&e->blackouts, "%s%s",
		              e->blackouts.len ? "," : "", item->valuestring);
	}
	e->c.blackouts = e->blackouts.len ? cw_buf_cstr(&e->blackouts) : NULL;
	return 0;
}

static int seal(edit *e, cw_request *req, const char *secret)
{
	cw_buf aad = CW_BUF_INIT(256);
	int err;
	cw_buf_printf(&aad, "crosswalk sync %s", e->c.name);
	err = aad.error ? aad.error
	                : cw_secretbox_seal(&e->sealed,
	                                    cw_request_ctx(req)->master_key,
	                                    aad.data, secret, strlen(secret));
	cw_buf_dispose(&aad);
	if (err == 0)
		e->c.secret_sealed = e->sealed;
	return err;
}

/* Overlays the body onto e->c; 0, a status answered, or an error. */
static int from_body(edit *e, const cJSON *doc, cw_request *req,
                     cw_response *res)
{
	static const struct {
		const char *key;
		size_t offset;
	} texts[] = {
		{ "base_url", offsetof(cw_sync_connection, base_url) },
		{ "version", offsetof(cw_sync_connection, version) },
		{ "token_url", offsetof(cw_sync_connection, token_url) },
		{ "scope", offsetof(cw_sync_connection, scope) },
		{ "schedule", offsetof(cw_sync_connection, schedule) },
		{ "full_schedule",
		  offsetof(cw_sync_connection, full_schedule) },
		{ "webhook", offsetof(cw_sync_connection, webhook_url) },
	};
	const char *client_id = NULL, *secret = NULL, *key = NULL,
	           *key_secret = NULL, *old_auth = e->c.auth;
	const cJSON *page = cJSON_GetObjectItemCaseSensitive(doc, "page_size");
	int status;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if ((status = member((const char **)(void *)((char *)&e->c +
		                                             texts[i].offset),
		                     doc, texts[i].key, res)) != 0)
			return status;
	if ((status = member(&client_id, doc, "client_id", res)) != 0 ||
	    (status = member(&secret, doc, "client_secret", res)) != 0 ||
	    (status = member(&key, doc, "oauth1_key", res)) != 0 ||
	    (status = member(&key_secret, doc, "oauth1_secret", res)) != 0 ||
	    (status = blackouts_from(e, doc, res)) != 0)
		return status;
	if (page) {
		if (!cJSON_IsNumber(page) ||
		    page->valuedouble != (long)page->valuedouble)
			return bad(res, "\"page_size\" must be a whole number");
		e->c.page_size = (long)page->valuedouble;
	}
	if (key) {
		e->c.auth = "oauth1";
		e->c.client_id = key;
		e->c.token_url = NULL;
		secret = key_secret;
	} else if (cJSON_GetObjectItemCaseSensitive(doc, "token_url")) {
		e->c.auth = e->c.token_url ? "oauth2" : "none";
		if (!e->c.token_url)
			e->c.client_id = NULL;
	} else if (!old_auth) {
		e->c.auth = "none";
	}
	if (client_id && !key)
		e->c.client_id = client_id;
	if (strcmp(e->c.auth, old_auth ? old_auth : "none") != 0 && !secret)
		e->c.secret_sealed = NULL;
	if (cw_sync_check(&e->c) < 0)
		return bad(res, cw_error_last());
	return secret ? seal(e, req, secret) : 0;
}

static int schedule_next(edit *e, cw_store *store)
{
	char zone[64];
	int err = cw_store_tenant_zone_get(store, e->c.tenant_id, zone);
	return err < 0 ? err
	               : cw_sync_next_firing(&e->c.next_run_ms, e->c.schedule,
	                                     e->c.blackouts, zone,
	                                     cw_time_now_ms());
}

/* ---- the handlers
 * ------------------------------------------------------------ */

static int on_listed(const cw_sync_connection *c, void *payload)
{
	void **pair = payload;
	cJSON *o = connection_json(pair[0], c);
	return o && cJSON_AddItemToArray(pair[1], o) ? 0 : CW_ENOMEM;
}

int cw_api_sync_connections_list(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *asked = cw_request_query(req, "tenant");
	cw_tenant tenant = { 0 };
	cJSON *doc = cJSON_CreateObject(), *list;
	int err = 0;
	if (!doc)
		return CW_ENOMEM;
	if (asked || !cw_request_is_operator(req))
		err = cw_api_target_tenant(&tenant, req, res, asked);
	if (err != 0) {
		cJSON_Delete(doc);
		return err > 0 ? 0 : err;
	}
	list = cJSON_AddArrayToObject(doc, "connections");
	void *pair[2] = { ctx->store, list };
	err = list ? cw_store_sync_list(ctx->store, tenant.id, NULL, on_listed,
	                                pair)
	           : CW_ENOMEM;
	if (err < 0) {
		cJSON_Delete(doc);
		return err;
	}
	return cw_response_json(res, 200, doc);
}

int cw_api_sync_connections_add(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	edit e = { { 0 }, CW_BUF_INIT(CW_BLACKOUT_TEXT_MAX + 64), NULL };
	cJSON *doc = NULL;
	cw_tenant tenant;
	int64_t id = 0;
	int err;
	if (cw_request_json_object(&doc, req, res) < 0) {
		cw_buf_dispose(&e.blackouts);
		return 0; /* answered */
	}
	const char *asked = cw_json_string(doc, "tenant");
	err = cw_api_target_tenant(&tenant, req, res,
	                           asked ? asked
	                                 : cw_request_query(req, "tenant"));
	if (err != 0)
		goto out;
	e.c.tenant_id = tenant.id;
	e.c.name = cw_json_string(doc, "name");
	e.c.page_size = 100;
	if (!e.c.name || !*e.c.name || strlen(e.c.name) > 63 ||
	    strspn(e.c.name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
	                     "WXYZ0123456789._-") != strlen(e.c.name)) {
		err = bad(res, "\"name\": 1 to 63 of a-z A-Z 0-9 . _ -");
		goto out;
	}
	if ((err = from_body(&e, doc, req, res)) != 0 ||
	    (err = schedule_next(&e, ctx->store)) < 0)
		goto out;
	err = cw_store_sync_add(ctx->store, &e.c, &id);
	if (err == CW_EEXISTS) {
		err = cw_response_error(res, 409, "invaliddata",
		                        "a sync connection named \"%s\" exists",
		                        e.c.name);
		goto out;
	}
	if (err == 0) {
		char location[128];
		snprintf(location, sizeof(location),
		         "/admin/v1/sync/connections/%s", e.c.name);
		cw_response_header(res, "Location", location);
		err = cw_response_json(res, 201,
		                       connection_json(ctx->store, &e.c));
	}
out:
	cJSON_Delete(doc);
	cw_free(e.sealed);
	cw_buf_dispose(&e.blackouts);
	return err > 0 ? 0 : err;
}

int cw_api_sync_connection_show(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	found f;
	cJSON *doc = NULL, *runs;
	int err = find(&f, req, res);
	if (err != 0)
		return err > 0 ? 0 : err;
	doc = connection_json(ctx->store, &f.c);
	runs = doc ? cJSON_AddArrayToObject(doc, "runs") : NULL;
	err = runs ? cw_store_sync_run_list(ctx->store, f.c.id, 0, RUNS_SHOWN,
	                                    add_run, runs)
	           : CW_ENOMEM;
	release(&f);
	if (err < 0) {
		cJSON_Delete(doc);
		return err;
	}
	return cw_response_json(res, 200, doc);
}

int cw_api_sync_connection_update(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	edit e = { { 0 }, CW_BUF_INIT(CW_BLACKOUT_TEXT_MAX + 64), NULL };
	cJSON *doc = NULL;
	found f;
	int err = find(&f, req, res);
	if (err != 0) {
		cw_buf_dispose(&e.blackouts);
		return err > 0 ? 0 : err;
	}
	if (cw_request_json_object(&doc, req, res) < 0) {
		err = 0; /* answered */
		goto out;
	}
	if (cJSON_GetObjectItemCaseSensitive(doc, "name") ||
	    cJSON_GetObjectItemCaseSensitive(doc, "tenant")) {
		err = bad(res, "a connection's name and tenant do not change");
		goto out;
	}
	e.c = f.c;
	if ((err = from_body(&e, doc, req, res)) != 0 ||
	    (err = schedule_next(&e, ctx->store)) < 0 ||
	    (err = cw_store_sync_update(ctx->store, &e.c)) < 0)
		goto out;
	err = cw_response_json(res, 200, connection_json(ctx->store, &e.c));
out:
	cJSON_Delete(doc);
	cw_free(e.sealed);
	cw_buf_dispose(&e.blackouts);
	release(&f);
	return err > 0 ? 0 : err;
}

int cw_api_sync_connection_delete(cw_request *req, cw_response *res)
{
	found f;
	int err = find(&f, req, res);
	if (err != 0)
		return err > 0 ? 0 : err;
	err = cw_sync_delete(cw_request_ctx(req)->store, f.c.id);
	release(&f);
	if (err == CW_EBUSY)
		return cw_response_error(res, 409, "invaliddata", "%s",
		                         cw_error_last());
	if (err < 0)
		return err;
	return cw_response_text(res, 204, "application/json", "", 0);
}

/* 202 with where to look, 409 while a run runs, 503 when jobs are full. */
static int started(cw_request *req, cw_response *res, const found *f, int err,
                   int64_t run_id)
{
	char location[160];
	if (err == CW_EBUSY)
		return cw_response_error(res, 409, "invaliddata", "%s",
		                         cw_error_last());
	if (err == CW_EINVAL || err == CW_ENOTFOUND)
		return cw_response_error(res, err == CW_EINVAL ? 409 : 404,
		                         "invaliddata", "%s", cw_error_last());
	(void)req;
	snprintf(location, sizeof(location),
	         "/admin/v1/sync/connections/%s/runs/%lld", f->c.name,
	         (long long)run_id);
	return cw_api_accepted(res, err, "run_id", run_id, location);
}

static int query_true(cw_request *req, const char *key)
{
	const char *v = cw_request_query(req, key);
	return v && strcmp(v, "true") == 0;
}

int cw_api_sync_connection_run(cw_request *req, cw_response *res)
{
	int64_t run_id = 0;
	found f;
	int err = find(&f, req, res);
	if (err != 0)
		return err > 0 ? 0 : err;
	err = cw_sync_start(cw_request_ctx(req), f.c.tenant_id, f.c.name, "api",
	                    query_true(req, "full"), 0, &run_id);
	err = started(req, res, &f, err, run_id);
	release(&f);
	return err > 0 ? 0 : err;
}

static int64_t run_param(cw_request *req)
{
	const char *text = cw_request_param(req, "id");
	char *end = NULL;
	long long id = text ? strtoll(text, &end, 10) : 0;
	return text && *text && !*end && id > 0 ? id : 0;
}

int cw_api_sync_runs_list(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *limit_text = cw_request_query(req, "limit");
	char *end = NULL;
	long limit = limit_text ? strtol(limit_text, &end, 10) : RUNS_SHOWN;
	cJSON *doc, *runs;
	found f;
	int err;
	if (limit_text && (*end || limit < 1 || limit > 1000))
		return cw_response_error(res, 400, "invalid_data",
		                         "limit is 1 to 1000");
	if ((err = find(&f, req, res)) != 0)
		return err > 0 ? 0 : err;
	doc = cJSON_CreateObject();
	runs = doc ? cJSON_AddArrayToObject(doc, "runs") : NULL;
	err = runs ? cw_store_sync_run_list(ctx->store, f.c.id, 0, (int)limit,
	                                    add_run, runs)
	           : CW_ENOMEM;
	release(&f);
	if (err < 0) {
		cJSON_Delete(doc);
		return err;
	}
	return cw_response_json(res, 200, doc);
}

int cw_api_sync_run_show(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	int64_t id = run_param(req);
	cJSON *list = NULL;
	found f;
	int err = find(&f, req, res);
	if (err != 0)
		return err > 0 ? 0 : err;
	list = cJSON_CreateArray();
	err = !list ? CW_ENOMEM
	      : id  ? cw_store_sync_run_list(ctx->store, f.c.id, id, 1, add_run,
	                                     list)
	            : CW_ENOTFOUND;
	release(&f);
	if (err == CW_ENOTFOUND) {
		cJSON_Delete(list);
		return cw_response_error(res, 404, "unknownobject",
		                         "no such run of this connection");
	}
	if (err < 0) {
		cJSON_Delete(list);
		return err;
	}
	cJSON *one = cJSON_DetachItemFromArray(list, 0);
	cJSON_Delete(list);
	return one ? cw_response_json(res, 200, one) : CW_ENOMEM;
}

int cw_api_sync_run_approve(cw_request *req, cw_response *res)
{
	int64_t id = run_param(req), run_id = 0;
	found f;
	int err = find(&f, req, res);
	if (err != 0)
		return err > 0 ? 0 : err;
	err = id ? cw_sync_start(cw_request_ctx(req), f.c.tenant_id, f.c.name,
	                         "approval", 0, id, &run_id)
	         : (cw_error_set("no such run of this connection"),
	            CW_ENOTFOUND);
	err = started(req, res, &f, err, run_id);
	release(&f);
	return err > 0 ? 0 : err;
}
