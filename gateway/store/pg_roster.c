/* OneRoster imports on PostgreSQL. An import is one transaction holding the
 * roster advisory lock from its first row to its commit: rows stream into a
 * temporary table with COPY as they come, and the commit diffs them against
 * the tenant's rows in a few set-based statements, writes the change log in
 * chunks (as SQLite does) and applies — or rolls everything back. Readers
 * and other nodes see the data as it was until the commit. */
#include "store/pg_internal.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define LOG_CHUNK             (64 * 1024) /* bytes of changes per change-log row */
#define COPY_CHUNK            (256 * 1024) /* bytes of COPY text sent at a time */
#define MAX_DANGLING_REPORTED 100

typedef struct {
	cw_buf changes; /* op byte, sourcedId, NUL; … */
	uint32_t count;
} log_chunk;

typedef struct {
	cw_store_import base;
	pg_store *s;
	pg_connection *conn;   /* the writer, inside the transaction */
	pg_connection *reader; /* lookups: the tenant's rows before it */
	pthread_mutex_t reader_lock;
	int reader_lock_ready;
	char tenant[CW_PG_INT_TEXT];
	int64_t tenant_id, import_id, at_ms, next_seq, rows;
	int in_transaction, copying;
	int copy_target; /* while copying: COPY_STAGED or COPY_FRESH */
	int failed;      /* the first store error, kept */
	cw_buf copy;
	cw_roster_counts counts[CW_STORE_ROSTER_ENTITIES];
	uint64_t held_seen[CW_STORE_ROSTER_ENTITIES]; /* held rows brought */
	uint64_t staged[CW_STORE_ROSTER_ENTITIES]; /* rows put, not deleted */
	uint64_t doomed[CW_STORE_ROSTER_ENTITIES]; /* rows deleted */
	log_chunk log[CW_STORE_ROSTER_ENTITIES];
	/* The sourcedIds of rows copied straight into the roster (entities
	 * the tenant held none of), NUL-separated in the order put: their
	 * change log, written once the COPY is over. */
	cw_buf fresh_ids[CW_STORE_ROSTER_ENTITIES];
} pg_import;

/* Rows of entities the tenant holds go to the staging table for the diff;
 * rows of entities it held none of are new by definition and go straight
 * into the roster (one write, not two). */
#define COPY_STAGED 1
#define COPY_FRESH  2

static int query(pg_import *imp, const char *what, PGresult **out,
                 const char *sql, int n, const char *const *params)
{
	int err = cw_pg__query(imp->conn, what, out, sql, n, params);

	if (err < 0 && !imp->failed)
		imp->failed = err;
	return err;
}

/* ---- the change log ------------------------------------------------------ */

static int log_flush(pg_import *imp, int entity)
{
	log_chunk *c = &imp->log[entity];
	char seq[CW_PG_INT_TEXT], kind[CW_PG_INT_TEXT], at[CW_PG_INT_TEXT],
	        import[CW_PG_INT_TEXT], count[CW_PG_INT_TEXT];
	const char *params[7] = { cw_pg__int(seq, imp->next_seq),
		                  imp->tenant,
		                  cw_pg__int(kind, entity),
		                  cw_pg__int(at, imp->at_ms),
		                  imp->import_id
		                          ? cw_pg__int(import, imp->import_id)
		                          : NULL,
		                  cw_pg__int(count, c->count),
		                  c->changes.data };
	const int lengths[7] = { 0, 0, 0, 0, 0, 0, (int)c->changes.len };
	const int formats[7] = { 0, 0, 0, 0, 0, 0, 1 }; /* changes: bytes */
	PGresult *res;
	ExecStatusType status;

	if (!c->count)
		return 0;
	res = PQexecParams(imp->conn->conn,
	                   "INSERT INTO roster_log (first_seq, tenant_id, "
	                   "entity, at_ms, import_id, count, changes) VALUES "
	                   "($1, $2, $3, $4, $5, $6, $7)",
	                   7, NULL, params, lengths, formats, 0);
	status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (status != PGRES_COMMAND_OK) {
		imp->failed = cw_pg__fail(imp->conn->conn, res,
		                          "writing the change log");
		PQclear(res);
		return imp->failed;
	}
	PQclear(res);
	imp->next_seq += c->count;
	c->count = 0;
	cw_buf_clear(&c->changes);
	return 0;
}

