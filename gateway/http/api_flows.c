/* The CBE flows over HTTP: run a flow on an uploaded input (a credential,
 * a baked image, a partner's records), list the runs and the dead letters,
 * show one, replay one; for the caller's tenant (the operator names one
 * with ?tenant=). The same engine calls as `map run` and `jobs`. */
#include "http/api.h"
#include "http/server.h"

#include "engine/flow_jobs.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	cw_tenant tenant;
	cw_flow_daemon d;
	int ready;
} call;

static int begin(call *c, cw_request *req, cw_response *res)
{
	int err;

	memset(c, 0, sizeof(*c));
	if ((err = cw_api_target_tenant(&c->tenant, req, res,
	                                cw_request_query(req, "tenant"))) != 0)
		return err;
	c->ready = 1;
	return cw_flow_daemon_init(&c->d, cw_request_ctx(req));
}

static void end(call *c)
{
	if (c->ready)
		cw_flow_daemon_dispose(&c->d);
}

/* 200 for an outcome (held and failed runs are outcomes: the body says
 * which), 400 for input that is no input of the flow. */
static int answer(cw_response *res, int err, cJSON *report)
{
	if (err == CW_ENOTFOUND)
		return cw_response_error(res, 404, "unknownobject", "%s",
		                         cw_error_last());
	if (err == CW_EINVAL && !report)
		return cw_response_error(res, 400, "invaliddata", "%s",
		                         cw_error_last());
	if (err < 0 && !report)
		return err;
	return cw_response_json(res, 200, report);
}

/* ?async=true: the input is stored and run as a job of the queue (any
 * node); 202 with the job to poll. */
static int start_async(cw_request *req, cw_response *res, call *c,
                       const char *flow, const char *body, size_t len)
{
	char location[96];
	int64_t id = 0;
	int err = cw_flow_job_submit(cw_request_ctx(req), &c->tenant, flow,
	                             body, len, &id);

	snprintf(location, sizeof(location), "/crosswalk/v1/flows/jobs/%lld",
	         (long long)id);
	return cw_api_accepted(res, err, "job_id", id, location);
}

int cw_api_flow_run(cw_request *req, cw_response *res)
{
	const char *flow = cw_request_param(req, "flow"),
	           *async = cw_request_query(req, "async");
	cJSON *report = NULL;
	cw_flow_kind kind;
	size_t len = 0;
	const char *body = cw_request_body(req, &len);
	int bad_mapping = 0;
	call c;
	int err = begin(&c, req, res);

	if (err != 0)
		goto out;
	if (cw_flow_parse(&kind, flow) < 0) {
		err = cw_response_error(res, 404, "unknownobject", "%s",
		                        cw_error_last());
		goto out;
	}
	if (!body || !len) {
		err = cw_response_error(res, 400, "invaliddata",
		                        "the body is the flow's input");
		goto out;
	}
	if (async && strcmp(async, "true") == 0) {
		err = start_async(req, res, &c, flow, body, len);
		goto out;
	}
	err = cw_flow_daemon_run(&report, &c.d, &c.tenant, kind, body, len,
	                         &bad_mapping);
	if (bad_mapping)
		err = cw_response_error(res, 422, "invaliddata", "%s",
		                        cw_error_last());
	else
		err = answer(res, err, report);
	report = NULL;
out:
	cJSON_Delete(report);
	end(&c);
	return err > 0 ? 0 : err;
}

static int add_run(const cw_flow_run *r, void *payload)
{
	return cJSON_AddItemToArray(payload, cw_flow_run_json(r, 0))
	               ? 0
	               : CW_ENOMEM;
}

