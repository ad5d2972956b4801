/* Unit tests of gateway/engine. */
#include "unit/runner.h"

Suite *suite_scope(void);
Suite *suite_credentials(void);
Suite *suite_datadir(void);
Suite *suite_roster_source(void);
Suite *suite_roster_uploads(void);
Suite *suite_roster_index(void);
Suite *suite_oauth1(void);
Suite *suite_contexts_dir(void);
Suite *suite_keyfile(void);
Suite *suite_badges(void);
Suite *suite_ob3_auth(void);
Suite *suite_cron(void);
Suite *suite_failgate(void);

CW_TEST_MAIN(suite_scope, suite_credentials, suite_datadir, suite_roster_source,
             suite_roster_uploads, suite_roster_index, suite_oauth1,
             suite_contexts_dir, suite_keyfile, suite_badges, suite_ob3_auth,
             suite_cron, suite_failgate)
