/* VC-JWT: the JWT claims that mirror credential properties, made on signing
 * and checked (VC 2.0) or filled in (VC 1.1 "vc") on verification. */
#include "crypto/vcjwt.h"

#include "crypto/jws.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <math.h>
#include <string.h>

enum { ISS, JTI, NBF, SUB, EXP, CLAIM_COUNT };

static const char *const claim_names[CLAIM_COUNT] = { "iss", "jti", "nbf",
	                                              "sub", "exp" };
/* The property each claim mirrors: VC 2.0, then VC 1.1. */
static const char *const property_names[2][CLAIM_COUNT] = {
	{ "issuer.id", "id", "validFrom", "credentialSubject.id",
	  "validUntil" },
	{ "issuer.id", "id", "issuanceDate", "credentialSubject.id",
	  "expirationDate" },
};

static int is_time(int claim)
{
	return claim == NBF || claim == EXP;
}

static cJSON *member(const cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

/* The single credentialSubject object (an array of one counts). */
static cJSON *subject(const cJSON *cred)
{
	cJSON *s = member(cred, "credentialSubject");

	if (cJSON_IsArray(s) && cJSON_GetArraySize(s) == 1)
		s = cJSON_GetArrayItem(s, 0);
	return cJSON_IsObject(s) ? s : NULL;
}

/* The text of the property claim mirrors, or NULL. */
static const char *property(const cJSON *cred, int claim, int legacy)
{
	const cJSON *item = NULL;

	if (claim == ISS) {
		item = member(cred, "issuer");
		if (cJSON_IsObject(item))
			item = member(item, "id");
	} else if (claim == SUB) {
		item = member(subject(cred), "id");
	} else {
		item = member(cred, property_names[legacy][claim]);
	}
	return cJSON_GetStringValue(item);
}

/* NumericDate: whole seconds, rounded down. */
static int numeric_date(int64_t *out, const char *text, const char *name)
{
	int64_t ms = 0;

	if (cw_time_parse_iso(text, &ms) < 0) {
		cw_error_set("credential %s \"%.64s\" is not an ISO 8601 "
		             "datetime",
		             name, text);
		return CW_EINVAL;
	}
	*out = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	return 0;
}

static int add_claim(cJSON *payload, const cJSON *cred, int claim)
{
	const char *text = property(cred, claim, 0);
	int64_t seconds = 0;
	int err;

	cJSON_DeleteItemFromObjectCaseSensitive(payload, claim_names[claim]);
	if (!text)
		return 0;
	if (!is_time(claim))
		return cJSON_AddStringToObject(payload, claim_names[claim],
		                               text)
		               ? 0
		               : CW_ENOMEM;
	if ((err = numeric_date(&seconds, text, property_names[0][claim])) < 0)
		return err;
	return cJSON_AddNumberToObject(payload, claim_names[claim],
	                               (double)seconds)
	               ? 0
	               : CW_ENOMEM;
}

static int make_payload(char **out, const cJSON *credential)
{
	cJSON *payload = NULL;
	int err = 0;

	*out = NULL;
	if (!cJSON_IsObject(credential) || !property(credential, ISS, 0)) {
		cw_error_set("VC-JWT: the credential must be an object with an "
		             "issuer (a string or an object with an id)");
		return CW_EINVAL;
	}
	if (!(payload = cJSON_Duplicate(credential, 1)))
		return CW_ENOMEM;
	for (int claim = ISS; claim < CLAIM_COUNT && err == 0; claim++)
		err = add_claim(payload, credential, claim);
	if (err == 0 && !(*out = cw_json_print(payload)))
		err = CW_ENOMEM;
	cJSON_Delete(payload);
	return err;
}

int cw_vcjwt_create(cw_buf *out, const cw_key *key, const cJSON *credential,
                    const char *verification_method)
{
	cJSON *header = cJSON_CreateObject();
	char *payload = NULL;
	int err = header && cJSON_AddStringToObject(header, "typ", "JWT")
	                  ? 0
	                  : CW_ENOMEM;

	if (err == 0 && verification_method &&
	    !cJSON_AddStringToObject(header, "kid", verification_method))
		err = CW_ENOMEM;
	if (err == 0 && !verification_method) {
		/* No key URL to name: the header carries the public key. */
		cJSON *jwk = NULL;
		if ((err = cw_key_to_jwk(&jwk, key)) == 0 &&
		    !cJSON_AddItemToObject(header, "jwk", jwk)) {
			cJSON_Delete(jwk);
			err = CW_ENOMEM;
		}
	}
	if (err == 0)
		err = make_payload(&payload, credential);
	if (err == 0)
		err = cw_jws_sign(out, key, header,
		                  (const unsigned char *)payload,
		                  strlen(payload));
	cw_free(payload);
	cJSON_Delete(header);
	return err;
}

static int mismatch(int claim, int legacy, const char *why)
{
	cw_error_set("VC-JWT claim \"%s\" %s credential %s", claim_names[claim],
	             why, property_names[legacy][claim]);
	return CW_EINVAL;
}

/* The claim equals the property text. */
static int claim_equal(const cJSON *value, const char *text, int claim,
                       int legacy)
{
	int64_t want = 0;
	int err;

	if (!is_time(claim)) {
		if (!cJSON_IsString(value) || strcmp(value->valuestring, text))
			return mismatch(claim, legacy, "differs from");
		return 0;
	}
	if ((err = numeric_date(&want, text, property_names[legacy][claim])) <
	    0)
		return err;
	if (!cJSON_IsNumber(value) || !isfinite(value->valuedouble) ||
	    fabs(value->valuedouble) > 9.0e15 ||
	    (int64_t)floor(value->valuedouble) != want)
		return mismatch(claim, legacy, "is not the NumericDate of the");
	return 0;
}

/* VC 1.1: a property left out takes the claim's value. */
static int fill_in(cJSON *cred, int claim, const cJSON *value)
{
	char iso[CW_TIME_ISO_LEN];
	cJSON *target = cred, *s;
	const char *name = property_names[1][claim];

	if (is_time(claim)) {
		if (!cJSON_IsNumber(value) || !isfinite(value->valuedouble) ||
		    fabs(value->valuedouble) > 9.0e12)
			return mismatch(claim, 1,
			                "is not a NumericDate for the");
		cw_time_format_iso((int64_t)floor(value->valuedouble) * 1000,
		                   iso);
		return cJSON_AddStringToObject(cred, name, iso) ? 0 : CW_ENOMEM;
	}
	if (!cJSON_IsString(value))
		return mismatch(claim, 1, "is not a string for the");
	name = "id";
	if (claim == ISS && cJSON_IsObject(member(cred, "issuer")))
		target = member(cred, "issuer");
	else if (claim == ISS)
		name = "issuer";
	if (claim == SUB) {
		if (!(s = subject(cred)) && member(cred, "credentialSubject"))
			return mismatch(claim, 1,
			                "has no single object for the");
		if (!s &&
		    !(s = cJSON_AddObjectToObject(cred, "credentialSubject")))
			return CW_ENOMEM;
		target = s;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(target, name);
	return cJSON_AddStringToObject(target, name, value->valuestring)
	               ? 0
	               : CW_ENOMEM;
}

static int check_claim(cJSON *cred, const cJSON *payload, int claim, int legacy)
{
	const char *text = property(cred, claim, legacy);
	const cJSON *value = member(payload, claim_names[claim]);

	if (claim == ISS && !text && !(legacy && value)) {
		cw_error_set("VC-JWT: the credential has no issuer id");
		return CW_EINVAL;
	}
	if (!text && !value)
		return 0;
	if (!text)
		return legacy ? fill_in(cred, claim, value)
		              : mismatch(claim, legacy, "is set but not the");
	if (!value)
		return legacy ? 0
		              : mismatch(claim, legacy, "is missing for the");
	return claim_equal(value, text, claim, legacy);
}

/* Checks the claims; *out is the credential taken out of payload. */
static int take_credential(cJSON **out, cJSON *payload)
{
	cJSON *vc = member(payload, "vc");
	int legacy = cJSON_IsObject(vc) && !member(payload, "@context");
	cJSON *cred = legacy ? vc : payload;
	int err = 0;

	for (int claim = ISS; claim < CLAIM_COUNT && err == 0; claim++)
		err = check_claim(cred, payload, claim, legacy);
	if (err < 0)
		return err;
	if (legacy) {
		*out = cJSON_DetachItemViaPointer(payload, vc);
		return 0;
	}
	for (int claim = ISS; claim < CLAIM_COUNT; claim++)
		cJSON_DeleteItemFromObjectCaseSensitive(payload,
		                                        claim_names[claim]);
	*out = cJSON_Duplicate(payload, 1);
	return *out ? 0 : CW_ENOMEM;
}

int cw_vcjwt_verify(cJSON **out, const char *jwt, size_t len, const cw_key *key)
{
	cw_jws_result *jws = NULL;
	cJSON *payload = NULL;
	int err;

	*out = NULL;
	if ((err = cw_jws_verify(&jws, jwt, len, key, 0)) < 0)
		goto out;
	err = cw_json_parse(&payload, (const char *)jws->payload,
	                    jws->payload_len, CW_LIMIT_JSON_DEPTH_DEFAULT,
	                    NULL);
	if (err < 0 || !cJSON_IsObject(payload)) {
		cw_error_set("VC-JWT payload: expected a JSON object");
		err = err < 0 ? err : CW_EINVAL;
		goto out;
	}
	err = take_credential(out, payload);
out:
	cJSON_Delete(payload);
	cw_jws_result_free(jws);
	return err;
}
