/* The store: one interface, a backend per database (SQLite, PostgreSQL:
 * pg.c). Every row belongs to a tenant; callers pass the tenant explicitly. */
#ifndef CW_STORE_STORE_H
#define CW_STORE_STORE_H

#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

typedef struct cw_store cw_store;

#define CW_CLIENT_ID_LEN   32 /* hex digits */
#define CW_TENANT_NAME_MAX 63

typedef struct {
	int64_t id;
	char name[CW_TENANT_NAME_MAX + 1];
	char created_at[32];
} cw_tenant;

typedef struct {
	char client_id[CW_CLIENT_ID_LEN + 1];
	int64_t tenant_id;
	char tenant[CW_TENANT_NAME_MAX + 1];
	char *scopes;      /* space-separated */
	char *secret_hash; /* "sha256$SALT$DIGEST" */
	/* The secret sealed under the master key (util/secretbox.h); "" for
	 * clients made before OAuth 1.0a support. */
	char *secret_sealed;
	char created_at[32];
	char revoked_at[32]; /* "" while active */
	char tenant_created_at[32];
} cw_client;

typedef struct {
	char token_hash[65];
	char client_id[CW_CLIENT_ID_LEN + 1];
	int64_t tenant_id;
	char *scopes;
	int64_t issued_at_ms;
	int64_t expires_at_ms;
} cw_token;

typedef struct {
	char client_id[CW_CLIENT_ID_LEN + 1];
	int64_t tenant_id;
	char tenant[CW_TENANT_NAME_MAX + 1];
	char tenant_created_at[32];
	char *scopes;
	int64_t expires_at_ms;
	int client_revoked;
} cw_token_info;

typedef struct {
	int64_t seq;
	char at[32];
	const char *actor;  /* "cli" or a client id */
	const char *tenant; /* tenant name concerned, or NULL */
	const char *action; /* "tenant.add", "client.revoke" … */
	const char *target;
	const char *outcome; /* "success" or "failure" */
	const char *detail;
} cw_audit_entry;

/* ---- OneRoster data ------------------------------------------------------ */

#define CW_STORE_ROSTER_ENTITIES 32 /* entity numbers are below this */

typedef struct {
	int entity;
	const char *sourced_id;
	const char *status;             /* "active" or "tobedeleted" */
	const char *date_last_modified; /* "" in bulk rows: the import's time */
	/* The other 1.2 fields in their stored form (roster/fields.h): a
	 * compact JSON array, one text per row content. */
	const char *fields;
	size_t fields_len; /* its length, when put; 0: strlen(fields) */
} cw_roster_record;

typedef struct {
	uint64_t current; /* rows held before the import */
	uint64_t added;
	uint64_t updated;
	uint64_t deleted;
	uint64_t unchanged;
} cw_roster_counts;

typedef struct cw_store_import cw_store_import;

/** An import as recorded: state running, applied, unchanged, pending,
 *  rejected or failed; report is its JSON report (may be empty). */
typedef struct {
	int64_t id;
	int64_t tenant_id;
	char state[16];
	char created_at[32];
	char *source;
	char *report;
} cw_import_record;

/** A reference column of the stored model: element position of entity's
 *  fields (a string, or an array of strings when is_list) names a target
 *  entity's row; column is its name. */
typedef struct {
	int entity;
	const char *column;
	int position;
	int is_list;
	int target;
} cw_roster_ref;

/** What an import does once its diff is known, inside its transaction. */
typedef struct {
	/** 1 when the set brought entity sourced_id (bulk entities lose the
	 *  rows it did not). */
	int (*seen)(int entity, const char *sourced_id, void *payload);
	/** References to check: no row kept may point at a row deleted. */
	const cw_roster_ref *refs;
	size_t ref_count;
	/** Called for each kept row that would point at a deleted one (at most
	 *  100); any call rejects the import: nothing is applied. */
	void (*dangling)(const cw_roster_ref *ref, const char *sourced_id,
	                 const char *target_id, void *payload);
	/** 1 to apply, 0 to hold the import as pending. */
	int (*decide)(const cw_roster_counts *counts, void *payload);
	/** The JSON report stored with the outcome (cw_malloc'd, or NULL). */
	char *(*report)(const cw_roster_counts *counts, const char *state,
	                void *payload);
	void *payload;
} cw_import_policy;
typedef int (*cw_roster_cb)(const cw_roster_record *record, void *payload);

/* One entry of a tenant's roster change log. */
typedef struct {
	int64_t seq;
	int entity; /* cw_or_entity */
	char op;    /* 'a' added, 'u' updated, 'd' deleted */
	const char *sourced_id;
	int64_t at_ms;
} cw_roster_change_entry;

typedef int (*cw_roster_change_cb)(const cw_roster_change_entry *c,
                                   void *payload);

/* ---- CASE frameworks ----------------------------------------------------- */

#define CW_STORE_CASE_KINDS 16 /* kind numbers (case/model.h) are below */

/** One object of a package, as imported and as read back. */
typedef struct {
	const char *identifier;
	int kind;                         /* cw_case_kind */
	const char *body;                 /* strict 1.1 JSON */
	size_t body_len;                  /* 0: strlen(body) */
	const char *origin, *destination; /* an association's ends */
	const char *document;             /* read back: its CFDocument */
	int retired;                      /* read back: left its package */
} cw_case_record;

/** A package to store: every object, and the 1.1 text served for it. */
typedef struct {
	const char *identifier, *title, *last_change, *source;
	const char *document; /* the CFDocument's JSON */
	const char *package;  /* as /ims/case/v1p1/CFPackages/{id} answers */
	size_t package_len;
	const cw_case_record *objects;
	size_t object_count;
	/* Called just before the transaction commits (may be NULL): an error
	 * rolls everything back and is returned. Lets a check still running
	 * elsewhere give its verdict while the rows go in. */
	int (*before_commit)(void *payload);
	void *before_commit_payload;
} cw_case_import;

typedef struct {
	uint64_t added, changed, retired, unchanged;
} cw_case_counts;

typedef int (*cw_case_cb)(const cw_case_record *record, void *payload);

/** A CASE server a tenant mirrors on a schedule. */
typedef struct {
	int64_t id, tenant_id;
	const char *base_url;
	long every_s;
	const char *token_url, *client_id, *secret_sealed, *scope;
	int64_t next_run_ms, last_run_ms; /* last_run_ms 0: never */
	const char *last_report;          /* JSON, or NULL */
} cw_case_mirror;

typedef int (*cw_case_mirror_cb)(const cw_case_mirror *mirror, void *payload);

/** A SIS a tenant pulls OneRoster from (sync connections). */
typedef struct {
	int64_t id, tenant_id;
	const char *name, *base_url, *version; /* version "1.1" | "1.2" */
	const char *auth;                      /* none | oauth2 | oauth1 */
	const char *token_url, *client_id, *secret_sealed, *scope;
	long page_size;
	const char *schedule, *cursor; /* NULL: none / never applied */
	int64_t last_run_ms;           /* 0: never */
	const char *last_state, *last_report;
	const char *webhook_url; /* each run's report is posted here, or NULL */
	/* Firings of the schedule the full schedule has reached since the
	 * last full run are full syncs (NULL: only the first run and --full
	 * are). */
	const char *full_schedule;
	const char *blackouts; /* "2027-06-15..2027-08-20,…", or NULL */
	int64_t next_run_ms;   /* the next scheduled firing; 0: none */
	int64_t last_full_ms;  /* when the last applied full run began */
	/* The one run allowed at a time holds the lease until it ends or
	 * lease_until_ms passes (a dead holder's lease just expires). */
	const char *lease_owner;
	int64_t lease_until_ms;
} cw_sync_connection;

