/* Internals shared by the PostgreSQL backend's files (not part of the store
 * interface). */
#ifndef CW_STORE_PG_INTERNAL_H
#define CW_STORE_PG_INTERNAL_H

#include "store/store.h"

#include <libpq-fe.h>
#include <pthread.h>

/* Statements every connection prepares once, on first use. */
enum pg_statement {
	PS_PING,
	PS_TENANT_ADD,
	PS_TENANT_GET,
	PS_TENANT_LIST,
	PS_CLIENT_ADD,
	PS_CLIENT_GET,
	PS_CLIENT_LIST,
	PS_CLIENT_REVOKE,
	PS_TOKEN_ADD,
	PS_TOKEN_LOOKUP,
	PS_TOKEN_PURGE,
	PS_NONCE_ADD,
	PS_NONCE_PURGE,
	PS_AUDIT_APPEND,
	PS_AUDIT_LIST,
	PS_ROSTER_GET,
	PS_AUTH_FAIL_GET, /* pg_authfail.c: on every authentication */
	PS_COUNT
};

/* Advisory lock keys (pg_advisory_xact_lock): "cw" and a number. */
#define CW_PG_LOCK_MIGRATE 0x63770001LL
#define CW_PG_LOCK_ROSTER  0x63770002LL
#define CW_PG_LOCK_CASE    0x63770003LL

/* How long a small write waits for another's lock, as SQLite's busy
 * timeout; an import with a record waits as long as SQLite's does. */
#define CW_PG_LOCK_WAIT        "5s"
#define CW_PG_IMPORT_LOCK_WAIT "30min"

typedef struct pg_connection {
	PGconn *conn;
	unsigned char prepared[PS_COUNT];
	struct pg_connection *next;
} pg_connection;

/* A running import of this process: a session of its own holds the
 * import's advisory lock until the import leaves state running, so a node
 * starting fails only the imports whose process is gone. */
typedef struct pg_import_hold {
	int64_t import_id;
	pg_connection *c;
	struct pg_import_hold *next;
} pg_import_hold;

typedef struct {
	cw_store base;
	char *url;
	pthread_mutex_t lock;
	pg_connection *idle;
	int idle_count;
	pg_import_hold *holds; /* under lock */
	/* The session holding leaderships' advisory locks (pg_jobs.c;
	 * used by one thread, the scheduler's), or NULL; the keys it
	 * holds. */
	pg_connection *leader;
	int64_t lead_keys[8];
	int lead_count;
} pg_store;

/* The advisory lock key of an import (another range than the ones
 * above). */
#define CW_PG_IMPORT_KEY(id) ((int64_t)0x6378 << 48 | (int64_t)(id))

/* Room for an int64 as decimal text. */
#define CW_PG_INT_TEXT 24

/* Sets the message (store: what: the server's) and maps the SQLSTATE:
 * constraint violations CW_EEXISTS, lock timeouts and deadlocks CW_EBUSY,
 * anything else CW_ESTORE. res may be NULL (connection-level failure). */
int cw_pg__fail(PGconn *conn, const PGresult *res, const char *what);
int cw_pg__acquire(pg_store *s, pg_connection **out);
/* Pools the connection again, or closes it when it is broken or left
 * inside a transaction. */
void cw_pg__release(pg_store *s, pg_connection *c);

/* Runs sql with n text parameters (NULL: SQL NULL) and checks the result;
 * *out (when out is not NULL) gets it, to PQclear. */
int cw_pg__query(pg_connection *c, const char *what, PGresult **out,
                 const char *sql, int n, const char *const *params);
/* The same for one of the prepared statements. */
int cw_pg__prepared(pg_connection *c, enum pg_statement id, const char *what,
                    PGresult **out, int n, const char *const *params);
/* cw_pg__query on a connection borrowed for it. */
int cw_pg__run(pg_store *s, const char *what, PGresult **out, const char *sql,
               int n, const char *const *params);
/* Runs body(c, arg) between BEGIN and COMMIT on a borrowed connection,
 * rolling back when it returns anything but 0 (which it returns); what
 * names the write in errors. */
