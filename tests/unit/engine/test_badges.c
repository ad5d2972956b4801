/* The badge engine against a temporary SQLite store: keys sealed and bound
 * to tenant, issuer and kid; issue, batch, revoke and status list; rotation;
 * tenant isolation. */
#include "crypto/dataintegrity.h"
#include "engine/badges.h"
#include "unit/tmpdir.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

Suite *suite_badges(void);

#define ACH "https://d1.example/achievements/1"

static char dir[256];
static cw_store *store;
static const unsigned char master[CW_SECRETBOX_KEY_LEN] = { 9, 8, 7 };
static cw_badges badges;
static char issuer[64];

static void setup(void)
{
	cw_badge_issuer_spec spec = { "District One", NULL,        NULL, NULL,
		                      NULL,           CW_KEY_P256, NULL };
	cJSON *doc = NULL, *a = NULL;
	int applied;

	cw_test_tmpdir(dir);
	ck_assert_int_eq(cw_store_open(&store, "sqlite", dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
	ck_assert_int_eq(cw_store_tenant_add(store, "d1", NULL), 0);
	ck_assert_int_eq(cw_store_tenant_add(store, "d2", NULL), 0);
	badges = (cw_badges){ store, master, "https://gw.example/", NULL };
	ck_assert_int_eq(cw_badges_issuer_create(&doc, &badges, "d1", &spec),
	                 0);
	snprintf(issuer, sizeof(issuer), "%s", cw_json_string(doc, "id"));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "keys")),
	                 2);
	cJSON_Delete(doc);
	a = cJSON_Parse("{\"id\":\"" ACH "\",\"type\":\"Achievement\","
	                "\"name\":\"One\",\"description\":\"d\",\"criteria\":"
	                "{\"narrative\":\"n\"},\"achievementType\":"
	                "\"MicroCredential\"}");
	ck_assert_int_eq(
	        cw_badges_achievement_add(&doc, &badges, "d1", issuer, a), 0);
	cJSON_Delete(doc);
	cJSON_Delete(a);
}

static void teardown(void)
{
	cw_store_free(store);
	cw_test_rmtree(dir);
}

static int sealed_row(const cw_badge_key *k, void *payload)
{
	int *count = payload;

	ck_assert_int_eq(strncmp(k->private_sealed, "v1:", 3), 0);
	(*count)++;
	return 0;
}

START_TEST(keys_are_sealed_and_bound)
{
	cw_tenant t;
	int count = 0;
	cw_badges wrong = badges;
	static const unsigned char other[CW_SECRETBOX_KEY_LEN] = { 1 };
	cw_badge_issued issued;
	cw_badge_request req = { ACH,  "a@b.org", NULL, NULL,
		                 NULL, NULL,      NULL, NULL };

	ck_assert_int_eq(cw_store_tenant_get(store, "d1", &t), 0);
	ck_assert_int_eq(cw_store_badge_key_list(store, t.id, issuer,
	                                         sealed_row, &count),
	                 0);
	ck_assert_int_eq(count, 2);
	wrong.master_key = other;
	ck_assert_int_eq(cw_badges_issue(&issued, &wrong, "d1", &req),
	                 CW_EAUTH);
	cw_badge_issued_dispose(&issued);
}
END_TEST

START_TEST(issue_revoke_and_list)
{
	cw_badge_issued one, two;
	cw_badge_request req = { ACH,  "stu-1", NULL, NULL,
		                 NULL, NULL,    NULL, NULL };
	cJSON *list = NULL, *c = NULL;
	cw_di_verify_options o = { NULL, NULL, NULL };

	ck_assert_int_eq(cw_badges_issue(&one, &badges, "d1", &req), 0);
	req.format = "jwt";
	ck_assert_int_eq(cw_badges_issue(&two, &badges, "d1", &req), 0);
	ck_assert_int_eq(strncmp(two.credential, "eyJ", 3), 0);
	ck_assert_str_eq(two.format, "jwt");
	c = cJSON_Parse(one.credential);
	ck_assert_int_eq(cw_di_verify(c, &o, NULL), 0);
	ck_assert_ptr_nonnull(strstr(one.credential,
	                             "https://gw.example/badges/d1/issuers/"));
	cJSON_Delete(c);
	ck_assert_int_eq(cw_badges_revoke(&badges, "d2", two.id, "x"),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_badges_revoke(&badges, "d1", two.id, ""),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_badges_revoke(&badges, "d1", two.id, "error"), 0);
	ck_assert_int_eq(cw_badges_revoke(&badges, "d1", two.id, "error"),
	                 CW_EEXISTS);
	ck_assert_int_eq(cw_badges_status_list(&list, &badges, "d1", issuer),
	                 0);
	ck_assert_int_eq(cw_di_verify(list, &o, NULL), 0);
	cJSON_Delete(list);
	ck_assert_int_eq(
	        cw_badges_revocation_list(&list, &badges, "d1", issuer), 0);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(
	                         list, "revokedCredential")),
	                 1);
	cJSON_Delete(list);
	cw_badge_issued_dispose(&one);
	cw_badge_issued_dispose(&two);
}
END_TEST

