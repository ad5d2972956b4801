/* PNG baking: a strict chunk reader (CRC, order, caps) and the iTXt chunk. */
#include "badge/bake_internal.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/limits.h"

#include <stdint.h>
#include <string.h>
#include <zlib.h>

#define KEYWORD_OB3 "openbadgecredential"
#define KEYWORD_OB2 "openbadges"

static const unsigned char signature[8] = { 0x89, 'P',  'N',  'G',
	                                    '\r', '\n', 0x1a, '\n' };

typedef struct {
	size_t index;  /* 0 for the first chunk */
	size_t offset; /* of its length field */
	uint32_t length;
	char type[5];
	const unsigned char *data;
} png_chunk;

typedef int (*chunk_visitor)(void *ctx, const png_chunk *chunk);

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static int type_is_letters(const unsigned char *t)
{
	for (int i = 0; i < 4; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') ||
		      (t[i] >= 'a' && t[i] <= 'z')))
			return 0;
	return 1;
}

static int chunk_error(const png_chunk *c, const char *what)
{
	cw_error_set("PNG chunk %zu (\"%s\") at offset %zu: %s", c->index,
	             c->type, c->offset, what);
	return CW_EINVAL;
}

/* Reads the chunk at pos: length, type, data and a matching CRC-32. */
static int read_chunk(png_chunk *c, const unsigned char *img, size_t len,
                      size_t pos)
{
	const unsigned char *p = img + pos;

	c->offset = pos;
	memcpy(c->type, "????", 5);
	if (len - pos < 8)
		return chunk_error(c, "truncated (no room for a chunk)");
	c->length = get_u32(p);
	if (!type_is_letters(p + 4)) {
		cw_error_set("PNG chunk %zu at offset %zu: type bytes "
		             "%02x%02x%02x%02x are not letters",
		             c->index, pos, p[4], p[5], p[6], p[7]);
		return CW_EINVAL;
	}
	memcpy(c->type, p + 4, 4);
	if (len - pos < 12)
		return chunk_error(c, "truncated (no room for its CRC)");
	if (c->length > (uint32_t)CW_LIMIT_BADGE_PNG_CHUNK) {
		chunk_error(c, "length over the 16 MiB chunk cap");
		return CW_ETOOBIG;
	}
	if (len - pos - 12 < c->length)
		return chunk_error(c, "truncated (length past the end)");
	c->data = p + 8;
	if (crc32(crc32(0L, Z_NULL, 0), p + 4, (uInt)c->length + 4) !=
	    get_u32(p + 8 + c->length))
		return chunk_error(c, "CRC mismatch");
	return 0;
}

/* Where IHDR, IEND and the others may be; IEND ends the file. */
static int check_order(const png_chunk *c, size_t next, size_t len)
{
	int is_ihdr = memcmp(c->type, "IHDR", 4) == 0;

	if (c->index == 0 && (!is_ihdr || c->length != 13))
		return chunk_error(c, "the first chunk must be a 13-byte IHDR");
	if (c->index > 0 && is_ihdr)
		return chunk_error(c, "a second IHDR");
	if (memcmp(c->type, "IEND", 4) == 0) {
		if (c->length != 0)
			return chunk_error(c, "IEND with data");
		if (next != len)
			return chunk_error(c, "bytes after IEND");
	}
	return 0;
}

/* Checks the whole image and calls visit for each chunk, in order. */
static int walk(const unsigned char *img, size_t len, chunk_visitor visit,
                void *ctx)
{
	png_chunk c = { 0, 0, 0, "", NULL };
	size_t pos = sizeof(signature);
	int err;

	if (len > (size_t)CW_LIMIT_BADGE_IMAGE) {
		cw_error_set("the PNG is over the 64 MiB cap");
		return CW_ETOOBIG;
	}
	if (len < sizeof(signature) || memcmp(img, signature, 8) != 0) {
		cw_error_set("not a PNG: bad signature");
		return CW_EINVAL;
	}
	for (;; c.index++) {
		if (c.index >= (size_t)CW_LIMIT_BADGE_PNG_CHUNKS) {
			cw_error_set("the PNG has over 10000 chunks");
			return CW_ETOOBIG;
		}
		if (pos == len) {
			cw_error_set("PNG truncated at offset %zu: no IEND "
			             "chunk",
			             pos);
			return CW_EINVAL;
		}
		if ((err = read_chunk(&c, img, len, pos)) < 0)
			return err;
		pos += 12 + (size_t)c.length;
		if ((err = check_order(&c, pos, len)) < 0 ||
		    (err = visit(ctx, &c)) < 0)
			return err;
		if (memcmp(c.type, "IEND", 4) == 0)
			return 0;
	}
}

