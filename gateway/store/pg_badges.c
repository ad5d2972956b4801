/* Open Badges issuing on PostgreSQL (migrations 0008, 0011): issuers and
 * their sealed keys, achievements, issued credentials, OB 2.0 assertions
 * and revocation lists.
 * Every query names its tenant; writes of several rows are one
 * transaction. */
#include "store/pg_internal.h"

#include "util/error.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

/* Runs body(c, arg) inside BEGIN … COMMIT on a borrowed connection; rolls
 * back when it fails. */
static int in_transaction(cw_store *store,
                          int (*body)(pg_connection *c, const void *arg),
                          const void *arg)
{
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	int err = cw_pg__acquire(s, &c);

	if (err < 0)
		return err;
	if ((err = cw_pg__exec(c, "BEGIN", "starting a badge write")) == 0) {
		err = body(c, arg);
		if (err == 0)
			err = cw_pg__exec(c, "COMMIT",
			                  "committing a badge write");
		if (err < 0)
			PQclear(PQexec(c->conn, "ROLLBACK"));
	}
	cw_pg__release(s, c);
	return err;
}

static int affected(const PGresult *res)
{
	return (int)strtol(PQcmdTuples((PGresult *)res), NULL, 10);
}

/* 1 when the tenant has the issuer, 0 when not, or an error. */
static int issuer_exists(pg_connection *c, const char *tenant,
                         const char *issuer)
{
	const char *params[2] = { tenant, issuer };
	PGresult *res = NULL;
	int err = cw_pg__query(c, "reading an issuer", &res,
	                       "SELECT 1 FROM badge_issuers WHERE tenant_id = "
	                       "$1 AND id = $2",
	                       2, params);

	if (err == 0)
		err = PQntuples(res) > 0;
	PQclear(res);
	return err;
}

/* ---- issuers and keys ---------------------------------------------------- */

static int insert_key(pg_connection *c, const cw_badge_key *k)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[8] = { cw_pg__int(tenant, k->tenant_id),
		                  k->issuer,
		                  k->kid,
		                  k->type,
		                  k->public_jwk,
		                  k->public_multibase,
		                  k->private_sealed,
		                  k->created_at };

	return cw_pg__query(c, "storing a key", NULL,
	                    "INSERT INTO badge_issuer_keys (tenant_id, issuer, "
	                    "kid, type, public_jwk, public_multibase, "
	                    "private_sealed, status, created_at) VALUES ($1, "
	                    "$2, $3, $4, $5, $6, $7, 'active', $8)",
	                    8, params);
}

typedef struct {
	const cw_badge_issuer *issuer;
	const cw_badge_key *keys;
	size_t key_count;
	int64_t size;
} issuer_args;

static int issuer_add(pg_connection *c, const void *arg)
{
	const issuer_args *a = arg;
	const cw_badge_issuer *i = a->issuer;
	char tenant[CW_PG_INT_TEXT], size[CW_PG_INT_TEXT];
	const char *params[10] = { cw_pg__int(tenant, i->tenant_id),
		                   i->id,
		                   i->name,
		                   i->url,
		                   i->email,
		                   i->description,
		                   i->image,
		                   i->created_at,
		                   i->id_kind,
		                   i->public_id };
	const char *list[3] = { tenant, i->id, cw_pg__int(size, a->size) };
	int err = cw_pg__query(c, "adding an issuer", NULL,
	                       "INSERT INTO badge_issuers (tenant_id, id, "
	                       "name, url, email, description, image, "
	                       "created_at, id_kind, public_id) VALUES ($1, "
	                       "$2, $3, $4, $5, $6, $7, $8, coalesce($9, "
	                       "'default'), $10)",
	                       10, params);

	for (size_t k = 0; err == 0 && k < a->key_count; k++)
		err = insert_key(c, &a->keys[k]);
	if (err == 0)
		err = cw_pg__query(c, "adding a revocation list", NULL,
		                   "INSERT INTO badge_status_lists (tenant_id, "
		                   "issuer, purpose, size, next_index) VALUES "
		                   "($1, $2, 'revocation', $3, 0)",
		                   3, list);
	return err;
}