static int log_change(pg_import *imp, int entity, char op,
                      const char *sourced_id)
{
	log_chunk *c = &imp->log[entity];

	cw_buf_putc(&c->changes, op);
	cw_buf_puts(&c->changes, sourced_id);
	if (cw_buf_put(&c->changes, "", 1) < 0)
		return imp->failed = CW_ENOMEM;
	c->count++;
	return c->changes.len >= LOG_CHUNK ? log_flush(imp, entity) : 0;
}

/* ---- begin --------------------------------------------------------------- */

static int read_current(pg_import *imp)
{
	const char *params[1] = { imp->tenant };
	PGresult *res = NULL;
	int err = query(imp, "counting rows", &res,
	                "SELECT entity, count(*) FROM roster WHERE "
	                "tenant_id = $1 GROUP BY entity",
	                1, params);

	if (err < 0)
		return err;
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t e = cw_pg__get_int(res, i, 0);

		if (e >= 0 && e < CW_STORE_ROSTER_ENTITIES)
			imp->counts[e].current =
			        (uint64_t)cw_pg__get_int(res, i, 1);
	}
	PQclear(res);
	/* Sequence numbers are global, as on SQLite: the roster lock makes
	 * this the next one. */
	if ((err = query(imp, "reading the change log", &res,
	                 "SELECT coalesce(max(first_seq + count), 1) FROM "
	                 "(SELECT first_seq, count FROM roster_log ORDER BY "
	                 "first_seq DESC LIMIT 1) last",
	                 0, NULL)) < 0)
		return err;
	imp->next_seq = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	return 0;
}

static int open_transaction(pg_import *imp)
{
	char key[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(key, CW_PG_LOCK_ROSTER) };
	int err;

	if ((err = cw_pg__exec(imp->conn, "BEGIN", "starting an import")) < 0)
		return err;
	imp->in_transaction = 1;
	/* Another import may hold the lock for minutes: an import queues up;
	 * an API write (no import record) does not hang its request. */
	if ((err = cw_pg__exec(
	             imp->conn,
	             imp->import_id
	                     ? "SET LOCAL lock_timeout = "
	                       "'" CW_PG_IMPORT_LOCK_WAIT "'"
	                     : "SET LOCAL lock_timeout = '" CW_PG_LOCK_WAIT "'",
	             "starting an import")) < 0 ||
	    (err = query(imp, "waiting for another import", NULL,
	                 "SELECT pg_advisory_xact_lock($1::bigint)", 1,
	                 params)) < 0)
		return err;
	if ((err = read_current(imp)) < 0)
		return err;
	if ((err = cw_pg__exec(
	             imp->conn,
	             "CREATE TEMP TABLE import_rows (ord bigint NOT NULL, "
	             "entity integer NOT NULL, sourced_id text COLLATE \"C\" "
	             "NOT NULL, modified_ms bigint NOT NULL, fields text "
	             "COLLATE \"C\" NOT NULL, deleted boolean NOT NULL) ON "
	             "COMMIT DROP; "
	             "CREATE TEMP TABLE import_doomed (entity integer NOT "
	             "NULL, sourced_id text COLLATE \"C\" NOT NULL, PRIMARY "
	             "KEY (entity, sourced_id)) ON COMMIT DROP",
	             "starting an import")) < 0)
		return err;
	return 0;
}