int cw_pg__transaction(pg_store *s, const char *what,
                       int (*body)(pg_connection *c, void *arg), void *arg);
/* The rows the statement of res changed (its command tag's count). */
int cw_pg__changed(const PGresult *res);
/* A statement without parameters and without rows (BEGIN, COMMIT …). */
int cw_pg__exec(pg_connection *c, const char *sql, const char *what);
/* Streams the rows of sql one at a time to row (which returns 0 to go on,
 * anything else to stop with it); the rest are read and dropped. */
typedef int (*cw_pg_row_fn)(const PGresult *res, void *payload);
int cw_pg__each(pg_connection *c, const char *what, const char *sql, int n,
                const char *const *params, cw_pg_row_fn row, void *payload);

/* Decimal text of v in buf, which it returns. */
const char *cw_pg__int(char buf[CW_PG_INT_TEXT], int64_t v);
int64_t cw_pg__get_int(const PGresult *res, int row, int col);
/* The value, or NULL when it is SQL NULL. */
const char *cw_pg__get_text(const PGresult *res, int row, int col);

/* Appends s as a COPY text-format field (backslash escapes). */
int cw_pg__copy_field(cw_buf *buf, const char *s, size_t len);
/* Appends s as an element of a text[] literal ("…" with escapes). */
int cw_pg__array_element(cw_buf *buf, const char *s, size_t len);

/* For slots not ported yet (pg_unported.c): CW_EUNSUPPORTED naming the
 * operation. */
int cw_pg__unsupported(const char *operation);

/* pg_roster_read.c: the liveness lock of an import (taken when it is
 * created, let go when it leaves state running; cw_pg__import_let_go of
 * an import without one is a no-op). */
void cw_pg__import_let_go(pg_store *s, int64_t import_id);
void cw_pg__import_holds_free(pg_store *s);

/* pg_roster.c */
int cw_pg__import_begin(cw_store *store, int64_t tenant_id, const char *at,
                        int64_t import_id, cw_store_import **out);
int cw_pg__import_put(cw_store_import *import, const cw_roster_record *record);
int cw_pg__import_lookup(cw_store_import *import, int entity,
                         const char *sourced_id, cw_buf *fields);
int cw_pg__import_commit(cw_store_import *import, uint32_t bulk,
                         const cw_import_policy *policy,
                         cw_roster_counts *counts, int *applied);
void cw_pg__import_end(cw_store_import *import);

/* pg_roster_read.c */
int cw_pg__import_create(cw_store *store, int64_t tenant_id, const char *at,
                         const char *source, int64_t *id);
int cw_pg__import_report(cw_store *store, int64_t import_id, const char *state,
                         const char *report);
int cw_pg__import_get(cw_store *store, int64_t import_id,
                      cw_import_record *out);
int cw_pg__import_interrupted(cw_store *store, int *count);
int cw_pg__import_settle(cw_store *store, int64_t tenant_id, int64_t import_id,
                         const char *before, const char *state,
                         cw_import_source_cb cb, void *payload);
int cw_pg__roster_list(cw_store *store, int64_t tenant_id, int entity,
                       const char *since, cw_roster_cb cb, void *payload);
int cw_pg__roster_get(cw_store *store, int64_t tenant_id, int entity,
                      const char *sourced_id, cw_roster_cb cb, void *payload);
int cw_pg__roster_snapshot(cw_store *store, int64_t tenant_id, int64_t *seq,
                           cw_roster_cb cb, void *payload);
int cw_pg__roster_seq(cw_store *store, int64_t tenant_id, int64_t *seq);
int cw_pg__roster_changes(cw_store *store, int64_t tenant_id, int64_t after_seq,
                          size_t limit, cw_roster_change_cb cb, void *payload);

/* pg_sync_runs.c: leases, firings and runs of sync connections, tenants'
 * time zones, the change log's pruning (migration 0010). */