int cw_pg__badge_issuer_add(cw_store *store, const cw_badge_issuer *issuer,
                            const cw_badge_key *keys, size_t key_count,
                            int64_t status_list_size)
{
	issuer_args a = { issuer, keys, key_count, status_list_size };
	int err = in_transaction(store, issuer_add, &a);

	if (err == CW_EEXISTS)
		cw_error_set("the tenant has an issuer %s already", issuer->id);
	return err;
}

#define ISSUER_COLUMNS                                                         \
	"SELECT tenant_id, id, name, url, email, description, image, "         \
	"created_at, id_kind, public_id FROM badge_issuers "

static int each_issuer(const PGresult *res, cw_badge_issuer_cb cb,
                       void *payload)
{
	int err = 0;

	for (int r = 0; err == 0 && r < PQntuples(res); r++) {
		cw_badge_issuer i = {
			cw_pg__get_int(res, r, 0),  cw_pg__get_text(res, r, 1),
			cw_pg__get_text(res, r, 2), cw_pg__get_text(res, r, 3),
			cw_pg__get_text(res, r, 4), cw_pg__get_text(res, r, 5),
			cw_pg__get_text(res, r, 6), cw_pg__get_text(res, r, 7),
			cw_pg__get_text(res, r, 8), cw_pg__get_text(res, r, 9)
		};
		err = cb(&i, payload);
	}
	return err;
}

int cw_pg__badge_issuer_get(cw_store *store, int64_t tenant_id, const char *id,
                            cw_badge_issuer_cb cb, void *payload)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), id };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "reading an issuer", &res,
	                     ISSUER_COLUMNS "WHERE tenant_id = $1 AND id = $2",
	                     2, params);

	if (err == 0 && PQntuples(res) == 0) {
		cw_error_set("the tenant has no issuer %s", id);
		err = CW_ENOTFOUND;
	}
	if (err == 0)
		err = each_issuer(res, cb, payload);
	PQclear(res);
	return err;
}

int cw_pg__badge_issuer_list(cw_store *store, int64_t tenant_id,
                             cw_badge_issuer_cb cb, void *payload)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[1] = { cw_pg__int(tenant, tenant_id) };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "listing issuers", &res,
	                     ISSUER_COLUMNS "WHERE tenant_id = $1 ORDER BY "
	                                    "created_at, id",
	                     1, params);

	if (err == 0)
		err = each_issuer(res, cb, payload);
	PQclear(res);
	return err;
}

static int key_rotate(pg_connection *c, const void *arg)
{
	const cw_badge_key *k = arg;
	char tenant[CW_PG_INT_TEXT];
	const char *params[4] = { cw_pg__int(tenant, k->tenant_id), k->issuer,
		                  k->type, k->created_at };
	int err = issuer_exists(c, tenant, k->issuer);

	if (err == 0) {
		cw_error_set("the tenant has no issuer %s", k->issuer);
		return CW_ENOTFOUND;
	}
	if (err > 0)
		err = cw_pg__query(c, "retiring a key", NULL,
		                   "UPDATE badge_issuer_keys SET status = "
		                   "'retired', retired_at = $4 WHERE tenant_id "
		                   "= $1 AND issuer = $2 AND type = $3 AND "
		                   "status = 'active'",
		                   4, params);
	return err < 0 ? err : insert_key(c, k);
}

int cw_pg__badge_key_rotate(cw_store *store, const cw_badge_key *key)
{
	return in_transaction(store, key_rotate, key);
}

