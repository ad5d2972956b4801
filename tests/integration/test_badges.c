/* Open Badges 3.0 issuing on the real binary: issuers, achievements (JSON
 * and CASE items), credentials that `vc verify` accepts (and refuses when
 * tampered), batches that issue all or nothing, revocation in the signed
 * status list, key rotation, sealed keys and tenant isolation. */
#include "harness.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/json.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

Suite *suite_badges(void);

static cwt_env env;
static cw_buf out, err;
static char issuer[64];

#define ACH  "https://district.example/achievements/data-literacy"
#define DOC  "d1000000-0000-4000-8000-0000000000d1"
#define ITEM "a1000000-0000-4000-8000-0000000000a1"

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
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* Runs crosswalk with the arguments, capturing out and err afresh. */
#define RUN(...)                                                               \
	(cw_buf_clear(&out), cw_buf_clear(&err),                               \
	 cwt_run(&env, &out, &err, __VA_ARGS__, NULL))

static int verify(const char *name)
{
	char p[400];
	path_of(p, sizeof(p), name);
	return RUN("vc", "verify", "--json", p);
}

static void make_issuer(char id[64], const char *tenant)
{
	ck_assert_msg(RUN("issuer", "add", "--tenant", tenant, "--name",
	                  "Test District") == 0,
	              "%s", cw_buf_cstr(&err));
	snprintf(id, 64, "%.*s", (int)strcspn(out.data, "\n"), out.data);
}

static void setup(void)
{
	char p[400];
	cwt_env_init(&env);
	out = (cw_buf)CW_BUF_INIT(64 << 20);
	err = (cw_buf)CW_BUF_INIT(1 << 20);
	ck_assert_int_eq(RUN("tenant", "add", "d1"), 0);
	ck_assert_int_eq(RUN("tenant", "add", "d2"), 0);
	make_issuer(issuer, "d1");
	write_file("ach.json",
	           "{\"id\":\"" ACH "\",\"type\":[\"Achievement\"],"
	           "\"name\":\"Data literacy\",\"description\":\"Reads "
	           "charts.\",\"criteria\":{\"narrative\":\"Explains a "
	           "chart.\"},\"achievementType\":\"Badge\","
	           "\"resultDescription\":[{\"id\":\"urn:uuid:11111111-1111-"
	           "4111-8111-111111111111\",\"type\":[\"ResultDescription\"],"
	           "\"name\":\"Grade\",\"resultType\":\"LetterGrade\"}]}");
	path_of(p, sizeof(p), "ach.json");
	ck_assert_msg(RUN("achievement", "add", "--tenant", "d1", "--issuer",
	                  issuer, p) == 0,
	              "%s", cw_buf_cstr(&err));
}

static void teardown(void)
{
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_env_cleanup(&env);
}

/* Issues to recipient; the credential in name, its id in id. */
static void issue(const char *name, const char *recipient, char id[64])
{
	cJSON *doc = NULL;
	ck_assert_msg(RUN("badge", "issue", "--tenant", "d1", "--achievement",
	                  ACH, "--recipient", recipient, "--json") == 0,
	              "%s", cw_buf_cstr(&err));
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 64, NULL), 0);
	snprintf(id, 64, "%s", cw_json_string(doc, "id"));
	write_file(name, cw_json_string(doc, "credential"));
	cJSON_Delete(doc);
}

static cJSON *read_json(const char *name)
{
	char p[400], *text = NULL;
	size_t len = 0;
	cJSON *doc = NULL;
	path_of(p, sizeof(p), name);
	ck_assert_int_eq(cw_file_read(&text, &len, p, 64 << 20), 0);
	ck_assert_int_eq(cw_json_parse(&doc, text, len, 64, NULL), 0);
	cw_free(text);
	return doc;
}

