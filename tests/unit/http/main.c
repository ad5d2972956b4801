/* Unit tests of gateway/http. */
#include "unit/runner.h"

Suite *suite_router(void);
Suite *suite_form(void);

CW_TEST_MAIN(suite_router, suite_form)
