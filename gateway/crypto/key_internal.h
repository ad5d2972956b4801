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
	/* Ed25519 in libsodium's form (public key; seed ‖ public key), made
	 * once: libsodium signs and verifies twice as fast as OpenSSL 3.0. */
	int has_ed25519;
	unsigned char ed25519_public[32];
	unsigned char ed25519_secret[64];
};

/**
 * Wraps pkey (taking it, also on failure) after checking it is Ed25519,
 * P-256 or RSA of 2048 to 4096 bits; CW_EUNSUPPORTED otherwise.
 */
int cw_key_wrap(cw_key **out, EVP_PKEY *pkey, int is_private);

/** Fills key's libsodium form from its EVP_PKEY (has_ed25519 stays 0 when
 * libsodium cannot start: OpenSSL signs then). */
void cw_key_ed25519_prepare(cw_key *key);

/** Sets the message and clears OpenSSL's error queue; returns err. */
int cw_key_openssl_fail(int err, const char *what);

#endif
