/* The schemas embedded in the binary from schemas/ at build time: the
 * OneRoster 1.1 and 1.2 JSON bindings, found by name and compiled with the
 * rest of their set as the registry. */
#ifndef CW_SCHEMA_BUILTIN_H
#define CW_SCHEMA_BUILTIN_H

#include "schema/schema.h"
#include "util/embed.h"

typedef enum {
	CW_SCHEMA_SET_ONEROSTER_V1P1 = 0,
	CW_SCHEMA_SET_ONEROSTER_V1P2 = 1,
	CW_SCHEMA_SET_CASE_V1P1 = 2, /* cfpackage.json */
	CW_SCHEMA_SET_MAPPINGS = 3   /* <flow>.json: mapping files */
} cw_schema_set;

/** The embedded file name ("user.json", "user-collection.json",
 *  "user-single.json", "imsx_StatusInfo.json") of set, or NULL. */
const cw_embedded_file *cw_schema_builtin_find(cw_schema_set set,
                                               const char *name);

/** Every file of set, ending with a {NULL, NULL, 0} entry. */
const cw_embedded_file *cw_schema_builtin_files(cw_schema_set set);

/** The URI the documents of set are known under (name appended). */
const char *cw_schema_builtin_base(cw_schema_set set);

/**
 * Compiles the schema name of set, with the other documents of the set as
 * the registry its $refs resolve in.
 * @param options may be NULL (the defaults, format asserted)
 * @return as cw_schema_compile; CW_ENOTFOUND for an unknown name
 */
int cw_schema_builtin_compile(cw_schema **out, cw_schema_set set,
                              const char *name,
                              const cw_schema_options *options);

#endif
