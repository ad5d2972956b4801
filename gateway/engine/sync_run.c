/* One run of a stored sync connection under its lease: pull, import, record,
 * notify. A thread renews the lease while the run works. */
#include "engine/sync_run.h"

#include "engine/cron.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/secretbox.h"
#include "util/timeutil.h"
#include "util/tz.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define COPIED_STRINGS       20
#define REPORTED_DIAGNOSTICS 50
#define WEBHOOK_TRIES        3

struct cw_sync_job {
	cw_sync_options o;
	cw_sync_connection c; /* its strings in strings[] */
	char *strings[COPIED_STRINGS];
	char tenant[CW_TENANT_NAME_MAX + 1];
	char owner[96];
	int leased;
	cw_sync_run run;
	char kind[8], cursor[CW_TIME_ISO_LEN], since[CW_TIME_ISO_LEN];
	char *held_set; /* approval: the set to apply */
	int64_t held_import_id;
	char *held_cursor, *held_kind;
	/* the lease keeper */
	pthread_t keeper;
	int keeper_started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int done;
	volatile int cancel;
	cJSON *diagnostics;
	int dropped;
};

/* ---- copying what the store lends ---------------------------------------- */

static int copy_connection(const cw_sync_connection *c, void *payload)
{
	cw_sync_job *j = payload;
	const char *const *from[] = {
		&c->name,          &c->base_url,   &c->version,
		&c->auth,          &c->token_url,  &c->client_id,
		&c->secret_sealed, &c->scope,      &c->cursor,
		&c->webhook_url,   &c->schedule,   &c->full_schedule,
		&c->blackouts,     &c->last_state, &c->lease_owner,
	};
	const char **to[] = {
		&j->c.name,          &j->c.base_url,   &j->c.version,
		&j->c.auth,          &j->c.token_url,  &j->c.client_id,
		&j->c.secret_sealed, &j->c.scope,      &j->c.cursor,
		&j->c.webhook_url,   &j->c.schedule,   &j->c.full_schedule,
		&j->c.blackouts,     &j->c.last_state, &j->c.lease_owner,
	};
	j->c = *c;
	j->c.last_report = NULL;
	for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		*to[i] = NULL;
		if (!*from[i])
			continue;
		if (!(j->strings[i] = cw_strdup(*from[i])))
			return CW_ENOMEM;
		*to[i] = j->strings[i];
	}
	return 1; /* the first one is the one */
}

typedef struct {
	int64_t id;
	char *name;
} tenant_lookup;

static int on_tenant(const cw_tenant *t, void *payload)
{
	tenant_lookup *f = payload;
	if (t->id != f->id)
		return 0;
	snprintf(f->name, CW_TENANT_NAME_MAX + 1, "%s", t->name);
	return 1;
}

typedef struct {
	cw_sync_job *job;
	int found;
} held_lookup;

static int on_held(const cw_sync_run *r, void *payload)
{
	held_lookup *h = payload;
	cw_sync_job *j = h->job;
	h->found = 1;
	if (strcmp(r->state, "held") != 0 || !r->held_set) {
		cw_error_set("sync run %lld is %s, not held", (long long)r->id,
		             r->state);
		return CW_EINVAL;
	}
	j->held_import_id = r->import_id;
	if (!(j->held_set = cw_strdup(r->held_set)) ||
	    !(j->held_kind = cw_strdup(r->kind)) ||
	    (r->cursor && !(j->held_cursor = cw_strdup(r->cursor))))
		return CW_ENOMEM;
	return 0;
}

/* ---- the lease keeper ------------------------------------------------------
 */

static void *keep_lease(void *arg)
{
	cw_sync_job *j = arg;
	long every_ms = j->o.lease_s * 1000 / 3;
	int64_t next = cw_time_mono_ms() + every_ms;
	pthread_mutex_lock(&j->lock);
	while (!j->done) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200L * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&j->wake, &j->lock, &until);
		if (j->done)
			break;
		if (j->o.cancel && *j->o.cancel)
			j->cancel = 1;
		if (cw_time_mono_ms() < next)
			continue;
		next = cw_time_mono_ms() + every_ms;
		pthread_mutex_unlock(&j->lock);
		int err = cw_store_sync_renew(j->o.store, j->c.id, j->owner,
		                              cw_time_now_ms() +
		                                      j->o.lease_s * 1000);
		pthread_mutex_lock(&j->lock);
		/* A busy store (an import holds the write lock) is tried
		 * again; a lost lease stops the run. */
		if (err == CW_ENOTFOUND) {
			CW_LOG(CW_LOG_WARN, "sync_lease_lost", "s:connection",
			       j->c.name, NULL);
			j->cancel = 1;
		}
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

