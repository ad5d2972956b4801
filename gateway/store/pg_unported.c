/* What the PostgreSQL backend does not do yet (CASE frameworks, Open Badges
 * issuing): each slot fails with CW_EUNSUPPORTED
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

int cw_pg__badge_issuer_add(cw_store *store, const cw_badge_issuer *issuer,
                            const cw_badge_key *keys, size_t key_count,
                            int64_t status_list_size)
{
	(void)store;
	(void)issuer;
	(void)keys;
	(void)key_count;
	(void)status_list_size;
	return cw_pg__unsupported("badge issuer add");
}

int cw_pg__badge_issuer_get(cw_store *store, int64_t tenant_id, const char *id,
                            cw_badge_issuer_cb cb, void *payload)
{
	(void)store;
	(void)tenant_id;
	(void)id;
	(void)cb;
	(void)payload;
	return cw_pg__unsupported("badge issuer get");
}

int cw_pg__badge_issuer_list(cw_store *store, int64_t tenant_id,
                             cw_badge_issuer_cb cb, void *payload)
{
	(void)store;
	(void)tenant_id;
	(void)cb;
	(void)payload;
	return cw_pg__unsupported("badge issuer list");
}

int cw_pg__badge_key_rotate(cw_store *store, const cw_badge_key *key)
{
	(void)store;
	(void)key;
	return cw_pg__unsupported("badge key rotate");
}

int cw_pg__badge_key_list(cw_store *store, int64_t tenant_id,
                          const char *issuer, cw_badge_key_cb cb, void *payload)
{
	(void)store;
	(void)tenant_id;
	(void)issuer;
	(void)cb;
	(void)payload;
	return cw_pg__unsupported("badge key list");
}

int cw_pg__badge_achievement_put(cw_store *store,
                                 const cw_badge_achievement *achievement)
{
	(void)store;
	(void)achievement;
	return cw_pg__unsupported("badge achievement put");
}

int cw_pg__badge_achievement_get(cw_store *store, int64_t tenant_id,
                                 const char *id, cw_badge_achievement_cb cb,
                                 void *payload)
{
	(void)store;
	(void)tenant_id;
	(void)id;
	(void)cb;
	(void)payload;
	return cw_pg__unsupported("badge achievement get");
}

int cw_pg__badge_status_reserve(cw_store *store, int64_t tenant_id,
                                const char *issuer, int64_t count,
                                int64_t *first, int64_t *size)
{
	(void)store;
	(void)tenant_id;
	(void)issuer;
	(void)count;
	(void)first;
	(void)size;
	return cw_pg__unsupported("badge status reserve");
}

int cw_pg__badge_credentials_add(cw_store *store,
                                 const cw_badge_credential *credentials,
                                 size_t count)
{
	(void)store;
	(void)credentials;
	(void)count;
	return cw_pg__unsupported("badge credentials add");
}

int cw_pg__badge_credential_get(cw_store *store, int64_t tenant_id,
                                const char *id, cw_badge_credential_cb cb,
                                void *payload)
{
	(void)store;
	(void)tenant_id;
	(void)id;
	(void)cb;
	(void)payload;
	return cw_pg__unsupported("badge credential get");
}

int cw_pg__badge_credential_revoke(cw_store *store, int64_t tenant_id,
                                   const char *id, const char *at,
                                   const char *reason)
{
	(void)store;
	(void)tenant_id;
	(void)id;
	(void)at;
	(void)reason;
	return cw_pg__unsupported("badge credential revoke");
}

int cw_pg__badge_revoked_list(cw_store *store, int64_t tenant_id,
                              const char *issuer, cw_badge_credential_cb cb,
                              void *payload)
{
	(void)store;
	(void)tenant_id;
	(void)issuer;
	(void)cb;
	(void)payload;
	return cw_pg__unsupported("badge revoked list");
}

int cw_pg__badge_status_list_get(cw_store *store, int64_t tenant_id,
                                 const char *issuer, int64_t *size,
                                 int64_t *next_index)
{
	(void)store;
	(void)tenant_id;
	(void)issuer;
	(void)size;
	(void)next_index;
	return cw_pg__unsupported("badge status list get");
}
