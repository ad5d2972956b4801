/* crosswalk roster validate on sets the test writes: exit codes, the text
 * and --json reports, directories and zips. */
#include "harness.h"

#include "unit/tmpdir.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

Suite *suite_roster(void);

static cwt_env env;
static char set_dir[300];

static void write_file(const char *name, const char *text)
{
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", set_dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	cwt_env_init(&env);
	snprintf(set_dir, sizeof(set_dir), "%s/set", env.dir);
	ck_assert_int_eq(mkdir(set_dir, 0700), 0);
	write_file("manifest.csv",
	           "propertyName,value\r\nmanifest.version,1.0\r\n"
	           "oneroster.version,1.2\r\nfile.orgs,bulk\r\n"
	           "file.academicSessions,bulk\r\nfile.courses,bulk\r\n"
	           "file.classes,bulk\r\nfile.users,bulk\r\n"
	           "file.enrollments,delta\r\n");
	write_file("orgs.csv", "\xEF\xBB\xBFsourcedId,status,dateLastModified,"
	                       "name,type,identifier,parentSourcedId\r\n"
	                       "dst,,,District,district,,\r\n"
	                       "sch,,,School,school,,dst\r\n");
	write_file("academicSessions.csv",
	           "sourcedId,status,dateLastModified,title,type,startDate,"
	           "endDate,parentSourcedId,schoolYear\n"
	           "y25,,,2025,schoolYear,2024-08-01,2025-06-30,,2025\n"
	           "t1,,,Fall,term,2024-08-01,2024-12-20,y25,2025\n");
	write_file("courses.csv", "sourcedId,title,orgSourcedId\nc,Math,sch\n");
	write_file("classes.csv",
	           "sourcedId,title,courseSourcedId,classType,schoolSourcedId,"
	           "termSourcedIds\nk,Math A,c,scheduled,sch,t1\n");
	write_file("users.csv",
	           "sourcedId,enabledUser,username,givenName,familyName,email\n"
	           "s1,true,s1,Ada,L,\"ada@example.org\"\n"
	           "t1,true,t1,Tim,B,tim@example.org\n");
	write_file("enrollments.csv",
	           "sourcedId,status,dateLastModified,classSourcedId,"
	           "schoolSourcedId,userSourcedId,role\n"
	           "e1,active,2025-01-01T00:00:00.000Z,k,sch,s1,student\n"
	           "e2,active,2025-01-01T00:00:00.000Z,k,sch,t1,teacher\n");
}

static void teardown(void)
{
	cwt_env_cleanup(&env);
}

START_TEST(valid_directory)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);

	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "roster", "validate", set_dir, NULL),
	        0);
	ck_assert_ptr_nonnull(strstr(out.data, ": valid (0 errors, 1 warnings, "
	                                       "10 rows)"));
	ck_assert_ptr_nonnull(strstr(out.data, "enrollments.csv"));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

START_TEST(every_problem_with_its_place)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);

	write_file("users.csv",
	           "sourcedId,enabledUser,username,givenName,familyName\n"
	           "s1,maybe,s1,Ada,L\n"
	           "s1,TRUE,s1,Ada,L\n");
	write_file("enrollments.csv",
	           "sourcedId,status,dateLastModified,classSourcedId,"
	           "schoolSourcedId,userSourcedId,role\n"
	           "e1,active,2025-01-01T00:00:00Z,k,sch,nobody,student\n");
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "roster", "validate", set_dir, NULL),
	        1);
	ck_assert_ptr_nonnull(strstr(out.data,
	                             "users.csv:2:4: error: value.bool: "
	                             "enabledUser: \"maybe\" is not true or "
	                             "false\n"));
	ck_assert_ptr_nonnull(
	        strstr(out.data, "users.csv:3:4: warning: value.bool_case"));
	ck_assert_ptr_nonnull(strstr(out.data,
	                             "users.csv:3:1: error: row.duplicate_id: "
	                             "sourcedId \"s1\" is also on line 2\n"));
	ck_assert_ptr_nonnull(
	        strstr(out.data, "enrollments.csv:2:38: error: ref.missing: "
	                         "userSourcedId: users \"nobody\" is not in "
	                         "users.csv\n"));
	ck_assert_ptr_nonnull(
	        strstr(out.data, "INVALID (3 errors, 3 warnings"));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

START_TEST(json_report)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	cJSON *doc = NULL, *files, *d;

	write_file("orgs.csv", "sourcedId,name,type\ndst,District,galaxy\n");
	ck_assert_int_eq(cwt_run(&env, &out, &err, "roster", "validate",
	                         set_dir, "--json", NULL),
	                 1);
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 16, NULL), 0);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(doc, "valid")));
	ck_assert_str_eq(cw_json_string(doc, "version"), "1.2");
	files = cJSON_GetObjectItem(doc, "files");
	ck_assert_int_eq(cJSON_GetArraySize(files), 6);
	ck_assert_str_eq(cw_json_string(cJSON_GetArrayItem(files, 1), "file"),
	                 "orgs.csv");
	ck_assert_int_eq(
	        cJSON_GetObjectItem(cJSON_GetArrayItem(files, 1), "errors")
	                ->valueint,
	        1);
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(doc, "diagnostics"))
	{
		if (strcmp(cw_json_string(d, "code"), "value.enum") == 0)
			break;
	}
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(cw_json_string(d, "file"), "orgs.csv");
	ck_assert_str_eq(cw_json_string(d, "severity"), "error");
	ck_assert_int_eq(cJSON_GetObjectItem(d, "line")->valueint, 2);
	ck_assert_int_eq(cJSON_GetObjectItem(d, "column")->valueint, 14);
	cJSON_Delete(doc);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

START_TEST(zip_and_missing_paths)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	char command[1024], zip_path[400];

	snprintf(zip_path, sizeof(zip_path), "%s/set.zip", env.dir);
	snprintf(command, sizeof(command), "cd '%s' && zip -q -r '%s' .",
	         set_dir, zip_path);
	ck_assert_int_eq(system(command), 0);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "roster", "validate", zip_path, NULL),
	        0);
	ck_assert_ptr_nonnull(strstr(out.data, ": valid"));
	ck_assert_int_eq(cwt_run(&env, &out, &err, "roster", "validate",
	                         "/no/such/set", NULL),
	                 1);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "roster", "validate", NULL),
	                 2);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

Suite *suite_roster(void)
{
	Suite *s = suite_create("integration/roster");
	TCase *tc = tcase_create("validate");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, valid_directory);
	tcase_add_test(tc, every_problem_with_its_place);
	tcase_add_test(tc, json_report);
	tcase_add_test(tc, zip_and_missing_paths);
	suite_add_tcase(s, tc);
	return s;
}