static void stop_keeper(cw_sync_job *j)
{
	if (!j->keeper_started)
		return;
	pthread_mutex_lock(&j->lock);
	j->done = 1;
	pthread_cond_broadcast(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->keeper, NULL);
	j->keeper_started = 0;
}

/* ---- begin ------------------------------------------------------------------
 */

static void make_owner(char *out, size_t n)
{
	static atomic_int counter;
	char host[64] = "host";
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, n, "%s:%ld:%lld:%d", host, (long)getpid(),
	         (long long)cw_time_now_ms(), atomic_fetch_add(&counter, 1));
}

/* Full or delta: --full, the first run, and a run the full schedule has
 * come due for are full. */
static int wants_full(const cw_sync_job *j, const char *zone)
{
	int64_t due = 0;
	if (j->o.full || !j->c.cursor)
		return 1;
	if (!j->c.full_schedule || !j->o.fired_ms)
		return 0;
	if (cw_sync_next_firing(&due, j->c.full_schedule, NULL, zone,
	                        j->c.last_full_ms) < 0)
		return 0;
	return due != 0 && due <= j->o.fired_ms;
}

static int load(cw_sync_job *j, int64_t tenant_id, const char *name)
{
	tenant_lookup t = { 0, j->tenant };
	char zone[64];
	int err = cw_store_sync_list(j->o.store, tenant_id, name,
	                             copy_connection, j);
	if (err == 1)
		err = 0;
	if (err < 0)
		return err;
	t.id = j->c.tenant_id;
	if ((err = cw_store_tenant_list(j->o.store, on_tenant, &t)) < 0)
		return err;
	if (!j->tenant[0]) {
		cw_error_set("the connection's tenant is gone");
		return CW_ENOTFOUND;
	}
	if ((err = cw_store_tenant_zone_get(j->o.store, j->c.tenant_id, zone)) <
	    0)
		return err;
	if (j->o.approve_run) {
		held_lookup h = { j, 0 };
		err = cw_store_sync_run_list(j->o.store, j->c.id,
		                             j->o.approve_run, 1, on_held, &h);
		if (err < 0)
			return err;
		snprintf(j->kind, sizeof(j->kind), "%s", j->held_kind);
		return 0;
	}
	snprintf(j->kind, sizeof(j->kind), "%s",
	         wants_full(j, zone) ? "full" : "delta");
	return 0;
}

int cw_sync_begin(cw_sync_job **out, const cw_sync_options *options,
                  int64_t tenant_id, const char *name)
{
	cw_sync_job *j = cw_calloc(1, sizeof(*j));
	int64_t now = cw_time_now_ms();
	int err;
	*out = NULL;
	if (!j)
		return CW_ENOMEM;
	j->o = *options;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	make_owner(j->owner, sizeof(j->owner));
	if ((err = load(j, tenant_id, name)) < 0)
		goto out;
	if ((err = cw_store_sync_claim(j->o.store, j->c.id, j->owner, now,
	                               now + j->o.lease_s * 1000)) < 0)
		goto out;
	j->leased = 1;
	/* The held run is taken by this approval, or by none. */
	if (j->o.approve_run &&
	    (err = cw_store_sync_run_settle(j->o.store, j->o.approve_run,
	                                    "held", "approved")) < 0) {
		cw_error_set("sync run %lld is no longer held",
		             (long long)j->o.approve_run);
		err = CW_EINVAL;
		goto out;
	}
	cw_time_format_iso(now, j->cursor);
	j->run = (cw_sync_run){ 0 };
	j->run.connection_id = j->c.id;
	j->run.tenant_id = j->c.tenant_id;
	j->run.started_by = j->o.started_by;
	j->run.kind = j->kind;
	j->run.state = "running";
	j->run.started_ms = now;
	j->run.cursor = j->o.approve_run ? j->held_cursor : j->cursor;
	if ((err = cw_store_sync_run_add(j->o.store, &j->run, &j->run.id)) < 0)
		goto out;
	if (pthread_create(&j->keeper, NULL, keep_lease, j) != 0) {
		cw_error_set("cannot start the lease keeper");
		err = CW_ENOMEM;
		goto out;
	}
	j->keeper_started = 1;
out:
	if (err < 0)
		cw_sync_job_free(j);
	else
		*out = j;
	return err;
}

int64_t cw_sync_job_run_id(const cw_sync_job *job)
{
	return job->run.id;
}

const char *cw_sync_job_kind(const cw_sync_job *job)
{
	return job->kind;
}

int64_t cw_sync_job_tenant_id(const cw_sync_job *job)
{
	return job->c.tenant_id;
}

