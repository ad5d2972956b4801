/* POST /oauth/token: OAuth 2.0 client credentials (RFC 6749 §4.4) with
 * client_secret_basic or client_secret_post. Errors carry both the RFC 6749
 * fields and imsx_StatusInfo, so either kind of client can read them. */
#include "http/api.h"

#include "engine/credentials.h"
#include "http/form.h"
#include "http/imsx.h"
#include "http/server.h"
#include "util/alloc.h"
#include "util/timeutil.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/limits.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int oauth_error(cw_response *res, int status, const char *error,
                       const char *description)
{
	cJSON *doc =
	        cw_imsx_status("failure", "error",
	                       cw_imsx_minor_for_status(status), description);

	if (!doc || !cJSON_AddStringToObject(doc, "error", error) ||
	    !cJSON_AddStringToObject(doc, "error_description", description)) {
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	if (status == 401)
		cw_response_header(res, "WWW-Authenticate",
		                   "Basic realm=\"crosswalk\"");
	cw_response_header(res, "Pragma", "no-cache");
	return cw_response_json(res, status, doc);
}

int cw_api_auth_wait(cw_request *req, cw_failgate_attempt *attempt,
                     const char *kind, const char *who)
{
	int wait = 0;
	int err = cw_failgate_check(cw_request_ctx(req)->auth_failures, attempt,
	                            kind, who, cw_time_now_ms(), &wait);

	return err < 0 ? err : wait;
}

int cw_api_auth_outcome(cw_request *req, const cw_failgate_attempt *attempt,
                        int failed)
{
	return cw_failgate_outcome(cw_request_ctx(req)->auth_failures, attempt,
	                           failed, cw_time_now_ms());
}

int cw_api_auth_throttle(cw_response *res, int wait_s)
{
	char after[24], why[160];

	snprintf(after, sizeof(after), "%d", wait_s);
	snprintf(why, sizeof(why),
	         "too many failed attempts: try again in %d s", wait_s);
	cw_response_header(res, "Retry-After", after);
	return oauth_error(res, 429, "invalid_client", why);
}

typedef struct {
	char *id;
	char *secret;
	int basic;
} client_credentials;

/* Basic credentials are form-encoded before base64 (RFC 6749 §2.3.1). */
static int parse_basic(client_credentials *out, const char *header)
{
	unsigned char *decoded = NULL;
	const char *colon;
	size_t len = 0;
	int err;

	while (*header == ' ')
		header++;
	err = cw_base64_decode(&decoded, &len, header, strlen(header));
	if (err < 0)
		return err;
	colon = memchr(decoded, ':', len);
	if (!colon || strlen((char *)decoded) != len) {
		cw_free(decoded);
		return CW_EINVAL;
	}
	err = cw_form_decode(&out->id, (char *)decoded,
	                     (size_t)(colon - (char *)decoded));
	if (err == 0)
		err = cw_form_decode(
		        &out->secret, colon + 1,
		        len - (size_t)(colon + 1 - (char *)decoded));
	cw_free(decoded);
	out->basic = 1;
	return err;
}

int cw_api_oauth_basic(char **id, char **secret, const char *header)
{
	client_credentials c = { 0 };
	int err = parse_basic(&c, header);

	if (err < 0) {
		cw_free(c.id);
		if (c.secret) {
			memset(c.secret, 0, strlen(c.secret));
			cw_free(c.secret);
		}
		c.id = c.secret = NULL;
	}
	*id = c.id;
	*secret = c.secret;
	return err;
}

static int read_credentials(client_credentials *out, cw_request *req,
                            const cw_form *form, const char **problem)
{
	const char *header = cw_request_header(req, "Authorization");
	const char *id = cw_form_get(form, "client_id");
	const char *secret = cw_form_get(form, "client_secret");

	if (header && strlen(header) > CW_LIMIT_AUTH_HEADER) {
		*problem = "Authorization header too long";
		return CW_EINVAL;
	}
	if (header && strncasecmp(header, "Basic ", 6) == 0) {
		if (secret) {
			*problem = "use one client authentication method, "
			           "not Basic and client_secret together";
			return CW_EINVAL;
		}
		if (parse_basic(out, header + 6) < 0) {
			*problem = "malformed Basic credentials";
			return CW_EAUTH;
		}
		if (id && strcmp(id, out->id) != 0) {
			*problem =
			        "client_id differs from the Basic credentials";
			return CW_EINVAL;
		}
		return 0;
	}
	if (!id || !secret) {
		*problem = "client authentication is required "
		           "(client_secret_basic or client_secret_post)";
		return CW_EAUTH;
	}
	out->id = cw_strdup(id);
	out->secret = cw_strdup(secret);
	return out->id && out->secret ? 0 : CW_ENOMEM;
}

static int token_response(cw_response *res, const cw_issued_token *token)
{
	cJSON *doc = cJSON_CreateObject();

	if (!doc ||
	    !cJSON_AddStringToObject(doc, "access_token",
	                             token->access_token) ||
	    !cJSON_AddStringToObject(doc, "token_type", "bearer") ||
	    !cJSON_AddNumberToObject(doc, "expires_in",
	                             (double)token->expires_in) ||
	    !cJSON_AddStringToObject(doc, "scope", token->scopes)) {
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	cw_response_header(res, "Pragma", "no-cache");
	return cw_response_json(res, 200, doc);
}

static int issue(cw_request *req, cw_response *res, const cw_form *form,
                 const client_credentials *creds)
{
	cw_ctx *ctx = cw_request_ctx(req);
	cw_failgate_attempt attempt;
	cw_issued_token token = { 0 };
	cw_client client = { 0 };
	int err, counted;

	int wait = cw_api_auth_wait(req, &attempt, "client", creds->id);
	if (wait != 0)
		return wait > 0 ? cw_api_auth_throttle(res, wait) : wait;
	err = cw_credentials_client_check(&client, ctx->store, creds->id,
	                                  creds->secret);
	if ((err == 0 || err == CW_EAUTH) &&
	    (counted = cw_api_auth_outcome(req, &attempt, err == CW_EAUTH)) <
	            0) {
		cw_client_dispose(&client);
		return counted;
	}
	if (err == CW_EAUTH)
		return oauth_error(res, 401, "invalid_client", cw_error_last());
	if (err < 0)
		return err;
	err = cw_credentials_token_issue(&token, ctx->store, &client,
	                                 cw_form_get(form, "scope"),
	                                 ctx->config->token_ttl_s);
	if (err == CW_EINVAL)
		err = oauth_error(res, 400, "invalid_scope", cw_error_last());
	else if (err == 0)
		err = token_response(res, &token);
	cw_issued_token_dispose(&token);
	cw_client_dispose(&client);
	return err;
}

int cw_api_oauth_token(cw_request *req, cw_response *res)
{
	const char *type = cw_request_header(req, "Content-Type");
	client_credentials creds = { 0 };
	const char *grant, *problem = NULL, *body;
	cw_form form = { 0 };
	size_t len;
	int err;

	if (!type ||
	    strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0)
		return oauth_error(res, 400, "invalid_request",
		                   "expected Content-Type: "
		                   "application/x-www-form-urlencoded");
	body = cw_request_body(req, &len);
	err = cw_form_parse(&form, body, len);
	if (err == CW_EINVAL)
		return oauth_error(res, 400, "invalid_request",
		                   cw_error_last());
	if (err < 0)
		return err;
	grant = cw_form_get(&form, "grant_type");
	if (!grant) {
		err = oauth_error(res, 400, "invalid_request",
		                  "grant_type is required");
		goto out;
	}
	if (strcmp(grant, "client_credentials") != 0) {
		err = oauth_error(res, 400, "unsupported_grant_type",
		                  "only grant_type=client_credentials is "
		                  "supported");
		goto out;
	}
	err = read_credentials(&creds, req, &form, &problem);
	if (err == CW_EINVAL || err == CW_EAUTH)
		err = oauth_error(res, err == CW_EAUTH ? 401 : 400,
		                  err == CW_EAUTH ? "invalid_client"
		                                  : "invalid_request",
		                  problem);
	else if (err == 0)
		err = issue(req, res, &form, &creds);
out:
	cw_free(creds.id);
	if (creds.secret) {
		memset(creds.secret, 0, strlen(creds.secret));
		cw_free(creds.secret);
	}
	cw_form_dispose(&form);
	return err;
}
