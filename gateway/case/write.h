/* The strict writer: CASE objects and packages as the 1.1 or the 1.0
 * binding wants them, from the normalised trees package.c makes. 1.0
 * answers leave out what 1.1 added (extensions, caseVersion, frameworkType,
 * CFItem subjects, association notes and targetType) and say isRelatedTo
 * for the association types 1.0 lacks. Pure. */
#ifndef CW_CASE_WRITE_H
#define CW_CASE_WRITE_H

#include "case/model.h"
#include "util/buf.h"

#include <cjson/cJSON.h>

typedef enum { CW_CASE_V1P0 = 10, CW_CASE_V1P1 = 11 } cw_case_version;

/** The package root (package.h) as JSON text appended to out. */
int cw_case_write_package(cw_buf *out, const cJSON *root, cw_case_version v);

/**
 * One object of kind as JSON text appended to out; extra, when not NULL,
 * is further members' JSON text ("\"CFDocumentURI\":{…}") put last.
 */
int cw_case_write_object(cw_buf *out, const cJSON *object, cw_case_kind kind,
                         cw_case_version v, const char *extra);

#endif
