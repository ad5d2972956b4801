/* crosswalk roster validate on sets the test writes: exit codes, the text
 * and --json reports, directories and zips. */
#include "harness.h"

#include "unit/tmpdir.h"
#include "util/json.h"
#include "util/timeutil.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Runs crosswalk with up to 12 arguments (ARGS adds --json); returns the
 * parsed output. */
static cJSON *run_json(int expect, const char *const *argv)
{
	cw_buf out = CW_BUF_INIT(4 << 20), err = CW_BUF_INIT(1 << 20);
	const char *a[13] = { NULL };
	cJSON *doc = NULL;
	int code;

	for (int i = 0; i < 12 && argv[i]; i++)
		a[i] = argv[i];
	code = cwt_run(&env, &out, &err, a[0], a[1], a[2], a[3], a[4], a[5],
	               a[6], a[7], a[8], a[9], a[10], a[11], a[12], NULL);
	ck_assert_msg(code == expect, "exit %d, wanted %d: %s%s", code, expect,
	              cw_buf_cstr(&out), cw_buf_cstr(&err));
	ck_assert_msg(cw_json_parse(&doc, out.data, out.len, 32, NULL) == 0,
	              "not JSON: %s", cw_buf_cstr(&out));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	return doc;
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, "--json", NULL })

static long entity_count(const cJSON *report, const char *entity,
                         const char *what)
{
	const cJSON *e = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(report, "entities"), entity);

	return e ? (long)cJSON_GetObjectItem(e, what)->valuedouble : -1;
}

static void remove_files(const char *const *names)
{
	for (; *names; names++) {
		char path[500];
		snprintf(path, sizeof(path), "%s/%s", set_dir, *names);
		ck_assert_int_eq(unlink(path), 0);
	}
}

static void add_tenant(void)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);

	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d1", NULL),
	                 0);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

static cJSON *import_set(int expect, const char *path, int approve)
{
	if (approve)
		return run_json(expect, ARGS("roster", "import", "--tenant",
		                             "d1", path, "--approve"));
	return run_json(expect,
	                ARGS("roster", "import", "--tenant", "d1", path));
}

/* Reads a file of an exported set into out. */
static void read_export(char *out, size_t cap, const char *dir,
                        const char *name)
{
	char path[600];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s missing", path);
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	fclose(f);
}

START_TEST(import_applies_then_nothing_changes)
{
	cJSON *r;

	add_tenant();
	r = import_set(0, set_dir, 0);
	ck_assert_str_eq(cw_json_string(r, "state"), "applied");
	ck_assert_int_eq(entity_count(r, "users", "added"), 2);
	ck_assert_int_eq(entity_count(r, "enrollments", "added"), 2);
	cJSON_Delete(r);
	r = import_set(0, set_dir, 0);
	ck_assert_str_eq(cw_json_string(r, "state"), "unchanged");
	ck_assert_int_eq(entity_count(r, "users", "unchanged"), 2);
	ck_assert_int_eq(entity_count(r, "users", "added"), 0);
	cJSON_Delete(r);
}
END_TEST

START_TEST(an_error_anywhere_changes_nothing)
{
	char out_dir[400], users[4096];
	cJSON *r;

	add_tenant();
	cJSON_Delete(import_set(0, set_dir, 0));
	/* Users change, but the last file read has an error. */
	write_file("users.csv",
	           "sourcedId,enabledUser,username,givenName,familyName\n"
	           "s1,true,s1,Ada,Changed\nt1,true,t1,Tim,B\n");
	write_file("enrollments.csv",
	           "sourcedId,status,dateLastModified,classSourcedId,"
	           "schoolSourcedId,userSourcedId,role\n"
	           "e1,active,2025-01-01T00:00:00.000Z,k,sch,s1,pupil\n");
	r = import_set(1, set_dir, 0);
	ck_assert_str_eq(cw_json_string(r, "state"), "rejected");
	ck_assert_int_eq(cJSON_GetObjectItem(r, "errors")->valueint, 1);
	cJSON_Delete(r);
	snprintf(out_dir, sizeof(out_dir), "%s/after", env.dir);
	cJSON_Delete(run_json(0, ARGS("roster", "export", "--tenant", "d1",
	                              "--version", "1.2", "--out", out_dir)));
	read_export(users, sizeof(users), out_dir, "users.csv");
	ck_assert_ptr_nonnull(strstr(users, ",Ada,L,"));
	ck_assert_ptr_null(strstr(users, "Changed"));
}
END_TEST

