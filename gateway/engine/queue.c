/* The job queue: this node's running jobs in a list the queue thread walks
 * to renew their leases; the same thread claims due and abandoned jobs of
 * every node while this one has room. */
#include "engine/queue.h"

#include "engine/ctx.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/timeutil.h"

#include <errno.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS     1000L /* how often the queue looks for claimable jobs */
#define EXPIRE_MS   5000L /* and for abandoned ones out of attempts */
#define BUSY_RETRY  2000L /* a job that could not run now waits this long */
#define MAX_RUNNING 64

struct cw_queue_job {
	cw_queue *q;
	const cw_queue_handler *handler;
	int64_t id, tenant_id, ref_id;
	int attempt;
	cJSON *args;
	void *local;
	volatile int cancel;
	int lost; /* the lease went to another node */
	struct cw_queue_job *next;
};

struct cw_queue {
	cw_ctx *ctx;
	const cw_queue_handler *handlers;
	size_t count;
	int max_running;
	int64_t lease_ms;
	char owner[128];
	pthread_mutex_t lock;
	pthread_cond_t wake;
	cw_queue_job *running; /* under lock */
	int reserved;          /* slots taken: running plus starting */
	int stopping;
	int started;
	pthread_t thread;
};

static const cw_queue_handler *handler_of(const cw_queue *q, const char *kind)
{
	for (size_t i = 0; kind && i < q->count; i++)
		if (strcmp(q->handlers[i].kind, kind) == 0)
			return &q->handlers[i];
	return NULL;
}

int cw_queue_new(cw_queue **out, cw_ctx *ctx, const cw_queue_handler *handlers,
                 size_t count, int max_running, int64_t lease_ms)
{
	static atomic_int counter;
	cw_queue *q = cw_calloc(1, sizeof(*q));
	char host[64] = "host";

	*out = NULL;
	if (!q)
		return CW_ENOMEM;
	if (pthread_mutex_init(&q->lock, NULL) != 0) {
		cw_free(q);
		return CW_ENOMEM;
	}
	if (pthread_cond_init(&q->wake, NULL) != 0) {
		pthread_mutex_destroy(&q->lock);
		cw_free(q);
		return CW_ENOMEM;
	}
	q->ctx = ctx;
	q->handlers = handlers;
	q->count = count;
	q->max_running = max_running < 1             ? 1
	                 : max_running > MAX_RUNNING ? MAX_RUNNING
	                                             : max_running;
	q->lease_ms = lease_ms;
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = '\0';
	snprintf(q->owner, sizeof(q->owner), "%s:%ld:%lld:q%d", host,
	         (long)getpid(), (long long)cw_time_now_ms(),
	         atomic_fetch_add(&counter, 1));
	*out = q;
	return 0;
}

const char *cw_queue_owner(const cw_queue *q)
{
	return q->owner;
}

static void job_free(cw_queue_job *job)
{
	if (!job)
		return;
	if (job->local && job->handler && job->handler->free_local)
		job->handler->free_local(job->local);
	cJSON_Delete(job->args);
	cw_free(job);
}

static cw_queue_job *job_new(cw_queue *q, const cw_queue_handler *h,
                             const cw_job *row, void *local)
{
	cw_queue_job *job = cw_calloc(1, sizeof(*job));

	if (!job)
		return NULL;
	job->q = q;
	job->handler = h;
	job->id = row->id;
	job->tenant_id = row->tenant_id;
	job->ref_id = row->ref_id;
	job->attempt = row->attempts;
	job->args = row->args ? cJSON_Parse(row->args) : NULL;
	job->local = local;
	return job;
}

/* Takes job off the running list and gives its slot back. */
static void unlist(cw_queue *q, cw_queue_job *job)
{
	pthread_mutex_lock(&q->lock);
	for (cw_queue_job **p = &q->running; *p; p = &(*p)->next)
		if (*p == job) {
			*p = job->next;
			break;
		}
	q->reserved--;
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
}

