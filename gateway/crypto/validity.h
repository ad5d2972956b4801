/* The validity period of a verifiable credential (VC 2.0 validFrom /
 * validUntil, VC 1.1 issuanceDate / expirationDate). Pure code. */
#ifndef CW_CRYPTO_VALIDITY_H
#define CW_CRYPTO_VALIDITY_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/**
 * 0 when credential is valid at now_ms (epoch milliseconds); CW_EINVAL
 * when it is not valid yet, has expired, or a date is not an XSD dateTime.
 * why (why_len bytes) says which.
 */
int cw_vc_check_validity(const cJSON *credential, int64_t now_ms, char *why,
                         size_t why_len);

#endif
