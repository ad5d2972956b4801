/* Open Badges 3.0 and CLR 2.0 verification (VC Data Model 2.0 or 1.1):
 * type, subject, proof (Data Integrity or VC-JWT), validity, status,
 * refresh, recipient, schema, and every credential a CLR nests. */
#include "badge/statuslist.h"
#include "badge/verify_internal.h"
#include "crypto/dataintegrity.h"
#include "crypto/jws.h"
#include "crypto/validity.h"
#include "crypto/vcjwt.h"
#include "util/alloc.h"
#include "schema/schema.h"
#include "util/error.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int cw_badge_vc_load(cJSON **out, const char *text, size_t len, int is_jwt)
{
	cw_jws_result *jws = NULL;
	cJSON *payload = NULL;
	int err;

	*out = NULL;
	if (!is_jwt)
		return cw_badge_parse_object(out, text, len);
	if ((err = cw_jws_parse(&jws, text, len, 0)) < 0 ||
	    (err = cw_badge_parse_object(&payload, (const char *)jws->payload,
	                                 jws->payload_len)) < 0)
		goto out;
	if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(payload, "vc")))
		*out = cJSON_DetachItemFromObjectCaseSensitive(payload, "vc");
	else {
		*out = payload;
		payload = NULL;
	}
out:
	cJSON_Delete(payload);
	cw_jws_result_free(jws);
	return err;
}

static void allow_proof_keys(cw_badge_ctx *ctx, const cJSON *credential)
{
	const cJSON *proof = cJSON_GetObjectItemCaseSensitive(credential,
	                                                      "proof"),
	            *p;

	if (cJSON_IsObject(proof))
		cw_badge_allow_key_url(
		        ctx, cw_json_string(proof, "verificationMethod"));
	cJSON_ArrayForEach(p, (cJSON_IsArray(proof) ? proof : NULL))
	        cw_badge_allow_key_url(ctx,
	                               cw_json_string(p, "verificationMethod"));
}

static int proof_di(cJSON **verified, cw_badge_ctx *ctx,
                    const cJSON *credential, char *detail, size_t n)
{
	cw_di_verify_options o = { ctx->loader, NULL, NULL };
	cw_di_report report = { 0 };
	int err;

	if (!cJSON_GetObjectItemCaseSensitive(credential, "proof")) {
		snprintf(detail, n, "no proof");
		return CW_EINVAL;
	}
	allow_proof_keys(ctx, credential);
	err = cw_di_verify(credential, &o, &report);
	if (err == 0) {
		snprintf(detail, n, "%s %s by %s", report.type,
		         report.cryptosuite, report.verification_method);
		*verified = cJSON_Duplicate(credential, 1);
		err = *verified ? 0 : CW_ENOMEM;
	} else {
		snprintf(detail, n, "%s%s%s", report.step,
		         report.step[0] ? ": " : "",
		         report.message[0] ? report.message : cw_error_last());
	}
	cw_di_report_dispose(&report);
	return err;
}

static int proof_jwt(cJSON **verified, cw_badge_ctx *ctx, const char *text,
                     size_t len, char *detail, size_t n)
{
	cw_jws_result *jws = NULL;
	cw_key *key = NULL;
	int err = cw_jws_parse(&jws, text, len, 0);

	if (err == 0 && !jws->jwk_key && !jws->kid) {
		cw_error_set("the JOSE header has neither kid nor jwk");
		err = CW_EINVAL;
	}
	if (err == 0 && !jws->jwk_key) {
		cw_badge_allow_key_url(ctx, jws->kid);
		err = cw_di_resolve_key(&key, jws->kid, ctx->loader);
	}
	if (err == 0)
		err = cw_vcjwt_verify(verified, text, len, key);
	if (err == 0)
		snprintf(detail, n, "VC-JWT %s by %s", jws->alg,
		         jws->kid ? jws->kid : "the header's jwk");
	else
		snprintf(detail, n, "%s", cw_error_last());
	cw_key_free(key);
	cw_jws_result_free(jws);
	return err;
}