typedef int (*cw_sync_cb)(const cw_sync_connection *c, void *payload);

/* ---- CBE flows ----------------------------------------------------------- */

/** One run of a flow on one input (migration 0013). */
typedef struct {
	int64_t id, tenant_id;
	const char *flow, *idempotency_key, *source;
	const char *input; /* as received */
	size_t input_len;
	const char *state;  /* running | done | held | failed */
	const char *reason; /* held or failed: why; else NULL */
	const char *stages; /* JSON array: [{"stage", "output"}] */
	const char *report; /* JSON */
	int64_t attempts;
	const char *created_at, *updated_at;
} cw_flow_run;

typedef int (*cw_flow_run_cb)(const cw_flow_run *run, void *payload);

/** A run of a sync connection, as recorded (sync_runs). */
typedef struct {
	int64_t id, connection_id, tenant_id;
	const char *started_by; /* schedule | api | cli | approval */
	const char *kind;       /* full | delta */
	/* running, applied, unchanged, held, approved, rejected, failed,
	 * interrupted (its process died), superseded (a later run replaced
	 * the held one) */
	const char *state;
	int64_t started_ms, finished_ms; /* finished_ms 0: not yet */
	int64_t import_id;               /* 0: no import record */
	const char *held_set; /* the pulled set kept for approval, or NULL */
	const char *cursor;   /* the cursor the run sets once applied */
	const char *report;   /* JSON, or NULL */
} cw_sync_run;

typedef int (*cw_sync_run_cb)(const cw_sync_run *run, void *payload);
/** Called with the source of each import cw_store_import_supersede or
 *  cw_store_import_expire settles. */
typedef int (*cw_import_source_cb)(const char *source, void *payload);

/* ---- the job queue ------------------------------------------------------- */

/** A job of the queue (migration 0015): kind names its handler, ref_id its
 *  record elsewhere (import, sync run, mirror), args its JSON arguments. A
 *  running job is its owner's until lease_until_ms. */
typedef struct {
	int64_t id, tenant_id, ref_id;
	const char *kind, *args;
	const char *state; /* queued | running | done | failed */
	const char *owner; /* NULL unless running */
	int64_t lease_until_ms, not_before_ms;
	int attempts, max_attempts;
	int64_t created_ms, updated_ms;
	const char *error;  /* failed: why; else NULL */
	const char *result; /* what the job reported (JSON), or NULL */
} cw_job;

typedef int (*cw_job_cb)(const cw_job *job, void *payload);

/* ---- Open Badges issuing ------------------------------------------------ */

/* Bits of a revocation list: the W3C Bitstring Status List minimum. An
 * issuer's status indexes run on past it: index i is bit i % BITS of its
 * list number i / BITS, up to CW_BADGE_STATUS_LISTS_MAX lists. */
#define CW_BADGE_STATUS_LIST_BITS 131072
#define CW_BADGE_STATUS_LISTS_MAX 1024

/** An issuer: id is its stable handle; the other texts may be NULL.
 *  id_kind "default" (NULL reads as it), "hosted" or "did:web"; public_id
 *  the hosted URL or the DID of those kinds, else NULL. */
typedef struct {
	int64_t tenant_id;
	const char *id, *name, *url, *email, *description, *image;
	const char *created_at;
	const char *id_kind, *public_id;
} cw_badge_issuer;

/** A key of an issuer: type "ed25519" | "rsa" | "p256", status "active" |
 *  "retired" (retired_at NULL while active), the private key sealed. */
typedef struct {
	int64_t tenant_id;
	const char *issuer, *kid, *type;
	const char *public_jwk, *public_multibase; /* multibase NULL for RSA */
	const char *private_sealed;
	const char *status, *created_at, *retired_at;
} cw_badge_key;

/** An OB 3.0 Achievement; case_item the CFItem it came from, or NULL. */
typedef struct {
	int64_t tenant_id;
	const char *id, *issuer, *document, *case_item;
	const char *created_at, *updated_at;
} cw_badge_achievement;

/** An issued credential: its signed text (JSON, or the compact JWS when
 *  format is "jwt") and its index in the issuer's revocation list. */
typedef struct {
	int64_t tenant_id;
	const char *id, *issuer, *achievement, *recipient, *credential, *format;
	int64_t status_list_index;
	const char *issued_at, *revoked_at, *revoked_reason; /* NULL: live */
} cw_badge_credential;

/** An OB 2.0 assertion: verification "hosted" or "signed", the Assertion
 *  JSON as issued, the compact JWS of a signed one (else NULL). */
typedef struct {
	int64_t tenant_id;
	const char *id, *issuer, *achievement, *recipient, *verification;
	const char *assertion, *jws;
	const char *issued_at, *revoked_at, *revoked_reason; /* NULL: live */
} cw_badge_assertion;

typedef int (*cw_badge_issuer_cb)(const cw_badge_issuer *issuer, void *payload);
typedef int (*cw_badge_assertion_cb)(const cw_badge_assertion *assertion,
                                     void *payload);
typedef int (*cw_badge_key_cb)(const cw_badge_key *key, void *payload);
typedef int (*cw_badge_achievement_cb)(const cw_badge_achievement *achievement,
                                       void *payload);
typedef int (*cw_badge_credential_cb)(const cw_badge_credential *credential,
                                      void *payload);

/* ---- Open Badges 3.0 API ------------------------------------------------ */

/** A holder: a person of a tenant who signs in to the OB 3.0 API with the
 *  recipient identifier (login) the tenant issues to and a passcode. */
typedef struct {
	int64_t id, tenant_id;
	const char *login;
	const char *passcode_hash; /* "sha256$SALT$DIGEST" */
	const char *profile;       /* the Profile JSON they put, or NULL */
	const char *created_at;
} cw_ob3_holder;

/** A client registered with RFC 7591; redirect_uris one per line. */
typedef struct {
	const char *client_id, *secret_hash, *metadata, *redirect_uris;
	const char *scopes, *created_at;
} cw_ob3_client;

/** A secret of the authorization code flow, kept as its SHA-256 (hash):
 *  kind "form" (the consent form's one-time token), "code", "access" or
 *  "refresh". tenant_id and holder_id are 0 before the holder signed in;
 *  the texts NULL when they do not apply. */
typedef struct {
	const char *hash, *kind, *client_id, *grant_id, *scopes;
	int64_t tenant_id, holder_id;
	const char *redirect_uri, *state, *code_challenge;
	int64_t issued_at_ms, expires_at_ms;
	const char *tenant, *tenant_created_at; /* read back */
} cw_ob3_secret;

/** A credential of a holder: format "json" or "jwt"; at its issue or
 *  upsert time ("YYYY-MM-DDThh:mm:ssZ"). */
typedef struct {
	int64_t tenant_id, holder_id;
	const char *id, *credential, *format, *at;
} cw_ob3_credential;

