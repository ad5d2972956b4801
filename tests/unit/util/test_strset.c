/* The string set the roster checker keeps its sourcedIds in. */
#include "util/error.h"
#include "util/strset.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_strset(void);

START_TEST(keeps_every_key_through_growth)
{
	enum { N = 200000 };
	cw_strset *set = NULL;
	char key[32];
	uint32_t value = 0;

	ck_assert_int_eq(cw_strset_new(&set), 0);
	for (uint32_t i = 0; i < N; i++) {
		int n = snprintf(key, sizeof(key), "stu%u", i);
		ck_assert_int_eq(cw_strset_put(set, key, (size_t)n, i, NULL),
		                 1);
	}
	ck_assert_uint_eq(cw_strset_count(set), N);
	/* Every key is there with its value after the table grew. */
	for (uint32_t i = 0; i < N; i++) {
		int n = snprintf(key, sizeof(key), "stu%u", i);
		ck_assert(cw_strset_get(set, key, (size_t)n, &value));
		ck_assert_uint_eq(value, i);
	}
	/* A second put keeps the first value and says where it was. */
	ck_assert_int_eq(cw_strset_put(set, "stu77", 5, 9, &value), 0);
	ck_assert_uint_eq(value, 77);
	ck_assert(!cw_strset_get(set, "stu", 3, NULL));
	ck_assert(!cw_strset_get(set, "stu200000", 9, NULL));
	ck_assert(!cw_strset_get(set, "stu1\0", 5, NULL));
	ck_assert_uint_gt(cw_strset_bytes(set), N * 8);
	cw_strset_free(set);
}
END_TEST

START_TEST(keys_are_bytes)
{
	cw_strset *set = NULL;
	uint32_t value = 0;

	ck_assert_int_eq(cw_strset_new(&set), 0);
	ck_assert_int_eq(cw_strset_put(set, "", 0, 1, NULL), 1);
	ck_assert_int_eq(cw_strset_put(set, "a\0b", 3, 2, NULL), 1);
	ck_assert_int_eq(cw_strset_put(set, "a", 1, 3, NULL), 1);
	ck_assert(cw_strset_get(set, "", 0, &value));
	ck_assert_uint_eq(value, 1);
	ck_assert(cw_strset_get(set, "a\0b", 3, &value));
	ck_assert_uint_eq(value, 2);
	ck_assert_uint_eq(cw_strset_count(set), 3);
	/* Keys longer than 65535 bytes are refused, not cut. */
	{
		static char big[70000];
		memset(big, 'x', sizeof(big));
		ck_assert_int_eq(cw_strset_put(set, big, sizeof(big), 0, NULL),
		                 CW_EINVAL);
	}
	cw_strset_free(set);
	cw_strset_free(NULL);
}
END_TEST

Suite *suite_strset(void)
{
	Suite *s = suite_create("util/strset");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, keeps_every_key_through_growth);
	tcase_add_test(tc, keys_are_bytes);
	suite_add_tcase(s, tc);
	return s;
}