START_TEST(deleting_what_others_point_at_is_refused)
{
	cJSON *r, *d;
	int saw = 0;

	add_tenant();
	cJSON_Delete(import_set(0, set_dir, 0));
	/* Users are replaced without t1, but the enrollments the tenant holds
	 * (not in this set) still name t1. */
	remove_files((const char *const[]){ "orgs.csv", "academicSessions.csv",
	                                    "courses.csv", "classes.csv",
	                                    "enrollments.csv", NULL });
	write_file("manifest.csv", "propertyName,value\noneroster.version,1.2\n"
	                           "file.users,bulk\n");
	write_file("users.csv",
	           "sourcedId,enabledUser,username,givenName,familyName\n"
	           "s1,true,s1,Ada,L\n");
	r = run_json(1, ARGS("roster", "import", "--tenant", "d1", set_dir,
	                     "--approve"));
	ck_assert_str_eq(cw_json_string(r, "state"), "rejected");
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(r, "diagnostics"))
	{
		if (strcmp(cw_json_string(d, "code"), "ref.dangling") != 0)
			continue;
		saw = 1;
		ck_assert_str_eq(cw_json_string(d, "file"), "enrollments.csv");
		ck_assert_ptr_nonnull(
		        strstr(cw_json_string(d, "message"), "\"e2\""));
		ck_assert_ptr_nonnull(strstr(cw_json_string(d, "message"),
		                             "userSourcedId \"t1\""));
	}
	ck_assert(saw);
	cJSON_Delete(r);
	/* Nothing changed: the full set imports back unchanged. */
	write_file(
	        "manifest.csv",
	        "propertyName,value\noneroster.version,1.2\nfile.users,bulk\n"
	        "file.enrollments,bulk\n");
	write_file("users.csv",
	           "sourcedId,enabledUser,username,givenName,familyName,email\n"
	           "s1,true,s1,Ada,L,\"ada@example.org\"\n"
	           "t1,true,t1,Tim,B,tim@example.org\n");
	write_file(
	        "enrollments.csv",
	        "sourcedId,classSourcedId,schoolSourcedId,userSourcedId,role\n"
	        "e1,k,sch,s1,student\ne2,k,sch,t1,teacher\n");
	r = import_set(0, set_dir, 0);
	ck_assert_int_eq(entity_count(r, "users", "unchanged"), 2);
	ck_assert_int_eq(entity_count(r, "users", "added"), 0);
	cJSON_Delete(r);
}
END_TEST

START_TEST(big_deletions_wait_for_approval)
{
	cJSON *r;

	add_tenant();
	cJSON_Delete(import_set(0, set_dir, 0));
	write_file("users.csv",
	           "sourcedId,enabledUser,username,givenName,familyName\n"
	           "s1,true,s1,Ada,L\n");
	write_file("enrollments.csv",
	           "sourcedId,status,dateLastModified,classSourcedId,"
	           "schoolSourcedId,userSourcedId,role\n"
	           "e2,tobedeleted,2025-02-01T00:00:00.000Z,,,,\n");
	r = import_set(1, set_dir, 0);
	ck_assert_str_eq(cw_json_string(r, "state"), "pending");
	ck_assert_ptr_nonnull(strstr(cw_json_string(r, "held_reason"),
	                             "delete 1 of the 2 users"));
	cJSON_Delete(r);
	r = import_set(0, set_dir, 1);
	ck_assert_str_eq(cw_json_string(r, "state"), "applied");
	ck_assert_int_eq(entity_count(r, "users", "deleted"), 1);
	/* The delta deletion needs only the sourcedId. */
	ck_assert_int_eq(entity_count(r, "enrollments", "deleted"), 1);
	ck_assert_int_eq(entity_count(r, "enrollments", "unchanged"), 0);
	cJSON_Delete(r);
}
END_TEST

