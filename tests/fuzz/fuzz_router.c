/* Fuzzes the router against the gateway's real route table: the first byte
 * picks a method, the rest is the path. */
#include "fuzz.h"

#include "http/api.h"
#include "http/router.h"

#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {
	"GET",   "HEAD",    "POST", "PUT", "DELETE", "PATCH",  "OPTIONS",
	"TRACE", "CONNECT", "get",  "",    "GET ",   "POST\n",
};

#define METHOD_COUNT (sizeof(methods) / sizeof(methods[0]))

/* What a FOUND match promises: a route of this method whose parameters point
 * into path. */
static void check_found(const cw_route_match *match, const char *method,
                        const char *path)
{
	const char *wanted = strcmp(method, "HEAD") == 0 ? "GET" : method;
	size_t path_len = strlen(path);

	if (match->index < 0 || (size_t)match->index >= cw_route_count ||
	    strcmp(cw_routes[match->index].method, wanted) != 0 ||
	    match->param_count > CW_ROUTE_MAX_PARAMS)
		abort();
	for (size_t i = 0; i < match->param_count; i++) {
		const cw_route_param *param = &match->params[i];

		if (param->value < path || param->value_len == 0 ||
		    param->value_len > path_len ||
		    (size_t)(param->value - path) >
		            path_len - param->value_len ||
		    memchr(param->value, '/', param->value_len))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_route_match match;
	const char *method;
	char *path = NULL;
	int result;

	if (size == 0)
		goto out;
	method = methods[data[0] % METHOD_COUNT];
	path = malloc(size);
	if (!path)
		goto out;
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	result = cw_router_match(&match, cw_routes, cw_route_count, method,
	                         path);
	if (memchr(match.allow, '\0', sizeof(match.allow)) == NULL)
		abort();
	switch (result) {
	case CW_ROUTE_FOUND: check_found(&match, method, path); break;
	case CW_ROUTE_BAD_METHOD:
		if (match.index != -1 || match.allow[0] == '\0')
			abort();
		break;
	case CW_ROUTE_NOT_FOUND:
		if (match.index != -1 || match.allow[0] != '\0')
			abort();
		break;
	default: abort();
	}
out:
	free(path);
	return 0;
}
