/* RDFC-1.0 on datasets the test writes: relabelling, invariance under
 * renaming and reordering, symmetric graphs that need Hash N-Degree Quads,
 * named graphs, duplicates, the work limit and SHA-384. */
#include "jsonld/nquads.h"
#include "jsonld/rdfc.h"
#include "util/alloc.h"
#include "util/error.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_jsonld_rdfc(void);

#define P "<http://a.example/p>"

static cw_rdfc_result *canonize(const char *text, const cw_rdfc_options *o)
{
	cw_rdf_dataset *ds = NULL;
	cw_rdfc_result *r = NULL;
	int err;

	ck_assert_int_eq(cw_nquads_read(&ds, text, strlen(text), NULL, NULL),
	                 0);
	err = cw_rdfc_canonize(&r, ds, o);
	ck_assert_msg(err == 0, "%s", cw_error_last());
	cw_rdf_dataset_free(ds);
	return r;
}

/* Canonical output reads back and canonicalizes to the same bytes. */
static void assert_fixed_point(const cw_rdfc_result *r,
                               const cw_rdfc_options *o)
{
	cw_rdfc_result *again = canonize(r->nquads, o);

	ck_assert_str_eq(again->nquads, r->nquads);
	cw_rdfc_result_free(again);
}

START_TEST(relabels_one_blank_node)
{
	cw_rdfc_result *r = canonize(
	        "_:x " P " \"v\" .\n<http://s> " P " _:x _:x .\n", NULL);

	ck_assert_str_eq(r->nquads, "<http://s> " P " _:c14n0 _:c14n0 .\n"
	                            "_:c14n0 " P " \"v\" .\n");
	ck_assert_uint_eq(r->map_count, 1);
	ck_assert_str_eq(r->map_input[0], "x");
	ck_assert_str_eq(r->map_canonical[0], "c14n0");
	assert_fixed_point(r, NULL);
	cw_rdfc_result_free(r);
}
END_TEST

/* The same graphs written with other labels and in other orders. */
static const char *const same[][3] = {
	{ "_:a " P " _:b .\n_:b " P " \"x\" .\n",
	  "_:q " P " \"x\" .\n_:z " P " _:q .\n",
	  "_:b " P " _:a .\n_:a " P " \"x\" .\n" },
	/* A 4-cycle: every node has the same first-degree hash. */
	{ "_:a " P " _:b .\n_:b " P " _:c .\n_:c " P " _:d .\n_:d " P
	  " _:a .\n",
	  "_:w " P " _:x .\n_:y " P " _:z .\n_:z " P " _:w .\n_:x " P
	  " _:y .\n",
	  "_:d " P " _:a .\n_:c " P " _:d .\n_:b " P " _:c .\n_:a " P
	  " _:b .\n" },
	/* Two 3-cycles against one 6-cycle differ: checked apart below. */
	{ "_:a " P " _:b .\n_:b " P " _:c .\n_:c " P " _:a .\n_:d " P
	  " _:e .\n_:e " P " _:f .\n_:f " P " _:d .\n",
	  "_:f " P " _:d .\n_:a " P " _:b .\n_:e " P " _:f .\n_:c " P
	  " _:a .\n_:d " P " _:e .\n_:b " P " _:c .\n",
	  "_:n1 " P " _:n2 .\n_:n2 " P " _:n3 .\n_:n3 " P " _:n1 .\n_:n4 " P
	  " _:n5 .\n_:n5 " P " _:n6 .\n_:n6 " P " _:n4 .\n" },
	/* Blank nodes as graph names. */
	{ "_:a " P " _:b _:g .\n_:b " P " _:a _:h .\n",
	  "_:y " P " _:x _:k .\n_:x " P " _:y _:j .\n",
	  "_:b " P " _:a _:g .\n_:a " P " _:b _:h .\n" },
};

START_TEST(is_invariant_under_renaming_and_order)
{
	cw_rdfc_result *first = canonize(same[_i][0], NULL);

	for (int k = 1; k < 3; k++) {
		cw_rdfc_result *other = canonize(same[_i][k], NULL);

		ck_assert_str_eq(other->nquads, first->nquads);
		cw_rdfc_result_free(other);
	}
	ck_assert(strstr(first->nquads, "_:c14n0 "));
	assert_fixed_point(first, NULL);
	cw_rdfc_result_free(first);
}
END_TEST

