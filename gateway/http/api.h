/* Every handler of the gateway, and the route table that maps to them. */
#ifndef CW_HTTP_API_H
#define CW_HTTP_API_H

#include "engine/failgate.h"
#include "http/router.h"
#include "store/store.h"

extern const cw_route cw_routes[];
extern const size_t cw_route_count;

/* api_health.c */
int cw_api_healthz(cw_request *req, cw_response *res);
int cw_api_readyz(cw_request *req, cw_response *res);
int cw_api_metrics(cw_request *req, cw_response *res);

/* api_openapi.c */
int cw_api_openapi(cw_request *req, cw_response *res);

/* api_oauth.c */
int cw_api_oauth_token(cw_request *req, cw_response *res);
/** Parses the credentials after "Basic " (RFC 6749 §2.3.1 form-encoding);
 *  *id and *secret are the caller's (cw_free). CW_EINVAL when malformed. */
int cw_api_oauth_basic(char **id, char **secret, const char *header);
/** Seconds until identity who of kind ("client", "holder") may try to
 *  authenticate again (auth_failure_limit), 0 when it may now, or a store
 *  error (the secret must not be compared then); attempt is kept for
 *  cw_api_auth_outcome. Every node counts the same failures. */
int cw_api_auth_wait(cw_request *req, cw_failgate_attempt *attempt,
                     const char *kind, const char *who);
/** Counts a failed authentication of the attempt's identity, or clears
 *  its count; 0 or a store error (logged). */
int cw_api_auth_outcome(cw_request *req, const cw_failgate_attempt *attempt,
                        int failed);
/** 429 with Retry-After and an OAuth error body (error invalid_client). */
int cw_api_auth_throttle(cw_response *res, int wait_s);

/* api_oauth_code.c: the OB 3.0 authorization server */
int cw_api_ob3_register(cw_request *req, cw_response *res);
int cw_api_ob3_authorize_form(cw_request *req, cw_response *res);
int cw_api_ob3_authorize_answer(cw_request *req, cw_response *res);
int cw_api_ob3_token(cw_request *req, cw_response *res);
int cw_api_ob3_revoke(cw_request *req, cw_response *res);

/* api_ob3.c: the OB 3.0 API (resource server) and its holders */
int cw_api_ob3_discovery(cw_request *req, cw_response *res);
int cw_api_ob3_credentials_list(cw_request *req, cw_response *res);
int cw_api_ob3_credentials_upsert(cw_request *req, cw_response *res);
int cw_api_ob3_profile_get(cw_request *req, cw_response *res);
int cw_api_ob3_profile_put(cw_request *req, cw_response *res);
int cw_api_ob3_holders_add(cw_request *req, cw_response *res);
int cw_api_ob3_holders_list(cw_request *req, cw_response *res);
/** The public origin: public_base_url, else the one the client reached. */
void cw_api_public_origin(const cw_request *req, char out[300]);

/* api_admin.c */
/**
 * The tenant a request acts on: its own, or the one asked for by the
 * operator. Returns 0 with out filled, a positive HTTP status it has already
 * answered in res (403, 404), or a negative error.
 */
int cw_api_target_tenant(cw_tenant *out, cw_request *req, cw_response *res,
                         const char *asked);
int cw_api_admin_tenants_list(cw_request *req, cw_response *res);
int cw_api_admin_tenants_add(cw_request *req, cw_response *res);
int cw_api_admin_clients_list(cw_request *req, cw_response *res);
int cw_api_admin_clients_add(cw_request *req, cw_response *res);
int cw_api_admin_clients_revoke(cw_request *req, cw_response *res);
int cw_api_admin_audit_list(cw_request *req, cw_response *res);

