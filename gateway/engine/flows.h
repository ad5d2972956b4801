/* The CBE flows as jobs: each input is a run, stored as received with each
 * stage's output and the outcome; the same input twice is one run (an
 * idempotency key from its content); a run that cannot finish is held or
 * failed with the reason (the dead letters) and can be replayed in place
 * once the data is fixed. The flow itself: credential-to-result (a verified
 * badge becomes a OneRoster 1.2 result on CASE competencies). */
#ifndef CW_ENGINE_FLOWS_H
#define CW_ENGINE_FLOWS_H

#include "badge/verify.h"
#include "engine/badges.h"
#include "mapping/mapping.h"
#include "store/store.h"

#include <cjson/cJSON.h>

typedef struct {
	cw_store *store;
	const cw_jsonld_loader *loader; /* NULL: the embedded contexts */
	cw_badge_fetch_fn fetch;        /* hosted documents; may be NULL */
	void *fetch_arg;
	int dry_run; /* 1: report what would be written, record nothing */
	int64_t now_ms;
	const cw_badges *badges; /* issuing (partner-record); may be NULL */
	int public_only; /* pushes refuse loopback and private addresses */
} cw_flow_env;

typedef struct {
	int64_t run_id;    /* 0 in a dry run */
	const char *state; /* done | held | failed | duplicate | would */
	cJSON *report;     /* {run, flow, state, reason?, stages, writes} */
} cw_flow_outcome;

void cw_flow_outcome_dispose(cw_flow_outcome *outcome);

/**
 * The tenant's mapping of kind: its own (cw_store_flow_mapping_put) or the
 * default shipped in the binary. problems as cw_mapping_load.
 */
int cw_flow_mapping_for(cw_mapping **out, cw_store *store, int64_t tenant_id,
                        cw_flow_kind kind, cw_buf *problems);

/**
 * Runs mapping's flow on one input (a credential as JSON or a compact JWS,
 * or a baked PNG or SVG) from source (a file name, a URL, "upload").
 * Returns 0 with *out filled whatever the outcome (held and failed are
 * outcomes); a negative code only when the store or memory failed.
 */
int cw_flow_execute(cw_flow_outcome *out, const cw_flow_env *env,
                    int64_t tenant_id, const cw_mapping *mapping,
                    const char *source, const char *input, size_t len);

/** Runs a recorded run again on its stored input (with the tenant's
 *  current mapping); CW_ENOTFOUND. A done run is reported, not re-run. */
int cw_flow_replay(cw_flow_outcome *out, const cw_flow_env *env,
                   int64_t tenant_id, int64_t run_id);

/** Called with each credential a batch issued (its id and signed text). */
typedef int (*cw_flow_credential_cb)(const char *id, const char *text,
                                     void *payload);

/**
 * partner-record on a file of learning records (CSV or JSON): each record
 * is a run (idempotent by the partner, its recordId and its content; a
 * record done before is a duplicate and issues nothing). A record whose
 * student, competencies, level or class cannot be found is held with the
 * reason; every other record gets one OB 3.0 credential per competency
 * (the partner as source, its evidence, activity dates, creditsEarned),
 * issued by the mapping's issuer in one transaction, each then run through
 * credential-to-result (results), whose rows are written in one
 * transaction at the end. *report: {flow, records, done, duplicate, held,
 * failed, credentials, results, held_records: [{at, recordId, run,
 * reason}]}. CW_EINVAL (message set) when the text is not records at all:
 * nothing is recorded or written then.
 */
int cw_flow_partner_run(cJSON **report, const cw_flow_env *env,
                        const cw_badges *badges, const char *tenant,
                        int64_t tenant_id, const cw_mapping *partner,
                        const cw_mapping *results, const char *source,
                        const char *text, size_t len,
                        cw_flow_credential_cb on_credential, void *payload);

/**
 * pd-completion on a PD program's class (class_id; NULL: the mapping's):
 * every user enrolled in it as a student who has a result on each of the
 * mapping's lineItems, fully graded and passing (minScore or
 * passTextScores), gets the mapping's microcredential (an OB 3.0
 * Achievement of type MicroCredential aligned to the mapping's CASE items,
 * creditsEarned, the results as evidence), issued in one transaction. Each
 * participant is a run: a done one is a duplicate (one microcredential per
 * person and achievement); one who has not qualified is held with why.
 * *report: {flow, class, participants, done, duplicate, held, failed,
 * credentials, not_yet: [{participant, run, reason}]}. CW_ENOTFOUND /
 * CW_EINVAL (message set) when the class or a competency is not the
 * tenant's: nothing is recorded or issued then.
 */
int cw_flow_pd_run(cJSON **report, const cw_flow_env *env,
                   const cw_badges *badges, const char *tenant,
                   int64_t tenant_id, const cw_mapping *mapping,
                   const char *class_id, cw_flow_credential_cb on_credential,
                   void *payload);

/** A run as JSON: {id, tenant_id?, flow, source, state, reason, attempts,
 *  created_at, updated_at, stages?, report?}. */
cJSON *cw_flow_run_json(const cw_flow_run *run, int detail);

#endif
