/* A OneRoster REST consumer for pulling rosters from a SIS: OAuth 2.0
 * client credentials (token cached and renewed) or OAuth 1.0a signatures,
 * offset/limit paging that copes with missing count headers, short pages
 * and repeated rows, retries with exponential backoff and jitter on 429,
 * 5xx and network errors (honouring Retry-After), a cap on requests in
 * flight, and caps on every answer. Pages are read without a cJSON tree
 * (util/json_page).
 */
#ifndef CW_ENGINE_OR_CLIENT_H
#define CW_ENGINE_OR_CLIENT_H

#include "util/hash.h"
#include "util/json_page.h"

#include <cjson/cJSON.h>
#include <stddef.h>

typedef enum {
	CW_OR_AUTH_NONE = 0,
	CW_OR_AUTH_OAUTH2, /* client credentials at token_url */
	CW_OR_AUTH_OAUTH1  /* two-legged HMAC signatures (OneRoster 1.1) */
} cw_or_auth;

typedef struct {
	const char *base_url; /* ".../ims/oneroster/v1p1" or
	                       * ".../ims/oneroster/rostering/v1p2" */
	cw_or_auth auth;
	const char *token_url, *client_id, *client_secret, *scope; /* OAuth 2 */
	const char *consumer_key, *consumer_secret;                /* OAuth 1 */
	int oauth1_sha1;     /* 1: HMAC-SHA1; else HMAC-SHA256 */
	size_t page_size;    /* 0: 100 */
	size_t max_pages;    /* 0: 100000 */
	int max_retries;     /* per request; 0: 5; -1: none */
	long backoff_ms;     /* first wait; 0: 500 (doubles, jittered) */
	long max_wait_ms;    /* cap of one wait; 0: 60000 */
	long timeout_s;      /* one request; 0: 60 */
	size_t max_response; /* one page; 0: 64 MiB */
	int public_only;     /* refuse private addresses */
	/* Sleeps (tests shorten it); NULL: nanosleep. Called from the
	 * threads that fetch, so possibly from several at once. */
	void (*sleep_ms)(void *arg, long ms);
	void *sleep_arg;
	/* Requests in flight at once (pages fetched ahead while earlier ones
	 * are converted); 0: 3; at most CW_OR_MAX_CONCURRENT. */
	int max_concurrent;
} cw_or_client_options;

#define CW_OR_MAX_CONCURRENT 16

typedef struct cw_or_client cw_or_client;

/* What one pull did. */
typedef struct {
	size_t pages, records, duplicates, requests, retries, token_fetches;
} cw_or_pull_stats;

/* Called with each new record (an object of the collection, borrowed for
 * the call); a negative return stops the pull with that code. */
typedef int (*cw_or_record_cb)(void *arg, const cJSON *record);

/* The same with the record as an object of the page read without a tree
 * (borrowed for the call), which is what the SIS pull uses. */
typedef int (*cw_or_object_cb)(void *arg, const cw_jobject *record);

int cw_or_client_new(cw_or_client **out, const cw_or_client_options *o);
void cw_or_client_free(cw_or_client *client);

/**
 * GETs every page of collection ("users", "orgs", …) under base_url, with
 * filter (a OneRoster filter expression, or NULL) and calls cb once per
 * sourcedId (rows a SIS repeats across pages are counted and skipped).
 * Paging stops at a short or empty page, at X-Total-Count, or when the
 * Link header has no next page. CW_EIO when a request still fails after
 * its retries (the message names the URL, status and attempts), CW_EAUTH
 * when credentials are refused, CW_EINVAL for an answer that is not the
 * collection's JSON; nothing is half-reported: cb only ever sees whole
 * pages. Up to max_concurrent pages are fetched (and checked) at once once
 * the first page says there is more; cb still sees them in order, each
 * from the calling thread. A page that does not start where the one before
 * ended (a SIS that returns more than limit) makes the pages fetched ahead
 * be dropped and fetched again from the right offset.
 */
int cw_or_client_pull(cw_or_client *client, const char *collection,
                      const char *filter, cw_or_record_cb cb, void *arg,
                      cw_or_pull_stats *stats);

/** cw_or_client_pull with records handed over without a tree. */
int cw_or_client_pull_objects(cw_or_client *client, const char *collection,
                              const char *filter, cw_or_object_cb cb, void *arg,
                              cw_or_pull_stats *stats);

#endif
