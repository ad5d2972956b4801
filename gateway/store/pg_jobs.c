/* The job queue on PostgreSQL (migration 0015). Nodes claim jobs at once
 * without waiting on each other: the oldest claimable row is locked with
 * FOR UPDATE SKIP LOCKED and taken in the same statement, so a row another
 * node is taking is passed over, never claimed twice. The scheduler's
 * leadership is a session advisory lock on a connection kept for it: the
 * lock lives exactly as long as that session, so a node that dies lets it
 * go. */
#include "store/pg_internal.h"

#include "util/error.h"
#include "util/timeutil.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOB_COLUMNS                                                            \
	"id, tenant_id, kind, ref_id, args, state, owner, lease_until_ms, "    \
	"not_before_ms, attempts, max_attempts, created_ms, updated_ms, "      \
	"error, result"

/* Advisory lock keys of named leaderships: a range of their own. */
#define LEAD_KEY_BASE ((int64_t)0x6379 << 48)

typedef struct {
	cw_job_cb cb;
	void *payload;
} job_reader;

static int read_jobs(const PGresult *res, job_reader *r)
{
	int err = 0;

	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		cw_job job = {
			.id = cw_pg__get_int(res, i, 0),
			.tenant_id = cw_pg__get_int(res, i, 1),
			.kind = cw_pg__get_text(res, i, 2),
			.ref_id = cw_pg__get_int(res, i, 3),
			.args = cw_pg__get_text(res, i, 4),
			.state = cw_pg__get_text(res, i, 5),
			.owner = cw_pg__get_text(res, i, 6),
			.lease_until_ms = cw_pg__get_int(res, i, 7),
			.not_before_ms = cw_pg__get_int(res, i, 8),
			.attempts = (int)cw_pg__get_int(res, i, 9),
			.max_attempts = (int)cw_pg__get_int(res, i, 10),
			.created_ms = cw_pg__get_int(res, i, 11),
			.updated_ms = cw_pg__get_int(res, i, 12),
			.error = cw_pg__get_text(res, i, 13),
			.result = cw_pg__get_text(res, i, 14),
		};
		if (r->cb)
			err = r->cb(&job, r->payload);
	}
	return err;
}

/* One statement; its rows to r (may be NULL); *changed its count. */
static int run_jobs(cw_store *store, const char *what, const char *sql, int n,
                    const char *const *params, job_reader *r, int *changed)
{
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, what, &res, sql, n, params);

	if (err == 0 && changed)
		*changed = cw_pg__changed(res);
	if (err == 0 && r)
		err = read_jobs(res, r);
	PQclear(res);
	return err;
}

static int held_by_owner(int err, int changed, int64_t id)
{
	if (err == 0 && changed == 0) {
		cw_error_set("job %lld is no longer this node's",
		             (long long)id);
		return CW_ENOTFOUND;
	}
	return err;
}

int cw_pg__job_add(cw_store *store, const cw_job *job, int64_t *id)
{
	char tenant[CW_PG_INT_TEXT], ref[CW_PG_INT_TEXT], lease[CW_PG_INT_TEXT],
	        due[CW_PG_INT_TEXT], tries[CW_PG_INT_TEXT], max[CW_PG_INT_TEXT],
	        now[CW_PG_INT_TEXT];
	const char *params[11] = {
		cw_pg__int(tenant, job->tenant_id),
		job->kind,
		cw_pg__int(ref, job->ref_id),
		job->args,
		job->state,
		job->owner,
		cw_pg__int(lease, job->lease_until_ms),
		cw_pg__int(due, job->not_before_ms),
		cw_pg__int(tries, strcmp(job->state, "running") == 0),
		cw_pg__int(max, job->max_attempts > 0 ? job->max_attempts : 3),
		cw_pg__int(now, job->created_ms),
	};
	PGresult *res = NULL;
	int err = cw_pg__run(
	        (pg_store *)store, "adding a job", &res,
	        "INSERT INTO jobs (tenant_id, kind, ref_id, args, state, "
	        "owner, "
	        "lease_until_ms, not_before_ms, attempts, max_attempts, "
	        "created_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, "
	        "$8, "
	        "$9, $10, $11, $11) RETURNING id",
	        11, params);

	if (err == 0)
		*id = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	return err;
}

/* The two kinds of claimable job, each found through the index on
 * (state, id) (one OR of both would scan the table): queued ones that are
 * due, then running ones whose lease ran out with attempts left. */
