/* Open Badges issuing in SQLite (migrations 0008, 0011): issuers and their
 * sealed keys, achievements, issued credentials, OB 2.0 assertions and
 * revocation lists. Every query names its tenant. */
#include "store/sqlite_internal.h"

#include "util/error.h"

#include <stdarg.h>
#include <string.h>

/* ---- issuers and keys ---------------------------------------------------- */

#define INSERT_KEY                                                             \
	"INSERT INTO badge_issuer_keys (tenant_id, issuer, kid, type, "        \
	"public_jwk, public_multibase, private_sealed, status, created_at) "   \
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'active', ?8)"

static int insert_key(sqlite3 *db, const cw_badge_key *k)
{
	return cw_sqlite__run(db, INSERT_KEY, NULL, NULL, NULL, NULL,
	                      "itttttt"
	                      "t",
	                      k->tenant_id, k->issuer, k->kid, k->type,
	                      k->public_jwk, k->public_multibase,
	                      k->private_sealed, k->created_at);
}

static int issuer_add(sqlite3 *db, const cw_badge_issuer *i,
                      const cw_badge_key *keys, size_t key_count, int64_t size)
{
	int err = cw_sqlite__run(
	        db,
	        "INSERT INTO badge_issuers (tenant_id, id, name, url, "
	        "email, description, image, created_at, id_kind, "
	        "public_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	        "coalesce(?9, 'default'), ?10)",
	        NULL, NULL, NULL, NULL,
	        "itttttttt"
	        "t",
	        i->tenant_id, i->id, i->name, i->url, i->email, i->description,
	        i->image, i->created_at, i->id_kind, i->public_id);

	for (size_t k = 0; err == 0 && k < key_count; k++)
		err = insert_key(db, &keys[k]);
	if (err == 0)
		err = cw_sqlite__run(
		        db,
		        "INSERT INTO badge_status_lists (tenant_id, issuer, "
		        "purpose, size, next_index) VALUES (?1, ?2, "
		        "'revocation', ?3, 0)",
		        NULL, NULL, NULL, NULL, "iti", i->tenant_id, i->id,
		        size);
	return err;
}

int cw_sqlite__badge_issuer_add(cw_store *store, const cw_badge_issuer *issuer,
                                const cw_badge_key *keys, size_t key_count,
                                int64_t status_list_size)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	if ((err = cw_sqlite__exec(db, "BEGIN IMMEDIATE")) == 0)
		err = cw_sqlite__end(db, issuer_add(db, issuer, keys, key_count,
		                                    status_list_size));
	if (err == CW_EEXISTS)
		cw_error_set("the tenant has an issuer %s already", issuer->id);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

typedef struct {
	cw_badge_issuer_cb cb;
	void *payload;
} issuer_rows;

static int issuer_row(sqlite3_stmt *st, void *payload)
{
	issuer_rows *r = payload;
	cw_badge_issuer i = {
		sqlite3_column_int64(st, 0), cw_sqlite__text(st, 1),
		cw_sqlite__text(st, 2),      cw_sqlite__text(st, 3),
		cw_sqlite__text(st, 4),      cw_sqlite__text(st, 5),
		cw_sqlite__text(st, 6),      cw_sqlite__text(st, 7),
		cw_sqlite__text(st, 8),      cw_sqlite__text(st, 9)
	};

	return r->cb(&i, r->payload);
}

#define ISSUER_COLUMNS                                                         \
	"SELECT tenant_id, id, name, url, email, description, image, "         \
	"created_at, id_kind, public_id FROM badge_issuers "

