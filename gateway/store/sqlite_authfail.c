/* Failed authentications per identity in SQLite (migration 0014): one read
 * before an attempt, one upsert per failure, one delete per success that
 * follows failures. */
#include "store/sqlite_internal.h"

#include "util/error.h"

/* The upsert of a failure. ?3 now, ?4 the limit, ?5 the window: a row
 * whose window passed starts again as the new row (excluded); else the
 * count goes up and the failure that reaches the limit blocks the key
 * until its window ends. SET reads the row as it was before. */
#define COUNT_SQL                                                              \
	"INSERT INTO auth_failures (kind, key_hash, failures, "                \
	"window_start_ms, blocked_until_ms) VALUES (?1, ?2, 1, ?3, CASE WHEN " \
	"?4 <= 1 THEN ?3 + ?5 ELSE 0 END) ON CONFLICT (kind, key_hash) DO "    \
	"UPDATE SET failures = CASE WHEN auth_failures.window_start_ms + ?5 "  \
	"<= ?3 THEN 1 ELSE auth_failures.failures + 1 END, window_start_ms = " \
	"CASE WHEN auth_failures.window_start_ms + ?5 <= ?3 THEN ?3 ELSE "     \
	"auth_failures.window_start_ms END, blocked_until_ms = CASE WHEN "     \
	"auth_failures.window_start_ms + ?5 <= ?3 THEN "                       \
	"excluded.blocked_until_ms WHEN auth_failures.failures + 1 >= ?4 "     \
	"THEN auth_failures.window_start_ms + ?5 ELSE "                        \
	"auth_failures.blocked_until_ms END RETURNING blocked_until_ms"

static int read_block(sqlite3_stmt *st, void *payload)
{
	*(int64_t *)payload = sqlite3_column_int64(st, 0);
	return 0;
}

/* Kept prepared on each connection: it runs before every authentication. */
static int prepared_get(connection *conn, sqlite3_stmt **out)
{
	sqlite3_stmt **st = &conn->stmt[ST_AUTH_FAIL_GET];

	if (!*st &&
	    sqlite3_prepare_v3(conn->db,
	                       "SELECT blocked_until_ms FROM auth_failures "
	                       "WHERE kind = ?1 AND key_hash = ?2",
	                       -1, SQLITE_PREPARE_PERSISTENT, st,
	                       NULL) != SQLITE_OK)
		return cw_sqlite__fail(conn->db, "preparing a statement");
	*out = *st;
	return 0;
}

int cw_sqlite__auth_fail_get(cw_store *store, const char *kind, const char *key,
                             int64_t *blocked_until_ms, int *held)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int rc, err = cw_sqlite__acquire(s, &conn);

	*blocked_until_ms = 0;
	*held = 0;
	if (err < 0)
		return err;
	if ((err = prepared_get(conn, &st)) < 0)
		goto out;
	if (sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db,
		                      "reading failed authentications");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*blocked_until_ms = sqlite3_column_int64(st, 0);
		*held = 1;
	} else if (rc != SQLITE_DONE) {
		err = cw_sqlite__fail(conn->db,
		                      "reading failed authentications");
	}
out:
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__auth_fail_count(cw_store *store, const char *kind,
                               const char *key, int64_t now_ms, int limit,
                               int64_t window_ms, int64_t *blocked_until_ms)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	*blocked_until_ms = 0;
	if (err < 0)
		return err;
	err = cw_sqlite__run(db, COUNT_SQL, read_block, blocked_until_ms, &rows,
	                     NULL, "ttiii", kind, key, now_ms, (int64_t)limit,
	                     window_ms);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && rows != 1) {
		cw_error_set("store: counting a failed authentication: no row");
		err = CW_ESTORE;
	}
	return err;
}

int cw_sqlite__auth_fail_clear(cw_store *store, const char *kind,
                               const char *key)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(db,
	                     "DELETE FROM auth_failures WHERE kind = ?1 AND "
	                     "key_hash = ?2",
	                     NULL, NULL, NULL, NULL, "tt", kind, key);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

int cw_sqlite__auth_fail_purge(cw_store *store, int64_t now_ms,
                               int64_t window_ms, int *purged)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int changes = 0, err = cw_sqlite__db(store, &db, &conn);

	if (purged)
		*purged = 0;
	if (err < 0)
		return err;
	err = cw_sqlite__run(db,
	                     "DELETE FROM auth_failures WHERE "
	                     "window_start_ms < ?1 AND blocked_until_ms < ?2",
	                     NULL, NULL, NULL, &changes, "ii",
	                     now_ms - window_ms, now_ms);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && purged)
		*purged = changes;
	return err;
}
