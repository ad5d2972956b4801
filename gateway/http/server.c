/* libmicrohttpd glue. MHD calls on_request several times per request: first
 * with the headers (route, cap and authenticate here, before any body is
 * read), then with body chunks, then once more to respond. on_completed logs,
 * counts and frees. */
#include "http/server.h"

#include "engine/credentials.h"
#include "engine/oauth1.h"
#include "engine/ob3_auth.h"
#include "engine/scope.h"
#include "http/imsx.h"
#include "util/alloc.h"
#include "util/config.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/timeutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sys/stat.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

struct cw_server {
	struct MHD_Daemon *daemon;
	cw_ctx *ctx;
	const cw_route *routes;
	size_t route_count;
	cw_metrics *metrics;
	int port;
	char id_prefix[9];
	atomic_ullong next_id;
};

struct cw_request {
	cw_server *server;
	struct MHD_Connection *conn;
	const char *method;
	char *raw_uri; /* the request target as sent (OAuth 1.0a signs it) */
	char *path;
	cw_route_match match;
	const cw_route *route;
	cw_buf body;
	cw_auth auth;
	char *auth_scopes;
	char request_id[65];
	int64_t start_us;
	int status;
	int too_big;
	int responded;
	int auth_deferred; /* OAuth 1.0a over a form body: checked with it */
	int upload_fd;     /* CW_ROUTE_UPLOAD: the body's file, else -1 */
	char *upload_path;
	int upload_kept; /* the handler took the file */
	uint64_t upload_bytes;
};

/* ---- accessors ----------------------------------------------------------- */

cw_ctx *cw_request_ctx(cw_request *req)
{
	return req->server->ctx;
}

const cw_auth *cw_request_auth(const cw_request *req)
{
	return &req->auth;
}

const char *cw_request_method(const cw_request *req)
{
	return req->method;
}

const char *cw_request_path(const cw_request *req)
{
	return req->path;
}

const char *cw_request_id(const cw_request *req)
{
	return req->request_id;
}

cw_metrics *cw_request_metrics(cw_request *req)
{
	return req->server->metrics;
}

const char *cw_request_param(const cw_request *req, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < req->match.param_count; i++) {
		const cw_route_param *p = &req->match.params[i];
		if (p->name_len == len && memcmp(p->name, name, len) == 0)
			return p->value;
	}
	return NULL;
}

const char *cw_request_query(const cw_request *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
	                                   key);
}

const char *cw_request_header(const cw_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *cw_request_scheme(const cw_request *req)
{
	const char *proto = cw_request_header(req, "X-Forwarded-Proto");

	return proto && strcmp(proto, "https") == 0 ? "https" : "http";
}

const char *cw_request_upload(const cw_request *req)
{
	return req->upload_path;
}

char *cw_request_keep_upload(cw_request *req)
{
	if (!req->upload_path)
		return NULL;
	req->upload_kept = 1;
	return cw_strdup(req->upload_path);
}

const char *cw_request_body(const cw_request *req, size_t *len)
{
	*len = req->body.len;
	return cw_buf_cstr(&req->body);
}

int cw_request_is_operator(const cw_request *req)
{
	return req->auth.authenticated &&
	       strcmp(req->auth.tenant, CW_SYSTEM_TENANT) == 0 &&
	       cw_scope_contains(req->auth.scopes, CW_SCOPE_ADMIN,
	                         strlen(CW_SCOPE_ADMIN));
}

int cw_request_json_object(cJSON **out, cw_request *req, cw_response *res)
{
	const char *type = cw_request_header(req, "Content-Type");
	cw_json_position where;
	cJSON *doc = NULL;
	int err;

	*out = NULL;
	if (!type || strncasecmp(type, "application/json", 16) != 0) {
		cw_response_error(res, 415, "invaliddata",
		                  "expected Content-Type: application/json");
		return CW_EINVAL;
	}
	err = cw_json_parse(&doc, cw_buf_cstr(&req->body), req->body.len,
	                    (int)req->server->ctx->config->max_json_depth,
	                    &where);
	if (err < 0) {
		cw_response_error(res, 400, "invaliddata", "request body: %s",
		                  cw_error_last());
		return CW_EINVAL;
	}
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		cw_response_error(res, 400, "invaliddata",
		                  "request body: expected a JSON object at /");
		return CW_EINVAL;
	}
	*out = doc;
	return 0;
}

