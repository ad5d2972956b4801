/* The job queue over HTTP: a tenant's jobs (GET /admin/v1/jobs, one by id)
 * and, for flow clients, the flow jobs they started with ?async=true
 * (GET /crosswalk/v1/flows/jobs/{id}); the operator sees every tenant's. */
#include "http/api.h"

#include "engine/queue.h"
#include "http/server.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define JOBS_SHOWN 100

typedef struct {
	cJSON *list;
	const char *kind; /* only jobs of this kind, or NULL */
} listing;

static int add_job(const cw_job *j, void *payload)
{
	listing *l = payload;
	cJSON *one;

	if (l->kind && strcmp(j->kind, l->kind) != 0)
		return 0;
	one = cw_queue_job_json(j);
	return one && cJSON_AddItemToArray(l->list, one) ? 0 : CW_ENOMEM;
}

/* The tenant whose jobs the caller sees: its own, any for the operator. */
static int64_t tenant_of(cw_request *req)
{
	return cw_request_is_operator(req) ? 0
	                                   : cw_request_auth(req)->tenant_id;
}

int cw_api_jobs_list(cw_request *req, cw_response *res)
{
	const char *state = cw_request_query(req, "state"),
	           *limit = cw_request_query(req, "limit");
	char *end = NULL;
	long n = limit ? strtol(limit, &end, 10) : JOBS_SHOWN;
	listing l = { NULL, NULL };
	cJSON *doc;
	int err;

	if (n < 1 || n > 1000 || (end && *end) ||
	    (state && strcmp(state, "queued") && strcmp(state, "running") &&
	     strcmp(state, "done") && strcmp(state, "failed")))
		return cw_response_error(res, 400, "invalid_selection_field",
		                         "state is queued, running, done or "
		                         "failed; limit 1 to 1000");
	if (!(doc = cJSON_CreateObject()) ||
	    !(l.list = cJSON_AddArrayToObject(doc, "jobs"))) {
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	err = cw_store_job_list(cw_request_ctx(req)->store, tenant_of(req), 0,
	                        state, (size_t)n, add_job, &l);
	if (err < 0) {
		cJSON_Delete(doc);
		return err;
	}
	return cw_response_json(res, 200, doc);
}

/* One job of the caller's tenant (of kind, unless NULL), or 404. */
static int one_job(cw_request *req, cw_response *res, const char *kind)
{
	const char *text = cw_request_param(req, "id");
	char *end = NULL;
	long long id = text ? strtoll(text, &end, 10) : 0;
	int64_t tenant = tenant_of(req);
	listing l = { cJSON_CreateArray(), kind };
	int err;

	if (!l.list)
		return CW_ENOMEM;
	err = id > 0 && end && !*end
	              ? cw_store_job_list(cw_request_ctx(req)->store, tenant,
	                                  id, NULL, 1, add_job, &l)
	              : CW_ENOTFOUND;
	if (err == 0 && cJSON_GetArraySize(l.list) == 0)
		err = CW_ENOTFOUND;
	if (err == CW_ENOTFOUND) {
		cJSON_Delete(l.list);
		/* never reveal another tenant's job */
		return cw_response_error(res, 404, "unknownobject",
		                         "no job %.20s", text ? text : "");
	}
	if (err < 0) {
		cJSON_Delete(l.list);
		return err;
	}
	cJSON *job = cJSON_DetachItemFromArray(l.list, 0);
	cJSON_Delete(l.list);
	return job ? cw_response_json(res, 200, job) : CW_ENOMEM;
}

int cw_api_job_show(cw_request *req, cw_response *res)
{
	return one_job(req, res, NULL);
}

int cw_api_flow_job_show(cw_request *req, cw_response *res)
{
	return one_job(req, res, "flow");
}

int cw_api_accepted(cw_response *res, int err, const char *key, int64_t id,
                    const char *location)
{
	cJSON *doc;

	if (err == CW_ETOOBIG)
		return cw_response_error(res, 503, "server_busy",
		                         "too many jobs are running; try again "
		                         "later");
	if (err < 0)
		return err;
	if (!(doc = cJSON_CreateObject()) ||
	    !cJSON_AddNumberToObject(doc, key, (double)id) ||
	    !cJSON_AddStringToObject(doc, "state", "running") ||
	    !cJSON_AddStringToObject(doc, "status", location)) {
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	cw_response_header(res, "Location", location);
	return cw_response_json(res, 202, doc);
}
