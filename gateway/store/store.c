/* Store front: picks a backend from the URL and forwards to its table. */
#include "store/store.h"

#include "store/pg.h"
#include "store/sqlite.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <string.h>

int cw_store_open(cw_store **out, const char *url, const char *data_dir)
{
	cw_buf path = CW_BUF_INIT(4096);
	int err;

	*out = NULL;
	if (strcmp(url, "sqlite") == 0) {
		cw_buf_printf(&path, "%s/crosswalk.db", data_dir);
		if (path.error) {
			cw_error_set("data dir path too long");
			err = path.error;
			goto out;
		}
		err = cw_store_sqlite_open(out, path.data);
	} else if (strncmp(url, "sqlite:", 7) == 0) {
		err = cw_store_sqlite_open(out, url + 7);
	} else if (strncmp(url, "postgres://", 11) == 0 ||
	           strncmp(url, "postgresql://", 13) == 0) {
		err = cw_store_pg_open(out, url);
	} else {
		cw_error_set("store: unknown store URL \"%s\"", url);
		err = CW_EINVAL;
	}
out:
	cw_buf_dispose(&path);
	return err;
}

void cw_store_free(cw_store *store)
{
	if (store)
		store->backend->free(store);
}

int cw_store_migrate(cw_store *store, int *applied)
{
	return store->backend->migrate(store, applied);
}

int cw_store_ping(cw_store *store)
{
	return store->backend->ping(store);
}

int cw_tenant_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > CW_TENANT_NAME_MAX || name[0] == '-')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return 0;
	}
	return 1;
}

int cw_store_tenant_add(cw_store *store, const char *name, cw_tenant *out)
{
	if (!cw_tenant_name_valid(name)) {
		cw_error_set("tenant name \"%s\" is not 1 to %d characters of "
		             "a-z, 0-9 and '-' (not first)",
		             name, CW_TENANT_NAME_MAX);
		return CW_EINVAL;
	}
	return store->backend->tenant_add(store, name, out);
}

int cw_store_tenant_get(cw_store *store, const char *name, cw_tenant *out)
{
	return store->backend->tenant_get(store, name, out);
}

int cw_store_tenant_list(cw_store *store, cw_tenant_cb cb, void *payload)
{
	return store->backend->tenant_list(store, cb, payload);
}

int cw_store_client_add(cw_store *store, const cw_client *client)
{
	return store->backend->client_add(store, client);
}

int cw_store_client_get(cw_store *store, const char *client_id, cw_client *out)
{
	return store->backend->client_get(store, client_id, out);
}

int cw_store_client_list(cw_store *store, int64_t tenant_id, cw_client_cb cb,
                         void *payload)
{
	return store->backend->client_list(store, tenant_id, cb, payload);
}

int cw_store_client_revoke(cw_store *store, const char *client_id,
                           const char *at)
{
	return store->backend->client_revoke(store, client_id, at);
}

void cw_client_dispose(cw_client *client)
{
	cw_free(client->scopes);
	cw_free(client->secret_hash);
	cw_free(client->secret_sealed);
	client->scopes = client->secret_hash = client->secret_sealed = NULL;
}

int cw_store_token_add(cw_store *store, const cw_token *token)
{
	return store->backend->token_add(store, token);
}

int cw_store_token_lookup(cw_store *store, const char *token_hash,
                          cw_token_info *out)
{
	return store->backend->token_lookup(store, token_hash, out);
}

int cw_store_token_purge(cw_store *store, int64_t now_ms, int *purged)
{
	return store->backend->token_purge(store, now_ms, purged);
}

int cw_store_nonce_add(cw_store *store, const char *client_id,
                       const char *nonce, int64_t timestamp_s, int64_t now_ms)
{
	return store->backend->nonce_add(store, client_id, nonce, timestamp_s,
	                                 now_ms);
}

int cw_store_nonce_purge(cw_store *store, int64_t before_s, int *purged)
{
	return store->backend->nonce_purge(store, before_s, purged);
}

int cw_store_auth_fail_get(cw_store *store, const char *kind, const char *key,
                           int64_t *blocked_until_ms, int *held)
{
	return store->backend->auth_fail_get(store, kind, key, blocked_until_ms,
	                                     held);
}

int cw_store_auth_fail_count(cw_store *store, const char *kind, const char *key,
                             int64_t now_ms, int limit, int64_t window_ms,
                             int64_t *blocked_until_ms)
{
	return store->backend->auth_fail_count(store, kind, key, now_ms, limit,
	                                       window_ms, blocked_until_ms);
}

