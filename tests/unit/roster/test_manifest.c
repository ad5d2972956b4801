/* manifest.csv: version, per-file modes, and every way it goes wrong. */
#include "roster/manifest.h"
#include "util/buf.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_roster_manifest(void);

static void on_diag(const cw_diag *d, void *payload)
{
	cw_buf_printf(payload, "%s%u:%s;", d->severity ? "W" : "E", d->line,
	              d->code);
}

static int parse(cw_or_manifest *m, cw_buf *diags, const char *text)
{
	return cw_or_manifest_parse(m, text, strlen(text), on_diag, diags);
}

START_TEST(valid_12)
{
	cw_buf d = CW_BUF_INIT(4096);
	cw_or_manifest m;
	const char *text =
	        "propertyName,value\nmanifest.version,1.0\n"
	        "oneroster.version,1.2\nfile.users,bulk\nfile.orgs,delta\n"
	        "file.scoreScales,\nsource.systemName,SIS\n";

	ck_assert_int_eq(parse(&m, &d, text), 0);
	ck_assert_int_eq(m.version, CW_OR_V1P2);
	ck_assert_int_eq(m.files[CW_OR_USERS], CW_OR_FILE_BULK);
	ck_assert_int_eq(m.files[CW_OR_ORGS], CW_OR_FILE_DELTA);
	ck_assert_int_eq(m.files[CW_OR_SCORE_SCALES], CW_OR_FILE_ABSENT);
	ck_assert_int_eq(m.files[CW_OR_CLASSES], CW_OR_FILE_ABSENT);
	ck_assert_str_eq(m.source_name, "SIS");
	ck_assert_ptr_nonnull(strstr(d.data, "W6:manifest.empty_value;"));
	/* The 18 files not listed make one warning. */
	ck_assert_ptr_nonnull(strstr(d.data, "W0:manifest.file_not_listed;"));
	ck_assert_ptr_null(strstr(d.data, "E"));
	cw_buf_dispose(&d);
}
END_TEST

START_TEST(version_decides_the_files)
{
	cw_buf d = CW_BUF_INIT(4096);
	cw_or_manifest m;

	/* roles.csv does not exist in 1.1, wherever the version line is. */
	ck_assert_int_eq(parse(&m, &d,
	                       "propertyName,value\nfile.roles,bulk\n"
	                       "oneroster.version,1.1\n"),
	                 CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(d.data, "E2:manifest.unknown_file;"));
	cw_buf_dispose(&d);
}
END_TEST

static const struct {
	const char *text;
	const char *code;
} broken[] = {
	{ "property,value\noneroster.version,1.2\n", "E1:manifest.header;" },
	{ "propertyName,value\n", "E0:manifest.version_missing;" },
	{ "propertyName,value\noneroster.version,2.0\n",
	  "E2:manifest.version;" },
	{ "propertyName,value\noneroster.version,1.2\nfile.users,full\n",
	  "E3:manifest.file_mode;" },
	{ "propertyName,value\noneroster.version,1.2\noneroster.version,1.2\n",
	  "E3:manifest.duplicate_property;" },
	{ "propertyName,value\noneroster.version,1.2,x\n",
	  "E2:manifest.field_count;" },
	{ "propertyName,value\n\"oneroster.version,1.2\n",
	  "E2:csv.unterminated_quote;" },
	{ "", "E0:manifest.empty;" },
};

START_TEST(broken_manifests)
{
	cw_buf d = CW_BUF_INIT(4096);
	cw_or_manifest m;

	ck_assert_int_eq(parse(&m, &d, broken[_i].text), CW_EINVAL);
	ck_assert_msg(strstr(cw_buf_cstr(&d), broken[_i].code) != NULL,
	              "case %d: %s", _i, cw_buf_cstr(&d));
	cw_buf_dispose(&d);
}
END_TEST

START_TEST(tolerated_drift)
{
	cw_buf d = CW_BUF_INIT(4096);
	cw_or_manifest m;

	ck_assert_int_eq(parse(&m, &d,
	                       "propertyName,value\r\nsource.systemCode,x\r\n"
	                       "oneroster.version,1.2.1\r\nfile.users,Bulk\r\n"
	                       "vendor.flag,1\r\n"),
	                 0);
	ck_assert_int_eq(m.files[CW_OR_USERS], CW_OR_FILE_BULK);
	ck_assert_ptr_nonnull(
	        strstr(d.data, "W3:manifest.version_normalized;"));
	ck_assert_ptr_nonnull(strstr(d.data, "W4:manifest.mode_case;"));
	ck_assert_ptr_nonnull(strstr(d.data, "W5:manifest.unknown_property;"));
	cw_buf_dispose(&d);
}
END_TEST

Suite *suite_roster_manifest(void)
{
	Suite *s = suite_create("roster/manifest");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, valid_12);
	tcase_add_test(tc, version_decides_the_files);
	tcase_add_loop_test(tc, broken_manifests, 0,
	                    sizeof(broken) / sizeof(broken[0]));
	tcase_add_test(tc, tolerated_drift);
	suite_add_tcase(s, tc);
	return s;
}
