/* Unit tests of gateway/badge. */
#include "unit/runner.h"

Suite *suite_bake_png(void);
Suite *suite_bake_svg(void);

CW_TEST_MAIN(suite_bake_png, suite_bake_svg)