void cw_sync_job_free(cw_sync_job *j)
{
	if (!j)
		return;
	stop_keeper(j);
	if (j->leased &&
	    cw_store_sync_release(j->o.store, j->c.id, j->owner) < 0)
		CW_LOG(CW_LOG_WARN, "sync_release_failed", "s:connection",
		       j->c.name, "s:message", cw_error_last(), NULL);
	for (size_t i = 0; i < COPIED_STRINGS; i++)
		cw_free(j->strings[i]);
	cw_free(j->held_set);
	cw_free(j->held_kind);
	cw_free(j->held_cursor);
	cJSON_Delete(j->diagnostics);
	pthread_cond_destroy(&j->wake);
	pthread_mutex_destroy(&j->lock);
	cw_free(j);
}

void cw_sync_result_dispose(cw_sync_result *r)
{
	if (!r)
		return;
	cw_free(r->report);
	r->report = NULL;
}

/* ---- pulling
 * ------------------------------------------------------------------ */

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) != 0 && errno != ENOENT)
			CW_LOG(CW_LOG_WARN, "sync_set_not_removed", "s:path",
			       path, NULL);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* A held set kept in the store: "store:NAME", its files the blobs
 * NAME/FILE (NAME the pulled directory's name), so any node approves it. */
#define STORED_SET    "store:"
#define MAX_SET_FILES 64

typedef struct {
	char *names[MAX_SET_FILES];
	size_t count;
} set_files;

static int add_name(const char *name, void *payload)
{
	set_files *f = payload;
	if (f->count == MAX_SET_FILES) {
		cw_error_set("a stored set has more than %d files",
		             MAX_SET_FILES);
		return CW_ETOOBIG;
	}
	return (f->names[f->count++] = cw_strdup(name)) ? 0 : CW_ENOMEM;
}

static void set_files_dispose(set_files *f)
{
	for (size_t i = 0; i < f->count; i++)
		cw_free(f->names[i]);
	f->count = 0;
}

/* The blobs of a stored set (set: "store:NAME"). */
static int list_set(cw_store *store, const char *set, set_files *out)
{
	char prefix[300];
	out->count = 0;
	if ((size_t)snprintf(prefix, sizeof(prefix), "%s/",
	                     set + strlen(STORED_SET)) >= sizeof(prefix)) {
		cw_error_set("a stored set's name is too long");
		return CW_EINVAL;
	}
	return cw_store_blob_list(store, prefix, add_name, out);
}

static int is_stored(const char *set)
{
	return strncmp(set, STORED_SET, strlen(STORED_SET)) == 0;
}

/* A held set goes: its blobs, or its directory. */
static void remove_set(cw_store *store, const char *set)
{
	set_files f = { { NULL }, 0 };
	if (!is_stored(set)) {
		remove_dir(set);
		return;
	}
	if (list_set(store, set, &f) < 0)
		CW_LOG(CW_LOG_WARN, "sync_set_not_removed", "s:set", set,
		       "s:message", cw_error_last(), NULL);
	for (size_t i = 0; i < f.count; i++)
		if (cw_store_blob_delete(store, f.names[i]) < 0)
			CW_LOG(CW_LOG_WARN, "sync_set_not_removed", "s:blob",
			       f.names[i], "s:message", cw_error_last(), NULL);
	set_files_dispose(&f);
}

/* Keeps the pulled directory dir in the store; *out its "store:NAME". A
 * failure leaves nothing stored. */
static int store_set(cw_sync_job *j, const char *dir, cw_buf *out)
{
	const char *name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4200], blob[600];
	int err = d ? 0 : CW_EIO;
	if (!d)
		cw_error_set("%s: %s", dir, strerror(errno));
	cw_buf_printf(out, "%s%s", STORED_SET, name);
	while (err == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		                     e->d_name) >= sizeof(path) ||
		    (size_t)snprintf(blob, sizeof(blob), "%s/%s", name,
		                     e->d_name) >= sizeof(blob)) {
			cw_error_set("%s: the name is too long", e->d_name);
			err = CW_ETOOBIG;
			break;
		}
		err = cw_store_blob_put(j->o.store, j->c.tenant_id, blob, path);
	}
	if (d)
		closedir(d);
	if (err == 0 && out->error)
		err = out->error;
	if (err < 0 && out->len)
		remove_set(j->o.store, out->data);
	return err;
}

