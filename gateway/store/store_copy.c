/* The tables a tenant's rows live in, as `crosswalk migrate` copies them,
 * the SQL both backends read and load them with, and the wrappers of the
 * copy slots. tests/unit/store checks that every table the migrations make
 * is described here or named as holding no tenant's rows. */
#include "store/store_copy.h"

#include "util/error.h"

#include <string.h>

#define T  CW_COPY_TEXT
#define I  CW_COPY_INT
#define B  CW_COPY_BLOB
#define P  CW_COPY_PLAIN
#define ID CW_COPY_IDENTITY
#define RF CW_COPY_REF
#define SQ CW_COPY_SEQ
#define SL CW_COPY_SEALED_TENANT
#define N  CW_COPY_SPACE_NONE

#define COLUMNS(list) list, sizeof(list) / sizeof(list[0])

static const cw_copy_column tenants[] = {
	{ "id", I, ID, CW_COPY_SPACE_TENANT },
	{ "name", T, P, N },
	{ "created_at", T, P, N },
	{ "time_zone", T, P, N },
};
static const cw_copy_column clients[] = {
	{ "client_id", T, P, N },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "secret_hash", T, P, N },
	{ "scopes", T, P, N },
	{ "created_at", T, P, N },
	{ "revoked_at", T, P, N },
	{ "secret_sealed", T, P, N },
};
static const cw_copy_column tokens[] = {
	{ "token_hash", T, P, N },
	{ "client_id", T, P, N },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "scopes", T, P, N },
	{ "issued_at_ms", I, P, N },
	{ "expires_at_ms", I, P, N },
};
static const cw_copy_column oauth1_nonces[] = {
	{ "client_id", T, P, N },
	{ "nonce", T, P, N },
	{ "timestamp_s", I, P, N },
	{ "seen_at_ms", I, P, N },
};
static const cw_copy_column roster_imports[] = {
	{ "id", I, ID, CW_COPY_SPACE_IMPORT },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "created_at", T, P, N },
	{ "state", T, P, N },
	{ "source", T, P, N },
	{ "report", T, P, N },
};
static const cw_copy_column roster[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "entity", I, P, N },
	{ "sourced_id", T, P, N },
	{ "modified_ms", I, P, N },
	{ "fields", T, P, N },
};
static const cw_copy_column roster_log[] = {
	{ "first_seq", I, SQ, CW_COPY_SPACE_ROSTER_SEQ },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "entity", I, P, N },
	{ "at_ms", I, P, N },
	{ "import_id", I, RF, CW_COPY_SPACE_IMPORT },
	{ "count", I, P, N },
	{ "changes", B, P, N },
};
static const cw_copy_column roster_log_horizon[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "through_seq", I, SQ, CW_COPY_SPACE_ROSTER_SEQ },
	{ "pruned_ms", I, P, N },
};
static const cw_copy_column case_documents[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "identifier", T, P, N },
	{ "title", T, P, N },
	{ "last_change", T, P, N },
	{ "source", T, P, N },
	{ "imported_at_ms", I, P, N },
	{ "document", T, P, N },
	{ "package", B, P, N },
	{ "package_bytes", I, P, N },
};
static const cw_copy_column case_objects[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "identifier", T, P, N },
	{ "kind", I, P, N },
	{ "document", T, P, N },
	{ "body", T, P, N },
	{ "origin", T, P, N },
	{ "destination", T, P, N },
	{ "retired_ms", I, P, N },
};
static const cw_copy_column case_log[] = {
	{ "first_seq", I, SQ, CW_COPY_SPACE_CASE_SEQ },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "document", T, P, N },
	{ "at_ms", I, P, N },
	{ "count", I, P, N },
	{ "changes", B, P, N },
};
static const cw_copy_column case_mirrors[] = {
	{ "id", I, ID, CW_COPY_SPACE_MIRROR },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "base_url", T, P, N },
	{ "every_s", I, P, N },
	{ "token_url", T, P, N },
	{ "client_id", T, P, N },
	{ "secret_sealed", T, SL, N },
	{ "scope", T, P, N },
	{ "next_run_ms", I, P, N },
	{ "last_run_ms", I, P, N },
	{ "last_report", T, P, N },
};
static const cw_copy_column badge_issuers[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "id", T, P, N },
	{ "name", T, P, N },
	{ "url", T, P, N },
	{ "email", T, P, N },
	{ "description", T, P, N },
	{ "image", T, P, N },
	{ "created_at", T, P, N },
	{ "id_kind", T, P, N },
	{ "public_id", T, P, N },
};
static const cw_copy_column badge_issuer_keys[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "issuer", T, P, N },
	{ "kid", T, P, N },
	{ "type", T, P, N },
	{ "public_jwk", T, P, N },
	{ "public_multibase", T, P, N },
	{ "private_sealed", T, SL, N },
	{ "status", T, P, N },
	{ "created_at", T, P, N },
	{ "retired_at", T, P, N },
};
static const cw_copy_column badge_achievements[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "id", T, P, N },
	{ "issuer", T, P, N },
	{ "document", T, P, N },
	{ "case_item", T, P, N },
	{ "created_at", T, P, N },
	{ "updated_at", T, P, N },
};
static const cw_copy_column badge_credentials[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "id", T, P, N },
	{ "issuer", T, P, N },
	{ "achievement", T, P, N },
	{ "recipient", T, P, N },
	{ "credential", T, P, N },
	{ "format", T, P, N },
	{ "status_list_index", I, P, N },
	{ "issued_at", T, P, N },
	{ "revoked_at", T, P, N },
	{ "revoked_reason", T, P, N },
};
static const cw_copy_column badge_status_lists[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "issuer", T, P, N },
	{ "purpose", T, P, N },
	{ "size", I, P, N },
	{ "next_index", I, P, N },
};
static const cw_copy_column badge_assertions[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "id", T, P, N },
	{ "issuer", T, P, N },
	{ "achievement", T, P, N },
	{ "recipient", T, P, N },
	{ "verification", T, P, N },
	{ "assertion", T, P, N },
	{ "jws", T, P, N },
	{ "issued_at", T, P, N },
	{ "revoked_at", T, P, N },
	{ "revoked_reason", T, P, N },
};
static const cw_copy_column sync_connections[] = {
	{ "id", I, ID, CW_COPY_SPACE_SYNC_CONNECTION },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "name", T, P, N },
	{ "base_url", T, P, N },
	{ "version", T, P, N },
	{ "auth", T, P, N },
	{ "token_url", T, P, N },
	{ "client_id", T, P, N },
	{ "secret_sealed", T, P, N }, /* bound to the name, not the id */
	{ "scope", T, P, N },
	{ "page_size", I, P, N },
	{ "schedule", T, P, N },
	{ "webhook_url", T, P, N },
	{ "cursor", T, P, N },
	{ "last_run_ms", I, P, N },
	{ "last_state", T, P, N },
	{ "last_report", T, P, N },
	{ "full_schedule", T, P, N },
	{ "blackouts", T, P, N },
	{ "next_run_ms", I, P, N },
	{ "last_full_ms", I, P, N },
	{ "lease_owner", T, P, N },
	{ "lease_until_ms", I, P, N },
};
static const cw_copy_column sync_runs[] = {
	{ "id", I, ID, CW_COPY_SPACE_SYNC_RUN },
	{ "connection_id", I, RF, CW_COPY_SPACE_SYNC_CONNECTION },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "started_by", T, P, N },
	{ "kind", T, P, N },
	{ "state", T, P, N },
	{ "started_ms", I, P, N },
	{ "finished_ms", I, P, N },
	{ "import_id", I, RF, CW_COPY_SPACE_IMPORT },
	{ "held_set", T, P, N },
	{ "cursor", T, P, N },
	{ "report", T, P, N },
};
static const cw_copy_column ob3_holders[] = {
	{ "id", I, ID, CW_COPY_SPACE_HOLDER },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "login", T, P, N },
	{ "passcode_hash", T, P, N },
	{ "profile", T, P, N },
	{ "created_at", T, P, N },
};
static const cw_copy_column ob3_clients[] = {
	{ "client_id", T, P, N }, { "secret_hash", T, P, N },
	{ "metadata", T, P, N },  { "redirect_uris", T, P, N },
	{ "scopes", T, P, N },    { "created_at", T, P, N },
};
static const cw_copy_column ob3_secrets[] = {
	{ "hash", T, P, N },
	{ "kind", T, P, N },
	{ "client_id", T, P, N },
	{ "grant_id", T, P, N },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "holder_id", I, RF, CW_COPY_SPACE_HOLDER },
	{ "scopes", T, P, N },
	{ "redirect_uri", T, P, N },
	{ "state", T, P, N },
	{ "code_challenge", T, P, N },
	{ "issued_at_ms", I, P, N },
	{ "expires_at_ms", I, P, N },
	{ "used_at_ms", I, P, N },
	{ "revoked_at_ms", I, P, N },
};
static const cw_copy_column ob3_credentials[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "holder_id", I, RF, CW_COPY_SPACE_HOLDER },
	{ "id", T, P, N },
	{ "credential", T, P, N },
	{ "format", T, P, N },
	{ "created_at", T, P, N },
	{ "updated_at", T, P, N },
};
static const cw_copy_column flow_mappings[] = {
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "flow", T, P, N },
	{ "body", T, P, N },
	{ "updated_at", T, P, N },
};
static const cw_copy_column flow_runs[] = {
	{ "id", I, ID, CW_COPY_SPACE_FLOW_RUN },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "flow", T, P, N },
	{ "idempotency_key", T, P, N },
	{ "source", T, P, N },
	{ "input", B, P, N },
	{ "state", T, P, N },
	{ "reason", T, P, N },
	{ "stages", T, P, N },
	{ "report", T, P, N },
	{ "attempts", I, P, N },
	{ "created_at", T, P, N },
	{ "updated_at", T, P, N },
};
static const cw_copy_column audit_log[] = {
	{ "seq", I, ID, CW_COPY_SPACE_AUDIT },
	{ "at", T, P, N },
	{ "actor", T, P, N },
	{ "tenant", T, P, N },
	{ "action", T, P, N },
	{ "target", T, P, N },
	{ "outcome", T, P, N },
	{ "detail", T, P, N },
};

