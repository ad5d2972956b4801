/* Key files of `crosswalk keys generate`: a signing key as JSON whose private
 * part is sealed under the data dir's master key; plain PEM is read too. */
#ifndef CW_ENGINE_KEYFILE_H
#define CW_ENGINE_KEYFILE_H

#include "crypto/key.h"
#include "util/buf.h"
#include "util/secretbox.h"

#include <cjson/cJSON.h>
#include <stddef.h>

#define CW_KEYFILE_THUMBPRINT_URN                                              \
	"urn:ietf:params:oauth:jwk-thumbprint:sha-256:"

/*
 * The file is one JSON object:
 *   {"type": "ed25519" | "rsa" | "p256",
 *    "id": <cw_keyfile_id>,
 *    "publicKeyMultibase": "z…" (Ed25519 and P-256 only),
 *    "publicKeyJwk": {…public JWK…},
 *    "privateKeySealed": cw_secretbox_seal text of the PKCS#8 DER, with the
 *                        associated data "crosswalk key " + id}
 * and it is created mode 0600, never over an existing file.
 */

/**
 * The id a key file names its key by: the did:key verification method
 * (did:key:z6Mk…#z6Mk…) for Ed25519, else CW_KEYFILE_THUMBPRINT_URN + the
 * RFC 7638 thumbprint (RFC 9278).
 */
int cw_keyfile_id(cw_buf *out, const cw_key *key);

/** The public members of the file: type, id, publicKeyMultibase, publicKeyJwk.
 */
int cw_keyfile_describe(cJSON **out, const cw_key *key);

/**
 * Writes the key file of a private key to path (mode 0600, fsync'd).
 * CW_EEXISTS when path exists, CW_EINVAL for a public key, CW_EIO.
 */
int cw_keyfile_write(const char *path, const cw_key *key,
                     const unsigned char master_key[CW_SECRETBOX_KEY_LEN]);

/**
 * Reads a key from text: a key file as written above (master_key opens it),
 * or, when the text begins with "-----BEGIN" (after white space), a plain
 * unencrypted PEM key: "PRIVATE KEY" (PKCS#8), "RSA PRIVATE KEY", "EC PRIVATE
 * KEY" or "PUBLIC KEY" (then *out is a public key; master_key is not used
 * and may be NULL). A key file's id must match its key. CW_EINVAL for a
 * malformed file, CW_EAUTH when the seal does not open under master_key.
 */
int cw_keyfile_parse(cw_key **out, const char *text, size_t len,
                     const unsigned char master_key[CW_SECRETBOX_KEY_LEN]);

/** cw_keyfile_parse of the file at path (at most CW_LIMIT_KEYFILE bytes). */
int cw_keyfile_read(cw_key **out, const char *path,
                    const unsigned char master_key[CW_SECRETBOX_KEY_LEN]);

#endif
