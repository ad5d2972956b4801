/* Unit tests of gateway/schema. */
#include "unit/runner.h"

Suite *suite_schema_validate(void);
Suite *suite_schema_compile(void);
Suite *suite_schema_uri(void);
Suite *suite_schema_builtin(void);

CW_TEST_MAIN(suite_schema_validate, suite_schema_compile, suite_schema_uri,
             suite_schema_builtin)
