/* Unit tests of gateway/roster. */
#include "unit/runner.h"

Suite *suite_roster_schema(void);
Suite *suite_roster_values(void);
Suite *suite_roster_rows(void);
Suite *suite_roster_manifest(void);
Suite *suite_roster_package(void);
Suite *suite_fields(void);
Suite *suite_roster_query(void);
Suite *suite_roster_rest(void);
Suite *suite_roster_from_json(void);

CW_TEST_MAIN(suite_roster_schema, suite_roster_values, suite_roster_rows,
             suite_roster_manifest, suite_roster_package, suite_fields,
             suite_roster_query, suite_roster_rest, suite_roster_from_json)
