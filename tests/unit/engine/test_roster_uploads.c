/* Uploads of settled imports are deleted, and nothing but uploads: a file
 * in DATA_DIR/uploads, or an upload kept in the store (its blob and this
 * node's copy). */
#include "engine/roster_import.h"
#include "store/store.h"
#include "util/error.h"
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
	ck_assert_int_eq(cw_roster_drop_upload(NULL, dir, mine), 0);
	ck_assert_int_ne(access(mine, F_OK), 0);
	/* A CLI import's own file, even named through uploads/, stays. */
	ck_assert_int_eq(cw_roster_drop_upload(NULL, dir, theirs), 0);
	ck_assert_int_eq(cw_roster_drop_upload(NULL, dir, nested), 0);
	ck_assert_int_eq(access(theirs, F_OK), 0);
	/* Already gone is fine. */
	ck_assert_int_eq(cw_roster_drop_upload(NULL, dir, mine), 0);
	cw_test_rmtree(dir);
}
END_TEST

START_TEST(stored_uploads_are_deleted)
{
	char dir[256], path[400], out[400], theirs[400];
	cw_store *store = NULL;
	cw_tenant t;
	int applied = 0;

	cw_test_tmpdir(dir);
	snprintf(path, sizeof(path), "%s/uploads", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(cw_store_open(&store, "sqlite", dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
	ck_assert_int_eq(cw_store_tenant_add(store, "d1", &t), 0);
	snprintf(path, sizeof(path), "%s/uploads/upload-xyz", dir);
	touch(path);
	ck_assert_int_eq(cw_store_blob_put(store, t.id, "upload-xyz", path), 0);
	snprintf(theirs, sizeof(theirs), "%s/set.zip", dir);
	touch(theirs);
	/* A name that is not a plain file name touches no file. */
	ck_assert_int_eq(cw_roster_drop_upload(store, dir, "upload:../set.zip"),
	                 0);
	ck_assert_int_eq(access(theirs, F_OK), 0);
	ck_assert_int_eq(cw_roster_drop_upload(store, dir, "upload:upload-xyz"),
	                 0);
	ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(out, sizeof(out), "%s/again", dir);
	ck_assert_int_eq(cw_store_blob_get(store, "upload-xyz", out),
	                 CW_ENOTFOUND);
	/* Already gone is fine. */
	ck_assert_int_eq(cw_roster_drop_upload(store, dir, "upload:upload-xyz"),
	                 0);
	cw_store_free(store);
	cw_test_rmtree(dir);
}
END_TEST

Suite *suite_roster_uploads(void)
{
	Suite *s = suite_create("engine/roster_uploads");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, only_uploads_are_deleted);
	tcase_add_test(tc, stored_uploads_are_deleted);
	suite_add_tcase(s, tc);
	return s;
}