START_TEST(issue_verifies_and_tampering_fails)
{
	char id[64];
	issue("c.json", "learner@district.example", id);
	ck_assert_int_eq(verify("c.json"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"verified\":true"));
	cJSON *c = read_json("c.json");
	const cJSON *s = cJSON_GetObjectItem(c, "credentialSubject");
	const cJSON *ident =
	        cJSON_GetArrayItem(cJSON_GetObjectItem(s, "identifier"), 0);
	ck_assert_str_eq(cw_json_string(ident, "identityType"), "emailAddress");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(ident, "hashed")));
	ck_assert_int_eq(
	        strncmp(cw_json_string(ident, "identityHash"), "sha256$", 7),
	        0);
	ck_assert_ptr_null(strstr(out.data, "learner@"));
	const cJSON *st = cJSON_GetObjectItem(c, "credentialStatus");
	ck_assert_str_eq(cw_json_string(st, "type"),
	                 "BitstringStatusListEntry");
	ck_assert_str_eq(cw_json_string(st, "statusListIndex"), "0");
	ck_assert_int_eq(
	        strncmp(cw_json_string(cJSON_GetObjectItem(c, "issuer"), "id"),
	                "did:key:z6Mk", 12),
	        0);
	/* the recipient changed: the proof no longer holds */
	cJSON_ReplaceItemInObject((cJSON *)ident, "identityHash",
	                          cJSON_CreateString("sha256$00"));
	char *text = cw_json_print(c);
	write_file("tampered.json", text);
	cw_free(text);
	cJSON_Delete(c);
	ck_assert_int_eq(verify("tampered.json"), 1);
	ck_assert_ptr_nonnull(strstr(out.data, "\"verified\":false"));
}
END_TEST

START_TEST(jwt_results_and_evidence)
{
	ck_assert_msg(RUN("badge", "issue", "--tenant", "d1", "--achievement",
	                  ACH, "--recipient", "stu-42", "--format", "jwt",
	                  "--result", "B") == 0,
	              "%s", cw_buf_cstr(&err));
	ck_assert_int_eq(strncmp(out.data, "eyJ", 3), 0);
	write_file("c.jwt", out.data);
	ck_assert_int_eq(verify("c.jwt"), 0);
	ck_assert_msg(RUN("badge", "issue", "--tenant", "d1", "--achievement",
	                  ACH, "--recipient", "did:example:learner",
	                  "--result-status", "Completed", "--evidence",
	                  "https://portfolio.example/1") == 0,
	              "%s", cw_buf_cstr(&err));
	write_file("r.json", out.data);
	ck_assert_int_eq(verify("r.json"), 0);
	cJSON *c = read_json("r.json");
	const cJSON *s = cJSON_GetObjectItem(c, "credentialSubject");
	ck_assert_str_eq(cw_json_string(s, "id"), "did:example:learner");
	const cJSON *r =
	        cJSON_GetArrayItem(cJSON_GetObjectItem(s, "result"), 0);
	ck_assert_str_eq(cw_json_string(r, "status"), "Completed");
	ck_assert_str_eq(cw_json_string(r, "resultDescription"),
	                 "urn:uuid:11111111-1111-4111-8111-111111111111");
	ck_assert_str_eq(cw_json_string(cJSON_GetArrayItem(
	                                        cJSON_GetObjectItem(c, "evidenc"
	                                                               "e"),
	                                        0),
	                                "id"),
	                 "https://portfolio.example/1");
	cJSON_Delete(c);
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d1",
	                     "--achievement", ACH, "--recipient", "x@y.org",
	                     "--result-status", "Done"),
	                 1);
}
END_TEST