START_TEST(export_validates_and_imports_back_unchanged)
{
	char out_dir[400], zip_path[400], delta_dir[400], text[8192];
	cJSON *r;

	add_tenant();
	cJSON_Delete(import_set(0, set_dir, 0));
	snprintf(out_dir, sizeof(out_dir), "%s/out12", env.dir);
	snprintf(zip_path, sizeof(zip_path), "%s/out12.zip", env.dir);
	r = run_json(0, ARGS("roster", "export", "--tenant", "d1", "--version",
	                     "1.2", "--out", out_dir));
	ck_assert_int_eq(cJSON_GetObjectItem(r, "rows")->valueint, 10);
	cJSON_Delete(r);
	read_export(text, sizeof(text), out_dir, "orgs.csv");
	ck_assert_str_eq(text, "sourcedId,status,dateLastModified,name,type,"
	                       "identifier,parentSourcedId\r\n"
	                       "dst,,,District,district,,\r\n"
	                       "sch,,,School,school,,dst\r\n");
	r = run_json(0, ARGS("roster", "validate", out_dir));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "valid")));
	ck_assert_int_eq(cJSON_GetObjectItem(r, "warnings")->valueint, 0);
	cJSON_Delete(r);
	r = import_set(0, out_dir, 0);
	ck_assert_str_eq(cw_json_string(r, "state"), "unchanged");
	cJSON_Delete(r);
	cJSON_Delete(run_json(0, ARGS("roster", "export", "--tenant", "d1",
	                              "--version", "1.2", "--out", zip_path)));
	r = import_set(0, zip_path, 0);
	ck_assert_str_eq(cw_json_string(r, "state"), "unchanged");
	cJSON_Delete(r);

	/* A delta since before the import holds everything as active. */
	snprintf(delta_dir, sizeof(delta_dir), "%s/delta", env.dir);
	r = run_json(0, ARGS("roster", "export", "--tenant", "d1", "--since",
	                     "2000-01-01T00:00:00Z", "--version", "1.2",
	                     "--out", delta_dir));
	ck_assert_str_eq(cw_json_string(r, "mode"), "delta");
	cJSON_Delete(r);
	read_export(text, sizeof(text), delta_dir, "users.csv");
	ck_assert_ptr_nonnull(strstr(text, "\r\ns1,active,20"));
	r = run_json(0, ARGS("roster", "validate", delta_dir));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "valid")));
	cJSON_Delete(r);
}
END_TEST

START_TEST(canvas_sis_export)
{
	char out[400], text[8192];
	cJSON *r;

	add_tenant();
	cJSON_Delete(import_set(0, set_dir, 0));
	snprintf(out, sizeof(out), "%s/canvas", env.dir);
	r = run_json(0, ARGS("roster", "export", "--tenant", "d1", "--format",
	                     "canvas", "--out", out));
	ck_assert_str_eq(cw_json_string(r, "format"), "canvas");
	cJSON_Delete(r);
	read_export(text, sizeof(text), out, "accounts.csv");
	/* The district comes before the school that names it as parent. */
	ck_assert_str_eq(text, "account_id,parent_account_id,name,status\r\n"
	                       "dst,,District,active\r\n"
	                       "sch,dst,School,active\r\n");
	read_export(text, sizeof(text), out, "courses.csv");
	ck_assert_ptr_nonnull(
	        strstr(text, "k,Math A,Math A,sch,t1,active\r\n"));
	read_export(text, sizeof(text), out, "sections.csv");
	ck_assert_ptr_nonnull(strstr(text, "k,k,Math A,active\r\n"));
	read_export(text, sizeof(text), out, "enrollments.csv");
	ck_assert_ptr_nonnull(strstr(text, "k,s1,student,k,active\r\n"));
	ck_assert_ptr_nonnull(strstr(text, "k,t1,teacher,k,active\r\n"));
	read_export(text, sizeof(text), out, "users.csv");
	ck_assert_ptr_nonnull(
	        strstr(text, "s1,s1,Ada,L,ada@example.org,active"));
	read_export(text, sizeof(text), out, "terms.csv");
	ck_assert_ptr_nonnull(strstr(text, "t1,Fall,active,2024-08-01,"
	                                   "2024-12-20\r\n"));
}
END_TEST

