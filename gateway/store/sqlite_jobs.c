/* The job queue on SQLite (migration 0015): one writer at a time, so a
 * claim is a plain UPDATE … RETURNING of the oldest claimable row; the
 * scheduler's leadership is a lease row. */
#include "store/sqlite_internal.h"

#include "util/error.h"
#include "util/timeutil.h"

#include <sqlite3.h>
#include <string.h>

#define JOB_COLUMNS                                                            \
	"id, tenant_id, kind, ref_id, args, state, owner, lease_until_ms, "    \
	"not_before_ms, attempts, max_attempts, created_ms, updated_ms, "      \
	"error, result"

typedef struct {
	cw_job_cb cb;
	void *payload;
} job_reader;

static int read_job(sqlite3_stmt *st, void *payload)
{
	job_reader *r = payload;
	cw_job job = {
		.id = sqlite3_column_int64(st, 0),
		.tenant_id = sqlite3_column_int64(st, 1),
		.kind = cw_sqlite__text(st, 2),
		.ref_id = sqlite3_column_int64(st, 3),
		.args = cw_sqlite__text(st, 4),
		.state = cw_sqlite__text(st, 5),
		.owner = cw_sqlite__text(st, 6),
		.lease_until_ms = sqlite3_column_int64(st, 7),
		.not_before_ms = sqlite3_column_int64(st, 8),
		.attempts = sqlite3_column_int(st, 9),
		.max_attempts = sqlite3_column_int(st, 10),
		.created_ms = sqlite3_column_int64(st, 11),
		.updated_ms = sqlite3_column_int64(st, 12),
		.error = cw_sqlite__text(st, 13),
		.result = cw_sqlite__text(st, 14),
	};
	return r->cb ? r->cb(&job, r->payload) : 0;
}

