/* OneRoster CSV tables. Column orders are the spec's (CSV binding 1.2.1 and
 * 1.1); the reader matches headers by name, the writer uses these orders. */
#include "roster/schema.h"

#include <stdio.h>
#include <string.h>

#define R  CW_OR_REQUIRED
#define X  CW_OR_EXTENSIBLE
#define NO CW_OR_NONE

static const char *const session_types[] = { "gradingPeriod", "semester",
	                                     "schoolYear", "term", NULL };
static const char *const org_types[] = { "department", "school", "district",
	                                 "local",      "state",  "national",
	                                 NULL };
static const char *const class_types[] = { "homeroom", "scheduled", NULL };
static const char *const role_types[] = { "primary", "secondary", NULL };
static const char *const roles_v12[] = { "aide",
	                                 "counselor",
	                                 "districtAdministrator",
	                                 "guardian",
	                                 "parent",
	                                 "principal",
	                                 "proctor",
	                                 "relative",
	                                 "siteAdministrator",
	                                 "student",
	                                 "systemAdministrator",
	                                 "teacher",
	                                 NULL };
static const char *const roles_v11[] = { "administrator", "aide",    "guardian",
	                                 "parent",        "proctor", "relative",
	                                 "student",       "teacher", NULL };
static const char *const enrollment_roles[] = { "administrator", "proctor",
	                                        "student", "teacher", NULL };
static const char *const sexes[] = { "male", "female", "unspecified", "other",
	                             NULL };
static const char *const score_statuses[] = {
	"exempt",           "fully graded", "not submitted",
	"partially graded", "submitted",    NULL
};
static const char *const objective_sources[] = { "case", "unknown", NULL };
static const char *const importances[] = { "primary", "secondary", NULL };

#define COMMON                                                                 \
	{ "sourcedId", CW_OR_GUID, R, NULL, NO },                              \
	        { "status", CW_OR_STATUS, 0, NULL, NO },                       \
	{                                                                      \
		"dateLastModified", CW_OR_DATETIME, 0, NULL, NO                \
	}

/* users.csv from userIds to password: the same in 1.1 and 1.2. */
#define USER_COLUMNS                                                           \
	{ "userIds", CW_OR_PAIR_LIST, 0, NULL, NO },                           \
	        { "givenName", CW_OR_STRING, R, NULL, NO },                    \
	        { "familyName", CW_OR_STRING, R, NULL, NO },                   \
	        { "middleName", CW_OR_STRING, 0, NULL, NO },                   \
	        { "identifier", CW_OR_STRING, 0, NULL, NO },                   \
	        { "email", CW_OR_STRING, 0, NULL, NO },                        \
	        { "sms", CW_OR_STRING, 0, NULL, NO },                          \
	        { "phone", CW_OR_STRING, 0, NULL, NO },                        \
	        { "agentSourcedIds", CW_OR_GUID_LIST, 0, NULL, CW_OR_USERS },  \
	        { "grades", CW_OR_STRING_LIST, 0, NULL, NO },                  \
	{                                                                      \
		"password", CW_OR_STRING, 0, NULL, NO                          \
	}

#define FILE_ENTRY(entity, name, columns)                                      \
	{                                                                      \
		entity, name, columns, sizeof(columns) / sizeof(columns[0])    \
	}

/* clang-format off */
static const cw_or_column academic_sessions[] = {
	COMMON,
	{"title", CW_OR_STRING, R, NULL, NO},
	{"type", CW_OR_ENUM, R | X, session_types, NO},
	{"startDate", CW_OR_DATE, R, NULL, NO},
	{"endDate", CW_OR_DATE, R, NULL, NO},
	{"parentSourcedId", CW_OR_GUID, 0, NULL, CW_OR_ACADEMIC_SESSIONS},
	{"schoolYear", CW_OR_YEAR, R, NULL, NO},
};

