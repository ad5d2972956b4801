/* The Open Badges 3.0 API on PostgreSQL (migration 0012): holders,
 * registered clients, the hashed secrets of the authorization code flow and
 * the credentials holders upserted. Taking a one-time secret locks its row,
 * so of two nodes taking the same code one gets it and the other sees a
 * replay (and revokes the grant). */
#include "store/pg_internal.h"

#include "util/error.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

/* ---- holders ------------------------------------------------------------- */

int cw_pg__ob3_holder_add(cw_store *store, const cw_ob3_holder *h, int64_t *id)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[5] = { cw_pg__int(tenant, h->tenant_id), h->login,
		                  h->passcode_hash, h->profile, h->created_at };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "adding a holder", &res,
	                     "INSERT INTO ob3_holders (tenant_id, login, "
	                     "passcode_hash, profile, created_at) VALUES ($1, "
	                     "$2, $3, $4, $5) RETURNING id",
	                     5, params);

	if (err == 0)
		*id = cw_pg__get_int(res, 0, 0);
	else if (err == CW_EEXISTS)
		cw_error_set("the tenant has a holder %s already", h->login);
	PQclear(res);
	return err;
}

static int each_holder(const PGresult *res, cw_ob3_holder_cb cb, void *payload)
{
	int err = 0;

	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		cw_ob3_holder h = {
			cw_pg__get_int(res, i, 0),  cw_pg__get_int(res, i, 1),
			cw_pg__get_text(res, i, 2), cw_pg__get_text(res, i, 3),
			cw_pg__get_text(res, i, 4), cw_pg__get_text(res, i, 5)
		};

		err = cb(&h, payload);
	}
	return err;
}

#define HOLDER_COLUMNS                                                         \
	"SELECT id, tenant_id, login, passcode_hash, profile, created_at "     \
	"FROM ob3_holders "

int cw_pg__ob3_holder_get(cw_store *store, int64_t tenant_id, const char *login,
                          int64_t id, cw_ob3_holder_cb cb, void *payload)
{
	char tenant[CW_PG_INT_TEXT], holder[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id),
		                  login ? login : cw_pg__int(holder, id) };
	PGresult *res = NULL;
	int err = cw_pg__run(
	        (pg_store *)store, "reading a holder", &res,
	        login ? HOLDER_COLUMNS "WHERE tenant_id = $1 AND login = $2"
	              : HOLDER_COLUMNS "WHERE tenant_id = $1 AND id = "
	                               "$2::bigint",
	        2, params);

	if (err == 0 && PQntuples(res) == 0) {
		cw_error_set("no such holder");
		err = CW_ENOTFOUND;
	}
	if (err == 0)
		err = each_holder(res, cb, payload);
	PQclear(res);
	return err;
}

int cw_pg__ob3_holder_list(cw_store *store, int64_t tenant_id,
                           cw_ob3_holder_cb cb, void *payload)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(tenant, tenant_id) };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "listing holders", &res,
	                     HOLDER_COLUMNS "WHERE tenant_id = $1 ORDER BY "
	                                    "login",
	                     1, params);

	if (err == 0)
		err = each_holder(res, cb, payload);
	PQclear(res);
	return err;
}

int cw_pg__ob3_profile_put(cw_store *store, int64_t tenant_id,
                           int64_t holder_id, const char *profile)
{
	char tenant[CW_PG_INT_TEXT], holder[CW_PG_INT_TEXT];
	const char *params[3] = { cw_pg__int(tenant, tenant_id),
		                  cw_pg__int(holder, holder_id), profile };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "writing a profile", &res,
	                     "UPDATE ob3_holders SET profile = $3 WHERE "
	                     "tenant_id = $1 AND id = $2",
	                     3, params);

	if (err == 0 && cw_pg__changed(res) == 0) {
		cw_error_set("no such holder");
		err = CW_ENOTFOUND;
	}
	PQclear(res);
	return err;
}

/* ---- clients ------------------------------------------------------------- */

int cw_pg__ob3_client_add(cw_store *store, const cw_ob3_client *c)
{
	const char *params[6] = { c->client_id, c->secret_hash,
		                  c->metadata,  c->redirect_uris,
		                  c->scopes,    c->created_at };

	return cw_pg__run((pg_store *)store, "registering a client", NULL,
	                  "INSERT INTO ob3_clients (client_id, secret_hash, "
	                  "metadata, redirect_uris, scopes, created_at) VALUES "
	                  "($1, $2, $3, $4, $5, $6)",
	                  6, params);
}