int cw_pg__sync_update(cw_store *store, const cw_sync_connection *c);
int cw_pg__sync_delete(cw_store *store, int64_t id, int64_t now_ms);
int cw_pg__sync_claim(cw_store *store, int64_t id, const char *owner,
                      int64_t now_ms, int64_t until_ms);
int cw_pg__sync_renew(cw_store *store, int64_t id, const char *owner,
                      int64_t until_ms);
int cw_pg__sync_release(cw_store *store, int64_t id, const char *owner);
int cw_pg__sync_reschedule(cw_store *store, int64_t id, int64_t expected_ms,
                           int64_t next_ms, int *won);
int cw_pg__sync_run_add(cw_store *store, const cw_sync_run *run, int64_t *id);
int cw_pg__sync_run_finish(cw_store *store, const cw_sync_run *run,
                           const char *connection_state, int advance);
int cw_pg__sync_run_list(cw_store *store, int64_t connection_id, int64_t run_id,
                         int limit, cw_sync_run_cb cb, void *payload);
int cw_pg__sync_run_settle(cw_store *store, int64_t run_id,
                           const char *from_state, const char *to_state);
int cw_pg__sync_run_trim(cw_store *store, int keep, int *deleted);
int cw_pg__tenant_zone_get(cw_store *store, int64_t tenant_id, char out[64]);
int cw_pg__tenant_zone_set(cw_store *store, int64_t tenant_id,
                           const char *zone);
int cw_pg__roster_prune(cw_store *store, int64_t before_ms, int *pruned);
int cw_pg__roster_horizon(cw_store *store, int64_t tenant_id,
                          int64_t *through_seq, int64_t *pruned_before_ms);

/* pg_authfail.c: failed authentications (migration 0014). */
int cw_pg__auth_fail_get(cw_store *store, const char *kind, const char *key,
                         int64_t *blocked_until_ms, int *held);
int cw_pg__auth_fail_count(cw_store *store, const char *kind, const char *key,
                           int64_t now_ms, int limit, int64_t window_ms,
                           int64_t *blocked_until_ms);
int cw_pg__auth_fail_clear(cw_store *store, const char *kind, const char *key);
int cw_pg__auth_fail_purge(cw_store *store, int64_t now_ms, int64_t window_ms,
                           int *purged);

/* pg_flows.c: the CBE flows' mappings and runs (migration 0013). */
int cw_pg__flow_mapping_put(cw_store *store, int64_t tenant_id,
                            const char *flow, const char *body, const char *at);
int cw_pg__flow_mapping_get(cw_store *store, int64_t tenant_id,
                            const char *flow, cw_buf *out);
int cw_pg__flow_run_add(cw_store *store, const cw_flow_run *run, int64_t *id);
int cw_pg__flow_run_update(cw_store *store, const cw_flow_run *run);
int cw_pg__flow_run_list(cw_store *store, int64_t tenant_id, int64_t id,
                         const char *state, int with_input, size_t limit,
                         cw_flow_run_cb cb, void *payload);

/* pg_ob3.c: the OB 3.0 API (migration 0012). */
int cw_pg__ob3_holder_add(cw_store *store, const cw_ob3_holder *holder,
                          int64_t *id);
int cw_pg__ob3_holder_get(cw_store *store, int64_t tenant_id, const char *login,
                          int64_t id, cw_ob3_holder_cb cb, void *payload);
int cw_pg__ob3_holder_list(cw_store *store, int64_t tenant_id,
                           cw_ob3_holder_cb cb, void *payload);
int cw_pg__ob3_profile_put(cw_store *store, int64_t tenant_id,
                           int64_t holder_id, const char *profile);
int cw_pg__ob3_client_add(cw_store *store, const cw_ob3_client *client);
int cw_pg__ob3_client_get(cw_store *store, const char *client_id,
                          cw_ob3_client_cb cb, void *payload);
int cw_pg__ob3_secret_add(cw_store *store, const cw_ob3_secret *secrets,
                          size_t count);
int cw_pg__ob3_secret_take(cw_store *store, const char *hash, const char *kind,
                           int64_t now_ms, cw_ob3_secret_cb cb, void *payload);
