/* The failed-authentication gate: a limit per identity and window. */
#include "util/failgate.h"

#include <check.h>
#include <stdio.h>

Suite *suite_failgate(void);

START_TEST(blocks_after_the_limit_until_the_window_ends)
{
	cw_failgate *g = NULL;
	ck_assert_int_eq(cw_failgate_new(&g, 3, 10), 0);
	int64_t t = 1000000;
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(cw_failgate_wait_s(g, "client\na", t), 0);
		cw_failgate_fail(g, "client\na", t + i * 1000);
	}
	/* the window began at the first failure */
	ck_assert_int_eq(cw_failgate_wait_s(g, "client\na", t + 2000), 8);
	ck_assert_int_eq(cw_failgate_wait_s(g, "client\na", t + 9500), 1);
	ck_assert_int_eq(cw_failgate_wait_s(g, "client\na", t + 10000), 0);
	/* others are not held back */
	ck_assert_int_eq(cw_failgate_wait_s(g, "client\nb", t + 2000), 0);
	ck_assert_int_eq(cw_failgate_wait_s(g, "holder\na", t + 2000), 0);
	/* a new window after the old one ends */
	cw_failgate_fail(g, "client\na", t + 10000);
	ck_assert_int_eq(cw_failgate_wait_s(g, "client\na", t + 10001), 0);
	/* a success starts the count again */
	cw_failgate_fail(g, "client\na", t + 10002);
	cw_failgate_fail(g, "client\na", t + 10003);
	ck_assert_int_gt(cw_failgate_wait_s(g, "client\na", t + 10004), 0);
	cw_failgate_clear(g, "client\na");
	ck_assert_int_eq(cw_failgate_wait_s(g, "client\na", t + 10004), 0);
	cw_failgate_free(g);
}
END_TEST

START_TEST(many_identities_and_no_limit)
{
	cw_failgate *g = NULL;
	char key[32];
	ck_assert_int_eq(cw_failgate_new(&g, 2, 60), 0);
	/* more identities than slots: the newest are counted, nothing
	 * breaks, and a key never seen is free */
	for (int i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "client\n%d", i);
		cw_failgate_fail(g, key, 5000 + i);
		cw_failgate_fail(g, key, 5000 + i);
	}
	ck_assert_int_gt(cw_failgate_wait_s(g, key, 30000), 0);
	ck_assert_int_eq(cw_failgate_wait_s(g, "client\nnever", 30000), 0);
	cw_failgate_free(g);
	ck_assert_int_eq(cw_failgate_new(&g, 0, 60), 0);
	for (int i = 0; i < 50; i++)
		cw_failgate_fail(g, "client\na", 1000);
	ck_assert_int_eq(cw_failgate_wait_s(g, "client\na", 1000), 0);
	cw_failgate_free(g);
	ck_assert_int_eq(cw_failgate_wait_s(NULL, "x", 0), 0);
}
END_TEST

Suite *suite_failgate(void)
{
	Suite *s = suite_create("failgate");
	TCase *t = tcase_create("failgate");
	tcase_add_test(t, blocks_after_the_limit_until_the_window_ends);
	tcase_add_test(t, many_identities_and_no_limit);
	suite_add_tcase(s, t);
	return s;
}