static const cw_copy_column jobs[] = {
	{ "id", I, P, N },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "kind", T, P, N },
	{ "ref_id", I, P, N },
	{ "args", T, P, N },
	{ "state", T, P, N },
	{ "owner", T, P, N },
	{ "lease_until_ms", I, P, N },
	{ "not_before_ms", I, P, N },
	{ "attempts", I, P, N },
	{ "max_attempts", I, P, N },
	{ "created_ms", I, P, N },
	{ "updated_ms", I, P, N },
	{ "error", T, P, N },
	{ "result", T, P, N },
};
static const cw_copy_column job_locks[] = {
	{ "name", T, P, N },
	{ "owner", T, P, N },
	{ "until_ms", I, P, N },
};

static const cw_copy_column auth_failures[] = {
	{ "kind", T, P, N },
	{ "key_hash", T, P, N },
	{ "failures", I, P, N },
	{ "window_start_ms", I, P, N },
	{ "blocked_until_ms", I, P, N },
};
static const cw_copy_column blobs[] = {
	{ "name", T, P, N },
	{ "tenant_id", I, RF, CW_COPY_SPACE_TENANT },
	{ "size", I, P, N },
	{ "created_ms", I, P, N },
};
static const cw_copy_column blob_chunks[] = {
	{ "name", T, P, N },
	{ "seq", I, P, N },
	{ "bytes", B, P, N },
};