static const cw_or_column orgs[] = {
	COMMON,
	{"name", CW_OR_STRING, R, NULL, NO},
	{"type", CW_OR_ENUM, R | X, org_types, NO},
	{"identifier", CW_OR_STRING, 0, NULL, NO},
	{"parentSourcedId", CW_OR_GUID, 0, NULL, CW_OR_ORGS},
};

static const cw_or_column courses[] = {
	COMMON,
	{"schoolYearSourcedId", CW_OR_GUID, 0, NULL, CW_OR_ACADEMIC_SESSIONS},
	{"title", CW_OR_STRING, R, NULL, NO},
	{"courseCode", CW_OR_STRING, 0, NULL, NO},
	{"grades", CW_OR_STRING_LIST, 0, NULL, NO},
	{"orgSourcedId", CW_OR_GUID, R, NULL, CW_OR_ORGS},
	{"subjects", CW_OR_STRING_LIST, 0, NULL, NO},
	{"subjectCodes", CW_OR_STRING_LIST, 0, NULL, NO},
};

static const cw_or_column classes[] = {
	COMMON,
	{"title", CW_OR_STRING, R, NULL, NO},
	{"grades", CW_OR_STRING_LIST, 0, NULL, NO},
	{"courseSourcedId", CW_OR_GUID, R, NULL, CW_OR_COURSES},
	{"classCode", CW_OR_STRING, 0, NULL, NO},
	{"classType", CW_OR_ENUM, R | X, class_types, NO},
	{"location", CW_OR_STRING, 0, NULL, NO},
	{"schoolSourcedId", CW_OR_GUID, R, NULL, CW_OR_ORGS},
	{"termSourcedIds", CW_OR_GUID_LIST, R, NULL, CW_OR_ACADEMIC_SESSIONS},
	{"subjects", CW_OR_STRING_LIST, 0, NULL, NO},
	{"subjectCodes", CW_OR_STRING_LIST, 0, NULL, NO},
	{"periods", CW_OR_STRING_LIST, 0, NULL, NO},
};

static const cw_or_column users_v12[] = {
	COMMON,
	{"enabledUser", CW_OR_BOOL, R, NULL, NO},
	{"username", CW_OR_STRING, R, NULL, NO},
	USER_COLUMNS,
	{"userMasterIdentifier", CW_OR_STRING, 0, NULL, NO},
	{"preferredGivenName", CW_OR_STRING, 0, NULL, NO},
	{"preferredMiddleName", CW_OR_STRING, 0, NULL, NO},
	{"preferredFamilyName", CW_OR_STRING, 0, NULL, NO},
	{"primaryOrgSourcedId", CW_OR_GUID, 0, NULL, CW_OR_ORGS},
	{"pronouns", CW_OR_STRING, 0, NULL, NO},
};

static const cw_or_column users_v11[] = {
	COMMON,
	{"enabledUser", CW_OR_BOOL, R, NULL, NO},
	{"orgSourcedIds", CW_OR_GUID_LIST, R, NULL, CW_OR_ORGS},
	{"role", CW_OR_ENUM, R, roles_v11, NO},
	{"username", CW_OR_STRING, R, NULL, NO},
	USER_COLUMNS,
};

static const cw_or_column roles[] = {
	COMMON,
	{"userSourcedId", CW_OR_GUID, R, NULL, CW_OR_USERS},
	{"roleType", CW_OR_ENUM, R, role_types, NO},
	{"role", CW_OR_ENUM, R | X, roles_v12, NO},
	{"beginDate", CW_OR_DATE, 0, NULL, NO},
	{"endDate", CW_OR_DATE, 0, NULL, NO},
	{"orgSourcedId", CW_OR_GUID, R, NULL, CW_OR_ORGS},
	{"userProfileSourcedId", CW_OR_GUID, 0, NULL, CW_OR_USER_PROFILES},
};

