/* SQLite backend: a pool of connections (one per thread at a time), each with
 * its prepared statements kept for its lifetime. WAL lets readers run while a
 * writer commits. */
#include "store/sqlite.h"
#include "store/sqlite_internal.h"

#include "util/alloc.h"
#include "util/embed.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>

extern const cw_embedded_file cw_sqlite_migrations[];

#define CLIENT_COLUMNS                                                         \
	"c.client_id, c.tenant_id, t.name, c.scopes, c.secret_hash, "          \
	"c.created_at, coalesce(c.revoked_at, ''), "                           \
	"coalesce(c.secret_sealed, ''), t.created_at "                         \
	"FROM clients c JOIN tenants t ON t.id = c.tenant_id "

static const char *const statement_sql[ST_COUNT] = {
	[ST_PING] = "SELECT count(*) FROM schema_migrations",
	[ST_TENANT_ADD] =
	        "INSERT INTO tenants(name, created_at) VALUES (?1, ?2)",
	[ST_TENANT_GET] =
	        "SELECT id, name, created_at FROM tenants WHERE name = ?1",
	[ST_TENANT_LIST] =
	        "SELECT id, name, created_at FROM tenants ORDER BY name",
	[ST_CLIENT_ADD] =
	        "INSERT INTO clients(client_id, tenant_id, secret_hash, "
	        "scopes, created_at, secret_sealed) "
	        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_CLIENT_GET] = "SELECT " CLIENT_COLUMNS "WHERE c.client_id = ?1",
	[ST_CLIENT_LIST] =
	        "SELECT " CLIENT_COLUMNS "WHERE ?1 = 0 OR c.tenant_id = ?1 "
	        "ORDER BY t.name, c.created_at, c.client_id",
	[ST_CLIENT_REVOKE] = "UPDATE clients SET revoked_at = ?2 "
	                     "WHERE client_id = ?1 AND revoked_at IS NULL",
	[ST_TOKEN_ADD] = "INSERT INTO tokens(token_hash, client_id, tenant_id, "
	                 "scopes, issued_at_ms, expires_at_ms) "
	                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_TOKEN_LOOKUP] =
	        "SELECT k.client_id, k.tenant_id, t.name, k.scopes, "
	        "k.expires_at_ms, c.revoked_at IS NOT NULL, t.created_at "
	        "FROM tokens k JOIN clients c ON c.client_id = "
	        "k.client_id JOIN tenants t ON t.id = k.tenant_id "
	        "WHERE k.token_hash = ?1",
	[ST_TOKEN_PURGE] = "DELETE FROM tokens WHERE expires_at_ms < ?1",
	[ST_NONCE_ADD] = "INSERT INTO oauth1_nonces(client_id, nonce, "
	                 "timestamp_s, seen_at_ms) VALUES (?1, ?2, ?3, ?4)",
	[ST_NONCE_PURGE] = "DELETE FROM oauth1_nonces WHERE timestamp_s < ?1",
	[ST_AUDIT_APPEND] = "INSERT INTO audit_log(at, actor, tenant, action, "
	                    "target, outcome, detail) "
	                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_AUDIT_LIST] =
	        "SELECT seq, at, actor, tenant, action, target, "
	        "outcome, detail FROM audit_log WHERE seq > ?1 "
	        "AND (?2 IS NULL OR tenant = ?2) ORDER BY seq LIMIT ?3",
};

#define MAX_IDLE_CONNECTIONS 64

int cw_sqlite__fail(sqlite3 *db, const char *what)
{
	int code = sqlite3_extended_errcode(db);

	cw_error_set("store: %s: %s", what, sqlite3_errmsg(db));
	if ((code & 0xff) == SQLITE_CONSTRAINT)
		return CW_EEXISTS;
	/* Another connection held the write lock past the busy timeout (a
	 * long import): the caller may try again. */
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		return CW_EBUSY;
	return CW_ESTORE;
}

static void connection_close(connection *conn)
{
	if (!conn)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(conn->stmt[i]);
	sqlite3_close(conn->db);
	cw_free(conn);
}

