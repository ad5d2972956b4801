/* Internals shared by the SQLite backend's files (not part of the store
 * interface). */
#ifndef CW_STORE_SQLITE_INTERNAL_H
#define CW_STORE_SQLITE_INTERNAL_H

#include "store/store.h"

#include <pthread.h>
#include <sqlite3.h>

enum statement {
	ST_PING,
	ST_TENANT_ADD,
	ST_TENANT_GET,
	ST_TENANT_LIST,
	ST_CLIENT_ADD,
	ST_CLIENT_GET,
	ST_CLIENT_LIST,
	ST_CLIENT_REVOKE,
	ST_TOKEN_ADD,
	ST_TOKEN_LOOKUP,
	ST_TOKEN_PURGE,
	ST_NONCE_ADD,
	ST_NONCE_PURGE,
	ST_AUDIT_APPEND,
	ST_AUDIT_LIST,
	ST_AUTH_FAIL_GET, /* sqlite_authfail.c prepares it (its SQL is there) */
	ST_COUNT
};

/* How long a statement waits for another connection's write lock. */
#define CW_SQLITE_BUSY_TIMEOUT_MS 5000

typedef struct connection {
	sqlite3 *db;
	sqlite3_stmt *stmt[ST_COUNT];
	struct connection *next;
} connection;

typedef struct {
	cw_store base;
	char *path;
	pthread_mutex_t lock;
	connection *idle;
	int idle_count;
} sqlite_store;

/* Sets the error message from db and returns CW_EEXISTS for constraint
 * failures, CW_ESTORE otherwise. */
int cw_sqlite__fail(sqlite3 *db, const char *what);
/* Borrows a pooled connection (opening one if none is idle). */
int cw_sqlite__acquire(sqlite_store *s, connection **out);
void cw_sqlite__release(sqlite_store *s, connection *conn);

/* Small statement helpers of the store files. */
typedef int (*cw_sqlite_row_fn)(sqlite3_stmt *st, void *payload);
/* Runs sql with the arguments format describes ('i' an int64_t, 't' a
 * text; a NULL text binds NULL), calling row for each row (may be NULL);
 * *rows counts them and *changes the rows written (either may be NULL). */
int cw_sqlite__run(sqlite3 *db, const char *sql, cw_sqlite_row_fn row,
                   void *payload, int *rows, int *changes, const char *format,
                   ...);
/* cw_sqlite__run on a connection borrowed from store for it. */
int cw_sqlite__run_pooled(cw_store *store, const char *sql,
                          cw_sqlite_row_fn row, void *payload, int *rows,
                          int *changes, const char *format, ...);
/* A pooled connection of store and its handle (release conn after). */
int cw_sqlite__db(cw_store *store, sqlite3 **db, connection **conn);
/* sqlite3_exec of sql, its failure as a store error. */
int cw_sqlite__exec(sqlite3 *db, const char *sql);
/* Ends a transaction: commits when err is 0, else rolls back; err or the
 * commit's error. */
int cw_sqlite__end(sqlite3 *db, int err);
/* Column i as text (NULL for NULL). */
const char *cw_sqlite__text(sqlite3_stmt *st, int i);

/* sqlite_roster.c */
int cw_sqlite__import_begin(cw_store *store, int64_t tenant_id, const char *at,
                            int64_t import_id, cw_store_import **out);
int cw_sqlite__import_put(cw_store_import *import,
                          const cw_roster_record *record);
int cw_sqlite__import_lookup(cw_store_import *import, int entity,
                             const char *sourced_id, cw_buf *fields);
int cw_sqlite__import_commit(cw_store_import *import, uint32_t bulk,
                             const cw_import_policy *policy,
                             cw_roster_counts *counts, int *applied);
void cw_sqlite__import_end(cw_store_import *import);
int cw_sqlite__import_create(cw_store *store, int64_t tenant_id, const char *at,
                             const char *source, int64_t *id);
int cw_sqlite__import_report(cw_store *store, int64_t import_id,
                             const char *state, const char *report);
int cw_sqlite__import_get(cw_store *store, int64_t import_id,
                          cw_import_record *out);
int cw_sqlite__import_interrupted(cw_store *store, int *count);
int cw_sqlite__import_settle(cw_store *store, int64_t tenant_id,
                             int64_t import_id, const char *before,
                             const char *state, cw_import_source_cb cb,
                             void *payload);
/* Migration 3's code step: roster fields from named JSON to the stored
 * form. */
int cw_sqlite__compact_roster_fields(sqlite3 *db);
int cw_sqlite__roster_get(cw_store *store, int64_t tenant_id, int entity,
                          const char *sourced_id, cw_roster_cb cb,
                          void *payload);
