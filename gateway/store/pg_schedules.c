/* Scheduled pulls on PostgreSQL: CASE mirrors (migration 0007) and SIS
 * sync connections (migrations 0009, 0010; their leases and runs are in
 * pg_sync_runs.c). */
#include "store/pg_internal.h"

#include "util/error.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

/* ---- CASE mirrors -------------------------------------------------------- */

int cw_pg__case_mirror_put(cw_store *store, const cw_case_mirror *m,
                           int64_t *id)
{
	char tenant[CW_PG_INT_TEXT], every[CW_PG_INT_TEXT],
	        next[CW_PG_INT_TEXT];
	const char *params[8] = { cw_pg__int(tenant, m->tenant_id),
		                  m->base_url,
		                  cw_pg__int(every, m->every_s),
		                  m->token_url,
		                  m->client_id,
		                  m->secret_sealed,
		                  m->scope,
		                  cw_pg__int(next, m->next_run_ms) };
	PGresult *res = NULL;
	int err = cw_pg__run(
	        (pg_store *)store, "writing a mirror", &res,
	        "INSERT INTO case_mirrors (tenant_id, base_url, every_s, "
	        "token_url, client_id, secret_sealed, scope, next_run_ms) "
	        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT "
	        "(tenant_id, base_url) DO UPDATE SET every_s = $3, token_url "
	        "= $4, client_id = $5, secret_sealed = $6, scope = $7, "
	        "next_run_ms = $8 RETURNING id",
	        8, params);

	if (err == 0)
		*id = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	return err;
}

int cw_pg__case_mirror_list(cw_store *store, int64_t tenant_id,
                            int64_t due_before_ms, cw_case_mirror_cb cb,
                            void *payload)
{
	char tenant[CW_PG_INT_TEXT], due[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id),
		                  cw_pg__int(due, due_before_ms) };
	PGresult *res = NULL;
	int err = cw_pg__run(
	        (pg_store *)store, "listing mirrors", &res,
	        "SELECT id, tenant_id, base_url, every_s, token_url, "
	        "client_id, secret_sealed, scope, next_run_ms, "
	        "coalesce(last_run_ms, 0), last_report FROM case_mirrors "
	        "WHERE ($1::bigint = 0 OR tenant_id = $1::bigint) AND "
	        "($2::bigint = 0 OR next_run_ms < $2::bigint) ORDER BY id",
	        2, params);

	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		cw_case_mirror m = { cw_pg__get_int(res, i, 0),
			             cw_pg__get_int(res, i, 1),
			             cw_pg__get_text(res, i, 2),
			             (long)cw_pg__get_int(res, i, 3),
			             cw_pg__get_text(res, i, 4),
			             cw_pg__get_text(res, i, 5),
			             cw_pg__get_text(res, i, 6),
			             cw_pg__get_text(res, i, 7),
			             cw_pg__get_int(res, i, 8),
			             cw_pg__get_int(res, i, 9),
			             cw_pg__get_text(res, i, 10) };
		err = cb(&m, payload);
	}
	PQclear(res);
	return err;
}

int cw_pg__case_mirror_done(cw_store *store, int64_t id, int64_t ran_ms,
                            int64_t next_run_ms, const char *report)
{
	char mirror[CW_PG_INT_TEXT], ran[CW_PG_INT_TEXT], next[CW_PG_INT_TEXT];
	const char *params[4] = { cw_pg__int(mirror, id),
		                  cw_pg__int(ran, ran_ms),
		                  cw_pg__int(next, next_run_ms), report };

	return cw_pg__run((pg_store *)store, "writing a mirror", NULL,
	                  "UPDATE case_mirrors SET last_run_ms = $2, "
	                  "next_run_ms = $3, last_report = $4 WHERE id = $1",
	                  4, params);
}

int cw_pg__case_mirror_delete(cw_store *store, int64_t tenant_id, int64_t id)
{
	char tenant[CW_PG_INT_TEXT], mirror[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id),
		                  cw_pg__int(mirror, id) };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "deleting a mirror", &res,
	                     "DELETE FROM case_mirrors WHERE tenant_id = $1 "
	                     "AND id = $2",
	                     2, params);

	if (err == 0 && strtol(PQcmdTuples(res), NULL, 10) == 0)
		err = CW_ENOTFOUND;
	PQclear(res);
	return err;
}

/* ---- sync connections ---------------------------------------------------- */

/* The parameters $1…$15 of a connection's columns, as SQLite binds them;
 * one slot more for sync_update's id. */
#define CONNECTION_PARAMS 15
typedef struct {
	char tenant[CW_PG_INT_TEXT], page[CW_PG_INT_TEXT], next[CW_PG_INT_TEXT];
	const char *values[CONNECTION_PARAMS + 1];
} connection_params;

static void bind_connection(connection_params *p, const cw_sync_connection *c)
{
	const char *values[CONNECTION_PARAMS] = {
		cw_pg__int(p->tenant, c->tenant_id),
		c->name,
		c->base_url,
		c->version,
		c->auth,
		c->token_url,
		c->client_id,
		c->secret_sealed,
		c->scope,
		cw_pg__int(p->page, c->page_size),
		c->schedule,
		c->webhook_url,
		c->full_schedule,
		c->blackouts,
		cw_pg__int(p->next, c->next_run_ms),
	};

	memcpy(p->values, values, sizeof(values));
	p->values[CONNECTION_PARAMS] = NULL;
}

