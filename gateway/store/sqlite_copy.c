/* SQLite backend: reading a tenant's rows of any table and loading rows in
 * one transaction (store/store_copy.h). Texts are read and bound as the
 * bytes they hold, with their length, so any bytes survive. */
#include "store/sqlite_internal.h"
#include "store/store_copy.h"

#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

#define COPY_SQL_MAX 4096

typedef struct {
	cw_store_copy base;
	connection *conn;
	const cw_copy_table *prepared_for;
	sqlite3_stmt *insert;
} sqlite_copy;

static void read_row(sqlite3_stmt *st, const cw_copy_table *table,
                     cw_copy_value *row)
{
	for (size_t i = 0; i < table->column_count; i++) {
		cw_copy_value *v = &row[i];
		int col = (int)i;

		memset(v, 0, sizeof(*v));
		if (sqlite3_column_type(st, col) == SQLITE_NULL)
			continue;
		v->type = table->columns[i].type;
		if (v->type == CW_COPY_INT) {
			v->number = sqlite3_column_int64(st, col);
		} else {
			/* The blob form of a text is its bytes as stored. */
			v->bytes = sqlite3_column_blob(st, col);
			v->len = (size_t)sqlite3_column_bytes(st, col);
			if (!v->bytes)
				v->bytes = "";
		}
	}
}

int cw_sqlite__copy_read(cw_store *store, const cw_copy_table *table,
                         int64_t tenant_id, const char *tenant_name,
                         cw_copy_row_cb cb, void *payload)
{
	cw_buf sql = CW_BUF_INIT(COPY_SQL_MAX);
	cw_copy_value row[CW_COPY_MAX_COLUMNS];
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	int err, rc = SQLITE_DONE;

	if ((err = cw_copy_select_sql(&sql, table, 0)) < 0 ||
	    (err = cw_sqlite__db(store, &db, &conn)) < 0)
		goto out;
	if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(db, table->name);
		goto out;
	}
	if (table->scope == CW_COPY_BY_TENANT_NAME)
		sqlite3_bind_text(st, 1, tenant_name, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, tenant_id);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, table, row);
		err = cb(table, row, payload);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(db, table->name);
out:
	sqlite3_finalize(st);
	cw_sqlite__release((sqlite_store *)store, conn);
	cw_buf_dispose(&sql);
	return err;
}

int cw_sqlite__copy_begin(cw_store *store, cw_store_copy **out)
{
	sqlite_copy *c = cw_calloc(1, sizeof(*c));
	sqlite3 *db = NULL;
	int err;

	if (!c)
		return CW_ENOMEM;
	c->base.store = store;
	if ((err = cw_sqlite__db(store, &db, &c->conn)) < 0) {
		cw_free(c);
		return err;
	}
	/* IMMEDIATE: the write lock first, so the change logs' next numbers
	 * read in it stay the next ones until the commit. */
	if ((err = cw_sqlite__exec(db, "BEGIN IMMEDIATE")) < 0) {
		cw_sqlite__release((sqlite_store *)store, c->conn);
		cw_free(c);
		return err;
	}
	*out = &c->base;
	return 0;
}

static int next_seq_row(sqlite3_stmt *st, void *payload)
{
	*(int64_t *)payload = sqlite3_column_int64(st, 0);
	return 0;
}

int cw_sqlite__copy_next_seq(cw_store_copy *copy, const cw_copy_table *table,
                             int64_t *next)
{
	sqlite_copy *c = (sqlite_copy *)copy;
	cw_buf sql = CW_BUF_INIT(COPY_SQL_MAX);
	int err;

	*next = 1;
	cw_buf_printf(&sql,
	              "SELECT coalesce(max(first_seq + count), 1) FROM %s",
	              table->name);
	err = sql.error ? sql.error
	                : cw_sqlite__run(c->conn->db, sql.data, next_seq_row,
	                                 next, NULL, NULL, "");
	cw_buf_dispose(&sql);
	return err;
}

