/* The Open Badges 3.0 API under /ims/ob/v3p0: the service description
 * document (public), a holder's credentials (those the tenant issued to
 * them and those they upserted, verified on the way in) and their Profile;
 * and the admin endpoints that create holders. The caller is the holder the
 * bearer token was granted by (CW_ROUTE_HOLDER): a holder sees only their
 * own tenant's and their own data. */
#include "http/api.h"
#include "http/server.h"

#include "badge/verify.h"
#include "engine/ob3_auth.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OB3_BASE      "/ims/ob/v3p0"
#define PAGE_DEFAULT  100
#define PAGE_MAX      1000
#define LIST_MAX      (64L << 20) /* one page of credentials, as JSON */
#define PROFILE_DEPTH 16

void cw_api_public_origin(const cw_request *req, char out[300])
{
	const char *base =
	        cw_request_ctx((cw_request *)req)->config->public_base_url;
	size_t n = base ? strlen(base) : 0;

	while (n && base[n - 1] == '/')
		n--;
	if (n && n < 300)
		snprintf(out, 300, "%.*s", (int)n, base);
	else
		cw_api_origin(req, out);
}

static int invalid(cw_response *res, const char *message)
{
	return cw_response_error(res, 400, "invaliddata", "%s", message);
}

/* ---- discovery ----------------------------------------------------------- */

typedef struct {
	const char *path, *method, *operation, *summary, *scope;
} operation;

static const operation operations[] = {
	{ "/credentials", "get", "getCredentials",
	  "The holder's OpenBadgeCredentials", CW_OB3_SCOPE_CREDENTIAL_READ },
	{ "/credentials", "post", "upsertCredential",
	  "Create or replace an OpenBadgeCredential",
	  CW_OB3_SCOPE_CREDENTIAL_UPSERT },
	{ "/profile", "get", "getProfile", "The holder's Profile",
	  CW_OB3_SCOPE_PROFILE_READ },
	{ "/profile", "put", "putProfile", "Update the holder's Profile",
	  CW_OB3_SCOPE_PROFILE_UPDATE },
	{ "/discovery", "get", "getServiceDescription",
	  "This service description document", NULL },
};

static const char *const scope_descriptions[] = {
	CW_OB3_SCOPE_CREDENTIAL_READ,
	"Permission to read AchievementCredentials for the authenticated "
	"entity.",
	CW_OB3_SCOPE_CREDENTIAL_UPSERT,
	"Permission to create or update AchievementCredentials for the "
	"authenticated entity.",
	CW_OB3_SCOPE_PROFILE_READ,
	"Permission to read the profile for the authenticated entity.",
	CW_OB3_SCOPE_PROFILE_UPDATE,
	"Permission to update the profile for the authenticated entity.",
	NULL
};

static cJSON *paths_of(void)
{
	cJSON *paths = cJSON_CreateObject();

	for (size_t i = 0;
	     paths && i < sizeof(operations) / sizeof(*operations); i++) {
		const operation *o = &operations[i];
		cJSON *path = cJSON_GetObjectItem(paths, o->path);
		cJSON *op = cJSON_CreateObject(), *security, *need;

		if (!path)
			path = cJSON_AddObjectToObject(paths, o->path);
		if (!path || !op || !cJSON_AddItemToObject(path, o->method, op))
			goto fail;
		cJSON_AddStringToObject(op, "operationId", o->operation);
		cJSON_AddStringToObject(op, "summary", o->summary);
		cJSON_AddObjectToObject(
		        cJSON_AddObjectToObject(op, "responses"), "200");
		cJSON_AddStringToObject(
		        cJSON_GetObjectItem(
		                cJSON_GetObjectItem(op, "responses"), "200"),
		        "description", "OK");
		if (!o->scope)
			continue;
		security = cJSON_AddArrayToObject(op, "security");
		need = cJSON_CreateObject();
		cJSON_AddItemToArray(security, need);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(need, "OAuth2ACG"),
		                     cJSON_CreateString(o->scope));
	}
	return paths;
