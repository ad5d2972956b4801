/* The authorization server of the OB 3.0 API, at the URLs its discovery
 * document names: dynamic client registration (RFC 7591), the authorization
 * endpoint (an HTML sign-in and consent form), the token endpoint
 * (authorization_code with PKCE, refresh_token; client_secret_basic, the one
 * method the OB 3.0 security framework allows) and revocation (RFC 7009).
 * The engine (engine/ob3_auth.h) decides; this file speaks HTTP. */
#include "http/api.h"
#include "http/server.h"

#include "engine/ob3_auth.h"
#include "http/form.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PAGE_MAX (64L * 1024)

/* Every response is Cache-Control: no-store (server.c); RFC 6749 §5.1
 * asks for Pragma too, for HTTP/1.0 caches. */
static void no_store(cw_response *res)
{
	cw_response_header(res, "Pragma", "no-cache");
}

/* {"error", "error_description"} (RFC 6749 §5.2, RFC 7591 §3.2.2). */
static int oauth_error(cw_response *res, int status, const char *error,
                       const char *description)
{
	cJSON *doc = cJSON_CreateObject();

	if (!doc || !cJSON_AddStringToObject(doc, "error", error) ||
	    !cJSON_AddStringToObject(doc, "error_description", description)) {
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	if (status == 401)
		cw_response_header(res, "WWW-Authenticate",
		                   "Basic realm=\"crosswalk\"");
	no_store(res);
	return cw_response_json(res, status, doc);
}

/* ---- registration -------------------------------------------------------- */

int cw_api_ob3_register(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *error = NULL;
	cJSON *body = NULL, *out = NULL;
	int err;

	if (cw_request_json_object(&body, req, res) < 0)
		return 0;
	err = cw_ob3_register(&out, &error, ctx->store, body);
	cJSON_Delete(body);
	if (err == CW_EINVAL && error)
		return oauth_error(res, 400, error, cw_error_last());
	if (err < 0)
		return err;
	no_store(res);
	return cw_response_json(res, 201, out);
}

/* ---- the form ------------------------------------------------------------ */

static void put_html(cw_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': cw_buf_puts(b, "&lt;"); break;
		case '>': cw_buf_puts(b, "&gt;"); break;
		case '&': cw_buf_puts(b, "&amp;"); break;
		case '"': cw_buf_puts(b, "&quot;"); break;
		case '\'': cw_buf_puts(b, "&#39;"); break;
		default: cw_buf_putc(b, *s);
		}
	}
}

static const char page_head[] =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width\">"
        "<title>Crosswalk: sign in</title><style>body{font-family:sans-serif;"
        "max-width:32em;margin:2em auto;padding:0 1em}label{display:block;"
        "margin:.8em 0}input{width:100%;padding:.3em}button{margin:.5em "
        ".5em 0 0;padding:.4em 1em}.error{color:#a00}</style></head><body>\n";

static int send_page(cw_response *res, int status, cw_buf *page)
{
	cw_buf_puts(page, "</body></html>\n");
	no_store(res);
	cw_response_header(res, "X-Frame-Options", "DENY");
	cw_response_header(res, "Content-Security-Policy",
	                   "default-src 'none'; style-src 'unsafe-inline'; "
	                   "frame-ancestors 'none'");
	cw_response_header(res, "Referrer-Policy", "no-referrer");
	if (page->error) {
		cw_buf_dispose(page);
		return CW_ENOMEM;
	}
	return cw_response_buf(res, status, "text/html; charset=utf-8", page);
}

/* A request that cannot go back to the client: a page saying why. */
static int error_page(cw_response *res, int status, const char *message)
{
	cw_buf page = CW_BUF_INIT(PAGE_MAX);

	cw_buf_puts(&page, page_head);
	cw_buf_puts(&page,
	            "<h1>This sign-in cannot go on</h1><p class=\"error\">");
	put_html(&page, message);
	cw_buf_puts(&page, "</p><p>Go back to the application and start "
	                   "again.</p>\n");
	return send_page(res, status, &page);
}

