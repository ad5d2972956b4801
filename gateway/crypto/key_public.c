/* Public key forms: Multikey multibase, did:key, JWK and its RFC 7638
 * thumbprint. */
#include "crypto/key_internal.h"

#include "crypto/multibase.h"
#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/limits.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/param_build.h>
#include <string.h>

#define COORD_LEN     32
#define RSA_MAX_BYTES (RSA_MAX_BITS / 8)
#define RSA_E_MAX     8
#define DID_PREFIX    "did:key:"

static const unsigned char ed25519_codec[2] = { 0xed, 0x01 };
static const unsigned char p256_codec[2] = { 0x80, 0x24 };

static int raw_ed25519(unsigned char pub[COORD_LEN], const cw_key *key)
{
	size_t len = COORD_LEN;

	if (EVP_PKEY_get_raw_public_key(key->pkey, pub, &len) != 1 ||
	    len != COORD_LEN)
		return cw_key_openssl_fail(CW_ENOMEM, "Ed25519 public key");
	return 0;
}

static int get_bn(unsigned char *out, size_t out_len, const cw_key *key,
                  const char *name)
{
	BIGNUM *bn = NULL;
	int ok = EVP_PKEY_get_bn_param(key->pkey, name, &bn) == 1 &&
	         BN_bn2binpad(bn, out, (int)out_len) == (int)out_len;

	BN_free(bn);
	return ok ? 0 : cw_key_openssl_fail(CW_ENOMEM, "key parameter");
}

static int ec_xy(unsigned char x[COORD_LEN], unsigned char y[COORD_LEN],
                 const cw_key *key)
{
	int err = get_bn(x, COORD_LEN, key, OSSL_PKEY_PARAM_EC_PUB_X);

	return err < 0 ? err
	               : get_bn(y, COORD_LEN, key, OSSL_PKEY_PARAM_EC_PUB_Y);
}

/* A key from OSSL_PARAMs built by bld (which this frees). */
static int from_params(cw_key **out, const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = bld ? OSSL_PARAM_BLD_to_param(bld) : NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;
	int err = 0;

	*out = NULL;
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		err = cw_key_openssl_fail(CW_EINVAL, "invalid public key");
	else
		err = cw_key_wrap(out, pkey, 0);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return err;
}

/* P-256 from an SEC 1 point (compressed or not). */
static int p256_from_point(cw_key **out, const unsigned char *point, size_t len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();

	if (bld && (OSSL_PARAM_BLD_push_utf8_string(
	                    bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) != 1 ||
	            OSSL_PARAM_BLD_push_octet_string(
	                    bld, OSSL_PKEY_PARAM_PUB_KEY, point, len) != 1)) {
		OSSL_PARAM_BLD_free(bld);
		bld = NULL;
	}
	return from_params(out, "EC", bld);
}

static int rsa_from_ne(cw_key **out, const unsigned char *n, size_t n_len,
                       const unsigned char *e, size_t e_len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *bn_n = BN_bin2bn(n, (int)n_len, NULL),
	       *bn_e = BN_bin2bn(e, (int)e_len, NULL);
	int err;

	if (bld &&
	    (!bn_n || !bn_e ||
	     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) != 1 ||
	     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) != 1)) {
		OSSL_PARAM_BLD_free(bld);
		bld = NULL;
	}
	err = from_params(out, "RSA", bld);
	BN_free(bn_n);
	BN_free(bn_e);
	return err;
}

/* Multicodec prefix and key bytes: 34 or 35 bytes into raw. */
static int multikey_bytes(unsigned char raw[2 + 1 + COORD_LEN], size_t *len,
                          const cw_key *key)
{
	unsigned char y[COORD_LEN];
	int err;

	if (key->type == CW_KEY_ED25519) {
		memcpy(raw, ed25519_codec, 2);
		*len = 2 + COORD_LEN;
		return raw_ed25519(raw + 2, key);
	}
	if (key->type != CW_KEY_P256) {
		cw_error_set("RSA keys have no Multikey form");
		return CW_EUNSUPPORTED;
	}
	memcpy(raw, p256_codec, 2);
	if ((err = ec_xy(raw + 3, y, key)) < 0)
		return err;
	raw[2] = (unsigned char)(0x02 | (y[COORD_LEN - 1] & 1));
	*len = 3 + COORD_LEN;
	return 0;
}

