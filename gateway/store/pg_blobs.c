/* Blobs on PostgreSQL (migration 0015): a file as rows of 1 MiB bytea
 * chunks, written in one transaction and read back a chunk per query
 * (binary results), so neither side holds the whole file. */
#include "store/blob_file.h"
#include "store/pg_internal.h"

#include "util/error.h"
#include "util/timeutil.h"

#include <libpq-fe.h>
#include <string.h>

/* One statement with binary parameters (formats) and a result in format
 * result_format; *out the result on success. */
static int query_binary(pg_connection *c, const char *what, PGresult **out,
                        const char *sql, int n, const char *const *params,
                        const int *lengths, const int *formats,
                        int result_format)
{
	PGresult *res = PQexecParams(c->conn, sql, n, NULL, params, lengths,
	                             formats, result_format);
	ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
		if (out)
			*out = res;
		else
			PQclear(res);
		return 0;
	}
	{
		int err = cw_pg__fail(c->conn, res, what);
		PQclear(res);
		return err;
	}
}

typedef struct {
	pg_connection *c;
	const char *name;
	int64_t tenant_id;
	const char *path;
} putting;

static int put_chunk(const void *data, size_t len, int seq, void *payload)
{
	putting *p = payload;
	char number[CW_PG_INT_TEXT];
	const char *params[3] = { p->name, cw_pg__int(number, seq),
		                  len ? data : "" };
	int lengths[3] = { 0, 0, (int)len }, formats[3] = { 0, 0, 1 };

	return query_binary(p->c, "storing a blob's chunk", NULL,
	                    "INSERT INTO blob_chunks (name, seq, bytes) VALUES "
	                    "($1, $2, $3)",
	                    3, params, lengths, formats, 0);
}

static int put_body(pg_connection *c, void *arg)
{
	putting *p = arg;
	char tenant[CW_PG_INT_TEXT], now[CW_PG_INT_TEXT], total[CW_PG_INT_TEXT];
	const char *head[3] = { p->name, cw_pg__int(tenant, p->tenant_id),
		                cw_pg__int(now, cw_time_now_ms()) };
	int64_t size = 0;
	int err;

	p->c = c;
	if ((err = cw_pg__query(c, "storing a blob", NULL,
	                        "INSERT INTO blobs (name, tenant_id, size, "
	                        "created_ms) VALUES ($1, $2, 0, $3)",
	                        3, head)) < 0 ||
	    (err = cw_blob_file_each(p->path, put_chunk, p, &size)) < 0)
		return err;
	const char *sized[2] = { p->name, cw_pg__int(total, size) };
	return cw_pg__query(c, "storing a blob", NULL,
	                    "UPDATE blobs SET size = $2 WHERE name = $1", 2,
	                    sized);
}

int cw_pg__blob_put(cw_store *store, int64_t tenant_id, const char *name,
                    const char *path)
{
	putting p = { NULL, name, tenant_id, path };

	return cw_pg__transaction((pg_store *)store, "storing a blob", put_body,
	                          &p);
}

int cw_pg__blob_get(cw_store *store, const char *name, const char *path)
{
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	cw_blob_writer w = { -1, "", "" };
	PGresult *res = NULL;
	const char *params[2] = { name, NULL };
	int64_t size = 0, written = 0;
	int err = cw_pg__acquire(s, &c);

	if (err < 0)
		return err;
	/* One snapshot: the size and every chunk agree. */
	if ((err = cw_pg__exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ",
	                       "reading a blob")) < 0)
		goto out;
	if ((err = cw_pg__query(c, "reading a blob", &res,
	                        "SELECT size FROM blobs WHERE name = $1", 1,
	                        params)) < 0)
		goto out;
	if (PQntuples(res) == 0) {
		cw_error_set("no stored file %s", name);
		err = CW_ENOTFOUND;
		goto out;
	}
	size = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	res = NULL;
	if ((err = cw_blob_writer_open(&w, path)) < 0)
		goto out;
	for (int seq = 0; err == 0 && (seq == 0 || written < size); seq++) {
		char number[CW_PG_INT_TEXT];
		params[1] = cw_pg__int(number, seq);
		if ((err = query_binary(c, "reading a blob's chunk", &res,
		                        "SELECT bytes FROM blob_chunks WHERE "
		                        "name = $1 AND seq = $2",
		                        2, params, NULL, NULL, 1)) < 0)
			break;
		if (PQntuples(res) == 0) {
			cw_error_set("stored file %s: chunk %d is missing",
			             name, seq);
			err = CW_ESTORE;
		} else {
			int len = PQgetlength(res, 0, 0);
			written += len;
			if (len > 0)
				err = cw_blob_writer_write(
				        &w, PQgetvalue(res, 0, 0), (size_t)len);
		}
		PQclear(res);
		res = NULL;
	}
	if (err == 0 && written != size) {
		cw_error_set("stored file %s: %lld bytes of %lld", name,
		             (long long)written, (long long)size);
		err = CW_ESTORE;
	}
out:
	PQclear(res);
	{
		int closed = cw_blob_writer_close(&w, err == 0);
		if (err == 0)
			err = closed;
	}
	PQclear(PQexec(c->conn, "COMMIT"));
	cw_pg__release(s, c);
	return err;
}

static int delete_body(pg_connection *c, void *arg)
{
	const char *params[1] = { arg };
	int err = cw_pg__query(c, "deleting a blob", NULL,
	                       "DELETE FROM blob_chunks WHERE name = $1", 1,
	                       params);

	return err < 0 ? err
	               : cw_pg__query(c, "deleting a blob", NULL,
	                              "DELETE FROM blobs WHERE name = $1", 1,
	                              params);
}

int cw_pg__blob_delete(cw_store *store, const char *name)
{
	return cw_pg__transaction((pg_store *)store, "deleting a blob",
	                          delete_body, (void *)name);
}

int cw_pg__blob_list(cw_store *store, const char *prefix,
                     int (*cb)(const char *name, void *payload), void *payload)
{
	const char *params[1] = { prefix };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "listing blobs", &res,
	                     "SELECT name FROM blobs WHERE left(name, "
	                     "length($1)) = $1 ORDER BY name",
	                     1, params);

	for (int i = 0; err == 0 && i < PQntuples(res); i++)
		err = cb(PQgetvalue(res, i, 0), payload);
	PQclear(res);
	return err;
}
