/* The documents a badge's verifier fetches, public as the standards want:
 * an issuer's status list (BitstringStatusListCredential, signed at each
 * request from the store's current bits), its 1EdTechRevocationList, and
 * its controller document (Multikey / JsonWebKey verification methods,
 * retired keys included so old credentials keep verifying). */
#include "http/api.h"
#include "http/server.h"

#include "badge/bake.h"
#include "badge/verify.h"
#include "engine/badges.h"
#include "http/imsx.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
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

static int serve(cw_request *req, cw_response *res, document_fn fn)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *tenant = cw_request_param(req, "tenant");
	const char *issuer = cw_request_param(req, "id");
	cw_buf base = CW_BUF_INIT(4096);
	cJSON *doc = NULL;
	if (ctx->config->public_base_url && *ctx->config->public_base_url)
		cw_buf_puts(&base, ctx->config->public_base_url);
	else
		cw_buf_printf(&base, "http://%s", ctx->config->listen);
	cw_badges b = { ctx->store, ctx->master_key, cw_buf_cstr(&base),
		        ctx->contexts };
	int err = base.error ? base.error : fn(&doc, &b, tenant, issuer);
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

int cw_api_badge_revocation_list(cw_request *req, cw_response *res)
{
	return serve(req, res, cw_badges_revocation_list);
}

int cw_api_badge_issuer_keys(cw_request *req, cw_response *res)
{
	return serve(req, res, cw_badges_controller_document);
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
	o.now_ms = 0; /* the clock as each step runs: lists made now are valid */
	err = cw_badge_verify(&report, input, len, &o);
	cw_free(owned);
	if (err < 0)
		return err;
	cJSON *doc = cw_badge_report_json(report);
	cw_badge_report_free(report);
	return cw_response_json(res, 200, doc);
}