int cw_key_multibase(cw_buf *out, const cw_key *key)
{
	unsigned char raw[3 + COORD_LEN];
	size_t len = 0;
	int err = multikey_bytes(raw, &len, key);

	return err < 0 ? err : cw_multibase_encode(out, raw, len);
}

int cw_key_from_multibase(cw_key **out, const char *multibase)
{
	unsigned char *raw = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if ((err = cw_multibase_decode(&raw, &len, multibase)) < 0)
		return err;
	if (len == 2 + COORD_LEN && memcmp(raw, ed25519_codec, 2) == 0) {
		err = cw_key_from_ed25519_public(out, raw + 2);
	} else if (len == 3 + COORD_LEN && memcmp(raw, p256_codec, 2) == 0 &&
	           (raw[2] == 0x02 || raw[2] == 0x03)) {
		err = p256_from_point(out, raw + 2, len - 2);
	} else {
		cw_error_set(
		        "Multikey: expected ed25519-pub (0xed01, 32 bytes) "
		        "or p256-pub (0x8024, 33-byte compressed point)");
		err = CW_EUNSUPPORTED;
	}
	cw_free(raw);
	return err;
}

int cw_key_did(cw_buf *out, const cw_key *key)
{
	int err = cw_buf_puts(out, DID_PREFIX);

	return err < 0 ? err : cw_key_multibase(out, key);
}

int cw_key_did_vm(cw_buf *out, const cw_key *key)
{
	cw_buf mb = CW_BUF_INIT(2 * CW_LIMIT_BASE58_TEXT);
	int err = cw_key_multibase(&mb, key);

	if (err == 0) {
		cw_buf_puts(out, DID_PREFIX);
		cw_buf_put(out, mb.data, mb.len);
		cw_buf_putc(out, '#');
		err = cw_buf_put(out, mb.data, mb.len);
	}
	cw_buf_dispose(&mb);
	return err;
}

int cw_key_from_did_key(cw_key **out, const char *did_url)
{
	size_t len = strnlen(did_url, CW_LIMIT_DID_URL + 1);
	const char *id, *hash;
	char *multibase = NULL;
	int err;

	*out = NULL;
	if (len > CW_LIMIT_DID_URL) {
		cw_error_set("did:key URL over %ld characters",
		             CW_LIMIT_DID_URL);
		return CW_ETOOBIG;
	}
	if (strncmp(did_url, DID_PREFIX, strlen(DID_PREFIX)) != 0) {
		cw_error_set("not a did:key DID: \"%.64s\"", did_url);
		return CW_EINVAL;
	}
	id = did_url + strlen(DID_PREFIX);
	hash = strchr(id, '#');
	if (hash && (strlen(hash + 1) != (size_t)(hash - id) ||
	             strncmp(hash + 1, id, (size_t)(hash - id)) != 0)) {
		cw_error_set("did:key fragment \"%.64s\" is not the key's "
		             "multibase",
		             hash + 1);
		return CW_EINVAL;
	}
	if (!(multibase = hash ? cw_strndup(id, (size_t)(hash - id))
	                       : cw_strdup(id)))
		return CW_ENOMEM;
	err = cw_key_from_multibase(out, multibase);
	cw_free(multibase);
	return err;
}

/* Adds name: base64url(data) to obj. */
static int add_b64(cJSON *obj, const char *name, const unsigned char *data,
                   size_t len)
{
	char *text = cw_malloc(cw_base64url_len(len) + 1);
	int err = text ? 0 : CW_ENOMEM;

	if (text) {
		cw_base64url_encode(text, data, len);
		if (!cJSON_AddStringToObject(obj, name, text))
			err = CW_ENOMEM;
	}
	cw_free(text);
	return err;
}

