/* credentialStatus of OB 3.0 / CLR 2.0 credentials: W3C Bitstring Status
 * List entries (the list credential's own proof verified too) and 1EdTech
 * Revocation Lists (VCRL 1.0). */
#include "badge/statuslist.h"
#include "badge/verify_internal.h"
#include "crypto/validity.h"
#include "util/timeutil.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* statusListIndex: a string of digits (the spec), or a number. */
static int list_index(uint64_t *out, const cJSON *entry)
{
	const cJSON *v =
	        cJSON_GetObjectItemCaseSensitive(entry, "statusListIndex");
	char *end = NULL;

	if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble < 9007199254740992.0 &&
	    v->valuedouble == (double)(uint64_t)v->valuedouble) {
		*out = (uint64_t)v->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(v) || v->valuestring[0] < '0' ||
	    v->valuestring[0] > '9')
		return CW_EINVAL;
	*out = strtoull(v->valuestring, &end, 10);
	return *end == '\0' ? 0 : CW_EINVAL;
}

/* Fetches the status list credential and verifies its proof and period. */
static int fetch_list(cJSON **verified, cw_badge_ctx *ctx, const char *url,
                      char *detail, size_t n)
{
	char *text = NULL, why[256] = "";
	size_t len = 0;
	long status = 0;
	cJSON *list = NULL;
	int err = cw_badge_fetch_text(&text, &len, &status, ctx, url);

	if (err < 0 ||
	    (err = cw_badge_vc_load(&list, text, len,
	                            strncmp(text, "eyJ", 3) == 0)) < 0) {
		snprintf(detail, n, "%s", cw_error_last());
		goto out;
	}
	ctx->depth++;
	err = cw_badge_vc_proof(verified, ctx, list, text, len,
	                        strncmp(text, "eyJ", 3) == 0, detail, n);
	ctx->depth--;
	if (err < 0)
		goto out;
	/* A list signed as it is served is valid from the second it was
	 * fetched, which may be after this verification began: without a
	 * fixed time, its period is checked against the clock now. */
	if ((err = cw_vc_check_validity(*verified,
	                                ctx->options->now_ms
	                                        ? ctx->options->now_ms
	                                        : cw_time_now_ms(),
	                                why, sizeof(why))) < 0)
		snprintf(detail, n, "the status list credential: %s", why);
out:
	if (err < 0) {
		cJSON_Delete(*verified);
		*verified = NULL;
	}
	cJSON_Delete(list);
	cw_free(text);
	return err;
}

static void report_bit(cw_badge_report *r, const cJSON *subject,
                       const char *purpose, uint64_t index)
{
	const cJSON *size =
	        cJSON_GetObjectItemCaseSensitive(subject, "statusSize");
	int bit = 0;

	if (!cw_badge_has_string(
	            cJSON_GetObjectItemCaseSensitive(subject, "statusPurpose"),
	            purpose))
		cw_badge_step_add(r, "status", CW_BADGE_FAIL,
		                  "the status list is not for %s", purpose);
	else if (size && !(cJSON_IsNumber(size) && size->valueint == 1))
		cw_badge_step_add(r, "status", CW_BADGE_FAIL,
		                  "statusSize other than 1: not supported");
	else if (cw_badge_bitstring_get(&bit,
	                                cw_json_string(subject, "encodedList"),
	                                index) < 0)
		cw_badge_step_add(r, "status", CW_BADGE_FAIL, "%s",
		                  cw_error_last());
	else if (bit && (strcmp(purpose, "revocation") == 0 ||
	                 strcmp(purpose, "suspension") == 0))
		cw_badge_step_add(r, "status", CW_BADGE_FAIL,
		                  "%s (bit %llu of the status list is set)",
		                  strcmp(purpose, "revocation") == 0
		                          ? "revoked"
		                          : "suspended",
		                  (unsigned long long)index);
	else
		cw_badge_step_add(r, "status", CW_BADGE_PASS,
		                  "%s: bit %llu is %d", purpose,
		                  (unsigned long long)index, bit);
}

