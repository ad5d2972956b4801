/* Integration tests: the real binary, a temp data dir, HTTP on loopback. */
#include "unit/runner.h"

#include <curl/curl.h>

Suite *suite_serve(void);
Suite *suite_auth(void);
Suite *suite_cli(void);
Suite *suite_shutdown(void);
Suite *suite_roster(void);
Suite *suite_roster_daemon(void);
Suite *suite_oneroster(void);
Suite *suite_or_routes(void);
Suite *suite_oauth1(void);
Suite *suite_case(void);
Suite *suite_or_schemas(void);
Suite *suite_case_export(void);
Suite *suite_rdf(void);
Suite *suite_keys(void);
Suite *suite_vc(void);
Suite *suite_or_client(void);
Suite *suite_badge_verify(void);
Suite *suite_badge(void);
Suite *suite_badges(void);
Suite *suite_ob3_api(void);
Suite *suite_flows(void);
Suite *suite_badge_hosting(void);
Suite *suite_sync_schedule(void);
Suite *suite_badge_checks(void);

static Suite *init_curl(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return suite_serve();
}

CW_TEST_MAIN(init_curl, suite_auth, suite_cli, suite_shutdown, suite_roster,
             suite_roster_daemon, suite_oneroster, suite_or_routes,
             suite_oauth1, suite_case, suite_or_schemas, suite_case_export,
             suite_rdf, suite_keys, suite_vc, suite_or_client,
             suite_badge_verify, suite_badge, suite_badges, suite_ob3_api,
             suite_flows, suite_badge_hosting, suite_sync_schedule,
             suite_badge_checks)