static int connection_open(connection **out, const char *path)
{
	/* The page size takes effect when the database is created. */
	static const char setup[] = "PRAGMA page_size = 16384;"
	                            "PRAGMA journal_mode = WAL;"
	                            "PRAGMA synchronous = NORMAL;"
	                            "PRAGMA foreign_keys = ON;";
	connection *conn = cw_calloc(1, sizeof(*conn));
	int err = 0;

	*out = NULL;
	if (!conn)
		return CW_ENOMEM;
	if (sqlite3_open_v2(path, &conn->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                            SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		cw_error_set("store: cannot open %s: %s", path,
		             conn->db ? sqlite3_errmsg(conn->db) : "no memory");
		err = CW_ESTORE;
		goto out;
	}
	if (sqlite3_busy_timeout(conn->db, CW_SQLITE_BUSY_TIMEOUT_MS) !=
	            SQLITE_OK ||
	    sqlite3_exec(conn->db, setup, NULL, NULL, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "setting up the connection");
		goto out;
	}
	*out = conn;
	conn = NULL;
out:
	connection_close(conn);
	return err;
}

int cw_sqlite__acquire(sqlite_store *s, connection **out)
{
	connection *conn;

	pthread_mutex_lock(&s->lock);
	conn = s->idle;
	if (conn) {
		s->idle = conn->next;
		s->idle_count--;
	}
	pthread_mutex_unlock(&s->lock);
	if (conn) {
		*out = conn;
		return 0;
	}
	return connection_open(out, s->path);
}

void cw_sqlite__release(sqlite_store *s, connection *conn)
{
	if (!conn)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->idle_count < MAX_IDLE_CONNECTIONS) {
		conn->next = s->idle;
		s->idle = conn;
		s->idle_count++;
		conn = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	connection_close(conn);
}

/* Borrows a connection and the statement id, reset and ready to bind. */
static int begin(sqlite_store *s, enum statement id, connection **conn_out,
                 sqlite3_stmt **stmt_out)
{
	connection *conn = NULL;
	int err = cw_sqlite__acquire(s, &conn);

	if (err < 0)
		return err;
	if (!conn->stmt[id] &&
	    sqlite3_prepare_v3(conn->db, statement_sql[id], -1,
	                       SQLITE_PREPARE_PERSISTENT, &conn->stmt[id],
	                       NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing a statement");
		cw_sqlite__release(s, conn);
		return err;
	}
	*conn_out = conn;
	*stmt_out = conn->stmt[id];
	return 0;
}

static void finish(sqlite_store *s, connection *conn, sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	cw_sqlite__release(s, conn);
}

static int bind_text(sqlite3_stmt *stmt, int index, const char *value)
{
	if (!value)
		return sqlite3_bind_null(stmt, index);
	return sqlite3_bind_text(stmt, index, value, -1, SQLITE_STATIC);
}

static void copy_column(char *dst, size_t size, sqlite3_stmt *stmt, int col)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	snprintf(dst, size, "%s", text ? (const char *)text : "");
}

static char *dup_column(sqlite3_stmt *stmt, int col)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	return cw_strdup(text ? (const char *)text : "");
}

/* Runs a statement that returns no rows; *changes gets the rows touched. */
static int run_write(sqlite_store *s, connection *conn, sqlite3_stmt *stmt,
                     int *changes)
{
	int rc = sqlite3_step(stmt);
	int err = 0;

	if (rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "writing");
	else if (changes)
		*changes = sqlite3_changes(conn->db);
	finish(s, conn, stmt);
	return err;
}

/* ---- migrations ---------------------------------------------------------- */

static int migration_version(const char *name)
{
	return (int)strtol(name, NULL, 10);
}

/* What SQL cannot do in a migration, done in code after it. */
static int code_step(sqlite3 *db, int version)
{
	if (version == 3)
		return cw_sqlite__compact_roster_fields(db);
	return 0;
}