int cw_sqlite__roster_snapshot(cw_store *store, int64_t tenant_id, int64_t *seq,
                               cw_roster_cb cb, void *payload);
int cw_sqlite__roster_seq(cw_store *store, int64_t tenant_id, int64_t *seq);
int cw_sqlite__roster_list(cw_store *store, int64_t tenant_id, int entity,
                           const char *since, cw_roster_cb cb, void *payload);

/* sqlite_case.c */
int cw_sqlite__case_import(cw_store *store, int64_t tenant_id,
                           const cw_case_import *import,
                           cw_case_counts counts[CW_STORE_CASE_KINDS]);
int cw_sqlite__case_get(cw_store *store, int64_t tenant_id,
                        const char *identifier, cw_case_cb cb, void *payload);
int cw_sqlite__case_documents(cw_store *store, int64_t tenant_id, cw_case_cb cb,
                              void *payload);
int cw_sqlite__case_package(cw_store *store, int64_t tenant_id,
                            const char *identifier, cw_buf *out,
                            int64_t *stamp);
int cw_sqlite__case_stamp(cw_store *store, int64_t tenant_id,
                          const char *identifier, int64_t *stamp);
int cw_sqlite__case_links(cw_store *store, int64_t tenant_id,
                          const char *identifier, cw_case_cb cb, void *payload);
int cw_sqlite__case_kind(cw_store *store, int64_t tenant_id, int kind,
                         cw_case_cb cb, void *payload);

int cw_sqlite__case_mirror_put(cw_store *store, const cw_case_mirror *mirror,
                               int64_t *id);
int cw_sqlite__case_mirror_list(cw_store *store, int64_t tenant_id,
                                int64_t due_before_ms, cw_case_mirror_cb cb,
                                void *payload);
int cw_sqlite__case_mirror_done(cw_store *store, int64_t id, int64_t ran_ms,
                                int64_t next_run_ms, const char *report);
int cw_sqlite__case_mirror_delete(cw_store *store, int64_t tenant_id,
                                  int64_t id);

/* sqlite_sync.c, sqlite_sync_runs.c */
/* A value bound to a statement: text (NULL binds NULL) or an integer. */
typedef struct {
	int is_text;
	int64_t number;
	const char *text;
} cw_sqlite_value;
#define CW_SQL_INT(v)  ((cw_sqlite_value){ 0, (int64_t)(v), NULL })
#define CW_SQL_TEXT(v) ((cw_sqlite_value){ 1, 0, (v) })
/* Runs one statement with values bound to ?1…?n; *changes (may be NULL)
 * counts the rows it changed. what names it in errors. */
int cw_sqlite__exec_values(connection *conn, const char *sql,
                           const cw_sqlite_value *values, int n, int *changes,
                           const char *what);
int cw_sqlite__sync_update(cw_store *store, const cw_sync_connection *c);
int cw_sqlite__sync_delete(cw_store *store, int64_t id, int64_t now_ms);
int cw_sqlite__sync_claim(cw_store *store, int64_t id, const char *owner,
                          int64_t now_ms, int64_t until_ms);
int cw_sqlite__sync_renew(cw_store *store, int64_t id, const char *owner,
                          int64_t until_ms);
int cw_sqlite__sync_release(cw_store *store, int64_t id, const char *owner);
int cw_sqlite__sync_reschedule(cw_store *store, int64_t id, int64_t expected_ms,
                               int64_t next_ms, int *won);
int cw_sqlite__sync_run_add(cw_store *store, const cw_sync_run *run,
                            int64_t *id);
int cw_sqlite__sync_run_finish(cw_store *store, const cw_sync_run *run,
                               const char *connection_state, int advance);
int cw_sqlite__sync_run_list(cw_store *store, int64_t connection_id,
                             int64_t run_id, int limit, cw_sync_run_cb cb,
                             void *payload);
int cw_sqlite__sync_run_settle(cw_store *store, int64_t run_id,
                               const char *from_state, const char *to_state);
int cw_sqlite__tenant_zone_get(cw_store *store, int64_t tenant_id,
                               char out[64]);
int cw_sqlite__tenant_zone_set(cw_store *store, int64_t tenant_id,
                               const char *zone);
int cw_sqlite__roster_prune(cw_store *store, int64_t before_ms, int *pruned);
int cw_sqlite__sync_run_trim(cw_store *store, int keep, int *deleted);
int cw_sqlite__roster_horizon(cw_store *store, int64_t tenant_id,
                              int64_t *through_seq, int64_t *pruned_before_ms);

