/* Runs the W3C RDF Dataset Canonicalization test suite (every rdfc10 test
 * of tests/manifest.jsonld: eval, map and negative tests, SHA-256 and
 * SHA-384) against gateway/jsonld when ../shared/fixtures sits beside the
 * repository; skips (and passes) when it does not. */
#include "jsonld/nquads.h"
#include "jsonld/rdfc.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SUITE_DIR CW_SHARED_FIXTURES "/conformance/rdf-canon/tests"
#define FILE_MAX  (16L * 1024 * 1024)
/* What the negative test must stay under: fail fast, not hang. */
#define NEGATIVE_WORK 200000

enum { EVAL, MAP, NEGATIVE, KINDS };

static const char *const kind_names[KINDS] = { "rdfc:RDFC10EvalTest",
	                                       "rdfc:RDFC10MapTest",
	                                       "rdfc:RDFC10NegativeEvalTest" };

typedef struct {
	size_t passed, failed, skipped;
} tally;

static int verbose;
static tally sha384_counts; /* the entries with hashAlgorithm SHA384 */

static char *read_suite_file(const char *name, size_t *len)
{
	char path[1024];
	char *text = NULL;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", SUITE_DIR, name) >=
	            sizeof(path) ||
	    cw_file_read(&text, len, path, FILE_MAX) < 0)
		return NULL;
	return text;
}

/* Canonicalizes the test's action; 0, or the error code. */
static int canonize_action(cw_rdfc_result **out, const char *action,
                           cw_rdfc_hash hash)
{
	cw_rdfc_options options = { hash, NEGATIVE_WORK, 0, 0 };
	cw_rdf_dataset *ds = NULL;
	size_t len = 0;
	char *text = read_suite_file(action, &len);
	int err;

	*out = NULL;
	if (!text)
		return CW_EIO;
	err = cw_nquads_read(&ds, text, len, NULL, NULL);
	cw_free(text);
	if (err == 0)
		err = cw_rdfc_canonize(out, ds, &options);
	cw_rdf_dataset_free(ds);
	return err;
}

static int eval_matches(const cw_rdfc_result *r, const char *result)
{
	size_t len = 0;
	char *expected = read_suite_file(result, &len);
	int same = expected && len == r->len &&
	           memcmp(expected, r->nquads, len) == 0;

	if (!same && verbose && expected)
		printf("--- expected\n%s--- got\n%s", expected, r->nquads);
	cw_free(expected);
	return same;
}

/* The map has exactly the expected pairs (input label -> c14nN). */
static int map_matches(const cw_rdfc_result *r, const char *result)
{
	size_t len = 0, found = 0;
	char *text = read_suite_file(result, &len);
	cJSON *expected = NULL, *pair;
	int same = 0;

	if (text && cw_json_parse(&expected, text, len, 8, NULL) == 0 &&
	    cJSON_IsObject(expected)) {
		same = 1;
		cJSON_ArrayForEach(pair, expected) found++;
		for (size_t i = 0; same && i < r->map_count; i++) {
			pair = cJSON_GetObjectItemCaseSensitive(
			        expected, r->map_input[i]);
			same = cJSON_IsString(pair) &&
			       strcmp(pair->valuestring, r->map_canonical[i]) ==
			               0;
		}
		same = same && found == r->map_count;
	}
	cJSON_Delete(expected);
	cw_free(text);
	return same;
}

static const char *member(const cJSON *entry, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Runs one entry; returns 1 passed, 0 failed. */
static int run_entry(const cJSON *entry, int kind)
{
	const char *action = member(entry, "action"),
	           *result = member(entry, "result"),
	           *algorithm = member(entry, "hashAlgorithm");
	cw_rdfc_hash hash = CW_RDFC_SHA256;
	cw_rdfc_result *r = NULL;
	int err, ok;

	if (!action || (kind != NEGATIVE && !result) ||
	    (algorithm && cw_rdfc_hash_parse(&hash, algorithm) < 0))
		return 0;
	err = canonize_action(&r, action, hash);
	if (kind == NEGATIVE)
		ok = err == CW_ETOOBIG;
	else if (err < 0)
		ok = 0;
	else
		ok = kind == EVAL ? eval_matches(r, result)
		                  : map_matches(r, result);
	if (!ok)
		printf("FAIL %s (%s): %s\n", member(entry, "id"),
		       member(entry, "name"),
		       err < 0 ? cw_error_last() : "output differs");
	cw_rdfc_result_free(r);
	return ok;
}

static int kind_of(const char *type)
{
	for (int k = 0; k < KINDS; k++)
		if (type && strcmp(type, kind_names[k]) == 0)
			return k;
	return -1;
}

static int run_manifest(const cJSON *manifest, tally counts[KINDS])
{
	const cJSON *entries =
	        cJSON_GetObjectItemCaseSensitive(manifest, "entries");
	const cJSON *entry;
	size_t unknown = 0;

	if (!cJSON_IsArray(entries))
		return -1;
	cJSON_ArrayForEach(entry, entries)
	{
		const char *action = member(entry, "action");
		int kind = kind_of(member(entry, "type"));

		if (!action || strncmp(action, "rdfc10/", 7) != 0)
			continue;
		if (kind < 0) {
			printf("unknown test type %s of %s\n",
			       member(entry, "type"), member(entry, "id"));
			unknown++;
			continue;
		}
		int passed = run_entry(entry, kind);

		if (passed)
			counts[kind].passed++;
		else
			counts[kind].failed++;
		if (member(entry, "hashAlgorithm")) {
			if (passed)
				sha384_counts.passed++;
			else
				sha384_counts.failed++;
		}
	}
	return unknown ? -1 : 0;
}

int main(int argc, char **argv)
{
	tally counts[KINDS], total = { 0, 0, 0 };
	cJSON *manifest = NULL;
	struct stat info;
	size_t len = 0;
	char *text;
	int err;

	verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	memset(counts, 0, sizeof(counts));
	if (stat(SUITE_DIR "/manifest.jsonld", &info) != 0) {
		printf("rdf-canon: skipped, %s not found\n", SUITE_DIR);
		return EXIT_SUCCESS;
	}
	text = read_suite_file("manifest.jsonld", &len);
	if (!text || cw_json_parse(&manifest, text, len, 64, NULL) < 0) {
		fprintf(stderr, "cannot read the manifest: %s\n",
		        cw_error_last());
		cw_free(text);
		return EXIT_FAILURE;
	}
	cw_free(text);
	err = run_manifest(manifest, counts);
	cJSON_Delete(manifest);
	for (int k = 0; k < KINDS; k++) {
		printf("%-30s %4zu passed %3zu failed %3zu skipped\n",
		       kind_names[k], counts[k].passed, counts[k].failed,
		       counts[k].skipped);
		total.passed += counts[k].passed;
		total.failed += counts[k].failed;
		total.skipped += counts[k].skipped;
	}
	printf("%-30s %4zu passed %3zu failed %3zu skipped\n",
	       "  of them SHA-384", sha384_counts.passed, sha384_counts.failed,
	       sha384_counts.skipped);
	printf("%-30s %4zu passed %3zu failed %3zu skipped\n",
	       "rdf-canon total", total.passed, total.failed, total.skipped);
	return err == 0 && total.failed == 0 && total.passed > 0 ? EXIT_SUCCESS
	                                                         : EXIT_FAILURE;
}