/* The version whose keyword a tEXt, zTXt or iTXt chunk has, or 0. */
static int badge_keyword(const png_chunk *c)
{
	size_t n = c->length;

	if (memcmp(c->type, "tEXt", 4) && memcmp(c->type, "zTXt", 4) &&
	    memcmp(c->type, "iTXt", 4))
		return 0;
	if (n > sizeof(KEYWORD_OB3) &&
	    memcmp(c->data, KEYWORD_OB3, sizeof(KEYWORD_OB3)) == 0)
		return CW_BADGE_OB3;
	if (n > sizeof(KEYWORD_OB2) &&
	    memcmp(c->data, KEYWORD_OB2, sizeof(KEYWORD_OB2)) == 0)
		return CW_BADGE_OB2;
	return 0;
}

typedef struct {
	cw_buf *out;
	cw_badge_version version;
	const char *payload;
	size_t payload_len;
} bake_state;

/* keyword NUL, compression flag 0 and method 0, empty language tag and
 * translated keyword, the text. */
static int put_itxt(cw_buf *out, cw_badge_version v, const char *text,
                    size_t len)
{
	const char *keyword = v == CW_BADGE_OB3 ? KEYWORD_OB3 : KEYWORD_OB2;
	size_t keyword_len = strlen(keyword) + 1;
	unsigned char head[8], tail[4], fields[4] = { 0, 0, 0, 0 };
	size_t data_len = keyword_len + sizeof(fields) + len;
	uLong crc;

	if (data_len > (size_t)CW_LIMIT_BADGE_PNG_CHUNK) {
		cw_error_set("the credential does not fit a 16 MiB PNG chunk");
		return CW_ETOOBIG;
	}
	put_u32(head, (uint32_t)data_len);
	memcpy(head + 4, "iTXt", 4);
	crc = crc32(crc32(0L, Z_NULL, 0), head + 4, 4);
	crc = crc32(crc, (const Bytef *)keyword, (uInt)keyword_len);
	crc = crc32(crc, fields, sizeof(fields));
	crc = crc32(crc, (const Bytef *)text, (uInt)len);
	put_u32(tail, (uint32_t)crc);
	cw_buf_put(out, head, sizeof(head));
	cw_buf_put(out, keyword, keyword_len);
	cw_buf_put(out, fields, sizeof(fields));
	cw_buf_put(out, text, len);
	return cw_buf_put(out, tail, sizeof(tail));
}

static int bake_visit(void *ctx, const png_chunk *c)
{
	bake_state *s = ctx;
	int err;

	if (badge_keyword(c))
		return 0; /* replaced: an image carries one credential */
	err = cw_buf_put(s->out, c->data - 8, (size_t)c->length + 12);
	if (err == 0 && c->index == 0)
		err = put_itxt(s->out, s->version, s->payload, s->payload_len);
	return err;
}

int cw_badge_png_bake(cw_buf *out, const unsigned char *image, size_t len,
                      cw_badge_version v, const char *payload,
                      size_t payload_len)
{
	bake_state s = { out, v, payload, payload_len };
	size_t start = out->len;
	int err;

	if ((err = cw_buf_put(out, signature, sizeof(signature))) < 0 ||
	    (err = walk(image, len, bake_visit, &s)) < 0)
		goto out;
	err = out->error;
out:
	if (err == CW_ETOOBIG && out->error)
		cw_error_set("the baked PNG is over the output cap");
	if (err < 0 && !out->error && out->data) {
		out->len = start;
		out->data[start] = '\0';
	}
	return err;
}

