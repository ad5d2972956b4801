/* Sources of OneRoster CSV sets: a directory or a .zip file. */
#ifndef CW_ENGINE_ROSTER_SOURCE_H
#define CW_ENGINE_ROSTER_SOURCE_H

#include "roster/package.h"

#include <stdint.h>

/** Caps on what a zip may expand to (zip bombs). */
typedef struct {
	uint64_t max_total_bytes; /* all files together, uncompressed */
	uint64_t max_ratio;       /* uncompressed / compressed, per file */
} cw_or_zip_limits;

/** Opens a set at path: a directory, or a file ending in .zip. */
int cw_or_source_open(cw_or_source **out, const char *path,
                      const cw_or_zip_limits *limits);
int cw_or_source_dir(cw_or_source **out, const char *path);
int cw_or_source_zip(cw_or_source **out, const char *path,
                     const cw_or_zip_limits *limits);

#endif
