/* Integration tests: the real binary, a temp data dir, HTTP on loopback.
 * With CROSSWALK_TEST_PG set (scripts/test.sh's PostgreSQL pass), only the
 * suites whose store functions the PostgreSQL backend has run, each env on
 * a database of its own there (CWT_PG_ALL=1: every suite, to see what else
 * passes while porting). */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

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
Suite *suite_jobs(void);
Suite *suite_migrate(void);

static const struct {
	Suite *(*make)(void);
	int on_pg; /* needs only what the PostgreSQL backend has */
} suites[] = {
	{ suite_serve, 1 },
	{ suite_auth, 1 },
	{ suite_cli, 1 },
	{ suite_shutdown, 1 },
	{ suite_roster, 1 },
	{ suite_roster_daemon, 1 },
	{ suite_oneroster, 1 },
	{ suite_or_routes, 1 },
	{ suite_oauth1, 1 },
	{ suite_case, 1 },
	{ suite_or_schemas, 1 },
	{ suite_case_export, 1 },
	{ suite_rdf, 0 },
	{ suite_keys, 0 },
	{ suite_vc, 0 },
	{ suite_or_client, 1 },
	{ suite_badge_verify, 0 },
	{ suite_badge, 1 },
	{ suite_badges, 1 },
	{ suite_ob3_api, 1 },
	{ suite_flows, 1 },
	{ suite_badge_hosting, 1 },
	{ suite_sync_schedule, 1 },
	{ suite_badge_checks, 1 },
	{ suite_jobs, 1 },
	{ suite_migrate, 1 },
};

int main(void)
{
	SRunner *runner = NULL;
	const char *all = getenv("CWT_PG_ALL");
	int on_pg = cwt_on_pg() && !(all && *all == '1'), failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (on_pg && !suites[i].on_pg)
			continue;
		if (!runner)
			runner = srunner_create(suites[i].make());
		else
			srunner_add_suite(runner, suites[i].make());
	}
	if (cwt_on_pg())
		printf("integration: on PostgreSQL (CROSSWALK_TEST_PG)\n");
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	curl_global_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
