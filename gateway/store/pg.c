/* PostgreSQL backend: a pool of libpq connections (one per thread at a
 * time), each preparing the frequent statements once; every statement takes
 * its input as parameters. Several gateway nodes may share one database. */
#include "store/pg.h"
#include "store/pg_internal.h"

#include "util/alloc.h"
#include "util/embed.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const cw_embedded_file cw_pg_migrations[];

#define MAX_IDLE_CONNECTIONS 32

#define CLIENT_COLUMNS                                                         \
	"c.client_id, c.tenant_id, t.name, c.scopes, c.secret_hash, "          \
	"c.created_at, coalesce(c.revoked_at, ''), "                           \
	"coalesce(c.secret_sealed, ''), t.created_at "                         \
	"FROM clients c JOIN tenants t ON t.id = c.tenant_id "

static const char *const statement_sql[PS_COUNT] = {
	[PS_PING] = "SELECT count(*) FROM schema_migrations",
	[PS_TENANT_ADD] =
	        "INSERT INTO tenants (name, created_at) VALUES ($1, $2)",
	[PS_TENANT_GET] =
	        "SELECT id, name, created_at FROM tenants WHERE name = $1",
	[PS_TENANT_LIST] =
	        "SELECT id, name, created_at FROM tenants ORDER BY name",
	[PS_CLIENT_ADD] = "INSERT INTO clients (client_id, tenant_id, "
	                  "secret_hash, scopes, created_at, secret_sealed) "
	                  "VALUES ($1, $2, $3, $4, $5, $6)",
	[PS_CLIENT_GET] = "SELECT " CLIENT_COLUMNS "WHERE c.client_id = $1",
	[PS_CLIENT_LIST] = "SELECT " CLIENT_COLUMNS
	                   "WHERE $1::bigint = 0 OR c.tenant_id = $1::bigint "
	                   "ORDER BY t.name, c.created_at, c.client_id",
	[PS_CLIENT_REVOKE] = "UPDATE clients SET revoked_at = $2 "
	                     "WHERE client_id = $1 AND revoked_at IS NULL",
	[PS_TOKEN_ADD] = "INSERT INTO tokens (token_hash, client_id, "
	                 "tenant_id, scopes, issued_at_ms, expires_at_ms) "
	                 "VALUES ($1, $2, $3, $4, $5, $6)",
	[PS_TOKEN_LOOKUP] =
	        "SELECT k.client_id, k.tenant_id, t.name, k.scopes, "
	        "k.expires_at_ms, (c.revoked_at IS NOT NULL)::int, "
	        "t.created_at FROM tokens k JOIN clients c ON c.client_id = "
	        "k.client_id JOIN tenants t ON t.id = k.tenant_id "
	        "WHERE k.token_hash = $1",
	[PS_TOKEN_PURGE] = "DELETE FROM tokens WHERE expires_at_ms < $1",
	[PS_NONCE_ADD] = "INSERT INTO oauth1_nonces (client_id, nonce, "
	                 "timestamp_s, seen_at_ms) VALUES ($1, $2, $3, $4)",
	[PS_NONCE_PURGE] = "DELETE FROM oauth1_nonces WHERE timestamp_s < $1",
	[PS_AUDIT_APPEND] = "INSERT INTO audit_log (at, actor, tenant, "
	                    "action, target, outcome, detail) "
	                    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
	[PS_AUDIT_LIST] = "SELECT seq, at, actor, tenant, action, target, "
	                  "outcome, detail FROM audit_log WHERE seq > $1 "
	                  "AND ($2::text IS NULL OR tenant = $2::text) "
	                  "ORDER BY seq LIMIT $3",
	[PS_ROSTER_GET] = "SELECT modified_ms, fields FROM roster WHERE "
	                  "tenant_id = $1 AND entity = $2 AND sourced_id = $3",
	[PS_AUTH_FAIL_GET] = "SELECT blocked_until_ms FROM auth_failures "
	                     "WHERE kind = $1 AND key_hash = $2",
};

/* ---- helpers ------------------------------------------------------------- */

int cw_pg__fail(PGconn *conn, const PGresult *res, const char *what)
{
	const char *state =
	        res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *message = res ? PQresultErrorMessage(res) : "";
	size_t len;

	if (!message || !*message)
		message = conn ? PQerrorMessage(conn) : "no connection";
	len = strlen(message);
	while (len && (message[len - 1] == '\n' || message[len - 1] == ' '))
		len--;
	cw_error_set("store: %s: %.*s", what, (int)len, message);
	if (state && strncmp(state, "23", 2) == 0)
		return CW_EEXISTS;
	/* lock_not_available (lock_timeout), deadlock, serialization. */
	if (state &&
	    (strcmp(state, "55P03") == 0 || strcmp(state, "40P01") == 0 ||
	     strcmp(state, "40001") == 0))
		return CW_EBUSY;
	return CW_ESTORE;
}

