/* OneRoster data on SQLite. An import stages rows in a TEMP table of its own
 * connection (no lock on the database), then takes the write lock once to
 * diff, apply and log, so readers never see half an import. */
#include "store/sqlite_internal.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	cw_store_import base;
	sqlite_store *s;
	connection *conn;
	int64_t tenant_id;
	sqlite3_stmt *stage;
	sqlite3_stmt *known;
	int in_transaction;
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

int cw_sqlite__import_begin(cw_store *store, int64_t tenant_id,
                            cw_store_import **out)
{
	sqlite_import *imp = cw_calloc(1, sizeof(*imp));
	int err;

	*out = NULL;
	if (!imp)
		return CW_ENOMEM;
	imp->base.store = store;
	imp->s = (sqlite_store *)store;
	imp->tenant_id = tenant_id;
	if ((err = cw_sqlite__acquire(imp->s, &imp->conn)) < 0) {
		cw_free(imp);
		return err;
	}
	err = exec(imp, "CREATE TEMP TABLE IF NOT EXISTS stage ("
	                "entity INTEGER NOT NULL, sourced_id TEXT NOT NULL, "
	                "status TEXT NOT NULL, date_last_modified TEXT NOT "
	                "NULL, fields TEXT NOT NULL, "
	                "PRIMARY KEY (entity, sourced_id)) WITHOUT ROWID;"
	                "DELETE FROM temp.stage; BEGIN");
	if (err == 0) {
		imp->in_transaction = 1;
		err = prepare(imp,
		              "INSERT OR REPLACE INTO temp.stage VALUES "
		              "(?1, ?2, ?3, ?4, ?5)",
		              &imp->stage);
	}
	if (err == 0)
		err = prepare(imp,
		              "SELECT 1 FROM main.roster WHERE tenant_id = ?1 "
		              "AND entity = ?2 AND sourced_id = ?3",
		              &imp->known);
	if (err < 0) {
		cw_store_import_end(&imp->base);
		return err;
	}
	*out = &imp->base;
	return 0;
}

