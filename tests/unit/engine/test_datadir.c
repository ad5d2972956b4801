/* init lays out the data dir, and running it again changes nothing. */
#include "engine/datadir.h"
#include "engine/scope.h"
#include "unit/tmpdir.h"
#include "util/error.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

Suite *suite_datadir(void);

static char dir[256];

static void setup(void)
{
	cw_test_tmpdir(dir);
	unsetenv("CROSSWALK_MASTER_KEY");
}

static void teardown(void)
{
	cw_test_rmtree(dir);
}

static mode_t mode_of(const char *name)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mode & 0777;
}

START_TEST(init_creates_then_keeps)
{
	cw_buf errors = CW_BUF_INIT(4096);
	cw_init_report first, second;
	unsigned char key1[CW_MASTER_KEY_LEN], key2[CW_MASTER_KEY_LEN];
	cw_config config;
	cw_store *store = NULL;
	int flag_error;

	ck_assert_int_eq(cw_datadir_init(&first, dir, NULL, &errors), 0);
	ck_assert(first.created_config && first.created_key);
	ck_assert(first.created_admin);
	ck_assert_int_ge(first.migrations_applied, 1);
	ck_assert_uint_eq(mode_of("master.key"), 0600);
	ck_assert_int_eq(cw_datadir_load_config(&config, dir, NULL, &errors,
	                                        &flag_error),
	                 0);
	ck_assert_int_eq(cw_datadir_master_key(key1, dir, &config), 0);

	ck_assert_int_eq(cw_datadir_init(&second, dir, NULL, &errors), 0);
	ck_assert(!second.created_config && !second.created_key);
	ck_assert(!second.created_admin);
	ck_assert_int_eq(second.migrations_applied, 0);
	ck_assert_str_eq(second.existing_admin, first.admin.client_id);
	ck_assert_int_eq(cw_datadir_master_key(key2, dir, &config), 0);
	ck_assert_mem_eq(key1, key2, sizeof(key1));

	/* The first admin's secret still works after the second init. */
	ck_assert_int_eq(cw_datadir_open_store(&store, dir, &config), 0);
	{
		cw_client client;
		ck_assert_int_eq(cw_credentials_client_check(
		                         &client, store, first.admin.client_id,
		                         first.admin.client_secret),
		                 0);
		ck_assert_str_eq(client.tenant, CW_SYSTEM_TENANT);
		cw_client_dispose(&client);
	}
	cw_store_free(store);
	cw_config_dispose(&config);
	cw_init_report_dispose(&first);
	cw_init_report_dispose(&second);
	cw_buf_dispose(&errors);
}
END_TEST

START_TEST(loose_key_permissions_refused)
{
	cw_buf errors = CW_BUF_INIT(4096);
	unsigned char key[CW_MASTER_KEY_LEN];
	cw_init_report report;
	cw_config config;
	char path[300];
	int flag_error;

	ck_assert_int_eq(cw_datadir_init(&report, dir, NULL, &errors), 0);
	cw_init_report_dispose(&report);
	cw_datadir_load_config(&config, dir, NULL, &errors, &flag_error);
	snprintf(path, sizeof(path), "%s/master.key", dir);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(cw_datadir_master_key(key, dir, &config), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "readable by others"));
	setenv("CROSSWALK_MASTER_KEY",
	       "00112233445566778899aabbccddeeff"
	       "00112233445566778899aabbccddeeff",
	       1);
	ck_assert_int_eq(cw_datadir_master_key(key, dir, &config), 0);
	ck_assert_int_eq(key[1], 0x11);
	setenv("CROSSWALK_MASTER_KEY", "short", 1);
	ck_assert_int_eq(cw_datadir_master_key(key, dir, &config), CW_EINVAL);
	unsetenv("CROSSWALK_MASTER_KEY");
	cw_config_dispose(&config);
	cw_buf_dispose(&errors);
}
END_TEST

START_TEST(uninitialised_dir_is_named)
{
	cw_buf errors = CW_BUF_INIT(4096);
	cw_config config;
	int flag_error;

	ck_assert_int_eq(cw_datadir_load_config(&config, dir, NULL, &errors,
	                                        &flag_error),
	                 CW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "crosswalk init"));
	cw_buf_dispose(&errors);
}
END_TEST

Suite *suite_datadir(void)
{
	Suite *s = suite_create("engine/datadir");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, init_creates_then_keeps);
	tcase_add_test(tc, loose_key_permissions_refused);
	tcase_add_test(tc, uninitialised_dir_is_named);
	suite_add_tcase(s, tc);
	return s;
}
