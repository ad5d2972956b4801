/* crosswalk keys generate: each type, a 0600 file naming the printed id,
 * --json, no overwrite (exit 1), usage errors (exit 2), and the file
 * reloads through cw_keyfile_read under the data dir's master key. */
#include "harness.h"

#include "engine/datadir.h"
#include "engine/keyfile.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

Suite *suite_keys(void);

static cwt_env env;
static cw_buf out, err;

static void setup(void)
{
	cwt_env_init(&env);
	out = (cw_buf)CW_BUF_INIT(1 << 20);
	err = (cw_buf)CW_BUF_INIT(1 << 20);
}

static void teardown(void)
{
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_env_cleanup(&env);
}

static void master_key(unsigned char key[CW_MASTER_KEY_LEN])
{
	cw_buf errors = CW_BUF_INIT(4096);
	cw_config config;
	int flag_error = 0;

	ck_assert_int_eq(cw_datadir_load_config(&config, env.dir, NULL, &errors,
	                                        &flag_error),
	                 0);
	ck_assert_int_eq(cw_datadir_master_key(key, env.dir, &config), 0);
	cw_config_dispose(&config);
	cw_buf_dispose(&errors);
}

static cJSON *read_json(const char *path)
{
	cJSON *doc = NULL;
	char *text = NULL;
	size_t len = 0;

	ck_assert_int_eq(cw_file_read(&text, &len, path, 1 << 16), 0);
	ck_assert_int_eq(cw_json_parse(&doc, text, len, 16, NULL), 0);
	cw_free(text);
	return doc;
}

static const char *const types[] = { "ed25519", "rsa", "p256" };

START_TEST(generate_each_type)
{
	unsigned char master[CW_MASTER_KEY_LEN];
	char path[400], id[512];
	cw_key *key = NULL;
	cw_buf key_id = CW_BUF_INIT(512);
	struct stat st;
	cJSON *doc;

	snprintf(path, sizeof(path), "%s/%s.key.json", env.dir, types[_i]);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "keys", "generate", "--type",
	                         types[_i], "--out", path, NULL),
	                 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	snprintf(id, sizeof(id), "%s", cw_buf_cstr(&out));
	ck_assert_uint_gt(strlen(id), 1);
	ck_assert_int_eq(id[strlen(id) - 1], '\n');
	id[strlen(id) - 1] = '\0';
	doc = read_json(path);
	ck_assert_str_eq(cw_json_string(doc, "id"), id);
	ck_assert_str_eq(cw_json_string(doc, "type"), types[_i]);
	ck_assert_ptr_nonnull(cw_json_string(doc, "privateKeySealed"));
	ck_assert_ptr_null(cJSON_GetObjectItem(
	        cJSON_GetObjectItem(doc, "publicKeyJwk"), "d"));
	cJSON_Delete(doc);
	if (_i == 0)
		ck_assert_int_eq(strncmp(id, "did:key:z6Mk", 12), 0);
	else
		ck_assert_int_eq(strncmp(id, CW_KEYFILE_THUMBPRINT_URN,
		                         strlen(CW_KEYFILE_THUMBPRINT_URN)),
		                 0);
	/* never replaced: exit 1 and the file is unchanged */
	cw_buf_clear(&out);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "keys", "generate", "--type",
	                         types[_i], "--out", path, NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), "exists"));
	master_key(master);
	ck_assert_int_eq(cw_keyfile_read(&key, path, master), 0);
	ck_assert(cw_key_is_private(key));
	ck_assert_str_eq(cw_key_type_name(cw_key_get_type(key)), types[_i]);
	ck_assert_int_eq(cw_keyfile_id(&key_id, key), 0);
	ck_assert_str_eq(key_id.data, id);
	cw_key_free(key);
	cw_buf_dispose(&key_id);
}
END_TEST

START_TEST(json_report)
{
	char path[400];
	cJSON *report, *doc;

	snprintf(path, sizeof(path), "%s/p.json", env.dir);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "keys", "generate", "--type",
	                         "p256", "--out", path, "--json", NULL),
	                 0);
	report = cJSON_Parse(cw_buf_cstr(&out));
	ck_assert_ptr_nonnull(report);
	doc = read_json(path);
	ck_assert_str_eq(cw_json_string(report, "file"), path);
	ck_assert_str_eq(cw_json_string(report, "type"), "p256");
	ck_assert_str_eq(cw_json_string(report, "id"),
	                 cw_json_string(doc, "id"));
	ck_assert_str_eq(cw_json_string(report, "publicKeyMultibase"),
	                 cw_json_string(doc, "publicKeyMultibase"));
	ck_assert_int_eq(
	        strncmp(cw_json_string(report, "did"), "did:key:zDn", 11), 0);
	ck_assert_ptr_nonnull(strstr(cw_json_string(doc, "id"),
	                             cw_json_string(report, "jwk_thumbprint")));
	cJSON_Delete(report);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(usage_errors)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/x.json", env.dir);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "keys", "generate", "--type",
	                         "dsa", "--out", path, NULL),
	                 2);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "keys", "generate", "--type",
	                         "rsa", NULL),
	                 2);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "keys", "generate", "--out",
	                         path, NULL),
	                 2);
	ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/no-such-dir/x.json", env.dir);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "keys", "generate", "--type",
	                         "ed25519", "--out", path, NULL),
	                 3);
}
END_TEST

Suite *suite_keys(void)
{
	Suite *s = suite_create("integration/keys");
	TCase *tc = tcase_create("keys generate");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, generate_each_type, 0, 3);
	tcase_add_test(tc, json_report);
	tcase_add_test(tc, usage_errors);
	suite_add_tcase(s, tc);
	return s;
}
