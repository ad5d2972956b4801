/* What the PostgreSQL backend does not do yet (CASE frameworks): each slot
 * fails with CW_EUNSUPPORTED
 * and a message naming the operation, never touching the database. */
#include "store/pg_internal.h"

int cw_pg__case_import(cw_store *store, int64_t tenant_id,
                       const cw_case_import *import,
                       cw_case_counts counts[CW_STORE_CASE_KINDS])
{
	(void)store;
	(void)tenant_id;
	(void)import;
	(void)counts;
	return cw_pg__unsupported("case import");
}

int cw_pg__case_get(cw_store *store, int64_t tenant_id, const char *identifier,
                    cw_case_cb cb, void *payload)
{
	(void)store;
	(void)tenant_id;
	(void)identifier;
	(void)cb;
	(void)payload;
	return cw_pg__unsupported("case get");
}

int cw_pg__case_documents(cw_store *store, int64_t tenant_id, cw_case_cb cb,
                          void *payload)
{
	(void)store;
	(void)tenant_id;
	(void)cb;
	(void)payload;
	return cw_pg__unsupported("case documents");
}

int cw_pg__case_package(cw_store *store, int64_t tenant_id,
                        const char *identifier, cw_buf *out, int64_t *stamp)
{
	(void)store;
	(void)tenant_id;
	(void)identifier;
	(void)out;
	(void)stamp;
	return cw_pg__unsupported("case package");
}

int cw_pg__case_stamp(cw_store *store, int64_t tenant_id,
                      const char *identifier, int64_t *stamp)
{
	(void)store;
	(void)tenant_id;
	(void)identifier;
	(void)stamp;
	return cw_pg__unsupported("case stamp");
}

int cw_pg__case_links(cw_store *store, int64_t tenant_id,
                      const char *identifier, cw_case_cb cb, void *payload)
{
	(void)store;
	(void)tenant_id;
	(void)identifier;
	(void)cb;
	(void)payload;
	return cw_pg__unsupported("case links");
}

int cw_pg__case_kind(cw_store *store, int64_t tenant_id, int kind,
                     cw_case_cb cb, void *payload)
{
	(void)store;
	(void)tenant_id;
	(void)kind;
	(void)cb;
	(void)payload;
	return cw_pg__unsupported("case kind");
}
