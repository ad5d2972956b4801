/* The JSON-LD document loader and the contexts embedded at build time. */
#include "jsonld/loader.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"
#include "util/limits.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Suite *suite_jsonld_loader(void);

#define SHARED_CONTEXTS                                                        \
	CW_SOURCE_DIR "/../shared/fixtures/badges/"                            \
	              "jsonld-contexts-offline.json"

/* The contexts Crosswalk signs and verifies with (ARCHITECTURE.md). */
static const char *const required_urls[] = {
	"https://www.w3.org/2018/credentials/v1",
	"https://www.w3.org/ns/credentials/v2",
	"https://www.w3.org/ns/credentials/undefined-terms/v2",
	"https://purl.imsglobal.org/spec/ob/v3p0/context.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
	"https://w3id.org/security/data-integrity/v1",
	"https://w3id.org/security/data-integrity/v2",
	"https://w3id.org/security/multikey/v1",
	"https://w3id.org/security/suites/ed25519-2020/v1",
};

START_TEST(embedded_contexts_parse)
{
	ck_assert_uint_ge(cw_jsonld_embedded_context_count,
	                  sizeof(required_urls) / sizeof(required_urls[0]));
	for (size_t i = 0; i < cw_jsonld_embedded_context_count; i++) {
		const cw_jsonld_embedded_context *c =
		        &cw_jsonld_embedded_contexts[i];
		cJSON *doc = NULL;

		ck_assert_msg(cw_json_parse(&doc, c->json, c->len,
		                            (int)CW_LIMIT_JSONLD_DEPTH,
		                            NULL) == 0,
		              "%s: %s", c->url, cw_error_last());
		ck_assert_msg(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(
		                      doc, "@context")),
		              "%s has no @context object", c->url);
		ck_assert_uint_eq(strlen(c->json), c->len);
		ck_assert_msg(strncmp(c->source, "npm ", 4) == 0 &&
		                      strchr(c->source + 4, '@'),
		              "%s: source \"%s\"", c->url, c->source);
		if (i > 0)
			ck_assert_msg(
			        strcmp(cw_jsonld_embedded_contexts[i - 1].url,
			               c->url) < 0,
			        "not sorted at %s", c->url);
		cJSON_Delete(doc);
	}
}
END_TEST

START_TEST(required_urls_are_embedded)
{
	const cw_jsonld_loader *loader = cw_jsonld_loader_default();

	ck_assert_ptr_nonnull(loader);
	ck_assert_ptr_eq(loader, cw_jsonld_loader_default());
	for (size_t i = 0; i < sizeof(required_urls) / sizeof(*required_urls);
	     i++) {
		const cJSON *doc = NULL;

		ck_assert_msg(cw_jsonld_loader_get(loader, required_urls[i],
		                                   &doc) == 0,
		              "%s is not embedded", required_urls[i]);
		ck_assert_ptr_nonnull(
		        cJSON_GetObjectItemCaseSensitive(doc, "@context"));
	}
}
END_TEST

START_TEST(add_get_and_fragments)
{
	cw_jsonld_loader *loader = NULL;
	const cJSON *doc = NULL, *first = NULL;
	const char *a = "{\"@context\":{\"name\":\"https://schema.org/name\"}}";

	ck_assert_int_eq(cw_jsonld_loader_new(&loader), 0);
	ck_assert_int_eq(
	        cw_jsonld_loader_get(loader, "https://a.example/c", &doc),
	        CW_ENOTFOUND);
	ck_assert_ptr_null(doc);
	ck_assert_int_eq(cw_jsonld_loader_add(loader, "https://a.example/c", a,
	                                      strlen(a)),
	                 0);
	ck_assert_int_eq(
	        cw_jsonld_loader_get(loader, "https://a.example/c#frag", &doc),
	        0);
	ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetObjectItemCaseSensitive(doc, "@context"), "name"));
	first = doc;
	/* A fragment in the added URL is dropped too. */
	ck_assert_int_eq(
	        cw_jsonld_loader_add(loader, "https://b.example/d#x", "[]", 2),
	        0);
	ck_assert_int_eq(
	        cw_jsonld_loader_get(loader, "https://b.example/d", &doc), 0);
	ck_assert(cJSON_IsArray(doc));
	/* Replacing keeps the old document readable: it was handed out. */
	ck_assert_int_eq(cw_jsonld_loader_add(loader, "https://a.example/c",
	                                      "{\"@context\":{}}", 15),
	                 0);
	ck_assert_ptr_nonnull(
	        cJSON_GetObjectItemCaseSensitive(first, "@context"));
	ck_assert_int_eq(
	        cw_jsonld_loader_get(loader, "https://a.example/c", &doc), 0);
	ck_assert_ptr_ne(doc, first);
	ck_assert_int_eq(cw_jsonld_loader_add(loader, "https://c.example/",
	                                      "{\"a\":", 5),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_jsonld_loader_add(loader, "https://c.example/",
	                                      "\"text\"", 6),
	                 CW_EINVAL);
	ck_assert_int_eq(
	        cw_jsonld_loader_get(loader, "https://c.example/", &doc),
	        CW_ENOTFOUND);
	cw_jsonld_loader_free(loader);
	cw_jsonld_loader_free(NULL);
}
END_TEST

