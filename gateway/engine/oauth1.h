/* OAuth 1.0a request signatures (RFC 5849), as OneRoster 1.1 consumers send
 * them: the protocol parameters from the Authorization header, the query or
 * a form body; the signature base string (§3.4.1); HMAC-SHA1 and
 * HMAC-SHA256 signatures (§3.4.2) compared in constant time. Pure: no I/O,
 * no clock (callers pass the time). */
#ifndef CW_ENGINE_OAUTH1_H
#define CW_ENGINE_OAUTH1_H

#include "util/buf.h"
#include "util/hash.h"

#include <stddef.h>
#include <stdint.h>

#define CW_OAUTH1_SIGNATURE_LEN 45 /* base64 of a SHA-256 MAC, and a NUL */

typedef struct {
	char *name; /* decoded */
	char *value;
} cw_oauth1_param;

typedef struct {
	/* Every parameter the signature covers, decoded: the query's, the
	 * header's (but realm) and the form body's. */
	cw_oauth1_param *params;
	size_t count;
	char *signature; /* oauth_signature, decoded; never signed */
	/* The protocol parameters among params (NULL when absent). */
	const char *consumer_key;
	const char *signature_method;
	const char *timestamp;
	const char *nonce;
	const char *version;
	const char *token;
	/* Set by cw_oauth1_check. */
	cw_hmac_alg method;
	int64_t timestamp_s;
} cw_oauth1_request;

/** 1 when an Authorization header value uses the OAuth scheme. */
int cw_oauth1_is_header(const char *header);

/**
 * Collects the parameters of a request: header is an OAuth Authorization
 * value (NULL: none), query the request target's query
 * string (without '?'), body a form body (NULL unless the body is
 * application/x-www-form-urlencoded). Values are percent-decoded; a
 * parameter whose name begins with oauth_ may come once only. CW_EINVAL
 * with the reason in cw_error_last(), CW_ETOOBIG over the caps, CW_ENOMEM.
 * out is empty on failure.
 */
int cw_oauth1_parse(cw_oauth1_request *out, const char *header,
                    size_t header_len, const char *query, size_t query_len,
                    const char *body, size_t body_len);
void cw_oauth1_request_dispose(cw_oauth1_request *request);

/**
 * Checks the protocol parameters of a two-legged request: consumer key,
 * signature and nonce present (nonce at most CW_LIMIT_OAUTH1_NONCE bytes),
 * oauth_version absent or 1.0, no token, signature method HMAC-SHA1 or
 * HMAC-SHA256, oauth_timestamp within window_s of now_s. Fills method and
 * timestamp_s. CW_EAUTH with the reason in cw_error_last().
 */
int cw_oauth1_check(cw_oauth1_request *request, int64_t now_s, long window_s);

/**
 * The signature base string (RFC 5849 §3.4.1) into out: method uppercased,
 * the base string URI from scheme (http or https), host (the Host header;
 * lowercased, its default port left out) and path (as sent, without the
 * query), and the request's parameters encoded, sorted and joined.
 * CW_EINVAL for a bad scheme, host or path; CW_ETOOBIG over
 * CW_LIMIT_OAUTH1_BASE.
 */
int cw_oauth1_base_string(cw_buf *out, const char *method, const char *scheme,
                          const char *host, const char *path, size_t path_len,
                          const cw_oauth1_request *request);

/**
 * The base64 signature of base under the key
 * encode(consumer_secret) "&" encode(token_secret) (token_secret NULL: "").
 */
int cw_oauth1_sign(char out[CW_OAUTH1_SIGNATURE_LEN], cw_hmac_alg method,
                   const char *consumer_secret, const char *token_secret,
                   const char *base, size_t base_len);

/**
 * 0 when the request's oauth_signature is the signature of base with
 * consumer_secret and no token secret, compared in constant time; else
 * CW_EAUTH.
 */
int cw_oauth1_verify(const cw_oauth1_request *request,
                     const char *consumer_secret, const char *base,
                     size_t base_len);

#endif
