/* OneRoster reads on PostgreSQL — listings, deltas from the change log,
 * snapshots, the change feed — and the import records. Reads that must
 * agree with each other run in one REPEATABLE READ transaction. */
#include "store/pg_internal.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strset.h"
#include "util/timeutil.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int emit(cw_roster_cb cb, void *payload, int entity, const char *id,
                const char *status, int64_t ms, const char *fields)
{
	char dlm[CW_TIME_ISO_LEN];
	cw_roster_record r;

	cw_time_format_iso(ms, dlm);
	r.entity = entity;
	r.sourced_id = id;
	r.status = status;
	r.date_last_modified = dlm;
	r.fields = fields;
	r.fields_len = 0;
	return cb(&r, payload);
}

/* Borrows a connection inside a read-only snapshot. */
static int snapshot_begin(pg_store *s, pg_connection **out)
{
	int err = cw_pg__acquire(s, out);

	if (err == 0 && (err = cw_pg__exec(*out,
	                                   "BEGIN ISOLATION LEVEL REPEATABLE "
	                                   "READ READ ONLY",
	                                   "starting a read")) < 0) {
		cw_pg__release(s, *out);
		*out = NULL;
	}
	return err;
}

static void snapshot_end(pg_store *s, pg_connection *c)
{
	if (c)
		PQclear(PQexec(c->conn, "COMMIT"));
	cw_pg__release(s, c);
}

/* ---- listings ------------------------------------------------------------ */

typedef struct {
	cw_roster_cb cb;
	void *payload;
	int entity; /* -1: the row's own (column 0) */
} row_emitter;

static int emit_row(const PGresult *res, void *p)
{
	const row_emitter *e = p;
	int col = e->entity < 0 ? 1 : 0;
	int entity = e->entity < 0 ? (int)cw_pg__get_int(res, 0, 0) : e->entity;

	return emit(e->cb, e->payload, entity, PQgetvalue(res, 0, col),
	            "active", cw_pg__get_int(res, 0, col + 1),
	            PQgetvalue(res, 0, col + 2));
}

static int list_all(pg_connection *c, const char *tenant, int entity,
                    cw_roster_cb cb, void *payload)
{
	char kind[CW_PG_INT_TEXT];
	const char *params[2] = { tenant, cw_pg__int(kind, entity) };
	row_emitter e = { cb, payload, entity };

	return cw_pg__each(c, "listing roster rows",
	                   "SELECT sourced_id, modified_ms, fields FROM roster "
	                   "WHERE tenant_id = $1 AND entity = $2 ORDER BY "
	                   "sourced_id",
	                   2, params, emit_row, &e);
}

/* The rows of one entity changed after a time, from the change log. */
typedef struct {
	size_t id;       /* offset in ids */
	const char *ptr; /* the id, once ids stops growing */
	int64_t at_ms;
} changed;

typedef struct {
	cw_strset *seen;
	cw_buf ids;
	changed *list;
	size_t count, alloc;
} change_set;

static int by_id(const void *a, const void *b)
{
	return strcmp(((const changed *)a)->ptr, ((const changed *)b)->ptr);
}

static int note_change(change_set *cs, const char *id, size_t len,
                       int64_t at_ms)
{
	uint32_t index = 0;
	int added =
	        cw_strset_put(cs->seen, id, len, (uint32_t)cs->count, &index);

	if (added < 0)
		return added;
	if (!added) {
		cs->list[index].at_ms = at_ms;
		return 0;
	}
	if (cs->count == cs->alloc) {
		size_t n = cs->alloc ? cs->alloc * 2 : 1024;
		changed *grown = cw_realloc(cs->list, n * sizeof(*grown));

		if (!grown)
			return CW_ENOMEM;
		cs->list = grown;
		cs->alloc = n;
	}
	cs->list[cs->count].id = cs->ids.len;
	cs->list[cs->count++].at_ms = at_ms;
	cw_buf_put(&cs->ids, id, len);
	return cw_buf_put(&cs->ids, "", 1) < 0 ? CW_ENOMEM : 0;
}