static void bitstring_entry(cw_badge_report *r, cw_badge_ctx *ctx,
                            const cJSON *entry)
{
	const char *url = cw_json_string(entry, "statusListCredential");
	const char *purpose = cw_json_string(entry, "statusPurpose");
	char detail[512] = "";
	cJSON *list = NULL;
	uint64_t index = 0;

	if (!url || !purpose || list_index(&index, entry) < 0) {
		cw_badge_step_add(r, "status", CW_BADGE_FAIL,
		                  "BitstringStatusListEntry needs "
		                  "statusListCredential, statusPurpose and a "
		                  "statusListIndex");
		return;
	}
	if (ctx->depth > 1) {
		cw_badge_step_add(r, "status", CW_BADGE_FAIL,
		                  "a status list nested too deep");
		return;
	}
	if (fetch_list(&list, ctx, url, detail, sizeof(detail)) < 0)
		cw_badge_step_add(r, "status", CW_BADGE_FAIL, "%s: %s", url,
		                  detail);
	else
		report_bit(r,
		           cJSON_GetObjectItemCaseSensitive(
		                   list, "credentialSubject"),
		           purpose, index);
	cJSON_Delete(list);
}

/* The 1EdTech Revocation List: revokedCredential[{id, revoked?}]. */
static void vcrl_entry(cw_badge_report *r, cw_badge_ctx *ctx,
                       const cJSON *entry, const char *id)
{
	const char *url = cw_json_string(entry, "id");
	cJSON *list = NULL;
	const cJSON *e;
	long status = 0;

	if (!id) {
		cw_badge_step_add(
		        r, "status", CW_BADGE_FAIL,
		        "a credential without id cannot be looked up");
		return;
	}
	if (cw_badge_fetch_json(&list, &status, ctx, url) < 0) {
		cw_badge_step_add(r, "status", CW_BADGE_FAIL, "%s",
		                  cw_error_last());
		return;
	}
	cJSON_ArrayForEach(
	        e, cJSON_GetObjectItemCaseSensitive(list, "revokedCredential"))
	{
		const char *listed = cw_json_string(e, "id");
		if (listed && strcmp(listed, id) == 0 &&
		    !cJSON_IsFalse(
		            cJSON_GetObjectItemCaseSensitive(e, "revoked")))
			break;
	}
	if (e)
		cw_badge_step_add(
		        r, "status", CW_BADGE_FAIL, "revoked: %s",
		        cw_json_string(e, "revocationReason")
		                ? cw_json_string(e, "revocationReason")
		                : "(no reason given)");
	else
		cw_badge_step_add(r, "status", CW_BADGE_PASS,
		                  "not in the revocation list %s", url);
	cJSON_Delete(list);
}

static void check_entry(cw_badge_report *r, cw_badge_ctx *ctx,
                        const cJSON *entry, const cJSON *credential)
{
	const char *type = cw_json_string(entry, "type");

	if (type && strcmp(type, "BitstringStatusListEntry") == 0)
		bitstring_entry(r, ctx, entry);
	else if (type && strcmp(type, "1EdTechRevocationList") == 0)
		vcrl_entry(r, ctx, entry, cw_json_string(credential, "id"));
	else
		cw_badge_step_add(r, "status", CW_BADGE_SKIPPED,
		                  "credentialStatus type %s: not supported",
		                  type ? type : "(none)");
}

void cw_badge_check_status(cw_badge_report *r, cw_badge_ctx *ctx,
                           const cJSON *credential)
{
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(
	                    credential, "credentialStatus"),
	            *e;

	if (!status) {
		cw_badge_step_add(r, "status", CW_BADGE_SKIPPED,
		                  "no credentialStatus");
		return;
	}
	if (cJSON_IsObject(status)) {
		check_entry(r, ctx, status, credential);
		return;
	}
	if (!cJSON_IsArray(status) || cJSON_GetArraySize(status) == 0) {
		cw_badge_step_add(
		        r, "status", CW_BADGE_FAIL,
		        "credentialStatus is not an object or a list");
		return;
	}
	cJSON_ArrayForEach(e, status) check_entry(r, ctx, e, credential);
}
