/* roster/from_json: REST JSON objects to CSV rows of 1.2 and 1.1. */
#include "roster/from_json.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_roster_from_json(void);

static const char user12[] =
        "{\"sourcedId\":\"s1\",\"status\":\"active\",\"dateLastModified\":"
        "\"2026-01-02T03:04:05.000Z\",\"enabledUser\":true,\"username\":"
        "\"ada\",\"userIds\":[{\"type\":\"LDAP\",\"identifier\":\"a1\"},"
        "{\"type\":\"SIS\",\"identifier\":\"9\"}],\"givenName\":\"Ada, "
        "the first\",\"familyName\":\"Lovelace\",\"preferredFirstName\":"
        "\"Addie\",\"agents\":[{\"href\":\"x\",\"sourcedId\":\"p1\","
        "\"type\":\"user\"},\"p2\"],\"grades\":[\"09\",\"10\"],"
        "\"roles\":[{\"roleType\":\"primary\",\"role\":\"student\",\"org\":"
        "{\"sourcedId\":\"sch\"},\"beginDate\":\"2026-08-01\"},"
        "{\"sourcedId\":\"r9\",\"roleType\":\"secondary\",\"role\":"
        "\"aide\",\"org\":{\"sourcedId\":\"sch2\"}}],\"metadata\":{}}";

/* The value of column name in one CSV line (quoted fields included). */
static int has_cell(const char *header, const char *line, const char *name,
                    const char *want)
{
	char cells[64][256];
	size_t n = 0, k = 0;
	int quoted = 0;
	memset(cells, 0, sizeof(cells));
	for (const char *p = line; *p && *p != '\r' && n < 64; p++) {
		if (*p == '"') {
			if (quoted && p[1] == '"')
				cells[n][k++] = *++p;
			else
				quoted = !quoted;
		} else if (*p == ',' && !quoted) {
			n++, k = 0;
		} else if (k < 255) {
			cells[n][k++] = *p;
		}
	}
	size_t col = 0;
	for (const char *h = header; h && *h; col++) {
		size_t len = strcspn(h, ",\r");
		if (strlen(name) == len && strncmp(h, name, len) == 0)
			return strcmp(cells[col], want) == 0;
		h = h[len] == ',' ? h + len + 1 : NULL;
	}
	return 0;
}

START_TEST(user_to_csv)
{
	cw_buf header = CW_BUF_INIT(4096), row = CW_BUF_INIT(4096);
	cJSON *u = cJSON_Parse(user12);
	ck_assert_int_eq(
	        cw_or_json_csv_header(&header, CW_OR_V1P2, CW_OR_USERS), 0);
	ck_assert_int_eq(
	        cw_or_json_csv_row(&row, CW_OR_V1P2, CW_OR_USERS, u, 0), 0);
	const char *h = header.data, *r = row.data;
	ck_assert(has_cell(h, r, "sourcedId", "s1"));
	ck_assert(has_cell(h, r, "status", "active"));
	ck_assert(has_cell(h, r, "enabledUser", "true"));
	ck_assert(has_cell(h, r, "userIds", "{LDAP:a1},{SIS:9}"));
	ck_assert(has_cell(h, r, "givenName", "Ada, the first"));
	ck_assert(has_cell(h, r, "preferredGivenName", "Addie"));
	ck_assert(has_cell(h, r, "agentSourcedIds", "p1,p2"));
	ck_assert(has_cell(h, r, "grades", "09,10"));
	/* bulk: no status or dateLastModified */
	cw_buf_clear(&row);
	ck_assert_int_eq(
	        cw_or_json_csv_row(&row, CW_OR_V1P2, CW_OR_USERS, u, 1), 0);
	ck_assert(has_cell(h, row.data, "status", ""));
	ck_assert(has_cell(h, row.data, "dateLastModified", ""));
	/* roles: a stable id when the JSON has none, the user's reference */
	cw_buf_clear(&row);
	cw_buf_clear(&header);
	ck_assert_int_eq(
	        cw_or_json_csv_header(&header, CW_OR_V1P2, CW_OR_ROLES), 0);
	ck_assert_int_eq(cw_or_json_csv_roles(&row, u, 1), 0);
	char *second = strchr(row.data, '\n') + 1;
	ck_assert(
	        has_cell(header.data, row.data, "sourcedId", "s1.sch.student"));
	ck_assert(has_cell(header.data, row.data, "userSourcedId", "s1"));
	ck_assert(has_cell(header.data, row.data, "orgSourcedId", "sch"));
	ck_assert(has_cell(header.data, row.data, "beginDate", "2026-08-01"));
	ck_assert(has_cell(header.data, second, "sourcedId", "r9"));
	cJSON_Delete(u);
	cw_buf_dispose(&header);
	cw_buf_dispose(&row);
}
END_TEST