/* Parents before children; a log before what refers to its numbers. */
static const cw_copy_table tables[] = {
	{ "tenants", CW_COPY_BY_ID, "id", COLUMNS(tenants), 0, 0 },
	{ "clients", CW_COPY_BY_TENANT, "client_id", COLUMNS(clients), 0, 0 },
	{ "tokens", CW_COPY_BY_TENANT, "token_hash", COLUMNS(tokens), 0, 0 },
	{ "oauth1_nonces", CW_COPY_BY_CLIENT, "client_id, nonce",
	  COLUMNS(oauth1_nonces), 0, 0 },
	{ "roster_imports", CW_COPY_BY_TENANT, "id", COLUMNS(roster_imports), 0,
	  0 },
	{ "roster", CW_COPY_BY_TENANT, "entity, sourced_id", COLUMNS(roster), 0,
	  0 },
	{ "roster_log", CW_COPY_BY_TENANT, "first_seq", COLUMNS(roster_log), 0,
	  0 },
	{ "roster_log_horizon", CW_COPY_BY_TENANT, "tenant_id",
	  COLUMNS(roster_log_horizon), 0, 0 },
	{ "case_documents", CW_COPY_BY_TENANT, "identifier",
	  COLUMNS(case_documents), 0, 0 },
	{ "case_objects", CW_COPY_BY_TENANT, "identifier",
	  COLUMNS(case_objects), 0, 0 },
	{ "case_log", CW_COPY_BY_TENANT, "first_seq", COLUMNS(case_log), 0, 0 },
	{ "case_mirrors", CW_COPY_BY_TENANT, "id", COLUMNS(case_mirrors), 0,
	  0 },
	{ "badge_issuers", CW_COPY_BY_TENANT, "id", COLUMNS(badge_issuers), 0,
	  0 },
	{ "badge_issuer_keys", CW_COPY_BY_TENANT, NULL,
	  COLUMNS(badge_issuer_keys), 0, 0 },
	{ "badge_achievements", CW_COPY_BY_TENANT, "id",
	  COLUMNS(badge_achievements), 0, 0 },
	{ "badge_credentials", CW_COPY_BY_TENANT, "id",
	  COLUMNS(badge_credentials), 0, 0 },
	{ "badge_status_lists", CW_COPY_BY_TENANT, "issuer, purpose",
	  COLUMNS(badge_status_lists), 0, 0 },
	{ "badge_assertions", CW_COPY_BY_TENANT, "id",
	  COLUMNS(badge_assertions), 0, 0 },
	{ "sync_connections", CW_COPY_BY_TENANT, "id",
	  COLUMNS(sync_connections), 0, 0 },
	{ "sync_runs", CW_COPY_BY_TENANT, "id", COLUMNS(sync_runs), 0, 0 },
	{ "ob3_holders", CW_COPY_BY_TENANT, "id", COLUMNS(ob3_holders), 0, 0 },
	{ "ob3_clients", CW_COPY_BY_SECRET_CLIENT, "client_id",
	  COLUMNS(ob3_clients), 0, 0 },
	{ "ob3_secrets", CW_COPY_BY_TENANT, "hash", COLUMNS(ob3_secrets), 0,
	  0 },
	{ "ob3_credentials", CW_COPY_BY_TENANT, "holder_id, id",
	  COLUMNS(ob3_credentials), 0, 0 },
	{ "flow_mappings", CW_COPY_BY_TENANT, "flow", COLUMNS(flow_mappings), 0,
	  0 },
	{ "flow_runs", CW_COPY_BY_TENANT, "id", COLUMNS(flow_runs), 0, 0 },
	{ "audit_log", CW_COPY_BY_TENANT_NAME, "seq", COLUMNS(audit_log), 1,
	  0 },
	{ "jobs", CW_COPY_BY_TENANT, "id", COLUMNS(jobs), 0, 1 },
	{ "job_locks", CW_COPY_BY_ID, "name", COLUMNS(job_locks), 0, 1 },
	{ "auth_failures", CW_COPY_BY_ID, "kind, key_hash",
	  COLUMNS(auth_failures), 0, 1 },
	{ "blobs", CW_COPY_BY_TENANT, "name", COLUMNS(blobs), 0, 1 },
	{ "blob_chunks", CW_COPY_BY_ID, "name, seq", COLUMNS(blob_chunks), 0,
	  1 },
};

