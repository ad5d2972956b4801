/* The admin API of Open Badges issuing: issuers (and key rotation),
 * achievements, credentials one at a time or in batches, revocation and
 * status lists, for the caller's tenant (or, for the operator, the one
 * `?tenant=` names); the same engine calls as the CLI. */
#include "http/api.h"
#include "http/server.h"

#include "engine/badge_jobs.h"
#include "engine/badges.h"
#include "http/imsx.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	cw_tenant tenant;
	cw_buf base;
	cw_badges badges;
	cJSON *body; /* the request's JSON object, or NULL */
} call;

/* The tenant, the engine context and (want_body) the JSON body; 0, or
 * non-zero when the request is answered already. */
static int begin(call *c, cw_request *req, cw_response *res, int want_body)
{
	cw_ctx *ctx = cw_request_ctx(req);
	int err;
	memset(c, 0, sizeof(*c));
	c->base = (cw_buf)CW_BUF_INIT(4096);
	if (want_body && cw_request_json_object(&c->body, req, res) < 0)
		return 1;
	err = cw_api_target_tenant(&c->tenant, req, res,
	                           cw_request_query(req, "tenant"));
	if (err != 0)
		return err;
	if (ctx->config->public_base_url && *ctx->config->public_base_url)
		cw_buf_puts(&c->base, ctx->config->public_base_url);
	else
		cw_buf_printf(&c->base, "http://%s", ctx->config->listen);
	c->badges = (cw_badges){ ctx->store, ctx->master_key,
		                 cw_buf_cstr(&c->base), ctx->contexts };
	return c->base.error;
}

static void end(call *c)
{
	cJSON_Delete(c->body);
	cw_buf_dispose(&c->base);
}

/* The answer of an engine call: its document, or the error as imsx. */
static int answer(cw_response *res, int err, int status, cJSON *doc)
{
	if (err == CW_ENOTFOUND)
		return cw_response_error(res, 404, "unknownobject", "%s",
		                         cw_error_last());
	if (err == CW_EINVAL || err == CW_EEXISTS)
		return cw_response_error(res, 422, "invaliddata", "%s",
		                         cw_error_last());
	if (err < 0)
		return err;
	return cw_response_json(res, status, doc);
}

int cw_api_badge_issuers_add(cw_request *req, cw_response *res)
{
	call c;
	cJSON *out = NULL;
	int err = begin(&c, req, res, 1);
	if (err != 0) {
		end(&c);
		return err > 0 ? 0 : err;
	}
	const char *jwt = cw_json_string(c.body, "jwt_key");
	cw_badge_issuer_spec spec = { cw_json_string(c.body, "name"),
		                      cw_json_string(c.body, "url"),
		                      cw_json_string(c.body, "email"),
		                      cw_json_string(c.body, "description"),
		                      cw_json_string(c.body, "image"),
		                      jwt && strcmp(jwt, "rsa") == 0
		                              ? CW_KEY_RSA
		                      : jwt && strcmp(jwt, "p256") == 0
		                              ? CW_KEY_P256
		                              : 0,
		                      cw_json_string(c.body, "id_kind") };
	if (jwt && !spec.jwt_key_type) {
		end(&c);
		return cw_response_error(res, 422, "invaliddata",
		                         "jwt_key is \"rsa\" or \"p256\"");
	}
	err = cw_badges_issuer_create(&out, &c.badges, c.tenant.name, &spec);
	end(&c);
	return answer(res, err, 201, out);
}

int cw_api_badge_issuers_list(cw_request *req, cw_response *res)
{
	call c;
	cJSON *out = NULL;
	int err = begin(&c, req, res, 0);
	if (err != 0) {
		end(&c);
		return err > 0 ? 0 : err;
	}
	err = cw_badges_issuer_list(&out, &c.badges, c.tenant.name);
	end(&c);
	return answer(res, err, 200, out);
}

int cw_api_badge_achievements_add(cw_request *req, cw_response *res)
{
	call c;
	cJSON *out = NULL;
	int err = begin(&c, req, res, 1);
	if (err != 0) {
		end(&c);
		return err > 0 ? 0 : err;
	}
	err = cw_badges_achievement_add(&out, &c.badges, c.tenant.name,
	                                cw_request_param(req, "id"), c.body);
	end(&c);
	return answer(res, err, 201, out);
}

