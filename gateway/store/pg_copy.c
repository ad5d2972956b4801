/* PostgreSQL backend: reading a tenant's rows of any table and loading rows
 * in one transaction (store/store_copy.h). Texts and blobs go as binary
 * parameters with their lengths, so their bytes are sent as they are
 * (PostgreSQL itself refuses a text holding a NUL byte or bytes that are
 * not UTF-8). */
#include "store/pg_internal.h"
#include "store/store_copy.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COPY_SQL_MAX 4096

/* Inserts sent in a pipeline before their results are read: one round
 * trip per this many rows instead of one per row. */
#define PIPELINE_ROWS 1000

typedef struct {
	cw_store_copy base;
	pg_connection *conn;
	/* The table the unnamed statement is the insert of (any other
	 * statement on the connection replaces it). */
	const cw_copy_table *prepared_for;
	int pipelined; /* inserts sent whose results are not read yet */
} pg_copy;

/* Reads the results of the inserts sent in the pipeline and leaves
 * pipeline mode; the first failure (the rest are then aborted). */
static int flush(pg_copy *c)
{
	PGconn *conn = c->conn->conn;
	int err = 0, synced = 0;

	if (PQpipelineStatus(conn) == PQ_PIPELINE_OFF)
		return 0;
	if (PQpipelineSync(conn) != 1)
		return cw_pg__fail(conn, NULL, "sending rows");
	while (!synced) {
		PGresult *res = PQgetResult(conn);
		ExecStatusType status;

		if (!res) { /* the end of one insert's results */
			if (PQstatus(conn) != CONNECTION_OK) {
				err = err ? err
				          : cw_pg__fail(conn, NULL,
				                        "loading rows");
				break;
			}
			continue;
		}
		status = PQresultStatus(res);
		if (status == PGRES_PIPELINE_SYNC)
			synced = 1;
		else if (status == PGRES_FATAL_ERROR && err == 0)
			err = cw_pg__fail(conn, res, "loading rows");
		else if (status != PGRES_COMMAND_OK &&
		         status != PGRES_TUPLES_OK &&
		         status != PGRES_PIPELINE_ABORTED && err == 0)
			err = cw_pg__fail(conn, res, "loading rows");
		PQclear(res);
		if (!synced && PQstatus(conn) != CONNECTION_OK) {
			err = err ? err
			          : cw_pg__fail(conn, NULL, "loading rows");
			break;
		}
	}
	c->pipelined = 0;
	if (PQexitPipelineMode(conn) != 1 && err == 0)
		err = cw_pg__fail(conn, NULL, "loading rows");
	return err;
}

typedef struct {
	const cw_copy_table *table;
	cw_copy_row_cb cb;
	void *payload;
} read_state;

static int read_row(const PGresult *res, void *payload)
{
	read_state *r = payload;
	const cw_copy_table *t = r->table;
	cw_copy_value row[CW_COPY_MAX_COLUMNS];
	unsigned char *blobs[CW_COPY_MAX_COLUMNS] = { NULL };
	int err = 0;

	for (size_t i = 0; i < t->column_count; i++) {
		int col = (int)i;

		memset(&row[i], 0, sizeof(row[i]));
		if (PQgetisnull(res, 0, col))
			continue;
		row[i].type = t->columns[i].type;
		if (row[i].type == CW_COPY_INT) {
			row[i].number = cw_pg__get_int(res, 0, col);
		} else if (row[i].type == CW_COPY_TEXT) {
			row[i].bytes = PQgetvalue(res, 0, col);
			row[i].len = (size_t)PQgetlength(res, 0, col);
		} else {
			size_t len = 0;

			blobs[i] = PQunescapeBytea(
			        (const unsigned char *)PQgetvalue(res, 0, col),
			        &len);
			if (!blobs[i]) {
				err = CW_ENOMEM;
				goto out;
			}
			row[i].bytes = (const char *)blobs[i];
			row[i].len = len;
		}
	}
	err = r->cb(t, row, r->payload);
out:
	for (size_t i = 0; i < t->column_count; i++)
		if (blobs[i])
			PQfreemem(blobs[i]);
	return err;
}

