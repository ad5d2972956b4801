/* Badge verification: the report, the fetch and key-document plumbing, and
 * the choice of procedure (OB 2.0 hosted or signed, OB 3.0, CLR 2.0). */
#include "badge/verify.h"

#include "badge/statuslist.h"
#include "badge/verify_internal.h"
#include "crypto/didweb.h"
#include "crypto/jws.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *cw_badge_format_name(cw_badge_format format)
{
	switch (format) {
	case CW_BADGE_FORMAT_OB3_JSON: return "ob3 json";
	case CW_BADGE_FORMAT_OB3_JWT: return "ob3 jwt";
	case CW_BADGE_FORMAT_CLR: return "clr";
	case CW_BADGE_FORMAT_OB2_HOSTED: return "ob2 hosted";
	case CW_BADGE_FORMAT_OB2_SIGNED: return "ob2 signed";
	default: return "unknown";
	}
}

int cw_badge_report_new(cw_badge_report **out, cw_badge_format format)
{
	*out = cw_calloc(1, sizeof(**out));
	if (!*out)
		return CW_ENOMEM;
	(*out)->format = format;
	return 0;
}

void cw_badge_report_free(cw_badge_report *report)
{
	if (!report)
		return;
	for (size_t i = 0; i < report->nested_count; i++)
		cw_badge_report_free(report->nested[i]);
	cw_free(report->nested);
	cw_free(report->id);
	cw_free(report->issuer);
	cw_free(report);
}

const cw_badge_step *cw_badge_report_failure(const cw_badge_report *report)
{
	for (size_t i = 0; i < report->step_count; i++)
		if (report->steps[i].status == CW_BADGE_FAIL)
			return &report->steps[i];
	for (size_t i = 0; i < report->nested_count; i++) {
		const cw_badge_step *s =
		        cw_badge_report_failure(report->nested[i]);
		if (s)
			return s;
	}
	return NULL;
}

void cw_badge_report_set(char **field, const char *value)
{
	if (*field || !value)
		return;
	*field = cw_strdup(value);
}

void cw_badge_step_add(cw_badge_report *report, const char *name, int status,
                       const char *fmt, ...)
{
	va_list ap;
	cw_badge_step *s;

	if (report->step_count == CW_BADGE_MAX_STEPS - 1 &&
	    strcmp(name, "steps") != 0) {
		cw_badge_step_add(report, "steps", CW_BADGE_FAIL,
		                  "more than %d steps", CW_BADGE_MAX_STEPS);
		return;
	}
	if (report->step_count == CW_BADGE_MAX_STEPS)
		return;
	s = &report->steps[report->step_count++];
	s->name = name;
	s->status = status;
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
}

static int is_http_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	       strncasecmp(s, "https://", 8) == 0;
}

int cw_badge_fetch_text(char **out, size_t *len, long *status,
                        cw_badge_ctx *ctx, const char *url)
{
	const cw_badge_verify_options *o = ctx->options;

	*out = NULL;
	*len = 0;
	*status = 0;
	if (!url || !is_http_url(url)) {
		cw_error_set("%s: not an http(s) URL", url ? url : "(none)");
		return CW_EINVAL;
	}
	if (!o->fetch) {
		cw_error_set("%s: fetching is off", url);
		return CW_ENOTFOUND;
	}
	if (ctx->fetches >= CW_LIMIT_BADGE_FETCHES) {
		cw_error_set("more than %d fetches", CW_LIMIT_BADGE_FETCHES);
		return CW_ETOOBIG;
	}
	ctx->fetches++;
	int err = o->fetch(o->fetch_arg, url, out, len, status);
	if (err < 0) {
		cw_free(*out);
		*out = NULL;
	}
	return err;
}

int cw_badge_parse_object(cJSON **out, const char *text, size_t len)
{
	int err = cw_json_parse(out, text, len, CW_LIMIT_JSON_DEPTH_DEFAULT,
	                        NULL);
	if (err == 0 && !cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		cw_error_set("not a JSON object");
		err = CW_EINVAL;
	}
	return err;
}

