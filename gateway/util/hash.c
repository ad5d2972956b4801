/* Thin, checked wrappers over OpenSSL's digest and random APIs. */
#include "util/hash.h"

#include "util/encode.h"
#include "util/error.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>

/* OpenSSL 3 looks an algorithm up (under a lock) every time EVP_sha256() is
 * used; fetching it once keeps hot paths such as bearer checks lock-free. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

int cw_sha256(unsigned char out[CW_SHA256_LEN], const void *data, size_t len)
{
	unsigned int out_len = 0;

	pthread_once(&sha256_once, fetch_sha256);
	if (!sha256_md ||
	    EVP_Digest(data, len, out, &out_len, sha256_md, NULL) != 1 ||
	    out_len != CW_SHA256_LEN) {
		cw_error_set("SHA-256 failed");
		return CW_ENOMEM;
	}
	return 0;
}

int cw_sha256_hex(char out[2 * CW_SHA256_LEN + 1], const void *data, size_t len)
{
	unsigned char digest[CW_SHA256_LEN];
	int err = cw_sha256(digest, data, len);

	if (err == 0)
		cw_hex_encode(out, digest, sizeof(digest));
	return err;
}

int cw_hmac(unsigned char out[CW_HMAC_MAX_LEN], size_t *out_len,
            cw_hmac_alg alg, const void *key, size_t key_len, const void *data,
            size_t len)
{
	const EVP_MD *md = alg == CW_HMAC_SHA1 ? EVP_sha1() : EVP_sha256();
	unsigned int mac_len = 0;

	*out_len = 0;
	if (!md || key_len > 0x7fffffff ||
	    !HMAC(md, key, (int)key_len, data, len, out, &mac_len) ||
	    mac_len > CW_HMAC_MAX_LEN) {
		cw_error_set("HMAC failed");
		return CW_ENOMEM;
	}
	*out_len = mac_len;
	return 0;
}

int cw_random_bytes(unsigned char *out, size_t len)
{
	if (len > 0x7fffffff || RAND_bytes(out, (int)len) != 1) {
		cw_error_set("the random number generator failed");
		return CW_EIO;
	}
	return 0;
}

int cw_const_time_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

static EVP_MD *sha384_md;
static pthread_once_t sha384_once = PTHREAD_ONCE_INIT;

static void fetch_sha384(void)
{
	sha384_md = EVP_MD_fetch(NULL, "SHA384", NULL);
}

int cw_sha384(unsigned char out[CW_SHA384_LEN], const void *data, size_t len)
{
	unsigned int out_len = 0;

	pthread_once(&sha384_once, fetch_sha384);
	if (!sha384_md ||
	    EVP_Digest(data, len, out, &out_len, sha384_md, NULL) != 1 ||
	    out_len != CW_SHA384_LEN) {
		cw_error_set("SHA-384 failed");
		return CW_ENOMEM;
	}
	return 0;
}
