/* Unit tests of gateway/jsonld. */
#include "unit/runner.h"

Suite *suite_jsonld_nquads(void);
Suite *suite_jsonld_rdfc(void);
Suite *suite_jsonld_loader(void);
Suite *suite_jsonld_to_rdf(void);
Suite *suite_jsonld_expand(void);

CW_TEST_MAIN(suite_jsonld_nquads, suite_jsonld_rdfc, suite_jsonld_loader,
             suite_jsonld_to_rdf, suite_jsonld_expand)
