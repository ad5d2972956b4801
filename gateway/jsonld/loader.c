/* The JSON-LD document loader: URL → parsed document, never the network. */
#include "jsonld/loader.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char *url; /* without a fragment */
	cJSON *doc;
} entry;

struct cw_jsonld_loader {
	/* get() is const for its callers but caches what the fetch callback
	 * returns, so the table is guarded. */
	pthread_mutex_t lock;
	entry *entries; /* sorted by url */
	size_t count, capacity;
	/* Replaced documents stay alive until the loader is freed: get()
	 * handed out borrowed pointers to them. */
	cJSON *retired;
	cw_jsonld_fetch_fn fetch;
	void *fetch_arg;
};

int cw_jsonld_loader_new(cw_jsonld_loader **out)
{
	cw_jsonld_loader *loader = cw_calloc(1, sizeof(*loader));

	*out = NULL;
	if (!loader)
		return CW_ENOMEM;
	if (pthread_mutex_init(&loader->lock, NULL) != 0) {
		cw_free(loader);
		cw_error_set("pthread_mutex_init failed");
		return CW_ENOMEM;
	}
	loader->retired = cJSON_CreateArray();
	if (!loader->retired) {
		cw_jsonld_loader_free(loader);
		return CW_ENOMEM;
	}
	*out = loader;
	return 0;
}

void cw_jsonld_loader_free(cw_jsonld_loader *loader)
{
	if (!loader)
		return;
	for (size_t i = 0; i < loader->count; i++) {
		cw_free(loader->entries[i].url);
		cJSON_Delete(loader->entries[i].doc);
	}
	cw_free(loader->entries);
	cJSON_Delete(loader->retired);
	pthread_mutex_destroy(&loader->lock);
	cw_free(loader);
}

/* url up to its fragment, as a new string. */
static char *strip_fragment(const char *url)
{
	const char *hash = strchr(url, '#');

	return cw_strndup(url, hash ? (size_t)(hash - url) : strlen(url));
}

/* The index of url, or where it would go with *found = 0. Lock held. */
static size_t find(const cw_jsonld_loader *loader, const char *url, int *found)
{
	size_t low = 0, high = loader->count;

	while (low < high) {
		size_t mid = low + (high - low) / 2;
		int cmp = strcmp(loader->entries[mid].url, url);

		if (cmp == 0) {
			*found = 1;
			return mid;
		}
		if (cmp < 0)
			low = mid + 1;
		else
			high = mid;
	}
	*found = 0;
	return low;
}

/* Puts doc (taken) at url (taken), replacing what was there; with
 * keep_existing, an entry already there wins and doc is freed. Lock held. */
static int insert(cw_jsonld_loader *loader, char *url, cJSON *doc,
                  int keep_existing, const cJSON **stored)
{
	int found;
	size_t at = find(loader, url, &found);

	if (found) {
		entry *e = &loader->entries[at];

		cw_free(url);
		if (keep_existing) {
			cJSON_Delete(doc);
		} else {
			cJSON_AddItemToArray(loader->retired, e->doc);
			e->doc = doc;
		}
		if (stored)
			*stored = e->doc;
		return 0;
	}
	if (loader->count >= (size_t)CW_LIMIT_JSONLD_DOCUMENTS) {
		cw_error_set("%s: the loader holds %ld documents already", url,
		             CW_LIMIT_JSONLD_DOCUMENTS);
		cw_free(url);
		cJSON_Delete(doc);
		return CW_ETOOBIG;
	}
	if (loader->count == loader->capacity) {
		size_t capacity = loader->capacity ? loader->capacity * 2 : 16;
		entry *grown =
		        cw_realloc(loader->entries, capacity * sizeof(*grown));

		if (!grown) {
			cw_free(url);
			cJSON_Delete(doc);
			return CW_ENOMEM;
		}
		loader->entries = grown;
		loader->capacity = capacity;
	}
	memmove(&loader->entries[at + 1], &loader->entries[at],
	        (loader->count - at) * sizeof(entry));
	loader->entries[at].url = url;
	loader->entries[at].doc = doc;
	loader->count++;
	if (stored)
		*stored = doc;
	return 0;
}

static int check_document(const char *url, const cJSON *doc)
{
	if (!cJSON_IsObject(doc) && !cJSON_IsArray(doc)) {
		cw_error_set("%s: a JSON-LD document is an object or an array",
		             url);
		return CW_EINVAL;
	}
	return 0;
}

