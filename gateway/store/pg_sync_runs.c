/* Scheduled syncs on PostgreSQL (migration 0010): leases, firings, the
 * runs' history, tenants' time zones, and pruning of the change log.
 * Several nodes share the database: a lease or a firing is taken by a
 * conditional UPDATE, which PostgreSQL re-checks on the row's newest
 * version after waiting for a concurrent writer, so one caller wins. */
#include "store/pg_internal.h"

#include "util/error.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

/* One statement on a borrowed connection; *changed (may be NULL) counts
 * the rows it changed. */
static int run_one(cw_store *store, const char *what, const char *sql, int n,
                   const char *const *params, int *changed)
{
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, what, &res, sql, n, params);

	if (err == 0 && changed)
		*changed = cw_pg__changed(res);
	PQclear(res);
	return err;
}

/* ---- deletion ------------------------------------------------------------ */

typedef struct {
	const char *params[2];
} delete_args;

static int delete_body(pg_connection *c, void *arg)
{
	delete_args *a = arg;
	PGresult *res = NULL;
	int err, held;

	/* The row locked first: a claim waits for the delete, or the delete
	 * sees the lease the claim took. */
	if ((err = cw_pg__query(c, "finding a sync connection", &res,
	                        "SELECT coalesce(lease_until_ms, 0) >= "
	                        "$2::bigint FROM sync_connections WHERE id = "
	                        "$1 FOR UPDATE",
	                        2, a->params)) < 0)
		return err;
	if (PQntuples(res) == 0) {
		PQclear(res);
		cw_error_set("no such sync connection");
		return CW_ENOTFOUND;
	}
	held = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (held) {
		cw_error_set("a run of the connection is running; try again "
		             "when it ends");
		return CW_EBUSY;
	}
	if ((err = cw_pg__query(c, "deleting a connection's runs", NULL,
	                        "DELETE FROM sync_runs WHERE connection_id = "
	                        "$1",
	                        1, a->params)) < 0)
		return err;
	return cw_pg__query(c, "deleting a sync connection", NULL,
	                    "DELETE FROM sync_connections WHERE id = $1", 1,
	                    a->params);
}

int cw_pg__sync_delete(cw_store *store, int64_t id, int64_t now_ms)
{
	char connection[CW_PG_INT_TEXT], now[CW_PG_INT_TEXT];
	delete_args a = { { cw_pg__int(connection, id),
		            cw_pg__int(now, now_ms) } };

	return cw_pg__transaction((pg_store *)store,
	                          "deleting a sync connection", delete_body,
	                          &a);
}

/* ---- leases and firings -------------------------------------------------- */

typedef struct {
	const char *params[4];
} claim_args;

static int claim_body(pg_connection *c, void *arg)
{
	claim_args *a = arg;
	PGresult *res = NULL;
	int err = cw_pg__query(c, "claiming a sync lease", &res,
	                       "UPDATE sync_connections SET lease_owner = $2, "
	                       "lease_until_ms = $4 WHERE id = $1 AND "
	                       "(lease_owner IS NULL OR lease_until_ms IS "
	                       "NULL OR lease_until_ms < $3)",
	                       4, a->params),
	    won;

	if (err < 0)
		return err;
	won = cw_pg__changed(res);
	PQclear(res);
	if (!won) {
		cw_error_set("a run of this connection is already running; "
		             "try again when it ends");
		return CW_EBUSY;
	}
	/* Whatever still says running was its dead holder's. */
	return cw_pg__query(
	        c, "settling interrupted runs", NULL,
	        "UPDATE sync_runs SET state = 'interrupted', "
	        "finished_ms = $2 WHERE connection_id = $1 AND "
	        "state = 'running'",
	        2, (const char *const[]){ a->params[0], a->params[2] });
}

