/* The failed-authentication gate on a store: blocked after limit failures
 * with the seconds left, those seconds counted on the wall clock; a
 * success clears; two gates on one store (two nodes) share the counts;
 * the identity is kept only as its SHA-256; limit 0 never touches the
 * store, and a store that fails makes the check fail (closed). */
#include "engine/failgate.h"
#include "unit/tmpdir.h"
#include "util/error.h"

#include <check.h>
#include <sqlite3.h>
#include <string.h>

Suite *suite_failgate(void);

static char dir[256];
static cw_store *store;

static void setup(void)
{
	int applied = -1;

	cw_test_tmpdir(dir);
	ck_assert_int_eq(cw_store_open(&store, "sqlite", dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
}

static void teardown(void)
{
	cw_store_free(store);
	store = NULL;
	cw_test_rmtree(dir);
}

/* Seconds key must wait at t (a failed check fails the test). */
static int wait_of(cw_failgate *g, cw_failgate_attempt *a, const char *kind,
                   const char *who, int64_t t)
{
	int wait = -1;

	ck_assert_int_eq(cw_failgate_check(g, a, kind, who, t, &wait), 0);
	return wait;
}

static void failure(cw_failgate *g, const char *kind, const char *who,
                    int64_t t)
{
	cw_failgate_attempt a;

	ck_assert_int_eq(wait_of(g, &a, kind, who, t), 0);
	ck_assert_int_eq(cw_failgate_outcome(g, &a, 1, t), 0);
}

START_TEST(blocks_after_limit_until_window_ends)
{
	cw_failgate *g = NULL;
	cw_failgate_attempt a;
	int64_t t = 1800000000000LL; /* wall clock */

	ck_assert_int_eq(cw_failgate_new(&g, store, 3, 10), 0);
	for (int i = 0; i < 3; i++)
		failure(g, "client", "a", t + i * 1000);
	/* the window began at the first failure */
	ck_assert_int_eq(wait_of(g, &a, "client", "a", t + 2000), 8);
	ck_assert_int_eq(wait_of(g, &a, "client", "a", t + 9500), 1);
	ck_assert_int_eq(wait_of(g, &a, "client", "a", t + 10000), 0);
	/* others go on: another client, a holder of the same name */
	ck_assert_int_eq(wait_of(g, &a, "client", "b", t + 2000), 0);
	ck_assert_int_eq(a.held, 0);
	ck_assert_int_eq(wait_of(g, &a, "holder", "a", t + 2000), 0);
	/* after the window, one failure does not block */
	failure(g, "client", "a", t + 10000);
	ck_assert_int_eq(wait_of(g, &a, "client", "a", t + 10001), 0);
	ck_assert_int_eq(a.held, 1);
	/* a success clears: three more failures are needed */
	ck_assert_int_eq(cw_failgate_outcome(g, &a, 0, t + 10001), 0);
	failure(g, "client", "a", t + 10002);
	failure(g, "client", "a", t + 10003);
	ck_assert_int_eq(wait_of(g, &a, "client", "a", t + 10004), 0);
	failure(g, "client", "a", t + 10004);
	ck_assert_int_gt(wait_of(g, &a, "client", "a", t + 10005), 0);
	cw_failgate_free(g);
}
END_TEST

static int count_rows(const char *sql)
{
	char path[512];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int n = -1;

	snprintf(path, sizeof(path), "%s/crosswalk.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Two daemons on one store: each with its gate, sharing the counts. */
START_TEST(two_gates_share_counts)
{
	cw_failgate *a = NULL, *b = NULL;
	cw_store *other = NULL;
	cw_failgate_attempt at;
	int64_t t = 1800000000000LL;

	ck_assert_int_eq(cw_store_open(&other, "sqlite", dir), 0);
	ck_assert_int_eq(cw_failgate_new(&a, store, 4, 60), 0);
	ck_assert_int_eq(cw_failgate_new(&b, other, 4, 60), 0);
	failure(a, "holder", "d1/ada@example.org", t);
	failure(b, "holder", "d1/ada@example.org", t + 1);
	failure(a, "holder", "d1/ada@example.org", t + 2);
	ck_assert_int_eq(wait_of(b, &at, "holder", "d1/ada@example.org", t + 3),
	                 0);
	ck_assert_int_eq(cw_failgate_outcome(b, &at, 1, t + 3), 0);
	ck_assert_int_eq(wait_of(a, &at, "holder", "d1/ada@example.org", t + 4),
	                 60);
	ck_assert_int_eq(wait_of(b, &at, "holder", "d1/ada@example.org", t + 4),
	                 60);
	/* the login is nowhere in the store, its digest is */
	ck_assert_int_eq(count_rows("SELECT count(*) FROM auth_failures WHERE "
	                            "key_hash LIKE '%ada%'"),
	                 0);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM auth_failures WHERE "
	                            "length(key_hash) = 64 AND kind = "
	                            "'holder' AND failures = 4"),
	                 1);
	/* pruned once the window ended, not before */
	int purged = -1;
	ck_assert_int_eq(cw_failgate_purge(a, t + 59999, &purged), 0);
	ck_assert_int_eq(purged, 0);
	ck_assert_int_eq(cw_failgate_purge(b, t + 60001, &purged), 0);
	ck_assert_int_eq(purged, 1);
	cw_failgate_free(a);
	cw_failgate_free(b);
	cw_store_free(other);
}
END_TEST

START_TEST(limit_zero_and_null_gate)
{
	cw_failgate *g = NULL;
	cw_failgate_attempt a;
	int purged = -1;

	/* limit 0: never blocks, never reaches the store (there is none) */
	ck_assert_int_eq(cw_failgate_new(&g, NULL, 0, 60), 0);
	for (int i = 0; i < 5; i++)
		failure(g, "client", "a", 1000);
	ck_assert_int_eq(wait_of(g, &a, "client", "a", 1000), 0);
	ck_assert_int_eq(cw_failgate_purge(g, 1000, &purged), 0);
	cw_failgate_free(g);
	ck_assert_int_eq(wait_of(NULL, &a, "client", "x", 0), 0);
	ck_assert_int_eq(cw_failgate_outcome(NULL, &a, 1, 0), 0);
	cw_failgate_free(NULL);
}
END_TEST

/* Without its table the store cannot answer: the check is an error, so
 * the caller compares no secret (fail closed); so is a failure it cannot
 * count. */
START_TEST(store_errors_fail_closed)
{
	cw_failgate *g = NULL;
	cw_failgate_attempt a = { 0 };
	char path[512];
	sqlite3 *db = NULL;
	int wait = -1;

	snprintf(path, sizeof(path), "%s/crosswalk.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(
	        sqlite3_exec(db, "DROP TABLE auth_failures", NULL, NULL, NULL),
	        SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(cw_failgate_new(&g, store, 3, 60), 0);
	ck_assert_int_lt(cw_failgate_check(g, &a, "client", "a", 1000, &wait),
	                 0);
	ck_assert_int_eq(wait, 0);
	ck_assert_int_lt(cw_failgate_outcome(g, &a, 1, 1000), 0);
	cw_failgate_free(g);
}
END_TEST

Suite *suite_failgate(void)
{
	Suite *s = suite_create("failgate");
	TCase *t = tcase_create("failgate");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, blocks_after_limit_until_window_ends);
	tcase_add_test(t, two_gates_share_counts);
	tcase_add_test(t, limit_zero_and_null_gate);
	tcase_add_test(t, store_errors_fail_closed);
	suite_add_tcase(s, t);
	return s;
}