int cw_pg__ob3_secret_get(cw_store *store, const char *hash, const char *kind,
                          int64_t now_ms, cw_ob3_secret_cb cb, void *payload);
int cw_pg__ob3_grant_revoke(cw_store *store, const char *grant_id,
                            int64_t now_ms);
int cw_pg__ob3_secret_purge(cw_store *store, int64_t before_ms, int *purged);
int cw_pg__ob3_credential_put(cw_store *store,
                              const cw_ob3_credential *credential,
                              int *created);
int cw_pg__ob3_credential_list(cw_store *store, int64_t tenant_id,
                               int64_t holder_id, const char *recipient,
                               const char *since, int64_t offset, int64_t limit,
                               int64_t *total, cw_ob3_credential_cb cb,
                               void *payload);

/* pg_case.c, pg_schedules.c (mirrors, sync connections), pg_badges.c. */
int cw_pg__case_import(cw_store *store, int64_t tenant_id,
                       const cw_case_import *import,
                       cw_case_counts counts[CW_STORE_CASE_KINDS]);
int cw_pg__case_get(cw_store *store, int64_t tenant_id, const char *identifier,
                    cw_case_cb cb, void *payload);
int cw_pg__case_documents(cw_store *store, int64_t tenant_id, cw_case_cb cb,
                          void *payload);
int cw_pg__case_package(cw_store *store, int64_t tenant_id,
                        const char *identifier, cw_buf *out, int64_t *stamp);
int cw_pg__case_stamp(cw_store *store, int64_t tenant_id,
                      const char *identifier, int64_t *stamp);
int cw_pg__case_links(cw_store *store, int64_t tenant_id,
                      const char *identifier, cw_case_cb cb, void *payload);
int cw_pg__case_kind(cw_store *store, int64_t tenant_id, int kind,
                     cw_case_cb cb, void *payload);
int cw_pg__case_mirror_put(cw_store *store, const cw_case_mirror *mirror,
                           int64_t *id);
int cw_pg__case_mirror_list(cw_store *store, int64_t tenant_id,
                            int64_t due_before_ms, cw_case_mirror_cb cb,
                            void *payload);
int cw_pg__case_mirror_done(cw_store *store, int64_t id, int64_t ran_ms,
                            int64_t next_run_ms, const char *report);
int cw_pg__case_mirror_delete(cw_store *store, int64_t tenant_id, int64_t id);
int cw_pg__sync_add(cw_store *store, const cw_sync_connection *c, int64_t *id);
int cw_pg__sync_list(cw_store *store, int64_t tenant_id, const char *name,
                     cw_sync_cb cb, void *payload);
int cw_pg__sync_done(cw_store *store, int64_t id, int64_t ran_ms,
                     const char *state, const char *report, const char *cursor);
int cw_pg__badge_issuer_add(cw_store *store, const cw_badge_issuer *issuer,
                            const cw_badge_key *keys, size_t key_count,
                            int64_t status_list_size);
int cw_pg__badge_issuer_get(cw_store *store, int64_t tenant_id, const char *id,
                            cw_badge_issuer_cb cb, void *payload);
int cw_pg__badge_issuer_list(cw_store *store, int64_t tenant_id,
                             cw_badge_issuer_cb cb, void *payload);
int cw_pg__badge_key_rotate(cw_store *store, const cw_badge_key *key);
int cw_pg__badge_key_list(cw_store *store, int64_t tenant_id,
                          const char *issuer, cw_badge_key_cb cb,
                          void *payload);
int cw_pg__badge_achievement_put(cw_store *store,
                                 const cw_badge_achievement *achievement);
int cw_pg__badge_achievement_get(cw_store *store, int64_t tenant_id,
                                 const char *id, cw_badge_achievement_cb cb,
                                 void *payload);
int cw_pg__badge_status_reserve(cw_store *store, int64_t tenant_id,
                                const char *issuer, int64_t count,
                                int64_t *first, int64_t *size);