/* op byte, sourcedId, NUL; the op does not matter here: the row's
 * presence now says what it is. */
static int note_log_row(const PGresult *res, void *p)
{
	change_set *cs = p;
	int64_t at = cw_pg__get_int(res, 0, 0);
	size_t len = 0;
	unsigned char *bytes = PQunescapeBytea(
	        (const unsigned char *)PQgetvalue(res, 0, 1), &len);
	const char *q = (const char *)bytes, *end = q + len;
	int err = 0;

	if (!bytes)
		return CW_ENOMEM;
	while (err == 0 && q + 1 < end) {
		const char *nul = memchr(q + 1, '\0', (size_t)(end - q - 1));

		if (!nul)
			break;
		err = note_change(cs, q + 1, (size_t)(nul - q - 1), at);
		q = nul + 1;
	}
	PQfreemem(bytes);
	return err;
}

/* The changed rows held now, as one text[] literal (sorted). */
static int id_array(const change_set *cs, cw_buf *out)
{
	cw_buf_putc(out, '{');
	for (size_t i = 0; i < cs->count; i++) {
		if (i)
			cw_buf_putc(out, ',');
		cw_pg__array_element(out, cs->list[i].ptr,
		                     strlen(cs->list[i].ptr));
	}
	return cw_buf_putc(out, '}');
}

typedef struct {
	const change_set *cs;
	size_t next; /* the first change not emitted */
	cw_roster_cb cb;
	void *payload;
	int entity;
} merge;

/* Changes before id are rows no longer held: deletions. */
static int emit_deleted_before(merge *m, const char *id)
{
	int err = 0;

	while (err == 0 && m->next < m->cs->count &&
	       (!id || strcmp(m->cs->list[m->next].ptr, id) < 0)) {
		const changed *c = &m->cs->list[m->next++];
		err = emit(m->cb, m->payload, m->entity, c->ptr, "tobedeleted",
		           c->at_ms, "{}");
	}
	return err;
}

static int merge_row(const PGresult *res, void *p)
{
	merge *m = p;
	const char *id = PQgetvalue(res, 0, 0);
	int err = emit_deleted_before(m, id);

	if (err == 0 && m->next < m->cs->count &&
	    strcmp(m->cs->list[m->next].ptr, id) == 0)
		m->next++;
	if (err == 0)
		err = emit(m->cb, m->payload, m->entity, id, "active",
		           cw_pg__get_int(res, 0, 1), PQgetvalue(res, 0, 2));
	return err;
}

static int list_since(pg_connection *c, const char *tenant, int entity,
                      int64_t since_ms, cw_roster_cb cb, void *payload)
{
	change_set cs = { NULL, CW_BUF_INIT((size_t)1 << 32), NULL, 0, 0 };
	cw_buf array = CW_BUF_INIT((size_t)1 << 32);
	char kind[CW_PG_INT_TEXT], since[CW_PG_INT_TEXT];
	const char *params[3] = { tenant, cw_pg__int(kind, entity),
		                  cw_pg__int(since, since_ms) };
	merge m = { &cs, 0, cb, payload, entity };
	int err = cw_strset_new(&cs.seen);

	if (err == 0)
		err = cw_pg__each(c, "reading the change log",
		                  "SELECT at_ms, changes FROM roster_log WHERE "
		                  "tenant_id = $1 AND entity = $2 AND at_ms > "
		                  "$3 ORDER BY first_seq",
		                  3, params, note_log_row, &cs);
	if (err == 0 && cs.count) {
		for (size_t i = 0; i < cs.count; i++)
			cs.list[i].ptr = cs.ids.data + cs.list[i].id;
		qsort(cs.list, cs.count, sizeof(*cs.list), by_id);
		err = id_array(&cs, &array);
		params[2] = array.data;
		/* Byte order on both sides (COLLATE "C", strcmp). */
		if (err == 0)
			err = cw_pg__each(
			        c, "reading changed rows",
			        "SELECT sourced_id, modified_ms, fields "
			        "FROM roster WHERE tenant_id = $1 AND "
			        "entity = $2 AND sourced_id = "
			        "ANY($3::text[]) ORDER BY sourced_id",
			        3, params, merge_row, &m);
		if (err == 0)
			err = emit_deleted_before(&m, NULL);
	}
	cw_strset_free(cs.seen);
	cw_buf_dispose(&cs.ids);
	cw_buf_dispose(&array);
	cw_free(cs.list);
	return err;
}

