/* `crosswalk migrate` on the real binary: a tenant with a roster, a CASE
 * framework, an issuer and an issued credential, a sync connection and a
 * flow run moved to another store (PostgreSQL on the PostgreSQL pass,
 * SQLite otherwise) and back to a SQLite one; a daemon on the target
 * serves the same documents and takes the tenant's clients, its issuer
 * still signs, and the exports made after the round trip are the same
 * bytes. A target holding the tenant already, or whose copy does not
 * verify, is left as it was; another tenant's rows never move. */
#include "harness.h"
#include "or_set.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/json.h"

#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Suite *suite_migrate(void);

#define DOC  "d3000000-0000-4000-8000-0000000000d3"
#define ITEM "a3000000-0000-4000-8000-0000000000a3"
#define OR12 "https://purl.imsglobal.org/spec/or/v1p2/scope/"
#define CASE_SCOPE                                                             \
	"http://purl.imsglobal.org/casenetwork/case/v1p0/scope/core.readonly"
#define USERS "/ims/oneroster/rostering/v1p2/users?sort=sourcedId"

static cwt_env src, dst;
static cw_buf out, err;
static char issuer[64], client_id[64], client_secret[64];

#define RUN_IN(env, ...)                                                       \
	(cw_buf_clear(&out), cw_buf_clear(&err),                               \
	 cwt_run((env), &out, &err, __VA_ARGS__, NULL))

static const char framework[] =
        "{\"CFDocument\":{\"identifier\":\"" DOC "\",\"uri\":\"https://"
        "case.example/uri/" DOC "\",\"creator\":\"District\",\"title\":"
        "\"Migrated Competencies\",\"lastChangeDateTime\":\"2025-01-01T00:"
        "00:00Z\"},\"CFItems\":[{\"identifier\":\"" ITEM "\",\"uri\":"
        "\"https://case.example/uri/" ITEM "\",\"fullStatement\":\"Explain "
        "a design \\u00e9l\\u00e8ve.\",\"humanCodingScheme\":\"M.1\","
        "\"lastChangeDateTime\":\"2025-01-01T00:00:00Z\"}]}";

static const char mapping[] =
        "{\"flow\":\"credential-to-result\",\"identity\":[{\"match\":"
        "\"sourcedId\"},{\"match\":\"email\"}],\"alignment\":{\"framework\":"
        "\"" DOC "\"},\"levels\":[{\"match\":[\"Mastered\"],\"score\":4,"
        "\"textScore\":\"Mastered\"}],\"noResult\":{\"score\":4,\"textScore\":"
        "\"Mastered\"},"
        "\"lineItem\":{\"class\":{\"course\":\"c\"},\"category\":{"
        "\"sourcedId\":\"xl\",\"title\":\"Extended learning\"},"
        "\"resultValueMin\":0,\"resultValueMax\":4}}";

static void in_dir(char *p, size_t n, const cwt_env *env, const char *name)
{
	snprintf(p, n, "%s/%s", env->dir, name);
}

/* The --to of an env's store. */
static void store_of(char *p, size_t n, const cwt_env *env)
{
	if (env->store[0])
		snprintf(p, n, "%s", env->store);
	else
		snprintf(p, n, "sqlite:%s", env->dir);
}

/* The nodes of the target run with the source's master key. */
static void share_master_key(const cwt_env *to)
{
	char from_path[400], to_path[400], *key = NULL;
	size_t len = 0;

	in_dir(from_path, sizeof(from_path), &src, "master.key");
	in_dir(to_path, sizeof(to_path), to, "master.key");
	ck_assert_int_eq(cw_file_read(&key, &len, from_path, 4096), 0);
	ck_assert_int_eq(unlink(to_path), 0);
	ck_assert_int_eq(cw_file_create(to_path, key, len, 0600), 0);
	cw_free(key);
}

