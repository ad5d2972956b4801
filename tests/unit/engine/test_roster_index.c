/* The in-memory roster index over a real SQLite store: rows in sourcedId
 * order, subsets, links read from stored arrays (nulls, lists, escapes and
 * metadata on the way), and the cache noticing a change. */
#include "engine/roster_index.h"
#include "store/store.h"
#include "unit/tmpdir.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_roster_index(void);

static char dir[256];
static cw_store *store;
static cw_tenant tenant;

static int apply(const cw_roster_counts *counts, void *payload)
{
	(void)counts;
	(void)payload;
	return 1;
}

/* Puts rows (entity, id, stored fields; NULL entity-id ends) in one
 * import. */
typedef struct {
	int entity;
	const char *id, *fields;
} row;

static void put_rows(const row *rows)
{
	cw_store_import *imp = NULL;
	cw_import_policy policy = { NULL, NULL, 0, NULL, apply, NULL, NULL };
	cw_roster_counts counts[CW_STORE_ROSTER_ENTITIES];
	int64_t import_id;
	int applied = 0;

	ck_assert_int_eq(cw_store_import_create(store, tenant.id,
	                                        "2026-01-01T00:00:00.000Z", "t",
	                                        &import_id),
	                 0);
	ck_assert_int_eq(cw_store_import_begin(&imp, store, tenant.id,
	                                       "2026-01-01T00:00:00.000Z",
	                                       import_id),
	                 0);
	for (const row *r = rows; r->id; r++) {
		cw_roster_record rec = { r->entity, r->id,     "active",
			                 "",        r->fields, 0 };
		ck_assert_int_eq(cw_store_import_put(imp, &rec), 0);
	}
	ck_assert_int_eq(
	        cw_store_import_commit(imp, 0, &policy, counts, &applied), 0);
	ck_assert_int_eq(applied, 1);
	cw_store_import_end(imp);
}

