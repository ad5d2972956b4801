/* The tenant copy of `crosswalk migrate` in the store: every table the
 * migrations make, and every column of it, has a descriptor (so a table or
 * column added later cannot be left out of the copy unnoticed); rows read
 * with the copy slots and loaded into another store keep their bytes (NUL
 * and non-UTF-8 bytes of blobs), get a new identity, skip shared rows the
 * target has, roll back, and are deleted again. On PostgreSQL too (suite
 * copy/pg) when CROSSWALK_TEST_PG is set: SQLite to PostgreSQL there. */
#include "store/store.h"
#include "store/store_copy.h"
#include "unit/pgdb.h"
#include "unit/tmpdir.h"
#include "util/buf.h"
#include "util/error.h"

#include <check.h>
#include <sqlite3.h>
#include <string.h>

Suite *suite_copy(void);
Suite *suite_copy_pg(void);

static char dir[256], url[512] = "sqlite", pg_name[64];
static cw_store *from, *to;

static void open_stores(void)
{
	char path[400];
	int applied = 0;

	cw_test_tmpdir(dir);
	snprintf(path, sizeof(path), "sqlite:%s/from.db", dir);
	ck_assert_int_eq(cw_store_open(&from, path, dir), 0);
	ck_assert_int_eq(cw_store_migrate(from, &applied), 0);
	if (strcmp(url, "sqlite") == 0)
		snprintf(url, sizeof(url), "sqlite:%s/to.db", dir);
	ck_assert_int_eq(cw_store_open(&to, url, dir), 0);
	ck_assert_int_eq(cw_store_migrate(to, &applied), 0);
}

static void setup(void)
{
	snprintf(url, sizeof(url), "sqlite");
	open_stores();
}

static void setup_pg(void)
{
	cw_test_pg_create(pg_name, url);
	open_stores();
}

static void teardown(void)
{
	cw_store_free(from);
	cw_store_free(to);
	from = to = NULL;
	cw_test_rmtree(dir);
	if (pg_name[0])
		cw_test_pg_drop(pg_name);
	pg_name[0] = '\0';
}

/* Checks the columns of table (as the database lists them) against its
 * descriptor; *seen counts tables. */
static void check_columns(const char *table, const char *const *columns,
                          int count)
{
	const cw_copy_table *t = cw_copy_table_named(table);

	ck_assert_msg(t != NULL,
	              "table %s has no descriptor in store/store_copy.c: "
	              "`crosswalk migrate` would not copy it",
	              table);
	ck_assert_msg((int)t->column_count == count,
	              "table %s has %d columns, its descriptor %zu", table,
	              count, t->column_count);
	for (int i = 0; i < count; i++) {
		int found = 0;
		for (size_t k = 0; k < t->column_count; k++)
			found |= strcmp(t->columns[k].name, columns[i]) == 0;
		ck_assert_msg(found, "%s.%s is not in the descriptor", table,
		              columns[i]);
	}
}

START_TEST(every_sqlite_table_is_described)
{
	char path[400];
	sqlite3 *db = NULL;
	sqlite3_stmt *tables = NULL;
	size_t count = 0, seen = 0;

	(void)cw_copy_tables(&count);
	snprintf(path, sizeof(path), "%s/from.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(
	        sqlite3_prepare_v2(db,
	                           "SELECT name FROM sqlite_master WHERE type "
	                           "= 'table' AND name NOT IN "
	                           "('schema_migrations', 'sqlite_sequence')",
	                           -1, &tables, NULL),
	        SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *table =
		        (const char *)sqlite3_column_text(tables, 0);
		const char *names[64];
		char sql[200];
		sqlite3_stmt *info = NULL;
		int n = 0;

		snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", table);
		ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &info, NULL),
		                 SQLITE_OK);
		while (sqlite3_step(info) == SQLITE_ROW && n < 64)
			names[n++] = strdup(
			        (const char *)sqlite3_column_text(info, 1));
		check_columns(table, names, n);
		for (int i = 0; i < n; i++)
			free((char *)names[i]);
		sqlite3_finalize(info);
		seen++;
	}
	sqlite3_finalize(tables);
	sqlite3_close(db);
	/* and no descriptor of a table that is not there */
	ck_assert_uint_eq(seen, count);
}
END_TEST