int cw_pg__ob3_client_get(cw_store *store, const char *client_id,
                          cw_ob3_client_cb cb, void *payload)
{
	const char *params[1] = { client_id };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "reading a client", &res,
	                     "SELECT client_id, secret_hash, metadata, "
	                     "redirect_uris, scopes, created_at FROM "
	                     "ob3_clients WHERE client_id = $1",
	                     1, params);

	if (err == 0 && PQntuples(res) == 0) {
		cw_error_set("unknown client");
		err = CW_ENOTFOUND;
	}
	if (err == 0) {
		cw_ob3_client c = {
			cw_pg__get_text(res, 0, 0), cw_pg__get_text(res, 0, 1),
			cw_pg__get_text(res, 0, 2), cw_pg__get_text(res, 0, 3),
			cw_pg__get_text(res, 0, 4), cw_pg__get_text(res, 0, 5)
		};

		err = cb(&c, payload);
	}
	PQclear(res);
	return err;
}

/* ---- secrets ------------------------------------------------------------- */

typedef struct {
	const cw_ob3_secret *list;
	size_t count;
} secrets_args;

static int secrets_insert(pg_connection *c, void *arg)
{
	const secrets_args *a = arg;
	int err = 0;

	for (size_t i = 0; err == 0 && i < a->count; i++) {
		const cw_ob3_secret *s = &a->list[i];
		char tenant[CW_PG_INT_TEXT], holder[CW_PG_INT_TEXT],
		        issued[CW_PG_INT_TEXT], expires[CW_PG_INT_TEXT];
		const char *params[12] = {
			s->hash,
			s->kind,
			s->client_id,
			s->grant_id,
			s->scopes,
			cw_pg__int(tenant, s->tenant_id),
			cw_pg__int(holder, s->holder_id),
			s->redirect_uri,
			s->state,
			s->code_challenge,
			cw_pg__int(issued, s->issued_at_ms),
			cw_pg__int(expires, s->expires_at_ms),
		};

		err = cw_pg__query(
		        c, "storing a secret", NULL,
		        "INSERT INTO ob3_secrets (hash, kind, client_id, "
		        "grant_id, scopes, tenant_id, holder_id, redirect_uri, "
		        "state, code_challenge, issued_at_ms, expires_at_ms) "
		        "VALUES ($1, $2, $3, $4, $5, nullif($6::bigint, 0), "
		        "nullif($7::bigint, 0), $8, $9, $10, $11, $12)",
		        12, params);
	}
	return err;
}

int cw_pg__ob3_secret_add(cw_store *store, const cw_ob3_secret *secrets,
                          size_t count)
{
	secrets_args a = { secrets, count };

	return cw_pg__transaction((pg_store *)store, "storing secrets",
	                          secrets_insert, &a);
}

#define SECRET_COLUMNS                                                         \
	"SELECT s.hash, s.kind, s.client_id, s.grant_id, s.scopes, "           \
	"coalesce(s.tenant_id, 0), coalesce(s.holder_id, 0), s.redirect_uri, " \
	"s.state, s.code_challenge, s.issued_at_ms, s.expires_at_ms, "         \
	"coalesce(s.used_at_ms, 0), s.revoked_at_ms, t.name, t.created_at "    \
	"FROM ob3_secrets s LEFT JOIN tenants t ON t.id = s.tenant_id "

#define SECRET_LIVE                                                            \
	"AND s.used_at_ms IS NULL AND s.revoked_at_ms IS NULL AND "            \
	"s.expires_at_ms > $3::bigint"

static int emit_secret(const PGresult *res, cw_ob3_secret_cb cb, void *payload)
{
	cw_ob3_secret s = {
		cw_pg__get_text(res, 0, 0),  cw_pg__get_text(res, 0, 1),
		cw_pg__get_text(res, 0, 2),  cw_pg__get_text(res, 0, 3),
		cw_pg__get_text(res, 0, 4),  cw_pg__get_int(res, 0, 5),
		cw_pg__get_int(res, 0, 6),   cw_pg__get_text(res, 0, 7),
		cw_pg__get_text(res, 0, 8),  cw_pg__get_text(res, 0, 9),
		cw_pg__get_int(res, 0, 10),  cw_pg__get_int(res, 0, 11),
		cw_pg__get_text(res, 0, 14), cw_pg__get_text(res, 0, 15)
	};

	return cb ? cb(&s, payload) : 0;
}