int cw_store_auth_fail_clear(cw_store *store, const char *kind, const char *key)
{
	return store->backend->auth_fail_clear(store, kind, key);
}

int cw_store_auth_fail_purge(cw_store *store, int64_t now_ms, int64_t window_ms,
                             int *purged)
{
	return store->backend->auth_fail_purge(store, now_ms, window_ms,
	                                       purged);
}

int cw_store_ob3_holder_add(cw_store *store, const cw_ob3_holder *holder,
                            int64_t *id)
{
	return store->backend->ob3_holder_add(store, holder, id);
}

int cw_store_ob3_holder_get(cw_store *store, int64_t tenant_id,
                            const char *login, int64_t id, cw_ob3_holder_cb cb,
                            void *payload)
{
	return store->backend->ob3_holder_get(store, tenant_id, login, id, cb,
	                                      payload);
}

int cw_store_ob3_holder_list(cw_store *store, int64_t tenant_id,
                             cw_ob3_holder_cb cb, void *payload)
{
	return store->backend->ob3_holder_list(store, tenant_id, cb, payload);
}

int cw_store_ob3_profile_put(cw_store *store, int64_t tenant_id,
                             int64_t holder_id, const char *profile)
{
	return store->backend->ob3_profile_put(store, tenant_id, holder_id,
	                                       profile);
}

int cw_store_ob3_client_add(cw_store *store, const cw_ob3_client *client)
{
	return store->backend->ob3_client_add(store, client);
}

int cw_store_ob3_client_get(cw_store *store, const char *client_id,
                            cw_ob3_client_cb cb, void *payload)
{
	return store->backend->ob3_client_get(store, client_id, cb, payload);
}

int cw_store_ob3_secret_add(cw_store *store, const cw_ob3_secret *secrets,
                            size_t count)
{
	return store->backend->ob3_secret_add(store, secrets, count);
}

int cw_store_ob3_secret_take(cw_store *store, const char *hash,
                             const char *kind, int64_t now_ms,
                             cw_ob3_secret_cb cb, void *payload)
{
	return store->backend->ob3_secret_take(store, hash, kind, now_ms, cb,
	                                       payload);
}

int cw_store_ob3_secret_get(cw_store *store, const char *hash, const char *kind,
                            int64_t now_ms, cw_ob3_secret_cb cb, void *payload)
{
	return store->backend->ob3_secret_get(store, hash, kind, now_ms, cb,
	                                      payload);
}

int cw_store_ob3_grant_revoke(cw_store *store, const char *grant_id,
                              int64_t now_ms)
{
	return store->backend->ob3_grant_revoke(store, grant_id, now_ms);
}

int cw_store_ob3_secret_purge(cw_store *store, int64_t before_ms, int *purged)
{
	return store->backend->ob3_secret_purge(store, before_ms, purged);
}

int cw_store_ob3_credential_put(cw_store *store,
                                const cw_ob3_credential *credential,
                                int *created)
{
	return store->backend->ob3_credential_put(store, credential, created);
}

int cw_store_ob3_credential_list(cw_store *store, int64_t tenant_id,
                                 int64_t holder_id, const char *recipient,
                                 const char *since, int64_t offset,
                                 int64_t limit, int64_t *total,
                                 cw_ob3_credential_cb cb, void *payload)
{
	return store->backend->ob3_credential_list(store, tenant_id, holder_id,
	                                           recipient, since, offset,
	                                           limit, total, cb, payload);
}

void cw_token_info_dispose(cw_token_info *info)
{
	cw_free(info->scopes);
	info->scopes = NULL;
}

int cw_store_audit_append(cw_store *store, const cw_audit_entry *entry)
{
	return store->backend->audit_append(store, entry);
}

int cw_store_audit_list(cw_store *store, const char *tenant, int64_t after_seq,
                        int limit, cw_audit_cb cb, void *payload)
{
	return store->backend->audit_list(store, tenant, after_seq, limit, cb,
	                                  payload);
}

int cw_store_import_begin(cw_store_import **out, cw_store *store,
                          int64_t tenant_id, const char *at, int64_t import_id)
{
	return store->backend->import_begin(store, tenant_id, at, import_id,
	                                    out);
}

int cw_store_import_put(cw_store_import *import, const cw_roster_record *record)
{
	return import->store->backend->import_put(import, record);
}

