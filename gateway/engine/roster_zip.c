/* Zip source on libarchive. Each open scans the archive for the member, so
 * nothing is extracted and memory stays one buffer. Members are matched by
 * their last path component; names with ".." or a leading "/" are refused.
 * Expansion is capped in total and against the archive's size. */
#include "engine/roster_source.h"

#include "util/alloc.h"
#include "util/error.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
	cw_or_source base;
	char *path;
	uint64_t archive_bytes;
	uint64_t expanded; /* bytes handed out so far, all members */
	cw_or_zip_limits limits;
} zip_source;

typedef struct {
	struct archive *archive;
} zip_member;

static int open_archive(zip_source *z, struct archive **out)
{
	struct archive *a = archive_read_new();

	*out = NULL;
	if (!a)
		return CW_ENOMEM;
	if (archive_read_support_format_zip(a) != ARCHIVE_OK ||
	    archive_read_open_filename(a, z->path, 64 * 1024) != ARCHIVE_OK) {
		cw_error_set("%s: not a readable zip file (%s)", z->path,
		             archive_error_string(a) ? archive_error_string(a)
		                                     : "unknown error");
		archive_read_free(a);
		return CW_EINVAL;
	}
	*out = a;
	return 0;
}

static int unsafe_name(const char *name)
{
	return name[0] == '/' || strstr(name, "../") ||
	       strcmp(name, "..") == 0 ||
	       (strlen(name) >= 3 &&
	        strcmp(name + strlen(name) - 3, "/..") == 0);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Walks the members, calling visit(name) for each regular file. */
static int walk(zip_source *z, struct archive *a,
                int (*visit)(const char *name, void *payload), void *payload)
{
	struct archive_entry *entry;
	int rc;

	while ((rc = archive_read_next_header(a, &entry)) == ARCHIVE_OK ||
	       rc == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(entry);
		int found;

		if (!name || archive_entry_filetype(entry) != AE_IFREG)
			continue;
		if (unsafe_name(name)) {
			cw_error_set("%s: member \"%.100s\" has an unsafe path",
			             z->path, name);
			return CW_EINVAL;
		}
		if (strncmp(name, "__MACOSX/", 9) == 0)
			continue;
		found = visit(name, payload);
		if (found != 0)
			return found;
	}
	if (rc != ARCHIVE_EOF) {
		cw_error_set("%s: broken zip (%s)", z->path,
		             archive_error_string(a) ? archive_error_string(a)
		                                     : "unknown error");
		return CW_EINVAL;
	}
	return 0;
}

typedef struct {
	const char *wanted;
} finder;

static int match(const char *name, void *payload)
{
	finder *f = payload;

	return strcmp(base_name(name), f->wanted) == 0 ? 1 : 0;
}

static int zip_open(cw_or_source *src, const char *name, void **handle)
{
	zip_source *z = (zip_source *)src;
	finder f = { name };
	zip_member *m;
	struct archive *a = NULL;
	int err;

	*handle = NULL;
	if ((err = open_archive(z, &a)) < 0)
		return err;
	err = walk(z, a, match, &f);
	if (err <= 0) {
		archive_read_free(a);
		if (err == 0)
			cw_error_set("%s: no member %s", z->path, name);
		return err == 0 ? CW_ENOTFOUND : err;
	}
	m = cw_malloc(sizeof(*m));
	if (!m) {
		archive_read_free(a);
		return CW_ENOMEM;
	}
	m->archive = a;
	*handle = m;
	return 0;
}

static int zip_read(cw_or_source *src, void *handle, char *buf, size_t cap,
                    size_t *got)
{
	zip_source *z = (zip_source *)src;
	zip_member *m = handle;
	la_ssize_t n = archive_read_data(m->archive, buf, cap);
	uint64_t ratio_cap =
	        z->archive_bytes * z->limits.max_ratio + (1u << 20);

	*got = 0;
	if (n < 0) {
		cw_error_set("%s: %s", z->path,
		             archive_error_string(m->archive)
		                     ? archive_error_string(m->archive)
		                     : "read error");
		return CW_EINVAL;
	}
	z->expanded += (uint64_t)n;
	if (z->expanded > z->limits.max_total_bytes ||
	    z->expanded > ratio_cap) {
		cw_error_set("%s: expands to more than %llu bytes (limit %llu, "
		             "or %llu times the zip): refused as a zip bomb",
		             z->path, (unsigned long long)z->expanded,
		             (unsigned long long)z->limits.max_total_bytes,
		             (unsigned long long)z->limits.max_ratio);
		return CW_ETOOBIG;
	}
	*got = (size_t)n;
	return 0;
}

static void zip_close(cw_or_source *src, void *handle)
{
	zip_member *m = handle;

	(void)src;
	if (!m)
		return;
	archive_read_free(m->archive);
	cw_free(m);
}

typedef struct {
	int (*cb)(const char *, void *);
	void *payload;
	int err;
} lister;

static int list_one(const char *name, void *payload)
{
	lister *l = payload;

	l->err = l->cb(base_name(name), l->payload);
	return l->err < 0 ? l->err : 0;
}

static int zip_list(cw_or_source *src, int (*cb)(const char *, void *),
                    void *payload)
{
	zip_source *z = (zip_source *)src;
	lister l = { cb, payload, 0 };
	struct archive *a = NULL;
	int err = open_archive(z, &a);

	if (err < 0)
		return err;
	err = walk(z, a, list_one, &l);
	archive_read_free(a);
	return err;
}

static void zip_free(cw_or_source *src)
{
	zip_source *z = (zip_source *)src;

	if (!z)
		return;
	cw_free(z->path);
	cw_free(z);
}

int cw_or_source_zip(cw_or_source **out, const char *path,
                     const cw_or_zip_limits *limits)
{
	zip_source *z = cw_calloc(1, sizeof(*z));
	struct stat st;

	*out = NULL;
	if (!z || !(z->path = cw_strdup(path))) {
		cw_free(z);
		return CW_ENOMEM;
	}
	if (stat(path, &st) != 0) {
		cw_error_set("%s: %s", path, strerror(errno));
		zip_free(&z->base);
		return CW_EIO;
	}
	z->archive_bytes = (uint64_t)st.st_size;
	z->limits = *limits;
	z->base.open = zip_open;
	z->base.read = zip_read;
	z->base.close = zip_close;
	z->base.list = zip_list;
	z->base.free = zip_free;
	*out = &z->base;
	return 0;
}
