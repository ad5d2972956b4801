/* The verification steps beyond the proof: credentialSchema (each JSON
 * Schema named is fetched and applied; a violation fails the credential
 * with its pointer, a schema that cannot be had is reported skipped) and
 * endorsements (each EndorsementCredential of the credential, its issuer or
 * its achievement verified as a credential of its own) and refresh (the
 * credential a 1EdTechCredentialRefresh service answers, when it is the
 * same issuer's and its proof verifies, is checked in place of the
 * original). Signed with `vc
 * sign`, checked with `badge verify --map`. */
#include "harness.h"

#include "util/buf.h"
#include "util/file.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

Suite *suite_badge_checks(void);

static cwt_env env;
static cw_buf out, err;
static char did[200];

#define RUN(...)                                                               \
	(cw_buf_clear(&out), cw_buf_clear(&err),                               \
	 cwt_run(&env, &out, &err, __VA_ARGS__, NULL))

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

/* Writes text with every @ISSUER@ replaced by the key's did:key. */
static void write_with_issuer(const char *name, const char *text)
{
	cw_buf b = CW_BUF_INIT(1 << 20);
	for (const char *p = text, *at; *p; p = at + 8) {
		if (!(at = strstr(p, "@ISSUER@"))) {
			cw_buf_puts(&b, p);
			break;
		}
		cw_buf_put(&b, p, (size_t)(at - p));
		cw_buf_puts(&b, did);
	}
	write_file(name, cw_buf_cstr(&b));
	cw_buf_dispose(&b);
}

/* vc sign of name into signed_name. */
static void sign(const char *name, const char *signed_name)
{
	char in[400], key[400];
	path_of(in, sizeof(in), name);
	path_of(key, sizeof(key), "ed.key");
	ck_assert_msg(RUN("vc", "sign", "--key", key, in) == 0, "%s",
	              cw_buf_cstr(&err));
	write_file(signed_name, cw_buf_cstr(&out));
}

/* badge verify --json with https://schemas.example/ mapped to schemas/:
 * the exit code; the report in out. */
static int verify(const char *name)
{
	char p[400], map[500];
	path_of(p, sizeof(p), name);
	snprintf(map, sizeof(map), "https://schemas.example/=%s/schemas",
	         env.dir);
	return RUN("badge", "verify", "--json", "--map", map, p);
}

/* The status and detail of step name in the report in out. */
static const char *step(const char *name, char detail[600])
{
	static char status[16];
	cJSON *doc = NULL, *s;
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 64, NULL), 0);
	status[0] = detail[0] = '\0';
	cJSON_ArrayForEach(s, cJSON_GetObjectItem(doc, "steps"))
	{
		if (strcmp(cw_json_string(s, "name"), name) == 0) {
			snprintf(status, sizeof(status), "%s",
			         cw_json_string(s, "status"));
			snprintf(detail, 600, "%s",
			         cw_json_string(s, "detail"));
		}
	}
	cJSON_Delete(doc);
	return status;
}

static const char credential[] =
        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
        "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],"
        "\"id\":\"urn:uuid:6f1c2a64-0d53-4c55-9a7e-2b8f3e1d7c91\",\"type\":["
        "\"VerifiableCredential\",\"OpenBadgeCredential\"],\"issuer\":{"
        "\"id\":\"@ISSUER@\",\"type\":[\"Profile\"],\"name\":\"Academy\"},"
        "\"validFrom\":\"2024-09-02T08:30:00Z\",\"name\":\"Soldering\","
        "@SCHEMA@\"credentialSubject\":{\"id\":\"did:example:learner\","
        "\"type\":[\"AchievementSubject\"],\"achievement\":{\"id\":"
        "\"https://academy.example/achievements/soldering\",\"type\":["
        "\"Achievement\"],\"name\":\"Soldering\",\"description\":\"Solders."
        "\",\"criteria\":{\"narrative\":\"Solder a board.\"}@ENDORSE@}}}";

/* The credential with the schema and endorsement members given. */
static void make(const char *name, const char *schema, const char *endorse)
{
	cw_buf b = CW_BUF_INIT(1 << 20);
	const char *s = strstr(credential, "@SCHEMA@");
	const char *e = strstr(credential, "@ENDORSE@");
	cw_buf_put(&b, credential, (size_t)(s - credential));
	cw_buf_puts(&b, schema);
	cw_buf_put(&b, s + 8, (size_t)(e - s - 8));
	cw_buf_puts(&b, endorse);
	cw_buf_puts(&b, e + 9);
	write_with_issuer(name, cw_buf_cstr(&b));
	cw_buf_dispose(&b);
}