const char *cw_pg__int(char buf[CW_PG_INT_TEXT], int64_t v)
{
	snprintf(buf, CW_PG_INT_TEXT, "%lld", (long long)v);
	return buf;
}

int64_t cw_pg__get_int(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

const char *cw_pg__get_text(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static int check_result(pg_connection *c, PGresult *res, const char *what,
                        PGresult **out)
{
	ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int err;

	if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
		if (out)
			*out = res;
		else
			PQclear(res);
		return 0;
	}
	err = cw_pg__fail(c->conn, res, what);
	PQclear(res);
	return err;
}

int cw_pg__query(pg_connection *c, const char *what, PGresult **out,
                 const char *sql, int n, const char *const *params)
{
	if (out)
		*out = NULL;
	return check_result(
	        c, PQexecParams(c->conn, sql, n, NULL, params, NULL, NULL, 0),
	        what, out);
}

int cw_pg__exec(pg_connection *c, const char *sql, const char *what)
{
	return check_result(c, PQexec(c->conn, sql), what, NULL);
}

int cw_pg__prepared(pg_connection *c, enum pg_statement id, const char *what,
                    PGresult **out, int n, const char *const *params)
{
	char name[16];
	int err;

	if (out)
		*out = NULL;
	snprintf(name, sizeof(name), "cw%d", (int)id);
	if (!c->prepared[id]) {
		err = check_result(
		        c, PQprepare(c->conn, name, statement_sql[id], 0, NULL),
		        "preparing a statement", NULL);
		if (err < 0)
			return err;
		c->prepared[id] = 1;
	}
	return check_result(
	        c, PQexecPrepared(c->conn, name, n, params, NULL, NULL, 0),
	        what, out);
}

int cw_pg__each(pg_connection *c, const char *what, const char *sql, int n,
                const char *const *params, cw_pg_row_fn row, void *payload)
{
	PGresult *res;
	int err = 0, failed = 0;

	if (!PQsendQueryParams(c->conn, sql, n, NULL, params, NULL, NULL, 0))
		return cw_pg__fail(c->conn, NULL, what);
	if (!PQsetSingleRowMode(c->conn))
		failed = cw_pg__fail(c->conn, NULL, what);
	/* Every result is read, even after a stop, so the connection is
	 * ready for its next statement. */
	while ((res = PQgetResult(c->conn)) != NULL) {
		ExecStatusType status = PQresultStatus(res);

		if (status == PGRES_SINGLE_TUPLE) {
			if (err == 0 && !failed)
				err = row(res, payload);
		} else if (status != PGRES_TUPLES_OK &&
		           status != PGRES_COMMAND_OK && !failed) {
			failed = cw_pg__fail(c->conn, res, what);
		}
		PQclear(res);
	}
	return failed ? failed : err;
}

int cw_pg__copy_field(cw_buf *buf, const char *s, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		const char *escape = NULL;

		switch (s[i]) {
		case '\\': escape = "\\\\"; break;
		case '\t': escape = "\\t"; break;
		case '\n': escape = "\\n"; break;
		case '\r': escape = "\\r"; break;
		default: continue;
		}
		cw_buf_put(buf, s + start, i - start);
		cw_buf_puts(buf, escape);
		start = i + 1;
	}
	return cw_buf_put(buf, s + start, len - start);
}

int cw_pg__array_element(cw_buf *buf, const char *s, size_t len)
{
	cw_buf_putc(buf, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			cw_buf_putc(buf, '\\');
		cw_buf_putc(buf, s[i]);
	}
	return cw_buf_putc(buf, '"');
}

/* ---- connections --------------------------------------------------------- */

static void connection_close(pg_connection *c)
{
	if (!c)
		return;
	PQfinish(c->conn);
	cw_free(c);
}

