/* Open Badges 2.0 verification: hosted assertions (fetched from their id,
 * on the issuer's origin) and signed ones (RS256 JWS, a CryptographicKey
 * linked both ways with the issuer), revocation, recipient and expiry. */
#include "badge/verify_internal.h"
#include "crypto/jws.h"
#include "crypto/key.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* An embedded object, or the document its IRI names (fetched). */
static int resolve(cJSON **out, cw_badge_ctx *ctx, const cJSON *item)
{
	long status = 0;

	if (cJSON_IsObject(item)) {
		*out = cJSON_Duplicate(item, 1);
		return *out ? 0 : CW_ENOMEM;
	}
	if (!cJSON_IsString(item)) {
		*out = NULL;
		cw_error_set("neither an IRI nor an object");
		return CW_EINVAL;
	}
	return cw_badge_fetch_json(out, &status, ctx, item->valuestring);
}

/* Fetches the document property key of from names, checking its type. */
static cJSON *resolve_step(cw_badge_report *r, cw_badge_ctx *ctx,
                           const cJSON *from, const char *key,
                           const char *const types[2])
{
	cJSON *doc = NULL;
	const cJSON *type;

	if (resolve(&doc, ctx, cJSON_GetObjectItemCaseSensitive(from, key)) <
	    0) {
		cw_badge_step_add(r, key, CW_BADGE_FAIL, "%s", cw_error_last());
		return NULL;
	}
	type = cJSON_GetObjectItemCaseSensitive(doc, "type");
	if (!cw_badge_has_string(type, types[0]) &&
	    !(types[1] && cw_badge_has_string(type, types[1]))) {
		cw_badge_step_add(r, key, CW_BADGE_FAIL, "%s is not a %s",
		                  cw_badge_id_of(doc) ? cw_badge_id_of(doc)
		                                      : "the document",
		                  types[0]);
		cJSON_Delete(doc);
		return NULL;
	}
	cw_badge_step_add(r, key, CW_BADGE_PASS, "%s %s", types[0],
	                  cw_badge_id_of(doc) ? cw_badge_id_of(doc) : "");
	return doc;
}

/* type, badge (BadgeClass) and issuer (Profile): *issuer or NULL. */
static void check_assertion(cw_badge_report *r, cw_badge_ctx *ctx,
                            const cJSON *assertion, cJSON **issuer)
{
	static const char *const badge_types[2] = { "BadgeClass", NULL };
	static const char *const issuer_types[2] = { "Issuer", "Profile" };
	cJSON *badge = NULL;

	*issuer = NULL;
	cw_badge_report_set(&r->id, cw_json_string(assertion, "id"));
	if (cw_badge_has_string(
	            cJSON_GetObjectItemCaseSensitive(assertion, "type"),
	            "Assertion"))
		cw_badge_step_add(r, "type", CW_BADGE_PASS, "Assertion");
	else
		cw_badge_step_add(r, "type", CW_BADGE_FAIL,
		                  "type is not Assertion");
	badge = resolve_step(r, ctx, assertion, "badge", badge_types);
	if (badge)
		*issuer = resolve_step(r, ctx, badge, "issuer", issuer_types);
	else
		cw_badge_step_add(r, "issuer", CW_BADGE_SKIPPED,
		                  "no BadgeClass to name it");
	if (*issuer)
		cw_badge_report_set(&r->issuer, cw_badge_id_of(*issuer));
	cJSON_Delete(badge);
}

