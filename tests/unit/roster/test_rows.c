/* One OneRoster data file at a time: headers by name, every value checked,
 * safe fixes made with a warning, every problem with its line and column. */
#include "roster/rows.h"
#include "util/buf.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_roster_rows(void);

typedef struct {
	cw_buf diags;
	cw_buf rows;
	const char *show; /* column whose value rows print */
} seen;

static void on_diag(const cw_diag *d, void *payload)
{
	seen *s = payload;

	cw_buf_printf(&s->diags, "%s%u:%u %s %s;",
	              d->severity == CW_DIAG_ERROR ? "E" : "W", d->line,
	              d->column, d->code, d->message);
}

static int on_row(const cw_or_row *row, void *payload)
{
	seen *s = payload;
	int at = s->show ? cw_or_column_index(row->file, s->show) : -1;

	cw_buf_printf(&s->rows, "%u:%s", row->line, row->values[0]);
	if (at >= 0)
		cw_buf_printf(&s->rows, "=%s", row->values[at]);
	for (size_t m = 0; m < row->metadata_count; m++)
		cw_buf_printf(&s->rows, "+%s=%s", row->metadata_names[m],
		              row->metadata_values[m]);
	cw_buf_puts(&s->rows, row->has_errors ? "!;" : ";");
	return 0;
}

static cw_or_counts read_file(seen *s, cw_or_version v, cw_or_entity e,
                              cw_or_mode mode, const char *text)
{
	cw_or_reader *r = NULL;
	cw_or_counts counts;

	s->diags = (cw_buf)CW_BUF_INIT(1 << 16);
	s->rows = (cw_buf)CW_BUF_INIT(1 << 16);
	ck_assert_int_eq(cw_or_reader_new(&r, cw_or_file_for(v, e), mode,
	                                  "f.csv", on_diag, on_row, s),
	                 0);
	ck_assert_int_eq(cw_or_reader_feed(r, text, strlen(text)), 0);
	ck_assert_int_eq(cw_or_reader_finish(r), 0);
	counts = cw_or_reader_counts(r);
	cw_or_reader_free(r);
	return counts;
}

static void done(seen *s)
{
	cw_buf_dispose(&s->diags);
	cw_buf_dispose(&s->rows);
}

START_TEST(headers_by_name_metadata_and_unknown)
{
	seen s = { .show = "type" };
	cw_or_counts c = read_file(
	        &s, CW_OR_V1P2, CW_OR_ORGS, CW_OR_BULK,
	        "type,name,sourcedId,metadata.ncesId,ext_vendor,status,"
	        "dateLastModified\r\n"
	        "district,North,org-1,123,x,,\r\n"
	        "school,South,org-2,456,y,,\r\n");

	ck_assert_str_eq(
	        s.rows.data,
	        "2:org-1=district+ncesId=123;3:org-2=school+ncesId=456;");
	ck_assert_str_eq(s.diags.data,
	                 "W1:37 header.unknown_column unknown column "
	                 "\"ext_vendor\" is ignored (extension columns are "
	                 "named metadata.*);");
	ck_assert_uint_eq(c.rows, 2);
	ck_assert_uint_eq(c.errors, 0);
	ck_assert_uint_eq(c.warnings, 1);
	done(&s);
}
END_TEST

START_TEST(safe_fixes_are_warnings)
{
	seen s = { .show = "classType" };
	cw_or_counts c = read_file(
	        &s, CW_OR_V1P2, CW_OR_CLASSES, CW_OR_DELTA,
	        "sourcedId,status,dateLastModified,title,courseSourcedId,"
	        "classType,schoolSourcedId,termSourcedIds\n"
	        "c1,Active,2025-01-02T03:04:05Z,Math,crs-1,Scheduled,sch-1,"
	        "\"t1,t2\"\n");

	ck_assert_str_eq(s.rows.data, "2:c1=scheduled;");
	ck_assert_ptr_nonnull(strstr(s.diags.data,
	                             "W2:4 value.enum_case status: \"Active\" "
	                             "read as \"active\""));
	ck_assert_ptr_nonnull(strstr(
	        s.diags.data, "W2:11 value.datetime_normalized "
	                      "dateLastModified: \"2025-01-02T03:04:05Z\" "
	                      "read as \"2025-01-02T03:04:05.000Z\""));
	ck_assert_ptr_nonnull(
	        strstr(s.diags.data, "value.enum_case classType"));
	ck_assert_uint_eq(c.errors, 0);
	ck_assert_uint_eq(c.warnings, 3);
	done(&s);
}
END_TEST

