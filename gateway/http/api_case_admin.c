/* CASE imports through the daemon: POST /admin/v1/case/imports with the
 * CFPackage as the body (streamed to disk, capped by max_upload_bytes), or
 * ?url= for the gateway to fetch it. The import runs in the request: 201
 * with what changed, 200 when nothing did, 422 with the problems at their
 * JSON pointers, 409 when an identifier is another document's. */
#include "http/api.h"

#include "engine/case_import.h"
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
	cw_buf body = CW_BUF_INIT(CW_LIMIT_CASE_PACKAGE);
	cw_fetch_options o = { CW_LIMIT_CASE_PACKAGE, CW_LIMIT_FETCH_TIMEOUT,
		               NULL, "application/json" };
	long status;
	int err;

	if (!url)
		return cw_file_read(text, len, cw_request_upload(req),
		                    CW_LIMIT_CASE_PACKAGE);
	err = cw_net_fetch(&body, &status, url, &o);
	if (err == 0 && !(*text = malloc(body.len + 1)))
		err = CW_ENOMEM;
	if (err == 0) {
		memcpy(*text, body.data ? body.data : "", body.len);
		(*text)[body.len] = '\0';
		*len = body.len;
	}
	cw_buf_dispose(&body);
	return err;
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
	free(text);
	cJSON_Delete(s.list);
	return err > 0 ? 0 : err;
}
