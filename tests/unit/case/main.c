/* Unit tests of gateway/case. */
#include "unit/runner.h"

Suite *suite_case_package(void);

CW_TEST_MAIN(suite_case_package)