/* A stored set back on this node's disk, in DATA_DIR/NAME (*dir). */
static int fetch_set(cw_sync_job *j, const char *set, cw_buf *dir)
{
	set_files f = { { NULL }, 0 };
	char path[4200];
	int err;
	cw_buf_printf(dir, "%s/%s", j->o.data_dir, set + strlen(STORED_SET));
	if (dir->error)
		return dir->error;
	if (mkdir(dir->data, 0700) != 0 && errno != EEXIST) {
		cw_error_set("%s: %s", dir->data, strerror(errno));
		return CW_EIO;
	}
	err = list_set(j->o.store, set, &f);
	if (err == 0 && f.count == 0) {
		cw_error_set("the held set %s is no longer stored", set);
		err = CW_ENOTFOUND;
	}
	for (size_t i = 0; err == 0 && i < f.count; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", j->o.data_dir,
		                     f.names[i]) >= sizeof(path))
			err = CW_ETOOBIG;
		else
			err = cw_store_blob_get(j->o.store, f.names[i], path);
	}
	set_files_dispose(&f);
	if (err < 0)
		remove_dir(dir->data);
	return err;
}

static int open_secret(char **out, const cw_sync_job *j)
{
	cw_buf aad = CW_BUF_INIT(256);
	size_t len = 0;
	int err;
	cw_buf_printf(&aad, "crosswalk sync %s", j->c.name);
	err = aad.error ? aad.error
	                : cw_secretbox_open(out, &len, j->o.master_key,
	                                    aad.data, j->c.secret_sealed,
	                                    strlen(j->c.secret_sealed));
	cw_buf_dispose(&aad);
	return err;
}

static void pull_options(cw_sis_pull_options *o, cw_sync_job *j,
                         const char *secret, cw_buf *filter)
{
	const cw_sync_connection *c = &j->c;
	int64_t since_ms;
	memset(o, 0, sizeof(*o));
	o->client.base_url = c->base_url;
	o->client.page_size = (size_t)c->page_size;
	o->client.public_only = j->o.public_only;
	o->client.max_concurrent = j->o.max_concurrent;
	o->version = strcmp(c->version, "1.1") == 0 ? CW_OR_V1P1 : CW_OR_V1P2;
	if (strcmp(c->auth, "oauth2") == 0) {
		o->client.auth = CW_OR_AUTH_OAUTH2;
		o->client.token_url = c->token_url;
		o->client.client_id = c->client_id;
		o->client.client_secret = secret;
		o->client.scope = c->scope;
	} else if (strcmp(c->auth, "oauth1") == 0) {
		o->client.auth = CW_OR_AUTH_OAUTH1;
		o->client.consumer_key = c->client_id;
		o->client.consumer_secret = secret;
	}
	if (strcmp(j->kind, "delta") == 0 && c->cursor &&
	    cw_time_parse_iso(c->cursor, &since_ms) == 0) {
		cw_time_format_iso(since_ms - CW_SYNC_OVERLAP_S * 1000L,
		                   j->since);
		cw_buf_printf(filter, "dateLastModified>'%s'", j->since);
		o->filter = cw_buf_cstr(filter);
	}
}

/* A held run replaced by this one: its set goes, its import too. */
static int on_superseded(const cw_sync_run *r, void *payload)
{
	cw_sync_job *j = payload;
	if (strcmp(r->state, "held") != 0 ||
	    cw_store_sync_run_settle(j->o.store, r->id, "held", "superseded") <
	            0)
		return 0;
	if (r->held_set)
		remove_set(j->o.store, r->held_set);
	if (r->import_id)
		(void)cw_store_import_report(
		        j->o.store, r->import_id, "superseded",
		        "{\"state\":\"superseded\",\"reason\":\"a later sync "
		        "run of the connection replaced it\"}");
	return 0;
}

static void collect_diag(const cw_diag *d, void *payload)
{
	cw_sync_job *j = payload;
	cw_roster_diag_add(j->diagnostics, REPORTED_DIAGNOSTICS, &j->dropped,
	                   d);
}

static int import_set(cw_sync_job *j, cw_sync_result *r, const char *dir,
                      int approve)
{
	cw_roster_import_options io = { 0 };
	io.tenant = j->tenant;
	io.path = dir;
	io.approve = approve;
	io.threshold_pct = j->o.threshold_pct;
	io.on_diag = collect_diag;
	io.payload = j;
	io.cancel = &j->cancel;
	io.uploads_of = j->o.data_dir;
	char source[300];
	const char *slash = strrchr(dir, '/');
	snprintf(source, sizeof(source), "%s%s", CW_ROSTER_SYNC_SOURCE,
	         slash ? slash + 1 : dir);
	io.source = source;
	int err = cw_roster_import(&r->import, j->o.store, &io);
	return err == CW_EINVAL ? 0 : err; /* rejected: in the report */
}