/* ---- responses ----------------------------------------------------------- */

static void set_body(cw_response *res, int status, const char *type, char *body,
                     size_t len)
{
	if (res->shared && res->release)
		res->release(res->release_arg);
	res->shared = NULL;
	cw_free(res->body);
	res->status = status;
	res->content_type = type;
	res->body = body;
	res->body_len = len;
}

int cw_response_json(cw_response *res, int status, cJSON *doc)
{
	char *text = doc ? cw_json_print(doc) : NULL;

	cJSON_Delete(doc);
	if (!text) {
		cw_error_set("out of memory building a response");
		return CW_ENOMEM;
	}
	set_body(res, status, "application/json", text, strlen(text));
	return 0;
}

int cw_response_text(cw_response *res, int status, const char *content_type,
                     const char *text, size_t len)
{
	char *copy = cw_strndup(text, len);

	if (!copy)
		return CW_ENOMEM;
	set_body(res, status, content_type, copy, len);
	return 0;
}

int cw_response_shared(cw_response *res, int status, const char *content_type,
                       const char *data, size_t len, void (*release)(void *arg),
                       void *arg)
{
	cw_free(res->body);
	res->body = NULL;
	res->status = status;
	res->content_type = content_type;
	res->shared = data;
	res->body_len = len;
	res->release = release;
	res->release_arg = arg;
	return 0;
}

int cw_response_buf(cw_response *res, int status, const char *content_type,
                    cw_buf *buf)
{
	size_t len = 0;
	char *data;

	if (buf->error)
		return buf->error;
	data = cw_buf_detach(buf, &len);
	if (!data)
		return CW_ENOMEM;
	set_body(res, status, content_type, data, len);
	return 0;
}

