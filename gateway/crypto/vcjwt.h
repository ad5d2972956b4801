/* VC-JWT for Open Badges 3.0 / VC 2.0: a compact JWS whose payload is the
 * credential plus the registered claims iss, jti, nbf, sub and exp. */
#ifndef CW_CRYPTO_VCJWT_H
#define CW_CRYPTO_VCJWT_H

#include "crypto/key.h"
#include "util/buf.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/**
 * Appends the VC-JWT of credential (a JSON object) signed with key. Claims:
 * iss = issuer or issuer.id (required), jti = id, nbf = validFrom,
 * sub = credentialSubject.id, exp = validUntil (each when present; times as
 * NumericDate seconds). Header: alg of the key, typ "JWT", and kid =
 * verification_method when it is not NULL, else jwk = the public key. CW_EINVAL
 * on a credential without issuer or with a datetime cw_time_parse_iso does not
 * read.
 */
int cw_vcjwt_create(cw_buf *out, const cw_key *key, const cJSON *credential,
                    const char *verification_method);

/**
 * Verifies a VC-JWT (OB 3.0 header rules) with key, or the header's jwk
 * when key is NULL, then checks the claims against the credential: each of
 * iss, jti, nbf, sub, exp must be present exactly when its credential
 * property is, and equal to it. A legacy VC 1.1 JWT (the credential under
 * "vc", issuanceDate / expirationDate) is accepted: there a property the
 * credential leaves out is filled in from its claim.
 * *out is the credential without the JWT claims (cJSON_Delete).
 * CW_EAUTH for a bad signature, CW_EINVAL for claims that do not match
 * (detail names the claim), the codes of cw_jws_verify otherwise.
 */
int cw_vcjwt_verify(cJSON **out, const char *jwt, size_t len,
                    const cw_key *key);

#endif
