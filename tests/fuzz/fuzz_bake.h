/* What the PNG and SVG baking harnesses share: the payloads they bake and
 * the invariants of cw_badge_unbake and cw_badge_bake they check. Included
 * by one harness each (static functions). */
#ifndef CW_TESTS_FUZZ_BAKE_H
#define CW_TESTS_FUZZ_BAKE_H

#include "badge/bake.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
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

#endif
