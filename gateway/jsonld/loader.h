/* The document loader for JSON-LD contexts: a table of URL → parsed JSON.
 * It serves the contexts embedded in the binary at build time (pinned npm
 * packages), documents a caller adds, and, only when a caller sets one, a
 * fetch callback (tests, `--map URL_PREFIX=DIR`). It never uses the network.
 */
#ifndef CW_JSONLD_LOADER_H
#define CW_JSONLD_LOADER_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct cw_jsonld_loader cw_jsonld_loader;

/* Returns a new document for url in *doc (the loader takes it), or
 * CW_ENOTFOUND. */
typedef int (*cw_jsonld_fetch_fn)(void *arg, const char *url, cJSON **doc);

/** An empty loader. */
int cw_jsonld_loader_new(cw_jsonld_loader **out);
void cw_jsonld_loader_free(cw_jsonld_loader *loader);

/** Adds (or replaces) the document at url, parsed from json.
 * CW_EINVAL when it is not JSON. */
int cw_jsonld_loader_add(cw_jsonld_loader *loader, const char *url,
                         const char *json, size_t len);

/** Adds every context embedded in the binary. */
int cw_jsonld_loader_add_embedded(cw_jsonld_loader *loader);

/** Calls fn for a url not in the table; what it returns is kept. */
void cw_jsonld_loader_set_fetch(cw_jsonld_loader *loader, cw_jsonld_fetch_fn fn,
                                void *arg);

/**
 * The document at url (fragment dropped), borrowed from the loader and valid
 * until it is freed. CW_ENOTFOUND when neither the table nor the fetch
 * callback has it. Safe to call from several threads.
 */
int cw_jsonld_loader_get(const cw_jsonld_loader *loader, const char *url,
                         const cJSON **doc);

/** The process-wide loader of the embedded contexts (built once). */
const cw_jsonld_loader *cw_jsonld_loader_default(void);

/* One embedded context: its URL, its JSON text, and where it came from
 * ("npm PACKAGE@VERSION path"). Generated at build time. */
typedef struct {
	const char *url;
	const char *json;
	size_t len;
	const char *source;
} cw_jsonld_embedded_context;

extern const cw_jsonld_embedded_context cw_jsonld_embedded_contexts[];
extern const size_t cw_jsonld_embedded_context_count;

#endif
