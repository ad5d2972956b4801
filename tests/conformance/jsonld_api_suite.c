/* Runs the W3C JSON-LD 1.1 API test suite (expand and toRdf manifests)
 * against gateway/jsonld when ../shared/fixtures sits beside the repository;
 * skips (and passes) when it does not.
 *
 *   jsonld_api_conformance [-v] [--show MANIFEST#ID]
 *   CW_JSONLD_SUITE_FILTER=substring  only the tests whose MANIFEST#ID
 *                                     (e.g. toRdf#t0001) contains it
 *   CW_JSONLD_PREEXPANDED=DIR         toRdf from DIR/ID.json (expanded by
 *                                     another processor) instead of
 *                                     cw_jsonld_expand; expand is skipped
 *
 * Ids listed in jsonld_known_failures.txt ("MANIFEST#ID reason") are
 * reported as known instead of failing. */
#include "jsonld/jsonld.h"
#include "jsonld/loader.h"
#include "jsonld/nquads.h"
#include "jsonld/rdfc.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SUITE_DIR CW_SHARED_FIXTURES "/conformance/json-ld-api/tests"
#define BASE_IRI  "https://w3c.github.io/json-ld-api/tests/"
#define FILE_MAX  (16L * 1024 * 1024)

typedef enum { PASS, FAIL, SKIP } outcome;
typedef enum { POSITIVE, NEGATIVE, SYNTAX } test_kind;

typedef struct {
	size_t passed, failed, skipped, known, nonnormative;
} tally;

typedef struct {
	const char *manifest; /* "expand" or "toRdf" */
	const cJSON *entry;
	char id[160];
	test_kind kind;
	cw_jsonld_options options;
	cw_jsonld_loader *loader;
	cJSON *expand_context;
	char base[1024];
	char why[512];
} test;

static int verbose;
static const char *filter, *show, *preexpanded;
static char *known_text;

/* snprintf that may truncate (messages and ids). */
static void format(char *out, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void format(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, size, fmt, ap);
	va_end(ap);
}

static const char *member(const cJSON *object, const char *name)
{
	return cw_json_string(object, name);
}

static cJSON *read_json(const char *dir, const char *name)
{
	char path[2048];
	char *text = NULL;
	cJSON *doc = NULL;
	size_t len = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	            sizeof(path) ||
	    cw_file_read(&text, &len, path, FILE_MAX) < 0)
		return NULL;
	if (cw_json_parse(&doc, text, len, 512, NULL) < 0)
		doc = NULL;
	cw_free(text);
	return doc;
}

/* The loader serves the suite's own files under its base IRI. */
static int fetch_suite_file(void *arg, const char *url, cJSON **doc)
{
	(void)arg;
	*doc = NULL;
	if (strncmp(url, BASE_IRI, strlen(BASE_IRI)) != 0 ||
	    !(*doc = read_json(SUITE_DIR, url + strlen(BASE_IRI))))
		return CW_ENOTFOUND;
	return 0;
}

static int is_known(const char *id)
{
	size_t n = strlen(id);

	for (const char *line = known_text; line && *line;) {
		const char *end = strchr(line, '\n');

		if (strncmp(line, id, n) == 0 &&
		    (line[n] == ' ' || line[n] == '\t' || line[n] == '\n' ||
		     line[n] == '\r' || line[n] == '\0'))
			return 1;
		line = end ? end + 1 : NULL;
	}
	return 0;
}

static int has_type(const cJSON *entry, const char *type)
{
	const cJSON *types = cJSON_GetObjectItemCaseSensitive(entry, "@type"),
	            *t;

	cJSON_ArrayForEach(t, types)
	{
		if (cJSON_IsString(t) && strcmp(t->valuestring, type) == 0)
			return 1;
	}
	return 0;
}

static outcome skip(test *t, const char *why)
{
	format(t->why, sizeof(t->why), "%s", why);
	return SKIP;
}

static outcome fail(test *t, const char *why, const char *detail)
{
	format(t->why, sizeof(t->why), "%s%s%s", why, detail ? ": " : "",
	       detail ? detail : "");
	return FAIL;
}

/* Why the test is not run, or NULL. */
static const char *skip_reason(const test *t)
{
	const cJSON *option =
	        cJSON_GetObjectItemCaseSensitive(t->entry, "option");
	const char *spec = member(option, "specVersion"),
	           *input = member(t->entry, "input");
	static const char *const remote[] = { "contentType", "httpLink",
		                              "redirectTo", "httpStatus" };

	if (spec && strcmp(spec, "json-ld-1.0") == 0)
		return "specVersion json-ld-1.0 only";
	if (!input)
		return "no input";
	if (strlen(input) > 5 &&
	    strcmp(input + strlen(input) - 5, ".html") == 0)
		return "HTML input";
	for (size_t i = 0; i < sizeof(remote) / sizeof(remote[0]); i++)
		if (cJSON_GetObjectItemCaseSensitive(option, remote[i]))
			return "remote-document loader features";
	if (preexpanded && strcmp(t->manifest, "expand") == 0)
		return "pre-expanded mode runs toRdf only";
	return NULL;
}