int cw_pg__badge_key_list(cw_store *store, int64_t tenant_id,
                          const char *issuer, cw_badge_key_cb cb, void *payload)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), issuer };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "listing keys", &res,
	                     "SELECT tenant_id, issuer, kid, type, public_jwk, "
	                     "public_multibase, private_sealed, status, "
	                     "created_at, retired_at FROM badge_issuer_keys "
	                     "WHERE tenant_id = $1 AND issuer = $2 ORDER BY "
	                     "created_at, ord",
	                     2, params);

	for (int r = 0; err == 0 && r < PQntuples(res); r++) {
		cw_badge_key k = {
			cw_pg__get_int(res, r, 0),  cw_pg__get_text(res, r, 1),
			cw_pg__get_text(res, r, 2), cw_pg__get_text(res, r, 3),
			cw_pg__get_text(res, r, 4), cw_pg__get_text(res, r, 5),
			cw_pg__get_text(res, r, 6), cw_pg__get_text(res, r, 7),
			cw_pg__get_text(res, r, 8), cw_pg__get_text(res, r, 9)
		};
		err = cb(&k, payload);
	}
	PQclear(res);
	return err;
}

/* ---- achievements -------------------------------------------------------- */

static int achievement_put(pg_connection *c, const void *arg)
{
	const cw_badge_achievement *a = arg;
	char tenant[CW_PG_INT_TEXT];
	const char *params[6] = { cw_pg__int(tenant, a->tenant_id),
		                  a->id,
		                  a->issuer,
		                  a->document,
		                  a->case_item,
		                  a->updated_at };
	PGresult *res = NULL;
	int err = issuer_exists(c, tenant, a->issuer);

	if (err == 0) {
		cw_error_set("the tenant has no issuer %s", a->issuer);
		return CW_ENOTFOUND;
	}
	if (err < 0 ||
	    (err = cw_pg__query(
	             c, "storing an achievement", &res,
	             "INSERT INTO badge_achievements (tenant_id, id, issuer, "
	             "document, case_item, created_at, updated_at) VALUES ($1, "
	             "$2, $3, $4, $5, $6, $6) ON CONFLICT (tenant_id, id) DO "
	             "UPDATE SET document = excluded.document, case_item = "
	             "excluded.case_item, updated_at = excluded.updated_at "
	             "WHERE badge_achievements.issuer = excluded.issuer",
	             6, params)) < 0)
		return err;
	if (affected(res) == 0) {
		cw_error_set("achievement %s belongs to another issuer", a->id);
		err = CW_EEXISTS;
	}
	PQclear(res);
	return err;
}

int cw_pg__badge_achievement_put(cw_store *store,
                                 const cw_badge_achievement *achievement)
{
	return in_transaction(store, achievement_put, achievement);
}

int cw_pg__badge_achievement_get(cw_store *store, int64_t tenant_id,
                                 const char *id, cw_badge_achievement_cb cb,
                                 void *payload)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), id };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "reading an achievement", &res,
	                     "SELECT tenant_id, id, issuer, document, "
	                     "case_item, created_at, updated_at FROM "
	                     "badge_achievements WHERE tenant_id = $1 AND id "
	                     "= $2",
	                     2, params);

	if (err == 0 && PQntuples(res) == 0) {
		cw_error_set("the tenant has no achievement %s", id);
		err = CW_ENOTFOUND;
	}
	if (err == 0) {
		cw_badge_achievement a = {
			cw_pg__get_int(res, 0, 0),  cw_pg__get_text(res, 0, 1),
			cw_pg__get_text(res, 0, 2), cw_pg__get_text(res, 0, 3),
			cw_pg__get_text(res, 0, 4), cw_pg__get_text(res, 0, 5),
			cw_pg__get_text(res, 0, 6)
		};
		err = cb(&a, payload);
	}
	PQclear(res);
	return err;
}

/* ---- credentials and status lists ---------------------------------------- */

