#!/usr/bin/env python3
"""Writes a synthetic OneRoster 1.2 bulk set: one district, its schools,
terms, courses, classes, teachers, students and enrollments.

usage: gen_district.py OUT_DIR [--students N] [--enrollments-per-student K]
The defaults (200,000 students, 5 enrollments each) give 1,000,000 student
enrollments plus the teachers'. Deterministic: the same arguments give the
same bytes."""
import argparse
import os
import random

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--students", type=int, default=200_000)
ap.add_argument("--enrollments-per-student", type=int, default=5)
ap.add_argument("--students-per-class", type=int, default=25)
args = ap.parse_args()
os.makedirs(args.out, exist_ok=True)
rnd = random.Random(42)
n_students = args.students
per = args.enrollments_per_student
n_classes = max(1, n_students * per // args.students_per_class)
n_schools = max(1, n_students // 1000)
n_teachers = max(1, n_classes // 5)
n_courses = max(1, n_classes // 10)
GIVEN = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances",
         "Niklaus", "Margaret", "Dennis", "Radia", "Ken", "Lynn", "Tim"]
FAMILY = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth",
          "Allen", "Wirth", "Hamilton", "Ritchie", "Perlman", "Thompson"]


def write(name, header, rows):
    with open(os.path.join(args.out, name + ".csv"), "w", newline="") as f:
        f.write(header + "\r\n")
        for r in rows:
            f.write(r + "\r\n")


write("manifest", "propertyName,value", [
    "manifest.version,1.0", "oneroster.version,1.2",
    *[f"file.{n},bulk" for n in ("academicSessions", "orgs", "courses",
                                  "classes", "users", "roles",
                                  "enrollments")],
    *[f"file.{n},absent" for n in (
        "demographics", "userProfiles", "categories", "lineItems",
        "results", "scoreScales", "lineItemLearningObjectiveIds",
        "lineItemScoreScales", "resultLearningObjectiveIds",
        "resultScoreScales", "resources", "classResources",
        "courseResources", "userResources")],
    "source.systemName,gen_district.py"])
write("academicSessions",
      "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
      "parentSourcedId,schoolYear",
      ["y2026,,,2025-2026,schoolYear,2025-08-15,2026-06-15,,2026",
       "t1,,,Fall,term,2025-08-15,2025-12-19,y2026,2026",
       "t2,,,Spring,term,2026-01-05,2026-06-15,y2026,2026"])
write("orgs", "sourcedId,status,dateLastModified,name,type,identifier,"
      "parentSourcedId",
      ["dst,,,Synthetic District,district,D001,"] +
      [f"sch{i},,,School {i},school,S{i:04d},dst" for i in range(n_schools)])
write("courses", "sourcedId,status,dateLastModified,schoolYearSourcedId,"
      "title,courseCode,grades,orgSourcedId,subjects,subjectCodes",
      (f"crs{i},,,y2026,Course {i},C{i:05d},\"09,10\",sch{i % n_schools},"
       f"Mathematics,MATH" for i in range(n_courses)))
write("classes", "sourcedId,status,dateLastModified,title,grades,"
      "courseSourcedId,classCode,classType,location,schoolSourcedId,"
      "termSourcedIds,subjects,subjectCodes,periods",
      (f"cls{i},,,Class {i},\"09,10\",crs{i % n_courses},K{i:06d},"
       f"scheduled,Room {i % 300},sch{i % n_schools},\"t1,t2\",Mathematics,"
       f"MATH,{i % 8 + 1}" for i in range(n_classes)))
write("users", "sourcedId,status,dateLastModified,enabledUser,username,"
      "userIds,givenName,familyName,middleName,identifier,email,sms,phone,"
      "agentSourcedIds,grades,password,userMasterIdentifier,"
      "preferredGivenName,preferredMiddleName,preferredFamilyName,"
      "primaryOrgSourcedId,pronouns",
      [f"tch{i},,,true,tch{i},{{LDAP:t{i}}},{GIVEN[i % 14]},"
       f"{FAMILY[i % 12]},,T{i:06d},tch{i}@example.org,,,,,,,,,,"
       f"sch{i % n_schools}," for i in range(n_teachers)] +
      [f"stu{i},,,true,stu{i},{{LDAP:s{i}}},{GIVEN[(i * 7) % 14]},"
       f"{FAMILY[(i * 5) % 12]},,S{i:07d},stu{i}@example.org,,,,10,,,,,,"
       f"sch{i % n_schools}," for i in range(n_students)])
write("roles", "sourcedId,status,dateLastModified,userSourcedId,roleType,"
      "role,beginDate,endDate,orgSourcedId,userProfileSourcedId",
      [f"rt{i},,,tch{i},primary,teacher,,,sch{i % n_schools},"
       for i in range(n_teachers)] +
      [f"rs{i},,,stu{i},primary,student,,,sch{i % n_schools},"
       for i in range(n_students)])


def enrollments():
    for c in range(n_classes):
        yield (f"et{c},,,cls{c},sch{c % n_schools},tch{c % n_teachers},"
               f"teacher,true,,")
    for s in range(n_students):
        base = rnd.randrange(n_classes)
        for k in range(per):
            c = (base + k * 7919) % n_classes
            yield f"es{s}-{k},,,cls{c},sch{c % n_schools},stu{s},student,,,"


write("enrollments", "sourcedId,status,dateLastModified,classSourcedId,"
      "schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
      enrollments())
