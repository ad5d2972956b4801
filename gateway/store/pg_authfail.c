/* Failed authentications per identity on PostgreSQL (migration 0014): one
 * read before an attempt, one upsert per failure (concurrent failures of
 * one identity on several nodes each count: the upsert takes the row's
 * lock), one delete per success that follows failures. */
#include "store/pg_internal.h"

#include "util/error.h"

#include <libpq-fe.h>

/* As in sqlite_authfail.c: $3 now, $4 the limit, $5 the window; SET reads
 * the row as it was before. */
#define COUNT_SQL                                                              \
	"INSERT INTO auth_failures (kind, key_hash, failures, "                \
	"window_start_ms, blocked_until_ms) VALUES ($1, $2, 1, $3::bigint, "   \
	"CASE WHEN $4::bigint <= 1 THEN $3::bigint + $5::bigint ELSE 0 END) "  \
	"ON CONFLICT (kind, key_hash) DO UPDATE SET failures = CASE WHEN "     \
	"auth_failures.window_start_ms + $5::bigint <= $3::bigint THEN 1 "     \
	"ELSE auth_failures.failures + 1 END, window_start_ms = CASE WHEN "    \
	"auth_failures.window_start_ms + $5::bigint <= $3::bigint THEN "       \
	"$3::bigint ELSE auth_failures.window_start_ms END, blocked_until_ms " \
	"= CASE WHEN auth_failures.window_start_ms + $5::bigint <= "           \
	"$3::bigint THEN excluded.blocked_until_ms WHEN "                      \
	"auth_failures.failures + 1 >= $4::bigint THEN "                       \
	"auth_failures.window_start_ms + $5::bigint ELSE "                     \
	"auth_failures.blocked_until_ms END RETURNING blocked_until_ms"

int cw_pg__auth_fail_get(cw_store *store, const char *kind, const char *key,
                         int64_t *blocked_until_ms, int *held)
{
	const char *params[2] = { kind, key };
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	PGresult *res = NULL;
	int err = cw_pg__acquire(s, &c);

	*blocked_until_ms = 0;
	*held = 0;
	/* Prepared once per connection (pg.c): it runs before every
	 * authentication. */
	if (err == 0)
		err = cw_pg__prepared(c, PS_AUTH_FAIL_GET,
		                      "reading failed authentications", &res, 2,
		                      params);
	cw_pg__release(s, c);
	if (err == 0 && PQntuples(res) == 1) {
		*blocked_until_ms = cw_pg__get_int(res, 0, 0);
		*held = 1;
	}
	PQclear(res);
	return err;
}

int cw_pg__auth_fail_count(cw_store *store, const char *kind, const char *key,
                           int64_t now_ms, int limit, int64_t window_ms,
                           int64_t *blocked_until_ms)
{
	char now[CW_PG_INT_TEXT], most[CW_PG_INT_TEXT], window[CW_PG_INT_TEXT];
	const char *params[5] = { kind, key, cw_pg__int(now, now_ms),
		                  cw_pg__int(most, limit),
		                  cw_pg__int(window, window_ms) };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store,
	                     "counting a failed authentication", &res,
	                     COUNT_SQL, 5, params);

	*blocked_until_ms = 0;
	if (err == 0 && PQntuples(res) != 1) {
		cw_error_set("store: counting a failed authentication: no row");
		err = CW_ESTORE;
	}
	if (err == 0)
		*blocked_until_ms = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	return err;
}

int cw_pg__auth_fail_clear(cw_store *store, const char *kind, const char *key)
{
	const char *params[2] = { kind, key };

	return cw_pg__run((pg_store *)store, "clearing failed authentications",
	                  NULL,
	                  "DELETE FROM auth_failures WHERE kind = $1 AND "
	                  "key_hash = $2",
	                  2, params);
}

int cw_pg__auth_fail_purge(cw_store *store, int64_t now_ms, int64_t window_ms,
                           int *purged)
{
	char before[CW_PG_INT_TEXT], now[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(before, now_ms - window_ms),
		                  cw_pg__int(now, now_ms) };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store,
	                     "purging failed authentications", &res,
	                     "DELETE FROM auth_failures WHERE "
	                     "window_start_ms < $1::bigint AND "
	                     "blocked_until_ms < $2::bigint",
	                     2, params);

	if (purged)
		*purged = err == 0 ? cw_pg__changed(res) : 0;
	PQclear(res);
	return err;
}