int cw_badge_vc_proof(cJSON **verified, cw_badge_ctx *ctx,
                      const cJSON *credential, const char *text, size_t len,
                      int is_jwt, char *detail, size_t detail_len)
{
	*verified = NULL;
	if (is_jwt)
		return proof_jwt(verified, ctx, text, len, detail, detail_len);
	return proof_di(verified, ctx, credential, detail, detail_len);
}

static void check_type(cw_badge_report *r, const cJSON *credential)
{
	const cJSON *type =
	        cJSON_GetObjectItemCaseSensitive(credential, "type");
	const char *kinds[] = { "ClrCredential", "OpenBadgeCredential",
		                "AchievementCredential",
		                "EndorsementCredential" };

	if (!cw_badge_has_string(type, "VerifiableCredential")) {
		cw_badge_step_add(r, "type", CW_BADGE_FAIL,
		                  "type lacks VerifiableCredential");
		return;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (cw_badge_has_string(type, kinds[i])) {
			cw_badge_step_add(r, "type", CW_BADGE_PASS, "%s",
			                  kinds[i]);
			return;
		}
	cw_badge_step_add(r, "type", CW_BADGE_PASS,
	                  "VerifiableCredential (not an Open Badge or CLR)");
}

static void check_subject(cw_badge_report *r, const cJSON *credential)
{
	const cJSON *subject = cJSON_GetObjectItemCaseSensitive(
	        credential, "credentialSubject");

	if (!cJSON_IsObject(subject))
		cw_badge_step_add(r, "subject", CW_BADGE_FAIL,
		                  "credentialSubject is not one object");
	else if (cw_json_string(subject, "id"))
		cw_badge_step_add(r, "subject", CW_BADGE_PASS, "id %s",
		                  cw_json_string(subject, "id"));
	else if (cJSON_GetObjectItemCaseSensitive(subject, "identifier"))
		cw_badge_step_add(r, "subject", CW_BADGE_PASS, "identifier");
	else
		cw_badge_step_add(r, "subject", CW_BADGE_FAIL,
		                  "credentialSubject has neither id nor "
		                  "identifier");
}

static int identifier_matches(const cJSON *identifier, const char *want)
{
	int match = 0;
	const cJSON *hashed =
	        cJSON_GetObjectItemCaseSensitive(identifier, "hashed");

	if (cw_badge_identity_matches(
	            &match, cw_json_string(identifier, "identityHash"),
	            cJSON_IsTrue(hashed), cw_json_string(identifier, "salt"),
	            want) < 0)
		return 0;
	return match;
}

static void check_recipient(cw_badge_report *r, cw_badge_ctx *ctx,
                            const cJSON *credential)
{
	const char *want = ctx->options->recipient, *id;
	const cJSON *subject = cJSON_GetObjectItemCaseSensitive(
	                    credential, "credentialSubject"),
	            *ids, *e;

	if (!want) {
		cw_badge_step_add(r, "recipient", CW_BADGE_SKIPPED,
		                  "no recipient to check");
		return;
	}
	id = cw_json_string(subject, "id");
	if (id &&
	    (strcasecmp(id, want) == 0 || (strncasecmp(id, "mailto:", 7) == 0 &&
	                                   strcasecmp(id + 7, want) == 0))) {
		cw_badge_step_add(r, "recipient", CW_BADGE_PASS,
		                  "%s matches credentialSubject.id", want);
		return;
	}
	ids = cJSON_GetObjectItemCaseSensitive(subject, "identifier");
	if (cJSON_IsObject(ids) && identifier_matches(ids, want))
		e = ids;
	else
		cJSON_ArrayForEach(e, (cJSON_IsArray(ids) ? ids : NULL))
		{
			if (identifier_matches(e, want))
				break;
		}
	if (e)
		cw_badge_step_add(r, "recipient", CW_BADGE_PASS,
		                  "%s matches an identifier (%s)", want,
		                  cw_json_string(e, "identityType")
		                          ? cw_json_string(e, "identityType")
		                          : "IdentityObject");
	else
		cw_badge_step_add(r, "recipient", CW_BADGE_FAIL,
		                  "%s matches neither credentialSubject.id nor "
		                  "an identifier",
		                  want);
}

/* Whether text is a compact JWS rather than JSON. */
static int looks_like_jwt(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t' ||
	                   text[i] == '\r' || text[i] == '\n'))
		i++;
	return i < len && text[i] != '{';
}

