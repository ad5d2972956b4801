/* Flow runs for the daemon, in a request or as jobs of the queue. */
#include "engine/flow_jobs.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest input a flow job stores (the route's body limit is lower). */
#define FLOW_INPUT_MAX ((size_t)64 << 20)

int cw_flow_daemon_init(cw_flow_daemon *d, cw_ctx *ctx)
{
	int public_only = !ctx->config->fetch_private_addresses;

	memset(d, 0, sizeof(*d));
	d->base = (cw_buf)CW_BUF_INIT(4096);
	if (ctx->config->public_base_url && *ctx->config->public_base_url)
		cw_buf_puts(&d->base, ctx->config->public_base_url);
	else
		cw_buf_printf(&d->base, "http://%s", ctx->config->listen);
	d->badges = (cw_badges){ ctx->store, ctx->master_key,
		                 cw_buf_cstr(&d->base), ctx->contexts };
	cw_doc_fetcher_init(&d->docs, &d->badges, public_only);
	d->env = (cw_flow_env){
		ctx->store, ctx->contexts, cw_doc_fetch, &d->docs, 0,
		0,          &d->badges,    public_only
	};
	return d->base.error;
}

void cw_flow_daemon_dispose(cw_flow_daemon *d)
{
	cw_doc_fetcher_dispose(&d->docs);
	cw_buf_dispose(&d->base);
}

static int run_partner(cJSON **report, cw_flow_daemon *d,
                       const cw_tenant *tenant, const cw_mapping *m,
                       const char *input, size_t len)
{
	cw_mapping *results = NULL;
	cw_buf problems = CW_BUF_INIT(64 * 1024);
	int err = cw_flow_mapping_for(&results, d->env.store, tenant->id,
	                              CW_FLOW_CREDENTIAL_TO_RESULT, &problems);

	if (err == 0)
		err = cw_flow_partner_run(report, &d->env, &d->badges,
		                          tenant->name, tenant->id, m, results,
		                          "upload", input, len, NULL, NULL);
	else
		cw_error_set("the tenant's credential-to-result mapping: %s",
		             cw_buf_cstr(&problems));
	cw_mapping_free(results);
	cw_buf_dispose(&problems);
	return err;
}

/* pd-completion: the input is the PD program's class sourcedId. */
static int run_pd(cJSON **report, cw_flow_daemon *d, const cw_tenant *tenant,
                  const cw_mapping *m, const char *input, size_t len)
{
	char class_id[256];

	while (len && (input[len - 1] == '\n' || input[len - 1] == '\r' ||
	               input[len - 1] == ' '))
		len--;
	if (len == 0 || len >= sizeof(class_id) || memchr(input, '\0', len)) {
		cw_error_set("the body is the PD program's class sourcedId");
		return CW_EINVAL;
	}
	snprintf(class_id, sizeof(class_id), "%.*s", (int)len, input);
	return cw_flow_pd_run(report, &d->env, &d->badges, tenant->name,
	                      tenant->id, m, class_id, NULL, NULL);
}

int cw_flow_daemon_run(cJSON **report, cw_flow_daemon *d,
                       const cw_tenant *tenant, cw_flow_kind kind,
                       const char *input, size_t len, int *bad_mapping)
{
	cw_mapping *m = NULL;
	cw_buf problems = CW_BUF_INIT(64 * 1024);
	cw_flow_outcome o = { 0, NULL, NULL };
	int err;

	*report = NULL;
	*bad_mapping = 0;
	if ((err = cw_flow_mapping_for(&m, d->env.store, tenant->id, kind,
	                               &problems)) < 0) {
		cw_error_set("the tenant's mapping: %s",
		             cw_buf_cstr(&problems));
		*bad_mapping = 1;
		err = CW_EINVAL;
	} else if (kind == CW_FLOW_PARTNER_RECORD) {
		err = run_partner(report, d, tenant, m, input, len);
	} else if (kind == CW_FLOW_PD_COMPLETION) {
		err = run_pd(report, d, tenant, m, input, len);
	} else {
		err = cw_flow_execute(&o, &d->env, tenant->id, m, "upload",
		                      input, len);
		*report = o.report;
		o.report = NULL;
	}
	cw_flow_outcome_dispose(&o);
	cw_mapping_free(m);
	cw_buf_dispose(&problems);
	return err;
}