static int revoke_grant(pg_connection *c, const char *grant_id, int64_t now_ms)
{
	char now[CW_PG_INT_TEXT];
	const char *params[2] = { grant_id, cw_pg__int(now, now_ms) };

	return cw_pg__query(c, "revoking a grant", NULL,
	                    "UPDATE ob3_secrets SET revoked_at_ms = $2 WHERE "
	                    "grant_id = $1 AND revoked_at_ms IS NULL",
	                    2, params);
}

typedef struct {
	const char *hash, *kind;
	int64_t now_ms;
	cw_ob3_secret_cb cb;
	void *payload;
	int replayed; /* the grant was revoked: commit, then fail */
} take_args;

/* The live row is used up; a used one revokes its grant. FOR UPDATE: a
 * concurrent take waits, then finds the row used. */
static int take_body(pg_connection *c, void *arg)
{
	take_args *a = arg;
	char now[CW_PG_INT_TEXT];
	const char *params[3] = { a->hash, a->kind,
		                  cw_pg__int(now, a->now_ms) };
	PGresult *res = NULL;
	int err = cw_pg__query(c, "taking a secret", &res,
	                       SECRET_COLUMNS "WHERE s.hash = $1 AND s.kind = "
	                                      "$2 " SECRET_LIVE
	                                      " FOR UPDATE OF s",
	                       3, params);

	if (err == 0 && PQntuples(res) == 1) {
		err = emit_secret(res, a->cb, a->payload);
		if (err == 0)
			err = cw_pg__query(
			        c, "taking a secret", NULL,
			        "UPDATE ob3_secrets SET used_at_ms = "
			        "$3::bigint WHERE hash = $1 AND kind "
			        "= $2",
			        3, params);
		PQclear(res);
		return err;
	}
	PQclear(res);
	res = NULL;
	if (err == 0)
		err = cw_pg__query(
		        c, "taking a secret", &res,
		        "SELECT grant_id FROM ob3_secrets WHERE hash "
		        "= $1 AND kind = $2 AND used_at_ms IS NOT "
		        "NULL",
		        2, params);
	if (err == 0 && PQntuples(res) == 1) {
		err = revoke_grant(c, PQgetvalue(res, 0, 0), a->now_ms);
		a->replayed = err == 0;
	} else if (err == 0) {
		cw_error_set("unknown, expired or revoked %s", a->kind);
		err = CW_ENOTFOUND;
	}
	PQclear(res);
	return err;
}

int cw_pg__ob3_secret_take(cw_store *store, const char *hash, const char *kind,
                           int64_t now_ms, cw_ob3_secret_cb cb, void *payload)
{
	take_args a = { hash, kind, now_ms, cb, payload, 0 };
	int err = cw_pg__transaction((pg_store *)store, "taking a secret",
	                             take_body, &a);

	/* The replay's revocation is committed; the take still fails. */
	if (err == 0 && a.replayed) {
		cw_error_set("the %s was used before: its grant is revoked",
		             kind);
		err = CW_EEXISTS;
	}
	return err;
}

int cw_pg__ob3_secret_get(cw_store *store, const char *hash, const char *kind,
                          int64_t now_ms, cw_ob3_secret_cb cb, void *payload)
{
	char now[CW_PG_INT_TEXT];
	const char *params[3] = { hash, kind, cw_pg__int(now, now_ms) };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "reading a secret", &res,
	                     SECRET_COLUMNS "WHERE s.hash = $1 AND s.kind = "
	                                    "$2 " SECRET_LIVE,
	                     3, params);

	if (err == 0 && PQntuples(res) == 0) {
		cw_error_set("unknown, expired or revoked %s", kind);
		err = CW_ENOTFOUND;
	}
	if (err == 0)
		err = emit_secret(res, cb, payload);
	PQclear(res);
	return err;
}

int cw_pg__ob3_grant_revoke(cw_store *store, const char *grant_id,
                            int64_t now_ms)
{
	char now[CW_PG_INT_TEXT];
	const char *params[2] = { grant_id, cw_pg__int(now, now_ms) };

	return cw_pg__run((pg_store *)store, "revoking a grant", NULL,
	                  "UPDATE ob3_secrets SET revoked_at_ms = $2 WHERE "
	                  "grant_id = $1 AND revoked_at_ms IS NULL",
	                  2, params);
}

int cw_pg__ob3_secret_purge(cw_store *store, int64_t before_ms, int *purged)
{
	char before[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(before, before_ms) };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "purging secrets", &res,
	                     "DELETE FROM ob3_secrets WHERE expires_at_ms < $1",
	                     1, params);

	if (err == 0 && purged)
		*purged = cw_pg__changed(res);
	PQclear(res);
	return err;
}