int cw_pg__badge_status_reserve(cw_store *store, int64_t tenant_id,
                                const char *issuer, int64_t count,
                                int64_t *first, int64_t *size)
{
	char tenant[CW_PG_INT_TEXT], n[CW_PG_INT_TEXT], lists[CW_PG_INT_TEXT];
	const char *params[4] = {
		cw_pg__int(tenant, tenant_id), issuer, cw_pg__int(n, count),
		cw_pg__int(lists, CW_BADGE_STATUS_LISTS_MAX)
	};
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	PGresult *res = NULL;
	int err = cw_pg__acquire(s, &c);

	*first = *size = 0;
	if (err < 0)
		return err;
	/* One statement: the row lock orders nodes reserving at once. The
	 * indexes run on past one list (list i / size, bit i % size). */
	err = cw_pg__query(c, "reserving status list indexes", &res,
	                   "UPDATE badge_status_lists SET next_index = "
	                   "next_index + $3 WHERE tenant_id = $1 AND issuer = "
	                   "$2 AND purpose = 'revocation' AND next_index + $3 "
	                   "<= size * $4::bigint RETURNING next_index - $3, "
	                   "size",
	                   4, params);
	if (err == 0 && PQntuples(res) == 1) {
		*first = cw_pg__get_int(res, 0, 0);
		*size = cw_pg__get_int(res, 0, 1);
	} else if (err == 0) {
		PGresult *list = NULL;

		err = cw_pg__query(c, "reading a revocation list", &list,
		                   "SELECT 1 FROM badge_status_lists WHERE "
		                   "tenant_id = $1 AND issuer = $2",
		                   2, params);
		if (err == 0 && PQntuples(list) > 0) {
			cw_error_set("the %d revocation lists of issuer %s "
			             "have no room for %lld more credentials",
			             CW_BADGE_STATUS_LISTS_MAX, issuer,
			             (long long)count);
			err = CW_ETOOBIG;
		} else if (err == 0) {
			cw_error_set("the tenant has no issuer %s", issuer);
			err = CW_ENOTFOUND;
		}
		PQclear(list);
	}
	PQclear(res);
	cw_pg__release(s, c);
	return err;
}

typedef struct {
	const cw_badge_credential *list;
	size_t count;
} credentials_args;

static int credentials_add(pg_connection *c, const void *arg)
{
	const credentials_args *a = arg;
	int err = 0;

	for (size_t i = 0; err == 0 && i < a->count; i++) {
		const cw_badge_credential *k = &a->list[i];
		char tenant[CW_PG_INT_TEXT], index[CW_PG_INT_TEXT];
		const char *params[9] = {
			cw_pg__int(tenant, k->tenant_id),
			k->id,
			k->issuer,
			k->achievement,
			k->recipient,
			k->credential,
			k->format,
			cw_pg__int(index, k->status_list_index),
			k->issued_at,
		};

		err = cw_pg__query(c, "storing a credential", NULL,
		                   "INSERT INTO badge_credentials (tenant_id, "
		                   "id, issuer, achievement, recipient, "
		                   "credential, format, status_list_index, "
		                   "issued_at) VALUES ($1, $2, $3, $4, $5, $6, "
		                   "$7, $8, $9)",
		                   9, params);
	}
	return err;
}

int cw_pg__badge_credentials_add(cw_store *store,
                                 const cw_badge_credential *credentials,
                                 size_t count)
{
	credentials_args a = { credentials, count };

	return in_transaction(store, credentials_add, &a);
}

#define CREDENTIAL_COLUMNS(credential)                                         \
	"SELECT tenant_id, id, issuer, achievement, recipient, " credential    \
	", format, status_list_index, issued_at, revoked_at, revoked_reason "  \
	"FROM badge_credentials "

static int each_credential(const PGresult *res, cw_badge_credential_cb cb,
                           void *payload)
{
	int err = 0;

	for (int r = 0; err == 0 && r < PQntuples(res); r++) {
		cw_badge_credential k = {
			cw_pg__get_int(res, r, 0),  cw_pg__get_text(res, r, 1),
			cw_pg__get_text(res, r, 2), cw_pg__get_text(res, r, 3),
			cw_pg__get_text(res, r, 4), cw_pg__get_text(res, r, 5),
			cw_pg__get_text(res, r, 6), cw_pg__get_int(res, r, 7),
			cw_pg__get_text(res, r, 8), cw_pg__get_text(res, r, 9),
			cw_pg__get_text(res, r, 10)
		};
		err = cb(&k, payload);
	}
	return err;
}

