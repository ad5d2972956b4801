/* CASE imports through the daemon: POST /admin/v1/case/imports with the
 * CFPackage as the body (streamed to disk, capped by max_upload_bytes), or
 * ?url= for the gateway to fetch it. The import runs in the request: 201
 * with what changed, 200 when nothing did, 422 with the problems at their
 * JSON pointers, 409 when an identifier is another document's. */
#include "http/api.h"

#include "engine/case_import.h"
#include "engine/case_mirror.h"
#include "util/json.h"
#include "util/timeutil.h"
#include "http/server.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/limits.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SHOWN 200 /* diagnostics in an answer */

typedef struct {
	cJSON *list;
	int hidden;
} shown;

static void on_diag(const cw_case_diag *d, void *payload)
{
	shown *s = payload;
	cJSON *item;

	if (cJSON_GetArraySize(s->list) >= SHOWN) {
		s->hidden++;
		return;
	}
	if (!(item = cJSON_CreateObject()))
		return;
	cJSON_AddStringToObject(item, "pointer", d->pointer);
	cJSON_AddStringToObject(item, "severity",
	                        d->severity == CW_CASE_ERROR ? "error"
	                                                     : "warning");
	cJSON_AddStringToObject(item, "code", d->code);
	cJSON_AddStringToObject(item, "message", d->message);
	cJSON_AddItemToArray(s->list, item);
}

/* The package text: the uploaded body, or the URL's. */
static int load(char **text, size_t *len, cw_request *req, const char *url)
{
	cw_fetch_options o = {
		CW_LIMIT_CASE_PACKAGE, CW_LIMIT_FETCH_TIMEOUT, NULL,
		"application/json",
		!cw_request_ctx(req)->config->fetch_private_addresses
	};

	if (!url)
		return cw_file_read(text, len, cw_request_upload(req),
		                    CW_LIMIT_CASE_PACKAGE);
	return cw_net_fetch_text(text, len, url, &o);
}

static int answer(cw_response *res, int err, const cw_case_import_result *r,
                  shown *s)
{
	cJSON *doc = cw_case_import_result_json(r);

	if (!doc)
		return CW_ENOMEM;
	cJSON_AddItemToObject(doc, "diagnostics", s->list);
	s->list = NULL;
	cJSON_AddBoolToObject(doc, "diagnostics_truncated", s->hidden > 0);
	if (err == CW_EINVAL) {
		cJSON_AddStringToObject(doc, "imsx_codeMajor", "failure");
		cJSON_AddStringToObject(doc, "imsx_severity", "error");
		cJSON_AddStringToObject(doc, "imsx_description",
		                        "the package has errors: nothing "
		                        "stored");
		return cw_response_json(res, 422, doc);
	}
	return cw_response_json(res, r->changed ? 201 : 200, doc);
}

int cw_api_case_import(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *url = cw_request_query(req, "url");
	shown s = { cJSON_CreateArray(), 0 };
	cw_case_import_options o = { url ? url : "upload",
		                     cw_request_auth(req)->client_id,
		                     NULL,
		                     on_diag,
		                     &s,
		                     0 };
	cw_case_import_result r;
	cw_tenant tenant;
	char *text = NULL;
	size_t len = 0;
	int err = s.list ? cw_api_target_tenant(&tenant, req, res,
	                                        cw_request_query(req, "tenant"))
	                 : CW_ENOMEM;

	if (err != 0)
		goto out;
	o.tenant = tenant.name;
	err = load(&text, &len, req, url);
	if (err == CW_EINVAL || err == CW_EIO || err == CW_ETOOBIG) {
		err = cw_response_error(res, err == CW_ETOOBIG ? 413 : 422,
		                        "invaliddata", "%s", cw_error_last());
		goto out;
	}
	if (err == 0)
		err = cw_case_import_buffer(&r, ctx->store, tenant.id, text,
		                            len, &o);
	if (err == CW_EEXISTS)
		err = cw_response_error(res, 409, "invaliddata",
		                        "%s: nothing stored", cw_error_last());
	else if (err == 0 || err == CW_EINVAL)
		err = answer(res, err, &r, &s);
out:
	cw_free(text);
	cJSON_Delete(s.list);
	return err > 0 ? 0 : err;
}

/* ---- mirrors ------------------------------------------------------------- */

static cJSON *mirror_json(const cw_case_mirror *m)
{
	cJSON *o = cJSON_CreateObject();
	char when[CW_TIME_ISO_LEN];

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)m->id);
	cJSON_AddStringToObject(o, "url", m->base_url);
	cJSON_AddNumberToObject(o, "every_s", (double)m->every_s);
	if (m->token_url)
		cJSON_AddStringToObject(o, "token_url", m->token_url);
	if (m->client_id)
		cJSON_AddStringToObject(o, "client_id", m->client_id);
	cw_time_format_iso(m->next_run_ms, when);
	cJSON_AddStringToObject(o, "next_run", when);
	if (m->last_run_ms) {
		cw_time_format_iso(m->last_run_ms, when);
		cJSON_AddStringToObject(o, "last_run", when);
	}
	if (m->last_report)
		cJSON_AddItemToObject(o, "last_report",
		                      cJSON_Parse(m->last_report));
	return o;
}

static int add_listed(const cw_case_mirror *m, void *payload)
{
	cJSON *o = mirror_json(m);

	if (!o)
		return CW_ENOMEM;
	cJSON_AddItemToArray(payload, o);
	return 0;
}