/* VCCR 1.0 (1EdTechCredentialRefresh), the verification procedure's step
 * 3: once the proof verifies, the credential at refreshService.id is
 * fetched, once. When it is a credential of the same issuer whose type and
 * proof verify, *out is it (what its proof covers) and the steps after
 * this one read it; else *out is NULL and they read the original ("if
 * refresh fails, continue with the original"), so a failed refresh is
 * reported skipped, never failed. */
static void check_refresh(cJSON **out, cw_badge_report *r, cw_badge_ctx *ctx,
                          const cJSON *credential, int proof_ok)
{
	const cJSON *refresh =
	        cJSON_GetObjectItemCaseSensitive(credential, "refreshService");
	const char *type = cw_json_string(refresh, "type");
	const char *url = cw_json_string(refresh, "id");
	const char *issuer = cw_badge_id_of(
	        cJSON_GetObjectItemCaseSensitive(credential, "issuer"));
	cJSON *fresh = NULL, *verified = NULL;
	char *text = NULL, detail[512] = "";
	size_t len = 0;
	long status = 0;

	*out = NULL;
	if (!refresh) {
		cw_badge_step_add(r, "refresh", CW_BADGE_SKIPPED,
		                  "no refreshService");
		return;
	}
	if (!type || strcmp(type, "1EdTechCredentialRefresh") != 0 || !url) {
		cw_badge_step_add(r, "refresh", CW_BADGE_SKIPPED,
		                  "refreshService %s is not a "
		                  "1EdTechCredentialRefresh with an id: "
		                  "verified as issued",
		                  type ? type : "without a type");
		return;
	}
	if (!proof_ok) {
		cw_badge_step_add(r, "refresh", CW_BADGE_SKIPPED,
		                  "not refreshed: the proof does not verify");
		return;
	}
	if (cw_badge_fetch_text(&text, &len, &status, ctx, url) < 0) {
		cw_badge_step_add(r, "refresh", CW_BADGE_SKIPPED,
		                  "refreshing failed (%s): verified as issued",
		                  cw_error_last());
		return;
	}
	int is_jwt = looks_like_jwt(text, len);
	const char *fresh_issuer = NULL;
	if (status && (status < 200 || status > 299)) { /* 0: a local file */
		cw_badge_step_add(r, "refresh", CW_BADGE_SKIPPED,
		                  "%s answered HTTP %ld: verified as issued",
		                  url, status);
	} else if (cw_badge_vc_load(&fresh, text, len, is_jwt) < 0) {
		cw_badge_step_add(r, "refresh", CW_BADGE_SKIPPED,
		                  "%s answered no credential (%s): verified as "
		                  "issued",
		                  url, cw_error_last());
	} else if (!cw_badge_has_string(
	                   cJSON_GetObjectItemCaseSensitive(fresh, "type"),
	                   "VerifiableCredential")) {
		cw_badge_step_add(r, "refresh", CW_BADGE_SKIPPED,
		                  "%s answered a document whose type lacks "
		                  "VerifiableCredential: verified as issued",
		                  url);
	} else if (!issuer ||
	           !(fresh_issuer =
	                     cw_badge_id_of(cJSON_GetObjectItemCaseSensitive(
	                             fresh, "issuer"))) ||
	           strcmp(issuer, fresh_issuer) != 0) {
		cw_badge_step_add(r, "refresh", CW_BADGE_SKIPPED,
		                  "the credential at %s has issuer %s, not %s: "
		                  "verified as issued",
		                  url, fresh_issuer ? fresh_issuer : "(none)",
		                  issuer ? issuer : "(none)");
	} else if (cw_badge_vc_proof(&verified, ctx, fresh, text, len, is_jwt,
	                             detail, sizeof(detail)) < 0) {
		cw_badge_step_add(r, "refresh", CW_BADGE_SKIPPED,
		                  "the credential at %s does not verify (%s): "
		                  "verified as issued",
		                  url, detail);
	} else {
		const char *id =
		        cw_json_string(verified ? verified : fresh, "id");
		cw_badge_step_add(r, "refresh", CW_BADGE_PASS,
		                  "refreshed from %s: %s, its proof verifies; "
		                  "the steps below check it",
		                  url, id ? id : "(no id)");
		*out = verified ? verified : fresh;
		if (verified)
			cJSON_Delete(fresh);
		fresh = verified = NULL;
	}
	cJSON_Delete(verified);
	cJSON_Delete(fresh);
	cw_free(text);
}