static int setup_options(test *t)
{
	const cJSON *option =
	        cJSON_GetObjectItemCaseSensitive(t->entry, "option");
	const char *base = member(option, "base"),
	           *mode = member(option, "processingMode"),
	           *direction = member(option, "rdfDirection"),
	           *context = member(option, "expandContext");
	cw_jsonld_options *o = &t->options;

	format(t->base, sizeof(t->base), "%s%s", base ? "" : BASE_IRI,
	       base ? base : member(t->entry, "input"));
	o->base = t->base;
	o->json_ld_10 = mode && strcmp(mode, "json-ld-1.0") == 0;
	o->produce_generalized_rdf =
	        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
	                option, "produceGeneralizedRdf"));
	if (direction && strcmp(direction, "i18n-datatype") == 0)
		o->rdf_direction = CW_JSONLD_RDF_DIRECTION_I18N_DATATYPE;
	else if (direction && strcmp(direction, "compound-literal") == 0)
		o->rdf_direction = CW_JSONLD_RDF_DIRECTION_COMPOUND_LITERAL;
	if (context) {
		const cJSON *inner;

		if (!(t->expand_context = read_json(SUITE_DIR, context)))
			return -1;
		inner = cJSON_GetObjectItemCaseSensitive(t->expand_context,
		                                         "@context");
		o->expand_context = inner ? inner : t->expand_context;
	}
	if (cw_jsonld_loader_new(&t->loader) < 0)
		return -1;
	cw_jsonld_loader_set_fetch(t->loader, fetch_suite_file, NULL);
	o->loader = t->loader;
	return 0;
}

static int json_equal(const cJSON *a, const cJSON *b, int ordered);

/* Arrays as sets (each item of b used once), unless ordered. */
static int array_equal(const cJSON *a, const cJSON *b, int ordered)
{
	int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b), same = 1;
	char *used;
	const cJSON *x, *y;

	if (na != nb || !(used = cw_calloc((size_t)nb + 1, 1)))
		return 0;
	for (x = a->child, y = b->child; ordered && x; x = x->next, y = y->next)
		same = same && json_equal(x, y, 0);
	for (x = ordered ? NULL : a->child; x; x = x->next) {
		int i = 0, found = 0;

		cJSON_ArrayForEach(y, b)
		{
			if (!found && !used[i] && json_equal(x, y, 0))
				found = used[i] = 1;
			i++;
		}
		same = same && found;
	}
	cw_free(used);
	return same;
}

/* JSON-LD equality: arrays unordered except the values of @list. */
static int json_equal(const cJSON *a, const cJSON *b, int ordered)
{
	const cJSON *x;

	if ((a->type & 0xFF) != (b->type & 0xFF))
		return 0;
	if (cJSON_IsNumber(a))
		return a->valuedouble == b->valuedouble;
	if (cJSON_IsString(a))
		return strcmp(a->valuestring, b->valuestring) == 0;
	if (cJSON_IsArray(a))
		return array_equal(a, b, ordered);
	if (!cJSON_IsObject(a))
		return 1;
	if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
		return 0;
	cJSON_ArrayForEach(x, a)
	{
		const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);

		if (!y || !json_equal(x, y, strcmp(x->string, "@list") == 0))
			return 0;
	}
	return 1;
}

static void print_json(const char *label, const cJSON *value)
{
	char *text = value ? cJSON_Print(value) : NULL;

	printf("--- %s\n%s\n", label, text ? text : "(none)");
	cJSON_free(text);
}

/* A negative test passes when the expected error code came back. */
static outcome check_error(test *t, int err, const cw_jsonld_error *where)
{
	const char *expected = member(t->entry, "expectErrorCode");

	if (err == CW_EUNSUPPORTED)
		return skip(t,
		            where->message[0] ? where->message : "unsupported");
	if (err == 0)
		return fail(t, "no error, expected", expected);
	if (expected && strcmp(where->code, expected) == 0)
		return PASS;
	format(t->why, sizeof(t->why), "expected \"%s\", got \"%s\" (%s)",
	       expected ? expected : "?", where->code, where->message);
	return FAIL;
}

