/* What verification fetches during a flow: this gateway's own badge
 * documents from the store, the rest over http(s) under the badge caps;
 * each document once per run (a batch names one status list thousands of
 * times). A cw_badge_fetch_fn. */
#ifndef CW_ENGINE_DOC_FETCH_H
#define CW_ENGINE_DOC_FETCH_H

#include "engine/badges.h"

#include <stddef.h>

#define CW_DOC_FETCH_CACHE 64 /* documents one run keeps */

typedef struct {
	const cw_badges *badges;
	int public_only; /* refuse loopback and private addresses */
	struct {
		char *url, *body;
		size_t len;
	} cache[CW_DOC_FETCH_CACHE];
	size_t cached;
} cw_doc_fetcher;

void cw_doc_fetcher_init(cw_doc_fetcher *f, const cw_badges *badges,
                         int public_only);
void cw_doc_fetcher_dispose(cw_doc_fetcher *f);
/** A cw_badge_fetch_fn; arg is a cw_doc_fetcher. */
int cw_doc_fetch(void *arg, const char *url, char **body, size_t *len,
                 long *status);

#endif