int cw_store_import_known(cw_store_import *import, int entity,
                          const char *sourced_id)
{
	return import->store->backend->import_lookup(import, entity, sourced_id,
	                                             NULL);
}

int cw_store_import_fetch(cw_store_import *import, int entity,
                          const char *sourced_id, cw_buf *fields)
{
	return import->store->backend->import_lookup(import, entity, sourced_id,
	                                             fields);
}

int cw_store_import_commit(cw_store_import *import, uint32_t bulk_entities,
                           const cw_import_policy *policy,
                           cw_roster_counts *counts, int *applied)
{
	return import->store->backend->import_commit(import, bulk_entities,
	                                             policy, counts, applied);
}

void cw_store_import_end(cw_store_import *import)
{
	if (import)
		import->store->backend->import_end(import);
}

int cw_store_import_create(cw_store *store, int64_t tenant_id, const char *at,
                           const char *source, int64_t *id)
{
	return store->backend->import_create(store, tenant_id, at, source, id);
}

int cw_store_import_get(cw_store *store, int64_t import_id,
                        cw_import_record *out)
{
	return store->backend->import_get(store, import_id, out);
}

void cw_import_record_dispose(cw_import_record *record)
{
	cw_free(record->source);
	cw_free(record->report);
	record->source = record->report = NULL;
}

int cw_store_import_interrupted(cw_store *store, int *count)
{
	return store->backend->import_interrupted(store, count);
}

int cw_store_import_report(cw_store *store, int64_t import_id,
                           const char *state, const char *report)
{
	return store->backend->import_report(store, import_id, state, report);
}

int cw_store_roster_list(cw_store *store, int64_t tenant_id, int entity,
                         const char *since, cw_roster_cb cb, void *payload)
{
	int64_t seq = 0, pruned_before = 0, since_ms = 0;
	int err;
	/* Deletions come from the change log: past its retention they are
	 * gone, and a delta without them would be silently wrong. */
	if (since && cw_time_parse_iso(since, &since_ms) == 0 &&
	    (err = store->backend->roster_horizon(store, tenant_id, &seq,
	                                          &pruned_before)) < 0)
		return err;
	if (since && since_ms < pruned_before) {
		char kept[CW_TIME_ISO_LEN];
		cw_time_format_iso(pruned_before, kept);
		cw_error_set("changes before %s are no longer kept "
		             "(change_retention_days), so deletions since %s "
		             "are unknown: read everything (no since) instead",
		             kept, since);
		return CW_EINVAL;
	}
	return store->backend->roster_list(store, tenant_id, entity, since, cb,
	                                   payload);
}

int cw_store_roster_get(cw_store *store, int64_t tenant_id, int entity,
                        const char *sourced_id, cw_roster_cb cb, void *payload)
{
	return store->backend->roster_get(store, tenant_id, entity, sourced_id,
	                                  cb, payload);
}

int cw_store_import_supersede(cw_store *store, int64_t tenant_id,
                              int64_t import_id, cw_import_source_cb cb,
                              void *payload)
{
	return store->backend->import_settle(store, tenant_id, import_id, NULL,
	                                     "superseded", cb, payload);
}

int cw_store_import_expire(cw_store *store, const char *before,
                           cw_import_source_cb cb, void *payload)
{
	return store->backend->import_settle(store, 0, 0, before, "expired", cb,
	                                     payload);
}

int cw_store_roster_snapshot(cw_store *store, int64_t tenant_id, int64_t *seq,
                             cw_roster_cb cb, void *payload)
{
	return store->backend->roster_snapshot(store, tenant_id, seq, cb,
	                                       payload);
}

int cw_store_roster_seq(cw_store *store, int64_t tenant_id, int64_t *seq)
{
	return store->backend->roster_seq(store, tenant_id, seq);
}

int cw_store_case_import(cw_store *store, int64_t tenant_id,
                         const cw_case_import *import,
                         cw_case_counts counts[CW_STORE_CASE_KINDS])
{
	return store->backend->case_import(store, tenant_id, import, counts);
}

int cw_store_case_get(cw_store *store, int64_t tenant_id,
                      const char *identifier, cw_case_cb cb, void *payload)
{
	return store->backend->case_get(store, tenant_id, identifier, cb,
	                                payload);
}

int cw_store_case_documents(cw_store *store, int64_t tenant_id, cw_case_cb cb,
                            void *payload)
{
	return store->backend->case_documents(store, tenant_id, cb, payload);
}