int cw_api_case_mirrors_list(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	cw_tenant tenant;
	cJSON *doc = cJSON_CreateObject(), *list;
	int err = doc ? cw_api_target_tenant(&tenant, req, res,
	                                     cw_request_query(req, "tenant"))
	              : CW_ENOMEM;

	if (err != 0) {
		cJSON_Delete(doc);
		return err > 0 ? 0 : err;
	}
	list = cJSON_AddArrayToObject(doc, "mirrors");
	err = cw_store_case_mirror_list(ctx->store, tenant.id, 0, add_listed,
	                                list);
	if (err < 0) {
		cJSON_Delete(doc);
		return err;
	}
	return cw_response_json(res, 200, doc);
}

int cw_api_case_mirrors_add(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	cJSON *doc = NULL, *answer;
	cw_tenant tenant;
	cw_case_mirror_options o = { 0 };
	long every;
	int64_t id = 0;
	int err;

	if ((err = cw_request_json_object(&doc, req, res)) < 0)
		return 0; /* answered */
	err = cw_api_target_tenant(&tenant, req, res,
	                           cw_request_query(req, "tenant"));
	if (err != 0) {
		cJSON_Delete(doc);
		return err > 0 ? 0 : err;
	}
	o.base_url = cw_json_string(doc, "url");
	o.token_url = cw_json_string(doc, "token_url");
	o.client_id = cw_json_string(doc, "client_id");
	o.client_secret = cw_json_string(doc, "client_secret");
	o.scope = cw_json_string(doc, "scope");
	every = cw_case_mirror_parse_every(cw_json_string(doc, "every"));
	if (!o.base_url ||
	    (strncasecmp(o.base_url, "http://", 7) != 0 &&
	     strncasecmp(o.base_url, "https://", 8) != 0) ||
	    every < 0 || (o.token_url && (!o.client_id || !o.client_secret))) {
		cJSON_Delete(doc);
		return cw_response_error(
		        res, 422, "invaliddata",
		        "expected {\"url\": \"http(s)://…/ims/case/v1p1\", "
		        "\"every\": \"6h\", and for OAuth 2.0 \"token_url\", "
		        "\"client_id\", \"client_secret\", \"scope\"}");
	}
	err = cw_case_mirror_schedule(ctx->store, ctx->master_key, tenant.id,
	                              &o, every, &id);
	cJSON_Delete(doc);
	if (err < 0)
		return err;
	answer = cJSON_CreateObject();
	cJSON_AddNumberToObject(answer, "id", (double)id);
	cJSON_AddStringToObject(answer, "state",
	                        "scheduled: the first run starts within "
	                        "seconds");
	return cw_response_json(res, 201, answer);
}

typedef struct {
	int64_t id;
	cw_case_mirror found;
	char *strings[5];
	int have;
} finding;

static int find_mirror(const cw_case_mirror *m, void *payload)
{
	finding *f = payload;

	if (m->id != f->id || f->have)
		return 0;
	f->found = *m;
	f->found.base_url = f->strings[0] = cw_strdup(m->base_url);
	f->found.token_url = f->strings[1] =
	        m->token_url ? cw_strdup(m->token_url) : NULL;
	f->found.client_id = f->strings[2] =
	        m->client_id ? cw_strdup(m->client_id) : NULL;
	f->found.secret_sealed = f->strings[3] =
	        m->secret_sealed ? cw_strdup(m->secret_sealed) : NULL;
	f->found.scope = f->strings[4] = m->scope ? cw_strdup(m->scope) : NULL;
	f->found.last_report = NULL;
	f->have = 1;
	return 0;
}

/* The mirror {id} of the caller's tenant: 0, or answered (404). */
static int mirror_of(finding *f, cw_request *req, cw_response *res)
{
	const char *text = cw_request_param(req, "id");
	char *end = NULL;
	int err;

	memset(f, 0, sizeof(*f));
	f->id = strtoll(text, &end, 10);
	if (*text && !*end && f->id > 0) {
		err = cw_store_case_mirror_list(cw_request_ctx(req)->store,
		                                cw_request_auth(req)->tenant_id,
		                                0, find_mirror, f);
		if (err < 0)
			return err;
	}
	if (!f->have) {
		cw_response_error(res, 404, "unknownobject", "no mirror %.20s",
		                  text);
		return 404;
	}
	return 0;
}

int cw_api_case_mirror_run(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	cw_case_mirror_report r;
	finding f;
	int err = mirror_of(&f, req, res);

	if (err == 0) {
		err = cw_case_mirror_run_stored(
		        &r, ctx->store, ctx->master_key, &f.found,
		        &ctx->stopping, !ctx->config->fetch_private_addresses);
		if (err == 0 || err == CW_EIO || err == CW_EAUTH ||
		    err == CW_EINVAL)
			err = cw_response_json(res, err == 0 ? 200 : 502,
			                       cw_case_mirror_report_json(&r));
		cw_case_mirror_report_dispose(&r);
	}
	for (int i = 0; i < 5; i++)
		cw_free(f.strings[i]);
	return err > 0 ? 0 : err;
}

int cw_api_case_mirror_delete(cw_request *req, cw_response *res)
{
	finding f;
	int err = mirror_of(&f, req, res);

	if (err == 0) {
		err = cw_store_case_mirror_delete(
		        cw_request_ctx(req)->store,
		        cw_request_auth(req)->tenant_id, f.id);
		if (err == 0)
			err = cw_response_text(res, 204, "application/json", "",
			                       0);
	}
	for (int i = 0; i < 5; i++)
		cw_free(f.strings[i]);
	return err > 0 ? 0 : err;
}
