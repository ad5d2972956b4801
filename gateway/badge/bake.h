/* Baking Open Badges into PNG and SVG images and reading them back. Pure:
 * bytes in, bytes out (OB 2.0 baking spec; OB 3.0 §"Document formats"). */
#ifndef CW_BADGE_BAKE_H
#define CW_BADGE_BAKE_H

#include "util/buf.h"
#include "util/limits.h"

#include <stddef.h>

typedef enum { CW_BADGE_IMAGE_PNG = 1, CW_BADGE_IMAGE_SVG } cw_badge_image_type;

typedef enum { CW_BADGE_OB3 = 3, CW_BADGE_OB2 = 2 } cw_badge_version;

/* A cap for the out buffer of cw_badge_bake that every valid input fits. */
#define CW_BADGE_BAKED_MAX                                                     \
	((size_t)CW_LIMIT_BADGE_IMAGE + 2 * (size_t)CW_LIMIT_BADGE_PAYLOAD +   \
	 4096)

/**
 * Tells a PNG (the first 4 bytes of its signature) from an SVG (XML text: a '<'
 * after an optional BOM and white space). Does not check the rest of the image.
 * @return 0, or CW_EUNSUPPORTED for anything else
 */
int cw_badge_image_sniff(cw_badge_image_type *out, const unsigned char *data,
                         size_t len);

/**
 * Appends to out the image with the credential baked in; a credential already
 * baked (either version) is replaced, never duplicated.
 * PNG: an uncompressed iTXt chunk right after IHDR, keyword
 * "openbadgecredential" (3.0) or "openbadges" (2.0).
 * SVG: a first child of <svg>, <openbadges:credential> (3.0, namespace
 * https://purl.imsglobal.org/ob/v3p0) or <openbadges:assertion> (2.0,
 * http://openbadges.org); a JSON payload is its CDATA body, a compact JWS its
 * verify attribute.
 * @param payload the credential JSON or a compact JWS (UTF-8, no NUL)
 * @param verify_url NULL, or for a 2.0 JSON assertion the hosted URL for
 *        the SVG verify attribute (a PNG has no place for it); CW_EINVAL
 *        with 3.0, a JWS, or a URL that is not http(s)
 * @return 0, CW_EINVAL (a corrupt image or payload, detail in cw_error_last),
 *         CW_EUNSUPPORTED (not PNG/SVG), CW_ETOOBIG, CW_ENOMEM
 */
int cw_badge_bake(cw_buf *out, const unsigned char *image, size_t len,
                  cw_badge_version v, const char *payload, size_t payload_len,
                  const char *verify_url);

/**
 * Extracts the first credential baked into a PNG (iTXt, tEXt or zTXt;
 * compressed text is inflated up to CW_LIMIT_BADGE_PAYLOAD) or an SVG (the
 * element's CDATA/text, else its verify attribute).
 * @param[out] payload a cw_malloc'd NUL-terminated copy (cw_free it)
 * @param[out] is_url 1 when the payload is a hosted assertion URL (2.0)
 * @return 0, CW_ENOTFOUND (a valid image without a badge), CW_EINVAL (corrupt:
 *         the message names the chunk offset and type, or the XML line:column),
 *         CW_EUNSUPPORTED, CW_ETOOBIG, CW_ENOMEM
 */
int cw_badge_unbake(char **payload, size_t *payload_len,
                    cw_badge_version *version, int *is_url,
                    const unsigned char *image, size_t len);

#endif
