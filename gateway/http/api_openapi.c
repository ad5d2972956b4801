/* GET /openapi.json: an OpenAPI 3 description of the routes this daemon
 * serves, made from the route table itself, so it cannot drift from it. */
#include "http/api.h"

#include "http/server.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static int is_collection(const char *pattern)
{
	const char *last = strrchr(pattern, '/');

	return strncmp(pattern, "/ims/", 5) == 0 && last && last[1] != '{' &&
	       !strstr(pattern, "/discovery/") &&
	       (strncmp(pattern, "/ims/case/", 10) != 0 ||
	        strcmp(last, "/CFDocuments") == 0);
}

static void lower(char *out, size_t n, const char *method)
{
	size_t i = 0;

	for (; method[i] && i + 1 < n; i++)
		out[i] = (char)(method[i] | 0x20);
	out[i] = '\0';
}

static cJSON *parameter(const char *name, const char *in, int required,
                        const char *type, const char *description)
{
	cJSON *p = cJSON_CreateObject(), *schema;

	cJSON_AddStringToObject(p, "name", name);
	cJSON_AddStringToObject(p, "in", in);
	cJSON_AddBoolToObject(p, "required", required);
	if (description)
		cJSON_AddStringToObject(p, "description", description);
	schema = cJSON_AddObjectToObject(p, "schema");
	cJSON_AddStringToObject(schema, "type", type);
	return p;
}

static void add_query_parameters(cJSON *params)
{
	cJSON_AddItemToArray(params,
	                     parameter("limit", "query", 0, "integer",
	                               "page size (default 100; larger values "
	                               "are lowered to rest_max_limit)"));
	cJSON_AddItemToArray(params, parameter("offset", "query", 0, "integer",
	                                       "rows to skip"));
	cJSON_AddItemToArray(params, parameter("sort", "query", 0, "string",
	                                       "field to order by"));
	cJSON_AddItemToArray(params, parameter("orderBy", "query", 0, "string",
	                                       "asc or desc"));
	cJSON_AddItemToArray(params,
	                     parameter("filter", "query", 0, "string",
	                               "field<op>'value' with op = != > >= < "
	                               "<= ~, one AND or OR"));
	cJSON_AddItemToArray(params,
	                     parameter("fields", "query", 0, "string",
	                               "comma-separated fields to return"));
}

/* The {name} segments of pattern as path parameters. */
static void add_path_parameters(cJSON *params, const char *pattern)
{
	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *close = strchr(p, '}');
		char name[64];

		if (!close)
			break;
		snprintf(name, sizeof(name), "%.*s", (int)(close - p - 1),
		         p + 1);
		cJSON_AddItemToArray(
		        params, parameter(name, "path", 1, "string", NULL));
	}
}

static void add_responses(cJSON *op, const cw_route *r)
{
	cJSON *responses = cJSON_AddObjectToObject(op, "responses");
	static const struct {
		const char *code, *text;
	} common[] = {
		{ "400", "bad parameters (imsx_StatusInfo)" },
		{ "401", "no valid token" },
		{ "403", "the token lacks the scope" },
		{ "404", "unknown object" },
	};

	cJSON_AddObjectToObject(responses, "200");
	cJSON_AddStringToObject(cJSON_GetObjectItem(responses, "200"),
	                        "description", "success");
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		if (!r->scopes &&
		    (common[i].code[2] == '1' || common[i].code[2] == '3'))
			continue;
		cJSON_AddStringToObject(
		        cJSON_AddObjectToObject(responses, common[i].code),
		        "description", common[i].text);
	}
}

/* security: [{"OAuth2CC": [scope, …]}] — any one of the scopes; on the
 * OneRoster 1.1 routes also [{"OAuth1": []}], a signed request; on the
 * OB 3.0 API's routes [{"OAuth2ACG": […]}], a holder's token. */
static void add_security(cJSON *op, const char *pattern, const char *scopes,
                         int holder)
{
	cJSON *security = cJSON_AddArrayToObject(op, "security");
	cJSON *any = cJSON_CreateObject();
	cJSON *list =
	        cJSON_AddArrayToObject(any, holder ? "OAuth2ACG" : "OAuth2CC");

	for (const char *p = scopes; *p;) {
		size_t n = strcspn(p, " ");
		char scope[256];

		snprintf(scope, sizeof(scope), "%.*s", (int)n, p);
		cJSON_AddItemToArray(list, cJSON_CreateString(scope));
		p += n + (p[n] == ' ');
	}
	cJSON_AddItemToArray(security, any);
	if (strncmp(pattern, "/ims/oneroster/v1p1/", 20) == 0) {
		any = cJSON_CreateObject();
		cJSON_AddArrayToObject(any, "OAuth1");
		cJSON_AddItemToArray(security, any);
	}
}

static void add_scope_names(cJSON *scopes, const char *list)
{
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, " ");
		char scope[256];

		snprintf(scope, sizeof(scope), "%.*s", (int)n, p);
		if (!cJSON_GetObjectItem(scopes, scope))
			cJSON_AddStringToObject(scopes, scope, scope);
		p += n + (p[n] == ' ');
	}
}

/* OAuth 1.0a has no OpenAPI type of its own: an HTTP scheme ("OAuth" is
 * registered for RFC 5849) with the details said in words. */
