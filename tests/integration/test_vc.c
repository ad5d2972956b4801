/* crosswalk vc sign / vc verify and jsonld canonize on the real binary:
 * Data Integrity with a sealed key file and with https key documents
 * (--map), VC-JWT for each key type, tampering, undefined terms, expired
 * credentials, --out-dir batches and --json reports. */
#include "harness.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/json.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

Suite *suite_vc(void);

static cwt_env env;
static cw_buf out, err;
static char did[256], vm[512];

#define VC2 "\"https://www.w3.org/ns/credentials/v2\""
#define OB3 "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\""

static void path_of(char *p, size_t n, const char *name)
{
	snprintf(p, n, "%s/%s", env.dir, name);
}

static void write_file(const char *name, const char *text)
{
	char p[400];
	path_of(p, sizeof(p), name);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static void credential(const char *name, const char *issuer, const char *extra)
{
	char text[4096];
	snprintf(text, sizeof(text),
	         "{\"@context\":[" VC2 "," OB3 "],\"id\":\"urn:uuid:%s\","
	         "\"type\":[\"VerifiableCredential\",\"OpenBadgeCredential\"],"
	         "\"issuer\":{\"id\":\"%s\",\"type\":\"Profile\",\"name\":"
	         "\"Crosswalk Test District\"},\"validFrom\":"
	         "\"2026-01-01T00:00:00Z\"%s,\"name\":\"Data literacy\","
	         "\"credentialSubject\":{\"id\":\"did:example:learner\","
	         "\"type\":\"AchievementSubject\",\"achievement\":{\"id\":"
	         "\"https://district.example/achievements/1\",\"type\":"
	         "\"Achievement\",\"name\":\"Data literacy \\u00e9\","
	         "\"criteria\":{\"narrative\":\"Shows it.\"},"
	         "\"creditsAvailable\":3.5}}}",
	         name, issuer, extra);
	write_file(name, text);
}

static void setup(void)
{
	char key[400];
	cwt_env_init(&env);
	out = (cw_buf)CW_BUF_INIT(1 << 20);
	err = (cw_buf)CW_BUF_INIT(1 << 20);
	path_of(key, sizeof(key), "ed.key");
	ck_assert_int_eq(cwt_run(&env, &out, &err, "keys", "generate", "--type",
	                         "ed25519", "--out", key, "--json", NULL),
	                 0);
	cJSON *doc = NULL;
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 8, NULL), 0);
	snprintf(vm, sizeof(vm), "%s",
	         cJSON_GetObjectItem(doc, "id")->valuestring);
	snprintf(did, sizeof(did), "%.*s", (int)strcspn(vm, "#"), vm);
	cJSON_Delete(doc);
	cw_buf_clear(&out);
}

static void teardown(void)
{
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_env_cleanup(&env);
}

static int sign(const char *name, const char *signed_name, const char *key,
                const char *format)
{
	char in[400], k[400];
	path_of(in, sizeof(in), name);
	path_of(k, sizeof(k), key);
	cw_buf_clear(&out);
	cw_buf_clear(&err);
	int code = cwt_run(&env, &out, &err, "vc", "sign", "--key", k,
	                   "--format", format, in, NULL);
	if (code == 0 && signed_name)
		write_file(signed_name, cw_buf_cstr(&out));
	return code;
}

static int verify(const char *name)
{
	char p[400];
	path_of(p, sizeof(p), name);
	cw_buf_clear(&out);
	cw_buf_clear(&err);
	return cwt_run(&env, &out, &err, "vc", "verify", "--json", p, NULL);
}

START_TEST(sign_and_verify_data_integrity)
{
	credential("c.json", did, "");
	ck_assert_int_eq(sign("c.json", "c.signed.json", "ed.key", "di"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"cryptosuite\":"
	                                       "\"eddsa-rdfc-2022\""));
	ck_assert_ptr_nonnull(strstr(out.data, vm));
	ck_assert_int_eq(verify("c.signed.json"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"verified\":true"));
	ck_assert_ptr_nonnull(strstr(out.data, "\"proofHash\":\""));
}
END_TEST

START_TEST(tampered_credential_fails)
{
	credential("c.json", did, "");
	ck_assert_int_eq(sign("c.json", NULL, "ed.key", "di"), 0);
	char *text = cw_strdup(out.data), *at = strstr(text, "Data literacy");
	ck_assert_ptr_nonnull(at);
	at[0] = 'd';
	write_file("t.json", text);
	cw_free(text);
	ck_assert_int_eq(verify("t.json"), 1);
	ck_assert_ptr_nonnull(strstr(out.data, "\"verified\":false"));
	ck_assert_ptr_nonnull(strstr(out.data, "\"step\":\"signature\""));
}
END_TEST

