/* Compact JWS: signing, strict parsing and the OB 3.0 header rules. */
#include "crypto/jws.h"

#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

#include <string.h>

/* What the parser keeps beside the public result. */
typedef struct {
	cw_jws_result pub;
	unsigned char *signature;
	size_t signature_len;
	size_t signed_len; /* header.payload, the JWS Signing Input */
} jws;

static const char *const private_members[] = { "d",  "p",  "q",   "dp",
	                                       "dq", "qi", "oth", "k" };

const char *cw_jws_alg(cw_key_type type)
{
	switch (type) {
	case CW_KEY_ED25519: return "EdDSA";
	case CW_KEY_RSA: return "RS256";
	case CW_KEY_P256: return "ES256";
	default: return "none";
	}
}

/* Appends base64url of data. */
static int put_b64(cw_buf *out, const unsigned char *data, size_t len)
{
	char *text = cw_malloc(cw_base64url_len(len) + 1);
	int err;

	if (!text)
		return CW_ENOMEM;
	cw_base64url_encode(text, data, len);
	err = cw_buf_puts(out, text);
	cw_free(text);
	return err;
}

static int is_private_jwk(const cJSON *jwk)
{
	for (size_t i = 0;
	     i < sizeof(private_members) / sizeof(private_members[0]); i++)
		if (cJSON_GetObjectItemCaseSensitive(jwk, private_members[i]))
			return 1;
	return 0;
}

/* Copies one member of header_extra into header. */
static int add_extra(cJSON *header, const cJSON *item)
{
	cJSON *copy;

	if (!item->string ||
	    cJSON_GetObjectItemCaseSensitive(header, item->string)) {
		cw_error_set("JWS header_extra: \"%s\" is set already",
		             item->string ? item->string : "");
		return CW_EINVAL;
	}
	if (strcmp(item->string, "jwk") == 0 && is_private_jwk(item)) {
		cw_error_set("JWS header_extra: the jwk has private members");
		return CW_EINVAL;
	}
	if (!(copy = cJSON_Duplicate(item, 1)) ||
	    !cJSON_AddItemToObject(header, item->string, copy)) {
		cJSON_Delete(copy);
		return CW_ENOMEM;
	}
	return 0;
}

static int build_header(char **out, const cw_key *key, const cJSON *extra)
{
	const char *alg = cw_jws_alg(cw_key_get_type(key));
	cJSON *header = cJSON_CreateObject(), *item;
	int err = header && cJSON_AddStringToObject(header, "alg", alg)
	                  ? 0
	                  : CW_ENOMEM;

	*out = NULL;
	if (extra && !cJSON_IsObject(extra)) {
		cw_error_set("JWS header_extra must be a JSON object");
		err = CW_EINVAL;
	}
	for (item = extra ? extra->child : NULL; item && err == 0;
	     item = item->next)
		err = add_extra(header, item);
	if (err == 0 && !(*out = cw_json_print(header)))
		err = CW_ENOMEM;
	cJSON_Delete(header);
	return err;
}

int cw_jws_sign(cw_buf *out, const cw_key *key, const cJSON *header_extra,
                const unsigned char *payload, size_t len)
{
	cw_buf input = CW_BUF_INIT(CW_LIMIT_JWS_BYTES);
	unsigned char sig[CW_SIG_MAX];
	size_t sig_len = 0;
	char *header = NULL;
	int err;

	if (!cw_key_is_private(key)) {
		cw_error_set("JWS signing needs a private key");
		return CW_EINVAL;
	}
	if ((err = build_header(&header, key, header_extra)) < 0)
		goto out;
	put_b64(&input, (const unsigned char *)header, strlen(header));
	cw_buf_putc(&input, '.');
	if ((err = put_b64(&input, payload, len)) < 0) {
		cw_error_set("JWS over %ld bytes", CW_LIMIT_JWS_BYTES);
		goto out;
	}
	if ((err = cw_key_sign(key, (const unsigned char *)input.data,
	                       input.len, sig, &sig_len)) < 0)
		goto out;
	cw_buf_put(out, input.data, input.len);
	cw_buf_putc(out, '.');
	err = put_b64(out, sig, sig_len);
out:
	cw_free(header);
	cw_buf_dispose(&input);
	return err;
}

