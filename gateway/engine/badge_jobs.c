/* Badge batches issued in a request or as jobs of the queue. */
#include "engine/badge_jobs.h"

#include "engine/badges_internal.h"
#include "engine/flow_jobs.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_TEXT_MAX (16L << 20)

typedef struct {
	cJSON *errors;
} batch_errors;

/* /credentials/N, and the member when the message names one. */
static void on_row_error(unsigned long line, const char *message, void *payload)
{
	static const char *const members[] = { "recipient", "achievement",
		                               "issuer",    "results",
		                               "result",    "evidence",
		                               NULL };
	batch_errors *e = payload;
	char pointer[128];
	const char *member = NULL;
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; members[i]; i++) {
		size_t n = strlen(members[i]);
		if (strncmp(message, members[i], n) == 0 && message[n] == ':') {
			member = strcmp(members[i], "result") == 0 ? "results"
			                                           : members[i];
			break;
		}
	}
	if (!member && strstr(message, "no achievement"))
		member = "achievement";
	else if (!member && strstr(message, "no issuer"))
		member = "issuer";
	snprintf(pointer, sizeof(pointer), "/credentials/%lu%s%s",
	         line >= 2 ? line - 2 : 0, member ? "/" : "",
	         member ? member : "");
	if (!o || !cJSON_AddItemToArray(e->errors, o)) {
		cJSON_Delete(o);
		return;
	}
	cJSON_AddStringToObject(o, "pointer", pointer);
	cJSON_AddStringToObject(o, "message", message);
}

static int batch_text(cw_buf *out, const cJSON *rows)
{
	const cJSON *row;

	cw_buf_puts(out, "[\n");
	cJSON_ArrayForEach(row, rows)
	{
		char *text = cw_json_print(row);

		if (!text)
			return CW_ENOMEM;
		cw_buf_puts(out, text);
		cw_buf_puts(out, row->next ? ",\n" : "\n");
		cw_free(text);
	}
	cw_buf_puts(out, "]");
	return out->error;
}

static cJSON *batch_answer(cJSON *issued)
{
	cJSON *doc = cJSON_CreateObject(), *i;

	cJSON_ArrayForEach(i, issued)
	{
		cJSON *line = cJSON_GetObjectItem(i, "line");
		cJSON_AddNumberToObject(i, "index", line->valuedouble - 2);
		cJSON_DeleteItemFromObject(i, "line");
	}
	if (!doc || !cJSON_AddItemToObject(doc, "credentials", issued)) {
		cJSON_Delete(doc);
		cJSON_Delete(issued);
		return NULL;
	}
	return doc;
}

int cw_badge_batch_issue(cJSON **answer, cJSON **errors, const cw_badges *b,
                         const char *tenant, const cJSON *rows,
                         const char *format)
{
	cw_buf text = CW_BUF_INIT(BATCH_TEXT_MAX);
	batch_errors e = { cJSON_CreateArray() };
	cJSON *issued = NULL;
	int err;

	*answer = *errors = NULL;
	if (!e.errors)
		return CW_ENOMEM;
	if ((err = batch_text(&text, rows)) == 0)
		err = cw_badges_issue_batch(&issued, b, tenant, text.data,
		                            text.len, 0, format, on_row_error,
		                            &e);
	cw_buf_dispose(&text);
	if (err == 0 && !(*answer = batch_answer(issued)))
		err = CW_ENOMEM;
	if (err == CW_EINVAL && cJSON_GetArraySize(e.errors)) {
		*errors = e.errors;
		e.errors = NULL;
	}
	cJSON_Delete(e.errors);
	return err;
}

/* ---- the queue's "badge-batch" jobs -----------------------------------------
 */

/* The job's report: what was issued, the rows' errors, or that an earlier
 * attempt issued the batch. */
static int report(cw_queue_job *job, const char *state, cJSON *detail,
                  const char *key)
{
	cJSON *doc = cJSON_CreateObject();
	char *text = NULL;
	int err = CW_ENOMEM;

	if (doc && cJSON_AddStringToObject(doc, "state", state) &&
	    (!detail || cJSON_AddItemToObject(doc, key, detail))) {
		detail = NULL;
		if ((text = cJSON_PrintUnformatted(doc)))
			err = cw_queue_job_set_result(job, text);
	}
	cJSON_Delete(detail);
	cJSON_Delete(doc);
	cJSON_free(text);
	return err;
}

