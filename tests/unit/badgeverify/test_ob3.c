/* OB 3.0 and CLR 2.0 verification of credentials the test signs itself:
 * valid, tampered (proof), expired (validity), revoked through a Bitstring
 * Status List served by the fetch callback (status), a CLR with a tampered
 * nested credential (invalid). */
#include "crypto/dataintegrity.h"
#include "crypto/key.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tests_badgeverify.h"

void bv_serve(bv_server *s, const char *url, const char *body)
{
	ck_assert_int_lt(s->count, 16);
	s->url[s->count] = url;
	s->body[s->count++] = cw_strdup(body);
}

void bv_server_dispose(bv_server *s)
{
	for (int i = 0; i < s->count; i++)
		cw_free(s->body[i]);
	s->count = 0;
}

int bv_fetch(void *arg, const char *url, char **body, size_t *len, long *status)
{
	bv_server *s = arg;

	for (int i = 0; s && i < s->count; i++)
		if (strcmp(s->url[i], url) == 0) {
			*body = cw_strdup(s->body[i]);
			*len = strlen(*body);
			*status = 200;
			return 0;
		}
	*status = 404;
	cw_error_set("%s: 404", url);
	return CW_ENOTFOUND;
}

const cw_badge_step *bv_step(const cw_badge_report *r, const char *name)
{
	for (size_t i = 0; i < r->step_count; i++)
		if (strcmp(r->steps[i].name, name) == 0)
			return &r->steps[i];
	return NULL;
}

static cw_key *key;
static char vm[256];
static bv_server server;
static cw_jsonld_loader *loader;

/* A test CLR context: nested credentials are JSON literals. */
#define CLR_CONTEXT "https://clr.test/context.json"

static void setup(void)
{
	unsigned char seed[32];
	cw_buf b = CW_BUF_INIT(256);
	const char *ctx =
	        "{\"@context\":{\"ClrCredential\":\"https://clr.test#Clr\","
	        "\"ClrSubject\":\"https://clr.test#ClrSubject\","
	        "\"verifiableCredential\":{\"@id\":\"https://clr.test#vc\","
	        "\"@type\":\"@json\"}}}";

	memset(seed, 7, sizeof(seed));
	ck_assert_int_eq(cw_key_from_ed25519_seed(&key, seed), 0);
	ck_assert_int_eq(cw_key_did_vm(&b, key), 0);
	snprintf(vm, sizeof(vm), "%s", b.data);
	cw_buf_dispose(&b);
	ck_assert_int_eq(cw_jsonld_loader_new(&loader), 0);
	ck_assert_int_eq(cw_jsonld_loader_add_embedded(loader), 0);
	ck_assert_int_eq(
	        cw_jsonld_loader_add(loader, CLR_CONTEXT, ctx, strlen(ctx)), 0);
}

static void teardown(void)
{
	cw_key_free(key);
	cw_jsonld_loader_free(loader);
	bv_server_dispose(&server);
}

static cJSON *credential(const char *extra)
{
	cw_buf t = CW_BUF_INIT(1 << 16);
	cJSON *doc = NULL;

	cw_buf_printf(
	        &t,
	        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
	        "\"https://purl.imsglobal.org/spec/ob/v3p0/"
	        "context-3.0.3.json\"],"
	        "\"id\":\"urn:uuid:11111111-2222-4333-8444-555555555555\","
	        "\"type\":[\"VerifiableCredential\",\"OpenBadgeCredential\"],"
	        "\"issuer\":{\"id\":\"https://issuer.test/\",\"type\":["
	        "\"Profile\"],\"name\":\"Test issuer\"},"
	        "\"validFrom\":\"2024-01-01T00:00:00Z\",\"name\":\"Badge\","
	        "\"credentialSubject\":{\"type\":[\"AchievementSubject\"],"
	        "\"identifier\":[{\"type\":\"IdentityObject\",\"hashed\":true,"
	        "\"identityHash\":\"sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1e"
	        "ac4baecc2c0b913aee2c922ef399\",\"identityType\":"
	        "\"emailAddress\",\"salt\":\"Kosher\"}],"
	        "\"achievement\":{\"id\":\"urn:uuid:aaaaaaaa-2222-4333-8444-"
	        "555555555555\",\"type\":[\"Achievement\"],\"name\":\"A\","
	        "\"description\":\"An "
	        "achievement\",\"criteria\":{\"narrative\":"
	        "\"Did it\"}}}%s}",
	        extra ? extra : "");
	ck_assert_int_eq(cw_json_parse(&doc, t.data, t.len, 64, NULL), 0);
	cw_buf_dispose(&t);
	return doc;
}

