/* The Open Badges 3.0 API in SQLite (migration 0012): holders, registered
 * clients, the hashed secrets of the authorization code flow and the
 * credentials holders upserted. */
#include "store/sqlite_internal.h"

#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- holders ------------------------------------------------------------- */

int cw_sqlite__ob3_holder_add(cw_store *store, const cw_ob3_holder *h,
                              int64_t *id)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        "INSERT INTO ob3_holders (tenant_id, login, passcode_hash, "
	        "profile, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	        NULL, NULL, NULL, NULL, "itttt", h->tenant_id, h->login,
	        h->passcode_hash, h->profile, h->created_at);
	if (err == 0)
		*id = sqlite3_last_insert_rowid(db);
	else if (err == CW_EEXISTS)
		cw_error_set("the tenant has a holder %s already", h->login);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

typedef struct {
	cw_ob3_holder_cb cb;
	void *payload;
} holder_rows;

static int holder_row(sqlite3_stmt *st, void *payload)
{
	holder_rows *r = payload;
	cw_ob3_holder h = {
		sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		cw_sqlite__text(st, 2),      cw_sqlite__text(st, 3),
		cw_sqlite__text(st, 4),      cw_sqlite__text(st, 5)
	};

	return r->cb(&h, r->payload);
}

#define HOLDER_COLUMNS                                                         \
	"SELECT id, tenant_id, login, passcode_hash, profile, created_at "     \
	"FROM ob3_holders "

int cw_sqlite__ob3_holder_get(cw_store *store, int64_t tenant_id,
                              const char *login, int64_t id,
                              cw_ob3_holder_cb cb, void *payload)
{
	holder_rows r = { cb, payload };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	if (login)
		err = cw_sqlite__run(
		        db,
		        HOLDER_COLUMNS "WHERE tenant_id = ?1 AND login = ?2",
		        holder_row, &r, &rows, NULL, "it", tenant_id, login);
	else
		err = cw_sqlite__run(
		        db, HOLDER_COLUMNS "WHERE tenant_id = ?1 AND id = ?2",
		        holder_row, &r, &rows, NULL, "ii", tenant_id, id);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && rows == 0) {
		cw_error_set("no such holder");
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__ob3_holder_list(cw_store *store, int64_t tenant_id,
                               cw_ob3_holder_cb cb, void *payload)
{
	holder_rows r = { cb, payload };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db, HOLDER_COLUMNS "WHERE tenant_id = ?1 ORDER BY login",
	        holder_row, &r, NULL, NULL, "i", tenant_id);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

int cw_sqlite__ob3_profile_put(cw_store *store, int64_t tenant_id,
                               int64_t holder_id, const char *profile)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int changes = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        "UPDATE ob3_holders SET profile = ?3 WHERE tenant_id = ?1 "
	        "AND id = ?2",
	        NULL, NULL, NULL, &changes, "iit", tenant_id, holder_id,
	        profile);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && changes == 0) {
		cw_error_set("no such holder");
		err = CW_ENOTFOUND;
	}
	return err;
}

/* ---- clients ------------------------------------------------------------- */

int cw_sqlite__ob3_client_add(cw_store *store, const cw_ob3_client *c)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        "INSERT INTO ob3_clients (client_id, secret_hash, metadata, "
	        "redirect_uris, scopes, created_at) VALUES (?1, ?2, ?3, ?4, "
	        "?5, ?6)",
	        NULL, NULL, NULL, NULL, "tttttt", c->client_id, c->secret_hash,
	        c->metadata, c->redirect_uris, c->scopes, c->created_at);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

typedef struct {
	cw_ob3_client_cb cb;
	void *payload;
} client_rows;

static int client_row(sqlite3_stmt *st, void *payload)
{
	client_rows *r = payload;
	cw_ob3_client c = { cw_sqlite__text(st, 0), cw_sqlite__text(st, 1),
		            cw_sqlite__text(st, 2), cw_sqlite__text(st, 3),
		            cw_sqlite__text(st, 4), cw_sqlite__text(st, 5) };

	return r->cb(&c, r->payload);
}

int cw_sqlite__ob3_client_get(cw_store *store, const char *client_id,
                              cw_ob3_client_cb cb, void *payload)
{
	client_rows r = { cb, payload };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        "SELECT client_id, secret_hash, metadata, redirect_uris, "
	        "scopes, created_at FROM ob3_clients WHERE client_id = ?1",
	        client_row, &r, &rows, NULL, "t", client_id);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && rows == 0) {
		cw_error_set("unknown client");
		err = CW_ENOTFOUND;
	}
	return err;
}

/* ---- secrets ------------------------------------------------------------- */