static const char *const claimable[2] = {
	"state = 'queued' AND not_before_ms <= $1",
	"state = 'running' AND lease_until_ms < $1 AND attempts < "
	"max_attempts",
};

int cw_pg__job_claim(cw_store *store, const char *owner, int64_t now_ms,
                     int64_t until_ms, cw_job_cb cb, void *payload)
{
	char now[CW_PG_INT_TEXT], until[CW_PG_INT_TEXT], sql[768];
	const char *params[3] = { cw_pg__int(now, now_ms),
		                  cw_pg__int(until, until_ms), owner };
	job_reader r = { cb, payload };
	int changed = 0, err = 0;

	for (int i = 0; err == 0 && changed == 0 && i < 2; i++) {
		snprintf(
		        sql, sizeof(sql),
		        "UPDATE jobs SET state = 'running', owner = $3, "
		        "lease_until_ms = $2, attempts = attempts + 1, "
		        "updated_ms = $1 WHERE id = (SELECT id FROM jobs WHERE "
		        "%s ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
		        "RETURNING " JOB_COLUMNS,
		        claimable[i]);
		err = run_jobs(store, "claiming a job", sql, 3, params, &r,
		               &changed);
	}
	if (err == 0 && changed == 0) {
		cw_error_set("no job to claim");
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_pg__job_renew(cw_store *store, int64_t id, const char *owner,
                     int64_t until_ms, int64_t ref_id)
{
	char job[CW_PG_INT_TEXT], until[CW_PG_INT_TEXT], ref[CW_PG_INT_TEXT];
	const char *params[4] = { cw_pg__int(job, id),
		                  cw_pg__int(until, until_ms), owner,
		                  cw_pg__int(ref, ref_id) };
	int changed = 0;
	int err =
	        run_jobs(store, "renewing a job's lease",
	                 "UPDATE jobs SET lease_until_ms = $2, ref_id = CASE "
	                 "WHEN $4::bigint > 0 THEN $4::bigint ELSE ref_id END "
	                 "WHERE id = $1 AND owner = $3 AND state = 'running'",
	                 4, params, NULL, &changed);

	return held_by_owner(err, changed, id);
}

int cw_pg__job_finish(cw_store *store, int64_t id, const char *owner,
                      const char *state, int64_t not_before_ms,
                      const char *error)
{
	char job[CW_PG_INT_TEXT], due[CW_PG_INT_TEXT], now[CW_PG_INT_TEXT];
	const char *params[6] = { cw_pg__int(job, id),
		                  cw_pg__int(due, not_before_ms),
		                  state,
		                  error,
		                  cw_pg__int(now, cw_time_now_ms()),
		                  owner };
	int changed = 0;
	int err = run_jobs(
	        store, "ending a job",
	        "UPDATE jobs SET state = $3, owner = NULL, lease_until_ms = 0, "
	        "not_before_ms = $2, error = $4, attempts = attempts - CASE "
	        "WHEN $3 = 'queued' THEN 1 ELSE 0 END, updated_ms = $5 WHERE "
	        "id = $1 AND owner = $6 AND state = 'running'",
	        6, params, NULL, &changed);

	return held_by_owner(err, changed, id);
}

int cw_pg__job_expire(cw_store *store, int64_t now_ms, cw_job_cb cb,
                      void *payload)
{
	char now[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(now, now_ms) };
	job_reader r = { cb, payload };

	return run_jobs(
	        store, "failing abandoned jobs",
	        "UPDATE jobs SET state = 'failed', owner = NULL, error = 'its "
	        "node stopped during each of its ' || attempts || ' attempts', "
	        "updated_ms = $1 WHERE state = 'running' AND lease_until_ms < "
	        "$1 AND attempts >= max_attempts RETURNING " JOB_COLUMNS,
	        1, params, &r, NULL);
}

int cw_pg__job_list(cw_store *store, int64_t tenant_id, int64_t id,
                    const char *state, size_t limit, cw_job_cb cb,
                    void *payload)
{
	char tenant[CW_PG_INT_TEXT], job[CW_PG_INT_TEXT], most[CW_PG_INT_TEXT];
	const char *params[4] = { cw_pg__int(tenant, tenant_id),
		                  cw_pg__int(job, id), state,
		                  limit ? cw_pg__int(most, (int64_t)limit)
		                        : NULL };
	job_reader r = { cb, payload };
	PGresult *res = NULL;
	int err = cw_pg__run(
	        (pg_store *)store, "listing jobs", &res,
	        "SELECT " JOB_COLUMNS " FROM jobs WHERE ($1 = 0 OR "
	        "tenant_id = $1) AND ($2 = 0 OR id = $2) AND ($3::text "
	        "IS NULL OR state = $3) ORDER BY id DESC LIMIT "
	        "$4::bigint",
	        4, params);

	if (err == 0 && id && PQntuples(res) == 0) {
		cw_error_set("no such job");
		err = CW_ENOTFOUND;
	}
	if (err == 0)
		err = read_jobs(res, &r);
	PQclear(res);
	return err;
}

int cw_pg__job_result(cw_store *store, int64_t id, const char *owner,
                      const char *result)
{
	char job[CW_PG_INT_TEXT];
	const char *params[3] = { cw_pg__int(job, id), owner, result };
	int changed = 0;
	int err =
	        run_jobs(store, "recording a job's result",
	                 "UPDATE jobs SET result = $3 WHERE id = $1 AND owner "
	                 "= $2 AND state = 'running'",
	                 3, params, NULL, &changed);

	return held_by_owner(err, changed, id);
}

int cw_pg__job_prune(cw_store *store, int64_t before_ms, int *deleted)
{
	char before[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(before, before_ms) };

	*deleted = 0;
	return run_jobs(store, "pruning jobs",
	                "DELETE FROM jobs WHERE state IN ('done', 'failed') "
	                "AND updated_ms < $1",
	                1, params, NULL, deleted);
}

/* FNV-1a of name: the low bits of its lock key. */
static int64_t lead_key(const char *name)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return LEAD_KEY_BASE | h;
}

/* Whether the kept session still answers (its lock lives with it). */
static int leader_alive(pg_connection *c)
{
	PGresult *res = PQexec(c->conn, "SELECT 1");
	int alive = PQresultStatus(res) == PGRES_TUPLES_OK;

	PQclear(res);
	return alive && PQstatus(c->conn) == CONNECTION_OK;
}

static int holds_key(const pg_store *s, int64_t key)
{
	for (int i = 0; i < s->lead_count; i++)
		if (s->lead_keys[i] == key)
			return 1;
	return 0;
}

int cw_pg__job_lead(cw_store *store, const char *name, const char *owner,
                    int64_t now_ms, int64_t until_ms, int *held)
{
	pg_store *s = (pg_store *)store;
	int64_t k = lead_key(name);
	char key[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(key, k) };
	PGresult *res = NULL;
	int err;

	(void)owner, (void)now_ms, (void)until_ms;
	*held = 0;
	if (s->leader && !leader_alive(s->leader)) {
		/* The session ended, and its locks with it. */
		cw_pg__release(s, s->leader);
		s->leader = NULL;
		s->lead_count = 0;
	}
	if (s->leader && holds_key(s, k)) {
		*held = 1;
		return 0;
	}
	if (!s->leader && (err = cw_pg__acquire(s, &s->leader)) < 0) {
		s->leader = NULL;
		return err;
	}
	err = cw_pg__query(s->leader, "taking a leadership's lock", &res,
	                   "SELECT pg_try_advisory_lock($1::bigint)", 1,
	                   params);
	if (err == 0 && strcmp(PQgetvalue(res, 0, 0), "t") == 0 &&
	    s->lead_count < (int)(sizeof(s->lead_keys) / sizeof(k))) {
		s->lead_keys[s->lead_count++] = k;
		*held = 1;
	} else if (err == 0 && strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
		cw_pg__query(s->leader, "letting a leadership go", NULL,
		             "SELECT pg_advisory_unlock($1::bigint)", 1,
		             params);
		cw_error_set("too many leaderships on one store");
		err = CW_ETOOBIG;
	}
	PQclear(res);
	if (s->lead_count == 0) {
		/* A session without locks goes back to the pool. */
		cw_pg__release(s, s->leader);
		s->leader = NULL;
	}
	return err;
}

void cw_pg__leader_free(pg_store *s)
{
	if (!s->leader)
		return;
	/* Let go before the session goes back to the pool. */
	cw_pg__exec(s->leader, "SELECT pg_advisory_unlock_all()",
	            "letting the scheduler's lock go");
	cw_pg__release(s, s->leader);
	s->leader = NULL;
	s->lead_count = 0;
}