static int apply_migrations(connection *conn, int *applied)
{
	sqlite3_stmt *check = NULL, *record = NULL;
	char stamp[CW_TIME_ISO_LEN];
	int err = 0, newest = 0;

	*applied = 0;
	if (sqlite3_exec(conn->db,
	                 "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                 "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
	                 "applied_at TEXT NOT NULL)",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	            conn->db,
	            "SELECT 1 FROM schema_migrations WHERE version = ?1", -1,
	            &check, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	            conn->db,
	            "INSERT INTO schema_migrations VALUES (?1, ?2, ?3)", -1,
	            &record, NULL) != SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "preparing migrations");
		goto out;
	}
	cw_time_format_iso(cw_time_now_ms(), stamp);
	for (const cw_embedded_file *m = cw_sqlite_migrations; m->name; m++) {
		int version = migration_version(m->name);
		int rc;

		newest = version;
		sqlite3_reset(check);
		sqlite3_bind_int(check, 1, version);
		rc = sqlite3_step(check);
		if (rc == SQLITE_ROW)
			continue;
		/* In the caller's transaction, with its code step. */
		if (rc != SQLITE_DONE ||
		    sqlite3_exec(conn->db, (const char *)m->data, NULL, NULL,
		                 NULL) != SQLITE_OK) {
			err = cw_sqlite__fail(conn->db, m->name);
			goto out;
		}
		if ((err = code_step(conn->db, version)) < 0)
			goto out;
		sqlite3_reset(record);
		sqlite3_bind_int(record, 1, version);
		sqlite3_bind_text(record, 2, m->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(record, 3, stamp, -1, SQLITE_STATIC);
		if (sqlite3_step(record) != SQLITE_DONE) {
			err = cw_sqlite__fail(conn->db,
			                      "recording a migration");
			goto out;
		}
		(*applied)++;
	}
	sqlite3_finalize(check);
	check = NULL;
	if (sqlite3_prepare_v2(conn->db,
	                       "SELECT max(version) FROM schema_migrations", -1,
	                       &check, NULL) != SQLITE_OK ||
	    sqlite3_step(check) != SQLITE_ROW) {
		err = cw_sqlite__fail(conn->db, "reading the schema version");
		goto out;
	}
	if (sqlite3_column_int(check, 0) > newest) {
		cw_error_set(
		        "store: the database has schema version %d, newer "
		        "than this crosswalk knows (%d); upgrade crosswalk",
		        sqlite3_column_int(check, 0), newest);
		err = CW_ESTORE;
	}
out:
	sqlite3_finalize(check);
	sqlite3_finalize(record);
	return err;
}

static int sqlite_migrate(cw_store *store, int *applied)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = NULL;
	int err = cw_sqlite__acquire(s, &conn);

	if (err < 0)
		return err;
	/* IMMEDIATE takes the write lock first, so two processes starting at
	 * once apply each migration exactly once. */
	if (sqlite3_exec(conn->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		err = cw_sqlite__fail(conn->db, "starting the migration");
		goto out;
	}
	err = apply_migrations(conn, applied);
	if (err == 0 &&
	    sqlite3_exec(conn->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		err = cw_sqlite__fail(conn->db, "committing the migration");
	if (err < 0)
		sqlite3_exec(conn->db, "ROLLBACK", NULL, NULL, NULL);
out:
	cw_sqlite__release(s, conn);
	return err;
}

static int sqlite_ping(cw_store *store)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_PING, &conn, &stmt);

	if (err < 0)
		return err;
	if (sqlite3_step(stmt) != SQLITE_ROW)
		err = cw_sqlite__fail(conn->db, "ping");
	finish(s, conn, stmt);
	return err;
}

/* ---- tenants ------------------------------------------------------------- */

static void read_tenant(sqlite3_stmt *stmt, cw_tenant *out)
{
	out->id = sqlite3_column_int64(stmt, 0);
	copy_column(out->name, sizeof(out->name), stmt, 1);
	copy_column(out->created_at, sizeof(out->created_at), stmt, 2);
}

static int sqlite_tenant_get(cw_store *store, const char *name, cw_tenant *out)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_TENANT_GET, &conn, &stmt), rc;

	if (err < 0)
		return err;
	bind_text(stmt, 1, name);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		read_tenant(stmt, out);
	} else if (rc == SQLITE_DONE) {
		cw_error_set("no tenant named \"%s\"", name);
		err = CW_ENOTFOUND;
	} else {
		err = cw_sqlite__fail(conn->db, "reading a tenant");
	}
	finish(s, conn, stmt);
	return err;
}

