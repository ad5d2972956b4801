/* Sync connections in SQLite (migration 0009). */
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

static void bind_connection(sqlite3_stmt *st, const cw_sync_connection *c)
{
	sqlite3_bind_int64(st, 1, c->tenant_id);
	bind_text(st, 2, c->name);
	bind_text(st, 3, c->base_url);
	bind_text(st, 4, c->version);
	bind_text(st, 5, c->auth);
	bind_text(st, 6, c->token_url);
	bind_text(st, 7, c->client_id);
	bind_text(st, 8, c->secret_sealed);
	bind_text(st, 9, c->scope);
	sqlite3_bind_int64(st, 10, c->page_size);
	bind_text(st, 11, c->schedule);
	bind_text(st, 12, c->webhook_url);
	bind_text(st, 13, c->full_schedule);
	bind_text(st, 14, c->blackouts);
	sqlite3_bind_int64(st, 15, c->next_run_ms);
}

int cw_sqlite__sync_add(cw_store *store, const cw_sync_connection *c,
                        int64_t *id)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc;
	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(
	            conn->db,
	            "INSERT INTO sync_connections (tenant_id, name, "
	            "base_url, version, auth, token_url, client_id, "
	            "secret_sealed, scope, page_size, schedule, "
	            "webhook_url, full_schedule, blackouts, next_run_ms) "
	            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	            "?12, ?13, ?14, ?15)",
	            -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing a sync connection");
		goto out;
	}
	bind_connection(st, c);
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT) {
		cw_error_set("a sync connection named %s exists", c->name);
		err = CW_EEXISTS;
	} else if (rc != SQLITE_DONE) {
		err = cw_sqlite__fail(conn->db, "adding a sync connection");
	} else {
		*id = sqlite3_last_insert_rowid(conn->db);
	}
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

static int emit(sqlite3_stmt *st, cw_sync_cb cb, void *payload)
{
	cw_sync_connection c = { 0 };
	c.id = sqlite3_column_int64(st, 0);
	c.tenant_id = sqlite3_column_int64(st, 1);
	c.name = column_text(st, 2);
	c.base_url = column_text(st, 3);
	c.version = column_text(st, 4);
	c.auth = column_text(st, 5);
	c.token_url = column_text(st, 6);
	c.client_id = column_text(st, 7);
	c.secret_sealed = column_text(st, 8);
	c.scope = column_text(st, 9);
	c.page_size = (long)sqlite3_column_int64(st, 10);
	c.schedule = column_text(st, 11);
	c.cursor = column_text(st, 12);
	c.last_run_ms = sqlite3_column_int64(st, 13);
	c.last_state = column_text(st, 14);
	c.last_report = column_text(st, 15);
	c.webhook_url = column_text(st, 16);
	c.full_schedule = column_text(st, 17);
	c.blackouts = column_text(st, 18);
	c.next_run_ms = sqlite3_column_int64(st, 19);
	c.last_full_ms = sqlite3_column_int64(st, 20);
	c.lease_owner = column_text(st, 21);
	c.lease_until_ms = sqlite3_column_int64(st, 22);
	return cb(&c, payload);
}

int cw_sqlite__sync_list(cw_store *store, int64_t tenant_id, const char *name,
                         cw_sync_cb cb, void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc = SQLITE_DONE, found = 0;
	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(
	            conn->db,
	            "SELECT id, tenant_id, name, base_url, version, auth, "
	            "token_url, client_id, secret_sealed, scope, page_size, "
	            "schedule, cursor, coalesce(last_run_ms, 0), last_state, "
	            "last_report, webhook_url, full_schedule, blackouts, "
	            "coalesce(next_run_ms, 0), coalesce(last_full_ms, 0), "
	            "lease_owner, coalesce(lease_until_ms, 0) "
	            "FROM sync_connections WHERE (?1 "
	            "= 0 OR "
	            "tenant_id = ?1) AND (?2 IS NULL OR name = ?2) ORDER BY "
	            "name",
	            -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "listing sync connections");
		goto out;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	bind_text(st, 2, name);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		found = 1;
		err = emit(st, cb, payload);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "listing sync connections");
	if (err == 0 && name && !found) {
		cw_error_set("no sync connection named %s", name);
		err = CW_ENOTFOUND;
	}
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__sync_done(cw_store *store, int64_t id, int64_t ran_ms,
                         const char *state, const char *report,
                         const char *cursor)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn);
	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db,
	                       "UPDATE sync_connections SET last_run_ms = ?2, "
	                       "last_state = ?3, last_report = ?4, cursor = "
	                       "coalesce(?5, cursor) WHERE id = ?1",
	                       -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing a sync run");
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ran_ms);
	bind_text(st, 3, state);
	bind_text(st, 4, report);
	bind_text(st, 5, cursor);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "recording a sync run");
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__sync_update(cw_store *store, const cw_sync_connection *c)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn);
	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(
	            conn->db,
	            "UPDATE sync_connections SET base_url = ?3, version = ?4, "
	            "auth = ?5, token_url = ?6, client_id = ?7, "
	            "secret_sealed = ?8, scope = ?9, page_size = ?10, "
	            "schedule = ?11, webhook_url = ?12, full_schedule = ?13, "
	            "blackouts = ?14, next_run_ms = ?15 WHERE id = ?16 AND "
	            "tenant_id = ?1 AND name = ?2",
	            -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing a sync update");
		goto out;
	}
	bind_connection(st, c);
	sqlite3_bind_int64(st, 16, c->id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = cw_sqlite__fail(conn->db, "changing a sync connection");
	} else if (sqlite3_changes(conn->db) == 0) {
		cw_error_set("no sync connection named %s", c->name);
		err = CW_ENOTFOUND;
	}
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__sync_delete(cw_store *store, int64_t id, int64_t now_ms)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	int err = cw_sqlite__acquire(s, &conn), changes = 0;
	const cw_sqlite_value values[] = { CW_SQL_INT(id), CW_SQL_INT(now_ms) };
	if (err < 0)
		return err;
	if (sqlite3_exec(conn->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "deleting a sync connection");
		goto out;
	}
	err = cw_sqlite__exec_values(
	        conn,
	        "DELETE FROM sync_runs WHERE connection_id = ?1 AND EXISTS "
	        "(SELECT 1 FROM sync_connections WHERE id = ?1 AND "
	        "coalesce(lease_until_ms, 0) < ?2)",
	        values, 2, NULL, "deleting a connection's runs");
	if (err == 0)
		err = cw_sqlite__exec_values(
		        conn,
		        "DELETE FROM sync_connections WHERE id = ?1 AND "
		        "coalesce(lease_until_ms, 0) < ?2",
		        values, 2, &changes, "deleting a sync connection");
	if (err == 0 && changes == 0) {
		int exists = 0;
		err = cw_sqlite__exec_values(
		        conn,
		        "UPDATE sync_connections SET id = id WHERE id = ?1",
		        values, 1, &exists, "finding a sync connection");
		if (err == 0) {
			cw_error_set(exists ? "a run of the connection is "
			                      "running; try again when it ends"
			                    : "no such sync connection");
			err = exists ? CW_EBUSY : CW_ENOTFOUND;
		}
	}
	if (err == 0 &&
	    sqlite3_exec(conn->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		err = cw_sqlite__fail(conn->db, "deleting a sync connection");
	if (err < 0)
		sqlite3_exec(conn->db, "ROLLBACK", NULL, NULL, NULL);
out:
	cw_sqlite__release(s, conn);
	return err;
}