int cw_pg__badge_credential_get(cw_store *store, int64_t tenant_id,
                                const char *id, cw_badge_credential_cb cb,
                                void *payload)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), id };
	PGresult *res = NULL;
	int err =
	        cw_pg__run((pg_store *)store, "reading a credential", &res,
	                   CREDENTIAL_COLUMNS("credential") "WHERE tenant_id "
	                                                    "= $1 AND id = $2",
	                   2, params);

	if (err == 0 && PQntuples(res) == 0) {
		cw_error_set("the tenant has no credential %s", id);
		err = CW_ENOTFOUND;
	}
	if (err == 0)
		err = each_credential(res, cb, payload);
	PQclear(res);
	return err;
}

int cw_pg__badge_credential_revoke(cw_store *store, int64_t tenant_id,
                                   const char *id, const char *at,
                                   const char *reason)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[4] = { cw_pg__int(tenant, tenant_id), id, at,
		                  reason };
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	PGresult *res = NULL;
	int err = cw_pg__acquire(s, &c);

	if (err < 0)
		return err;
	err = cw_pg__query(c, "revoking a credential", &res,
	                   "UPDATE badge_credentials SET revoked_at = $3, "
	                   "revoked_reason = $4 WHERE tenant_id = $1 AND id = "
	                   "$2 AND revoked_at IS NULL",
	                   4, params);
	if (err == 0 && affected(res) == 0) {
		PQclear(res);
		res = NULL;
		err = cw_pg__query(c, "reading a credential", &res,
		                   "SELECT 1 FROM badge_credentials WHERE "
		                   "tenant_id = $1 AND id = $2",
		                   2, params);
		if (err == 0) {
			int held = PQntuples(res) > 0;

			cw_error_set(held ? "credential %s is revoked already"
			                  : "the tenant has no credential %s",
			             id);
			err = held ? CW_EEXISTS : CW_ENOTFOUND;
		}
	}
	PQclear(res);
	cw_pg__release(s, c);
	return err;
}

int cw_pg__badge_revoked_list(cw_store *store, int64_t tenant_id,
                              const char *issuer, cw_badge_credential_cb cb,
                              void *payload)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), issuer };
	PGresult *res = NULL;
	int err =
	        cw_pg__run((pg_store *)store, "listing revocations", &res,
	                   CREDENTIAL_COLUMNS("NULL") "WHERE tenant_id = $1 "
	                                              "AND issuer = $2 AND "
	                                              "revoked_at IS NOT NULL "
	                                              "ORDER BY "
	                                              "status_list_index",
	                   2, params);

	if (err == 0)
		err = each_credential(res, cb, payload);
	PQclear(res);
	return err;
}

int cw_pg__badge_status_list_get(cw_store *store, int64_t tenant_id,
                                 const char *issuer, int64_t *size,
                                 int64_t *next_index)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), issuer };
	PGresult *res = NULL;
	int err =
	        cw_pg__run((pg_store *)store, "reading a revocation list", &res,
	                   "SELECT next_index, size FROM badge_status_lists "
	                   "WHERE tenant_id = $1 AND issuer = $2 AND purpose "
	                   "= 'revocation'",
	                   2, params);

	*size = *next_index = 0;
	if (err == 0 && PQntuples(res) == 0) {
		cw_error_set("the tenant has no issuer %s", issuer);
		err = CW_ENOTFOUND;
	}
	if (err == 0) {
		*next_index = cw_pg__get_int(res, 0, 0);
		*size = cw_pg__get_int(res, 0, 1);
	}
	PQclear(res);
	return err;
}

/* ---- OB 2.0 assertions --------------------------------------------------- */

typedef struct {
	const cw_badge_assertion *list;
	size_t count;
} assertion_args;

static int assertions_insert(pg_connection *c, const void *arg)
{
	const assertion_args *a = arg;
	int err = 0;

	for (size_t i = 0; err == 0 && i < a->count; i++) {
		const cw_badge_assertion *x = &a->list[i];
		char tenant[CW_PG_INT_TEXT];
		const char *params[9] = { cw_pg__int(tenant, x->tenant_id),
			                  x->id,
			                  x->issuer,
			                  x->achievement,
			                  x->recipient,
			                  x->verification,
			                  x->assertion,
			                  x->jws,
			                  x->issued_at };

		err = cw_pg__query(
		        c, "storing an assertion", NULL,
		        "INSERT INTO badge_assertions (tenant_id, "
		        "id, issuer, achievement, recipient, "
		        "verification, assertion, jws, issued_at) "
		        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		        9, params);
	}
	return err;
}

