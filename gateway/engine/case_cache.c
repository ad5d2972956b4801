/* CASE package texts in memory; see case_cache.h. A small list under one
 * mutex: a tenant has a few frameworks, and a lookup is a stamp query. */
#include "engine/case_cache.h"

#include "case/package.h"
#include "case/write.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef struct entry {
	cw_case_text text; /* first: a text's address is its entry's */
	char *bytes;
	int64_t tenant_id, stamp;
	char id[64];
	int version;
	int refs;      /* requests holding it, plus 1 while listed */
	uint64_t used; /* last use, for eviction */
	struct entry *next;
} entry;

struct cw_case_cache {
	pthread_mutex_t lock;
	entry *entries;
	size_t bytes, max_bytes;
	uint64_t clock;
};

int cw_case_cache_new(cw_case_cache **out, size_t max_bytes)
{
	cw_case_cache *c = cw_calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return CW_ENOMEM;
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		cw_free(c);
		return CW_ENOMEM;
	}
	c->max_bytes = max_bytes;
	*out = c;
	return 0;
}

static void drop(entry *e)
{
	cw_free(e->bytes);
	cw_free(e);
}

void cw_case_cache_free(cw_case_cache *cache)
{
	if (!cache)
		return;
	for (entry *e = cache->entries, *next; e; e = next) {
		next = e->next;
		drop(e);
	}
	pthread_mutex_destroy(&cache->lock);
	cw_free(cache);
}

/* Unlists e (under the lock); freed when its last holder lets go. */
static void unlist(cw_case_cache *c, entry *e)
{
	for (entry **p = &c->entries; *p; p = &(*p)->next)
		if (*p == e) {
			*p = e->next;
			break;
		}
	c->bytes -= e->text.len;
	if (--e->refs == 0)
		drop(e);
}

static void evict(cw_case_cache *c, size_t room)
{
	while (c->entries && c->bytes + room > c->max_bytes) {
		entry *oldest = c->entries;

		for (entry *e = c->entries; e; e = e->next)
			if (e->used < oldest->used)
				oldest = e;
		unlist(c, oldest);
	}
}

static entry *lookup(cw_case_cache *c, int64_t tenant_id, const char *id,
                     int version)
{
	for (entry *e = c->entries; e; e = e->next)
		if (e->tenant_id == tenant_id && e->version == version &&
		    strcmp(e->id, id) == 0)
			return e;
	return NULL;
}

/* The package text from the store (1.0: rewritten by the strict writer). */
static int load(cw_buf *out, int64_t *stamp, cw_store *store, int64_t tenant_id,
                const char *id, int version)
{
	cw_buf v11 = CW_BUF_INIT((size_t)CW_LIMIT_CASE_PACKAGE * 2);
	cJSON *root = NULL;
	int err = cw_store_case_package(store, tenant_id, id, &v11, stamp);

	if (err == 0 && version == CW_CASE_V1P1) {
		*out = v11;
		return 0;
	}
	/* The stored text is the strict form, checked when it was imported:
	 * parsed, not read and checked again. */
	if (err == 0 && cw_json_parse(&root, v11.data, v11.len,
	                              CW_CASE_MAX_DEPTH, NULL) < 0)
		err = CW_ESTORE;
	if (err == 0)
		err = cw_case_write_package(out, root, CW_CASE_V1P0);
	cJSON_Delete(root);
	cw_buf_dispose(&v11);
	return err;
}

/* Keeps a new text, replacing an older one of the same package. */
static const cw_case_text *keep(cw_case_cache *c, cw_buf *text,
                                int64_t tenant_id, const char *id, int version,
                                int64_t stamp)
{
	entry *e = cw_calloc(1, sizeof(*e)), *old;
	size_t len = 0;

	if (!e)
		return NULL;
	e->bytes = cw_buf_detach(text, &len);
	e->text = (cw_case_text){ e->bytes ? e->bytes : "", len };
	e->tenant_id = tenant_id;
	e->stamp = stamp;
	e->version = version;
	snprintf(e->id, sizeof(e->id), "%s", id);
	e->refs = 2; /* the list's, and the caller's */
	pthread_mutex_lock(&c->lock);
	if ((old = lookup(c, tenant_id, id, version)))
		unlist(c, old);
	evict(c, len);
	e->used = ++c->clock;
	e->next = c->entries;
	c->entries = e;
	c->bytes += len;
	pthread_mutex_unlock(&c->lock);
	return &e->text;
}

int cw_case_cache_get(cw_case_cache *c, cw_store *store, int64_t tenant_id,
                      const char *id, int version, const cw_case_text **out)
{
	cw_buf text = CW_BUF_INIT((size_t)CW_LIMIT_CASE_PACKAGE * 2);
	int64_t stamp = 0;
	entry *e;
	int err;

	*out = NULL;
	if ((err = cw_store_case_stamp(store, tenant_id, id, &stamp)) < 0)
		return err;
	pthread_mutex_lock(&c->lock);
	e = lookup(c, tenant_id, id, version);
	if (e && e->stamp == stamp) {
		e->refs++;
		e->used = ++c->clock;
		*out = &e->text;
	}
	pthread_mutex_unlock(&c->lock);
	if (*out)
		return 0;
	/* Two first requests may both load it: the second copy wins. */
	err = load(&text, &stamp, store, tenant_id, id, version);
	if (err == 0 && !(*out = keep(c, &text, tenant_id, id, version, stamp)))
		err = CW_ENOMEM;
	cw_buf_dispose(&text);
	return err;
}

void cw_case_cache_release(cw_case_cache *c, const cw_case_text *text)
{
	entry *e = (entry *)(void *)text;

	if (!text)
		return;
	pthread_mutex_lock(&c->lock);
	if (--e->refs == 0)
		drop(e);
	pthread_mutex_unlock(&c->lock);
}