static int form_page(cw_response *res, const cw_ob3_pending *p,
                     const char *problem, const char *tenant, const char *login)
{
	cw_buf page = CW_BUF_INIT(PAGE_MAX);
	const char *s = p->scopes;

	cw_buf_puts(&page, page_head);
	cw_buf_puts(&page, "<h1>Sign in to share your badges</h1>\n<p><b>");
	put_html(&page, p->client_name);
	cw_buf_puts(&page, "</b>");
	if (p->client_uri) {
		cw_buf_puts(&page, " (");
		put_html(&page, p->client_uri);
		cw_buf_putc(&page, ')');
	}
	cw_buf_puts(&page, " asks to:</p><ul>\n");
	while (s && *s) {
		size_t n = strcspn(s, " ");
		cw_buf_puts(&page, "<li>");
		cw_buf_put(&page, s, n); /* known scope URIs: no markup */
		cw_buf_puts(&page, "</li>\n");
		s += n + (s[n] == ' ');
	}
	cw_buf_puts(&page, "</ul>\n");
	if (problem) {
		cw_buf_puts(&page, "<p class=\"error\">");
		put_html(&page, problem);
		cw_buf_puts(&page, "</p>\n");
	}
	cw_buf_puts(&page, "<form method=\"post\" action=\"\">\n<input "
	                   "type=\"hidden\" name=\"form_token\" value=\"");
	cw_buf_puts(&page, p->form_token); /* base64url */
	cw_buf_puts(&page, "\">\n<label>Organisation <input name=\"tenant\" "
	                   "required value=\"");
	put_html(&page, tenant);
	cw_buf_puts(&page, "\"></label>\n<label>Email or student id <input "
	                   "name=\"login\" required autocomplete=\"username\" "
	                   "value=\"");
	put_html(&page, login);
	cw_buf_puts(&page,
	            "\"></label>\n<label>Passcode <input name=\"passcode\" "
	            "type=\"password\" autocomplete=\"current-password\">"
	            "</label>\n<button name=\"decision\" value=\"approve\">"
	            "Allow</button><button name=\"decision\" "
	            "value=\"deny\" formnovalidate>Deny</button>\n</form>\n");
	return send_page(res, 200, &page);
}

/* 302 to location. */
static int redirect(cw_response *res, const char *location)
{
	int err = cw_response_header(res, "Location", location);

	no_store(res);
	return err < 0 ? err : cw_response_text(res, 302, "text/plain", "", 0);
}

static void put_query_value(cw_buf *b, const char *s, size_t max)
{
	for (const unsigned char *c = (const unsigned char *)s;
	     *c && b->len < max; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~", *c))
			cw_buf_putc(b, (char)*c);
		else
			cw_buf_printf(b, "%%%02X", *c);
	}
}

/* An error the client hears about at its redirect URI (RFC 6749 §4.1.2.1). */
static int redirect_error(cw_response *res, const cw_ob3_pending *p,
                          const char *error, const char *description)
{
	cw_buf b = CW_BUF_INIT(16384);
	int err;

	cw_buf_puts(&b, p->redirect_uri);
	cw_buf_putc(&b, strchr(p->redirect_uri, '?') ? '&' : '?');
	cw_buf_printf(&b, "error=%s&error_description=", error);
	put_query_value(&b, description, b.len + 1024);
	if (p->state) {
		cw_buf_puts(&b, "&state=");
		put_query_value(&b, p->state, b.max);
	}
	err = b.error ? b.error : redirect(res, b.data);
	cw_buf_dispose(&b);
	return err;
}

int cw_api_ob3_authorize_form(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	cw_ob3_authorize_request r = {
		cw_request_query(req, "response_type"),
		cw_request_query(req, "client_id"),
		cw_request_query(req, "redirect_uri"),
		cw_request_query(req, "scope"),
		cw_request_query(req, "state"),
		cw_request_query(req, "code_challenge"),
		cw_request_query(req, "code_challenge_method"),
	};
	const char *error = NULL;
	cw_ob3_pending p;
	int err = cw_ob3_authorize_begin(&p, &error, ctx->store, &r);

	if ((err == CW_EINVAL || err == CW_ENOTFOUND) && !error)
		err = error_page(res, 400, cw_error_last());
	else if (err == CW_EINVAL)
		err = redirect_error(res, &p, error, cw_error_last());
	else if (err == 0)
		err = form_page(res, &p, NULL, NULL, NULL);
	cw_ob3_pending_dispose(&p);
	return err;
}