static void setup(void)
{
	char p[400];

	out = (cw_buf)CW_BUF_INIT(64 << 20);
	err = (cw_buf)CW_BUF_INIT(1 << 20);
	cwt_env_init(&src);
	cwt_env_init(&dst);
	ck_assert_int_eq(RUN_IN(&src, "tenant", "add", "d1", "--time-zone",
	                        "America/Chicago"),
	                 0);
	ck_assert_int_eq(RUN_IN(&src, "tenant", "add", "d2"), 0);
	in_dir(p, sizeof(p), &src, "set");
	cwt_or_write_set(p, cwt_or_users_csv);
	cwt_or_import(&src, "d1", p);
	cwt_or_import(&src, "d2", p); /* the same sourcedIds, another tenant */
	cwt_or_write_file(src.dir, "case.json", framework);
	in_dir(p, sizeof(p), &src, "case.json");
	ck_assert_msg(RUN_IN(&src, "case", "import", "--tenant", "d1", p) == 0,
	              "%s", cw_buf_cstr(&err));
	ck_assert_msg(RUN_IN(&src, "issuer", "add", "--tenant", "d1", "--name",
	                     "Partner Museum") == 0,
	              "%s", cw_buf_cstr(&err));
	snprintf(issuer, 64, "%.*s", (int)strcspn(out.data, "\n"), out.data);
	ck_assert_int_eq(RUN_IN(&src, "achievement", "add", "--tenant", "d1",
	                        "--issuer", issuer, "--case-item", ITEM),
	                 0);
	ck_assert_msg(RUN_IN(&src, "badge", "issue", "--tenant", "d1",
	                     "--achievement", "urn:uuid:" ITEM, "--recipient",
	                     "ada@example.org") == 0,
	              "%s", cw_buf_cstr(&err));
	cwt_or_write_file(src.dir, "c1.json", out.data);
	cwt_or_write_file(src.dir, "map.json", mapping);
	in_dir(p, sizeof(p), &src, "map.json");
	ck_assert_msg(RUN_IN(&src, "map", "install", "--tenant", "d1", p) == 0,
	              "%s", cw_buf_cstr(&err));
	in_dir(p, sizeof(p), &src, "c1.json");
	ck_assert_msg(RUN_IN(&src, "map", "run", "--tenant", "d1", "--flow",
	                     "credential-to-result", p) == 0,
	              "%s%s", cw_buf_cstr(&out), cw_buf_cstr(&err));
	ck_assert_msg(RUN_IN(&src, "sync", "add", "--tenant", "d1", "--name",
	                     "sis-d1", "--base-url", "https://sis.example/or",
	                     "--version", "1.2", "--token-url",
	                     "https://sis.example/token", "--client-id", "cw",
	                     "--client-secret", "s3cret", "--schedule",
	                     "0 2 * * *") == 0,
	              "%s", cw_buf_cstr(&err));
	cwt_client_add(&src, "d1",
	               OR12 "roster.readonly " OR12 "roster-core.readonly " OR12
	                    "roster-demographics.readonly " CASE_SCOPE,
	               client_id, client_secret);
}

static void teardown(void)
{
	cwt_env_cleanup(&src);
	cwt_env_cleanup(&dst);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

/* migrate of d1 from `from` to `to` (--json): the report. */
static cJSON *migrate(const cwt_env *from, const cwt_env *to)
{
	char target[600];
	cJSON *report = NULL;

	store_of(target, sizeof(target), to);
	ck_assert_msg(RUN_IN(from, "migrate", "--tenant", "d1", "--to", target,
	                     "--json") == 0,
	              "%s%s", cw_buf_cstr(&out), cw_buf_cstr(&err));
	ck_assert_int_eq(cw_json_parse(&report, out.data, out.len, 16, NULL),
	                 0);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(report, "verified")));
	return report;
}

static double rows_of(const cJSON *report, const char *table)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetObjectItem(report, "rows"), table));
}