int cw_pg__import_begin(cw_store *store, int64_t tenant_id, const char *at,
                        int64_t import_id, cw_store_import **out)
{
	pg_import *imp = cw_calloc(1, sizeof(*imp));
	int err;

	*out = NULL;
	if (!imp)
		return CW_ENOMEM;
	imp->base.store = store;
	imp->s = (pg_store *)store;
	imp->tenant_id = tenant_id;
	cw_pg__int(imp->tenant, tenant_id);
	imp->import_id = import_id;
	imp->copy = (cw_buf)CW_BUF_INIT(COPY_CHUNK * 64);
	if (!at || cw_time_parse_iso(at, &imp->at_ms) < 0)
		imp->at_ms = cw_time_now_ms();
	for (int e = 0; e < CW_STORE_ROSTER_ENTITIES; e++) {
		imp->log[e].changes = (cw_buf)CW_BUF_INIT(LOG_CHUNK * 2);
		imp->fresh_ids[e] = (cw_buf)CW_BUF_INIT((size_t)1 << 32);
	}
	imp->reader_lock_ready =
	        pthread_mutex_init(&imp->reader_lock, NULL) == 0;
	err = imp->reader_lock_ready ? 0 : CW_ENOMEM;
	if (err == 0)
		err = cw_pg__acquire(imp->s, &imp->conn);
	if (err == 0)
		err = cw_pg__acquire(imp->s, &imp->reader);
	if (err == 0)
		err = open_transaction(imp);
	if (err < 0) {
		cw_pg__import_end(&imp->base);
		return err;
	}
	*out = &imp->base;
	return 0;
}

/* ---- rows ---------------------------------------------------------------- */

static int copy_start(pg_import *imp, const char *sql)
{
	PGresult *res = PQexec(imp->conn->conn, sql);
	int err = 0;

	if (!res || PQresultStatus(res) != PGRES_COPY_IN)
		err = imp->failed =
		        cw_pg__fail(imp->conn->conn, res, "starting a COPY");
	PQclear(res);
	if (err == 0)
		imp->copying = 1;
	return err;
}

static int copy_send(pg_import *imp)
{
	if (imp->copy.error)
		return imp->failed = imp->copy.error;
	if (imp->copy.len && PQputCopyData(imp->conn->conn, imp->copy.data,
	                                   (int)imp->copy.len) != 1)
		return imp->failed = cw_pg__fail(imp->conn->conn, NULL,
		                                 "sending rows");
	cw_buf_clear(&imp->copy);
	return 0;
}