START_TEST(undefined_term_is_refused)
{
	char text[4096];
	credential("c.json", did, ",\"secretNote\":\"unsigned\"");
	ck_assert_int_eq(sign("c.json", NULL, "ed.key", "di"), 1);
	ck_assert_int_eq(out.len, 0);
	ck_assert_ptr_nonnull(strstr(err.data, "/secretNote"));
	ck_assert_ptr_nonnull(strstr(err.data, "dropped term"));
	(void)text;
}
END_TEST

START_TEST(vc_jwt_each_key_type)
{
	static const char *const types[] = { "ed25519", "rsa", "p256" };
	char key[400], name[64];
	snprintf(name, sizeof(name), "%s.key", types[_i]);
	path_of(key, sizeof(key), name);
	if (_i > 0)
		ck_assert_int_eq(cwt_run(&env, &out, &err, "keys", "generate",
		                         "--type", types[_i], "--out", key,
		                         NULL),
		                 0);
	credential("c.json", did, "");
	ck_assert_int_eq(sign("c.json", "c.jwt", _i ? name : "ed.key", "jwt"),
	                 0);
	ck_assert_int_eq(strncmp(out.data, "eyJ", 3), 0);
	char *jwt = cw_strdup(out.data);
	ck_assert_int_eq(verify("c.jwt"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"format\":\"jwt\""));
	char *dot = strrchr(jwt, '.');
	dot[3] = dot[3] == 'A' ? 'B' : 'A';
	write_file("bad.jwt", jwt);
	cw_free(jwt);
	ck_assert_int_eq(verify("bad.jwt"), 1);
}
END_TEST

START_TEST(data_integrity_needs_ed25519)
{
	char key[400];
	path_of(key, sizeof(key), "rsa.key");
	ck_assert_int_eq(cwt_run(&env, &out, &err, "keys", "generate", "--type",
	                         "rsa", "--out", key, NULL),
	                 0);
	credential("c.json", did, "");
	ck_assert_int_eq(sign("c.json", NULL, "rsa.key", "di"), 1);
	ck_assert_ptr_nonnull(strstr(err.data, "Ed25519"));
}
END_TEST

START_TEST(expired_credential_fails_validity)
{
	credential("c.json", did, ",\"validUntil\":\"2026-02-01T00:00:00Z\"");
	ck_assert_int_eq(sign("c.json", "c.signed.json", "ed.key", "di"), 0);
	ck_assert_int_eq(verify("c.signed.json"), 1);
	ck_assert_ptr_nonnull(strstr(out.data, "\"step\":\"validity\""));
	ck_assert_ptr_nonnull(strstr(out.data, "expired"));
}
END_TEST

START_TEST(batch_out_dir_and_json_lines)
{
	char key[400], a[512], b[512], dir[400];
	path_of(key, sizeof(key), "ed.key");
	path_of(dir, sizeof(dir), "signed");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	credential("a.json", did, "");
	credential("b.json", did, "");
	path_of(a, sizeof(a), "a.json");
	path_of(b, sizeof(b), "b.json");
	ck_assert_int_eq(cwt_run(&env, &out, &err, "vc", "sign", "--key", key,
	                         "--out-dir", dir, a, b, NULL),
	                 0);
	snprintf(a, sizeof(a), "%s/a.json", dir);
	snprintf(b, sizeof(b), "%s/b.json", dir);
	cw_buf_clear(&out);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "vc", "verify", "--json", a, b, NULL),
	        0);
	const char *second = strchr(out.data, '\n');
	ck_assert_ptr_nonnull(second);
	ck_assert_ptr_nonnull(strstr(second + 1, "\"verified\":true"));
	/* several files without --out-dir is a usage error */
	ck_assert_int_eq(cwt_run(&env, &out, &err, "vc", "sign", "--key", key,
	                         a, b, NULL),
	                 2);
}
END_TEST