/* Records how the attempt ended: done, failed, or handed back. */
static void finish(cw_queue *q, cw_queue_job *job, int err)
{
	const char *state = err == 0                                 ? "done"
	                    : err == CW_EBUSY || err == CW_ECANCELED ? "queued"
	                                                             : "failed";
	int64_t due = err == CW_EBUSY ? cw_time_now_ms() + BUSY_RETRY : 0;
	char why[512] = "";

	if (err < 0)
		snprintf(why, sizeof(why), "%s", cw_error_last());
	if (job->lost) {
		CW_LOG(CW_LOG_WARN, "job_lease_lost", "l:job",
		       (long long)job->id, "s:kind", job->handler->kind, NULL);
		return;
	}
	if (cw_store_job_finish(q->ctx->store, job->id, q->owner, state, due,
	                        err < 0 ? why : NULL) < 0)
		CW_LOG(CW_LOG_WARN, "job_finish_failed", "l:job",
		       (long long)job->id, "s:message", cw_error_last(), NULL);
	CW_LOG(err == 0 || err == CW_EBUSY || err == CW_ECANCELED ? CW_LOG_INFO
	                                                          : CW_LOG_WARN,
	       "job_ended", "l:job", (long long)job->id, "s:kind",
	       job->handler->kind, "i:attempt", job->attempt, "s:state", state,
	       "s:error", err < 0 ? why : NULL, NULL);
}

static void job_main(void *arg)
{
	cw_queue_job *job = arg;
	cw_queue *q = job->q;
	void *local = job->local;
	int err;

	job->local = NULL;
	err = job->handler->run(q->ctx, job, local);
	if (local && job->handler->free_local)
		job->handler->free_local(local);
	if (err < 0 && err != CW_EBUSY && job->cancel)
		err = CW_ECANCELED;
	finish(q, job, err);
}

static void job_done(void *arg)
{
	cw_queue_job *job = arg;

	unlist(job->q, job);
	job_free(job);
}

/* Runs a job whose slot is reserved and whose row is this node's. */
static void run_here(cw_queue *q, cw_queue_job *job)
{
	pthread_mutex_lock(&q->lock);
	job->next = q->running;
	q->running = job;
	if (q->stopping)
		job->cancel = 1;
	pthread_mutex_unlock(&q->lock);
	if (cw_jobs_start(q->ctx->jobs, job_main, job, job_done) < 0) {
		/* job_done ran: the slot and the row are given back. */
		CW_LOG(CW_LOG_WARN, "job_not_started", "s:message",
		       cw_error_last(), NULL);
	}
}

static int reserve(cw_queue *q)
{
	int ok;

	pthread_mutex_lock(&q->lock);
	ok = !q->stopping && q->reserved < q->max_running;
	if (ok)
		q->reserved++;
	pthread_mutex_unlock(&q->lock);
	return ok;
}

static void unreserve(cw_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->reserved--;
	pthread_mutex_unlock(&q->lock);
}

int cw_queue_submit(cw_queue *q, const char *kind, int64_t tenant_id,
                    int64_t ref_id, const char *args, int max_attempts,
                    void *local, int64_t *id)
{
	const cw_queue_handler *h = handler_of(q, kind);
	int64_t now = cw_time_now_ms();
	cw_job row = { .tenant_id = tenant_id,
		       .ref_id = ref_id,
		       .kind = kind,
		       .args = args,
		       .state = "running",
		       .owner = q->owner,
		       .lease_until_ms = now + q->lease_ms,
		       .attempts = 1,
		       .max_attempts = max_attempts,
		       .created_ms = now };
	cw_queue_job *job = NULL;
	int err;

	if (!h) {
		cw_error_set("no handler for jobs of kind %s", kind);
		err = CW_EINVAL;
		goto fail;
	}
	if (!reserve(q)) {
		cw_error_set("%d jobs are running on this node; try again "
		             "later",
		             q->max_running);
		err = CW_ETOOBIG;
		goto fail;
	}
	if ((err = cw_store_job_add(q->ctx->store, &row, &row.id)) < 0 ||
	    !(job = job_new(q, h, &row, local))) {
		unreserve(q);
		if (err == 0) {
			/* Recorded but not started: any node's queue
			 * retries it once the lease runs out. */
			err = CW_ENOMEM;
		}
		goto fail;
	}
	if (id)
		*id = row.id;
	run_here(q, job);
	pthread_cond_broadcast(&q->wake);
	return 0;
fail:
	if (local && h && h->free_local)
		h->free_local(local);
	return err;
}

