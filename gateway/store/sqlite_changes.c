/* The change feed: a tenant's roster change log read in order of sequence
 * number, one change at a time (migration 0003's roster_log). */
#include "store/sqlite_internal.h"

#include "util/error.h"

#include <string.h>

/* The changes of one log row after after_seq; *taken counts them against
 * limit. */
static int emit_row(sqlite3_stmt *st, int64_t after_seq, size_t limit,
                    size_t *taken, cw_roster_change_cb cb, void *payload)
{
	int64_t seq = sqlite3_column_int64(st, 0);
	int entity = sqlite3_column_int(st, 1);
	int64_t at_ms = sqlite3_column_int64(st, 2);
	const char *p = sqlite3_column_blob(st, 3);
	const char *end = p + sqlite3_column_bytes(st, 3);
	int err = 0;
	for (; err == 0 && p && p + 1 < end && *taken < limit; seq++) {
		const char *nul = memchr(p + 1, '\0', (size_t)(end - p - 1));
		if (!nul)
			break;
		if (seq > after_seq) {
			cw_roster_change_entry c = { seq, entity, *p, p + 1,
				                     at_ms };
			err = cb(&c, payload);
			(*taken)++;
		}
		p = nul + 1;
	}
	return err;
}

int cw_sqlite__roster_changes(cw_store *store, int64_t tenant_id,
                              int64_t after_seq, size_t limit,
                              cw_roster_change_cb cb, void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	size_t taken = 0;
	int err = cw_sqlite__acquire(s, &conn), rc = SQLITE_DONE;
	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db,
	                       "SELECT first_seq, entity, at_ms, changes FROM "
	                       "roster_log WHERE tenant_id = ?1 AND first_seq "
	                       "+ count > ?2 ORDER BY first_seq",
	                       -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing the change feed");
		goto out;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	sqlite3_bind_int64(st, 2, after_seq);
	while (err == 0 && taken < limit &&
	       (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = emit_row(st, after_seq, limit, &taken, cb, payload);
	if (err == 0 && taken < limit && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "reading the change feed");
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}
