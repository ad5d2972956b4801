/* CASE mirror schedules in SQLite (migration 0007). */
#include "store/sqlite_internal.h"

#include "util/error.h"

#include <string.h>

/* Runs one statement (prepare, bind with bind(st, arg), step to done). */
static int run_one(cw_store *store, const char *sql,
                   void (*bind)(sqlite3_stmt *st, const void *arg),
                   const void *arg, int *changes)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn);

	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db, sql, -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing a mirror statement");
		goto out;
	}
	bind(st, arg);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "writing a mirror");
	else if (changes)
		*changes = sqlite3_changes(conn->db);
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_mirror(sqlite3_stmt *st, const void *arg)
{
	const cw_case_mirror *m = arg;

	sqlite3_bind_int64(st, 1, m->tenant_id);
	bind_text(st, 2, m->base_url);
	sqlite3_bind_int64(st, 3, m->every_s);
	bind_text(st, 4, m->token_url);
	bind_text(st, 5, m->client_id);
	bind_text(st, 6, m->secret_sealed);
	bind_text(st, 7, m->scope);
	sqlite3_bind_int64(st, 8, m->next_run_ms);
}

int cw_sqlite__case_mirror_put(cw_store *store, const cw_case_mirror *mirror,
                               int64_t *id)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err =
	        run_one(store,
	                "INSERT INTO case_mirrors (tenant_id, base_url, "
	                "every_s, token_url, client_id, secret_sealed, scope, "
	                "next_run_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	                "ON CONFLICT (tenant_id, base_url) DO UPDATE SET "
	                "every_s = ?3, token_url = ?4, client_id = ?5, "
	                "secret_sealed = ?6, scope = ?7, next_run_ms = ?8",
	                bind_mirror, mirror, NULL);

	if (err < 0 || (err = cw_sqlite__acquire(s, &conn)) < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db,
	                       "SELECT id FROM case_mirrors WHERE tenant_id = "
	                       "?1 AND base_url = ?2",
	                       -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "reading a mirror");
	} else {
		sqlite3_bind_int64(st, 1, mirror->tenant_id);
		sqlite3_bind_text(st, 2, mirror->base_url, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		else
			err = cw_sqlite__fail(conn->db, "reading a mirror");
	}
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

static const char *column_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int cw_sqlite__case_mirror_list(cw_store *store, int64_t tenant_id,
                                int64_t due_before_ms, cw_case_mirror_cb cb,
                                void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc;

	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(
	            conn->db,
	            "SELECT id, tenant_id, base_url, every_s, token_url, "
	            "client_id, secret_sealed, scope, next_run_ms, "
	            "coalesce(last_run_ms, 0), last_report FROM case_mirrors "
	            "WHERE (?1 = 0 OR tenant_id = ?1) AND (?2 = 0 OR "
	            "next_run_ms < ?2) ORDER BY id",
	            -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "listing mirrors");
		goto out;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	sqlite3_bind_int64(st, 2, due_before_ms);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		cw_case_mirror m = { sqlite3_column_int64(st, 0),
			             sqlite3_column_int64(st, 1),
			             column_text(st, 2),
			             (long)sqlite3_column_int64(st, 3),
			             column_text(st, 4),
			             column_text(st, 5),
			             column_text(st, 6),
			             column_text(st, 7),
			             sqlite3_column_int64(st, 8),
			             sqlite3_column_int64(st, 9),
			             column_text(st, 10) };

		err = cb(&m, payload);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "listing mirrors");
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

typedef struct {
	int64_t id, ran_ms, next_run_ms;
	const char *report;
} done_args;

static void bind_done(sqlite3_stmt *st, const void *arg)
{
	const done_args *d = arg;

	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_int64(st, 2, d->ran_ms);
	sqlite3_bind_int64(st, 3, d->next_run_ms);
	bind_text(st, 4, d->report);
}

int cw_sqlite__case_mirror_done(cw_store *store, int64_t id, int64_t ran_ms,
                                int64_t next_run_ms, const char *report)
{
	done_args d = { id, ran_ms, next_run_ms, report };

	return run_one(store,
	               "UPDATE case_mirrors SET last_run_ms = ?2, next_run_ms "
	               "= ?3, last_report = ?4 WHERE id = ?1",
	               bind_done, &d, NULL);
}

typedef struct {
	int64_t tenant_id, id;
} delete_args;

static void bind_delete(sqlite3_stmt *st, const void *arg)
{
	const delete_args *d = arg;

	sqlite3_bind_int64(st, 1, d->tenant_id);
	sqlite3_bind_int64(st, 2, d->id);
}

int cw_sqlite__case_mirror_delete(cw_store *store, int64_t tenant_id,
                                  int64_t id)
{
	delete_args d = { tenant_id, id };
	int changes = 0;
	int err =
	        run_one(store,
	                "DELETE FROM case_mirrors WHERE tenant_id = ?1 AND id "
	                "= ?2",
	                bind_delete, &d, &changes);

	return err < 0 ? err : changes ? 0 : CW_ENOTFOUND;
}
