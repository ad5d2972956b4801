/* Failed authentications in the store (migration 0014): counted in a fixed
 * window up to a block that lasts until the window ends, a new window once
 * it passed, cleared by a success, kinds apart, stale rows pruned; two
 * store handles (two nodes) count into the same row. The same tests run
 * on PostgreSQL (suite authfail/pg) when CROSSWALK_TEST_PG is set, with
 * nodes failing one identity at once there. */
#include "store/store.h"
#include "unit/pgdb.h"
#include "unit/tmpdir.h"
#include "util/error.h"

#include <check.h>
#include <pthread.h>
#include <string.h>

Suite *suite_authfail(void);
Suite *suite_authfail_pg(void);

#define WINDOW 10000 /* ms */

static char dir[256];
static cw_store *store;
static char url[512] = "sqlite", pg_name[64];

static void setup(void)
{
	int applied = -1;

	cw_test_tmpdir(dir);
	ck_assert_int_eq(cw_store_open(&store, url, dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
}

static void setup_pg(void)
{
	cw_test_pg_create(pg_name, url);
	setup();
}

static void teardown(void)
{
	cw_store_free(store);
	store = NULL;
	cw_test_rmtree(dir);
	if (pg_name[0])
		cw_test_pg_drop(pg_name);
	pg_name[0] = '\0';
}

/* The block of key after a failure at now, limit 3. */
static int64_t fail_at(cw_store *s, const char *key, int64_t now)
{
	int64_t until = -1;

	ck_assert_int_eq(cw_store_auth_fail_count(s, "client", key, now, 3,
	                                          WINDOW, &until),
	                 0);
	return until;
}

static int64_t blocked(cw_store *s, const char *kind, const char *key,
                       int *held)
{
	int64_t until = -1;

	ck_assert_int_eq(cw_store_auth_fail_get(s, kind, key, &until, held), 0);
	return until;
}

START_TEST(counts_blocks_and_windows)
{
	int held = -1;

	/* nothing recorded: not held, not blocked */
	ck_assert_int_eq(blocked(store, "client", "k1", &held), 0);
	ck_assert_int_eq(held, 0);
	/* the third failure of a window blocks until the window ends */
	ck_assert_int_eq(fail_at(store, "k1", 1000), 0);
	ck_assert_int_eq(blocked(store, "client", "k1", &held), 0);
	ck_assert_int_eq(held, 1);
	ck_assert_int_eq(fail_at(store, "k1", 2000), 0);
	ck_assert_int_eq(fail_at(store, "k1", 3000), 1000 + WINDOW);
	ck_assert_int_eq(blocked(store, "client", "k1", &held), 1000 + WINDOW);
	/* another kind, another key: apart */
	ck_assert_int_eq(blocked(store, "holder", "k1", &held), 0);
	ck_assert_int_eq(held, 0);
	ck_assert_int_eq(blocked(store, "client", "k2", &held), 0);
	ck_assert_int_eq(held, 0);
	/* a failure after the window starts a new one: counted from 1 */
	ck_assert_int_eq(fail_at(store, "k1", 1000 + WINDOW), 0);
	ck_assert_int_eq(blocked(store, "client", "k1", &held), 0);
	ck_assert_int_eq(fail_at(store, "k1", 2000 + WINDOW), 0);
	ck_assert_int_eq(fail_at(store, "k1", 3000 + WINDOW),
	                 1000 + 2 * WINDOW);
	/* failures spread wider than a window never block */
	ck_assert_int_eq(fail_at(store, "k3", 0), 0);
	ck_assert_int_eq(fail_at(store, "k3", WINDOW - 1), 0);
	ck_assert_int_eq(fail_at(store, "k3", WINDOW), 0);
	ck_assert_int_eq(fail_at(store, "k3", WINDOW + 1), 0);
	ck_assert_int_eq(fail_at(store, "k3", 2 * WINDOW - 1), WINDOW + WINDOW);
}
END_TEST

START_TEST(a_success_clears)
{
	int held = -1;

	fail_at(store, "k1", 1000);
	fail_at(store, "k1", 1001);
	ck_assert_int_gt(fail_at(store, "k1", 1002), 0);
	ck_assert_int_eq(cw_store_auth_fail_clear(store, "client", "k1"), 0);
	ck_assert_int_eq(blocked(store, "client", "k1", &held), 0);
	ck_assert_int_eq(held, 0);
	/* counted from nothing again */
	ck_assert_int_eq(fail_at(store, "k1", 1003), 0);
	ck_assert_int_eq(fail_at(store, "k1", 1004), 0);
	ck_assert_int_eq(fail_at(store, "k1", 1005), 1003 + WINDOW);
	/* clearing what is not there is no error */
	ck_assert_int_eq(cw_store_auth_fail_clear(store, "holder", "none"), 0);
}
END_TEST

START_TEST(limit_one_blocks_at_once)
{
	int64_t until = -1;

	ck_assert_int_eq(cw_store_auth_fail_count(store, "holder", "h", 500, 1,
	                                          WINDOW, &until),
	                 0);
	ck_assert_int_eq(until, 500 + WINDOW);
}
END_TEST

START_TEST(stale_rows_pruned)
{
	int purged = -1, held = -1;

	fail_at(store, "old", 1000);     /* window ended, never blocked */
	fail_at(store, "blocked", 1000); /* blocked until 1000 + WINDOW */
	fail_at(store, "blocked", 1000);
	fail_at(store, "blocked", 1000);
	fail_at(store, "fresh", 5000 + WINDOW); /* window still running */
	ck_assert_int_eq(
	        cw_store_auth_fail_purge(store, 2000 + WINDOW, WINDOW, &purged),
	        0);
	ck_assert_int_eq(purged, 2);
	blocked(store, "client", "old", &held);
	ck_assert_int_eq(held, 0);
	blocked(store, "client", "blocked", &held);
	ck_assert_int_eq(held, 0);
	blocked(store, "client", "fresh", &held);
	ck_assert_int_eq(held, 1);
	/* a block still running is kept even when the window is older */
	fail_at(store, "late", 10000);
	fail_at(store, "late", 10000);
	fail_at(store, "late", 10000);
	ck_assert_int_eq(cw_store_auth_fail_purge(store, 10000 + WINDOW - 1,
	                                          WINDOW / 2, &purged),
	                 0);
	ck_assert_int_eq(purged, 0);
	blocked(store, "client", "late", &held);
	ck_assert_int_eq(held, 1);
}
END_TEST

/* Node A and node B: two handles on one store count into the same row. */
START_TEST(two_handles_count_together)
{
	cw_store *other = NULL;
	int held = -1;

	ck_assert_int_eq(cw_store_open(&other, url, dir), 0);
	ck_assert_int_eq(fail_at(store, "shared", 1000), 0);
	ck_assert_int_eq(fail_at(other, "shared", 1100), 0);
	ck_assert_int_eq(fail_at(store, "shared", 1200), 1000 + WINDOW);
	ck_assert_int_eq(blocked(other, "client", "shared", &held),
	                 1000 + WINDOW);
	ck_assert_int_eq(cw_store_auth_fail_clear(other, "client", "shared"),
	                 0);
	ck_assert_int_eq(blocked(store, "client", "shared", &held), 0);
	ck_assert_int_eq(held, 0);
	cw_store_free(other);
}
END_TEST

/* ---- nodes failing at once on PostgreSQL ----------------------------------
 */

#define RACERS 8
#define EACH   25

typedef struct {
	cw_store *own;
	int result;
	pthread_barrier_t *start;
} racer;

static void *fail_many(void *arg)
{
	racer *r = arg;
	int64_t until;

	pthread_barrier_wait(r->start);
	r->result = 0;
	for (int i = 0; i < EACH && r->result == 0; i++)
		r->result = cw_store_auth_fail_count(r->own, "client", "race",
		                                     1000 + i, 1000000, WINDOW,
		                                     &until);
	return NULL;
}

/* Every failure counts, however many nodes upsert the row at once. */
START_TEST(concurrent_failures_all_count)
{
	cw_store *other = NULL;
	pthread_t threads[RACERS];
	pthread_barrier_t start;
	racer racers[RACERS];

	ck_assert_int_eq(cw_store_open(&other, url, dir), 0);
	ck_assert_int_eq(pthread_barrier_init(&start, NULL, RACERS), 0);
	for (int i = 0; i < RACERS; i++) {
		racers[i].own = i % 2 ? other : store;
		racers[i].result = -1;
		racers[i].start = &start;
		ck_assert_int_eq(pthread_create(&threads[i], NULL, fail_many,
		                                &racers[i]),
		                 0);
	}
	for (int i = 0; i < RACERS; i++)
		ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
	pthread_barrier_destroy(&start);
	for (int i = 0; i < RACERS; i++)
		ck_assert_int_eq(racers[i].result, 0);
	ck_assert_int_eq(cw_test_pg_exec(url, "SELECT 1 FROM auth_failures "
	                                      "WHERE key_hash = 'race' AND "
	                                      "failures = 200"),
	                 1);
	cw_store_free(other);
}
END_TEST

static void add_interface_tests(TCase *c)
{
	tcase_add_test(c, counts_blocks_and_windows);
	tcase_add_test(c, a_success_clears);
	tcase_add_test(c, limit_one_blocks_at_once);
	tcase_add_test(c, stale_rows_pruned);
	tcase_add_test(c, two_handles_count_together);
}

Suite *suite_authfail(void)
{
	Suite *s = suite_create("authfail");
	TCase *c = tcase_create("authfail");

	tcase_add_checked_fixture(c, setup, teardown);
	add_interface_tests(c);
	suite_add_tcase(s, c);
	return s;
}

/* The same on PostgreSQL, and nodes racing; no test case without a
 * cluster. */
Suite *suite_authfail_pg(void)
{
	Suite *s = suite_create("authfail/pg");
	TCase *c;

	if (!cw_test_pg_base())
		return s;
	c = tcase_create("authfail");
	tcase_add_checked_fixture(c, setup_pg, teardown);
	tcase_set_timeout(c, 60);
	add_interface_tests(c);
	tcase_add_test(c, concurrent_failures_all_count);
	suite_add_tcase(s, c);
	return s;
}
