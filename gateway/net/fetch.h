/* HTTP(S) GET with libcurl under caps: a size limit that cuts the transfer,
 * a time limit, redirects only to http(s), and a clear message on failure.
 * For pulling CASE packages (and later OneRoster and badges). */
#ifndef CW_NET_FETCH_H
#define CW_NET_FETCH_H

#include "util/buf.h"

typedef struct {
	size_t max_bytes;   /* the body is cut and the fetch fails past it */
	long timeout_s;     /* the whole transfer */
	const char *bearer; /* Authorization: Bearer …, or NULL */
	const char *accept; /* Accept header, or NULL */
	/* Non-zero: connections to loopback, private, link-local and
	 * unspecified addresses are refused (redirects too): what the daemon
	 * fetches for a tenant cannot reach the gateway's own network. */
	int public_only;
} cw_fetch_options;

/**
 * GETs url into out (appended). CW_EINVAL for a URL that is not http(s),
 * CW_ETOOBIG past max_bytes, CW_EIO for a network failure or a status other
 * than 2xx (the message says which; *status gets the HTTP status or 0).
 */
int cw_net_fetch(cw_buf *out, long *status, const char *url,
                 const cw_fetch_options *options);

/** The same into a new NUL-terminated buffer (*out, cw_free; *len its
 *  length), for callers that read files into one the same way. */
int cw_net_fetch_text(char **out, size_t *len, const char *url,
                      const cw_fetch_options *options);

/**
 * POSTs an application/x-www-form-urlencoded body with HTTP Basic
 * credentials (user and password not NULL) into out: for OAuth 2.0 token
 * endpoints. The same caps and errors as cw_net_fetch.
 */
int cw_net_post_form(cw_buf *out, long *status, const char *url,
                     const char *form, const char *user, const char *password,
                     const cw_fetch_options *options);

/**
 * POSTs body as application/json to url (webhooks): the same caps and
 * errors as cw_net_fetch (a status other than 2xx is CW_EIO, *status
 * says which); the answer's body is discarded.
 */
int cw_net_post_json(long *status, const char *url, const char *body,
                     const cw_fetch_options *options);

/**
 * PUTs body as application/json to url (o->bearer as its token): the
 * answer's body appended to out; a status other than 2xx is CW_EIO with
 * *status and the message saying which.
 */
int cw_net_put_json(cw_buf *out, long *status, const char *url,
                    const char *body, const cw_fetch_options *options);

/* What a GET sends besides cw_fetch_options and what it learns of the
 * answer beyond its body: for REST clients that page and retry. */
typedef struct {
	const char *authorization; /* the whole Authorization value, or NULL */
	const char *content_type;  /* of a POST body, or NULL */
	long status;               /* the HTTP status (0: no answer) */
	long retry_after_s;        /* Retry-After in seconds, or -1 */
	long total_count;          /* X-Total-Count, or -1 */
	char next[2048];           /* the Link header's rel="next", or "" */
	int timed_out;             /* the time limit cut the transfer */
	const char *method; /* "PUT" …; NULL: GET, or POST with a body */
} cw_fetch_exchange;

/**
 * GETs url into out like cw_net_fetch, but an answer with any status is a
 * success (x->status says which): the caller decides what 429 or 503
 * mean. CW_EIO only when there was no complete answer (network, timeout,
 * a connection dropped mid-body); CW_ETOOBIG past max_bytes.
 */
int cw_net_fetch_ex(cw_buf *out, const char *url, const cw_fetch_options *o,
                    cw_fetch_exchange *x);

#endif