/* Validates credential against the schema at id (fetched under the badge
 * caps, as a verifier gets it): 1 valid, 0 not (why set), -1 when the
 * schema could not be had (why set). */
static int schema_validates(cw_badge_ctx *ctx, const cJSON *credential,
                            const char *id, char *why, size_t n)
{
	cJSON *doc = NULL;
	cw_schema *schema = NULL;
	cw_schema_options o;
	cw_schema_result result = { 0 };
	long status = 0;
	int err = cw_badge_fetch_json(&doc, &status, ctx, id), verdict = -1;

	cw_schema_options_init(&o);
	o.default_draft =
	        CW_SCHEMA_DRAFT_2019_09; /* 1EdTechJsonSchemaValidator2019 */
	o.base_uri = id;
	if (err < 0) {
		snprintf(why, n, "%s", cw_error_last()); /* names the URL */
	} else if ((err = cw_schema_compile(&schema, doc, NULL, &o)) < 0) {
		snprintf(why, n, "%s is no schema I can compile: %s", id,
		         cw_error_last());
	} else if ((err = cw_schema_validate(&result, schema, credential)) ==
	           0) {
		verdict = 1;
	} else if (err == CW_EINVAL && result.count) {
		char *text = cw_schema_error_text(&result.errors[0]);
		snprintf(why, n, "%s: %s%s", id, text ? text : "invalid",
		         result.count > 1 ? " (and more)" : "");
		cw_free(text);
		verdict = 0;
	} else {
		snprintf(why, n, "%s: %s", id, cw_error_last());
	}
	cw_schema_result_dispose(&result);
	cw_schema_free(schema);
	cJSON_Delete(doc);
	return verdict;
}

/* credentialSchema: each JSON Schema named is fetched and applied. */
static void check_schema(cw_badge_report *r, cw_badge_ctx *ctx,
                         const cJSON *credential)
{
	const cJSON *schemas = cJSON_GetObjectItemCaseSensitive(
	                    credential, "credentialSchema"),
	            *s;
	char why[512] = "", first[512] = "";
	int checked = 0, failed = 0, unreadable = 0;

	if (!schemas) {
		cw_badge_step_add(r, "schema", CW_BADGE_SKIPPED,
		                  "no credentialSchema");
		return;
	}
	for (s = cJSON_IsArray(schemas) ? schemas->child : schemas; s;
	     s = cJSON_IsArray(schemas) ? s->next : NULL) {
		const char *id = cw_badge_id_of(s);
		int v = id ? schema_validates(ctx, credential, id, why,
		                              sizeof(why))
		           : (snprintf(why, sizeof(why),
		                       "a credentialSchema "
		                       "without an id"),
		              -1);
		if (v == 0 && !failed++)
			snprintf(first, sizeof(first), "%s", why);
		else if (v < 0 && !unreadable++ && !failed)
			snprintf(first, sizeof(first), "%s", why);
		checked += v == 1;
	}
	if (failed)
		cw_badge_step_add(r, "schema", CW_BADGE_FAIL, "%s", first);
	else if (unreadable)
		cw_badge_step_add(r, "schema", CW_BADGE_SKIPPED,
		                  "%d schema(s) validated; could not check: %s",
		                  checked, first);
	else
		cw_badge_step_add(r, "schema", CW_BADGE_PASS,
		                  "valid against %d schema(s)", checked);
}