START_TEST(every_pg_table_is_described)
{
	PGconn *conn = PQconnectdb(url + 0);
	PGresult *res;
	size_t count = 0, seen = 0;
	int rows, at = 0;

	(void)cw_copy_tables(&count);
	ck_assert_int_eq(PQstatus(conn), CONNECTION_OK);
	/* ord: the order keys were added in (SQLite's rowid), not copied:
	 * the target numbers them in the order they are loaded. */
	res = PQexec(conn,
	             "SELECT table_name, column_name FROM "
	             "information_schema.columns WHERE table_schema = "
	             "current_schema() AND table_name <> 'schema_migrations' "
	             "AND NOT (table_name = 'badge_issuer_keys' AND "
	             "column_name = 'ord') ORDER BY table_name");
	ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	rows = PQntuples(res);
	while (at < rows) {
		const char *table = PQgetvalue(res, at, 0), *names[64];
		int n = 0;

		while (at < rows &&
		       strcmp(PQgetvalue(res, at, 0), table) == 0 && n < 64)
			names[n++] = PQgetvalue(res, at++, 1);
		check_columns(table, names, n);
		seen++;
	}
	PQclear(res);
	PQfinish(conn);
	ck_assert_uint_eq(seen, count);
}
END_TEST

typedef struct {
	cw_store_copy *load;
	int64_t tenant;
	int rows;
} loader;

/* Puts each row read into the load, the tenant id as the target's. */
static int put_row(const cw_copy_table *t, const cw_copy_value *row,
                   void *payload)
{
	loader *l = payload;
	cw_copy_value values[CW_COPY_MAX_COLUMNS];
	int64_t id = 0;
	int inserted = 0, err;

	memcpy(values, row, t->column_count * sizeof(*row));
	for (size_t i = 0; i < t->column_count; i++)
		if (t->columns[i].role == CW_COPY_REF &&
		    t->columns[i].space == CW_COPY_SPACE_TENANT)
			values[i].number = l->tenant;
	err = cw_store_copy_put(l->load, t, values, &id, &inserted);
	if (err == 0 && t->columns[0].role == CW_COPY_IDENTITY &&
	    t->columns[0].space == CW_COPY_SPACE_TENANT)
		l->tenant = id;
	l->rows += inserted;
	return err;
}

typedef struct {
	int count;
	size_t len;
	char input[16];
} seen_input;

static int on_run(const cw_flow_run *run, void *payload)
{
	seen_input *s = payload;

	s->count++;
	s->len = run->input_len;
	memcpy(s->input, run->input, run->input_len < 16 ? run->input_len : 16);
	return 0;
}

static void copy_table(loader *l, const char *name, int64_t tenant)
{
	ck_assert_int_eq(cw_store_copy_read(from, cw_copy_table_named(name),
	                                    tenant, "d1", put_row, l),
	                 0);
}

START_TEST(rows_keep_their_bytes)
{
	static const char input[] = "a\0b\xff\xfe";
	cw_tenant d1, d2, other;
	cw_flow_run run = { 0 };
	seen_input seen = { 0 };
	loader l = { 0 };
	int64_t id = 0;

	ck_assert_int_eq(cw_store_tenant_add(from, "d1", &d1), 0);
	ck_assert_int_eq(cw_store_tenant_add(from, "d2", &d2), 0);
	/* the target's first tenant, so d1 gets another id there */
	ck_assert_int_eq(cw_store_tenant_add(to, "other", &other), 0);
	run = (cw_flow_run){ .tenant_id = d1.id,
		             .flow = "partner-record",
		             .idempotency_key = "k1",
		             .source = "test",
		             .input = input,
		             .input_len = sizeof(input) - 1,
		             .state = "done",
		             .attempts = 1,
		             .created_at = "2027-01-01T00:00:00Z",
		             .updated_at = "2027-01-01T00:00:00Z" };
	ck_assert_int_eq(cw_store_flow_run_add(from, &run, &id), 0);
	run.tenant_id = d2.id;
	ck_assert_int_eq(cw_store_flow_run_add(from, &run, &id), 0);

	/* rolled back: nothing */
	ck_assert_int_eq(cw_store_copy_begin(&l.load, to), 0);
	copy_table(&l, "tenants", d1.id);
	ck_assert_int_eq(cw_store_copy_end(l.load, 0), 0);
	ck_assert_int_eq(cw_store_tenant_get(to, "d1", &other), CW_ENOTFOUND);

	l = (loader){ 0 };
	ck_assert_int_eq(cw_store_copy_begin(&l.load, to), 0);
	copy_table(&l, "tenants", d1.id);
	copy_table(&l, "flow_runs", d1.id);
	ck_assert_int_eq(cw_store_copy_end(l.load, 1), 0);
	ck_assert_int_eq(l.rows, 2); /* d1 and its run, not d2's */
	ck_assert_int_eq(cw_store_tenant_get(to, "d1", &other), 0);
	ck_assert_int_eq(other.id, l.tenant);
	ck_assert_int_ne(other.id, d1.id);
	ck_assert_str_eq(other.created_at, d1.created_at);
	ck_assert_int_eq(cw_store_flow_run_list(to, other.id, 0, NULL, 1, 0,
	                                        on_run, &seen),
	                 0);
	ck_assert_int_eq(seen.count, 1);
	ck_assert_uint_eq(seen.len, sizeof(input) - 1);
	ck_assert_int_eq(memcmp(seen.input, input, sizeof(input) - 1), 0);

	/* deleted again, children first */
	l.load = NULL;
	int deleted = 0;
	ck_assert_int_eq(cw_store_copy_begin(&l.load, to), 0);
	ck_assert_int_eq(cw_store_copy_delete(l.load,
	                                      cw_copy_table_named("flow_runs"),
	                                      other.id, NULL, &deleted),
	                 0);
	ck_assert_int_eq(deleted, 1);
	ck_assert_int_eq(cw_store_copy_delete(l.load,
	                                      cw_copy_table_named("tenants"),
	                                      other.id, NULL, &deleted),
	                 0);
	ck_assert_int_eq(cw_store_copy_end(l.load, 1), 0);
	ck_assert_int_eq(cw_store_tenant_get(to, "d1", &other), CW_ENOTFOUND);
}
END_TEST

