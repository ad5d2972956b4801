/* The OneRoster 1.2 set the REST tests import: every entity of the
 * rostering, gradebook and resources files, small enough to reason about. */
#include "or_set.h"

#include <check.h>
#include <stdio.h>
#include <sys/stat.h>

void cwt_or_write_file(const char *dir, const char *name, const char *text)
{
	char path[500];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

void cwt_or_import(const cwt_env *env, const char *tenant, const char *dir)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);

	ck_assert_msg(cwt_run(env, &out, &err, "roster", "import", "--tenant",
	                      tenant, dir, "--approve", NULL) == 0,
	              "%s%s", cw_buf_cstr(&out), cw_buf_cstr(&err));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

void cwt_or_write_set(const char *dir, const char *users)
{
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	cwt_or_write_file(
	        dir, "manifest.csv",
	        "propertyName,value\noneroster.version,1.2\n"
	        "file.orgs,bulk\nfile.academicSessions,bulk\n"
	        "file.courses,bulk\nfile.classes,bulk\nfile.users,bulk\n"
	        "file.roles,bulk\nfile.enrollments,bulk\n"
	        "file.demographics,bulk\nfile.categories,bulk\n"
	        "file.scoreScales,bulk\nfile.lineItems,bulk\n"
	        "file.results,bulk\nfile.lineItemLearningObjectiveIds,bulk\n"
	        "file.resultLearningObjectiveIds,bulk\n"
	        "file.lineItemScoreScales,bulk\n"
	        "file.resultScoreScales,bulk\nfile.resources,bulk\n"
	        "file.classResources,bulk\nfile.courseResources,bulk\n"
	        "file.userResources,bulk\n");
	cwt_or_write_file(
	        dir, "resources.csv",
	        "sourcedId,vendorResourceId,title,roles,importance,vendorId\n"
	        "rsa,V1,Algebra Tiles,student,primary,ven\n"
	        "rsb,V2,Atlas,,secondary,ven\n");
	cwt_or_write_file(
	        dir, "classResources.csv",
	        "sourcedId,classSourcedId,resourceSourcedId\ncr1,k,rsa\n");
	cwt_or_write_file(
	        dir, "courseResources.csv",
	        "sourcedId,courseSourcedId,resourceSourcedId\nkr1,c,rsb\n");
	cwt_or_write_file(
	        dir, "userResources.csv",
	        "sourcedId,userSourcedId,resourceSourcedId\nur1,s1,rsa\n"
	        "ur2,s1,rsb\n");
	cwt_or_write_file(dir, "categories.csv",
	                  "sourcedId,title,weight\n"
	                  "cat,Homework,2\n");
	cwt_or_write_file(
	        dir, "scoreScales.csv",
	        "sourcedId,title,type,orgSourcedId,courseSourcedId,"
	        "classSourcedId,scoreScaleValue\nsc,Mastery,mastery,sch,c,k,"
	        "\"{Proficient:3},{Advanced:4}\"\n");
	cwt_or_write_file(
	        dir, "lineItems.csv",
	        "sourcedId,title,assignDate,dueDate,classSourcedId,"
	        "categorySourcedId,academicSessionSourcedId,resultValueMin,"
	        "resultValueMax,schoolSourcedId\n"
	        "li1,Ratios,2024-09-01,2024-09-15,k,cat,gp1,0,4,sch\n"
	        "li2,Essay,2024-09-01,2024-09-15,k2,cat,gp1,0,4,sch2\n");
	cwt_or_write_file(
	        dir, "results.csv",
	        "sourcedId,lineItemSourcedId,studentSourcedId,scoreStatus,"
	        "score,scoreDate,textScore,classSourcedId\n"
	        "res1,li1,s1,fully graded,3,2024-09-16,Proficient,k\n"
	        "res2,li2,s2,fully graded,2.5,2024-09-16,,k2\n");
	cwt_or_write_file(
	        dir, "lineItemLearningObjectiveIds.csv",
	        "sourcedId,lineItemSourcedId,source,learningObjectiveId\n"
	        "lo1,li1,case,urn:uuid:5e3c9b2a-7f4d-4c1e-9a0b-1d2e3f405162\n"
	        "lo2,li1,case,urn:uuid:6f4dac3b-8a5e-4d2f-8b1c-2e3f40516273\n");
	cwt_or_write_file(
	        dir, "resultLearningObjectiveIds.csv",
	        "sourcedId,resultSourcedId,source,learningObjectiveId,score,"
	        "textScore\nro1,res1,case,"
	        "urn:uuid:5e3c9b2a-7f4d-4c1e-9a0b-1d2e3f405162,3,Proficient\n");
	cwt_or_write_file(dir, "lineItemScoreScales.csv",
	                  "sourcedId,lineItemSourcedId,scoreScaleSourcedId\n"
	                  "ls1,li1,sc\n");
	cwt_or_write_file(dir, "resultScoreScales.csv",
	                  "sourcedId,resultSourcedId,scoreScaleSourcedId\n"
	                  "rs1,res1,sc\n");
	cwt_or_write_file(
	        dir, "orgs.csv",
	        "sourcedId,name,type,identifier,parentSourcedId\n"
	        "dst,District,district,D1,\nsch,School,school,S1,dst\n"
	        "sch2,Other School,school,S2,dst\n");
	cwt_or_write_file(
	        dir, "academicSessions.csv",
	        "sourcedId,title,type,startDate,endDate,parentSourcedId,"
	        "schoolYear\ny25,2025,schoolYear,2024-08-01,2025-06-30,,"
	        "2025\nt1,Fall,term,2024-08-01,2024-12-20,y25,2025\n"
	        "gp1,Q1,gradingPeriod,2024-08-01,2024-10-01,t1,2025\n");
	cwt_or_write_file(dir, "courses.csv",
	                  "sourcedId,title,courseCode,orgSourcedId\n"
	                  "c,Math,M1,sch\n");
	cwt_or_write_file(
	        dir, "classes.csv",
	        "sourcedId,title,courseSourcedId,classType,schoolSourcedId,"
	        "termSourcedIds,grades\nk,Math A,c,scheduled,sch,t1,"
	        "\"09,10\"\nk2,Math B,c,scheduled,sch2,t1,09\n");
	cwt_or_write_file(dir, "users.csv", users);
	cwt_or_write_file(
	        dir, "roles.csv",
	        "sourcedId,userSourcedId,roleType,role,orgSourcedId\n"
	        "r1,s1,primary,student,sch\nr2,s2,primary,student,sch\n"
	        "r3,t1,primary,teacher,sch\n");
	cwt_or_write_file(
	        dir, "enrollments.csv",
	        "sourcedId,classSourcedId,schoolSourcedId,userSourcedId,"
	        "role\ne1,k,sch,s1,student\ne2,k,sch,t1,teacher\n"
	        "e3,k2,sch2,s2,student\n");
	cwt_or_write_file(dir, "demographics.csv",
	                  "sourcedId,birthDate,sex\n"
	                  "s1,2010-01-02,female\n");
}

const char cwt_or_users_csv[] =
        "sourcedId,enabledUser,username,userIds,givenName,familyName,"
        "preferredGivenName,email\n"
        "s1,true,s1,{LDAP:a1},Ada,Lovelace,Addie,ada@example.org\n"
        "s2,true,s2,,Grace,Hopper,,grace@example.org\n"
        "t1,true,t1,,Alan,Turing,,alan@example.org\n";
