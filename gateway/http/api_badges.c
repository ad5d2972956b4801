/* The documents a badge's verifier fetches, public as the standards want:
 * an issuer's status list (BitstringStatusListCredential, signed at each
 * request from the store's current bits), its 1EdTechRevocationList, its
 * controller document or (hosted issuers) Profile, its did:web DID
 * document, and the OB 2.0 hosted Assertion, BadgeClass, Issuer,
 * CryptographicKey and RevocationList. Those a person may open answer
 * JSON-LD or, for Accept: text/html, a readable page. */
#include "http/api.h"
#include "http/server.h"

#include "badge/bake.h"
#include "badge/verify.h"
#include "engine/badges.h"
#include "http/imsx.h"
#include "http/negotiate.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <string.h>

typedef int (*document_fn)(cJSON **out, const cw_badges *b, const char *tenant,
                           const char *issuer);

static int not_found(cw_response *res, const char *what)
{
	return cw_response_json(
	        res, 404, cw_imsx_status("failure", "error", "unknown", what));
}

static int base_of(cw_buf *base, const cw_ctx *ctx)
{
	if (ctx->config->public_base_url && *ctx->config->public_base_url)
		return cw_buf_puts(base, ctx->config->public_base_url);
	return cw_buf_printf(base, "http://%s", ctx->config->listen);
}

static int serve(cw_request *req, cw_response *res, document_fn fn)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *tenant = cw_request_param(req, "tenant");
	const char *issuer = cw_request_param(req, "id");
	cw_buf base = CW_BUF_INIT(4096);
	cJSON *doc = NULL;
	int err = base_of(&base, ctx);
	cw_badges b = { ctx->store, ctx->master_key, cw_buf_cstr(&base),
		        ctx->contexts };
	if (err == 0)
		err = fn(&doc, &b, tenant, issuer);
	cw_buf_dispose(&base);
	if (err == CW_ENOTFOUND)
		return not_found(res, "no such issuer");
	if (err < 0)
		return err;
	return cw_response_json(res, 200, doc);
}

int cw_api_badge_status_list(cw_request *req, cw_response *res)
{
	return serve(req, res, cw_badges_status_list);
}

/* A status list after the first: /status/revocation/{n}. */
int cw_api_badge_status_list_n(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *tenant = cw_request_param(req, "tenant");
	const char *issuer = cw_request_param(req, "id");
	int64_t n = cw_badges_status_list_number(cw_request_param(req, "n"));
	cw_buf base = CW_BUF_INIT(4096);
	cJSON *doc = NULL;
	int err = n < 0 ? CW_ENOTFOUND : base_of(&base, ctx);
	cw_badges b = { ctx->store, ctx->master_key, cw_buf_cstr(&base),
		        ctx->contexts };
	if (err == 0)
		err = cw_badges_status_list_n(&doc, &b, tenant, issuer, n);
	cw_buf_dispose(&base);
	if (err == CW_ENOTFOUND)
		return not_found(res, "no such issuer or status list");
	if (err < 0)
		return err;
	return cw_response_json(res, 200, doc);
}

int cw_api_badge_revocation_list(cw_request *req, cw_response *res)
{
	return serve(req, res, cw_badges_revocation_list);
}

int cw_api_badge_did_document(cw_request *req, cw_response *res)
{
	return serve(req, res, cw_badges_did_document);
}

/* ---- documents for machines and people ----------------------------------- */

static int put_escaped(cw_buf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': cw_buf_puts(out, "&amp;"); break;
		case '<': cw_buf_puts(out, "&lt;"); break;
		case '>': cw_buf_puts(out, "&gt;"); break;
		case '"': cw_buf_puts(out, "&quot;"); break;
		case '\'': cw_buf_puts(out, "&#39;"); break;
		default: cw_buf_putc(out, *s);
		}
	}
	return out->error;
}