int cw_store_case_package(cw_store *store, int64_t tenant_id,
                          const char *identifier, cw_buf *out, int64_t *stamp)
{
	return store->backend->case_package(store, tenant_id, identifier, out,
	                                    stamp);
}

int cw_store_case_stamp(cw_store *store, int64_t tenant_id,
                        const char *identifier, int64_t *stamp)
{
	return store->backend->case_stamp(store, tenant_id, identifier, stamp);
}

int cw_store_case_links(cw_store *store, int64_t tenant_id,
                        const char *identifier, cw_case_cb cb, void *payload)
{
	return store->backend->case_links(store, tenant_id, identifier, cb,
	                                  payload);
}

int cw_store_case_kind(cw_store *store, int64_t tenant_id, int kind,
                       cw_case_cb cb, void *payload)
{
	return store->backend->case_kind(store, tenant_id, kind, cb, payload);
}

int cw_store_roster_changes(cw_store *store, int64_t tenant_id,
                            int64_t after_seq, size_t limit,
                            cw_roster_change_cb cb, void *payload)
{
	return store->backend->roster_changes(store, tenant_id, after_seq,
	                                      limit, cb, payload);
}

int cw_store_sync_add(cw_store *store, const cw_sync_connection *c, int64_t *id)
{
	return store->backend->sync_add(store, c, id);
}

int cw_store_sync_list(cw_store *store, int64_t tenant_id, const char *name,
                       cw_sync_cb cb, void *payload)
{
	return store->backend->sync_list(store, tenant_id, name, cb, payload);
}

int cw_store_sync_done(cw_store *store, int64_t id, int64_t ran_ms,
                       const char *state, const char *report,
                       const char *cursor)
{
	return store->backend->sync_done(store, id, ran_ms, state, report,
	                                 cursor);
}

int cw_store_case_mirror_put(cw_store *store, const cw_case_mirror *mirror,
                             int64_t *id)
{
	return store->backend->case_mirror_put(store, mirror, id);
}

int cw_store_case_mirror_list(cw_store *store, int64_t tenant_id,
                              int64_t due_before_ms, cw_case_mirror_cb cb,
                              void *payload)
{
	return store->backend->case_mirror_list(store, tenant_id, due_before_ms,
	                                        cb, payload);
}

int cw_store_case_mirror_done(cw_store *store, int64_t id, int64_t ran_ms,
                              int64_t next_run_ms, const char *report)
{
	return store->backend->case_mirror_done(store, id, ran_ms, next_run_ms,
	                                        report);
}

int cw_store_case_mirror_delete(cw_store *store, int64_t tenant_id, int64_t id)
{
	return store->backend->case_mirror_delete(store, tenant_id, id);
}

int cw_store_badge_issuer_add(cw_store *store, const cw_badge_issuer *issuer,
                              const cw_badge_key *keys, size_t key_count,
                              int64_t status_list_size)
{
	return store->backend->badge_issuer_add(store, issuer, keys, key_count,
	                                        status_list_size);
}

int cw_store_badge_issuer_get(cw_store *store, int64_t tenant_id,
                              const char *id, cw_badge_issuer_cb cb,
                              void *payload)
{
	return store->backend->badge_issuer_get(store, tenant_id, id, cb,
	                                        payload);
}

int cw_store_badge_issuer_list(cw_store *store, int64_t tenant_id,
                               cw_badge_issuer_cb cb, void *payload)
{
	return store->backend->badge_issuer_list(store, tenant_id, cb, payload);
}

int cw_store_badge_key_rotate(cw_store *store, const cw_badge_key *key)
{
	return store->backend->badge_key_rotate(store, key);
}

int cw_store_badge_key_list(cw_store *store, int64_t tenant_id,
                            const char *issuer, cw_badge_key_cb cb,
                            void *payload)
{
	return store->backend->badge_key_list(store, tenant_id, issuer, cb,
	                                      payload);
}

int cw_store_badge_achievement_put(cw_store *store,
                                   const cw_badge_achievement *achievement)
{
	return store->backend->badge_achievement_put(store, achievement);
}

int cw_store_badge_achievement_get(cw_store *store, int64_t tenant_id,
                                   const char *id, cw_badge_achievement_cb cb,
                                   void *payload)
{
	return store->backend->badge_achievement_get(store, tenant_id, id, cb,
	                                             payload);
}

