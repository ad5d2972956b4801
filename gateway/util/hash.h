/* Digests, secure random bytes and constant-time comparison (OpenSSL). */
#ifndef CW_UTIL_HASH_H
#define CW_UTIL_HASH_H

#include <stddef.h>

#define CW_SHA256_LEN 32

/** SHA-256 of data into out; 0 or CW_ENOMEM. */
int cw_sha256(unsigned char out[CW_SHA256_LEN], const void *data, size_t len);
/** SHA-256 of data as 64 lowercase hex digits plus NUL. */
int cw_sha256_hex(char out[2 * CW_SHA256_LEN + 1], const void *data,
                  size_t len);
#define CW_SHA384_LEN 48

/** SHA-384 of data into out; 0 or CW_ENOMEM. */
int cw_sha384(unsigned char out[CW_SHA384_LEN], const void *data, size_t len);
#define CW_SHA1_LEN     20
#define CW_HMAC_MAX_LEN 32

typedef enum { CW_HMAC_SHA1, CW_HMAC_SHA256 } cw_hmac_alg;

/**
 * HMAC of data under key into out (CW_HMAC_MAX_LEN bytes); *out_len gets
 * the MAC's length (20 or 32). 0, or CW_ENOMEM when OpenSSL fails.
 */
int cw_hmac(unsigned char out[CW_HMAC_MAX_LEN], size_t *out_len,
            cw_hmac_alg alg, const void *key, size_t key_len, const void *data,
            size_t len);
/** Fills out with len bytes from the OS CSPRNG; CW_EIO on failure. */
int cw_random_bytes(unsigned char *out, size_t len);
/** 1 when the two buffers are equal, comparing in time independent of data. */
int cw_const_time_equal(const void *a, const void *b, size_t len);

#endif