START_TEST(booleans)
{
	seen s = { .show = "enabledUser" };
	cw_or_counts c = read_file(
	        &s, CW_OR_V1P2, CW_OR_USERS, CW_OR_BULK,
	        "sourcedId,status,dateLastModified,enabledUser,username,"
	        "givenName,familyName\n"
	        "u1,,,TRUE,a,A,B\nu2,,,yes,b,A,B\nu3,,,false,c,A,B\n");

	ck_assert_str_eq(s.rows.data, "2:u1=true;3:u2=yes!;4:u3=false;");
	ck_assert_ptr_nonnull(strstr(s.diags.data, "W2:6 value.bool_case"));
	ck_assert_ptr_nonnull(strstr(s.diags.data,
	                             "E3:6 value.bool enabledUser: \"yes\" is "
	                             "not true or false"));
	ck_assert_uint_eq(c.errors, 1);
	done(&s);
}
END_TEST

START_TEST(lifecycle_rules)
{
	seen s = { 0 };
	cw_or_counts c =
	        read_file(&s, CW_OR_V1P2, CW_OR_ORGS, CW_OR_BULK,
	                  "sourcedId,status,dateLastModified,name,type\n"
	                  "o1,active,2025-01-01T00:00:00.000Z,N,school\n");

	ck_assert_ptr_nonnull(strstr(s.diags.data,
	                             "E2:4 row.bulk_lifecycle status must be "
	                             "blank in a bulk file"));
	ck_assert_ptr_nonnull(strstr(
	        s.diags.data, "E2:11 row.bulk_lifecycle dateLastModified"));
	ck_assert_uint_eq(c.errors, 2);
	done(&s);

	c = read_file(&s, CW_OR_V1P2, CW_OR_ORGS, CW_OR_DELTA,
	              "sourcedId,status,dateLastModified,name,type\n"
	              "o1,,,N,school\n"
	              "o2,inactive,2023-05-01,N,school\n");
	ck_assert_ptr_nonnull(strstr(s.diags.data, "E2:4 row.delta_lifecycle"));
	ck_assert_ptr_nonnull(strstr(
	        s.diags.data, "E3:4 value.status status: \"inactive\" is "
	                      "not active or tobedeleted (inactive is a "
	                      "OneRoster 1.0 value)"));
	ck_assert_ptr_nonnull(strstr(s.diags.data, "E3:13 value.datetime"));
	ck_assert_uint_eq(c.errors, 4);
	done(&s);
}
END_TEST

START_TEST(missing_required_column_stops_rows)
{
	seen s = { 0 };
	cw_or_counts c = read_file(&s, CW_OR_V1P2, CW_OR_ORGS, CW_OR_BULK,
	                           "sourcedId,name\no1,N\n");

	ck_assert_str_eq(s.diags.data,
	                 "E1:0 header.missing_column required column \"type\" "
	                 "is missing;");
	ck_assert_str_eq(cw_buf_cstr(&s.rows), "");
	ck_assert_uint_eq(c.rows, 0);
	done(&s);
}
END_TEST