int cw_sqlite__badge_issuer_get(cw_store *store, int64_t tenant_id,
                                const char *id, cw_badge_issuer_cb cb,
                                void *payload)
{
	issuer_rows r = { cb, payload };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(db,
	                     ISSUER_COLUMNS "WHERE tenant_id = ?1 AND id = ?2",
	                     issuer_row, &r, &rows, NULL, "it", tenant_id, id);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && rows == 0) {
		cw_error_set("the tenant has no issuer %s", id);
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__badge_issuer_list(cw_store *store, int64_t tenant_id,
                                 cw_badge_issuer_cb cb, void *payload)
{
	issuer_rows r = { cb, payload };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(db,
	                     ISSUER_COLUMNS "WHERE tenant_id = ?1 ORDER BY "
	                                    "created_at, id",
	                     issuer_row, &r, NULL, NULL, "i", tenant_id);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

static int key_rotate(sqlite3 *db, const cw_badge_key *k)
{
	int rows = 0;
	int err = cw_sqlite__run(
	        db,
	        "SELECT 1 FROM badge_issuers WHERE tenant_id = ?1 AND "
	        "id = ?2",
	        NULL, NULL, &rows, NULL, "it", k->tenant_id, k->issuer);

	if (err == 0 && rows == 0) {
		cw_error_set("the tenant has no issuer %s", k->issuer);
		return CW_ENOTFOUND;
	}
	if (err == 0)
		err = cw_sqlite__run(
		        db,
		        "UPDATE badge_issuer_keys SET status = 'retired', "
		        "retired_at = ?4 WHERE tenant_id = ?1 AND issuer = "
		        "?2 AND type = ?3 AND status = 'active'",
		        NULL, NULL, NULL, NULL,
		        "itt"
		        "t",
		        k->tenant_id, k->issuer, k->type, k->created_at);
	return err < 0 ? err : insert_key(db, k);
}

int cw_sqlite__badge_key_rotate(cw_store *store, const cw_badge_key *key)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	if ((err = cw_sqlite__exec(db, "BEGIN IMMEDIATE")) == 0)
		err = cw_sqlite__end(db, key_rotate(db, key));
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

typedef struct {
	cw_badge_key_cb cb;
	void *payload;
} key_rows;

static int key_row(sqlite3_stmt *st, void *payload)
{
	key_rows *r = payload;
	cw_badge_key k = {
		sqlite3_column_int64(st, 0), cw_sqlite__text(st, 1),
		cw_sqlite__text(st, 2),      cw_sqlite__text(st, 3),
		cw_sqlite__text(st, 4),      cw_sqlite__text(st, 5),
		cw_sqlite__text(st, 6),      cw_sqlite__text(st, 7),
		cw_sqlite__text(st, 8),      cw_sqlite__text(st, 9)
	};

	return r->cb(&k, r->payload);
}

int cw_sqlite__badge_key_list(cw_store *store, int64_t tenant_id,
                              const char *issuer, cw_badge_key_cb cb,
                              void *payload)
{
	key_rows r = { cb, payload };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        "SELECT tenant_id, issuer, kid, type, public_jwk, "
	        "public_multibase, private_sealed, status, created_at, "
	        "retired_at FROM badge_issuer_keys WHERE tenant_id = ?1 "
	        "AND issuer = ?2 ORDER BY created_at, rowid",
	        key_row, &r, NULL, NULL, "it", tenant_id, issuer);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

/* ---- achievements -------------------------------------------------------- */

static int achievement_put(sqlite3 *db, const cw_badge_achievement *a)
{
	int rows = 0, changes = 0;
	int err = cw_sqlite__run(
	        db,
	        "SELECT 1 FROM badge_issuers WHERE tenant_id = ?1 AND "
	        "id = ?2",
	        NULL, NULL, &rows, NULL, "it", a->tenant_id, a->issuer);

	if (err == 0 && rows == 0) {
		cw_error_set("the tenant has no issuer %s", a->issuer);
		return CW_ENOTFOUND;
	}
	if (err == 0)
		err = cw_sqlite__run(
		        db,
		        "INSERT INTO badge_achievements (tenant_id, id, "
		        "issuer, document, case_item, created_at, "
		        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) "
		        "ON CONFLICT (tenant_id, id) DO UPDATE SET "
		        "document = excluded.document, case_item = "
		        "excluded.case_item, updated_at = excluded."
		        "updated_at WHERE issuer = excluded.issuer",
		        NULL, NULL, NULL, &changes,
		        "itttt"
		        "t",
		        a->tenant_id, a->id, a->issuer, a->document,
		        a->case_item, a->updated_at);
	if (err == 0 && changes == 0) {
		cw_error_set("achievement %s belongs to another issuer", a->id);
		err = CW_EEXISTS;
	}
	return err;
}

int cw_sqlite__badge_achievement_put(cw_store *store,
                                     const cw_badge_achievement *achievement)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	if ((err = cw_sqlite__exec(db, "BEGIN IMMEDIATE")) == 0)
		err = cw_sqlite__end(db, achievement_put(db, achievement));
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

typedef struct {
	cw_badge_achievement_cb cb;
	void *payload;
} achievement_rows;

static int achievement_row(sqlite3_stmt *st, void *payload)
{
	achievement_rows *r = payload;
	cw_badge_achievement a = {
		sqlite3_column_int64(st, 0), cw_sqlite__text(st, 1),
		cw_sqlite__text(st, 2),      cw_sqlite__text(st, 3),
		cw_sqlite__text(st, 4),      cw_sqlite__text(st, 5),
		cw_sqlite__text(st, 6)
	};

	return r->cb(&a, r->payload);
}

int cw_sqlite__badge_achievement_get(cw_store *store, int64_t tenant_id,
                                     const char *id, cw_badge_achievement_cb cb,
                                     void *payload)
{
	achievement_rows r = { cb, payload };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        "SELECT tenant_id, id, issuer, document, case_item, "
	        "created_at, updated_at FROM badge_achievements WHERE "
	        "tenant_id = ?1 AND id = ?2",
	        achievement_row, &r, &rows, NULL, "it", tenant_id, id);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && rows == 0) {
		cw_error_set("the tenant has no achievement %s", id);
		err = CW_ENOTFOUND;
	}
	return err;
}

