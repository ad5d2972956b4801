/* Encoders and decoders; every decoder rejects what it does not understand. */
#include "util/encode.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdint.h>

static const char hex_digits[] = "0123456789abcdef";

void cw_hex_encode(char *out, const unsigned char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_digits[data[i] >> 4];
		out[2 * i + 1] = hex_digits[data[i] & 15];
	}
	out[2 * len] = '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cw_hex_decode(unsigned char *out, size_t out_len, const char *hex,
                  size_t hex_len)
{
	if (hex_len != 2 * out_len)
		return CW_EINVAL;
	for (size_t i = 0; i < out_len; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return CW_EINVAL;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

size_t cw_base64url_len(size_t len)
{
	return len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
}

void cw_base64url_encode(char *out, const unsigned char *data, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                               "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i = 0, o = 0;

	for (; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 |
		             (uint32_t)data[i + 1] << 8 | data[i + 2];
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		out[o++] = alphabet[data[i] >> 2];
		out[o++] = alphabet[(data[i] & 3) << 4];
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)data[i] << 8 | data[i + 1];
		out[o++] = alphabet[v >> 10];
		out[o++] = alphabet[(v >> 4) & 63];
		out[o++] = alphabet[(v & 15) << 2];
	}
	out[o] = '\0';
}

/* A base64 digit's value in the alphabet whose last two digits are c62 and
 * c63 ("+/" standard, "-_" base64url), or -1. */
static int digit_value(char c, char c62, char c63)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == c62)
		return 62;
	if (c == c63)
		return 63;
	return -1;
}

int cw_base64url_decode(unsigned char **out, size_t *out_len, const char *in,
                        size_t in_len)
{
	unsigned char *bytes;
	uint32_t acc = 0;
	size_t o = 0;
	int bits = 0;

	*out = NULL;
	*out_len = 0;
	if (in_len % 4 == 1)
		return CW_EINVAL;
	bytes = cw_malloc(in_len / 4 * 3 + 3);
	if (!bytes)
		return CW_ENOMEM;
	for (size_t i = 0; i < in_len; i++) {
		int v = digit_value(in[i], '-', '_');

		if (v < 0)
			goto bad;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* The bits left over must be zero: one text per byte string. */
	if (acc & ((1u << bits) - 1))
		goto bad;
	bytes[o] = '\0';
	*out = bytes;
	*out_len = o;
	return 0;
bad:
	cw_free(bytes);
	return CW_EINVAL;
}

size_t cw_base64_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

void cw_base64_encode(char *out, const unsigned char *data, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                               "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
}

int cw_base64_decode(unsigned char **out, size_t *out_len, const char *in,
                     size_t in_len)
{
	unsigned char *bytes;
	size_t o = 0, pad = 0;

	*out = NULL;
	if (in_len % 4)
		return CW_EINVAL;
	if (in_len && in[in_len - 1] == '=')
		pad = in_len > 1 && in[in_len - 2] == '=' ? 2 : 1;
	bytes = cw_malloc(in_len / 4 * 3 + 1);
	if (!bytes)
		return CW_ENOMEM;
	for (size_t i = 0; i < in_len; i += 4) {
		int v[4];
		int last = i + 4 == in_len;

		for (int k = 0; k < 4; k++) {
			int is_pad = last && k >= 4 - (int)pad;
			v[k] = is_pad ? 0
			              : digit_value(in[i + (size_t)k], '+',
			                            '/');
			if (v[k] < 0) {
				cw_free(bytes);
				return CW_EINVAL;
			}
		}
		/* Bits a padded group does not use must be zero: one text per
		 * byte string, so "YR==" does not pass for "YQ==". */
		if (last &&
		    ((pad == 2 && (v[1] & 15)) || (pad == 1 && (v[2] & 3)))) {
			cw_free(bytes);
			return CW_EINVAL;
		}
		bytes[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (!(last && pad == 2))
			bytes[o++] =
			        (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (!(last && pad >= 1))
			bytes[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	bytes[o] = '\0';
	*out = bytes;
	*out_len = o;
	return 0;
}

int cw_form_decode(char **out, const char *in, size_t in_len)
{
	char *text = cw_malloc(in_len + 1);
	size_t o = 0;

	*out = NULL;
	if (!text)
		return CW_ENOMEM;
	for (size_t i = 0; i < in_len; i++) {
		int hi, lo;

		if (in[i] == '+') {
			text[o++] = ' ';
			continue;
		}
		if (in[i] != '%') {
			if (in[i] == '\0')
				goto bad;
			text[o++] = in[i];
			continue;
		}
		if (in_len - i < 3)
			goto bad;
		hi = hex_value(in[i + 1]);
		lo = hex_value(in[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			goto bad;
		text[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	text[o] = '\0';
	*out = text;
	return 0;
bad:
	cw_free(text);
	return CW_EINVAL;
}