int cw_sqlite__ob3_secret_add(cw_store *store, const cw_ob3_secret *secrets,
                              size_t count)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	if ((err = cw_sqlite__exec(db, "BEGIN IMMEDIATE")) == 0) {
		for (size_t i = 0; err == 0 && i < count; i++) {
			const cw_ob3_secret *s = &secrets[i];
			err = cw_sqlite__run(
			        db,
			        "INSERT INTO ob3_secrets (hash, kind, "
			        "client_id, grant_id, scopes, tenant_id, "
			        "holder_id, redirect_uri, state, "
			        "code_challenge, issued_at_ms, expires_at_ms) "
			        "VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0), "
			        "nullif(?7, 0), ?8, ?9, ?10, ?11, ?12)",
			        NULL, NULL, NULL, NULL, "tttttiitttii", s->hash,
			        s->kind, s->client_id, s->grant_id, s->scopes,
			        s->tenant_id, s->holder_id, s->redirect_uri,
			        s->state, s->code_challenge, s->issued_at_ms,
			        s->expires_at_ms);
		}
		err = cw_sqlite__end(db, err);
	}
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

typedef struct {
	cw_ob3_secret_cb cb;
	void *payload;
	int64_t used_at_ms; /* of the row read, 0: unused */
	char grant_id[128];
} secret_rows;

static int secret_row(sqlite3_stmt *st, void *payload)
{
	secret_rows *r = payload;
	cw_ob3_secret s = {
		cw_sqlite__text(st, 0),       cw_sqlite__text(st, 1),
		cw_sqlite__text(st, 2),       cw_sqlite__text(st, 3),
		cw_sqlite__text(st, 4),       sqlite3_column_int64(st, 5),
		sqlite3_column_int64(st, 6),  cw_sqlite__text(st, 7),
		cw_sqlite__text(st, 8),       cw_sqlite__text(st, 9),
		sqlite3_column_int64(st, 10), sqlite3_column_int64(st, 11),
		cw_sqlite__text(st, 14),      cw_sqlite__text(st, 15)
	};

	r->used_at_ms = sqlite3_column_int64(st, 12);
	snprintf(r->grant_id, sizeof(r->grant_id), "%s", s.grant_id);
	return r->cb ? r->cb(&s, r->payload) : 0;
}

#define SECRET_COLUMNS                                                         \
	"SELECT s.hash, s.kind, s.client_id, s.grant_id, s.scopes, "           \
	"coalesce(s.tenant_id, 0), coalesce(s.holder_id, 0), s.redirect_uri, " \
	"s.state, s.code_challenge, s.issued_at_ms, s.expires_at_ms, "         \
	"coalesce(s.used_at_ms, 0), s.revoked_at_ms, t.name, t.created_at "    \
	"FROM ob3_secrets s LEFT JOIN tenants t ON t.id = s.tenant_id "

#define SECRET_LIVE                                                            \
	"AND s.used_at_ms IS NULL AND s.revoked_at_ms IS NULL AND "            \
	"s.expires_at_ms > ?3"

static int revoke_grant(sqlite3 *db, const char *grant_id, int64_t now_ms)
{
	return cw_sqlite__run(
	        db,
	        "UPDATE ob3_secrets SET revoked_at_ms = ?2 WHERE grant_id "
	        "= ?1 AND revoked_at_ms IS NULL",
	        NULL, NULL, NULL, NULL, "ti", grant_id, now_ms);
}

/* Inside the transaction: the live row is used up, a used one revokes its
 * grant. */
