/* OneRoster data on SQLite. An import is one write transaction from its
 * first row to its commit: each row is diffed against the tenant's as it
 * comes (a point lookup, or none while the tenant holds no row of its type)
 * and written, and its change noted in memory; the change log goes in in
 * chunks at the end. Readers (WAL) see the data as it was until the commit;
 * a rejected or held import rolls back and leaves nothing. */
#include "store/sqlite_internal.h"

#include "roster/fields.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strset.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_CHUNK (64 * 1024) /* bytes of changes per change-log row */
/* An import waits this long for another one to finish. */
#define IMPORT_LOCK_WAIT_MS (30 * 60 * 1000)

typedef struct {
	cw_buf changes; /* op byte, sourcedId, NUL; … */
	uint32_t count;
} log_chunk;

enum import_statement {
	IS_GET,
	IS_INSERT,
	IS_UPDATE,
	IS_REMOVE,
	IS_DOOM,
	IS_LOG,
	IS_COUNT
};

static const char *const import_sql[IS_COUNT] = {
	[IS_GET] = "SELECT fields FROM main.roster WHERE tenant_id = ?1 AND "
	           "entity = ?2 AND sourced_id = ?3",
	[IS_INSERT] = "INSERT INTO main.roster (tenant_id, entity, sourced_id, "
	              "modified_ms, fields) VALUES (?1, ?2, ?3, ?4, ?5)",
	[IS_UPDATE] =
	        "UPDATE main.roster SET modified_ms = ?4, fields = ?5 "
	        "WHERE tenant_id = ?1 AND entity = ?2 AND sourced_id = ?3",
	[IS_REMOVE] = "DELETE FROM main.roster WHERE tenant_id = ?1 AND "
	              "entity = ?2 AND sourced_id = ?3",
	[IS_DOOM] = "INSERT OR IGNORE INTO temp.doomed VALUES (?2, ?3)",
	[IS_LOG] = "INSERT INTO main.roster_log (first_seq, tenant_id, entity, "
	           "at_ms, import_id, count, changes) VALUES (?1, ?2, ?3, ?4, "
	           "?5, ?6, ?7)",
};

typedef struct {
	cw_store_import base;
	sqlite_store *s;
	connection *conn;   /* the writer, inside the transaction */
	connection *reader; /* known(): the tenant's rows before the import */
	sqlite3_stmt *known;
	sqlite3_stmt *st[IS_COUNT];
	int64_t tenant_id, import_id, at_ms, next_seq;
	int in_transaction;
	int failed; /* the first store error, kept */
	cw_roster_counts counts[CW_STORE_ROSTER_ENTITIES];
	uint64_t held_seen[CW_STORE_ROSTER_ENTITIES]; /* held rows brought */
	uint64_t doomed[CW_STORE_ROSTER_ENTITIES];    /* rows deleted */
	log_chunk log[CW_STORE_ROSTER_ENTITIES];
} sqlite_import;