typedef int (*cw_ob3_holder_cb)(const cw_ob3_holder *holder, void *payload);
typedef int (*cw_ob3_client_cb)(const cw_ob3_client *client, void *payload);
typedef int (*cw_ob3_secret_cb)(const cw_ob3_secret *secret, void *payload);
typedef int (*cw_ob3_credential_cb)(const cw_ob3_credential *credential,
                                    void *payload);

/* Listing callbacks return 0 to go on, anything else to stop with it. */
typedef int (*cw_tenant_cb)(const cw_tenant *tenant, void *payload);
typedef int (*cw_client_cb)(const cw_client *client, void *payload);
typedef int (*cw_audit_cb)(const cw_audit_entry *entry, void *payload);

/* Copying a tenant's rows between stores (store/store_copy.h). */
typedef struct cw_copy_table cw_copy_table;
typedef struct cw_copy_value cw_copy_value;
typedef struct cw_store_copy cw_store_copy;
typedef int (*cw_copy_row_cb)(const cw_copy_table *table,
                              const cw_copy_value *row, void *payload);

/** The backend interface; see the wrappers below for each slot's contract. */
typedef struct {
	int (*migrate)(cw_store *store, int *applied);
	int (*ping)(cw_store *store);
	int (*tenant_add)(cw_store *store, const char *name, cw_tenant *out);
	int (*tenant_get)(cw_store *store, const char *name, cw_tenant *out);
	int (*tenant_list)(cw_store *store, cw_tenant_cb cb, void *payload);
	int (*client_add)(cw_store *store, const cw_client *client);
	int (*client_get)(cw_store *store, const char *client_id,
	                  cw_client *out);
	int (*client_list)(cw_store *store, int64_t tenant_id, cw_client_cb cb,
	                   void *payload);
	int (*client_revoke)(cw_store *store, const char *client_id,
	                     const char *at);
	int (*token_add)(cw_store *store, const cw_token *token);
	int (*token_lookup)(cw_store *store, const char *token_hash,
	                    cw_token_info *out);
	int (*token_purge)(cw_store *store, int64_t now_ms, int *purged);
	int (*nonce_add)(cw_store *store, const char *client_id,
	                 const char *nonce, int64_t timestamp_s,
	                 int64_t now_ms);
	int (*nonce_purge)(cw_store *store, int64_t before_s, int *purged);
	int (*auth_fail_get)(cw_store *store, const char *kind, const char *key,
	                     int64_t *blocked_until_ms, int *held);
	int (*auth_fail_count)(cw_store *store, const char *kind,
	                       const char *key, int64_t now_ms, int limit,
	                       int64_t window_ms, int64_t *blocked_until_ms);
	int (*auth_fail_clear)(cw_store *store, const char *kind,
	                       const char *key);
	int (*auth_fail_purge)(cw_store *store, int64_t now_ms,
	                       int64_t window_ms, int *purged);
	int (*ob3_holder_add)(cw_store *store, const cw_ob3_holder *holder,
	                      int64_t *id);
	int (*ob3_holder_get)(cw_store *store, int64_t tenant_id,
	                      const char *login, int64_t id,
	                      cw_ob3_holder_cb cb, void *payload);
	int (*ob3_holder_list)(cw_store *store, int64_t tenant_id,
	                       cw_ob3_holder_cb cb, void *payload);
	int (*ob3_profile_put)(cw_store *store, int64_t tenant_id,
	                       int64_t holder_id, const char *profile);
	int (*ob3_client_add)(cw_store *store, const cw_ob3_client *client);
	int (*ob3_client_get)(cw_store *store, const char *client_id,
	                      cw_ob3_client_cb cb, void *payload);
	int (*ob3_secret_add)(cw_store *store, const cw_ob3_secret *secrets,
	                      size_t count);
	int (*ob3_secret_take)(cw_store *store, const char *hash,
	                       const char *kind, int64_t now_ms,
	                       cw_ob3_secret_cb cb, void *payload);
	int (*ob3_secret_get)(cw_store *store, const char *hash,
	                      const char *kind, int64_t now_ms,
	                      cw_ob3_secret_cb cb, void *payload);
	int (*ob3_grant_revoke)(cw_store *store, const char *grant_id,
	                        int64_t now_ms);
	int (*ob3_secret_purge)(cw_store *store, int64_t before_ms,
	                        int *purged);
	int (*ob3_credential_put)(cw_store *store,
	                          const cw_ob3_credential *credential,
	                          int *created);
	int (*ob3_credential_list)(cw_store *store, int64_t tenant_id,
	                           int64_t holder_id, const char *recipient,
	                           const char *since, int64_t offset,
	                           int64_t limit, int64_t *total,
	                           cw_ob3_credential_cb cb, void *payload);
	int (*audit_append)(cw_store *store, const cw_audit_entry *entry);
	int (*audit_list)(cw_store *store, const char *tenant,
	                  int64_t after_seq, int limit, cw_audit_cb cb,
	                  void *payload);
	int (*import_begin)(cw_store *store, int64_t tenant_id, const char *at,
	                    int64_t import_id, cw_store_import **out);
	int (*import_put)(cw_store_import *import,
	                  const cw_roster_record *record);
	int (*import_lookup)(cw_store_import *import, int entity,
	                     const char *sourced_id, cw_buf *fields);
	int (*import_commit)(cw_store_import *import, uint32_t bulk_entities,
	                     const cw_import_policy *policy,
	                     cw_roster_counts *counts, int *applied);
	void (*import_end)(cw_store_import *import);
	int (*import_create)(cw_store *store, int64_t tenant_id, const char *at,
	                     const char *source, int64_t *id);
	int (*import_report)(cw_store *store, int64_t import_id,
	                     const char *state, const char *report);
	int (*import_get)(cw_store *store, int64_t import_id,
	                  cw_import_record *out);
	int (*import_interrupted)(cw_store *store, int *count);
	int (*import_settle)(cw_store *store, int64_t tenant_id,
	                     int64_t import_id, const char *before,
	                     const char *state, cw_import_source_cb cb,
	                     void *payload);
	int (*roster_list)(cw_store *store, int64_t tenant_id, int entity,
	                   const char *since, cw_roster_cb cb, void *payload);
	int (*roster_get)(cw_store *store, int64_t tenant_id, int entity,
	                  const char *sourced_id, cw_roster_cb cb,
	                  void *payload);
	int (*roster_snapshot)(cw_store *store, int64_t tenant_id, int64_t *seq,
	                       cw_roster_cb cb, void *payload);
	int (*roster_seq)(cw_store *store, int64_t tenant_id, int64_t *seq);
	int (*case_import)(cw_store *store, int64_t tenant_id,
	                   const cw_case_import *import,
	                   cw_case_counts counts[CW_STORE_CASE_KINDS]);
	int (*case_get)(cw_store *store, int64_t tenant_id,
	                const char *identifier, cw_case_cb cb, void *payload);
	int (*case_documents)(cw_store *store, int64_t tenant_id, cw_case_cb cb,
	                      void *payload);
	int (*case_package)(cw_store *store, int64_t tenant_id,
	                    const char *identifier, cw_buf *out,
	                    int64_t *stamp);
	int (*case_stamp)(cw_store *store, int64_t tenant_id,
	                  const char *identifier, int64_t *stamp);
	int (*case_links)(cw_store *store, int64_t tenant_id,
	                  const char *identifier, cw_case_cb cb, void *payload);
	int (*case_kind)(cw_store *store, int64_t tenant_id, int kind,
	                 cw_case_cb cb, void *payload);
	int (*case_mirror_put)(cw_store *store, const cw_case_mirror *mirror,
	                       int64_t *id);
	int (*case_mirror_list)(cw_store *store, int64_t tenant_id,
	                        int64_t due_before_ms, cw_case_mirror_cb cb,
	                        void *payload);
	int (*case_mirror_done)(cw_store *store, int64_t id, int64_t ran_ms,
	                        int64_t next_run_ms, const char *report);
	int (*roster_changes)(cw_store *store, int64_t tenant_id,
	                      int64_t after_seq, size_t limit,
	                      cw_roster_change_cb cb, void *payload);
	int (*sync_add)(cw_store *store, const cw_sync_connection *c,
	                int64_t *id);
	int (*sync_list)(cw_store *store, int64_t tenant_id, const char *name,
	                 cw_sync_cb cb, void *payload);
	int (*sync_done)(cw_store *store, int64_t id, int64_t ran_ms,
	                 const char *state, const char *report,
	                 const char *cursor);
	int (*case_mirror_delete)(cw_store *store, int64_t tenant_id,
	                          int64_t id);
	int (*sync_update)(cw_store *store, const cw_sync_connection *c);
	int (*sync_delete)(cw_store *store, int64_t id, int64_t now_ms);
	int (*sync_claim)(cw_store *store, int64_t id, const char *owner,
	                  int64_t now_ms, int64_t until_ms);
	int (*sync_renew)(cw_store *store, int64_t id, const char *owner,
	                  int64_t until_ms);
	int (*sync_release)(cw_store *store, int64_t id, const char *owner);
	int (*sync_reschedule)(cw_store *store, int64_t id, int64_t expected_ms,
	                       int64_t next_ms, int *won);
	int (*sync_run_add)(cw_store *store, const cw_sync_run *run,
	                    int64_t *id);
	int (*sync_run_finish)(cw_store *store, const cw_sync_run *run,
	                       const char *connection_state, int advance);
	int (*sync_run_list)(cw_store *store, int64_t connection_id,
	                     int64_t run_id, int limit, cw_sync_run_cb cb,
	                     void *payload);
	int (*sync_run_settle)(cw_store *store, int64_t run_id,
	                       const char *from_state, const char *to_state);
	int (*tenant_zone_get)(cw_store *store, int64_t tenant_id,
	                       char out[64]);
	int (*tenant_zone_set)(cw_store *store, int64_t tenant_id,
	                       const char *zone);
	int (*roster_prune)(cw_store *store, int64_t before_ms, int *pruned);
	int (*sync_run_trim)(cw_store *store, int keep, int *deleted);
	int (*roster_horizon)(cw_store *store, int64_t tenant_id,
	                      int64_t *through_seq, int64_t *pruned_before_ms);
	int (*badge_issuer_add)(cw_store *store, const cw_badge_issuer *issuer,
	                        const cw_badge_key *keys, size_t key_count,
	                        int64_t status_list_size);
	int (*badge_issuer_get)(cw_store *store, int64_t tenant_id,
	                        const char *id, cw_badge_issuer_cb cb,
	                        void *payload);
	int (*badge_issuer_list)(cw_store *store, int64_t tenant_id,
	                         cw_badge_issuer_cb cb, void *payload);
	int (*badge_key_rotate)(cw_store *store, const cw_badge_key *key);
	int (*badge_key_list)(cw_store *store, int64_t tenant_id,
	                      const char *issuer, cw_badge_key_cb cb,
	                      void *payload);
	int (*badge_achievement_put)(cw_store *store,
	                             const cw_badge_achievement *achievement);
	int (*badge_achievement_get)(cw_store *store, int64_t tenant_id,
	                             const char *id, cw_badge_achievement_cb cb,
	                             void *payload);
	int (*badge_status_reserve)(cw_store *store, int64_t tenant_id,
	                            const char *issuer, int64_t count,
	                            int64_t *first, int64_t *size);
	int (*badge_credentials_add)(cw_store *store,
	                             const cw_badge_credential *credentials,
	                             size_t count);
	int (*badge_credential_get)(cw_store *store, int64_t tenant_id,
	                            const char *id, cw_badge_credential_cb cb,
	                            void *payload);
	int (*badge_credential_revoke)(cw_store *store, int64_t tenant_id,
	                               const char *id, const char *at,
	                               const char *reason);
	int (*badge_revoked_list)(cw_store *store, int64_t tenant_id,
	                          const char *issuer, cw_badge_credential_cb cb,
	                          void *payload);
	int (*badge_assertions_add)(cw_store *store,
	                            const cw_badge_assertion *assertions,
	                            size_t count);
	int (*badge_assertion_get)(cw_store *store, int64_t tenant_id,
	                           const char *id, cw_badge_assertion_cb cb,
	                           void *payload);
	int (*badge_assertion_revoke)(cw_store *store, int64_t tenant_id,
	                              const char *id, const char *at,
	                              const char *reason);
	int (*badge_assertion_revoked_list)(cw_store *store, int64_t tenant_id,
	                                    const char *issuer,
	                                    cw_badge_assertion_cb cb,
	                                    void *payload);
	int (*badge_status_list_get)(cw_store *store, int64_t tenant_id,
	                             const char *issuer, int64_t *size,
	                             int64_t *next_index);
	int (*flow_mapping_put)(cw_store *store, int64_t tenant_id,
	                        const char *flow, const char *body,
	                        const char *at);
	int (*flow_mapping_get)(cw_store *store, int64_t tenant_id,
	                        const char *flow, cw_buf *out);
	int (*flow_run_add)(cw_store *store, const cw_flow_run *run,
	                    int64_t *id);
	int (*flow_run_update)(cw_store *store, const cw_flow_run *run);
	int (*flow_run_list)(cw_store *store, int64_t tenant_id, int64_t id,
	                     const char *state, int with_input, size_t limit,
	                     cw_flow_run_cb cb, void *payload);
	int (*job_add)(cw_store *store, const cw_job *job, int64_t *id);
	int (*job_claim)(cw_store *store, const char *owner, int64_t now_ms,
	                 int64_t until_ms, cw_job_cb cb, void *payload);
	int (*job_renew)(cw_store *store, int64_t id, const char *owner,
	                 int64_t until_ms, int64_t ref_id);
	int (*job_finish)(cw_store *store, int64_t id, const char *owner,
	                  const char *state, int64_t not_before_ms,
	                  const char *error);
	int (*job_expire)(cw_store *store, int64_t now_ms, cw_job_cb cb,
	                  void *payload);
	int (*job_list)(cw_store *store, int64_t tenant_id, int64_t id,
	                const char *state, size_t limit, cw_job_cb cb,
	                void *payload);
	int (*job_prune)(cw_store *store, int64_t before_ms, int *deleted);
	int (*job_result)(cw_store *store, int64_t id, const char *owner,
	                  const char *result);
	int (*job_lead)(cw_store *store, const char *name, const char *owner,
	                int64_t now_ms, int64_t until_ms, int *held);
	int (*blob_put)(cw_store *store, int64_t tenant_id, const char *name,
	                const char *path);
	int (*blob_get)(cw_store *store, const char *name, const char *path);
	int (*blob_delete)(cw_store *store, const char *name);
	int (*blob_list)(cw_store *store, const char *prefix,
	                 int (*cb)(const char *name, void *payload),
	                 void *payload);
	int (*copy_read)(cw_store *store, const cw_copy_table *table,
	                 int64_t tenant_id, const char *tenant_name,
	                 cw_copy_row_cb cb, void *payload);
	int (*copy_begin)(cw_store *store, cw_store_copy **out);
	int (*copy_next_seq)(cw_store_copy *copy, const cw_copy_table *table,
	                     int64_t *next);
	int (*copy_put)(cw_store_copy *copy, const cw_copy_table *table,
	                const cw_copy_value *row, int64_t *new_id,
	                int *inserted);
	int (*copy_delete)(cw_store_copy *copy, const cw_copy_table *table,
	                   int64_t tenant_id, const char *key, int *deleted);
	int (*copy_end)(cw_store_copy *copy, int commit);
	void (*free)(cw_store *store);
} cw_store_backend;

