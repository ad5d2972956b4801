/* The "import" jobs of the queue: one uploaded set imported, its report
 * (with up to REPORTED_DIAGNOSTICS problems) stored on its record. */
#include "engine/import_jobs.h"

#include "engine/roster_import.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/timeutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REPORTED_DIAGNOSTICS 200

typedef struct {
	cJSON *diagnostics;
	int dropped;
} collected;

static void collect_diag(const cw_diag *d, void *payload)
{
	collected *c = payload;
	cw_roster_diag_add(c->diagnostics, REPORTED_DIAGNOSTICS, &c->dropped,
	                   d);
}

/* The report with the problems, stored as the import's final state. */
static int store_report(cw_store *store, int64_t import_id,
                        const cw_roster_import_result *result, collected *c)
{
	char *text = cw_roster_import_report_json(result);
	cJSON *report = text ? cJSON_Parse(text) : NULL;
	int err = CW_ENOMEM;

	cJSON_free(text);
	text = NULL;
	if (report) {
		cJSON_AddItemToObject(report, "diagnostics", c->diagnostics);
		c->diagnostics = NULL;
		cJSON_AddNumberToObject(report, "diagnostics_not_shown",
		                        c->dropped);
		text = cJSON_PrintUnformatted(report);
	}
	if (text)
		err = cw_store_import_report(store, import_id, result->state,
		                             text);
	cJSON_free(text);
	cJSON_Delete(report);
	return err;
}