static int run_batch(cw_ctx *ctx, cw_queue_job *job, void *local)
{
	const cJSON *args = cw_queue_job_args(job);
	const char *input = cw_json_string(args, "input"),
	           *format = cw_json_string(args, "format");
	cw_tenant tenant = { 0 };
	char *text = NULL;
	size_t len = 0;
	cJSON *rows = NULL, *answer = NULL, *errors = NULL;
	cw_flow_daemon d;
	int err = 0, ready = 0;

	(void)local;
	if (!input) {
		cw_error_set("badge batch job %lld names no input",
		             (long long)cw_queue_job_id(job));
		return CW_EINVAL;
	}
	if ((err = cw_queue_job_tenant_row(job, &tenant)) < 0 ||
	    (err = cw_queue_input_get(ctx, input, BATCH_TEXT_MAX, &text,
	                              &len)) < 0)
		goto out;
	if (!(rows = cJSON_ParseWithLength(text, len))) {
		cw_error_set("the stored batch is not JSON");
		err = CW_EINVAL;
		goto out;
	}
	if ((err = cw_flow_daemon_init(&d, ctx)) == 0) {
		ready = 1;
		err = cw_badge_batch_issue(&answer, &errors, &d.badges,
		                           tenant.name, rows, format);
	}
	if (err == CW_EEXISTS && cw_queue_job_attempt(job) > 1) {
		/* Its ids are taken: the attempt that died had issued it. */
		err = report(job, "issued-before", NULL, NULL);
	} else if (err == 0) {
		err = report(job, "done", answer, "issued");
		answer = NULL;
	} else if (errors) {
		int reported = report(job, "invalid", errors, "errors");
		errors = NULL;
		if (reported < 0)
			err = reported;
	}
out:
	if (ready)
		cw_flow_daemon_dispose(&d);
	if (err != CW_ECANCELED && err != CW_EBUSY &&
	    cw_store_blob_delete(ctx->store, input) < 0)
		CW_LOG(CW_LOG_WARN, "batch_input_not_deleted", "s:blob", input,
		       "s:message", cw_error_last(), NULL);
	cJSON_Delete(answer);
	cJSON_Delete(errors);
	cJSON_Delete(rows);
	cw_free(text);
	return err;
}

static void batch_abandoned(cw_ctx *ctx, const cw_job *job)
{
	cJSON *args = job->args ? cJSON_Parse(job->args) : NULL;
	const char *input = cw_json_string(args, "input");

	if (input)
		(void)cw_store_blob_delete(ctx->store, input);
	cJSON_Delete(args);
}

const cw_queue_handler cw_badge_batch_job_handler = { "badge-batch", run_batch,
	                                              NULL, batch_abandoned };

/* Every row without an id gets one now, so every attempt issues the same
 * credentials. */
static int give_ids(cJSON *rows)
{
	cJSON *row;

	cJSON_ArrayForEach(row, rows)
	{
		char id[CW_BADGE_UUID_URN_LEN + 1];
		int err;

		if (!cJSON_IsObject(row) ||
		    cJSON_GetObjectItemCaseSensitive(row, "id"))
			continue;
		if ((err = cw_badges__uuid(id, 1)) < 0)
			return err;
		if (!cJSON_AddStringToObject(row, "id", id))
			return CW_ENOMEM;
	}
	return 0;
}

int cw_badge_batch_submit(cw_ctx *ctx, const cw_tenant *tenant, cJSON *rows,
                          const char *format, int64_t *job_id)
{
	char name[64] = "";
	cJSON *args = cJSON_CreateObject();
	char *text = NULL, *args_text = NULL;
	int err;

	if ((err = give_ids(rows)) < 0)
		goto out;
	if (!args || !(text = cJSON_PrintUnformatted(rows))) {
		err = CW_ENOMEM;
		goto out;
	}
	if ((err = cw_queue_input_put(ctx, tenant->id, "batch", text,
	                              strlen(text), name)) < 0) {
		name[0] = '\0';
		goto out;
	}
	if (!cJSON_AddStringToObject(args, "input", name) ||
	    (format && !cJSON_AddStringToObject(args, "format", format)) ||
	    !(args_text = cJSON_PrintUnformatted(args))) {
		err = CW_ENOMEM;
		goto out;
	}
	err = cw_queue_submit(ctx->queue, "badge-batch", tenant->id, 0,
	                      args_text, 0, NULL, job_id);
out:
	if (err < 0 && name[0])
		(void)cw_store_blob_delete(ctx->store, name);
	cJSON_free(text);
	cJSON_free(args_text);
	cJSON_Delete(args);
	return err;
}
