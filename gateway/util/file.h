/* Whole-file reads and exclusive creates, with caps and checked errors. */
#ifndef CW_UTIL_FILE_H
#define CW_UTIL_FILE_H

#include <stddef.h>
#include <sys/types.h>

/** Reads path into a new NUL-terminated buffer; CW_ETOOBIG past max bytes,
 *  CW_ENOTFOUND when it does not exist, CW_EIO otherwise. */
int cw_file_read(char **out, size_t *len, const char *path, size_t max);

/** Creates path with mode, failing with CW_EEXISTS if it exists; the data is
 *  written and fsync'd before it returns. */
int cw_file_create(const char *path, const void *data, size_t len, mode_t mode);

/** Makes a directory (mode) unless it exists as one; CW_EIO otherwise. */
int cw_dir_ensure(const char *path, mode_t mode);

#endif