/* api_sync_admin.c */
int cw_api_sync_connections_list(cw_request *req, cw_response *res);
int cw_api_sync_connections_add(cw_request *req, cw_response *res);
int cw_api_sync_connection_show(cw_request *req, cw_response *res);
int cw_api_sync_connection_update(cw_request *req, cw_response *res);
int cw_api_sync_connection_delete(cw_request *req, cw_response *res);
int cw_api_sync_connection_run(cw_request *req, cw_response *res);
int cw_api_sync_runs_list(cw_request *req, cw_response *res);
int cw_api_sync_run_show(cw_request *req, cw_response *res);
int cw_api_sync_run_approve(cw_request *req, cw_response *res);

/* api_roster.c */
int cw_api_roster_import_start(cw_request *req, cw_response *res);
int cw_api_roster_import_status(cw_request *req, cw_response *res);
int cw_api_roster_import_approve(cw_request *req, cw_response *res);

/* api_case.c: the CASE 1.0 and 1.1 provider */
int cw_api_case_documents(cw_request *req, cw_response *res);
int cw_api_case_document(cw_request *req, cw_response *res);
int cw_api_case_package(cw_request *req, cw_response *res);
int cw_api_case_item(cw_request *req, cw_response *res);
int cw_api_case_item_associations(cw_request *req, cw_response *res);
int cw_api_case_association(cw_request *req, cw_response *res);
int cw_api_case_association_grouping(cw_request *req, cw_response *res);
int cw_api_case_concept(cw_request *req, cw_response *res);
int cw_api_case_subject(cw_request *req, cw_response *res);
int cw_api_case_item_type(cw_request *req, cw_response *res);
int cw_api_case_license(cw_request *req, cw_response *res);
int cw_api_case_rubric(cw_request *req, cw_response *res);
int cw_api_case_crosswalk(cw_request *req, cw_response *res);
/* api_openapi.c: the 1.1 discovery document */
int cw_api_case_discovery(cw_request *req, cw_response *res);
int cw_api_badge_status_list(cw_request *req, cw_response *res);
int cw_api_badge_status_list_n(cw_request *req, cw_response *res);
int cw_api_badge_revocation_list(cw_request *req, cw_response *res);
int cw_api_badge_issuer_keys(cw_request *req, cw_response *res);
int cw_api_badge_did_document(cw_request *req, cw_response *res);
int cw_api_badge_ob2_assertion(cw_request *req, cw_response *res);
int cw_api_badge_ob2_badgeclass(cw_request *req, cw_response *res);
int cw_api_badge_ob2_profile(cw_request *req, cw_response *res);
int cw_api_badge_ob2_key(cw_request *req, cw_response *res);
int cw_api_badge_ob2_revocations(cw_request *req, cw_response *res);
int cw_api_badge_issuer_rotate(cw_request *req, cw_response *res);
int cw_api_badge_credentials_batch(cw_request *req, cw_response *res);
int cw_api_badge_status_list_admin(cw_request *req, cw_response *res);
int cw_api_badge_verify(cw_request *req, cw_response *res);

/* api_flows.c */
int cw_api_flow_run(cw_request *req, cw_response *res);
int cw_api_flow_runs(cw_request *req, cw_response *res);
int cw_api_flow_run_get(cw_request *req, cw_response *res);
int cw_api_flow_replay(cw_request *req, cw_response *res);
/* api_jobs.c: the job queue */
int cw_api_jobs_list(cw_request *req, cw_response *res);
int cw_api_job_show(cw_request *req, cw_response *res);
int cw_api_flow_job_show(cw_request *req, cw_response *res);
/* The answer to a request that started a job: 202 with {key: id, state:
 * "running", status: location} and Location; 503 for CW_ETOOBIG (the
 * node runs too many jobs); another error as it is. */
int cw_api_accepted(cw_response *res, int err, const char *key, int64_t id,
                    const char *location);
/**
 * After a holder upserted a credential through the OB 3.0 API: when the
 * tenant's credential-to-result mapping says runOnOb3Upsert, the flow runs
 * on it (recorded like any run; held and failed ones are dead letters).
 * *run_id the run, 0 when the flow did not run.
 */