int cw_pg__copy_read(cw_store *store, const cw_copy_table *table,
                     int64_t tenant_id, const char *tenant_name,
                     cw_copy_row_cb cb, void *payload)
{
	cw_buf sql = CW_BUF_INIT(COPY_SQL_MAX);
	read_state r = { table, cb, payload };
	pg_connection *c = NULL;
	char id[CW_PG_INT_TEXT];
	const char *params[1];
	int err;

	params[0] = table->scope == CW_COPY_BY_TENANT_NAME
	                    ? tenant_name
	                    : cw_pg__int(id, tenant_id);
	if ((err = cw_copy_select_sql(&sql, table, 1)) < 0 ||
	    (err = cw_pg__acquire((pg_store *)store, &c)) < 0)
		goto out;
	err = cw_pg__each(c, table->name, sql.data, 1, params, read_row, &r);
out:
	cw_pg__release((pg_store *)store, c);
	cw_buf_dispose(&sql);
	return err;
}

int cw_pg__copy_begin(cw_store *store, cw_store_copy **out)
{
	pg_copy *c = cw_calloc(1, sizeof(*c));
	char roster[CW_PG_INT_TEXT], cases[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(roster, CW_PG_LOCK_ROSTER),
		                  cw_pg__int(cases, CW_PG_LOCK_CASE) };
	int err;

	if (!c)
		return CW_ENOMEM;
	c->base.store = store;
	if ((err = cw_pg__acquire((pg_store *)store, &c->conn)) < 0) {
		cw_free(c);
		return err;
	}
	/* The locks imports append to the change logs under, so the next
	 * sequence numbers read stay the next ones until the commit. */
	if ((err = cw_pg__exec(c->conn, "BEGIN", "starting a copy")) < 0 ||
	    (err = cw_pg__exec(c->conn,
	                       "SET LOCAL lock_timeout = "
	                       "'" CW_PG_IMPORT_LOCK_WAIT "'",
	                       "starting a copy")) < 0 ||
	    (err = cw_pg__query(c->conn, "waiting for imports", NULL,
	                        "SELECT pg_advisory_xact_lock($1::bigint), "
	                        "pg_advisory_xact_lock($2::bigint)",
	                        2, params)) < 0) {
		(void)cw_pg__exec(c->conn, "ROLLBACK", "rolling back");
		cw_pg__release((pg_store *)store, c->conn);
		cw_free(c);
		return err;
	}
	*out = &c->base;
	return 0;
}

int cw_pg__copy_next_seq(cw_store_copy *copy, const cw_copy_table *table,
                         int64_t *next)
{
	pg_copy *c = (pg_copy *)copy;
	cw_buf sql = CW_BUF_INIT(COPY_SQL_MAX);
	PGresult *res = NULL;
	int err;

	*next = 1;
	if ((err = flush(c)) < 0)
		return err;
	c->prepared_for = NULL;
	cw_buf_printf(&sql,
	              "SELECT coalesce(max(first_seq + count), 1) FROM %s",
	              table->name);
	err = sql.error ? sql.error
	                : cw_pg__query(c->conn, table->name, &res, sql.data, 0,
	                               NULL);
	if (err == 0)
		*next = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	cw_buf_dispose(&sql);
	return err;
}

static int prepare_insert(pg_copy *c, const cw_copy_table *table)
{
	cw_buf sql = CW_BUF_INIT(COPY_SQL_MAX);
	PGresult *res;
	int err;

	if (c->prepared_for == table)
		return 0;
	if ((err = flush(c)) < 0)
		return err;
	c->prepared_for = NULL;
	if ((err = cw_copy_insert_sql(&sql, table, 1)) < 0)
		goto out;
	res = PQprepare(c->conn->conn, "", sql.data, 0, NULL);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
		err = cw_pg__fail(c->conn->conn, res, table->name);
	PQclear(res);
	if (err == 0)
		c->prepared_for = table;
out:
	cw_buf_dispose(&sql);
	return err;
}