static int sqlite_tenant_add(cw_store *store, const char *name, cw_tenant *out)
{
	sqlite_store *s = (sqlite_store *)store;
	char stamp[CW_TIME_ISO_LEN];
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_TENANT_ADD, &conn, &stmt);

	if (err < 0)
		return err;
	cw_time_format_iso(cw_time_now_ms(), stamp);
	bind_text(stmt, 1, name);
	bind_text(stmt, 2, stamp);
	err = run_write(s, conn, stmt, NULL);
	if (err == CW_EEXISTS)
		cw_error_set("a tenant named \"%s\" already exists", name);
	if (err == 0 && out)
		err = sqlite_tenant_get(store, name, out);
	return err;
}

static int sqlite_tenant_list(cw_store *store, cw_tenant_cb cb, void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_TENANT_LIST, &conn, &stmt), rc;
	cw_tenant tenant;

	if (err < 0)
		return err;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && err == 0) {
		read_tenant(stmt, &tenant);
		err = cb(&tenant, payload);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "listing tenants");
	finish(s, conn, stmt);
	return err;
}

/* ---- clients ------------------------------------------------------------- */

static int read_client(sqlite3_stmt *stmt, cw_client *out)
{
	memset(out, 0, sizeof(*out));
	copy_column(out->client_id, sizeof(out->client_id), stmt, 0);
	out->tenant_id = sqlite3_column_int64(stmt, 1);
	copy_column(out->tenant, sizeof(out->tenant), stmt, 2);
	out->scopes = dup_column(stmt, 3);
	out->secret_hash = dup_column(stmt, 4);
	copy_column(out->created_at, sizeof(out->created_at), stmt, 5);
	copy_column(out->revoked_at, sizeof(out->revoked_at), stmt, 6);
	out->secret_sealed = dup_column(stmt, 7);
	copy_column(out->tenant_created_at, sizeof(out->tenant_created_at),
	            stmt, 8);
	if (!out->scopes || !out->secret_hash || !out->secret_sealed) {
		cw_client_dispose(out);
		return CW_ENOMEM;
	}
	return 0;
}

static int sqlite_client_add(cw_store *store, const cw_client *client)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_CLIENT_ADD, &conn, &stmt);

	if (err < 0)
		return err;
	bind_text(stmt, 1, client->client_id);
	sqlite3_bind_int64(stmt, 2, client->tenant_id);
	bind_text(stmt, 3, client->secret_hash);
	bind_text(stmt, 4, client->scopes);
	bind_text(stmt, 5, client->created_at);
	bind_text(stmt, 6,
	          client->secret_sealed && *client->secret_sealed
	                  ? client->secret_sealed
	                  : NULL);
	return run_write(s, conn, stmt, NULL);
}

static int sqlite_client_get(cw_store *store, const char *client_id,
                             cw_client *out)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_CLIENT_GET, &conn, &stmt), rc;

	if (err < 0)
		return err;
	bind_text(stmt, 1, client_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		err = read_client(stmt, out);
	} else if (rc == SQLITE_DONE) {
		cw_error_set("no client with id \"%s\"", client_id);
		err = CW_ENOTFOUND;
	} else {
		err = cw_sqlite__fail(conn->db, "reading a client");
	}
	finish(s, conn, stmt);
	return err;
}

static int sqlite_client_list(cw_store *store, int64_t tenant_id,
                              cw_client_cb cb, void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_CLIENT_LIST, &conn, &stmt), rc;
	cw_client client;

	if (err < 0)
		return err;
	sqlite3_bind_int64(stmt, 1, tenant_id);
	while (err == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		err = read_client(stmt, &client);
		if (err == 0)
			err = cb(&client, payload);
		cw_client_dispose(&client);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "listing clients");
	finish(s, conn, stmt);
	return err;
}