/* CW_ENOTFOUND with a message when no row changed. */
static int held_by_owner(int err, int changes, int64_t id)
{
	if (err == 0 && changes == 0) {
		cw_error_set("job %lld is no longer this node's",
		             (long long)id);
		return CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__job_add(cw_store *store, const cw_job *job, int64_t *id)
{
	sqlite3 *db = NULL;
	connection *conn = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        "INSERT INTO jobs (tenant_id, kind, ref_id, args, state, "
	        "owner, "
	        "lease_until_ms, not_before_ms, attempts, max_attempts, "
	        "created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	        "?8, ?9, ?10, ?11, ?11)",
	        NULL, NULL, NULL, NULL, "ititttiiiii", job->tenant_id,
	        job->kind, job->ref_id, job->args, job->state, job->owner,
	        job->lease_until_ms, job->not_before_ms,
	        (int64_t)(strcmp(job->state, "running") == 0),
	        (int64_t)(job->max_attempts > 0 ? job->max_attempts : 3),
	        job->created_ms);
	if (err == 0)
		*id = sqlite3_last_insert_rowid(db);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

/* The jobs a claim may take at ?1 (now). */
#define CLAIMABLE                                                              \
	"state IN ('queued', 'running') AND ((state = 'queued' AND "           \
	"not_before_ms <= ?1) OR (state = 'running' AND lease_until_ms < "     \
	"?1 AND attempts < max_attempts))"

int cw_sqlite__job_claim(cw_store *store, const char *owner, int64_t now_ms,
                         int64_t until_ms, cw_job_cb cb, void *payload)
{
	job_reader r = { cb, payload };
	sqlite3 *db = NULL;
	connection *conn = NULL;
	int found = 0, claimed = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	/* A read first: an UPDATE takes the write lock even when it finds
	 * nothing, and every node looks every second. */
	err = cw_sqlite__run(db,
	                     "SELECT 1 FROM jobs WHERE " CLAIMABLE " LIMIT 1",
	                     NULL, NULL, &found, NULL, "i", now_ms);
	if (err == 0 && found)
		err = cw_sqlite__run(
		        db,
		        "UPDATE jobs SET state = 'running', owner = "
		        "?3, lease_until_ms = ?2, attempts = attempts "
		        "+ 1, updated_ms = ?1 WHERE id = (SELECT id "
		        "FROM jobs WHERE " CLAIMABLE
		        " ORDER BY id LIMIT 1) RETURNING " JOB_COLUMNS,
		        read_job, &r, &claimed, NULL, "iit", now_ms, until_ms,
		        owner);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && claimed == 0) {
		cw_error_set("no job to claim");
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__job_renew(cw_store *store, int64_t id, const char *owner,
                         int64_t until_ms, int64_t ref_id)
{
	int changes = 0;
	int err = cw_sqlite__run_pooled(store,
	                                "UPDATE jobs SET lease_until_ms = ?2, "
	                                "ref_id = CASE WHEN ?4 > 0 "
	                                "THEN ?4 ELSE ref_id END WHERE id = ?1 "
	                                "AND owner = ?3 AND state "
	                                "= 'running'",
	                                NULL, NULL, NULL, &changes, "iiti", id,
	                                until_ms, owner, ref_id);

	return held_by_owner(err, changes, id);
}

int cw_sqlite__job_finish(cw_store *store, int64_t id, const char *owner,
                          const char *state, int64_t not_before_ms,
                          const char *error)
{
	int changes = 0;
	int err = cw_sqlite__run_pooled(
	        store,
	        "UPDATE jobs SET state = ?3, owner = NULL, lease_until_ms = 0, "
	        "not_before_ms = ?2, error = ?4, attempts = attempts - (?3 = "
	        "'queued'), updated_ms = ?5 WHERE id = ?1 AND owner = ?6 AND "
	        "state = 'running'",
	        NULL, NULL, NULL, &changes, "iittit", id, not_before_ms, state,
	        error, cw_time_now_ms(), owner);

	return held_by_owner(err, changes, id);
}

int cw_sqlite__job_expire(cw_store *store, int64_t now_ms, cw_job_cb cb,
                          void *payload)
{
	job_reader r = { cb, payload };

	return cw_sqlite__run_pooled(
	        store,
	        "UPDATE jobs SET state = 'failed', owner = NULL, error = 'its "
	        "node stopped during each of its ' || attempts || ' attempts', "
	        "updated_ms = ?1 WHERE state = 'running' AND lease_until_ms < "
	        "?1 AND attempts >= max_attempts RETURNING " JOB_COLUMNS,
	        read_job, &r, NULL, NULL, "i", now_ms);
}

int cw_sqlite__job_list(cw_store *store, int64_t tenant_id, int64_t id,
                        const char *state, size_t limit, cw_job_cb cb,
                        void *payload)
{
	job_reader r = { cb, payload };
	int rows = 0;
	int err = cw_sqlite__run_pooled(
	        store,
	        "SELECT " JOB_COLUMNS " FROM jobs WHERE (?1 = 0 OR tenant_id = "
	        "?1) AND (?2 = 0 OR id = ?2) AND (?3 IS NULL OR state = ?3) "
	        "ORDER BY id DESC LIMIT ?4",
	        read_job, &r, &rows, NULL, "iiti", tenant_id, id, state,
	        limit ? (int64_t)limit : (int64_t)-1);

	if (err == 0 && id && rows == 0) {
		cw_error_set("no such job");
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__job_result(cw_store *store, int64_t id, const char *owner,
                          const char *result)
{
	int changes = 0;
	int err = cw_sqlite__run_pooled(
	        store,
	        "UPDATE jobs SET result = ?3 WHERE id = "
	        "?1 AND owner = ?2 AND state = "
	        "'running'",
	        NULL, NULL, NULL, &changes, "itt", id, owner, result);

	return held_by_owner(err, changes, id);
}

int cw_sqlite__job_prune(cw_store *store, int64_t before_ms, int *deleted)
{
	*deleted = 0;
	return cw_sqlite__run_pooled(store,
	                             "DELETE FROM jobs WHERE state IN ('done', "
	                             "'failed') AND updated_ms < ?1",
	                             NULL, NULL, NULL, deleted, "i", before_ms);
}

int cw_sqlite__job_lead(cw_store *store, const char *name, const char *owner,
                        int64_t now_ms, int64_t until_ms, int *held)
{
	int changes = 0;
	int err = cw_sqlite__run_pooled(
	        store,
	        "INSERT INTO job_locks (name, owner, until_ms) VALUES (?1, ?2, "
	        "?4) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
	        "until_ms = excluded.until_ms WHERE job_locks.owner = "
	        "excluded.owner OR job_locks.until_ms < ?3",
	        NULL, NULL, NULL, &changes, "ttii", name, owner, now_ms,
	        until_ms);

	*held = err == 0 && changes > 0;
	return err;
}
