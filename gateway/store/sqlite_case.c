/* CASE frameworks in SQLite (migration 0006): a package in one write
 * transaction, objects by identifier, the served package texts. */
#include "store/sqlite_internal.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <zlib.h>

/* Definitions (concepts, subjects, licences, item types, groupings) are
 * shared between documents: kinds 3 to 7. */
static int shared_kind(int kind)
{
	return kind >= 3 && kind <= 7;
}

/* Items, associations and rubrics leave with their package. */
static int retires(int kind)
{
	return kind == 1 || kind == 2 || kind == 8;
}

typedef struct {
	char *identifier, *body;
	int kind, retired, seen;
} held;

typedef struct {
	connection *conn;
	int64_t tenant_id;
	int64_t now_ms;
	const cw_case_import *import;
	cw_case_counts *counts;
	held *held; /* the document's objects before, by identifier */
	size_t held_count;
	sqlite3_stmt *insert, *update, *owner;
	cw_buf log; /* the current chunk of changes */
	size_t log_count;
	int64_t next_seq;
} importing;

static int prepare(importing *im, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(im->conn->db, sql, -1, st, NULL) != SQLITE_OK)
		return cw_sqlite__fail(im->conn->db, "preparing a CASE import");
	return 0;
}

static int by_identifier(const void *a, const void *b)
{
	return strcmp(((const held *)a)->identifier,
	              ((const held *)b)->identifier);
}

static int load_held(importing *im)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int err = prepare(im,
	                  "SELECT identifier, kind, body, retired_ms IS NOT "
	                  "NULL FROM case_objects WHERE tenant_id = ?1 AND "
	                  "document = ?2",
	                  &st),
	    rc;

	if (err < 0)
		return err;
	sqlite3_bind_int64(st, 1, im->tenant_id);
	sqlite3_bind_text(st, 2, im->import->identifier, -1, SQLITE_STATIC);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		held *h;

		if (im->held_count == alloc) {
			size_t want = alloc ? alloc * 2 : 256;
			void *grown = cw_realloc(im->held, want * sizeof(held));

			if (!grown) {
				err = CW_ENOMEM;
				break;
			}
			im->held = grown;
			alloc = want;
		}
		h = &im->held[im->held_count];
		h->identifier =
		        cw_strdup((const char *)sqlite3_column_text(st, 0));
		h->kind = sqlite3_column_int(st, 1);
		h->body = cw_strdup((const char *)sqlite3_column_text(st, 2));
		h->retired = sqlite3_column_int(st, 3);
		h->seen = 0;
		im->held_count++;
		if (!h->identifier || !h->body)
			err = CW_ENOMEM;
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(im->conn->db, "reading a document");
	sqlite3_finalize(st);
	if (err == 0 && im->held_count)
		qsort(im->held, im->held_count, sizeof(held), by_identifier);
	return err;
}

static held *find_held(importing *im, const char *identifier)
{
	held key = { (char *)identifier, NULL, 0, 0, 0 };

	if (!im->held_count)
		return NULL;
	return bsearch(&key, im->held, im->held_count, sizeof(held),
	               by_identifier);
}

/* ---- the change log ------------------------------------------------------ */

static int flush_log(importing *im)
{
	sqlite3_stmt *st = NULL;
	int err;

	if (im->log_count == 0)
		return 0;
	if ((err = prepare(im,
	                   "INSERT INTO case_log VALUES (?1, ?2, ?3, ?4, ?5, "
	                   "?6)",
	                   &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, im->next_seq);
	sqlite3_bind_int64(st, 2, im->tenant_id);
	sqlite3_bind_text(st, 3, im->import->identifier, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, im->now_ms);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)im->log_count);
	sqlite3_bind_blob(st, 6, im->log.data, (int)im->log.len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = cw_sqlite__fail(im->conn->db, "logging CASE changes");
	sqlite3_finalize(st);
	im->next_seq += (int64_t)im->log_count;
	im->log_count = 0;
	cw_buf_clear(&im->log);
	return err;
}

static int log_change(importing *im, char op, int kind, const char *id)
{
	cw_buf_putc(&im->log, op);
	cw_buf_putc(&im->log, (char)('0' + kind));
	cw_buf_put(&im->log, id, strlen(id) + 1);
	im->log_count++;
	if (im->log.error)
		return im->log.error;
	return im->log.len >= 64 * 1024 ? flush_log(im) : 0;
}

static int next_seq(importing *im)
{
	sqlite3_stmt *st = NULL;
	int err = prepare(im,
	                  "SELECT coalesce(max(first_seq + count), 1) FROM "
	                  "case_log",
	                  &st);

	if (err < 0)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		im->next_seq = sqlite3_column_int64(st, 0);
	else
		err = cw_sqlite__fail(im->conn->db, "reading the CASE log");
	sqlite3_finalize(st);
	return err;
}

/* ---- objects ------------------------------------------------------------- */

static void bind_object(sqlite3_stmt *st, importing *im,
                        const cw_case_record *o)
{
	sqlite3_bind_int64(st, 1, im->tenant_id);
	sqlite3_bind_text(st, 2, o->identifier, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, o->kind);
	sqlite3_bind_text(st, 4, im->import->identifier, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->body, o->body_len ? (int)o->body_len : -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, 6, o->origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, o->destination, -1, SQLITE_STATIC);
}

static int run(importing *im, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT)
		return CW_EEXISTS;
	return cw_sqlite__fail(im->conn->db, what);
}

