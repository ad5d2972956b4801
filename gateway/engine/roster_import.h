/* Importing a OneRoster CSV set into a tenant: validate everything, diff
 * against what the tenant holds, apply in one transaction or not at all. */
#ifndef CW_ENGINE_ROSTER_IMPORT_H
#define CW_ENGINE_ROSTER_IMPORT_H

#include "engine/roster_source.h"
#include "roster/package.h"
#include "store/store.h"

#include <cjson/cJSON.h>

typedef struct {
	const char *tenant;
	const char *path;   /* directory or .zip */
	int approve;        /* apply even past the delete threshold */
	long threshold_pct; /* hold when more than this % of a type goes */
	cw_or_zip_limits zip_limits;
	cw_diag_cb on_diag;
	void *payload;
	int64_t import_id;    /* an import record made already, or 0 */
	volatile int *cancel; /* when set non-zero, the import gives up */
	/* Once applied, the tenant's older pending imports are superseded;
	 * this data dir's uploads of theirs are deleted (NULL: none). */
	const char *uploads_of;
	/* The new record's source (NULL: path), e.g. "sync:…" for a set a
	 * sync run pulled. */
	const char *source;
} cw_roster_import_options;

typedef struct {
	cw_or_package_report check;
	cw_roster_counts counts[CW_STORE_ROSTER_ENTITIES];
	const char *state; /* applied, unchanged, pending, rejected, failed */
	char held_reason[300];
	char failure[300]; /* why, when failed */
	int64_t import_id;
} cw_roster_import_result;

/**
 * Runs an import. Returns 0 when applied or unchanged, CW_EINVAL when the
 * set is invalid (state "rejected": nothing changed), CW_EAUTH-free codes
 * for store and I/O failures; state "pending" returns 0 with nothing
 * applied (see held_reason).
 */
int cw_roster_import(cw_roster_import_result *out, cw_store *store,
                     const cw_roster_import_options *options);

/* The source of an import whose set is an upload kept in the store (so
 * any node may run or approve it): this prefix and the upload's name, the
 * blob's name and its file's in DATA_DIR/uploads. */
#define CW_ROSTER_UPLOAD_SOURCE "upload:"
/* The source of an import of a set a sync run pulled: this prefix and the
 * set's name; it is approved through its run. */
#define CW_ROSTER_SYNC_SOURCE "sync:"

/** DATA_DIR/uploads/NAME in out (n bytes); CW_EINVAL for a name that is
 *  not a plain file name. */
int cw_roster_upload_path(char *out, size_t n, const char *data_dir,
                          const char *name);

/**
 * Deletes the set of an import that is done with it: an upload kept in
 * the store (source "upload:NAME": the blob and this node's copy), or a
 * file in DATA_DIR/uploads.
 */
int cw_roster_drop_upload(cw_store *store, const char *data_dir,
                          const char *source);

/**
 * Expires pending imports older than ttl_h hours and deletes their uploads
 * in data_dir; *count says how many.
 */
int cw_roster_expire_pending(cw_store *store, const char *data_dir, long ttl_h,
                             int *count);

/** Every reference column of the stored 1.2 model, for dangling checks. */
const cw_roster_ref *cw_roster_model_references(size_t *count);

/** One row a write changes: put (fields in the stored form) or delete. */
typedef struct {
	cw_or_entity entity;
	const char *sourced_id;
	int deleted;
	const char *fields; /* NULL when deleted */
} cw_roster_change;

/**
 * Applies changes to a tenant's roster in one transaction, through the
 * import path: change log, exports and the REST index see them. CW_EINVAL
 * (message set) when a kept row would point at a deleted one.
 */
int cw_roster_write(cw_store *store, int64_t tenant_id,
                    const cw_roster_change *changes, size_t count);

/**
 * Appends d to list as {"file", "line", "column", "severity", "code",
 * "message"} for a stored report, unless list (may be NULL) holds max
 * already: then it counts in *dropped.
 */
void cw_roster_diag_add(cJSON *list, int max, int *dropped, const cw_diag *d);

/** The report as JSON (for --json and the stored import record). */
char *cw_roster_import_report_json(const cw_roster_import_result *result);

#endif