static int copy_end(pg_import *imp)
{
	PGresult *res;
	int err = copy_send(imp);

	if (!imp->copying)
		return err;
	imp->copying = 0;
	if (PQputCopyEnd(imp->conn->conn, err < 0 ? "failed" : NULL) != 1 &&
	    err == 0)
		err = cw_pg__fail(imp->conn->conn, NULL, "ending a COPY");
	while ((res = PQgetResult(imp->conn->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && err == 0)
			err = cw_pg__fail(imp->conn->conn, res, "storing rows");
		PQclear(res);
	}
	if (err < 0 && !imp->failed)
		imp->failed = err;
	return err;
}

static size_t fields_length(const cw_roster_record *r)
{
	return r->fields_len ? r->fields_len : strlen(r->fields);
}

int cw_pg__import_put(cw_store_import *import, const cw_roster_record *r)
{
	pg_import *imp = (pg_import *)import;
	int deleted, err;
	int64_t ms = imp->at_ms;
	char number[CW_PG_INT_TEXT];

	if (imp->failed)
		return imp->failed;
	if (r->entity < 0 || r->entity >= CW_STORE_ROSTER_ENTITIES) {
		cw_error_set("store: no entity type %d", r->entity);
		return CW_EINVAL;
	}
	deleted = strcmp(r->status, "tobedeleted") == 0;
	int fresh = imp->counts[r->entity].current == 0;
	/* The tenant held none of these: deleting one is a no-op. */
	if (deleted && fresh)
		return 0;
	int target = fresh ? COPY_FRESH : COPY_STAGED;
	if (imp->copying && imp->copy_target != target &&
	    (err = copy_end(imp)) < 0)
		return err;
	if (!imp->copying) {
		if ((err = copy_start(
		             imp, fresh ? "COPY roster (tenant_id, entity, "
		                          "sourced_id, modified_ms, fields) "
		                          "FROM STDIN"
		                        : "COPY import_rows FROM STDIN")) < 0)
			return err;
		imp->copy_target = target;
	}
	if (!deleted)
		imp->staged[r->entity]++;
	if (!deleted && *r->date_last_modified &&
	    cw_time_parse_iso(r->date_last_modified, &ms) < 0)
		ms = imp->at_ms;
	if (fresh) {
		imp->rows++;
		cw_buf_puts(&imp->copy, imp->tenant);
		cw_buf_putc(&imp->copy, '\t');
		cw_buf_puts(&imp->copy, cw_pg__int(number, r->entity));
		cw_buf_putc(&imp->copy, '\t');
		cw_pg__copy_field(&imp->copy, r->sourced_id,
		                  strlen(r->sourced_id));
		cw_buf_putc(&imp->copy, '\t');
		cw_buf_puts(&imp->copy, cw_pg__int(number, ms));
		cw_buf_putc(&imp->copy, '\t');
		cw_pg__copy_field(&imp->copy, r->fields, fields_length(r));
		cw_buf_putc(&imp->copy, '\n');
		if (cw_buf_put(&imp->fresh_ids[r->entity], r->sourced_id,
		               strlen(r->sourced_id) + 1) < 0)
			return imp->failed = CW_ENOMEM;
		return imp->copy.len >= COPY_CHUNK || imp->copy.error
		               ? copy_send(imp)
		               : 0;
	}
	cw_buf_puts(&imp->copy, cw_pg__int(number, imp->rows++));
	cw_buf_putc(&imp->copy, '\t');
	cw_buf_puts(&imp->copy, cw_pg__int(number, r->entity));
	cw_buf_putc(&imp->copy, '\t');
	cw_pg__copy_field(&imp->copy, r->sourced_id, strlen(r->sourced_id));
	cw_buf_putc(&imp->copy, '\t');
	cw_buf_puts(&imp->copy, cw_pg__int(number, deleted ? 0 : ms));
	cw_buf_putc(&imp->copy, '\t');
	if (!deleted)
		cw_pg__copy_field(&imp->copy, r->fields, fields_length(r));
	cw_buf_puts(&imp->copy, deleted ? "\tt\n" : "\tf\n");
	return imp->copy.len >= COPY_CHUNK || imp->copy.error ? copy_send(imp)
	                                                      : 0;
}

int cw_pg__import_lookup(cw_store_import *import, int entity,
                         const char *sourced_id, cw_buf *fields)
{
	pg_import *imp = (pg_import *)import;
	char kind[CW_PG_INT_TEXT];
	const char *params[3] = { imp->tenant, cw_pg__int(kind, entity),
		                  sourced_id };
	PGresult *res = NULL;
	int err;

	/* The reader sees what was committed: the rows before the import
	 * (no other import commits while this one holds the lock). */
	pthread_mutex_lock(&imp->reader_lock);
	err = cw_pg__prepared(imp->reader, PS_ROSTER_GET, "looking up a row",
	                      &res, 3, params);
	if (err == 0 && PQntuples(res) == 1) {
		err = 1;
		if (fields) {
			cw_buf_clear(fields);
			if (cw_buf_put(fields, PQgetvalue(res, 0, 1),
			               (size_t)PQgetlength(res, 0, 1)) < 0)
				err = CW_ENOMEM;
		}
	}
	PQclear(res);
	pthread_mutex_unlock(&imp->reader_lock);
	return err;
}

/* ---- commit -------------------------------------------------------------- */

/* The entities put whose rows the tenant held none of (fresh) or some of,
 * as an integer[] literal; "" when there are none. */
static void entity_list(const pg_import *imp, int fresh, cw_buf *out)
{
	for (int e = 0; e < CW_STORE_ROSTER_ENTITIES; e++) {
		if (!imp->staged[e] && (fresh || !imp->counts[e].current))
			continue;
		if ((imp->counts[e].current == 0) != fresh)
			continue;
		cw_buf_printf(out, "%s%d", out->len ? "," : "{", e);
	}
	if (out->len)
		cw_buf_putc(out, '}');
}

/* Logs the changes rows make, in the order they came. */
static int log_rows(pg_import *imp, const PGresult *res, int fresh)
{
	int err = 0;

	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		int e = (int)cw_pg__get_int(res, i, 0);
		const char *id = PQgetvalue(res, i, 1);
		char op = fresh ? 'a' : PQgetvalue(res, i, 2)[0];

		if (op == 'a') {
			imp->counts[e].added++;
		} else if (op == 'u') {
			imp->counts[e].updated++;
		} else {
			imp->counts[e].deleted++;
			imp->doomed[e]++;
		}
		err = log_change(imp, e, op, id);
	}
	return err;
}

