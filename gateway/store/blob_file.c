/* Reading and writing the files behind blobs, for both backends. */
#include "store/blob_file.h"

#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cw_blob_file_each(const char *path,
                      int (*fn)(const void *data, size_t len, int seq,
                                void *payload),
                      void *payload, int64_t *size)
{
	unsigned char *chunk = cw_malloc(CW_BLOB_CHUNK);
	int fd = chunk ? open(path, O_RDONLY | O_CLOEXEC) : -1, seq = 0,
	    err = 0;

	*size = 0;
	if (!chunk)
		return CW_ENOMEM;
	if (fd < 0) {
		cw_error_set("%s: %s", path, strerror(errno));
		cw_free(chunk);
		return errno == ENOENT ? CW_ENOTFOUND : CW_EIO;
	}
	for (;;) {
		size_t len = 0;
		while (len < CW_BLOB_CHUNK) {
			ssize_t n = read(fd, chunk + len, CW_BLOB_CHUNK - len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				cw_error_set("%s: %s", path, strerror(errno));
				err = CW_EIO;
				goto out;
			}
			if (n == 0)
				break;
			len += (size_t)n;
		}
		if (len == 0 && seq > 0)
			break;
		if ((err = fn(chunk, len, seq++, payload)) < 0)
			goto out;
		*size += (int64_t)len;
		if (len < CW_BLOB_CHUNK)
			break;
	}
out:
	close(fd);
	cw_free(chunk);
	return err;
}

int cw_blob_writer_open(cw_blob_writer *w, const char *path)
{
	w->fd = -1;
	if ((size_t)snprintf(w->path, sizeof(w->path), "%s", path) >=
	            sizeof(w->path) ||
	    (size_t)snprintf(w->temp, sizeof(w->temp), "%s.%ld.part", path,
	                     (long)getpid()) >= sizeof(w->temp)) {
		cw_error_set("%.100s…: the path is too long", path);
		return CW_ETOOBIG;
	}
	w->fd = open(w->temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		cw_error_set("%s: %s", w->temp, strerror(errno));
		return CW_EIO;
	}
	return 0;
}

int cw_blob_writer_write(cw_blob_writer *w, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len) {
		ssize_t n = write(w->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cw_error_set("%s: %s", w->temp, strerror(errno));
			return CW_EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cw_blob_writer_close(cw_blob_writer *w, int commit)
{
	int err = 0;

	if (w->fd < 0)
		return 0;
	if (commit && fsync(w->fd) != 0) {
		cw_error_set("%s: %s", w->temp, strerror(errno));
		err = CW_EIO;
	}
	if (close(w->fd) != 0 && err == 0) {
		cw_error_set("%s: %s", w->temp, strerror(errno));
		err = CW_EIO;
	}
	w->fd = -1;
	if (commit && err == 0 && rename(w->temp, w->path) != 0) {
		cw_error_set("%s: %s", w->path, strerror(errno));
		err = CW_EIO;
	}
	if (!commit || err < 0)
		unlink(w->temp);
	return err;
}