int cw_pg__badge_assertions_add(cw_store *store,
                                const cw_badge_assertion *assertions,
                                size_t count)
{
	assertion_args a = { assertions, count };

	return in_transaction(store, assertions_insert, &a);
}

static int each_assertion(const PGresult *res, cw_badge_assertion_cb cb,
                          void *payload)
{
	int err = 0;

	for (int r = 0; err == 0 && r < PQntuples(res); r++) {
		cw_badge_assertion a = {
			cw_pg__get_int(res, r, 0),   cw_pg__get_text(res, r, 1),
			cw_pg__get_text(res, r, 2),  cw_pg__get_text(res, r, 3),
			cw_pg__get_text(res, r, 4),  cw_pg__get_text(res, r, 5),
			cw_pg__get_text(res, r, 6),  cw_pg__get_text(res, r, 7),
			cw_pg__get_text(res, r, 8),  cw_pg__get_text(res, r, 9),
			cw_pg__get_text(res, r, 10),
		};
		err = cb(&a, payload);
	}
	return err;
}

#define ASSERTION_COLUMNS(texts)                                               \
	"SELECT tenant_id, id, issuer, achievement, recipient, "               \
	"verification, " texts ", issued_at, revoked_at, revoked_reason "      \
	"FROM badge_assertions "

int cw_pg__badge_assertion_get(cw_store *store, int64_t tenant_id,
                               const char *id, cw_badge_assertion_cb cb,
                               void *payload)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), id };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "reading an assertion", &res,
	                     ASSERTION_COLUMNS("assertion, jws") "WHERE "
	                                                         "tenant_id = "
	                                                         "$1 AND id = "
	                                                         "$2",
	                     2, params);

	if (err == 0 && PQntuples(res) == 0) {
		cw_error_set("the tenant has no assertion %s", id);
		err = CW_ENOTFOUND;
	}
	if (err == 0)
		err = each_assertion(res, cb, payload);
	PQclear(res);
	return err;
}

int cw_pg__badge_assertion_revoke(cw_store *store, int64_t tenant_id,
                                  const char *id, const char *at,
                                  const char *reason)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[4] = { cw_pg__int(tenant, tenant_id), id, at,
		                  reason };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "revoking an assertion", &res,
	                     "UPDATE badge_assertions SET revoked_at = $3, "
	                     "revoked_reason = $4 WHERE tenant_id = $1 AND "
	                     "id = $2 AND revoked_at IS NULL",
	                     4, params);

	if (err == 0 && affected(res) == 0) {
		PQclear(res);
		res = NULL;
		err = cw_pg__run((pg_store *)store, "reading an assertion",
		                 &res,
		                 "SELECT 1 FROM badge_assertions WHERE "
		                 "tenant_id = $1 AND id = $2",
		                 2, params);
		if (err == 0) {
			int held = PQntuples(res) > 0;

			cw_error_set(held ? "assertion %s is revoked already"
			                  : "the tenant has no assertion %s",
			             id);
			err = held ? CW_EEXISTS : CW_ENOTFOUND;
		}
	}
	PQclear(res);
	return err;
}

int cw_pg__badge_assertion_revoked_list(cw_store *store, int64_t tenant_id,
                                        const char *issuer,
                                        cw_badge_assertion_cb cb, void *payload)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), issuer };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "listing revoked assertions",
	                     &res,
	                     ASSERTION_COLUMNS("NULL, NULL") "WHERE tenant_id "
	                                                     "= $1 AND issuer "
	                                                     "= $2 AND "
	                                                     "revoked_at IS "
	                                                     "NOT NULL ORDER "
	                                                     "BY revoked_at, "
	                                                     "id",
	                     2, params);

	if (err == 0)
		err = each_assertion(res, cb, payload);
	PQclear(res);
	return err;
}