static int exec(sqlite_import *imp, const char *sql)
{
	if (sqlite3_exec(imp->conn->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return cw_sqlite__fail(imp->conn->db, "import");
	return 0;
}

static int prepare(sqlite_import *imp, const char *sql, sqlite3_stmt **out)
{
	if (sqlite3_prepare_v2(imp->conn->db, sql, -1, out, NULL) != SQLITE_OK)
		return cw_sqlite__fail(imp->conn->db, "preparing an import");
	return 0;
}

/* Binds ?1 tenant, ?2 entity, ?3 sourcedId. */
static sqlite3_stmt *keyed(sqlite_import *imp, int which, int entity,
                           const char *sourced_id)
{
	sqlite3_stmt *st = imp->st[which];

	sqlite3_bind_int64(st, 1, imp->tenant_id);
	sqlite3_bind_int(st, 2, entity);
	sqlite3_bind_text(st, 3, sourced_id, -1, SQLITE_STATIC);
	return st;
}

/* Steps a statement that returns no row; keeps the first failure. */
static int run(sqlite_import *imp, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	return imp->failed = cw_sqlite__fail(imp->conn->db, what);
}

/* ---- the change log ------------------------------------------------------ */

static int log_flush(sqlite_import *imp, int entity)
{
	log_chunk *c = &imp->log[entity];
	sqlite3_stmt *st = imp->st[IS_LOG];
	int err;

	if (!c->count)
		return 0;
	sqlite3_bind_int64(st, 1, imp->next_seq);
	sqlite3_bind_int64(st, 2, imp->tenant_id);
	sqlite3_bind_int(st, 3, entity);
	sqlite3_bind_int64(st, 4, imp->at_ms);
	if (imp->import_id)
		sqlite3_bind_int64(st, 5, imp->import_id);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, c->count);
	sqlite3_bind_blob(st, 7, c->changes.data, (int)c->changes.len,
	                  SQLITE_STATIC);
	if ((err = run(imp, st, "writing the change log")) < 0)
		return err;
	imp->next_seq += c->count;
	c->count = 0;
	cw_buf_clear(&c->changes);
	return 0;
}

static int log_change(sqlite_import *imp, int entity, char op,
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

static int read_current(sqlite_import *imp)
{
	sqlite3_stmt *st = NULL;
	int err = prepare(imp,
	                  "SELECT entity, count(*) FROM main.roster WHERE "
	                  "tenant_id = ?1 GROUP BY entity",
	                  &st),
	    rc;

	if (err < 0)
		return err;
	sqlite3_bind_int64(st, 1, imp->tenant_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int e = sqlite3_column_int(st, 0);

		if (e >= 0 && e < CW_STORE_ROSTER_ENTITIES)
			imp->counts[e].current =
			        (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return cw_sqlite__fail(imp->conn->db, "counting rows");
	if ((err = prepare(imp,
	                   "SELECT coalesce(max(first_seq + count), 1) FROM "
	                   "(SELECT first_seq, count FROM main.roster_log "
	                   "ORDER BY first_seq DESC LIMIT 1)",
	                   &st)) < 0)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		imp->next_seq = sqlite3_column_int64(st, 0);
	else
		err = cw_sqlite__fail(imp->conn->db, "reading the change log");
	sqlite3_finalize(st);
	return err;
}

static int open_transaction(sqlite_import *imp)
{
	int err = exec(imp, "CREATE TEMP TABLE IF NOT EXISTS doomed (entity "
	                    "INTEGER NOT NULL, sourced_id TEXT NOT NULL, "
	                    "PRIMARY KEY (entity, sourced_id)) WITHOUT ROWID;"
	                    "DELETE FROM temp.doomed");

	if (err < 0)
		return err;
	/* Another import may hold the write lock for minutes: an import
	 * queues up; an API write (no import record) does not hang its
	 * request that long. */
	if (imp->import_id)
		sqlite3_busy_timeout(imp->conn->db, IMPORT_LOCK_WAIT_MS);
	err = exec(imp, "BEGIN IMMEDIATE");
	sqlite3_busy_timeout(imp->conn->db, CW_SQLITE_BUSY_TIMEOUT_MS);
	if (err < 0)
		return err;
	imp->in_transaction = 1;
	if ((err = read_current(imp)) < 0)
		return err;
	for (int i = 0; err == 0 && i < IS_COUNT; i++)
		err = prepare(imp, import_sql[i], &imp->st[i]);
	if (err == 0 &&
	    sqlite3_prepare_v2(imp->reader->db,
	                       "SELECT fields FROM main.roster WHERE tenant_id "
	                       "= ?1 AND entity = ?2 AND sourced_id = ?3",
	                       -1, &imp->known, NULL) != SQLITE_OK)
		err = cw_sqlite__fail(imp->reader->db, "preparing a lookup");
	return err;
}

int cw_sqlite__import_begin(cw_store *store, int64_t tenant_id, const char *at,
                            int64_t import_id, cw_store_import **out)
{
	sqlite_import *imp = cw_calloc(1, sizeof(*imp));
	int err;

	*out = NULL;
	if (!imp)
		return CW_ENOMEM;
	imp->base.store = store;
	imp->s = (sqlite_store *)store;
	imp->tenant_id = tenant_id;
	imp->import_id = import_id;
	if (!at || cw_time_parse_iso(at, &imp->at_ms) < 0)
		imp->at_ms = cw_time_now_ms();
	for (int e = 0; e < CW_STORE_ROSTER_ENTITIES; e++)
		imp->log[e].changes = (cw_buf)CW_BUF_INIT(LOG_CHUNK * 2);
	err = cw_sqlite__acquire(imp->s, &imp->conn);
	if (err == 0)
		err = cw_sqlite__acquire(imp->s, &imp->reader);
	if (err == 0)
		err = open_transaction(imp);
	if (err < 0) {
		cw_sqlite__import_end(&imp->base);
		return err;
	}
	*out = &imp->base;
	return 0;
}

/* ---- rows ---------------------------------------------------------------- */

static size_t fields_length(const cw_roster_record *r)
{
	return r->fields_len ? r->fields_len : strlen(r->fields);
}

/* One statement per row: a statement that writes several rows would keep
 * a journal of every page it touches, to undo just itself. */
static int put_new(sqlite_import *imp, const cw_roster_record *r, int64_t ms)
{
	sqlite3_stmt *st = keyed(imp, IS_INSERT, r->entity, r->sourced_id);
	int err;

	sqlite3_bind_int64(st, 4, ms);
	sqlite3_bind_text(st, 5, r->fields, (int)fields_length(r),
	                  SQLITE_STATIC);
	if ((err = run(imp, st, "adding a row")) < 0)
		return err;
	imp->counts[r->entity].added++;
	return log_change(imp, r->entity, 'a', r->sourced_id);
}

static int put_deletion(sqlite_import *imp, const cw_roster_record *r)
{
	int e = r->entity, err;

	err = run(imp, keyed(imp, IS_REMOVE, e, r->sourced_id),
	          "deleting a row");
	if (err < 0 || sqlite3_changes(imp->conn->db) == 0)
		return err; /* not held: nothing to delete */
	imp->counts[e].deleted++;
	imp->doomed[e]++;
	if ((err = run(imp, keyed(imp, IS_DOOM, e, r->sourced_id),
	               "noting a deletion")) < 0)
		return err;
	return log_change(imp, e, 'd', r->sourced_id);
}

int cw_sqlite__import_put(cw_store_import *import, const cw_roster_record *r)
{
	sqlite_import *imp = (sqlite_import *)import;
	int e = r->entity, rc, same, err;
	int64_t ms = imp->at_ms;
	sqlite3_stmt *get;

	if (imp->failed)
		return imp->failed;
	if (e < 0 || e >= CW_STORE_ROSTER_ENTITIES) {
		cw_error_set("store: no entity type %d", e);
		return CW_EINVAL;
	}
	if (strcmp(r->status, "tobedeleted") == 0)
		return put_deletion(imp, r);
	if (*r->date_last_modified &&
	    cw_time_parse_iso(r->date_last_modified, &ms) < 0)
		ms = imp->at_ms;
	/* The tenant held none of these: no row can be there. */
	if (imp->counts[e].current == 0)
		return put_new(imp, r, ms);
	get = keyed(imp, IS_GET, e, r->sourced_id);
	rc = sqlite3_step(get);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(get);
		return put_new(imp, r, ms);
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(get);
		return imp->failed =
		               cw_sqlite__fail(imp->conn->db, "reading a row");
	}
	same = (size_t)sqlite3_column_bytes(get, 0) == fields_length(r) &&
	       memcmp(sqlite3_column_blob(get, 0), r->fields,
	              fields_length(r)) == 0;
	sqlite3_reset(get);
	imp->held_seen[e]++;
	if (same) {
		imp->counts[e].unchanged++;
		return 0;
	}
	get = keyed(imp, IS_UPDATE, e, r->sourced_id);
	sqlite3_bind_int64(get, 4, ms);
	sqlite3_bind_text(get, 5, r->fields, (int)fields_length(r),
	                  SQLITE_STATIC);
	if ((err = run(imp, get, "updating a row")) < 0)
		return err;
	imp->counts[e].updated++;
	return log_change(imp, e, 'u', r->sourced_id);
}

int cw_sqlite__import_lookup(cw_store_import *import, int entity,
                             const char *sourced_id, cw_buf *fields)
{
	sqlite_import *imp = (sqlite_import *)import;
	sqlite3_stmt *st = imp->known;
	int rc, err = 1;

	sqlite3_bind_int64(st, 1, imp->tenant_id);
	sqlite3_bind_int(st, 2, entity);
	sqlite3_bind_text(st, 3, sourced_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && fields) {
		cw_buf_clear(fields);
		if (cw_buf_put(fields, sqlite3_column_text(st, 0),
		               (size_t)sqlite3_column_bytes(st, 0)) < 0)
			err = CW_ENOMEM;
	} else if (rc == SQLITE_DONE) {
		err = 0;
	} else if (rc != SQLITE_ROW) {
		err = cw_sqlite__fail(imp->reader->db, "looking up a row");
	}
	sqlite3_reset(st);
	return err;
}

/* ---- commit -------------------------------------------------------------- */

/* A bulk entity: the rows held that the set did not bring go. */
static int drop_unseen(sqlite_import *imp, int e,
                       const cw_import_policy *policy)
{
	sqlite3_stmt *st = NULL;
	int err = prepare(imp,
	                  "SELECT sourced_id FROM main.roster WHERE "
	                  "tenant_id = ?1 AND entity = ?2",
	                  &st),
	    rc;
	uint64_t before = imp->doomed[e];

	if (err < 0)
		return err;
	sqlite3_bind_int64(st, 1, imp->tenant_id);
	sqlite3_bind_int(st, 2, e);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);

		if (policy->seen && policy->seen(e, id, policy->payload))
			continue;
		imp->doomed[e]++;
		err = run(imp, keyed(imp, IS_DOOM, e, id), "noting a deletion");
		if (err == 0)
			err = log_change(imp, e, 'd', id);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(imp->conn->db, "reading rows");
	sqlite3_finalize(st);
	if (err < 0 || imp->doomed[e] == before)
		return err;
	imp->counts[e].deleted += imp->doomed[e] - before;
	if ((err = prepare(imp,
	                   "DELETE FROM main.roster WHERE tenant_id = ?1 AND "
	                   "entity = ?2 AND sourced_id IN (SELECT sourced_id "
	                   "FROM temp.doomed WHERE entity = ?2)",
	                   &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, imp->tenant_id);
	sqlite3_bind_int(st, 2, e);
	err = run(imp, st, "deleting rows");
	sqlite3_finalize(st);
	return err;
}

/* Kept rows of entity ?2 whose field at position ?3 names a deleted row of
 * ?4. The list form reads the field as a JSON array. */
static const char dangling_sql[] =
        "SELECT r.sourced_id, d.sourced_id FROM main.roster r JOIN "
        "temp.doomed d ON d.entity = ?4 AND d.sourced_id = "
        "json_extract(r.fields, '$[' || ?3 || ']') WHERE r.tenant_id = ?1 "
        "AND "
        "r.entity = ?2 LIMIT ?5";

static const char dangling_list_sql[] =
        "SELECT r.sourced_id, d.sourced_id FROM main.roster r, "
        "json_each(r.fields, '$[' || ?3 || ']') j JOIN temp.doomed d ON "
        "d.entity = "
        "?4 AND d.sourced_id = j.value WHERE r.tenant_id = ?1 AND "
        "r.entity = ?2 LIMIT ?5";

#define MAX_DANGLING_REPORTED 100

static int check_ref(sqlite_import *imp, const cw_roster_ref *ref,
                     const cw_import_policy *policy, int *found)
{
	sqlite3_stmt *st = NULL;
	int err = prepare(imp, ref->is_list ? dangling_list_sql : dangling_sql,
	                  &st),
	    rc;

	if (err < 0)
		return err;
	sqlite3_bind_int64(st, 1, imp->tenant_id);
	sqlite3_bind_int(st, 2, ref->entity);
	sqlite3_bind_int(st, 3, ref->position);
	sqlite3_bind_int(st, 4, ref->target);
	sqlite3_bind_int(st, 5, MAX_DANGLING_REPORTED - *found);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(*found)++;
		if (policy->dangling)
			policy->dangling(
			        ref, (const char *)sqlite3_column_text(st, 0),
			        (const char *)sqlite3_column_text(st, 1),
			        policy->payload);
	}
	if (rc != SQLITE_DONE)
		err = cw_sqlite__fail(imp->conn->db, "checking references");
	sqlite3_finalize(st);
	return err;
}

/* CW_EINVAL when a kept row would point at a deleted one. */
static int check_dangling(sqlite_import *imp, const cw_import_policy *policy)
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

static int set_outcome(sqlite_import *imp, const char *state,
                       const char *report)
{
	sqlite3_stmt *st = NULL;
	int err = prepare(imp,
	                  "UPDATE main.roster_imports SET state = ?2, "
	                  "report = ?3 WHERE id = ?1",
	                  &st);

	if (err < 0)
		return err;
	sqlite3_bind_int64(st, 1, imp->import_id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, report, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = cw_sqlite__fail(imp->conn->db, "recording an import");
	sqlite3_finalize(st);
	return err;
}

static int any_change(const cw_roster_counts *counts)
{
	for (int e = 0; e < CW_STORE_ROSTER_ENTITIES; e++)
		if (counts[e].added || counts[e].updated || counts[e].deleted)
			return 1;
	return 0;
}

int cw_sqlite__import_commit(cw_store_import *import, uint32_t bulk,
                             const cw_import_policy *policy,
                             cw_roster_counts *counts, int *applied)
{
	sqlite_import *imp = (sqlite_import *)import;
	const char *state = "pending";
	int err = imp->failed, deletions = 0;
	char *report;

	*applied = 0;
	for (int e = 0; err == 0 && e < CW_STORE_ROSTER_ENTITIES; e++)
		if (((bulk >> e) & 1) &&
		    imp->counts[e].current > imp->held_seen[e])
			err = drop_unseen(imp, e, policy);
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
		if ((err = exec(imp, "ROLLBACK")) < 0)
			return err;
		imp->in_transaction = 0;
	}
	report = policy->report ? policy->report(counts, state, policy->payload)
	                        : NULL;
	err = set_outcome(imp, state, report);
	cw_free(report);
	if (err == 0 && imp->in_transaction && (err = exec(imp, "COMMIT")) == 0)
		imp->in_transaction = 0;
	if (err < 0)
		*applied = 0;
	return err;
}

void cw_sqlite__import_end(cw_store_import *import)
{
	sqlite_import *imp = (sqlite_import *)import;

	if (!imp)
		return;
	for (int i = 0; i < IS_COUNT; i++)
		sqlite3_finalize(imp->st[i]);
	sqlite3_finalize(imp->known);
	if (imp->conn) {
		if (imp->in_transaction)
			sqlite3_exec(imp->conn->db, "ROLLBACK", NULL, NULL,
			             NULL);
		/* Keep the connection's TEMP table small for its next user. */
		sqlite3_exec(imp->conn->db, "DELETE FROM temp.doomed", NULL,
		             NULL, NULL);
	}
	for (int e = 0; e < CW_STORE_ROSTER_ENTITIES; e++)
		cw_buf_dispose(&imp->log[e].changes);
	cw_sqlite__release(imp->s, imp->reader);
	cw_sqlite__release(imp->s, imp->conn);
	cw_free(imp);
}

int cw_sqlite__import_report(cw_store *store, int64_t import_id,
                             const char *state, const char *report)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn);

	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db,
	                       "UPDATE roster_imports SET state = ?2, report = "
	                       "?3 WHERE id = ?1",
	                       -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing an import report");
	} else {
		sqlite3_bind_int64(st, 1, import_id);
		sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, report, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			err = cw_sqlite__fail(conn->db,
			                      "saving an import report");
	}
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__compact_roster_fields(sqlite3 *db)
{
	sqlite3_stmt *read = NULL, *write = NULL;
	cw_buf stored = CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4);
	int err = 0, rc = SQLITE_DONE;

	if (sqlite3_prepare_v2(db,
	                       "SELECT tenant_id, entity, sourced_id, fields "
	                       "FROM roster WHERE fields LIKE '{%'",
	                       -1, &read, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	            db,
	            "UPDATE roster SET fields = ?4 WHERE tenant_id = "
	            "?1 AND entity = ?2 AND sourced_id = ?3",
	            -1, &write, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(db, "preparing the roster conversion");
		goto out;
	}
	while (err == 0 && (rc = sqlite3_step(read)) == SQLITE_ROW) {
		int entity = sqlite3_column_int(read, 1);

		if (entity < 0 || entity >= CW_OR_ENTITY_COUNT ||
		    cw_or_fields_compact(
		            &stored, entity,
		            (const char *)sqlite3_column_text(read, 3)) < 0) {
			cw_error_set(
			        "store: roster row %s %s has fields this "
			        "version cannot read",
			        cw_or_entity_name(entity),
			        (const char *)sqlite3_column_text(read, 2));
			err = CW_ESTORE;
			break;
		}
		sqlite3_bind_int64(write, 1, sqlite3_column_int64(read, 0));
		sqlite3_bind_int(write, 2, entity);
		sqlite3_bind_value(write, 3, sqlite3_column_value(read, 2));
		sqlite3_bind_text(write, 4, stored.data, (int)stored.len,
		                  SQLITE_STATIC);
		if (sqlite3_step(write) != SQLITE_DONE)
			err = cw_sqlite__fail(db, "converting a roster row");
		sqlite3_reset(write);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(db, "reading roster rows");
out:
	sqlite3_finalize(read);
	sqlite3_finalize(write);
	cw_buf_dispose(&stored);
	return err;
}

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

static int list_all(connection *conn, int64_t tenant_id, int entity,
                    cw_roster_cb cb, void *payload)
{
	sqlite3_stmt *st = NULL;
	int err = 0, rc = SQLITE_DONE;

	if (sqlite3_prepare_v2(conn->db,
	                       "SELECT sourced_id, modified_ms, fields FROM "
	                       "roster WHERE tenant_id = ?1 AND entity = ?2 "
	                       "ORDER BY sourced_id",
	                       -1, &st, NULL) != SQLITE_OK)
		return cw_sqlite__fail(conn->db, "preparing a roster listing");
	sqlite3_bind_int64(st, 1, tenant_id);
	sqlite3_bind_int(st, 2, entity);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = emit(cb, payload, entity,
		           (const char *)sqlite3_column_text(st, 0), "active",
		           sqlite3_column_int64(st, 1),
		           (const char *)sqlite3_column_text(st, 2));
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "listing roster rows");
	sqlite3_finalize(st);
	return err;
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

static int read_changes(connection *conn, int64_t tenant_id, int entity,
                        int64_t since_ms, change_set *cs)
{
	sqlite3_stmt *st = NULL;
	int err = 0, rc = SQLITE_DONE;

	if (sqlite3_prepare_v2(conn->db,
	                       "SELECT at_ms, changes FROM roster_log WHERE "
	                       "tenant_id = ?1 AND entity = ?2 AND at_ms > ?3 "
	                       "ORDER BY first_seq",
	                       -1, &st, NULL) != SQLITE_OK)
		return cw_sqlite__fail(conn->db, "preparing the change log");
	sqlite3_bind_int64(st, 1, tenant_id);
	sqlite3_bind_int(st, 2, entity);
	sqlite3_bind_int64(st, 3, since_ms);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t at = sqlite3_column_int64(st, 0);
		const char *p = sqlite3_column_blob(st, 1);
		const char *end = p + sqlite3_column_bytes(st, 1);

		/* op byte, sourcedId, NUL; the op does not matter here: the
		 * row's presence now says what it is. */
		while (err == 0 && p && p + 1 < end) {
			const char *nul =
			        memchr(p + 1, '\0', (size_t)(end - p - 1));

			if (!nul)
				break;
			err = note_change(cs, p + 1, (size_t)(nul - p - 1), at);
			p = nul + 1;
		}
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "reading the change log");
	sqlite3_finalize(st);
	return err;
}

static int list_since(connection *conn, int64_t tenant_id, int entity,
                      int64_t since_ms, cw_roster_cb cb, void *payload)
{
	change_set cs = { NULL, CW_BUF_INIT((size_t)1 << 32), NULL, 0, 0 };
	sqlite3_stmt *st = NULL;
	int err = cw_strset_new(&cs.seen), rc;

	if (err == 0)
		err = read_changes(conn, tenant_id, entity, since_ms, &cs);
	if (err == 0 && cs.count) {
		for (size_t i = 0; i < cs.count; i++)
			cs.list[i].ptr = cs.ids.data + cs.list[i].id;
		qsort(cs.list, cs.count, sizeof(*cs.list), by_id);
	}
	if (err == 0 &&
	    sqlite3_prepare_v2(conn->db,
	                       "SELECT modified_ms, fields FROM roster WHERE "
	                       "tenant_id = ?1 AND entity = ?2 AND sourced_id "
	                       "= ?3",
	                       -1, &st, NULL) != SQLITE_OK)
		err = cw_sqlite__fail(conn->db, "preparing a roster lookup");
	for (size_t i = 0; err == 0 && i < cs.count; i++) {
		const char *id = cs.list[i].ptr;

		sqlite3_bind_int64(st, 1, tenant_id);
		sqlite3_bind_int(st, 2, entity);
		sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			err = emit(cb, payload, entity, id, "active",
			           sqlite3_column_int64(st, 0),
			           (const char *)sqlite3_column_text(st, 1));
		else if (rc == SQLITE_DONE)
			err = emit(cb, payload, entity, id, "tobedeleted",
			           cs.list[i].at_ms, "{}");
		else
			err = cw_sqlite__fail(conn->db, "reading a row");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	cw_strset_free(cs.seen);
	cw_buf_dispose(&cs.ids);
	cw_free(cs.list);
	return err;
}

int cw_sqlite__roster_list(cw_store *store, int64_t tenant_id, int entity,
                           const char *since, cw_roster_cb cb, void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	int64_t since_ms = 0;
	int err;

	if (since && cw_time_parse_iso(since, &since_ms) < 0) {
		cw_error_set("not a date-time: \"%.40s\"", since);
		return CW_EINVAL;
	}
	if ((err = cw_sqlite__acquire(s, &conn)) < 0)
		return err;
	/* One snapshot for the log and the rows it names. */
	if (sqlite3_exec(conn->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "starting a read");
	} else {
		err = since ? list_since(conn, tenant_id, entity, since_ms, cb,
		                         payload)
		            : list_all(conn, tenant_id, entity, cb, payload);
		sqlite3_exec(conn->db, "COMMIT", NULL, NULL, NULL);
	}
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__roster_get(cw_store *store, int64_t tenant_id, int entity,
                          const char *sourced_id, cw_roster_cb cb,
                          void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc;

	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db,
	                       "SELECT modified_ms, fields FROM roster WHERE "
	                       "tenant_id = ?1 AND entity = ?2 AND sourced_id "
	                       "= ?3",
	                       -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing a roster lookup");
		goto out;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	sqlite3_bind_int(st, 2, entity);
	sqlite3_bind_text(st, 3, sourced_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		err = emit(cb, payload, entity, sourced_id, "active",
		           sqlite3_column_int64(st, 0),
		           (const char *)sqlite3_column_text(st, 1));
	else if (rc == SQLITE_DONE)
		err = CW_ENOTFOUND;
	else
		err = cw_sqlite__fail(conn->db, "reading a row");
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

static int read_seq(connection *conn, int64_t tenant_id, int64_t *seq)
{
	sqlite3_stmt *st = NULL;
	int err = 0;

	if (sqlite3_prepare_v2(
	            conn->db,
	            "SELECT coalesce(max(first_seq + count), 0) FROM "
	            "roster_log WHERE tenant_id = ?1",
	            -1, &st, NULL) != SQLITE_OK)
		return cw_sqlite__fail(conn->db, "preparing a log position");
	sqlite3_bind_int64(st, 1, tenant_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	else
		err = cw_sqlite__fail(conn->db, "reading a log position");
	sqlite3_finalize(st);
	return err;
}

int cw_sqlite__roster_seq(cw_store *store, int64_t tenant_id, int64_t *seq)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	int err = cw_sqlite__acquire(s, &conn);

	if (err == 0)
		err = read_seq(conn, tenant_id, seq);
	cw_sqlite__release(s, conn);
	return err;
}

int cw_sqlite__roster_snapshot(cw_store *store, int64_t tenant_id, int64_t *seq,
                               cw_roster_cb cb, void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc = SQLITE_DONE;

	if (err < 0)
		return err;
	if (sqlite3_exec(conn->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "starting a read");
		goto out;
	}
	if ((err = read_seq(conn, tenant_id, seq)) < 0)
		goto done;
	if (sqlite3_prepare_v2(conn->db,
	                       "SELECT entity, sourced_id, modified_ms, fields "
	                       "FROM roster WHERE tenant_id = ?1 ORDER BY "
	                       "entity, sourced_id",
	                       -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing a roster snapshot");
		goto done;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = emit(cb, payload, sqlite3_column_int(st, 0),
		           (const char *)sqlite3_column_text(st, 1), "active",
		           sqlite3_column_int64(st, 2),
		           (const char *)sqlite3_column_text(st, 3));
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "reading a roster snapshot");
	sqlite3_finalize(st);
done:
	sqlite3_exec(conn->db, "COMMIT", NULL, NULL, NULL);
out:
	cw_sqlite__release(s, conn);
	return err;
}

/* One-off statements outside an import, on a pooled connection. */
typedef int (*bind_fn)(sqlite3_stmt *st, const void *args);
typedef int (*row_fn)(sqlite3_stmt *st, void *out);

static int one_shot(sqlite_store *s, const char *sql, bind_fn bind,
                    const void *args, row_fn row, void *out, int *changes,
                    int64_t *rowid)
{
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc;

	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db, sql, -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing");
		goto out;
	}
	bind(st, args);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && row)
		err = row(st, out);
	else if (rc == SQLITE_DONE && row)
		err = CW_ENOTFOUND;
	else if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = cw_sqlite__fail(conn->db, "an import record");
	if (changes)
		*changes = sqlite3_changes(conn->db);
	if (rowid)
		*rowid = sqlite3_last_insert_rowid(conn->db);
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	return err;
}

typedef struct {
	int64_t tenant_id;
	const char *at, *source;
} create_args;

static int bind_create(sqlite3_stmt *st, const void *p)
{
	const create_args *a = p;

	sqlite3_bind_int64(st, 1, a->tenant_id);
	sqlite3_bind_text(st, 2, a->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->source, -1, SQLITE_STATIC);
	return 0;
}

int cw_sqlite__import_create(cw_store *store, int64_t tenant_id, const char *at,
                             const char *source, int64_t *id)
{
	create_args a = { tenant_id, at, source };

	return one_shot((sqlite_store *)store,
	                "INSERT INTO roster_imports (tenant_id, created_at, "
	                "state, source) VALUES (?1, ?2, 'running', ?3)",
	                bind_create, &a, NULL, NULL, NULL, id);
}

static int bind_id(sqlite3_stmt *st, const void *p)
{
	sqlite3_bind_int64(st, 1, *(const int64_t *)p);
	return 0;
}

static int read_record(sqlite3_stmt *st, void *p)
{
	cw_import_record *r = p;
	const unsigned char *source = sqlite3_column_text(st, 4);
	const unsigned char *report = sqlite3_column_text(st, 5);

	r->id = sqlite3_column_int64(st, 0);
	r->tenant_id = sqlite3_column_int64(st, 1);
	snprintf(r->state, sizeof(r->state), "%s",
	         (const char *)sqlite3_column_text(st, 2));
	snprintf(r->created_at, sizeof(r->created_at), "%s",
	         (const char *)sqlite3_column_text(st, 3));
	r->source = cw_strdup(source ? (const char *)source : "");
	r->report = cw_strdup(report ? (const char *)report : "");
	if (!r->source || !r->report) {
		cw_import_record_dispose(r);
		return CW_ENOMEM;
	}
	return 0;
}

int cw_sqlite__import_get(cw_store *store, int64_t import_id,
                          cw_import_record *out)
{
	memset(out, 0, sizeof(*out));
	return one_shot((sqlite_store *)store,
	                "SELECT id, tenant_id, state, created_at, source, "
	                "report FROM roster_imports WHERE id = ?1",
	                bind_id, &import_id, read_record, out, NULL, NULL);
}

static int bind_nothing(sqlite3_stmt *st, const void *p)
{
	(void)st;
	(void)p;
	return 0;
}

int cw_sqlite__import_interrupted(cw_store *store, int *count)
{
	return one_shot((sqlite_store *)store,
	                "UPDATE roster_imports SET state = 'failed', report = "
	                "'{\"state\":\"failed\",\"reason\":\"interrupted: the "
	                "process stopped during the import; nothing was "
	                "applied\"}' WHERE state = 'running' AND id NOT IN "
	                "(SELECT ref_id FROM jobs WHERE kind = 'import' AND "
	                "state IN ('queued', 'running'))",
	                bind_nothing, NULL, NULL, NULL, count, NULL);
}

/* Pending imports end: older ones of a tenant (import_id set) or every one
 * created before a time. RETURNING hands their sources to cb once the
 * change is made. */
int cw_sqlite__import_settle(cw_store *store, int64_t tenant_id,
                             int64_t import_id, const char *before,
                             const char *state, cw_import_source_cb cb,
                             void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	cw_buf sources = CW_BUF_INIT((size_t)1 << 24);
	int err = cw_sqlite__acquire(s, &conn), rc;

	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(
	            conn->db,
	            "UPDATE roster_imports SET state = ?4, report = "
	            "json_object("
	            "'state', ?4, 'reason', CASE ?4 WHEN 'superseded' THEN "
	            "'import ' || ?2 || ' of the tenant was applied after it: "
	            "approving this one would undo it' ELSE 'nobody approved "
	            "it before ' || ?3 || '; its upload is deleted' END) "
	            "WHERE state = 'pending' AND (?2 = 0 OR (tenant_id = ?1 "
	            "AND id < ?2)) AND (?3 IS NULL OR created_at < ?3) "
	            "RETURNING coalesce(source, '')",
	            -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing to settle imports");
		goto out;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	sqlite3_bind_int64(st, 2, import_id);
	if (before)
		sqlite3_bind_text(st, 3, before, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, state, -1, SQLITE_STATIC);
	/* Every row is changed before the callbacks run. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cw_buf_put(&sources, sqlite3_column_text(st, 0),
		               (size_t)sqlite3_column_bytes(st, 0) + 1) < 0)
			err = CW_ENOMEM;
	if (rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "settling imports");
	for (size_t at = 0; err == 0 && cb && at < sources.len;
	     at += strlen(sources.data + at) + 1)
		err = cb(sources.data + at, payload);
out:
	sqlite3_finalize(st);
	cw_sqlite__release(s, conn);
	cw_buf_dispose(&sources);
	return err;
}