struct cw_store {
	const cw_store_backend *backend;
	const char *kind; /* "sqlite" or "postgres" */
};

/* The first member of every backend's import. */
struct cw_store_import {
	cw_store *store;
};

/**
 * Opens the store named by url ("sqlite", "sqlite:PATH", "postgres://…");
 * "sqlite" means crosswalk.db in data_dir.
 */
int cw_store_open(cw_store **out, const char *url, const char *data_dir);
void cw_store_free(cw_store *store);

/** Applies the embedded migrations not yet applied; *applied counts them. */
int cw_store_migrate(cw_store *store, int *applied);
/** 0 when the database answers a query. */
int cw_store_ping(cw_store *store);

/** CW_EEXISTS when the name is taken, CW_EINVAL when it is not a slug. */
int cw_store_tenant_add(cw_store *store, const char *name, cw_tenant *out);
int cw_store_tenant_get(cw_store *store, const char *name, cw_tenant *out);
int cw_store_tenant_list(cw_store *store, cw_tenant_cb cb, void *payload);

int cw_store_client_add(cw_store *store, const cw_client *client);
/** Fills out (dispose with cw_client_dispose); CW_ENOTFOUND when absent. */
int cw_store_client_get(cw_store *store, const char *client_id, cw_client *out);
/** tenant_id 0 lists every tenant's clients. */
int cw_store_client_list(cw_store *store, int64_t tenant_id, cw_client_cb cb,
                         void *payload);