static void check_recipient_and_expiry(cw_badge_report *r, cw_badge_ctx *ctx,
                                       const cJSON *assertion)
{
	const cJSON *recipient =
	        cJSON_GetObjectItemCaseSensitive(assertion, "recipient");
	const char *expires = cw_json_string(assertion, "expires");
	int64_t at = 0;

	cw_badge_check_identity(r, ctx, cw_json_string(recipient, "identity"),
	                        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
	                                recipient, "hashed")),
	                        cw_json_string(recipient, "salt"));
	if (!expires)
		cw_badge_step_add(r, "validity", CW_BADGE_PASS,
		                  "does not expire");
	else if (cw_time_parse_iso(expires, &at) < 0)
		cw_badge_step_add(r, "validity", CW_BADGE_FAIL,
		                  "expires is not a dateTime: %s", expires);
	else
		cw_badge_step_add(
		        r, "validity",
		        at > ctx->now_ms ? CW_BADGE_PASS : CW_BADGE_FAIL,
		        "%s %s", at > ctx->now_ms ? "expires" : "expired",
		        expires);
}

/* The authority (host[:port]) of an http(s) URL into out. */
static int authority(char out[256], const char *url, int with_port)
{
	const char *start = url ? strstr(url, "://") : NULL, *end;
	size_t n;

	out[0] = '\0';
	if (!start)
		return CW_EINVAL;
	start += 3;
	end = start + strcspn(start, with_port ? "/?#" : ":/?#");
	n = (size_t)(end - start);
	if (n == 0 || n >= 256 || memchr(start, '@', n))
		return CW_EINVAL;
	memcpy(out, start, n);
	out[n] = '\0';
	return 0;
}

static int listed(const cJSON *list, const char *s, int host_only)
{
	char host[256];
	const cJSON *e;

	const cJSON *array = cJSON_IsArray(list) ? list : NULL;
	cJSON_ArrayForEach(e, array)
	{
		if (!cJSON_IsString(e))
			continue;
		if (host_only ? authority(host, s, 0) == 0 &&
		                        strcasecmp(host, e->valuestring) == 0
		              : strncmp(s, e->valuestring,
		                        strlen(e->valuestring)) == 0)
			return 1;
	}
	if (cJSON_IsString(list))
		return host_only ? authority(host, s, 0) == 0 &&
		                           strcasecmp(host,
		                                      list->valuestring) == 0
		                 : strncmp(s, list->valuestring,
		                           strlen(list->valuestring)) == 0;
	return 0;
}

/* A hosted id must be under the issuer's startsWith or allowedOrigins, or
 * by default on the issuer id's origin. */
static void check_origin(cw_badge_report *r, const char *id,
                         const cJSON *issuer)
{
	const cJSON *v =
	        cJSON_GetObjectItemCaseSensitive(issuer, "verification");
	const cJSON *starts = cJSON_GetObjectItemCaseSensitive(v, "startsWith");
	const cJSON *origins =
	        cJSON_GetObjectItemCaseSensitive(v, "allowedOrigins");
	char a[256], b[256];
	int ok;

	if (!issuer) {
		cw_badge_step_add(r, "origin", CW_BADGE_SKIPPED, "no issuer");
		return;
	}
	if (starts)
		ok = listed(starts, id, 0);
	else if (origins)
		ok = listed(origins, id, 1);
	else
		ok = authority(a, id, 1) == 0 &&
		     authority(b, cw_badge_id_of(issuer), 1) == 0 &&
		     strcasecmp(a, b) == 0;
	cw_badge_step_add(r, "origin", ok ? CW_BADGE_PASS : CW_BADGE_FAIL,
	                  "%s %s the issuer's %s", id,
	                  ok ? "is on" : "is not on",
	                  starts    ? "startsWith"
	                  : origins ? "allowedOrigins"
	                            : "origin");
}

static void check_revoked_flag(cw_badge_report *r, const cJSON *assertion)
{
	const char *reason = cw_json_string(assertion, "revocationReason");

	if (cJSON_IsTrue(
	            cJSON_GetObjectItemCaseSensitive(assertion, "revoked")))
		cw_badge_step_add(r, "revocation", CW_BADGE_FAIL, "revoked: %s",
		                  reason ? reason : "(no reason)");
	else
		cw_badge_step_add(r, "revocation", CW_BADGE_PASS,
		                  "not revoked");
}