static int prepare_insert(sqlite_copy *c, const cw_copy_table *table)
{
	cw_buf sql = CW_BUF_INIT(COPY_SQL_MAX);
	int err;

	if (c->prepared_for == table)
		return 0;
	sqlite3_finalize(c->insert);
	c->insert = NULL;
	c->prepared_for = NULL;
	if ((err = cw_copy_insert_sql(&sql, table, 0)) == 0 &&
	    sqlite3_prepare_v3(c->conn->db, sql.data, -1,
	                       SQLITE_PREPARE_PERSISTENT, &c->insert,
	                       NULL) != SQLITE_OK)
		err = cw_sqlite__fail(c->conn->db, table->name);
	if (err == 0)
		c->prepared_for = table;
	cw_buf_dispose(&sql);
	return err;
}

static int bind_value(sqlite3_stmt *st, int at, const cw_copy_value *v)
{
	switch (v->type) {
	case CW_COPY_NULL: return sqlite3_bind_null(st, at);
	case CW_COPY_INT: return sqlite3_bind_int64(st, at, v->number);
	case CW_COPY_TEXT:
		return sqlite3_bind_text64(st, at, v->bytes, v->len,
		                           SQLITE_STATIC, SQLITE_UTF8);
	case CW_COPY_BLOB:
		return sqlite3_bind_blob64(st, at, v->bytes, v->len,
		                           SQLITE_STATIC);
	}
	return SQLITE_MISUSE;
}

int cw_sqlite__copy_put(cw_store_copy *copy, const cw_copy_table *table,
                        const cw_copy_value *row, int64_t *new_id,
                        int *inserted)
{
	sqlite_copy *c = (sqlite_copy *)copy;
	int err = prepare_insert(c, table), at = 0, rc;

	if (err < 0)
		return err;
	for (size_t i = 0; i < table->column_count; i++) {
		if (table->columns[i].role == CW_COPY_IDENTITY)
			continue;
		if (bind_value(c->insert, ++at, &row[i]) != SQLITE_OK) {
			err = cw_sqlite__fail(c->conn->db, table->name);
			goto out;
		}
	}
	rc = sqlite3_step(c->insert);
	if (rc == SQLITE_ROW) {
		*new_id = sqlite3_column_int64(c->insert, 0);
		rc = sqlite3_step(c->insert);
	}
	if (rc != SQLITE_DONE) {
		err = cw_sqlite__fail(c->conn->db, table->name);
		goto out;
	}
	*inserted = sqlite3_changes(c->conn->db) > 0;
out:
	sqlite3_reset(c->insert);
	sqlite3_clear_bindings(c->insert);
	return err;
}

int cw_sqlite__copy_delete(cw_store_copy *copy, const cw_copy_table *table,
                           int64_t tenant_id, const char *key, int *deleted)
{
	sqlite_copy *c = (sqlite_copy *)copy;
	cw_buf sql = CW_BUF_INIT(COPY_SQL_MAX);
	int err;

	*deleted = 0;
	if ((err = cw_copy_delete_sql(&sql, table, 0)) < 0)
		goto out;
	if (key)
		err = cw_sqlite__run(c->conn->db, sql.data, NULL, NULL, NULL,
		                     deleted, "t", key);
	else
		err = cw_sqlite__run(c->conn->db, sql.data, NULL, NULL, NULL,
		                     deleted, "i", tenant_id);
out:
	cw_buf_dispose(&sql);
	return err;
}

int cw_sqlite__copy_end(cw_store_copy *copy, int commit)
{
	sqlite_copy *c = (sqlite_copy *)copy;
	int err;

	sqlite3_finalize(c->insert);
	err = cw_sqlite__end(c->conn->db, commit ? 0 : CW_ECANCELED);
	if (!commit && err == CW_ECANCELED)
		err = 0;
	cw_sqlite__release((sqlite_store *)copy->store, c->conn);
	cw_free(c);
	return err;
}