static void setup(void)
{
	char key[400], dir[400];
	cwt_env_init(&env);
	out = (cw_buf)CW_BUF_INIT(4 << 20);
	err = (cw_buf)CW_BUF_INIT(1 << 20);
	path_of(key, sizeof(key), "ed.key");
	ck_assert_int_eq(RUN("keys", "generate", "--type", "ed25519", "--out",
	                     key, "--json"),
	                 0);
	cJSON *doc = NULL;
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 8, NULL), 0);
	snprintf(did, sizeof(did), "%.*s",
	         (int)strcspn(cw_json_string(doc, "id"), "#"),
	         cw_json_string(doc, "id"));
	cJSON_Delete(doc);
	path_of(dir, sizeof(dir), "schemas");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	write_file("schemas/ok.json",
	           "{\"$schema\":\"https://json-schema.org/draft/2019-09/"
	           "schema\",\"type\":\"object\",\"required\":[\"issuer\","
	           "\"credentialSubject\"],\"properties\":{\"name\":{\"type\":"
	           "\"string\",\"maxLength\":100}}}");
	write_file("schemas/short.json",
	           "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":"
	           "\"string\",\"maxLength\":5}}}");
}

static void teardown(void)
{
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_env_cleanup(&env);
}

#define SCHEMA(file)                                                           \
	"\"credentialSchema\":[{\"id\":\"https://schemas.example/" file        \
	"\",\"type\":\"JsonSchema\"}],"

START_TEST(credential_schema_is_applied)
{
	char detail[600];
	make("a.json", SCHEMA("ok.json"), "");
	sign("a.json", "a.signed.json");
	ck_assert_msg(verify("a.signed.json") == 0, "%s", cw_buf_cstr(&out));
	ck_assert_str_eq(step("schema", detail), "pass");
	ck_assert_ptr_nonnull(strstr(detail, "valid against 1 schema"));
	/* "Soldering" is longer than 5: the credential is invalid */
	make("b.json", SCHEMA("short.json"), "");
	sign("b.json", "b.signed.json");
	ck_assert_int_eq(verify("b.signed.json"), 1);
	ck_assert_str_eq(step("schema", detail), "fail");
	ck_assert_msg(strstr(detail, "short.json: /name:") != NULL, "%s",
	              detail);
	/* a schema that cannot be had is reported, not held against it */
	make("c.json", SCHEMA("missing.json"), "");
	sign("c.json", "c.signed.json");
	ck_assert_int_eq(verify("c.signed.json"), 0);
	ck_assert_str_eq(step("schema", detail), "skipped");
	ck_assert_ptr_nonnull(strstr(detail, "missing.json"));
}
END_TEST

static const char endorsement[] =
        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
        "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],"
        "\"id\":\"urn:uuid:7a2d3b75-1e64-4d66-8b8f-3c9f4e2e8da1\",\"type\":["
        "\"VerifiableCredential\",\"EndorsementCredential\"],\"issuer\":{"
        "\"id\":\"@ISSUER@\",\"type\":[\"Profile\"],\"name\":\"Guild\"},"
        "\"validFrom\":\"2024-09-01T00:00:00Z\",\"name\":\"Guild endorsement\","
        "\"credentialSubject\":{\"id\":\"https://academy.example/"
        "achievements/soldering\",\"type\":[\"EndorsementSubject\"],"
        "\"endorsementComment\":\"Meets the guild standard.\"}}";

START_TEST(endorsements_are_verified)
{
	char detail[600];
	write_with_issuer("e.json", endorsement);
	sign("e.json", "e.signed.json");
	char p[400], *signed_e = NULL;
	size_t len = 0;
	path_of(p, sizeof(p), "e.signed.json");
	ck_assert_int_eq(cw_file_read(&signed_e, &len, p, 1 << 20), 0);
	while (len && (signed_e[len - 1] == '\n'))
		signed_e[--len] = '\0';
	cw_buf member = CW_BUF_INIT(1 << 20);
	cw_buf_printf(&member, ",\"endorsement\":[%s]", signed_e);
	make("f.json", "", cw_buf_cstr(&member));
	sign("f.json", "f.signed.json");
	ck_assert_msg(verify("f.signed.json") == 0, "%s", cw_buf_cstr(&out));
	ck_assert_str_eq(step("endorsements", detail), "pass");
	ck_assert_str_eq(detail, "1 of 1 endorsements verify");
	/* a changed endorsement, the outer credential signed again: the outer
	 * proof holds, the endorsement does not */
	char *at = strstr(member.data, "guild standard");
	ck_assert_ptr_nonnull(at);
	memcpy(at, "GUILD", 5);
	make("g.json", "", cw_buf_cstr(&member));
	sign("g.json", "g.signed.json");
	ck_assert_int_eq(verify("g.signed.json"), 1);
	ck_assert_str_eq(step("proof", detail), "pass");
	ck_assert_str_eq(step("endorsements", detail), "fail");
	ck_assert_str_eq(detail, "0 of 1 endorsements verify");
	/* none: skipped */
	make("h.json", "", "");
	sign("h.json", "h.signed.json");
	ck_assert_int_eq(verify("h.signed.json"), 0);
	ck_assert_str_eq(step("endorsements", detail), "skipped");
	cw_buf_dispose(&member);
	free(signed_e);
}
END_TEST

#define REFRESH(file)                                                          \
	"\"validUntil\":\"2025-01-01T00:00:00Z\",\"refreshService\":{\"id\":"  \
	"\"https://schemas.example/" file "\",\"type\":"                       \
	"\"1EdTechCredentialRefresh\"},"

