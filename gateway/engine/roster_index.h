/* A tenant's roster in memory, for the REST provider: every row in
 * sourcedId order (so a page at any offset costs the same), the subsets the
 * API names (schools, terms, students …) and the links its nested routes
 * follow (a user's roles, a class's enrollments …). Built from the store in
 * one pass; read-only once built, so any number of threads may read it.
 * The cache hands out the index of a tenant and builds it again when the
 * tenant's change log has moved on. */
#ifndef CW_ENGINE_ROSTER_INDEX_H
#define CW_ENGINE_ROSTER_INDEX_H

#include "roster/schema.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *id;     /* sourcedId */
	const char *stored; /* fields in their stored form (roster/fields.h) */
	int64_t modified_ms;
} cw_ri_row;

/** A list of rows: an entity, a subset, or the rows a link leads to. */
typedef struct {
	const cw_ri_row *const *rows;
	size_t count;
} cw_ri_list;

typedef enum {
	CW_RI_ALL,             /* every row of the entity */
	CW_RI_SCHOOLS,         /* orgs of type school */
	CW_RI_TERMS,           /* academicSessions of type term */
	CW_RI_GRADING_PERIODS, /* academicSessions of type gradingPeriod */
	CW_RI_STUDENTS,        /* users with a role student */
	CW_RI_TEACHERS,        /* users with a role teacher */
	CW_RI_SUBSET_COUNT
} cw_ri_subset;

/** Links from a row id to the rows that name it. */
typedef enum {
	CW_RI_ROLES_BY_USER,           /* roles.userSourcedId */
	CW_RI_ROLES_BY_ORG,            /* roles.orgSourcedId */
	CW_RI_ENROLLMENTS_BY_CLASS,    /* enrollments.classSourcedId */
	CW_RI_ENROLLMENTS_BY_USER,     /* enrollments.userSourcedId */
	CW_RI_ENROLLMENTS_BY_SCHOOL,   /* enrollments.schoolSourcedId */
	CW_RI_CLASSES_BY_SCHOOL,       /* classes.schoolSourcedId */
	CW_RI_CLASSES_BY_COURSE,       /* classes.courseSourcedId */
	CW_RI_CLASSES_BY_TERM,         /* classes.termSourcedIds */
	CW_RI_COURSES_BY_ORG,          /* courses.orgSourcedId */
	CW_RI_SESSIONS_BY_PARENT,      /* academicSessions.parentSourcedId */
	CW_RI_LINE_ITEMS_BY_CLASS,     /* lineItems.classSourcedId */
	CW_RI_RESULTS_BY_LINE_ITEM,    /* results.lineItemSourcedId */
	CW_RI_RESULTS_BY_STUDENT,      /* results.studentSourcedId */
	CW_RI_SCALES_BY_CLASS,         /* scoreScales.classSourcedId */
	CW_RI_SCALES_BY_ORG,           /* scoreScales.orgSourcedId */
	CW_RI_OBJECTIVES_BY_LINE_ITEM, /* lineItemLearningObjectiveIds */
	CW_RI_SCALES_BY_LINE_ITEM,     /* lineItemScoreScales */
	CW_RI_OBJECTIVES_BY_RESULT,    /* resultLearningObjectiveIds */
	CW_RI_SCALES_BY_RESULT,        /* resultScoreScales */
	CW_RI_RESOURCES_BY_CLASS,      /* classResources.classSourcedId */
	CW_RI_RESOURCES_BY_COURSE,     /* courseResources.courseSourcedId */
	CW_RI_RESOURCES_BY_USER,       /* userResources.userSourcedId */
	CW_RI_OBJECTIVES_BY_ASSESSMENT_LINE_ITEM, /* assessmentLineItem… */
	CW_RI_OBJECTIVES_BY_ASSESSMENT_RESULT,    /* assessmentResult… */
	CW_RI_LINK_COUNT
} cw_ri_link;

typedef struct cw_roster_index cw_roster_index;

/** Reads every row of the tenant into a new index. */
int cw_roster_index_build(cw_roster_index **out, cw_store *store,
                          int64_t tenant_id);
void cw_roster_index_free(cw_roster_index *ix);

cw_ri_list cw_roster_index_list(const cw_roster_index *ix, cw_or_entity e,
                                cw_ri_subset subset);
/** The row of entity e with sourcedId id, or NULL. */
const cw_ri_row *cw_roster_index_find(const cw_roster_index *ix, cw_or_entity e,
                                      const char *id);
/** The rows whose link column names id, in their sourcedId order. */
cw_ri_list cw_roster_index_linked(const cw_roster_index *ix, cw_ri_link link,
                                  const char *id);
/** Rows and bytes held, for logs and benchmarks. */
size_t cw_roster_index_rows(const cw_roster_index *ix);
size_t cw_roster_index_bytes(const cw_roster_index *ix);

/* ---- the cache: one index per tenant ------------------------------------- */

typedef struct cw_roster_cache cw_roster_cache;

/** recheck_ms: how often a tenant's change log is asked whether it moved. */
int cw_roster_cache_new(cw_roster_cache **out, cw_store *store,
                        long recheck_ms);
void cw_roster_cache_free(cw_roster_cache *cache);
/**
 * The tenant's index, built or rebuilt when needed; hold it until
 * cw_roster_cache_release. Concurrent callers share one build.
 */
int cw_roster_cache_get(cw_roster_cache *cache, int64_t tenant_id,
                        const cw_roster_index **out);
void cw_roster_cache_release(cw_roster_cache *cache, const cw_roster_index *ix);
/**
 * The tenant's index as it stands, however old, without asking the change
 * log or building (NULL when there is none yet); release it as any.
 */
const cw_roster_index *cw_roster_cache_peek(cw_roster_cache *cache,
                                            int64_t tenant_id);
/** The next get asks the change log at once (after a write). */
void cw_roster_cache_invalidate(cw_roster_cache *cache, int64_t tenant_id);

#endif
