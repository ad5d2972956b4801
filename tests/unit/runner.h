/* Shared main() for the Check unit-test binaries: runs the listed suites. */
#ifndef CW_TESTS_RUNNER_H
#define CW_TESTS_RUNNER_H

#include <check.h>
#include <stdlib.h>

#define CW_TEST_MAIN(...)                                                      \
	int main(void)                                                         \
	{                                                                      \
		Suite *(*suites[])(void) = { __VA_ARGS__ };                    \
		SRunner *runner = srunner_create(NULL);                        \
		int failed;                                                    \
                                                                               \
		for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]);     \
		     i++)                                                      \
			srunner_add_suite(runner, suites[i]());                \
		srunner_run_all(runner, CK_NORMAL);                            \
		failed = srunner_ntests_failed(runner);                        \
		srunner_free(runner);                                          \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                   \
	}

#endif
