/* Sync connections in the store: the lease (claim, renew, expiry, release),
 * firings taken once, runs recorded with the connection, deletion refused
 * while running, and the change log pruned to a horizon. */
#include "store/store.h"
#include "unit/tmpdir.h"
#include "util/error.h"

#include <check.h>
#include <sqlite3.h>
#include <string.h>

Suite *suite_sync(void);

static char dir[256];
static cw_store *store;
static int64_t tenant, conn;

static void setup(void)
{
	int applied = -1;
	cw_tenant t;
	cw_sync_connection c = { 0 };
	cw_test_tmpdir(dir);
	ck_assert_int_eq(cw_store_open(&store, "sqlite", dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
	ck_assert_int_eq(cw_store_tenant_add(store, "d1", &t), 0);
	tenant = t.id;
	c.tenant_id = tenant;
	c.name = "sis";
	c.base_url = "https://sis.example/";
	c.version = "1.2";
	c.auth = "none";
	c.page_size = 100;
	c.schedule = "0 2 * * *";
	c.next_run_ms = 5000;
	ck_assert_int_eq(cw_store_sync_add(store, &c, &conn), 0);
}

static void teardown(void)
{
	cw_store_free(store);
	store = NULL;
	cw_test_rmtree(dir);
}

static int copy_run(const cw_sync_run *r, void *payload)
{
	char *state = payload;
	snprintf(state, 16, "%s", r->state);
	return 0;
}

START_TEST(lease_is_held_by_one)
{
	cw_sync_run run = { 0 };
	char state[16] = "";
	int64_t id = 0;
	ck_assert_int_eq(cw_store_sync_claim(store, conn, "a", 1000, 4000), 0);
	ck_assert_int_eq(cw_store_sync_claim(store, conn, "b", 2000, 5000),
	                 CW_EBUSY);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "already running"));
	ck_assert_int_eq(cw_store_sync_renew(store, conn, "a", 6000), 0);
	ck_assert_int_eq(cw_store_sync_renew(store, conn, "b", 9000),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_sync_delete(store, conn, 3000), CW_EBUSY);
	/* a's run, then a dies: once the lease lapses b takes it, and the
	 * run a left running is interrupted */
	run.connection_id = conn;
	run.tenant_id = tenant;
	run.started_by = "schedule";
	run.kind = "full";
	run.state = "running";
	run.started_ms = 1000;
	ck_assert_int_eq(cw_store_sync_run_add(store, &run, &id), 0);
	ck_assert_int_eq(cw_store_sync_claim(store, conn, "b", 5999, 9000),
	                 CW_EBUSY);
	ck_assert_int_eq(cw_store_sync_claim(store, conn, "b", 6001, 9000), 0);
	ck_assert_int_eq(
	        cw_store_sync_run_list(store, conn, id, 1, copy_run, state), 0);
	ck_assert_str_eq(state, "interrupted");
	ck_assert_int_eq(cw_store_sync_renew(store, conn, "a", 99000),
	                 CW_ENOTFOUND);
	/* a's late release does not free b's lease */
	ck_assert_int_eq(cw_store_sync_release(store, conn, "a"), 0);
	ck_assert_int_eq(cw_store_sync_claim(store, conn, "c", 7000, 9000),
	                 CW_EBUSY);
	ck_assert_int_eq(cw_store_sync_release(store, conn, "b"), 0);
	ck_assert_int_eq(cw_store_sync_claim(store, conn, "c", 7000, 9000), 0);
	ck_assert_int_eq(cw_store_sync_release(store, conn, "c"), 0);
	ck_assert_int_eq(cw_store_sync_delete(store, conn, 7000), 0);
	ck_assert_int_eq(cw_store_sync_delete(store, conn, 7000), CW_ENOTFOUND);
}
END_TEST

typedef struct {
	char cursor[40];
	int64_t last_full, next_run;
	char state[16];
} seen_connection;

static int copy_connection(const cw_sync_connection *c, void *payload)
{
	seen_connection *s = payload;
	snprintf(s->cursor, sizeof(s->cursor), "%s",
	         c->cursor ? c->cursor : "");
	snprintf(s->state, sizeof(s->state), "%s",
	         c->last_state ? c->last_state : "");
	s->last_full = c->last_full_ms;
	s->next_run = c->next_run_ms;
	return 0;
}

START_TEST(firings_and_runs)
{
	cw_sync_run run = { 0 };
	seen_connection s;
	int won = -1;
	int64_t id = 0;
	/* a firing is taken once */
	ck_assert_int_eq(
	        cw_store_sync_reschedule(store, conn, 5000, 9000, &won), 0);
	ck_assert_int_eq(won, 1);
	ck_assert_int_eq(
	        cw_store_sync_reschedule(store, conn, 5000, 9000, &won), 0);
	ck_assert_int_eq(won, 0);
	/* a held run keeps the cursor; an applied full run moves it */
	run.connection_id = conn;
	run.tenant_id = tenant;
	run.started_by = "cli";
	run.kind = "full";
	run.state = "running";
	run.started_ms = 1234;
	run.cursor = "2027-01-01T00:00:00.000Z";
	ck_assert_int_eq(cw_store_sync_run_add(store, &run, &id), 0);
	run.id = id;
	run.state = "held";
	run.finished_ms = 2000;
	run.held_set = "/tmp/x";
	ck_assert_int_eq(cw_store_sync_run_finish(store, &run, "held", 0), 0);
	ck_assert_int_eq(
	        cw_store_sync_list(store, 0, "sis", copy_connection, &s), 0);
	ck_assert_str_eq(s.cursor, "");
	ck_assert_str_eq(s.state, "held");
	ck_assert_int_eq(s.next_run, 9000);
	ck_assert_int_eq(
	        cw_store_sync_run_settle(store, id, "held", "approved"), 0);
	ck_assert_int_eq(
	        cw_store_sync_run_settle(store, id, "held", "approved"),
	        CW_ENOTFOUND);
	run.state = "applied";
	run.held_set = NULL;
	ck_assert_int_eq(cw_store_sync_run_finish(store, &run, "ok", 1), 0);
	ck_assert_int_eq(
	        cw_store_sync_list(store, 0, "sis", copy_connection, &s), 0);
	ck_assert_str_eq(s.cursor, "2027-01-01T00:00:00.000Z");
	ck_assert_int_eq(s.last_full, 1234);
	ck_assert_int_eq(cw_store_sync_run_list(store, conn, id + 1, 1,
	                                        copy_run, s.state),
	                 CW_ENOTFOUND);
}
END_TEST