START_TEST(v11_enrollment_and_errors)
{
	cw_buf header = CW_BUF_INIT(4096), row = CW_BUF_INIT(4096);
	cJSON *e = cJSON_Parse(
	        "{\"sourcedId\":\"e1\",\"user\":{\"sourcedId\":\"s1\"},"
	        "\"class\":{\"sourcedId\":\"k\"},\"school\":{\"sourcedId\":"
	        "\"sch\"},\"role\":\"student\",\"primary\":\"false\","
	        "\"beginDate\":\"2026-08-01T00:00:00Z\"}");
	ck_assert_int_eq(
	        cw_or_json_csv_header(&header, CW_OR_V1P1, CW_OR_ENROLLMENTS),
	        0);
	ck_assert_int_eq(
	        cw_or_json_csv_row(&row, CW_OR_V1P1, CW_OR_ENROLLMENTS, e, 1),
	        0);
	ck_assert(has_cell(header.data, row.data, "classSourcedId", "k"));
	ck_assert(has_cell(header.data, row.data, "userSourcedId", "s1"));
	ck_assert(has_cell(header.data, row.data, "primary", "false"));
	ck_assert(has_cell(header.data, row.data, "beginDate", "2026-08-01"));
	cJSON_Delete(e);
	/* a member of the wrong JSON type is named */
	e = cJSON_Parse("{\"sourcedId\":\"e2\",\"class\":[1,2]}");
	cw_buf_clear(&row);
	ck_assert_int_eq(
	        cw_or_json_csv_row(&row, CW_OR_V1P2, CW_OR_ENROLLMENTS, e, 1),
	        CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "\"class\""));
	cJSON_Delete(e);
	cw_buf_dispose(&header);
	cw_buf_dispose(&row);
}
END_TEST

/* The tree-less converter gives the cJSON one's bytes, for a record of
 * every kind above and a delta (roles take their user's status). */
START_TEST(rows_match_the_tree)
{
	static const char enrollment[] =
	        "{\"sourcedId\":\"e1\",\"status\":\"tobedeleted\",\"user\":"
	        "{\"href\":\"h\\\"q\",\"sourcedId\":\"s\\u00e9\"},\"class\":"
	        "\"k\","
	        "\"role\":\"student\",\"primary\":false,\"beginDate\":"
	        "\"2026-08-01T00:00:00Z\",\"class\":\"second\"}";
	const struct {
		const char *json;
		cw_or_version version;
		cw_or_entity entity;
	} cases[] = { { user12, CW_OR_V1P2, CW_OR_USERS },
		      { user12, CW_OR_V1P1, CW_OR_USERS },
		      { enrollment, CW_OR_V1P2, CW_OR_ENROLLMENTS },
		      { enrollment, CW_OR_V1P1, CW_OR_ENROLLMENTS } };
	cw_buf page = CW_BUF_INIT(1 << 16), a = CW_BUF_INIT(1 << 16),
	       b = CW_BUF_INIT(1 << 16);
	cw_json_page *p = NULL;
	ck_assert_int_eq(cw_json_page_new(&p), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int bulk = 0; bulk < 2; bulk++) {
			cw_or_json_rows *rows = NULL;
			cw_jobject view;
			cJSON *tree = cJSON_Parse(cases[i].json);
			cw_buf_clear(&page);
			cw_buf_printf(&page, "{\"users\":[%s]}", cases[i].json);
			ck_assert_int_eq(cw_json_page_read(p, page.data,
			                                   page.len, "users",
			                                   64, NULL),
			                 0);
			cw_json_page_item(p, 0, &view);
			ck_assert_int_eq(
			        cw_or_json_rows_new(&rows, cases[i].version,
			                            cases[i].entity, bulk),
			        0);
			cw_buf_clear(&a);
			cw_buf_clear(&b);
			ck_assert_int_eq(
			        cw_or_json_csv_row(&a, cases[i].version,
			                           cases[i].entity, tree, bulk),
			        0);
			/* twice: the second goes through the shape cache */
			for (int k = 0; k < 2; k++) {
				cw_buf_clear(&b);
				ck_assert_int_eq(
				        cw_or_json_rows_put(rows, &b, &view),
				        0);
				ck_assert_str_eq(a.data, b.data);
			}
			if (cases[i].entity == CW_OR_USERS &&
			    cases[i].version == CW_OR_V1P2) {
				cw_buf_clear(&a);
				cw_buf_clear(&b);
				ck_assert_int_eq(
				        cw_or_json_csv_roles(&a, tree, bulk),
				        0);
				ck_assert_int_eq(
				        cw_or_json_rows_roles(rows, &b, &view),
				        0);
				ck_assert_str_eq(a.data, b.data);
			}
			cw_or_json_rows_free(rows);
			cJSON_Delete(tree);
		}
	/* a member of the wrong type is named the same way */
	cw_or_json_rows *rows = NULL;
	cw_jobject view;
	const char *bad =
	        "{\"users\":[{\"sourcedId\":\"e2\",\"class\":[1,2]}]}";
	ck_assert_int_eq(
	        cw_json_page_read(p, bad, strlen(bad), "users", 64, NULL), 0);
	cw_json_page_item(p, 0, &view);
	ck_assert_int_eq(
	        cw_or_json_rows_new(&rows, CW_OR_V1P2, CW_OR_ENROLLMENTS, 1),
	        0);
	cw_buf_clear(&b);
	ck_assert_int_eq(cw_or_json_rows_put(rows, &b, &view), CW_EINVAL);
	ck_assert_str_eq(cw_error_last(),
	                 "enrollments e2: member \"class\" has a JSON type "
	                 "column classSourcedId cannot hold");
	cw_or_json_rows_free(rows);
	cw_json_page_free(p);
	cw_buf_dispose(&page);
	cw_buf_dispose(&a);
	cw_buf_dispose(&b);
}
END_TEST

Suite *suite_roster_from_json(void)
{
	Suite *s = suite_create("roster/from_json");
	TCase *tc = tcase_create("from_json");
	tcase_add_test(tc, user_to_csv);
	tcase_add_test(tc, v11_enrollment_and_errors);
	tcase_add_test(tc, rows_match_the_tree);
	suite_add_tcase(s, tc);
	return s;
}