int cw_pg__roster_list(cw_store *store, int64_t tenant_id, int entity,
                       const char *since, cw_roster_cb cb, void *payload)
{
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	char tenant[CW_PG_INT_TEXT];
	int64_t since_ms = 0;
	int err;

	if (since && cw_time_parse_iso(since, &since_ms) < 0) {
		cw_error_set("not a date-time: \"%.40s\"", since);
		return CW_EINVAL;
	}
	cw_pg__int(tenant, tenant_id);
	if ((err = snapshot_begin(s, &c)) < 0)
		return err;
	err = since ? list_since(c, tenant, entity, since_ms, cb, payload)
	            : list_all(c, tenant, entity, cb, payload);
	snapshot_end(s, c);
	return err;
}

static int read_seq(pg_connection *c, const char *tenant, int64_t *seq)
{
	const char *params[1] = { tenant };
	PGresult *res = NULL;
	int err = cw_pg__query(c, "reading a log position", &res,
	                       "SELECT coalesce(max(first_seq + count), 0) "
	                       "FROM roster_log WHERE tenant_id = $1",
	                       1, params);

	if (err == 0)
		*seq = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	return err;
}

int cw_pg__roster_seq(cw_store *store, int64_t tenant_id, int64_t *seq)
{
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	char tenant[CW_PG_INT_TEXT];
	int err = cw_pg__acquire(s, &c);

	if (err == 0)
		err = read_seq(c, cw_pg__int(tenant, tenant_id), seq);
	cw_pg__release(s, c);
	return err;
}

int cw_pg__roster_snapshot(cw_store *store, int64_t tenant_id, int64_t *seq,
                           cw_roster_cb cb, void *payload)
{
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	char tenant[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(tenant, tenant_id) };
	row_emitter e = { cb, payload, -1 };
	int err = snapshot_begin(s, &c);

	if (err < 0)
		return err;
	if ((err = read_seq(c, tenant, seq)) == 0)
		err = cw_pg__each(c, "reading a roster snapshot",
		                  "SELECT entity, sourced_id, modified_ms, "
		                  "fields FROM roster WHERE tenant_id = $1 "
		                  "ORDER BY entity, sourced_id",
		                  1, params, emit_row, &e);
	snapshot_end(s, c);
	return err;
}

/* ---- the change feed ----------------------------------------------------- */

typedef struct {
	int64_t after_seq;
	size_t limit, taken;
	cw_roster_change_cb cb;
	void *payload;
} feed;

static int feed_row(const PGresult *res, void *p)
{
	feed *f = p;
	int64_t seq = cw_pg__get_int(res, 0, 0);
	int entity = (int)cw_pg__get_int(res, 0, 1);
	int64_t at_ms = cw_pg__get_int(res, 0, 2);
	size_t len = 0;
	unsigned char *bytes = PQunescapeBytea(
	        (const unsigned char *)PQgetvalue(res, 0, 3), &len);
	const char *q = (const char *)bytes, *end = q + len;
	int err = 0;

	if (!bytes)
		return CW_ENOMEM;
	for (; err == 0 && q + 1 < end && f->taken < f->limit; seq++) {
		const char *nul = memchr(q + 1, '\0', (size_t)(end - q - 1));

		if (!nul)
			break;
		if (seq > f->after_seq) {
			cw_roster_change_entry c = { seq, entity, *q, q + 1,
				                     at_ms };
			err = f->cb(&c, f->payload);
			f->taken++;
		}
		q = nul + 1;
	}
	PQfreemem(bytes);
	return err;
}