int cw_store_badge_status_reserve(cw_store *store, int64_t tenant_id,
                                  const char *issuer, int64_t count,
                                  int64_t *first, int64_t *size)
{
	return store->backend->badge_status_reserve(store, tenant_id, issuer,
	                                            count, first, size);
}

int cw_store_badge_credentials_add(cw_store *store,
                                   const cw_badge_credential *credentials,
                                   size_t count)
{
	return store->backend->badge_credentials_add(store, credentials, count);
}

int cw_store_badge_credential_get(cw_store *store, int64_t tenant_id,
                                  const char *id, cw_badge_credential_cb cb,
                                  void *payload)
{
	return store->backend->badge_credential_get(store, tenant_id, id, cb,
	                                            payload);
}

int cw_store_badge_credential_revoke(cw_store *store, int64_t tenant_id,
                                     const char *id, const char *at,
                                     const char *reason)
{
	return store->backend->badge_credential_revoke(store, tenant_id, id, at,
	                                               reason);
}

int cw_store_badge_revoked_list(cw_store *store, int64_t tenant_id,
                                const char *issuer, cw_badge_credential_cb cb,
                                void *payload)
{
	return store->backend->badge_revoked_list(store, tenant_id, issuer, cb,
	                                          payload);
}

int cw_store_badge_assertions_add(cw_store *store,
                                  const cw_badge_assertion *assertions,
                                  size_t count)
{
	return store->backend->badge_assertions_add(store, assertions, count);
}

int cw_store_badge_assertion_get(cw_store *store, int64_t tenant_id,
                                 const char *id, cw_badge_assertion_cb cb,
                                 void *payload)
{
	return store->backend->badge_assertion_get(store, tenant_id, id, cb,
	                                           payload);
}

int cw_store_badge_assertion_revoke(cw_store *store, int64_t tenant_id,
                                    const char *id, const char *at,
                                    const char *reason)
{
	return store->backend->badge_assertion_revoke(store, tenant_id, id, at,
	                                              reason);
}

int cw_store_badge_assertion_revoked_list(cw_store *store, int64_t tenant_id,
                                          const char *issuer,
                                          cw_badge_assertion_cb cb,
                                          void *payload)
{
	return store->backend->badge_assertion_revoked_list(
	        store, tenant_id, issuer, cb, payload);
}

int cw_store_badge_status_list_get(cw_store *store, int64_t tenant_id,
                                   const char *issuer, int64_t *size,
                                   int64_t *next_index)
{
	return store->backend->badge_status_list_get(store, tenant_id, issuer,
	                                             size, next_index);
}

int cw_store_flow_mapping_put(cw_store *store, int64_t tenant_id,
                              const char *flow, const char *body,
                              const char *at)
{
	return store->backend->flow_mapping_put(store, tenant_id, flow, body,
	                                        at);
}

int cw_store_flow_mapping_get(cw_store *store, int64_t tenant_id,
                              const char *flow, cw_buf *out)
{
	return store->backend->flow_mapping_get(store, tenant_id, flow, out);
}

int cw_store_flow_run_add(cw_store *store, const cw_flow_run *run, int64_t *id)
{
	return store->backend->flow_run_add(store, run, id);
}

int cw_store_flow_run_update(cw_store *store, const cw_flow_run *run)
{
	return store->backend->flow_run_update(store, run);
}

int cw_store_flow_run_list(cw_store *store, int64_t tenant_id, int64_t id,
                           const char *state, int with_input, size_t limit,
                           cw_flow_run_cb cb, void *payload)
{
	return store->backend->flow_run_list(store, tenant_id, id, state,
	                                     with_input, limit, cb, payload);
}

int cw_store_sync_update(cw_store *store, const cw_sync_connection *c)
{
	return store->backend->sync_update(store, c);
}

int cw_store_sync_delete(cw_store *store, int64_t id, int64_t now_ms)
{
	return store->backend->sync_delete(store, id, now_ms);
}

int cw_store_sync_claim(cw_store *store, int64_t id, const char *owner,
                        int64_t now_ms, int64_t until_ms)
{
	return store->backend->sync_claim(store, id, owner, now_ms, until_ms);
}

int cw_store_sync_renew(cw_store *store, int64_t id, const char *owner,
                        int64_t until_ms)
{
	return store->backend->sync_renew(store, id, owner, until_ms);
}

int cw_store_sync_release(cw_store *store, int64_t id, const char *owner)
{
	return store->backend->sync_release(store, id, owner);
}