/** Marks the client revoked (its tokens die with it); CW_ENOTFOUND. */
int cw_store_client_revoke(cw_store *store, const char *client_id,
                           const char *at);
void cw_client_dispose(cw_client *client);

int cw_store_token_add(cw_store *store, const cw_token *token);
/** CW_ENOTFOUND for an unknown hash; dispose with cw_token_info_dispose. */
int cw_store_token_lookup(cw_store *store, const char *token_hash,
                          cw_token_info *out);
int cw_store_token_purge(cw_store *store, int64_t now_ms, int *purged);
void cw_token_info_dispose(cw_token_info *info);

/**
 * Records an OAuth 1.0a nonce of a client with its request's timestamp.
 * CW_EEXISTS when the client used it already (a replay).
 */
int cw_store_nonce_add(cw_store *store, const char *client_id,
                       const char *nonce, int64_t timestamp_s, int64_t now_ms);
/** Forgets nonces whose timestamp is before before_s (out of the window). */
int cw_store_nonce_purge(cw_store *store, int64_t before_s, int *purged);

/* Failed authentications per identity (migration 0014), shared by every node
 * on the store. kind is "client" or "holder"; key identifies the identity
 * (engine/failgate.c passes a SHA-256 of it, never the login). Times are
 * wall-clock milliseconds. */
/** *held 1 when failures of key are recorded (a success has something to
 *  clear), 0 when not; *blocked_until_ms when it may try again (0: not
 *  blocked; a time already past: no longer). One read. */
int cw_store_auth_fail_get(cw_store *store, const char *kind, const char *key,
                           int64_t *blocked_until_ms, int *held);
/**
 * Counts a failure of key at now_ms, in one statement (an atomic upsert:
 * nodes failing the same identity at once each count): a window of
 * window_ms starts with the first failure, or with the first after the
 * window passed; the failure that reaches limit blocks key until the
 * window ends. *blocked_until_ms gets the block (0: none).
 */
int cw_store_auth_fail_count(cw_store *store, const char *kind, const char *key,
                             int64_t now_ms, int limit, int64_t window_ms,
                             int64_t *blocked_until_ms);
/** A success: forgets key's failures (nothing when there are none). */
int cw_store_auth_fail_clear(cw_store *store, const char *kind,
                             const char *key);
/** Deletes the rows whose window (window_ms) and block ended before now_ms;
 *  *purged counts them. */
int cw_store_auth_fail_purge(cw_store *store, int64_t now_ms, int64_t window_ms,
                             int *purged);

/* ---- Open Badges 3.0 API ------------------------------------------------- */

/** Adds a holder (*id its id); CW_EEXISTS when the tenant has one with that
 *  login. */
int cw_store_ob3_holder_add(cw_store *store, const cw_ob3_holder *holder,
                            int64_t *id);
/** Calls cb with the tenant's holder of that login (login not NULL) or id;
 *  CW_ENOTFOUND. */
int cw_store_ob3_holder_get(cw_store *store, int64_t tenant_id,
                            const char *login, int64_t id, cw_ob3_holder_cb cb,
                            void *payload);
/** The tenant's holders by login. */
int cw_store_ob3_holder_list(cw_store *store, int64_t tenant_id,
                             cw_ob3_holder_cb cb, void *payload);
/** Replaces the holder's Profile JSON; CW_ENOTFOUND. */
int cw_store_ob3_profile_put(cw_store *store, int64_t tenant_id,
                             int64_t holder_id, const char *profile);
int cw_store_ob3_client_add(cw_store *store, const cw_ob3_client *client);
/** CW_ENOTFOUND for an unknown client. */
int cw_store_ob3_client_get(cw_store *store, const char *client_id,
                            cw_ob3_client_cb cb, void *payload);
/** Stores secrets in one transaction. */
int cw_store_ob3_secret_add(cw_store *store, const cw_ob3_secret *secrets,
                            size_t count);
/**
 * Uses a single-use secret of kind: marks it used and calls cb with it.
 * CW_ENOTFOUND when unknown, of another kind, expired or revoked;
 * CW_EEXISTS when it was used before, and then every secret of its grant
 * is revoked (a replay means it leaked).
 */
int cw_store_ob3_secret_take(cw_store *store, const char *hash,
                             const char *kind, int64_t now_ms,
                             cw_ob3_secret_cb cb, void *payload);
/** Calls cb with a live secret of kind (not used, revoked or expired), its
 *  tenant read back; CW_ENOTFOUND. */
int cw_store_ob3_secret_get(cw_store *store, const char *hash, const char *kind,
                            int64_t now_ms, cw_ob3_secret_cb cb, void *payload);
/** Revokes every secret of a grant. */
int cw_store_ob3_grant_revoke(cw_store *store, const char *grant_id,
                              int64_t now_ms);
/** Forgets secrets that expired before before_ms. */
int cw_store_ob3_secret_purge(cw_store *store, int64_t before_ms, int *purged);
/** Adds or replaces (same id) a holder's credential; *created 1 when new. */
int cw_store_ob3_credential_put(cw_store *store,
                                const cw_ob3_credential *credential,
                                int *created);
