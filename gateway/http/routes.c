/* The route table: one row per method and path, with the scopes that may call
 * it and the request body it accepts. */
#include "http/api.h"

#include "engine/scope.h"
#include "util/limits.h"

#define ADMIN CW_SCOPE_ADMIN
/* POST /verify: the operator, or a client given this scope */
#define VERIFY          CW_SCOPE_ADMIN " urn:crosswalk:scope:badge.verify"
#define FLOWS           CW_SCOPE_ADMIN " urn:crosswalk:scope:flows"
#define FLOW_BODY       (64L << 20) /* a credential, an image, records */
#define CREDENTIAL_BODY (8L << 20)
#define BATCH_BODY      (8L << 20)   /* a JSON batch of credentials */
#define JSON            (64L * 1024) /* a JSON request body */
#define FORM            CW_LIMIT_FORM_BODY
#define UPLOAD          CW_ROUTE_UPLOAD /* capped by max_upload_bytes */

/* The OB 3.0 API: holders' tokens (CW_ROUTE_HOLDER) with its four scopes. */
#define OB3      "/ims/ob/v3p0"
#define OB3_AS   "/oauth/ob3"
#define OB3_S    "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
#define OB3_CR   OB3_S "credential.readonly"
#define OB3_CU   OB3_S "credential.upsert"
#define OB3_PR   OB3_S "profile.readonly"
#define OB3_PU   OB3_S "profile.update"
#define OB3_BODY (1L << 20) /* one credential */
#define HOLDER   CW_ROUTE_HOLDER

/* OneRoster 1.2 rostering scopes: collections and singletons take the core
 * scope or the full one; nested routes and demographics need their own. */
#define OR12      "https://purl.imsglobal.org/spec/or/v1p2/scope/"
#define OR_RC     OR12 "roster-core.readonly " OR12 "roster.readonly"
#define OR_R      OR12 "roster.readonly"
#define OR_D      OR12 "roster-demographics.readonly"
#define ROSTERING "/ims/oneroster/rostering/v1p2"
#define OR_GC     OR12 "gradebook-core.readonly " OR12 "gradebook.readonly"
#define OR_G      OR12 "gradebook.readonly"
#define OR_GPUT   OR12 "gradebook.createput"
#define OR_GDEL   OR12 "gradebook.delete"
#define OR_GPOST  OR12 "gradebook.createpost"
#define GRADEBOOK "/ims/oneroster/gradebook/v1p2"
#define OR_AR     OR12 "assessment.readonly"
#define OR_APUT   OR12 "assessment.createput"
#define OR_ADEL   OR12 "assessment.delete"
#define OR_SC     OR12 "resource-core.readonly " OR12 "resource.readonly"
#define OR_S      OR12 "resource.readonly"
#define RESOURCES "/ims/oneroster/resources/v1p2"

/* OneRoster 1.1: the same data in the 1.1 binding, one base path. */
#define OR11    "https://purl.imsglobal.org/spec/or/v1p1/scope/"
#define V1_RC   OR11 "roster-core.readonly " OR11 "roster.readonly"
#define V1_R    OR11 "roster.readonly"
#define V1_D    OR11 "roster-demographics.readonly"
#define V1_G    OR11 "gradebook.readonly"
#define V1_S    OR11 "resource.readonly"
#define V1_GPUT OR11 "gradebook.createput"
#define V1_GDEL OR11 "gradebook.delete"
#define V1P1    "/ims/oneroster/v1p1"

/* CASE: the provider takes the CASE Network read scope. */
#define CASE_R                                                                 \
	"http://purl.imsglobal.org/casenetwork/case/v1p0/scope/core.readonly"
