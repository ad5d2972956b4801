/* Unit tests of gateway/store. */
#include "unit/runner.h"

Suite *suite_sqlite(void);
Suite *suite_roster_migration(void);
Suite *suite_sync(void);

CW_TEST_MAIN(suite_sqlite, suite_roster_migration, suite_sync)