START_TEST(achievement_from_case_item)
{
	char p[400];
	write_file(
	        "case.json",
	        "{\"CFDocument\":{\"identifier\":\"" DOC "\",\"uri\":"
	        "\"https://case.example/uri/" DOC "\",\"creator\":\"State\","
	        "\"title\":\"Data Standards\",\"lastChangeDateTime\":"
	        "\"2025-01-01T00:00:00Z\"},\"CFItems\":[{\"identifier\":"
	        "\"" ITEM "\",\"uri\":\"https://case.example/uri/" ITEM
	        "\",\"fullStatement\":\"Interpret a bar chart.\","
	        "\"humanCodingScheme\":\"DL.1\",\"lastChangeDateTime\":"
	        "\"2025-01-01T00:00:00Z\"}],\"CFAssociations\":[{"
	        "\"identifier\":\"f1000000-0000-4000-8000-0000000000f1\","
	        "\"uri\":\"https://case.example/uri/f1\",\"associationType\":"
	        "\"isChildOf\",\"originNodeURI\":{\"title\":\"DL.1\","
	        "\"identifier\":\"" ITEM "\",\"uri\":\"https://case.example/"
	        "uri/" ITEM "\"},\"destinationNodeURI\":{\"title\":\"Data "
	        "Standards\",\"identifier\":\"" DOC "\",\"uri\":\"https://"
	        "case.example/uri/" DOC "\"},\"lastChangeDateTime\":"
	        "\"2025-01-01T00:00:00Z\"}]}");
	path_of(p, sizeof(p), "case.json");
	ck_assert_msg(RUN("case", "import", "--tenant", "d1", p) == 0, "%s%s",
	              cw_buf_cstr(&out), cw_buf_cstr(&err));
	ck_assert_msg(RUN("achievement", "add", "--tenant", "d1", "--issuer",
	                  issuer, "--case-item", ITEM, "--json") == 0,
	              "%s", cw_buf_cstr(&err));
	cJSON *a = NULL;
	ck_assert_int_eq(cw_json_parse(&a, out.data, out.len, 64, NULL), 0);
	ck_assert_str_eq(cw_json_string(a, "id"), "urn:uuid:" ITEM);
	ck_assert_str_eq(cw_json_string(a, "achievementType"), "Competency");
	ck_assert_str_eq(cw_json_string(a, "name"), "DL.1");
	const cJSON *al =
	        cJSON_GetArrayItem(cJSON_GetObjectItem(a, "alignment"), 0);
	ck_assert_str_eq(cw_json_string(al, "targetType"), "CFItem");
	ck_assert_str_eq(cw_json_string(al, "targetCode"), ITEM);
	ck_assert_str_eq(cw_json_string(al, "targetUrl"),
	                 "https://case.example/uri/" ITEM);
	ck_assert_str_eq(cw_json_string(al, "targetName"),
	                 "Interpret a bar chart.");
	ck_assert_str_eq(cw_json_string(al, "targetFramework"),
	                 "Data Standards");
	cJSON_Delete(a);
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d1",
	                     "--achievement", "urn:uuid:" ITEM, "--recipient",
	                     "a@b.org"),
	                 0);
	write_file("case-cred.json", out.data);
	ck_assert_int_eq(verify("case-cred.json"), 0);
	/* not a CFItem; unknown */
	ck_assert_int_eq(RUN("achievement", "add", "--tenant", "d1", "--issuer",
	                     issuer, "--case-item", DOC),
	                 1);
	ck_assert_int_eq(RUN("achievement", "add", "--tenant", "d2", "--issuer",
	                     issuer, "--case-item", ITEM),
	                 1);
}
END_TEST

START_TEST(achievement_checks)
{
	char p[400];
	write_file("bad.json", "{\"id\":\"" ACH "2\",\"type\":\"Achievement\","
	                       "\"name\":\"x\",\"criteria\":{}}");
	path_of(p, sizeof(p), "bad.json");
	ck_assert_int_eq(RUN("achievement", "add", "--tenant", "d1", "--issuer",
	                     issuer, p),
	                 1);
	ck_assert_ptr_nonnull(strstr(err.data, "description"));
	write_file("undef.json",
	           "{\"id\":\"" ACH "3\",\"type\":\"Achievement\",\"name\":"
	           "\"x\",\"description\":\"d\",\"criteria\":{\"narrative\":"
	           "\"n\"},\"notATerm\":1}");
	path_of(p, sizeof(p), "undef.json");
	ck_assert_int_eq(RUN("achievement", "add", "--tenant", "d1", "--issuer",
	                     issuer, p),
	                 1);
	ck_assert_ptr_nonnull(strstr(err.data, "notATerm"));
}
END_TEST

static long count_credentials(void)
{
	char n[32];

	ck_assert(cwt_store_value(&env,
	                          "SELECT count(*) FROM "
	                          "badge_credentials",
	                          n, sizeof(n)));
	return strtol(n, NULL, 10);
}