static const cw_or_column enrollments[] = {
	COMMON,
	{"classSourcedId", CW_OR_GUID, R, NULL, CW_OR_CLASSES},
	{"schoolSourcedId", CW_OR_GUID, R, NULL, CW_OR_ORGS},
	{"userSourcedId", CW_OR_GUID, R, NULL, CW_OR_USERS},
	{"role", CW_OR_ENUM, R | X, enrollment_roles, NO},
	{"primary", CW_OR_BOOL, 0, NULL, NO},
	{"beginDate", CW_OR_DATE, 0, NULL, NO},
	{"endDate", CW_OR_DATE, 0, NULL, NO},
};

/* demographics.sourcedId is the user's sourcedId. */
static const cw_or_column demographics[] = {
	{"sourcedId", CW_OR_GUID, R, NULL, CW_OR_USERS},
	{"status", CW_OR_STATUS, 0, NULL, NO},
	{"dateLastModified", CW_OR_DATETIME, 0, NULL, NO},
	{"birthDate", CW_OR_DATE, 0, NULL, NO},
	{"sex", CW_OR_ENUM, X, sexes, NO},
	{"americanIndianOrAlaskaNative", CW_OR_BOOL, 0, NULL, NO},
	{"asian", CW_OR_BOOL, 0, NULL, NO},
	{"blackOrAfricanAmerican", CW_OR_BOOL, 0, NULL, NO},
	{"nativeHawaiianOrOtherPacificIslander", CW_OR_BOOL, 0, NULL, NO},
	{"white", CW_OR_BOOL, 0, NULL, NO},
	{"demographicRaceTwoOrMoreRaces", CW_OR_BOOL, 0, NULL, NO},
	{"hispanicOrLatinoEthnicity", CW_OR_BOOL, 0, NULL, NO},
	{"countryOfBirthCode", CW_OR_STRING, 0, NULL, NO},
	{"stateOfBirthAbbreviation", CW_OR_STRING, 0, NULL, NO},
	{"cityOfBirth", CW_OR_STRING, 0, NULL, NO},
	{"publicSchoolResidenceStatus", CW_OR_STRING, 0, NULL, NO},
};

static const cw_or_column user_profiles[] = {
	COMMON,
	{"userSourcedId", CW_OR_GUID, R, NULL, CW_OR_USERS},
	{"profileType", CW_OR_STRING, R, NULL, NO},
	{"vendorId", CW_OR_STRING, R, NULL, NO},
	{"applicationId", CW_OR_STRING, 0, NULL, NO},
	{"description", CW_OR_STRING, 0, NULL, NO},
	{"credentialType", CW_OR_STRING, R, NULL, NO},
	{"username", CW_OR_STRING, R, NULL, NO},
	{"password", CW_OR_STRING, 0, NULL, NO},
};

static const cw_or_column categories_v12[] = {
	COMMON,
	{"title", CW_OR_STRING, R, NULL, NO},
	{"weight", CW_OR_INT, 0, NULL, NO},
};

static const cw_or_column categories_v11[] = {
	COMMON,
	{"title", CW_OR_STRING, R, NULL, NO},
};

static const cw_or_column line_items_v12[] = {
	COMMON,
	{"title", CW_OR_STRING, R, NULL, NO},
	{"description", CW_OR_STRING, 0, NULL, NO},
	{"assignDate", CW_OR_DATE, R, NULL, NO},
	{"dueDate", CW_OR_DATE, R, NULL, NO},
	{"classSourcedId", CW_OR_GUID, R, NULL, CW_OR_CLASSES},
	{"categorySourcedId", CW_OR_GUID, R, NULL, CW_OR_CATEGORIES},
	{"academicSessionSourcedId", CW_OR_GUID, R, NULL, CW_OR_ACADEMIC_SESSIONS},
	{"resultValueMin", CW_OR_FLOAT, 0, NULL, NO},
	{"resultValueMax", CW_OR_FLOAT, 0, NULL, NO},
	{"schoolSourcedId", CW_OR_GUID, R, NULL, CW_OR_ORGS},
};