int cw_response_error(cw_response *res, int status, const char *code_minor,
                      const char *fmt, ...)
{
	char description[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(description, sizeof(description), fmt, ap);
	va_end(ap);
	return cw_response_json(
	        res, status,
	        cw_imsx_status("failure", "error", code_minor, description));
}

int cw_response_header(cw_response *res, const char *name, const char *value)
{
	size_t i = res->header_count;

	if (i >= CW_RESPONSE_MAX_HEADERS)
		return CW_ETOOBIG;
	res->headers[i].name = cw_strdup(name);
	res->headers[i].value = cw_strdup(value);
	if (!res->headers[i].name || !res->headers[i].value) {
		cw_free(res->headers[i].name);
		cw_free(res->headers[i].value);
		return CW_ENOMEM;
	}
	res->header_count++;
	return 0;
}

void cw_response_dispose(cw_response *res)
{
	if (res->shared && res->release)
		res->release(res->release_arg);
	cw_free(res->body);
	for (size_t i = 0; i < res->header_count; i++) {
		cw_free(res->headers[i].name);
		cw_free(res->headers[i].value);
	}
	memset(res, 0, sizeof(*res));
}

/* ---- request lifecycle --------------------------------------------------- */

static enum MHD_Result send_response(cw_request *req, cw_response *res)
{
	struct MHD_Response *response;
	enum MHD_Result result;

	if (!res->body && !res->shared) {
		/* A handler that set nothing has a bug; say so safely. */
		cw_response_error(res, 500, "internal_server_error",
		                  "internal error");
		if (!res->body)
			return MHD_NO;
	}
	if (res->shared)
		response =
		        MHD_create_response_from_buffer_with_free_callback_cls(
		                res->body_len, (void *)res->shared,
		                res->release, res->release_arg);
	else
		response = MHD_create_response_from_buffer_with_free_callback(
		        res->body_len, res->body, cw_free);
	if (!response) {
		cw_response_dispose(res); /* frees or releases the body */
		return MHD_NO;
	}
	res->body = NULL; /* now owned by the MHD response */
	res->shared = NULL;
	MHD_add_response_header(response, "Content-Type", res->content_type);
	MHD_add_response_header(response, "X-Request-Id", req->request_id);
	MHD_add_response_header(response, "Cache-Control", "no-store");
	MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
	for (size_t i = 0; i < res->header_count; i++)
		MHD_add_response_header(response, res->headers[i].name,
		                        res->headers[i].value);
	req->status = res->status;
	req->responded = 1;
	result = MHD_queue_response(req->conn, (unsigned int)res->status,
	                            response);
	MHD_destroy_response(response);
	cw_response_dispose(res);
	return result;
}

/* The OneRoster 1.1 routes, where OAuth 1.0a signatures are accepted. */
#define V1P1_PREFIX "/ims/oneroster/v1p1/"

static int is_v1p1(const cw_request *req)
{
	return strncmp(req->route->pattern, V1P1_PREFIX,
	               sizeof(V1P1_PREFIX) - 1) == 0;
}

static enum MHD_Result send_error(cw_request *req, int status, const char *fmt,
                                  ...) __attribute__((format(printf, 3, 4)));

static enum MHD_Result send_error(cw_request *req, int status, const char *fmt,
                                  ...)
{
	cw_response res = { 0 };
	char description[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(description, sizeof(description), fmt, ap);
	va_end(ap);
	cw_response_error(&res, status,
	                  cw_imsx_minor_for_path(status, cw_request_path(req)),
	                  "%s", description);
	if (status == 405)
		cw_response_header(&res, "Allow", req->match.allow);
	if (status == 401 && req->route && is_v1p1(req))
		cw_response_header(&res, "WWW-Authenticate",
		                   "OAuth realm=\"crosswalk\"");
	if (status == 401)
		cw_response_header(&res, "WWW-Authenticate",
		                   "Bearer realm=\"crosswalk\", "
		                   "error=\"invalid_token\"");
	if (status == 403)
		cw_response_header(&res, "WWW-Authenticate",
		                   "Bearer realm=\"crosswalk\", "
		                   "error=\"insufficient_scope\"");
	return send_response(req, &res);
}

static enum MHD_Result send_busy(cw_request *req)
{
	cw_response res = { 0 };

	cw_response_error(&res, 503, "server_busy",
	                  "the store is busy with a long write; try again");
	cw_response_header(&res, "Retry-After", "2");
	return send_response(req, &res);
}

static void assign_request_id(cw_request *req)
{
	const char *given = cw_request_header(req, "X-Request-Id");
	size_t len = given ? strlen(given) : 0;
	int ok = len > 0 && len < sizeof(req->request_id);

	for (size_t i = 0; ok && i < len; i++) {
		char c = given[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		     (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
	}
	if (ok) {
		memcpy(req->request_id, given, len + 1);
		return;
	}
	snprintf(
	        req->request_id, sizeof(req->request_id), "%s-%llx",
	        req->server->id_prefix,
	        (unsigned long long)atomic_fetch_add(&req->server->next_id, 1));
}

/* The caller is the client info names (taken by the request); 0 when it
 * holds one of the route's scopes, else 403. */
static int grant(cw_request *req, cw_token_info *info)
{
	req->auth.authenticated = 1;
	memcpy(req->auth.client_id, info->client_id,
	       sizeof(req->auth.client_id));
	req->auth.tenant_id = info->tenant_id;
	memcpy(req->auth.tenant, info->tenant, sizeof(req->auth.tenant));
	memcpy(req->auth.tenant_created_at, info->tenant_created_at,
	       sizeof(req->auth.tenant_created_at));
	req->auth_scopes = info->scopes; /* now owned by the request */
	req->auth.scopes = info->scopes;
	info->scopes = NULL;
	/* A token has an expiry, a signed request none. */
	if (!cw_scope_has_any(req->auth.scopes, req->route->scopes)) {
		cw_error_set("the %s lacks the scope this route needs",
		             info->expires_at_ms ? "token" : "client");
		return 403;
	}
	return 0;
}

static int authenticate_bearer(cw_request *req, const char *header)
{
	cw_token_info info;
	int err;

	if (!header || strncasecmp(header, "Bearer ", 7) != 0) {
		cw_error_set(is_v1p1(req) ? "a bearer token or an OAuth 1.0a "
		                            "signature is required"
		                          : "a bearer token is required");
		return 401;
	}
	if (strlen(header) > CW_LIMIT_AUTH_HEADER) {
		cw_error_set("Authorization header too long");
		return 401;
	}
	header += 7;
	while (*header == ' ')
		header++;
	if (req->route->flags & CW_ROUTE_HOLDER)
		err = cw_ob3_token_check(&info, &req->auth.holder_id,
		                         req->server->ctx->store, header,
		                         cw_time_now_ms());
	else
		err = cw_credentials_token_check(&info, req->server->ctx->store,
		                                 header, cw_time_now_ms());
	if (err == CW_EAUTH)
		return 401;
	if (err < 0) {
		cw_metrics_store_error(req->server->metrics);
		return 500;
	}
	return grant(req, &info);
}

/* The body's parameters are signed when it is a form (RFC 5849 3.4.1.3.1). */
static const char *form_body(const cw_request *req, size_t *len)
{
	const char *type = cw_request_header(req, "Content-Type");

	*len = 0;
	if (!type ||
	    strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0)
		return NULL;
	*len = req->body.len;
	return cw_buf_cstr(&req->body);
}

/* Parses, checks and builds the base string of the request's signature. */
static int oauth1_prepare(cw_oauth1_request *r, cw_buf *base, cw_request *req,
                          int64_t now_ms)
{
	const char *header = cw_request_header(req, "Authorization");
	const char *host = cw_request_header(req, "Host");
	const char *query = strchr(req->raw_uri, '?'), *body;
	size_t path_len =
	        query ? (size_t)(query - req->raw_uri) : strlen(req->raw_uri);
	size_t body_len;
	int err;

	body = form_body(req, &body_len);
	err = cw_oauth1_parse(r, cw_oauth1_is_header(header) ? header : NULL,
	                      header ? strlen(header) : 0,
	                      query ? query + 1 : NULL,
	                      query ? strlen(query + 1) : 0, body, body_len);
	if (err == 0)
		err = cw_oauth1_check(r, now_ms / 1000,
		                      CW_LIMIT_OAUTH1_WINDOW_S);
	if (err == 0 && !host) {
		cw_error_set("OAuth 1.0a needs the Host header the request was "
		             "signed for");
		err = CW_EAUTH;
	}
	if (err == 0)
		err = cw_oauth1_base_string(base, req->method,
		                            cw_request_scheme(req), host,
		                            req->raw_uri, path_len, r);
	return err;
}

/* An OAuth 1.0a signed request: the client is the consumer key's. Returns 0
 * or the status to answer, as authenticate. */
static int authenticate_oauth1(cw_request *req)
{
	cw_ctx *ctx = req->server->ctx;
	cw_buf base = CW_BUF_INIT(CW_LIMIT_OAUTH1_BASE);
	int64_t now_ms = cw_time_now_ms();
	cw_oauth1_request r = { 0 };
	cw_token_info info = { 0 };
	int err, status = 401;

	if (!req->raw_uri || !ctx->master_key) {
		cw_error_set("OAuth 1.0a is not available (no request URI or "
		             "master key)");
		return 500;
	}
	err = oauth1_prepare(&r, &base, req, now_ms);
	if (err == 0)
		err = cw_credentials_oauth1_check(&info, ctx->store,
		                                  ctx->master_key, &r,
		                                  base.data, base.len, now_ms);
	if (err == 0)
		status = grant(req, &info);
	else if (err == CW_ENOMEM || err == CW_ESTORE || err == CW_EIO)
		status = 500;
	if (err == CW_ESTORE)
		cw_metrics_store_error(req->server->metrics);
	if (status == 500)
		CW_LOG(CW_LOG_ERROR, "oauth1_failed", "s:request_id",
		       req->request_id, "s:message", cw_error_last(), NULL);
	cw_token_info_dispose(&info);
	cw_oauth1_request_dispose(&r);
	cw_buf_dispose(&base);
	return status;
}

/* Returns 0 when the request's credential (a bearer token, or on the 1.1
 * routes an OAuth 1.0a signature) carries one of the route's scopes, else
 * the HTTP status to answer (401, 403, 500) with the reason in
 * cw_error_last. An OAuth 1.0a request with a form body is checked once the
 * body is in (auth_deferred). */
static int authenticate(cw_request *req)
{
	const char *header = cw_request_header(req, "Authorization");
	size_t body_len;
	int oauth1 = cw_oauth1_is_header(header) ||
	             (!header && (cw_request_query(req, "oauth_signature") ||
	                          cw_request_query(req, "oauth_consumer_key")));

	if (!oauth1)
		return authenticate_bearer(req, header);
	if (!is_v1p1(req)) {
		cw_error_set("OAuth 1.0a signatures are accepted on "
		             "/ims/oneroster/v1p1 only; this route needs a "
		             "bearer token");
		return 401;
	}
	if (form_body(req, &body_len)) {
		req->auth_deferred = 1;
		return 0;
	}
	return authenticate_oauth1(req);
}

static long body_limit(const cw_request *req)
{
	long limit = req->route->body_limit;
	long max = req->server->ctx->config->max_body_bytes;

	if (req->route->flags & CW_ROUTE_UPLOAD)
		return req->server->ctx->config->max_upload_bytes;
	return limit > max ? max : limit;
}

/* Opens DATA_DIR/uploads/upload-XXXXXX for an upload route's body. */
static int open_upload(cw_request *req)
{
	cw_buf path = CW_BUF_INIT(4096);
	int err = 0;

	cw_buf_printf(&path, "%s/uploads", req->server->ctx->data_dir);
	if (path.error || (mkdir(path.data, 0700) != 0 && errno != EEXIST))
		err = CW_EIO;
	if (err == 0 && cw_buf_puts(&path, "/upload-XXXXXX") == 0) {
		req->upload_fd = mkstemp(path.data);
		if (req->upload_fd < 0)
			err = CW_EIO;
	}
	if (err < 0) {
		cw_error_set("cannot store the upload: %s", strerror(errno));
		cw_buf_dispose(&path);
		return err;
	}
	req->upload_path = cw_buf_detach(&path, NULL);
	return req->upload_path ? 0 : CW_ENOMEM;
}

static int write_upload(cw_request *req, const char *data, size_t len)
{
	if (req->upload_bytes + len > (uint64_t)body_limit(req))
		return CW_ETOOBIG;
	while (len > 0) {
		ssize_t n = write(req->upload_fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return CW_EIO;
		data += n;
		len -= (size_t)n;
		req->upload_bytes += (uint64_t)n;
	}
	return 0;
}

/* First call: route, cap, authenticate. Returns MHD_YES to read the body. */
static enum MHD_Result begin_request(cw_request *req, const char *url)
{
	cw_server *srv = req->server;
	const char *length;
	int found, status;

	req->path = cw_strdup(url);
	if (!req->path)
		return MHD_NO;
	found = cw_router_match(&req->match, srv->routes, srv->route_count,
	                        req->method, req->path);
	if (found == CW_ROUTE_NOT_FOUND)
		return send_error(req, 404, "no route for %s", url);
	if (found == CW_ROUTE_BAD_METHOD)
		return send_error(req, 405,
		                  "%s is not allowed on %s (allowed: %s)",
		                  req->method, url, req->match.allow);
	for (size_t i = 0; i < req->match.param_count; i++)
		((char *)req->match.params[i]
		         .value)[req->match.params[i].value_len] = '\0';
	req->route = &srv->routes[req->match.index];
	req->body.max = (size_t)body_limit(req);
	length = cw_request_header(req, "Content-Length");
	if (length && strtoll(length, NULL, 10) > body_limit(req))
		return send_error(req, 413,
		                  "request body larger than %ld bytes",
		                  body_limit(req));
	if (req->route->scopes) {
		status = authenticate(req);
		if (status)
			return send_error(req, status, "%s", cw_error_last());
	}
	if ((req->route->flags & CW_ROUTE_UPLOAD) && open_upload(req) < 0)
		return send_error(req, 500, "%s", cw_error_last());
	return MHD_YES;
}

static enum MHD_Result finish_request(cw_request *req)
{
	cw_response res = { 0 };
	int err;

	if (req->too_big)
		return send_error(req, 413,
		                  "request body larger than %ld bytes",
		                  body_limit(req));
	if (req->auth_deferred && (err = authenticate_oauth1(req)) != 0)
		return send_error(req, err, "%s", cw_error_last());
	cw_error_clear();
	err = req->route->handler(req, &res);
	if (err == CW_EBUSY) {
		/* The store is locked by a long write (an import): 503
		 * server_busy, which 1EdTech clients retry. */
		cw_response_dispose(&res);
		return send_busy(req);
	}
	if (err < 0) {
		if (err == CW_ESTORE)
			cw_metrics_store_error(req->server->metrics);
		CW_LOG(CW_LOG_ERROR, "handler_failed", "s:request_id",
		       req->request_id, "s:route", req->route->pattern,
		       "s:code", cw_error_name(err), "s:message",
		       cw_error_last(), NULL);
		cw_response_dispose(&res);
		return send_error(req, 500, "internal error (request %s)",
		                  req->request_id);
	}
	return send_response(req, &res);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	cw_server *srv = cls;
	cw_request *req = *con_cls;

	(void)version;
	if (!req || !req->server) {
		if (!req && !(req = cw_calloc(1, sizeof(*req))))
			return MHD_NO;
		*con_cls = req;
		req->server = srv;
		req->conn = conn;
		req->method = method;
		req->start_us = cw_time_mono_us();
		req->body = (cw_buf)CW_BUF_INIT(0);
		req->upload_fd = -1;
		cw_metrics_in_flight(srv->metrics, 1);
		assign_request_id(req);
		return begin_request(req, url);
	}
	if (req->responded)
		return MHD_YES; /* answered early; MHD discards the rest */
	if (*upload_data_size) {
		if (req->too_big)
			;
		else if (req->upload_fd >= 0)
			req->too_big = write_upload(req, upload_data,
			                            *upload_data_size) < 0;
		else if (cw_buf_put(&req->body, upload_data,
		                    *upload_data_size) < 0)
			req->too_big = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	return finish_request(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
	cw_server *srv = cls;
	cw_request *req = *con_cls;
	int64_t duration;

	(void)conn;
	if (req && !req->server) { /* never reached on_request */
		cw_free(req->raw_uri);
		cw_free(req);
		*con_cls = NULL;
		return;
	}
	if (!req)
		return;
	duration = cw_time_mono_us() - req->start_us;
	if (!req->responded)
		req->status = 499; /* the client went away first */
	cw_metrics_observe(srv->metrics, req->route ? req->match.index : -1,
	                   req->status, duration);
	CW_LOG(req->status >= 500 ? CW_LOG_WARN : CW_LOG_INFO, "request",
	       "s:request_id", req->request_id, "s:tenant",
	       req->auth.authenticated ? req->auth.tenant : NULL, "s:client_id",
	       req->auth.authenticated ? req->auth.client_id : NULL, "s:method",
	       req->method, "s:route",
	       req->route ? req->route->pattern : "unmatched", "i:status",
	       req->status, "d:duration_ms", (double)duration / 1000.0,
	       "s:termination",
	       code == MHD_REQUEST_TERMINATED_COMPLETED_OK ? NULL : "aborted",
	       NULL);
	cw_metrics_in_flight(srv->metrics, -1);
	if (req->upload_fd >= 0)
		close(req->upload_fd);
	if (req->upload_path && !req->upload_kept)
		unlink(req->upload_path);
	cw_free(req->upload_path);
	cw_buf_dispose(&req->body);
	cw_free(req->auth_scopes);
	cw_free(req->raw_uri);
	cw_free(req->path);
	cw_free(req);
	*con_cls = NULL;
}

/* Called with the request target as sent, before MHD decodes it; the
 * request object starts here so that OAuth 1.0a can sign the raw path and
 * query. A NULL return (no memory) makes on_request allocate it. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	cw_request *req = cw_calloc(1, sizeof(*req));

	(void)cls;
	(void)conn;
	if (req)
		req->raw_uri = cw_strdup(uri);
	return req;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char message[512];

	(void)cls;
	vsnprintf(message, sizeof(message), fmt, ap);
	message[strcspn(message, "\n")] = '\0';
	CW_LOG(CW_LOG_WARN, "http_server", "s:message", message, NULL);
}

/* ---- lifetime ------------------------------------------------------------ */

static unsigned int worker_count(const cw_config *config)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (config->workers > 0)
		return (unsigned int)config->workers;
	return cores > 0 ? (unsigned int)cores : 1;
}

int cw_server_start(cw_server **out, cw_ctx *ctx, const cw_route *routes,
                    size_t route_count)
{
	const cw_config *config = ctx->config;
	struct sockaddr_storage addr = { 0 };
	unsigned char id_seed[4];
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
	                     MHD_USE_ITC | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	cw_server *srv = NULL;
	char host[64];
	int port, err;

	*out = NULL;
	if ((err = cw_router_check_table(routes, route_count)) < 0)
		return err;
	if (cw_config_parse_listen(config->listen, host, &port) < 0) {
		cw_error_set("listen: bad address \"%s\"", config->listen);
		return CW_EINVAL;
	}
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, host, &a6->sin6_addr);
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, host, &a4->sin_addr);
	}
	srv = cw_calloc(1, sizeof(*srv));
	if (!srv)
		return CW_ENOMEM;
	srv->ctx = ctx;
	srv->routes = routes;
	srv->route_count = route_count;
	if ((err = cw_random_bytes(id_seed, sizeof(id_seed))) < 0 ||
	    (err = cw_metrics_new(&srv->metrics, routes, route_count)) < 0)
		goto fail;
	snprintf(srv->id_prefix, sizeof(srv->id_prefix), "%02x%02x%02x%02x",
	         id_seed[0], id_seed[1], id_seed[2], id_seed[3]);
	srv->daemon = MHD_start_daemon(
	        flags, 0, NULL, NULL, on_request, srv,
	        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
	        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
	        MHD_OPTION_THREAD_POOL_SIZE, worker_count(config),
	        MHD_OPTION_CONNECTION_LIMIT,
	        (unsigned int)config->max_connections,
	        MHD_OPTION_CONNECTION_TIMEOUT,
	        (unsigned int)config->connection_timeout_s,
	        MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	        (size_t)config->max_header_bytes + 4096,
	        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
	        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
	if (!srv->daemon) {
		cw_error_set(
		        "cannot listen on %s (in use, or not an address of "
		        "this machine?)",
		        config->listen);
		err = CW_EIO;
		goto fail;
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : port;
	*out = srv;
	return 0;
fail:
	cw_server_free(srv);
	return err;
}

int cw_server_port(const cw_server *server)
{
	return server->port;
}

cw_metrics *cw_server_metrics(cw_server *server)
{
	return server->metrics;
}

void cw_server_shutdown(cw_server *server, long drain_ms)
{
	int64_t deadline = cw_time_mono_ms() + drain_ms;
	MHD_socket listener;

	if (!server || !server->daemon)
		return;
	listener = MHD_quiesce_daemon(server->daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	while (cw_metrics_in_flight_now(server->metrics) > 0 &&
	       cw_time_mono_ms() < deadline) {
		struct timespec tick = { 0, 10 * 1000 * 1000 };
		nanosleep(&tick, NULL);
	}
	MHD_stop_daemon(server->daemon);
	server->daemon = NULL;
}

void cw_server_free(cw_server *server)
{
	if (!server)
		return;
	if (server->daemon)
		MHD_stop_daemon(server->daemon);
	cw_metrics_free(server->metrics);
	cw_free(server);
}
