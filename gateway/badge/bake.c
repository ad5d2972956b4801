/* Baking and unbaking Open Badges: payload checks and the PNG/SVG dispatch. */
#include "badge/bake.h"
#include "badge/bake_internal.h"

#include "util/alloc.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

#include <string.h>

static const unsigned char png_signature[8] = { 0x89, 'P',  'N',  'G',
	                                        '\r', '\n', 0x1a, '\n' };

int cw_badge_image_sniff(cw_badge_image_type *out, const unsigned char *data,
                         size_t len)
{
	size_t i = 0;

	/* 0x89 starts no text: a damaged signature is a corrupt PNG */
	if (len >= 4 && memcmp(data, png_signature, 4) == 0) {
		*out = CW_BADGE_IMAGE_PNG;
		return 0;
	}
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' ||
	                   data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && data[i] == '<') {
		*out = CW_BADGE_IMAGE_SVG;
		return 0;
	}
	cw_error_set("the image is neither a PNG nor an SVG");
	return CW_EUNSUPPORTED;
}

int cw_badge_is_url(const char *text, size_t len)
{
	return (len > 7 && memcmp(text, "http://", 7) == 0) ||
	       (len > 8 && memcmp(text, "https://", 8) == 0);
}

/* Three base64url segments, the middle one possibly empty. */
static int is_compact_jws(const char *s, size_t len)
{
	size_t dots = 0, segment = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (segment == 0 && dots != 1)
				return 0;
			dots++;
			segment = 0;
		} else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		           (c >= '0' && c <= '9') || c == '-' || c == '_') {
			segment++;
		} else {
			return 0;
		}
	}
	return dots == 2 && segment > 0;
}

/* JSON (an object) or a compact JWS; UTF-8 without NUL, under the cap. */
static int check_payload(badge_payload_kind *out, const char *payload,
                         size_t len)
{
	cJSON *json = NULL;
	int err = 0;

	if (len == 0 || len > (size_t)CW_LIMIT_BADGE_PAYLOAD) {
		cw_error_set("the credential must be 1 to %ld bytes, not %zu",
		             CW_LIMIT_BADGE_PAYLOAD, len);
		return len ? CW_ETOOBIG : CW_EINVAL;
	}
	if (memchr(payload, '\0', len) || !cw_utf8_valid(payload, len)) {
		cw_error_set("the credential is not UTF-8 text without NUL");
		return CW_EINVAL;
	}
	if (is_compact_jws(payload, len)) {
		*out = BADGE_PAYLOAD_JWS;
		return 0;
	}
	err = cw_json_parse(&json, payload, len, CW_LIMIT_JSON_DEPTH_MAX, NULL);
	if (err == 0 && !cJSON_IsObject(json)) {
		cw_error_set("the credential is neither a JSON object nor a "
		             "compact JWS");
		err = CW_EINVAL;
	}
	cJSON_Delete(json);
	*out = BADGE_PAYLOAD_JSON;
	return err;
}

int cw_badge_bake(cw_buf *out, const unsigned char *image, size_t len,
                  cw_badge_version v, const char *payload, size_t payload_len,
                  const char *verify_url)
{
	cw_badge_image_type type;
	badge_payload_kind kind;
	int err;

	if (v != CW_BADGE_OB3 && v != CW_BADGE_OB2) {
		cw_error_set("unknown Open Badges version %d", (int)v);
		return CW_EINVAL;
	}
	if ((err = cw_badge_image_sniff(&type, image, len)) < 0 ||
	    (err = check_payload(&kind, payload, payload_len)) < 0)
		return err;
	if (verify_url && (v != CW_BADGE_OB2 || kind != BADGE_PAYLOAD_JSON ||
	                   !cw_badge_is_url(verify_url, strlen(verify_url)))) {
		cw_error_set("a verify URL (http or https) goes only with an "
		             "Open Badges 2.0 JSON assertion");
		return CW_EINVAL;
	}
	if (type == CW_BADGE_IMAGE_PNG)
		return cw_badge_png_bake(out, image, len, v, payload,
		                         payload_len);
	return cw_badge_svg_bake(out, image, len, v, payload, payload_len, kind,
	                         verify_url);
}

int cw_badge_unbake(char **payload, size_t *payload_len,
                    cw_badge_version *version, int *is_url,
                    const unsigned char *image, size_t len)
{
	badge_found found = { NULL, 0, CW_BADGE_OB3, 0 };
	cw_badge_image_type type;
	int err;

	*payload = NULL;
	*payload_len = 0;
	if ((err = cw_badge_image_sniff(&type, image, len)) < 0)
		return err;
	err = type == CW_BADGE_IMAGE_PNG
	              ? cw_badge_png_unbake(&found, image, len)
	              : cw_badge_svg_unbake(&found, image, len);
	if (err < 0) {
		cw_free(found.text);
		return err;
	}
	*payload = found.text;
	*payload_len = found.len;
	*version = found.version;
	*is_url = found.is_url;
	return 0;
}
