/* Key files: write and read back each type, the seal's key and binding,
 * never overwriting, and plain PEM keys. */
#include "engine/keyfile.h"

#include "unit/tmpdir.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

#include <check.h>
#include <string.h>
#include <sys/stat.h>

Suite *suite_keyfile(void);

static char dir[256];
static char path[400];
static unsigned char master[CW_SECRETBOX_KEY_LEN];

static void setup(void)
{
	cw_test_tmpdir(dir);
	snprintf(path, sizeof(path), "%s/key.json", dir);
	for (size_t i = 0; i < sizeof(master); i++)
		master[i] = (unsigned char)(i * 7 + 1);
}

static void teardown(void)
{
	cw_test_rmtree(dir);
}

static void same_public_key(const cw_key *a, const cw_key *b)
{
	cw_buf ta = CW_BUF_INIT(128), tb = CW_BUF_INIT(128);

	ck_assert_int_eq(cw_key_jwk_thumbprint(&ta, a), 0);
	ck_assert_int_eq(cw_key_jwk_thumbprint(&tb, b), 0);
	ck_assert_str_eq(ta.data, tb.data);
	cw_buf_dispose(&ta);
	cw_buf_dispose(&tb);
}

START_TEST(write_and_read)
{
	static const cw_key_type types[] = { CW_KEY_ED25519, CW_KEY_RSA,
		                             CW_KEY_P256 };
	cw_key *key = NULL, *back = NULL;
	unsigned char other[CW_SECRETBOX_KEY_LEN] = { 0 };
	cw_buf id = CW_BUF_INIT(512);
	cJSON *doc = NULL;
	char *text = NULL;
	size_t len = 0;
	struct stat st;

	ck_assert_int_eq(cw_key_generate(&key, types[_i]), 0);
	ck_assert_int_eq(cw_keyfile_write(path, key, master), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(cw_keyfile_write(path, key, master), CW_EEXISTS);
	ck_assert_int_eq(cw_keyfile_read(&back, path, master), 0);
	ck_assert(cw_key_is_private(back));
	ck_assert_int_eq(cw_key_get_type(back), types[_i]);
	same_public_key(key, back);
	cw_key_free(back);
	ck_assert_int_eq(cw_keyfile_read(&back, path, other), CW_EAUTH);
	ck_assert_ptr_null(back);
	ck_assert_int_eq(cw_keyfile_read(&back, path, NULL), CW_EINVAL);
	ck_assert_int_eq(cw_file_read(&text, &len, path, 1 << 16), 0);
	ck_assert_int_eq(cw_json_parse(&doc, text, len, 8, NULL), 0);
	ck_assert_int_eq(cw_keyfile_id(&id, key), 0);
	ck_assert_str_eq(cw_json_string(doc, "id"), id.data);
	ck_assert_str_eq(cw_json_string(doc, "type"),
	                 cw_key_type_name(types[_i]));
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(doc, "publicKeyJwk"));
	ck_assert((types[_i] == CW_KEY_RSA) ==
	          !cJSON_GetObjectItem(doc, "publicKeyMultibase"));
	ck_assert_int_eq(strncmp(id.data,
	                         types[_i] == CW_KEY_ED25519
	                                 ? "did:key:z6Mk"
	                                 : CW_KEYFILE_THUMBPRINT_URN,
	                         12),
	                 0);
	cJSON_Delete(doc);
	cw_free(text);
	cw_key_free(key);
	cw_buf_dispose(&id);
}
END_TEST

/* The seal is bound to the id: another file's sealed key does not open. */
START_TEST(seal_bound_to_id)
{
	cw_key *a = NULL, *b = NULL, *back = NULL;
	char path_b[420], *ta = NULL, *tb = NULL;
	cJSON *da = NULL, *db = NULL;
	size_t la = 0, lb = 0;
	char *mixed;

	snprintf(path_b, sizeof(path_b), "%s/b.json", dir);
	ck_assert_int_eq(cw_key_generate(&a, CW_KEY_ED25519), 0);
	ck_assert_int_eq(cw_key_generate(&b, CW_KEY_ED25519), 0);
	ck_assert_int_eq(cw_keyfile_write(path, a, master), 0);
	ck_assert_int_eq(cw_keyfile_write(path_b, b, master), 0);
	ck_assert_int_eq(cw_file_read(&ta, &la, path, 1 << 16), 0);
	ck_assert_int_eq(cw_file_read(&tb, &lb, path_b, 1 << 16), 0);
	da = cJSON_Parse(ta);
	db = cJSON_Parse(tb);
	cJSON_ReplaceItemInObject(
	        da, "privateKeySealed",
	        cJSON_Duplicate(cJSON_GetObjectItem(db, "privateKeySealed"),
	                        1));
	mixed = cJSON_PrintUnformatted(da);
	ck_assert_int_eq(cw_keyfile_parse(&back, mixed, strlen(mixed), master),
	                 CW_EAUTH);
	cJSON_free(mixed);
	/* the id of b with the seal of b, but the public parts of a: fine,
	 * since the id and type are checked against the key */
	cJSON_ReplaceItemInObject(db, "id",
	                          cJSON_CreateString(cw_json_string(da, "id")));
	mixed = cJSON_PrintUnformatted(db);
	ck_assert_int_eq(cw_keyfile_parse(&back, mixed, strlen(mixed), master),
	                 CW_EAUTH);
	cJSON_free(mixed);
	ck_assert_ptr_null(back);
	cJSON_Delete(da);
	cJSON_Delete(db);
	cw_free(ta);
	cw_free(tb);
	cw_key_free(a);
	cw_key_free(b);
}
END_TEST

START_TEST(plain_pem)
{
	cw_buf pem = CW_BUF_INIT(8192);
	cw_key *key = NULL, *back = NULL;

	ck_assert_int_eq(cw_key_generate(&key, CW_KEY_P256), 0);
	cw_buf_puts(&pem, "\n");
	ck_assert_int_eq(cw_key_write_pem(&pem, key, 1), 0);
	ck_assert_int_eq(cw_file_create(path, pem.data, pem.len, 0600), 0);
	ck_assert_int_eq(cw_keyfile_read(&back, path, NULL), 0);
	ck_assert(cw_key_is_private(back));
	same_public_key(key, back);
	cw_key_free(back);
	ck_assert_int_eq(cw_keyfile_parse(&back, "{\"type\":1}", 10, master),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_keyfile_parse(&back, "garbage", 7, master),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_keyfile_read(&back, "/nonexistent/k.json", master),
	                 CW_ENOTFOUND);
	cw_key_free(key);
	cw_buf_dispose(&pem);
}
END_TEST

Suite *suite_keyfile(void)
{
	Suite *s = suite_create("engine/keyfile");
	TCase *tc = tcase_create("keyfile");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, write_and_read, 0, 3);
	tcase_add_test(tc, seal_bound_to_id);
	tcase_add_test(tc, plain_pem);
	suite_add_tcase(s, tc);
	return s;
}