/* text with the daemon's own address (in hrefs) put as "HOST". */
static char *without_host(const char *text, int port)
{
	char host[32];
	cw_buf b = CW_BUF_INIT(64 << 20);
	const char *at;

	snprintf(host, sizeof(host), "127.0.0.1:%d", port);
	while ((at = strstr(text, host)) != NULL) {
		cw_buf_put(&b, text, (size_t)(at - text));
		cw_buf_puts(&b, "HOST");
		text = at + strlen(host);
	}
	cw_buf_puts(&b, text);
	return cw_buf_detach(&b, NULL);
}

/* GET path from d with a token of the migrated client: the body. */
static char *served(const cwt_daemon *d, const char *path, const char *scope)
{
	char token[64];
	cwt_http res;
	char *body;

	ck_assert_int_eq(cwt_token(token, d, client_id, client_secret, scope),
	                 0);
	cwt_get_auth(&res, d, path, token);
	ck_assert_msg(res.status == 200, "%s: %ld %s", path, res.status,
	              cw_buf_cstr(&res.body));
	body = without_host(cw_buf_cstr(&res.body), d->port);
	cwt_http_dispose(&res);
	return body;
}

/* Every file of the 1.2 export of d1 in env, concatenated by name. */
static char *roster_export(const cwt_env *env)
{
	char dir[400], path[700];
	cw_buf all = CW_BUF_INIT(64 << 20);
	struct dirent **names = NULL;
	int n;

	in_dir(dir, sizeof(dir), env, "export");
	ck_assert_msg(RUN_IN(env, "roster", "export", "--tenant", "d1",
	                     "--version", "1.2", "--out", dir) == 0,
	              "%s", cw_buf_cstr(&err));
	n = scandir(dir, &names, NULL, alphasort);
	ck_assert_int_gt(n, 2);
	for (int i = 0; i < n; i++) {
		char *text = NULL;
		size_t len = 0;

		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
			         names[i]->d_name);
			ck_assert_int_eq(
			        cw_file_read(&text, &len, path, 64 << 20), 0);
			cw_buf_printf(&all, "== %s\n", names[i]->d_name);
			cw_buf_put(&all, text, len);
			cw_free(text);
		}
		free(names[i]);
	}
	free(names);
	return cw_buf_detach(&all, NULL);
}

static char *case_json(const cwt_env *env)
{
	ck_assert_int_eq(RUN_IN(env, "case", "export", "--tenant", "d1",
	                        "--doc", DOC, "--format", "case-json"),
	                 0);
	return cw_strdup(cw_buf_cstr(&out));
}

static void assert_same_text(char *a, char *b, const char *what)
{
	ck_assert_msg(strcmp(a, b) == 0, "%s differs:\n%.3000s\n%.3000s", what,
	              a, b);
	cw_free(a);
	cw_free(b);
}

