/* Files embedded in the binary at build time (migrations, later contexts). */
#ifndef CW_UTIL_EMBED_H
#define CW_UTIL_EMBED_H

#include <stddef.h>

typedef struct {
	const char *name;
	const unsigned char *data;
	size_t len;
} cw_embedded_file;

#endif