/* Pulls into a new set under the data dir and imports it; *dir_out keeps
 * the set's path (the caller removes it unless the run is held). */
static int pull_and_import(cw_sync_job *j, cw_sync_result *r, cw_buf *dir)
{
	cw_sis_pull_options o;
	cw_buf filter = CW_BUF_INIT(512);
	char *secret = NULL;
	int err = 0;
	(void)cw_store_sync_run_list(j->o.store, j->c.id, 0, 100, on_superseded,
	                             j);
	if (j->c.secret_sealed && (err = open_secret(&secret, j)) < 0) {
		snprintf(r->pull.failure, sizeof(r->pull.failure),
		         "cannot open the connection's secret: %s",
		         cw_error_last());
		goto out;
	}
	pull_options(&o, j, secret, &filter);
	cw_buf_printf(dir, "%s/sync-%lld-XXXXXX", j->o.data_dir,
	              (long long)j->run.id);
	if (dir->error || !mkdtemp(dir->data)) {
		cw_buf_clear(dir);
		snprintf(r->pull.failure, sizeof(r->pull.failure),
		         "cannot make a directory in %s", j->o.data_dir);
		err = CW_EIO;
		goto out;
	}
	if ((err = cw_sis_pull(dir->data, &o, &r->pull)) < 0)
		goto out;
	r->pulled = 1;
	err = import_set(j, r, dir->data, j->o.approve);
out:
	if (secret)
		memset(secret, 0, strlen(secret));
	cw_free(secret);
	cw_buf_dispose(&filter);
	return err;
}

/* ---- the report -------------------------------------------------------------
 */

static cJSON *pull_json(const cw_sis_pull_report *p)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "records", (double)p->totals.records);
	cJSON_AddNumberToObject(o, "pages", (double)p->totals.pages);
	cJSON_AddNumberToObject(o, "requests", (double)p->totals.requests);
	cJSON_AddNumberToObject(o, "retries", (double)p->totals.retries);
	cJSON_AddNumberToObject(o, "duplicates", (double)p->totals.duplicates);
	return o;
}

static char *build_report(cw_sync_job *j, cw_sync_result *r, int ran_import)
{
	cJSON *doc = cJSON_CreateObject();
	char at[CW_TIME_ISO_LEN];
	char *text = NULL;
	if (!doc)
		return NULL;
	cJSON_AddNumberToObject(doc, "run_id", (double)j->run.id);
	cJSON_AddStringToObject(doc, "connection", j->c.name);
	cJSON_AddStringToObject(doc, "tenant", j->tenant);
	cJSON_AddStringToObject(doc, "started_by", j->run.started_by);
	cJSON_AddStringToObject(doc, "kind", j->kind);
	if (j->since[0])
		cJSON_AddStringToObject(doc, "since", j->since);
	if (j->o.approve_run)
		cJSON_AddNumberToObject(doc, "approves_run",
		                        (double)j->o.approve_run);
	cJSON_AddStringToObject(doc, "state", r->state);
	cw_time_format_iso(j->run.started_ms, at);
	cJSON_AddStringToObject(doc, "started_at", at);
	cw_time_format_iso(cw_time_now_ms(), at);
	cJSON_AddStringToObject(doc, "at", at);
	if (r->pulled && !j->o.approve_run)
		cJSON_AddItemToObject(doc, "pull", pull_json(&r->pull));
	if (r->import.held_reason[0])
		cJSON_AddStringToObject(doc, "held_reason",
		                        r->import.held_reason);
	if (ran_import) {
		char *import = cw_roster_import_report_json(&r->import);
		cJSON *parsed = import ? cJSON_Parse(import) : NULL;
		cJSON_free(import);
		if (parsed) {
			cJSON_AddItemToObject(parsed, "diagnostics",
			                      j->diagnostics);
			j->diagnostics = NULL;
			cJSON_AddNumberToObject(parsed, "diagnostics_not_shown",
			                        j->dropped);
			cJSON_AddItemToObject(doc, "import", parsed);
		}
	}
	if (!strcmp(r->state, "failed"))
		cJSON_AddStringToObject(doc, "error",
		                        r->pull.failure[0] ? r->pull.failure
		                        : r->import.failure[0]
		                                ? r->import.failure
		                                : cw_error_last());
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (!text)
		return NULL;
	char *copy = cw_strdup(text);
	cJSON_free(text);
	return copy;
}

/* Posts the report to the webhook: WEBHOOK_TRIES tries, 1 s then 2 s
 * apart; a webhook that stays down is logged (the run is recorded). */
