/* CASE frameworks on PostgreSQL (migration 0006): a package in one
 * transaction under the CASE advisory lock (as SQLite's one writer), objects
 * by identifier, the served package texts deflated. */
#include "store/pg_internal.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define LOG_CHUNK (64 * 1024)

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
	pg_connection *c;
	char tenant[CW_PG_INT_TEXT];
	int64_t now_ms;
	const cw_case_import *import;
	cw_case_counts *counts;
	held *held; /* the document's objects before, by identifier */
	size_t held_count;
	cw_buf log; /* the current chunk of changes */
	size_t log_count;
	int64_t next_seq;
} importing;

static int by_identifier(const void *a, const void *b)
{
	return strcmp(((const held *)a)->identifier,
	              ((const held *)b)->identifier);
}

static int load_held(importing *im)
{
	const char *params[2] = { im->tenant, im->import->identifier };
	PGresult *res = NULL;
	int err = cw_pg__query(im->c, "reading a document", &res,
	                       "SELECT identifier, kind, body, (retired_ms IS "
	                       "NOT NULL)::int FROM case_objects WHERE "
	                       "tenant_id = $1 AND document = $2",
	                       2, params);
	int n = err == 0 ? PQntuples(res) : 0;

	if (err == 0 && n > 0 &&
	    !(im->held = cw_calloc((size_t)n, sizeof(held))))
		err = CW_ENOMEM;
	for (int i = 0; err == 0 && i < n; i++) {
		held *h = &im->held[im->held_count++];

		h->identifier = cw_strdup(PQgetvalue(res, i, 0));
		h->kind = (int)cw_pg__get_int(res, i, 1);
		h->body = cw_strdup(PQgetvalue(res, i, 2));
		h->retired = (int)cw_pg__get_int(res, i, 3);
		if (!h->identifier || !h->body)
			err = CW_ENOMEM;
	}
	PQclear(res);
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

/* A statement with one binary parameter (the last, of len bytes). */
static int query_bytes(pg_connection *c, const char *what, const char *sql,
                       int n, const char *const *params, size_t len)
{
	int lengths[12] = { 0 }, formats[12] = { 0 };
	PGresult *res;
	int err = 0;

	lengths[n - 1] = (int)len;
	formats[n - 1] = 1;
	res = PQexecParams(c->conn, sql, n, NULL, params, lengths, formats, 0);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
		err = cw_pg__fail(c->conn, res, what);
	PQclear(res);
	return err;
}

/* ---- the change log ------------------------------------------------------ */

static int flush_log(importing *im)
{
	char seq[CW_PG_INT_TEXT], at[CW_PG_INT_TEXT], count[CW_PG_INT_TEXT];
	const char *params[6] = { cw_pg__int(seq, im->next_seq),
		                  im->tenant,
		                  im->import->identifier,
		                  cw_pg__int(at, im->now_ms),
		                  cw_pg__int(count, (int64_t)im->log_count),
		                  im->log.data };
	int err;

	if (im->log_count == 0)
		return 0;
	err = query_bytes(im->c, "logging CASE changes",
	                  "INSERT INTO case_log (first_seq, tenant_id, "
	                  "document, at_ms, count, changes) VALUES ($1, $2, "
	                  "$3, $4, $5, $6)",
	                  6, params, im->log.len);
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
	return im->log.len >= LOG_CHUNK ? flush_log(im) : 0;
}

static int next_seq(importing *im)
{
	PGresult *res = NULL;
	int err = cw_pg__query(im->c, "reading the CASE log", &res,
	                       "SELECT coalesce(max(first_seq + count), 1) "
	                       "FROM case_log",
	                       0, NULL);

	if (err == 0)
		im->next_seq = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	return err;
}

/* ---- objects ------------------------------------------------------------- */

static size_t body_length(const cw_case_record *o)
{
	return o->body_len ? o->body_len : strlen(o->body);
}

/* Writes o (as a row of document): insert (ON CONFLICT nothing) or
 * update; *written gets the rows it wrote. */
static int write_object(importing *im, const cw_case_record *o,
                        const char *document, int update, int *written)
{
	char kind[CW_PG_INT_TEXT];
	cw_buf body = CW_BUF_INIT((size_t)1 << 30);
	const char *params[7] = {
		im->tenant,    o->identifier, cw_pg__int(kind, o->kind),
		document,      NULL,          o->origin,
		o->destination
	};
	PGresult *res = NULL;
	int err;

	/* The body may come without its NUL (body_len). */
	if ((err = cw_buf_put(&body, o->body, body_length(o))) < 0)
		return err;
	params[4] = body.data;
	err = cw_pg__query(
	        im->c,
	        update ? "updating a CASE object" : "adding a CASE object",
	        &res,
	        update ? "UPDATE case_objects SET kind = $3, document = $4, "
	                 "body = $5, origin = $6, destination = $7, "
	                 "retired_ms = NULL WHERE tenant_id = $1 AND "
	                 "identifier = $2"
	               : "INSERT INTO case_objects (tenant_id, identifier, "
	                 "kind, document, body, origin, destination) VALUES "
	                 "($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, "
	                 "identifier) DO NOTHING",
	        7, params);
	if (err == 0)
		*written = (int)strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	cw_buf_dispose(&body);
	return err;
}

/* An identifier another document holds: a shared definition is updated,
 * anything else refuses the package. */
static int taken(importing *im, const cw_case_record *o)
{
	const char *params[2] = { im->tenant, o->identifier };
	char document[300] = "";
	size_t len = body_length(o);
	PGresult *res = NULL;
	int kind = -1, same = 0, written = 0;
	int err = cw_pg__query(im->c, "reading a CASE object", &res,
	                       "SELECT kind, document, body FROM case_objects "
	                       "WHERE tenant_id = $1 AND identifier = $2",
	                       2, params);

	if (err < 0)
		return err;
	if (PQntuples(res) == 1) {
		kind = (int)cw_pg__get_int(res, 0, 0);
		snprintf(document, sizeof(document), "%s",
		         PQgetvalue(res, 0, 1));
		same = (size_t)PQgetlength(res, 0, 2) == len &&
		       memcmp(PQgetvalue(res, 0, 2), o->body, len) == 0;
	}
	PQclear(res);
	if (kind == o->kind && shared_kind(kind) && same) {
		im->counts[o->kind].unchanged++;
		return 0;
	}
	if (kind == o->kind && shared_kind(kind)) {
		if ((err = write_object(im, o, document, 1, &written)) < 0)
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
	size_t len = body_length(o);
	int err, written = 0;

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
		if ((err = write_object(im, o, im->import->identifier, 1,
		                        &written)) < 0)
			return err;
		im->counts[o->kind].changed++;
		return log_change(im, 'u', o->kind, o->identifier);
	}
	if ((err = write_object(im, o, im->import->identifier, 0, &written)) <
	    0)
		return err;
	if (written == 0)
		return taken(im, o);
	im->counts[o->kind].added++;
	return log_change(im, 'a', o->kind, o->identifier);
}

/* What the document had and the package no longer has. */
static int retire_rest(importing *im)
{
	char now[CW_PG_INT_TEXT];
	int err = 0;

	cw_pg__int(now, im->now_ms);
	for (size_t i = 0; err == 0 && i < im->held_count; i++) {
		held *h = &im->held[i];
		const char *params[3] = { im->tenant, h->identifier, now };

		if (h->seen || h->retired || !retires(h->kind))
			continue;
		err = cw_pg__query(im->c, "retiring a CASE object", NULL,
		                   "UPDATE case_objects SET retired_ms = $3 "
		                   "WHERE tenant_id = $1 AND identifier = $2",
		                   3, params);
		if (err == 0) {
			im->counts[h->kind].retired++;
			err = log_change(im, 'r', h->kind, h->identifier);
		}
	}
	return err;
}

/* The package deflated (level 1, as on SQLite). */
static int put_document(importing *im)
{
	const cw_case_import *p = im->import;
	uLongf bound = compressBound((uLong)p->package_len), len = bound;
	unsigned char *packed = cw_malloc(bound ? bound : 1);
	char now[CW_PG_INT_TEXT], bytes[CW_PG_INT_TEXT];
	const char *params[9] = {
		im->tenant,
		p->identifier,
		p->title,
		p->last_change,
		p->source,
		cw_pg__int(now, im->now_ms),
		p->document,
		cw_pg__int(bytes, (int64_t)p->package_len),
		(const char *)packed,
	};
	int err = 0;

	if (!packed)
		return CW_ENOMEM;
	if (compress2(packed, &len, (const Bytef *)p->package,
	              (uLong)p->package_len, 1) != Z_OK) {
		cw_error_set("store: cannot deflate a CASE package");
		err = CW_ESTORE;
	}
	if (err == 0)
		err = query_bytes(
		        im->c, "storing a CASE document",
		        "INSERT INTO case_documents (tenant_id, identifier, "
		        "title, last_change, source, imported_at_ms, document, "
		        "package_bytes, package) VALUES ($1, $2, $3, $4, $5, "
		        "$6, $7, $8, $9) ON CONFLICT (tenant_id, identifier) "
		        "DO "
		        "UPDATE SET title = $3, last_change = $4, source = $5, "
		        "imported_at_ms = $6, document = $7, package_bytes = "
		        "$8, package = $9",
		        9, params, len);
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

static int import_all(importing *im)
{
	char key[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(key, CW_PG_LOCK_CASE) };
	int err = cw_pg__query(im->c, "waiting for another CASE import", NULL,
	                       "SELECT pg_advisory_xact_lock($1::bigint)", 1,
	                       params);

	if (err == 0)
		err = load_held(im);
	if (err == 0)
		err = next_seq(im);
	for (size_t i = 0; err == 0 && i < im->import->object_count; i++)
		err = put_object(im, &im->import->objects[i]);
	if (err == 0)
		err = retire_rest(im);
	if (err == 0)
		err = flush_log(im);
	if (err == 0 && im->import->before_commit)
		err = im->import->before_commit(
		        im->import->before_commit_payload);
	/* An unchanged package writes nothing (the texts are the same). */
	if (err == 0 && (changed_any(im->counts) || im->held_count == 0))
		err = put_document(im);
	return err;
}

int cw_pg__case_import(cw_store *store, int64_t tenant_id,
                       const cw_case_import *import,
                       cw_case_counts counts[CW_STORE_CASE_KINDS])
{
	pg_store *s = (pg_store *)store;
	importing im = { 0 };
	int err;

	memset(counts, 0, CW_STORE_CASE_KINDS * sizeof(*counts));
	cw_pg__int(im.tenant, tenant_id);
	im.import = import;
	im.counts = counts;
	im.now_ms = cw_time_now_ms();
	im.log = (cw_buf)CW_BUF_INIT((size_t)1 << 20);
	if ((err = cw_pg__acquire(s, &im.c)) < 0)
		return err;
	if ((err = cw_pg__exec(im.c,
	                       "BEGIN; SET LOCAL lock_timeout = "
	                       "'" CW_PG_IMPORT_LOCK_WAIT "'",
	                       "beginning a CASE import")) == 0) {
		err = import_all(&im);
		if (err == 0)
			err = cw_pg__exec(im.c, "COMMIT",
			                  "committing a CASE import");
		if (err < 0)
			PQclear(PQexec(im.c->conn, "ROLLBACK"));
	}
	for (size_t i = 0; i < im.held_count; i++) {
		cw_free(im.held[i].identifier);
		cw_free(im.held[i].body);
	}
	cw_free(im.held);
	cw_buf_dispose(&im.log);
	cw_pg__release(s, im.c);
	return err;
}

/* ---- reading ------------------------------------------------------------- */

/* Rows of (identifier, kind, document, body, retired, origin, destination)
 * to cb; CW_ENOTFOUND when want_one and there were none. */
static int each_row(cw_store *store, const char *sql, int64_t tenant_id,
                    const char *text, int number, cw_case_cb cb, void *payload,
                    int want_one)
{
	char tenant[CW_PG_INT_TEXT], n[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id),
		                  text ? text : cw_pg__int(n, number) };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "reading CASE objects", &res,
	                     sql, 2, params);

	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		cw_case_record r = { cw_pg__get_text(res, i, 0),
			             (int)cw_pg__get_int(res, i, 1),
			             cw_pg__get_text(res, i, 3),
			             (size_t)PQgetlength(res, i, 3),
			             cw_pg__get_text(res, i, 5),
			             cw_pg__get_text(res, i, 6),
			             cw_pg__get_text(res, i, 2),
			             (int)cw_pg__get_int(res, i, 4) };

		err = cb(&r, payload);
	}
	if (err == 0 && want_one && PQntuples(res) == 0)
		err = CW_ENOTFOUND;
	PQclear(res);
	return err;
}

