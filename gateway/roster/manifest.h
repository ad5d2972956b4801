/* manifest.csv of a OneRoster CSV set: the version, and for every data file
 * whether it is bulk, delta or absent. Pure. */
#ifndef CW_ROSTER_MANIFEST_H
#define CW_ROSTER_MANIFEST_H

#include "roster/diag.h"
#include "roster/rows.h"
#include "roster/schema.h"

#include <stddef.h>

typedef enum {
	CW_OR_FILE_ABSENT = 0,
	CW_OR_FILE_BULK,
	CW_OR_FILE_DELTA
} cw_or_file_mode;

typedef struct {
	cw_or_version version;
	cw_or_file_mode files[CW_OR_ENTITY_COUNT];
	char source_name[128];
	char source_code[128];
} cw_or_manifest;

/**
 * Parses manifest.csv. Every problem goes to on_diag (file "manifest.csv").
 * @return 0 when usable (warnings allowed), CW_EINVAL when not, CW_ENOMEM
 */
int cw_or_manifest_parse(cw_or_manifest *out, const char *buf, size_t len,
                         cw_diag_cb on_diag, void *payload);

#endif