int cw_pg__roster_changes(cw_store *store, int64_t tenant_id, int64_t after_seq,
                          size_t limit, cw_roster_change_cb cb, void *payload)
{
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	char tenant[CW_PG_INT_TEXT], after[CW_PG_INT_TEXT],
	        rows[CW_PG_INT_TEXT];
	/* Each row read holds a change after after_seq: limit rows are
	 * enough. */
	const char *params[3] = { cw_pg__int(tenant, tenant_id),
		                  cw_pg__int(after, after_seq),
		                  cw_pg__int(rows, (int64_t)limit) };
	feed f = { after_seq, limit, 0, cb, payload };
	int err;

	if (limit == 0)
		return 0;
	if ((err = cw_pg__acquire(s, &c)) < 0)
		return err;
	err = cw_pg__each(c, "reading the change feed",
	                  "SELECT first_seq, entity, at_ms, changes FROM "
	                  "roster_log WHERE tenant_id = $1 AND first_seq + "
	                  "count - 1 > $2 ORDER BY first_seq LIMIT $3",
	                  3, params, feed_row, &f);
	cw_pg__release(s, c);
	return err;
}

/* ---- import records ------------------------------------------------------ */

/* Takes the import's liveness lock on a session of its own. */
static int hold(pg_store *s, int64_t import_id)
{
	char key[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(key,
		                             CW_PG_IMPORT_KEY(import_id)) };
	pg_import_hold *h = cw_calloc(1, sizeof(*h));
	int err = h ? cw_pg__acquire(s, &h->c) : CW_ENOMEM;

	if (err == 0)
		err = cw_pg__query(h->c, "holding an import", NULL,
		                   "SELECT pg_advisory_lock($1::bigint)", 1,
		                   params);
	if (err < 0) {
		if (h)
			cw_pg__release(s, h->c);
		cw_free(h);
		return err;
	}
	h->import_id = import_id;
	pthread_mutex_lock(&s->lock);
	h->next = s->holds;
	s->holds = h;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

void cw_pg__import_let_go(pg_store *s, int64_t import_id)
{
	pg_import_hold **at, *h = NULL;

	pthread_mutex_lock(&s->lock);
	for (at = &s->holds; *at; at = &(*at)->next)
		if ((*at)->import_id == import_id) {
			h = *at;
			*at = h->next;
			break;
		}
	pthread_mutex_unlock(&s->lock);
	if (!h)
		return;
	/* Unlocked, the session is like any other and goes back to the pool;
	 * if the unlock fails, closing the session lets the lock go. */
	if (cw_pg__exec(h->c, "SELECT pg_advisory_unlock_all()",
	                "letting an import go") == 0) {
		cw_pg__release(s, h->c);
	} else {
		PQfinish(h->c->conn);
		cw_free(h->c);
	}
	cw_free(h);
}

void cw_pg__import_holds_free(pg_store *s)
{
	while (s->holds) {
		pg_import_hold *h = s->holds;

		s->holds = h->next;
		PQfinish(h->c->conn); /* the lock goes with the session */
		cw_free(h->c);
		cw_free(h);
	}
}

int cw_pg__import_create(cw_store *store, int64_t tenant_id, const char *at,
                         const char *source, int64_t *id)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[3] = { cw_pg__int(tenant, tenant_id), at, source };
	PGresult *res = NULL;
	int64_t created = 0;
	int err = cw_pg__run((pg_store *)store, "recording an import", &res,
	                     "INSERT INTO roster_imports (tenant_id, "
	                     "created_at, state, source) VALUES ($1, $2, "
	                     "'running', $3) RETURNING id",
	                     3, params);

	if (err == 0)
		created = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	/* Without its lock, a node starting would take it for abandoned. */
	if (err == 0)
		err = hold((pg_store *)store, created);
	if (err == 0 && id)
		*id = created;
	return err;
}

int cw_pg__import_report(cw_store *store, int64_t import_id, const char *state,
                         const char *report)
{
	char id[CW_PG_INT_TEXT];
	const char *params[3] = { cw_pg__int(id, import_id), state, report };
	int err = cw_pg__run((pg_store *)store, "saving an import report", NULL,
	                     "UPDATE roster_imports SET state = $2, report = "
	                     "$3 WHERE id = $1",
	                     3, params);

	if (err == 0 && strcmp(state, "running") != 0)
		cw_pg__import_let_go((pg_store *)store, import_id);
	return err;
}