int cw_pg__sync_claim(cw_store *store, int64_t id, const char *owner,
                      int64_t now_ms, int64_t until_ms)
{
	char connection[CW_PG_INT_TEXT], now[CW_PG_INT_TEXT],
	        until[CW_PG_INT_TEXT];
	claim_args a = { { cw_pg__int(connection, id), owner,
		           cw_pg__int(now, now_ms),
		           cw_pg__int(until, until_ms) } };

	return cw_pg__transaction((pg_store *)store, "claiming a sync lease",
	                          claim_body, &a);
}

int cw_pg__sync_renew(cw_store *store, int64_t id, const char *owner,
                      int64_t until_ms)
{
	char connection[CW_PG_INT_TEXT], until[CW_PG_INT_TEXT];
	const char *params[3] = { cw_pg__int(connection, id), owner,
		                  cw_pg__int(until, until_ms) };
	int changed = 0;
	int err = run_one(store, "renewing a sync lease",
	                  "UPDATE sync_connections SET lease_until_ms = $3 "
	                  "WHERE id = $1 AND lease_owner = $2",
	                  3, params, &changed);

	if (err == 0 && changed == 0) {
		cw_error_set("the sync lease was lost");
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_pg__sync_release(cw_store *store, int64_t id, const char *owner)
{
	char connection[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(connection, id), owner };

	return run_one(store, "releasing a sync lease",
	               "UPDATE sync_connections SET lease_owner = NULL, "
	               "lease_until_ms = NULL WHERE id = $1 AND lease_owner = "
	               "$2",
	               2, params, NULL);
}

int cw_pg__sync_reschedule(cw_store *store, int64_t id, int64_t expected_ms,
                           int64_t next_ms, int *won)
{
	char connection[CW_PG_INT_TEXT], expected[CW_PG_INT_TEXT],
	        next[CW_PG_INT_TEXT];
	const char *params[3] = { cw_pg__int(connection, id),
		                  cw_pg__int(expected, expected_ms),
		                  cw_pg__int(next, next_ms) };

	*won = 0;
	return run_one(store, "scheduling a sync",
	               "UPDATE sync_connections SET next_run_ms = $3 WHERE id "
	               "= $1 AND coalesce(next_run_ms, 0) = $2",
	               3, params, won);
}

/* ---- runs ---------------------------------------------------------------- */

int cw_pg__sync_run_add(cw_store *store, const cw_sync_run *run, int64_t *id)
{
	char connection[CW_PG_INT_TEXT], tenant[CW_PG_INT_TEXT],
	        started[CW_PG_INT_TEXT];
	const char *params[8] = { cw_pg__int(connection, run->connection_id),
		                  cw_pg__int(tenant, run->tenant_id),
		                  run->started_by,
		                  run->kind,
		                  run->state,
		                  cw_pg__int(started, run->started_ms),
		                  run->cursor,
		                  run->report };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "recording a sync run", &res,
	                     "INSERT INTO sync_runs (connection_id, "
	                     "tenant_id, started_by, kind, state, started_ms, "
	                     "cursor, report) VALUES ($1, $2, $3, $4, $5, $6, "
	                     "$7, $8) RETURNING id",
	                     8, params);

	if (err == 0)
		*id = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	return err;
}

typedef struct {
	const char *run[6];
	const char *connection[6];
} finish_args;

static int finish_body(pg_connection *c, void *arg)
{
	finish_args *a = arg;
	int err = cw_pg__query(c, "recording a sync run", NULL,
	                       "UPDATE sync_runs SET state = $2, finished_ms = "
	                       "$3, import_id = nullif($4::bigint, 0), "
	                       "held_set = $5, report = $6 WHERE id = $1",
	                       6, a->run);

	if (err == 0)
		err = cw_pg__query(
		        c, "recording a sync run", NULL,
		        "UPDATE sync_connections SET last_run_ms = $2, "
		        "last_state = $3, last_report = $4, cursor = "
		        "coalesce($5, cursor), last_full_ms = CASE WHEN "
		        "$6::bigint > 0 THEN $6::bigint ELSE last_full_ms END "
		        "WHERE id = $1",
		        6, a->connection);
	return err;
}

int cw_pg__sync_run_finish(cw_store *store, const cw_sync_run *run,
                           const char *connection_state, int advance)
{
	char id[CW_PG_INT_TEXT], finished[CW_PG_INT_TEXT],
	        import[CW_PG_INT_TEXT], connection[CW_PG_INT_TEXT],
	        full[CW_PG_INT_TEXT];
	int64_t full_ms =
	        advance && strcmp(run->kind, "full") == 0 ? run->started_ms : 0;
	finish_args a = {
		{ cw_pg__int(id, run->id), run->state,
		  cw_pg__int(finished, run->finished_ms),
		  cw_pg__int(import, run->import_id), run->held_set,
		  run->report },
		{ cw_pg__int(connection, run->connection_id), finished,
		  connection_state, run->report, advance ? run->cursor : NULL,
		  cw_pg__int(full, full_ms) },
	};

	return cw_pg__transaction((pg_store *)store, "recording a sync run",
	                          finish_body, &a);
}

int cw_pg__sync_run_list(cw_store *store, int64_t connection_id, int64_t run_id,
                         int limit, cw_sync_run_cb cb, void *payload)
{
	char connection[CW_PG_INT_TEXT], run[CW_PG_INT_TEXT],
	        count[CW_PG_INT_TEXT];
	/* A negative limit is none, as SQLite's LIMIT -1. */
	const char *params[3] = { cw_pg__int(connection, connection_id),
		                  cw_pg__int(run, run_id),
		                  limit < 0 ? NULL : cw_pg__int(count, limit) };
	PGresult *res = NULL;
	int err = cw_pg__run(
	        (pg_store *)store, "listing sync runs", &res,
	        "SELECT id, connection_id, tenant_id, started_by, kind, "
	        "state, started_ms, coalesce(finished_ms, 0), "
	        "coalesce(import_id, 0), held_set, cursor, report FROM "
	        "sync_runs WHERE connection_id = $1 AND ($2::bigint = 0 OR "
	        "id = $2::bigint) ORDER BY id DESC LIMIT $3",
	        3, params);

	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		cw_sync_run r = {
			cw_pg__get_int(res, i, 0),
			cw_pg__get_int(res, i, 1),
			cw_pg__get_int(res, i, 2),
			cw_pg__get_text(res, i, 3),
			cw_pg__get_text(res, i, 4),
			cw_pg__get_text(res, i, 5),
			cw_pg__get_int(res, i, 6),
			cw_pg__get_int(res, i, 7),
			cw_pg__get_int(res, i, 8),
			cw_pg__get_text(res, i, 9),
			cw_pg__get_text(res, i, 10),
			cw_pg__get_text(res, i, 11),
		};
		err = cb(&r, payload);
	}
	if (err == 0 && run_id && PQntuples(res) == 0) {
		cw_error_set("no sync run %lld of this connection",
		             (long long)run_id);
		err = CW_ENOTFOUND;
	}
	PQclear(res);
	return err;
}

