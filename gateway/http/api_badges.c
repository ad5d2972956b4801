/* The documents a badge's verifier fetches, public as the standards want:
 * an issuer's status list (BitstringStatusListCredential, signed at each
 * request from the store's current bits), its 1EdTechRevocationList, and
 * its controller document (Multikey / JsonWebKey verification methods,
 * retired keys included so old credentials keep verifying). */
#include "http/api.h"
#include "http/server.h"

#include "engine/badges.h"
#include "http/imsx.h"
#include "util/buf.h"
#include "util/error.h"

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
	cw_badges b = { ctx->store, ctx->master_key, cw_buf_cstr(&base), NULL };
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
