/* Signs and verifies one credential N times with crosswalk's C signer
 * (eddsa-rdfc-2022) on one thread and prints credentials per second, plus
 * the raw Ed25519 signatures per second of the same key for comparison.
 *   vc_bench [--n N] [--seed HEX] CREDENTIAL.json
 * Built with -DCW_BENCH=ON (bench/vc_bench.sh does it). Not a test. */
#include "crypto/dataintegrity.h"
#include "crypto/key.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_seed(unsigned char seed[32], const char *hex)
{
	if (strlen(hex) != 64)
		return CW_EINVAL;
	for (int i = 0; i < 32; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return CW_EINVAL;
		seed[i] = (unsigned char)v;
	}
	return 0;
}

static double rate(long n, int64_t us)
{
	return us > 0 ? (double)n * 1e6 / (double)us : 0.0;
}

static int bench_sign(const cJSON *cred, const cw_key *key, const char *vm,
                      long n, cJSON **signed_doc)
{
	cw_di_sign_options o = { vm, "2026-01-01T00:00:00Z", NULL, NULL, NULL };
	int64_t start = 0;
	for (long i = -n / 10 - 1; i < n; i++) { /* warm-up, then timed */
		if (i == 0)
			start = cw_time_mono_us();
		cJSON *out = NULL;
		int err = cw_di_sign(&out, cred, key, &o, NULL);
		if (err < 0) {
			fprintf(stderr, "sign: %s\n", cw_error_last());
			return err;
		}
		if (i == n - 1) {
			printf("crosswalk sign:   %.0f creds/s (n=%ld)\n",
			       rate(n, cw_time_mono_us() - start), n);
			*signed_doc = out;
		} else {
			cJSON_Delete(out);
		}
	}
	return 0;
}

static int bench_verify(const cJSON *signed_doc, long n)
{
	int64_t start = 0;
	for (long i = -n / 10 - 1; i < n; i++) {
		if (i == 0)
			start = cw_time_mono_us();
		int err = cw_di_verify(signed_doc, NULL, NULL);
		if (err < 0) {
			fprintf(stderr, "verify: %s\n", cw_error_last());
			return err;
		}
	}
	printf("crosswalk verify: %.0f creds/s (n=%ld)\n",
	       rate(n, cw_time_mono_us() - start), n);
	return 0;
}

static void bench_raw(const cw_key *key, long n)
{
	unsigned char msg[64] = { 1 }, sig[CW_SIG_MAX];
	size_t len = 0;
	int64_t start = cw_time_mono_us();
	for (long i = 0; i < n * 4; i++)
		cw_key_sign(key, msg, sizeof(msg), sig, &len);
	printf("raw Ed25519 sign (this key, 64 bytes): %.0f sigs/s\n",
	       rate(n * 4, cw_time_mono_us() - start));
}

int main(int argc, char **argv)
{
	long n = 2000;
	const char *seed_hex =
	                   "6241a409e6707bb640a0140a8a32bc3d193c33a661747284"
	                   "d6adfa4ed4180be4",
	           *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
			n = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed_hex = argv[++i];
		else
			path = argv[i];
	}
	unsigned char seed[32];
	char *text = NULL;
	size_t len = 0;
	cw_key *key = NULL;
	cw_buf vm = CW_BUF_INIT(1024);
	cJSON *cred = NULL, *signed_doc = NULL;
	if (!path || n < 1 || parse_seed(seed, seed_hex) < 0) {
		fprintf(stderr, "usage: vc_bench [--n N] [--seed HEX] FILE\n");
		return 2;
	}
	if (cw_file_read(&text, &len, path, 8L << 20) < 0 ||
	    !(cred = cJSON_ParseWithLength(text, len)) ||
	    cw_key_from_ed25519_seed(&key, seed) < 0 ||
	    cw_key_did_vm(&vm, key) < 0) {
		fprintf(stderr, "vc_bench: cannot load %s or the key\n", path);
		return 3;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(cred, "proof");
	int err = bench_sign(cred, key, cw_buf_cstr(&vm), n, &signed_doc);
	if (err == 0)
		err = bench_verify(signed_doc, n);
	if (err == 0)
		bench_raw(key, n);
	cJSON_Delete(signed_doc);
	cJSON_Delete(cred);
	cw_key_free(key);
	cw_buf_dispose(&vm);
	cw_free(text);
	return err < 0 ? 1 : 0;
}