/* The engine's format from {"format"} (OB 3.0 di | jwt) or {"version": 2,
 * "verification": hosted | signed}. */
static int format_of(const char **out, const cJSON *body)
{
	const cJSON *version =
	        cJSON_GetObjectItemCaseSensitive(body, "version");
	const char *verification = cw_json_string(body, "verification");
	int v = cJSON_IsNumber(version) ? version->valueint : 3;

	*out = cw_json_string(body, "format");
	if (version && (!cJSON_IsNumber(version) || (v != 2 && v != 3))) {
		cw_error_set("version is 3 or 2");
		return CW_EINVAL;
	}
	if (v == 3) {
		if (!verification)
			return 0;
		cw_error_set("verification (hosted | signed) is for version 2");
		return CW_EINVAL;
	}
	if (*out) {
		cw_error_set("format (di | jwt) is for version 3");
		return CW_EINVAL;
	}
	if (!verification || strcmp(verification, "hosted") == 0)
		*out = "ob2-hosted";
	else if (strcmp(verification, "signed") == 0)
		*out = "ob2-signed";
	else {
		cw_error_set("verification is hosted or signed");
		return CW_EINVAL;
	}
	return 0;
}

int cw_api_badge_credentials_issue(cw_request *req, cw_response *res)
{
	call c;
	cw_badge_issued issued = { 0 };
	int err = begin(&c, req, res, 1);
	if (err != 0) {
		end(&c);
		return err > 0 ? 0 : err;
	}
	const char *format = NULL;
	if (format_of(&format, c.body) < 0) {
		end(&c);
		return cw_response_error(res, 422, "invaliddata", "%s",
		                         cw_error_last());
	}
	cw_badge_request r = {
		cw_json_string(c.body, "achievement"),
		cw_json_string(c.body, "recipient"),
		cw_json_string(c.body, "issuer"),
		format,
		cJSON_GetObjectItemCaseSensitive(c.body, "results"),
		cJSON_GetObjectItemCaseSensitive(c.body, "evidence"),
		NULL,
		NULL
	};
	if (!r.achievement || !r.recipient) {
		end(&c);
		return cw_response_error(res, 422, "invaliddata",
		                         "expected {\"achievement\": ID, "
		                         "\"recipient\": EMAIL|SOURCEDID|DID}");
	}
	err = cw_badges_issue(&issued, &c.badges, c.tenant.name, &r);
	end(&c);
	cJSON *doc = NULL;
	if (err == 0 && (doc = cJSON_CreateObject())) {
		cJSON_AddStringToObject(doc, "id", issued.id);
		cJSON_AddStringToObject(doc, "format", issued.format);
		int text = strcmp(issued.format, "jwt") == 0 ||
		           strcmp(issued.format, "ob2-signed") == 0;
		cJSON *cred = text ? cJSON_CreateString(issued.credential)
		                   : cJSON_Parse(issued.credential);
		cJSON_AddItemToObject(doc, "credential", cred);
	}
	cw_badge_issued_dispose(&issued);
	return answer(res, err == 0 && !doc ? CW_ENOMEM : err, 201, doc);
}

int cw_api_badge_credential_revoke(cw_request *req, cw_response *res)
{
	call c;
	int err = begin(&c, req, res, 1);
	if (err != 0) {
		end(&c);
		return err > 0 ? 0 : err;
	}
	const char *reason = cw_json_string(c.body, "reason");
	err = reason ? cw_badges_revoke(&c.badges, c.tenant.name,
	                                cw_request_param(req, "id"), reason)
	             : (cw_error_set("expected {\"reason\": TEXT}"), CW_EINVAL);
	end(&c);
	cJSON *doc = err == 0 ? cJSON_CreateObject() : NULL;
	if (doc)
		cJSON_AddStringToObject(doc, "revoked", "true");
	return answer(res, err, 200, doc);
}