static void on_error(unsigned long line, const char *message, void *payload)
{
	unsigned long *first = payload;

	(void)message;
	if (!*first)
		*first = line;
}

START_TEST(batch_checks_every_row_first)
{
	static const char bad[] = "recipient,achievement\n"
	                          "a@b.org," ACH "\n"
	                          "b@b.org,urn:uuid:nope\n";
	static const char good[] = "[{\"recipient\":\"a@b.org\",\"achievement\""
	                           ":\"" ACH "\"},{\"recipient\":\"did:ex:1\","
	                           "\"achievement\":\"" ACH "\",\"results\":"
	                           "[{\"value\":\"A\"}]}]";
	unsigned long first = 0;
	cJSON *out = NULL;
	int64_t size = 0, next = 0;
	cw_tenant t;

	ck_assert_int_eq(cw_badges_issue_batch(&out, &badges, "d1", bad,
	                                       strlen(bad), 1, NULL, on_error,
	                                       &first),
	                 CW_EINVAL);
	ck_assert_uint_eq(first, 3);
	ck_assert_int_eq(cw_store_tenant_get(store, "d1", &t), 0);
	ck_assert_int_eq(cw_store_badge_status_list_get(store, t.id, issuer,
	                                                &size, &next),
	                 0);
	ck_assert_int_eq(next, 0); /* nothing reserved, nothing issued */
	ck_assert_int_eq(size, CW_BADGE_STATUS_LIST_BITS);
	ck_assert_int_eq(cw_badges_issue_batch(&out, &badges, "d1", good,
	                                       strlen(good), 0, NULL, on_error,
	                                       &first),
	                 0);
	ck_assert_int_eq(cJSON_GetArraySize(out), 2);
	cJSON_Delete(out);
	ck_assert_int_eq(cw_store_badge_status_list_get(store, t.id, issuer,
	                                                &size, &next),
	                 0);
	ck_assert_int_eq(next, 2);
}
END_TEST

START_TEST(rotation_and_isolation)
{
	cJSON *doc = NULL, *k;
	int retired = 0;

	ck_assert_int_eq(cw_badges_issuer_rotate(&doc, &badges, "d2", issuer,
	                                         CW_KEY_ED25519),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_badges_issuer_rotate(&doc, &badges, "d1", issuer,
	                                         CW_KEY_ED25519),
	                 0);
	cJSON_ArrayForEach(k, cJSON_GetObjectItem(doc, "keys"))
	{
		retired += strcmp(cw_json_string(k, "status"), "retired") == 0;
	}
	ck_assert_int_eq(retired, 1);
	cJSON_Delete(doc);
	ck_assert_int_eq(cw_badges_issuer_get(&doc, &badges, "d2", issuer),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(
	        cw_badges_controller_document(&doc, &badges, "d1", issuer), 0);
	/* three keys: two Ed25519 (one retired) and the P-256 */
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(doc, "assertionMethod")),
	        3);
	cJSON_Delete(doc);
}
END_TEST

Suite *suite_badges(void)
{
	Suite *s = suite_create("badges");
	TCase *t = tcase_create("engine");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, keys_are_sealed_and_bound);
	tcase_add_test(t, issue_revoke_and_list);
	tcase_add_test(t, batch_checks_every_row_first);
	tcase_add_test(t, rotation_and_isolation);
	suite_add_tcase(s, t);
	return s;
}