START_TEST(add_embedded_matches_default)
{
	cw_jsonld_loader *loader = NULL;
	const cJSON *mine = NULL, *shared = NULL;
	const char *url = "https://www.w3.org/ns/credentials/v2";

	ck_assert_int_eq(cw_jsonld_loader_new(&loader), 0);
	ck_assert_int_eq(cw_jsonld_loader_add_embedded(loader), 0);
	ck_assert_int_eq(cw_jsonld_loader_get(loader, url, &mine), 0);
	ck_assert_int_eq(
	        cw_jsonld_loader_get(cw_jsonld_loader_default(), url, &shared),
	        0);
	ck_assert_ptr_ne(mine, shared);
	ck_assert(cJSON_Compare(mine, shared, 1));
	cw_jsonld_loader_free(loader);
}
END_TEST

typedef struct {
	pthread_mutex_t lock;
	int calls;
	char last_url[256];
} fetch_log;

static int fake_fetch(void *arg, const char *url, cJSON **doc)
{
	fetch_log *log = arg;

	pthread_mutex_lock(&log->lock);
	log->calls++;
	snprintf(log->last_url, sizeof(log->last_url), "%s", url);
	pthread_mutex_unlock(&log->lock);
	if (strncmp(url, "https://fetched.example/", 24) != 0)
		return CW_ENOTFOUND;
	*doc = cJSON_CreateObject();
	if (!*doc || !cJSON_AddStringToObject(*doc, "id", url))
		return CW_ENOMEM;
	return 0;
}

START_TEST(fetch_callback_is_cached)
{
	cw_jsonld_loader *loader = NULL;
	fetch_log log = { PTHREAD_MUTEX_INITIALIZER, 0, "" };
	const cJSON *doc = NULL, *again = NULL;

	ck_assert_int_eq(cw_jsonld_loader_new(&loader), 0);
	cw_jsonld_loader_set_fetch(loader, fake_fetch, &log);
	ck_assert_int_eq(cw_jsonld_loader_get(loader,
	                                      "https://fetched.example/x#key-1",
	                                      &doc),
	                 0);
	ck_assert_int_eq(log.calls, 1);
	ck_assert_str_eq(log.last_url, "https://fetched.example/x");
	ck_assert_str_eq(cw_json_string(doc, "id"),
	                 "https://fetched.example/x");
	ck_assert_int_eq(cw_jsonld_loader_get(
	                         loader, "https://fetched.example/x", &again),
	                 0);
	ck_assert_ptr_eq(doc, again);
	ck_assert_int_eq(log.calls, 1);
	ck_assert_int_eq(
	        cw_jsonld_loader_get(loader, "https://other.example/", &doc),
	        CW_ENOTFOUND);
	ck_assert_int_eq(log.calls, 2);
	cw_jsonld_loader_free(loader);
}
END_TEST

typedef struct {
	const cw_jsonld_loader *loader;
	const cJSON *doc;
	int err;
} getter;

static void *get_in_thread(void *arg)
{
	getter *g = arg;

	for (int i = 0; i < 200 && g->err == 0; i++)
		g->err = cw_jsonld_loader_get(
		        g->loader, "https://fetched.example/shared", &g->doc);
	return NULL;
}

