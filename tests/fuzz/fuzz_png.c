/* Fuzzes the strict PNG chunk reader: unbaking any input, and baking both
 * versions into what it accepts, which must then unbake to the same text.
 * Each input runs twice: as is, and with every chunk's CRC-32 made right, so
 * mutations reach the chunk rules and the text chunks behind the CRC check. */
#include "fuzz.h"

#include "badge/bake.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>
#include <string.h>

static const char json[] = "{\"@context\":[\"https://www.w3.org/ns/"
                           "credentials/v2\"],\"name\":\"]]>\"}";
static const char jws[] = "eyJhbGciOiJFZERTQSJ9.e30.c2ln";

static int expected_error(int err)
{
	return err == CW_EINVAL || err == CW_ENOTFOUND || err == CW_ETOOBIG ||
	       err == CW_EUNSUPPORTED || err == CW_ENOMEM;
}

/* Unbakes image; aborts on a broken invariant. Returns the error. */
static int check_unbake(const unsigned char *image, size_t len,
                        const char *want, cw_badge_version want_version)
{
	char *payload = NULL;
	size_t payload_len = 0;
	cw_badge_version version = CW_BADGE_OB3;
	int is_url = 0;
	int err = cw_badge_unbake(&payload, &payload_len, &version, &is_url,
	                          image, len);

	if (err < 0 && (payload || !expected_error(err)))
		abort();
	if (err == 0 && (!payload || strlen(payload) != payload_len))
		abort();
	if (want &&
	    (err != 0 || version != want_version || strcmp(payload, want) != 0))
		abort();
	cw_free(payload);
	return err;
}

static void bake_and_check(const unsigned char *image, size_t len,
                           int must_bake, cw_badge_version v,
                           const char *payload)
{
	cw_buf out = CW_BUF_INIT(CW_BADGE_BAKED_MAX);
	int err = cw_badge_bake(&out, image, len, v, payload, strlen(payload),
	                        NULL);

	if (err < 0 &&
	    (!expected_error(err) || (must_bake && err != CW_ETOOBIG)))
		abort();
	if (err == 0)
		check_unbake((const unsigned char *)out.data, out.len, payload,
		             v);
	cw_buf_dispose(&out);
}

static void run(const uint8_t *data, size_t size)
{
	int err = check_unbake(data, size, NULL, CW_BADGE_OB3);
	int must_bake = err == 0 || err == CW_ENOTFOUND;

	bake_and_check(data, size, must_bake, CW_BADGE_OB3, json);
	bake_and_check(data, size, must_bake, CW_BADGE_OB2, jws);
}

/* Rewrites the CRC of each whole chunk after the signature. */
static void fix_crcs(unsigned char *p, size_t size)
{
	size_t pos = 8;

	while (pos + 12 <= size) {
		uint32_t len = (uint32_t)p[pos] << 24 |
		               (uint32_t)p[pos + 1] << 16 |
		               (uint32_t)p[pos + 2] << 8 | p[pos + 3];
		uLong crc;

		if (len > size - pos - 12)
			return;
		crc = crc32(0L, p + pos + 4, (uInt)len + 4);
		p[pos + 8 + len] = (unsigned char)(crc >> 24);
		p[pos + 9 + len] = (unsigned char)(crc >> 16);
		p[pos + 10 + len] = (unsigned char)(crc >> 8);
		p[pos + 11 + len] = (unsigned char)crc;
		pos += 12 + len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = malloc(size ? size : 1);

	run(data, size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	fix_crcs(copy, size);
	if (size >= 8 && memcmp(copy, data, size) != 0)
		run(copy, size);
	free(copy);
	return 0;
}
