/* The router: literal beats parameter, 404 vs 405 with Allow, HEAD as GET. */
#include "http/api.h"
#include "http/router.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_router(void);

static int h_list(cw_request *r, cw_response *s)
{
	(void)r;
	(void)s;
	return 0;
}
static int h_one(cw_request *r, cw_response *s)
{
	(void)r;
	(void)s;
	return 0;
}
static int h_me(cw_request *r, cw_response *s)
{
	(void)r;
	(void)s;
	return 0;
}

static const cw_route table[] = {
	{ "GET", "/users", h_list, NULL, 0, 0 },
	{ "POST", "/users", h_list, NULL, 1024, 0 },
	{ "GET", "/users/{id}", h_one, NULL, 0, 0 },
	{ "DELETE", "/users/{id}", h_one, NULL, 0, 0 },
	{ "GET", "/users/me", h_me, NULL, 0, 0 },
	{ "GET", "/schools/{sid}/classes/{cid}/students", h_one, NULL, 0, 0 },
};
#define COUNT (sizeof(table) / sizeof(table[0]))

START_TEST(matches_literals_and_params)
{
	cw_route_match m;

	ck_assert_int_eq(cw_router_match(&m, table, COUNT, "GET", "/users"),
	                 CW_ROUTE_FOUND);
	ck_assert_int_eq(m.index, 0);
	ck_assert_int_eq(cw_router_match(&m, table, COUNT, "POST", "/users"),
	                 CW_ROUTE_FOUND);
	ck_assert_int_eq(m.index, 1);
	ck_assert_int_eq(cw_router_match(&m, table, COUNT, "GET", "/users/42"),
	                 CW_ROUTE_FOUND);
	ck_assert_int_eq(m.index, 2);
	ck_assert_uint_eq(m.param_count, 1);
	ck_assert_uint_eq(m.params[0].value_len, 2);
	ck_assert_int_eq(strncmp(m.params[0].value, "42", 2), 0);
	ck_assert_int_eq(strncmp(m.params[0].name, "id", m.params[0].name_len),
	                 0);
}
END_TEST

START_TEST(literal_segment_wins)
{
	cw_route_match m;

	ck_assert_int_eq(cw_router_match(&m, table, COUNT, "GET", "/users/me"),
	                 CW_ROUTE_FOUND);
	ck_assert_int_eq(m.index, 4);
	ck_assert_uint_eq(m.param_count, 0);
}
END_TEST

START_TEST(nested_params)
{
	cw_route_match m;
	const char *path = "/schools/s1/classes/c-9/students";

	ck_assert_int_eq(cw_router_match(&m, table, COUNT, "GET", path),
	                 CW_ROUTE_FOUND);
	ck_assert_int_eq(m.index, 5);
	ck_assert_uint_eq(m.param_count, 2);
	ck_assert_int_eq(strncmp(m.params[1].value, "c-9", 3), 0);
	ck_assert_uint_eq(m.params[1].value_len, 3);
}
END_TEST

START_TEST(not_found_versus_method_not_allowed)
{
	static const char *const missing[] = {
		"/",          "/user",   "/users/",
		"/users/1/x", "//users", "/schools/s/classes//students"
	};
	cw_route_match m;

	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
		ck_assert_msg(cw_router_match(&m, table, COUNT, "GET",
		                              missing[i]) == CW_ROUTE_NOT_FOUND,
		              "%s", missing[i]);
	ck_assert_int_eq(cw_router_match(&m, table, COUNT, "PUT", "/users"),
	                 CW_ROUTE_BAD_METHOD);
	ck_assert_str_eq(m.allow, "GET, HEAD, POST");
	ck_assert_int_eq(cw_router_match(&m, table, COUNT, "POST", "/users/7"),
	                 CW_ROUTE_BAD_METHOD);
	ck_assert_str_eq(m.allow, "GET, HEAD, DELETE");
}
END_TEST

START_TEST(head_is_served_by_get)
{
	cw_route_match m;

	ck_assert_int_eq(cw_router_match(&m, table, COUNT, "HEAD", "/users/1"),
	                 CW_ROUTE_FOUND);
	ck_assert_int_eq(m.index, 2);
}
END_TEST

START_TEST(table_check)
{
	static const cw_route bad[] = { { "GET", "users", h_list, NULL, 0,
		                          0 } };
	static const cw_route bad_brace[] = { { "GET", "/users/{id", h_list,
		                                NULL, 0, 0 } };
	static const cw_route bad_mid[] = { { "GET", "/users/x{id}", h_list,
		                              NULL, 0, 0 } };

	ck_assert_int_eq(cw_router_check_table(table, COUNT), 0);
	ck_assert_int_eq(cw_router_check_table(cw_routes, cw_route_count), 0);
	ck_assert_int_lt(cw_router_check_table(bad, 1), 0);
	ck_assert_int_lt(cw_router_check_table(bad_brace, 1), 0);
	ck_assert_int_lt(cw_router_check_table(bad_mid, 1), 0);
}
END_TEST