/* ---- credentials --------------------------------------------------------- */

int cw_pg__ob3_credential_put(cw_store *store, const cw_ob3_credential *c,
                              int *created)
{
	char tenant[CW_PG_INT_TEXT], holder[CW_PG_INT_TEXT];
	const char *params[6] = { cw_pg__int(tenant, c->tenant_id),
		                  cw_pg__int(holder, c->holder_id),
		                  c->id,
		                  c->credential,
		                  c->format,
		                  c->at };
	PGresult *res = NULL;
	/* xmax is 0 on a row the statement inserted, not on one it updated. */
	int err = cw_pg__run(
	        (pg_store *)store, "storing a credential", &res,
	        "INSERT INTO ob3_credentials (tenant_id, holder_id, id, "
	        "credential, format, created_at, updated_at) VALUES ($1, $2, "
	        "$3, $4, $5, $6, $6) ON CONFLICT (tenant_id, holder_id, id) DO "
	        "UPDATE SET credential = excluded.credential, format = "
	        "excluded.format, updated_at = excluded.updated_at RETURNING "
	        "(xmax = 0)::int",
	        6, params);

	if (err == 0)
		*created = cw_pg__get_int(res, 0, 0) == 1;
	PQclear(res);
	return err;
}

/* Both sources with $4 (since) applied; revoked credentials stay: they are
 * still the holder's, and their status list says they are revoked. */
#define HOLDER_CREDENTIALS                                                     \
	"WITH mine AS (SELECT id, credential, format, updated_at AS at FROM "  \
	"ob3_credentials WHERE tenant_id = $1 AND holder_id = $2), every AS (" \
	"SELECT * FROM mine UNION ALL SELECT id, credential, CASE format "     \
	"WHEN 'jwt' THEN 'jwt' ELSE 'json' END, issued_at FROM "               \
	"badge_credentials WHERE tenant_id = $1 AND recipient = $3 AND id "    \
	"NOT IN (SELECT id FROM mine)) SELECT "

typedef struct {
	const char *params[6];
	int64_t tenant_id, holder_id, *total;
	cw_ob3_credential_cb cb;
	void *payload;
} list_args;

static int list_body(pg_connection *c, void *arg)
{
	list_args *a = arg;
	PGresult *res = NULL;
	int err;

	/* One snapshot for the count and the page. */
	if ((err = cw_pg__exec(c,
	                       "SET TRANSACTION ISOLATION LEVEL REPEATABLE "
	                       "READ, READ ONLY",
	                       "listing credentials")) < 0 ||
	    (err = cw_pg__query(c, "counting credentials", &res,
	                        HOLDER_CREDENTIALS
	                        "count(*) FROM every WHERE $4::text IS NULL "
	                        "OR at > $4::text",
	                        4, a->params)) < 0)
		return err;
	*a->total = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	res = NULL;
	err = cw_pg__query(c, "listing credentials", &res,
	                   HOLDER_CREDENTIALS
	                   "id, credential, format, at FROM every WHERE "
	                   "$4::text IS NULL OR at > $4::text ORDER BY at, id "
	                   "LIMIT $5 OFFSET $6",
	                   6, a->params);
	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		cw_ob3_credential cred = { a->tenant_id,
			                   a->holder_id,
			                   cw_pg__get_text(res, i, 0),
			                   cw_pg__get_text(res, i, 1),
			                   cw_pg__get_text(res, i, 2),
			                   cw_pg__get_text(res, i, 3) };

		err = a->cb(&cred, a->payload);
	}
	PQclear(res);
	return err;
}

int cw_pg__ob3_credential_list(cw_store *store, int64_t tenant_id,
                               int64_t holder_id, const char *recipient,
                               const char *since, int64_t offset, int64_t limit,
                               int64_t *total, cw_ob3_credential_cb cb,
                               void *payload)
{
	char tenant[CW_PG_INT_TEXT], holder[CW_PG_INT_TEXT],
	        count[CW_PG_INT_TEXT], skip[CW_PG_INT_TEXT];
	/* A negative limit is none, as SQLite's LIMIT -1. */
	list_args a = { { cw_pg__int(tenant, tenant_id),
		          cw_pg__int(holder, holder_id), recipient, since,
		          limit < 0 ? NULL : cw_pg__int(count, limit),
		          cw_pg__int(skip, offset) },
		        tenant_id,
		        holder_id,
		        total,
		        cb,
		        payload };

	*total = 0;
	return cw_pg__transaction((pg_store *)store, "listing credentials",
	                          list_body, &a);
}
