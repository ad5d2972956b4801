/* Fuzzes compact JWS parsing and verification (a fixed Ed25519 key, the
 * header's jwk, OB 3.0 and OB 2.0 rules) and VC-JWT claim checks. An input
 * with a NUL byte is "header members JSON" NUL "payload": it is signed first,
 * so the header rules and the claim checks see validly signed JWTs. */
#include "fuzz.h"

#include "crypto/jws.h"
#include "crypto/vcjwt.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* RFC 8037 A.1's private key. */
static const unsigned char seed[32] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
	0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
	0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};

static int expected_error(int err)
{
	return err == CW_EINVAL || err == CW_ETOOBIG ||
	       err == CW_EUNSUPPORTED || err == CW_EAUTH || err == CW_ENOMEM;
}

static void check_result(int err, const cw_jws_result *r)
{
	if (err < 0) {
		if (r || !expected_error(err))
			abort();
		return;
	}
	if (!r || !r->alg || !cJSON_IsObject(r->header) || !r->payload ||
	    r->payload[r->payload_len] != '\0')
		abort();
	if (strcmp(r->alg, "EdDSA") && strcmp(r->alg, "RS256") &&
	    strcmp(r->alg, "ES256"))
		abort();
}

static void run(const char *text, size_t len, const cw_key *key)
{
	cw_jws_result *r = NULL;
	cJSON *credential = NULL;
	int parsed, err;

	parsed = cw_jws_parse(&r, text, len, 0);
	check_result(parsed, r);
	cw_jws_result_free(r);
	err = cw_jws_verify(&r, text, len, key, 0);
	check_result(err, r);
	/* what verifies under OB 3.0 rules parses under them */
	if (err == 0 && parsed < 0)
		abort();
	cw_jws_result_free(r);
	err = cw_jws_verify(&r, text, len, NULL, 0);
	check_result(err, r);
	if (err == 0 && !r->jwk_key)
		abort();
	cw_jws_result_free(r);
	err = cw_jws_verify(&r, text, len, key, CW_JWS_OB2);
	check_result(err, r);
	cw_jws_result_free(r);
	err = cw_vcjwt_verify(&credential, text, len, NULL);
	if ((err < 0) != (credential == NULL) ||
	    (err < 0 && !expected_error(err)) ||
	    (err == 0 && !cJSON_IsObject(credential)))
		abort();
	cJSON_Delete(credential);
}

/* Signs payload with the members of extra_text; what signs and parses must
 * verify. */
static void sign_then_run(const char *extra_text, size_t extra_len,
                          const char *payload, size_t len, const cw_key *key)
{
	cJSON *extra = cJSON_ParseWithLength(extra_text, extra_len);
	cw_buf jws = CW_BUF_INIT(1 << 20);
	cw_jws_result *r = NULL;

	if (extra && cw_jws_sign(&jws, key, extra,
	                         (const unsigned char *)payload, len) == 0) {
		run(jws.data, jws.len, key);
		if (cw_jws_parse(&r, jws.data, jws.len, CW_JWS_OB2) == 0) {
			cw_jws_result_free(r);
			if (cw_jws_verify(&r, jws.data, jws.len, key,
			                  CW_JWS_OB2) != 0)
				abort();
		}
		cw_jws_result_free(r);
	}
	cJSON_Delete(extra);
	cw_buf_dispose(&jws);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cw_key *key;
	char *text = malloc(size ? size : 1);

	if (!key && cw_key_from_ed25519_seed(&key, seed) < 0)
		abort();
	if (!text)
		return 0;
	if (size)
		memcpy(text, data, size);
	if (size && memchr(text, '\0', size)) {
		size_t n = strlen(text);

		sign_then_run(text, n, text + n + 1, size - n - 1, key);
	} else {
		run(text, size, key);
	}
	free(text);
	return 0;
}
