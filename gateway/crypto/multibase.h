/* base58btc (Bitcoin alphabet) and multibase "z" strings. Pure functions. */
#ifndef CW_CRYPTO_MULTIBASE_H
#define CW_CRYPTO_MULTIBASE_H

#include "util/buf.h"

#include <stddef.h>

/** Appends base58btc of data (leading zero bytes as '1'). */
int cw_base58btc_encode(cw_buf *out, const unsigned char *data, size_t len);
/** Decodes base58btc text into a new buffer; CW_EINVAL on a bad digit. */
int cw_base58btc_decode(unsigned char **out, size_t *out_len, const char *in,
                        size_t in_len);
/** "z" + base58btc; and back (CW_EINVAL when the prefix is not 'z'). */
int cw_multibase_encode(cw_buf *out, const unsigned char *data, size_t len);
int cw_multibase_decode(unsigned char **out, size_t *out_len, const char *in);

#endif