START_TEST(gateway_table_scopes)
{
	/* Admin and OneRoster routes need a scope (admin routes the admin
	 * scope, OneRoster ones only 1.2 scopes); health and the token
	 * endpoint need none. */
	for (size_t i = 0; i < cw_route_count; i++) {
		const cw_route *r = &cw_routes[i];
		if (strncmp(r->pattern, "/admin/", 7) == 0) {
			ck_assert_ptr_nonnull(r->scopes);
			ck_assert_str_eq(r->scopes,
			                 "urn:crosswalk:scope:admin");
		} else if (strncmp(r->pattern, "/ims/oneroster/", 15) == 0) {
			ck_assert_ptr_nonnull(r->scopes);
			const char *v = strncmp(r->pattern,
			                        "/ims/oneroster/v1p1/", 20) == 0
			                        ? "v1p1"
			                        : "v1p2";
			char prefix[64];

			snprintf(prefix, sizeof(prefix),
			         "https://purl.imsglobal.org/spec/or/%s/scope/",
			         v);
			/* Each binding takes its own version's scopes only. */
			ck_assert_msg(strstr(r->scopes, "admin") == NULL &&
			                      strncmp(r->scopes, prefix,
			                              strlen(prefix)) == 0 &&
			                      strstr(r->scopes,
			                             strcmp(v, "v1p1") == 0
			                                     ? "/or/v1p2/"
			                                     : "/or/v1p1/") ==
			                              NULL,
			              "%s %s", r->pattern, r->scopes);
		} else if (strncmp(r->pattern, "/ims/case/", 10) == 0 ||
		           strncmp(r->pattern, "/crosswalk/v1/case/", 19) ==
		                   0) {
			/* CASE reads take the CASE Network scope; only the
			 * 1.1 discovery document is public. */
			if (strstr(r->pattern, "/discovery/"))
				ck_assert_ptr_null(r->scopes);
			else
				ck_assert_str_eq(
				        r->scopes,
				        "http://purl.imsglobal.org/casenetwork/"
				        "case/v1p0/scope/core.readonly");
		} else if (strcmp(r->pattern, "/verify") == 0) {
			/* verifying fetches for the caller: not public */
			ck_assert_ptr_nonnull(
			        strstr(r->scopes, "urn:crosswalk:scope:admin"));
			ck_assert_ptr_nonnull(strstr(
			        r->scopes, "urn:crosswalk:scope:badge.verify"));
		} else if (strncmp(r->pattern, "/crosswalk/v1/roster/", 21) ==
		           0) {
			/* the change feed takes the roster read scopes */
			ck_assert_ptr_nonnull(strstr(
			        r->scopes, "https://purl.imsglobal.org/spec/or/"
			                   "v1p2/scope/roster.readonly"));
		} else if (strncmp(r->pattern, "/crosswalk/v1/flows/", 20) ==
		           0) {
			/* the CBE flows: the admin scope or the flows one */
			ck_assert_ptr_nonnull(
			        strstr(r->scopes, "urn:crosswalk:scope:admin"));
			ck_assert_ptr_nonnull(
			        strstr(r->scopes, "urn:crosswalk:scope:flows"));
		} else if (strncmp(r->pattern, "/ims/ob/v3p0/", 13) == 0) {
			/* the OB 3.0 API: holders' tokens with its scopes;
			 * only discovery is public */
			if (strcmp(r->pattern, "/ims/ob/v3p0/discovery") == 0) {
				ck_assert_ptr_null(r->scopes);
			} else {
				ck_assert_ptr_nonnull(strstr(
				        r->scopes, "https://purl.imsglobal.org/"
				                   "spec/ob/v3p0/scope/"));
				ck_assert(r->flags & CW_ROUTE_HOLDER);
			}
		} else {
			/* health, metrics, the token endpoint, discovery and
			 * what badge verifiers fetch (/badges/…) are public */
			ck_assert_ptr_null(r->scopes);
		}
	}
}
END_TEST

Suite *suite_router(void)
{
	Suite *s = suite_create("http/router");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, matches_literals_and_params);
	tcase_add_test(tc, literal_segment_wins);
	tcase_add_test(tc, nested_params);
	tcase_add_test(tc, not_found_versus_method_not_allowed);
	tcase_add_test(tc, head_is_served_by_get);
	tcase_add_test(tc, table_check);
	tcase_add_test(tc, gateway_table_scopes);
	suite_add_tcase(s, tc);
	return s;
}