static int connection_open(pg_connection **out, const char *url)
{
	const char *const keys[] = { "dbname", "application_name",
		                     "client_encoding", "connect_timeout",
		                     NULL };
	const char *const values[] = { url, "crosswalk", "UTF8", "10", NULL };
	pg_connection *c = cw_calloc(1, sizeof(*c));
	int err = 0;

	*out = NULL;
	if (!c)
		return CW_ENOMEM;
	/* expand_dbname: the URL's parts, then the settings after it. */
	c->conn = PQconnectdbParams(keys, values, 1);
	if (!c->conn || PQstatus(c->conn) != CONNECTION_OK) {
		err = cw_pg__fail(c->conn, NULL,
		                  "cannot connect to PostgreSQL");
		goto out;
	}
	if ((err = cw_pg__exec(c,
	                       "SET statement_timeout = 0; "
	                       "SET client_min_messages = warning; "
	                       "SET lock_timeout = '" CW_PG_LOCK_WAIT "'",
	                       "setting up the connection")) < 0)
		goto out;
	*out = c;
	c = NULL;
out:
	connection_close(c);
	return err;
}

int cw_pg__acquire(pg_store *s, pg_connection **out)
{
	pg_connection *c;

	pthread_mutex_lock(&s->lock);
	c = s->idle;
	if (c) {
		s->idle = c->next;
		s->idle_count--;
	}
	pthread_mutex_unlock(&s->lock);
	/* A pooled connection the server dropped is replaced. */
	if (c && PQstatus(c->conn) != CONNECTION_OK) {
		connection_close(c);
		c = NULL;
	}
	if (c) {
		*out = c;
		return 0;
	}
	return connection_open(out, s->url);
}

