/* Migration 0003 on a database left by an earlier Crosswalk: roster rows
 * with named JSON fields and ISO times, a change log of one row per change.
 * The database is built with the embedded migrations 0001 and 0002 only. */
#include "roster/schema.h"
#include "store/store.h"
#include "unit/tmpdir.h"
#include "util/embed.h"

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *suite_roster_migration(void);

extern const cw_embedded_file cw_sqlite_migrations[];

static char dir[256];

/* A database at schema version 2, holding extra (SQL run after). */
static void make_v2(const char *extra)
{
	char path[300];
	sqlite3 *db = NULL;

	cw_test_tmpdir(dir);
	snprintf(path, sizeof(path), "%s/crosswalk.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
	                              "CREATE TABLE schema_migrations (version "
	                              "INTEGER PRIMARY KEY, name TEXT NOT "
	                              "NULL, applied_at TEXT NOT NULL)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	for (const cw_embedded_file *m = cw_sqlite_migrations; m->name; m++) {
		char record[200];
		int version = (int)strtol(m->name, NULL, 10);

		if (version > 2)
			continue;
		ck_assert_int_eq(sqlite3_exec(db, (const char *)m->data, NULL,
		                              NULL, NULL),
		                 SQLITE_OK);
		snprintf(record, sizeof(record),
		         "INSERT INTO schema_migrations VALUES (%d, '%s', "
		         "'2026-01-01T00:00:00.000Z')",
		         version, m->name);
		ck_assert_int_eq(sqlite3_exec(db, record, NULL, NULL, NULL),
		                 SQLITE_OK);
	}
	ck_assert_msg(sqlite3_exec(db, extra, NULL, NULL, NULL) == SQLITE_OK,
	              "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
}

static const char held[] =
        "INSERT INTO tenants VALUES (1, 'd1', '2026-01-01T00:00:00.000Z');"
        "INSERT INTO roster VALUES (1, 6, 'e1', 'active', "
        "'2026-03-04T05:06:07.890Z', '{\"classSourcedId\":\"c1\","
        "\"schoolSourcedId\":\"s1\",\"userSourcedId\":\"u1\",\"role\":"
        "\"student\",\"metadata\":{\"metadata.x\":\"y\"}}');"
        "INSERT INTO roster VALUES (1, 3, 'c1', 'active', "
        "'2026-03-04T05:06:07Z', '{\"title\":\"Maths\",\"grades\":[\"09\","
        "\"10\"],\"courseSourcedId\":\"k1\",\"schoolSourcedId\":\"s1\","
        "\"termSourcedIds\":[\"t1\"]}');"
        "INSERT INTO roster_changes (tenant_id, entity, sourced_id, op, at, "
        "import_id) VALUES (1, 6, 'e1', 'add', '2026-03-04T05:06:07.890Z', "
        "NULL), (1, 6, 'e2', 'delete', '2026-03-05T00:00:00.000Z', NULL);";

typedef struct {
	char ids[4][32];
	char status[4][16];
	char dlm[4][32];
	char fields[4][300];
	int count;
} listing;

static int collect(const cw_roster_record *r, void *payload)
{
	listing *l = payload;

	ck_assert_int_lt(l->count, 4);
	snprintf(l->ids[l->count], 32, "%s", r->sourced_id);
	snprintf(l->status[l->count], 16, "%s", r->status);
	snprintf(l->dlm[l->count], 32, "%s", r->date_last_modified);
	snprintf(l->fields[l->count], 300, "%s", r->fields);
	l->count++;
	return 0;
}

START_TEST(rows_and_changes_are_converted)
{
	cw_store *store = NULL;
	listing l = { 0 };
	int applied = 0;

	make_v2(held);
	ck_assert_int_eq(cw_store_open(&store, "sqlite", dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
	ck_assert_int_ge(applied, 1);

	ck_assert_int_eq(cw_store_roster_list(store, 1, CW_OR_ENROLLMENTS, NULL,
	                                      collect, &l),
	                 0);
	ck_assert_int_eq(l.count, 1);
	ck_assert_str_eq(l.ids[0], "e1");
	ck_assert_str_eq(l.status[0], "active");
	ck_assert_str_eq(l.dlm[0], "2026-03-04T05:06:07.890Z");
	ck_assert_str_eq(l.fields[0], "[\"c1\",\"s1\",\"u1\",\"student\",null,"
	                              "null,null,{\"metadata.x\":\"y\"}]");

	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(cw_store_roster_list(store, 1, CW_OR_CLASSES, NULL,
	                                      collect, &l),
	                 0);
	ck_assert_int_eq(l.count, 1);
	ck_assert_str_eq(l.dlm[0], "2026-03-04T05:06:07.000Z");
	/* title, grades, course, classCode, classType, location, school,
	 * terms */
	ck_assert_str_eq(l.fields[0], "[\"Maths\",[\"09\",\"10\"],\"k1\",null,"
	                              "null,null,\"s1\",[\"t1\"]]");

	/* The old change log reads as the new one: e1 changed, e2 deleted. */
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(cw_store_roster_list(store, 1, CW_OR_ENROLLMENTS,
	                                      "2026-03-01T00:00:00Z", collect,
	                                      &l),
	                 0);
	ck_assert_int_eq(l.count, 2);
	ck_assert_str_eq(l.ids[0], "e1");
	ck_assert_str_eq(l.status[0], "active");
	ck_assert_str_eq(l.ids[1], "e2");
	ck_assert_str_eq(l.status[1], "tobedeleted");
	ck_assert_str_eq(l.dlm[1], "2026-03-05T00:00:00.000Z");

	/* Only what changed after the time comes back. */
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(cw_store_roster_list(store, 1, CW_OR_ENROLLMENTS,
	                                      "2026-03-04T12:00:00Z", collect,
	                                      &l),
	                 0);
	ck_assert_int_eq(l.count, 1);
	ck_assert_str_eq(l.ids[0], "e2");
	cw_store_free(store);
	cw_test_rmtree(dir);
}
END_TEST

START_TEST(unreadable_rows_leave_the_database_as_it_was)
{
	char path[300];
	cw_store *store = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int applied = 0;

	make_v2("INSERT INTO tenants VALUES (1, 'd1', "
	        "'2026-01-01T00:00:00.000Z');"
	        "INSERT INTO roster VALUES (1, 6, 'e1', 'active', "
	        "'2026-03-04T05:06:07.890Z', '{\"noSuchColumn\":\"x\"}');");
	ck_assert_int_eq(cw_store_open(&store, "sqlite", dir), 0);
	ck_assert_int_lt(cw_store_migrate(store, &applied), 0);
	cw_store_free(store);

	snprintf(path, sizeof(path), "%s/crosswalk.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
	                                    "SELECT max(version), (SELECT "
	                                    "fields FROM roster), (SELECT "
	                                    "count(*) FROM roster_changes) "
	                                    "FROM schema_migrations",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 2);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 1),
	                 "{\"noSuchColumn\":\"x\"}");
	sqlite3_finalize(st);
	sqlite3_close(db);
	cw_test_rmtree(dir);
}
END_TEST

Suite *suite_roster_migration(void)
{
	Suite *s = suite_create("store/roster_migration");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, rows_and_changes_are_converted);
	tcase_add_test(tc, unreadable_rows_leave_the_database_as_it_was);
	suite_add_tcase(s, tc);
	return s;
}