/* ---- the queue thread ------------------------------------------------------
 */

typedef struct {
	cw_queue *q;
	cw_queue_job *job;
	int unknown;
} claiming;

static int on_claimed(const cw_job *row, void *payload)
{
	claiming *c = payload;
	const cw_queue_handler *h = handler_of(c->q, row->kind);

	if (!h) {
		c->unknown = 1;
		return 0;
	}
	c->job = job_new(c->q, h, row, NULL);
	return c->job ? 0 : CW_ENOMEM;
}

/* Claims jobs while this node has room; 1 when there may be more. */
static void claim_some(cw_queue *q, int64_t now)
{
	while (reserve(q)) {
		claiming c = { q, NULL, 0 };
		int err = cw_store_job_claim(q->ctx->store, q->owner, now,
		                             now + q->lease_ms, on_claimed, &c);

		if (err < 0 || !c.job) {
			unreserve(q);
			if (err == CW_ENOTFOUND)
				return;
			CW_LOG(CW_LOG_WARN, "job_claim_failed", "s:message",
			       c.unknown ? "a job of a kind this node does "
			                   "not run"
			                 : cw_error_last(),
			       NULL);
			return;
		}
		CW_LOG(CW_LOG_INFO, "job_claimed", "l:job",
		       (long long)c.job->id, "s:kind", c.job->handler->kind,
		       "i:attempt", c.job->attempt, NULL);
		run_here(q, c.job);
	}
}

/* Renews this node's leases; a lease lost cancels its job. */
static void renew_all(cw_queue *q, int64_t now)
{
	int64_t ids[MAX_RUNNING], refs[MAX_RUNNING];
	int n = 0;

	pthread_mutex_lock(&q->lock);
	for (cw_queue_job *j = q->running; j && n < MAX_RUNNING; j = j->next) {
		ids[n] = j->id;
		refs[n++] = j->ref_id;
	}
	pthread_mutex_unlock(&q->lock);
	for (int i = 0; i < n; i++) {
		int err = cw_store_job_renew(q->ctx->store, ids[i], q->owner,
		                             now + q->lease_ms, refs[i]);

		if (err != CW_ENOTFOUND) {
			if (err < 0)
				CW_LOG(CW_LOG_WARN, "job_renew_failed", "l:job",
				       (long long)ids[i], "s:message",
				       cw_error_last(), NULL);
			continue;
		}
		pthread_mutex_lock(&q->lock);
		for (cw_queue_job *j = q->running; j; j = j->next)
			if (j->id == ids[i]) {
				j->lost = 1;
				j->cancel = 1;
			}
		pthread_mutex_unlock(&q->lock);
	}
}

static int on_abandoned(const cw_job *row, void *payload)
{
	cw_queue *q = payload;
	const cw_queue_handler *h = handler_of(q, row->kind);

	CW_LOG(CW_LOG_WARN, "job_abandoned", "l:job", (long long)row->id,
	       "s:kind", row->kind, "i:attempts", row->attempts, NULL);
	if (h && h->abandoned)
		h->abandoned(q->ctx, row);
	return 0;
}

