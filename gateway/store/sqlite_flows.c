/* The CBE flows' mappings and runs in SQLite (migration 0013). */
#include "store/sqlite_internal.h"

#include "util/error.h"

#include <string.h>

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static const char *column_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Prepares sql on a connection of s; *conn is released by the caller. */
static int prepare(sqlite_store *s, connection **conn, sqlite3_stmt **st,
                   const char *sql, const char *what)
{
	int err = cw_sqlite__acquire(s, conn);

	if (err == 0 &&
	    sqlite3_prepare_v2((*conn)->db, sql, -1, st, NULL) != SQLITE_OK)
		err = cw_sqlite__fail((*conn)->db, what);
	return err;
}

static void finish(sqlite_store *s, connection *conn, sqlite3_stmt *st)
{
	sqlite3_finalize(st);
	if (conn)
		cw_sqlite__release(s, conn);
}

int cw_sqlite__flow_mapping_put(cw_store *store, int64_t tenant_id,
                                const char *flow, const char *body,
                                const char *at)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = prepare(s, &conn, &st,
	                  "INSERT INTO flow_mappings (tenant_id, flow, body, "
	                  "updated_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT "
	                  "(tenant_id, flow) DO UPDATE SET body = "
	                  "excluded.body, updated_at = excluded.updated_at",
	                  "storing a mapping");

	if (err == 0) {
		sqlite3_bind_int64(st, 1, tenant_id);
		bind_text(st, 2, flow);
		bind_text(st, 3, body);
		bind_text(st, 4, at);
		if (sqlite3_step(st) != SQLITE_DONE)
			err = cw_sqlite__fail(conn->db, "storing a mapping");
	}
	finish(s, conn, st);
	return err;
}

int cw_sqlite__flow_mapping_get(cw_store *store, int64_t tenant_id,
                                const char *flow, cw_buf *out)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int rc, err = prepare(s, &conn, &st,
	                      "SELECT body FROM flow_mappings WHERE "
	                      "tenant_id = ?1 AND flow = ?2",
	                      "reading a mapping");

	if (err == 0) {
		sqlite3_bind_int64(st, 1, tenant_id);
		bind_text(st, 2, flow);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			err = cw_buf_puts(out, column_text(st, 0));
		else if (rc == SQLITE_DONE)
			err = CW_ENOTFOUND;
		else
			err = cw_sqlite__fail(conn->db, "reading a mapping");
	}
	finish(s, conn, st);
	return err;
}

/* The run already recorded under run's key: its id. */
static int existing_run(sqlite3 *db, const cw_flow_run *run, int64_t *id)
{
	sqlite3_stmt *st = NULL;
	int err = CW_ESTORE;

	if (sqlite3_prepare_v2(db,
	                       "SELECT id FROM flow_runs WHERE tenant_id = ?1 "
	                       "AND flow = ?2 AND idempotency_key = ?3",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run->tenant_id);
		bind_text(st, 2, run->flow);
		bind_text(st, 3, run->idempotency_key);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*id = sqlite3_column_int64(st, 0);
			err = CW_EEXISTS;
		}
	}
	if (err == CW_ESTORE)
		err = cw_sqlite__fail(db, "finding a flow run");
	sqlite3_finalize(st);
	return err;
}

