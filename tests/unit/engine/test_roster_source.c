/* Directory and zip sources of OneRoster sets, including hostile zips. */
#include "engine/roster_source.h"
#include "unit/tmpdir.h"
#include "util/error.h"

#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *suite_roster_source(void);

static char dir[256];
static const cw_or_zip_limits roomy = { 1 << 30, 200 };

static void setup(void)
{
	cw_test_tmpdir(dir);
}

static void teardown(void)
{
	cw_test_rmtree(dir);
}

/* Writes a zip at path from NULL-terminated (name, content) pairs; content
 * NULL means 2 MiB of zero bytes. */
static void write_zip(const char *path, const char *const *members)
{
	struct archive *a = archive_write_new();
	static char zeros[2 << 20];

	ck_assert_int_eq(archive_write_set_format_zip(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (; *members; members += 2) {
		struct archive_entry *e = archive_entry_new();
		const char *data = members[1] ? members[1] : zeros;
		size_t len = members[1] ? strlen(members[1]) : sizeof(zeros);

		archive_entry_set_pathname(e, members[0]);
		archive_entry_set_size(e, (la_int64_t)len);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		ck_assert_int_eq(archive_write_data(a, data, len),
		                 (ssize_t)len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

static int read_whole(cw_or_source *src, const char *name, char *out,
                      size_t cap)
{
	void *handle = NULL;
	size_t used = 0, got = 0;
	int err = src->open(src, name, &handle);

	while (err == 0) {
		err = src->read(src, handle, out + used, cap - used - 1, &got);
		if (err || got == 0)
			break;
		used += got;
	}
	out[used] = '\0';
	if (handle)
		src->close(src, handle);
	return err;
}

static int collect(const char *name, void *payload)
{
	char *out = payload;

	strncat(out, name, 255 - strlen(out));
	strncat(out, ";", 255 - strlen(out));
	return 0;
}

START_TEST(directory)
{
	char path[300], text[64], names[256] = "";
	cw_or_source *src = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/orgs.csv", dir);
	f = fopen(path, "w");
	fputs("sourcedId\n", f);
	fclose(f);
	ck_assert_int_eq(cw_or_source_open(&src, dir, &roomy), 0);
	ck_assert_int_eq(read_whole(src, "orgs.csv", text, sizeof(text)), 0);
	ck_assert_str_eq(text, "sourcedId\n");
	ck_assert_int_eq(read_whole(src, "users.csv", text, sizeof(text)),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(src->list(src, collect, names), 0);
	ck_assert_str_eq(names, "orgs.csv;");
	src->free(src);
}
END_TEST

START_TEST(zip_members_by_name_even_in_a_folder)
{
	static const char *const members[] = { "set/manifest.csv",
		                               "propertyName,value\n",
		                               "set/orgs.csv",
		                               "sourcedId\n",
		                               "__MACOSX/set/._orgs.csv",
		                               "junk",
		                               NULL };
	char path[300], text[64], names[256] = "";
	cw_or_source *src = NULL;

	snprintf(path, sizeof(path), "%s/set.zip", dir);
	write_zip(path, members);
	ck_assert_int_eq(cw_or_source_open(&src, path, &roomy), 0);
	ck_assert_int_eq(read_whole(src, "orgs.csv", text, sizeof(text)), 0);
	ck_assert_str_eq(text, "sourcedId\n");
	ck_assert_int_eq(read_whole(src, "users.csv", text, sizeof(text)),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(src->list(src, collect, names), 0);
	ck_assert_str_eq(names, "manifest.csv;orgs.csv;");
	src->free(src);
}
END_TEST

START_TEST(zip_with_parent_paths_is_refused)
{
	static const char *const members[] = { "../../etc/orgs.csv",
		                               "sourcedId\n", NULL };
	char path[300], text[64];
	cw_or_source *src = NULL;

	snprintf(path, sizeof(path), "%s/evil.zip", dir);
	write_zip(path, members);
	ck_assert_int_eq(cw_or_source_open(&src, path, &roomy), 0);
	ck_assert_int_eq(read_whole(src, "orgs.csv", text, sizeof(text)),
	                 CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "unsafe path"));
	src->free(src);
}
END_TEST

START_TEST(zip_bomb_is_refused)
{
	static const char *const members[] = { "users.csv", NULL, NULL };
	static const cw_or_zip_limits tight = { 1 << 30, 10 };
	static const cw_or_zip_limits small_total = { 1 << 20, 100000 };
	static char text[4 << 20];
	char path[300];
	cw_or_source *src = NULL;

	snprintf(path, sizeof(path), "%s/bomb.zip", dir);
	write_zip(path, members);
	ck_assert_int_eq(cw_or_source_open(&src, path, &tight), 0);
	ck_assert_int_eq(read_whole(src, "users.csv", text, sizeof(text)),
	                 CW_ETOOBIG);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "zip bomb"));
	src->free(src);
	ck_assert_int_eq(cw_or_source_open(&src, path, &small_total), 0);
	ck_assert_int_eq(read_whole(src, "users.csv", text, sizeof(text)),
	                 CW_ETOOBIG);
	src->free(src);
}
END_TEST

START_TEST(not_a_zip)
{
	char path[300], text[64];
	cw_or_source *src = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/garbage.zip", dir);
	f = fopen(path, "w");
	fputs("this is not a zip file at all", f);
	fclose(f);
	ck_assert_int_eq(cw_or_source_open(&src, path, &roomy), 0);
	ck_assert_int_eq(read_whole(src, "orgs.csv", text, sizeof(text)),
	                 CW_EINVAL);
	src->free(src);
	snprintf(path, sizeof(path), "%s/plain.txt", dir);
	f = fopen(path, "w");
	fclose(f);
	ck_assert_int_eq(cw_or_source_open(&src, path, &roomy), CW_EINVAL);
	ck_assert_int_eq(cw_or_source_open(&src, "/nonexistent/x", &roomy),
	                 CW_ENOTFOUND);
}
END_TEST

Suite *suite_roster_source(void)
{
	Suite *s = suite_create("engine/roster_source");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, directory);
	tcase_add_test(tc, zip_members_by_name_even_in_a_folder);
	tcase_add_test(tc, zip_with_parent_paths_is_refused);
	tcase_add_test(tc, zip_bomb_is_refused);
	tcase_add_test(tc, not_a_zip);
	suite_add_tcase(s, tc);
	return s;
}