static void setup(void)
{
	int applied;

	cw_test_tmpdir(dir);
	ck_assert_int_eq(cw_store_open(&store, "sqlite", dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
	ck_assert_int_eq(cw_store_tenant_add(store, "d1", &tenant), 0);
}

static void teardown(void)
{
	cw_store_free(store);
	cw_test_rmtree(dir);
}

static const row district[] = {
	{ CW_OR_ORGS, "dst", "[\"District\",\"district\"]" },
	{ CW_OR_ORGS, "sch",
	  "[\"School, \\\"the\\\" one\",\"school\",null,"
	  "\"dst\"]" },
	{ CW_OR_ACADEMIC_SESSIONS, "t1",
	  "[\"Fall\",\"term\",\"2024-08-01\",\"2024-12-20\"]" },
	{ CW_OR_ACADEMIC_SESSIONS, "t2",
	  "[\"Spring\",\"term\",\"2025-01-01\",\"2025-06-01\"]" },
	/* title, grades, course, classCode, classType, location, school,
	 * terms, …, then metadata */
	{ CW_OR_CLASSES, "k",
	  "[\"Math\",[\"09\",\"10\"],\"c\",null,\"scheduled\",null,\"sch\","
	  "[\"t1\",\"t2\"],null,null,null,{\"x\":\"[\\\"sch\\\"]\"}]" },
	{ CW_OR_USERS, "u2", "[\"true\",\"u2\"]" },
	{ CW_OR_USERS, "u1", "[\"true\",\"u1\"]" },
	/* user, roleType, role, beginDate, endDate, org */
	{ CW_OR_ROLES, "r1",
	  "[\"u1\",\"primary\",\"student\",null,null,\"sch\"]" },
	{ CW_OR_ROLES, "r2",
	  "[\"u2\",\"primary\",\"teacher\",null,null,\"sch\"]" },
	/* class, school, user, role */
	{ CW_OR_ENROLLMENTS, "e1", "[\"k\",\"sch\",\"u1\",\"student\"]" },
	{ CW_OR_ENROLLMENTS, "e2", "[\"k\",\"sch\",\"u2\",\"teacher\"]" },
	{ 0, NULL, NULL },
};

START_TEST(rows_subsets_and_links)
{
	cw_roster_index *ix = NULL;
	cw_ri_list l;

	put_rows(district);
	ck_assert_int_eq(cw_roster_index_build(&ix, store, tenant.id), 0);
	ck_assert_uint_eq(cw_roster_index_rows(ix), 11);
	l = cw_roster_index_list(ix, CW_OR_USERS, CW_RI_ALL);
	ck_assert_uint_eq(l.count, 2);
	ck_assert_str_eq(l.rows[0]->id, "u1"); /* sourcedId order */
	ck_assert_ptr_nonnull(cw_roster_index_find(ix, CW_OR_CLASSES, "k"));
	ck_assert_ptr_null(cw_roster_index_find(ix, CW_OR_CLASSES, "nope"));

	l = cw_roster_index_list(ix, CW_OR_ORGS, CW_RI_SCHOOLS);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_str_eq(l.rows[0]->id, "sch");
	ck_assert_uint_eq(
	        cw_roster_index_list(ix, CW_OR_ACADEMIC_SESSIONS, CW_RI_TERMS)
	                .count,
	        2);
	l = cw_roster_index_list(ix, CW_OR_USERS, CW_RI_STUDENTS);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_str_eq(l.rows[0]->id, "u1");
	l = cw_roster_index_list(ix, CW_OR_USERS, CW_RI_TEACHERS);
	ck_assert_str_eq(l.rows[0]->id, "u2");

	/* The school after a null and an escaped title; both terms. */
	l = cw_roster_index_linked(ix, CW_RI_CLASSES_BY_SCHOOL, "sch");
	ck_assert_uint_eq(l.count, 1);
	ck_assert_str_eq(l.rows[0]->id, "k");
	ck_assert_uint_eq(
	        cw_roster_index_linked(ix, CW_RI_CLASSES_BY_TERM, "t2").count,
	        1);
	ck_assert_uint_eq(
	        cw_roster_index_linked(ix, CW_RI_ENROLLMENTS_BY_CLASS, "k")
	                .count,
	        2);
	l = cw_roster_index_linked(ix, CW_RI_ROLES_BY_USER, "u2");
	ck_assert_uint_eq(l.count, 1);
	ck_assert_str_eq(l.rows[0]->id, "r2");
	ck_assert_uint_eq(
	        cw_roster_index_linked(ix, CW_RI_ROLES_BY_USER, "u").count, 0);
	ck_assert_uint_eq(
	        cw_roster_index_linked(ix, CW_RI_ROLES_BY_ORG, "sch").count, 2);
	ck_assert_uint_gt(cw_roster_index_bytes(ix), 0);
	cw_roster_index_free(ix);
}
END_TEST

START_TEST(the_cache_sees_changes)
{
	static const row more[] = {
		{ CW_OR_USERS, "u3", "[\"true\",\"u3\"]" },
		{ 0, NULL, NULL },
	};
	cw_roster_cache *cache = NULL;
	const cw_roster_index *a = NULL, *b = NULL, *c = NULL;

	put_rows(district);
	ck_assert_int_eq(cw_roster_cache_new(&cache, store, 0), 0);
	ck_assert_int_eq(cw_roster_cache_get(cache, tenant.id, &a), 0);
	ck_assert_int_eq(cw_roster_cache_get(cache, tenant.id, &b), 0);
	ck_assert_ptr_eq(a, b); /* nothing changed: the same index */
	put_rows(more);
	ck_assert_int_eq(cw_roster_cache_get(cache, tenant.id, &c), 0);
	ck_assert_ptr_ne(c, a);
	ck_assert_uint_eq(cw_roster_index_list(c, CW_OR_USERS, CW_RI_ALL).count,
	                  3);
	/* The old index stays readable until its readers let go. */
	ck_assert_uint_eq(cw_roster_index_list(a, CW_OR_USERS, CW_RI_ALL).count,
	                  2);
	cw_roster_cache_release(cache, a);
	cw_roster_cache_release(cache, b);
	cw_roster_cache_release(cache, c);
	cw_roster_cache_free(cache);
}
END_TEST

Suite *suite_roster_index(void)
{
	Suite *s = suite_create("engine/roster_index");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rows_subsets_and_links);
	tcase_add_test(tc, the_cache_sees_changes);
	suite_add_tcase(s, tc);
	return s;
}