int cw_badge_fetch_json(cJSON **out, long *status, cw_badge_ctx *ctx,
                        const char *url)
{
	char *text = NULL;
	size_t len = 0;
	int err = cw_badge_fetch_text(&text, &len, status, ctx, url);

	*out = NULL;
	if (err == 0 && (err = cw_badge_parse_object(out, text, len)) < 0)
		cw_error_set("%s: not a JSON object", url);
	cw_free(text);
	return err;
}

int cw_badge_has_string(const cJSON *item, const char *s)
{
	const cJSON *e;

	if (cJSON_IsString(item))
		return strcmp(item->valuestring, s) == 0;
	const cJSON *array = cJSON_IsArray(item) ? item : NULL;
	cJSON_ArrayForEach(e, array)
	{
		if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
			return 1;
	}
	return 0;
}

const char *cw_badge_id_of(const cJSON *item)
{
	if (cJSON_IsString(item))
		return item->valuestring;
	return cJSON_IsObject(item) ? cw_json_string(item, "id") : NULL;
}

void cw_badge_allow_key_url(cw_badge_ctx *ctx, const char *verification_method)
{
	const char *hash;
	char *url;

	if (cw_did_web_is(verification_method) &&
	    ctx->key_url_count < CW_LIMIT_BADGE_KEY_URLS) {
		cw_buf doc = CW_BUF_INIT(CW_DID_WEB_MAX + 64);

		/* its DID document's URL; a malformed one fails at resolving */
		if (cw_did_web_url(&doc, NULL, verification_method,
		                   strlen(verification_method)) == 0 &&
		    (url = cw_buf_detach(&doc, NULL)))
			ctx->key_urls[ctx->key_url_count++] = url;
		cw_buf_dispose(&doc);
		return;
	}
	if (!verification_method || !is_http_url(verification_method) ||
	    ctx->key_url_count == CW_LIMIT_BADGE_KEY_URLS)
		return;
	hash = strchr(verification_method, '#');
	url = hash ? cw_strndup(verification_method,
	                        (size_t)(hash - verification_method))
	           : cw_strdup(verification_method);
	if (url)
		ctx->key_urls[ctx->key_url_count++] = url;
}

/* The loader's fallback: the caller's loader, then (for the key documents
 * of the proofs only, never contexts) the fetch callback. */
static int loader_fetch(void *arg, const char *url, cJSON **doc)
{
	cw_badge_ctx *ctx = arg;
	const cJSON *found = NULL;
	long status = 0;

	if (cw_jsonld_loader_get(ctx->base, url, &found) == 0) {
		*doc = cJSON_Duplicate(found, 1);
		return *doc ? 0 : CW_ENOMEM;
	}
	for (int i = 0; i < ctx->key_url_count; i++)
		if (strcmp(ctx->key_urls[i], url) == 0)
			return cw_badge_fetch_json(doc, &status, ctx, url);
	cw_error_set("%s: not in the document loader", url);
	return CW_ENOTFOUND;
}

void cw_badge_check_identity(cw_badge_report *report, cw_badge_ctx *ctx,
                             const char *identity, int hashed, const char *salt)
{
	const char *want = ctx->options->recipient;
	int match = 0, err;

	if (!want) {
		cw_badge_step_add(report, "recipient", CW_BADGE_SKIPPED,
		                  "no recipient to check");
		return;
	}
	if (!identity) {
		cw_badge_step_add(report, "recipient", CW_BADGE_FAIL,
		                  "the badge names no recipient identity");
		return;
	}
	err = cw_badge_identity_matches(&match, identity, hashed, salt, want);
	if (err < 0)
		cw_badge_step_add(report, "recipient", CW_BADGE_FAIL, "%s",
		                  cw_error_last());
	else
		cw_badge_step_add(report, "recipient",
		                  match ? CW_BADGE_PASS : CW_BADGE_FAIL,
		                  "%s %s (%s)", want,
		                  match ? "matches" : "does not match",
		                  hashed ? "hashed" : "plain text");
}