/* What the rows of held entities do: only changes come back; the rest of
 * what was put is unchanged. */
static int classify_held(pg_import *imp, const char *held)
{
	const char *params[2] = { imp->tenant, held };
	PGresult *res = NULL;
	int err = query(
	        imp, "diffing the import", &res,
	        "SELECT entity, sourced_id, op FROM (SELECT s.ord, s.entity, "
	        "s.sourced_id, CASE WHEN s.deleted THEN (CASE WHEN "
	        "r.sourced_id IS NULL THEN '-' ELSE 'd' END) WHEN "
	        "r.sourced_id IS NULL THEN 'a' WHEN r.fields = s.fields THEN "
	        "'=' ELSE 'u' END AS op FROM import_rows s LEFT JOIN roster r "
	        "ON r.tenant_id = $1 AND r.entity = s.entity AND "
	        "r.sourced_id = s.sourced_id WHERE s.entity = "
	        "ANY($2::integer[])) c WHERE op IN ('a', 'u', 'd') ORDER BY "
	        "ord",
	        2, params);

	if (err == 0)
		err = log_rows(imp, res, 0);
	PQclear(res);
	for (int e = 0; e < CW_STORE_ROSTER_ENTITIES; e++) {
		if (!imp->counts[e].current)
			continue;
		imp->counts[e].unchanged = imp->staged[e] -
		                           imp->counts[e].added -
		                           imp->counts[e].updated;
		imp->held_seen[e] =
		        imp->counts[e].updated + imp->counts[e].unchanged;
	}
	return err;
}

static int any(const pg_import *imp, int what)
{
	for (int e = 0; e < CW_STORE_ROSTER_ENTITIES; e++)
		if ((what == 'a' && imp->counts[e].current &&
		     imp->counts[e].added) ||
		    (what == 'u' && imp->counts[e].updated) ||
		    (what == 'd' && imp->doomed[e]))
			return 1;
	return 0;
}

/* Rows of held entities go in: deletions noted and made, changes and
 * additions written, each by one statement, each only when needed. */