static outcome run_expand(test *t, const cJSON *input)
{
	cw_jsonld_error where;
	cJSON *got = NULL, *expected = NULL;
	outcome result;
	int err;

	memset(&where, 0, sizeof(where));
	err = cw_jsonld_expand(&got, input, &t->options, &where);
	if (t->kind == NEGATIVE)
		result = check_error(t, err, &where);
	else if (err == CW_EUNSUPPORTED)
		result = skip(t, where.message);
	else if (err < 0)
		result = fail(t, where.code[0] ? where.code : "error",
		              where.message);
	else if (!(expected = read_json(SUITE_DIR, member(t->entry, "expect"))))
		result = fail(t, "cannot read the expected output", NULL);
	else
		result = json_equal(got, expected, 0)
		                 ? PASS
		                 : fail(t, "output differs", NULL);
	if (show) {
		print_json("got", got);
		print_json("expected", expected);
	}
	cJSON_Delete(got);
	cJSON_Delete(expected);
	return result;
}

/* The canonical N-Quads of ds, or NULL. */
static char *canonical(const cw_rdf_dataset *ds)
{
	cw_rdfc_result *r = NULL;
	char *text = NULL;

	if (cw_rdfc_canonize(&r, ds, NULL) == 0)
		text = cw_strdup(r->nquads);
	cw_rdfc_result_free(r);
	return text;
}

static outcome compare_rdf(test *t, const cw_rdf_dataset *got)
{
	char path[2048];
	char *text = NULL, *want = NULL, *have = NULL;
	cw_rdf_dataset *expected = NULL;
	outcome result;
	size_t len = 0;

	format(path, sizeof(path), "%s/%s", SUITE_DIR,
	       member(t->entry, "expect"));
	if (cw_file_read(&text, &len, path, FILE_MAX) < 0)
		result = fail(t, "cannot read the expected output", path);
	else if (cw_nquads_read(&expected, text, len, NULL, NULL) < 0)
		result = t->options.produce_generalized_rdf
		                 ? skip(t, "the expected output is generalized "
		                           "RDF, which cw_nquads_read refuses")
		                 : fail(t, "cannot read the expected output",
		                        cw_error_last());
	else if (!(want = canonical(expected)) || !(have = canonical(got)))
		result = fail(t, "cannot canonicalize", cw_error_last());
	else
		result = strcmp(want, have) == 0
		                 ? PASS
		                 : fail(t, "dataset not isomorphic", NULL);
	if (show)
		printf("--- got (canonical)\n%s--- expected (canonical)\n%s",
		       have ? have : "(none)\n", want ? want : "(none)\n");
	cw_free(text);
	cw_free(want);
	cw_free(have);
	cw_rdf_dataset_free(expected);
	return result;
}

/* The expanded input: from the pre-expanded directory, or expanded here.
 * 0, or the expansion's error code (negative). */
static int expanded_input(test *t, const cJSON *input, cJSON **out,
                          cw_jsonld_error *where)
{
	char name[200];

	*out = NULL;
	if (!preexpanded)
		return cw_jsonld_expand(out, input, &t->options, where);
	format(name, sizeof(name), "%s.json", t->id + strlen("toRdf#"));
	if (!(*out = read_json(preexpanded, name))) {
		format(where->message, sizeof(where->message),
		       "no pre-expanded %s/%s (the reference processor failed "
		       "to expand it)",
		       preexpanded, name);
		return CW_EUNSUPPORTED;
	}
	return 0;
}

static outcome run_to_rdf(test *t, const cJSON *input)
{
	cw_jsonld_error where;
	cw_rdf_dataset *got = NULL;
	cJSON *expanded = NULL;
	outcome result;
	int err;

	memset(&where, 0, sizeof(where));
	if ((err = expanded_input(t, input, &expanded, &where)) == 0)
		err = cw_jsonld_to_rdf(&got, expanded, &t->options, &where);
	if (t->kind == NEGATIVE)
		result = check_error(t, err, &where);
	else if (err == CW_EUNSUPPORTED)
		result = skip(t, where.message);
	else if (err < 0)
		result = fail(t, where.code[0] ? where.code : "error",
		              where.message);
	else if (t->kind == SYNTAX)
		result = PASS;
	else
		result = compare_rdf(t, got);
	if (show)
		print_json("expanded", expanded);
	cJSON_Delete(expanded);
	cw_rdf_dataset_free(got);
	return result;
}