int cw_pg__sync_run_settle(cw_store *store, int64_t run_id,
                           const char *from_state, const char *to_state)
{
	char run[CW_PG_INT_TEXT];
	const char *params[3] = { cw_pg__int(run, run_id), from_state,
		                  to_state };
	int changed = 0;
	int err = run_one(store, "settling a sync run",
	                  "UPDATE sync_runs SET state = $3 WHERE id = $1 AND "
	                  "state = $2",
	                  3, params, &changed);

	if (err == 0 && changed == 0) {
		cw_error_set("sync run %lld is not %s", (long long)run_id,
		             from_state);
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_pg__sync_run_trim(cw_store *store, int keep, int *deleted)
{
	char count[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(count, keep) };

	*deleted = 0;
	return run_one(store, "trimming sync runs",
	               "DELETE FROM sync_runs WHERE state NOT IN ('running', "
	               "'held') AND id <= (SELECT r.id FROM sync_runs r WHERE "
	               "r.connection_id = sync_runs.connection_id ORDER BY "
	               "r.id DESC LIMIT 1 OFFSET $1)",
	               1, params, deleted);
}

/* ---- tenants' time zones ------------------------------------------------- */

int cw_pg__tenant_zone_get(cw_store *store, int64_t tenant_id, char out[64])
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(tenant, tenant_id) };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "reading a time zone", &res,
	                     "SELECT time_zone FROM tenants WHERE id = $1", 1,
	                     params);

	if (err == 0 && PQntuples(res) == 0) {
		cw_error_set("no tenant %lld", (long long)tenant_id);
		err = CW_ENOTFOUND;
	}
	if (err == 0)
		snprintf(out, 64, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return err;
}

