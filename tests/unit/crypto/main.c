/* Unit tests of gateway/crypto. */
#include "unit/runner.h"

Suite *suite_multibase(void);
Suite *suite_key(void);
Suite *suite_jws(void);
Suite *suite_vcjwt(void);
Suite *suite_dataintegrity(void);
Suite *suite_didweb(void);

CW_TEST_MAIN(suite_multibase, suite_key, suite_jws, suite_vcjwt,
             suite_dataintegrity, suite_didweb)