static int verify_nested_one(cw_badge_report *r, cw_badge_ctx *ctx,
                             const cJSON *item)
{
	cw_badge_report *sub = NULL;
	char *text = cJSON_IsString(item) ? cw_strdup(item->valuestring)
	                                  : cw_json_print(item);
	int err = text ? cw_badge_report_new(&sub, CW_BADGE_FORMAT_UNKNOWN)
	               : CW_ENOMEM;

	if (err < 0)
		goto out;
	ctx->depth++;
	cw_badge_verify_vc(sub, ctx, text, strlen(text), cJSON_IsString(item));
	ctx->depth--;
	sub->valid = cw_badge_report_failure(sub) == NULL;
	r->nested[r->nested_count++] = sub;
out:
	cw_free(text);
	return err;
}

static void check_nested(cw_badge_report *r, cw_badge_ctx *ctx,
                         const cJSON *credential)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetObjectItemCaseSensitive(credential,
	                                         "credentialSubject"),
	        "verifiableCredential");
	int n = cJSON_GetArraySize(list), invalid = 0;

	if (!cJSON_IsArray(list) || n == 0 || n > CW_LIMIT_BADGE_NESTED ||
	    ctx->depth > 0 || r->nested) {
		cw_badge_step_add(r, "nested", CW_BADGE_FAIL,
		                  "credentialSubject.verifiableCredential must "
		                  "be 1 to %d credentials, not nested deeper",
		                  CW_LIMIT_BADGE_NESTED);
		return;
	}
	if (!(r->nested = cw_calloc((size_t)n, sizeof(*r->nested))))
		return;
	for (int i = 0; i < n; i++)
		if (verify_nested_one(r, ctx, cJSON_GetArrayItem(list, i)) < 0)
			invalid++;
	for (size_t i = 0; i < r->nested_count; i++)
		invalid += !r->nested[i]->valid;
	cw_badge_step_add(r, "nested", invalid ? CW_BADGE_FAIL : CW_BADGE_PASS,
	                  "%d of %d nested credentials valid", n - invalid, n);
}

/* The endorsements of the credential, its issuer and its achievement,
 * each an EndorsementCredential verified as a credential of its own. */
static void gather_endorsements(const cJSON **out, int *n, const cJSON *o)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(o, "endorsement"),
	            *e;

	if (!cJSON_IsArray(list))
		return;
	cJSON_ArrayForEach(e, list)
	{
		if (*n < CW_LIMIT_BADGE_NESTED)
			out[(*n)++] = e;
	}
}