static int sqlite_client_revoke(cw_store *store, const char *client_id,
                                const char *at)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_CLIENT_REVOKE, &conn, &stmt), changes = 0;

	if (err < 0)
		return err;
	bind_text(stmt, 1, client_id);
	bind_text(stmt, 2, at);
	err = run_write(s, conn, stmt, &changes);
	if (err == 0 && changes == 0) {
		cw_error_set("no active client with id \"%s\"", client_id);
		err = CW_ENOTFOUND;
	}
	return err;
}

/* ---- tokens -------------------------------------------------------------- */

static int sqlite_token_add(cw_store *store, const cw_token *token)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_TOKEN_ADD, &conn, &stmt);

	if (err < 0)
		return err;
	bind_text(stmt, 1, token->token_hash);
	bind_text(stmt, 2, token->client_id);
	sqlite3_bind_int64(stmt, 3, token->tenant_id);
	bind_text(stmt, 4, token->scopes);
	sqlite3_bind_int64(stmt, 5, token->issued_at_ms);
	sqlite3_bind_int64(stmt, 6, token->expires_at_ms);
	return run_write(s, conn, stmt, NULL);
}

static int sqlite_token_lookup(cw_store *store, const char *token_hash,
                               cw_token_info *out)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_TOKEN_LOOKUP, &conn, &stmt), rc;

	if (err < 0)
		return err;
	memset(out, 0, sizeof(*out));
	bind_text(stmt, 1, token_hash);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		copy_column(out->client_id, sizeof(out->client_id), stmt, 0);
		out->tenant_id = sqlite3_column_int64(stmt, 1);
		copy_column(out->tenant, sizeof(out->tenant), stmt, 2);
		out->scopes = dup_column(stmt, 3);
		out->expires_at_ms = sqlite3_column_int64(stmt, 4);
		out->client_revoked = sqlite3_column_int(stmt, 5);
		copy_column(out->tenant_created_at,
		            sizeof(out->tenant_created_at), stmt, 6);
		if (!out->scopes)
			err = CW_ENOMEM;
	} else if (rc == SQLITE_DONE) {
		cw_error_set("unknown token");
		err = CW_ENOTFOUND;
	} else {
		err = cw_sqlite__fail(conn->db, "reading a token");
	}
	finish(s, conn, stmt);
	return err;
}

static int sqlite_token_purge(cw_store *store, int64_t now_ms, int *purged)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_TOKEN_PURGE, &conn, &stmt);

	if (err < 0)
		return err;
	sqlite3_bind_int64(stmt, 1, now_ms);
	return run_write(s, conn, stmt, purged);
}

/* ---- OAuth 1.0a nonces --------------------------------------------------- */

static int sqlite_nonce_add(cw_store *store, const char *client_id,
                            const char *nonce, int64_t timestamp_s,
                            int64_t now_ms)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_NONCE_ADD, &conn, &stmt);

	if (err < 0)
		return err;
	bind_text(stmt, 1, client_id);
	bind_text(stmt, 2, nonce);
	sqlite3_bind_int64(stmt, 3, timestamp_s);
	sqlite3_bind_int64(stmt, 4, now_ms);
	err = run_write(s, conn, stmt, NULL);
	if (err == CW_EEXISTS)
		cw_error_set("oauth_nonce was used before by this client (a "
		             "replayed request?)");
	return err;
}

static int sqlite_nonce_purge(cw_store *store, int64_t before_s, int *purged)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_NONCE_PURGE, &conn, &stmt);

	if (err < 0)
		return err;
	sqlite3_bind_int64(stmt, 1, before_s);
	return run_write(s, conn, stmt, purged);
}

/* ---- audit log ----------------------------------------------------------- */

static int sqlite_audit_append(cw_store *store, const cw_audit_entry *entry)
{
	sqlite_store *s = (sqlite_store *)store;
	char stamp[CW_TIME_ISO_LEN];
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_AUDIT_APPEND, &conn, &stmt);

	if (err < 0)
		return err;
	cw_time_format_iso(cw_time_now_ms(), stamp);
	bind_text(stmt, 1, stamp);
	bind_text(stmt, 2, entry->actor);
	bind_text(stmt, 3, entry->tenant);
	bind_text(stmt, 4, entry->action);
	bind_text(stmt, 5, entry->target);
	bind_text(stmt, 6, entry->outcome);
	bind_text(stmt, 7, entry->detail);
	return run_write(s, conn, stmt, NULL);
}

