/* AES-256-GCM through OpenSSL's EVP interface. GCM needs a nonce that never
 * repeats under one key: 96 random bits per seal keeps the chance of a repeat
 * negligible for the number of secrets a gateway holds. */
#include "util/secretbox.h"

#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/limits.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#define PREFIX_LEN (sizeof(CW_SECRETBOX_PREFIX) - 1)
#define OVERHEAD   (CW_SECRETBOX_NONCE_LEN + CW_SECRETBOX_TAG_LEN)

/* Encrypts (enc 1) or decrypts len bytes of in into out; on decryption tag
 * is checked, on encryption written. CW_EAUTH when a tag does not match. */
static int gcm(int enc, const unsigned char *key, const unsigned char *nonce,
               const char *aad, const unsigned char *in, size_t len,
               unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	size_t aad_len = strlen(aad);
	int n = 0, final = 0, err = CW_ENOMEM;

	if (!ctx || len > 0x7fffffff || aad_len > 0x7fffffff)
		goto out;
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) !=
	            1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN,
	                        CW_SECRETBOX_NONCE_LEN, NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, (const unsigned char *)aad,
	                     (int)aad_len) != 1 ||
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
	                                CW_SECRETBOX_TAG_LEN, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + n, &final) != 1) {
		err = enc ? CW_ENOMEM : CW_EAUTH;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
	                               CW_SECRETBOX_TAG_LEN, tag) != 1)
		goto out;
	err = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	if (err == CW_ENOMEM)
		cw_error_set("AES-256-GCM failed");
	else if (err == CW_EAUTH)
		cw_error_set("the sealed secret does not authenticate (another "
		             "master key, or altered)");
	return err;
}

int cw_secretbox_seal(char **out, const unsigned char key[CW_SECRETBOX_KEY_LEN],
                      const char *aad, const void *plain, size_t len)
{
	unsigned char *raw = NULL;
	char *text = NULL;
	int err;

	*out = NULL;
	if (len > CW_LIMIT_SEALED_PLAIN) {
		cw_error_set("secret longer than %ld bytes",
		             CW_LIMIT_SEALED_PLAIN);
		return CW_ETOOBIG;
	}
	raw = cw_malloc(len + OVERHEAD);
	text = cw_malloc(PREFIX_LEN + cw_base64_len(len + OVERHEAD) + 1);
	err = raw && text ? 0 : CW_ENOMEM;
	if (err == 0)
		err = cw_random_bytes(raw, CW_SECRETBOX_NONCE_LEN);
	if (err == 0)
		err = gcm(1, key, raw, aad, plain, len,
		          raw + CW_SECRETBOX_NONCE_LEN,
		          raw + CW_SECRETBOX_NONCE_LEN + len);
	if (err == 0) {
		memcpy(text, CW_SECRETBOX_PREFIX, PREFIX_LEN);
		cw_base64_encode(text + PREFIX_LEN, raw, len + OVERHEAD);
		*out = text;
		text = NULL;
	}
	if (raw)
		OPENSSL_cleanse(raw, len + OVERHEAD);
	cw_free(raw);
	cw_free(text);
	return err;
}

int cw_secretbox_open(char **out, size_t *out_len,
                      const unsigned char key[CW_SECRETBOX_KEY_LEN],
                      const char *aad, const char *sealed, size_t sealed_len)
{
	unsigned char *raw = NULL, *plain = NULL;
	size_t raw_len = 0, len;
	int err;

	*out = NULL;
	*out_len = 0;
	if (sealed_len > CW_LIMIT_SEALED_TEXT || sealed_len < PREFIX_LEN ||
	    memcmp(sealed, CW_SECRETBOX_PREFIX, PREFIX_LEN) != 0 ||
	    cw_base64_decode(&raw, &raw_len, sealed + PREFIX_LEN,
	                     sealed_len - PREFIX_LEN) < 0 ||
	    raw_len < OVERHEAD) {
		cw_free(raw);
		cw_error_set("not a sealed secret (\"v1:\" and base64)");
		return CW_EINVAL;
	}
	len = raw_len - OVERHEAD;
	plain = cw_malloc(len + 1);
	err = plain ? 0 : CW_ENOMEM;
	if (err == 0)
		err = gcm(0, key, raw, aad, raw + CW_SECRETBOX_NONCE_LEN, len,
		          plain, raw + CW_SECRETBOX_NONCE_LEN + len);
	if (err == 0) {
		plain[len] = '\0';
		*out = (char *)plain;
		*out_len = len;
		plain = NULL;
	}
	if (plain)
		OPENSSL_cleanse(plain, len + 1);
	cw_free(plain);
	OPENSSL_cleanse(raw, raw_len);
	cw_free(raw);
	return err;
}