int cw_api_ob3_authorize_answer(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *type = cw_request_header(req, "Content-Type"), *body;
	cw_ob3_pending again = { 0 };
	cw_form form = { 0 };
	char *location = NULL;
	const char *decision;
	size_t len;
	int err;

	if (!type ||
	    strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0)
		return error_page(res, 415,
		                  "the form must be sent as "
		                  "application/x-www-form-urlencoded");
	body = cw_request_body(req, &len);
	if ((err = cw_form_parse(&form, body, len)) == CW_EINVAL)
		return error_page(res, 400, cw_error_last());
	if (err < 0)
		return err;
	decision = cw_form_get(&form, "decision");
	char who[400];
	snprintf(who, sizeof(who), "%.100s/%.290s",
	         cw_form_get(&form, "tenant") ? cw_form_get(&form, "tenant")
	                                      : "",
	         cw_form_get(&form, "login") ? cw_form_get(&form, "login")
	                                     : "");
	cw_failgate_attempt attempt = { 0 };
	int wait = decision && strcmp(decision, "approve") == 0
	                   ? cw_api_auth_wait(req, &attempt, "holder", who)
	                   : 0;
	if (wait < 0) {
		cw_form_dispose(&form);
		return wait;
	}
	if (wait > 0) {
		char why[120];
		snprintf(why, sizeof(why),
		         "too many failed sign-ins: try again in %d s", wait);
		char after[24];
		snprintf(after, sizeof(after), "%d", wait);
		cw_response_header(res, "Retry-After", after);
		cw_form_dispose(&form);
		return error_page(res, 429, why);
	}
	err = cw_ob3_authorize_finish(
	        &location, &again, ctx->store, cw_form_get(&form, "form_token"),
	        cw_form_get(&form, "tenant"), cw_form_get(&form, "login"),
	        cw_form_get(&form, "passcode"),
	        decision && strcmp(decision, "approve") == 0);
	/* A failure the gate cannot count is answered as the store error; a
	 * sign-in that succeeded stands even when its count was not cleared
	 * (the gate logged it). */
	if (decision && strcmp(decision, "approve") == 0 &&
	    (err == 0 || err == CW_EAUTH)) {
		int counted =
		        cw_api_auth_outcome(req, &attempt, err == CW_EAUTH);
		if (counted < 0 && err == CW_EAUTH)
			err = counted;
	}
	if (err == 0)
		err = redirect(res, location);
	else if (err == CW_ENOTFOUND)
		err = error_page(res, 400,
		                 "this sign-in form expired or was "
		                 "used already");
	else if (err == CW_EAUTH && again.form_token[0])
		err = form_page(res, &again, cw_error_last(),
		                cw_form_get(&form, "tenant"),
		                cw_form_get(&form, "login"));
	else if (err == CW_EAUTH)
		err = error_page(res, 400, cw_error_last());
	cw_free(location);
	cw_ob3_pending_dispose(&again);
	cw_form_dispose(&form);
	return err;
}

/* ---- token and revocation ------------------------------------------------ */

typedef struct {
	char *id, *secret;
} basic_client;

static void basic_dispose(basic_client *c)
{
	cw_free(c->id);
	if (c->secret) {
		memset(c->secret, 0, strlen(c->secret));
		cw_free(c->secret);
	}
}

/* Parses the form and authenticates the client (Basic only): 0, or 1 when
 * res holds the error already. */
