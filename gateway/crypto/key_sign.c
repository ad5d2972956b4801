/* Signing and verifying: EdDSA, RS256 and ES256 with JOSE's raw r||s. */
#include "crypto/key_internal.h"

#include "util/error.h"

#include <openssl/bn.h>
#include <pthread.h>
#include <sodium.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <string.h>

#define ES256_HALF  32
#define DER_SIG_MAX 80

static const EVP_MD *digest_of(const cw_key *key)
{
	return key->type == CW_KEY_ED25519 ? NULL : EVP_sha256();
}

/* DER ECDSA-Sig-Value → r||s, each left-padded to 32 bytes. */
static int der_to_raw(unsigned char *raw, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	const BIGNUM *r = NULL, *s = NULL;
	int ok = 0;

	if (sig) {
		ECDSA_SIG_get0(sig, &r, &s);
		ok = BN_bn2binpad(r, raw, ES256_HALF) == ES256_HALF &&
		     BN_bn2binpad(s, raw + ES256_HALF, ES256_HALF) ==
		             ES256_HALF;
	}
	ECDSA_SIG_free(sig);
	return ok ? 0 : cw_key_openssl_fail(CW_ENOMEM, "ECDSA signature");
}

/* r||s → DER; *der_len 0 on failure. */
static void raw_to_der(unsigned char der[DER_SIG_MAX], size_t *der_len,
                       const unsigned char *raw)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, ES256_HALF, NULL),
	       *s = BN_bin2bn(raw + ES256_HALF, ES256_HALF, NULL);
	unsigned char *p = der;
	int len = 0;

	*der_len = 0;
	if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
		r = s = NULL;
		if (i2d_ECDSA_SIG(sig, NULL) <= DER_SIG_MAX)
			len = i2d_ECDSA_SIG(sig, &p);
	}
	*der_len = len > 0 ? (size_t)len : 0;
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
}

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_ready;

static void start_sodium(void)
{
	sodium_ready = sodium_init() >= 0;
}

void cw_key_ed25519_prepare(cw_key *key)
{
	unsigned char seed[32];
	size_t len = sizeof(seed);
	key->has_ed25519 = 0;
	pthread_once(&sodium_once, start_sodium);
	if (!sodium_ready)
		return;
	if (key->is_private) {
		if (EVP_PKEY_get_raw_private_key(key->pkey, seed, &len) != 1 ||
		    len != sizeof(seed) ||
		    crypto_sign_seed_keypair(key->ed25519_public,
		                             key->ed25519_secret, seed) != 0)
			goto out;
	} else {
		len = sizeof(key->ed25519_public);
		if (EVP_PKEY_get_raw_public_key(key->pkey, key->ed25519_public,
		                                &len) != 1 ||
		    len != sizeof(key->ed25519_public))
			goto out;
	}
	key->has_ed25519 = 1;
out:
	OPENSSL_cleanse(seed, sizeof(seed));
	ERR_clear_error();
}

int cw_key_sign(const cw_key *key, const unsigned char *msg, size_t len,
                unsigned char *sig, size_t *sig_len)
{
	EVP_MD_CTX *ctx = NULL;
	unsigned char der[DER_SIG_MAX];
	size_t n = CW_SIG_MAX;
	int err = CW_ENOMEM;

	*sig_len = 0;
	if (!key->is_private) {
		cw_error_set("signing needs a private key");
		return CW_EINVAL;
	}
	if (key->has_ed25519) {
		unsigned long long n64 = 0;
		if (crypto_sign_detached(sig, &n64, msg, len,
		                         key->ed25519_secret) != 0)
			return cw_key_openssl_fail(CW_ENOMEM, "signing failed");
		*sig_len = (size_t)n64;
		return 0;
	}
	if (key->type == CW_KEY_P256)
		n = sizeof(der);
	if (!(ctx = EVP_MD_CTX_new()) ||
	    EVP_DigestSignInit(ctx, NULL, digest_of(key), NULL, key->pkey) !=
	            1 ||
	    EVP_DigestSign(ctx, key->type == CW_KEY_P256 ? der : sig, &n, msg,
	                   len) != 1) {
		err = cw_key_openssl_fail(CW_ENOMEM, "signing failed");
		goto out;
	}
	if (key->type == CW_KEY_P256) {
		if ((err = der_to_raw(sig, der, n)) < 0)
			goto out;
		n = 2 * ES256_HALF;
	}
	*sig_len = n;
	err = 0;
out:
	EVP_MD_CTX_free(ctx);
	return err;
}

/* The signature length the key type needs. */
static size_t expected_length(const cw_key *key)
{
	if (key->type == CW_KEY_RSA)
		return (size_t)EVP_PKEY_get_size(key->pkey);
	return 64;
}

int cw_key_verify(const cw_key *key, const unsigned char *msg, size_t len,
                  const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *ctx = NULL;
	unsigned char der[DER_SIG_MAX];
	size_t der_len = sig_len;
	int err = CW_EAUTH, rc;

	if (sig_len != expected_length(key)) {
		cw_error_set("signature is %zu bytes; %s needs %zu", sig_len,
		             cw_key_type_name(key->type), expected_length(key));
		return CW_EAUTH;
	}
	if (key->has_ed25519) {
		if (crypto_sign_verify_detached(sig, msg, len,
		                                key->ed25519_public) == 0)
			return 0;
		cw_error_set("the Ed25519 signature does not verify");
		return CW_EAUTH;
	}
	if (key->type == CW_KEY_P256) {
		raw_to_der(der, &der_len, sig);
		if (der_len == 0)
			return cw_key_openssl_fail(CW_ENOMEM,
			                           "ECDSA signature");
		sig = der;
	}
	if (!(ctx = EVP_MD_CTX_new()) ||
	    EVP_DigestVerifyInit(ctx, NULL, digest_of(key), NULL, key->pkey) !=
	            1) {
		err = cw_key_openssl_fail(CW_ENOMEM, "verification failed");
		goto out;
	}
	rc = EVP_DigestVerify(ctx, sig, der_len, msg, len);
	ERR_clear_error();
	if (rc == 1)
		err = 0;
	else
		cw_error_set("the %s signature does not verify",
		             cw_key_type_name(key->type));
out:
	EVP_MD_CTX_free(ctx);
	return err;
}