static const char *arg_text(const cw_queue_job *job, const char *key)
{
	const cJSON *v =
	        cJSON_GetObjectItemCaseSensitive(cw_queue_job_args(job), key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Whether the import is still to run (an earlier attempt may have ended
 * it: its commit and its record's state are one transaction). */
static int still_running(cw_store *store, int64_t import_id, int *running)
{
	cw_import_record rec;
	int err = cw_store_import_get(store, import_id, &rec);

	*running = err == 0 && strcmp(rec.state, "running") == 0;
	if (err == 0)
		cw_import_record_dispose(&rec);
	return err;
}

/* This node's file of the upload: DATA_DIR/uploads/NAME, fetched from the
 * store unless it is here (the node that took the upload has it). */
static int local_copy(cw_ctx *ctx, const char *name, char *path, size_t n)
{
	char dir[4200];
	int err = cw_roster_upload_path(path, n, ctx->data_dir, name);

	/* A node that never took an upload has no uploads/ yet. */
	snprintf(dir, sizeof(dir), "%s/uploads", ctx->data_dir);
	if (err == 0 && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		cw_error_set("%s: %s", dir, strerror(errno));
		err = CW_EIO;
	}
	if (err == 0 && access(path, R_OK) != 0 &&
	    (err = cw_store_blob_get(ctx->store, name, path)) == CW_ENOTFOUND)
		cw_error_set("the uploaded set %s is no longer stored", name);
	return err;
}

/* The record's final state when the import could not even start. */
static void report_failure(cw_store *store, int64_t import_id, const char *why)
{
	cJSON *doc = cJSON_CreateObject();
	char *text = NULL;

	if (doc && cJSON_AddStringToObject(doc, "state", "failed") &&
	    cJSON_AddStringToObject(doc, "reason", why))
		text = cJSON_PrintUnformatted(doc);
	if (cw_store_import_report(store, import_id, "failed",
	                           text ? text : "{\"state\":\"failed\"}") < 0)
		CW_LOG(CW_LOG_WARN, "import_settle_failed", "l:import",
		       (long long)import_id, "s:message", cw_error_last(),
		       NULL);
	cJSON_free(text);
	cJSON_Delete(doc);
}

static int run_import(cw_ctx *ctx, cw_queue_job *job, void *local)
{
	const char *tenant = arg_text(job, "tenant"),
	           *name = arg_text(job, "upload");
	const cJSON *approve = cJSON_GetObjectItemCaseSensitive(
	        cw_queue_job_args(job), "approve");
	cw_roster_import_options options = { 0 };
	cw_roster_import_result result;
	collected c = { NULL, 0 };
	int64_t import_id = cw_queue_job_ref(job);
	char path[4200];
	int running = 0, err;

	(void)local;
	if (!tenant || !name) {
		cw_error_set("import job %lld has no tenant or upload",
		             (long long)cw_queue_job_id(job));
		return CW_EINVAL;
	}
	if ((err = still_running(ctx->store, import_id, &running)) < 0 ||
	    !running)
		return err;
	if ((err = local_copy(ctx, name, path, sizeof(path))) < 0) {
		report_failure(ctx->store, import_id, cw_error_last());
		return err;
	}
	if (!(c.diagnostics = cJSON_CreateArray())) {
		unlink(path);
		return CW_ENOMEM;
	}
	options.tenant = tenant;
	options.path = path;
	options.approve = cJSON_IsTrue(approve);
	options.threshold_pct = ctx->config->roster_delete_threshold_pct;
	options.zip_limits.max_total_bytes = CW_LIMIT_ZIP_BYTES;
	options.zip_limits.max_ratio = CW_LIMIT_ZIP_RATIO;
	options.on_diag = collect_diag;
	options.payload = &c;
	options.import_id = import_id;
	options.cancel = cw_queue_job_cancel(job);
	options.uploads_of = ctx->data_dir;
	err = cw_roster_import(&result, ctx->store, &options);
	/* The stored upload is the set from now on (for an approval, on
	 * any node); this node's file goes. */
	unlink(path);
	if (*options.cancel && strcmp(result.state, "failed") == 0) {
		/* Rolled back: the record stays running for the next
		 * attempt, here or on another node. */
		cJSON_Delete(c.diagnostics);
		cw_error_set("the import was interrupted; it runs again");
		return CW_ECANCELED;
	}
	err = store_report(ctx->store, import_id, &result, &c);
	cJSON_Delete(c.diagnostics);
	/* A pending import keeps its set for the approval. */
	if (strcmp(result.state, "pending") != 0 &&
	    cw_store_blob_delete(ctx->store, name) < 0)
		CW_LOG(CW_LOG_WARN, "upload_not_deleted", "s:blob", name,
		       "s:message", cw_error_last(), NULL);
	return err;
}

/* Every attempt's node died: the record says so, the upload goes. */
static void import_abandoned(cw_ctx *ctx, const cw_job *job)
{
	cJSON *args = job->args ? cJSON_Parse(job->args) : NULL;
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(args, "upload");
	char source[300];

	if (cw_store_import_report(
	            ctx->store, job->ref_id, "failed",
	            "{\"state\":\"failed\",\"reason\":\"interrupted: the node "
	            "running the import stopped during every attempt; nothing "
	            "was applied\"}") < 0)
		CW_LOG(CW_LOG_WARN, "import_settle_failed", "l:import",
		       (long long)job->ref_id, "s:message", cw_error_last(),
		       NULL);
	if (cJSON_IsString(name) &&
	    (size_t)snprintf(source, sizeof(source), "%s%s",
	                     CW_ROSTER_UPLOAD_SOURCE,
	                     name->valuestring) < sizeof(source))
		cw_roster_drop_upload(ctx->store, ctx->data_dir, source);
	cJSON_Delete(args);
}

const cw_queue_handler cw_import_job_handler = { "import", run_import, NULL,
	                                         import_abandoned };

int cw_import_job_submit(cw_ctx *ctx, const cw_tenant *tenant, const char *path,
                         const char *upload, int approve, int64_t *import_id)
{
	char stamp[CW_TIME_ISO_LEN], source[300];
	const char *slash = path ? strrchr(path, '/') : NULL;
	const char *name = upload ? upload : slash ? slash + 1 : path;
	/* Given both, path is stored under the name upload. */
	cJSON *args = cJSON_CreateObject();
	char *text = NULL;
	int err, stored = 0;

	*import_id = 0;
	cw_time_format_iso(cw_time_now_ms(), stamp);
	if (!name ||
	    (size_t)snprintf(source, sizeof(source), "%s%s",
	                     CW_ROSTER_UPLOAD_SOURCE, name) >= sizeof(source)) {
		cw_error_set("the upload's name is too long");
		err = CW_EINVAL;
		goto out;
	}
	if (!args || !cJSON_AddStringToObject(args, "tenant", tenant->name) ||
	    !cJSON_AddStringToObject(args, "upload", name) ||
	    !cJSON_AddBoolToObject(args, "approve", approve) ||
	    !(text = cJSON_PrintUnformatted(args))) {
		err = CW_ENOMEM;
		goto out;
	}
	/* The set goes into the store first: any node may run the import
	 * (or, held, approve it). */
	if (path &&
	    (err = cw_store_blob_put(ctx->store, tenant->id, name, path)) < 0)
		goto out;
	stored = 1;
	if ((err = cw_store_import_create(ctx->store, tenant->id, stamp, source,
	                                  import_id)) < 0)
		goto out;
	err = cw_queue_submit(ctx->queue, "import", tenant->id, *import_id,
	                      text, 0, NULL, NULL);
	if (err < 0)
		cw_store_import_report(ctx->store, *import_id, "failed",
		                       err == CW_ETOOBIG
		                               ? "{\"state\":\"failed\","
		                                 "\"reason\":\"too many jobs "
		                                 "running\"}"
		                               : "{\"state\":\"failed\","
		                                 "\"reason\":\"the import "
		                                 "could not start\"}");
out:
	if (err < 0 && stored)
		cw_roster_drop_upload(ctx->store, ctx->data_dir, source);
	else if (err < 0 && path)
		unlink(path);
	cJSON_free(text);
	cJSON_Delete(args);
	return err;
}
