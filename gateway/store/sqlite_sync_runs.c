/* Scheduled syncs in SQLite (migration 0010): leases, firings, the runs'
 * history, tenants' time zones, and pruning of the change log. */
#include "store/sqlite_internal.h"

#include "util/error.h"

#include <stdio.h>
#include <string.h>

int cw_sqlite__exec_values(connection *conn, const char *sql,
                           const cw_sqlite_value *values, int n, int *changes,
                           const char *what)
{
	sqlite3_stmt *st = NULL;
	int err = 0;
	if (sqlite3_prepare_v2(conn->db, sql, -1, &st, NULL) != SQLITE_OK)
		return cw_sqlite__fail(conn->db, what);
	for (int i = 0; i < n; i++) {
		if (!values[i].is_text)
			sqlite3_bind_int64(st, i + 1, values[i].number);
		else if (values[i].text)
			sqlite3_bind_text(st, i + 1, values[i].text, -1,
			                  SQLITE_STATIC);
		else
			sqlite3_bind_null(st, i + 1);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, what);
	else if (changes)
		*changes = sqlite3_changes(conn->db);
	sqlite3_finalize(st);
	return err;
}

/* One statement on a pooled connection. */
static int exec_one(cw_store *store, const char *sql,
                    const cw_sqlite_value *values, int n, int *changes,
                    const char *what)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	int err = cw_sqlite__acquire(s, &conn);
	if (err < 0)
		return err;
	err = cw_sqlite__exec_values(conn, sql, values, n, changes, what);
	cw_sqlite__release(s, conn);
	return err;
}

