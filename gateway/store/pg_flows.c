/* The CBE flows' mappings and runs on PostgreSQL (migration 0013). A run's
 * input is kept as the bytes received (bytea). */
#include "store/pg_internal.h"

#include "util/error.h"

#include <libpq-fe.h>
#include <string.h>

int cw_pg__flow_mapping_put(cw_store *store, int64_t tenant_id,
                            const char *flow, const char *body, const char *at)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[4] = { cw_pg__int(tenant, tenant_id), flow, body,
		                  at };

	return cw_pg__run((pg_store *)store, "storing a mapping", NULL,
	                  "INSERT INTO flow_mappings (tenant_id, flow, body, "
	                  "updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT "
	                  "(tenant_id, flow) DO UPDATE SET body = "
	                  "excluded.body, updated_at = excluded.updated_at",
	                  4, params);
}

int cw_pg__flow_mapping_get(cw_store *store, int64_t tenant_id,
                            const char *flow, cw_buf *out)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[2] = { cw_pg__int(tenant, tenant_id), flow };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "reading a mapping", &res,
	                     "SELECT body FROM flow_mappings WHERE tenant_id "
	                     "= $1 AND flow = $2",
	                     2, params);

	if (err == 0 && PQntuples(res) == 0)
		err = CW_ENOTFOUND;
	if (err == 0)
		err = cw_buf_puts(out, PQgetvalue(res, 0, 0));
	PQclear(res);
	return err;
}

/* INSERT of a run, its input ($5) a binary parameter; the new id, or no
 * row when the key is taken. */
static int insert_run(pg_connection *c, const cw_flow_run *run, int64_t *id)
{
	char tenant[CW_PG_INT_TEXT];
	const char *params[10] = { cw_pg__int(tenant, run->tenant_id),
		                   run->flow,
		                   run->idempotency_key,
		                   run->source,
		                   run->input ? run->input : "",
		                   run->state,
		                   run->reason,
		                   run->stages,
		                   run->report,
		                   run->created_at };
	int lengths[10] = { 0, 0, 0, 0, (int)run->input_len };
	int formats[10] = { 0, 0, 0, 0, 1 };
	PGresult *res = PQexecParams(
	        c->conn,
	        "INSERT INTO flow_runs (tenant_id, flow, idempotency_key, "
	        "source, input, state, reason, stages, report, attempts, "
	        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
	        "$8, $9, 1, $10, $10) ON CONFLICT (tenant_id, flow, "
	        "idempotency_key) DO NOTHING RETURNING id",
	        10, NULL, params, lengths, formats, 0);
	int err = 0;

	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
		err = cw_pg__fail(c->conn, res, "recording a flow run");
	else if (PQntuples(res) == 1)
		*id = cw_pg__get_int(res, 0, 0);
	else
		err = CW_EEXISTS;
	PQclear(res);
	return err;
}

int cw_pg__flow_run_add(cw_store *store, const cw_flow_run *run, int64_t *id)
{
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	char tenant[CW_PG_INT_TEXT];
	const char *params[3] = { cw_pg__int(tenant, run->tenant_id), run->flow,
		                  run->idempotency_key };
	PGresult *res = NULL;
	int err = cw_pg__acquire(s, &c);

	if (err < 0)
		return err;
	err = insert_run(c, run, id);
	/* The run already recorded under the key: its id. */
	if (err == CW_EEXISTS &&
	    cw_pg__query(c, "finding a flow run", &res,
	                 "SELECT id FROM flow_runs WHERE tenant_id = $1 AND "
	                 "flow = $2 AND idempotency_key = $3",
	                 3, params) == 0 &&
	    PQntuples(res) == 1)
		*id = cw_pg__get_int(res, 0, 0);
	else if (err == CW_EEXISTS)
		err = CW_ESTORE;
	PQclear(res);
	cw_pg__release(s, c);
	return err;
}