/* An identifier another document holds: a shared definition is updated,
 * anything else refuses the package. */
static int taken(importing *im, const cw_case_record *o)
{
	char document[300] = "";
	size_t len = o->body_len ? o->body_len : strlen(o->body);
	int kind = -1, same = 0, rc, err;

	sqlite3_bind_int64(im->owner, 1, im->tenant_id);
	sqlite3_bind_text(im->owner, 2, o->identifier, -1, SQLITE_STATIC);
	rc = sqlite3_step(im->owner);
	if (rc == SQLITE_ROW) {
		kind = sqlite3_column_int(im->owner, 0);
		snprintf(document, sizeof(document), "%s",
		         (const char *)sqlite3_column_text(im->owner, 1));
		same = (size_t)sqlite3_column_bytes(im->owner, 2) == len &&
		       memcmp(sqlite3_column_blob(im->owner, 2), o->body,
		              len) == 0;
	}
	sqlite3_reset(im->owner);
	if (kind == o->kind && shared_kind(kind) && same) {
		im->counts[o->kind].unchanged++;
		return 0;
	}
	if (kind == o->kind && shared_kind(kind)) {
		bind_object(im->update, im, o);
		sqlite3_bind_text(im->update, 4, document, -1,
		                  SQLITE_TRANSIENT);
		if ((err = run(im, im->update, "updating a CASE object")) < 0)
			return err;
		im->counts[o->kind].changed++;
		return 0;
	}
	cw_error_set("identifier %s is already a %s of document %s",
	             o->identifier,
	             kind == o->kind ? "object" : "different kind of object",
	             document);
	return CW_EEXISTS;
}

static int put_object(importing *im, const cw_case_record *o)
{
	held *h = find_held(im, o->identifier);
	size_t len = o->body_len ? o->body_len : strlen(o->body);
	int err;

	if (o->kind < 0 || o->kind >= CW_STORE_CASE_KINDS)
		return CW_EINVAL;
	if (h) {
		h->seen = 1;
		if (h->kind == o->kind && !h->retired &&
		    strlen(h->body) == len &&
		    memcmp(h->body, o->body, len) == 0) {
			im->counts[o->kind].unchanged++;
			return 0;
		}
		bind_object(im->update, im, o);
		if ((err = run(im, im->update, "updating a CASE object")) < 0)
			return err;
		im->counts[o->kind].changed++;
		return log_change(im, 'u', o->kind, o->identifier);
	}
	bind_object(im->insert, im, o);
	err = run(im, im->insert, "adding a CASE object");
	if (err == CW_EEXISTS)
		return taken(im, o);
	if (err < 0)
		return err;
	im->counts[o->kind].added++;
	return log_change(im, 'a', o->kind, o->identifier);
}

/* What the document had and the package no longer has. */
static int retire_rest(importing *im)
{
	sqlite3_stmt *st = NULL;
	int err = prepare(im,
	                  "UPDATE case_objects SET retired_ms = ?3 WHERE "
	                  "tenant_id = ?1 AND identifier = ?2",
	                  &st);

	for (size_t i = 0; err == 0 && i < im->held_count; i++) {
		held *h = &im->held[i];

		if (h->seen || h->retired || !retires(h->kind))
			continue;
		sqlite3_bind_int64(st, 1, im->tenant_id);
		sqlite3_bind_text(st, 2, h->identifier, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, im->now_ms);
		if ((err = run(im, st, "retiring a CASE object")) == 0) {
			im->counts[h->kind].retired++;
			err = log_change(im, 'r', h->kind, h->identifier);
		}
	}
	sqlite3_finalize(st);
	return err;
}