static void *queue_main(void *arg)
{
	cw_queue *q = arg;
	int64_t next_renew = 0, next_expire = 0;

	for (;;) {
		struct timespec until;
		int64_t now;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += POLL_MS / 1000;
		pthread_mutex_lock(&q->lock);
		if (!q->stopping)
			pthread_cond_timedwait(&q->wake, &q->lock, &until);
		if (q->stopping) {
			pthread_mutex_unlock(&q->lock);
			break;
		}
		pthread_mutex_unlock(&q->lock);
		now = cw_time_now_ms();
		if (now >= next_renew) {
			renew_all(q, now);
			next_renew = now + q->lease_ms / 3;
		}
		if (now >= next_expire) {
			if (cw_store_job_expire(q->ctx->store, now,
			                        on_abandoned, q) < 0)
				CW_LOG(CW_LOG_WARN, "job_expire_failed",
				       "s:message", cw_error_last(), NULL);
			next_expire = now + EXPIRE_MS;
		}
		claim_some(q, now);
	}
	return NULL;
}

int cw_queue_start(cw_queue *q)
{
	if (pthread_create(&q->thread, NULL, queue_main, q) != 0) {
		cw_error_set("cannot start the job queue's thread");
		return CW_ENOMEM;
	}
	q->started = 1;
	return 0;
}

void cw_queue_stop(cw_queue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = 1;
	for (cw_queue_job *j = q->running; j; j = j->next)
		j->cancel = 1;
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
	if (q->started)
		pthread_join(q->thread, NULL);
	q->started = 0;
}

void cw_queue_free(cw_queue *q)
{
	if (!q)
		return;
	cw_queue_stop(q);
	pthread_cond_destroy(&q->wake);
	pthread_mutex_destroy(&q->lock);
	cw_free(q);
}

/* ---- for handlers ----------------------------------------------------------
 */

int64_t cw_queue_job_id(const cw_queue_job *job)
{
	return job->id;
}

int64_t cw_queue_job_tenant(const cw_queue_job *job)
{
	return job->tenant_id;
}

int64_t cw_queue_job_ref(const cw_queue_job *job)
{
	return job->ref_id;
}

int cw_queue_job_attempt(const cw_queue_job *job)
{
	return job->attempt;
}

const cJSON *cw_queue_job_args(const cw_queue_job *job)
{
	return job->args;
}

volatile int *cw_queue_job_cancel(cw_queue_job *job)
{
	return &job->cancel;
}

int cw_queue_job_set_ref(cw_queue_job *job, int64_t ref_id)
{
	cw_queue *q = job->q;

	pthread_mutex_lock(&q->lock);
	job->ref_id = ref_id;
	pthread_mutex_unlock(&q->lock);
	return cw_store_job_renew(q->ctx->store, job->id, q->owner,
	                          cw_time_now_ms() + q->lease_ms, ref_id);
}

int cw_queue_job_set_result(cw_queue_job *job, const char *result)
{
	return cw_store_job_result(job->q->ctx->store, job->id, job->q->owner,
	                           result);
}

cJSON *cw_queue_job_json(const cw_job *j)
{
	cJSON *doc = cJSON_CreateObject();

	if (!doc)
		return NULL;
	cJSON_AddNumberToObject(doc, "id", (double)j->id);
	cJSON_AddNumberToObject(doc, "tenant_id", (double)j->tenant_id);
	cJSON_AddStringToObject(doc, "kind", j->kind);
	cJSON_AddNumberToObject(doc, "ref_id", (double)j->ref_id);
	cJSON_AddStringToObject(doc, "state", j->state);
	cJSON_AddNumberToObject(doc, "attempts", j->attempts);
	cJSON_AddNumberToObject(doc, "max_attempts", j->max_attempts);
	if (j->owner)
		cJSON_AddStringToObject(doc, "owner", j->owner);
	if (j->lease_until_ms)
		cJSON_AddNumberToObject(doc, "lease_until_ms",
		                        (double)j->lease_until_ms);
	cJSON_AddNumberToObject(doc, "created_ms", (double)j->created_ms);
	cJSON_AddNumberToObject(doc, "updated_ms", (double)j->updated_ms);
	if (j->error)
		cJSON_AddStringToObject(doc, "error", j->error);
	cJSON *args = j->args ? cJSON_Parse(j->args) : NULL;
	if (args)
		cJSON_AddItemToObject(doc, "args", args);
	cJSON *result = j->result ? cJSON_Parse(j->result) : NULL;
	if (result)
		cJSON_AddItemToObject(doc, "result", result);
	return doc;
}