/* ---- credentials and status lists ---------------------------------------- */

typedef struct {
	int64_t first, size;
} reserved;

static int reserve_row(sqlite3_stmt *st, void *payload)
{
	reserved *r = payload;

	r->first = sqlite3_column_int64(st, 0);
	r->size = sqlite3_column_int64(st, 1);
	return 0;
}

int cw_sqlite__badge_status_reserve(cw_store *store, int64_t tenant_id,
                                    const char *issuer, int64_t count,
                                    int64_t *first, int64_t *size)
{
	reserved r = { 0, 0 };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        "UPDATE badge_status_lists SET next_index = next_index + "
	        "?3 WHERE tenant_id = ?1 AND issuer = ?2 AND purpose = "
	        "'revocation' AND next_index + ?3 <= size * ?4 "
	        "RETURNING next_index - ?3, size",
	        reserve_row, &r, &rows, NULL, "itii", tenant_id, issuer, count,
	        (int64_t)CW_BADGE_STATUS_LISTS_MAX);
	if (err == 0 && rows == 0) {
		int exists = 0;

		err = cw_sqlite__run(
		        db,
		        "SELECT 1 FROM badge_status_lists WHERE tenant_id "
		        "= ?1 AND issuer = ?2",
		        NULL, NULL, &exists, NULL, "it", tenant_id, issuer);
		if (err == 0 && exists) {
			cw_error_set("the %d revocation lists of issuer %s "
			             "have no room for %lld more credentials",
			             CW_BADGE_STATUS_LISTS_MAX, issuer,
			             (long long)count);
			err = CW_ETOOBIG;
		} else if (err == 0) {
			cw_error_set("the tenant has no issuer %s", issuer);
			err = CW_ENOTFOUND;
		}
	}
	cw_sqlite__release((sqlite_store *)store, conn);
	*first = r.first;
	*size = r.size;
	return err;
}

static int credentials_add(sqlite3 *db, const cw_badge_credential *list,
                           size_t count)
{
	sqlite3_stmt *st = NULL;
	int err = 0;

	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO badge_credentials (tenant_id, id, "
	                       "issuer, achievement, recipient, credential, "
	                       "format, status_list_index, issued_at) VALUES "
	                       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	                       -1, &st, NULL) != SQLITE_OK)
		return cw_sqlite__fail(db, "preparing the credential insert");
	for (size_t i = 0; err == 0 && i < count; i++) {
		const cw_badge_credential *c = &list[i];

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, c->tenant_id);
		sqlite3_bind_text(st, 2, c->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, c->issuer, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, c->achievement, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, c->recipient, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, c->credential, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, c->format, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, c->status_list_index);
		sqlite3_bind_text(st, 9, c->issued_at, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			err = cw_sqlite__fail(db, "storing a credential");
	}
	sqlite3_finalize(st);
	return err;
}

int cw_sqlite__badge_credentials_add(cw_store *store,
                                     const cw_badge_credential *credentials,
                                     size_t count)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	if ((err = cw_sqlite__exec(db, "BEGIN IMMEDIATE")) == 0)
		err = cw_sqlite__end(db,
		                     credentials_add(db, credentials, count));
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