/* The package deflated (level 1: a framework is mostly repeated keys and
 * URIs, so a tenth of the bytes go through the WAL, at little CPU). */
static int deflate_package(const cw_case_import *p, unsigned char **out,
                           uLongf *len)
{
	uLongf bound = compressBound((uLong)p->package_len);

	if (!(*out = cw_malloc(bound ? bound : 1)))
		return CW_ENOMEM;
	*len = bound;
	if (compress2(*out, len, (const Bytef *)p->package,
	              (uLong)p->package_len, 1) != Z_OK) {
		cw_free(*out);
		*out = NULL;
		cw_error_set("store: cannot deflate a CASE package");
		return CW_ESTORE;
	}
	return 0;
}

/* The package is deflated on a thread of its own while the objects go
 * in: the two take about as long. */
typedef struct {
	pthread_t thread;
	const cw_case_import *import;
	unsigned char *packed;
	uLongf packed_len;
	int err, started;
} deflating;

static void *deflate_in_background(void *arg)
{
	deflating *d = arg;

	d->err = deflate_package(d->import, &d->packed, &d->packed_len);
	return NULL;
}

static void deflate_start(deflating *d, const cw_case_import *import)
{
	d->import = import;
	d->started =
	        pthread_create(&d->thread, NULL, deflate_in_background, d) == 0;
}

/* The deflated package (the caller frees *packed). */
static int deflate_finish(deflating *d, unsigned char **packed,
                          uLongf *packed_len)
{
	if (d->started)
		pthread_join(d->thread, NULL);
	else
		d->err = deflate_package(d->import, &d->packed, &d->packed_len);
	d->started = 0;
	*packed = d->packed;
	*packed_len = d->packed_len;
	d->packed = NULL;
	return d->err;
}

static int put_document(importing *im, deflating *d)
{
	const cw_case_import *p = im->import;
	sqlite3_stmt *st = NULL;
	unsigned char *packed = NULL;
	uLongf packed_len = 0;
	int err = deflate_finish(d, &packed, &packed_len);

	if (err == 0)
		err = prepare(
		        im,
		        "INSERT OR REPLACE INTO case_documents VALUES (?1, "
		        "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		        &st);
	if (err < 0) {
		cw_free(packed);
		return err;
	}
	sqlite3_bind_int64(st, 1, im->tenant_id);
	sqlite3_bind_text(st, 2, p->identifier, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->last_change, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, im->now_ms);
	sqlite3_bind_text(st, 7, p->document, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 8, packed, packed_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)p->package_len);
	err = run(im, st, "storing a CASE document");
	sqlite3_finalize(st);
	cw_free(packed);
	return err;
}

static int changed_any(const cw_case_counts *counts)
{
	for (int k = 0; k < CW_STORE_CASE_KINDS; k++)
		if (counts[k].added || counts[k].changed || counts[k].retired)
			return 1;
	return 0;
}

static int by_record_identifier(const void *a, const void *b)
{
	return strcmp((*(const cw_case_record *const *)a)->identifier,
	              (*(const cw_case_record *const *)b)->identifier);
}

/* The objects in identifier order: the primary key's B-tree then grows
 * at its end instead of splitting pages all over (a fresh framework of
 * 60,000 objects imports about twice as fast). */
static int put_objects(importing *im)
{
	size_t n = im->import->object_count;
	const cw_case_record **order = cw_malloc((n ? n : 1) * sizeof(*order));
	int err = 0;

	if (!order)
		return CW_ENOMEM;
	for (size_t i = 0; i < n; i++)
		order[i] = &im->import->objects[i];
	if (n)
		qsort(order, n, sizeof(*order), by_record_identifier);
	for (size_t i = 0; err == 0 && i < n; i++)
		err = put_object(im, order[i]);
	cw_free(order);
	return err;
}