const cw_copy_table *cw_copy_tables(size_t *count)
{
	*count = sizeof(tables) / sizeof(tables[0]);
	return tables;
}

const cw_copy_table *cw_copy_table_named(const char *name)
{
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (strcmp(tables[i].name, name) == 0)
			return &tables[i];
	return NULL;
}

int cw_copy_column_with(const cw_copy_table *table, cw_copy_role role)
{
	for (size_t i = 0; i < table->column_count; i++)
		if (table->columns[i].role == role)
			return (int)i;
	return -1;
}

static void placeholder(cw_buf *out, int pg, int n)
{
	cw_buf_printf(out, pg ? "$%d" : "?%d", n);
}

static void column_list(cw_buf *out, const cw_copy_table *table,
                        int with_identity)
{
	int first = 1;

	for (size_t i = 0; i < table->column_count; i++) {
		if (!with_identity &&
		    table->columns[i].role == CW_COPY_IDENTITY)
			continue;
		cw_buf_printf(out, "%s%s", first ? "" : ", ",
		              table->columns[i].name);
		first = 0;
	}
}

/* The WHERE clause of the tenant's rows; $1 the id, or the name. */
static void scope_clause(cw_buf *out, const cw_copy_table *table, int pg)
{
	switch (table->scope) {
	case CW_COPY_BY_ID: cw_buf_puts(out, " WHERE id = "); break;
	case CW_COPY_BY_TENANT: cw_buf_puts(out, " WHERE tenant_id = "); break;
	case CW_COPY_BY_TENANT_NAME:
		cw_buf_puts(out, " WHERE tenant = ");
		break;
	case CW_COPY_BY_CLIENT:
		cw_buf_puts(out, " WHERE client_id IN (SELECT client_id FROM "
		                 "clients WHERE tenant_id = ");
		break;
	case CW_COPY_BY_SECRET_CLIENT:
		cw_buf_puts(out, " WHERE client_id IN (SELECT client_id FROM "
		                 "ob3_secrets WHERE tenant_id = ");
		break;
	}
	placeholder(out, pg, 1);
	if (table->scope == CW_COPY_BY_CLIENT ||
	    table->scope == CW_COPY_BY_SECRET_CLIENT)
		cw_buf_putc(out, ')');
}