START_TEST(batch_all_or_nothing)
{
	char p[400];
	write_file("bad.csv", "recipient,achievement,result\n"
	                      "a@x.org," ACH ",A\n"
	                      "b@x.org," ACH ",B\n"
	                      "c@x.org,https://nope.example/a,C\n"
	                      "d@x.org," ACH ",D\n");
	path_of(p, sizeof(p), "bad.csv");
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d1", "--batch", p),
	                 1);
	ck_assert_ptr_nonnull(strstr(err.data, "bad.csv:4: "));
	ck_assert_ptr_null(strstr(err.data, "bad.csv:2: "));
	ck_assert_int_eq(count_credentials(), 0);
	write_file("bad.json", "[\n {\"recipient\": \"a@x.org\", "
	                       "\"achievement\": \"" ACH "\"},\n"
	                       " {\"recipient\": \"\",\n  \"achievement\": "
	                       "\"" ACH "\"}\n]\n");
	path_of(p, sizeof(p), "bad.json");
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d1", "--batch", p),
	                 1);
	ck_assert_ptr_nonnull(strstr(err.data, "bad.json:3: recipient"));
	ck_assert_int_eq(count_credentials(), 0);
	write_file("good.csv", "recipient,achievement,result\n"
	                       "a@x.org," ACH ",A\n"
	                       "stu-2," ACH ",B\n");
	path_of(p, sizeof(p), "good.csv");
	ck_assert_int_eq(
	        RUN("badge", "issue", "--tenant", "d1", "--batch", p, "--json"),
	        0);
	ck_assert_int_eq(count_credentials(), 2);
	ck_assert_ptr_nonnull(strstr(out.data, "\"line\":3"));
}
END_TEST

static unsigned char *decode_list(const char *encoded, size_t *len)
{
	unsigned char *z = NULL, *bits = malloc(1 << 17);
	size_t zlen = 0;
	z_stream s;
	ck_assert_int_eq(encoded[0], 'u');
	ck_assert_int_eq(cw_base64url_decode(&z, &zlen, encoded + 1,
	                                     strlen(encoded + 1)),
	                 0);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = z;
	s.avail_in = (uInt)zlen;
	s.next_out = bits;
	s.avail_out = 1 << 17;
	ck_assert_int_eq(inflate(&s, Z_FINISH), Z_STREAM_END);
	*len = s.total_out;
	inflateEnd(&s);
	cw_free(z);
	return bits;
}

START_TEST(revoke_sets_the_bit)
{
	char first[64], second[64];
	issue("c0.json", "a@x.org", first);
	issue("c1.json", "b@x.org", second);
	ck_assert_int_eq(RUN("badge", "revoke", second, "--reason",
	                     "issued in error", "--tenant", "d2"),
	                 1);
	ck_assert_int_eq(RUN("badge", "revoke", second, "--reason",
	                     "issued in error", "--tenant", "d1"),
	                 0);
	ck_assert_int_eq(RUN("badge", "revoke", second, "--reason", "again",
	                     "--tenant", "d1"),
	                 1);
	ck_assert_int_eq(RUN("badge", "status-list", "--tenant", "d1",
	                     "--issuer", issuer),
	                 0);
	write_file("list.json", out.data);
	ck_assert_int_eq(verify("list.json"), 0);
	cJSON *l = read_json("list.json");
	const cJSON *s = cJSON_GetObjectItem(l, "credentialSubject");
	ck_assert_str_eq(cw_json_string(s, "statusPurpose"), "revocation");
	size_t len = 0;
	unsigned char *bits =
	        decode_list(cw_json_string(s, "encodedList"), &len);
	ck_assert_uint_eq(len, 131072 / 8);
	ck_assert_int_eq(bits[0], 0x40); /* index 1 set, index 0 not */
	free(bits);
	/* the credential points at this list */
	cJSON *c = read_json("c1.json");
	ck_assert_str_eq(cw_json_string(cJSON_GetObjectItem(c, "credentialStat"
	                                                       "us"),
	                                "statusListCredential"),
	                 cw_json_string(l, "id"));
	cJSON_Delete(c);
	cJSON_Delete(l);
	ck_assert_int_eq(RUN("badge", "status-list", "--tenant", "d1",
	                     "--issuer", issuer, "--revocation-list"),
	                 0);
	ck_assert_ptr_nonnull(strstr(out.data, second));
	ck_assert_ptr_nonnull(strstr(out.data, "issued in error"));
}
END_TEST

/* Sets the issuer's next status index (as after that many credentials). */
static void set_next_index(long next)
{
	char sql[200];
	snprintf(sql, sizeof(sql),
	         "UPDATE badge_status_lists SET next_index = %ld", next);
	ck_assert_int_eq(cwt_store_exec(&env, sql), 1);
}