/* Signs doc (taken) and returns the JSON text (cw_free). */
static char *sign(cJSON *doc)
{
	cw_di_sign_options o = { vm, "2024-01-02T00:00:00Z", NULL, loader,
		                 NULL };
	cw_di_report report = { 0 };
	cJSON *signed_doc = NULL;
	char *text;

	ck_assert_msg(cw_di_sign(&signed_doc, doc, key, &o, &report) == 0,
	              "%s: %s %s", report.step, report.message,
	              cw_error_last());
	text = cw_json_print(signed_doc);
	cJSON_Delete(signed_doc);
	cJSON_Delete(doc);
	cw_di_report_dispose(&report);
	return text;
}

static cw_badge_report *verify(const char *text, const char *recipient)
{
	cw_badge_verify_options o = { loader, bv_fetch, &server, recipient, 0 };
	cw_badge_report *r = NULL;

	ck_assert_int_eq(cw_badge_verify(&r, text, strlen(text), &o), 0);
	return r;
}

static void assert_step(const cw_badge_report *r, const char *name, int status)
{
	const cw_badge_step *s = bv_step(r, name);

	ck_assert_msg(s, "no step %s", name);
	ck_assert_msg(s->status == status, "%s: %d (%s)", name, s->status,
	              s->detail);
}

START_TEST(signed_credential_verifies)
{
	char *text = sign(credential(NULL));
	cw_badge_report *r = verify(text, "a@example.com");

	ck_assert_msg(r->valid, "%s", cw_badge_report_failure(r)->detail);
	ck_assert_int_eq(r->format, CW_BADGE_FORMAT_OB3_JSON);
	ck_assert_str_eq(r->id,
	                 "urn:uuid:11111111-2222-4333-8444-555555555555");
	ck_assert_str_eq(r->issuer, "https://issuer.test/");
	assert_step(r, "proof", CW_BADGE_PASS);
	assert_step(r, "recipient", CW_BADGE_PASS);
	assert_step(r, "status", CW_BADGE_SKIPPED);
	cw_badge_report_free(r);
	/* another recipient does not match */
	r = verify(text, "b@example.com");
	ck_assert(!r->valid);
	assert_step(r, "recipient", CW_BADGE_FAIL);
	cw_badge_report_free(r);
	cw_free(text);
}
END_TEST

START_TEST(tampered_fails_at_proof)
{
	char *text = sign(credential(NULL));
	char *at = strstr(text, "\"Badge\"");
	cw_badge_report *r;

	ck_assert_ptr_nonnull(at);
	at[1] = 'X';
	r = verify(text, NULL);
	ck_assert(!r->valid);
	ck_assert_str_eq(cw_badge_report_failure(r)->name, "proof");
	cw_badge_report_free(r);
	cw_free(text);
}
END_TEST

START_TEST(expired_fails_at_validity)
{
	char *text =
	        sign(credential(",\"validUntil\":\"2024-06-01T00:00:00Z\""));
	cw_badge_report *r = verify(text, NULL);

	ck_assert(!r->valid);
	assert_step(r, "proof", CW_BADGE_PASS);
	ck_assert_str_eq(cw_badge_report_failure(r)->name, "validity");
	cw_badge_report_free(r);
	cw_free(text);
}
END_TEST

#define LIST_URL "https://status.test/list"

/* A signed BitstringStatusListCredential with bit 5 set. */
static char *status_list(void)
{
	unsigned char bits[2048] = { 0 };
	cw_buf list = CW_BUF_INIT(1 << 16), t = CW_BUF_INIT(1 << 16);
	cJSON *doc = NULL;

	bits[0] = 0x04;
	bv_encoded_list(&list, bits, sizeof(bits));
	cw_buf_printf(
	        &t,
	        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
	        "\"id\":\"" LIST_URL "\",\"type\":["
	        "\"VerifiableCredential\","
	        "\"BitstringStatusListCredential\"],\"issuer\":"
	        "\"https://issuer.test/\",\"validFrom\":"
	        "\"2024-01-01T00:00:00Z\",\"credentialSubject\":{\"id\":"
	        "\"" LIST_URL "#list\",\"type\":\"BitstringStatusList\","
	        "\"statusPurpose\":\"revocation\",\"encodedList\":\"%s\"}}",
	        list.data);
	ck_assert_int_eq(cw_json_parse(&doc, t.data, t.len, 64, NULL), 0);
	cw_buf_dispose(&list);
	cw_buf_dispose(&t);
	return sign(doc);
}

static char *with_status(int index)
{
	char extra[512];

	snprintf(extra, sizeof(extra),
	         ",\"credentialStatus\":{\"id\":\"" LIST_URL "#%d\",\"type\":"
	         "\"BitstringStatusListEntry\",\"statusPurpose\":"
	         "\"revocation\",\"statusListIndex\":\"%d\","
	         "\"statusListCredential\":\"" LIST_URL "\"}",
	         index, index);
	return sign(credential(extra));
}

