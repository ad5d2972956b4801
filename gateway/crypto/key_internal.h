/* The cw_key struct, shared by key.c, key_sign.c and key_public.c only. */
#ifndef CW_CRYPTO_KEY_INTERNAL_H
#define CW_CRYPTO_KEY_INTERNAL_H

#include "crypto/key.h"

#include <openssl/evp.h>

#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 4096

struct cw_key {
	cw_key_type type;
	EVP_PKEY *pkey;
	int is_private;
};

/**
 * Wraps pkey (taking it, also on failure) after checking it is Ed25519,
 * P-256 or RSA of 2048 to 4096 bits; CW_EUNSUPPORTED otherwise.
 */
int cw_key_wrap(cw_key **out, EVP_PKEY *pkey, int is_private);

/** Sets the message and clears OpenSSL's error queue; returns err. */
int cw_key_openssl_fail(int err, const char *what);

#endif