#define CASE_ROUTES(base)                                                        \
	{ "GET", base "/CFDocuments", cw_api_case_documents, CASE_R, 0, 0 },     \
	        { "GET",                                                         \
		  base "/CFDocuments/{id}",                                      \
		  cw_api_case_document,                                          \
		  CASE_R,                                                        \
		  0,                                                             \
		  0 },                                                           \
	        { "GET",                                                         \
		  base "/CFPackages/{id}",                                       \
		  cw_api_case_package,                                           \
		  CASE_R,                                                        \
		  0,                                                             \
		  0 },                                                           \
	        { "GET", base "/CFItems/{id}", cw_api_case_item, CASE_R, 0, 0 }, \
	        { "GET",                                                         \
		  base "/CFItemAssociations/{id}",                               \
		  cw_api_case_item_associations,                                 \
		  CASE_R,                                                        \
		  0,                                                             \
		  0 },                                                           \
	        { "GET",                                                         \
		  base "/CFAssociations/{id}",                                   \
		  cw_api_case_association,                                       \
		  CASE_R,                                                        \
		  0,                                                             \
		  0 },                                                           \
	        { "GET",                                                         \
		  base "/CFAssociationGroupings/{id}",                           \
		  cw_api_case_association_grouping,                              \
		  CASE_R,                                                        \
		  0,                                                             \
		  0 },                                                           \
	        { "GET",                                                         \
		  base "/CFConcepts/{id}",                                       \
		  cw_api_case_concept,                                           \
		  CASE_R,                                                        \
		  0,                                                             \
		  0 },                                                           \
	        { "GET",                                                         \
		  base "/CFSubjects/{id}",                                       \
		  cw_api_case_subject,                                           \
		  CASE_R,                                                        \
		  0,                                                             \
		  0 },                                                           \
	        { "GET",                                                         \
		  base "/CFItemTypes/{id}",                                      \
		  cw_api_case_item_type,                                         \
		  CASE_R,                                                        \
		  0,                                                             \
		  0 },                                                           \
	        { "GET",                                                         \
		  base "/CFLicenses/{id}",                                       \
		  cw_api_case_license,                                           \
		  CASE_R,                                                        \
		  0,                                                             \
		  0 },                                                           \
	{                                                                        \
		"GET", base "/CFRubrics/{id}", cw_api_case_rubric, CASE_R, 0,    \
		        0                                                        \
	}

