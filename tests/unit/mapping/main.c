/* Unit tests of gateway/mapping. */
#include "unit/runner.h"

Suite *suite_mapping(void);
Suite *suite_claim(void);

CW_TEST_MAIN(suite_mapping, suite_claim)
