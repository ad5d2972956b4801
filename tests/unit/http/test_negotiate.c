/* Content negotiation of the documents verifiers and people fetch. */
#include "http/negotiate.h"

#include <check.h>
#include <string.h>

Suite *suite_negotiate(void);

static const char *const offers[] = { "application/ld+json", "application/json",
	                              "text/html" };

START_TEST(picks_the_preferred_offer)
{
	static const struct {
		const char *accept;
		int want;
	} cases[] = {
		{ NULL, 0 },
		{ "", 0 },
		{ "application/ld+json", 0 },
		{ "application/json", 1 },
		{ "text/html", 2 },
		{ "*/*", 0 },
		{ "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;"
		  "q=0.8",
		  2 },
		{ "application/json;q=0.5, text/html;q=0.4", 1 },
		{ "application/*;q=0.3, text/html;q=0.2", 0 },
		{ "text/*", 2 },
		{ "TEXT/HTML", 2 },
		{ "text/html;q=0, */*;q=0.1", 0 },
		{ "image/png", -1 },
		{ "text/html;q=0", -1 },
		{ "*/*;q=0.1, application/json;q=0", 0 },
		{ "garbage, text/html", 2 },
		{ "text/html; level=\"1;q=0\"; q=0.5, application/json;q=0.4",
		  2 },
		{ "application/json;q=1.5", -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *a = cases[i].accept;
		ck_assert_msg(cw_negotiate(a, a ? strlen(a) : 0, offers, 3) ==
		                      cases[i].want,
		              "Accept: %s", a ? a : "(none)");
	}
}
END_TEST

Suite *suite_negotiate(void)
{
	Suite *s = suite_create("negotiate");
	TCase *t = tcase_create("negotiate");
	tcase_add_test(t, picks_the_preferred_offer);
	suite_add_tcase(s, t);
	return s;
}