static void notify(const cw_sync_job *j, const char *report)
{
	cw_fetch_options fo = { 65536, 10, NULL, NULL, j->o.public_only };
	long status = 0;
	int err = 0;
	if (!j->c.webhook_url || !report)
		return;
	for (int attempt = 0; attempt < WEBHOOK_TRIES; attempt++) {
		if (attempt)
			sleep((unsigned)attempt);
		if ((err = cw_net_post_json(&status, j->c.webhook_url, report,
		                            &fo)) == 0)
			return;
	}
	CW_LOG(CW_LOG_WARN, "sync_webhook_failed", "s:connection", j->c.name,
	       "s:url", j->c.webhook_url, "s:message", cw_error_last(), NULL);
}

/* ---- execute
 * ------------------------------------------------------------------- */

static const char *outcome(const cw_sync_result *r, int err)
{
	if (err < 0 || !r->import.state)
		return "failed";
	if (!strcmp(r->import.state, "pending"))
		return "held";
	if (!strcmp(r->import.state, "applied") ||
	    !strcmp(r->import.state, "unchanged") ||
	    !strcmp(r->import.state, "rejected"))
		return r->import.state;
	return "failed";
}

/* Approval: the held set, approved, unless a later import superseded the
 * held one (approving it would undo newer data). */
static int apply_held(cw_sync_job *j, cw_sync_result *r)
{
	cw_import_record rec;
	int err = cw_store_import_get(j->o.store, j->held_import_id, &rec);
	if (err < 0) {
		snprintf(r->pull.failure, sizeof(r->pull.failure),
		         "held import %lld: %s", (long long)j->held_import_id,
		         cw_error_last());
		return err;
	}
	int pending = strcmp(rec.state, "pending") == 0;
	if (!pending)
		snprintf(r->pull.failure, sizeof(r->pull.failure),
		         "the held import %lld is %s (a later import was "
		         "applied, or it expired): run the sync again",
		         (long long)rec.id, rec.state);
	cw_import_record_dispose(&rec);
	if (!pending) {
		(void)cw_store_sync_run_settle(j->o.store, j->o.approve_run,
		                               "approved", "superseded");
		cw_error_set("%s", r->pull.failure);
		return CW_EINVAL;
	}
	(void)cw_store_import_report(j->o.store, j->held_import_id, "approved",
	                             "{\"state\":\"approved\",\"reason\":"
	                             "\"approved: its sync run applies it\"}");
	r->pulled = 1;
	if (!is_stored(j->held_set))
		return import_set(j, r, j->held_set, 1);
	/* Kept in the store: imported from this node's copy. */
	cw_buf dir = CW_BUF_INIT(4200);
	if ((err = fetch_set(j, j->held_set, &dir)) < 0) {
		snprintf(r->pull.failure, sizeof(r->pull.failure), "%s",
		         cw_error_last());
		cw_buf_dispose(&dir);
		return err;
	}
	err = import_set(j, r, dir.data, 1);
	remove_dir(dir.data);
	cw_buf_dispose(&dir);
	return err;
}

int cw_sync_execute(cw_sync_job *j, cw_sync_result *r)
{
	cw_buf dir = CW_BUF_INIT(4096);
	int err;
	memset(r, 0, sizeof(*r));
	j->diagnostics = cJSON_CreateArray();
	err = j->o.approve_run ? apply_held(j, r) : pull_and_import(j, r, &dir);
	r->state = outcome(r, err);
	int held = !strcmp(r->state, "held");
	int advance =
	        !strcmp(r->state, "applied") || !strcmp(r->state, "unchanged");
	r->report = build_report(j, r, r->pulled && r->import.state);
	j->run.state = r->state;
	j->run.finished_ms = cw_time_now_ms();
	j->run.import_id = r->import.import_id;
	/* A held set is kept in the store (any node may approve it); on a
	 * store that cannot take it, in this data dir. */
	cw_buf stored = CW_BUF_INIT(600);
	if (held && dir.len && store_set(j, dir.data, &stored) < 0) {
		CW_LOG(CW_LOG_WARN, "sync_set_not_stored", "s:connection",
		       j->c.name, "s:message", cw_error_last(), NULL);
		cw_buf_clear(&stored);
	}
	j->run.held_set = !held || !dir.len ? NULL
	                  : stored.len      ? stored.data
	                                    : dir.data;
	j->run.report = r->report;
	int record = cw_store_sync_run_finish(j->o.store, &j->run,
	                                      advance ? "ok"
	                                      : held  ? "held"
	                                              : "failed",
	                                      advance);
	if ((!held || stored.len) && dir.len && !dir.error)
		remove_dir(dir.data);
	if (j->o.approve_run && !held)
		remove_set(j->o.store, j->held_set);
	cw_buf_dispose(&stored);
	stop_keeper(j);
	if (cw_store_sync_release(j->o.store, j->c.id, j->owner) == 0)
		j->leased = 0;
	CW_LOG(advance ? CW_LOG_INFO : CW_LOG_WARN, "sync_run", "s:connection",
	       j->c.name, "l:run", (long long)j->run.id, "s:kind", j->kind,
	       "s:state", r->state, "s:by", j->run.started_by, NULL);
	notify(j, r->report);
	cw_buf_dispose(&dir);
	return record;
}