static outcome run_test(test *t)
{
	const char *reason = skip_reason(t);
	cJSON *input = NULL;
	outcome result;

	if (reason)
		return skip(t, reason);
	if (setup_options(t) < 0)
		return fail(t, "cannot set the options up", NULL);
	if (!(input = read_json(SUITE_DIR, member(t->entry, "input"))))
		return fail(t, "cannot read the input", NULL);
	if (show)
		print_json("input", input);
	result = strcmp(t->manifest, "expand") == 0 ? run_expand(t, input)
	                                            : run_to_rdf(t, input);
	cJSON_Delete(input);
	return result;
}

static int is_normative(const cJSON *entry)
{
	const cJSON *option = cJSON_GetObjectItemCaseSensitive(entry, "option");

	return !cJSON_IsFalse(
	        cJSON_GetObjectItemCaseSensitive(option, "normative"));
}

static void count(tally *counts, const test *t, outcome result)
{
	const char *name = member(t->entry, "name");

	if (result == PASS) {
		counts->passed++;
	} else if (result == SKIP) {
		counts->skipped++;
		if (verbose)
			printf("SKIP %s (%s): %s\n", t->id, name, t->why);
	} else if (is_known(t->id)) {
		counts->known++;
		if (verbose)
			printf("KNOWN %s (%s): %s\n", t->id, name, t->why);
	} else if (!is_normative(t->entry)) {
		counts->nonnormative++;
		printf("FAIL (non-normative) %s (%s): %s\n", t->id, name,
		       t->why);
	} else {
		counts->failed++;
		printf("FAIL %s (%s): %s\n", t->id, name, t->why);
	}
}

static void test_kind_of(test *t)
{
	t->kind = has_type(t->entry, "jld:NegativeEvaluationTest") ? NEGATIVE
	          : has_type(t->entry, "jld:PositiveSyntaxTest")   ? SYNTAX
	                                                           : POSITIVE;
}

static int run_manifest(const char *name, tally *counts)
{
	char file[64];
	cJSON *manifest, *entry;

	format(file, sizeof(file), "%s-manifest.jsonld", name);
	if (!(manifest = read_json(SUITE_DIR, file)))
		return -1;
	cJSON_ArrayForEach(
	        entry, cJSON_GetObjectItemCaseSensitive(manifest, "sequence"))
	{
		test t;
		const char *id = member(entry, "@id");

		memset(&t, 0, sizeof(t));
		t.manifest = name;
		t.entry = entry;
		format(t.id, sizeof(t.id), "%s%s%s", name,
		       id && id[0] == '#' ? "" : "#", id ? id : "?");
		if ((filter && !strstr(t.id, filter)) ||
		    (show && strcmp(t.id, show) != 0))
			continue;
		test_kind_of(&t);
		count(counts, &t, run_test(&t));
		cw_jsonld_loader_free(t.loader);
		cJSON_Delete(t.expand_context);
	}
	cJSON_Delete(manifest);
	return 0;
}

static void read_known_failures(void)
{
	size_t len = 0;

	if (cw_file_read(&known_text, &len, CW_KNOWN_FAILURES, FILE_MAX) < 0)
		known_text = NULL;
}

int main(int argc, char **argv)
{
	static const char *const manifests[] = { "expand", "toRdf" };
	tally total = { 0, 0, 0, 0, 0 };
	struct stat info;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			verbose = 1;
		} else if (strcmp(argv[i], "--show") == 0 && i + 1 < argc) {
			show = argv[++i];
		} else {
			fprintf(stderr, "usage: %s [-v] [--show MANIFEST#ID]\n",
			        argv[0]);
			return EXIT_FAILURE;
		}
	}
	filter = getenv("CW_JSONLD_SUITE_FILTER");
	preexpanded = getenv("CW_JSONLD_PREEXPANDED");
	if (stat(SUITE_DIR "/toRdf-manifest.jsonld", &info) != 0) {
		printf("json-ld-api: skipped, %s not found\n", SUITE_DIR);
		return EXIT_SUCCESS;
	}
	read_known_failures();
	for (size_t m = 0; m < 2; m++) {
		tally c = { 0, 0, 0, 0, 0 };

		if (run_manifest(manifests[m], &c) < 0) {
			fprintf(stderr, "cannot read the %s manifest\n",
			        manifests[m]);
			return EXIT_FAILURE;
		}
		printf("%s: %zu passed, %zu failed, %zu skipped, %zu known, "
		       "%zu non-normative failed\n",
		       manifests[m], c.passed, c.failed, c.skipped, c.known,
		       c.nonnormative);
		total.passed += c.passed;
		total.failed += c.failed;
		total.skipped += c.skipped;
	}
	printf("%zu passed, %zu failed, %zu skipped\n", total.passed,
	       total.failed, total.skipped);
	cw_free(known_text);
	return total.failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
