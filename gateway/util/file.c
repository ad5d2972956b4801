/* File helpers. */
#include "util/file.h"

#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cw_file_read(char **out, size_t *len, const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *data = NULL;
	size_t used = 0, alloc = 4096;
	int err = 0;

	*out = NULL;
	if (fd < 0) {
		cw_error_set("%s: %s", path, strerror(errno));
		return errno == ENOENT ? CW_ENOTFOUND : CW_EIO;
	}
	data = cw_malloc(alloc);
	while (data) {
		ssize_t n;

		if (used + 1 >= alloc) {
			char *bigger = alloc > max + 1
			                       ? NULL
			                       : cw_realloc(data, alloc * 2);
			if (!bigger) {
				err = alloc > max + 1 ? CW_ETOOBIG : CW_ENOMEM;
				break;
			}
			data = bigger;
			alloc *= 2;
		}
		n = read(fd, data + used, alloc - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cw_error_set("%s: %s", path, strerror(errno));
			err = CW_EIO;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			err = CW_ETOOBIG;
			break;
		}
	}
	close(fd);
	if (!data)
		err = CW_ENOMEM;
	if (err == CW_ETOOBIG)
		cw_error_set("%s: larger than %zu bytes", path, max);
	if (err < 0) {
		cw_free(data);
		return err;
	}
	data[used] = '\0';
	*out = data;
	*len = used;
	return 0;
}

int cw_file_create(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	const char *p = data;
	int err = 0;

	if (fd < 0) {
		cw_error_set("%s: %s", path, strerror(errno));
		return errno == EEXIST ? CW_EEXISTS : CW_EIO;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cw_error_set("%s: %s", path, strerror(errno));
			err = CW_EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (err == 0 && (fchmod(fd, mode) != 0 || fsync(fd) != 0)) {
		cw_error_set("%s: %s", path, strerror(errno));
		err = CW_EIO;
	}
	if (close(fd) != 0 && err == 0) {
		cw_error_set("%s: %s", path, strerror(errno));
		err = CW_EIO;
	}
	if (err < 0)
		unlink(path);
	return err;
}

int cw_dir_ensure(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	cw_error_set("%s: %s", path,
	             errno == EEXIST ? "exists and is not a directory"
	                             : strerror(errno));
	return CW_EIO;
}
