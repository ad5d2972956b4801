/* Fuzzes the strict PNG chunk reader: unbaking any input, and baking both
 * versions into what it accepts, which must then unbake to the same text.
 * Each input runs twice: as is, and with every chunk's CRC-32 made right, so
 * mutations reach the chunk rules and the text chunks behind the CRC check. */
#include "fuzz.h"
#include "fuzz_bake.h"

#include "badge/bake.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>
#include <string.h>

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