/**
 * A page of the holder's credentials: those the tenant issued to recipient
 * and those the holder upserted (theirs win on the same id), oldest first,
 * only those after since ("YYYY-MM-DDThh:mm:ssZ", or NULL); *total counts
 * them all.
 */
int cw_store_ob3_credential_list(cw_store *store, int64_t tenant_id,
                                 int64_t holder_id, const char *recipient,
                                 const char *since, int64_t offset,
                                 int64_t limit, int64_t *total,
                                 cw_ob3_credential_cb cb, void *payload);

int cw_store_audit_append(cw_store *store, const cw_audit_entry *entry);
/** Entries after after_seq, oldest first; tenant NULL means all. */
int cw_store_audit_list(cw_store *store, const char *tenant, int64_t after_seq,
                        int limit, cw_audit_cb cb, void *payload);

/**
 * Starts an import into a tenant at time at (its rows' dateLastModified when
 * they bring none): takes the write lock and opens the one transaction
 * every row goes into. Nothing is visible to readers until
 * cw_store_import_commit applies. An import with a record (import_id) waits
 * behind another one for as long as it takes; a small write (import_id 0,
 * the REST API) waits only the usual few seconds and fails CW_ESTORE.
 */
int cw_store_import_begin(cw_store_import **out, cw_store *store,
                          int64_t tenant_id, const char *at, int64_t import_id);
/**
 * Diffs one row against the tenant's and writes it: added, updated,
 * unchanged, or (status tobedeleted) deleted. Rows of one entity and id come
 * at most once. Not to be called concurrently with itself.
 */
int cw_store_import_put(cw_store_import *import,
                        const cw_roster_record *record);
/**
 * 1 when the tenant held entity sourced_id when the import began, 0 when
 * not. Safe to call from another thread while rows are put.
 */
int cw_store_import_known(cw_store_import *import, int entity,
                          const char *sourced_id);
/** The same, with the row's stored fields in *fields when it is held. */
int cw_store_import_fetch(cw_store_import *import, int entity,
                          const char *sourced_id, cw_buf *fields);
/**
 * Finishes the diff: bulk entities (bit per entity) are replaced, so rows
 * held that policy->seen does not know go. Checks references to deleted
 * rows, asks policy->decide, and either commits the rows with their
 * change-log entries and the outcome (applied or unchanged) of the import
 * record, or rolls them back and records it pending. counts:
 * CW_STORE_ROSTER_ENTITIES of them. CW_EINVAL when a kept row would point
 * at a deleted one (nothing applied).
 */
int cw_store_import_commit(cw_store_import *import, uint32_t bulk_entities,
                           const cw_import_policy *policy,
                           cw_roster_counts *counts, int *applied);
/** Rolls back whatever was not committed and frees the import. */
void cw_store_import_end(cw_store_import *import);
/** Records a new import in state running; its id in *id. */
int cw_store_import_create(cw_store *store, int64_t tenant_id, const char *at,
                           const char *source, int64_t *id);
/** Stores the JSON report (and final state) of an import. */
int cw_store_import_report(cw_store *store, int64_t import_id,
                           const char *state, const char *report);
/** Reads an import record (dispose with cw_import_record_dispose). */
int cw_store_import_get(cw_store *store, int64_t import_id,
                        cw_import_record *out);
void cw_import_record_dispose(cw_import_record *record);
/**
 * Marks the tenant's pending imports older than import_id superseded (a
 * newer one was applied; approving them would undo it).
 */
int cw_store_import_supersede(cw_store *store, int64_t tenant_id,
                              int64_t import_id, cw_import_source_cb cb,
                              void *payload);
/** Marks pending imports created before time (ISO 8601) expired. */
int cw_store_import_expire(cw_store *store, const char *before,
                           cw_import_source_cb cb, void *payload);
/** Marks imports left running by a stopped process as failed. */
int cw_store_import_interrupted(cw_store *store, int *count);
/**
 * Lists a tenant's rows of one entity by sourcedId. since NULL: every row
 * held. since a time: every row changed after it, and every row deleted after
 * it as a record with status "tobedeleted" and fields "{}". CW_EINVAL
 * (message set) when since is before the change log's retention: the
 * deletions since then are no longer known.
 */
int cw_store_roster_list(cw_store *store, int64_t tenant_id, int entity,
                         const char *since, cw_roster_cb cb, void *payload);
/**
 * Every row the tenant holds, by entity then sourcedId, from one snapshot;
 * *seq is the change-log position that snapshot reflects.
 */
int cw_store_roster_snapshot(cw_store *store, int64_t tenant_id, int64_t *seq,
                             cw_roster_cb cb, void *payload);

/** The tenant's changes with a sequence number above after_seq, in order,
 *  at most limit of them (the change feed). */
int cw_store_roster_changes(cw_store *store, int64_t tenant_id,
                            int64_t after_seq, size_t limit,
                            cw_roster_change_cb cb, void *payload);

/** The tenant's change-log position: it moves with every change. */
int cw_store_roster_seq(cw_store *store, int64_t tenant_id, int64_t *seq);
/** Calls cb with one held row; CW_ENOTFOUND when the tenant has none. */
int cw_store_roster_get(cw_store *store, int64_t tenant_id, int entity,
                        const char *sourced_id, cw_roster_cb cb, void *payload);

/** 1 when name is a valid tenant name: [a-z0-9][a-z0-9-]{0,62}. */
int cw_tenant_name_valid(const char *name);

/* ---- CASE ---------------------------------------------------------------- */

/**
 * Stores a package in one transaction: new objects added, changed ones
 * updated, the document's items, associations and rubrics it no longer has
 * retired (definitions are shared between documents and stay), each change
 * logged; counts per kind. An object of another document with the same
 * identifier refuses the whole package (CW_EEXISTS, message names it).
 */
int cw_store_case_import(cw_store *store, int64_t tenant_id,
                         const cw_case_import *import,
                         cw_case_counts counts[CW_STORE_CASE_KINDS]);
/** The object with identifier (retired ones too); CW_ENOTFOUND. */
int cw_store_case_get(cw_store *store, int64_t tenant_id,
                      const char *identifier, cw_case_cb cb, void *payload);
/** Every CFDocument of the tenant, by identifier. */
int cw_store_case_documents(cw_store *store, int64_t tenant_id, cw_case_cb cb,
                            void *payload);
/** The 1.1 package text of a document appended to out, and *stamp, which
 *  changes whenever the package does; CW_ENOTFOUND. */
int cw_store_case_package(cw_store *store, int64_t tenant_id,
                          const char *identifier, cw_buf *out, int64_t *stamp);
/** The same stamp alone (cheap: for caches); CW_ENOTFOUND. */
int cw_store_case_stamp(cw_store *store, int64_t tenant_id,
                        const char *identifier, int64_t *stamp);
/** The associations (not retired) with identifier at either end. */
int cw_store_case_links(cw_store *store, int64_t tenant_id,
                        const char *identifier, cw_case_cb cb, void *payload);
/** Every object of a kind the tenant holds (retired ones too). */
int cw_store_case_kind(cw_store *store, int64_t tenant_id, int kind,
                       cw_case_cb cb, void *payload);