int cw_pg__import_get(cw_store *store, int64_t import_id, cw_import_record *out)
{
	char id[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(id, import_id) };
	PGresult *res = NULL;
	int err =
	        cw_pg__run((pg_store *)store, "reading an import record", &res,
	                   "SELECT id, tenant_id, state, created_at, "
	                   "coalesce(source, ''), coalesce(report, '') FROM "
	                   "roster_imports WHERE id = $1",
	                   1, params);

	memset(out, 0, sizeof(*out));
	if (err < 0)
		return err;
	if (PQntuples(res) != 1) {
		err = CW_ENOTFOUND;
	} else {
		out->id = cw_pg__get_int(res, 0, 0);
		out->tenant_id = cw_pg__get_int(res, 0, 1);
		snprintf(out->state, sizeof(out->state), "%s",
		         PQgetvalue(res, 0, 2));
		snprintf(out->created_at, sizeof(out->created_at), "%s",
		         PQgetvalue(res, 0, 3));
		out->source = cw_strdup(PQgetvalue(res, 0, 4));
		out->report = cw_strdup(PQgetvalue(res, 0, 5));
		if (!out->source || !out->report) {
			cw_import_record_dispose(out);
			err = CW_ENOMEM;
		}
	}
	PQclear(res);
	return err;
}

int cw_pg__import_interrupted(cw_store *store, int *count)
{
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	PGresult *res = NULL;
	char base[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(base, CW_PG_IMPORT_KEY(0)) };
	int err = cw_pg__acquire(s, &c);

	if (err < 0)
		return err;
	/* Several nodes share the database: a running import whose lock
	 * this session can take has no live process (its session ended). */
	err = cw_pg__query(
	        c, "failing interrupted imports", &res,
	        "UPDATE roster_imports SET state = 'failed', report = "
	        "'{\"state\":\"failed\",\"reason\":\"interrupted: the "
	        "process stopped during the import; nothing was "
	        "applied\"}' WHERE id IN (SELECT id FROM roster_imports WHERE "
	        "state = 'running' AND id NOT IN (SELECT ref_id FROM jobs "
	        "WHERE kind = 'import' AND state IN ('queued', 'running')) "
	        "AND pg_try_advisory_lock($1::bigint + id))",
	        1, params);
	if (err == 0 && count)
		*count = (int)strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	if (err == 0)
		err = cw_pg__exec(c, "SELECT pg_advisory_unlock_all()",
		                  "failing interrupted imports");
	cw_pg__release(s, c);
	return err;
}

/* Pending imports end: older ones of a tenant (import_id set) or every one
 * created before a time; cb gets their sources once the change is made. */
int cw_pg__import_settle(cw_store *store, int64_t tenant_id, int64_t import_id,
                         const char *before, const char *state,
                         cw_import_source_cb cb, void *payload)
{
	char tenant[CW_PG_INT_TEXT], id[CW_PG_INT_TEXT];
	const char *params[4] = { cw_pg__int(tenant, tenant_id),
		                  cw_pg__int(id, import_id), before, state };
	PGresult *res = NULL;
	int err = cw_pg__run(
	        (pg_store *)store, "settling imports", &res,
	        "UPDATE roster_imports SET state = $4, report = "
	        "json_build_object('state', $4::text, 'reason', CASE $4::text "
	        "WHEN 'superseded' THEN 'import ' || $2::bigint || ' of the "
	        "tenant was applied after it: approving this one would undo "
	        "it' ELSE 'nobody approved it before ' || $3::text || '; its "
	        "upload is deleted' END)::text WHERE state = 'pending' AND "
	        "($2::bigint = 0 OR (tenant_id = $1 AND id < $2::bigint)) AND "
	        "($3::text IS NULL OR created_at < $3::text) "
	        "RETURNING coalesce(source, '')",
	        4, params);

	for (int i = 0; err == 0 && cb && i < PQntuples(res); i++)
		err = cb(PQgetvalue(res, i, 0), payload);
	PQclear(res);
	return err;
}