void cw_pg__release(pg_store *s, pg_connection *c)
{
	if (!c)
		return;
	if (PQstatus(c->conn) != CONNECTION_OK ||
	    PQtransactionStatus(c->conn) != PQTRANS_IDLE) {
		connection_close(c);
		return;
	}
	pthread_mutex_lock(&s->lock);
	if (s->idle_count < MAX_IDLE_CONNECTIONS) {
		c->next = s->idle;
		s->idle = c;
		s->idle_count++;
		c = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	connection_close(c);
}

int cw_pg__run(pg_store *s, const char *what, PGresult **out, const char *sql,
               int n, const char *const *params)
{
	pg_connection *c = NULL;
	int err = cw_pg__acquire(s, &c);

	if (out)
		*out = NULL;
	if (err == 0)
		err = cw_pg__query(c, what, out, sql, n, params);
	cw_pg__release(s, c);
	return err;
}

int cw_pg__transaction(pg_store *s, const char *what,
                       int (*body)(pg_connection *c, void *arg), void *arg)
{
	pg_connection *c = NULL;
	int err = cw_pg__acquire(s, &c);

	if (err < 0)
		return err;
	if ((err = cw_pg__exec(c, "BEGIN", what)) == 0) {
		err = body(c, arg);
		if (err == 0)
			err = cw_pg__exec(c, "COMMIT", what);
		/* A callback's stop (a positive value) rolls back too. */
		if (err != 0)
			PQclear(PQexec(c->conn, "ROLLBACK"));
	}
	cw_pg__release(s, c);
	return err;
}

/* Borrows a connection and runs a prepared statement on it. */
static int one_statement(pg_store *s, enum pg_statement id, const char *what,
                         PGresult **out, int n, const char *const *params)
{
	pg_connection *c = NULL;
	int err = cw_pg__acquire(s, &c);

	if (err == 0)
		err = cw_pg__prepared(c, id, what, out, n, params);
	cw_pg__release(s, c);
	return err;
}

int cw_pg__changed(const PGresult *res)
{
	return (int)strtol(PQcmdTuples((PGresult *)res), NULL, 10);
}

static int affected(PGresult *res)
{
	return cw_pg__changed(res);
}

/* ---- migrations ---------------------------------------------------------- */

static int apply_one(pg_connection *c, const cw_embedded_file *m,
                     const char *stamp, int *applied)
{
	char version[CW_PG_INT_TEXT];
	const char *params[3] = {
		cw_pg__int(version, strtol(m->name, NULL, 10)), m->name, stamp
	};
	PGresult *res = NULL;
	int err = cw_pg__query(c, "reading the migrations", &res,
	                       "SELECT 1 FROM schema_migrations WHERE "
	                       "version = $1",
	                       1, params),
	    done;

	if (err < 0)
		return err;
	done = PQntuples(res) > 0;
	PQclear(res);
	if (done)
		return 0;
	/* Embedded text, not input: a script of several statements. */
	if ((err = cw_pg__exec(c, (const char *)m->data, m->name)) < 0 ||
	    (err = cw_pg__query(c, "recording a migration", NULL,
	                        "INSERT INTO schema_migrations VALUES ($1, "
	                        "$2, $3)",
	                        3, params)) < 0)
		return err;
	(*applied)++;
	return 0;
}

static int apply_migrations(pg_connection *c, int *applied)
{
	char stamp[CW_TIME_ISO_LEN], key[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(key, CW_PG_LOCK_MIGRATE) };
	PGresult *res = NULL;
	long newest = 0, held;
	int err;

	/* The lock first: nodes starting at once queue here, and each later
	 * one finds the migrations applied. */
	if ((err = cw_pg__exec(c, "SET LOCAL lock_timeout = 0",
	                       "locking for the migrations")) < 0 ||
	    (err = cw_pg__query(c, "locking for the migrations", NULL,
	                        "SELECT pg_advisory_xact_lock($1::bigint)", 1,
	                        params)) < 0 ||
	    (err = cw_pg__exec(c,
	                       "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                       "version integer PRIMARY KEY, name text NOT "
	                       "NULL, applied_at text NOT NULL)",
	                       "creating the migrations table")) < 0)
		return err;
	cw_time_format_iso(cw_time_now_ms(), stamp);
	for (const cw_embedded_file *m = cw_pg_migrations; m->name; m++) {
		newest = strtol(m->name, NULL, 10);
		if ((err = apply_one(c, m, stamp, applied)) < 0)
			return err;
	}
	if ((err = cw_pg__query(c, "reading the schema version", &res,
	                        "SELECT coalesce(max(version), 0) FROM "
	                        "schema_migrations",
	                        0, NULL)) < 0)
		return err;
	held = (long)cw_pg__get_int(res, 0, 0);
	PQclear(res);
	if (held > newest) {
		cw_error_set(
		        "store: the database has schema version %ld, newer "
		        "than this crosswalk knows (%ld); upgrade crosswalk",
		        held, newest);
		return CW_ESTORE;
	}
	return 0;
}

static int pg_migrate(cw_store *store, int *applied)
{
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	int err = cw_pg__acquire(s, &c);

	*applied = 0;
	if (err < 0)
		return err;
	/* One transaction: all the pending migrations or none. */
	if ((err = cw_pg__exec(c, "BEGIN", "starting the migration")) < 0)
		goto out;
	err = apply_migrations(c, applied);
	if (err == 0)
		err = cw_pg__exec(c, "COMMIT", "committing the migration");
	if (err < 0) {
		PQclear(PQexec(c->conn, "ROLLBACK"));
		*applied = 0;
	}
out:
	cw_pg__release(s, c);
	return err;
}

static int pg_ping(cw_store *store)
{
	return one_statement((pg_store *)store, PS_PING, "ping", NULL, 0, NULL);
}

/* ---- tenants ------------------------------------------------------------- */

static void read_tenant(const PGresult *res, int row, cw_tenant *out)
{
	out->id = cw_pg__get_int(res, row, 0);
	snprintf(out->name, sizeof(out->name), "%s", PQgetvalue(res, row, 1));
	snprintf(out->created_at, sizeof(out->created_at), "%s",
	         PQgetvalue(res, row, 2));
}

static int pg_tenant_get(cw_store *store, const char *name, cw_tenant *out)
{
	const char *params[1] = { name };
	PGresult *res = NULL;
	int err = one_statement((pg_store *)store, PS_TENANT_GET,
	                        "reading a tenant", &res, 1, params);

	if (err < 0)
		return err;
	if (PQntuples(res) == 1) {
		read_tenant(res, 0, out);
	} else {
		cw_error_set("no tenant named \"%s\"", name);
		err = CW_ENOTFOUND;
	}
	PQclear(res);
	return err;
}

static int pg_tenant_add(cw_store *store, const char *name, cw_tenant *out)
{
	char stamp[CW_TIME_ISO_LEN];
	const char *params[2] = { name, stamp };
	int err;

	cw_time_format_iso(cw_time_now_ms(), stamp);
	err = one_statement((pg_store *)store, PS_TENANT_ADD, "adding a tenant",
	                    NULL, 2, params);
	if (err == CW_EEXISTS)
		cw_error_set("a tenant named \"%s\" already exists", name);
	if (err == 0 && out)
		err = pg_tenant_get(store, name, out);
	return err;
}

static int pg_tenant_list(cw_store *store, cw_tenant_cb cb, void *payload)
{
	PGresult *res = NULL;
	int err = one_statement((pg_store *)store, PS_TENANT_LIST,
	                        "listing tenants", &res, 0, NULL);
	cw_tenant tenant;

	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		read_tenant(res, i, &tenant);
		err = cb(&tenant, payload);
	}
	PQclear(res);
	return err;
}

/* ---- clients ------------------------------------------------------------- */