static int take(sqlite3 *db, const char *hash, const char *kind, int64_t now_ms,
                secret_rows *r)
{
	secret_rows seen = { NULL, NULL, 0, "" };
	int rows = 0, err;

	err = cw_sqlite__run(
	        db,
	        SECRET_COLUMNS "WHERE s.hash = ?1 AND s.kind = ?2 " SECRET_LIVE,
	        secret_row, r, &rows, NULL, "tti", hash, kind, now_ms);
	if (err == 0 && rows == 1)
		return cw_sqlite__run(
		        db,
		        "UPDATE ob3_secrets SET used_at_ms = ?2 WHERE "
		        "hash = ?1",
		        NULL, NULL, NULL, NULL, "ti", hash, now_ms);
	if (err == 0)
		err = cw_sqlite__run(
		        db,
		        SECRET_COLUMNS "WHERE s.hash = ?1 AND s.kind = ?2 "
		                       "AND s.used_at_ms IS NOT NULL",
		        secret_row, &seen, &rows, NULL, "tt", hash, kind);
	if (err == 0 && rows == 1) {
		err = revoke_grant(db, seen.grant_id, now_ms);
		if (err == 0) {
			cw_error_set("the %s was used before: its grant is "
			             "revoked",
			             kind);
			err = CW_EEXISTS;
		}
	} else if (err == 0) {
		cw_error_set("unknown, expired or revoked %s", kind);
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__ob3_secret_take(cw_store *store, const char *hash,
                               const char *kind, int64_t now_ms,
                               cw_ob3_secret_cb cb, void *payload)
{
	secret_rows r = { cb, payload, 0, "" };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	if ((err = cw_sqlite__exec(db, "BEGIN IMMEDIATE")) == 0) {
		err = take(db, hash, kind, now_ms, &r);
		/* A replay's revocation must stick although the take fails. */
		if (err == CW_EEXISTS) {
			if (cw_sqlite__exec(db, "COMMIT") < 0)
				err = CW_ESTORE;
		} else {
			err = cw_sqlite__end(db, err);
		}
	}
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

int cw_sqlite__ob3_secret_get(cw_store *store, const char *hash,
                              const char *kind, int64_t now_ms,
                              cw_ob3_secret_cb cb, void *payload)
{
	secret_rows r = { cb, payload, 0, "" };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        SECRET_COLUMNS "WHERE s.hash = ?1 AND s.kind = ?2 " SECRET_LIVE,
	        secret_row, &r, &rows, NULL, "tti", hash, kind, now_ms);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && rows == 0) {
		cw_error_set("unknown, expired or revoked %s", kind);
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__ob3_grant_revoke(cw_store *store, const char *grant_id,
                                int64_t now_ms)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = revoke_grant(db, grant_id, now_ms);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

int cw_sqlite__ob3_secret_purge(cw_store *store, int64_t before_ms, int *purged)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(db,
	                     "DELETE FROM ob3_secrets WHERE expires_at_ms < ?1",
	                     NULL, NULL, NULL, purged, "i", before_ms);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

/* ---- credentials --------------------------------------------------------- */

int cw_sqlite__ob3_credential_put(cw_store *store, const cw_ob3_credential *c,
                                  int *created)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	if ((err = cw_sqlite__exec(db, "BEGIN IMMEDIATE")) < 0)
		goto out;
	err = cw_sqlite__run(
	        db,
	        "SELECT 1 FROM ob3_credentials WHERE tenant_id = ?1 AND "
	        "holder_id = ?2 AND id = ?3",
	        NULL, NULL, &rows, NULL, "iit", c->tenant_id, c->holder_id,
	        c->id);
	if (err == 0)
		err = cw_sqlite__run(
		        db,
		        "INSERT INTO ob3_credentials (tenant_id, holder_id, "
		        "id, credential, format, created_at, updated_at) "
		        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT "
		        "(tenant_id, holder_id, id) DO UPDATE SET credential "
		        "= excluded.credential, format = excluded.format, "
		        "updated_at = excluded.updated_at",
		        NULL, NULL, NULL, NULL, "iitttt", c->tenant_id,
		        c->holder_id, c->id, c->credential, c->format, c->at);
	err = cw_sqlite__end(db, err);
	if (err == 0)
		*created = rows == 0;
out:
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

typedef struct {
	cw_ob3_credential_cb cb;
	void *payload;
	int64_t tenant_id, holder_id;
} credential_rows;

static int credential_row(sqlite3_stmt *st, void *payload)
{
	credential_rows *r = payload;
	cw_ob3_credential c = {
		r->tenant_id,           r->holder_id,
		cw_sqlite__text(st, 0), cw_sqlite__text(st, 1),
		cw_sqlite__text(st, 2), cw_sqlite__text(st, 3)
	};

	return r->cb(&c, r->payload);
}

static int count_row(sqlite3_stmt *st, void *payload)
{
	*(int64_t *)payload = sqlite3_column_int64(st, 0);
	return 0;
}

/* Both sources with ?4 (since) applied; revoked credentials stay: they are
 * still the holder's, and their status list says they are revoked. */
#define HOLDER_CREDENTIALS                                                     \
	"WITH mine AS (SELECT id, credential, format, updated_at AS at FROM "  \
	"ob3_credentials WHERE tenant_id = ?1 AND holder_id = ?2), every AS (" \
	"SELECT * FROM mine UNION ALL SELECT id, credential, CASE format "     \
	"WHEN 'jwt' THEN 'jwt' ELSE 'json' END, issued_at FROM "               \
	"badge_credentials WHERE tenant_id = ?1 AND recipient = ?3 AND id "    \
	"NOT IN (SELECT id FROM mine)) SELECT "

int cw_sqlite__ob3_credential_list(cw_store *store, int64_t tenant_id,
                                   int64_t holder_id, const char *recipient,
                                   const char *since, int64_t offset,
                                   int64_t limit, int64_t *total,
                                   cw_ob3_credential_cb cb, void *payload)
{
	credential_rows r = { cb, payload, tenant_id, holder_id };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	*total = 0;
	if ((err = cw_sqlite__exec(db, "BEGIN")) < 0)
		goto out;
	err = cw_sqlite__run(db,
	                     HOLDER_CREDENTIALS
	                     "count(*) FROM every WHERE ?4 IS NULL OR "
	                     "at > ?4",
	                     count_row, total, NULL, NULL, "iitt", tenant_id,
	                     holder_id, recipient, since);
	if (err == 0)
		err = cw_sqlite__run(
		        db,
		        HOLDER_CREDENTIALS
		        "id, credential, format, at FROM every WHERE ?4 IS "
		        "NULL OR at > ?4 ORDER BY at, id LIMIT ?5 OFFSET ?6",
		        credential_row, &r, NULL, NULL, "iittii", tenant_id,
		        holder_id, recipient, since, limit, offset);
	err = cw_sqlite__end(db, err);
out:
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}
