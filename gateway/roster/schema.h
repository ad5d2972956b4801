/* The OneRoster CSV binding as data: every file of 1.1 and 1.2, its columns,
 * their types, vocabularies and references. Pure tables, no I/O. */
#ifndef CW_ROSTER_SCHEMA_H
#define CW_ROSTER_SCHEMA_H

#include <stddef.h>

typedef enum {
	CW_OR_ACADEMIC_SESSIONS,
	CW_OR_ORGS,
	CW_OR_COURSES,
	CW_OR_CLASSES,
	CW_OR_USERS,
	CW_OR_ROLES,
	CW_OR_ENROLLMENTS,
	CW_OR_DEMOGRAPHICS,
	CW_OR_USER_PROFILES,
	CW_OR_CATEGORIES,
	CW_OR_LINE_ITEMS,
	CW_OR_RESULTS,
	CW_OR_SCORE_SCALES,
	CW_OR_LINE_ITEM_LEARNING_OBJECTIVE_IDS,
	CW_OR_LINE_ITEM_SCORE_SCALES,
	CW_OR_RESULT_LEARNING_OBJECTIVE_IDS,
	CW_OR_RESULT_SCORE_SCALES,
	CW_OR_RESOURCES,
	CW_OR_CLASS_RESOURCES,
	CW_OR_COURSE_RESOURCES,
	CW_OR_USER_RESOURCES,
	/* The assessment results profile: REST only, no CSV file. */
	CW_OR_ASSESSMENT_LINE_ITEMS,
	CW_OR_ASSESSMENT_RESULTS,
	CW_OR_ASSESSMENT_LINE_ITEM_LEARNING_OBJECTIVE_IDS,
	CW_OR_ASSESSMENT_RESULT_LEARNING_OBJECTIVE_IDS,
	CW_OR_ENTITY_COUNT,
	CW_OR_NONE = -1
} cw_or_entity;

/* The entities with a CSV file (in 1.2): the first ones. */
#define CW_OR_CSV_ENTITY_COUNT (CW_OR_USER_RESOURCES + 1)

typedef enum {
	CW_OR_STRING,      /* any text */
	CW_OR_GUID,        /* a sourcedId: [0-9A-Za-z./@_-]{1,255} */
	CW_OR_GUID_LIST,   /* "a,b,c" of GUIDs */
	CW_OR_STRING_LIST, /* "09,10" */
	CW_OR_PAIR_LIST,   /* "{type:id},{type:id}" */
	CW_OR_ENUM,
	CW_OR_ENUM_LIST,
	CW_OR_DATE,     /* YYYY-MM-DD */
	CW_OR_DATETIME, /* YYYY-MM-DDTHH:MM:SS.sssZ */
	CW_OR_YEAR,     /* YYYY */
	CW_OR_BOOL,     /* true | false */
	CW_OR_INT,
	CW_OR_FLOAT,
	CW_OR_STATUS /* active | tobedeleted (delta only) */
} cw_or_type;

#define CW_OR_REQUIRED   1u /* a value is required (in every mode) */
#define CW_OR_EXTENSIBLE 2u /* the vocabulary accepts ext: tokens */

typedef struct {
	const char *name;
	cw_or_type type;
	unsigned flags;
	const char *const *values; /* ENUM / ENUM_LIST: NULL-terminated */
	cw_or_entity ref;          /* GUID / GUID_LIST: what it points at */
} cw_or_column;

typedef struct {
	cw_or_entity entity;
	const char *name; /* "users": the file is users.csv */
	const cw_or_column *columns;
	size_t column_count;
} cw_or_file;

/* More columns than any file has (unit-tested). */
#define CW_OR_MAX_COLUMNS 40

typedef enum { CW_OR_V1P1 = 11, CW_OR_V1P2 = 12 } cw_or_version;

/** The files of a version, in the order the spec lists them. */
const cw_or_file *cw_or_files(cw_or_version version, size_t *count);
/** The file for an entity in a version, or NULL when that version has none. */
const cw_or_file *cw_or_file_for(cw_or_version version, cw_or_entity entity);
/**
 * The stored model's table of an entity: its 1.2 CSV file, or for the
 * entities the REST binding alone has (assessment results) a table of the
 * same shape, named as its collection. NULL for no entity.
 */
const cw_or_file *cw_or_model_file(cw_or_entity entity);
/** Every table of the stored model, CSV files first. */
const cw_or_file *cw_or_model_files(size_t *count);
/** The file named name ("users"), or NULL. */
const cw_or_file *cw_or_file_named(cw_or_version version, const char *name);
/** The entity's file name ("users"), whatever the version. */
const char *cw_or_entity_name(cw_or_entity entity);
/** The 1.1 role word for a 1.2 role (len bytes): the same word where 1.1
 *  has it, "administrator" for the administrators and principal, "aide"
 *  for the rest (counselor, ext: roles). */
const char *cw_or_role_v11(const char *role, size_t len);
/** Index of the column called name in file, or -1. */
int cw_or_column_index(const cw_or_file *file, const char *name);

#endif