START_TEST(v11_users_become_roles_and_back)
{
	char out12[400], out11[400], text[8192];
	cJSON *r;

	add_tenant();
	remove_files((const char *const[]){ "academicSessions.csv",
	                                    "courses.csv", "classes.csv",
	                                    "enrollments.csv", NULL });
	write_file("manifest.csv", "propertyName,value\noneroster.version,1.1\n"
	                           "file.orgs,bulk\nfile.users,bulk\n");
	write_file("users.csv",
	           "sourcedId,status,dateLastModified,enabledUser,"
	           "orgSourcedIds,role,username,givenName,familyName\n"
	           "s1,,,true,\"sch,dst\",student,s1,Ada,L\n"
	           "a1,,,true,dst,administrator,a1,Al,M\n");
	r = import_set(0, set_dir, 0);
	ck_assert_int_eq(entity_count(r, "users", "added"), 2);
	ck_assert_int_eq(entity_count(r, "roles", "added"), 3);
	cJSON_Delete(r);
	snprintf(out12, sizeof(out12), "%s/v12", env.dir);
	cJSON_Delete(run_json(0, ARGS("roster", "export", "--tenant", "d1",
	                              "--version", "1.2", "--out", out12)));
	read_export(text, sizeof(text), out12, "roles.csv");
	ck_assert_ptr_nonnull(strstr(text, "s1.sch.role,,,s1,primary,student,"
	                                   ",,sch,\r\n"));
	ck_assert_ptr_nonnull(strstr(text, "s1.dst.role,,,s1,secondary,"
	                                   "student,,,dst,\r\n"));
	ck_assert_ptr_nonnull(strstr(text, "a1.dst.role,,,a1,primary,"
	                                   "siteAdministrator,"));
	read_export(text, sizeof(text), out12, "users.csv");
	ck_assert_ptr_nonnull(strstr(text, ",sch,\r\n")); /* primaryOrg */
	snprintf(out11, sizeof(out11), "%s/v11", env.dir);
	cJSON_Delete(run_json(0, ARGS("roster", "export", "--tenant", "d1",
	                              "--version", "1.1", "--out", out11)));
	read_export(text, sizeof(text), out11, "users.csv");
	ck_assert_ptr_nonnull(strstr(text, "s1,,,true,\"sch,dst\",student,"));
	ck_assert_ptr_nonnull(strstr(text, "a1,,,true,dst,administrator,"));
	r = run_json(0, ARGS("roster", "validate", out11));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "valid")));
	cJSON_Delete(r);
	r = import_set(0, out11, 0);
	ck_assert_str_eq(cw_json_string(r, "state"), "unchanged");
	cJSON_Delete(r);
}
END_TEST

/* 1.1 lineItems have no schoolSourcedId, which 1.2 requires: the class's
 * school fills it, from the set or from what the tenant holds. */