START_TEST(shared_rows_the_target_has_are_skipped)
{
	const cw_copy_table *t = cw_copy_table_named("ob3_clients");
	cw_copy_value row[6] = { { CW_COPY_TEXT, 0, "client-1", 8 } };
	cw_store_copy *load = NULL;
	int64_t id = 0;
	int inserted = 0;

	for (int i = 1; i < 6; i++)
		row[i] = (cw_copy_value){ CW_COPY_TEXT, 0, "x", 1 };
	ck_assert_int_eq(cw_store_copy_begin(&load, to), 0);
	ck_assert_int_eq(cw_store_copy_put(load, t, row, &id, &inserted), 0);
	ck_assert_int_eq(inserted, 1);
	ck_assert_int_eq(cw_store_copy_put(load, t, row, &id, &inserted), 0);
	ck_assert_int_eq(inserted, 0);
	ck_assert_int_eq(cw_store_copy_end(load, 1), 0);
}
END_TEST

/* A row the target refuses (here a duplicate key) fails the load, and
 * nothing of it stays, also when the failure is found only at the end (on
 * PostgreSQL the rows go in a pipeline). */
START_TEST(a_refused_row_rolls_the_load_back)
{
	const cw_copy_table *t = cw_copy_table_named("flow_mappings");
	static const char *const flows[] = { "f1", "f2", "f1", "f3" };
	cw_copy_value row[8];
	cw_store_copy *load = NULL;
	cw_buf body = CW_BUF_INIT(1024);
	cw_tenant tenant;
	int64_t id = 0;
	int inserted = 0, err = 0, ended;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_le(t->column_count, 8);
	ck_assert_int_eq(cw_store_tenant_add(to, "t1", &tenant), 0);
	ck_assert_int_eq(cw_store_copy_begin(&load, to), 0);
	for (size_t k = 0; err == 0 && k < 4; k++) {
		for (size_t i = 0; i < t->column_count; i++) {
			const char *name = t->columns[i].name;
			if (strcmp(name, "tenant_id") == 0)
				row[i] = (cw_copy_value){ CW_COPY_INT,
					                  tenant.id, NULL, 0 };
			else if (strcmp(name, "flow") == 0)
				row[i] = (cw_copy_value){ CW_COPY_TEXT, 0,
					                  flows[k], 2 };
			else
				row[i] = (cw_copy_value){ CW_COPY_TEXT, 0, "x",
					                  1 };
		}
		err = cw_store_copy_put(load, t, row, &id, &inserted);
	}
	ended = cw_store_copy_end(load, err == 0);
	ck_assert_msg(err < 0 || ended < 0, "the duplicate was taken");
	ck_assert_int_eq(cw_store_flow_mapping_get(to, tenant.id, "f2", &body),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_flow_mapping_get(to, tenant.id, "f1", &body),
	                 CW_ENOTFOUND);
	cw_buf_dispose(&body);
}
END_TEST

static void add_tests(TCase *c)
{
	tcase_add_test(c, rows_keep_their_bytes);
	tcase_add_test(c, shared_rows_the_target_has_are_skipped);
	tcase_add_test(c, a_refused_row_rolls_the_load_back);
}

Suite *suite_copy(void)
{
	Suite *s = suite_create("copy");
	TCase *c = tcase_create("copy");

	tcase_add_checked_fixture(c, setup, teardown);
	tcase_add_test(c, every_sqlite_table_is_described);
	add_tests(c);
	suite_add_tcase(s, c);
	return s;
}

Suite *suite_copy_pg(void)
{
	Suite *s = suite_create("copy/pg");
	TCase *c;

	if (!cw_test_pg_base())
		return s;
	c = tcase_create("copy");
	tcase_add_checked_fixture(c, setup_pg, teardown);
	tcase_set_timeout(c, 60);
	tcase_add_test(c, every_pg_table_is_described);
	add_tests(c);
	suite_add_tcase(s, c);
	return s;
}