/* ---- the queue's "flow" jobs ------------------------------------------------
 */

static const char *arg_text(const cw_queue_job *job, const char *key)
{
	const cJSON *v =
	        cJSON_GetObjectItemCaseSensitive(cw_queue_job_args(job), key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int run_flow_job(cw_ctx *ctx, cw_queue_job *job, void *local)
{
	const char *flow = arg_text(job, "flow"),
	           *input = arg_text(job, "input");
	cw_tenant tenant = { 0 };
	cw_flow_kind kind;
	cw_flow_daemon d;
	cJSON *report = NULL;
	char *text = NULL, *result = NULL;
	size_t len = 0;
	int bad_mapping = 0, err;

	(void)local;
	if (!flow || !input || cw_flow_parse(&kind, flow) < 0) {
		cw_error_set("flow job %lld names no flow and input",
		             (long long)cw_queue_job_id(job));
		return CW_EINVAL;
	}
	if ((err = cw_queue_job_tenant_row(job, &tenant)) < 0 ||
	    (err = cw_queue_input_get(ctx, input, FLOW_INPUT_MAX, &text,
	                              &len)) < 0)
		goto out;
	if ((err = cw_flow_daemon_init(&d, ctx)) == 0)
		err = cw_flow_daemon_run(&report, &d, &tenant, kind, text, len,
		                         &bad_mapping);
	cw_flow_daemon_dispose(&d);
	if (report && !(result = cJSON_PrintUnformatted(report)))
		err = CW_ENOMEM;
	if (result && cw_queue_job_set_result(job, result) < 0)
		err = CW_ECANCELED; /* the lease went: another node has it */
out:
	/* Done or failed for good: the input goes (a retry needs it). */
	if (err != CW_ECANCELED && err != CW_EBUSY &&
	    cw_store_blob_delete(ctx->store, input) < 0)
		CW_LOG(CW_LOG_WARN, "flow_input_not_deleted", "s:blob", input,
		       "s:message", cw_error_last(), NULL);
	cJSON_free(result);
	cJSON_Delete(report);
	cw_free(text);
	return err;
}

static void flow_abandoned(cw_ctx *ctx, const cw_job *job)
{
	cJSON *args = job->args ? cJSON_Parse(job->args) : NULL;
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(args, "input");

	if (cJSON_IsString(input))
		(void)cw_store_blob_delete(ctx->store, input->valuestring);
	cJSON_Delete(args);
}

const cw_queue_handler cw_flow_job_handler = { "flow", run_flow_job, NULL,
	                                       flow_abandoned };

int cw_flow_job_submit(cw_ctx *ctx, const cw_tenant *tenant, const char *flow,
                       const char *input, size_t len, int64_t *job_id)
{
	char name[64] = "";
	cJSON *args = cJSON_CreateObject();
	char *text = NULL;
	int err = cw_queue_input_put(ctx, tenant->id, "flow", input, len, name);

	if (err < 0) {
		name[0] = '\0';
		goto out;
	}
	if (!args || !cJSON_AddStringToObject(args, "flow", flow) ||
	    !cJSON_AddStringToObject(args, "input", name) ||
	    !(text = cJSON_PrintUnformatted(args))) {
		err = CW_ENOMEM;
		goto out;
	}
	err = cw_queue_submit(ctx->queue, "flow", tenant->id, 0, text, 0, NULL,
	                      job_id);
out:
	if (err < 0 && name[0])
		(void)cw_store_blob_delete(ctx->store, name);
	cJSON_free(text);
	cJSON_Delete(args);
	return err;
}
