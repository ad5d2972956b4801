/* Unit tests of gateway/badge verification (the badge suite name is
 * another branch's). */
#include "unit/runner.h"

Suite *suite_badgeverify_statuslist(void);
Suite *suite_badgeverify_ob3(void);
Suite *suite_badgeverify_fixtures(void);

CW_TEST_MAIN(suite_badgeverify_statuslist, suite_badgeverify_ob3,
             suite_badgeverify_fixtures)