static int is_vc(const cJSON *doc)
{
	const cJSON *context =
	        cJSON_GetObjectItemCaseSensitive(doc, "@context");
	const cJSON *c;

	if (cw_badge_has_string(cJSON_GetObjectItemCaseSensitive(doc, "type"),
	                        "VerifiableCredential") ||
	    cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "vc")))
		return 1;
	const cJSON *array = cJSON_IsArray(context) ? context : NULL;
	cJSON_ArrayForEach(c, array)
	{
		if (cJSON_IsString(c) &&
		    strstr(c->valuestring, "/credentials/"))
			return 1;
	}
	return 0;
}

static void verify_json(cw_badge_report *r, cw_badge_ctx *ctx, const char *text,
                        size_t len)
{
	cJSON *doc = NULL;
	const cJSON *verification;
	const char *type;

	if (cw_badge_parse_object(&doc, text, len) < 0) {
		cw_badge_step_add(r, "parse", CW_BADGE_FAIL, "%s",
		                  cw_error_last());
		goto out;
	}
	if (is_vc(doc)) {
		cw_badge_verify_vc(r, ctx, text, len, 0);
		goto out;
	}
	verification = cJSON_GetObjectItemCaseSensitive(doc, "verification");
	if (!verification)
		verification = cJSON_GetObjectItemCaseSensitive(doc, "verify");
	type = cw_json_string(verification, "type");
	if (type &&
	    (strcmp(type, "hosted") == 0 || strcmp(type, "HostedBadge") == 0)) {
		r->format = CW_BADGE_FORMAT_OB2_HOSTED;
		cw_badge_step_add(r, "parse", CW_BADGE_PASS, "JSON");
		cw_badge_verify_ob2_hosted(r, ctx, doc, NULL);
	} else {
		cw_badge_step_add(r, "parse", CW_BADGE_FAIL, "%s",
		                  type ? "an OB 2.0 signed badge is a "
		                         "compact JWS, not JSON"
		                       : "neither a verifiable credential "
		                         "nor a hosted OB 2.0 assertion");
	}
out:
	cJSON_Delete(doc);
}

/* A compact JWS: a VC-JWT, or an OB 2.0 signed assertion. */
static void verify_jws(cw_badge_report *r, cw_badge_ctx *ctx, const char *text,
                       size_t len)
{
	cw_jws_result *jws = NULL;
	cJSON *payload = NULL;

	if (cw_jws_parse(&jws, text, len, CW_JWS_OB2) < 0 ||
	    cw_badge_parse_object(&payload, (const char *)jws->payload,
	                          jws->payload_len) < 0) {
		cw_badge_step_add(r, "parse", CW_BADGE_FAIL, "JWS: %s",
		                  cw_error_last());
		goto out;
	}
	if (is_vc(payload))
		cw_badge_verify_vc(r, ctx, text, len, 1);
	else
		cw_badge_verify_ob2_signed(r, ctx, text, len);
out:
	cJSON_Delete(payload);
	cw_jws_result_free(jws);
}

static int is_image(const char *s, size_t len)
{
	return (len >= 4 && memcmp(s, "\x89PNG", 4) == 0) ||
	       (len >= 4 && strncmp(s, "<svg", 4) == 0) ||
	       (len >= 5 && strncmp(s, "<?xml", 5) == 0);
}