static int read_client(const PGresult *res, int row, cw_client *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->client_id, sizeof(out->client_id), "%s",
	         PQgetvalue(res, row, 0));
	out->tenant_id = cw_pg__get_int(res, row, 1);
	snprintf(out->tenant, sizeof(out->tenant), "%s",
	         PQgetvalue(res, row, 2));
	out->scopes = cw_strdup(PQgetvalue(res, row, 3));
	out->secret_hash = cw_strdup(PQgetvalue(res, row, 4));
	snprintf(out->created_at, sizeof(out->created_at), "%s",
	         PQgetvalue(res, row, 5));
	snprintf(out->revoked_at, sizeof(out->revoked_at), "%s",
	         PQgetvalue(res, row, 6));
	out->secret_sealed = cw_strdup(PQgetvalue(res, row, 7));
	snprintf(out->tenant_created_at, sizeof(out->tenant_created_at), "%s",
	         PQgetvalue(res, row, 8));
	if (!out->scopes || !out->secret_hash || !out->secret_sealed) {
		cw_client_dispose(out);
		return CW_ENOMEM;
	}
	return 0;
}

static int pg_client_add(cw_store *store, const cw_client *client)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[6] = {
		client->client_id,
		cw_pg__int(tenant, client->tenant_id),
		client->secret_hash,
		client->scopes,
		client->created_at,
		client->secret_sealed && *client->secret_sealed
		        ? client->secret_sealed
		        : NULL,
	};

	return one_statement((pg_store *)store, PS_CLIENT_ADD,
	                     "adding a client", NULL, 6, params);
}

static int pg_client_get(cw_store *store, const char *client_id, cw_client *out)
{
	const char *params[1] = { client_id };
	PGresult *res = NULL;
	int err = one_statement((pg_store *)store, PS_CLIENT_GET,
	                        "reading a client", &res, 1, params);

	if (err < 0)
		return err;
	if (PQntuples(res) == 1) {
		err = read_client(res, 0, out);
	} else {
		cw_error_set("no client with id \"%s\"", client_id);
		err = CW_ENOTFOUND;
	}
	PQclear(res);
	return err;
}

static int pg_client_list(cw_store *store, int64_t tenant_id, cw_client_cb cb,
                          void *payload)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(tenant, tenant_id) };
	PGresult *res = NULL;
	int err = one_statement((pg_store *)store, PS_CLIENT_LIST,
	                        "listing clients", &res, 1, params);
	cw_client client;

	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		err = read_client(res, i, &client);
		if (err == 0)
			err = cb(&client, payload);
		cw_client_dispose(&client);
	}
	PQclear(res);
	return err;
}

static int pg_client_revoke(cw_store *store, const char *client_id,
                            const char *at)
{
	const char *params[2] = { client_id, at };
	PGresult *res = NULL;
	int err = one_statement((pg_store *)store, PS_CLIENT_REVOKE,
	                        "revoking a client", &res, 2, params);

	if (err == 0 && affected(res) == 0) {
		cw_error_set("no active client with id \"%s\"", client_id);
		err = CW_ENOTFOUND;
	}
	PQclear(res);
	return err;
}

/* ---- tokens -------------------------------------------------------------- */

static int pg_token_add(cw_store *store, const cw_token *token)
{
	char tenant[CW_PG_INT_TEXT], issued[CW_PG_INT_TEXT],
	        expires[CW_PG_INT_TEXT];
	const char *params[6] = { token->token_hash,
		                  token->client_id,
		                  cw_pg__int(tenant, token->tenant_id),
		                  token->scopes,
		                  cw_pg__int(issued, token->issued_at_ms),
		                  cw_pg__int(expires, token->expires_at_ms) };

	return one_statement((pg_store *)store, PS_TOKEN_ADD, "adding a token",
	                     NULL, 6, params);
}

static int pg_token_lookup(cw_store *store, const char *token_hash,
                           cw_token_info *out)
{
	const char *params[1] = { token_hash };
	PGresult *res = NULL;
	int err = one_statement((pg_store *)store, PS_TOKEN_LOOKUP,
	                        "reading a token", &res, 1, params);

	memset(out, 0, sizeof(*out));
	if (err < 0)
		return err;
	if (PQntuples(res) == 1) {
		snprintf(out->client_id, sizeof(out->client_id), "%s",
		         PQgetvalue(res, 0, 0));
		out->tenant_id = cw_pg__get_int(res, 0, 1);
		snprintf(out->tenant, sizeof(out->tenant), "%s",
		         PQgetvalue(res, 0, 2));
		out->scopes = cw_strdup(PQgetvalue(res, 0, 3));
		out->expires_at_ms = cw_pg__get_int(res, 0, 4);
		out->client_revoked = (int)cw_pg__get_int(res, 0, 5);
		snprintf(out->tenant_created_at, sizeof(out->tenant_created_at),
		         "%s", PQgetvalue(res, 0, 6));
		if (!out->scopes)
			err = CW_ENOMEM;
	} else {
		cw_error_set("unknown token");
		err = CW_ENOTFOUND;
	}
	PQclear(res);
	return err;
}

