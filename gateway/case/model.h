/* The CASE 1.1 information model as data: each kind of object, its members,
 * their types, which are required and which 1.1 added. The reader, the
 * checks and the writers all read these tables. Pure, no I/O. */
#ifndef CW_CASE_MODEL_H
#define CW_CASE_MODEL_H

#include <stddef.h>

typedef enum {
	CW_CASE_DOCUMENT,
	CW_CASE_ITEM,
	CW_CASE_ASSOCIATION,
	CW_CASE_CONCEPT,
	CW_CASE_SUBJECT,
	CW_CASE_LICENSE,
	CW_CASE_ITEM_TYPE,
	CW_CASE_ASSOCIATION_GROUPING,
	CW_CASE_RUBRIC,
	CW_CASE_RUBRIC_CRITERION,
	CW_CASE_RUBRIC_CRITERION_LEVEL,
	CW_CASE_KIND_COUNT,
	CW_CASE_NONE = -1
} cw_case_kind;

typedef enum {
	CW_CASE_T_UUID,   /* identifier: any version, any case; emitted lower */
	CW_CASE_T_STRING, /* text (Markdown allowed); null is absent */
	CW_CASE_T_URI,    /* a non-empty URI, kept as given */
	CW_CASE_T_DATETIME, /* ISO 8601; no zone read as UTC; emitted ….sssZ */
	CW_CASE_T_DATE,     /* YYYY-MM-DD */
	CW_CASE_T_STRINGS,  /* array of strings (one string or "a,b" taken) */
	CW_CASE_T_LINK,     /* LinkURI {title, identifier (UUID), uri} */
	CW_CASE_T_LINKS,    /* array of LinkURI */
	CW_CASE_T_LINK_GEN, /* LinkGenURI: identifier any string, targetType */
	CW_CASE_T_INT,      /* a whole number */
	CW_CASE_T_NUMBER,   /* any number */
	CW_CASE_T_ASSOC,    /* associationType: the vocabulary or ext: */
	CW_CASE_T_EXTENSIONS, /* an object (1.1 only) */
	CW_CASE_T_CHILDREN    /* an array of objects of member->child kind */
} cw_case_type;

#define CW_CASE_REQUIRED 1u /* the member must be there */
#define CW_CASE_V11      2u /* 1.1 added it: left out of 1.0 answers */

typedef struct {
	const char *name;
	cw_case_type type;
	unsigned flags;
	cw_case_kind child; /* CW_CASE_T_CHILDREN: the kind of the elements */
} cw_case_member;

typedef struct {
	cw_case_kind kind;
	const char *name;       /* "CFItem" */
	const char *collection; /* "CFItems": the package's or definitions' key,
	                           and the REST path "/CFItems/{id}" */
	const cw_case_member *members;
	size_t member_count;
	/* Members older or standalone shapes carry that the package form does
	 * not: dropped on reading without a warning (NULL-terminated). */
	const char *const *dropped;
} cw_case_class;

/** The table of a kind, or NULL. */
const cw_case_class *cw_case_class_of(cw_case_kind kind);
/** The member of a class called name, or NULL (a binary search). */
const cw_case_member *cw_case_member_of(const cw_case_class *c,
                                        const char *name);
/** Its position in the class's members, or -1. */
int cw_case_member_index(const cw_case_class *c, const char *name);

/* More members than any class has. */
#define CW_CASE_MAX_MEMBERS 32

/** The kinds CFDefinitions holds, in the order the spec lists them. */
extern const cw_case_kind cw_case_definition_kinds[5];

/** 1 when type is a 1.0 associationType (isTranslationOf and ext: are
 *  1.1's), 2 when a 1.1 one, 0 when neither. */
int cw_case_association_type(const char *type);

/** 1 when s is a UUID in the 8-4-4-4-12 hex shape (any version or case). */
int cw_case_uuid_shaped(const char *s);

#endif