/* The modulus and exponent, minimal big-endian. */
static int rsa_ne(unsigned char n[RSA_MAX_BYTES], size_t *n_len,
                  unsigned char e[RSA_E_MAX], size_t *e_len, const cw_key *key)
{
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	int ok = EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_N,
	                               &bn_n) == 1 &&
	         EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_E,
	                               &bn_e) == 1 &&
	         BN_num_bytes(bn_n) <= RSA_MAX_BYTES &&
	         BN_num_bytes(bn_e) <= RSA_E_MAX;

	if (ok) {
		*n_len = (size_t)BN_bn2bin(bn_n, n);
		*e_len = (size_t)BN_bn2bin(bn_e, e);
	}
	BN_free(bn_n);
	BN_free(bn_e);
	return ok ? 0 : cw_key_openssl_fail(CW_ENOMEM, "RSA parameters");
}

static int jwk_members(cJSON *jwk, const cw_key *key)
{
	unsigned char a[RSA_MAX_BYTES], b[COORD_LEN];
	size_t a_len = 0, b_len = 0;
	int err;

	if (key->type == CW_KEY_ED25519) {
		if ((err = raw_ed25519(b, key)) < 0)
			return err;
		if (!cJSON_AddStringToObject(jwk, "kty", "OKP") ||
		    !cJSON_AddStringToObject(jwk, "crv", "Ed25519"))
			return CW_ENOMEM;
		return add_b64(jwk, "x", b, COORD_LEN);
	}
	if (key->type == CW_KEY_P256) {
		if ((err = ec_xy(a, b, key)) < 0)
			return err;
		if (!cJSON_AddStringToObject(jwk, "kty", "EC") ||
		    !cJSON_AddStringToObject(jwk, "crv", "P-256"))
			return CW_ENOMEM;
		err = add_b64(jwk, "x", a, COORD_LEN);
		return err < 0 ? err : add_b64(jwk, "y", b, COORD_LEN);
	}
	if ((err = rsa_ne(a, &a_len, b, &b_len, key)) < 0)
		return err;
	if (!cJSON_AddStringToObject(jwk, "kty", "RSA"))
		return CW_ENOMEM;
	err = add_b64(jwk, "n", a, a_len);
	return err < 0 ? err : add_b64(jwk, "e", b, b_len);
}

int cw_key_to_jwk(cJSON **out, const cw_key *key)
{
	cJSON *jwk = cJSON_CreateObject();
	int err = jwk ? jwk_members(jwk, key) : CW_ENOMEM;

	if (err < 0) {
		cJSON_Delete(jwk);
		jwk = NULL;
	}
	*out = jwk;
	return err;
}

/* Decodes the base64url member name of jwk, of exactly want bytes when want
 * is not 0, else 1 to max bytes. */
static int jwk_bytes(unsigned char **out, size_t *len, const cJSON *jwk,
                     const char *name, size_t want, size_t max)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(jwk, name);
	size_t text_len = cJSON_IsString(item) ? strlen(item->valuestring) : 0;

	*out = NULL;
	if (!cJSON_IsString(item) || text_len > cw_base64url_len(max) ||
	    cw_base64url_decode(out, len, item->valuestring, text_len) < 0 ||
	    (want && *len != want) || *len == 0) {
		cw_free(*out);
		*out = NULL;
		cw_error_set("JWK member \"%s\": expected base64url of %zu "
		             "bytes%s",
		             name, want ? want : max, want ? "" : " at most");
		return CW_EINVAL;
	}
	return 0;
}

static int jwk_ec(cw_key **out, const cJSON *jwk)
{
	unsigned char *x = NULL, *y = NULL, point[1 + 2 * COORD_LEN];
	size_t x_len = 0, y_len = 0;
	int err;

	if ((err = jwk_bytes(&x, &x_len, jwk, "x", COORD_LEN, COORD_LEN)) < 0 ||
	    (err = jwk_bytes(&y, &y_len, jwk, "y", COORD_LEN, COORD_LEN)) < 0)
		goto out;
	point[0] = 0x04;
	memcpy(point + 1, x, COORD_LEN);
	memcpy(point + 1 + COORD_LEN, y, COORD_LEN);
	err = p256_from_point(out, point, sizeof(point));
out:
	cw_free(x);
	cw_free(y);
	return err;
}

