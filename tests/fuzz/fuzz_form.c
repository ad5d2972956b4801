/* Fuzzes form bodies and the decoders under them: percent, base64, hex. */
#include "fuzz.h"

#include "http/form.h"
#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static void fuzz_form_parse(const char *body, size_t len)
{
	cw_form form;
	int err = cw_form_parse(&form, body, len);

	if (err < 0) {
		if (form.count != 0 || (err != CW_EINVAL && err != CW_ENOMEM))
			abort();
		return;
	}
	if (form.count > CW_FORM_MAX_FIELDS)
		abort();
	/* Names are unique, so each finds its own value. */
	for (size_t i = 0; i < form.count; i++)
		if (cw_form_get(&form, form.names[i]) != form.values[i])
			abort();
	cw_form_dispose(&form);
}

static void fuzz_form_decode(const char *in, size_t len)
{
	char *text = NULL;
	int err = cw_form_decode(&text, in, len);

	if (err == 0 && (!text || strlen(text) > len))
		abort();
	if (err < 0 && text)
		abort();
	cw_free(text);
}

static void fuzz_base64(const char *in, size_t len)
{
	unsigned char *bytes = NULL;
	size_t bytes_len = 0;
	int err = cw_base64_decode(&bytes, &bytes_len, in, len);

	if (err == 0) {
		size_t pad = len && in[len - 1] == '='
		                     ? (len > 1 && in[len - 2] == '=' ? 2 : 1)
		                     : 0;

		if (!bytes || len % 4 || bytes_len != len / 4 * 3 - pad ||
		    bytes[bytes_len] != '\0')
			abort();
	} else if (bytes) {
		abort();
	}
	cw_free(bytes);
}

/* Decoding then encoding gives back the digits, up to case. */
static void fuzz_hex(const char *in, size_t len)
{
	size_t out_len = len / 2;
	unsigned char *bytes = malloc(out_len ? out_len : 1);
	char *again = malloc(2 * out_len + 1);

	if (!bytes || !again)
		goto out;
	if (cw_hex_decode(bytes, out_len, in, len) < 0)
		goto out;
	if (len % 2)
		abort();
	cw_hex_encode(again, bytes, out_len);
	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (again[i] != c)
			abort();
	}
out:
	free(bytes);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: the parsers take (buf, len), and ASan must see
	 * one byte past the end. */
	char *copy = malloc(size ? size : 1);

	if (!copy)
		goto out;
	if (size)
		memcpy(copy, data, size);
	fuzz_form_parse(copy, size);
	fuzz_form_decode(copy, size);
	fuzz_base64(copy, size);
	fuzz_hex(copy, size);
out:
	free(copy);
	return 0;
}
