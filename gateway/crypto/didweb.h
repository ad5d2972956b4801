/* did:web (W3C CCG did:web method): a DID naming an HTTPS host and path,
 * and the URL of the DID document it resolves to. */
#ifndef CW_CRYPTO_DIDWEB_H
#define CW_CRYPTO_DIDWEB_H

#include "util/buf.h"

#include <stddef.h>

#define CW_DID_WEB_MAX 2048 /* bytes of a did:web DID */

/** 1 when s (a DID or DID URL) starts with "did:web:". */
int cw_did_web_is(const char *s);

/**
 * Appends the URL of the DID document of did (len bytes; a fragment is
 * ignored): https://HOST[:PORT]/PATH/did.json for did:web:HOST[%3APORT]
 * :PATH…, https://HOST[:PORT]/.well-known/did.json without a path. A
 * loopback host (localhost, 127.0.0.1) resolves over http, as such hosts
 * have no certificates; fetchers still refuse them unless told otherwise.
 * *did_len (may be NULL) is the length of the DID without its fragment.
 * CW_EINVAL (the message says what) for a malformed did:web.
 */
int cw_did_web_url(cw_buf *out, size_t *did_len, const char *did, size_t len);

#endif