/* clang-format off */
const cw_route cw_routes[] = {
	/* method   path                                    handler                       scopes body  flags */
	{ "GET",    "/healthz",                             cw_api_healthz,               NULL,  0,    0 },
	{ "GET",    "/readyz",                              cw_api_readyz,                NULL,  0,    0 },
	{ "GET",    "/metrics",                             cw_api_metrics,               NULL,  0,    0 },
	{ "GET",    "/openapi.json",                        cw_api_openapi,               NULL,  0,    0 },
	{ "POST",   "/oauth/token",                         cw_api_oauth_token,           NULL,  FORM, 0 },
	{ "GET",    "/admin/v1/tenants",                    cw_api_admin_tenants_list,    ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/tenants",                    cw_api_admin_tenants_add,     ADMIN, JSON, 0 },
	{ "GET",    "/admin/v1/clients",                    cw_api_admin_clients_list,    ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/clients",                    cw_api_admin_clients_add,     ADMIN, JSON, 0 },
	{ "DELETE", "/admin/v1/clients/{id}",               cw_api_admin_clients_revoke,  ADMIN, 0,    0 },
	{ "GET",    "/admin/v1/audit",                      cw_api_admin_audit_list,      ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/roster/imports",             cw_api_roster_import_start,   ADMIN, 0,    UPLOAD },
	{ "GET",    "/admin/v1/roster/imports/{id}",        cw_api_roster_import_status,  ADMIN, 0,    0 },
	{ "GET",    "/admin/v1/jobs",                       cw_api_jobs_list,             ADMIN, 0,    0 },
	{ "GET",    "/admin/v1/jobs/{id}",                  cw_api_job_show,              ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/roster/imports/{id}/approve", cw_api_roster_import_approve, ADMIN, 0,   0 },
	{ "GET",    "/admin/v1/sync/connections",           cw_api_sync_connections_list, ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/sync/connections",           cw_api_sync_connections_add,  ADMIN, JSON, 0 },
	{ "GET",    "/admin/v1/sync/connections/{name}",    cw_api_sync_connection_show,  ADMIN, 0,    0 },
	{ "PATCH",  "/admin/v1/sync/connections/{name}",    cw_api_sync_connection_update, ADMIN, JSON, 0 },
	{ "DELETE", "/admin/v1/sync/connections/{name}",    cw_api_sync_connection_delete, ADMIN, 0,   0 },
	{ "POST",   "/admin/v1/sync/connections/{name}/run", cw_api_sync_connection_run,  ADMIN, 0,    0 },
	{ "GET",    "/admin/v1/sync/connections/{name}/runs", cw_api_sync_runs_list,      ADMIN, 0,    0 },
	{ "GET",    "/admin/v1/sync/connections/{name}/runs/{id}", cw_api_sync_run_show,  ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/sync/connections/{name}/runs/{id}/approve", cw_api_sync_run_approve, ADMIN, 0, 0 },
	{ "POST",   "/admin/v1/case/imports",               cw_api_case_import,           ADMIN, 0,    UPLOAD },
	{ "GET",    "/admin/v1/case/mirrors",               cw_api_case_mirrors_list,     ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/case/mirrors",               cw_api_case_mirrors_add,      ADMIN, JSON, 0 },
	{ "POST",   "/admin/v1/case/mirrors/{id}/run",      cw_api_case_mirror_run,       ADMIN, 0,    0 },
	{ "DELETE", "/admin/v1/case/mirrors/{id}",          cw_api_case_mirror_delete,    ADMIN, 0,    0 },
	{ "GET",    "/admin/v1/badges/issuers",             cw_api_badge_issuers_list,    ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/badges/issuers",             cw_api_badge_issuers_add,     ADMIN, JSON, 0 },
	{ "POST",   "/admin/v1/badges/issuers/{id}/achievements", cw_api_badge_achievements_add, ADMIN, JSON, 0 },
	{ "POST",   "/admin/v1/badges/credentials",         cw_api_badge_credentials_issue, ADMIN, JSON, 0 },
	{ "POST",   "/admin/v1/badges/credentials/{id}/revoke", cw_api_badge_credential_revoke, ADMIN, JSON, 0 },
	{ "GET",    "/admin/v1/badges/holders",             cw_api_ob3_holders_list,      ADMIN, 0,    0 },
	{ "POST",   "/admin/v1/badges/holders",             cw_api_ob3_holders_add,       ADMIN, JSON, 0 },
	/* the OB 3.0 API: its authorization server (public), its resources */
	{ "POST",   OB3_AS "/register",                     cw_api_ob3_register,          NULL,  JSON, 0 },
	{ "GET",    OB3_AS "/authorize",                    cw_api_ob3_authorize_form,    NULL,  0,    0 },
	{ "POST",   OB3_AS "/authorize",                    cw_api_ob3_authorize_answer,  NULL,  FORM, 0 },
	{ "POST",   OB3_AS "/token",                        cw_api_ob3_token,             NULL,  FORM, 0 },
	{ "POST",   OB3_AS "/revoke",                       cw_api_ob3_revoke,            NULL,  FORM, 0 },
	{ "GET",    OB3 "/discovery",                       cw_api_ob3_discovery,         NULL,  0,    0 },
	{ "GET",    OB3 "/credentials",                     cw_api_ob3_credentials_list,  OB3_CR, 0,   HOLDER },
	{ "POST",   OB3 "/credentials",                     cw_api_ob3_credentials_upsert, OB3_CU, OB3_BODY, HOLDER },
	{ "GET",    OB3 "/profile",                         cw_api_ob3_profile_get,       OB3_PR, 0,   HOLDER },
	{ "PUT",    OB3 "/profile",                         cw_api_ob3_profile_put,       OB3_PU, JSON, HOLDER },
	/* OB 3.0 1.0 wrote postProfile: POST, the same update */
	{ "POST",   OB3 "/profile",                         cw_api_ob3_profile_put,       OB3_PU, JSON, HOLDER },
	{ "POST",   "/admin/v1/badges/issuers/{id}/rotate-key", cw_api_badge_issuer_rotate, ADMIN, JSON, 0 },
	{ "POST",   "/admin/v1/badges/credentials/batch",   cw_api_badge_credentials_batch, ADMIN, BATCH_BODY, 0 },
	{ "GET",    "/admin/v1/badges/issuers/{id}/status-list", cw_api_badge_status_list_admin, ADMIN, 0, 0 },
	CASE_ROUTES("/ims/case/v1p0"),
	CASE_ROUTES("/ims/case/v1p1"),
	{ "GET",    "/ims/case/v1p1/discovery/imscasev1p1_openapi3_v1p0.json", cw_api_case_discovery, NULL, 0, 0 },
	{ "GET",    "/crosswalk/v1/case/items/{id}/matches", cw_api_case_crosswalk, CASE_R, 0, 0 },
	{ "GET",    "/crosswalk/v1/roster/changes",         cw_api_roster_changes,        OR_R " " V1_R, 0, 0 },
	/* what verifiers of issued badges fetch: public */
	{ "GET",    "/badges/{tenant}/issuers/{id}",        cw_api_badge_issuer_keys,     NULL,  0,    0 },
	{ "GET",    "/badges/{tenant}/issuers/{id}/status/revocation", cw_api_badge_status_list, NULL, 0, 0 },
	{ "GET",    "/badges/{tenant}/issuers/{id}/status/revocation/{n}", cw_api_badge_status_list_n, NULL, 0, 0 },
	{ "GET",    "/badges/{tenant}/issuers/{id}/revocations", cw_api_badge_revocation_list, NULL, 0, 0 },
	{ "GET",    "/badges/{tenant}/issuers/{id}/did.json", cw_api_badge_did_document, NULL, 0, 0 },
	{ "GET",    "/badges/{tenant}/issuers/{id}/ob2",    cw_api_badge_ob2_profile,     NULL,  0,    0 },
	{ "GET",    "/badges/{tenant}/issuers/{id}/ob2/keys/{kid}", cw_api_badge_ob2_key, NULL, 0, 0 },
	{ "GET",    "/badges/{tenant}/issuers/{id}/ob2/revocations", cw_api_badge_ob2_revocations, NULL, 0, 0 },
	{ "GET",    "/badges/{tenant}/assertions/{id}",     cw_api_badge_ob2_assertion,   NULL,  0,    0 },
	{ "GET",    "/badges/{tenant}/badgeclasses/{id}",   cw_api_badge_ob2_badgeclass,  NULL,  0,    0 },
	{ "POST",   "/verify",                              cw_api_badge_verify,          VERIFY, CREDENTIAL_BODY, 0 },
	/* the CBE flows: runs, dead letters, replays */
	{ "POST",   "/crosswalk/v1/flows/{flow}/runs",      cw_api_flow_run,              FLOWS, FLOW_BODY, 0 },
	{ "GET",    "/crosswalk/v1/flows/runs",             cw_api_flow_runs,             FLOWS, 0,    0 },
	{ "GET",    "/crosswalk/v1/flows/runs/{id}",        cw_api_flow_run_get,          FLOWS, 0,    0 },
	{ "GET",    "/crosswalk/v1/flows/jobs/{id}",        cw_api_flow_job_show,         FLOWS, 0,    0 },
	{ "POST",   "/crosswalk/v1/flows/runs/{id}/replay", cw_api_flow_replay,           FLOWS, 0,    0 },
	{ "GET",    ROSTERING "/academicSessions", cw_api_or_list_academic_sessions, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/academicSessions/{id}", cw_api_or_get_academic_sessions, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/classes", cw_api_or_list_classes, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/classes/{id}", cw_api_or_get_classes, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/courses", cw_api_or_list_courses, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/courses/{id}", cw_api_or_get_courses, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/demographics", cw_api_or_list_demographics, OR_D, 0, 0 },
	{ "GET",    ROSTERING "/demographics/{id}", cw_api_or_get_demographics, OR_D, 0, 0 },
	{ "GET",    ROSTERING "/enrollments", cw_api_or_list_enrollments, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/enrollments/{id}", cw_api_or_get_enrollments, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/gradingPeriods", cw_api_or_list_grading_periods, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/gradingPeriods/{id}", cw_api_or_get_grading_periods, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/orgs", cw_api_or_list_orgs, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/orgs/{id}", cw_api_or_get_orgs, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/schools", cw_api_or_list_schools, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/schools/{id}", cw_api_or_get_schools, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/students", cw_api_or_list_students, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/students/{id}", cw_api_or_get_students, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/teachers", cw_api_or_list_teachers, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/teachers/{id}", cw_api_or_get_teachers, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/terms", cw_api_or_list_terms, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/terms/{id}", cw_api_or_get_terms, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/users", cw_api_or_list_users, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/users/{id}", cw_api_or_get_users, OR_RC, 0, 0 },
	{ "GET",    ROSTERING "/classes/{id}/students", cw_api_or_class_students, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/classes/{id}/teachers", cw_api_or_class_teachers, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/courses/{id}/classes", cw_api_or_course_classes, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/schools/{id}/classes", cw_api_or_school_classes, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/schools/{id}/courses", cw_api_or_school_courses, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/schools/{id}/enrollments", cw_api_or_school_enrollments, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/schools/{id}/students", cw_api_or_school_students, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/schools/{id}/teachers", cw_api_or_school_teachers, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/schools/{id}/terms", cw_api_or_school_terms, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/schools/{id}/classes/{class_id}/enrollments", cw_api_or_school_class_enrollments, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/schools/{id}/classes/{class_id}/students", cw_api_or_school_class_students, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/schools/{id}/classes/{class_id}/teachers", cw_api_or_school_class_teachers, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/students/{id}/classes", cw_api_or_student_classes, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/teachers/{id}/classes", cw_api_or_teacher_classes, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/users/{id}/classes", cw_api_or_user_classes, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/terms/{id}/classes", cw_api_or_term_classes, OR_R, 0, 0 },
	{ "GET",    ROSTERING "/terms/{id}/gradingPeriods", cw_api_or_term_grading_periods, OR_R, 0, 0 },
	{ "GET",    GRADEBOOK "/categories", cw_api_or_list_categories, OR_GC, 0, 0 },
	{ "GET",    GRADEBOOK "/categories/{id}", cw_api_or_get_categories, OR_GC, 0, 0 },
	{ "GET",    GRADEBOOK "/lineItems", cw_api_or_list_line_items, OR_GC, 0, 0 },
	{ "GET",    GRADEBOOK "/lineItems/{id}", cw_api_or_get_line_items, OR_GC, 0, 0 },
	{ "GET",    GRADEBOOK "/results", cw_api_or_list_results, OR_GC, 0, 0 },
	{ "GET",    GRADEBOOK "/results/{id}", cw_api_or_get_results, OR_GC, 0, 0 },
	{ "GET",    GRADEBOOK "/scoreScales", cw_api_or_list_score_scales, OR_GC, 0, 0 },
	{ "GET",    GRADEBOOK "/scoreScales/{id}", cw_api_or_get_score_scales, OR_GC, 0, 0 },
	{ "GET",    GRADEBOOK "/classes/{id}/categories", cw_api_or_class_categories, OR_G, 0, 0 },
	{ "GET",    GRADEBOOK "/classes/{id}/lineItems", cw_api_or_class_line_items, OR_G, 0, 0 },
	{ "GET",    GRADEBOOK "/classes/{id}/results", cw_api_or_class_results, OR_G, 0, 0 },
	{ "GET",    GRADEBOOK "/classes/{id}/scoreScales", cw_api_or_class_score_scales, OR_G, 0, 0 },
	{ "GET",    GRADEBOOK "/classes/{id}/lineItems/{line_item_id}/results", cw_api_or_class_line_item_results, OR_G, 0, 0 },
	{ "GET",    GRADEBOOK "/classes/{id}/students/{student_id}/results", cw_api_or_class_student_results, OR_G, 0, 0 },
	{ "GET",    GRADEBOOK "/schools/{id}/scoreScales", cw_api_or_school_score_scales, OR_G, 0, 0 },
	{ "GET",    RESOURCES "/resources", cw_api_or_list_resources, OR_SC, 0, 0 },
	{ "GET",    RESOURCES "/resources/{id}", cw_api_or_get_resources, OR_SC, 0, 0 },
	{ "GET",    RESOURCES "/classes/{id}/resources", cw_api_or_class_resources, OR_S, 0, 0 },
	{ "GET",    RESOURCES "/courses/{id}/resources", cw_api_or_course_resources, OR_S, 0, 0 },
	{ "GET",    RESOURCES "/users/{id}/resources", cw_api_or_user_resources, OR_S, 0, 0 },
	{ "PUT",    GRADEBOOK "/results/{id}", cw_api_or_put_results, OR_GPUT, JSON, 0 },
	{ "DELETE", GRADEBOOK "/results/{id}", cw_api_or_delete_results, OR_GDEL, 0, 0 },
	{ "PUT",    GRADEBOOK "/lineItems/{id}", cw_api_or_put_line_items, OR_GPUT, JSON, 0 },
	{ "DELETE", GRADEBOOK "/lineItems/{id}", cw_api_or_delete_line_items, OR_GDEL, 0, 0 },
	{ "POST",   GRADEBOOK "/classes/{id}/lineItems", cw_api_or_post_class_line_items, OR_GPOST, JSON, 0 },
	{ "POST",   GRADEBOOK "/schools/{id}/lineItems", cw_api_or_post_school_line_items, OR_GPOST, JSON, 0 },
	{ "POST",   GRADEBOOK "/lineItems/{id}/results", cw_api_or_post_line_item_results, OR_GPOST, JSON, 0 },
	{ "POST",   GRADEBOOK "/classes/{id}/academicSessions/{academic_session_id}/results", cw_api_or_post_class_session_results, OR_GPOST, JSON, 0 },
	{ "PUT",    GRADEBOOK "/categories/{id}", cw_api_or_put_categories, OR_GPUT, JSON, 0 },
	{ "DELETE", GRADEBOOK "/categories/{id}", cw_api_or_delete_categories, OR_GDEL, 0, 0 },
	{ "PUT",    GRADEBOOK "/scoreScales/{id}", cw_api_or_put_score_scales, OR_GPUT, JSON, 0 },
	{ "DELETE", GRADEBOOK "/scoreScales/{id}", cw_api_or_delete_score_scales, OR_GDEL, 0, 0 },
	{ "GET",    GRADEBOOK "/assessmentLineItems", cw_api_or_list_assessment_line_items, OR_AR, 0, 0 },
	{ "GET",    GRADEBOOK "/assessmentLineItems/{id}", cw_api_or_get_assessment_line_items, OR_AR, 0, 0 },
	{ "PUT",    GRADEBOOK "/assessmentLineItems/{id}", cw_api_or_put_assessment_line_items, OR_APUT, JSON, 0 },
	{ "DELETE", GRADEBOOK "/assessmentLineItems/{id}", cw_api_or_delete_assessment_line_items, OR_ADEL, 0, 0 },
	{ "GET",    GRADEBOOK "/assessmentResults", cw_api_or_list_assessment_results, OR_AR, 0, 0 },
	{ "GET",    GRADEBOOK "/assessmentResults/{id}", cw_api_or_get_assessment_results, OR_AR, 0, 0 },
	{ "PUT",    GRADEBOOK "/assessmentResults/{id}", cw_api_or_put_assessment_results, OR_APUT, JSON, 0 },
	{ "DELETE", GRADEBOOK "/assessmentResults/{id}", cw_api_or_delete_assessment_results, OR_ADEL, 0, 0 },
	{ "GET",    V1P1 "/academicSessions", cw_api_or_list_academic_sessions, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/academicSessions/{id}", cw_api_or_get_academic_sessions, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/classes", cw_api_or_list_classes, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/classes/{id}", cw_api_or_get_classes, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/courses", cw_api_or_list_courses, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/courses/{id}", cw_api_or_get_courses, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/demographics", cw_api_or_list_demographics, V1_D, 0, 0 },
	{ "GET",    V1P1 "/demographics/{id}", cw_api_or_get_demographics, V1_D, 0, 0 },
	{ "GET",    V1P1 "/enrollments", cw_api_or_list_enrollments, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/enrollments/{id}", cw_api_or_get_enrollments, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/gradingPeriods", cw_api_or_list_grading_periods, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/gradingPeriods/{id}", cw_api_or_get_grading_periods, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/orgs", cw_api_or_list_orgs, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/orgs/{id}", cw_api_or_get_orgs, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/schools", cw_api_or_list_schools, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/schools/{id}", cw_api_or_get_schools, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/students", cw_api_or_list_students, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/students/{id}", cw_api_or_get_students, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/teachers", cw_api_or_list_teachers, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/teachers/{id}", cw_api_or_get_teachers, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/terms", cw_api_or_list_terms, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/terms/{id}", cw_api_or_get_terms, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/users", cw_api_or_list_users, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/users/{id}", cw_api_or_get_users, V1_RC, 0, 0 },
	{ "GET",    V1P1 "/categories", cw_api_or_list_categories, V1_G, 0, 0 },
	{ "GET",    V1P1 "/categories/{id}", cw_api_or_get_categories, V1_G, 0, 0 },
	{ "GET",    V1P1 "/lineItems", cw_api_or_list_line_items, V1_G, 0, 0 },
	{ "GET",    V1P1 "/lineItems/{id}", cw_api_or_get_line_items, V1_G, 0, 0 },
	{ "GET",    V1P1 "/results", cw_api_or_list_results, V1_G, 0, 0 },
	{ "GET",    V1P1 "/results/{id}", cw_api_or_get_results, V1_G, 0, 0 },
	{ "GET",    V1P1 "/resources", cw_api_or_list_resources, V1_S, 0, 0 },
	{ "GET",    V1P1 "/resources/{id}", cw_api_or_get_resources, V1_S, 0, 0 },
	{ "GET",    V1P1 "/classes/{id}/students", cw_api_or_class_students, V1_R, 0, 0 },
	{ "GET",    V1P1 "/classes/{id}/teachers", cw_api_or_class_teachers, V1_R, 0, 0 },
	{ "GET",    V1P1 "/courses/{id}/classes", cw_api_or_course_classes, V1_R, 0, 0 },
	{ "GET",    V1P1 "/schools/{id}/classes", cw_api_or_school_classes, V1_R, 0, 0 },
	{ "GET",    V1P1 "/schools/{id}/courses", cw_api_or_school_courses, V1_R, 0, 0 },
	{ "GET",    V1P1 "/schools/{id}/enrollments", cw_api_or_school_enrollments, V1_R, 0, 0 },
	{ "GET",    V1P1 "/schools/{id}/students", cw_api_or_school_students, V1_R, 0, 0 },
	{ "GET",    V1P1 "/schools/{id}/teachers", cw_api_or_school_teachers, V1_R, 0, 0 },
	{ "GET",    V1P1 "/schools/{id}/terms", cw_api_or_school_terms, V1_R, 0, 0 },
	{ "GET",    V1P1 "/schools/{id}/classes/{class_id}/enrollments", cw_api_or_school_class_enrollments, V1_R, 0, 0 },
	{ "GET",    V1P1 "/schools/{id}/classes/{class_id}/students", cw_api_or_school_class_students, V1_R, 0, 0 },
	{ "GET",    V1P1 "/schools/{id}/classes/{class_id}/teachers", cw_api_or_school_class_teachers, V1_R, 0, 0 },
	{ "GET",    V1P1 "/students/{id}/classes", cw_api_or_student_classes, V1_R, 0, 0 },
	{ "GET",    V1P1 "/teachers/{id}/classes", cw_api_or_teacher_classes, V1_R, 0, 0 },
	{ "GET",    V1P1 "/users/{id}/classes", cw_api_or_user_classes, V1_R, 0, 0 },
	{ "GET",    V1P1 "/terms/{id}/classes", cw_api_or_term_classes, V1_R, 0, 0 },
	{ "GET",    V1P1 "/terms/{id}/gradingPeriods", cw_api_or_term_grading_periods, V1_R, 0, 0 },
	{ "GET",    V1P1 "/classes/{id}/lineItems", cw_api_or_class_line_items, V1_G, 0, 0 },
	{ "GET",    V1P1 "/classes/{id}/results", cw_api_or_class_results, V1_G, 0, 0 },
	{ "GET",    V1P1 "/classes/{id}/lineItems/{line_item_id}/results", cw_api_or_class_line_item_results, V1_G, 0, 0 },
	{ "GET",    V1P1 "/classes/{id}/students/{student_id}/results", cw_api_or_class_student_results, V1_G, 0, 0 },
	{ "GET",    V1P1 "/classes/{id}/resources", cw_api_or_class_resources, V1_S, 0, 0 },
	{ "GET",    V1P1 "/courses/{id}/resources", cw_api_or_course_resources, V1_S, 0, 0 },
	{ "GET",    V1P1 "/users/{id}/resources", cw_api_or_user_resources, V1_S, 0, 0 },
	{ "PUT",    V1P1 "/categories/{id}", cw_api_or_put_categories, V1_GPUT, JSON, 0 },
	{ "DELETE", V1P1 "/categories/{id}", cw_api_or_delete_categories, V1_GDEL, 0, 0 },
	{ "PUT",    V1P1 "/lineItems/{id}", cw_api_or_put_line_items, V1_GPUT, JSON, 0 },
	{ "DELETE", V1P1 "/lineItems/{id}", cw_api_or_delete_line_items, V1_GDEL, 0, 0 },
	{ "PUT",    V1P1 "/results/{id}", cw_api_or_put_results, V1_GPUT, JSON, 0 },
	{ "DELETE", V1P1 "/results/{id}", cw_api_or_delete_results, V1_GDEL, 0, 0 },
};
/* clang-format on */

const size_t cw_route_count = sizeof(cw_routes) / sizeof(cw_routes[0]);