int cw_store_sync_reschedule(cw_store *store, int64_t id, int64_t expected_ms,
                             int64_t next_ms, int *won)
{
	return store->backend->sync_reschedule(store, id, expected_ms, next_ms,
	                                       won);
}

int cw_store_sync_run_add(cw_store *store, const cw_sync_run *run, int64_t *id)
{
	return store->backend->sync_run_add(store, run, id);
}

int cw_store_sync_run_finish(cw_store *store, const cw_sync_run *run,
                             const char *connection_state, int advance)
{
	return store->backend->sync_run_finish(store, run, connection_state,
	                                       advance);
}

int cw_store_sync_run_list(cw_store *store, int64_t connection_id,
                           int64_t run_id, int limit, cw_sync_run_cb cb,
                           void *payload)
{
	return store->backend->sync_run_list(store, connection_id, run_id,
	                                     limit, cb, payload);
}

int cw_store_sync_run_settle(cw_store *store, int64_t run_id,
                             const char *from_state, const char *to_state)
{
	return store->backend->sync_run_settle(store, run_id, from_state,
	                                       to_state);
}

int cw_store_tenant_zone_get(cw_store *store, int64_t tenant_id, char out[64])
{
	return store->backend->tenant_zone_get(store, tenant_id, out);
}

int cw_store_tenant_zone_set(cw_store *store, int64_t tenant_id,
                             const char *zone)
{
	return store->backend->tenant_zone_set(store, tenant_id, zone);
}

int cw_store_roster_prune(cw_store *store, int64_t before_ms, int *pruned)
{
	return store->backend->roster_prune(store, before_ms, pruned);
}

int cw_store_roster_horizon(cw_store *store, int64_t tenant_id,
                            int64_t *through_seq, int64_t *pruned_before_ms)
{
	return store->backend->roster_horizon(store, tenant_id, through_seq,
	                                      pruned_before_ms);
}

int cw_store_sync_run_trim(cw_store *store, int keep, int *deleted)
{
	return store->backend->sync_run_trim(store, keep, deleted);
}

int cw_store_job_add(cw_store *store, const cw_job *job, int64_t *id)
{
	return store->backend->job_add(store, job, id);
}

int cw_store_job_claim(cw_store *store, const char *owner, int64_t now_ms,
                       int64_t until_ms, cw_job_cb cb, void *payload)
{
	return store->backend->job_claim(store, owner, now_ms, until_ms, cb,
	                                 payload);
}

int cw_store_job_renew(cw_store *store, int64_t id, const char *owner,
                       int64_t until_ms, int64_t ref_id)
{
	return store->backend->job_renew(store, id, owner, until_ms, ref_id);
}

int cw_store_job_finish(cw_store *store, int64_t id, const char *owner,
                        const char *state, int64_t not_before_ms,
                        const char *error)
{
	return store->backend->job_finish(store, id, owner, state,
	                                  not_before_ms, error);
}

int cw_store_job_expire(cw_store *store, int64_t now_ms, cw_job_cb cb,
                        void *payload)
{
	return store->backend->job_expire(store, now_ms, cb, payload);
}

int cw_store_job_list(cw_store *store, int64_t tenant_id, int64_t id,
                      const char *state, size_t limit, cw_job_cb cb,
                      void *payload)
{
	return store->backend->job_list(store, tenant_id, id, state, limit, cb,
	                                payload);
}

int cw_store_job_prune(cw_store *store, int64_t before_ms, int *deleted)
{
	return store->backend->job_prune(store, before_ms, deleted);
}

int cw_store_job_lead(cw_store *store, const char *name, const char *owner,
                      int64_t now_ms, int64_t until_ms, int *held)
{
	return store->backend->job_lead(store, name, owner, now_ms, until_ms,
	                                held);
}

int cw_store_blob_put(cw_store *store, int64_t tenant_id, const char *name,
                      const char *path)
{
	return store->backend->blob_put(store, tenant_id, name, path);
}

int cw_store_blob_get(cw_store *store, const char *name, const char *path)
{
	return store->backend->blob_get(store, name, path);
}

int cw_store_blob_delete(cw_store *store, const char *name)
{
	return store->backend->blob_delete(store, name);
}

int cw_store_blob_list(cw_store *store, const char *prefix,
                       int (*cb)(const char *name, void *payload),
                       void *payload)
{
	return store->backend->blob_list(store, prefix, cb, payload);
}

int cw_store_job_result(cw_store *store, int64_t id, const char *owner,
                        const char *result)
{
	return store->backend->job_result(store, id, owner, result);
}