int cw_copy_select_sql(cw_buf *out, const cw_copy_table *table, int pg)
{
	cw_buf_puts(out, "SELECT ");
	column_list(out, table, 1);
	cw_buf_printf(out, " FROM %s", table->name);
	scope_clause(out, table, pg);
	cw_buf_printf(out, " ORDER BY %s",
	              table->order_by ? table->order_by
	                              : (pg ? "ord" : "rowid"));
	return out->error;
}

int cw_copy_insert_sql(cw_buf *out, const cw_copy_table *table, int pg)
{
	int identity = cw_copy_column_with(table, CW_COPY_IDENTITY), n = 0;

	cw_buf_printf(out, "INSERT INTO %s (", table->name);
	column_list(out, table, 0);
	cw_buf_puts(out, ") VALUES (");
	for (size_t i = 0; i < table->column_count; i++) {
		if ((int)i == identity)
			continue;
		if (n)
			cw_buf_puts(out, ", ");
		placeholder(out, pg, ++n);
	}
	cw_buf_putc(out, ')');
	if (table->scope == CW_COPY_BY_SECRET_CLIENT)
		cw_buf_puts(out, " ON CONFLICT DO NOTHING");
	if (identity >= 0)
		cw_buf_printf(out, " RETURNING %s",
		              table->columns[identity].name);
	return out->error;
}

int cw_copy_delete_sql(cw_buf *out, const cw_copy_table *table, int pg)
{
	cw_buf_printf(out, "DELETE FROM %s", table->name);
	if (table->scope == CW_COPY_BY_SECRET_CLIENT) {
		cw_buf_printf(out, " WHERE %s = ", table->columns[0].name);
		placeholder(out, pg, 1);
	} else {
		scope_clause(out, table, pg);
	}
	return out->error;
}

/* ---- the slots ----------------------------------------------------------- */

int cw_store_copy_read(cw_store *store, const cw_copy_table *table,
                       int64_t tenant_id, const char *tenant_name,
                       cw_copy_row_cb cb, void *payload)
{
	return store->backend->copy_read(store, table, tenant_id, tenant_name,
	                                 cb, payload);
}

int cw_store_copy_begin(cw_store_copy **out, cw_store *store)
{
	*out = NULL;
	return store->backend->copy_begin(store, out);
}

int cw_store_copy_next_seq(cw_store_copy *copy, const cw_copy_table *table,
                           int64_t *next)
{
	return copy->store->backend->copy_next_seq(copy, table, next);
}

int cw_store_copy_put(cw_store_copy *copy, const cw_copy_table *table,
                      const cw_copy_value *row, int64_t *new_id, int *inserted)
{
	*new_id = 0;
	*inserted = 0;
	return copy->store->backend->copy_put(copy, table, row, new_id,
	                                      inserted);
}

int cw_store_copy_delete(cw_store_copy *copy, const cw_copy_table *table,
                         int64_t tenant_id, const char *key, int *deleted)
{
	int ignored = 0;

	return copy->store->backend->copy_delete(copy, table, tenant_id, key,
	                                         deleted ? deleted : &ignored);
}

int cw_store_copy_end(cw_store_copy *copy, int commit)
{
	if (!copy)
		return 0;
	return copy->store->backend->copy_end(copy, commit);
}
