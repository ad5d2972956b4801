/* Operator-supplied JSON-LD contexts pinned by SHA-256. */
#include "engine/contexts_dir.h"
#include "unit/tmpdir.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/json.h"

#include <check.h>
#include <string.h>

Suite *suite_contexts_dir(void);

static const char context_text[] =
        "{\"@context\":{\"@version\":1.1,"
        "\"ClrCredential\":\"https://purl.imsglobal.org/spec/vc/clr/"
        "vocab.html#ClrCredential\"}}\n";
static const char url[] =
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";

/* A temp dir holding clr.json, and the pin of it in hex. */
static void make_dir(char dir[256], char hex[2 * CW_SHA256_LEN + 1])
{
	cw_buf path = CW_BUF_INIT(512);

	cw_test_tmpdir(dir);
	ck_assert_int_eq(cw_buf_printf(&path, "%s/clr.json", dir), 0);
	ck_assert_int_eq(cw_file_create(path.data, context_text,
	                                sizeof(context_text) - 1, 0644),
	                 0);
	ck_assert_int_eq(
	        cw_sha256_hex(hex, context_text, sizeof(context_text) - 1), 0);
	cw_buf_dispose(&path);
}

START_TEST(pinned_file_is_added)
{
	char dir[256], hex[2 * CW_SHA256_LEN + 1];
	cw_buf pins = CW_BUF_INIT(4096);
	cw_jsonld_loader *loader = NULL;
	const cJSON *doc = NULL;

	make_dir(dir, hex);
	/* Upper-case hex, blank entries and spaces around are accepted. */
	for (char *c = hex; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	ck_assert_int_eq(cw_buf_printf(&pins, " %s=%s  clr.json , ,", url, hex),
	                 0);
	ck_assert_int_eq(cw_jsonld_loader_new(&loader), 0);
	ck_assert_int_eq(cw_jsonld_loader_add_dir(loader, dir, pins.data), 0);
	ck_assert_int_eq(cw_jsonld_loader_get(loader, url, &doc), 0);
	ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetObjectItemCaseSensitive(doc, "@context"),
	        "ClrCredential"));
	ck_assert_int_eq(cw_jsonld_loader_add_dir(loader, dir, ""), 0);
	ck_assert_int_eq(cw_jsonld_loader_add_dir(loader, NULL, NULL), 0);
	cw_jsonld_loader_free(loader);
	cw_buf_dispose(&pins);
	cw_test_rmtree(dir);
}
END_TEST

START_TEST(wrong_hash_is_refused)
{
	char dir[256], hex[2 * CW_SHA256_LEN + 1];
	char wrong[2 * CW_SHA256_LEN + 1];
	cw_buf pins = CW_BUF_INIT(4096);
	cw_jsonld_loader *loader = NULL;
	const cJSON *doc = NULL;

	make_dir(dir, hex);
	memcpy(wrong, hex, sizeof(wrong));
	wrong[0] = wrong[0] == '0' ? '1' : '0';
	/* The good entry comes first: nothing is added when one fails. */
	ck_assert_int_eq(cw_buf_printf(&pins,
	                               "https://ok.example/=%s clr.json, "
	                               "%s=%s clr.json",
	                               hex, url, wrong),
	                 0);
	ck_assert_int_eq(cw_jsonld_loader_new(&loader), 0);
	ck_assert_int_eq(cw_jsonld_loader_add_dir(loader, dir, pins.data),
	                 CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "clr.json"));
	ck_assert_ptr_nonnull(strstr(cw_error_last(), hex));
	ck_assert_ptr_nonnull(strstr(cw_error_last(), wrong));
	ck_assert_int_eq(
	        cw_jsonld_loader_get(loader, "https://ok.example/", &doc),
	        CW_ENOTFOUND);
	cw_jsonld_loader_free(loader);
	cw_buf_dispose(&pins);
	cw_test_rmtree(dir);
}
END_TEST

START_TEST(malformed_pins_are_refused)
{
	static const char *const bad[] = {
		"https://a.example/ clr.json",       /* no hash */
		"https://a.example/=abc clr.json",   /* short hash */
		"https://a.example/=%s",             /* no file */
		"https://a.example/=%s ../clr.json", /* not a plain name */
		"https://a.example/=%s ..",          /* not a plain name */
		"=%s clr.json",                      /* no URL */
		"https://a.example/=%s clr.json, "   /* the URL twice */
		"https://a.example/=%s clr.json",
	};
	char dir[256], hex[2 * CW_SHA256_LEN + 1];
	cw_jsonld_loader *loader = NULL;

	make_dir(dir, hex);
	ck_assert_int_eq(cw_jsonld_loader_new(&loader), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cw_buf pins = CW_BUF_INIT(4096);
		const char *p = bad[i];

		/* Each %s is the right hash. */
		for (; *p; p++)
			if (p[0] == '%' && p[1] == 's') {
				cw_buf_puts(&pins, hex);
				p++;
			} else {
				cw_buf_putc(&pins, *p);
			}
		ck_assert_msg(cw_jsonld_loader_add_dir(loader, dir,
		                                       pins.data) == CW_EINVAL,
		              "accepted: %s", pins.data);
		cw_buf_dispose(&pins);
	}
	/* Pins without a directory, and a pinned file that is not there. */
	{
		cw_buf pins = CW_BUF_INIT(4096);

		cw_buf_printf(&pins, "%s=%s clr.json", url, hex);
		ck_assert_int_eq(
		        cw_jsonld_loader_add_dir(loader, "", pins.data),
		        CW_EINVAL);
		cw_buf_clear(&pins);
		cw_buf_printf(&pins, "%s=%s missing.json", url, hex);
		ck_assert_int_eq(
		        cw_jsonld_loader_add_dir(loader, dir, pins.data),
		        CW_ENOTFOUND);
		cw_buf_dispose(&pins);
	}
	cw_jsonld_loader_free(loader);
	cw_test_rmtree(dir);
}
END_TEST

Suite *suite_contexts_dir(void)
{
	Suite *s = suite_create("engine/contexts_dir");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, pinned_file_is_added);
	tcase_add_test(tc, wrong_hash_is_refused);
	tcase_add_test(tc, malformed_pins_are_refused);
	suite_add_tcase(s, tc);
	return s;
}