START_TEST(v11_line_items_get_their_class_school)
{
	char out12[400], text[8192];
	cJSON *r;

	add_tenant();
	remove_files(
	        (const char *const[]){ "users.csv", "enrollments.csv", NULL });
	write_file("manifest.csv",
	           "propertyName,value\noneroster.version,1.1\n"
	           "file.orgs,bulk\nfile.academicSessions,bulk\n"
	           "file.courses,bulk\nfile.classes,bulk\n"
	           "file.categories,bulk\nfile.lineItems,bulk\n");
	write_file("categories.csv", "sourcedId,title\ncat,Homework\n");
	write_file("lineItems.csv",
	           "sourcedId,title,assignDate,dueDate,classSourcedId,"
	           "categorySourcedId,gradingPeriodSourcedId\n"
	           "li1,Essay,2024-09-01,2024-09-15,k,cat,t1\n");
	r = import_set(0, set_dir, 0);
	ck_assert_int_eq(entity_count(r, "lineItems", "added"), 1);
	cJSON_Delete(r);
	snprintf(out12, sizeof(out12), "%s/v12", env.dir);
	cJSON_Delete(run_json(0, ARGS("roster", "export", "--tenant", "d1",
	                              "--version", "1.2", "--out", out12)));
	read_export(text, sizeof(text), out12, "lineItems.csv");
	ck_assert_ptr_nonnull(strstr(text, "li1,,,Essay,,2024-09-01,2024-09-15,"
	                                   "k,cat,t1,,,sch\r\n"));
	r = run_json(0, ARGS("roster", "validate", out12));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "valid")));
	cJSON_Delete(r);
	r = import_set(0, out12, 0);
	ck_assert_str_eq(cw_json_string(r, "state"), "unchanged");
	cJSON_Delete(r);

	/* A delta of lineItems alone: the class is the tenant's. */
	remove_files((const char *const[]){ "orgs.csv", "academicSessions.csv",
	                                    "courses.csv", "classes.csv",
	                                    "categories.csv", NULL });
	write_file("manifest.csv", "propertyName,value\noneroster.version,1.1\n"
	                           "file.lineItems,delta\n");
	write_file("lineItems.csv",
	           "sourcedId,status,dateLastModified,title,assignDate,dueDate,"
	           "classSourcedId,categorySourcedId,gradingPeriodSourcedId\n"
	           "li2,active,2024-09-02T00:00:00Z,Quiz,2024-09-02,2024-09-03,"
	           "k,cat,t1\n");
	r = import_set(0, set_dir, 0);
	ck_assert_int_eq(entity_count(r, "lineItems", "added"), 1);
	cJSON_Delete(r);
	cJSON_Delete(run_json(0, ARGS("roster", "export", "--tenant", "d1",
	                              "--version", "1.2", "--out", out12)));
	read_export(text, sizeof(text), out12, "lineItems.csv");
	ck_assert_ptr_nonnull(strstr(text, "li2,,,Quiz,,2024-09-02,2024-09-03,"
	                                   "k,cat,t1,,,sch\r\n"));
}
END_TEST

/* A 1.2 set without roles.csv: in 1.1 a user's role and orgs come from its
 * enrollments; one with neither is left out, and the report says so. */
START_TEST(v11_export_of_users_without_roles)
{
	char out11[400], text[8192];
	cJSON *r;

	add_tenant();
	write_file("users.csv",
	           "sourcedId,enabledUser,username,givenName,familyName\n"
	           "s1,true,s1,Ada,L\nt1,true,t1,Tim,B\nx9,true,x9,No,Role\n");
	cJSON_Delete(import_set(0, set_dir, 0));
	snprintf(out11, sizeof(out11), "%s/v11", env.dir);
	r = run_json(0, ARGS("roster", "export", "--tenant", "d1", "--version",
	                     "1.1", "--out", out11));
	ck_assert_int_eq(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(r, "skipped"), "users")
	                ->valueint,
	        1);
	cJSON_Delete(r);
	read_export(text, sizeof(text), out11, "users.csv");
	ck_assert_ptr_nonnull(strstr(text, "\r\ns1,,,true,sch,student,s1,"));
	ck_assert_ptr_nonnull(strstr(text, "\r\nt1,,,true,sch,teacher,t1,"));
	ck_assert_ptr_null(strstr(text, "x9"));
	r = run_json(0, ARGS("roster", "validate", out11));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "valid")));
	cJSON_Delete(r);
}
END_TEST

/* In 1.1 a user's role is a column of users.csv: a delta since a role
 * changed carries the user, though the user row itself did not change. */
