/* Blobs on SQLite (migration 0015): a file as rows of 1 MiB chunks, written
 * in one transaction. */
#include "store/blob_file.h"
#include "store/sqlite_internal.h"

#include "util/error.h"
#include "util/timeutil.h"

#include <sqlite3.h>

typedef struct {
	sqlite3 *db;
	sqlite3_stmt *insert;
	const char *name;
} putting;

static int put_chunk(const void *data, size_t len, int seq, void *payload)
{
	putting *p = payload;

	sqlite3_reset(p->insert);
	if (sqlite3_bind_text(p->insert, 1, p->name, -1, SQLITE_STATIC) !=
	            SQLITE_OK ||
	    sqlite3_bind_int(p->insert, 2, seq) != SQLITE_OK ||
	    sqlite3_bind_blob(p->insert, 3, len ? data : "", (int)len,
	                      SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(p->insert) != SQLITE_DONE)
		return cw_sqlite__fail(p->db, "storing a blob's chunk");
	return 0;
}

int cw_sqlite__blob_put(cw_store *store, int64_t tenant_id, const char *name,
                        const char *path)
{
	connection *conn = NULL;
	putting p = { NULL, NULL, name };
	int64_t size = 0;
	int err = cw_sqlite__db(store, &p.db, &conn);

	if (err < 0)
		return err;
	if ((err = cw_sqlite__exec(p.db, "BEGIN IMMEDIATE")) < 0)
		goto out;
	err = cw_sqlite__run(p.db,
	                     "INSERT INTO blobs (name, tenant_id, size, "
	                     "created_ms) VALUES (?1, ?2, 0, ?3)",
	                     NULL, NULL, NULL, NULL, "tii", name, tenant_id,
	                     cw_time_now_ms());
	if (err == 0 &&
	    sqlite3_prepare_v2(p.db,
	                       "INSERT INTO blob_chunks (name, seq, bytes) "
	                       "VALUES (?1, ?2, ?3)",
	                       -1, &p.insert, NULL) != SQLITE_OK)
		err = cw_sqlite__fail(p.db, "storing a blob");
	if (err == 0)
		err = cw_blob_file_each(path, put_chunk, &p, &size);
	if (err == 0)
		err = cw_sqlite__run(
		        p.db, "UPDATE blobs SET size = ?2 WHERE name = ?1",
		        NULL, NULL, NULL, NULL, "ti", name, size);
	sqlite3_finalize(p.insert);
	err = cw_sqlite__end(p.db, err);
out:
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

typedef struct {
	cw_blob_writer w;
	int64_t written;
} getting;

static int got_chunk(sqlite3_stmt *st, void *payload)
{
	getting *g = payload;
	const void *data = sqlite3_column_blob(st, 0);
	int len = sqlite3_column_bytes(st, 0);

	g->written += len;
	return len > 0 ? cw_blob_writer_write(&g->w, data, (size_t)len) : 0;
}

static int got_size(sqlite3_stmt *st, void *payload)
{
	*(int64_t *)payload = sqlite3_column_int64(st, 0);
	return 0;
}

int cw_sqlite__blob_get(cw_store *store, const char *name, const char *path)
{
	sqlite3 *db = NULL;
	connection *conn = NULL;
	getting g = { { -1, "", "" }, 0 };
	int64_t size = -1;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	/* One read transaction: the size and the chunks agree. */
	if ((err = cw_sqlite__exec(db, "BEGIN")) < 0)
		goto out;
	err = cw_sqlite__run(db, "SELECT size FROM blobs WHERE name = ?1",
	                     got_size, &size, &rows, NULL, "t", name);
	if (err == 0 && rows == 0) {
		cw_error_set("no stored file %s", name);
		err = CW_ENOTFOUND;
	}
	if (err == 0 && (err = cw_blob_writer_open(&g.w, path)) == 0)
		err = cw_sqlite__run(
		        db,
		        "SELECT bytes FROM blob_chunks WHERE name = "
		        "?1 ORDER BY seq",
		        got_chunk, &g, NULL, NULL, "t", name);
	if (err == 0 && g.written != size) {
		cw_error_set("stored file %s: %lld bytes of %lld", name,
		             (long long)g.written, (long long)size);
		err = CW_ESTORE;
	}
	{
		int closed = cw_blob_writer_close(&g.w, err == 0);
		if (err == 0)
			err = closed;
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
out:
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

int cw_sqlite__blob_delete(cw_store *store, const char *name)
{
	sqlite3 *db = NULL;
	connection *conn = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	if ((err = cw_sqlite__exec(db, "BEGIN IMMEDIATE")) < 0)
		goto out;
	err = cw_sqlite__run(db, "DELETE FROM blob_chunks WHERE name = ?1",
	                     NULL, NULL, NULL, NULL, "t", name);
	if (err == 0)
		err = cw_sqlite__run(db, "DELETE FROM blobs WHERE name = ?1",
		                     NULL, NULL, NULL, NULL, "t", name);
	err = cw_sqlite__end(db, err);
out:
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

typedef struct {
	int (*cb)(const char *name, void *payload);
	void *payload;
} listing;

static int listed(sqlite3_stmt *st, void *payload)
{
	listing *l = payload;
	return l->cb(cw_sqlite__text(st, 0), l->payload);
}

int cw_sqlite__blob_list(cw_store *store, const char *prefix,
                         int (*cb)(const char *name, void *payload),
                         void *payload)
{
	listing l = { cb, payload };

	return cw_sqlite__run_pooled(
	        store,
	        "SELECT name FROM blobs WHERE substr(name, "
	        "1, length(?1)) = ?1 ORDER BY name",
	        listed, &l, NULL, NULL, "t", prefix);
}