int cw_api_badge_issuer_rotate(cw_request *req, cw_response *res)
{
	call c;
	cJSON *out = NULL;
	cw_key_type type = CW_KEY_ED25519;
	int err = begin(&c, req, res, 1);
	if (err != 0) {
		end(&c);
		return err > 0 ? 0 : err;
	}
	const char *name = cw_json_string(c.body, "type");
	if ((name && cw_key_type_parse(&type, name) < 0) ||
	    (cJSON_GetObjectItemCaseSensitive(c.body, "type") && !name)) {
		end(&c);
		return cw_response_error(res, 422, "invaliddata",
		                         "type is \"ed25519\", \"rsa\" or "
		                         "\"p256\"");
	}
	err = cw_badges_issuer_rotate(&out, &c.badges, c.tenant.name,
	                              cw_request_param(req, "id"), type);
	end(&c);
	return answer(res, err, 200, out);
}

/* Batch rows by index: the engine reports each bad row by its line, and
 * the rows go to it one a line from line 2. */
/* ?async=true: the batch is stored and issued as a job of the queue (any
 * node); 202 with the job to poll. */
static int batch_async(cw_request *req, cw_response *res, call *c, cJSON *rows,
                       const char *format)
{
	char location[96];
	int64_t id = 0;
	int err = cw_badge_batch_submit(cw_request_ctx(req), &c->tenant, rows,
	                                format, &id);

	snprintf(location, sizeof(location), "/admin/v1/jobs/%lld",
	         (long long)id);
	return cw_api_accepted(res, err, "job_id", id, location);
}

int cw_api_badge_credentials_batch(cw_request *req, cw_response *res)
{
	const char *async = cw_request_query(req, "async");
	call c;
	cJSON *answer_doc = NULL, *errors = NULL;
	const char *format = NULL;
	int err = begin(&c, req, res, 1);
	if (err != 0) {
		end(&c);
		return err > 0 ? 0 : err;
	}
	cJSON *rows = cJSON_GetObjectItemCaseSensitive(c.body, "credentials");
	if (!cJSON_IsArray(rows) || format_of(&format, c.body) < 0) {
		if (!cJSON_IsArray(rows))
			cw_error_set(
			        "expected {\"credentials\": [{\"achievement"
			        "\", \"recipient\", …}, …]}");
		err = CW_EINVAL;
	} else if (async && strcmp(async, "true") == 0) {
		err = batch_async(req, res, &c, rows, format);
		end(&c);
		return err > 0 ? 0 : err;
	} else {
		err = cw_badge_batch_issue(&answer_doc, &errors, &c.badges,
		                           c.tenant.name, rows, format);
	}
	end(&c);
	if (err == CW_EINVAL && errors) {
		cJSON *doc = cw_imsx_status("failure", "error", "invaliddata",
		                            cw_error_last());
		if (doc)
			cJSON_AddItemToObject(doc, "errors", errors);
		else
			cJSON_Delete(errors);
		return cw_response_json(res, 422, doc);
	}
	return answer(res, err, 201, answer_doc);
}

int cw_api_badge_status_list_admin(cw_request *req, cw_response *res)
{
	call c;
	cJSON *doc = NULL, *status = NULL, *list = NULL;
	int err = begin(&c, req, res, 0);
	if (err != 0) {
		end(&c);
		return err > 0 ? 0 : err;
	}
	const char *issuer = cw_request_param(req, "id");
	const char *number = cw_request_query(req, "list");
	int64_t n = number && strcmp(number, "0") != 0
	                    ? cw_badges_status_list_number(number)
	                    : 0;
	if (n < 0) {
		end(&c);
		return cw_response_error(res, 400, "invaliddata",
		                         "list: expected a number from 0 to %d",
		                         CW_BADGE_STATUS_LISTS_MAX - 1);
	}
	if ((err = cw_badges_status_list_n(&status, &c.badges, c.tenant.name,
	                                   issuer, n)) == 0 &&
	    (err = cw_badges_revocation_list(&list, &c.badges, c.tenant.name,
	                                     issuer)) == 0 &&
	    (doc = cJSON_CreateObject())) {
		cJSON_AddItemToObject(doc, "statusListCredential", status);
		cJSON_AddItemToObject(doc, "revocationList", list);
		status = list = NULL;
	}
	end(&c);
	cJSON_Delete(status);
	cJSON_Delete(list);
	return answer(res, err == 0 && !doc ? CW_ENOMEM : err, 200, doc);
}