static const cw_or_column line_items_v11[] = {
	COMMON,
	{"title", CW_OR_STRING, R, NULL, NO},
	{"description", CW_OR_STRING, 0, NULL, NO},
	{"assignDate", CW_OR_DATE, R, NULL, NO},
	{"dueDate", CW_OR_DATE, R, NULL, NO},
	{"classSourcedId", CW_OR_GUID, R, NULL, CW_OR_CLASSES},
	{"categorySourcedId", CW_OR_GUID, R, NULL, CW_OR_CATEGORIES},
	{"gradingPeriodSourcedId", CW_OR_GUID, R, NULL, CW_OR_ACADEMIC_SESSIONS},
	{"resultValueMin", CW_OR_FLOAT, 0, NULL, NO},
	{"resultValueMax", CW_OR_FLOAT, 0, NULL, NO},
};

static const cw_or_column results_v12[] = {
	COMMON,
	{"lineItemSourcedId", CW_OR_GUID, R, NULL, CW_OR_LINE_ITEMS},
	{"studentSourcedId", CW_OR_GUID, R, NULL, CW_OR_USERS},
	{"scoreStatus", CW_OR_ENUM, R | X, score_statuses, NO},
	{"score", CW_OR_FLOAT, 0, NULL, NO},
	{"scoreDate", CW_OR_DATE, R, NULL, NO},
	{"comment", CW_OR_STRING, 0, NULL, NO},
	{"textScore", CW_OR_STRING, 0, NULL, NO},
	{"classSourcedId", CW_OR_GUID, 0, NULL, CW_OR_CLASSES},
	{"inProgress", CW_OR_BOOL, 0, NULL, NO},
	{"incomplete", CW_OR_BOOL, 0, NULL, NO},
	{"late", CW_OR_BOOL, 0, NULL, NO},
	{"missing", CW_OR_BOOL, 0, NULL, NO},
};

static const cw_or_column results_v11[] = {
	COMMON,
	{"lineItemSourcedId", CW_OR_GUID, R, NULL, CW_OR_LINE_ITEMS},
	{"studentSourcedId", CW_OR_GUID, R, NULL, CW_OR_USERS},
	{"scoreStatus", CW_OR_ENUM, R, score_statuses, NO},
	{"score", CW_OR_FLOAT, 0, NULL, NO},
	{"scoreDate", CW_OR_DATE, R, NULL, NO},
	{"comment", CW_OR_STRING, 0, NULL, NO},
};

static const cw_or_column score_scales[] = {
	COMMON,
	{"title", CW_OR_STRING, R, NULL, NO},
	{"type", CW_OR_STRING, R, NULL, NO},
	{"orgSourcedId", CW_OR_GUID, R, NULL, CW_OR_ORGS},
	{"courseSourcedId", CW_OR_GUID, R, NULL, CW_OR_COURSES},
	{"classSourcedId", CW_OR_GUID, R, NULL, CW_OR_CLASSES},
	{"scoreScaleValue", CW_OR_PAIR_LIST, R, NULL, NO},
};

static const cw_or_column line_item_objectives[] = {
	COMMON,
	{"lineItemSourcedId", CW_OR_GUID, R, NULL, CW_OR_LINE_ITEMS},
	{"source", CW_OR_ENUM, R | X, objective_sources, NO},
	{"learningObjectiveId", CW_OR_STRING, R, NULL, NO},
};

static const cw_or_column line_item_scales[] = {
	COMMON,
	{"title", CW_OR_STRING, 0, NULL, NO},
	{"lineItemSourcedId", CW_OR_GUID, R, NULL, CW_OR_LINE_ITEMS},
	{"scoreScaleSourcedId", CW_OR_GUID, R, NULL, CW_OR_SCORE_SCALES},
};

