/* Directory and zip sources. A zip is never extracted to disk: members are
 * streamed, matched by file name, and capped in size and ratio. */
#include "engine/roster_source.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
	cw_or_source base;
	char *path;
} dir_source;

static int dir_open(cw_or_source *src, const char *name, void **handle)
{
	dir_source *d = (dir_source *)src;
	cw_buf path = CW_BUF_INIT(8192);
	int fd, err = cw_buf_printf(&path, "%s/%s", d->path, name);
	int *box;

	*handle = NULL;
	if (err < 0) {
		cw_buf_dispose(&path);
		return err;
	}
	fd = open(path.data, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno == ENOENT ? CW_ENOTFOUND : CW_EIO;
		cw_error_set("%s: %s", path.data, strerror(errno));
		cw_buf_dispose(&path);
		return err;
	}
	cw_buf_dispose(&path);
	box = cw_malloc(sizeof(int));
	if (!box) {
		close(fd);
		return CW_ENOMEM;
	}
	*box = fd;
	*handle = box;
	return 0;
}

static int dir_read(cw_or_source *src, void *handle, char *buf, size_t cap,
                    size_t *got)
{
	int fd = *(int *)handle;
	ssize_t n;

	(void)src;
	do
		n = read(fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		cw_error_set("read: %s", strerror(errno));
		return CW_EIO;
	}
	*got = (size_t)n;
	return 0;
}

static void dir_close(cw_or_source *src, void *handle)
{
	(void)src;
	if (!handle)
		return;
	close(*(int *)handle);
	cw_free(handle);
}

static int dir_list(cw_or_source *src, int (*cb)(const char *, void *),
                    void *payload)
{
	dir_source *d = (dir_source *)src;
	DIR *dir = opendir(d->path);
	struct dirent *entry;
	int err = 0;

	if (!dir) {
		cw_error_set("%s: %s", d->path, strerror(errno));
		return CW_EIO;
	}
	while (err == 0 && (entry = readdir(dir)) != NULL)
		if (entry->d_name[0] != '.')
			err = cb(entry->d_name, payload);
	closedir(dir);
	return err;
}

static void dir_free(cw_or_source *src)
{
	dir_source *d = (dir_source *)src;

	if (!d)
		return;
	cw_free(d->path);
	cw_free(d);
}

int cw_or_source_dir(cw_or_source **out, const char *path)
{
	dir_source *d = cw_calloc(1, sizeof(*d));

	*out = NULL;
	if (!d || !(d->path = cw_strdup(path))) {
		cw_free(d);
		return CW_ENOMEM;
	}
	d->base.open = dir_open;
	d->base.read = dir_read;
	d->base.close = dir_close;
	d->base.list = dir_list;
	d->base.free = dir_free;
	*out = &d->base;
	return 0;
}

/* Uploads have no file name to go by: a zip starts "PK\3\4". */
static int looks_zipped(const char *path)
{
	unsigned char magic[4] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, magic, sizeof(magic));
	close(fd);
	return n == 4 && memcmp(magic, "PK\3\4", 4) == 0;
}

int cw_or_source_open(cw_or_source **out, const char *path,
                      const cw_or_zip_limits *limits)
{
	struct stat st;
	size_t len = strlen(path);

	*out = NULL;
	if (stat(path, &st) != 0) {
		cw_error_set("%s: %s", path, strerror(errno));
		return errno == ENOENT ? CW_ENOTFOUND : CW_EIO;
	}
	if (S_ISDIR(st.st_mode))
		return cw_or_source_dir(out, path);
	if ((len > 4 && strcmp(path + len - 4, ".zip") == 0) ||
	    looks_zipped(path))
		return cw_or_source_zip(out, path, limits);
	cw_error_set("%s: not a directory or a .zip file", path);
	return CW_EINVAL;
}