int cw_sqlite__flow_run_add(cw_store *store, const cw_flow_run *run,
                            int64_t *id)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int rc, err = prepare(
	                s, &conn, &st,
	                "INSERT INTO flow_runs (tenant_id, flow, "
	                "idempotency_key, source, input, state, reason, "
	                "stages, report, attempts, created_at, updated_at) "
	                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, "
	                "?10) ON CONFLICT (tenant_id, flow, idempotency_key) "
	                "DO NOTHING",
	                "recording a flow run");

	if (err < 0)
		goto out;
	sqlite3_bind_int64(st, 1, run->tenant_id);
	bind_text(st, 2, run->flow);
	bind_text(st, 3, run->idempotency_key);
	bind_text(st, 4, run->source);
	sqlite3_bind_blob(st, 5, run->input, (int)run->input_len,
	                  SQLITE_STATIC);
	bind_text(st, 6, run->state);
	bind_text(st, 7, run->reason);
	bind_text(st, 8, run->stages);
	bind_text(st, 9, run->report);
	bind_text(st, 10, run->created_at);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "recording a flow run");
	else if (sqlite3_changes(conn->db) == 0)
		err = existing_run(conn->db, run, id);
	else
		*id = sqlite3_last_insert_rowid(conn->db);
out:
	finish(s, conn, st);
	return err;
}

int cw_sqlite__flow_run_update(cw_store *store, const cw_flow_run *run)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = prepare(s, &conn, &st,
	                  "UPDATE flow_runs SET state = ?3, reason = ?4, "
	                  "stages = ?5, report = ?6, attempts = ?7, "
	                  "updated_at = ?8 WHERE id = ?1 AND tenant_id = ?2",
	                  "updating a flow run");

	if (err == 0) {
		sqlite3_bind_int64(st, 1, run->id);
		sqlite3_bind_int64(st, 2, run->tenant_id);
		bind_text(st, 3, run->state);
		bind_text(st, 4, run->reason);
		bind_text(st, 5, run->stages);
		bind_text(st, 6, run->report);
		sqlite3_bind_int64(st, 7, run->attempts);
		bind_text(st, 8, run->updated_at);
		if (sqlite3_step(st) != SQLITE_DONE)
			err = cw_sqlite__fail(conn->db, "updating a flow run");
		else if (sqlite3_changes(conn->db) == 0)
			err = CW_ENOTFOUND;
	}
	finish(s, conn, st);
	return err;
}

static int emit_run(sqlite3_stmt *st, cw_flow_run_cb cb, void *payload)
{
	cw_flow_run r = { sqlite3_column_int64(st, 0),
		          sqlite3_column_int64(st, 1),
		          column_text(st, 2),
		          column_text(st, 3),
		          column_text(st, 4),
		          sqlite3_column_blob(st, 5),
		          (size_t)sqlite3_column_bytes(st, 5),
		          column_text(st, 6),
		          column_text(st, 7),
		          column_text(st, 8),
		          column_text(st, 9),
		          sqlite3_column_int64(st, 10),
		          column_text(st, 11),
		          column_text(st, 12) };
	return cb(&r, payload);
}

int cw_sqlite__flow_run_list(cw_store *store, int64_t tenant_id, int64_t id,
                             const char *state, int with_input, size_t limit,
                             cw_flow_run_cb cb, void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_DONE, found = 0;
	int err = prepare(
	        s, &conn, &st,
	        "SELECT id, tenant_id, flow, idempotency_key, source, CASE "
	        "WHEN ?4 THEN input ELSE NULL END, state, reason, stages, "
	        "report, attempts, created_at, updated_at FROM flow_runs "
	        "WHERE (?1 = 0 OR tenant_id = ?1) AND (?2 = 0 OR id = ?2) "
	        "AND (?3 IS NULL OR state = ?3) ORDER BY id DESC LIMIT ?5",
	        "listing flow runs");

	if (err < 0)
		goto out;
	sqlite3_bind_int64(st, 1, tenant_id);
	sqlite3_bind_int64(st, 2, id);
	bind_text(st, 3, state);
	sqlite3_bind_int(st, 4, with_input != 0);
	sqlite3_bind_int64(st, 5, limit ? (int64_t)limit : -1);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		found = 1;
		err = emit_run(st, cb, payload);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "listing flow runs");
	if (err == 0 && id && !found) {
		cw_error_set("no flow run %lld", (long long)id);
		err = CW_ENOTFOUND;
	}
out:
	finish(s, conn, st);
	return err;
}