static int import_all(importing *im)
{
	deflating d = { 0 };
	int err, wrote;

	deflate_start(&d, im->import);
	err = load_held(im);

	if (err == 0)
		err = next_seq(im);
	if (err == 0)
		err = prepare(
		        im,
		        "INSERT INTO case_objects VALUES (?1, ?2, ?3, ?4, "
		        "?5, ?6, ?7, NULL)",
		        &im->insert);
	if (err == 0)
		err = prepare(
		        im,
		        "UPDATE case_objects SET kind = ?3, document = ?4, "
		        "body = ?5, origin = ?6, destination = ?7, "
		        "retired_ms = NULL WHERE tenant_id = ?1 AND "
		        "identifier = ?2",
		        &im->update);
	if (err == 0)
		err = prepare(
		        im,
		        "SELECT kind, document, body FROM case_objects WHERE "
		        "tenant_id = ?1 AND identifier = ?2",
		        &im->owner);
	if (err == 0)
		err = put_objects(im);
	if (err == 0)
		err = retire_rest(im);
	if (err == 0)
		err = flush_log(im);
	if (err == 0 && im->import->before_commit)
		err = im->import->before_commit(
		        im->import->before_commit_payload);
	/* An unchanged package writes nothing (the texts are the same). */
	wrote = err == 0 && (changed_any(im->counts) || im->held_count == 0);
	if (wrote) {
		err = put_document(im, &d);
	} else {
		unsigned char *packed = NULL;
		uLongf len = 0;

		(void)deflate_finish(&d, &packed, &len); /* not needed */
		cw_free(packed);
	}
	return err;
}