static const char *text_or_null(sqlite3_stmt *stmt, int col)
{
	return (const char *)sqlite3_column_text(stmt, col);
}

static int sqlite_audit_list(cw_store *store, const char *tenant,
                             int64_t after_seq, int limit, cw_audit_cb cb,
                             void *payload)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn;
	sqlite3_stmt *stmt;
	int err = begin(s, ST_AUDIT_LIST, &conn, &stmt), rc;
	cw_audit_entry entry;

	if (err < 0)
		return err;
	sqlite3_bind_int64(stmt, 1, after_seq);
	bind_text(stmt, 2, tenant);
	sqlite3_bind_int(stmt, 3, limit);
	while (err == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		entry.seq = sqlite3_column_int64(stmt, 0);
		copy_column(entry.at, sizeof(entry.at), stmt, 1);
		entry.actor = text_or_null(stmt, 2);
		entry.tenant = text_or_null(stmt, 3);
		entry.action = text_or_null(stmt, 4);
		entry.target = text_or_null(stmt, 5);
		entry.outcome = text_or_null(stmt, 6);
		entry.detail = text_or_null(stmt, 7);
		err = cb(&entry, payload);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(conn->db, "listing the audit log");
	finish(s, conn, stmt);
	return err;
}

/* ---- lifetime ------------------------------------------------------------ */

static void sqlite_free(cw_store *store)
{
	sqlite_store *s = (sqlite_store *)store;
	connection *conn = s->idle;

	while (conn) {
		connection *next = conn->next;
		connection_close(conn);
		conn = next;
	}
	pthread_mutex_destroy(&s->lock);
	cw_free(s->path);
	cw_free(s);
}

