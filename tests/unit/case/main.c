/* Unit tests of gateway/case. */
#include "unit/runner.h"

Suite *suite_case_package(void);
Suite *suite_case_export(void);

CW_TEST_MAIN(suite_case_package, suite_case_export)
