/* Unit tests of gateway/util. */
#include "unit/runner.h"

Suite *suite_buf(void);
Suite *suite_encode(void);
Suite *suite_json(void);
Suite *suite_config(void);
Suite *suite_time(void);
Suite *suite_csv(void);
Suite *suite_strset(void);
Suite *suite_secretbox(void);
Suite *suite_json_page(void);
Suite *suite_tz(void);

CW_TEST_MAIN(suite_buf, suite_encode, suite_json, suite_config, suite_time,
             suite_csv, suite_strset, suite_secretbox, suite_json_page,
             suite_tz)