static int purge(cw_store *store, enum pg_statement id, int64_t before,
                 int *purged)
{
	char value[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(value, before) };
	PGresult *res = NULL;
	int err = one_statement((pg_store *)store, id, "purging", &res, 1,
	                        params);

	if (err == 0 && purged)
		*purged = affected(res);
	PQclear(res);
	return err;
}

static int pg_token_purge(cw_store *store, int64_t now_ms, int *purged)
{
	return purge(store, PS_TOKEN_PURGE, now_ms, purged);
}

/* ---- OAuth 1.0a nonces --------------------------------------------------- */

static int pg_nonce_add(cw_store *store, const char *client_id,
                        const char *nonce, int64_t timestamp_s, int64_t now_ms)
{
	char ts[CW_PG_INT_TEXT], now[CW_PG_INT_TEXT];
	const char *params[4] = { client_id, nonce, cw_pg__int(ts, timestamp_s),
		                  cw_pg__int(now, now_ms) };
	int err = one_statement((pg_store *)store, PS_NONCE_ADD,
	                        "recording a nonce", NULL, 4, params);

	if (err == CW_EEXISTS)
		cw_error_set("oauth_nonce was used before by this client (a "
		             "replayed request?)");
	return err;
}

static int pg_nonce_purge(cw_store *store, int64_t before_s, int *purged)
{
	return purge(store, PS_NONCE_PURGE, before_s, purged);
}

/* ---- audit log ----------------------------------------------------------- */

static int pg_audit_append(cw_store *store, const cw_audit_entry *entry)
{
	char stamp[CW_TIME_ISO_LEN];
	const char *params[7] = { stamp,         entry->actor,  entry->tenant,
		                  entry->action, entry->target, entry->outcome,
		                  entry->detail };

	cw_time_format_iso(cw_time_now_ms(), stamp);
	return one_statement((pg_store *)store, PS_AUDIT_APPEND,
	                     "appending to the audit log", NULL, 7, params);
}

static int pg_audit_list(cw_store *store, const char *tenant, int64_t after_seq,
                         int limit, cw_audit_cb cb, void *payload)
{
	char after[CW_PG_INT_TEXT], count[CW_PG_INT_TEXT];
	/* A negative limit is none, as SQLite's LIMIT -1 (LIMIT NULL). */
	const char *params[3] = { cw_pg__int(after, after_seq), tenant,
		                  limit < 0 ? NULL : cw_pg__int(count, limit) };
	PGresult *res = NULL;
	int err = one_statement((pg_store *)store, PS_AUDIT_LIST,
	                        "listing the audit log", &res, 3, params);
	cw_audit_entry entry;

	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		entry.seq = cw_pg__get_int(res, i, 0);
		snprintf(entry.at, sizeof(entry.at), "%s",
		         PQgetvalue(res, i, 1));
		entry.actor = cw_pg__get_text(res, i, 2);
		entry.tenant = cw_pg__get_text(res, i, 3);
		entry.action = cw_pg__get_text(res, i, 4);
		entry.target = cw_pg__get_text(res, i, 5);
		entry.outcome = cw_pg__get_text(res, i, 6);
		entry.detail = cw_pg__get_text(res, i, 7);
		err = cb(&entry, payload);
	}
	PQclear(res);
	return err;
}

/* ---- roster point read --------------------------------------------------- */

int cw_pg__roster_get(cw_store *store, int64_t tenant_id, int entity,
                      const char *sourced_id, cw_roster_cb cb, void *payload)
{
	char tenant[CW_PG_INT_TEXT], kind[CW_PG_INT_TEXT];
	char dlm[CW_TIME_ISO_LEN];
	const char *params[3] = { cw_pg__int(tenant, tenant_id),
		                  cw_pg__int(kind, entity), sourced_id };
	PGresult *res = NULL;
	int err = one_statement((pg_store *)store, PS_ROSTER_GET,
	                        "reading a row", &res, 3, params);
	cw_roster_record r;

	if (err < 0)
		return err;
	if (PQntuples(res) == 1) {
		cw_time_format_iso(cw_pg__get_int(res, 0, 0), dlm);
		r.entity = entity;
		r.sourced_id = sourced_id;
		r.status = "active";
		r.date_last_modified = dlm;
		r.fields = PQgetvalue(res, 0, 1);
		r.fields_len = 0;
		err = cb(&r, payload);
	} else {
		err = CW_ENOTFOUND;
	}
	PQclear(res);
	return err;
}