int cw_api_flows_upserted(cw_request *req, int64_t tenant_id, const char *text,
                          size_t len, int64_t *run_id);
int cw_api_roster_changes(cw_request *req, cw_response *res);
int cw_api_badge_issuers_add(cw_request *req, cw_response *res);
int cw_api_badge_issuers_list(cw_request *req, cw_response *res);
int cw_api_badge_achievements_add(cw_request *req, cw_response *res);
int cw_api_badge_credentials_issue(cw_request *req, cw_response *res);
int cw_api_badge_credential_revoke(cw_request *req, cw_response *res);
/* api_case_admin.c */
int cw_api_case_import(cw_request *req, cw_response *res);
int cw_api_case_mirrors_list(cw_request *req, cw_response *res);
int cw_api_case_mirrors_add(cw_request *req, cw_response *res);
int cw_api_case_mirror_run(cw_request *req, cw_response *res);
int cw_api_case_mirror_delete(cw_request *req, cw_response *res);

/* paging.c */
/** X-Total-Count and Link (first, prev, next, last) for a page at offset of
 *  limit rows out of total; links keep sort, orderBy, filter and fields. */
int cw_api_paging_headers(cw_response *res, const cw_request *req,
                          const char *origin, long total, long offset,
                          long limit);

/* api_oneroster.c: OneRoster 1.2 rostering (read) */
/** "http://host" (or https behind a proxy that says so) for hrefs. */
void cw_api_origin(const cw_request *req, char out[300]);
int cw_api_or_list_academic_sessions(cw_request *req, cw_response *res);
int cw_api_or_get_academic_sessions(cw_request *req, cw_response *res);
int cw_api_or_list_classes(cw_request *req, cw_response *res);
int cw_api_or_get_classes(cw_request *req, cw_response *res);
int cw_api_or_list_courses(cw_request *req, cw_response *res);
int cw_api_or_get_courses(cw_request *req, cw_response *res);
int cw_api_or_list_demographics(cw_request *req, cw_response *res);
int cw_api_or_get_demographics(cw_request *req, cw_response *res);
int cw_api_or_list_enrollments(cw_request *req, cw_response *res);
int cw_api_or_get_enrollments(cw_request *req, cw_response *res);
int cw_api_or_list_grading_periods(cw_request *req, cw_response *res);
int cw_api_or_get_grading_periods(cw_request *req, cw_response *res);
int cw_api_or_list_orgs(cw_request *req, cw_response *res);
int cw_api_or_get_orgs(cw_request *req, cw_response *res);
int cw_api_or_list_schools(cw_request *req, cw_response *res);
int cw_api_or_get_schools(cw_request *req, cw_response *res);
int cw_api_or_list_students(cw_request *req, cw_response *res);
int cw_api_or_get_students(cw_request *req, cw_response *res);
int cw_api_or_list_teachers(cw_request *req, cw_response *res);
int cw_api_or_get_teachers(cw_request *req, cw_response *res);
int cw_api_or_list_terms(cw_request *req, cw_response *res);
int cw_api_or_get_terms(cw_request *req, cw_response *res);
int cw_api_or_list_users(cw_request *req, cw_response *res);
int cw_api_or_get_users(cw_request *req, cw_response *res);
int cw_api_or_class_students(cw_request *req, cw_response *res);
int cw_api_or_class_teachers(cw_request *req, cw_response *res);
int cw_api_or_course_classes(cw_request *req, cw_response *res);
int cw_api_or_school_classes(cw_request *req, cw_response *res);
int cw_api_or_school_courses(cw_request *req, cw_response *res);
int cw_api_or_school_enrollments(cw_request *req, cw_response *res);
int cw_api_or_school_students(cw_request *req, cw_response *res);
int cw_api_or_school_teachers(cw_request *req, cw_response *res);
int cw_api_or_school_terms(cw_request *req, cw_response *res);
int cw_api_or_school_class_enrollments(cw_request *req, cw_response *res);
int cw_api_or_school_class_students(cw_request *req, cw_response *res);
int cw_api_or_school_class_teachers(cw_request *req, cw_response *res);
int cw_api_or_student_classes(cw_request *req, cw_response *res);
int cw_api_or_teacher_classes(cw_request *req, cw_response *res);
int cw_api_or_user_classes(cw_request *req, cw_response *res);
int cw_api_or_term_classes(cw_request *req, cw_response *res);
int cw_api_or_term_grading_periods(cw_request *req, cw_response *res);