START_TEST(status_list_revokes)
{
	char *list = status_list(), *revoked = with_status(5),
	     *fine = with_status(4);
	cw_badge_report *r;

	bv_serve(&server, LIST_URL, list);
	r = verify(revoked, NULL);
	ck_assert(!r->valid);
	assert_step(r, "proof", CW_BADGE_PASS);
	ck_assert_str_eq(cw_badge_report_failure(r)->name, "status");
	ck_assert_ptr_nonnull(strstr(bv_step(r, "status")->detail, "revoked"));
	cw_badge_report_free(r);
	r = verify(fine, NULL);
	ck_assert_msg(r->valid, "%s", bv_step(r, "status")->detail);
	cw_badge_report_free(r);
	/* a status list whose own proof fails does not count */
	list[strlen(list) / 2] ^= 1;
	bv_server_dispose(&server);
	bv_serve(&server, LIST_URL, list);
	r = verify(fine, NULL);
	assert_step(r, "status", CW_BADGE_FAIL);
	cw_badge_report_free(r);
	/* nor does one that is not there */
	bv_server_dispose(&server);
	r = verify(fine, NULL);
	assert_step(r, "status", CW_BADGE_FAIL);
	cw_badge_report_free(r);
	cw_free(list);
	cw_free(revoked);
	cw_free(fine);
}
END_TEST

static char *clr(const char *nested_a, const char *nested_b)
{
	cw_buf t = CW_BUF_INIT(1 << 20);
	cJSON *doc = NULL;

	cw_buf_printf(
	        &t,
	        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
	        "\"" CLR_CONTEXT "\"],\"id\":\"urn:uuid:c1\",\"type\":["
	        "\"VerifiableCredential\",\"ClrCredential\"],\"issuer\":"
	        "\"https://issuer.test/"
	        "\",\"validFrom\":\"2024-01-01T00:00:00Z\","
	        "\"credentialSubject\":{\"id\":\"did:example:learner\","
	        "\"type\":\"ClrSubject\",\"verifiableCredential\":[%s,%s]}}",
	        nested_a, nested_b);
	ck_assert_int_eq(cw_json_parse(&doc, t.data, t.len, 64, NULL), 0);
	cw_buf_dispose(&t);
	return sign(doc);
}

START_TEST(clr_checks_every_nested_credential)
{
	char *a = sign(credential(NULL)), *b = sign(credential(NULL));
	char *good = clr(a, b), *bad;
	cw_badge_report *r = verify(good, NULL);

	ck_assert_msg(r->valid, "%s", cw_badge_report_failure(r)->detail);
	ck_assert_int_eq(r->format, CW_BADGE_FORMAT_CLR);
	ck_assert_int_eq(r->nested_count, 2);
	cw_badge_report_free(r);
	strstr(b, "\"Badge\"")[1] = 'X';
	bad = clr(a, b); /* the outer proof covers the tampered one */
	r = verify(bad, NULL);
	ck_assert(!r->valid);
	assert_step(r, "proof", CW_BADGE_PASS);
	assert_step(r, "nested", CW_BADGE_FAIL);
	ck_assert(r->nested[0]->valid);
	ck_assert(!r->nested[1]->valid);
	ck_assert_str_eq(cw_badge_report_failure(r->nested[1])->name, "proof");
	cw_badge_report_free(r);
	cw_free(a);
	cw_free(b);
	cw_free(good);
	cw_free(bad);
}
END_TEST

START_TEST(garbage_is_a_failed_parse)
{
	const char *inputs[] = { "",
		                 "{",
		                 "[1]",
		                 "eyJhbGciOiJub25lIn0.e30.",
		                 "{\"type\":\"Assertion\"}",
		                 "\x89PNG\r\n",
		                 "hello" };

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		cw_badge_report *r = verify(inputs[i], NULL);
		ck_assert_msg(!r->valid, "%s", inputs[i]);
		cw_badge_report_free(r);
	}
}
END_TEST

Suite *suite_badgeverify_ob3(void)
{
	Suite *s = suite_create("badgeverify_ob3");
	TCase *t = tcase_create("core");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, signed_credential_verifies);
	tcase_add_test(t, tampered_fails_at_proof);
	tcase_add_test(t, expired_fails_at_validity);
	tcase_add_test(t, status_list_revokes);
	tcase_add_test(t, clr_checks_every_nested_credential);
	tcase_add_test(t, garbage_is_a_failed_parse);
	suite_add_tcase(s, t);
	return s;
}