/* ---- lifetime ------------------------------------------------------------ */

static void pg_free(cw_store *store)
{
	pg_store *s = (pg_store *)store;
	pg_connection *c;

	cw_pg__leader_free(s);
	c = s->idle;
	while (c) {
		pg_connection *next = c->next;
		connection_close(c);
		c = next;
	}
	cw_pg__import_holds_free(s);
	pthread_mutex_destroy(&s->lock);
	cw_free(s->url);
	cw_free(s);
}

static const cw_store_backend pg_backend = {
	.migrate = pg_migrate,
	.ping = pg_ping,
	.tenant_add = pg_tenant_add,
	.tenant_get = pg_tenant_get,
	.tenant_list = pg_tenant_list,
	.client_add = pg_client_add,
	.client_get = pg_client_get,
	.client_list = pg_client_list,
	.client_revoke = pg_client_revoke,
	.token_add = pg_token_add,
	.token_lookup = pg_token_lookup,
	.token_purge = pg_token_purge,
	.nonce_add = pg_nonce_add,
	.nonce_purge = pg_nonce_purge,
	.auth_fail_get = cw_pg__auth_fail_get,
	.auth_fail_count = cw_pg__auth_fail_count,
	.auth_fail_clear = cw_pg__auth_fail_clear,
	.auth_fail_purge = cw_pg__auth_fail_purge,
	.ob3_holder_add = cw_pg__ob3_holder_add,
	.ob3_holder_get = cw_pg__ob3_holder_get,
	.ob3_holder_list = cw_pg__ob3_holder_list,
	.ob3_profile_put = cw_pg__ob3_profile_put,
	.ob3_client_add = cw_pg__ob3_client_add,
	.ob3_client_get = cw_pg__ob3_client_get,
	.ob3_secret_add = cw_pg__ob3_secret_add,
	.ob3_secret_take = cw_pg__ob3_secret_take,
	.ob3_secret_get = cw_pg__ob3_secret_get,
	.ob3_grant_revoke = cw_pg__ob3_grant_revoke,
	.ob3_secret_purge = cw_pg__ob3_secret_purge,
	.ob3_credential_put = cw_pg__ob3_credential_put,
	.ob3_credential_list = cw_pg__ob3_credential_list,
	.audit_append = pg_audit_append,
	.audit_list = pg_audit_list,
	.import_begin = cw_pg__import_begin,
	.import_put = cw_pg__import_put,
	.import_lookup = cw_pg__import_lookup,
	.import_commit = cw_pg__import_commit,
	.import_end = cw_pg__import_end,
	.import_create = cw_pg__import_create,
	.import_report = cw_pg__import_report,
	.import_get = cw_pg__import_get,
	.import_interrupted = cw_pg__import_interrupted,
	.import_settle = cw_pg__import_settle,
	.roster_list = cw_pg__roster_list,
	.roster_get = cw_pg__roster_get,
	.roster_snapshot = cw_pg__roster_snapshot,
	.roster_seq = cw_pg__roster_seq,
	.roster_changes = cw_pg__roster_changes,
	.case_import = cw_pg__case_import,
	.case_get = cw_pg__case_get,
	.case_documents = cw_pg__case_documents,
	.case_package = cw_pg__case_package,
	.case_stamp = cw_pg__case_stamp,
	.case_links = cw_pg__case_links,
	.case_kind = cw_pg__case_kind,
	.case_mirror_put = cw_pg__case_mirror_put,
	.case_mirror_list = cw_pg__case_mirror_list,
	.case_mirror_done = cw_pg__case_mirror_done,
	.case_mirror_delete = cw_pg__case_mirror_delete,
	.sync_add = cw_pg__sync_add,
	.sync_list = cw_pg__sync_list,
	.sync_done = cw_pg__sync_done,
	.flow_mapping_put = cw_pg__flow_mapping_put,
	.flow_mapping_get = cw_pg__flow_mapping_get,
	.flow_run_add = cw_pg__flow_run_add,
	.flow_run_update = cw_pg__flow_run_update,
	.flow_run_list = cw_pg__flow_run_list,
	.job_add = cw_pg__job_add,
	.job_claim = cw_pg__job_claim,
	.job_renew = cw_pg__job_renew,
	.job_finish = cw_pg__job_finish,
	.job_expire = cw_pg__job_expire,
	.job_list = cw_pg__job_list,
	.job_prune = cw_pg__job_prune,
	.job_result = cw_pg__job_result,
	.job_lead = cw_pg__job_lead,
	.blob_put = cw_pg__blob_put,
	.blob_get = cw_pg__blob_get,
	.blob_delete = cw_pg__blob_delete,
	.blob_list = cw_pg__blob_list,
	.sync_update = cw_pg__sync_update,
	.sync_delete = cw_pg__sync_delete,
	.sync_claim = cw_pg__sync_claim,
	.sync_renew = cw_pg__sync_renew,
	.sync_release = cw_pg__sync_release,
	.sync_reschedule = cw_pg__sync_reschedule,
	.sync_run_add = cw_pg__sync_run_add,
	.sync_run_finish = cw_pg__sync_run_finish,
	.sync_run_list = cw_pg__sync_run_list,
	.sync_run_settle = cw_pg__sync_run_settle,
	.tenant_zone_get = cw_pg__tenant_zone_get,
	.tenant_zone_set = cw_pg__tenant_zone_set,
	.roster_prune = cw_pg__roster_prune,
	.sync_run_trim = cw_pg__sync_run_trim,
	.roster_horizon = cw_pg__roster_horizon,
	.badge_issuer_add = cw_pg__badge_issuer_add,
	.badge_issuer_get = cw_pg__badge_issuer_get,
	.badge_issuer_list = cw_pg__badge_issuer_list,
	.badge_key_rotate = cw_pg__badge_key_rotate,
	.badge_key_list = cw_pg__badge_key_list,
	.badge_achievement_put = cw_pg__badge_achievement_put,
	.badge_achievement_get = cw_pg__badge_achievement_get,
	.badge_status_reserve = cw_pg__badge_status_reserve,
	.badge_credentials_add = cw_pg__badge_credentials_add,
	.badge_credential_get = cw_pg__badge_credential_get,
	.badge_credential_revoke = cw_pg__badge_credential_revoke,
	.badge_revoked_list = cw_pg__badge_revoked_list,
	.badge_assertions_add = cw_pg__badge_assertions_add,
	.badge_assertion_get = cw_pg__badge_assertion_get,
	.badge_assertion_revoke = cw_pg__badge_assertion_revoke,
	.badge_assertion_revoked_list = cw_pg__badge_assertion_revoked_list,
	.badge_status_list_get = cw_pg__badge_status_list_get,
	.copy_read = cw_pg__copy_read,
	.copy_begin = cw_pg__copy_begin,
	.copy_next_seq = cw_pg__copy_next_seq,
	.copy_put = cw_pg__copy_put,
	.copy_delete = cw_pg__copy_delete,
	.copy_end = cw_pg__copy_end,
	.free = pg_free,
};