/* The credential's statusListCredential and statusListIndex. */
static void status_entry(const char *name, char url[300], char index[24])
{
	cJSON *c = read_json(name);
	const cJSON *st = cJSON_GetObjectItem(c, "credentialStatus");
	snprintf(url, 300, "%s", cw_json_string(st, "statusListCredential"));
	snprintf(index, 24, "%s", cw_json_string(st, "statusListIndex"));
	cJSON_Delete(c);
}

/* An issuer's 131,073rd credential starts its list 1 (URL + "/1", bit 0);
 * each list has its own bits, is served and signed, and verifies. */
START_TEST(status_lists_roll_over)
{
	char last[64], next[64], url[300], index[24], p[400];
	set_next_index(131071);
	issue("last.json", "a@x.org", last);
	issue("next.json", "b@x.org", next);
	status_entry("last.json", url, index);
	ck_assert_str_eq(index, "131071");
	ck_assert_ptr_nonnull(strstr(url, "/status/revocation"));
	ck_assert_str_eq(url + strlen(url) - 18, "/status/revocation");
	status_entry("next.json", url, index);
	ck_assert_str_eq(index, "0");
	ck_assert_str_eq(url + strlen(url) - 20, "/status/revocation/1");
	ck_assert_int_eq(RUN("badge", "revoke", next, "--reason", "error",
	                     "--tenant", "d1"),
	                 0);
	/* list 1 has bit 0 set; list 0 does not have bit 131071 */
	ck_assert_int_eq(RUN("badge", "status-list", "--tenant", "d1",
	                     "--issuer", issuer, "--list", "1"),
	                 0);
	write_file("list1.json", out.data);
	ck_assert_int_eq(verify("list1.json"), 0);
	cJSON *l = read_json("list1.json");
	ck_assert_str_eq(cw_json_string(l, "id"), url);
	size_t len = 0;
	unsigned char *bits = decode_list(
	        cw_json_string(cJSON_GetObjectItem(l, "credentialSubject"),
	                       "encodedList"),
	        &len);
	ck_assert_uint_eq(len, 131072 / 8);
	ck_assert_int_eq(bits[0], 0x80);
	free(bits);
	cJSON_Delete(l);
	ck_assert_int_eq(RUN("badge", "status-list", "--tenant", "d1",
	                     "--issuer", issuer),
	                 0);
	write_file("list0.json", out.data);
	l = read_json("list0.json");
	bits = decode_list(
	        cw_json_string(cJSON_GetObjectItem(l, "credentialSubject"),
	                       "encodedList"),
	        &len);
	ck_assert_int_eq(bits[len - 1], 0);
	free(bits);
	cJSON_Delete(l);
	/* each credential is checked against its own list */
	path_of(p, sizeof(p), "last.json");
	ck_assert_msg(RUN("badge", "verify", p) == 0, "%s", out.data);
	path_of(p, sizeof(p), "next.json");
	ck_assert_int_eq(RUN("badge", "verify", p), 1);
	ck_assert_ptr_nonnull(strstr(out.data, "FAIL status"));
	/* a list not begun is not there */
	ck_assert_int_eq(RUN("badge", "status-list", "--tenant", "d1",
	                     "--issuer", issuer, "--list", "2"),
	                 1);
	ck_assert_int_eq(RUN("badge", "status-list", "--tenant", "d1",
	                     "--issuer", issuer, "--list", "x"),
	                 1);
	/* the daemon serves list 1 at its URL */
	int port = cwt_free_port();
	char listen[32], path[300];
	cwt_daemon d;
	cwt_http res;
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	cwt_start(&d, &env, "--listen", listen, NULL);
	snprintf(path, sizeof(path),
	         "/badges/d1/issuers/%s/status/revocation/1", issuer);
	cwt_request(&res, &d, "GET", path, NULL, NULL);
	ck_assert_int_eq(res.status, 200);
	ck_assert_ptr_nonnull(strstr(res.body.data, "BitstringStatusList"));
	cwt_http_dispose(&res);
	snprintf(path, sizeof(path),
	         "/badges/d1/issuers/%s/status/revocation/2", issuer);
	cwt_request(&res, &d, "GET", path, NULL, NULL);
	ck_assert_int_eq(res.status, 404);
	cwt_http_dispose(&res);
	snprintf(path, sizeof(path),
	         "/badges/d1/issuers/%s/status/revocation/01", issuer);
	cwt_request(&res, &d, "GET", path, NULL, NULL);
	ck_assert_int_eq(res.status, 404);
	cwt_http_dispose(&res);
	cwt_stop(&d, SIGTERM, 5000);
	/* the last list full: a clear refusal, nothing issued */
	set_next_index(131072L * 1024);
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d1",
	                     "--achievement", ACH, "--recipient", "c@x.org"),
	                 1);
	ck_assert_ptr_nonnull(strstr(err.data, "no room"));
}
END_TEST