START_TEST(value_errors_with_positions)
{
	seen s = { 0 };
	cw_or_counts c = read_file(
	        &s, CW_OR_V1P2, CW_OR_CLASSES, CW_OR_BULK,
	        "sourcedId,status,dateLastModified,title,courseSourcedId,"
	        "classType,schoolSourcedId,termSourcedIds,subjects,"
	        "subjectCodes\n"
	        "c 1,,,,crs-1,lab,sch-1,\"t1,,t2\",\"Math,Art\",m1\n"
	        "c2,,,T,crs-1,ext:lab,sch-1,t1,,\n"
	        "c3,,,T\n");

	ck_assert_ptr_nonnull(
	        strstr(s.diags.data, "E2:1 value.guid sourcedId"));
	ck_assert_ptr_nonnull(strstr(s.diags.data,
	                             "E2:7 value.required title: a value is "
	                             "required"));
	ck_assert_ptr_nonnull(strstr(
	        s.diags.data, "E2:14 value.enum classType: \"lab\" is not "
	                      "one of homeroom, scheduled, or ext:NAME"));
	ck_assert_ptr_nonnull(strstr(s.diags.data, "value.list_empty_item"));
	ck_assert_ptr_nonnull(strstr(
	        s.diags.data, "row.subject_codes subjectCodes has 1 items "
	                      "but subjects has 2"));
	ck_assert_ptr_nonnull(strstr(s.diags.data,
	                             "E4:0 row.field_count 4 fields, but the "
	                             "header has 10"));
	ck_assert_ptr_null(strstr(s.diags.data, "E3:"));
	ck_assert_uint_eq(c.rows, 3);
	done(&s);
}
END_TEST

START_TEST(non_extensible_vocabulary)
{
	seen s = { 0 };

	read_file(&s, CW_OR_V1P2, CW_OR_ROLES, CW_OR_BULK,
	          "sourcedId,status,dateLastModified,userSourcedId,roleType,"
	          "role,orgSourcedId\n"
	          "r1,,,u1,ext:main,ext:coach,o1\n");
	ck_assert_ptr_nonnull(strstr(s.diags.data, "value.enum roleType"));
	ck_assert_ptr_null(strstr(s.diags.data, "value.enum role:"));
	done(&s);
}
END_TEST

START_TEST(broken_csv_is_reported)
{
	cw_or_reader *r = NULL;
	seen s = { 0 };
	const char *text = "sourcedId,name,type\no1,\"never closed\n";

	s.diags = (cw_buf)CW_BUF_INIT(1 << 16);
	s.rows = (cw_buf)CW_BUF_INIT(1 << 16);
	cw_or_reader_new(&r, cw_or_file_for(CW_OR_V1P2, CW_OR_ORGS), CW_OR_BULK,
	                 "orgs.csv", on_diag, on_row, &s);
	ck_assert_int_eq(cw_or_reader_feed(r, text, strlen(text)), 0);
	ck_assert_int_eq(cw_or_reader_finish(r), CW_EINVAL);
	ck_assert_ptr_nonnull(
	        strstr(s.diags.data, "E2:4 csv.unterminated_quote"));
	cw_or_reader_free(r);
	done(&s);
}
END_TEST

START_TEST(empty_file)
{
	seen s = { 0 };
	cw_or_counts c = read_file(&s, CW_OR_V1P2, CW_OR_ORGS, CW_OR_BULK, "");

	ck_assert_uint_eq(c.errors, 1);
	ck_assert_ptr_nonnull(strstr(s.diags.data, "header.missing"));
	done(&s);
}
END_TEST

Suite *suite_roster_rows(void)
{
	Suite *s = suite_create("roster/rows");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, headers_by_name_metadata_and_unknown);
	tcase_add_test(tc, safe_fixes_are_warnings);
	tcase_add_test(tc, booleans);
	tcase_add_test(tc, lifecycle_rules);
	tcase_add_test(tc, missing_required_column_stops_rows);
	tcase_add_test(tc, value_errors_with_positions);
	tcase_add_test(tc, non_extensible_vocabulary);
	tcase_add_test(tc, broken_csv_is_reported);
	tcase_add_test(tc, empty_file);
	suite_add_tcase(s, tc);
	return s;
}