static int jwk_rsa(cw_key **out, const cJSON *jwk)
{
	unsigned char *n = NULL, *e = NULL;
	size_t n_len = 0, e_len = 0;
	int err;

	if ((err = jwk_bytes(&n, &n_len, jwk, "n", 0, RSA_MAX_BYTES)) < 0 ||
	    (err = jwk_bytes(&e, &e_len, jwk, "e", 0, RSA_E_MAX)) < 0)
		goto out;
	err = rsa_from_ne(out, n, n_len, e, e_len);
out:
	cw_free(n);
	cw_free(e);
	return err;
}

static int jwk_okp(cw_key **out, const cJSON *jwk)
{
	unsigned char *x = NULL;
	size_t x_len = 0;
	int err = jwk_bytes(&x, &x_len, jwk, "x", COORD_LEN, COORD_LEN);

	if (err == 0)
		err = cw_key_from_ed25519_public(out, x);
	cw_free(x);
	return err;
}

int cw_key_from_jwk(cw_key **out, const cJSON *jwk)
{
	const char *kty = cJSON_GetStringValue(
	                   cJSON_GetObjectItemCaseSensitive(jwk, "kty")),
	           *crv = cJSON_GetStringValue(
	                   cJSON_GetObjectItemCaseSensitive(jwk, "crv"));

	*out = NULL;
	if (!cJSON_IsObject(jwk) || !kty) {
		cw_error_set("JWK: expected an object with a string \"kty\"");
		return CW_EINVAL;
	}
	if (strcmp(kty, "OKP") == 0 && crv && strcmp(crv, "Ed25519") == 0)
		return jwk_okp(out, jwk);
	if (strcmp(kty, "EC") == 0 && crv && strcmp(crv, "P-256") == 0)
		return jwk_ec(out, jwk);
	if (strcmp(kty, "RSA") == 0)
		return jwk_rsa(out, jwk);
	cw_error_set("JWK: unsupported kty \"%.16s\"%s%.16s (expected OKP "
	             "Ed25519, EC P-256 or RSA)",
	             kty, crv ? " crv " : "", crv ? crv : "");
	return CW_EUNSUPPORTED;
}

/* The required members in lexicographic order (RFC 7638 §3.2). */
static int thumbprint_input(cw_buf *out, const cJSON *jwk, cw_key_type type)
{
	static const char *const okp[] = { "crv", "kty", "x", NULL },
	                         *const ec[] = { "crv", "kty", "x", "y", NULL },
	                         *const rsa[] = { "e", "kty", "n", NULL };
	const char *const *names = type == CW_KEY_ED25519 ? okp
	                           : type == CW_KEY_P256  ? ec
	                                                  : rsa;

	cw_buf_putc(out, '{');
	for (int i = 0; names[i]; i++) {
		const char *value = cJSON_GetStringValue(
		        cJSON_GetObjectItemCaseSensitive(jwk, names[i]));

		if (!value)
			return CW_ENOMEM;
		/* Values are base64url or fixed names: nothing to escape. */
		cw_buf_printf(out, "%s\"%s\":\"%s\"", i ? "," : "", names[i],
		              value);
	}
	return cw_buf_putc(out, '}');
}

int cw_key_jwk_thumbprint(cw_buf *out, const cw_key *key)
{
	cw_buf input = CW_BUF_INIT(4096);
	unsigned char digest[CW_SHA256_LEN];
	char text[64];
	cJSON *jwk = NULL;
	int err;

	if ((err = cw_key_to_jwk(&jwk, key)) < 0 ||
	    (err = thumbprint_input(&input, jwk, key->type)) < 0 ||
	    (err = cw_sha256(digest, input.data, input.len)) < 0)
		goto out;
	cw_base64url_encode(text, digest, sizeof(digest));
	err = cw_buf_puts(out, text);
out:
	cJSON_Delete(jwk);
	cw_buf_dispose(&input);
	return err;
}