static void dispatch(cw_badge_report *r, cw_badge_ctx *ctx, const char *s,
                     size_t len)
{
	if (len > (size_t)CW_LIMIT_BADGE_INPUT)
		cw_badge_step_add(r, "parse", CW_BADGE_FAIL,
		                  "more than %ld bytes",
		                  (long)CW_LIMIT_BADGE_INPUT);
	else if (is_image(s, len))
		cw_badge_step_add(r, "parse", CW_BADGE_FAIL,
		                  "a baked image: unbake it first");
	else if (len > 7 && is_http_url(s) && !memchr(s, '\0', len) &&
	         !strpbrk(s, " \t\r\n")) {
		r->format = CW_BADGE_FORMAT_OB2_HOSTED;
		cw_badge_step_add(r, "parse", CW_BADGE_PASS, "a URL");
		cw_badge_verify_ob2_hosted(r, ctx, NULL, s);
	} else if (len && s[0] == '{')
		verify_json(r, ctx, s, len);
	else if (len >= 3 && strncmp(s, "eyJ", 3) == 0)
		verify_jws(r, ctx, s, len);
	else
		cw_badge_step_add(r, "parse", CW_BADGE_FAIL,
		                  "not JSON, a compact JWS or a URL");
}

static void finish(cw_badge_report *r)
{
	r->valid = cw_badge_report_failure(r) == NULL && r->step_count > 0;
}

int cw_badge_verify(cw_badge_report **out, const char *input, size_t len,
                    const cw_badge_verify_options *options)
{
	cw_badge_verify_options none = { 0 };
	cw_badge_ctx ctx = { 0 };
	char *text = NULL;
	int err;

	*out = NULL;
	if (!input)
		return CW_EINVAL;
	while (len && strchr(" \t\r\n", input[0]) && input[0]) {
		input++;
		len--;
	}
	while (len && strchr(" \t\r\n", input[len - 1]) && input[len - 1])
		len--;
	ctx.options = options ? options : &none;
	ctx.base = ctx.options->loader ? ctx.options->loader
	                               : cw_jsonld_loader_default();
	ctx.now_ms =
	        ctx.options->now_ms ? ctx.options->now_ms : cw_time_now_ms();
	if ((err = cw_badge_report_new(out, CW_BADGE_FORMAT_UNKNOWN)) < 0 ||
	    (err = cw_jsonld_loader_new(&ctx.loader)) < 0 ||
	    !(text = cw_strndup(input, len))) {
		err = err < 0 ? err : CW_ENOMEM;
		goto out;
	}
	cw_jsonld_loader_set_fetch(ctx.loader, loader_fetch, &ctx);
	dispatch(*out, &ctx, text, strlen(text)); /* up to a NUL byte */
	finish(*out);
out:
	if (err < 0) {
		cw_badge_report_free(*out);
		*out = NULL;
	}
	for (int i = 0; i < ctx.key_url_count; i++)
		cw_free(ctx.key_urls[i]);
	cw_jsonld_loader_free(ctx.loader);
	cw_free(text);
	return err;
}

static const char *status_name(int status)
{
	return status == CW_BADGE_PASS   ? "pass"
	       : status == CW_BADGE_FAIL ? "fail"
	                                 : "skipped";
}

cJSON *cw_badge_report_json(const cw_badge_report *r)
{
	cJSON *o = cJSON_CreateObject(), *steps = cJSON_CreateArray(),
	      *nested = cJSON_CreateArray();

	cJSON_AddBoolToObject(o, "valid", r->valid);
	cJSON_AddStringToObject(o, "format", cw_badge_format_name(r->format));
	cJSON_AddItemToObject(o, "id",
	                      r->id ? cJSON_CreateString(r->id)
	                            : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "issuer",
	                      r->issuer ? cJSON_CreateString(r->issuer)
	                                : cJSON_CreateNull());
	for (size_t i = 0; i < r->step_count; i++) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "name", r->steps[i].name);
		cJSON_AddStringToObject(s, "status",
		                        status_name(r->steps[i].status));
		cJSON_AddStringToObject(s, "detail", r->steps[i].detail);
		cJSON_AddItemToArray(steps, s);
	}
	for (size_t i = 0; i < r->nested_count; i++)
		cJSON_AddItemToArray(nested,
		                     cw_badge_report_json(r->nested[i]));
	cJSON_AddItemToObject(o, "steps", steps);
	cJSON_AddItemToObject(o, "nested", nested);
	return o;
}
