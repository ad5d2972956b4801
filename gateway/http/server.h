/* The HTTP service on libmicrohttpd: requests are routed through the table,
 * authenticated against the route's scopes, capped, handled, logged and
 * counted. Handlers see only cw_request / cw_response. */
#ifndef CW_HTTP_SERVER_H
#define CW_HTTP_SERVER_H

#include "engine/ctx.h"
#include "http/metrics.h"
#include "http/router.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cw_server cw_server;

/** Who is calling, from the bearer token (empty for public routes). */
typedef struct {
	int authenticated;
	char client_id[33];
	int64_t tenant_id;
	char tenant[64];
	char tenant_created_at[32];
	const char *scopes;
	int64_t holder_id; /* CW_ROUTE_HOLDER routes: the resource owner */
} cw_auth;

#define CW_RESPONSE_MAX_HEADERS 8

struct cw_response {
	int status;
	const char *content_type;
	char *body; /* cw_malloc'd */
	size_t body_len;
	/* Or a body the response only borrows (cw_response_shared). */
	const char *shared;
	void (*release)(void *arg);
	void *release_arg;
	size_t header_count;
	struct {
		char *name;
		char *value;
	} headers[CW_RESPONSE_MAX_HEADERS];
};

/* ---- request accessors --------------------------------------------------- */
cw_ctx *cw_request_ctx(cw_request *req);
const cw_auth *cw_request_auth(const cw_request *req);
const char *cw_request_method(const cw_request *req);
const char *cw_request_path(const cw_request *req);
const char *cw_request_id(const cw_request *req);
cw_metrics *cw_request_metrics(cw_request *req);
/** A {name} path segment, NUL-terminated; NULL if the route has none. */
const char *cw_request_param(const cw_request *req, const char *name);
/** A query-string argument, decoded; NULL when absent. */
const char *cw_request_query(const cw_request *req, const char *key);
/** A request header (case-insensitive name); NULL when absent. */
const char *cw_request_header(const cw_request *req, const char *name);
/** "https" when a proxy says so (X-Forwarded-Proto), else "http". */
const char *cw_request_scheme(const cw_request *req);
const char *cw_request_body(const cw_request *req, size_t *len);
/** CW_ROUTE_UPLOAD routes: the file holding the body (deleted after the
 *  response unless kept). */
const char *cw_request_upload(const cw_request *req);
/** Keeps the upload file after the request; returns its path (cw_free). */
char *cw_request_keep_upload(cw_request *req);
/** 1 when the caller is a client of the system tenant with admin scope. */
int cw_request_is_operator(const cw_request *req);

/**
 * Parses the body as a JSON object under the depth limit. On failure fills res
 * with a 400 (or 415 when the content type is not JSON) and returns CW_EINVAL.
 */
int cw_request_json_object(cJSON **out, cw_request *req, cw_response *res);

/* ---- responses ----------------------------------------------------------- */
/** Sends doc as JSON and takes ownership of it (NULL means 500). */
int cw_response_json(cw_response *res, int status, cJSON *doc);
int cw_response_text(cw_response *res, int status, const char *content_type,
                     const char *text, size_t len);
/** len bytes at data as the body, not copied: release(arg) is called once
 *  they are sent (or the response is dropped). For large shared texts. */
int cw_response_shared(cw_response *res, int status, const char *content_type,
                       const char *data, size_t len, void (*release)(void *arg),
                       void *arg);
/** Takes the bytes of buf as the body. */
int cw_response_buf(cw_response *res, int status, const char *content_type,
                    cw_buf *buf);
/** An imsx_StatusInfo error body with the given codeMinor. */
int cw_response_error(cw_response *res, int status, const char *code_minor,
                      const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
int cw_response_header(cw_response *res, const char *name, const char *value);
void cw_response_dispose(cw_response *res);

/* ---- lifetime ------------------------------------------------------------ */
/**
 * Starts listening on ctx->config->listen with worker threads; routes must
 * outlive the server.
 */
int cw_server_start(cw_server **out, cw_ctx *ctx, const cw_route *routes,
                    size_t route_count);
/** The bound port (useful after listening on port 0). */
int cw_server_port(const cw_server *server);
cw_metrics *cw_server_metrics(cw_server *server);
/** Stops accepting, lets in-flight requests finish (up to drain_ms), stops. */
void cw_server_shutdown(cw_server *server, long drain_ms);
void cw_server_free(cw_server *server);

#endif