/* A member name that appears twice makes a header mean two things. */
static int check_member(const cJSON *item, const cJSON *header, unsigned flags)
{
	static const char *const allowed[] = { "alg", "kid", "jwk", "typ" };
	int known = 0;

	for (const cJSON *prev = header->child; prev != item; prev = prev->next)
		if (strcmp(prev->string, item->string) == 0) {
			cw_error_set("JWS header: member \"%.64s\" appears "
			             "twice",
			             item->string);
			return CW_EINVAL;
		}
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		known |= strcmp(item->string, allowed[i]) == 0;
	if (strcmp(item->string, "crit") == 0 ||
	    (!known && !(flags & CW_JWS_OB2))) {
		cw_error_set("JWS header: member \"%.64s\" is not allowed "
		             "(OB 3.0 allows only alg, kid, jwk and typ)",
		             item->string);
		return CW_EINVAL;
	}
	return 0;
}

static int check_alg(const char *alg)
{
	if (!alg) {
		cw_error_set("JWS header: \"alg\" must be a string");
		return CW_EINVAL;
	}
	if (strcmp(alg, "none") == 0) {
		cw_error_set("JWS header: alg \"none\" (unsigned) is refused");
		return CW_EINVAL;
	}
	if (strcmp(alg, "EdDSA") != 0 && strcmp(alg, "RS256") != 0 &&
	    strcmp(alg, "ES256") != 0) {
		cw_error_set("JWS header: alg \"%.32s\" is not supported "
		             "(expected EdDSA, RS256 or ES256)",
		             alg);
		return CW_EUNSUPPORTED;
	}
	return 0;
}

static int check_jwk(jws *j, const cJSON *jwk)
{
	int err;

	if (!cJSON_IsObject(jwk) || is_private_jwk(jwk)) {
		cw_error_set("JWS header: \"jwk\" must be a public JWK object "
		             "(no \"d\" or other private members)");
		return CW_EINVAL;
	}
	if ((err = cw_key_from_jwk(&j->pub.jwk_key, jwk)) < 0)
		return err;
	if (strcmp(cw_jws_alg(cw_key_get_type(j->pub.jwk_key)), j->pub.alg) !=
	    0) {
		cw_error_set("JWS header: alg \"%s\" does not fit the jwk "
		             "(a %s key needs %s)",
		             j->pub.alg,
		             cw_key_type_name(cw_key_get_type(j->pub.jwk_key)),
		             cw_jws_alg(cw_key_get_type(j->pub.jwk_key)));
		return CW_EINVAL;
	}
	return 0;
}

static int check_header(jws *j, unsigned flags)
{
	const cJSON *header = j->pub.header, *item, *typ, *kid, *jwk;
	int err;

	cJSON_ArrayForEach(item, header)
	{
		if ((err = check_member(item, header, flags)) < 0)
			return err;
	}
	j->pub.alg = cJSON_GetStringValue(
	        cJSON_GetObjectItemCaseSensitive(header, "alg"));
	if ((err = check_alg(j->pub.alg)) < 0)
		return err;
	typ = cJSON_GetObjectItemCaseSensitive(header, "typ");
	if (typ &&
	    (!cJSON_IsString(typ) ||
	     (!(flags & CW_JWS_OB2) && strcmp(typ->valuestring, "JWT")))) {
		cw_error_set("JWS header: \"typ\" must be \"JWT\"");
		return CW_EINVAL;
	}
	kid = cJSON_GetObjectItemCaseSensitive(header, "kid");
	if (kid && !cJSON_IsString(kid)) {
		cw_error_set("JWS header: \"kid\" must be a string");
		return CW_EINVAL;
	}
	j->pub.kid = kid ? kid->valuestring : NULL;
	jwk = cJSON_GetObjectItemCaseSensitive(header, "jwk");
	return jwk ? check_jwk(j, jwk) : 0;
}

/* Decodes one base64url part; what names it in errors. */
static int decode_part(unsigned char **out, size_t *out_len, const char *text,
                       size_t len, const char *what)
{
	int err = cw_base64url_decode(out, out_len, text, len);

	if (err == CW_EINVAL)
		cw_error_set("JWS %s: not base64url (unpadded, the URL-safe "
		             "alphabet, RFC 7515 section 2)",
		             what);
	return err;
}

