/* Unit tests of gateway/store. */
#include "unit/runner.h"

Suite *suite_sqlite(void);
Suite *suite_roster_migration(void);
Suite *suite_store_pg(void);
Suite *suite_pg(void);
Suite *suite_sync(void);
Suite *suite_sync_pg(void);
Suite *suite_flows_ob3(void);
Suite *suite_flows_ob3_pg(void);
Suite *suite_jobs(void);
Suite *suite_jobs_pg(void);
Suite *suite_copy(void);
Suite *suite_copy_pg(void);
Suite *suite_authfail(void);
Suite *suite_authfail_pg(void);

CW_TEST_MAIN(suite_sqlite, suite_roster_migration, suite_store_pg, suite_pg,
             suite_sync, suite_sync_pg, suite_flows_ob3, suite_flows_ob3_pg,
             suite_jobs, suite_jobs_pg, suite_copy, suite_copy_pg,
             suite_authfail, suite_authfail_pg)