static int end_transaction(connection *conn, int err)
{
	if (err == 0 &&
	    sqlite3_exec(conn->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		err = cw_sqlite__fail(conn->db, "committing");
	if (err < 0)
		sqlite3_exec(conn->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

int cw_sqlite__sync_claim(cw_store *store, int64_t id, const char *owner,
                          int64_t now_ms, int64_t until_ms)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	const cw_sqlite_value values[] = { CW_SQL_INT(id), CW_SQL_TEXT(owner),
		                           CW_SQL_INT(now_ms),
		                           CW_SQL_INT(until_ms) };
	int err = cw_sqlite__acquire(s, &conn), won = 0;
	if (err < 0)
		return err;
	if (sqlite3_exec(conn->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "claiming a sync lease");
		goto out;
	}
	err = cw_sqlite__exec_values(
	        conn,
	        "UPDATE sync_connections SET lease_owner = ?2, "
	        "lease_until_ms = ?4 WHERE id = ?1 AND (lease_owner IS NULL "
	        "OR lease_until_ms IS NULL OR lease_until_ms < ?3)",
	        values, 4, &won, "claiming a sync lease");
	/* Whatever still says running was its dead holder's. */
	if (err == 0 && won)
		err = cw_sqlite__exec_values(
		        conn,
		        "UPDATE sync_runs SET state = 'interrupted', "
		        "finished_ms = ?3 WHERE connection_id = ?1 AND state = "
		        "'running'",
		        values, 3, NULL, "settling interrupted runs");
	if (err == 0 && !won) {
		cw_error_set("a run of this connection is already running; "
		             "try again when it ends");
		err = CW_EBUSY;
	}
	err = end_transaction(conn, err);
out:
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__sync_renew(cw_store *store, int64_t id, const char *owner,
                          int64_t until_ms)
{
	const cw_sqlite_value values[] = { CW_SQL_INT(id), CW_SQL_TEXT(owner),
		                           CW_SQL_INT(until_ms) };
	int changes = 0;
	int err = exec_one(store,
	                   "UPDATE sync_connections SET lease_until_ms = ?3 "
	                   "WHERE id = ?1 AND lease_owner = ?2",
	                   values, 3, &changes, "renewing a sync lease");
	if (err == 0 && changes == 0) {
		cw_error_set("the sync lease was lost");
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__sync_release(cw_store *store, int64_t id, const char *owner)
{
	const cw_sqlite_value values[] = { CW_SQL_INT(id), CW_SQL_TEXT(owner) };
	return exec_one(store,
	                "UPDATE sync_connections SET lease_owner = NULL, "
	                "lease_until_ms = NULL WHERE id = ?1 AND lease_owner = "
	                "?2",
	                values, 2, NULL, "releasing a sync lease");
}

int cw_sqlite__sync_reschedule(cw_store *store, int64_t id, int64_t expected_ms,
                               int64_t next_ms, int *won)
{
	const cw_sqlite_value values[] = { CW_SQL_INT(id),
		                           CW_SQL_INT(expected_ms),
		                           CW_SQL_INT(next_ms) };
	*won = 0;
	return exec_one(store,
	                "UPDATE sync_connections SET next_run_ms = ?3 WHERE id "
	                "= ?1 AND coalesce(next_run_ms, 0) = ?2",
	                values, 3, won, "scheduling a sync");
}

int cw_sqlite__sync_run_add(cw_store *store, const cw_sync_run *run,
                            int64_t *id)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	const cw_sqlite_value values[] = {
		CW_SQL_INT(run->connection_id), CW_SQL_INT(run->tenant_id),
		CW_SQL_TEXT(run->started_by),   CW_SQL_TEXT(run->kind),
		CW_SQL_TEXT(run->state),        CW_SQL_INT(run->started_ms),
		CW_SQL_TEXT(run->cursor),       CW_SQL_TEXT(run->report)
	};
	int err = cw_sqlite__acquire(s, &conn);
	if (err < 0)
		return err;
	err = cw_sqlite__exec_values(
	        conn,
	        "INSERT INTO sync_runs (connection_id, tenant_id, started_by, "
	        "kind, state, started_ms, cursor, report) VALUES (?1, ?2, ?3, "
	        "?4, ?5, ?6, ?7, ?8)",
	        values, 8, NULL, "recording a sync run");
	if (err == 0)
		*id = sqlite3_last_insert_rowid(conn->db);
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__sync_run_finish(cw_store *store, const cw_sync_run *run,
                               const char *connection_state, int advance)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	const cw_sqlite_value run_values[] = {
		CW_SQL_INT(run->id),          CW_SQL_TEXT(run->state),
		CW_SQL_INT(run->finished_ms), CW_SQL_INT(run->import_id),
		CW_SQL_TEXT(run->held_set),   CW_SQL_TEXT(run->report)
	};
	const cw_sqlite_value connection_values[] = {
		CW_SQL_INT(run->connection_id),
		CW_SQL_INT(run->finished_ms),
		CW_SQL_TEXT(connection_state),
		CW_SQL_TEXT(run->report),
		CW_SQL_TEXT(advance ? run->cursor : NULL),
		CW_SQL_INT(advance && strcmp(run->kind, "full") == 0
		                   ? run->started_ms
		                   : 0)
	};
	int err = cw_sqlite__acquire(s, &conn);
	if (err < 0)
		return err;
	if (sqlite3_exec(conn->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "recording a sync run");
		goto out;
	}
	err = cw_sqlite__exec_values(
	        conn,
	        "UPDATE sync_runs SET state = ?2, finished_ms = ?3, import_id "
	        "= nullif(?4, 0), held_set = ?5, report = ?6 WHERE id = ?1",
	        run_values, 6, NULL, "recording a sync run");
	if (err == 0)
		err = cw_sqlite__exec_values(
		        conn,
		        "UPDATE sync_connections SET last_run_ms = ?2, "
		        "last_state = ?3, last_report = ?4, cursor = "
		        "coalesce(?5, cursor), last_full_ms = CASE WHEN ?6 > 0 "
		        "THEN ?6 ELSE last_full_ms END WHERE id = ?1",
		        connection_values, 6, NULL, "recording a sync run");
	err = end_transaction(conn, err);
out:
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__sync_run_list(cw_store *store, int64_t connection_id,
                             int64_t run_id, int limit, cw_sync_run_cb cb,
                             void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc = SQLITE_DONE, found = 0;
	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(
	            conn->db,
	            "SELECT id, connection_id, tenant_id, started_by, kind, "
	            "state, started_ms, coalesce(finished_ms, 0), "
	            "coalesce(import_id, 0), held_set, cursor, report FROM "
	            "sync_runs WHERE connection_id = ?1 AND (?2 = 0 OR id = "
	            "?2) ORDER BY id DESC LIMIT ?3",
	            -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "listing sync runs");
		goto out;
	}
	sqlite3_bind_int64(st, 1, connection_id);
	sqlite3_bind_int64(st, 2, run_id);
	sqlite3_bind_int(st, 3, limit);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		cw_sync_run r = {
			sqlite3_column_int64(st, 0),
			sqlite3_column_int64(st, 1),
			sqlite3_column_int64(st, 2),
			(const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 4),
			(const char *)sqlite3_column_text(st, 5),
			sqlite3_column_int64(st, 6),
			sqlite3_column_int64(st, 7),
			sqlite3_column_int64(st, 8),
			(const char *)sqlite3_column_text(st, 9),
			(const char *)sqlite3_column_text(st, 10),
			(const char *)sqlite3_column_text(st, 11),
		};
		found = 1;
		err = cb(&r, payload);
	}
	if (err == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = cw_sqlite__fail(conn->db, "listing sync runs");
	if (err == 0 && run_id && !found) {
		cw_error_set("no sync run %lld of this connection",
		             (long long)run_id);
		err = CW_ENOTFOUND;
	}
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__sync_run_settle(cw_store *store, int64_t run_id,
                               const char *from_state, const char *to_state)
{
	const cw_sqlite_value values[] = { CW_SQL_INT(run_id),
		                           CW_SQL_TEXT(from_state),
		                           CW_SQL_TEXT(to_state) };
	int changes = 0;
	int err = exec_one(store,
	                   "UPDATE sync_runs SET state = ?3 WHERE id = ?1 AND "
	                   "state = ?2",
	                   values, 3, &changes, "settling a sync run");
	if (err == 0 && changes == 0) {
		cw_error_set("sync run %lld is not %s", (long long)run_id,
		             from_state);
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__sync_run_trim(cw_store *store, int keep, int *deleted)
{
	const cw_sqlite_value values[] = { CW_SQL_INT(keep) };
	*deleted = 0;
	return exec_one(store,
	                "DELETE FROM sync_runs WHERE state NOT IN ('running', "
	                "'held') AND id <= (SELECT r.id FROM sync_runs r WHERE "
	                "r.connection_id = sync_runs.connection_id ORDER BY "
	                "r.id DESC LIMIT 1 OFFSET ?1)",
	                values, 1, deleted, "trimming sync runs");
}

int cw_sqlite__tenant_zone_get(cw_store *store, int64_t tenant_id, char out[64])
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc;
	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db,
	                       "SELECT time_zone FROM tenants WHERE id = ?1",
	                       -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "reading a time zone");
		goto out;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out, 64, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	} else if (rc == SQLITE_DONE) {
		cw_error_set("no tenant %lld", (long long)tenant_id);
		err = CW_ENOTFOUND;
	} else {
		err = cw_sqlite__fail(conn->db, "reading a time zone");
	}
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__tenant_zone_set(cw_store *store, int64_t tenant_id,
                               const char *zone)
{
	const cw_sqlite_value values[] = { CW_SQL_INT(tenant_id),
		                           CW_SQL_TEXT(zone) };
	int changes = 0;
	int err = exec_one(store,
	                   "UPDATE tenants SET time_zone = ?2 WHERE id = ?1",
	                   values, 2, &changes, "setting a time zone");
	if (err == 0 && changes == 0) {
		cw_error_set("no tenant %lld", (long long)tenant_id);
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__roster_prune(cw_store *store, int64_t before_ms, int *pruned)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	const cw_sqlite_value values[] = { CW_SQL_INT(before_ms) };
	int err = cw_sqlite__acquire(s, &conn);
	*pruned = 0;
	if (err < 0)
		return err;
	if (sqlite3_exec(conn->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "pruning the change log");
		goto out;
	}
	/* The newest entry stays: the next sequence number follows it. */
	err = cw_sqlite__exec_values(
	        conn,
	        "INSERT INTO roster_log_horizon (tenant_id, through_seq, "
	        "pruned_ms) SELECT tenant_id, max(first_seq + count - 1), ?1 "
	        "FROM roster_log WHERE at_ms < ?1 AND first_seq < (SELECT "
	        "max(first_seq) FROM roster_log) GROUP BY tenant_id "
	        "ON CONFLICT (tenant_id) DO UPDATE SET through_seq = CASE WHEN "
	        "excluded.through_seq > roster_log_horizon.through_seq THEN "
	        "excluded.through_seq ELSE roster_log_horizon.through_seq END, "
	        "pruned_ms = CASE WHEN excluded.pruned_ms > "
	        "roster_log_horizon.pruned_ms THEN excluded.pruned_ms ELSE "
	        "roster_log_horizon.pruned_ms END",
	        values, 1, NULL, "recording the change log's horizon");
	if (err == 0)
		err = cw_sqlite__exec_values(
		        conn,
		        "DELETE FROM roster_log WHERE at_ms < ?1 AND first_seq "
		        "< "
		        "(SELECT max(first_seq) FROM roster_log)",
		        values, 1, pruned, "pruning the change log");
	err = end_transaction(conn, err);
out:
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__roster_horizon(cw_store *store, int64_t tenant_id,
                              int64_t *through_seq, int64_t *pruned_before_ms)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc;
	*through_seq = 0;
	*pruned_before_ms = 0;
	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db,
	                       "SELECT through_seq, pruned_ms FROM "
	                       "roster_log_horizon "
	                       "WHERE tenant_id = ?1",
	                       -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "reading the log's horizon");
		goto out;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*through_seq = sqlite3_column_int64(st, 0);
		*pruned_before_ms = sqlite3_column_int64(st, 1);
	} else if (rc != SQLITE_DONE) {
		err = cw_sqlite__fail(conn->db, "reading the log's horizon");
	}
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}