static int parse_header(jws *j, const char *text, size_t len)
{
	unsigned char *raw = NULL;
	size_t raw_len = 0;
	int err;

	if (len == 0 || len > cw_base64url_len(CW_LIMIT_JWS_HEADER)) {
		cw_error_set("JWS header: expected 1 to %ld bytes",
		             CW_LIMIT_JWS_HEADER);
		return len ? CW_ETOOBIG : CW_EINVAL;
	}
	if ((err = decode_part(&raw, &raw_len, text, len, "header")) < 0)
		return err;
	err = cw_json_parse(&j->pub.header, (const char *)raw, raw_len,
	                    CW_LIMIT_JWS_DEPTH, NULL);
	cw_free(raw);
	if (err < 0) {
		cw_error_set("JWS header: not JSON");
		return err;
	}
	if (!cJSON_IsObject(j->pub.header)) {
		cw_error_set("JWS header: expected a JSON object");
		return CW_EINVAL;
	}
	return 0;
}

/* Finds the two dots; CW_EINVAL unless there are exactly two. */
static int split(size_t dots[2], const char *compact, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++) {
		if (compact[i] != '.')
			continue;
		if (n == 2) {
			n = 3;
			break;
		}
		dots[n++] = i;
	}
	if (n != 2) {
		cw_error_set("JWS: expected three base64url parts joined by "
		             "'.' (compact serialization)");
		return CW_EINVAL;
	}
	return 0;
}

static int parse(jws *j, const char *compact, size_t len, unsigned flags)
{
	size_t dots[2] = { 0, 0 };
	int err;

	if (len > CW_LIMIT_JWS_BYTES) {
		cw_error_set("JWS over %ld bytes", CW_LIMIT_JWS_BYTES);
		return CW_ETOOBIG;
	}
	if ((err = split(dots, compact, len)) < 0 ||
	    (err = parse_header(j, compact, dots[0])) < 0 ||
	    (err = check_header(j, flags)) < 0 ||
	    (err = decode_part(&j->pub.payload, &j->pub.payload_len,
	                       compact + dots[0] + 1, dots[1] - dots[0] - 1,
	                       "payload")) < 0 ||
	    (err = decode_part(&j->signature, &j->signature_len,
	                       compact + dots[1] + 1, len - dots[1] - 1,
	                       "signature")) < 0)
		return err;
	if (j->signature_len == 0) {
		cw_error_set("JWS signature: empty");
		return CW_EINVAL;
	}
	j->signed_len = dots[1];
	return 0;
}

int cw_jws_parse(cw_jws_result **out, const char *compact, size_t len,
                 unsigned flags)
{
	jws *j = cw_calloc(1, sizeof(*j));
	int err = j ? parse(j, compact, len, flags) : CW_ENOMEM;

	*out = NULL;
	if (err < 0)
		cw_jws_result_free(j ? &j->pub : NULL);
	else
		*out = &j->pub;
	return err;
}

static int check_signature(const jws *j, const char *compact, const cw_key *key)
{
	const char *want;

	if (!key) {
		cw_error_set(
		        "JWS: no key given and the header has no \"jwk\"%s",
		        j->pub.kid ? " (resolve its \"kid\")" : "");
		return CW_EINVAL;
	}
	want = cw_jws_alg(cw_key_get_type(key));
	if (strcmp(want, j->pub.alg) != 0) {
		cw_error_set("JWS header: alg \"%s\" does not fit the %s key "
		             "(expected %s)",
		             j->pub.alg, cw_key_type_name(cw_key_get_type(key)),
		             want);
		return CW_EINVAL;
	}
	return cw_key_verify(key, (const unsigned char *)compact, j->signed_len,
	                     j->signature, j->signature_len);
}

int cw_jws_verify(cw_jws_result **out, const char *compact, size_t len,
                  const cw_key *key, unsigned flags)
{
	cw_jws_result *result = NULL;
	int err = cw_jws_parse(&result, compact, len, flags);

	*out = NULL;
	if (err == 0)
		err = check_signature((const jws *)result, compact,
		                      key ? key : result->jwk_key);
	if (err < 0)
		cw_jws_result_free(result);
	else
		*out = result;
	return err;
}

void cw_jws_result_free(cw_jws_result *result)
{
	jws *j = (jws *)result;

	if (!j)
		return;
	cJSON_Delete(j->pub.header);
	cw_free(j->pub.payload);
	cw_key_free(j->pub.jwk_key);
	cw_free(j->signature);
	cw_free(j);
}
