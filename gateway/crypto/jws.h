/* JWS compact serialization (RFC 7515) with EdDSA, RS256 and ES256, under
 * the JOSE header rules of Open Badges 3.0 (optionally relaxed for 2.0). */
#ifndef CW_CRYPTO_JWS_H
#define CW_CRYPTO_JWS_H

#include "crypto/key.h"
#include "util/buf.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/*
 * Verification flags. By default the header follows OB 3.0: only alg, kid,
 * jwk and typ; typ, when present, "JWT". CW_JWS_OB2 allows other members and
 * any typ (OB 2.0 signed assertions), but still refuses "crit", "none", an
 * alg that does not fit the key and a jwk with private members.
 */
#define CW_JWS_OB2 0x1u

typedef struct {
	cJSON *header;          /* the JOSE header object */
	const char *alg;        /* header "alg" (points into header) */
	const char *kid;        /* header "kid", or NULL */
	unsigned char *payload; /* decoded, NUL-terminated */
	size_t payload_len;
	cw_key *jwk_key; /* the header's jwk as a key, or NULL */
} cw_jws_result;

/** The JOSE alg of a key type: "EdDSA", "RS256" or "ES256". */
const char *cw_jws_alg(cw_key_type type);

/**
 * Appends the compact JWS of payload signed with key. The header is
 * {"alg": <from the key type>} followed by the members of header_extra
 * (NULL for none), for example kid and typ; header_extra must be an object
 * without "alg". CW_EINVAL for a public key or a bad header_extra.
 */
int cw_jws_sign(cw_buf *out, const cw_key *key, const cJSON *header_extra,
                const unsigned char *payload, size_t len);

/**
 * Splits and decodes compact (at most CW_LIMIT_JWS_BYTES) and checks its
 * header against the rules of flags, without checking the signature.
 * CW_EINVAL (detail: which part, what was expected), CW_ETOOBIG,
 * CW_EUNSUPPORTED (an alg or key type this code does not do).
 */
int cw_jws_parse(cw_jws_result **out, const char *compact, size_t len,
                 unsigned flags);

/**
 * Parses compact and checks its signature with key, or with the header's
 * jwk when key is NULL. The alg must be the one of the key's type.
 * 0 with *out set when valid; CW_EAUTH when the signature does not verify;
 * the codes of cw_jws_parse otherwise. *out is NULL on any error.
 */
int cw_jws_verify(cw_jws_result **out, const char *compact, size_t len,
                  const cw_key *key, unsigned flags);

void cw_jws_result_free(cw_jws_result *result);

#endif
