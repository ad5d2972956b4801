/* Content negotiation: which of the media types a resource offers an
 * Accept header prefers (RFC 9110 §12.5.1). */
#ifndef CW_HTTP_NEGOTIATE_H
#define CW_HTTP_NEGOTIATE_H

#include <stddef.h>

#define CW_NEGOTIATE_HEADER_MAX 4096 /* bytes of Accept looked at */

/**
 * The index in offers (count types such as "application/json") that the
 * Accept header value accept (len bytes) gives the highest q, ties going
 * to the earlier offer and to the more specific range; 0 when accept is
 * NULL or empty (no preference); -1 when every offer has q=0 or matches no
 * range (406). A malformed range is skipped; a header longer than
 * CW_NEGOTIATE_HEADER_MAX is read up to it.
 */
int cw_negotiate(const char *accept, size_t len, const char *const *offers,
                 size_t count);

#endif
