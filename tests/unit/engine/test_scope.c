/* Scope lists. */
#include "engine/scope.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_scope(void);

#define RC "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"
#define R  "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"
#define GB "https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly"

START_TEST(normalize_dedupes_and_checks)
{
	cw_buf out = CW_BUF_INIT(4096);

	ck_assert_int_eq(cw_scope_normalize(&out, " " R "\t" RC "," R " "), 0);
	ck_assert_str_eq(out.data, R " " RC);
	cw_buf_dispose(&out);
	ck_assert_int_eq(cw_scope_normalize(&out, R " " R "x"), CW_EINVAL);
	ck_assert_str_eq(cw_error_last(), "unknown scope \"" R "x\"");
	cw_buf_dispose(&out);
	ck_assert_int_eq(cw_scope_normalize(&out, "   "), CW_EINVAL);
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(subset_and_any)
{
	ck_assert(cw_scope_subset(R, R " " RC));
	ck_assert(cw_scope_subset(RC " " R, R " " RC));
	ck_assert(!cw_scope_subset(RC " " GB, R " " RC));
	ck_assert(cw_scope_subset("", R));
	ck_assert(cw_scope_has_any(R " " GB, RC " " GB));
	ck_assert(!cw_scope_has_any(R, RC " " GB));
	/* A prefix of a scope is not the scope. */
	ck_assert(!cw_scope_contains(R, R, strlen(R) - 1));
	ck_assert(cw_scope_contains(RC " " R, R, strlen(R)));
}
END_TEST

START_TEST(known_scopes_are_all_valid)
{
	for (const char *const *k = cw_scope_known; *k; k++) {
		cw_buf out = CW_BUF_INIT(4096);
		ck_assert_int_eq(cw_scope_normalize(&out, *k), 0);
		ck_assert_str_eq(out.data, *k);
		cw_buf_dispose(&out);
	}
}
END_TEST

Suite *suite_scope(void)
{
	Suite *s = suite_create("engine/scope");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, normalize_dedupes_and_checks);
	tcase_add_test(tc, subset_and_any);
	tcase_add_test(tc, known_scopes_are_all_valid);
	suite_add_tcase(s, tc);
	return s;
}