int cw_jsonld_loader_add(cw_jsonld_loader *loader, const char *url,
                         const char *json, size_t len)
{
	cJSON *doc = NULL;
	char *key = NULL, detail[256];
	int err;

	if (len > (size_t)CW_LIMIT_JSONLD_DOCUMENT) {
		cw_error_set("%s: document larger than %ld bytes", url,
		             CW_LIMIT_JSONLD_DOCUMENT);
		return CW_ETOOBIG;
	}
	if ((err = cw_json_parse(&doc, json, len, (int)CW_LIMIT_JSONLD_DEPTH,
	                         NULL)) < 0) {
		snprintf(detail, sizeof(detail), "%s", cw_error_last());
		cw_error_set("%s: not JSON (%s)", url, detail);
		return err == CW_ENOMEM ? err : CW_EINVAL;
	}
	if ((err = check_document(url, doc)) < 0)
		goto out;
	if (!(key = strip_fragment(url))) {
		err = CW_ENOMEM;
		goto out;
	}
	pthread_mutex_lock(&loader->lock);
	err = insert(loader, key, doc, 0, NULL);
	pthread_mutex_unlock(&loader->lock);
	return err;
out:
	cJSON_Delete(doc);
	return err;
}

int cw_jsonld_loader_add_embedded(cw_jsonld_loader *loader)
{
	for (size_t i = 0; i < cw_jsonld_embedded_context_count; i++) {
		const cw_jsonld_embedded_context *c =
		        &cw_jsonld_embedded_contexts[i];
		int err = cw_jsonld_loader_add(loader, c->url, c->json, c->len);

		if (err < 0)
			return err;
	}
	return 0;
}

void cw_jsonld_loader_set_fetch(cw_jsonld_loader *loader, cw_jsonld_fetch_fn fn,
                                void *arg)
{
	pthread_mutex_lock(&loader->lock);
	loader->fetch = fn;
	loader->fetch_arg = arg;
	pthread_mutex_unlock(&loader->lock);
}

/* A fetched document, checked like an added one. */
static int check_fetched(const char *url, const cJSON *doc)
{
	char *text;
	size_t len;
	int err;

	if ((err = check_document(url, doc)) < 0)
		return err;
	if (!(text = cw_json_print(doc)))
		return CW_ENOMEM;
	len = strlen(text);
	cw_free(text);
	if (len > (size_t)CW_LIMIT_JSONLD_DOCUMENT) {
		cw_error_set("%s: document larger than %ld bytes", url,
		             CW_LIMIT_JSONLD_DOCUMENT);
		return CW_ETOOBIG;
	}
	return 0;
}

/* Asks the fetch callback, outside the lock (it may be slow, or use the
 * loader itself), and keeps what it returns. */
static int fetch(cw_jsonld_loader *loader, cw_jsonld_fetch_fn fn, void *arg,
                 char *key, const cJSON **doc)
{
	cJSON *fetched = NULL;
	int err = fn(arg, key, &fetched);

	if (err == 0 && !fetched)
		err = CW_ENOTFOUND;
	if (err == 0)
		err = check_fetched(key, fetched);
	if (err < 0) {
		if (err == CW_ENOTFOUND)
			cw_error_set("%s: no such JSON-LD document", key);
		cJSON_Delete(fetched);
		cw_free(key);
		return err;
	}
	pthread_mutex_lock(&loader->lock);
	/* Another thread may have fetched it meanwhile: the first one stays,
	 * so every caller sees one document per URL. */
	err = insert(loader, key, fetched, 1, doc);
	pthread_mutex_unlock(&loader->lock);
	return err;
}

int cw_jsonld_loader_get(const cw_jsonld_loader *loader, const char *url,
                         const cJSON **doc)
{
	cw_jsonld_loader *self = (cw_jsonld_loader *)loader;
	char *key = strip_fragment(url);
	cw_jsonld_fetch_fn fn;
	void *arg;
	int found;
	size_t at;

	*doc = NULL;
	if (!key)
		return CW_ENOMEM;
	pthread_mutex_lock(&self->lock);
	at = find(self, key, &found);
	if (found)
		*doc = self->entries[at].doc;
	fn = self->fetch;
	arg = self->fetch_arg;
	pthread_mutex_unlock(&self->lock);
	if (found) {
		cw_free(key);
		return 0;
	}
	if (!fn) {
		cw_error_set("%s: no such JSON-LD document", key);
		cw_free(key);
		return CW_ENOTFOUND;
	}
	return fetch(self, fn, arg, key, doc);
}

static cw_jsonld_loader *default_loader;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void build_default(void)
{
	cw_jsonld_loader *loader = NULL;

	if (cw_jsonld_loader_new(&loader) < 0)
		return;
	if (cw_jsonld_loader_add_embedded(loader) < 0) {
		cw_jsonld_loader_free(loader);
		return;
	}
	default_loader = loader;
}

const cw_jsonld_loader *cw_jsonld_loader_default(void)
{
	/* Built once and kept for the life of the process; NULL only when
	 * memory ran out while building it. */
	pthread_once(&default_once, build_default);
	return default_loader;
}
