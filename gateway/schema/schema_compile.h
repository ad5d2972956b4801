/* The compiler's interface between schema_compile.c (walking documents)
 * and schema_load.c (registry, dialects, meta-schemas, the public calls). */
#ifndef CW_SCHEMA_COMPILE_H
#define CW_SCHEMA_COMPILE_H

#include "schema/schema_internal.h"

typedef struct sch_compiler sch_compiler;

int sch_compiler_new(sch_compiler **out, cw_schema *schema,
                     const cw_schema_registry *registry);
void sch_compiler_free(sch_compiler *c);
cw_schema *sch_compiler_schema(sch_compiler *c);
const cw_schema_registry *sch_compiler_registry(sch_compiler *c);

/** Walks a whole document known as uri (absolute, no fragment). */
int sch_compile_document(sch_compiler *c, const cJSON *json, const char *uri,
                         int draft, unsigned vocab);
/** Resolves every reference found so far, and those the documents they
 *  load bring. */
int sch_compile_resolve(sch_compiler *c);

/** The draft and vocabularies a $schema URI names (schema_load.c). */
int sch_dialect(sch_compiler *c, const char *uri, int *draft, unsigned *vocab);
/** Compiles the registry document or meta-schema known as uri, if any;
 *  0 also when there is none (the caller reports the reference). */
int sch_load_remote(sch_compiler *c, const char *uri);

#endif