START_TEST(moved_and_served_by_the_target)
{
	cwt_daemon from_daemon, to_daemon;
	char p[400];
	cJSON *report = migrate(&src, &dst);

	ck_assert_int_eq((int)rows_of(report, "tenants"), 1);
	ck_assert_int_gt((int)rows_of(report, "roster"), 10);
	ck_assert_int_gt((int)rows_of(report, "roster_log"), 0);
	ck_assert_int_eq((int)rows_of(report, "sync_connections"), 1);
	ck_assert_int_eq((int)rows_of(report, "flow_runs"), 1);
	ck_assert_int_eq((int)rows_of(report, "badge_credentials"), 1);
	ck_assert_int_gt((int)rows_of(report, "audit_log"), 0);
	char *compared = cJSON_PrintUnformatted(
	        cJSON_GetObjectItem(report, "exports_compared"));
	ck_assert_ptr_nonnull(strstr(compared, "\"oneroster-1.2-csv\""));
	ck_assert_ptr_nonnull(strstr(compared, "\"case-json\""));
	ck_assert_ptr_nonnull(strstr(compared, "\"badge-credentials\""));
	cJSON_free(compared);
	cJSON_Delete(report);

	/* d2 stayed behind; the source still has both */
	ck_assert_int_eq(RUN_IN(&dst, "tenant", "list"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "d1"));
	ck_assert_ptr_null(strstr(out.data, "d2"));
	ck_assert_int_eq(RUN_IN(&src, "tenant", "list"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "d2"));
	char counted[32];
	ck_assert(
	        cwt_store_value(&dst,
	                        "SELECT count(*) FROM roster r JOIN tenants t "
	                        "ON t.id = r.tenant_id WHERE t.name = 'd2'",
	                        counted, sizeof(counted)));
	ck_assert_str_eq(counted, "0");

	/* a daemon on the target: the client made on the source gets a
	 * token; OneRoster and CASE answer as the source's daemon does */
	share_master_key(&dst);
	cwt_start(&from_daemon, &src, NULL);
	cwt_start(&to_daemon, &dst, NULL);
	assert_same_text(served(&from_daemon, USERS, NULL),
	                 served(&to_daemon, USERS, NULL), "GET users");
	assert_same_text(served(&from_daemon, "/ims/case/v1p1/CFPackages/" DOC,
	                        CASE_SCOPE),
	                 served(&to_daemon, "/ims/case/v1p1/CFPackages/" DOC,
	                        CASE_SCOPE),
	                 "GET CFPackages");
	cwt_stop(&from_daemon, SIGTERM, 5000);
	cwt_stop(&to_daemon, SIGTERM, 5000);

	/* the credential issued on the source verifies; the issuer's key,
	 * sealed again for the target's tenant id, still signs there */
	in_dir(p, sizeof(p), &src, "c1.json");
	ck_assert_msg(RUN_IN(&dst, "badge", "verify", p) == 0, "%s%s", out.data,
	              cw_buf_cstr(&err));
	ck_assert_msg(RUN_IN(&dst, "badge", "issue", "--tenant", "d1",
	                     "--achievement", "urn:uuid:" ITEM, "--recipient",
	                     "s2") == 0,
	              "%s", cw_buf_cstr(&err));
	ck_assert_int_eq(RUN_IN(&dst, "sync", "show", "sis-d1"), 0);
	ck_assert_int_eq(RUN_IN(&dst, "jobs", "list", "--json"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "credential-to-result"));
}
END_TEST

START_TEST(round_trip_keeps_the_exports)
{
	cwt_env back;
	cJSON *report;

	cJSON_Delete(migrate(&src, &dst));
	/* and from there to a third store, always SQLite (PostgreSQL to
	 * SQLite on the PostgreSQL pass) */
	cwt_env_init_sqlite(&back);
	report = migrate(&dst, &back);
	ck_assert_int_gt((int)rows_of(report, "roster"), 10);
	cJSON_Delete(report);
	assert_same_text(roster_export(&src), roster_export(&back),
	                 "the OneRoster 1.2 export");
	assert_same_text(case_json(&src), case_json(&back), "the CASE JSON");
	ck_assert_int_eq(RUN_IN(&back, "sync", "list"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "sis-d1"));
	cwt_env_cleanup(&back);
}
END_TEST

/* What the target holds, to see it unchanged. */
static void snapshot(char *outp, size_t n, const cwt_env *env)
{
	char a[32], b[32], c[32];

	ck_assert(cwt_store_value(env, "SELECT count(*) FROM tenants", a,
	                          sizeof(a)));
	ck_assert(cwt_store_value(env, "SELECT count(*) FROM roster", b,
	                          sizeof(b)));
	ck_assert(cwt_store_value(env, "SELECT count(*) FROM clients", c,
	                          sizeof(c)));
	snprintf(outp, n, "%s/%s/%s", a, b, c);
}

