/* Byte encodings: hex, base64, base64url, percent-encoding. Pure functions. */
#ifndef CW_UTIL_ENCODE_H
#define CW_UTIL_ENCODE_H

#include <stddef.h>

/** Writes 2*len lowercase hex digits and a NUL to out. */
void cw_hex_encode(char *out, const unsigned char *data, size_t len);
/** Decodes exactly out_len bytes from 2*out_len hex digits; CW_EINVAL else. */
int cw_hex_decode(unsigned char *out, size_t out_len, const char *hex,
                  size_t hex_len);

/** Unpadded base64url; out needs cw_base64url_len(len) + 1 bytes. */
size_t cw_base64url_len(size_t len);
void cw_base64url_encode(char *out, const unsigned char *data, size_t len);
/**
 * Decodes unpadded base64url strictly (RFC 7515 §2: no '=', no whitespace,
 * unused bits zero) into a new NUL-terminated buffer; CW_EINVAL otherwise.
 */
int cw_base64url_decode(unsigned char **out, size_t *out_len, const char *in,
                        size_t in_len);

/** Standard base64 with padding; out needs cw_base64_len(len) + 1 bytes. */
size_t cw_base64_len(size_t len);
void cw_base64_encode(char *out, const unsigned char *data, size_t len);

/**
 * Decodes standard base64 (padding required, no whitespace) into a new
 * NUL-terminated buffer. CW_EINVAL on a bad character or length.
 */
int cw_base64_decode(unsigned char **out, size_t *out_len, const char *in,
                     size_t in_len);

/**
 * Decodes application/x-www-form-urlencoded text ('+' is a space, %XX a byte)
 * into a new NUL-terminated string. CW_EINVAL on a bad escape or a NUL byte.
 */
int cw_form_decode(char **out, const char *in, size_t in_len);

#endif