static int is_link(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

/* A member's value: a string (a link when a URL), or its JSON. */
static void put_value(cw_buf *out, const cJSON *v)
{
	char *text;

	if (cJSON_IsString(v) && is_link(v->valuestring)) {
		cw_buf_puts(out, "<a href=\"");
		put_escaped(out, v->valuestring);
		cw_buf_puts(out, "\">");
		put_escaped(out, v->valuestring);
		cw_buf_puts(out, "</a>");
	} else if (cJSON_IsString(v)) {
		put_escaped(out, v->valuestring);
	} else if ((text = cw_json_print(v))) {
		put_escaped(out, text);
		cw_free(text);
	}
}

/* A page for a person: the name, a revocation notice, each member. */
static int render_html(cw_buf *out, const cJSON *doc)
{
	const char *name = cw_json_string(doc, "name");
	const char *type = cw_json_string(doc, "type");
	const cJSON *m;
	char *json = cJSON_Print(doc);

	cw_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	                 "<meta charset=\"utf-8\"><title>");
	put_escaped(out, name ? name : type ? type : "Open Badges document");
	cw_buf_puts(out, "</title></head><body>\n<h1>");
	put_escaped(out, name ? name : type ? type : "Open Badges document");
	cw_buf_puts(out, "</h1>\n");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "revoked"))) {
		cw_buf_puts(out, "<p><strong>Revoked:</strong> ");
		put_escaped(out, cw_json_string(doc, "revocationReason"));
		cw_buf_puts(out, "</p>\n");
	}
	cw_buf_puts(out, "<dl>\n");
	cJSON_ArrayForEach(m, doc)
	{
		if (strcmp(m->string, "@context") == 0)
			continue;
		cw_buf_puts(out, "<dt>");
		put_escaped(out, m->string);
		cw_buf_puts(out, "</dt><dd>");
		put_value(out, m);
		cw_buf_puts(out, "</dd>\n");
	}
	cw_buf_puts(out, "</dl>\n<h2>JSON</h2>\n<pre>");
	put_escaped(out, json);
	cw_buf_puts(out, "</pre>\n</body></html>\n");
	cJSON_free(json);
	return json ? out->error : CW_ENOMEM;
}

enum { AS_JSON_LD, AS_JSON, AS_HTML };

/* Answers doc as JSON-LD, JSON or HTML, as Accept prefers. */
static int answer_negotiated(cw_request *req, cw_response *res, int status,
                             cJSON *doc)
{
	static const char *const offers[] = { "application/ld+json",
		                              "application/json", "text/html" };
	const char *accept = cw_request_header(req, "Accept");
	int pick = cw_negotiate(accept, accept ? strlen(accept) : 0, offers, 3);
	cw_buf page = CW_BUF_INIT(CW_LIMIT_BADGE_FETCH_BYTES);
	char *text;
	int err;

	if ((err = cw_response_header(res, "Vary", "Accept")) < 0) {
		cJSON_Delete(doc);
		return err;
	}
	if (pick < 0) {
		cJSON_Delete(doc);
		return cw_response_error(res, 406, "unsupported",
		                         "this document is served as "
		                         "application/ld+json, "
		                         "application/json or text/html");
	}
	if (pick == AS_HTML) {
		/* the page runs nothing and loads nothing */
		if ((err = cw_response_header(res, "Content-Security-Policy",
		                              "default-src 'none'")) == 0)
			err = render_html(&page, doc);
		cJSON_Delete(doc);
		return err < 0 ? err
		               : cw_response_buf(res, status,
		                                 "text/html; charset=utf-8",
		                                 &page);
	}
	text = cw_json_print(doc);
	cJSON_Delete(doc);
	if (!text)
		return CW_ENOMEM;
	err = cw_response_text(res, status,
	                       pick == AS_JSON_LD ? "application/ld+json"
	                                          : "application/json",
	                       text, strlen(text));
	cw_free(text);
	return err;
}

typedef enum {
	DOC_ISSUER,
	DOC_OB2_ASSERTION,
	DOC_OB2_BADGECLASS,
	DOC_OB2_PROFILE,
	DOC_OB2_KEY,
	DOC_OB2_REVOCATIONS
} document_kind;

/* The issuer's id URL: a hosted issuer's Profile, which is its controller
 * document too; for others the controller document (its Profile rides in
 * each credential), and the Profile for people. */
static int issuer_document(cJSON **out, const cw_badges *b, const char *tenant,
                           const char *issuer, int for_people)
{
	cJSON *described = NULL;
	int err = cw_badges_issuer_get(&described, b, tenant, issuer);
	const char *kind = cw_json_string(described, "idKind");

	if (err == 0)
		err = for_people || (kind && strcmp(kind, "hosted") == 0)
		              ? cw_badges_issuer_profile(out, b, tenant, issuer)
		              : cw_badges_controller_document(out, b, tenant,
		                                              issuer);
	cJSON_Delete(described);
	return err;
}

static int load_document(cJSON **doc, int *revoked, cw_request *req,
                         const cw_badges *b, document_kind kind)
{
	const char *tenant = cw_request_param(req, "tenant");
	const char *id = cw_request_param(req, "id");
	const char *accept = cw_request_header(req, "Accept");
	static const char *const html[] = { "application/ld+json",
		                            "application/json", "text/html" };

	switch (kind) {
	case DOC_ISSUER:
		return issuer_document(doc, b, tenant, id,
		                       cw_negotiate(accept,
		                                    accept ? strlen(accept) : 0,
		                                    html, 3) == AS_HTML);
	case DOC_OB2_ASSERTION:
		return cw_badges_ob2_assertion(doc, revoked, b, tenant, id);
	case DOC_OB2_BADGECLASS:
		return cw_badges_ob2_badgeclass(doc, b, tenant, id);
	case DOC_OB2_PROFILE: return cw_badges_ob2_profile(doc, b, tenant, id);
	case DOC_OB2_KEY:
		return cw_badges_ob2_key(doc, b, tenant, id,
		                         cw_request_param(req, "kid"));
	case DOC_OB2_REVOCATIONS:
		return cw_badges_ob2_revocation_list(doc, b, tenant, id);
	}
	return CW_EINVAL;
}

