/* Every handler of the gateway, and the route table that maps to them. */
#ifndef CW_HTTP_API_H
#define CW_HTTP_API_H

#include "http/router.h"

extern const cw_route cw_routes[];
extern const size_t cw_route_count;

/* api_health.c */
int cw_api_healthz(cw_request *req, cw_response *res);
int cw_api_readyz(cw_request *req, cw_response *res);
int cw_api_metrics(cw_request *req, cw_response *res);

/* api_oauth.c */
int cw_api_oauth_token(cw_request *req, cw_response *res);

/* api_admin.c */
int cw_api_admin_tenants_list(cw_request *req, cw_response *res);
int cw_api_admin_tenants_add(cw_request *req, cw_response *res);
int cw_api_admin_clients_list(cw_request *req, cw_response *res);
int cw_api_admin_clients_add(cw_request *req, cw_response *res);
int cw_api_admin_clients_revoke(cw_request *req, cw_response *res);
int cw_api_admin_audit_list(cw_request *req, cw_response *res);

#endif