int cw_pg__badge_credentials_add(cw_store *store,
                                 const cw_badge_credential *credentials,
                                 size_t count);
int cw_pg__badge_credential_get(cw_store *store, int64_t tenant_id,
                                const char *id, cw_badge_credential_cb cb,
                                void *payload);
int cw_pg__badge_credential_revoke(cw_store *store, int64_t tenant_id,
                                   const char *id, const char *at,
                                   const char *reason);
int cw_pg__badge_revoked_list(cw_store *store, int64_t tenant_id,
                              const char *issuer, cw_badge_credential_cb cb,
                              void *payload);
int cw_pg__badge_assertions_add(cw_store *store,
                                const cw_badge_assertion *assertions,
                                size_t count);
int cw_pg__badge_assertion_get(cw_store *store, int64_t tenant_id,
                               const char *id, cw_badge_assertion_cb cb,
                               void *payload);
int cw_pg__badge_assertion_revoke(cw_store *store, int64_t tenant_id,
                                  const char *id, const char *at,
                                  const char *reason);
int cw_pg__badge_assertion_revoked_list(cw_store *store, int64_t tenant_id,
                                        const char *issuer,
                                        cw_badge_assertion_cb cb,
                                        void *payload);
int cw_pg__badge_status_list_get(cw_store *store, int64_t tenant_id,
                                 const char *issuer, int64_t *size,
                                 int64_t *next_index);

/* pg_jobs.c: the job queue (migration 0015). */
int cw_pg__job_add(cw_store *store, const cw_job *job, int64_t *id);
int cw_pg__job_claim(cw_store *store, const char *owner, int64_t now_ms,
                     int64_t until_ms, cw_job_cb cb, void *payload);
int cw_pg__job_renew(cw_store *store, int64_t id, const char *owner,
                     int64_t until_ms, int64_t ref_id);
int cw_pg__job_finish(cw_store *store, int64_t id, const char *owner,
                      const char *state, int64_t not_before_ms,
                      const char *error);
int cw_pg__job_expire(cw_store *store, int64_t now_ms, cw_job_cb cb,
                      void *payload);
int cw_pg__job_list(cw_store *store, int64_t tenant_id, int64_t id,
                    const char *state, size_t limit, cw_job_cb cb,
                    void *payload);
int cw_pg__job_prune(cw_store *store, int64_t before_ms, int *deleted);
int cw_pg__job_result(cw_store *store, int64_t id, const char *owner,
                      const char *result);
int cw_pg__job_lead(cw_store *store, const char *name, const char *owner,
                    int64_t now_ms, int64_t until_ms, int *held);
/* Lets the scheduler's lock go (before the store closes). */
void cw_pg__leader_free(pg_store *s);
/* pg_copy.c: copying a tenant's rows (store/store_copy.h). */
int cw_pg__copy_read(cw_store *store, const cw_copy_table *table,
                     int64_t tenant_id, const char *tenant_name,
                     cw_copy_row_cb cb, void *payload);
int cw_pg__copy_begin(cw_store *store, cw_store_copy **out);
int cw_pg__copy_next_seq(cw_store_copy *copy, const cw_copy_table *table,
                         int64_t *next);
int cw_pg__copy_put(cw_store_copy *copy, const cw_copy_table *table,
                    const cw_copy_value *row, int64_t *new_id, int *inserted);
int cw_pg__copy_delete(cw_store_copy *copy, const cw_copy_table *table,
                       int64_t tenant_id, const char *key, int *deleted);
int cw_pg__copy_end(cw_store_copy *copy, int commit);

/* pg_blobs.c: blobs (migration 0015). */
int cw_pg__blob_put(cw_store *store, int64_t tenant_id, const char *name,
                    const char *path);
int cw_pg__blob_get(cw_store *store, const char *name, const char *path);
int cw_pg__blob_delete(cw_store *store, const char *name);
int cw_pg__blob_list(cw_store *store, const char *prefix,
                     int (*cb)(const char *name, void *payload), void *payload);

#endif