#define COLUMNS                                                                \
	"identifier, kind, document, body, (retired_ms IS NOT NULL)::int, "    \
	"origin, destination"

int cw_pg__case_get(cw_store *store, int64_t tenant_id, const char *identifier,
                    cw_case_cb cb, void *payload)
{
	return each_row(store,
	                "SELECT " COLUMNS " FROM case_objects WHERE tenant_id "
	                "= $1 AND identifier = $2",
	                tenant_id, identifier, 0, cb, payload, 1);
}

int cw_pg__case_documents(cw_store *store, int64_t tenant_id, cw_case_cb cb,
                          void *payload)
{
	return each_row(store,
	                "SELECT identifier, 0, identifier, document, 0, NULL, "
	                "NULL FROM case_documents WHERE tenant_id = $1 AND "
	                "$2::int = 0 ORDER BY identifier",
	                tenant_id, NULL, 0, cb, payload, 0);
}

int cw_pg__case_links(cw_store *store, int64_t tenant_id,
                      const char *identifier, cw_case_cb cb, void *payload)
{
	return each_row(store,
	                "SELECT " COLUMNS " FROM case_objects WHERE tenant_id "
	                "= $1 AND origin = $2 AND retired_ms IS NULL UNION "
	                "SELECT " COLUMNS " FROM case_objects WHERE tenant_id "
	                "= $1 AND destination = $2 AND retired_ms IS NULL "
	                "ORDER BY 1",
	                tenant_id, identifier, 0, cb, payload, 0);
}

