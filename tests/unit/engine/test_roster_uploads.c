/* Uploads of settled imports are deleted, and nothing but uploads. */
#include "engine/roster_import.h"
#include "unit/tmpdir.h"

#include <check.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

Suite *suite_roster_uploads(void);

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fclose(f);
}

START_TEST(only_uploads_are_deleted)
{
	char dir[256], uploads[300], mine[400], theirs[400], nested[400];

	cw_test_tmpdir(dir);
	snprintf(uploads, sizeof(uploads), "%s/uploads", dir);
	ck_assert_int_eq(mkdir(uploads, 0700), 0);
	snprintf(mine, sizeof(mine), "%s/upload-abc", uploads);
	snprintf(theirs, sizeof(theirs), "%s/set.zip", dir);
	snprintf(nested, sizeof(nested), "%s/uploads/../set.zip", dir);
	touch(mine);
	touch(theirs);
	ck_assert_int_eq(cw_roster_drop_upload(mine, dir), 0);
	ck_assert_int_ne(access(mine, F_OK), 0);
	/* A CLI import's own file, even named through uploads/, stays. */
	ck_assert_int_eq(cw_roster_drop_upload(theirs, dir), 0);
	ck_assert_int_eq(cw_roster_drop_upload(nested, dir), 0);
	ck_assert_int_eq(access(theirs, F_OK), 0);
	/* Already gone is fine. */
	ck_assert_int_eq(cw_roster_drop_upload(mine, dir), 0);
	cw_test_rmtree(dir);
}
END_TEST

Suite *suite_roster_uploads(void)
{
	Suite *s = suite_create("engine/roster_uploads");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, only_uploads_are_deleted);
	suite_add_tcase(s, tc);
	return s;
}