fail:
	cJSON_Delete(paths);
	return NULL;
}

static cJSON *security_scheme(const char *origin, const char *terms,
                              const char *privacy)
{
	char url[400];
	cJSON *scheme = cJSON_CreateObject(), *flow, *scopes;

	if (!scheme)
		return NULL;
	cJSON_AddStringToObject(scheme, "type", "oauth2");
	cJSON_AddStringToObject(scheme, "description",
	                        "OAuth 2.0 Authorization Code Grant "
	                        "authorization");
	cJSON_AddStringToObject(scheme, "x-imssf-name", "Crosswalk");
	cJSON_AddStringToObject(scheme, "x-imssf-privacyPolicyUrl", privacy);
	snprintf(url, sizeof(url), "%s/oauth/ob3/register", origin);
	cJSON_AddStringToObject(scheme, "x-imssf-registrationUrl", url);
	cJSON_AddStringToObject(scheme, "x-imssf-termsOfServiceUrl", terms);
	flow = cJSON_AddObjectToObject(cJSON_AddObjectToObject(scheme, "flows"),
	                               "authorizationCode");
	snprintf(url, sizeof(url), "%s/oauth/ob3/authorize", origin);
	cJSON_AddStringToObject(flow, "authorizationUrl", url);
	snprintf(url, sizeof(url), "%s/oauth/ob3/token", origin);
	cJSON_AddStringToObject(flow, "tokenUrl", url);
	cJSON_AddStringToObject(flow, "refreshUrl", url);
	scopes = cJSON_AddObjectToObject(flow, "scopes");
	for (const char *const *s = scope_descriptions; *s; s += 2)
		cJSON_AddStringToObject(scopes, s[0], s[1]);
	return scheme;
}

int cw_api_ob3_discovery(cw_request *req, cw_response *res)
{
	const cw_config *config = cw_request_ctx(req)->config;
	char origin[300], server[400];
	cJSON *doc = cJSON_CreateObject(), *info, *s;
	const char *terms, *privacy;

	cw_api_public_origin(req, origin);
	terms = *config->ob3_terms_url ? config->ob3_terms_url : origin;
	privacy = *config->ob3_privacy_url ? config->ob3_privacy_url : origin;
	if (!doc)
		return CW_ENOMEM;
	cJSON_AddStringToObject(doc, "openapi", "3.0.1");
	info = cJSON_AddObjectToObject(doc, "info");
	cJSON_AddStringToObject(info, "title", "Crosswalk Open Badges API");
	cJSON_AddStringToObject(info, "description",
	                        "The Open Badges 3.0 API of a Crosswalk "
	                        "gateway: holders' credentials and profiles");
	cJSON_AddStringToObject(info, "version", "3.0");
	cJSON_AddStringToObject(info, "termsOfService", terms);
	cJSON_AddStringToObject(info, "x-imssf-privacyPolicyUrl", privacy);
	snprintf(server, sizeof(server), "%s" OB3_BASE, origin);
	s = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(doc, "servers"), s);
	cJSON_AddStringToObject(s, "url", server);
	cJSON_AddStringToObject(s, "description", "Open Badges 3.0 API");
	cJSON_AddItemToObject(doc, "paths", paths_of());
	cJSON_AddItemToObject(
	        cJSON_AddObjectToObject(
	                cJSON_AddObjectToObject(doc, "components"),
	                "securitySchemes"),
	        "OAuth2ACG", security_scheme(origin, terms, privacy));
	if (!cJSON_GetObjectItem(doc, "components") ||
	    !cJSON_GetObjectItem(doc, "paths")) {
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	return cw_response_json(res, 200, doc);
}

/* ---- the holder ---------------------------------------------------------- */

typedef struct {
	char *login, *profile;
} holder_copy;