static void check_endorsements(cw_badge_report *r, cw_badge_ctx *ctx,
                               const cJSON *credential)
{
	const cJSON *found[CW_LIMIT_BADGE_NESTED];
	const cJSON *subject = cJSON_GetObjectItemCaseSensitive(
	        credential, "credentialSubject");
	int n = 0, invalid = 0;
	size_t before = r->nested_count;
	cw_badge_report **grown;

	gather_endorsements(found, &n, credential);
	gather_endorsements(
	        found, &n,
	        cJSON_GetObjectItemCaseSensitive(credential, "issuer"));
	gather_endorsements(
	        found, &n,
	        cJSON_GetObjectItemCaseSensitive(subject, "achievement"));
	if (n == 0) {
		cw_badge_step_add(r, "endorsements", CW_BADGE_SKIPPED,
		                  "no endorsement");
		return;
	}
	if (!(grown = cw_realloc(r->nested,
	                         (before + (size_t)n) * sizeof(*grown))))
		return;
	r->nested = grown;
	for (int i = 0; i < n; i++)
		if (verify_nested_one(r, ctx, found[i]) < 0)
			invalid++;
	for (size_t i = before; i < r->nested_count; i++)
		invalid += !r->nested[i]->valid;
	cw_badge_step_add(r, "endorsements",
	                  invalid ? CW_BADGE_FAIL : CW_BADGE_PASS,
	                  "%d of %d endorsements verify", n - invalid, n);
}

static void set_identity(cw_badge_report *r, const cJSON *credential,
                         int is_jwt)
{
	const cJSON *type =
	        cJSON_GetObjectItemCaseSensitive(credential, "type");

	r->format = cw_badge_has_string(type, "ClrCredential")
	                    ? CW_BADGE_FORMAT_CLR
	            : is_jwt ? CW_BADGE_FORMAT_OB3_JWT
	                     : CW_BADGE_FORMAT_OB3_JSON;
	cw_badge_report_set(&r->id, cw_json_string(credential, "id"));
	cw_badge_report_set(&r->issuer,
	                    cw_badge_id_of(cJSON_GetObjectItemCaseSensitive(
	                            credential, "issuer")));
}

static void check_validity(cw_badge_report *r, cw_badge_ctx *ctx,
                           const cJSON *credential)
{
	char why[256] = "";

	if (cw_vc_check_validity(credential, ctx->now_ms, why, sizeof(why)) < 0)
		cw_badge_step_add(r, "validity", CW_BADGE_FAIL, "%s", why);
	else
		cw_badge_step_add(r, "validity", CW_BADGE_PASS,
		                  "within its validity period");
}

int cw_badge_verify_vc(cw_badge_report *r, cw_badge_ctx *ctx, const char *text,
                       size_t len, int is_jwt)
{
	cJSON *credential = NULL, *verified = NULL, *refreshed = NULL;
	char detail[512] = "";
	int err = cw_badge_vc_load(&credential, text, len, is_jwt);

	if (err < 0) {
		cw_badge_step_add(r, "parse", CW_BADGE_FAIL, "%s",
		                  cw_error_last());
		goto out;
	}
	set_identity(r, credential, is_jwt);
	cw_badge_step_add(r, "parse", CW_BADGE_PASS, "%s",
	                  is_jwt ? "VC-JWT" : "JSON");
	check_type(r, credential);
	check_subject(r, credential);
	err = cw_badge_vc_proof(&verified, ctx, credential, text, len, is_jwt,
	                        detail, sizeof(detail));
	cw_badge_step_add(r, "proof", err < 0 ? CW_BADGE_FAIL : CW_BADGE_PASS,
	                  "%s", detail);
	/* The checks below read what the proof covers when it verified, or
	 * the credential it was refreshed to. */
	const cJSON *c = verified ? verified : credential;
	check_refresh(&refreshed, r, ctx, c, err == 0);
	if (refreshed)
		c = refreshed;
	check_validity(r, ctx, c);
	cw_badge_check_status(r, ctx, c);
	check_schema(r, ctx, c);
	check_recipient(r, ctx, c);
	if (r->format == CW_BADGE_FORMAT_CLR)
		check_nested(r, ctx, c);
	if (ctx->depth == 0)
		check_endorsements(r, ctx, c);
	err = 0;
out:
	cJSON_Delete(refreshed);
	cJSON_Delete(verified);
	cJSON_Delete(credential);
	return err;
}
