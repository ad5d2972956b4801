/* Slots of the store interface the PostgreSQL backend does not have yet
 * fail through here: CW_EUNSUPPORTED and a message naming the operation,
 * never touching the database. Today that is the OB 3.0 API (holders,
 * registered clients, the authorization code flow's secrets, upserted
 * credentials); migration 0012 makes its tables so a later port needs no
 * new migration. */
#include "store/pg_internal.h"

#include "util/error.h"

int cw_pg__unsupported(const char *operation)
{
	cw_error_set("store: %s is not yet supported on PostgreSQL "
	             "(use store = sqlite for it)",
	             operation);
	return CW_EUNSUPPORTED;
}

/* ---- OB 3.0 API (migration 0012) ----------------------------------------- */

int cw_pg__ob3_holder_add(cw_store *store, const cw_ob3_holder *holder,
                          int64_t *id)
{
	(void)store, (void)holder, (void)id;
	return cw_pg__unsupported("ob3_holder_add (OB 3.0 API holders)");
}

int cw_pg__ob3_holder_get(cw_store *store, int64_t tenant_id, const char *login,
                          int64_t id, cw_ob3_holder_cb cb, void *payload)
{
	(void)store, (void)tenant_id, (void)login, (void)id, (void)cb,
	        (void)payload;
	return cw_pg__unsupported("ob3_holder_get (OB 3.0 API holders)");
}

int cw_pg__ob3_holder_list(cw_store *store, int64_t tenant_id,
                           cw_ob3_holder_cb cb, void *payload)
{
	(void)store, (void)tenant_id, (void)cb, (void)payload;
	return cw_pg__unsupported("ob3_holder_list (OB 3.0 API holders)");
}

int cw_pg__ob3_profile_put(cw_store *store, int64_t tenant_id,
                           int64_t holder_id, const char *profile)
{
	(void)store, (void)tenant_id, (void)holder_id, (void)profile;
	return cw_pg__unsupported("ob3_profile_put (OB 3.0 API profiles)");
}

int cw_pg__ob3_client_add(cw_store *store, const cw_ob3_client *client)
{
	(void)store, (void)client;
	return cw_pg__unsupported("ob3_client_add (OB 3.0 API clients)");
}

int cw_pg__ob3_client_get(cw_store *store, const char *client_id,
                          cw_ob3_client_cb cb, void *payload)
{
	(void)store, (void)client_id, (void)cb, (void)payload;
	return cw_pg__unsupported("ob3_client_get (OB 3.0 API clients)");
}

int cw_pg__ob3_secret_add(cw_store *store, const cw_ob3_secret *secrets,
                          size_t count)
{
	(void)store, (void)secrets, (void)count;
	return cw_pg__unsupported("ob3_secret_add (OB 3.0 API tokens)");
}

int cw_pg__ob3_secret_take(cw_store *store, const char *hash, const char *kind,
                           int64_t now_ms, cw_ob3_secret_cb cb, void *payload)
{
	(void)store, (void)hash, (void)kind, (void)now_ms, (void)cb,
	        (void)payload;
	return cw_pg__unsupported("ob3_secret_take (OB 3.0 API tokens)");
}

int cw_pg__ob3_secret_get(cw_store *store, const char *hash, const char *kind,
                          int64_t now_ms, cw_ob3_secret_cb cb, void *payload)
{
	(void)store, (void)hash, (void)kind, (void)now_ms, (void)cb,
	        (void)payload;
	return cw_pg__unsupported("ob3_secret_get (OB 3.0 API tokens)");
}

int cw_pg__ob3_grant_revoke(cw_store *store, const char *grant_id,
                            int64_t now_ms)
{
	(void)store, (void)grant_id, (void)now_ms;
	return cw_pg__unsupported("ob3_grant_revoke (OB 3.0 API tokens)");
}

int cw_pg__ob3_secret_purge(cw_store *store, int64_t before_ms, int *purged)
{
	(void)store, (void)before_ms;
	if (purged)
		*purged = 0;
	return cw_pg__unsupported("ob3_secret_purge (OB 3.0 API tokens)");
}

int cw_pg__ob3_credential_put(cw_store *store,
                              const cw_ob3_credential *credential, int *created)
{
	(void)store, (void)credential, (void)created;
	return cw_pg__unsupported(
	        "ob3_credential_put (OB 3.0 API credentials)");
}

int cw_pg__ob3_credential_list(cw_store *store, int64_t tenant_id,
                               int64_t holder_id, const char *recipient,
                               const char *since, int64_t offset, int64_t limit,
                               int64_t *total, cw_ob3_credential_cb cb,
                               void *payload)
{
	(void)store, (void)tenant_id, (void)holder_id, (void)recipient,
	        (void)since, (void)offset, (void)limit, (void)cb, (void)payload;
	if (total)
		*total = 0;
	return cw_pg__unsupported(
	        "ob3_credential_list (OB 3.0 API credentials)");
}
