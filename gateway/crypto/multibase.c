/* base58btc and multibase "z": quadratic big-number base conversion, fine
 * for the key and signature sizes it is capped at. */
#include "crypto/multibase.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/limits.h"

#include <string.h>

static const char alphabet[] =
        "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static int digit_value(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;

	return p ? (int)(p - alphabet) : -1;
}

int cw_base58btc_encode(cw_buf *out, const unsigned char *data, size_t len)
{
	size_t zeros = 0, size, used = 0;
	unsigned char *digits = NULL;
	int err = 0;

	if (len > CW_LIMIT_BASE58_BYTES) {
		cw_error_set("base58btc: %zu bytes is over the limit of %ld",
		             len, CW_LIMIT_BASE58_BYTES);
		return CW_ETOOBIG;
	}
	while (zeros < len && data[zeros] == 0)
		zeros++;
	/* log(256) / log(58) < 1.37 */
	size = (len - zeros) * 137 / 100 + 1;
	if (!(digits = cw_calloc(size, 1)))
		return CW_ENOMEM;
	for (size_t i = zeros; i < len; i++) {
		unsigned carry = data[i];

		for (size_t j = 0; j < used || carry; j++) {
			carry += 256u * digits[j];
			digits[j] = (unsigned char)(carry % 58);
			carry /= 58;
			if (j + 1 > used)
				used = j + 1;
		}
	}
	for (size_t i = 0; i < zeros; i++)
		cw_buf_putc(out, '1');
	for (size_t i = used; i > 0; i--)
		cw_buf_putc(out, alphabet[digits[i - 1]]);
	err = out->error;
	cw_free(digits);
	return err;
}

/* Multiplies the little-endian number bytes[0..*used) by 58 and adds v. */
static void mul_add(unsigned char *bytes, size_t *used, unsigned v)
{
	unsigned carry = v;

	for (size_t j = 0; j < *used || carry; j++) {
		carry += 58u * bytes[j];
		bytes[j] = (unsigned char)(carry & 0xff);
		carry >>= 8;
		if (j + 1 > *used)
			*used = j + 1;
	}
}

/* The digits in[from..len) as a little-endian number in bytes. */
static int accumulate(unsigned char *bytes, size_t *used, const char *in,
                      size_t from, size_t len)
{
	for (size_t i = from; i < len; i++) {
		int v = digit_value(in[i]);

		if (v < 0) {
			cw_error_set("base58btc: invalid character at offset "
			             "%zu",
			             i);
			return CW_EINVAL;
		}
		mul_add(bytes, used, (unsigned)v);
	}
	return 0;
}

int cw_base58btc_decode(unsigned char **out, size_t *out_len, const char *in,
                        size_t in_len)
{
	size_t zeros = 0, used = 0, size;
	unsigned char *bytes = NULL, *result = NULL;
	int err = 0;

	*out = NULL;
	*out_len = 0;
	if (in_len > CW_LIMIT_BASE58_TEXT) {
		cw_error_set("base58btc: %zu characters is over the limit of "
		             "%ld",
		             in_len, CW_LIMIT_BASE58_TEXT);
		return CW_ETOOBIG;
	}
	while (zeros < in_len && in[zeros] == '1')
		zeros++;
	/* log(58) / log(256) < 0.733 */
	size = (in_len - zeros) * 733 / 1000 + 1;
	bytes = cw_calloc(size, 1);
	result = cw_malloc(zeros + size + 1);
	if (!bytes || !result) {
		err = CW_ENOMEM;
		goto out;
	}
	if ((err = accumulate(bytes, &used, in, zeros, in_len)) < 0)
		goto out;
	memset(result, 0, zeros);
	for (size_t i = 0; i < used; i++)
		result[zeros + i] = bytes[used - 1 - i];
	result[zeros + used] = '\0';
	*out = result;
	*out_len = zeros + used;
	result = NULL;
out:
	cw_free(bytes);
	cw_free(result);
	return err;
}

int cw_multibase_encode(cw_buf *out, const unsigned char *data, size_t len)
{
	int err = cw_buf_putc(out, 'z');

	return err < 0 ? err : cw_base58btc_encode(out, data, len);
}

int cw_multibase_decode(unsigned char **out, size_t *out_len, const char *in)
{
	size_t len = strnlen(in, CW_LIMIT_BASE58_TEXT + 2);

	*out = NULL;
	*out_len = 0;
	if (len == 0 || in[0] != 'z') {
		cw_error_set("multibase: expected base58btc (prefix 'z')");
		return CW_EINVAL;
	}
	return cw_base58btc_decode(out, out_len, in + 1, len - 1);
}