/* sqlite_changes.c */
int cw_sqlite__roster_changes(cw_store *store, int64_t tenant_id,
                              int64_t after_seq, size_t limit,
                              cw_roster_change_cb cb, void *payload);

/* sqlite_sync.c */
int cw_sqlite__sync_add(cw_store *store, const cw_sync_connection *c,
                        int64_t *id);
int cw_sqlite__sync_list(cw_store *store, int64_t tenant_id, const char *name,
                         cw_sync_cb cb, void *payload);
int cw_sqlite__sync_done(cw_store *store, int64_t id, int64_t ran_ms,
                         const char *state, const char *report,
                         const char *cursor);

/* sqlite_badges.c */
int cw_sqlite__badge_issuer_add(cw_store *store, const cw_badge_issuer *issuer,
                                const cw_badge_key *keys, size_t key_count,
                                int64_t status_list_size);
int cw_sqlite__badge_issuer_get(cw_store *store, int64_t tenant_id,
                                const char *id, cw_badge_issuer_cb cb,
                                void *payload);
int cw_sqlite__badge_issuer_list(cw_store *store, int64_t tenant_id,
                                 cw_badge_issuer_cb cb, void *payload);
int cw_sqlite__badge_key_rotate(cw_store *store, const cw_badge_key *key);
int cw_sqlite__badge_key_list(cw_store *store, int64_t tenant_id,
                              const char *issuer, cw_badge_key_cb cb,
                              void *payload);
int cw_sqlite__badge_achievement_put(cw_store *store,
                                     const cw_badge_achievement *achievement);
int cw_sqlite__badge_achievement_get(cw_store *store, int64_t tenant_id,
                                     const char *id, cw_badge_achievement_cb cb,
                                     void *payload);
int cw_sqlite__badge_status_reserve(cw_store *store, int64_t tenant_id,
                                    const char *issuer, int64_t count,
                                    int64_t *first, int64_t *size);
int cw_sqlite__badge_credentials_add(cw_store *store,
                                     const cw_badge_credential *credentials,
                                     size_t count);
int cw_sqlite__badge_credential_get(cw_store *store, int64_t tenant_id,
                                    const char *id, cw_badge_credential_cb cb,
                                    void *payload);
int cw_sqlite__badge_credential_revoke(cw_store *store, int64_t tenant_id,
                                       const char *id, const char *at,
                                       const char *reason);
int cw_sqlite__badge_revoked_list(cw_store *store, int64_t tenant_id,
                                  const char *issuer, cw_badge_credential_cb cb,
                                  void *payload);
int cw_sqlite__badge_assertions_add(cw_store *store,
                                    const cw_badge_assertion *assertions,
                                    size_t count);
int cw_sqlite__badge_assertion_get(cw_store *store, int64_t tenant_id,
                                   const char *id, cw_badge_assertion_cb cb,
                                   void *payload);
int cw_sqlite__badge_assertion_revoke(cw_store *store, int64_t tenant_id,
                                      const char *id, const char *at,
                                      const char *reason);
int cw_sqlite__badge_assertion_revoked_list(cw_store *store, int64_t tenant_id,
                                            const char *issuer,
                                            cw_badge_assertion_cb cb,
                                            void *payload);
int cw_sqlite__badge_status_list_get(cw_store *store, int64_t tenant_id,
                                     const char *issuer, int64_t *size,
                                     int64_t *next_index);

/* sqlite_ob3.c */
int cw_sqlite__ob3_holder_add(cw_store *store, const cw_ob3_holder *holder,
                              int64_t *id);
int cw_sqlite__ob3_holder_get(cw_store *store, int64_t tenant_id,
                              const char *login, int64_t id,
                              cw_ob3_holder_cb cb, void *payload);
int cw_sqlite__ob3_holder_list(cw_store *store, int64_t tenant_id,
                               cw_ob3_holder_cb cb, void *payload);
int cw_sqlite__ob3_profile_put(cw_store *store, int64_t tenant_id,
                               int64_t holder_id, const char *profile);
int cw_sqlite__ob3_client_add(cw_store *store, const cw_ob3_client *client);
int cw_sqlite__ob3_client_get(cw_store *store, const char *client_id,
                              cw_ob3_client_cb cb, void *payload);
int cw_sqlite__ob3_secret_add(cw_store *store, const cw_ob3_secret *secrets,
                              size_t count);
int cw_sqlite__ob3_secret_take(cw_store *store, const char *hash,
                               const char *kind, int64_t now_ms,
                               cw_ob3_secret_cb cb, void *payload);
int cw_sqlite__ob3_secret_get(cw_store *store, const char *hash,
                              const char *kind, int64_t now_ms,
                              cw_ob3_secret_cb cb, void *payload);