static const cw_or_column result_objectives[] = {
	COMMON,
	{"resultSourcedId", CW_OR_GUID, R, NULL, CW_OR_RESULTS},
	{"source", CW_OR_ENUM, R | X, objective_sources, NO},
	{"learningObjectiveId", CW_OR_STRING, R, NULL, NO},
	{"score", CW_OR_FLOAT, 0, NULL, NO},
	{"textScore", CW_OR_STRING, 0, NULL, NO},
};

static const cw_or_column result_scales[] = {
	COMMON,
	{"title", CW_OR_STRING, 0, NULL, NO},
	{"resultSourcedId", CW_OR_GUID, R, NULL, CW_OR_RESULTS},
	{"scoreScaleSourcedId", CW_OR_GUID, R, NULL, CW_OR_SCORE_SCALES},
};

static const cw_or_column resources[] = {
	COMMON,
	{"vendorResourceId", CW_OR_STRING, R, NULL, NO},
	{"title", CW_OR_STRING, 0, NULL, NO},
	{"roles", CW_OR_ENUM_LIST, X, roles_v11, NO},
	{"importance", CW_OR_ENUM, 0, importances, NO},
	{"vendorId", CW_OR_STRING, 0, NULL, NO},
	{"applicationId", CW_OR_STRING, 0, NULL, NO},
};

static const cw_or_column class_resources[] = {
	COMMON,
	{"title", CW_OR_STRING, 0, NULL, NO},
	{"classSourcedId", CW_OR_GUID, R, NULL, CW_OR_CLASSES},
	{"resourceSourcedId", CW_OR_GUID, R, NULL, CW_OR_RESOURCES},
};

static const cw_or_column course_resources[] = {
	COMMON,
	{"title", CW_OR_STRING, 0, NULL, NO},
	{"courseSourcedId", CW_OR_GUID, R, NULL, CW_OR_COURSES},
	{"resourceSourcedId", CW_OR_GUID, R, NULL, CW_OR_RESOURCES},
};

static const cw_or_column user_resources[] = {
	COMMON,
	{"userSourcedId", CW_OR_GUID, R, NULL, CW_OR_USERS},
	{"orgSourcedId", CW_OR_GUID, 0, NULL, CW_OR_ORGS},
	{"classSourcedId", CW_OR_GUID, 0, NULL, CW_OR_CLASSES},
	{"resourceSourcedId", CW_OR_GUID, R, NULL, CW_OR_RESOURCES},
};

/* The assessment results profile (REST only). Its references are columns
 * of the row; learning objectives are link rows as for lineItems. */
static const cw_or_column assessment_line_items[] = {
	COMMON,
	{"title", CW_OR_STRING, R, NULL, NO},
	{"description", CW_OR_STRING, 0, NULL, NO},
	{"classSourcedId", CW_OR_GUID, 0, NULL, CW_OR_CLASSES},
	{"parentAssessmentLineItemSourcedId", CW_OR_GUID, 0, NULL, CW_OR_ASSESSMENT_LINE_ITEMS},
	{"scoreScaleSourcedId", CW_OR_GUID, 0, NULL, CW_OR_SCORE_SCALES},
	{"resultValueMin", CW_OR_FLOAT, 0, NULL, NO},
	{"resultValueMax", CW_OR_FLOAT, 0, NULL, NO},
};

static const cw_or_column assessment_results[] = {
	COMMON,
	{"assessmentLineItemSourcedId", CW_OR_GUID, R, NULL, CW_OR_ASSESSMENT_LINE_ITEMS},
	{"studentSourcedId", CW_OR_GUID, R, NULL, CW_OR_USERS},
	{"score", CW_OR_FLOAT, 0, NULL, NO},
	{"textScore", CW_OR_STRING, 0, NULL, NO},
	{"scoreDate", CW_OR_DATE, R, NULL, NO},
	{"scoreScaleSourcedId", CW_OR_GUID, 0, NULL, CW_OR_SCORE_SCALES},
	{"scorePercentile", CW_OR_FLOAT, 0, NULL, NO},
	{"scoreStatus", CW_OR_ENUM, R | X, score_statuses, NO},
	{"comment", CW_OR_STRING, 0, NULL, NO},
	{"inProgress", CW_OR_BOOL, 0, NULL, NO},
	{"incomplete", CW_OR_BOOL, 0, NULL, NO},
	{"late", CW_OR_BOOL, 0, NULL, NO},
	{"missing", CW_OR_BOOL, 0, NULL, NO},
};

