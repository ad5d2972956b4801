/* Fetching a flow's documents: local first, then the network, cached. */
#include "engine/doc_fetch.h"

#include "net/fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"

#include <string.h>

void cw_doc_fetcher_init(cw_doc_fetcher *f, const cw_badges *badges,
                         int public_only)
{
	memset(f, 0, sizeof(*f));
	f->badges = badges;
	f->public_only = public_only;
}

void cw_doc_fetcher_dispose(cw_doc_fetcher *f)
{
	for (size_t i = 0; i < f->cached; i++) {
		cw_free(f->cache[i].url);
		cw_free(f->cache[i].body);
	}
	f->cached = 0;
}

static void remember(cw_doc_fetcher *f, const char *url, const char *body,
                     size_t len)
{
	char *u, *b;

	if (f->cached == CW_DOC_FETCH_CACHE)
		return;
	u = cw_strdup(url);
	b = cw_strdup(body);
	if (!u || !b) {
		cw_free(u);
		cw_free(b);
		return;
	}
	f->cache[f->cached].url = u;
	f->cache[f->cached].body = b;
	f->cache[f->cached++].len = len;
}

int cw_doc_fetch(void *arg, const char *url, char **body, size_t *len,
                 long *status)
{
	cw_doc_fetcher *f = arg;
	cw_fetch_options net = { CW_LIMIT_BADGE_FETCH_BYTES,
		                 CW_LIMIT_BADGE_FETCH_TIMEOUT, NULL,
		                 "application/ld+json, application/json",
		                 f->public_only };
	cw_buf out = CW_BUF_INIT(CW_LIMIT_BADGE_FETCH_BYTES);
	int err;

	for (size_t i = 0; i < f->cached; i++)
		if (strcmp(f->cache[i].url, url) == 0) {
			*status = 200;
			*len = f->cache[i].len;
			return (*body = cw_strdup(f->cache[i].body))
			               ? 0
			               : CW_ENOMEM;
		}
	err = f->badges ? cw_badges_local_document(body, status, f->badges, url)
	                : CW_ENOTFOUND;
	if (err == 0 && *status == 410) {
		/* a revoked hosted assertion: Gone, as over HTTP */
		cw_free(*body);
		*body = NULL;
		cw_error_set("%s: 410 Gone", url);
		return CW_ENOTFOUND;
	}
	if (err == 0) {
		*len = strlen(*body);
	} else if (err == CW_ENOTFOUND &&
	           (err = cw_net_fetch(&out, status, url, &net)) == 0) {
		*body = out.data ? cw_buf_detach(&out, len) : cw_strdup("");
		err = *body ? 0 : CW_ENOMEM;
	}
	cw_buf_dispose(&out);
	if (err == 0)
		remember(f, url, *body, *len);
	return err;
}