/** Adds a tenant's mirror, or replaces the one of the same base URL;
 *  *id its id. */
int cw_store_case_mirror_put(cw_store *store, const cw_case_mirror *mirror,
                             int64_t *id);
/** The tenant's mirrors (0: every tenant's), only those due before
 *  due_before_ms when it is not 0; by id. */
int cw_store_case_mirror_list(cw_store *store, int64_t tenant_id,
                              int64_t due_before_ms, cw_case_mirror_cb cb,
                              void *payload);
/** Records a run: when, the next one, the report. */
int cw_store_case_mirror_done(cw_store *store, int64_t id, int64_t ran_ms,
                              int64_t next_run_ms, const char *report);
/** Adds a sync connection; CW_EEXISTS when its name is taken. */
int cw_store_sync_add(cw_store *store, const cw_sync_connection *c,
                      int64_t *id);
/** The connections of a tenant (0: all), or the one named name (not NULL);
 *  CW_ENOTFOUND when name names none. */
int cw_store_sync_list(cw_store *store, int64_t tenant_id, const char *name,
                       cw_sync_cb cb, void *payload);
/** Records a run: its state and report, and the new cursor (NULL: kept). */
int cw_store_sync_done(cw_store *store, int64_t id, int64_t ran_ms,
                       const char *state, const char *report,
                       const char *cursor);

/** CW_ENOTFOUND when the tenant has no such mirror. */
int cw_store_case_mirror_delete(cw_store *store, int64_t tenant_id, int64_t id);

/** Changes a connection (by id): everything but its name and tenant.
 *  CW_ENOTFOUND when there is none. */
int cw_store_sync_update(cw_store *store, const cw_sync_connection *c);
/** Deletes a connection and its runs; CW_EBUSY while a run holds its
 *  lease, CW_ENOTFOUND when there is none. */
int cw_store_sync_delete(cw_store *store, int64_t id, int64_t now_ms);
/**
 * Takes a connection's lease for owner until until_ms, in one statement
 * that succeeds only when no lease is held or the one held expired before
 * now_ms; runs a dead holder left running become interrupted. CW_EBUSY
 * (message set) when another run holds it.
 */
int cw_store_sync_claim(cw_store *store, int64_t id, const char *owner,
                        int64_t now_ms, int64_t until_ms);
/** Extends owner's lease; CW_ENOTFOUND when owner no longer holds it. */
int cw_store_sync_renew(cw_store *store, int64_t id, const char *owner,
                        int64_t until_ms);
/** Gives owner's lease up (nothing when owner does not hold it). */
int cw_store_sync_release(cw_store *store, int64_t id, const char *owner);
/** Moves the next firing from expected_ms to next_ms when it still is
 *  expected_ms: *won 1 for the caller that moved it (so one node fires a
 *  firing), 0 when another did. */
int cw_store_sync_reschedule(cw_store *store, int64_t id, int64_t expected_ms,
                             int64_t next_ms, int *won);
/** Records a run (its id in *id). */
int cw_store_sync_run_add(cw_store *store, const cw_sync_run *run, int64_t *id);
/**
 * Records how a run ended (state, finished_ms, import_id, held_set,
 * report, by run->id) and, in the same transaction, the connection's last
 * run (connection_state: ok, held or failed); with advance, also its
 * cursor (run->cursor) and, for a full run, last_full_ms.
 */
int cw_store_sync_run_finish(cw_store *store, const cw_sync_run *run,
                             const char *connection_state, int advance);
/** A connection's runs, newest first, at most limit; run_id not 0: that
 *  one only (CW_ENOTFOUND when the connection has no such run). */
int cw_store_sync_run_list(cw_store *store, int64_t connection_id,
                           int64_t run_id, int limit, cw_sync_run_cb cb,
                           void *payload);
/** Moves a run from from_state to to_state; CW_ENOTFOUND when it is not in
 *  from_state (someone else settled it). */
int cw_store_sync_run_settle(cw_store *store, int64_t run_id,
                             const char *from_state, const char *to_state);

/** Keeps each connection's keep newest runs (and every running or held
 *  one), deleting older ones; *deleted counts them. */
int cw_store_sync_run_trim(cw_store *store, int keep, int *deleted);

/** A tenant's time zone (an IANA name; "UTC" unless set). */
int cw_store_tenant_zone_get(cw_store *store, int64_t tenant_id, char out[64]);
int cw_store_tenant_zone_set(cw_store *store, int64_t tenant_id,
                             const char *zone);

/**
 * Deletes change-log entries made before before_ms (every tenant's), but
 * never the newest entry (sequence numbers continue from it), and records
 * per tenant the last sequence number deleted; *pruned counts log rows.
 */
int cw_store_roster_prune(cw_store *store, int64_t before_ms, int *pruned);
/** The last sequence number pruned from a tenant's change log (0: none):
 *  a feed reader behind it has missed changes; and the time before which
 *  entries were pruned (0: none), so deletions before it are unknown. */
int cw_store_roster_horizon(cw_store *store, int64_t tenant_id,
                            int64_t *through_seq, int64_t *pruned_before_ms);

/* ---- Open Badges issuing ------------------------------------------------- */

/**
 * Adds an issuer with its first keys (active) and its revocation list of
 * status_list_size bits, in one transaction. CW_EEXISTS when the tenant has
 * an issuer of that id.
 */
int cw_store_badge_issuer_add(cw_store *store, const cw_badge_issuer *issuer,
                              const cw_badge_key *keys, size_t key_count,
                              int64_t status_list_size);
/** Calls cb with the tenant's issuer id; CW_ENOTFOUND. */
int cw_store_badge_issuer_get(cw_store *store, int64_t tenant_id,
                              const char *id, cw_badge_issuer_cb cb,
                              void *payload);
/** The tenant's issuers, by creation. */
int cw_store_badge_issuer_list(cw_store *store, int64_t tenant_id,
                               cw_badge_issuer_cb cb, void *payload);
/** Adds key as the active key of its type, retiring (at key->created_at)
 *  the one active before; CW_ENOTFOUND when the tenant has no such issuer. */
int cw_store_badge_key_rotate(cw_store *store, const cw_badge_key *key);
/** Every key of an issuer (retired ones too), oldest first. */
int cw_store_badge_key_list(cw_store *store, int64_t tenant_id,
                            const char *issuer, cw_badge_key_cb cb,
                            void *payload);
/** Adds an achievement or replaces its document; CW_EEXISTS when the id is
 *  another issuer's, CW_ENOTFOUND when the issuer is not the tenant's. */
int cw_store_badge_achievement_put(cw_store *store,
                                   const cw_badge_achievement *achievement);
/** CW_ENOTFOUND when the tenant has no such achievement. */
int cw_store_badge_achievement_get(cw_store *store, int64_t tenant_id,
                                   const char *id, cw_badge_achievement_cb cb,
                                   void *payload);
/**
 * Hands out count consecutive indexes of the issuer's revocation list:
 * *first the first, *size the list's. CW_ETOOBIG when the list is full,
 * CW_ENOTFOUND without such an issuer. Indexes of credentials not stored
 * afterwards stay unused.
 */
int cw_store_badge_status_reserve(cw_store *store, int64_t tenant_id,
                                  const char *issuer, int64_t count,
                                  int64_t *first, int64_t *size);