START_TEST(rotation_keeps_old_credentials_valid)
{
	char id[64], kid[128];
	issue("old.json", "a@x.org", id);
	cJSON *old = read_json("old.json");
	char old_vm[256];
	snprintf(old_vm, sizeof(old_vm), "%s",
	         cw_json_string(cJSON_GetObjectItem(old, "proof"),
	                        "verificationMethod"));
	cJSON_Delete(old);
	ck_assert_int_eq(RUN("issuer", "rotate-key", "--tenant", "d1", issuer),
	                 0);
	snprintf(kid, sizeof(kid), "%.*s", (int)strcspn(out.data, "\n"),
	         out.data);
	ck_assert_int_eq(RUN("issuer", "rotate-key", "--tenant", "d2", issuer),
	                 1);
	issue("new.json", "a@x.org", id);
	ck_assert_int_eq(verify("old.json"), 0);
	ck_assert_int_eq(verify("new.json"), 0);
	cJSON *fresh = read_json("new.json");
	const char *vm = cw_json_string(cJSON_GetObjectItem(fresh, "proof"),
	                                "verificationMethod");
	ck_assert_str_ne(vm, old_vm);
	ck_assert_ptr_nonnull(strstr(vm, kid));
	cJSON_Delete(fresh);
	ck_assert_int_eq(RUN("issuer", "list", "--tenant", "d1", "--json"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"status\":\"retired\""));
}
END_TEST

START_TEST(keys_sealed_under_the_master_key)
{
	char sealed[16384];

	ck_assert(cwt_store_value(&env,
	                          "SELECT private_sealed FROM "
	                          "badge_issuer_keys",
	                          sealed, sizeof(sealed)));
	ck_assert_int_eq(strncmp(sealed, "v1:", 3), 0);
	/* PKCS#8 DER of Ed25519 starts 30 2e 02 01 00: base64 "MC4CAQAw" */
	ck_assert_ptr_null(strstr(sealed, "MC4CAQ"));
	/* another master key cannot sign with it */
	setenv("CROSSWALK_MASTER_KEY",
	       "000000000000000000000000000000000000000000000000000000000000000"
	       "1",
	       1);
	int code = RUN("badge", "issue", "--tenant", "d1", "--achievement", ACH,
	               "--recipient", "a@x.org");
	unsetenv("CROSSWALK_MASTER_KEY");
	ck_assert_int_ne(code, 0);
	ck_assert_ptr_nonnull(strstr(err.data, "master key"));
}
END_TEST

START_TEST(tenant_isolation)
{
	char id[64], other[64];
	issue("c.json", "a@x.org", id);
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d2",
	                     "--achievement", ACH, "--recipient", "a@x.org",
	                     "--issuer", issuer),
	                 1);
	ck_assert_int_eq(
	        RUN("badge", "revoke", id, "--reason", "x", "--tenant", "d2"),
	        1);
	ck_assert_int_eq(RUN("badge", "status-list", "--tenant", "d2",
	                     "--issuer", issuer),
	                 1);
	make_issuer(other, "d2");
	char p[400];
	path_of(p, sizeof(p), "ach.json");
	/* d2 may define the same achievement id for its own issuer … */
	ck_assert_int_eq(RUN("achievement", "add", "--tenant", "d2", "--issuer",
	                     other, p),
	                 0);
	/* … but not use d1's issuer */
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d2",
	                     "--achievement", ACH, "--recipient", "a@x.org",
	                     "--issuer", issuer),
	                 1);
	ck_assert_int_eq(RUN("issuer", "list", "--tenant", "d2"), 0);
	ck_assert_ptr_null(strstr(out.data, issuer));
}
END_TEST