int cw_pg__tenant_zone_set(cw_store *store, int64_t tenant_id, const char *zone)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), zone };
	int changed = 0;
	int err = run_one(store, "setting a time zone",
	                  "UPDATE tenants SET time_zone = $2 WHERE id = $1", 2,
	                  params, &changed);

	if (err == 0 && changed == 0) {
		cw_error_set("no tenant %lld", (long long)tenant_id);
		err = CW_ENOTFOUND;
	}
	return err;
}

/* ---- the change log's retention ------------------------------------------ */

typedef struct {
	const char *params[1];
	int *pruned;
} prune_args;

static int prune_body(pg_connection *c, void *arg)
{
	prune_args *a = arg;
	PGresult *res = NULL;
	/* The newest entry stays: the next sequence number follows it. An
	 * import committing meanwhile only adds newer entries. */
	int err = cw_pg__query(
	        c, "recording the change log's horizon", NULL,
	        "INSERT INTO roster_log_horizon (tenant_id, through_seq, "
	        "pruned_ms) SELECT tenant_id, max(first_seq + count - 1), "
	        "$1::bigint FROM roster_log WHERE at_ms < $1::bigint AND "
	        "first_seq < (SELECT max(first_seq) FROM roster_log) GROUP BY "
	        "tenant_id ON CONFLICT (tenant_id) DO UPDATE SET through_seq "
	        "= greatest(excluded.through_seq, "
	        "roster_log_horizon.through_seq), pruned_ms = "
	        "greatest(excluded.pruned_ms, roster_log_horizon.pruned_ms)",
	        1, a->params);

	if (err == 0)
		err = cw_pg__query(
		        c, "pruning the change log", &res,
		        "DELETE FROM roster_log WHERE at_ms < $1 AND "
		        "first_seq < (SELECT max(first_seq) FROM "
		        "roster_log)",
		        1, a->params);
	if (err == 0)
		*a->pruned = cw_pg__changed(res);
	PQclear(res);
	return err;
}

int cw_pg__roster_prune(cw_store *store, int64_t before_ms, int *pruned)
{
	char before[CW_PG_INT_TEXT];
	prune_args a = { { cw_pg__int(before, before_ms) }, pruned };
	int err;

	*pruned = 0;
	err = cw_pg__transaction((pg_store *)store, "pruning the change log",
	                         prune_body, &a);
	if (err < 0)
		*pruned = 0;
	return err;
}

int cw_pg__roster_horizon(cw_store *store, int64_t tenant_id,
                          int64_t *through_seq, int64_t *pruned_before_ms)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(tenant, tenant_id) };
	PGresult *res = NULL;
	int err =
	        cw_pg__run((pg_store *)store, "reading the log's horizon", &res,
	                   "SELECT through_seq, pruned_ms FROM "
	                   "roster_log_horizon WHERE tenant_id = $1",
	                   1, params);

	*through_seq = 0;
	*pruned_before_ms = 0;
	if (err == 0 && PQntuples(res) == 1) {
		*through_seq = cw_pg__get_int(res, 0, 0);
		*pruned_before_ms = cw_pg__get_int(res, 0, 1);
	}
	PQclear(res);
	return err;
}