int cw_sqlite__ob3_grant_revoke(cw_store *store, const char *grant_id,
                                int64_t now_ms);
int cw_sqlite__ob3_secret_purge(cw_store *store, int64_t before_ms,
                                int *purged);
int cw_sqlite__ob3_credential_put(cw_store *store,
                                  const cw_ob3_credential *credential,
                                  int *created);
int cw_sqlite__ob3_credential_list(cw_store *store, int64_t tenant_id,
                                   int64_t holder_id, const char *recipient,
                                   const char *since, int64_t offset,
                                   int64_t limit, int64_t *total,
                                   cw_ob3_credential_cb cb, void *payload);
/* sqlite_authfail.c: failed authentications (migration 0014). */
int cw_sqlite__auth_fail_get(cw_store *store, const char *kind, const char *key,
                             int64_t *blocked_until_ms, int *held);
int cw_sqlite__auth_fail_count(cw_store *store, const char *kind,
                               const char *key, int64_t now_ms, int limit,
                               int64_t window_ms, int64_t *blocked_until_ms);
int cw_sqlite__auth_fail_clear(cw_store *store, const char *kind,
                               const char *key);
int cw_sqlite__auth_fail_purge(cw_store *store, int64_t now_ms,
                               int64_t window_ms, int *purged);

/* sqlite_flows.c */
int cw_sqlite__flow_mapping_put(cw_store *store, int64_t tenant_id,
                                const char *flow, const char *body,
                                const char *at);
int cw_sqlite__flow_mapping_get(cw_store *store, int64_t tenant_id,
                                const char *flow, cw_buf *out);
int cw_sqlite__flow_run_add(cw_store *store, const cw_flow_run *run,
                            int64_t *id);
int cw_sqlite__flow_run_update(cw_store *store, const cw_flow_run *run);
int cw_sqlite__flow_run_list(cw_store *store, int64_t tenant_id, int64_t id,
                             const char *state, int with_input, size_t limit,
                             cw_flow_run_cb cb, void *payload);

/* sqlite_jobs.c: the job queue (migration 0015). */
int cw_sqlite__job_add(cw_store *store, const cw_job *job, int64_t *id);
int cw_sqlite__job_claim(cw_store *store, const char *owner, int64_t now_ms,
                         int64_t until_ms, cw_job_cb cb, void *payload);
int cw_sqlite__job_renew(cw_store *store, int64_t id, const char *owner,
                         int64_t until_ms, int64_t ref_id);
int cw_sqlite__job_finish(cw_store *store, int64_t id, const char *owner,
                          const char *state, int64_t not_before_ms,
                          const char *error);
int cw_sqlite__job_expire(cw_store *store, int64_t now_ms, cw_job_cb cb,
                          void *payload);
int cw_sqlite__job_list(cw_store *store, int64_t tenant_id, int64_t id,
                        const char *state, size_t limit, cw_job_cb cb,
                        void *payload);
int cw_sqlite__job_prune(cw_store *store, int64_t before_ms, int *deleted);
int cw_sqlite__job_result(cw_store *store, int64_t id, const char *owner,
                          const char *result);
int cw_sqlite__job_lead(cw_store *store, const char *name, const char *owner,
                        int64_t now_ms, int64_t until_ms, int *held);
/* sqlite_copy.c: copying a tenant's rows (store/store_copy.h). */
int cw_sqlite__copy_read(cw_store *store, const cw_copy_table *table,
                         int64_t tenant_id, const char *tenant_name,
                         cw_copy_row_cb cb, void *payload);
int cw_sqlite__copy_begin(cw_store *store, cw_store_copy **out);
int cw_sqlite__copy_next_seq(cw_store_copy *copy, const cw_copy_table *table,
                             int64_t *next);
int cw_sqlite__copy_put(cw_store_copy *copy, const cw_copy_table *table,
                        const cw_copy_value *row, int64_t *new_id,
                        int *inserted);
int cw_sqlite__copy_delete(cw_store_copy *copy, const cw_copy_table *table,
                           int64_t tenant_id, const char *key, int *deleted);
int cw_sqlite__copy_end(cw_store_copy *copy, int commit);

/* sqlite_blobs.c: blobs (migration 0015). */
int cw_sqlite__blob_put(cw_store *store, int64_t tenant_id, const char *name,
                        const char *path);
int cw_sqlite__blob_get(cw_store *store, const char *name, const char *path);
int cw_sqlite__blob_delete(cw_store *store, const char *name);
int cw_sqlite__blob_list(cw_store *store, const char *prefix,
                         int (*cb)(const char *name, void *payload),
                         void *payload);

#endif
