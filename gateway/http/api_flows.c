/* The CBE flows over HTTP: run a flow on an uploaded input (a credential,
 * a baked image, a partner's records), list the runs and the dead letters,
 * show one, replay one; for the caller's tenant (the operator names one
 * with ?tenant=). The same engine calls as `map run` and `jobs`. */
#include "http/api.h"
#include "http/server.h"

#include "engine/doc_fetch.h"
#include "engine/flows.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	cw_tenant tenant;
	cw_buf base;
	cw_badges badges;
	cw_doc_fetcher docs;
	cw_flow_env env;
} call;

static int begin(call *c, cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	int err;

	memset(c, 0, sizeof(*c));
	c->base = (cw_buf)CW_BUF_INIT(4096);
	if ((err = cw_api_target_tenant(&c->tenant, req, res,
	                                cw_request_query(req, "tenant"))) != 0)
		return err;
	if (ctx->config->public_base_url && *ctx->config->public_base_url)
		cw_buf_puts(&c->base, ctx->config->public_base_url);
	else
		cw_buf_printf(&c->base, "http://%s", ctx->config->listen);
	c->badges = (cw_badges){ ctx->store, ctx->master_key,
		                 cw_buf_cstr(&c->base), ctx->contexts };
	cw_doc_fetcher_init(&c->docs, &c->badges,
	                    !ctx->config->fetch_private_addresses);
	c->env = (cw_flow_env){ ctx->store,
		                ctx->contexts,
		                cw_doc_fetch,
		                &c->docs,
		                0,
		                0,
		                &c->badges,
		                !ctx->config->fetch_private_addresses };
	return c->base.error;
}

static void end(call *c)
{
	cw_doc_fetcher_dispose(&c->docs);
	cw_buf_dispose(&c->base);
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

static int run_partner(call *c, cw_response *res, const cw_mapping *m,
                       const char *body, size_t len)
{
	cw_mapping *results = NULL;
	cw_buf problems = CW_BUF_INIT(64 * 1024);
	cJSON *report = NULL;
	int err = cw_flow_mapping_for(&results, c->env.store, c->tenant.id,
	                              CW_FLOW_CREDENTIAL_TO_RESULT, &problems);

	if (err == 0)
		err = cw_flow_partner_run(&report, &c->env, &c->badges,
		                          c->tenant.name, c->tenant.id, m,
		                          results, "upload", body, len, NULL,
		                          NULL);
	else
		cw_error_set("the tenant's credential-to-result mapping: %s",
		             cw_buf_cstr(&problems));
	cw_mapping_free(results);
	cw_buf_dispose(&problems);
	return answer(res, err, report);
}

/* pd-completion: the body is the PD program's class sourcedId. */
static int run_pd(call *c, cw_response *res, const cw_mapping *m,
                  const char *body, size_t len)
{
	char class_id[256];
	cJSON *report = NULL;
	int err;

	while (len && (body[len - 1] == '\n' || body[len - 1] == '\r' ||
	               body[len - 1] == ' '))
		len--;
	if (len == 0 || len >= sizeof(class_id) || memchr(body, '\0', len)) {
		cw_error_set("the body is the PD program's class sourcedId");
		return answer(res, CW_EINVAL, NULL);
	}
	snprintf(class_id, sizeof(class_id), "%.*s", (int)len, body);
	err = cw_flow_pd_run(&report, &c->env, &c->badges, c->tenant.name,
	                     c->tenant.id, m, class_id, NULL, NULL);
	return answer(res, err, report);
}

int cw_api_flow_run(cw_request *req, cw_response *res)
{
	cw_mapping *m = NULL;
	cw_buf problems = CW_BUF_INIT(64 * 1024);
	cw_flow_outcome o = { 0, NULL, NULL };
	cw_flow_kind kind;
	size_t len = 0;
	const char *body = cw_request_body(req, &len);
	call c;
	int err = begin(&c, req, res);

	if (err != 0)
		goto out;
	if (cw_flow_parse(&kind, cw_request_param(req, "flow")) < 0) {
		err = cw_response_error(res, 404, "unknownobject", "%s",
		                        cw_error_last());
		goto out;
	}
	if (!body || !len) {
		err = cw_response_error(res, 400, "invaliddata",
		                        "the body is the flow's input");
		goto out;
	}
	if ((err = cw_flow_mapping_for(&m, c.env.store, c.tenant.id, kind,
	                               &problems)) < 0) {
		err = cw_response_error(res, 422, "invaliddata",
		                        "the tenant's mapping: %s",
		                        cw_buf_cstr(&problems));
		goto out;
	}
	if (kind == CW_FLOW_PARTNER_RECORD) {
		err = run_partner(&c, res, m, body, len);
		goto out;
	}
	if (kind == CW_FLOW_PD_COMPLETION) {
		err = run_pd(&c, res, m, body, len);
		goto out;
	}
	err = cw_flow_execute(&o, &c.env, c.tenant.id, m, "upload", body, len);
	err = answer(res, err, o.report);
	o.report = NULL;
out:
	cw_flow_outcome_dispose(&o);
	cw_mapping_free(m);
	cw_buf_dispose(&problems);
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
	err = cw_store_flow_run_list(c.env.store, c.tenant.id, 0, state, 0,
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
			err = cw_store_flow_run_list(c.env.store, c.tenant.id,
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
			err = cw_flow_replay(&o, &c.env, c.tenant.id, id);
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
	cw_buf problems = CW_BUF_INIT(64 * 1024), base = CW_BUF_INIT(4096);
	cw_flow_outcome o = { 0, NULL, NULL };
	cw_doc_fetcher docs;
	int err;

	*run_id = 0;
	if ((err = cw_flow_mapping_for(&m, ctx->store, tenant_id,
	                               CW_FLOW_CREDENTIAL_TO_RESULT,
	                               &problems)) < 0 ||
	    !m->run_on_upsert)
		goto out;
	if (ctx->config->public_base_url && *ctx->config->public_base_url)
		cw_buf_puts(&base, ctx->config->public_base_url);
	else
		cw_buf_printf(&base, "http://%s", ctx->config->listen);
	cw_badges badges = { ctx->store, ctx->master_key, cw_buf_cstr(&base),
		             ctx->contexts };
	cw_doc_fetcher_init(&docs, &badges,
	                    !ctx->config->fetch_private_addresses);
	cw_flow_env env = { ctx->store,
		            ctx->contexts,
		            cw_doc_fetch,
		            &docs,
		            0,
		            0,
		            &badges,
		            !ctx->config->fetch_private_addresses };
	if ((err = cw_flow_execute(&o, &env, tenant_id, m, "ob3-api", text,
	                           len)) == 0)
		*run_id = o.run_id;
	cw_doc_fetcher_dispose(&docs);
out:
	cw_flow_outcome_dispose(&o);
	cw_mapping_free(m);
	cw_buf_dispose(&problems);
	cw_buf_dispose(&base);
	return err;
}
