/* Files in and out of the store's blobs (store layer only): a file read in
 * chunks, and a file written under a temporary name and renamed into
 * place once complete, so no reader sees half of it. */
#ifndef CW_STORE_BLOB_FILE_H
#define CW_STORE_BLOB_FILE_H

#include <stddef.h>
#include <stdint.h>

#define CW_BLOB_CHUNK ((size_t)1 << 20)

/** Calls fn with each chunk of path (at most CW_BLOB_CHUNK bytes; at least
 *  one call, empty for an empty file); *size the bytes read. */
int cw_blob_file_each(const char *path,
                      int (*fn)(const void *data, size_t len, int seq,
                                void *payload),
                      void *payload, int64_t *size);

typedef struct {
	int fd;
	char path[4096], temp[4120];
} cw_blob_writer;

/** Opens path's temporary sibling for writing (mode 0600). */
int cw_blob_writer_open(cw_blob_writer *w, const char *path);
int cw_blob_writer_write(cw_blob_writer *w, const void *data, size_t len);
/** commit: fsyncs and renames into place; else removes the temporary
 *  file. Returns the first error (or 0). */
int cw_blob_writer_close(cw_blob_writer *w, int commit);

#endif