START_TEST(target_holding_the_tenant_is_left_alone)
{
	char target[600], before[100], after[100];

	ck_assert_int_eq(RUN_IN(&dst, "tenant", "add", "d1"), 0);
	snapshot(before, sizeof(before), &dst);
	store_of(target, sizeof(target), &dst);
	ck_assert_int_eq(
	        RUN_IN(&src, "migrate", "--tenant", "d1", "--to", target), 1);
	ck_assert_ptr_nonnull(strstr(err.data, "already"));
	snapshot(after, sizeof(after), &dst);
	ck_assert_str_eq(before, after);
}
END_TEST

START_TEST(a_copy_that_differs_is_taken_back)
{
	char target[600], before[100], after[100];

	/* the target changes every credential it is given: the comparison
	 * sees it, and the copy goes again */
	if (dst.store[0])
		cwt_store_exec(
		        &dst, "CREATE FUNCTION cwt_tamper() RETURNS trigger "
		              "LANGUAGE plpgsql AS $$ BEGIN NEW.credential := "
		              "NEW.credential || ' '; RETURN NEW; END $$; "
		              "CREATE TRIGGER cwt_tamper BEFORE INSERT ON "
		              "badge_credentials FOR EACH ROW EXECUTE FUNCTION "
		              "cwt_tamper()");
	else
		cwt_store_exec(&dst,
		               "CREATE TRIGGER cwt_tamper AFTER INSERT ON "
		               "badge_credentials BEGIN UPDATE "
		               "badge_credentials SET credential = "
		               "credential || ' ' WHERE tenant_id = "
		               "NEW.tenant_id AND id = NEW.id; END");
	snapshot(before, sizeof(before), &dst);
	store_of(target, sizeof(target), &dst);
	ck_assert_int_eq(
	        RUN_IN(&src, "migrate", "--tenant", "d1", "--to", target), 1);
	ck_assert_msg(strstr(err.data, "badge-credentials") != NULL, "%s",
	              err.data);
	ck_assert_ptr_nonnull(strstr(err.data, "deleted from the target"));
	snapshot(after, sizeof(after), &dst);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(RUN_IN(&dst, "tenant", "list"), 0);
	ck_assert_ptr_null(strstr(out.data, "d1"));
}
END_TEST

START_TEST(bad_arguments_and_unknown_tenants)
{
	char target[600], dir[400];

	store_of(target, sizeof(target), &dst);
	ck_assert_int_eq(
	        RUN_IN(&src, "migrate", "--tenant", "nobody", "--to", target),
	        1);
	ck_assert_int_eq(RUN_IN(&src, "migrate", "--tenant", "d1", "--to",
	                        "mysql://x@y/z"),
	                 2);
	ck_assert_int_eq(RUN_IN(&src, "migrate", "--tenant", "d1"), 2);
	ck_assert_int_eq(RUN_IN(&src, "migrate", "--tenant", "d1", "--to",
	                        "postgres://nobody@127.0.0.1:1/none"),
	                 3);
	/* a new data dir is made and migrated */
	in_dir(dir, sizeof(dir), &dst, "fresh");
	snprintf(target, sizeof(target), "sqlite:%s", dir);
	ck_assert_msg(
	        RUN_IN(&src, "migrate", "--tenant", "d2", "--to", target) == 0,
	        "%s", cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(out.data, "Verified"));
	ck_assert_int_eq(RUN_IN(&src, "migrate", "--help"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "master key"));
}
END_TEST

Suite *suite_migrate(void)
{
	Suite *s = suite_create("migrate");
	TCase *c = tcase_create("migrate");

	tcase_add_checked_fixture(c, setup, teardown);
	tcase_set_timeout(c, 120);
	tcase_add_test(c, moved_and_served_by_the_target);
	tcase_add_test(c, round_trip_keeps_the_exports);
	tcase_add_test(c, target_holding_the_tenant_is_left_alone);
	tcase_add_test(c, a_copy_that_differs_is_taken_back);
	tcase_add_test(c, bad_arguments_and_unknown_tenants);
	suite_add_tcase(s, c);
	return s;
}