static int apply_held(pg_import *imp, const char *held)
{
	const char *params[2] = { imp->tenant, held };
	int err = 0;

	if (any(imp, 'd') &&
	    ((err = query(imp, "noting deletions", NULL,
	                  "INSERT INTO import_doomed SELECT s.entity, "
	                  "s.sourced_id FROM import_rows s JOIN roster r ON "
	                  "r.tenant_id = $1 AND r.entity = s.entity AND "
	                  "r.sourced_id = s.sourced_id WHERE s.deleted",
	                  1, params)) < 0 ||
	     (err = query(imp, "deleting rows", NULL,
	                  "DELETE FROM roster r USING import_rows s WHERE "
	                  "s.deleted AND r.tenant_id = $1 AND r.entity = "
	                  "s.entity AND r.sourced_id = s.sourced_id",
	                  1, params)) < 0))
		return err;
	if (any(imp, 'u') &&
	    (err = query(imp, "updating rows", NULL,
	                 "UPDATE roster r SET modified_ms = s.modified_ms, "
	                 "fields = s.fields FROM import_rows s WHERE NOT "
	                 "s.deleted AND r.tenant_id = $1 AND r.entity = "
	                 "s.entity AND r.sourced_id = s.sourced_id AND "
	                 "r.fields <> s.fields",
	                 1, params)) < 0)
		return err;
	if (any(imp, 'a'))
		err = query(
		        imp, "adding rows", NULL,
		        "INSERT INTO roster (tenant_id, entity, sourced_id, "
		        "modified_ms, fields) SELECT $1, s.entity, "
		        "s.sourced_id, s.modified_ms, s.fields FROM "
		        "import_rows s WHERE NOT s.deleted AND s.entity = "
		        "ANY($2::integer[]) AND NOT EXISTS (SELECT 1 FROM "
		        "roster r WHERE r.tenant_id = $1 AND r.entity = "
		        "s.entity AND r.sourced_id = s.sourced_id)",
		        2, params);
	return err;
}

/* Entities the tenant held none of: every row is new (no diff, no
 * deletions were staged). */
/* The change log of the rows copied straight into the roster. */
static int log_fresh(pg_import *imp)
{
	int err = 0;

	for (int e = 0; err == 0 && e < CW_STORE_ROSTER_ENTITIES; e++) {
		const cw_buf *ids = &imp->fresh_ids[e];
		for (size_t at = 0; err == 0 && at < ids->len;) {
			const char *id = ids->data + at;
			imp->counts[e].added++;
			err = log_change(imp, e, 'a', id);
			at += strlen(id) + 1;
		}
	}
	return err;
}

/* A bulk entity: the rows held that the set did not bring go. */
static int drop_unseen(pg_import *imp, int e, const cw_import_policy *policy)
{
	char kind[CW_PG_INT_TEXT];
	const char *params[2] = { imp->tenant, cw_pg__int(kind, e) };
	uint64_t before = imp->doomed[e];
	PGresult *res = NULL;
	int err = query(imp, "reading rows", &res,
	                "SELECT r.sourced_id FROM roster r WHERE r.tenant_id "
	                "= $1 AND r.entity = $2 AND NOT EXISTS (SELECT 1 "
	                "FROM import_rows s WHERE s.entity = $2 AND "
	                "s.sourced_id = r.sourced_id) ORDER BY r.sourced_id",
	                2, params);

	if (err == 0 && PQntuples(res) > 0)
		err = copy_start(imp, "COPY import_doomed FROM STDIN");
	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		const char *id = PQgetvalue(res, i, 0);

		if (policy->seen && policy->seen(e, id, policy->payload))
			continue;
		imp->doomed[e]++;
		cw_buf_puts(&imp->copy, kind);
		cw_buf_putc(&imp->copy, '\t');
		cw_pg__copy_field(&imp->copy, id, strlen(id));
		cw_buf_putc(&imp->copy, '\n');
		if (imp->copy.len >= COPY_CHUNK)
			err = copy_send(imp);
		if (err == 0)
			err = log_change(imp, e, 'd', id);
	}
	PQclear(res);
	if (imp->copying) {
		int ended = copy_end(imp);
		if (err == 0)
			err = ended;
	}
	if (err < 0 || imp->doomed[e] == before)
		return err;
	imp->counts[e].deleted += imp->doomed[e] - before;
	return query(imp, "deleting rows", NULL,
	             "DELETE FROM roster r USING import_doomed d WHERE "
	             "r.tenant_id = $1 AND r.entity = $2 AND d.entity = $2 "
	             "AND r.sourced_id = d.sourced_id",
	             2, params);
}