int cw_pg__copy_put(cw_store_copy *copy, const cw_copy_table *table,
                    const cw_copy_value *row, int64_t *new_id, int *inserted)
{
	pg_copy *c = (pg_copy *)copy;
	const char *values[CW_COPY_MAX_COLUMNS];
	int lengths[CW_COPY_MAX_COLUMNS], formats[CW_COPY_MAX_COLUMNS];
	char numbers[CW_COPY_MAX_COLUMNS][CW_PG_INT_TEXT];
	PGresult *res = NULL;
	int err = prepare_insert(c, table), n = 0;

	if (err < 0)
		return err;
	for (size_t i = 0; i < table->column_count; i++) {
		const cw_copy_value *v = &row[i];

		if (table->columns[i].role == CW_COPY_IDENTITY)
			continue;
		values[n] = NULL;
		lengths[n] = 0;
		formats[n] = 0;
		if (v->type == CW_COPY_INT) {
			values[n] = cw_pg__int(numbers[n], v->number);
		} else if (v->type != CW_COPY_NULL) {
			if (v->len > 0x3fffffff) {
				cw_error_set("store: %s.%s: a value of %zu "
				             "bytes is too big",
				             table->name,
				             table->columns[i].name, v->len);
				return CW_ETOOBIG;
			}
			values[n] = v->bytes;
			lengths[n] = (int)v->len;
			formats[n] = 1;
		}
		n++;
	}
	/* A row whose new id or insertion is not needed (no identity, not a
	 * shared row) goes in the pipeline: a failure there fails the copy
	 * at the next flush, which rolls the whole load back. */
	if (cw_copy_column_with(table, CW_COPY_IDENTITY) < 0 &&
	    table->scope != CW_COPY_BY_SECRET_CLIENT) {
		if (PQpipelineStatus(c->conn->conn) == PQ_PIPELINE_OFF &&
		    PQenterPipelineMode(c->conn->conn) != 1)
			return cw_pg__fail(c->conn->conn, NULL, table->name);
		if (PQsendQueryPrepared(c->conn->conn, "", n, values, lengths,
		                        formats, 0) != 1)
			return cw_pg__fail(c->conn->conn, NULL, table->name);
		*inserted = 1;
		return ++c->pipelined >= PIPELINE_ROWS ? flush(c) : 0;
	}
	if ((err = flush(c)) < 0)
		return err;
	res = PQexecPrepared(c->conn->conn, "", n, values, lengths, formats, 0);
	if (!res || (PQresultStatus(res) != PGRES_TUPLES_OK &&
	             PQresultStatus(res) != PGRES_COMMAND_OK)) {
		err = cw_pg__fail(c->conn->conn, res, table->name);
	} else {
		*inserted = cw_pg__changed(res) > 0;
		if (PQntuples(res) > 0 && PQnfields(res) > 0)
			*new_id = cw_pg__get_int(res, 0, 0);
	}
	PQclear(res);
	return err;
}

int cw_pg__copy_delete(cw_store_copy *copy, const cw_copy_table *table,
                       int64_t tenant_id, const char *key, int *deleted)
{
	pg_copy *c = (pg_copy *)copy;
	cw_buf sql = CW_BUF_INIT(COPY_SQL_MAX);
	char id[CW_PG_INT_TEXT];
	const char *params[1] = { key ? key : cw_pg__int(id, tenant_id) };
	PGresult *res = NULL;
	int err;

	*deleted = 0;
	if ((err = flush(c)) < 0) {
		cw_buf_dispose(&sql);
		return err;
	}
	c->prepared_for = NULL;
	if ((err = cw_copy_delete_sql(&sql, table, 1)) == 0 &&
	    (err = cw_pg__query(c->conn, table->name, &res, sql.data, 1,
	                        params)) == 0)
		*deleted = cw_pg__changed(res);
	PQclear(res);
	cw_buf_dispose(&sql);
	return err;
}

int cw_pg__copy_end(cw_store_copy *copy, int commit)
{
	pg_copy *c = (pg_copy *)copy;
	int flushed = flush(c);
	int err = cw_pg__exec(
	        c->conn, commit && flushed == 0 ? "COMMIT" : "ROLLBACK",
	        commit ? "committing the copy" : "rolling the copy back");

	if (flushed < 0)
		err = flushed;

	/* A failed COMMIT rolled back; the connection is released either
	 * way (closed if it is left in a transaction). */
	cw_pg__release((pg_store *)copy->store, c->conn);
	cw_free(c);
	return err;
}