static const cw_store_backend sqlite_backend = {
	.migrate = sqlite_migrate,
	.ping = sqlite_ping,
	.tenant_add = sqlite_tenant_add,
	.tenant_get = sqlite_tenant_get,
	.tenant_list = sqlite_tenant_list,
	.client_add = sqlite_client_add,
	.client_get = sqlite_client_get,
	.client_list = sqlite_client_list,
	.client_revoke = sqlite_client_revoke,
	.token_add = sqlite_token_add,
	.token_lookup = sqlite_token_lookup,
	.token_purge = sqlite_token_purge,
	.nonce_add = sqlite_nonce_add,
	.nonce_purge = sqlite_nonce_purge,
	.auth_fail_get = cw_sqlite__auth_fail_get,
	.auth_fail_count = cw_sqlite__auth_fail_count,
	.auth_fail_clear = cw_sqlite__auth_fail_clear,
	.auth_fail_purge = cw_sqlite__auth_fail_purge,
	.ob3_holder_add = cw_sqlite__ob3_holder_add,
	.ob3_holder_get = cw_sqlite__ob3_holder_get,
	.ob3_holder_list = cw_sqlite__ob3_holder_list,
	.ob3_profile_put = cw_sqlite__ob3_profile_put,
	.ob3_client_add = cw_sqlite__ob3_client_add,
	.ob3_client_get = cw_sqlite__ob3_client_get,
	.ob3_secret_add = cw_sqlite__ob3_secret_add,
	.ob3_secret_take = cw_sqlite__ob3_secret_take,
	.ob3_secret_get = cw_sqlite__ob3_secret_get,
	.ob3_grant_revoke = cw_sqlite__ob3_grant_revoke,
	.ob3_secret_purge = cw_sqlite__ob3_secret_purge,
	.ob3_credential_put = cw_sqlite__ob3_credential_put,
	.ob3_credential_list = cw_sqlite__ob3_credential_list,
	.audit_append = sqlite_audit_append,
	.audit_list = sqlite_audit_list,
	.import_begin = cw_sqlite__import_begin,
	.import_put = cw_sqlite__import_put,
	.import_lookup = cw_sqlite__import_lookup,
	.import_commit = cw_sqlite__import_commit,
	.import_end = cw_sqlite__import_end,
	.import_create = cw_sqlite__import_create,
	.import_report = cw_sqlite__import_report,
	.import_get = cw_sqlite__import_get,
	.import_interrupted = cw_sqlite__import_interrupted,
	.import_settle = cw_sqlite__import_settle,
	.roster_list = cw_sqlite__roster_list,
	.roster_get = cw_sqlite__roster_get,
	.roster_snapshot = cw_sqlite__roster_snapshot,
	.roster_seq = cw_sqlite__roster_seq,
	.case_import = cw_sqlite__case_import,
	.case_get = cw_sqlite__case_get,
	.case_documents = cw_sqlite__case_documents,
	.case_package = cw_sqlite__case_package,
	.case_stamp = cw_sqlite__case_stamp,
	.case_links = cw_sqlite__case_links,
	.case_kind = cw_sqlite__case_kind,
	.case_mirror_put = cw_sqlite__case_mirror_put,
	.case_mirror_list = cw_sqlite__case_mirror_list,
	.case_mirror_done = cw_sqlite__case_mirror_done,
	.case_mirror_delete = cw_sqlite__case_mirror_delete,
	.roster_changes = cw_sqlite__roster_changes,
	.sync_add = cw_sqlite__sync_add,
	.sync_list = cw_sqlite__sync_list,
	.sync_done = cw_sqlite__sync_done,
	.flow_mapping_put = cw_sqlite__flow_mapping_put,
	.flow_mapping_get = cw_sqlite__flow_mapping_get,
	.flow_run_add = cw_sqlite__flow_run_add,
	.flow_run_update = cw_sqlite__flow_run_update,
	.flow_run_list = cw_sqlite__flow_run_list,
	.job_add = cw_sqlite__job_add,
	.job_claim = cw_sqlite__job_claim,
	.job_renew = cw_sqlite__job_renew,
	.job_finish = cw_sqlite__job_finish,
	.job_expire = cw_sqlite__job_expire,
	.job_list = cw_sqlite__job_list,
	.job_prune = cw_sqlite__job_prune,
	.job_result = cw_sqlite__job_result,
	.job_lead = cw_sqlite__job_lead,
	.blob_put = cw_sqlite__blob_put,
	.blob_get = cw_sqlite__blob_get,
	.blob_delete = cw_sqlite__blob_delete,
	.blob_list = cw_sqlite__blob_list,
	.sync_update = cw_sqlite__sync_update,
	.sync_delete = cw_sqlite__sync_delete,
	.sync_claim = cw_sqlite__sync_claim,
	.sync_renew = cw_sqlite__sync_renew,
	.sync_release = cw_sqlite__sync_release,
	.sync_reschedule = cw_sqlite__sync_reschedule,
	.sync_run_add = cw_sqlite__sync_run_add,
	.sync_run_finish = cw_sqlite__sync_run_finish,
	.sync_run_list = cw_sqlite__sync_run_list,
	.sync_run_settle = cw_sqlite__sync_run_settle,
	.tenant_zone_get = cw_sqlite__tenant_zone_get,
	.tenant_zone_set = cw_sqlite__tenant_zone_set,
	.roster_prune = cw_sqlite__roster_prune,
	.sync_run_trim = cw_sqlite__sync_run_trim,
	.roster_horizon = cw_sqlite__roster_horizon,
	.badge_issuer_add = cw_sqlite__badge_issuer_add,
	.badge_issuer_get = cw_sqlite__badge_issuer_get,
	.badge_issuer_list = cw_sqlite__badge_issuer_list,
	.badge_key_rotate = cw_sqlite__badge_key_rotate,
	.badge_key_list = cw_sqlite__badge_key_list,
	.badge_achievement_put = cw_sqlite__badge_achievement_put,
	.badge_achievement_get = cw_sqlite__badge_achievement_get,
	.badge_status_reserve = cw_sqlite__badge_status_reserve,
	.badge_credentials_add = cw_sqlite__badge_credentials_add,
	.badge_credential_get = cw_sqlite__badge_credential_get,
	.badge_credential_revoke = cw_sqlite__badge_credential_revoke,
	.badge_revoked_list = cw_sqlite__badge_revoked_list,
	.badge_assertions_add = cw_sqlite__badge_assertions_add,
	.badge_assertion_get = cw_sqlite__badge_assertion_get,
	.badge_assertion_revoke = cw_sqlite__badge_assertion_revoke,
	.badge_assertion_revoked_list = cw_sqlite__badge_assertion_revoked_list,
	.badge_status_list_get = cw_sqlite__badge_status_list_get,
	.copy_read = cw_sqlite__copy_read,
	.copy_begin = cw_sqlite__copy_begin,
	.copy_next_seq = cw_sqlite__copy_next_seq,
	.copy_put = cw_sqlite__copy_put,
	.copy_delete = cw_sqlite__copy_delete,
	.copy_end = cw_sqlite__copy_end,
	.free = sqlite_free,
};