/* Kept rows of entity $2 whose field at position $3 names a deleted row of
 * $4. The list form reads the field as a JSON array. */
static const char dangling_sql[] =
        "SELECT r.sourced_id, d.sourced_id FROM roster r JOIN import_doomed "
        "d ON d.entity = $4 AND d.sourced_id = ((r.fields::jsonb ->> "
        "$3::int) COLLATE \"C\") WHERE r.tenant_id = $1 AND r.entity = $2 "
        "LIMIT $5";

static const char dangling_list_sql[] =
        "SELECT r.sourced_id, d.sourced_id FROM roster r CROSS JOIN "
        "LATERAL jsonb_array_elements_text(CASE WHEN "
        "jsonb_typeof(r.fields::jsonb -> $3::int) = 'array' THEN "
        "r.fields::jsonb -> $3::int ELSE '[]'::jsonb END) j(value) JOIN "
        "import_doomed d ON d.entity = $4 AND d.sourced_id = (j.value "
        "COLLATE \"C\") WHERE r.tenant_id = $1 AND r.entity = $2 LIMIT $5";

static int check_ref(pg_import *imp, const cw_roster_ref *ref,
                     const cw_import_policy *policy, int *found)
{
	char entity[CW_PG_INT_TEXT], position[CW_PG_INT_TEXT],
	        target[CW_PG_INT_TEXT], limit[CW_PG_INT_TEXT];
	const char *params[5] = { imp->tenant, cw_pg__int(entity, ref->entity),
		                  cw_pg__int(position, ref->position),
		                  cw_pg__int(target, ref->target),
		                  cw_pg__int(limit,
		                             MAX_DANGLING_REPORTED - *found) };
	PGresult *res = NULL;
	int err = query(imp, "checking references", &res,
	                ref->is_list ? dangling_list_sql : dangling_sql, 5,
	                params);

	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		(*found)++;
		if (policy->dangling)
			policy->dangling(ref, PQgetvalue(res, i, 0),
			                 PQgetvalue(res, i, 1),
			                 policy->payload);
	}
	PQclear(res);
	return err;
}

/* CW_EINVAL when a kept row would point at a deleted one. */
static int check_dangling(pg_import *imp, const cw_import_policy *policy)
{
	int err = 0, found = 0;

	for (size_t i = 0;
	     err == 0 && i < policy->ref_count && found < MAX_DANGLING_REPORTED;
	     i++) {
		const cw_roster_ref *ref = &policy->refs[i];

		if (ref->target >= 0 &&
		    ref->target < CW_STORE_ROSTER_ENTITIES &&
		    imp->doomed[ref->target])
			err = check_ref(imp, ref, policy, &found);
	}
	if (err == 0 && found) {
		cw_error_set(
		        "the import would leave %d%s references to deleted "
		        "rows",
		        found, found >= MAX_DANGLING_REPORTED ? "+" : "");
		err = CW_EINVAL;
	}
	return err;
}

static int set_outcome(pg_import *imp, const char *state, const char *report)
{
	char id[CW_PG_INT_TEXT];
	const char *params[3] = { cw_pg__int(id, imp->import_id), state,
		                  report };

	return cw_pg__query(imp->conn, "recording an import", NULL,
	                    "UPDATE roster_imports SET state = $2, report = $3 "
	                    "WHERE id = $1",
	                    3, params);
}

static int any_change(const cw_roster_counts *counts)
{
	for (int e = 0; e < CW_STORE_ROSTER_ENTITIES; e++)
		if (counts[e].added || counts[e].updated || counts[e].deleted)
			return 1;
	return 0;
}

