/* The PostgreSQL backend's own tests (the interface tests it shares with
 * SQLite are in test_sqlite.c): migrations applied once when several
 * processes start at once, imports all or nothing with their change log,
 * references checked. Skipped (no test case) without CROSSWALK_TEST_PG. */
#include "store/store.h"
#include "unit/pgdb.h"
#include "unit/tmpdir.h"
#include "util/buf.h"
#include "util/embed.h"
#include "util/error.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

Suite *suite_pg(void);

extern const cw_embedded_file cw_sqlite_migrations[];
extern const cw_embedded_file cw_pg_migrations[];

/* How many migrations the PostgreSQL dialect has. */
static int pg_migration_count(void)
{
	int n = 0;

	while (cw_pg_migrations[n].name)
		n++;
	return n;
}

static char dir[256], url[512], name[64];
static cw_store *store;

static void setup(void)
{
	cw_test_tmpdir(dir);
	cw_test_pg_create(name, url);
	store = NULL;
}

static void teardown(void)
{
	cw_store_free(store);
	store = NULL;
	cw_test_rmtree(dir);
	cw_test_pg_drop(name);
}

static void open_migrated(void)
{
	int applied = -1;

	ck_assert_int_eq(cw_store_open(&store, url, dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
	ck_assert_int_ge(applied, 0);
}

#define NODES 4

/* Several nodes starting at once on an empty database: the advisory lock
 * lets one apply the migrations; the others find them applied. */
START_TEST(concurrent_start_migrates_once)
{
	int pipes[NODES][2], total = 0;
	pid_t pids[NODES];

	for (int i = 0; i < NODES; i++) {
		ck_assert_int_eq(pipe(pipes[i]), 0);
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			cw_store *own = NULL;
			int applied = -1, err;

			err = cw_store_open(&own, url, dir);
			if (err == 0)
				err = cw_store_migrate(own, &applied);
			cw_store_free(own);
			if (write(pipes[i][1], &applied, sizeof(applied)) < 0)
				_exit(3);
			_exit(err == 0 ? 0 : 1);
		}
		close(pipes[i][1]);
	}
	for (int i = 0; i < NODES; i++) {
		int status = 0, applied = -1;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert_int_eq(read(pipes[i][0], &applied, sizeof(applied)),
		                 (int)sizeof(applied));
		close(pipes[i][0]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		              "node %d failed", i);
		ck_assert_int_ge(applied, 0);
		total += applied;
	}
	ck_assert_int_eq(total, pg_migration_count());
	ck_assert_int_eq(cw_test_pg_exec(url, "SELECT * FROM "
	                                      "schema_migrations"),
	                 pg_migration_count());
}
END_TEST

/* ---- imports ------------------------------------------------------------- */

typedef struct {
	int decide;       /* 1 apply, 0 hold */
	const char *keep; /* bulk: the ids the set brought ("" none) */
	int dangling;
} policy_state;

static int seen(int entity, const char *id, void *payload)
{
	const policy_state *p = payload;
	(void)entity;
	return strstr(p->keep, id) != NULL;
}

static void on_dangling(const cw_roster_ref *ref, const char *id,
                        const char *target, void *payload)
{
	(void)ref;
	(void)id;
	(void)target;
	((policy_state *)payload)->dangling++;
}

static int decide(const cw_roster_counts *counts, void *payload)
{
	(void)counts;
	return ((policy_state *)payload)->decide;
}

/* Entity 4 (say, users) rows name an entity 1 row at position 0. */
static const cw_roster_ref refs[] = { { 4, "org", 0, 0, 1 } };

static cw_roster_record row(int entity, const char *id, const char *fields)
{
	cw_roster_record r = { entity, id, "active", "", fields, 0 };
	return r;
}

static int import(const cw_roster_record *rows, size_t n, uint32_t bulk,
                  policy_state *p, cw_roster_counts counts[], int *applied)
{
	cw_import_policy policy = {
		seen, refs, 1, on_dangling, decide, NULL, p
	};
	cw_store_import *imp = NULL;
	int err = cw_store_import_begin(&imp, store, 1,
	                                "2026-03-01T00:00:00.000Z", 0);

	ck_assert_int_eq(err, 0);
	for (size_t i = 0; err == 0 && i < n; i++)
		err = cw_store_import_put(imp, &rows[i]);
	if (err == 0)
		err = cw_store_import_commit(imp, bulk, &policy, counts,
		                             applied);
	cw_store_import_end(imp);
	return err;
}

static int append_row(const cw_roster_record *r, void *payload)
{
	cw_buf_printf(payload, "%d:%s:%s:%s;", r->entity, r->sourced_id,
	              r->status, r->fields);
	return 0;
}

static void expect_rows(int entity, const char *since, const char *want)
{
	cw_buf got = CW_BUF_INIT(1 << 20);

	ck_assert_int_eq(
	        cw_store_roster_list(store, 1, entity, since, append_row, &got),
	        0);
	ck_assert_str_eq(cw_buf_cstr(&got), want);
	cw_buf_dispose(&got);
}

static int append_change(const cw_roster_change_entry *c, void *payload)
{
	cw_buf_printf(payload, "%lld%c%s;", (long long)c->seq, c->op,
	              c->sourced_id);
	return 0;
}

START_TEST(imports_all_or_nothing_with_a_change_log)
{
	cw_roster_counts counts[CW_STORE_ROSTER_ENTITIES];
	policy_state p = { 1, "", 0 };
	cw_buf feed = CW_BUF_INIT(1 << 20);
	cw_tenant t;
	int applied = -1;
	int64_t seq = -1;
	/* Text that COPY must carry as is: tabs, newlines, backslashes. */
	cw_roster_record first[] = {
		row(1, "o1", "[\"Org\\tOne\"]"),
		row(1, "o2", "[\"two\\\\\"]"),
		row(4, "u1", "[\"o1\"]"),
		row(4, "u\t2", "[\"o2\"]"),
	};
	cw_roster_record held[] = { row(1, "o3", "[\"x\"]") };
	cw_roster_record second[] = {
		row(1, "o1", "[\"Org\\tOne\"]"), /* unchanged */
		row(4, "u1", "[\"o1\", 1]"),     /* updated */
		{ 4, "u\t2", "tobedeleted", "", "", 0 },
		{ 4, "nobody", "tobedeleted", "", "", 0 },
	};

	open_migrated();
	ck_assert_int_eq(cw_store_tenant_add(store, "t", &t), 0);
	ck_assert_int_eq(t.id, 1);
	ck_assert_int_eq(import(first, 4, 0, &p, counts, &applied), 0);
	ck_assert_int_eq(applied, 1);
	ck_assert_int_eq(counts[1].added, 2);
	ck_assert_int_eq(counts[4].added, 2);
	expect_rows(1, NULL,
	            "1:o1:active:[\"Org\\tOne\"];1:o2:active:[\"two\\\\\"];");

	/* Held: nothing of it is visible, the log does not move. */
	p.decide = 0;
	ck_assert_int_eq(import(held, 1, 0, &p, counts, &applied), 0);
	ck_assert_int_eq(applied, 0);
	ck_assert_int_eq(counts[1].added, 1);
	ck_assert_int_eq(cw_store_roster_seq(store, 1, &seq), 0);
	ck_assert_int_eq(seq, 5);

	/* Bulk entity 1: o2 is not in the set and goes; u\t2, which named
	 * it, goes in the same import, so no reference is left dangling. */
	p.decide = 1;
	p.keep = "o1";
	ck_assert_int_eq(import(second, 4, 1u << 1, &p, counts, &applied), 0);
	ck_assert_int_eq(p.dangling, 0);
	ck_assert_int_eq(applied, 1);
	ck_assert_int_eq(counts[1].unchanged, 1);
	ck_assert_int_eq(counts[1].deleted, 1);
	ck_assert_int_eq(counts[4].updated, 1);
	ck_assert_int_eq(counts[4].deleted, 1);
	expect_rows(4, NULL, "4:u1:active:[\"o1\", 1];");
	expect_rows(4, "2000-01-01T00:00:00.000Z",
	            "4:u\t2:tobedeleted:{};4:u1:active:[\"o1\", 1];");
	ck_assert_int_eq(
	        cw_store_roster_changes(store, 1, 0, 100, append_change, &feed),
	        0);
	ck_assert_str_eq(cw_buf_cstr(&feed),
	                 "1ao1;2ao2;3au1;4au\t2;5do2;6uu1;7du\t2;");
	cw_buf_clear(&feed);
	ck_assert_int_eq(
	        cw_store_roster_changes(store, 1, 5, 1, append_change, &feed),
	        0);
	ck_assert_str_eq(cw_buf_cstr(&feed), "6uu1;");
	cw_buf_dispose(&feed);
}
END_TEST

/* A bulk import that drops a row others point at is refused whole. */
START_TEST(dangling_references_refuse_the_import)
{
	cw_roster_counts counts[CW_STORE_ROSTER_ENTITIES];
	policy_state p = { 1, "", 0 };
	cw_roster_record first[] = { row(1, "o1", "[\"a\"]"),
		                     row(1, "o2", "[\"b\"]"),
		                     row(4, "u1", "[\"o2\"]") };
	cw_roster_record second[] = { row(1, "o1", "[\"a\"]") };
	cw_tenant t;
	int applied = -1;

	open_migrated();
	ck_assert_int_eq(cw_store_tenant_add(store, "t", &t), 0);
	ck_assert_int_eq(import(first, 3, 0, &p, counts, &applied), 0);
	p.keep = "o1";
	ck_assert_int_eq(import(second, 1, 1u << 1, &p, counts, &applied),
	                 CW_EINVAL);
	ck_assert_int_eq(p.dangling, 1);
	expect_rows(1, NULL, "1:o1:active:[\"a\"];1:o2:active:[\"b\"];");
}
END_TEST

/* A node starting fails the imports left running by a process that is
 * gone, not those another live node is running. */
START_TEST(interrupted_means_its_process_is_gone)
{
	cw_store *other = NULL;
	cw_import_record rec;
	cw_tenant t;
	int64_t live = 0, done = 0;
	int count = -1;

	open_migrated();
	ck_assert_int_eq(cw_store_tenant_add(store, "t", &t), 0);
	ck_assert_int_eq(cw_store_import_create(store, t.id, "2026-01-01",
	                                        "/up/a.zip", &live),
	                 0);
	ck_assert_int_eq(cw_store_import_create(store, t.id, "2026-01-01",
	                                        "/up/b.zip", &done),
	                 0);
	ck_assert_int_eq(cw_store_import_report(store, done, "applied", "{}"),
	                 0);
	ck_assert_int_eq(cw_store_open(&other, url, dir), 0);
	ck_assert_int_eq(cw_store_import_interrupted(other, &count), 0);
	ck_assert_int_eq(count, 0);
	/* The first node goes away with its import running (the server
	 * ends its sessions a moment after they close). */
	cw_store_free(store);
	store = NULL;
	for (int tries = 0; tries < 100; tries++) {
		ck_assert_int_eq(cw_store_import_interrupted(other, &count), 0);
		if (count)
			break;
		nanosleep(&(struct timespec){ 0, 20000000L }, NULL);
	}
	ck_assert_int_eq(count, 1);
	ck_assert_int_eq(cw_store_import_get(other, live, &rec), 0);
	ck_assert_str_eq(rec.state, "failed");
	cw_import_record_dispose(&rec);
	ck_assert_int_eq(cw_store_import_get(other, done, &rec), 0);
	ck_assert_str_eq(rec.state, "applied");
	cw_import_record_dispose(&rec);
	cw_store_free(other);
}
END_TEST

/* Both dialects have the same migrations by number and name (the schema
 * version means the same on either database); runs without a cluster. */
START_TEST(migrations_match_sqlite)
{
	int i = 0;

	for (; cw_sqlite_migrations[i].name && cw_pg_migrations[i].name; i++)
		ck_assert_str_eq(cw_pg_migrations[i].name,
		                 cw_sqlite_migrations[i].name);
	ck_assert_ptr_null(cw_sqlite_migrations[i].name);
	ck_assert_ptr_null(cw_pg_migrations[i].name);
	ck_assert_int_ge(i, 13);
}
END_TEST

Suite *suite_pg(void)
{
	Suite *s = suite_create("store/pg-own");
	TCase *tc = tcase_create("dialects");

	tcase_add_test(tc, migrations_match_sqlite);
	suite_add_tcase(s, tc);
	if (!cw_test_pg_base())
		return s;
	tc = tcase_create("pg");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, concurrent_start_migrates_once);
	tcase_add_test(tc, imports_all_or_nothing_with_a_change_log);
	tcase_add_test(tc, dangling_references_refuse_the_import);
	tcase_add_test(tc, interrupted_means_its_process_is_gone);
	suite_add_tcase(s, tc);
	return s;
}
