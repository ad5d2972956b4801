/* Bitstring Status List decoding (multibase base64url GZIP) and identity
 * hash matching (sha256$ + hex, salted). */
#include "badge/statuslist.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/limits.h"

#include <string.h>
#include <strings.h>
#include <zlib.h>

/* Inflates GZIP data into out, capped at CW_LIMIT_STATUS_LIST_BYTES. */
static int gunzip(cw_buf *out, const unsigned char *data, size_t len)
{
	z_stream z;
	unsigned char chunk[16384];
	int err = 0, zr = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return CW_ENOMEM;
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	while (zr != Z_STREAM_END && err == 0) {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			cw_error_set("encodedList: not GZIP data (%s)",
			             z.msg ? z.msg : "truncated");
			err = CW_EINVAL;
			goto out;
		}
		err = cw_buf_put(out, chunk, sizeof(chunk) - z.avail_out);
		if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
			cw_error_set("encodedList: truncated GZIP data");
			err = CW_EINVAL;
		}
	}
	if (err == CW_ETOOBIG)
		cw_error_set("encodedList inflates past %ld bytes",
		             (long)CW_LIMIT_STATUS_LIST_BYTES);
out:
	inflateEnd(&z);
	return err;
}

int cw_badge_bitstring_get(int *out, const char *encoded_list, uint64_t index)
{
	unsigned char *packed = NULL;
	size_t packed_len = 0;
	cw_buf bits = CW_BUF_INIT(CW_LIMIT_STATUS_LIST_BYTES);
	int err = 0;

	*out = 0;
	if (!encoded_list || encoded_list[0] != 'u') {
		cw_error_set("encodedList: not multibase base64url ('u')");
		err = CW_EINVAL;
		goto out;
	}
	err = cw_base64url_decode(&packed, &packed_len, encoded_list + 1,
	                          strlen(encoded_list + 1));
	if (err < 0) {
		cw_error_set("encodedList: bad base64url");
		goto out;
	}
	if ((err = gunzip(&bits, packed, packed_len)) < 0)
		goto out;
	if (index / 8 >= bits.len) {
		cw_error_set("statusListIndex %llu is past the list's %zu bits",
		             (unsigned long long)index, bits.len * 8);
		err = CW_EINVAL;
		goto out;
	}
	*out = ((unsigned char)bits.data[index / 8] >> (7 - index % 8)) & 1;
out:
	cw_free(packed);
	cw_buf_dispose(&bits);
	return err;
}

static int hash_matches(int *out, const char *hex, const char *salt,
                        const char *candidate)
{
	cw_buf text = CW_BUF_INIT(1 << 16);
	char digest[2 * CW_SHA256_LEN + 1];
	int err;

	cw_buf_puts(&text, candidate);
	cw_buf_puts(&text, salt ? salt : "");
	if ((err = text.error) < 0)
		goto out;
	if (strlen(hex) != 2 * CW_SHA256_LEN) {
		cw_error_set("identity hash: not 64 hex digits");
		err = CW_EINVAL;
		goto out;
	}
	if ((err = cw_sha256_hex(digest, text.data ? text.data : "",
	                         text.len)) < 0)
		goto out;
	*out = strcasecmp(digest, hex) == 0;
out:
	cw_buf_dispose(&text);
	return err;
}

int cw_badge_identity_matches(int *out, const char *identity, int hashed,
                              const char *salt, const char *candidate)
{
	*out = 0;
	if (!identity || !candidate)
		return CW_EINVAL;
	if (!hashed) {
		*out = strcasecmp(identity, candidate) == 0;
		return 0;
	}
	if (strncasecmp(identity, "sha256$", 7) == 0)
		return hash_matches(out, identity + 7, salt, candidate);
	if (strncasecmp(identity, "md5$", 4) == 0) {
		cw_error_set("md5 identity hashes are not supported");
		return CW_EUNSUPPORTED;
	}
	cw_error_set("identity hash: neither sha256$ nor md5$");
	return CW_EINVAL;
}