START_TEST(threads_share_one_document)
{
	cw_jsonld_loader *loader = NULL;
	fetch_log log = { PTHREAD_MUTEX_INITIALIZER, 0, "" };
	pthread_t threads[4];
	getter getters[4];

	ck_assert_int_eq(cw_jsonld_loader_new(&loader), 0);
	cw_jsonld_loader_set_fetch(loader, fake_fetch, &log);
	for (int i = 0; i < 4; i++) {
		getters[i] = (getter){ loader, NULL, 0 };
		ck_assert_int_eq(pthread_create(&threads[i], NULL,
		                                get_in_thread, &getters[i]),
		                 0);
	}
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(getters[i].err, 0);
		ck_assert_ptr_eq(getters[i].doc, getters[0].doc);
	}
	ck_assert_int_ge(log.calls, 1);
	ck_assert_int_le(log.calls, 4);
	cw_jsonld_loader_free(loader);
}
END_TEST

START_TEST(limits)
{
	cw_jsonld_loader *loader = NULL;
	size_t big_len = (size_t)CW_LIMIT_JSONLD_DOCUMENT + 1;
	char *big = malloc(big_len);
	char url[64];

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', big_len);
	big[0] = '[';
	big[big_len - 1] = ']';
	ck_assert_int_eq(cw_jsonld_loader_new(&loader), 0);
	ck_assert_int_eq(cw_jsonld_loader_add(loader, "https://big.example/",
	                                      big, big_len),
	                 CW_ETOOBIG);
	ck_assert_int_eq(cw_jsonld_loader_add(loader, "https://big.example/",
	                                      big + 1, big_len - 1),
	                 CW_EINVAL);
	for (long i = 0; i < CW_LIMIT_JSONLD_DOCUMENTS; i++) {
		snprintf(url, sizeof(url), "https://n.example/%ld", i);
		ck_assert_int_eq(cw_jsonld_loader_add(loader, url, "{}", 2), 0);
	}
	ck_assert_int_eq(
	        cw_jsonld_loader_add(loader, "https://n.example/x", "{}", 2),
	        CW_ETOOBIG);
	/* Replacing one is still allowed at the cap. */
	ck_assert_int_eq(
	        cw_jsonld_loader_add(loader, "https://n.example/7", "[]", 2),
	        0);
	cw_jsonld_loader_free(loader);
	free(big);
}
END_TEST

/* Each embedded context that the shared fixtures also hold (taken from the
 * same packages, or elsewhere) must be the same JSON. */
START_TEST(embedded_match_shared_fixtures)
{
	char *text = NULL;
	size_t len = 0;
	cJSON *fixture = NULL;
	const cJSON *contexts;
	int compared = 0, differ = 0;

	if (access(SHARED_CONTEXTS, R_OK) != 0) {
		printf("embedded_match_shared_fixtures: skipped (no %s)\n",
		       SHARED_CONTEXTS);
		return;
	}
	ck_assert_int_eq(cw_file_read(&text, &len, SHARED_CONTEXTS, 8u << 20),
	                 0);
	ck_assert_int_eq(cw_json_parse(&fixture, text, len, 256, NULL), 0);
	contexts = cJSON_GetObjectItemCaseSensitive(fixture, "contexts");
	ck_assert(cJSON_IsObject(contexts));
	for (size_t i = 0; i < cw_jsonld_embedded_context_count; i++) {
		const cw_jsonld_embedded_context *c =
		        &cw_jsonld_embedded_contexts[i];
		const cJSON *theirs =
		        cJSON_GetObjectItemCaseSensitive(contexts, c->url);
		cJSON *ours = NULL;

		if (!theirs)
			continue;
		ck_assert_int_eq(cw_json_parse(&ours, c->json, c->len,
		                               (int)CW_LIMIT_JSONLD_DEPTH,
		                               NULL),
		                 0);
		compared++;
		if (!cJSON_Compare(ours, theirs, 1)) {
			printf("embedded context differs from the shared "
			       "fixture: %s (%s)\n",
			       c->url, c->source);
			differ++;
		}
		cJSON_Delete(ours);
	}
	printf("embedded_match_shared_fixtures: %d compared, %d differ\n",
	       compared, differ);
	ck_assert_int_ge(compared, 11);
	ck_assert_int_eq(differ, 0);
	cJSON_Delete(fixture);
	cw_free(text);
}
END_TEST

Suite *suite_jsonld_loader(void)
{
	Suite *s = suite_create("jsonld/loader");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, embedded_contexts_parse);
	tcase_add_test(tc, required_urls_are_embedded);
	tcase_add_test(tc, add_get_and_fragments);
	tcase_add_test(tc, add_embedded_matches_default);
	tcase_add_test(tc, fetch_callback_is_cached);
	tcase_add_test(tc, threads_share_one_document);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, embedded_match_shared_fixtures);
	suite_add_tcase(s, tc);
	return s;
}
