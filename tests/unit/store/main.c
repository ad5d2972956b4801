/* Unit tests of gateway/store. */
#include "unit/runner.h"

Suite *suite_sqlite(void);

CW_TEST_MAIN(suite_sqlite)
