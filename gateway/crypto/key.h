/* Signing keys (Ed25519, RSA, P-256) over OpenSSL 3, and their public forms:
 * Multikey (multibase base58btc), did:key and JWK. */
#ifndef CW_CRYPTO_KEY_H
#define CW_CRYPTO_KEY_H

#include "util/buf.h"

#include <cjson/cJSON.h>
#include <stddef.h>

typedef enum { CW_KEY_ED25519 = 1, CW_KEY_RSA, CW_KEY_P256 } cw_key_type;

typedef struct cw_key cw_key; /* a public key, or a private one */

#define CW_SIG_MAX 512 /* bytes of any signature here (RSA up to 4096) */

/** "ed25519" | "rsa" | "p256" → type; CW_EINVAL otherwise. */
int cw_key_type_parse(cw_key_type *out, const char *name);
const char *cw_key_type_name(cw_key_type type);

/** A new private key (RSA: 2048 bits). */
int cw_key_generate(cw_key **out, cw_key_type type);
/** An Ed25519 private key from its 32-byte seed. */
int cw_key_from_ed25519_seed(cw_key **out, const unsigned char seed[32]);
/** An Ed25519 public key from its 32 bytes. */
int cw_key_from_ed25519_public(cw_key **out, const unsigned char pub[32]);
void cw_key_free(cw_key *key);

cw_key_type cw_key_get_type(const cw_key *key);
int cw_key_is_private(const cw_key *key);

/** PKCS#8 / SPKI DER of the private or public key. */
int cw_key_private_der(cw_buf *out, const cw_key *key);
int cw_key_public_der(cw_buf *out, const cw_key *key);
/** A key from SPKI (public) or PKCS#8 / traditional (private) DER. */
int cw_key_from_der(cw_key **out, const unsigned char *der, size_t len);
/** PEM (private "PRIVATE KEY" or public "PUBLIC KEY") in and out. */
int cw_key_write_pem(cw_buf *out, const cw_key *key, int include_private);
int cw_key_read_pem(cw_key **out, const char *pem, size_t len);

/**
 * Signs msg: Ed25519 pure (RFC 8032), RSA PKCS#1 v1.5 with SHA-256 (RS256),
 * P-256 ECDSA with SHA-256 as JOSE's raw r‖s (ES256). sig needs CW_SIG_MAX.
 */
int cw_key_sign(const cw_key *key, const unsigned char *msg, size_t len,
                unsigned char *sig, size_t *sig_len);
/** 0 when sig is valid; CW_EAUTH when not; other codes on errors. */
int cw_key_verify(const cw_key *key, const unsigned char *msg, size_t len,
                  const unsigned char *sig, size_t sig_len);

/**
 * Multikey publicKeyMultibase: "z" + base58btc(multicodec ‖ key), with
 * 0xed01 for Ed25519 (z6Mk…) and 0x8024 + compressed point for P-256
 * (zDn…). CW_EUNSUPPORTED for RSA.
 */
int cw_key_multibase(cw_buf *out, const cw_key *key);
int cw_key_from_multibase(cw_key **out, const char *multibase);

/** "did:key:z6Mk…" and the verification method "did:key:z6Mk…#z6Mk…". */
int cw_key_did(cw_buf *out, const cw_key *key);
int cw_key_did_vm(cw_buf *out, const cw_key *key);
/** The key of a did:key DID or DID URL (with or without a fragment). */
int cw_key_from_did_key(cw_key **out, const char *did_url);

/** Public JWK (RFC 7517; OKP/RSA/EC), never with private members. */
int cw_key_to_jwk(cJSON **out, const cw_key *key);
/** A key from a JWK; private members are ignored. */
int cw_key_from_jwk(cw_key **out, const cJSON *jwk);
/** RFC 7638 JWK thumbprint, base64url SHA-256. */
int cw_key_jwk_thumbprint(cw_buf *out, const cw_key *key);

#endif
