/* The admin API of Open Badges issuing: issuers, achievements, credentials
 * and revocation, for the caller's tenant (or, for the operator, the one
 * `?tenant=` names); the same engine calls as the CLI. */
#include "http/api.h"
#include "http/server.h"

#include "engine/badges.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

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
		                              : 0 };
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

int cw_api_badge_credentials_issue(cw_request *req, cw_response *res)
{
	call c;
	cw_badge_issued issued = { 0 };
	int err = begin(&c, req, res, 1);
	if (err != 0) {
		end(&c);
		return err > 0 ? 0 : err;
	}
	cw_badge_request r = {
		cw_json_string(c.body, "achievement"),
		cw_json_string(c.body, "recipient"),
		cw_json_string(c.body, "issuer"),
		cw_json_string(c.body, "format"),
		cJSON_GetObjectItemCaseSensitive(c.body, "results"),
		cJSON_GetObjectItemCaseSensitive(c.body, "evidence"),
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
		cJSON *cred = strcmp(issued.format, "jwt") == 0
		                      ? cJSON_CreateString(issued.credential)
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