/** Stores issued credentials in one transaction: all or none. */
int cw_store_badge_credentials_add(cw_store *store,
                                   const cw_badge_credential *credentials,
                                   size_t count);
/** CW_ENOTFOUND when the tenant has no such credential. */
int cw_store_badge_credential_get(cw_store *store, int64_t tenant_id,
                                  const char *id, cw_badge_credential_cb cb,
                                  void *payload);
/** Marks a credential revoked; CW_ENOTFOUND when the tenant has no such
 *  credential, CW_EEXISTS when it is revoked already. */
int cw_store_badge_credential_revoke(cw_store *store, int64_t tenant_id,
                                     const char *id, const char *at,
                                     const char *reason);
/** The issuer's revoked credentials by status list index (credential text
 *  NULL). */
int cw_store_badge_revoked_list(cw_store *store, int64_t tenant_id,
                                const char *issuer, cw_badge_credential_cb cb,
                                void *payload);
/** Stores OB 2.0 assertions in one transaction: all or none. */
int cw_store_badge_assertions_add(cw_store *store,
                                  const cw_badge_assertion *assertions,
                                  size_t count);
/** CW_ENOTFOUND when the tenant has no such assertion. */
int cw_store_badge_assertion_get(cw_store *store, int64_t tenant_id,
                                 const char *id, cw_badge_assertion_cb cb,
                                 void *payload);
/** Marks an assertion revoked; CW_ENOTFOUND, CW_EEXISTS as for
 *  credentials. */
int cw_store_badge_assertion_revoke(cw_store *store, int64_t tenant_id,
                                    const char *id, const char *at,
                                    const char *reason);
/** The issuer's revoked assertions, by revocation time (texts NULL). */
int cw_store_badge_assertion_revoked_list(cw_store *store, int64_t tenant_id,
                                          const char *issuer,
                                          cw_badge_assertion_cb cb,
                                          void *payload);
/** The revocation list's size and first unused index; CW_ENOTFOUND. */
int cw_store_badge_status_list_get(cw_store *store, int64_t tenant_id,
                                   const char *issuer, int64_t *size,
                                   int64_t *next_index);

/* ---- CBE flows ----------------------------------------------------------- */

/** Stores a tenant's own mapping of flow (replacing the one it had). */
int cw_store_flow_mapping_put(cw_store *store, int64_t tenant_id,
                              const char *flow, const char *body,
                              const char *at);
/** Appends the tenant's mapping of flow to out; CW_ENOTFOUND when it has
 *  none (the default applies). */
int cw_store_flow_mapping_get(cw_store *store, int64_t tenant_id,
                              const char *flow, cw_buf *out);
/**
 * Records a new run (state, stages and report as given); *id its id.
 * CW_EEXISTS, with *id the run already recorded, when the tenant has a run
 * of the flow with the same idempotency key.
 */
int cw_store_flow_run_add(cw_store *store, const cw_flow_run *run, int64_t *id);
/** Writes a run's state, reason, stages, report, attempts and updated_at
 *  (by run->id and run->tenant_id); CW_ENOTFOUND. */
int cw_store_flow_run_update(cw_store *store, const cw_flow_run *run);
/**
 * Runs newest first: of a tenant (0: every tenant), the one with id (0:
 * any), in state (NULL: any), at most limit (0: no limit); input is only
 * read when with_input. CW_ENOTFOUND when id names none.
 */
int cw_store_flow_run_list(cw_store *store, int64_t tenant_id, int64_t id,
                           const char *state, int with_input, size_t limit,
                           cw_flow_run_cb cb, void *payload);

/* ---- the job queue ------------------------------------------------------- */

/**
 * Adds a job (kind, tenant_id, ref_id, args, max_attempts; state "queued",
 * or "running" with owner and lease_until_ms for a job its submitter runs
 * at once); *id its id.
 */
int cw_store_job_add(cw_store *store, const cw_job *job, int64_t *id);
/**
 * Claims the oldest job that is queued (and due: not_before_ms passed) or
 * running under a lease that ran out before now_ms with attempts left: it
 * becomes owner's until until_ms, its attempts one more, and cb sees it.
 * Several nodes claim at once without waiting for each other (PostgreSQL:
 * FOR UPDATE SKIP LOCKED). CW_ENOTFOUND when there is none.
 */
int cw_store_job_claim(cw_store *store, const char *owner, int64_t now_ms,
                       int64_t until_ms, cw_job_cb cb, void *payload);
/** Extends owner's lease to until_ms (and sets ref_id unless it is 0);
 *  CW_ENOTFOUND when owner no longer holds the job. */
int cw_store_job_renew(cw_store *store, int64_t id, const char *owner,
                       int64_t until_ms, int64_t ref_id);
/**
 * Ends owner's run of a job: state "done" or "failed" (error why), or
 * "queued" to hand it back (due at not_before_ms, the attempt not
 * counted). CW_ENOTFOUND when owner no longer holds it.
 */
int cw_store_job_finish(cw_store *store, int64_t id, const char *owner,
                        const char *state, int64_t not_before_ms,
                        const char *error);
/** Fails every running job whose lease ran out with no attempts left,
 *  calling cb with each (its state then "failed"), to settle its record. */
int cw_store_job_expire(cw_store *store, int64_t now_ms, cw_job_cb cb,
                        void *payload);
/** Jobs newest first: of a tenant (0: all), the one with id (0: any), in
 *  state (NULL: any), at most limit (0: no limit). CW_ENOTFOUND when id
 *  names none. */
int cw_store_job_list(cw_store *store, int64_t tenant_id, int64_t id,
                      const char *state, size_t limit, cw_job_cb cb,
                      void *payload);
/** Records what owner's job reports (JSON text) before it ends;
 *  CW_ENOTFOUND when owner no longer holds it. */
int cw_store_job_result(cw_store *store, int64_t id, const char *owner,
                        const char *result);
/** Deletes done and failed jobs last changed before before_ms. */
int cw_store_job_prune(cw_store *store, int64_t before_ms, int *deleted);
/**
 * Leadership of name (the scheduler) for owner: *held 1 when owner holds
 * it after the call. PostgreSQL: an advisory lock on a session of its own,
 * held until that session ends (so a dead node's lock goes with it); the
 * times are unused. SQLite: a lease row owner takes when free or expired
 * and renews to until_ms.
 */
int cw_store_job_lead(cw_store *store, const char *name, const char *owner,
                      int64_t now_ms, int64_t until_ms, int *held);

/* ---- blobs --------------------------------------------------------------- */

/**
 * Stores the file at path as the blob name (of tenant_id), in one
 * transaction, chunk by chunk; CW_EEXISTS when name is taken,
 * CW_ENOTFOUND when path is not there.
 */
int cw_store_blob_put(cw_store *store, int64_t tenant_id, const char *name,
                      const char *path);
/** Writes the blob name to path (mode 0600, replacing it, renamed into
 *  place once whole); CW_ENOTFOUND when there is no such blob. */
int cw_store_blob_get(cw_store *store, const char *name, const char *path);
/** Deletes the blob name (nothing when there is none). */
int cw_store_blob_delete(cw_store *store, const char *name);
/** Calls cb with the name of every blob whose name starts with prefix, in
 *  name order. */
int cw_store_blob_list(cw_store *store, const char *prefix,
                       int (*cb)(const char *name, void *payload),
                       void *payload);

#endif
