/* Liveness, readiness and metrics: public, cheap, never touching tenant data.
 */
#include "http/api.h"

#include "http/server.h"
#include "util/error.h"
#include "util/limits.h"

int cw_api_healthz(cw_request *req, cw_response *res)
{
	static const char body[] = "{\"status\":\"ok\"}";

	(void)req;
	return cw_response_text(res, 200, "application/json", body,
	                        sizeof(body) - 1);
}

int cw_api_readyz(cw_request *req, cw_response *res)
{
	static const char ready[] = "{\"status\":\"ready\",\"store\":\"ok\"}";

	if (cw_store_ping(cw_request_ctx(req)->store) < 0)
		return cw_response_error(res, 503, "server_busy",
		                         "the store is not reachable: %s",
		                         cw_error_last());
	return cw_response_text(res, 200, "application/json", ready,
	                        sizeof(ready) - 1);
}

int cw_api_metrics(cw_request *req, cw_response *res)
{
	cw_buf text = CW_BUF_INIT(CW_LIMIT_RESPONSE);
	int err = cw_metrics_render(&text, cw_request_metrics(req));

	if (err == 0)
		err = cw_response_buf(res, 200, "text/plain; version=0.0.4",
		                      &text);
	cw_buf_dispose(&text);
	return err;
}
