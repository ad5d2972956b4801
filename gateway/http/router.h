/* Route table matching: method + path pattern with {param} segments. Pure;
 * tells "no such path" (404) from "path exists, not this method" (405). */
#ifndef CW_HTTP_ROUTER_H
#define CW_HTTP_ROUTER_H

#include <stddef.h>

typedef struct cw_request cw_request;
typedef struct cw_response cw_response;

/** A handler fills res; a negative return becomes a 500 (or 503 for the
 *  store) with the thread's error message logged, not shown. */
typedef int (*cw_handler)(cw_request *req, cw_response *res);

/* Route flags. */
#define CW_ROUTE_UPLOAD                                                        \
	1u /* stream the body to a file, capped by the                         \
	      config's max_upload_bytes, not body_limit */
#define CW_ROUTE_HOLDER                                                        \
	2u /* the bearer token is a holder's, from the OB 3.0 authorization    \
	      code grant (engine/ob3_auth.h), not a client's */

typedef struct {
	const char *method;  /* "GET", "POST", "PUT", "DELETE" */
	const char *pattern; /* "/admin/v1/clients/{id}" */
	cw_handler handler;
	const char
	        *scopes; /* space-separated, any one suffices; NULL: public */
	long body_limit; /* bytes of request body allowed; 0: none */
	unsigned flags;  /* CW_ROUTE_* */
} cw_route;

#define CW_ROUTE_MAX_PARAMS 8

typedef struct {
	const char *name;
	size_t name_len;
	const char *value; /* points into the matched path */
	size_t value_len;
} cw_route_param;

typedef struct {
	int index; /* into the table, -1 when unmatched */
	size_t param_count;
	cw_route_param params[CW_ROUTE_MAX_PARAMS];
	char allow[96]; /* for 405: "GET, HEAD, POST" */
} cw_route_match;

enum { CW_ROUTE_FOUND = 0, CW_ROUTE_NOT_FOUND = 1, CW_ROUTE_BAD_METHOD = 2 };

/**
 * Finds the route for method and path (without query). HEAD matches GET.
 * Literal segments win over {param} segments at the same place.
 * @return CW_ROUTE_FOUND, CW_ROUTE_NOT_FOUND or CW_ROUTE_BAD_METHOD
 */
int cw_router_match(cw_route_match *out, const cw_route *table, size_t count,
                    const char *method, const char *path);

/** 0 when every pattern is well formed ("/…", balanced {…}, few params). */
int cw_router_check_table(const cw_route *table, size_t count);

#endif