/* Inflates a zlib stream (zTXt, compressed iTXt) under the payload cap. */
static int inflate_text(cw_buf *text, const png_chunk *c,
                        const unsigned char *in, size_t len)
{
	z_stream zs;
	unsigned char window[16384];
	int ret, err = 0;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return CW_ENOMEM;
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = window;
		zs.avail_out = sizeof(window);
		ret = inflate(&zs, Z_NO_FLUSH);
		if (ret != Z_OK && ret != Z_STREAM_END) {
			err = chunk_error(c, "corrupt or truncated zlib text");
			goto out;
		}
		if ((err = cw_buf_put(text, window,
		                      sizeof(window) - zs.avail_out)) < 0) {
			chunk_error(c, "inflated text over the 8 MiB cap");
			goto out;
		}
	} while (ret != Z_STREAM_END);
	if (zs.avail_in != 0)
		err = chunk_error(c, "bytes after the zlib text");
out:
	inflateEnd(&zs);
	return err;
}

/* Offset of the byte after the NUL that ends a field starting at from. */
static int skip_field(size_t *pos, const png_chunk *c, size_t from)
{
	const unsigned char *nul;

	if (from > c->length)
		return chunk_error(c, "truncated text chunk");
	nul = memchr(c->data + from, '\0', c->length - from);
	if (!nul)
		return chunk_error(c, "truncated text chunk");
	*pos = (size_t)(nul - c->data) + 1;
	return 0;
}

/* The text of a tEXt, zTXt or iTXt chunk, inflated when compressed. */
static int chunk_text(cw_buf *text, const png_chunk *c)
{
	size_t pos = 0;
	int err, compressed = c->type[0] == 'z';

	if ((err = skip_field(&pos, c, 0)) < 0)
		return err;
	if (c->type[0] == 'i') {
		if (c->length - pos < 2 || c->data[pos] > 1)
			return chunk_error(c, "bad iTXt compression flag");
		compressed = c->data[pos] == 1;
		if (compressed && c->data[pos + 1] != 0)
			return chunk_error(c, "unknown compression method");
		if ((err = skip_field(&pos, c, pos + 2)) < 0 ||
		    (err = skip_field(&pos, c, pos)) < 0)
			return err;
	} else if (compressed) {
		if (pos >= c->length || c->data[pos] != 0)
			return chunk_error(c, "unknown compression method");
		pos++;
	}
	if (compressed)
		return inflate_text(text, c, c->data + pos, c->length - pos);
	if (cw_buf_put(text, c->data + pos, c->length - pos) < 0) {
		chunk_error(c, "text over the 8 MiB cap");
		return CW_ETOOBIG;
	}
	return 0;
}

typedef struct {
	png_chunk chunk; /* the first badge chunk */
	int found;
} unbake_state;

static int unbake_visit(void *ctx, const png_chunk *c)
{
	unbake_state *s = ctx;

	if (!s->found && badge_keyword(c)) {
		s->chunk = *c;
		s->found = 1;
	}
	return 0;
}

int cw_badge_png_unbake(badge_found *out, const unsigned char *image,
                        size_t len)
{
	unbake_state s = { { 0, 0, 0, "", NULL }, 0 };
	cw_buf text = CW_BUF_INIT((size_t)CW_LIMIT_BADGE_PAYLOAD);
	int err;

	if ((err = walk(image, len, unbake_visit, &s)) < 0)
		goto out;
	if (!s.found) {
		cw_error_set("the PNG carries no Open Badges chunk");
		err = CW_ENOTFOUND;
		goto out;
	}
	if ((err = chunk_text(&text, &s.chunk)) < 0)
		goto out;
	if (text.len == 0 || memchr(text.data, '\0', text.len)) {
		err = chunk_error(&s.chunk, "empty text or a NUL byte in it");
		goto out;
	}
	out->version = (cw_badge_version)badge_keyword(&s.chunk);
	out->is_url = cw_badge_is_url(text.data, text.len);
	out->text = cw_buf_detach(&text, &out->len);
	if (!out->text)
		err = CW_ENOMEM;
out:
	cw_buf_dispose(&text);
	return err;
}
