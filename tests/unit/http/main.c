/* Unit tests of gateway/http. */
#include "unit/runner.h"

Suite *suite_router(void);
Suite *suite_form(void);
Suite *suite_negotiate(void);

CW_TEST_MAIN(suite_router, suite_form, suite_negotiate)