static const cw_or_column assessment_line_item_objectives[] = {
	COMMON,
	{"assessmentLineItemSourcedId", CW_OR_GUID, R, NULL, CW_OR_ASSESSMENT_LINE_ITEMS},
	{"source", CW_OR_ENUM, R | X, objective_sources, NO},
	{"learningObjectiveId", CW_OR_STRING, R, NULL, NO},
};

static const cw_or_column assessment_result_objectives[] = {
	COMMON,
	{"assessmentResultSourcedId", CW_OR_GUID, R, NULL, CW_OR_ASSESSMENT_RESULTS},
	{"source", CW_OR_ENUM, R | X, objective_sources, NO},
	{"learningObjectiveId", CW_OR_STRING, R, NULL, NO},
	{"score", CW_OR_FLOAT, 0, NULL, NO},
	{"textScore", CW_OR_STRING, 0, NULL, NO},
};

/* The 1.2 CSV files, then the REST-only tables: by entity, in one array. */
static const cw_or_file model_files[] = {
	FILE_ENTRY(CW_OR_ACADEMIC_SESSIONS, "academicSessions", academic_sessions),
	FILE_ENTRY(CW_OR_ORGS, "orgs", orgs),
	FILE_ENTRY(CW_OR_COURSES, "courses", courses),
	FILE_ENTRY(CW_OR_CLASSES, "classes", classes),
	FILE_ENTRY(CW_OR_USERS, "users", users_v12),
	FILE_ENTRY(CW_OR_ROLES, "roles", roles),
	FILE_ENTRY(CW_OR_ENROLLMENTS, "enrollments", enrollments),
	FILE_ENTRY(CW_OR_DEMOGRAPHICS, "demographics", demographics),
	FILE_ENTRY(CW_OR_USER_PROFILES, "userProfiles", user_profiles),
	FILE_ENTRY(CW_OR_CATEGORIES, "categories", categories_v12),
	FILE_ENTRY(CW_OR_LINE_ITEMS, "lineItems", line_items_v12),
	FILE_ENTRY(CW_OR_RESULTS, "results", results_v12),
	FILE_ENTRY(CW_OR_SCORE_SCALES, "scoreScales", score_scales),
	FILE_ENTRY(CW_OR_LINE_ITEM_LEARNING_OBJECTIVE_IDS, "lineItemLearningObjectiveIds", line_item_objectives),
	FILE_ENTRY(CW_OR_LINE_ITEM_SCORE_SCALES, "lineItemScoreScales", line_item_scales),
	FILE_ENTRY(CW_OR_RESULT_LEARNING_OBJECTIVE_IDS, "resultLearningObjectiveIds", result_objectives),
	FILE_ENTRY(CW_OR_RESULT_SCORE_SCALES, "resultScoreScales", result_scales),
	FILE_ENTRY(CW_OR_RESOURCES, "resources", resources),
	FILE_ENTRY(CW_OR_CLASS_RESOURCES, "classResources", class_resources),
	FILE_ENTRY(CW_OR_COURSE_RESOURCES, "courseResources", course_resources),
	FILE_ENTRY(CW_OR_USER_RESOURCES, "userResources", user_resources),
	FILE_ENTRY(CW_OR_ASSESSMENT_LINE_ITEMS, "assessmentLineItems", assessment_line_items),
	FILE_ENTRY(CW_OR_ASSESSMENT_RESULTS, "assessmentResults", assessment_results),
	FILE_ENTRY(CW_OR_ASSESSMENT_LINE_ITEM_LEARNING_OBJECTIVE_IDS, "assessmentLineItemLearningObjectiveIds", assessment_line_item_objectives),
	FILE_ENTRY(CW_OR_ASSESSMENT_RESULT_LEARNING_OBJECTIVE_IDS, "assessmentResultLearningObjectiveIds", assessment_result_objectives),
};