int cw_store_sqlite_open(cw_store **out, const char *path)
{
	sqlite_store *s = cw_calloc(1, sizeof(*s));
	connection *conn = NULL;
	int err;

	*out = NULL;
	if (!s)
		return CW_ENOMEM;
	s->base.backend = &sqlite_backend;
	s->base.kind = "sqlite";
	s->path = cw_strdup(path);
	if (!s->path || pthread_mutex_init(&s->lock, NULL) != 0) {
		cw_free(s->path);
		cw_free(s);
		return CW_ENOMEM;
	}
	/* Open one connection now so a bad path fails here, not on first use.
	 */
	err = connection_open(&conn, path);
	if (err < 0) {
		sqlite_free(&s->base);
		return err;
	}
	cw_sqlite__release(s, conn);
	*out = &s->base;
	return 0;
}

/* ---- statement helpers ----------------------------------------------------
 */

static int run_statement(sqlite3 *db, const char *sql, cw_sqlite_row_fn row,
                         void *payload, int *rows, int *changes,
                         const char *format, va_list ap)
{
	sqlite3_stmt *st = NULL;
	int err = 0, rc = SQLITE_DONE, n = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return cw_sqlite__fail(db, "preparing a statement");
	for (int i = 0; format[i]; i++) {
		if (format[i] == 'i') {
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		} else {
			const char *text = va_arg(ap, const char *);
			if (text)
				sqlite3_bind_text(st, i + 1, text, -1,
				                  SQLITE_STATIC);
			else
				sqlite3_bind_null(st, i + 1);
		}
	}
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if (row)
			err = row(st, payload);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = cw_sqlite__fail(db, "running a statement");
	if (err == 0 && changes)
		*changes = sqlite3_changes(db);
	if (rows)
		*rows = n;
	sqlite3_finalize(st);
	return err;
}

int cw_sqlite__run(sqlite3 *db, const char *sql, cw_sqlite_row_fn row,
                   void *payload, int *rows, int *changes, const char *format,
                   ...)
{
	va_list ap;
	int err;

	va_start(ap, format);
	err = run_statement(db, sql, row, payload, rows, changes, format, ap);
	va_end(ap);
	return err;
}

int cw_sqlite__run_pooled(cw_store *store, const char *sql,
                          cw_sqlite_row_fn row, void *payload, int *rows,
                          int *changes, const char *format, ...)
{
	connection *conn = NULL;
	va_list ap;
	int err = cw_sqlite__acquire((sqlite_store *)store, &conn);

	if (err < 0)
		return err;
	va_start(ap, format);
	err = run_statement(conn->db, sql, row, payload, rows, changes, format,
	                    ap);
	va_end(ap);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

int cw_sqlite__db(cw_store *store, sqlite3 **db, connection **conn)
{
	int err = cw_sqlite__acquire((sqlite_store *)store, conn);

	if (err == 0)
		*db = (*conn)->db;
	return err;
}

int cw_sqlite__exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK
	               ? 0
	               : cw_sqlite__fail(db, sql);
}

int cw_sqlite__end(sqlite3 *db, int err)
{
	if (err == 0 && (err = cw_sqlite__exec(db, "COMMIT")) == 0)
		return 0;
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

const char *cw_sqlite__text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}
