/* What a request handler may reach: passed explicitly, never global. */
#ifndef CW_ENGINE_CTX_H
#define CW_ENGINE_CTX_H

#include "engine/case_cache.h"
#include "engine/failgate.h"
#include "engine/jobs.h"
#include "engine/queue.h"
#include "engine/roster_index.h"
#include "jsonld/loader.h"
#include "store/store.h"
#include "util/config.h"

typedef struct cw_ctx_tag {
	const cw_config *config;
	cw_store *store;
	const char *data_dir;
	cw_jobs *jobs;            /* the threads of background jobs */
	cw_queue *queue;          /* background jobs as rows of the store */
	cw_roster_cache *rosters; /* tenants' rosters for the REST API */
	cw_case_cache *packages;  /* CASE packages for the provider */
	/* Seals new clients' secrets, opens them for OAuth 1.0a requests. */
	const unsigned char *master_key;
	/* JSON-LD contexts: the embedded ones and the operator's pinned
	 * files (jsonld_contexts_dir), for verifying and signing. */
	const cw_jsonld_loader *contexts;
	/* Failed authentications per client and holder login, counted in
	 * the store for every node (NULL: none counted). */
	cw_failgate *auth_failures;
	volatile int stopping; /* set at shutdown: jobs give up */
} cw_ctx;

#endif
