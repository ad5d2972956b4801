/* W3C Bitstring Status List decoding and Open Badges identity hashes: the
 * pure pieces of credential status and recipient checks. */
#ifndef CW_BADGE_STATUSLIST_H
#define CW_BADGE_STATUSLIST_H

#include <stddef.h>
#include <stdint.h>

/**
 * *out = bit index (MSB first: bit 0 is the high bit of byte 0) of an
 * encodedList: multibase base64url ('u' prefix, no padding) of GZIP data.
 * CW_EINVAL for a bad encoding or an index past the end; CW_ETOOBIG when
 * the list inflates past CW_LIMIT_STATUS_LIST_BYTES.
 */
int cw_badge_bitstring_get(int *out, const char *encoded_list, uint64_t index);

/**
 * *out = 1 when candidate is the identity: with hashed, identity is
 * "sha256$" + hex(SHA-256(candidate + salt)) (hex in either case; salt may
 * be NULL); else a plain comparison (case-insensitive, as for emails).
 * CW_EUNSUPPORTED for md5 hashes, CW_EINVAL for another malformed hash.
 */
int cw_badge_identity_matches(int *out, const char *identity, int hashed,
                              const char *salt, const char *candidate);

#endif