static int serve_negotiated(cw_request *req, cw_response *res,
                            document_kind kind)
{
	cw_ctx *ctx = cw_request_ctx(req);
	cw_buf base = CW_BUF_INIT(4096);
	cJSON *doc = NULL;
	int revoked = 0, err = base_of(&base, ctx);
	cw_badges b = { ctx->store, ctx->master_key, cw_buf_cstr(&base),
		        ctx->contexts };

	if (err == 0)
		err = load_document(&doc, &revoked, req, &b, kind);
	cw_buf_dispose(&base);
	if (err == CW_ENOTFOUND) {
		cw_response_header(res, "Vary", "Accept");
		return not_found(res, "no such document");
	}
	if (err < 0)
		return err;
	/* OB 2.0 hosted verification: a revoked assertion is 410 Gone */
	return answer_negotiated(req, res, revoked ? 410 : 200, doc);
}

int cw_api_badge_issuer_keys(cw_request *req, cw_response *res)
{
	return serve_negotiated(req, res, DOC_ISSUER);
}

int cw_api_badge_ob2_assertion(cw_request *req, cw_response *res)
{
	return serve_negotiated(req, res, DOC_OB2_ASSERTION);
}

int cw_api_badge_ob2_badgeclass(cw_request *req, cw_response *res)
{
	return serve_negotiated(req, res, DOC_OB2_BADGECLASS);
}

int cw_api_badge_ob2_profile(cw_request *req, cw_response *res)
{
	return serve_negotiated(req, res, DOC_OB2_PROFILE);
}

int cw_api_badge_ob2_key(cw_request *req, cw_response *res)
{
	return serve_negotiated(req, res, DOC_OB2_KEY);
}

int cw_api_badge_ob2_revocations(cw_request *req, cw_response *res)
{
	return serve_negotiated(req, res, DOC_OB2_REVOCATIONS);
}

/* POST /verify: the daemon runs a badge's verification procedure. Every
 * document the badge names is fetched over http(s) under the badge caps,
 * off private networks unless fetch_private_addresses allows them (the
 * badge, not the operator, chose those URLs). */
typedef struct {
	cw_fetch_options net;
} verify_fetcher;

static int verify_fetch(void *arg, const char *url, char **body, size_t *len,
                        long *status)
{
	verify_fetcher *f = arg;
	cw_buf out = CW_BUF_INIT(CW_LIMIT_BADGE_FETCH_BYTES);
	int err = cw_net_fetch(&out, status, url, &f->net);
	if (err == 0) {
		*body = out.data ? cw_buf_detach(&out, len) : cw_strdup("");
		err = *body ? 0 : CW_ENOMEM;
	}
	cw_buf_dispose(&out);
	return err;
}

/* A baked PNG or SVG body is its embedded credential. */
static int body_input(char **owned, const char **input, size_t *len)
{
	cw_badge_image_type type;
	cw_badge_version version;
	int is_url = 0;
	*owned = NULL;
	if (!*len || **input == '{' ||
	    cw_badge_image_sniff(&type, (const unsigned char *)*input, *len) !=
	            0)
		return 0;
	int err = cw_badge_unbake(owned, len, &version, &is_url,
	                          (const unsigned char *)*input, *len);
	if (err == 0)
		*input = *owned;
	return err;
}

int cw_api_badge_verify(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	size_t len = 0;
	const char *input = cw_request_body(req, &len);
	char *owned = NULL;
	cw_badge_report *report = NULL;
	verify_fetcher f = { { CW_LIMIT_BADGE_FETCH_BYTES,
		               CW_LIMIT_BADGE_FETCH_TIMEOUT, NULL,
		               "application/ld+json, application/json, "
		               "text/plain",
		               !ctx->config->fetch_private_addresses } };
	int err = input ? body_input(&owned, &input, &len) : CW_EINVAL;
	if (err < 0) {
		cw_free(owned);
		return cw_response_json(
		        res, 400,
		        cw_imsx_status(
		                "failure", "error", "invalid_data",
		                err == CW_ENOTFOUND
		                        ? "the image carries no badge"
		                        : "the body is not a credential, "
		                          "a JWT or a baked image"));
	}
	cw_badge_verify_options o = { 0 };
	o.loader = ctx->contexts;
	o.fetch = verify_fetch;
	o.fetch_arg = &f;
	o.now_ms =
	        0; /* the clock as each step runs: lists made now are valid */
	err = cw_badge_verify(&report, input, len, &o);
	cw_free(owned);
	if (err < 0)
		return err;
	cJSON *doc = cw_badge_report_json(report);
	cw_badge_report_free(report);
	return cw_response_json(res, 200, doc);
}