START_TEST(v11_delta_carries_users_whose_roles_changed)
{
	static const char header[] =
	        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,"
	        "role,username,givenName,familyName\n";
	char out11[400], text[8192], since[40], users[400];
	cJSON *r;

	add_tenant();
	remove_files((const char *const[]){ "academicSessions.csv",
	                                    "courses.csv", "classes.csv",
	                                    "enrollments.csv", NULL });
	write_file("manifest.csv", "propertyName,value\noneroster.version,1.1\n"
	                           "file.orgs,bulk\nfile.users,bulk\n");
	snprintf(users, sizeof(users),
	         "%ss1,,,true,\"sch,dst\",student,s1,Ada,L\n"
	         "a1,,,true,dst,administrator,a1,Al,M\n",
	         header);
	write_file("users.csv", users);
	cJSON_Delete(import_set(0, set_dir, 0));
	cwt_sleep_ms(20);
	cw_time_format_iso(cw_time_now_ms(), since);
	cwt_sleep_ms(20);
	/* s1 becomes a teacher: only its role rows change. */
	snprintf(users, sizeof(users),
	         "%ss1,,,true,\"sch,dst\",teacher,s1,Ada,L\n"
	         "a1,,,true,dst,administrator,a1,Al,M\n",
	         header);
	write_file("users.csv", users);
	r = import_set(0, set_dir, 0);
	ck_assert_int_eq(entity_count(r, "users", "unchanged"), 2);
	ck_assert_int_eq(entity_count(r, "roles", "updated"), 2);
	cJSON_Delete(r);
	snprintf(out11, sizeof(out11), "%s/d11", env.dir);
	cJSON_Delete(run_json(0, ARGS("roster", "export", "--tenant", "d1",
	                              "--version", "1.1", "--since", since,
	                              "--out", out11)));
	read_export(text, sizeof(text), out11, "users.csv");
	ck_assert_ptr_nonnull(strstr(text, "\r\ns1,active,"));
	ck_assert_ptr_nonnull(
	        strstr(text, ",true,\"sch,dst\",teacher,s1,,Ada,L,"));
	ck_assert_ptr_null(strstr(text, "a1"));
	r = run_json(0, ARGS("roster", "validate", out11));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "valid")));
	cJSON_Delete(r);

	/* s1 leaves the district org: a role is deleted, nothing else. */
	cwt_sleep_ms(20);
	cw_time_format_iso(cw_time_now_ms(), since);
	cwt_sleep_ms(20);
	snprintf(users, sizeof(users),
	         "%ss1,,,true,sch,teacher,s1,Ada,L\n"
	         "a1,,,true,dst,administrator,a1,Al,M\n",
	         header);
	write_file("users.csv", users);
	r = import_set(0, set_dir, 1);
	ck_assert_int_eq(entity_count(r, "roles", "deleted"), 1);
	cJSON_Delete(r);
	snprintf(out11, sizeof(out11), "%s/d11b", env.dir);
	cJSON_Delete(run_json(0, ARGS("roster", "export", "--tenant", "d1",
	                              "--version", "1.1", "--since", since,
	                              "--out", out11)));
	read_export(text, sizeof(text), out11, "users.csv");
	ck_assert_ptr_nonnull(strstr(text, ",true,sch,teacher,s1,,Ada,L,"));
	ck_assert_ptr_null(strstr(text, "a1"));
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
	tcase_add_test(tc, import_applies_then_nothing_changes);
	tcase_add_test(tc, an_error_anywhere_changes_nothing);
	tcase_add_test(tc, deleting_what_others_point_at_is_refused);
	tcase_add_test(tc, big_deletions_wait_for_approval);
	tcase_add_test(tc, export_validates_and_imports_back_unchanged);
	tcase_add_test(tc, canvas_sis_export);
	tcase_add_test(tc, v11_users_become_roles_and_back);
	tcase_add_test(tc, v11_line_items_get_their_class_school);
	tcase_add_test(tc, v11_export_of_users_without_roles);
	tcase_add_test(tc, v11_delta_carries_users_whose_roles_changed);
	suite_add_tcase(s, tc);
	return s;
}