typedef struct {
	cw_badge_credential_cb cb;
	void *payload;
} credential_rows;

static int credential_row(sqlite3_stmt *st, void *payload)
{
	credential_rows *r = payload;
	cw_badge_credential c = {
		sqlite3_column_int64(st, 0), cw_sqlite__text(st, 1),
		cw_sqlite__text(st, 2),      cw_sqlite__text(st, 3),
		cw_sqlite__text(st, 4),      cw_sqlite__text(st, 5),
		cw_sqlite__text(st, 6),      sqlite3_column_int64(st, 7),
		cw_sqlite__text(st, 8),      cw_sqlite__text(st, 9),
		cw_sqlite__text(st, 10)
	};

	return r->cb(&c, r->payload);
}

#define CREDENTIAL_COLUMNS(credential)                                         \
	"SELECT tenant_id, id, issuer, achievement, recipient, " credential    \
	", format, status_list_index, issued_at, revoked_at, revoked_reason "  \
	"FROM badge_credentials "

int cw_sqlite__badge_credential_get(cw_store *store, int64_t tenant_id,
                                    const char *id, cw_badge_credential_cb cb,
                                    void *payload)
{
	credential_rows r = { cb, payload };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        CREDENTIAL_COLUMNS("credential") "WHERE tenant_id = ?1 "
	                                         "AND id = ?2",
	        credential_row, &r, &rows, NULL, "it", tenant_id, id);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && rows == 0) {
		cw_error_set("the tenant has no credential %s", id);
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__badge_credential_revoke(cw_store *store, int64_t tenant_id,
                                       const char *id, const char *at,
                                       const char *reason)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, changes = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        "UPDATE badge_credentials SET revoked_at = ?3, "
	        "revoked_reason = ?4 WHERE tenant_id = ?1 AND id = ?2 "
	        "AND revoked_at IS NULL",
	        NULL, NULL, NULL, &changes,
	        "itt"
	        "t",
	        tenant_id, id, at, reason);
	if (err == 0 && changes == 0 &&
	    (err = cw_sqlite__run(
	             db,
	             "SELECT 1 FROM badge_credentials WHERE tenant_id = "
	             "?1 AND id = ?2",
	             NULL, NULL, &rows, NULL, "it", tenant_id, id)) == 0) {
		cw_error_set(rows ? "credential %s is revoked already"
		                  : "the tenant has no credential %s",
		             id);
		err = rows ? CW_EEXISTS : CW_ENOTFOUND;
	}
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

int cw_sqlite__badge_revoked_list(cw_store *store, int64_t tenant_id,
                                  const char *issuer, cw_badge_credential_cb cb,
                                  void *payload)
{
	credential_rows r = { cb, payload };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        CREDENTIAL_COLUMNS("NULL") "WHERE tenant_id = ?1 AND "
	                                   "issuer = ?2 AND revoked_at "
	                                   "IS NOT NULL ORDER BY "
	                                   "status_list_index",
	        credential_row, &r, NULL, NULL, "it", tenant_id, issuer);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

int cw_sqlite__badge_status_list_get(cw_store *store, int64_t tenant_id,
                                     const char *issuer, int64_t *size,
                                     int64_t *next_index)
{
	reserved r = { 0, 0 };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        "SELECT next_index, size FROM badge_status_lists WHERE "
	        "tenant_id = ?1 AND issuer = ?2 AND purpose = "
	        "'revocation'",
	        reserve_row, &r, &rows, NULL, "it", tenant_id, issuer);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && rows == 0) {
		cw_error_set("the tenant has no issuer %s", issuer);
		err = CW_ENOTFOUND;
	}
	*size = r.size;
	*next_index = r.first;
	return err;
}

/* ---- OB 2.0 assertions --------------------------------------------------- */