int cw_sqlite__import_stage(cw_store_import *import, const cw_roster_record *r)
{
	sqlite_import *imp = (sqlite_import *)import;
	sqlite3_stmt *st = imp->stage;
	int rc;

	sqlite3_bind_int(st, 1, r->entity);
	sqlite3_bind_text(st, 2, r->sourced_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->date_last_modified, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->fields, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return cw_sqlite__fail(imp->conn->db, "staging a row");
	return 0;
}

int cw_sqlite__import_known(cw_store_import *import, int entity,
                            const char *sourced_id)
{
	sqlite_import *imp = (sqlite_import *)import;
	sqlite3_stmt *st = imp->known;
	int rc;

	sqlite3_bind_int64(st, 1, imp->tenant_id);
	sqlite3_bind_int(st, 2, entity);
	sqlite3_bind_text(st, 3, sourced_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return cw_sqlite__fail(imp->conn->db, "looking up a row");
}

/* The diff, per entity. ?1 tenant, ?2 bulk bit mask. */
static const char count_sql[] =
        "SELECT entity, sum(added), sum(updated), sum(deleted), sum(unchanged) "
        "FROM ("
        /* staged active rows: added, updated or unchanged */
        " SELECT s.entity AS entity, r.sourced_id IS NULL AS added,"
        "  (r.sourced_id IS NOT NULL AND r.fields <> s.fields) AS updated,"
        "  0 AS deleted,"
        "  (r.sourced_id IS NOT NULL AND r.fields = s.fields) AS unchanged"
        " FROM temp.stage s LEFT JOIN main.roster r ON r.tenant_id = ?1"
        "  AND r.entity = s.entity AND r.sourced_id = s.sourced_id"
        " WHERE s.status = 'active'"
        " UNION ALL"
        /* delta deletions of rows held */
        " SELECT s.entity, 0, 0, 1, 0 FROM temp.stage s JOIN main.roster r"
        "  ON r.tenant_id = ?1 AND r.entity = s.entity"
        "  AND r.sourced_id = s.sourced_id WHERE s.status = 'tobedeleted'"
        " UNION ALL"
        /* bulk: rows held that the file no longer has */
        " SELECT r.entity, 0, 0, 1, 0 FROM main.roster r"
        " WHERE r.tenant_id = ?1 AND ((?2 >> r.entity) & 1) = 1"
        "  AND NOT EXISTS (SELECT 1 FROM temp.stage s WHERE s.entity = "
        "  r.entity AND s.sourced_id = r.sourced_id)"
        ") GROUP BY entity";

static const char current_sql[] =
        "SELECT entity, count(*) FROM main.roster WHERE tenant_id = ?1 "
        "GROUP BY entity";

/* Change log first (it needs the rows as they were), then the rows.
 * ?1 tenant, ?2 bulk mask, ?3 time, ?4 import id. */
static const char *const apply_sql[] = {
	"INSERT INTO main.roster_changes (tenant_id, entity, sourced_id, op, "
	"at, import_id) "
	"SELECT ?1, s.entity, s.sourced_id, CASE WHEN r.sourced_id IS NULL "
	"THEN 'add' ELSE 'update' END, ?3, ?4 FROM temp.stage s "
	"LEFT JOIN main.roster r ON r.tenant_id = ?1 AND r.entity = s.entity "
	"AND r.sourced_id = s.sourced_id WHERE s.status = 'active' "
	"AND (r.sourced_id IS NULL OR r.fields <> s.fields)",

	"INSERT INTO main.roster_changes (tenant_id, entity, sourced_id, op, "
	"at, import_id) "
	"SELECT ?1, r.entity, r.sourced_id, 'delete', ?3, ?4 FROM main.roster "
	"r "
	"WHERE r.tenant_id = ?1 AND (EXISTS (SELECT 1 FROM temp.stage s WHERE "
	"s.entity = r.entity AND s.sourced_id = r.sourced_id AND s.status = "
	"'tobedeleted') OR (((?2 >> r.entity) & 1) = 1 AND NOT EXISTS (SELECT "
	"1 "
	"FROM temp.stage s WHERE s.entity = r.entity AND s.sourced_id = "
	"r.sourced_id)))",

	"DELETE FROM main.roster WHERE tenant_id = ?1 AND (EXISTS (SELECT 1 "
	"FROM temp.stage s WHERE s.entity = roster.entity AND s.sourced_id = "
	"roster.sourced_id AND s.status = 'tobedeleted') OR (((?2 >> entity) & "
	"1) = 1 AND NOT EXISTS (SELECT 1 FROM temp.stage s WHERE s.entity = "
	"roster.entity AND s.sourced_id = roster.sourced_id)))",

	"INSERT INTO main.roster (tenant_id, entity, sourced_id, status, "
	"date_last_modified, fields) "
	"SELECT ?1, entity, sourced_id, 'active', CASE WHEN "
	"date_last_modified = '' THEN ?3 ELSE date_last_modified END, fields "
	"FROM temp.stage WHERE status = 'active' AND true "
	"ON CONFLICT (tenant_id, entity, sourced_id) DO UPDATE SET "
	"fields = excluded.fields, date_last_modified = "
	"excluded.date_last_modified WHERE fields <> excluded.fields",
};

static int run_bound(sqlite_import *imp, const char *sql, uint32_t bulk,
                     const char *at, int64_t import_id)
{
	sqlite3_stmt *st = NULL;
	int err = prepare(imp, sql, &st), rc;

	if (err < 0)
		return err;
	sqlite3_bind_int64(st, 1, imp->tenant_id);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, bulk);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_text(st, 3, at, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 4)
		sqlite3_bind_int64(st, 4, import_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		err = cw_sqlite__fail(imp->conn->db, "applying an import");
	sqlite3_finalize(st);
	return err;
}

static int count(sqlite_import *imp, uint32_t bulk, cw_roster_counts *counts)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(counts, 0, CW_STORE_ROSTER_ENTITIES * sizeof(*counts));
	if ((err = prepare(imp, current_sql, &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, imp->tenant_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int e = sqlite3_column_int(st, 0);
		if (e >= 0 && e < CW_STORE_ROSTER_ENTITIES)
			counts[e].current =
			        (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return cw_sqlite__fail(imp->conn->db, "counting rows");
	if ((err = prepare(imp, count_sql, &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, imp->tenant_id);
	sqlite3_bind_int64(st, 2, bulk);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int e = sqlite3_column_int(st, 0);
		if (e < 0 || e >= CW_STORE_ROSTER_ENTITIES)
			continue;
		counts[e].added = (uint64_t)sqlite3_column_int64(st, 1);
		counts[e].updated = (uint64_t)sqlite3_column_int64(st, 2);
		counts[e].deleted = (uint64_t)sqlite3_column_int64(st, 3);
		counts[e].unchanged = (uint64_t)sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return cw_sqlite__fail(imp->conn->db, "diffing an import");
	return 0;
}

static int set_outcome(sqlite_import *imp, int64_t id, const char *state,
                       const char *report)
{
	sqlite3_stmt *st = NULL;
	int err = prepare(imp,
	                  "UPDATE main.roster_imports SET state = ?2, "
	                  "report = ?3 WHERE id = ?1",
	                  &st);

	if (err < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, report, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = cw_sqlite__fail(imp->conn->db, "recording an import");
	sqlite3_finalize(st);
	return err;
}

static int any_deletion(const cw_roster_counts *counts)
{
	for (int e = 0; e < CW_STORE_ROSTER_ENTITIES; e++)
		if (counts[e].deleted)
			return 1;
	return 0;
}

/* The rows this import deletes, in TEMP doomed. ?1 tenant, ?2 bulk mask. */
static const char doomed_sql[] =
        "INSERT INTO temp.doomed SELECT r.entity, r.sourced_id FROM "
        "main.roster r WHERE r.tenant_id = ?1 AND (EXISTS (SELECT 1 FROM "
        "temp.stage s WHERE s.entity = r.entity AND s.sourced_id = "
        "r.sourced_id AND s.status = 'tobedeleted') OR (((?2 >> r.entity) & 1) "
        "= 1 AND NOT EXISTS (SELECT 1 FROM temp.stage s WHERE s.entity = "
        "r.entity AND s.sourced_id = r.sourced_id)))";

/* Kept rows of entity ?2 whose column ?3 names a doomed row of ?4: rows the
 * set brings (active) and rows held that the set neither replaces nor
 * deletes. The list form reads the column as a JSON array. */
static const char dangling_sql[] =
        "SELECT k.sourced_id, d.sourced_id FROM ("
        " SELECT sourced_id, fields FROM temp.stage WHERE entity = ?2 AND "
        " status = 'active'"
        " UNION ALL SELECT r.sourced_id, r.fields FROM main.roster r"
        " WHERE r.tenant_id = ?1 AND r.entity = ?2 AND NOT EXISTS (SELECT 1"
        " FROM temp.stage s WHERE s.entity = r.entity AND s.sourced_id ="
        " r.sourced_id) AND NOT EXISTS (SELECT 1 FROM temp.doomed x WHERE"
        " x.entity = r.entity AND x.sourced_id = r.sourced_id)"
        ") k JOIN temp.doomed d ON d.entity = ?4 AND d.sourced_id = "
        "json_extract(k.fields, '$.' || ?3) LIMIT ?5";

static const char dangling_list_sql[] =
        "SELECT k.sourced_id, d.sourced_id FROM ("
        " SELECT sourced_id, fields FROM temp.stage WHERE entity = ?2 AND "
        " status = 'active'"
        " UNION ALL SELECT r.sourced_id, r.fields FROM main.roster r"
        " WHERE r.tenant_id = ?1 AND r.entity = ?2 AND NOT EXISTS (SELECT 1"
        " FROM temp.stage s WHERE s.entity = r.entity AND s.sourced_id ="
        " r.sourced_id) AND NOT EXISTS (SELECT 1 FROM temp.doomed x WHERE"
        " x.entity = r.entity AND x.sourced_id = r.sourced_id)"
        ") k, json_each(k.fields, '$.' || ?3) j JOIN temp.doomed d ON "
        "d.entity = ?4 AND d.sourced_id = j.value LIMIT ?5";

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
	sqlite3_bind_text(st, 3, ref->column, -1, SQLITE_STATIC);
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

/* Returns CW_EINVAL when a kept row would point at a deleted one. */
static int check_dangling(sqlite_import *imp, uint32_t bulk,
                          const cw_import_policy *policy)
{
	int err = exec(imp, "CREATE TEMP TABLE IF NOT EXISTS doomed (entity "
	                    "INTEGER NOT NULL, sourced_id TEXT NOT NULL, "
	                    "PRIMARY KEY (entity, sourced_id)) WITHOUT ROWID;"
	                    "DELETE FROM temp.doomed");
	int found = 0;

	if (err == 0)
		err = run_bound(imp, doomed_sql, bulk, "", 0);
	for (size_t i = 0;
	     err == 0 && i < policy->ref_count && found < MAX_DANGLING_REPORTED;
	     i++)
		err = check_ref(imp, &policy->refs[i], policy, &found);
	if (err == 0 && found) {
		cw_error_set(
		        "the import would leave %d%s references to deleted "
		        "rows",
		        found, found >= MAX_DANGLING_REPORTED ? "+" : "");
		err = CW_EINVAL;
	}
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
                             const char *at, int64_t import_id,
                             const cw_import_policy *policy,
                             cw_roster_counts *counts, int *applied)
{
	sqlite_import *imp = (sqlite_import *)import;
	const char *state;
	char *report;
	int err;

	*applied = 0;
	/* Staging is done; now the one write transaction. */
	if ((err = exec(imp, "COMMIT")) < 0)
		return err;
	imp->in_transaction = 0;
	if ((err = exec(imp, "BEGIN IMMEDIATE")) < 0)
		return err;
	imp->in_transaction = 1;
	if ((err = count(imp, bulk, counts)) < 0)
		return err;
	if (any_deletion(counts) &&
	    (err = check_dangling(imp, bulk, policy)) != 0)
		return err;
	if (!policy->decide(counts, policy->payload)) {
		state = "pending";
	} else {
		state = any_change(counts) ? "applied" : "unchanged";
		*applied = 1;
	}
	report = policy->report ? policy->report(counts, state, policy->payload)
	                        : NULL;
	err = set_outcome(imp, import_id, state, report);
	cw_free(report);
	if (err < 0)
		return err;
	/* Nothing changed (the usual nightly case): nothing to write. */
	for (size_t i = 0; *applied && any_change(counts) && err == 0 &&
	                   i < sizeof(apply_sql) / sizeof(apply_sql[0]);
	     i++)
		err = run_bound(imp, apply_sql[i], bulk, at, import_id);
	if (err == 0)
		err = exec(imp, "COMMIT");
	if (err == 0)
		imp->in_transaction = 0;
	else
		*applied = 0;
	return err;
}

void cw_sqlite__import_end(cw_store_import *import)
{
	sqlite_import *imp = (sqlite_import *)import;

	if (!imp)
		return;
	sqlite3_finalize(imp->stage);
	sqlite3_finalize(imp->known);
	if (imp->in_transaction)
		sqlite3_exec(imp->conn->db, "ROLLBACK", NULL, NULL, NULL);
	/* Keep the connection's TEMP table small for its next user. */
	sqlite3_exec(imp->conn->db, "DELETE FROM temp.stage", NULL, NULL, NULL);
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

static const char list_all_sql[] =
        "SELECT sourced_id, status, date_last_modified, fields FROM roster "
        "WHERE tenant_id = ?1 AND entity = ?2 ORDER BY sourced_id";

/* Rows changed after ?3; deleted ones come back without fields. */
static const char list_since_sql[] =
        "SELECT c.sourced_id, CASE WHEN r.sourced_id IS NULL THEN "
        "'tobedeleted' ELSE 'active' END, coalesce(r.date_last_modified, "
        "max(c.at)), coalesce(r.fields, '{}') FROM roster_changes c "
        "LEFT JOIN roster r ON r.tenant_id = c.tenant_id AND r.entity = "
        "c.entity AND r.sourced_id = c.sourced_id WHERE c.tenant_id = ?1 AND "
        "c.entity = ?2 AND c.at > ?3 GROUP BY c.sourced_id ORDER BY "
        "c.sourced_id";

int cw_sqlite__roster_list(cw_store *store, int64_t tenant_id, int entity,
                           const char *since, cw_roster_cb cb, void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	sqlite3_stmt *st = NULL;
	int err = cw_sqlite__acquire(s, &conn), rc = SQLITE_DONE;

	if (err < 0)
		return err;
	if (sqlite3_prepare_v2(conn->db, since ? list_since_sql : list_all_sql,
	                       -1, &st, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing a roster listing");
		goto out;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	sqlite3_bind_int(st, 2, entity);
	if (since)
		sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		cw_roster_record r;

		r.entity = entity;
		r.sourced_id = (const char *)sqlite3_column_text(st, 0);
		r.status = (const char *)sqlite3_column_text(st, 1);
		r.date_last_modified = (const char *)sqlite3_column_text(st, 2);
		r.fields = (const char *)sqlite3_column_text(st, 3);
		err = cb(&r, payload);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "listing roster rows");
out:
	sqlite3_finalize(st);
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
	                "applied\"}' WHERE state = 'running'",
	                bind_nothing, NULL, NULL, NULL, count, NULL);
}