int cw_pg__case_kind(cw_store *store, int64_t tenant_id, int kind,
                     cw_case_cb cb, void *payload)
{
	return each_row(store,
	                "SELECT " COLUMNS " FROM case_objects WHERE tenant_id "
	                "= $1 AND kind = $2::int ORDER BY identifier",
	                tenant_id, NULL, kind, cb, payload, 0);
}

static int inflate_package(cw_buf *out, const char *escaped, int64_t bytes)
{
	size_t packed_len = 0;
	unsigned char *packed =
	        PQunescapeBytea((const unsigned char *)escaped, &packed_len);
	uLongf len = (uLongf)bytes;
	Bytef *text = cw_malloc((size_t)bytes + 1);
	int err = 0;

	if (!packed || !text) {
		err = CW_ENOMEM;
	} else if (uncompress(text, &len, packed, (uLong)packed_len) != Z_OK ||
	           len != (uLongf)bytes) {
		cw_error_set("store: a CASE package does not inflate");
		err = CW_ESTORE;
	}
	if (err == 0)
		err = cw_buf_put(out, text, (size_t)bytes);
	PQfreemem(packed);
	cw_free(text);
	return err;
}

int cw_pg__case_package(cw_store *store, int64_t tenant_id,
                        const char *identifier, cw_buf *out, int64_t *stamp)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), identifier };
	PGresult *res = NULL;
	int err = cw_pg__run(
	        (pg_store *)store, "reading a document", &res,
	        out ? "SELECT imported_at_ms, package_bytes, package FROM "
	              "case_documents WHERE tenant_id = $1 AND identifier = $2"
	            : "SELECT imported_at_ms FROM case_documents WHERE "
	              "tenant_id = $1 AND identifier = $2",
	        2, params);

	if (err == 0 && PQntuples(res) == 0)
		err = CW_ENOTFOUND;
	if (err == 0) {
		*stamp = cw_pg__get_int(res, 0, 0);
		if (out)
			err = inflate_package(out, PQgetvalue(res, 0, 2),
			                      cw_pg__get_int(res, 0, 1));
	}
	PQclear(res);
	return err;
}

int cw_pg__case_stamp(cw_store *store, int64_t tenant_id,
                      const char *identifier, int64_t *stamp)
{
	return cw_pg__case_package(store, tenant_id, identifier, NULL, stamp);
}