typedef struct {
	char *sets[64];
	size_t count;
} held_sets;

static int keep_held_set(const cw_sync_run *r, void *payload)
{
	held_sets *h = payload;
	if (strcmp(r->state, "held") != 0 || !r->held_set || h->count == 64)
		return 0;
	return (h->sets[h->count++] = cw_strdup(r->held_set)) ? 0 : CW_ENOMEM;
}

int cw_sync_delete(cw_store *store, int64_t id)
{
	held_sets h = { { NULL }, 0 };
	int err = cw_store_sync_run_list(store, id, 0, 1000, keep_held_set, &h);
	if (err == 0)
		err = cw_store_sync_delete(store, id, cw_time_now_ms());
	for (size_t i = 0; i < h.count; i++) {
		if (err == 0)
			remove_set(store, h.sets[i]);
		cw_free(h.sets[i]);
	}
	return err;
}

cJSON *cw_sync_connection_json(const cw_sync_connection *c, const char *tenant)
{
	cJSON *o = cJSON_CreateObject(), *list;
	char at[CW_TIME_ISO_LEN];
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddNumberToObject(o, "tenant_id", (double)c->tenant_id);
	if (tenant)
		cJSON_AddStringToObject(o, "tenant", tenant);
	cJSON_AddStringToObject(o, "base_url", c->base_url);
	cJSON_AddStringToObject(o, "version", c->version);
	cJSON_AddStringToObject(o, "auth", c->auth);
	if (c->token_url)
		cJSON_AddStringToObject(o, "token_url", c->token_url);
	if (c->client_id)
		cJSON_AddStringToObject(o, "client_id", c->client_id);
	if (c->scope)
		cJSON_AddStringToObject(o, "scope", c->scope);
	cJSON_AddBoolToObject(o, "has_secret", c->secret_sealed != NULL);
	cJSON_AddNumberToObject(o, "page_size", (double)c->page_size);
	if (c->schedule)
		cJSON_AddStringToObject(o, "schedule", c->schedule);
	if (c->full_schedule)
		cJSON_AddStringToObject(o, "full_schedule", c->full_schedule);
	list = cJSON_AddArrayToObject(o, "blackouts");
	for (const char *p = c->blackouts; list && p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char one[32];
		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		cJSON_AddItemToArray(list, cJSON_CreateString(one));
		p = comma ? comma + 1 : p + n;
	}
	if (c->webhook_url)
		cJSON_AddStringToObject(o, "webhook", c->webhook_url);
	if (c->next_run_ms) {
		cw_time_format_iso(c->next_run_ms, at);
		cJSON_AddStringToObject(o, "next_run", at);
	}
	cJSON_AddBoolToObject(o, "running",
	                      c->lease_owner &&
	                              c->lease_until_ms >= cw_time_now_ms());
	if (c->cursor)
		cJSON_AddStringToObject(o, "cursor", c->cursor);
	if (c->last_full_ms) {
		cw_time_format_iso(c->last_full_ms, at);
		cJSON_AddStringToObject(o, "last_full", at);
	}
	if (c->last_state)
		cJSON_AddStringToObject(o, "last_state", c->last_state);
	cJSON *report = c->last_report ? cJSON_Parse(c->last_report) : NULL;
	if (report)
		cJSON_AddItemToObject(o, "last_report", report);
	return o;
}

void cw_sync_abandon(cw_sync_job *j, const char *why)
{
	cJSON *doc = cJSON_CreateObject();
	char *text = NULL;
	if (doc) {
		cJSON_AddNumberToObject(doc, "run_id", (double)j->run.id);
		cJSON_AddStringToObject(doc, "connection", j->c.name);
		cJSON_AddStringToObject(doc, "state", "failed");
		cJSON_AddStringToObject(doc, "error", why);
		text = cJSON_PrintUnformatted(doc);
		cJSON_Delete(doc);
	}
	if (j->o.approve_run) /* the held run waits again */
		(void)cw_store_sync_run_settle(j->o.store, j->o.approve_run,
		                               "approved", "held");
	j->run.state = "failed";
	j->run.finished_ms = cw_time_now_ms();
	j->run.report = text;
	(void)cw_store_sync_run_finish(j->o.store, &j->run, "failed", 0);
	j->run.report = NULL;
	cJSON_free(text);
}