static int begin_client_call(cw_form *form, basic_client *c, cw_request *req,
                             cw_response *res, int *err)
{
	const char *type = cw_request_header(req, "Content-Type"), *body;
	const char *header = cw_request_header(req, "Authorization");
	size_t len;

	*err = 0;
	if (!type ||
	    strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0) {
		*err = oauth_error(res, 400, "invalid_request",
		                   "expected Content-Type: "
		                   "application/x-www-form-urlencoded");
		return 1;
	}
	body = cw_request_body(req, &len);
	if ((*err = cw_form_parse(form, body, len)) < 0) {
		if (*err == CW_EINVAL)
			*err = oauth_error(res, 400, "invalid_request",
			                   cw_error_last());
		return 1;
	}
	if (!header || strlen(header) > CW_LIMIT_AUTH_HEADER ||
	    strncasecmp(header, "Basic ", 6) != 0 ||
	    cw_api_oauth_basic(&c->id, &c->secret, header + 6) < 0) {
		*err = oauth_error(res, 401, "invalid_client",
		                   "client_secret_basic authentication is "
		                   "required");
		return 1;
	}
	cw_failgate_attempt attempt;
	int wait = cw_api_auth_wait(req, &attempt, "client", c->id);
	if (wait != 0) {
		*err = wait > 0 ? cw_api_auth_throttle(res, wait) : wait;
		return 1;
	}
	*err = cw_ob3_client_authenticate(cw_request_ctx(req)->store, c->id,
	                                  c->secret);
	if (*err == 0 || *err == CW_EAUTH) {
		int counted =
		        cw_api_auth_outcome(req, &attempt, *err == CW_EAUTH);
		if (counted < 0) {
			*err = counted;
			return 1;
		}
	}
	if (*err == CW_EAUTH) {
		*err = oauth_error(res, 401, "invalid_client", cw_error_last());
		return 1;
	}
	return *err < 0;
}

static int token_response(cw_response *res, const cw_ob3_tokens *t)
{
	cJSON *doc = cJSON_CreateObject();

	if (!doc ||
	    !cJSON_AddStringToObject(doc, "access_token", t->access_token) ||
	    !cJSON_AddStringToObject(doc, "token_type", "Bearer") ||
	    !cJSON_AddNumberToObject(doc, "expires_in",
	                             (double)t->expires_in) ||
	    !cJSON_AddStringToObject(doc, "refresh_token", t->refresh_token) ||
	    !cJSON_AddStringToObject(doc, "scope", t->scopes)) {
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	no_store(res);
	return cw_response_json(res, 200, doc);
}

int cw_api_ob3_token(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	basic_client c = { 0 };
	cw_ob3_tokens t = { 0 };
	cw_form form = { 0 };
	const char *grant;
	int err, scope_error = 0;

	if (begin_client_call(&form, &c, req, res, &err))
		goto out;
	grant = cw_form_get(&form, "grant_type");
	if (grant && strcmp(grant, "authorization_code") == 0)
		err = cw_ob3_token_from_code(
		        &t, ctx->store, c.id, cw_form_get(&form, "code"),
		        cw_form_get(&form, "redirect_uri"),
		        cw_form_get(&form, "code_verifier"),
		        ctx->config->token_ttl_s);
	else if (grant && strcmp(grant, "refresh_token") == 0)
		err = cw_ob3_token_refresh(&t, &scope_error, ctx->store, c.id,
		                           cw_form_get(&form, "refresh_token"),
		                           cw_form_get(&form, "scope"),
		                           ctx->config->token_ttl_s);
	else {
		err = oauth_error(res, 400,
		                  grant ? "unsupported_grant_type"
		                        : "invalid_request",
		                  "grant_type is authorization_code or "
		                  "refresh_token");
		goto out;
	}
	if (err == CW_EINVAL)
		err = oauth_error(res, 400,
		                  scope_error ? "invalid_scope"
		                              : "invalid_grant",
		                  cw_error_last());
	else if (err == 0)
		err = token_response(res, &t);
out:
	cw_ob3_tokens_dispose(&t);
	basic_dispose(&c);
	cw_form_dispose(&form);
	return err;
}

int cw_api_ob3_revoke(cw_request *req, cw_response *res)
{
	basic_client c = { 0 };
	cw_form form = { 0 };
	int err;

	if (begin_client_call(&form, &c, req, res, &err))
		goto out;
	if (!cw_form_get(&form, "token"))
		err = oauth_error(res, 400, "invalid_request",
		                  "token is required");
	else if ((err = cw_ob3_token_revoke(cw_request_ctx(req)->store, c.id,
	                                    cw_form_get(&form, "token"))) == 0)
		err = cw_response_text(res, 200, "text/plain", "", 0);
out:
	basic_dispose(&c);
	cw_form_dispose(&form);
	return err;
}