static int count_runs(const cw_sync_run *r, void *payload)
{
	(void)r;
	(*(int *)payload)++;
	return 0;
}

START_TEST(runs_are_trimmed)
{
	cw_sync_run run = { 0 };
	int64_t id = 0;
	int deleted = -1, n = 0;
	run.connection_id = conn;
	run.tenant_id = tenant;
	run.started_by = "schedule";
	run.kind = "delta";
	for (int i = 0; i < 6; i++) {
		run.state = i == 0 ? "held" : i == 5 ? "running" : "applied";
		run.started_ms = 1000 + i;
		ck_assert_int_eq(cw_store_sync_run_add(store, &run, &id), 0);
	}
	/* keep 2: the two newest, and the old held one */
	ck_assert_int_eq(cw_store_sync_run_trim(store, 2, &deleted), 0);
	ck_assert_int_eq(deleted, 3);
	ck_assert_int_eq(
	        cw_store_sync_run_list(store, conn, 0, 100, count_runs, &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(cw_store_sync_run_trim(store, 2, &deleted), 0);
	ck_assert_int_eq(deleted, 0);
}
END_TEST

static void log_row(sqlite3 *db, int64_t seq, int64_t tenant_id, int count,
                    int64_t at_ms)
{
	char sql[300];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO roster_log (first_seq, tenant_id, entity, at_ms, "
	         "count, changes) VALUES (%lld, %lld, 1, %lld, %d, "
	         "CAST(%s AS BLOB))",
	         (long long)seq, (long long)tenant_id, (long long)at_ms, count,
	         count == 1 ? "'ax' || char(0)"
	                    : "'ax' || char(0) || 'uy' || char(0)");
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static int count_change(const cw_roster_change_entry *c, void *payload)
{
	(void)c;
	(*(int *)payload)++;
	return 0;
}

static int count_row(const cw_roster_record *r, void *payload)
{
	(void)r;
	(*(int *)payload)++;
	return 0;
}

START_TEST(prune_keeps_a_horizon)
{
	char path[300];
	sqlite3 *db = NULL;
	cw_tenant other;
	int pruned = -1, n = 0;
	int64_t seq = -1, before = -1;
	ck_assert_int_eq(cw_store_tenant_add(store, "d2", &other), 0);
	snprintf(path, sizeof(path), "%s/crosswalk.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	log_row(db, 1, tenant, 2, 1000);   /* seq 1-2 */
	log_row(db, 3, tenant, 1, 2000);   /* seq 3 */
	log_row(db, 4, other.id, 1, 1500); /* seq 4 */
	log_row(db, 5, other.id, 2, 1600); /* seq 5-6, the newest */
	sqlite3_close(db);
	ck_assert_int_eq(cw_store_roster_horizon(store, tenant, &seq, &before),
	                 0);
	ck_assert_int_eq(seq, 0);
	ck_assert_int_eq(cw_store_roster_prune(store, 3000, &pruned), 0);
	ck_assert_int_eq(pruned, 3); /* the newest row stays */
	ck_assert_int_eq(cw_store_roster_horizon(store, tenant, &seq, &before),
	                 0);
	ck_assert_int_eq(seq, 3);
	ck_assert_int_eq(before, 3000);
	ck_assert_int_eq(
	        cw_store_roster_horizon(store, other.id, &seq, &before), 0);
	ck_assert_int_eq(seq, 4);
	/* a lower cutoff later (retention raised) moves nothing back */
	ck_assert_int_eq(cw_store_roster_prune(store, 100, &pruned), 0);
	ck_assert_int_eq(pruned, 0);
	ck_assert_int_eq(cw_store_roster_horizon(store, tenant, &seq, &before),
	                 0);
	ck_assert_int_eq(seq, 3);
	ck_assert_int_eq(before, 3000);
	ck_assert_int_eq(cw_store_roster_changes(store, other.id, 4, 100,
	                                         count_change, &n),
	                 0);
	ck_assert_int_eq(n, 2);
	/* a delta from before the horizon would miss deletions: refused */
	ck_assert_int_eq(cw_store_roster_list(store, tenant, 1,
	                                      "1970-01-01T00:00:02.000Z",
	                                      count_row, &n),
	                 CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "no longer kept"));
	ck_assert_int_eq(cw_store_roster_list(store, tenant, 1,
	                                      "1970-01-01T00:00:03.000Z",
	                                      count_row, &n),
	                 0);
}
END_TEST

Suite *suite_sync(void)
{
	Suite *s = suite_create("sync");
	TCase *c = tcase_create("sync");
	tcase_add_checked_fixture(c, setup, teardown);
	tcase_add_test(c, lease_is_held_by_one);
	tcase_add_test(c, firings_and_runs);
	tcase_add_test(c, prune_keeps_a_horizon);
	tcase_add_test(c, runs_are_trimmed);
	suite_add_tcase(s, c);
	return s;
}