static int assertions_insert(sqlite3 *db, const cw_badge_assertion *list,
                             size_t count)
{
	int err = 0;

	for (size_t i = 0; err == 0 && i < count; i++) {
		const cw_badge_assertion *a = &list[i];

		err = cw_sqlite__run(
		        db,
		        "INSERT INTO badge_assertions (tenant_id, id, "
		        "issuer, achievement, recipient, verification, "
		        "assertion, jws, issued_at) VALUES (?1, ?2, ?3, "
		        "?4, ?5, ?6, ?7, ?8, ?9)",
		        NULL, NULL, NULL, NULL, "itttttttt", a->tenant_id,
		        a->id, a->issuer, a->achievement, a->recipient,
		        a->verification, a->assertion, a->jws, a->issued_at);
	}
	return err;
}

int cw_sqlite__badge_assertions_add(cw_store *store,
                                    const cw_badge_assertion *assertions,
                                    size_t count)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	if ((err = cw_sqlite__exec(db, "BEGIN IMMEDIATE")) == 0)
		err = cw_sqlite__end(db,
		                     assertions_insert(db, assertions, count));
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

typedef struct {
	cw_badge_assertion_cb cb;
	void *payload;
} assertion_rows;

static int assertion_row(sqlite3_stmt *st, void *payload)
{
	assertion_rows *r = payload;
	cw_badge_assertion a = {
		sqlite3_column_int64(st, 0), cw_sqlite__text(st, 1),
		cw_sqlite__text(st, 2),      cw_sqlite__text(st, 3),
		cw_sqlite__text(st, 4),      cw_sqlite__text(st, 5),
		cw_sqlite__text(st, 6),      cw_sqlite__text(st, 7),
		cw_sqlite__text(st, 8),      cw_sqlite__text(st, 9),
		cw_sqlite__text(st, 10)
	};

	return r->cb(&a, r->payload);
}

#define ASSERTION_COLUMNS(texts)                                               \
	"SELECT tenant_id, id, issuer, achievement, recipient, "               \
	"verification, " texts ", issued_at, revoked_at, revoked_reason "      \
	"FROM badge_assertions "

int cw_sqlite__badge_assertion_get(cw_store *store, int64_t tenant_id,
                                   const char *id, cw_badge_assertion_cb cb,
                                   void *payload)
{
	assertion_rows r = { cb, payload };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        ASSERTION_COLUMNS("assertion, jws") "WHERE tenant_id = ?1 "
	                                            "AND id = ?2",
	        assertion_row, &r, &rows, NULL, "it", tenant_id, id);
	cw_sqlite__release((sqlite_store *)store, conn);
	if (err == 0 && rows == 0) {
		cw_error_set("the tenant has no assertion %s", id);
		err = CW_ENOTFOUND;
	}
	return err;
}

int cw_sqlite__badge_assertion_revoke(cw_store *store, int64_t tenant_id,
                                      const char *id, const char *at,
                                      const char *reason)
{
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int rows = 0, changes = 0, err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        "UPDATE badge_assertions SET revoked_at = ?3, "
	        "revoked_reason = ?4 WHERE tenant_id = ?1 AND id = ?2 "
	        "AND revoked_at IS NULL",
	        NULL, NULL, NULL, &changes, "ittt", tenant_id, id, at, reason);
	if (err == 0 && changes == 0 &&
	    (err = cw_sqlite__run(
	             db,
	             "SELECT 1 FROM badge_assertions WHERE tenant_id = "
	             "?1 AND id = ?2",
	             NULL, NULL, &rows, NULL, "it", tenant_id, id)) == 0) {
		cw_error_set(rows ? "assertion %s is revoked already"
		                  : "the tenant has no assertion %s",
		             id);
		err = rows ? CW_EEXISTS : CW_ENOTFOUND;
	}
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}

int cw_sqlite__badge_assertion_revoked_list(cw_store *store, int64_t tenant_id,
                                            const char *issuer,
                                            cw_badge_assertion_cb cb,
                                            void *payload)
{
	assertion_rows r = { cb, payload };
	connection *conn = NULL;
	sqlite3 *db = NULL;
	int err = cw_sqlite__db(store, &db, &conn);

	if (err < 0)
		return err;
	err = cw_sqlite__run(
	        db,
	        ASSERTION_COLUMNS("NULL, NULL") "WHERE tenant_id = ?1 AND "
	                                        "issuer = ?2 AND "
	                                        "revoked_at IS NOT NULL "
	                                        "ORDER BY revoked_at, id",
	        assertion_row, &r, NULL, NULL, "it", tenant_id, issuer);
	cw_sqlite__release((sqlite_store *)store, conn);
	return err;
}