char *cw_sync_run_json(const cw_sync_run *run)
{
	cJSON *doc = cJSON_CreateObject();
	char at[CW_TIME_ISO_LEN];
	char *text, *copy;
	if (!doc)
		return NULL;
	cJSON_AddNumberToObject(doc, "run_id", (double)run->id);
	cJSON_AddStringToObject(doc, "started_by", run->started_by);
	cJSON_AddStringToObject(doc, "kind", run->kind);
	cJSON_AddStringToObject(doc, "state", run->state);
	cw_time_format_iso(run->started_ms, at);
	cJSON_AddStringToObject(doc, "started_at", at);
	if (run->finished_ms) {
		cw_time_format_iso(run->finished_ms, at);
		cJSON_AddStringToObject(doc, "finished_at", at);
	}
	if (run->import_id)
		cJSON_AddNumberToObject(doc, "import_id",
		                        (double)run->import_id);
	cJSON *report = run->report ? cJSON_Parse(run->report) : NULL;
	if (report)
		cJSON_AddItemToObject(doc, "report", report);
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	copy = text ? cw_strdup(text) : NULL;
	cJSON_free(text);
	return copy;
}

/* ---- schedules
 * --------------------------------------------------------------- */

int cw_sync_next_firing(int64_t *next_ms, const char *schedule,
                        const char *blackouts, const char *zone,
                        int64_t after_ms)
{
	cw_blackout ranges[CW_BLACKOUTS_MAX];
	size_t count = 0;
	cw_cron cron;
	cw_tz *tz = NULL;
	int64_t next_s = 0;
	int err;
	*next_ms = 0;
	if (!schedule)
		return 0;
	if ((err = cw_cron_parse(&cron, schedule)) < 0 ||
	    (err = cw_blackouts_parse(ranges, &count, blackouts)) < 0 ||
	    (err = cw_tz_load(&tz, zone ? zone : "UTC")) < 0)
		return err == CW_ENOTFOUND ? CW_EINVAL : err;
	/* after_ms is counted down to whole seconds: the firing in that
	 * second has passed. */
	err = cw_cron_next_open(&next_s, &cron, tz, ranges, count,
	                        after_ms / 1000 - (after_ms % 1000 < 0));
	cw_tz_free(tz);
	if (err == 0)
		*next_ms = next_s * 1000;
	return err == CW_ENOTFOUND ? 0 : err;
}

int cw_sync_check(const cw_sync_connection *c)
{
	cw_blackout ranges[CW_BLACKOUTS_MAX];
	size_t count = 0;
	cw_cron cron;
	if (!c->version ||
	    (strcmp(c->version, "1.1") && strcmp(c->version, "1.2"))) {
		cw_error_set("version is 1.1 or 1.2");
		return CW_EINVAL;
	}
	if (!c->base_url || (strncmp(c->base_url, "http://", 7) != 0 &&
	                     strncmp(c->base_url, "https://", 8) != 0)) {
		cw_error_set("base URL: expected an http:// or https:// URL");
		return CW_EINVAL;
	}
	if (c->page_size < 1 || c->page_size > 10000) {
		cw_error_set("page size is 1 to 10000, not %ld", c->page_size);
		return CW_EINVAL;
	}
	const char *const crons[2] = { c->schedule, c->full_schedule };
	for (int i = 0; i < 2; i++) {
		char why[400];
		if (!crons[i] || cw_cron_parse(&cron, crons[i]) == 0)
			continue;
		snprintf(why, sizeof(why), "%s", cw_error_last());
		cw_error_set("%s: %s", i ? "full schedule" : "schedule", why);
		return CW_EINVAL;
	}
	int64_t next = 0;
	if (c->schedule &&
	    cw_sync_next_firing(&next, c->schedule, NULL, "UTC",
	                        cw_time_now_ms()) == 0 &&
	    next == 0) {
		cw_error_set("schedule: \"%s\" never fires (no such date)",
		             c->schedule);
		return CW_EINVAL;
	}
	if (cw_blackouts_parse(ranges, &count, c->blackouts) < 0)
		return CW_EINVAL;
	if (c->webhook_url && strncmp(c->webhook_url, "http://", 7) != 0 &&
	    strncmp(c->webhook_url, "https://", 8) != 0) {
		cw_error_set("webhook: expected an http:// or https:// URL");
		return CW_EINVAL;
	}
	return 0;
}