/* api_oneroster.c: OneRoster 1.2 gradebook (read) */
int cw_api_or_list_categories(cw_request *req, cw_response *res);
int cw_api_or_get_categories(cw_request *req, cw_response *res);
int cw_api_or_list_line_items(cw_request *req, cw_response *res);
int cw_api_or_get_line_items(cw_request *req, cw_response *res);
int cw_api_or_list_results(cw_request *req, cw_response *res);
int cw_api_or_get_results(cw_request *req, cw_response *res);
int cw_api_or_list_score_scales(cw_request *req, cw_response *res);
int cw_api_or_get_score_scales(cw_request *req, cw_response *res);
int cw_api_or_class_categories(cw_request *req, cw_response *res);
int cw_api_or_class_line_items(cw_request *req, cw_response *res);
int cw_api_or_class_results(cw_request *req, cw_response *res);
int cw_api_or_class_score_scales(cw_request *req, cw_response *res);
int cw_api_or_class_line_item_results(cw_request *req, cw_response *res);
int cw_api_or_class_student_results(cw_request *req, cw_response *res);
int cw_api_or_school_score_scales(cw_request *req, cw_response *res);

/* api_oneroster.c: OneRoster 1.2 resources (read) */
int cw_api_or_list_resources(cw_request *req, cw_response *res);
int cw_api_or_get_resources(cw_request *req, cw_response *res);
int cw_api_or_class_resources(cw_request *req, cw_response *res);
int cw_api_or_course_resources(cw_request *req, cw_response *res);
int cw_api_or_user_resources(cw_request *req, cw_response *res);

/* api_oneroster.c: the assessment results profile (read) */
int cw_api_or_list_assessment_line_items(cw_request *req, cw_response *res);
int cw_api_or_get_assessment_line_items(cw_request *req, cw_response *res);
int cw_api_or_list_assessment_results(cw_request *req, cw_response *res);
int cw_api_or_get_assessment_results(cw_request *req, cw_response *res);

/* api_gradebook.c: OneRoster 1.2 gradebook writes */
int cw_api_or_put_results(cw_request *req, cw_response *res);
int cw_api_or_delete_results(cw_request *req, cw_response *res);
int cw_api_or_put_line_items(cw_request *req, cw_response *res);
int cw_api_or_delete_line_items(cw_request *req, cw_response *res);
int cw_api_or_put_categories(cw_request *req, cw_response *res);
int cw_api_or_delete_categories(cw_request *req, cw_response *res);
int cw_api_or_put_score_scales(cw_request *req, cw_response *res);
int cw_api_or_delete_score_scales(cw_request *req, cw_response *res);
int cw_api_or_post_class_line_items(cw_request *req, cw_response *res);
int cw_api_or_post_school_line_items(cw_request *req, cw_response *res);
int cw_api_or_post_line_item_results(cw_request *req, cw_response *res);
int cw_api_or_post_class_session_results(cw_request *req, cw_response *res);
int cw_api_or_put_assessment_line_items(cw_request *req, cw_response *res);
int cw_api_or_delete_assessment_line_items(cw_request *req, cw_response *res);
int cw_api_or_put_assessment_results(cw_request *req, cw_response *res);
int cw_api_or_delete_assessment_results(cw_request *req, cw_response *res);

#endif