typedef struct {
	int64_t id;
	cw_tenant *out;
	int found;
} tenant_search;

static int match_tenant(const cw_tenant *t, void *payload)
{
	tenant_search *s = payload;

	if (t->id == s->id && !s->found) {
		*s->out = *t;
		s->found = 1;
	}
	return 0;
}

int cw_queue_job_tenant_row(cw_queue_job *job, cw_tenant *out)
{
	tenant_search s = { job->tenant_id, out, 0 };
	int err = cw_store_tenant_list(job->q->ctx->store, match_tenant, &s);

	if (err == 0 && !s.found) {
		cw_error_set("job %lld's tenant is gone", (long long)job->id);
		err = CW_ENOTFOUND;
	}
	return err;
}

/* ---- jobs' inputs
 * ------------------------------------------------------------ */

/* DATA_DIR/uploads (made when absent), where a blob passes through a file. */
static int uploads_dir(char *out, size_t n, const cw_ctx *ctx)
{
	if ((size_t)snprintf(out, n, "%s/uploads", ctx->data_dir) >= n) {
		cw_error_set("the data dir's path is too long");
		return CW_ETOOBIG;
	}
	if (mkdir(out, 0700) != 0 && errno != EEXIST) {
		cw_error_set("%s: %s", out, strerror(errno));
		return CW_EIO;
	}
	return 0;
}

int cw_queue_input_put(cw_ctx *ctx, int64_t tenant_id, const char *prefix,
                       const void *data, size_t len, char name[64])
{
	char dir[4096], path[4200];
	int err = uploads_dir(dir, sizeof(dir), ctx);

	/* mkstemp's name is unique on this node; another node's may clash
	 * (the store says so), then a new one is tried. */
	for (int tries = 0; err == 0 && tries < 3; tries++) {
		int fd;
		if ((size_t)snprintf(path, sizeof(path), "%s/%.16s-XXXXXX", dir,
		                     prefix) >= sizeof(path))
			return CW_ETOOBIG;
		if ((fd = mkstemp(path)) < 0) {
			cw_error_set("%s: %s", path, strerror(errno));
			return CW_EIO;
		}
		if (write(fd, data, len) != (ssize_t)len) {
			cw_error_set("%s: %s", path, strerror(errno));
			err = CW_EIO;
		}
		if (close(fd) != 0 && err == 0) {
			cw_error_set("%s: %s", path, strerror(errno));
			err = CW_EIO;
		}
		snprintf(name, 64, "%s", strrchr(path, '/') + 1);
		if (err == 0)
			err = cw_store_blob_put(ctx->store, tenant_id, name,
			                        path);
		unlink(path);
		if (err != CW_EEXISTS)
			return err;
		err = 0;
	}
	return err < 0 ? err : CW_EEXISTS;
}

int cw_queue_input_get(cw_ctx *ctx, const char *name, size_t max, char **data,
                       size_t *len)
{
	char dir[4096], path[4200];
	int err = uploads_dir(dir, sizeof(dir), ctx);

	if (err < 0)
		return err;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.job", dir, name) >=
	    sizeof(path)) {
		cw_error_set("the input's name is too long");
		return CW_ETOOBIG;
	}
	if ((err = cw_store_blob_get(ctx->store, name, path)) == 0)
		err = cw_file_read(data, len, path, max);
	unlink(path);
	return err;
}