int cw_sqlite__case_import(cw_store *store, int64_t tenant_id,
                           const cw_case_import *import,
                           cw_case_counts counts[CW_STORE_CASE_KINDS])
{
	sqlite_store *s = (sqlite_store *)store;
	importing im = { 0 };
	int err;

	memset(counts, 0, CW_STORE_CASE_KINDS * sizeof(*counts));
	im.tenant_id = tenant_id;
	im.import = import;
	im.counts = counts;
	im.now_ms = cw_time_now_ms();
	im.log = (cw_buf)CW_BUF_INIT((size_t)1 << 20);
	if ((err = cw_sqlite__acquire(s, &im.conn)) < 0)
		return err;
	/* A framework's rows and indexes fit in 64 MiB of page cache: the
	 * default 2 MiB would read back pages it just wrote. */
	sqlite3_exec(im.conn->db, "PRAGMA cache_size = -65536", NULL, NULL,
	             NULL);
	if (sqlite3_exec(im.conn->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		err = cw_sqlite__fail(im.conn->db, "beginning a CASE import");
		goto out;
	}
	err = import_all(&im);
	if (sqlite3_exec(im.conn->db, err == 0 ? "COMMIT" : "ROLLBACK", NULL,
	                 NULL, NULL) != SQLITE_OK &&
	    err == 0)
		err = cw_sqlite__fail(im.conn->db, "committing a CASE import");
out:
	sqlite3_finalize(im.insert);
	sqlite3_finalize(im.update);
	sqlite3_finalize(im.owner);
	for (size_t i = 0; i < im.held_count; i++) {
		cw_free(im.held[i].identifier);
		cw_free(im.held[i].body);
	}
	cw_free(im.held);
	cw_buf_dispose(&im.log);
	sqlite3_exec(im.conn->db, "PRAGMA cache_size = -2000", NULL, NULL,
	             NULL);
	cw_sqlite__release(s, im.conn);
	return err;
}

/* ---- reading ------------------------------------------------------------- */

/* Rows of (identifier, kind, document, body, retired, origin, destination)
 * to cb; CW_ENOTFOUND when want_one and there were none. */
static int each_row(sqlite_store *s, const char *sql, int64_t tenant_id,
                    const char *text, int number, cw_case_cb cb, void *payload,
                    int want_one)
{
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc, rows = 0;

	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db, sql, -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing a CASE read");
		goto out;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	if (text)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int(st, 2, number);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		cw_case_record r = { (const char *)sqlite3_column_text(st, 0),
			             sqlite3_column_int(st, 1),
			             (const char *)sqlite3_column_text(st, 3),
			             (size_t)sqlite3_column_bytes(st, 3),
			             (const char *)sqlite3_column_text(st, 5),
			             (const char *)sqlite3_column_text(st, 6),
			             (const char *)sqlite3_column_text(st, 2),
			             sqlite3_column_int(st, 4) };

		rows++;
		err = cb(&r, payload);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "reading CASE objects");
	if (err == 0 && want_one && rows == 0)
		err = CW_ENOTFOUND;
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

#define COLUMNS                                                                \
	"identifier, kind, document, body, retired_ms IS NOT NULL, origin, "   \
	"destination"

int cw_sqlite__case_get(cw_store *store, int64_t tenant_id,
                        const char *identifier, cw_case_cb cb, void *payload)
{
	return each_row((sqlite_store *)store,
	                "SELECT " COLUMNS " FROM case_objects WHERE tenant_id "
	                "= ?1 AND identifier = ?2",
	                tenant_id, identifier, 0, cb, payload, 1);
}

int cw_sqlite__case_documents(cw_store *store, int64_t tenant_id, cw_case_cb cb,
                              void *payload)
{
	return each_row((sqlite_store *)store,
	                "SELECT identifier, 0, identifier, document, 0, NULL, "
	                "NULL FROM case_documents WHERE tenant_id = ?1 AND "
	                "?2 = 0 ORDER BY identifier",
	                tenant_id, NULL, 0, cb, payload, 0);
}

int cw_sqlite__case_links(cw_store *store, int64_t tenant_id,
                          const char *identifier, cw_case_cb cb, void *payload)
{
	return each_row((sqlite_store *)store,
	                "SELECT " COLUMNS " FROM case_objects WHERE tenant_id "
	                "= ?1 AND origin = ?2 AND retired_ms IS NULL UNION "
	                "SELECT " COLUMNS " FROM case_objects WHERE tenant_id "
	                "= ?1 AND destination = ?2 AND retired_ms IS NULL "
	                "ORDER BY 1",
	                tenant_id, identifier, 0, cb, payload, 0);
}

int cw_sqlite__case_kind(cw_store *store, int64_t tenant_id, int kind,
                         cw_case_cb cb, void *payload)
{
	return each_row((sqlite_store *)store,
	                "SELECT " COLUMNS " FROM case_objects WHERE tenant_id "
	                "= ?1 AND kind = ?2 ORDER BY identifier",
	                tenant_id, NULL, kind, cb, payload, 0);
}

static int inflate_package(cw_buf *out, const void *packed, int packed_len,
                           sqlite3_int64 bytes)
{
	uLongf len = (uLongf)bytes;
	Bytef *text = cw_malloc((size_t)bytes + 1);
	int err = 0;

	if (!text)
		return CW_ENOMEM;
	if (uncompress(text, &len, packed, (uLong)packed_len) != Z_OK ||
	    len != (uLongf)bytes) {
		cw_error_set("store: a CASE package does not inflate");
		err = CW_ESTORE;
	}
	if (err == 0)
		err = cw_buf_put(out, text, (size_t)bytes);
	cw_free(text);
	return err;
}

/* One row of a document by (tenant, identifier): on_row reads it.
 * CW_ENOTFOUND when there is none. */
static int document_row(cw_store *store, const char *sql, int64_t tenant_id,
                        const char *identifier,
                        int (*on_row)(sqlite3_stmt *st, void *arg), void *arg)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc;

	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db, sql, -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing a document read");
		goto out;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	sqlite3_bind_text(st, 2, identifier, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		err = on_row(st, arg);
	else if (rc == SQLITE_DONE)
		err = CW_ENOTFOUND;
	else
		err = cw_sqlite__fail(conn->db, "reading a document");
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

typedef struct {
	cw_buf *out;
	int64_t *stamp;
} package_read;

static int read_package(sqlite3_stmt *st, void *arg)
{
	package_read *p = arg;

	*p->stamp = sqlite3_column_int64(st, 2);
	return p->out ? inflate_package(p->out, sqlite3_column_blob(st, 0),
	                                sqlite3_column_bytes(st, 0),
	                                sqlite3_column_int64(st, 1))
	              : 0;
}

int cw_sqlite__case_package(cw_store *store, int64_t tenant_id,
                            const char *identifier, cw_buf *out, int64_t *stamp)
{
	package_read p = { out, stamp };

	return document_row(
	        store,
	        "SELECT package, package_bytes, imported_at_ms FROM "
	        "case_documents WHERE tenant_id = ?1 AND identifier "
	        "= ?2",
	        tenant_id, identifier, read_package, &p);
}

int cw_sqlite__case_stamp(cw_store *store, int64_t tenant_id,
                          const char *identifier, int64_t *stamp)
{
	package_read p = { NULL, stamp };

	return document_row(
	        store,
	        "SELECT NULL, 0, imported_at_ms FROM case_documents "
	        "WHERE tenant_id = ?1 AND identifier = ?2",
	        tenant_id, identifier, read_package, &p);
}