START_TEST(symmetric_graphs_use_n_degree_hashing)
{
	cw_rdfc_result *cycles = canonize(same[2][0], NULL), *ring;

	/* One 6-cycle: same first-degree hashes, a different graph. */
	ring = canonize("_:a " P " _:b .\n_:b " P " _:c .\n_:c " P
	                " _:d .\n_:d " P " _:e .\n_:e " P " _:f .\n_:f " P
	                " _:a .\n",
	                NULL);
	ck_assert_str_ne(cycles->nquads, ring->nquads);
	ck_assert_uint_gt(cycles->work, 0);
	ck_assert_uint_gt(ring->work, 0);
	ck_assert_uint_eq(ring->map_count, 6);
	cw_rdfc_result_free(cycles);
	cw_rdfc_result_free(ring);
}
END_TEST

START_TEST(counts_duplicate_quads_once)
{
	cw_rdfc_result *r = canonize("_:a " P " \"x\" .\n_:a " P
	                             " \"x\" .\n<http://s> " P " \"y\" .\n"
	                             "<http://s> " P " \"y\" .\n",
	                             NULL);

	ck_assert_str_eq(r->nquads,
	                 "<http://s> " P " \"y\" .\n_:c14n0 " P " \"x\" .\n");
	cw_rdfc_result_free(r);
}
END_TEST

START_TEST(fails_fast_on_a_clique)
{
	cw_rdfc_options o = { CW_RDFC_SHA256, 500, 0, 0 };
	char text[4096];
	size_t len = 0;
	cw_rdf_dataset *ds = NULL;
	cw_rdfc_result *r = NULL;

	for (int i = 0; i < 7; i++)
		for (int j = 0; j < 7; j++)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
			                        "_:n%d " P " _:n%d .\n", i, j);
	ck_assert_int_eq(cw_nquads_read(&ds, text, len, NULL, NULL), 0);
	ck_assert_int_eq(cw_rdfc_canonize(&r, ds, &o), CW_ETOOBIG);
	ck_assert_ptr_null(r);
	ck_assert(strstr(cw_error_last(), "work limit"));
	o.max_work = 0;
	o.max_depth = 2;
	ck_assert_int_eq(cw_rdfc_canonize(&r, ds, &o), CW_ETOOBIG);
	cw_rdf_dataset_free(ds);
}
END_TEST

START_TEST(sha384_changes_only_the_hash)
{
	cw_rdfc_options o = { CW_RDFC_SHA384, 0, 0, 0 };
	cw_rdfc_result *r = canonize("_:a " P " _:b .\n", &o);
	cw_rdfc_hash h;

	ck_assert(strstr(r->nquads, "_:c14n0") && strstr(r->nquads, "_:c14n1"));
	assert_fixed_point(r, &o);
	ck_assert_int_eq(cw_rdfc_hash_parse(&h, "sha384"), 0);
	ck_assert_int_eq(h, CW_RDFC_SHA384);
	ck_assert_int_eq(cw_rdfc_hash_parse(&h, "md5"), CW_EINVAL);
	cw_rdfc_result_free(r);
}
END_TEST

START_TEST(empty_dataset)
{
	cw_rdfc_result *r = canonize("# nothing\n", NULL);

	ck_assert_str_eq(r->nquads, "");
	ck_assert_uint_eq(r->len, 0);
	ck_assert_uint_eq(r->map_count, 0);
	cw_rdfc_result_free(r);
}
END_TEST

Suite *suite_jsonld_rdfc(void)
{
	Suite *s = suite_create("jsonld_rdfc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, relabels_one_blank_node);
	tcase_add_loop_test(tc, is_invariant_under_renaming_and_order, 0,
	                    sizeof(same) / sizeof(same[0]));
	tcase_add_test(tc, symmetric_graphs_use_n_degree_hashing);
	tcase_add_test(tc, counts_duplicate_quads_once);
	tcase_add_test(tc, fails_fast_on_a_clique);
	tcase_add_test(tc, sha384_changes_only_the_hash);
	tcase_add_test(tc, empty_dataset);
	suite_add_tcase(s, tc);
	return s;
}