/* Slots left NULL: a store function added to the interface without its
 * PostgreSQL port (or a stub calling cw_pg__unsupported) would be a call
 * through NULL; the backend refuses to open instead. Every slot is a
 * function pointer. */
typedef void (*any_slot)(void);
_Static_assert(sizeof(cw_store_backend) % sizeof(any_slot) == 0,
               "cw_store_backend holds function pointers only");

static int missing_slots(const cw_store_backend *backend)
{
	const unsigned char *bytes = (const unsigned char *)backend;
	int missing = 0;

	for (size_t at = 0; at < sizeof(*backend); at += sizeof(any_slot)) {
		any_slot slot;

		memcpy(&slot, bytes + at, sizeof(slot));
		missing += slot == NULL;
	}
	return missing;
}

int cw_store_pg_open(cw_store **out, const char *url)
{
	pg_store *s = cw_calloc(1, sizeof(*s));
	pg_connection *c = NULL;
	int err;

	*out = NULL;
	if (!s)
		return CW_ENOMEM;
	if ((err = missing_slots(&pg_backend)) > 0) {
		cw_error_set(
		        "store: the PostgreSQL backend lacks %d operations "
		        "of the store interface (port them, or stub them "
		        "with cw_pg__unsupported)",
		        err);
		cw_free(s);
		return CW_EUNSUPPORTED;
	}
	s->base.backend = &pg_backend;
	s->base.kind = "postgres";
	s->url = cw_strdup(url);
	if (!s->url || pthread_mutex_init(&s->lock, NULL) != 0) {
		cw_free(s->url);
		cw_free(s);
		return CW_ENOMEM;
	}
	/* One connection now, so a bad URL fails here, not on first use. */
	if ((err = connection_open(&c, url)) < 0) {
		pg_free(&s->base);
		return err;
	}
	cw_pg__release(s, c);
	*out = &s->base;
	return 0;
}
