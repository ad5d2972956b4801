/* Small secrets sealed under the master key: AES-256-GCM, a fresh random
 * 96-bit nonce per seal, the owner's id as associated data, written as text:
 * "v1:" + base64(nonce | ciphertext | tag). */
#ifndef CW_UTIL_SECRETBOX_H
#define CW_UTIL_SECRETBOX_H

#include <stddef.h>

#define CW_SECRETBOX_KEY_LEN   32
#define CW_SECRETBOX_NONCE_LEN 12
#define CW_SECRETBOX_TAG_LEN   16
#define CW_SECRETBOX_PREFIX    "v1:"

/**
 * Seals len bytes of plain (at most CW_LIMIT_SEALED_PLAIN) bound to aad.
 * *out is the NUL-terminated text (cw_free). CW_ETOOBIG, CW_EIO (no
 * randomness), CW_ENOMEM (allocation or OpenSSL failure).
 */
int cw_secretbox_seal(char **out, const unsigned char key[CW_SECRETBOX_KEY_LEN],
                      const char *aad, const void *plain, size_t len);

/**
 * Opens what cw_secretbox_seal made. *out is the plaintext, NUL-terminated
 * (cw_free; *out_len its length). CW_EINVAL when sealed is not that format
 * (or over CW_LIMIT_SEALED_TEXT), CW_EAUTH when it does not authenticate:
 * another key, another aad, or a changed byte.
 */
int cw_secretbox_open(char **out, size_t *out_len,
                      const unsigned char key[CW_SECRETBOX_KEY_LEN],
                      const char *aad, const char *sealed, size_t sealed_len);

#endif
