/* OneRoster CSV imports through the daemon: upload a zip, the import runs as
 * a job of the queue (engine/import_jobs.c), its status (and report) is
 * polled; an import held by the delete threshold is approved by a second
 * call. */
#include "http/api.h"

#include "engine/import_jobs.h"
#include "engine/roster_import.h"
#include "http/imsx.h"
#include "http/server.h"
#include "roster/rest.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int start_job(cw_request *req, cw_response *res, const cw_tenant *tenant,
                     char *path, const char *upload, int approve)
{
	char location[96];
	int64_t id = 0;
	int err = cw_import_job_submit(cw_request_ctx(req), tenant, path,
	                               upload, approve, &id);

	cw_free(path);
	snprintf(location, sizeof(location), "/admin/v1/roster/imports/%lld",
	         (long long)id);
	return cw_api_accepted(res, err, "import_id", id, location);
}

int cw_api_roster_import_start(cw_request *req, cw_response *res)
{
	const char *type = cw_request_header(req, "Content-Type");
	const char *approve = cw_request_query(req, "approve");
	char *path;
	cw_tenant tenant;
	int err;

	if (!type || (strncasecmp(type, "application/zip", 15) != 0 &&
	              strncasecmp(type, "application/octet-stream", 24) != 0))
		return cw_response_error(
		        res, 415, "invaliddata",
		        "expected Content-Type: application/zip "
		        "(a OneRoster CSV set)");
	err = cw_api_target_tenant(&tenant, req, res,
	                           cw_request_query(req, "tenant"));
	if (err != 0)
		return err > 0 ? 0 : err;
	path = cw_request_keep_upload(req);
	if (!path)
		return CW_ENOMEM;
	return start_job(req, res, &tenant, path, NULL,
	                 approve && strcmp(approve, "true") == 0);
}

/* Reads the import named by {id} if the caller may see it; else answers. */
static int find_import(cw_import_record *out, cw_request *req, cw_response *res)
{
	const char *text = cw_request_param(req, "id");
	char *end = NULL;
	long long id = strtoll(text, &end, 10);
	int err;

	if (!*text || *end || id <= 0) {
		cw_response_error(res, 404, "unknownobject", "no import %.20s",
		                  text);
		return 404;
	}
	err = cw_store_import_get(cw_request_ctx(req)->store, id, out);
	if (err == 0 && out->tenant_id != cw_request_auth(req)->tenant_id &&
	    !cw_request_is_operator(req)) {
		cw_import_record_dispose(out);
		err = CW_ENOTFOUND; /* never reveal another tenant's import */
	}
	if (err == CW_ENOTFOUND) {
		cw_response_error(res, 404, "unknownobject", "no import %lld",
		                  id);
		return 404;
	}
	return err;
}

int cw_api_roster_import_status(cw_request *req, cw_response *res)
{
	cw_import_record rec;
	cJSON *doc, *report;
	int err = find_import(&rec, req, res);

	if (err != 0)
		return err > 0 ? 0 : err;
	doc = cJSON_CreateObject();
	report = rec.report[0] ? cJSON_Parse(rec.report) : NULL;
	if (!doc) {
		cJSON_Delete(report);
		cw_import_record_dispose(&rec);
		return CW_ENOMEM;
	}
	cJSON_AddNumberToObject(doc, "import_id", (double)rec.id);
	cJSON_AddStringToObject(doc, "state", rec.state);
	cJSON_AddStringToObject(doc, "created_at", rec.created_at);
	if (report)
		cJSON_AddItemToObject(doc, "report", report);
	else
		cJSON_AddNullToObject(doc, "report");
	cw_import_record_dispose(&rec);
	return cw_response_json(res, 200, doc);
}

typedef struct {
	int64_t id;
	cw_tenant *out;
} tenant_search;

static int match_tenant(const cw_tenant *tenant, void *payload)
{
	tenant_search *t = payload;

	if (tenant->id != t->id)
		return 0;
	*t->out = *tenant;
	return 1;
}

int cw_api_roster_import_approve(cw_request *req, cw_response *res)
{
	cw_store *store = cw_request_ctx(req)->store;
	cw_import_record rec;
	cw_tenant tenant = { 0 };
	tenant_search search = { 0, &tenant };
	char *path = NULL, upload[300] = "";
	int err = find_import(&rec, req, res);
	int stored;

	if (err != 0)
		return err > 0 ? 0 : err;
	/* An upload is kept in the store (any node approves it); an
	 * import of a file (`roster import` on the gateway's machine) is
	 * approved while the file is there. */
	stored = strncmp(rec.source, CW_ROSTER_UPLOAD_SOURCE,
	                 strlen(CW_ROSTER_UPLOAD_SOURCE)) == 0;
	int pulled = strncmp(rec.source, CW_ROSTER_SYNC_SOURCE,
	                     strlen(CW_ROSTER_SYNC_SOURCE)) == 0;
	if (strcmp(rec.state, "pending") != 0 ||
	    (!stored && !pulled && access(rec.source, R_OK) != 0)) {
		err = cw_response_error(res, 409, "invaliddata",
		                        "import %lld is %s, not pending",
		                        (long long)rec.id, rec.state);
		goto out;
	}
	/* A held sync run's pulled set: its run is approved instead, so the
	 * run's record and cursor follow. */
	struct stat st;
	if (strncmp(rec.source, CW_ROSTER_SYNC_SOURCE,
	            strlen(CW_ROSTER_SYNC_SOURCE)) == 0 ||
	    (!stored && stat(rec.source, &st) == 0 && S_ISDIR(st.st_mode))) {
		err = cw_response_error(
		        res, 409, "invaliddata",
		        "import %lld was pulled by a sync run: approve the run "
		        "(POST /admin/v1/sync/connections/{name}/runs/{id}/"
		        "approve), so its cursor moves too",
		        (long long)rec.id);
		goto out;
	}
	search.id = rec.tenant_id;
	err = cw_store_tenant_list(store, match_tenant, &search);
	if (err < 0)
		goto out;
	if (!tenant.id) {
		err = CW_ENOTFOUND;
		goto out;
	}
	/* The held record is settled; the approved run gets its own. */
	err = cw_store_import_report(store, rec.id, "approved",
	                             "{\"state\":\"approved\",\"reason\":"
	                             "\"approved: run again with approval\"}");
	if (err == 0 && stored)
		snprintf(upload, sizeof(upload), "%s",
		         rec.source + strlen(CW_ROSTER_UPLOAD_SOURCE));
	else if (err == 0)
		snprintf(upload, sizeof(upload), "approved-%lld.zip",
		         (long long)rec.id);
	if (err == 0 && !stored && !(path = cw_strdup(rec.source)))
		err = CW_ENOMEM;
out:
	cw_import_record_dispose(&rec);
	if (err != 0 || !upload[0])
		return err;
	return start_job(req, res, &tenant, path, upload, 1);
}