/* The daemon serves the issuer's status list: an issued credential's
 * status step passes, and fails as revoked once it is revoked; the
 * revocation list and the issuer's key document are public too. */
START_TEST(status_list_served_and_checked)
{
	int port = cwt_free_port();
	char listen[32], line[128], conf[400], cred[400], id[64], path[200];
	cwt_daemon d;
	cwt_http res;
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(line, sizeof(line),
	         "\npublic_base_url = http://%s\nfetch_private_addresses = 1\n",
	         listen);
	path_of(conf, sizeof(conf), "crosswalk.conf");
	FILE *f = fopen(conf, "a");
	ck_assert_ptr_nonnull(f);
	fputs(line, f);
	fclose(f);
	cwt_start(&d, &env, "--listen", listen, NULL);
	issue("c.json", "ada@example.org", id);
	path_of(cred, sizeof(cred), "c.json");
	ck_assert_msg(RUN("badge", "verify", cred) == 0, "%s%s", out.data,
	              cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(out.data, "PASS status"));
	/* POST /verify: the daemon runs the same procedure */
	char token[64], auth[100], *text = NULL;
	size_t text_len = 0;
	ck_assert_int_eq(
	        cwt_token(token, &d, env.admin_id, env.admin_secret, NULL), 0);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	ck_assert_int_eq(cw_file_read(&text, &text_len, cred, 1 << 20), 0);
	cwt_request(&res, &d, "POST", "/verify", headers, text);
	ck_assert_int_eq(res.status, 200);
	ck_assert_ptr_nonnull(strstr(res.body.data, "\"valid\":true"));
	cwt_http_dispose(&res);
	cwt_request(&res, &d, "POST", "/verify", NULL, text);
	ck_assert_int_eq(res.status, 401); /* not without a token */
	cwt_http_dispose(&res);
	/* as CLI.md writes it: no --tenant, found by the credential's id */
	ck_assert_int_eq(
	        RUN("badge", "revoke", id, "--reason", "Issued in error"), 0);
	cwt_request(&res, &d, "POST", "/verify", headers, text);
	ck_assert_int_eq(res.status, 200);
	ck_assert_ptr_nonnull(strstr(res.body.data, "\"valid\":false"));
	ck_assert_ptr_nonnull(strstr(res.body.data, "revoked"));
	cwt_http_dispose(&res);
	cw_free(text);
	ck_assert_int_eq(RUN("badge", "verify", cred), 1);
	ck_assert_ptr_nonnull(strstr(out.data, "FAIL status"));
	ck_assert_ptr_nonnull(strstr(out.data, "revoked"));
	snprintf(path, sizeof(path), "/badges/d1/issuers/%s/revocations",
	         issuer);
	cwt_request(&res, &d, "GET", path, NULL, NULL);
	ck_assert_int_eq(res.status, 200);
	ck_assert_ptr_nonnull(strstr(res.body.data, id));
	cwt_http_dispose(&res);
	snprintf(path, sizeof(path), "/badges/d1/issuers/%s", issuer);
	cwt_request(&res, &d, "GET", path, NULL, NULL);
	ck_assert_int_eq(res.status, 200);
	ck_assert_ptr_nonnull(strstr(res.body.data, "\"assertionMethod\""));
	cwt_http_dispose(&res);
	cwt_request(&res, &d, "GET", "/badges/d1/issuers/nope/revocations",
	            NULL, NULL);
	ck_assert_int_eq(res.status, 404);
	cwt_http_dispose(&res);
	cwt_stop(&d, SIGTERM, 5000);
}
END_TEST

static long admin_post(cwt_daemon *d, const char *token, const char *path,
                       const char *body, cJSON **doc)
{
	char auth[100];
	cwt_http res;
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	cwt_request(&res, d, "POST", path, headers, body);
	long status = res.status;
	if (doc)
		*doc = cJSON_Parse(cw_buf_cstr(&res.body));
	cwt_http_dispose(&res);
	return status;
}

/* The admin API: an issuer, an achievement and a credential made over
 * HTTP verify like the CLI's; revoking works; another tenant's admin is
 * refused. */