int cw_api_flow_runs(cw_request *req, cw_response *res)
{
	const char *state = cw_request_query(req, "state");
	const char *limit = cw_request_query(req, "limit");
	char *end_ptr = NULL;
	long n = limit ? strtol(limit, &end_ptr, 10) : 100;
	cJSON *list = NULL;
	call c;
	int err = begin(&c, req, res);

	if (err != 0)
		goto out;
	if (n < 1 || n > 1000 || (end_ptr && *end_ptr) ||
	    (state && strcmp(state, "done") && strcmp(state, "held") &&
	     strcmp(state, "failed") && strcmp(state, "running"))) {
		err = cw_response_error(res, 400, "invalid_selection_field",
		                        "state is done, held, failed or "
		                        "running; limit 1 to 1000");
		goto out;
	}
	if (!(list = cJSON_CreateArray())) {
		err = CW_ENOMEM;
		goto out;
	}
	err = cw_store_flow_run_list(c.d.env.store, c.tenant.id, 0, state, 0,
	                             (size_t)n, add_run, list);
	if (err == 0) {
		err = cw_response_json(res, 200, list);
		list = NULL;
	}
out:
	cJSON_Delete(list);
	end(&c);
	return err > 0 ? 0 : err;
}

static int parse_id(int64_t *id, const char *s)
{
	char *end = NULL;
	long long v = s ? strtoll(s, &end, 10) : 0;

	*id = v;
	return v > 0 && end && !*end ? 0 : CW_ENOTFOUND;
}

static int detail_run(const cw_flow_run *r, void *payload)
{
	cJSON **out = payload;

	return (*out = cw_flow_run_json(r, 1)) ? 0 : CW_ENOMEM;
}

int cw_api_flow_run_get(cw_request *req, cw_response *res)
{
	cJSON *doc = NULL;
	int64_t id;
	call c;
	int err = begin(&c, req, res);

	if (err == 0) {
		err = parse_id(&id, cw_request_param(req, "id"));
		if (err == 0)
			err = cw_store_flow_run_list(c.d.env.store, c.tenant.id,
			                             id, NULL, 1, 1, detail_run,
			                             &doc);
		if (err == CW_ENOTFOUND)
			cw_error_set("no run %s of this tenant",
			             cw_request_param(req, "id"));
		err = answer(res, err, doc);
	}
	end(&c);
	return err > 0 ? 0 : err;
}

int cw_api_flow_replay(cw_request *req, cw_response *res)
{
	cw_flow_outcome o = { 0, NULL, NULL };
	int64_t id;
	call c;
	int err = begin(&c, req, res);

	if (err == 0) {
		err = parse_id(&id, cw_request_param(req, "id"));
		if (err == 0)
			err = cw_flow_replay(&o, &c.d.env, c.tenant.id, id);
		if (err == CW_ENOTFOUND)
			cw_error_set("no run %s of this tenant",
			             cw_request_param(req, "id"));
		err = answer(res, err, o.report);
		o.report = NULL;
	}
	cw_flow_outcome_dispose(&o);
	end(&c);
	return err > 0 ? 0 : err;
}

int cw_api_flows_upserted(cw_request *req, int64_t tenant_id, const char *text,
                          size_t len, int64_t *run_id)
{
	cw_ctx *ctx = cw_request_ctx(req);
	cw_mapping *m = NULL;
	cw_buf problems = CW_BUF_INIT(64 * 1024);
	cw_flow_outcome o = { 0, NULL, NULL };
	cw_flow_daemon d;
	int err;

	*run_id = 0;
	if ((err = cw_flow_mapping_for(&m, ctx->store, tenant_id,
	                               CW_FLOW_CREDENTIAL_TO_RESULT,
	                               &problems)) < 0 ||
	    !m->run_on_upsert)
		goto out;
	if ((err = cw_flow_daemon_init(&d, ctx)) == 0 &&
	    (err = cw_flow_execute(&o, &d.env, tenant_id, m, "ob3-api", text,
	                           len)) == 0)
		*run_id = o.run_id;
	cw_flow_daemon_dispose(&d);
out:
	cw_flow_outcome_dispose(&o);
	cw_mapping_free(m);
	cw_buf_dispose(&problems);
	return err;
}