static void add_oauth1_scheme(cJSON *schemes)
{
	cJSON *scheme = cJSON_AddObjectToObject(schemes, "OAuth1");

	cJSON_AddStringToObject(scheme, "type", "http");
	cJSON_AddStringToObject(scheme, "scheme", "OAuth");
	cJSON_AddStringToObject(
	        scheme, "description",
	        "OAuth 1.0a signed requests (RFC 5849), two-legged: consumer "
	        "key = client_id, consumer secret = client_secret, "
	        "HMAC-SHA256 or HMAC-SHA1; parameters in the Authorization "
	        "header or the query. OneRoster 1.1 routes only.");
}

/* The OB 3.0 API's authorization code flow (engine/ob3_auth.h); its
 * scopes object is returned for the routes to fill. */
static cJSON *add_acg_scheme(cJSON *schemes)
{
	cJSON *scheme = cJSON_AddObjectToObject(schemes, "OAuth2ACG");
	cJSON *flow = cJSON_AddObjectToObject(
	        cJSON_AddObjectToObject(scheme, "flows"), "authorizationCode");

	cJSON_AddStringToObject(scheme, "type", "oauth2");
	cJSON_AddStringToObject(scheme, "description",
	                        "The OB 3.0 API: authorization code with PKCE "
	                        "S256 for a holder; clients register at "
	                        "/oauth/ob3/register (RFC 7591).");
	cJSON_AddStringToObject(flow, "authorizationUrl",
	                        "/oauth/ob3/authorize");
	cJSON_AddStringToObject(flow, "tokenUrl", "/oauth/ob3/token");
	cJSON_AddStringToObject(flow, "refreshUrl", "/oauth/ob3/token");
	return cJSON_AddObjectToObject(flow, "scopes");
}

/* The document for the routes under prefix (NULL: all), their paths
 * relative to it and the server URL ending in it. */
static cJSON *describe(const cw_request *req, const char *prefix,
                       const char *title, const char *about)
{
	cJSON *doc = cJSON_CreateObject(), *info, *servers, *paths, *schemes,
	      *flows, *scopes, *holder_scopes = NULL;
	size_t skip = prefix ? strlen(prefix) : 0;
	char url[400], origin[300];

	if (!doc)
		return NULL;
	cJSON_AddStringToObject(doc, "openapi", "3.0.3");
	info = cJSON_AddObjectToObject(doc, "info");
	cJSON_AddStringToObject(info, "title", title);
	cJSON_AddStringToObject(info, "version", CW_VERSION);
	cJSON_AddStringToObject(info, "description", about);
	servers = cJSON_AddArrayToObject(doc, "servers");
	cw_api_origin(req, origin);
	snprintf(url, sizeof(url), "%s%s", origin, prefix ? prefix : "");
	cJSON_AddItemToArray(servers, cJSON_CreateObject());
	cJSON_AddStringToObject(cJSON_GetArrayItem(servers, 0), "url", url);
	schemes = cJSON_AddObjectToObject(
	        cJSON_AddObjectToObject(doc, "components"), "securitySchemes");
	flows = cJSON_AddObjectToObject(
	        cJSON_AddObjectToObject(schemes, "OAuth2CC"), "flows");
	cJSON_AddStringToObject(cJSON_GetObjectItem(schemes, "OAuth2CC"),
	                        "type", "oauth2");
	flows = cJSON_AddObjectToObject(flows, "clientCredentials");
	cJSON_AddStringToObject(flows, "tokenUrl", "/oauth/token");
	scopes = cJSON_AddObjectToObject(flows, "scopes");
	if (!prefix) {
		add_oauth1_scheme(schemes);
		holder_scopes = add_acg_scheme(schemes);
	}
	paths = cJSON_AddObjectToObject(doc, "paths");
	for (size_t i = 0; i < cw_route_count; i++) {
		const cw_route *r = &cw_routes[i];
		const char *name = r->pattern + skip;
		cJSON *path, *op, *params;
		char method[8];

		if (prefix && strncmp(r->pattern, prefix, skip) != 0)
			continue;
		if (!(path = cJSON_GetObjectItem(paths, name)))
			path = cJSON_AddObjectToObject(paths, name);
		lower(method, sizeof(method), r->method);
		op = cJSON_AddObjectToObject(path, method);
		params = cJSON_AddArrayToObject(op, "parameters");
		add_path_parameters(params, r->pattern);
		if (is_collection(r->pattern) && strcmp(r->method, "GET") == 0)
			add_query_parameters(params);
		if (r->scopes) {
			int holder = (r->flags & CW_ROUTE_HOLDER) != 0;
			add_security(op, r->pattern, r->scopes, holder);
			add_scope_names(holder ? holder_scopes : scopes,
			                r->scopes);
		}
		add_responses(op, r);
	}
	return doc;
}

int cw_api_openapi(cw_request *req, cw_response *res)
{
	return cw_response_json(
	        res, 200,
	        describe(req, NULL, "Crosswalk",
	                 "OneRoster 1.1 and 1.2, CASE 1.0 and 1.1, the Open "
	                 "Badges 3.0 API and the Crosswalk admin API, as this "
	                 "daemon serves them."));
}

int cw_api_case_discovery(cw_request *req, cw_response *res)
{
	return cw_response_json(
	        res, 200,
	        describe(req, "/ims/case/v1p1", "CASE 1.1 (Crosswalk)",
	                 "The CASE 1.1 provider service of this daemon: the "
	                 "twelve read operations, for the calling client's "
	                 "tenant."));
}
