/* The CASE packages the provider serves, kept in memory: a package is read
 * (and inflated, and for 1.0 rewritten) once per import, then every request
 * shares the same bytes. The store's stamp of the document says whether a
 * kept text is still the current one. */
#ifndef CW_ENGINE_CASE_CACHE_H
#define CW_ENGINE_CASE_CACHE_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct cw_case_cache cw_case_cache;

/** One package text; shared, read-only, valid until released. */
typedef struct {
	const char *data;
	size_t len;
} cw_case_text;

/** max_bytes: texts kept at most (the least recently used go first). */
int cw_case_cache_new(cw_case_cache **out, size_t max_bytes);
void cw_case_cache_free(cw_case_cache *cache);

/**
 * The package of document id in version 10 or 11 (the 1.1 text as stored,
 * the 1.0 one derived from it). CW_ENOTFOUND when the tenant has none.
 */
int cw_case_cache_get(cw_case_cache *cache, cw_store *store, int64_t tenant_id,
                      const char *id, int version, const cw_case_text **out);
void cw_case_cache_release(cw_case_cache *cache, const cw_case_text *text);

#endif
