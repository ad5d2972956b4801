/* Runs the JSON-Schema-Test-Suite (drafts 2020-12 and 2019-09) against
 * gateway/schema when ../shared/fixtures sits beside the repository; skips
 * (and passes) when it does not. Required tests must all pass, except the
 * short list below; optional ones are reported, never fatal. */
#include "schema/schema.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SUITE_DIR  CW_SHARED_FIXTURES "/conformance/json-schema-test-suite"
#define REMOTE_URI "http://localhost:1234/"
#define FILE_MAX   (16L * 1024 * 1024)
#define JSON_DEPTH 512

/* Required tests this validator does not pass, each with its reason. A
 * NULL test skips the whole group. Keep it short and honest. */
static const struct {
	const char *file;
	const char *group;
	const char *test;
	const char *reason;
} known_skips[] = {
	{ NULL, NULL, NULL, NULL },
};

typedef struct {
	size_t passed, failed, skipped;
} tally;

static int verbose;

static const char *skip_reason(const char *file, const char *group,
                               const char *test)
{
	for (size_t i = 0; known_skips[i].file; i++) {
		if (strcmp(known_skips[i].file, file) != 0 ||
		    strcmp(known_skips[i].group, group) != 0)
			continue;
		if (!known_skips[i].test ||
		    strcmp(known_skips[i].test, test) == 0)
			return known_skips[i].reason;
	}
	return NULL;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted entries of dir (no dot files); NULL-terminated. */
static char **list_dir(const char *dir)
{
	DIR *handle = opendir(dir);
	char **names = NULL, **grown;
	size_t count = 0;
	struct dirent *entry;

	if (!handle)
		return NULL;
	while ((entry = readdir(handle)) != NULL) {
		if (entry->d_name[0] == '.')
			continue;
		grown = realloc(names, (count + 2) * sizeof(*names));
		if (!grown)
			break;
		names = grown;
		if (!(names[count] = strdup(entry->d_name)))
			break;
		names[++count] = NULL;
	}
	closedir(handle);
	if (names)
		qsort(names, count, sizeof(*names), compare_names);
	return names;
}

static void free_list(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

static int is_dir(const char *path)
{
	struct stat info;

	return stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

static cJSON *read_json(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	cJSON *doc = NULL;

	if (cw_file_read(&text, &len, path, FILE_MAX) < 0 ||
	    cw_json_parse(&doc, text, len, JSON_DEPTH, NULL) < 0) {
		fprintf(stderr, "cannot read %s: %s\n", path, cw_error_last());
		doc = NULL;
	}
	cw_free(text);
	return doc;
}

/* Adds every .json file under dir as REMOTE_URI + its relative path. */
static int add_remotes(cw_schema_registry *registry, const char *dir,
                       const char *relative)
{
	char **names = list_dir(dir);
	int err = names ? 0 : -1;

	for (size_t i = 0; names && names[i] && err == 0; i++) {
		cw_buf path = CW_BUF_INIT(4096), rel = CW_BUF_INIT(4096),
		       uri = CW_BUF_INIT(4096);
		cJSON *doc;

		cw_buf_printf(&path, "%s/%s", dir, names[i]);
		cw_buf_printf(&rel, "%s%s", relative, names[i]);
		if (is_dir(cw_buf_cstr(&path))) {
			cw_buf_putc(&rel, '/');
			err = add_remotes(registry, cw_buf_cstr(&path),
			                  cw_buf_cstr(&rel));
		} else if (strstr(names[i], ".json")) {
			cw_buf_printf(&uri, "%s%s", REMOTE_URI,
			              cw_buf_cstr(&rel));
			doc = read_json(cw_buf_cstr(&path));
			err = doc ? cw_schema_registry_add(
			                    registry, cw_buf_cstr(&uri), doc)
			          : -1;
			cJSON_Delete(doc);
		}
		cw_buf_dispose(&path);
		cw_buf_dispose(&rel);
		cw_buf_dispose(&uri);
	}
	free_list(names);
	return err;
}

static void report_errors(const cw_schema_result *result)
{
	for (size_t i = 0; i < result->count && i < 5; i++)
		fprintf(stderr, "      %s: %s (%s)\n",
		        result->errors[i].instance_location,
		        result->errors[i].message,
		        result->errors[i].keyword_location);
}

/* One test: the verdict with and without an error list must agree. */
static int run_test(const cw_schema *schema, const cJSON *test)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(test, "data");
	int expected =
	        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(test, "valid"));
	cw_schema_result result;
	int full, quick, ok;

	full = cw_schema_validate(&result, schema, data);
	quick = cw_schema_validate(NULL, schema, data);
	ok = (full == 0) == expected && (quick == 0) == expected &&
	     (full == 0) == (result.count == 0);
	if (!ok && verbose)
		report_errors(&result);
	cw_schema_result_dispose(&result);
	return ok;
}

static const char *text_of(const cJSON *object, const char *key)
{
	const char *text = cJSON_GetStringValue(
	        cJSON_GetObjectItemCaseSensitive(object, key));

	return text ? text : "";
}

static void run_group(const char *file, const cJSON *group,
                      const cw_schema_registry *registry,
                      const cw_schema_options *options, tally *counts)
{
	const char *description = text_of(group, "description");
	const cJSON *tests = cJSON_GetObjectItemCaseSensitive(group, "tests");
	const cJSON *test;
	cw_schema *schema = NULL;
	int err = cw_schema_compile(
	        &schema, cJSON_GetObjectItemCaseSensitive(group, "schema"),
	        registry, options);

	cJSON_ArrayForEach(test, tests)
	{
		const char *name = text_of(test, "description");

		if (skip_reason(file, description, name)) {
			counts->skipped++;
		} else if (err == 0 && run_test(schema, test)) {
			counts->passed++;
		} else {
			counts->failed++;
			if (verbose)
				fprintf(stderr, "    FAIL %s | %s | %s%s%s\n",
				        file, description, name,
				        err ? ": compile: " : "",
				        err ? cw_error_last() : "");
		}
	}
	cw_schema_free(schema);
}

/* The formats cw_schema asserts (others stay annotations). */
static int is_asserted_format(const char *file)
{
	static const char *const names[] = { "date.json", "date-time.json",
		                             "time.json", "email.json",
		                             "uri.json",  "uuid.json",
		                             "ipv4.json", "ipv6.json" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(file, names[i]) == 0)
			return 1;
	return 0;
}

static void add_tally(tally *into, const tally *from)
{
	into->passed += from->passed;
	into->failed += from->failed;
	into->skipped += from->skipped;
}

static void run_file(const char *path, const char *label,
                     const cw_schema_registry *registry,
                     const cw_schema_options *options, tally *total,
                     tally *asserted)
{
	cJSON *doc = read_json(path), *group;
	tally counts = { 0, 0, 0 };

	if (!doc) {
		total->failed++;
		return;
	}
	cJSON_ArrayForEach(group, doc)
	{
		run_group(label, group, registry, options, &counts);
	}
	cJSON_Delete(doc);
	printf("  %-50s %4zu passed %3zu failed %3zu skipped\n", label,
	       counts.passed, counts.failed, counts.skipped);
	add_tally(total, &counts);
	if (asserted && is_asserted_format(strrchr(path, '/') + 1))
		add_tally(asserted, &counts);
}

static void run_dir(const char *draft, const char *sub,
                    const cw_schema_registry *registry,
                    const cw_schema_options *options, tally *total,
                    tally *asserted)
{
	cw_buf dir = CW_BUF_INIT(4096);
	char **names;

	cw_buf_printf(&dir, "%s/tests/%s%s", SUITE_DIR, draft, sub);
	names = list_dir(cw_buf_cstr(&dir));
	for (size_t i = 0; names && names[i]; i++) {
		cw_buf path = CW_BUF_INIT(4096), label = CW_BUF_INIT(4096);

		cw_buf_printf(&path, "%s/%s", cw_buf_cstr(&dir), names[i]);
		cw_buf_printf(&label, "%s%s/%s", draft, sub, names[i]);
		if (!is_dir(cw_buf_cstr(&path)) && strstr(names[i], ".json"))
			run_file(cw_buf_cstr(&path), cw_buf_cstr(&label),
			         registry, options, total, asserted);
		cw_buf_dispose(&path);
		cw_buf_dispose(&label);
	}
	free_list(names);
	cw_buf_dispose(&dir);
}

static void print_total(const char *what, const tally *t)
{
	printf("%-52s %4zu passed %3zu failed %3zu skipped\n", what, t->passed,
	       t->failed, t->skipped);
}

/* Returns the number of required tests that failed. */
static size_t run_draft(const char *draft, cw_schema_draft which,
                        const cw_schema_registry *registry)
{
	cw_schema_options options;
	tally required = { 0, 0, 0 }, optional = { 0, 0, 0 },
	      formats = { 0, 0, 0 }, asserted = { 0, 0, 0 };
	char label[128];

	cw_schema_options_init(&options);
	options.default_draft = which;
	printf("%s required:\n", draft);
	run_dir(draft, "", registry, &options, &required, NULL);
	printf("%s optional (reported only):\n", draft);
	run_dir(draft, "/optional", registry, &options, &optional, NULL);
	options.format_assert = 1;
	printf("%s optional/format, format_assert on (reported only):\n",
	       draft);
	run_dir(draft, "/optional/format", registry, &options, &formats,
	        &asserted);
	snprintf(label, sizeof(label), "%s required total", draft);
	print_total(label, &required);
	snprintf(label, sizeof(label), "%s optional total", draft);
	print_total(label, &optional);
	snprintf(label, sizeof(label), "%s optional/format total", draft);
	print_total(label, &formats);
	snprintf(label, sizeof(label), "%s   of which asserted formats", draft);
	print_total(label, &asserted);
	return required.failed;
}

int main(int argc, char **argv)
{
	cw_schema_registry *registry = NULL;
	size_t failed = 0;
	int err;

	verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	if (!is_dir(SUITE_DIR)) {
		printf("json-schema-test-suite: skipped, %s not found\n",
		       SUITE_DIR);
		return EXIT_SUCCESS;
	}
	if ((err = cw_schema_registry_new(&registry)) < 0 ||
	    (err = add_remotes(registry, SUITE_DIR "/remotes", "")) < 0) {
		fprintf(stderr, "cannot load remotes: %s\n", cw_error_last());
		cw_schema_registry_free(registry);
		return EXIT_FAILURE;
	}
	failed += run_draft("draft2020-12", CW_SCHEMA_DRAFT_2020_12, registry);
	failed += run_draft("draft2019-09", CW_SCHEMA_DRAFT_2019_09, registry);
	cw_schema_registry_free(registry);
	printf("json-schema-test-suite: %zu required tests failed\n", failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