/* The hosted copy at url: 410 Gone means revoked. */
static cJSON *fetch_hosted(cw_badge_report *r, cw_badge_ctx *ctx,
                           const char *url)
{
	cJSON *doc = NULL;
	long status = 0;

	if (cw_badge_fetch_json(&doc, &status, ctx, url) < 0) {
		if (status == 410)
			cw_badge_step_add(r, "revocation", CW_BADGE_FAIL,
			                  "%s: 410 Gone (revoked)", url);
		else
			cw_badge_step_add(r, "hosted", CW_BADGE_FAIL, "%s",
			                  cw_error_last());
		return NULL;
	}
	if (!cw_json_string(doc, "id") ||
	    strcmp(cw_json_string(doc, "id"), url) != 0) {
		cw_badge_step_add(r, "hosted", CW_BADGE_FAIL,
		                  "the assertion at %s has the id %s", url,
		                  cw_json_string(doc, "id")
		                          ? cw_json_string(doc, "id")
		                          : "(none)");
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

int cw_badge_verify_ob2_hosted(cw_badge_report *r, cw_badge_ctx *ctx,
                               const cJSON *given, const char *url)
{
	cJSON *hosted = NULL, *issuer = NULL;

	r->format = CW_BADGE_FORMAT_OB2_HOSTED;
	if (!url)
		url = cw_json_string(given, "id");
	if (!url || !(hosted = fetch_hosted(r, ctx, url))) {
		if (!url)
			cw_badge_step_add(r, "hosted", CW_BADGE_FAIL,
			                  "the assertion has no id");
		return 0;
	}
	cw_badge_step_add(r, "hosted", CW_BADGE_PASS, "%s%s", url,
	                  given && !cJSON_Compare(given, hosted, 1)
	                          ? ": differs from the input; the hosted "
	                            "copy is the one verified"
	                          : "");
	check_assertion(r, ctx, hosted, &issuer);
	check_origin(r, url, issuer);
	check_revoked_flag(r, hosted);
	check_recipient_and_expiry(r, ctx, hosted);
	cJSON_Delete(issuer);
	cJSON_Delete(hosted);
	return 0;
}

/* The key the JWS names (verification.creator), or the issuer's first. */
static const char *key_url(const cJSON *assertion, const cJSON *issuer)
{
	const cJSON *v =
	        cJSON_GetObjectItemCaseSensitive(assertion, "verification");
	const cJSON *keys =
	        cJSON_GetObjectItemCaseSensitive(issuer, "publicKey");

	if (!v)
		v = cJSON_GetObjectItemCaseSensitive(assertion, "verify");
	if (cw_json_string(v, "creator"))
		return cw_json_string(v, "creator");
	return cw_badge_id_of(cJSON_IsArray(keys) ? cJSON_GetArrayItem(keys, 0)
	                                          : keys);
}

static int lists_key(const cJSON *keys, const char *id)
{
	const cJSON *e;

	if (!cJSON_IsArray(keys))
		return cw_badge_id_of(keys) &&
		       strcmp(cw_badge_id_of(keys), id) == 0;
	cJSON_ArrayForEach(e, keys)
	{
		if (cw_badge_id_of(e) && strcmp(cw_badge_id_of(e), id) == 0)
			return 1;
	}
	return 0;
}

/* proof (the JWS under the CryptographicKey) and key (the two-way link). */
static void check_signature(cw_badge_report *r, cw_badge_ctx *ctx,
                            const char *jws, size_t len, const char *url,
                            const cJSON *issuer)
{
	cJSON *doc = NULL;
	cw_key *key = NULL;
	cw_jws_result *verified = NULL;
	const char *pem, *owner;
	long status = 0;

	if (!url || cw_badge_fetch_json(&doc, &status, ctx, url) < 0 ||
	    !(pem = cw_json_string(doc, "publicKeyPem")) ||
	    cw_key_read_pem(&key, pem, strlen(pem)) < 0) {
		cw_badge_step_add(r, "proof", CW_BADGE_FAIL, "key %s: %s",
		                  url ? url : "(none named)",
		                  url ? cw_error_last() : "no creator");
		goto out;
	}
	if (cw_jws_verify(&verified, jws, len, key, CW_JWS_OB2) < 0)
		cw_badge_step_add(r, "proof", CW_BADGE_FAIL, "%s",
		                  cw_error_last());
	else
		cw_badge_step_add(r, "proof", CW_BADGE_PASS, "JWS %s by %s",
		                  verified->alg, url);
	owner = cw_json_string(doc, "owner");
	if (issuer && owner && cw_badge_id_of(issuer) &&
	    strcmp(owner, cw_badge_id_of(issuer)) == 0 &&
	    lists_key(cJSON_GetObjectItemCaseSensitive(issuer, "publicKey"),
	              url))
		cw_badge_step_add(r, "key", CW_BADGE_PASS,
		                  "owned by the issuer, which lists it");
	else
		cw_badge_step_add(r, "key", CW_BADGE_FAIL,
		                  "the key's owner and the issuer's publicKey "
		                  "do not name each other");
out:
	cw_jws_result_free(verified);
	cw_key_free(key);
	cJSON_Delete(doc);
}

static int revoked_in(const cJSON *list, const char *id)
{
	const cJSON *e;

	cJSON_ArrayForEach(
	        e, cJSON_GetObjectItemCaseSensitive(list, "revokedAssertions"))
	{
		if (id && cw_badge_id_of(e) &&
		    strcmp(cw_badge_id_of(e), id) == 0)
			return 1;
	}
	return 0;
}

static void check_revocation_list(cw_badge_report *r, cw_badge_ctx *ctx,
                                  const cJSON *assertion, const cJSON *issuer)
{
	const char *url = cw_json_string(issuer, "revocationList");
	const char *id = cw_json_string(assertion, "id");
	const char *uid = cw_json_string(assertion, "uid");
	cJSON *list = NULL;
	long status = 0;

	if (cJSON_IsTrue(
	            cJSON_GetObjectItemCaseSensitive(assertion, "revoked")))
		check_revoked_flag(r, assertion);
	else if (!url)
		cw_badge_step_add(r, "revocation", CW_BADGE_SKIPPED,
		                  "the issuer has no revocationList");
	else if (cw_badge_fetch_json(&list, &status, ctx, url) < 0)
		cw_badge_step_add(r, "revocation", CW_BADGE_FAIL, "%s",
		                  cw_error_last());
	else if (revoked_in(list, id) || revoked_in(list, uid))
		cw_badge_step_add(r, "revocation", CW_BADGE_FAIL,
		                  "%s is in the revocation list %s",
		                  revoked_in(list, id) ? id : uid, url);
	else
		cw_badge_step_add(r, "revocation", CW_BADGE_PASS,
		                  "not in the revocation list %s", url);
	cJSON_Delete(list);
}

int cw_badge_verify_ob2_signed(cw_badge_report *r, cw_badge_ctx *ctx,
                               const char *jws, size_t len)
{
	cw_jws_result *parsed = NULL;
	cJSON *assertion = NULL, *issuer = NULL;

	r->format = CW_BADGE_FORMAT_OB2_SIGNED;
	if (cw_jws_parse(&parsed, jws, len, CW_JWS_OB2) < 0 ||
	    cw_badge_parse_object(&assertion, (const char *)parsed->payload,
	                          parsed->payload_len) < 0) {
		cw_badge_step_add(r, "parse", CW_BADGE_FAIL, "%s",
		                  cw_error_last());
		goto out;
	}
	cw_badge_step_add(r, "parse", CW_BADGE_PASS, "JWS %s", parsed->alg);
	check_assertion(r, ctx, assertion, &issuer);
	check_signature(r, ctx, jws, len, key_url(assertion, issuer), issuer);
	check_revocation_list(r, ctx, assertion, issuer);
	check_recipient_and_expiry(r, ctx, assertion);
out:
	cJSON_Delete(issuer);
	cJSON_Delete(assertion);
	cw_jws_result_free(parsed);
	return 0;
}