static int copy_holder(const cw_ob3_holder *h, void *payload)
{
	holder_copy *c = payload;

	c->login = cw_strdup(h->login);
	c->profile = cw_strdup(h->profile ? h->profile : "{}");
	return c->login && c->profile ? 0 : CW_ENOMEM;
}

static void holder_dispose(holder_copy *c)
{
	cw_free(c->login);
	cw_free(c->profile);
}

/* The caller's holder row; a holder removed since the token was granted
 * is a 401 (res answered, 1 returned). */
static int holder_of(holder_copy *out, cw_request *req, cw_response *res)
{
	const cw_auth *auth = cw_request_auth(req);
	int err;

	memset(out, 0, sizeof(*out));
	err = cw_store_ob3_holder_get(cw_request_ctx(req)->store,
	                              auth->tenant_id, NULL, auth->holder_id,
	                              copy_holder, out);
	if (err == CW_ENOTFOUND) {
		holder_dispose(out);
		cw_response_error(res, 401, "unauthorisedrequest",
		                  "the token's holder is gone");
		return 1;
	}
	if (err < 0)
		holder_dispose(out);
	return err;
}

/* ---- credentials --------------------------------------------------------- */

/* A non-negative integer query parameter: 0 with *out, or -1. */
static int query_long(long *out, const cw_request *req, const char *name,
                      long dflt, long min, long max)
{
	const char *v = cw_request_query(req, name);
	char *end = NULL;
	long n;

	*out = dflt;
	if (!v)
		return 0;
	if (!*v || !isdigit((unsigned char)*v))
		return -1;
	n = strtol(v, &end, 10);
	if (*end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

typedef struct {
	cw_buf json, jws;
} page;

static int add_credential(const cw_ob3_credential *c, void *payload)
{
	page *p = payload;

	if (strcmp(c->format, "jwt") == 0) {
		if (p->jws.len)
			cw_buf_putc(&p->jws, ',');
		cw_buf_putc(&p->jws, '"');
		cw_buf_put_json_string(&p->jws, c->credential);
		return cw_buf_putc(&p->jws, '"');
	}
	if (p->json.len)
		cw_buf_putc(&p->json, ',');
	return cw_buf_puts(&p->json, c->credential);
}

static int list_page(cw_buf *body, int64_t *total, cw_request *req,
                     const char *login, const char *since, long offset,
                     long limit)
{
	const cw_auth *auth = cw_request_auth(req);
	page p = { CW_BUF_INIT(LIST_MAX), CW_BUF_INIT(LIST_MAX) };
	int err = cw_store_ob3_credential_list(
	        cw_request_ctx(req)->store, auth->tenant_id, auth->holder_id,
	        login, since, offset, limit, total, add_credential, &p);

	if (err == 0) {
		cw_buf_puts(body, "{\"credential\":[");
		cw_buf_puts(body, cw_buf_cstr(&p.json));
		cw_buf_puts(body, "],\"compactJwsString\":[");
		cw_buf_puts(body, cw_buf_cstr(&p.jws));
		err = cw_buf_puts(body, "]}");
	}
	if (err == 0 && (p.json.error || p.jws.error))
		err = p.json.error ? p.json.error : p.jws.error;
	cw_buf_dispose(&p.json);
	cw_buf_dispose(&p.jws);
	return err;
}

int cw_api_ob3_credentials_list(cw_request *req, cw_response *res)
{
	const char *since_text = cw_request_query(req, "since");
	cw_buf body = CW_BUF_INIT(2 * LIST_MAX + 64);
	char since[CW_TIME_ISO_LEN], origin[300];
	holder_copy h;
	int64_t since_ms = 0, total = 0;
	long limit, offset;
	int err;

	if (query_long(&limit, req, "limit", PAGE_DEFAULT, 1, PAGE_MAX) < 0)
		return invalid(res, "limit: an integer from 1 to 1000");
	if (query_long(&offset, req, "offset", 0, 0, 1L << 30) < 0)
		return invalid(res, "offset: a non-negative integer");
	if (since_text && cw_time_parse_iso(since_text, &since_ms) < 0)
		return invalid(res, "since: not an ISO 8601 date-time");
	if (since_text) {
		char iso[CW_TIME_ISO_LEN];
		cw_time_format_iso(since_ms, iso);
		snprintf(since, sizeof(since), "%.19sZ", iso);
	}
	if ((err = holder_of(&h, req, res)) != 0)
		return err > 0 ? 0 : err;
	err = list_page(&body, &total, req, h.login, since_text ? since : NULL,
	                offset, limit);
	holder_dispose(&h);
	cw_api_public_origin(req, origin);
	if (err == 0)
		err = cw_api_paging_headers(res, req, origin, (long)total,
		                            offset, limit);
	if (err == 0)
		return cw_response_buf(res, 200, "application/json", &body);
	cw_buf_dispose(&body);
	return err;
}

/* What the daemon fetches to verify an upserted credential: as POST
 * /verify, under the badge caps. */
static int verify_fetch(void *arg, const char *url, char **body, size_t *len,
                        long *status)
{
	const cw_fetch_options *net = arg;
	cw_buf out = CW_BUF_INIT(CW_LIMIT_BADGE_FETCH_BYTES);
	int err = cw_net_fetch(&out, status, url, net);

	if (err == 0) {
		*body = out.data ? cw_buf_detach(&out, len) : cw_strdup("");
		err = *body ? 0 : CW_ENOMEM;
	}
	cw_buf_dispose(&out);
	return err;
}

/* The body, trimmed, as JSON (*jwt 0) or a compact JWS (*jwt 1); 415 or
 * 400 answered (1 returned) otherwise. */
static int read_upsert(const char **text, size_t *len, int *jwt,
                       cw_request *req, cw_response *res)
{
	const char *type = cw_request_header(req, "Content-Type");
	const char *body = cw_request_body(req, len);
	cJSON *doc = NULL;

	while (*len && isspace((unsigned char)*body))
		body++, (*len)--;
	while (*len && isspace((unsigned char)body[*len - 1]))
		(*len)--;
	*text = body;
	*jwt = type && strncasecmp(type, "text/plain", 10) == 0;
	if (!*jwt &&
	    (!type || (strncasecmp(type, "application/json", 16) != 0 &&
	               strncasecmp(type, "application/vc+ld+json", 22) != 0 &&
	               strncasecmp(type, "application/ld+json", 19) != 0))) {
		cw_response_error(
		        res, 415, "unsupportedmediatype",
		        "send application/json (a credential with "
		        "an embedded proof) or text/plain (a VC-JWT)");
		return 1;
	}
	if (!*len || (*jwt && memchr(body, '{', *len))) {
		invalid(res, "the body is not a compact JWS");
		return 1;
	}
	if (!*jwt && cw_json_parse(&doc, body, *len,
	                           CW_LIMIT_JSON_DEPTH_DEFAULT, NULL) < 0) {
		cw_response_error(res, 400, "invaliddata",
		                  "the body is not JSON: %s", cw_error_last());
		return 1;
	}
	if (doc && !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		invalid(res, "the body is not a JSON object");
		return 1;
	}
	cJSON_Delete(doc);
	return 0;
}

/* Verifies the credential: 0 with *report valid, or 1 with res a 400 that
 * names the failing step. */
static int verify_upsert(cw_badge_report **report, cw_request *req,
                         cw_response *res, const char *text, size_t len)
{
	cw_ctx *ctx = cw_request_ctx(req);
	cw_fetch_options net = { CW_LIMIT_BADGE_FETCH_BYTES,
		                 CW_LIMIT_BADGE_FETCH_TIMEOUT, NULL,
		                 "application/ld+json, application/json, "
		                 "text/plain",
		                 !ctx->config->fetch_private_addresses };
	cw_badge_verify_options o = { 0 };
	const cw_badge_step *failed;
	char *input = cw_malloc(len + 1);
	int err;

	if (!input)
		return CW_ENOMEM;
	memcpy(input, text, len);
	input[len] = '\0';
	o.loader = ctx->contexts;
	o.fetch = verify_fetch;
	o.fetch_arg = &net;
	o.now_ms = 0; /* the clock, also for status lists fetched later */
	err = cw_badge_verify(report, input, len, &o);
	cw_free(input);
	if (err < 0)
		return err;
	if ((*report)->format != CW_BADGE_FORMAT_OB3_JSON &&
	    (*report)->format != CW_BADGE_FORMAT_OB3_JWT) {
		cw_response_error(res, 400, "invaliddata",
		                  "not an OB 3.0 credential (%s)",
		                  cw_badge_format_name((*report)->format));
		return 1;
	}
	if (!(*report)->valid) {
		failed = cw_badge_report_failure(*report);
		cw_response_error(res, 400, "invaliddata",
		                  "the credential does not verify: %s: %s",
		                  failed ? failed->name : "nested",
		                  failed ? failed->detail : "");
		return 1;
	}
	if (!(*report)->id || strlen((*report)->id) > CW_OB3_URI_MAX) {
		invalid(res, "the credential has no usable id");
		return 1;
	}
	return 0;
}

int cw_api_ob3_credentials_upsert(cw_request *req, cw_response *res)
{
	const cw_auth *auth = cw_request_auth(req);
	cw_badge_report *report = NULL;
	char iso[CW_TIME_ISO_LEN], at[32], *copy = NULL;
	const char *text;
	size_t len;
	int jwt, created = 0, err;

	if ((err = read_upsert(&text, &len, &jwt, req, res)) != 0)
		return err > 0 ? 0 : err;
	if ((err = verify_upsert(&report, req, res, text, len)) != 0)
		goto out;
	if (!(copy = cw_malloc(len + 1))) {
		err = CW_ENOMEM;
		goto out;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	cw_time_format_iso(cw_time_now_ms(), iso);
	snprintf(at, sizeof(at), "%.19sZ", iso);
	cw_ob3_credential c = { auth->tenant_id,      auth->holder_id,
		                report->id,           copy,
		                jwt ? "jwt" : "json", at };
	if ((err = cw_store_ob3_credential_put(cw_request_ctx(req)->store, &c,
	                                       &created)) == 0) {
		int64_t run = 0;
		char number[32];
		/* the tenant may have the credential become a result */
		if (cw_api_flows_upserted(req, auth->tenant_id, copy, len,
		                          &run) == 0 &&
		    run) {
			snprintf(number, sizeof(number), "%lld",
			         (long long)run);
			cw_response_header(res, "X-Crosswalk-Flow-Run", number);
		}
		err = cw_response_text(res, created ? 201 : 200,
		                       jwt ? "text/plain" : "application/json",
		                       copy, len);
	}
out:
	cw_free(copy);
	cw_badge_report_free(report);
	return err > 0 ? 0 : err;
}

/* ---- profile ------------------------------------------------------------- */

int cw_api_ob3_profile_get(cw_request *req, cw_response *res)
{
	holder_copy h;
	int err = holder_of(&h, req, res);

	if (err != 0)
		return err > 0 ? 0 : err;
	err = cw_response_text(res, 200, "application/json", h.profile,
	                       strlen(h.profile));
	holder_dispose(&h);
	return err;
}

static int is_profile_type(const cJSON *type)
{
	const cJSON *t;

	if (cJSON_IsString(type))
		return strcmp(type->valuestring, "Profile") == 0;
	cJSON_ArrayForEach(t, type) if (cJSON_IsString(t) &&
	                                strcmp(t->valuestring, "Profile") ==
	                                        0) return 1;
	return 0;
}

/* The new Profile keeps the holder's id: a holder cannot become another. */
static int check_profile(cJSON *doc, const char *stored, cw_response *res)
{
	cJSON *old = NULL;
	const char *id, *old_id;
	int err = 0;

	if (!is_profile_type(cJSON_GetObjectItemCaseSensitive(doc, "type")))
		return invalid(res, "type must include Profile"), 1;
	if (cw_json_parse(&old, stored, strlen(stored), PROFILE_DEPTH, NULL) <
	    0)
		return CW_ENOMEM;
	id = cw_json_string(doc, "id");
	old_id = cw_json_string(old, "id");
	if (cJSON_GetObjectItemCaseSensitive(doc, "id") &&
	    (!id || !old_id || strcmp(id, old_id) != 0)) {
		cw_response_error(res, 400, "invaliddata", "id must stay %s",
		                  old_id ? old_id : "");
		err = 1;
	} else if (!id && old_id &&
	           !cJSON_AddStringToObject(doc, "id", old_id)) {
		err = CW_ENOMEM;
	}
	cJSON_Delete(old);
	return err;
}

int cw_api_ob3_profile_put(cw_request *req, cw_response *res)
{
	const cw_auth *auth = cw_request_auth(req);
	cJSON *doc = NULL;
	char *text = NULL;
	holder_copy h = { 0 };
	int err;

	if (cw_request_json_object(&doc, req, res) < 0)
		return 0;
	if ((err = holder_of(&h, req, res)) != 0 ||
	    (err = check_profile(doc, h.profile, res)) != 0)
		goto out;
	if (!(text = cw_json_print(doc))) {
		err = CW_ENOMEM;
		goto out;
	}
	err = cw_store_ob3_profile_put(cw_request_ctx(req)->store,
	                               auth->tenant_id, auth->holder_id, text);
	if (err == 0)
		err = cw_response_text(res, 200, "application/json", text,
		                       strlen(text));
out:
	cw_free(text);
	holder_dispose(&h);
	cJSON_Delete(doc);
	return err > 0 ? 0 : err;
}

/* ---- holders (admin) ----------------------------------------------------- */

int cw_api_ob3_holders_add(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	cw_ob3_new_holder h;
	cw_tenant tenant;
	cJSON *body = NULL, *out = NULL;
	const char *login;
	int err;

	if (cw_request_json_object(&body, req, res) < 0)
		return 0;
	err = cw_api_target_tenant(&tenant, req, res,
	                           cw_request_query(req, "tenant"));
	if (err != 0)
		goto out;
	login = cw_json_string(body, "recipient");
	err = cw_ob3_holder_create(&h, ctx->store, tenant.name, login,
	                           cw_request_auth(req)->client_id);
	if (err == CW_EINVAL || err == CW_EEXISTS) {
		err = cw_response_error(res, 422, "invaliddata", "%s",
		                        cw_error_last());
		goto out;
	}
	if (err < 0)
		goto out;
	if (!(out = cJSON_CreateObject()) ||
	    !cJSON_AddNumberToObject(out, "id", (double)h.id) ||
	    !cJSON_AddStringToObject(out, "tenant", h.tenant) ||
	    !cJSON_AddStringToObject(out, "login", login) ||
	    !cJSON_AddStringToObject(out, "passcode", h.passcode)) {
		cJSON_Delete(out);
		out = NULL;
		err = CW_ENOMEM;
	}
	memset(h.passcode, 0, sizeof(h.passcode));
	if (out)
		err = cw_response_json(res, 201, out);
out:
	cJSON_Delete(body);
	return err > 0 ? 0 : err;
}

int cw_api_ob3_holders_list(cw_request *req, cw_response *res)
{
	cw_tenant tenant;
	cJSON *list = NULL;
	int err = cw_api_target_tenant(&tenant, req, res,
	                               cw_request_query(req, "tenant"));

	if (err != 0)
		return err > 0 ? 0 : err;
	err = cw_ob3_holder_list(&list, cw_request_ctx(req)->store,
	                         tenant.name);
	return err < 0 ? err : cw_response_json(res, 200, list);
}