int cw_pg__sync_add(cw_store *store, const cw_sync_connection *c, int64_t *id)
{
	connection_params p;
	PGresult *res = NULL;
	int err;

	bind_connection(&p, c);
	err = cw_pg__run(
	        (pg_store *)store, "adding a sync connection", &res,
	        "INSERT INTO sync_connections (tenant_id, name, base_url, "
	        "version, auth, token_url, client_id, secret_sealed, scope, "
	        "page_size, schedule, webhook_url, full_schedule, blackouts, "
	        "next_run_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	        "$10, $11, $12, $13, $14, $15) RETURNING id",
	        CONNECTION_PARAMS, p.values);
	if (err == CW_EEXISTS)
		cw_error_set("a sync connection named %s exists", c->name);
	if (err == 0)
		*id = cw_pg__get_int(res, 0, 0);
	PQclear(res);
	return err;
}

int cw_pg__sync_update(cw_store *store, const cw_sync_connection *c)
{
	connection_params p;
	char id[CW_PG_INT_TEXT];
	PGresult *res = NULL;
	int err;

	bind_connection(&p, c);
	p.values[CONNECTION_PARAMS] = cw_pg__int(id, c->id);
	err = cw_pg__run(
	        (pg_store *)store, "changing a sync connection", &res,
	        "UPDATE sync_connections SET base_url = $3, version = $4, "
	        "auth = $5, token_url = $6, client_id = $7, secret_sealed = "
	        "$8, scope = $9, page_size = $10, schedule = $11, "
	        "webhook_url = $12, full_schedule = $13, blackouts = $14, "
	        "next_run_ms = $15 WHERE id = $16 AND tenant_id = $1 AND "
	        "name = $2",
	        CONNECTION_PARAMS + 1, p.values);
	if (err == 0 && strtol(PQcmdTuples(res), NULL, 10) == 0) {
		cw_error_set("no sync connection named %s", c->name);
		err = CW_ENOTFOUND;
	}
	PQclear(res);
	return err;
}

static void read_connection(const PGresult *res, int i, cw_sync_connection *c)
{
	memset(c, 0, sizeof(*c));
	c->id = cw_pg__get_int(res, i, 0);
	c->tenant_id = cw_pg__get_int(res, i, 1);
	c->name = cw_pg__get_text(res, i, 2);
	c->base_url = cw_pg__get_text(res, i, 3);
	c->version = cw_pg__get_text(res, i, 4);
	c->auth = cw_pg__get_text(res, i, 5);
	c->token_url = cw_pg__get_text(res, i, 6);
	c->client_id = cw_pg__get_text(res, i, 7);
	c->secret_sealed = cw_pg__get_text(res, i, 8);
	c->scope = cw_pg__get_text(res, i, 9);
	c->page_size = (long)cw_pg__get_int(res, i, 10);
	c->schedule = cw_pg__get_text(res, i, 11);
	c->cursor = cw_pg__get_text(res, i, 12);
	c->last_run_ms = cw_pg__get_int(res, i, 13);
	c->last_state = cw_pg__get_text(res, i, 14);
	c->last_report = cw_pg__get_text(res, i, 15);
	c->webhook_url = cw_pg__get_text(res, i, 16);
	c->full_schedule = cw_pg__get_text(res, i, 17);
	c->blackouts = cw_pg__get_text(res, i, 18);
	c->next_run_ms = cw_pg__get_int(res, i, 19);
	c->last_full_ms = cw_pg__get_int(res, i, 20);
	c->lease_owner = cw_pg__get_text(res, i, 21);
	c->lease_until_ms = cw_pg__get_int(res, i, 22);
}

int cw_pg__sync_list(cw_store *store, int64_t tenant_id, const char *name,
                     cw_sync_cb cb, void *payload)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), name };
	PGresult *res = NULL;
	int err = cw_pg__run(
	        (pg_store *)store, "listing sync connections", &res,
	        "SELECT id, tenant_id, name, base_url, version, auth, "
	        "token_url, client_id, secret_sealed, scope, page_size, "
	        "schedule, cursor, coalesce(last_run_ms, 0), last_state, "
	        "last_report, webhook_url, full_schedule, blackouts, "
	        "coalesce(next_run_ms, 0), coalesce(last_full_ms, 0), "
	        "lease_owner, coalesce(lease_until_ms, 0) FROM "
	        "sync_connections WHERE ($1::bigint = 0 OR tenant_id = "
	        "$1::bigint) AND ($2::text IS NULL OR name = $2::text) ORDER "
	        "BY name",
	        2, params);

	for (int i = 0; err == 0 && i < PQntuples(res); i++) {
		cw_sync_connection c;

		read_connection(res, i, &c);
		err = cb(&c, payload);
	}
	if (err == 0 && name && PQntuples(res) == 0) {
		cw_error_set("no sync connection named %s", name);
		err = CW_ENOTFOUND;
	}
	PQclear(res);
	return err;
}

int cw_pg__sync_done(cw_store *store, int64_t id, int64_t ran_ms,
                     const char *state, const char *report, const char *cursor)
{
	char connection[CW_PG_INT_TEXT], ran[CW_PG_INT_TEXT];
	const char *params[5] = { cw_pg__int(connection, id),
		                  cw_pg__int(ran, ran_ms), state, report,
		                  cursor };

	return cw_pg__run((pg_store *)store, "recording a sync run", NULL,
	                  "UPDATE sync_connections SET last_run_ms = $2, "
	                  "last_state = $3, last_report = $4, cursor = "
	                  "coalesce($5, cursor) WHERE id = $1",
	                  5, params);
}