/* The diff, the writes and the bulk replacements, before the decision. */
static int stage(pg_import *imp, uint32_t bulk, const cw_import_policy *policy)
{
	cw_buf held = CW_BUF_INIT(512);
	int err = copy_end(imp);

	entity_list(imp, 0, &held);
	if (err == 0)
		err = log_fresh(imp);
	/* The planner needs the staged rows' statistics for the joins. */
	if (err == 0 && held.len &&
	    (err = cw_pg__exec(imp->conn, "ANALYZE import_rows",
	                       "analyzing an import")) == 0 &&
	    (err = classify_held(imp, held.data)) == 0)
		err = apply_held(imp, held.data);
	for (int e = 0; err == 0 && e < CW_STORE_ROSTER_ENTITIES; e++)
		if (((bulk >> e) & 1) &&
		    imp->counts[e].current > imp->held_seen[e])
			err = drop_unseen(imp, e, policy);
	cw_buf_dispose(&held);
	return err;
}

int cw_pg__import_commit(cw_store_import *import, uint32_t bulk,
                         const cw_import_policy *policy,
                         cw_roster_counts *counts, int *applied)
{
	pg_import *imp = (pg_import *)import;
	const char *state = "pending";
	int err = imp->failed, deletions = 0;
	char *report;

	*applied = 0;
	if (err == 0)
		err = stage(imp, bulk, policy);
	if (err < 0)
		return err;
	memcpy(counts, imp->counts, sizeof(imp->counts));
	for (int e = 0; e < CW_STORE_ROSTER_ENTITIES; e++)
		deletions |= imp->doomed[e] != 0;
	if (deletions && (err = check_dangling(imp, policy)) != 0)
		return err;
	if (policy->decide(counts, policy->payload)) {
		state = any_change(counts) ? "applied" : "unchanged";
		*applied = 1;
	}
	for (int e = 0; *applied && err == 0 && e < CW_STORE_ROSTER_ENTITIES;
	     e++)
		err = log_flush(imp, e);
	if (err < 0)
		return err;
	if (!*applied) {
		/* Held: none of it stays; the record says why. */
		if ((err = cw_pg__exec(imp->conn, "ROLLBACK",
		                       "holding an import")) < 0)
			return err;
		imp->in_transaction = 0;
	}
	report = policy->report ? policy->report(counts, state, policy->payload)
	                        : NULL;
	err = set_outcome(imp, state, report);
	cw_free(report);
	if (err == 0 && !imp->in_transaction)
		cw_pg__import_let_go(imp->s, imp->import_id);
	if (err == 0 && imp->in_transaction &&
	    (err = cw_pg__exec(imp->conn, "COMMIT", "committing an import")) ==
	            0) {
		imp->in_transaction = 0;
		/* Out of state running now: no longer a node's to fail. */
		cw_pg__import_let_go(imp->s, imp->import_id);
	}
	if (err < 0)
		*applied = 0;
	return err;
}

void cw_pg__import_end(cw_store_import *import)
{
	pg_import *imp = (pg_import *)import;

	if (!imp)
		return;
	if (imp->conn) {
		if (imp->copying) {
			PGresult *res;

			PQputCopyEnd(imp->conn->conn, "import abandoned");
			while ((res = PQgetResult(imp->conn->conn)) != NULL)
				PQclear(res);
		}
		if (imp->in_transaction)
			PQclear(PQexec(imp->conn->conn, "ROLLBACK"));
	}
	for (int e = 0; e < CW_STORE_ROSTER_ENTITIES; e++) {
		cw_buf_dispose(&imp->log[e].changes);
		cw_buf_dispose(&imp->fresh_ids[e]);
	}
	cw_buf_dispose(&imp->copy);
	cw_pg__release(imp->s, imp->reader);
	cw_pg__release(imp->s, imp->conn);
	if (imp->reader_lock_ready)
		pthread_mutex_destroy(&imp->reader_lock);
	cw_free(imp);
}
