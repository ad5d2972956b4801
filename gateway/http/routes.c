/* The route table: one row per method and path, with the scopes that may call
 * it and the request body it accepts. */
#include "http/api.h"

#include "engine/scope.h"
#include "util/limits.h"

#define ADMIN  CW_SCOPE_ADMIN
#define JSON   (64L * 1024) /* a JSON request body */
#define FORM   CW_LIMIT_FORM_BODY
#define UPLOAD CW_ROUTE_UPLOAD /* capped by max_upload_bytes */

/* clang-format off */
const cw_route cw_routes[] = {
	/* method   path                                    handler                       scopes body  flags */
	{ "GET",    "/healthz",                             cw_api_healthz,               NULL,  0,    0 },
	{ "GET",    "/readyz",                              cw_api_readyz,                NULL,  0,    0 },
	{ "GET",    "/metrics",                             cw_api_metrics,               NULL,  0,    0 },
	{ "POST",   "/oauth/token",                         cw_api_oauth_token,           NULL,  FORM, 0 },
	{ "GET",    "/admin/v1/tenants",                    cw_api_admin_tenants_list,    ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/tenants",                    cw_api_admin_tenants_add,     ADMIN, JSON, 0 },
	{ "GET",    "/admin/v1/clients",                    cw_api_admin_clients_list,    ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/clients",                    cw_api_admin_clients_add,     ADMIN, JSON, 0 },
	{ "DELETE", "/admin/v1/clients/{id}",               cw_api_admin_clients_revoke,  ADMIN, 0,    0 },
	{ "GET",    "/admin/v1/audit",                      cw_api_admin_audit_list,      ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/roster/imports",             cw_api_roster_import_start,   ADMIN, 0,    UPLOAD },
	{ "GET",    "/admin/v1/roster/imports/{id}",        cw_api_roster_import_status,  ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/roster/imports/{id}/approve", cw_api_roster_import_approve, ADMIN, 0,   0 },
};
/* clang-format on */

const size_t cw_route_count = sizeof(cw_routes) / sizeof(cw_routes[0]);