/* The credential, expired, with a refreshService for file (its type is
 * defined by the OB extensions context). */
static void make_refreshing(const char *name, const char *file)
{
	char member[300], p[400], *text = NULL;
	size_t len = 0;
	snprintf(member, sizeof(member), REFRESH("%s"), file);
	make(name, member, "");
	path_of(p, sizeof(p), name);
	ck_assert_int_eq(cw_file_read(&text, &len, p, 1 << 20), 0);
	const char *at = strstr(text, "context-3.0.3.json\"");
	ck_assert_ptr_nonnull(at);
	cw_buf b = CW_BUF_INIT(1 << 20);
	cw_buf_put(&b, text, (size_t)(at - text) + 19);
	cw_buf_puts(&b, ",\"https://purl.imsglobal.org/spec/ob/v3p0/"
	                "extensions.json\"");
	cw_buf_puts(&b, at + 19);
	write_file(name, cw_buf_cstr(&b));
	cw_buf_dispose(&b);
	free(text);
}

/* Writes name to out_name with the first byte of needle changed. */
static void tamper(const char *name, const char *needle, const char *out_name)
{
	char p[400], *text = NULL;
	size_t len = 0;
	path_of(p, sizeof(p), name);
	ck_assert_int_eq(cw_file_read(&text, &len, p, 1 << 20), 0);
	char *at = strstr(text, needle);
	ck_assert_ptr_nonnull(at);
	at[0] = 'X';
	write_file(out_name, text);
	free(text);
}

/* Copies the signed credential name to the refresh URL's file. */
static void publish(const char *name, const char *file)
{
	char p[400], *text = NULL, target[400];
	size_t len = 0;
	path_of(p, sizeof(p), name);
	ck_assert_int_eq(cw_file_read(&text, &len, p, 1 << 20), 0);
	snprintf(target, sizeof(target), "schemas/%s", file);
	write_file(target, text);
	free(text);
}

START_TEST(refresh_service_is_followed)
{
	char detail[600];
	/* expired as issued; its refreshService gives a current one */
	make_refreshing("r.json", "fresh.json");
	sign("r.json", "r.signed.json");
	make("fresh.json", "\"validUntil\":\"2099-01-01T00:00:00Z\",", "");
	sign("fresh.json", "fresh.signed.json");
	publish("fresh.signed.json", "fresh.json");
	ck_assert_msg(verify("r.signed.json") == 0, "%s", cw_buf_cstr(&out));
	ck_assert_str_eq(step("refresh", detail), "pass");
	ck_assert_msg(strstr(detail, "refreshed from https://schemas.example/"
	                             "fresh.json: urn:uuid:6f1c2a64") != NULL,
	              "%s", detail);
	ck_assert_str_eq(step("validity", detail), "pass");
	/* the refreshed one tampered with: the original is checked, and it
	 * has expired */
	tamper("schemas/fresh.json", "Solders.", "schemas/fresh.json");
	ck_assert_int_eq(verify("r.signed.json"), 1);
	ck_assert_str_eq(step("refresh", detail), "skipped");
	ck_assert_msg(strstr(detail, "does not verify") &&
	                      strstr(detail, "verified as issued"),
	              "%s", detail);
	ck_assert_str_eq(step("validity", detail), "fail");
	/* another issuer's credential is no refresh of this one */
	write_file(
	        "schemas/other.json",
	        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
	        "\"type\":[\"VerifiableCredential\"],\"issuer\":"
	        "\"did:example:other\",\"validFrom\":\"2024-01-01T00:00:00Z\","
	        "\"credentialSubject\":{\"id\":\"did:example:learner\"}}");
	make_refreshing("o.json", "other.json");
	sign("o.json", "o.signed.json");
	ck_assert_int_eq(verify("o.signed.json"), 1);
	ck_assert_str_eq(step("refresh", detail), "skipped");
	ck_assert_msg(strstr(detail, "has issuer did:example:other, not did:"),
	              "%s", detail);
	/* nothing at the URL: reported, the original checked */
	make_refreshing("m.json", "gone.json");
	sign("m.json", "m.signed.json");
	ck_assert_int_eq(verify("m.signed.json"), 1);
	ck_assert_str_eq(step("refresh", detail), "skipped");
	ck_assert_msg(strstr(detail, "gone.json"), "%s", detail);
	ck_assert_str_eq(step("validity", detail), "fail");
	/* a proof that fails is not refreshed */
	tamper("r.signed.json", "Solder a board.", "r.bad.json");
	ck_assert_int_eq(verify("r.bad.json"), 1);
	ck_assert_str_eq(step("proof", detail), "fail");
	ck_assert_str_eq(step("refresh", detail), "skipped");
	ck_assert_str_eq(detail, "not refreshed: the proof does not verify");
}
END_TEST

Suite *suite_badge_checks(void)
{
	Suite *s = suite_create("badge_checks");
	TCase *t = tcase_create("checks");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, credential_schema_is_applied);
	tcase_add_test(t, endorsements_are_verified);
	tcase_add_test(t, refresh_service_is_followed);
	suite_add_tcase(s, t);
	return s;
}