START_TEST(admin_api_issues_and_revokes)
{
	char token[64], path[300], credential_path[400], other[64], id[64],
	        secret[64];
	cwt_daemon d;
	cJSON *doc = NULL;
	cwt_start(&d, &env, NULL);
	ck_assert_int_eq(
	        cwt_token(token, &d, env.admin_id, env.admin_secret, NULL), 0);
	ck_assert_int_eq(admin_post(&d, token,
	                            "/admin/v1/badges/issuers?tenant=d1",
	                            "{\"name\":\"API District\"}", &doc),
	                 201);
	char api_issuer[64];
	snprintf(api_issuer, sizeof(api_issuer), "%s",
	         cw_json_string(doc, "id"));
	cJSON_Delete(doc);
	snprintf(path, sizeof(path),
	         "/admin/v1/badges/issuers/%s/achievements?tenant=d1",
	         api_issuer);
	ck_assert_int_eq(
	        admin_post(&d, token, path,
	                   "{\"id\":\"https://district.example/achievements/"
	                   "api\",\"type\":[\"Achievement\"],\"name\":\"API "
	                   "badge\",\"description\":\"Made over HTTP.\","
	                   "\"criteria\":{\"narrative\":\"Asked for it.\"},"
	                   "\"achievementType\":\"Badge\"}",
	                   NULL),
	        201);
	ck_assert_int_eq(
	        admin_post(&d, token, "/admin/v1/badges/credentials?tenant=d1",
	                   "{\"achievement\":\"https://district.example/"
	                   "achievements/api\",\"recipient\":"
	                   "\"grace@example.org\"}",
	                   &doc),
	        201);
	char *text =
	        cJSON_PrintUnformatted(cJSON_GetObjectItem(doc, "credential"));
	char cred_id[64];
	snprintf(cred_id, sizeof(cred_id), "%s", cw_json_string(doc, "id"));
	cJSON_Delete(doc);
	write_file("api.json", text);
	cJSON_free(text);
	path_of(credential_path, sizeof(credential_path), "api.json");
	ck_assert_msg(RUN("vc", "verify", credential_path) == 0, "%s",
	              out.data);
	/* unknown achievement: 404; another tenant's admin: 403 */
	ck_assert_int_eq(admin_post(&d, token,
	                            "/admin/v1/badges/credentials?tenant=d1",
	                            "{\"achievement\":\"https://nowhere/x\","
	                            "\"recipient\":\"a@b.org\"}",
	                            NULL),
	                 404);
	cwt_client_add(&env, "d2", "urn:crosswalk:scope:admin", id, secret);
	ck_assert_int_eq(cwt_token(other, &d, id, secret, NULL), 0);
	ck_assert_int_eq(
	        admin_post(&d, other, "/admin/v1/badges/credentials?tenant=d1",
	                   "{\"achievement\":\"https://district.example/"
	                   "achievements/api\",\"recipient\":\"x@y.org\"}",
	                   NULL),
	        403);
	snprintf(path, sizeof(path),
	         "/admin/v1/badges/credentials/%s/revoke?tenant=d1", cred_id);
	ck_assert_int_eq(admin_post(&d, token, path,
	                            "{\"reason\":\"Issued in error\"}", NULL),
	                 200);
	ck_assert_int_eq(admin_post(&d, token, path, "{}", NULL), 422);
	cwt_stop(&d, SIGTERM, 5000);
}
END_TEST

Suite *suite_badges(void)
{
	Suite *s = suite_create("badges");
	TCase *t = tcase_create("issue");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, issue_verifies_and_tampering_fails);
	tcase_add_test(t, jwt_results_and_evidence);
	tcase_add_test(t, achievement_from_case_item);
	tcase_add_test(t, achievement_checks);
	tcase_add_test(t, batch_all_or_nothing);
	tcase_add_test(t, revoke_sets_the_bit);
	tcase_add_test(t, status_lists_roll_over);
	tcase_add_test(t, rotation_keeps_old_credentials_valid);
	tcase_add_test(t, keys_sealed_under_the_master_key);
	tcase_add_test(t, tenant_isolation);
	tcase_add_test(t, status_list_served_and_checked);
	tcase_add_test(t, admin_api_issues_and_revokes);
	suite_add_tcase(s, t);
	return s;
}