/* GET /crosswalk/v1/roster/changes?since=SEQ&limit=N: the change feed, so
 * a CBE tool follows a tenant's roster without reading it all again. */
typedef struct {
	cJSON *list;
	size_t count, limit;
	int64_t last;
} feed;

/* The REST collection's name, or for link tables (which have none) the
 * CSV file's ("lineItemLearningObjectiveIds"). */
static const char *entity_name(int entity)
{
	const char *plural = cw_or_rest_plural(entity);
	const cw_or_file *f = cw_or_model_file(entity);
	return plural ? plural : f ? f->name : "unknown";
}

static int on_change(const cw_roster_change_entry *c, void *payload)
{
	feed *f = payload;
	char at[CW_TIME_ISO_LEN];
	if (f->count++ >= f->limit)
		return 0; /* the one more that tells "more" */
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddItemToArray(f->list, o))
		return CW_ENOMEM;
	cw_time_format_iso(c->at_ms, at);
	cJSON_AddNumberToObject(o, "seq", (double)c->seq);
	cJSON_AddStringToObject(o, "entity", entity_name(c->entity));
	cJSON_AddStringToObject(o, "sourcedId", c->sourced_id);
	cJSON_AddStringToObject(o, "op",
	                        c->op == 'a'   ? "created"
	                        : c->op == 'd' ? "deleted"
	                                       : "updated");
	cJSON_AddStringToObject(o, "at", at);
	f->last = c->seq;
	return 0;
}

static long query_number(cw_request *req, const char *key, long dflt, long max)
{
	const char *v = cw_request_query(req, key);
	char *end = NULL;
	long n = v ? strtol(v, &end, 10) : dflt;
	if (v && (*end || n < 0))
		return -1;
	return n > max ? max : n;
}

int cw_api_roster_changes(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	long since = query_number(req, "since", 0, LONG_MAX);
	long limit = query_number(req, "limit", 1000, 10000);
	feed f = { cJSON_CreateArray(), 0, 0, 0 };
	if (since < 0 || limit < 1) {
		cJSON_Delete(f.list);
		return cw_response_json(
		        res, 400,
		        cw_imsx_status("failure", "error", "invalid_data",
		                       "since and limit are numbers (limit 1 "
		                       "to 10000)"));
	}
	f.limit = (size_t)limit;
	f.last = since;
	int64_t horizon = 0, position = 0, before = 0;
	int64_t tenant = cw_request_auth(req)->tenant_id;
	int err = f.list ? cw_store_roster_horizon(ctx->store, tenant, &horizon,
	                                           &before)
	                 : CW_ENOMEM;
	if (err == 0 && since < horizon)
		err = cw_store_roster_seq(ctx->store, tenant, &position);
	if (err < 0) {
		cJSON_Delete(f.list);
		return err;
	}
	/* Changes after since were pruned (change_retention_days): never
	 * answer as if there had been none. */
	if (since < horizon) {
		cJSON *gone = cw_imsx_status(
		        "failure", "error", "invalid_data",
		        "the changes after this sequence number are no longer "
		        "kept (change_retention_days): read the whole roster "
		        "again, then follow the feed from resume_from");
		cJSON_Delete(f.list);
		if (!gone)
			return CW_ENOMEM;
		cJSON_AddNumberToObject(gone, "pruned_through",
		                        (double)horizon);
		cJSON_AddNumberToObject(gone, "resume_from",
		                        (double)(position - 1 > horizon
		                                         ? position - 1
		                                         : horizon));
		return cw_response_json(res, 410, gone);
	}
	err = f.list ? cw_store_roster_changes(
	                       ctx->store, cw_request_auth(req)->tenant_id,
	                       since, f.limit + 1, on_change, &f)
	             : CW_ENOMEM;
	if (err < 0) {
		cJSON_Delete(f.list);
		return err;
	}
	cJSON *doc = cJSON_CreateObject();
	if (!doc) {
		cJSON_Delete(f.list);
		return CW_ENOMEM;
	}
	cJSON_AddItemToObject(doc, "changes", f.list);
	cJSON_AddNumberToObject(doc, "next", (double)f.last);
	cJSON_AddBoolToObject(doc, "more", f.count > f.limit);
	return cw_response_json(res, 200, doc);
}