int cw_pg__flow_run_update(cw_store *store, const cw_flow_run *run)
{
	char id[CW_PG_INT_TEXT], tenant[CW_PG_INT_TEXT],
	        attempts[CW_PG_INT_TEXT];
	const char *params[8] = { cw_pg__int(id, run->id),
		                  cw_pg__int(tenant, run->tenant_id),
		                  run->state,
		                  run->reason,
		                  run->stages,
		                  run->report,
		                  cw_pg__int(attempts, run->attempts),
		                  run->updated_at };
	PGresult *res = NULL;
	int err = cw_pg__run((pg_store *)store, "updating a flow run", &res,
	                     "UPDATE flow_runs SET state = $3, reason = $4, "
	                     "stages = $5, report = $6, attempts = $7, "
	                     "updated_at = $8 WHERE id = $1 AND tenant_id = "
	                     "$2",
	                     8, params);

	if (err == 0 && cw_pg__changed(res) == 0)
		err = CW_ENOTFOUND;
	PQclear(res);
	return err;
}

typedef struct {
	cw_flow_run_cb cb;
	void *payload;
	int found;
} run_rows;

static int emit_run(const PGresult *res, void *payload)
{
	run_rows *r = payload;
	unsigned char *input = NULL;
	size_t input_len = 0;
	int err;

	if (!PQgetisnull(res, 0, 5)) {
		input = PQunescapeBytea(
		        (const unsigned char *)PQgetvalue(res, 0, 5),
		        &input_len);
		if (!input)
			return CW_ENOMEM;
	}
	{
		cw_flow_run run = { cw_pg__get_int(res, 0, 0),
			            cw_pg__get_int(res, 0, 1),
			            cw_pg__get_text(res, 0, 2),
			            cw_pg__get_text(res, 0, 3),
			            cw_pg__get_text(res, 0, 4),
			            (const char *)input,
			            input_len,
			            cw_pg__get_text(res, 0, 6),
			            cw_pg__get_text(res, 0, 7),
			            cw_pg__get_text(res, 0, 8),
			            cw_pg__get_text(res, 0, 9),
			            cw_pg__get_int(res, 0, 10),
			            cw_pg__get_text(res, 0, 11),
			            cw_pg__get_text(res, 0, 12) };

		r->found = 1;
		err = r->cb(&run, r->payload);
	}
	PQfreemem(input);
	return err;
}

int cw_pg__flow_run_list(cw_store *store, int64_t tenant_id, int64_t id,
                         const char *state, int with_input, size_t limit,
                         cw_flow_run_cb cb, void *payload)
{
	pg_store *s = (pg_store *)store;
	pg_connection *c = NULL;
	char tenant[CW_PG_INT_TEXT], run[CW_PG_INT_TEXT], count[CW_PG_INT_TEXT];
	const char *params[5] = {
		cw_pg__int(tenant, tenant_id),
		cw_pg__int(run, id),
		state,
		with_input ? "t" : "f",
		limit ? cw_pg__int(count, (int64_t)limit) : NULL,
	};
	run_rows r = { cb, payload, 0 };
	int err = cw_pg__acquire(s, &c);

	if (err < 0)
		return err;
	/* Streamed: the inputs of many runs need not fit in memory at once. */
	err = cw_pg__each(
	        c, "listing flow runs",
	        "SELECT id, tenant_id, flow, idempotency_key, source, CASE "
	        "WHEN $4::boolean THEN input END, state, reason, stages, "
	        "report, attempts, created_at, updated_at FROM flow_runs "
	        "WHERE ($1::bigint = 0 OR tenant_id = $1::bigint) AND "
	        "($2::bigint = 0 OR id = $2::bigint) AND ($3::text IS NULL OR "
	        "state = $3::text) ORDER BY id DESC LIMIT $5",
	        5, params, emit_run, &r);
	cw_pg__release(s, c);
	if (err == 0 && id && !r.found) {
		cw_error_set("no flow run %lld", (long long)id);
		err = CW_ENOTFOUND;
	}
	return err;
}