START_TEST(https_method_needs_its_key_document)
{
	char key[400], in[400], keys[400], doc[1024], map[600];
	char *mb;
	path_of(key, sizeof(key), "ed.key");
	credential("c.json", "https://issuer.example/profile", "");
	path_of(in, sizeof(in), "c.json");
	ck_assert_int_eq(cwt_run(&env, &out, &err, "vc", "sign", "--key", key,
	                         "--verification-method",
	                         "https://issuer.example/keys/1#k1", in, NULL),
	                 0);
	write_file("c.signed.json", out.data);
	ck_assert_int_eq(verify("c.signed.json"), 1);
	ck_assert_ptr_nonnull(strstr(out.data, "\"step\":\"key\""));
	mb = strrchr(vm, '#') + 1;
	snprintf(
	        doc, sizeof(doc),
	        "{\"id\":\"https://issuer.example/keys/1\",\"assertionMethod\":"
	        "[{\"id\":\"https://issuer.example/keys/1#k1\",\"type\":"
	        "\"Multikey\",\"controller\":\"https://issuer.example/keys/1\","
	        "\"publicKeyMultibase\":\"%s\"}]}",
	        mb);
	path_of(keys, sizeof(keys), "keys");
	ck_assert_int_eq(mkdir(keys, 0700), 0);
	write_file("keys/1", doc);
	snprintf(map, sizeof(map), "https://issuer.example/keys/=%s", keys);
	path_of(in, sizeof(in), "c.signed.json");
	cw_buf_clear(&out);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "vc", "verify", "--map", map,
	                         in, NULL),
	                 0);
	ck_assert_ptr_nonnull(strstr(out.data, ": verified ("));
}
END_TEST

START_TEST(canonize_cli)
{
	char in[400];
	credential("c.json", did, "");
	path_of(in, sizeof(in), "c.json");
	ck_assert_int_eq(cwt_run(&env, &out, &err, "jsonld", "canonize",
	                         "--safe", in, NULL),
	                 0);
	ck_assert_ptr_nonnull(
	        strstr(out.data,
	               "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
	               "creditsAvailable> \"3.5E0\"^^<https://www.w3.org/2001/"
	               "XMLSchema#float>"));
	ck_assert_ptr_nonnull(strstr(out.data, "\"Data literacy \xc3\xa9\""));
	write_file("x.json", "{\"@context\":\"https://example.com/c\","
	                     "\"name\":\"x\"}");
	path_of(in, sizeof(in), "x.json");
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "jsonld", "expand", in, NULL), 1);
	ck_assert_ptr_nonnull(
	        strstr(err.data, "loading remote context failed"));
}
END_TEST

/* The operator's pinned contexts: the daemon (and the CLI) load them at
 * start; a file whose SHA-256 is not its pin stops the daemon with both
 * hashes, and the right pin serves it to `jsonld expand`. */
START_TEST(pinned_operator_contexts)
{
	static const char ctx[] = "{\"@context\":{\"@vocab\":"
	                          "\"https://district.example/vocab#\"}}";
	char dir[400], conf[400], line[600], hex[65], in[400];
	cw_buf e = CW_BUF_INIT(1 << 16);
	path_of(dir, sizeof(dir), "contexts");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	write_file("contexts/district.jsonld", ctx);
	ck_assert_int_eq(cw_sha256_hex(hex, ctx, strlen(ctx)), 0);
	path_of(conf, sizeof(conf), "crosswalk.conf");
	FILE *f = fopen(conf, "a");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	        "\njsonld_contexts_dir = contexts\njsonld_context_pins = "
	        "https://district.example/ctx=%064d district.jsonld\n",
	        0);
	fclose(f);
	ck_assert_int_ne(cwt_start_fails(&env, &e, NULL), 0);
	ck_assert_msg(strstr(e.data, hex), "%s", e.data);
	/* the right pin: the daemon starts, and the CLI serves the context */
	f = fopen(conf, "a");
	ck_assert_ptr_nonnull(f);
	snprintf(line, sizeof(line),
	         "jsonld_context_pins = https://district.example/ctx=%s "
	         "district.jsonld\n",
	         hex);
	fputs(line, f);
	fclose(f);
	cwt_daemon d;
	cwt_start(&d, &env, NULL);
	cwt_stop(&d, SIGTERM, 5000);
	write_file("doc.json", "{\"@context\":\"https://district.example/ctx\","
	                       "\"credits\":3}");
	path_of(in, sizeof(in), "doc.json");
	cw_buf_clear(&out);
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "jsonld", "expand", in, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "https://district.example/vocab#"
	                                       "credits"));
	cw_buf_dispose(&e);
}
END_TEST

Suite *suite_vc(void)
{
	Suite *s = suite_create("vc");
	TCase *tc = tcase_create("vc");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sign_and_verify_data_integrity);
	tcase_add_test(tc, tampered_credential_fails);
	tcase_add_test(tc, undefined_term_is_refused);
	tcase_add_loop_test(tc, vc_jwt_each_key_type, 0, 3);
	tcase_add_test(tc, data_integrity_needs_ed25519);
	tcase_add_test(tc, expired_credential_fails_validity);
	tcase_add_test(tc, batch_out_dir_and_json_lines);
	tcase_add_test(tc, https_method_needs_its_key_document);
	tcase_add_test(tc, canonize_cli);
	tcase_add_test(tc, pinned_operator_contexts);
	suite_add_tcase(s, tc);
	return s;
}
