/* Shared helpers of the schema unit tests: JSON text in, results out. */
#ifndef CW_TESTS_UNIT_SCHEMA_HELPERS_H
#define CW_TESTS_UNIT_SCHEMA_HELPERS_H

#include "schema/schema.h"

/** Parses text (the test fails if it is not JSON). */
cJSON *st_json(const char *text);
/** Compiles schema text with options (NULL: defaults); returns the code. */
int st_compile(cw_schema **out, const char *schema,
               const cw_schema_options *options);
/** Validates instance text; result filled as by cw_schema_validate. */
int st_validate(cw_schema_result *out, const cw_schema *schema,
                const char *instance);

#endif
