/* The image formats behind gateway/badge/bake.h: PNG chunks and SVG XML. */
#ifndef CW_BADGE_BAKE_INTERNAL_H
#define CW_BADGE_BAKE_INTERNAL_H

#include "badge/bake.h"

/* How the payload is written: JSON text or a compact JWS. */
typedef enum { BADGE_PAYLOAD_JSON = 1, BADGE_PAYLOAD_JWS } badge_payload_kind;

/* What unbaking found; text is cw_malloc'd. */
typedef struct {
	char *text;
	size_t len;
	cw_badge_version version;
	int is_url;
} badge_found;

int cw_badge_png_bake(cw_buf *out, const unsigned char *image, size_t len,
                      cw_badge_version v, const char *payload,
                      size_t payload_len);
int cw_badge_png_unbake(badge_found *out, const unsigned char *image,
                        size_t len);

int cw_badge_svg_bake(cw_buf *out, const unsigned char *image, size_t len,
                      cw_badge_version v, const char *payload,
                      size_t payload_len, badge_payload_kind kind,
                      const char *verify_url);
int cw_badge_svg_unbake(badge_found *out, const unsigned char *image,
                        size_t len);

/** 1 when text[0..len) starts with http:// or https://. */
int cw_badge_is_url(const char *text, size_t len);

#endif