#define files_v12 model_files

static const cw_or_file files_v11[] = {
	FILE_ENTRY(CW_OR_ACADEMIC_SESSIONS, "academicSessions", academic_sessions),
	FILE_ENTRY(CW_OR_CATEGORIES, "categories", categories_v11),
	FILE_ENTRY(CW_OR_CLASS_RESOURCES, "classResources", class_resources),
	FILE_ENTRY(CW_OR_CLASSES, "classes", classes),
	FILE_ENTRY(CW_OR_COURSE_RESOURCES, "courseResources", course_resources),
	FILE_ENTRY(CW_OR_COURSES, "courses", courses),
	FILE_ENTRY(CW_OR_DEMOGRAPHICS, "demographics", demographics),
	FILE_ENTRY(CW_OR_ENROLLMENTS, "enrollments", enrollments),
	FILE_ENTRY(CW_OR_LINE_ITEMS, "lineItems", line_items_v11),
	FILE_ENTRY(CW_OR_ORGS, "orgs", orgs),
	FILE_ENTRY(CW_OR_RESULTS, "results", results_v11),
	FILE_ENTRY(CW_OR_RESOURCES, "resources", resources),
	FILE_ENTRY(CW_OR_USERS, "users", users_v11),
};
/* clang-format on */

#define COUNT(a) (sizeof(a) / sizeof(a[0]))

_Static_assert(COUNT(model_files) == CW_OR_ENTITY_COUNT,
               "one model table per entity");

const cw_or_file *cw_or_files(cw_or_version version, size_t *count)
{
	if (version == CW_OR_V1P1) {
		*count = COUNT(files_v11);
		return files_v11;
	}
	*count = CW_OR_CSV_ENTITY_COUNT;
	return files_v12;
}

const cw_or_file *cw_or_model_file(cw_or_entity entity)
{
	if (entity < 0 || entity >= CW_OR_ENTITY_COUNT)
		return NULL;
	return &model_files[entity];
}

const cw_or_file *cw_or_model_files(size_t *count)
{
	*count = COUNT(model_files);
	return model_files;
}

const cw_or_file *cw_or_file_for(cw_or_version version, cw_or_entity entity)
{
	size_t count;
	const cw_or_file *files = cw_or_files(version, &count);

	for (size_t i = 0; i < count; i++)
		if (files[i].entity == entity)
			return &files[i];
	return NULL;
}

const cw_or_file *cw_or_file_named(cw_or_version version, const char *name)
{
	size_t count;
	const cw_or_file *files = cw_or_files(version, &count);

	for (size_t i = 0; i < count; i++)
		if (strcmp(files[i].name, name) == 0)
			return &files[i];
	return NULL;
}

const char *cw_or_entity_name(cw_or_entity entity)
{
	if (entity < 0 || entity >= CW_OR_ENTITY_COUNT)
		return "?";
	return files_v12[entity].name;
}

int cw_or_column_index(const cw_or_file *file, const char *name)
{
	for (size_t i = 0; i < file->column_count; i++)
		if (strcmp(file->columns[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *cw_or_role_v11(const char *role, size_t len)
{
	static const char *const same[] = { "aide",    "guardian", "parent",
		                            "proctor", "relative", "student",
		                            "teacher", NULL };
	char word[64];

	for (const char *const *s = same; *s; s++)
		if (strlen(*s) == len && memcmp(*s, role, len) == 0)
			return *s;
	snprintf(word, sizeof(word), "%.*s", (int)(len < 63 ? len : 63), role);
	if (strstr(word, "dministrator") || strcmp(word, "principal") == 0)
		return "administrator";
	return "aide"; /* counselor and ext: roles: 1.1 has no closer word */
}
