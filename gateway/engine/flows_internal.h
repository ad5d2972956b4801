/* Shared by the flow runner (flows.c) and the flows (flow_*.c). */
#ifndef CW_ENGINE_FLOWS_INTERNAL_H
#define CW_ENGINE_FLOWS_INTERNAL_H

#include "engine/flows.h"
#include "engine/roster_import.h"
#include "engine/roster_index.h"
#include "util/strset.h"

/* Rows a batch writes at its end in one transaction: one per entity and
 * sourcedId (a later put replaces an earlier one). */
typedef struct {
	cw_strset *slots; /* "entity id" -> index */
	cw_roster_change *changes;
	char **texts; /* ids and texts, cw_malloc'd */
	size_t count, capacity;
} cw_flow_rows;

int cw_flow_rows_init(cw_flow_rows *rows);
void cw_flow_rows_dispose(cw_flow_rows *rows);
/** Adds or replaces a row; fields is copied. */
int cw_flow_rows_put(cw_flow_rows *rows, cw_or_entity entity,
                     const char *sourced_id, const char *fields);
/** The fields put for a row, or NULL. */
const char *cw_flow_rows_get(const cw_flow_rows *rows, cw_or_entity entity,
                             const char *sourced_id);

typedef struct {
	const cw_flow_env *env;
	int64_t tenant_id;
	const cw_mapping *mapping;
	/* A batch's: the roster read once, and the rows written at its end
	 * (NULL: read and write for this run alone). */
	const cw_roster_index *ix;
	cw_flow_rows *rows;
	/* The user a batch issued the credential to: checked first, so a
	 * salted hash is not tried against every user. */
	const cw_ri_row *student_hint;
	/* The batch signed the credential a moment ago in this process: its
	 * proof is not checked again (the stage says so). */
	int self_issued;
	/* A batch's: what to PUT to the SIS's gradebook once its rows are
	 * written (NULL: a run alone pushes its own after writing). */
	cJSON *push_queue;
	cJSON *stages;     /* [{"stage", "output"}] */
	cJSON *writes;     /* [{"entity", "sourcedId", "change"}] */
	const char *state; /* set when the run ends early: held | failed */
	char reason[600];
} cw_flow_job;

#define CW_FLOW_KEY_LEN 80 /* "sha256:" + 64 hex digits + NUL */

void cw_flow__job_init(cw_flow_job *job, const cw_flow_env *env,
                       int64_t tenant_id, const cw_mapping *mapping);
void cw_flow__job_dispose(cw_flow_job *job);
/** "sha256:<hex>" of text: an idempotency key from content. */
/** The id of the credential a flow issues for item c of the run whose key
 *  is key: the same on every run of the same input (a UUID of version 8
 *  from SHA-256), so a run that stopped after issuing finds its
 *  credentials instead of issuing them twice. */
int cw_flow__credential_id(char out[48], int64_t tenant_id, const char *flow,
                           const char *key, size_t c);
/** Issues requests (each naming its id): those the store has already are
 *  read from it (counted in *reused), the others issued in one
 *  transaction. issued[i] answers requests[i]. */
int cw_flow__issue_once(cw_badge_issued *issued, size_t *reused,
                        const cw_badges *badges, const char *tenant,
                        int64_t tenant_id, const cw_badge_request *requests,
                        size_t count);
int cw_flow__content_key(char key[CW_FLOW_KEY_LEN], const char *text,
                         size_t len);

/** A stored row's fields, parsed (NULL for NULL); cJSON_Delete it. */
cJSON *cw_flow__row_fields(const cw_ri_row *row);
/** Column name of entity in fields, or NULL when empty. */
const cJSON *cw_flow__cell(const cJSON *fields, cw_or_entity e,
                           const char *name);
/** The same as text (a list column's first value), or NULL. */
const char *cw_flow__cell_text(const cJSON *fields, cw_or_entity e,
                               const char *name);

/** Appends {"stage": name, "output": output (taken)}. */
void cw_flow__stage(cw_flow_job *job, const char *name, cJSON *output);
/** Ends the run as state ("held" or "failed") with a reason; returns 0. */
int cw_flow__stop(cw_flow_job *job, const char *state, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/**
 * What credential-to-result will hold a credential of student for, checked
 * before it is issued: level (NULL: none) against the level table, and the
 * student's class. Sets job->state and the reason when it would hold.
 */
int cw_flow__result_preflight(cw_flow_job *job, const cw_ri_row *student,
                              const char *level);

/** credential-to-result on one credential (JSON or compact JWS text). */
int cw_flow__credential_to_result(cw_flow_job *job, const char *text,
                                  size_t len);

#endif
