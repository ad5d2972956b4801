/* The SQLite backend through the store interface: migrations, tenants,
 * clients, tokens and the append-only audit log. The same tests run on
 * the PostgreSQL backend (suite store/pg) when CROSSWALK_TEST_PG is set. */
#include "store/store.h"
#include "unit/pgdb.h"
#include "unit/tmpdir.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <sqlite3.h>
#include <string.h>

Suite *suite_sqlite(void);
Suite *suite_store_pg(void);

static char dir[256];
static cw_store *store;
/* The store's URL: "sqlite", or a database of its own on the test
 * cluster (pg_name its name). */
static char url[512] = "sqlite", pg_name[64];

static void setup(void)
{
	int applied = -1;

	cw_test_tmpdir(dir);
	ck_assert_int_eq(cw_store_open(&store, url, dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
	ck_assert_int_ge(applied, 1);
}

static void setup_pg(void)
{
	cw_test_pg_create(pg_name, url);
	setup();
}

static void teardown(void)
{
	cw_store_free(store);
	store = NULL;
	cw_test_rmtree(dir);
	if (pg_name[0])
		cw_test_pg_drop(pg_name);
	pg_name[0] = '\0';
}

/* SQL run past the store (either database); 0 when it succeeded. */
static int raw_exec(const char *sql)
{
	char path[300];
	sqlite3 *db = NULL;
	int rc;

	if (pg_name[0])
		return cw_test_pg_exec(url, sql) < 0 ? -1 : 0;
	snprintf(path, sizeof(path), "%s/crosswalk.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

START_TEST(migrations_apply_once)
{
	cw_store *again = NULL;
	int applied = -1;

	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
	ck_assert_int_eq(applied, 0);
	ck_assert_int_eq(cw_store_open(&again, url, dir), 0);
	ck_assert_int_eq(cw_store_migrate(again, &applied), 0);
	ck_assert_int_eq(applied, 0);
	ck_assert_int_eq(cw_store_ping(again), 0);
	cw_store_free(again);
}
END_TEST

START_TEST(newer_schema_is_refused)
{
	int applied;

	ck_assert_int_eq(raw_exec("INSERT INTO schema_migrations VALUES "
	                          "(9999, 'future', 'now')"),
	                 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), CW_ESTORE);
	ck_assert_ptr_nonnull(strstr(cw_error_last(), "newer"));
}
END_TEST

static int count_tenant(const cw_tenant *tenant, void *payload)
{
	(void)tenant;
	(*(int *)payload)++;
	return 0;
}

START_TEST(tenants)
{
	cw_tenant a, b, got;
	int count = 0;

	ck_assert_int_eq(cw_store_tenant_add(store, "district-1", &a), 0);
	ck_assert_int_eq(cw_store_tenant_add(store, "district-2", &b), 0);
	ck_assert_int_ne(a.id, b.id);
	ck_assert_int_eq(cw_store_tenant_add(store, "district-1", NULL),
	                 CW_EEXISTS);
	ck_assert_int_eq(cw_store_tenant_add(store, "Bad Name", NULL),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_store_tenant_add(store, "-x", NULL), CW_EINVAL);
	ck_assert_int_eq(cw_store_tenant_get(store, "district-2", &got), 0);
	ck_assert_int_eq(got.id, b.id);
	ck_assert_int_eq(cw_store_tenant_get(store, "nope", &got),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_tenant_list(store, count_tenant, &count), 0);
	ck_assert_int_eq(count, 2);
}
END_TEST

static void add_client(const char *id, int64_t tenant_id, const char *scopes)
{
	cw_client c = { 0 };

	snprintf(c.client_id, sizeof(c.client_id), "%s", id);
	c.tenant_id = tenant_id;
	c.scopes = (char *)scopes;
	c.secret_hash = (char *)"sha256$x$y";
	snprintf(c.created_at, sizeof(c.created_at), "2026-01-01T00:00:00Z");
	ck_assert_int_eq(cw_store_client_add(store, &c), 0);
}

static int count_client(const cw_client *client, void *payload)
{
	(void)client;
	(*(int *)payload)++;
	return 0;
}

START_TEST(clients_by_tenant_and_revocation)
{
	cw_tenant a, b;
	cw_client got;
	int count = 0;

	cw_store_tenant_add(store, "a", &a);
	cw_store_tenant_add(store, "b", &b);
	add_client("c1", a.id, "s1 s2");
	add_client("c2", a.id, "s1");
	add_client("c3", b.id, "s3");
	ck_assert_int_eq(
	        cw_store_client_list(store, a.id, count_client, &count), 0);
	ck_assert_int_eq(count, 2);
	count = 0;
	ck_assert_int_eq(cw_store_client_list(store, 0, count_client, &count),
	                 0);
	ck_assert_int_eq(count, 3);
	ck_assert_int_eq(cw_store_client_get(store, "c3", &got), 0);
	ck_assert_str_eq(got.tenant, "b");
	ck_assert_str_eq(got.scopes, "s3");
	ck_assert_str_eq(got.revoked_at, "");
	cw_client_dispose(&got);
	ck_assert_int_eq(
	        cw_store_client_revoke(store, "c3", "2026-02-02T00:00:00Z"), 0);
	ck_assert_int_eq(
	        cw_store_client_revoke(store, "c3", "2026-02-03T00:00:00Z"),
	        CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_client_revoke(store, "zz", "2026"),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_client_get(store, "c3", &got), 0);
	ck_assert_str_eq(got.revoked_at, "2026-02-02T00:00:00Z");
	cw_client_dispose(&got);
	ck_assert_int_eq(cw_store_client_get(store, "zz", &got), CW_ENOTFOUND);
}
END_TEST

START_TEST(tokens_lookup_and_purge)
{
	cw_token token = { 0 };
	cw_token_info info;
	cw_tenant t;
	int purged = -1;

	cw_store_tenant_add(store, "t", &t);
	add_client("c1", t.id, "s1 s2");
	snprintf(token.token_hash, sizeof(token.token_hash), "%064d", 1);
	snprintf(token.client_id, sizeof(token.client_id), "c1");
	token.tenant_id = t.id;
	token.scopes = (char *)"s1";
	token.issued_at_ms = 1000;
	token.expires_at_ms = 5000;
	ck_assert_int_eq(cw_store_token_add(store, &token), 0);
	ck_assert_int_eq(cw_store_token_lookup(store, token.token_hash, &info),
	                 0);
	ck_assert_str_eq(info.client_id, "c1");
	ck_assert_str_eq(info.tenant, "t");
	ck_assert_str_eq(info.scopes, "s1");
	ck_assert_int_eq(info.expires_at_ms, 5000);
	ck_assert_int_eq(info.client_revoked, 0);
	cw_token_info_dispose(&info);
	cw_store_client_revoke(store, "c1", "2026");
	ck_assert_int_eq(cw_store_token_lookup(store, token.token_hash, &info),
	                 0);
	ck_assert_int_eq(info.client_revoked, 1);
	cw_token_info_dispose(&info);
	ck_assert_int_eq(cw_store_token_purge(store, 4000, &purged), 0);
	ck_assert_int_eq(purged, 0);
	ck_assert_int_eq(cw_store_token_purge(store, 6000, &purged), 0);
	ck_assert_int_eq(purged, 1);
	ck_assert_int_eq(cw_store_token_lookup(store, token.token_hash, &info),
	                 CW_ENOTFOUND);
}
END_TEST

static int collect_audit(const cw_audit_entry *entry, void *payload)
{
	cw_buf *out = payload;

	cw_buf_printf(out, "%lld %s %s %s %s;", (long long)entry->seq,
	              entry->actor, entry->action,
	              entry->tenant ? entry->tenant : "-", entry->outcome);
	return 0;
}

/* OAuth 1.0a nonces: once per client; purged by their timestamp. */
START_TEST(nonces_once_per_client)
{
	cw_tenant a;
	int purged = -1;

	cw_store_tenant_add(store, "a", &a);
	add_client("c1", a.id, "s1");
	add_client("c2", a.id, "s1");
	ck_assert_int_eq(cw_store_nonce_add(store, "c1", "n", 1000, 5), 0);
	ck_assert_int_eq(cw_store_nonce_add(store, "c1", "n", 1001, 6),
	                 CW_EEXISTS);
	ck_assert_int_eq(cw_store_nonce_add(store, "c2", "n", 1000, 5), 0);
	ck_assert_int_eq(cw_store_nonce_add(store, "c1", "m", 2000, 5), 0);
	ck_assert_int_eq(cw_store_nonce_purge(store, 1500, &purged), 0);
	ck_assert_int_eq(purged, 2);
	ck_assert_int_eq(cw_store_nonce_add(store, "c1", "n", 1000, 7), 0);
	ck_assert_int_eq(cw_store_nonce_add(store, "c1", "m", 2000, 7),
	                 CW_EEXISTS);
	/* Only a known client's. */
	ck_assert_int_ne(cw_store_nonce_add(store, "nobody", "n", 1000, 5), 0);
}
END_TEST

START_TEST(audit_log_is_append_only)
{
	cw_audit_entry e1 = { 0,    "",        "cli", "t1", "tenant.add",
		              "t1", "success", NULL };
	cw_audit_entry e2 = {
		0,    "",        "client:x",     "t2", "client.add",
		NULL, "failure", "unknown scope"
	};
	cw_buf out = CW_BUF_INIT(4096);

	ck_assert_int_eq(cw_store_audit_append(store, &e1), 0);
	ck_assert_int_eq(cw_store_audit_append(store, &e2), 0);
	ck_assert_int_eq(
	        cw_store_audit_list(store, NULL, 0, 10, collect_audit, &out),
	        0);
	ck_assert_str_eq(out.data, "1 cli tenant.add t1 success;"
	                           "2 client:x client.add t2 failure;");
	cw_buf_clear(&out);
	ck_assert_int_eq(
	        cw_store_audit_list(store, "t2", 0, 10, collect_audit, &out),
	        0);
	ck_assert_str_eq(out.data, "2 client:x client.add t2 failure;");
	cw_buf_clear(&out);
	ck_assert_int_eq(
	        cw_store_audit_list(store, NULL, 1, 10, collect_audit, &out),
	        0);
	ck_assert_str_eq(out.data, "2 client:x client.add t2 failure;");
	/* Even a direct SQL connection cannot rewrite or delete history. */
	ck_assert_int_ne(raw_exec("UPDATE audit_log SET outcome = 'success'"),
	                 0);
	ck_assert_int_ne(raw_exec("DELETE FROM audit_log"), 0);
	cw_buf_clear(&out);
	cw_store_audit_list(store, NULL, 0, 10, collect_audit, &out);
	ck_assert_str_eq(out.data, "1 cli tenant.add t1 success;"
	                           "2 client:x client.add t2 failure;");
	cw_buf_dispose(&out);
}
END_TEST

/* Several threads at once: each gets its own pooled connection. */
static void *hammer(void *arg)
{
	char name[32];
	cw_tenant t;

	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "t%ld-%d", (long)(intptr_t)arg, i);
		if (cw_store_tenant_add(store, name, &t) < 0)
			return (void *)1;
		if (cw_store_tenant_get(store, name, &t) < 0)
			return (void *)1;
	}
	return NULL;
}

START_TEST(concurrent_use)
{
	pthread_t threads[4];
	int count = 0;

	for (intptr_t i = 0; i < 4; i++)
		ck_assert_int_eq(
		        pthread_create(&threads[i], NULL, hammer, (void *)i),
		        0);
	for (int i = 0; i < 4; i++) {
		void *result = (void *)1;
		pthread_join(threads[i], &result);
		ck_assert_ptr_null(result);
	}
	cw_store_tenant_list(store, count_tenant, &count);
	ck_assert_int_eq(count, 200);
}
END_TEST

typedef struct {
	char sources[4][64];
	int count;
} settled;

static int note_source(const char *source, void *payload)
{
	settled *s = payload;

	ck_assert_int_lt(s->count, 4);
	snprintf(s->sources[s->count++], 64, "%s", source);
	return 0;
}

static void expect_state(int64_t id, const char *state)
{
	cw_import_record rec;

	ck_assert_int_eq(cw_store_import_get(store, id, &rec), 0);
	ck_assert_str_eq(rec.state, state);
	cw_import_record_dispose(&rec);
}

/* Held imports end: superseded by a newer one of their tenant, or expired
 * when nobody approved them in time; the caller learns their sources. */
START_TEST(held_imports_are_settled)
{
	cw_tenant a, b;
	int64_t old_a, new_a, old_b, later_a;
	settled s = { 0 };

	cw_store_tenant_add(store, "a", &a);
	cw_store_tenant_add(store, "b", &b);
	ck_assert_int_eq(cw_store_import_create(store, a.id,
	                                        "2020-01-01T00:00:00.000Z",
	                                        "/up/old-a.zip", &old_a),
	                 0);
	ck_assert_int_eq(cw_store_import_create(store, b.id,
	                                        "2020-01-01T00:00:00.000Z",
	                                        "/up/old-b.zip", &old_b),
	                 0);
	ck_assert_int_eq(cw_store_import_create(store, a.id,
	                                        "2026-01-01T00:00:00.000Z",
	                                        "/up/new-a.zip", &new_a),
	                 0);
	ck_assert_int_eq(cw_store_import_create(store, a.id,
	                                        "2026-01-02T00:00:00.000Z",
	                                        "/up/later-a.zip", &later_a),
	                 0);
	cw_store_import_report(store, old_a, "pending", "{}");
	cw_store_import_report(store, old_b, "pending", "{}");
	cw_store_import_report(store, later_a, "pending", "{}");
	cw_store_import_report(store, new_a, "applied", "{}");

	/* Only tenant a's older held import goes. */
	ck_assert_int_eq(
	        cw_store_import_supersede(store, a.id, new_a, note_source, &s),
	        0);
	ck_assert_int_eq(s.count, 1);
	ck_assert_str_eq(s.sources[0], "/up/old-a.zip");
	expect_state(old_a, "superseded");
	expect_state(old_b, "pending");
	expect_state(later_a, "pending");

	/* Those made before the time expire, whatever the tenant. */
	s.count = 0;
	ck_assert_int_eq(cw_store_import_expire(store,
	                                        "2025-01-01T00:00:00.000Z",
	                                        note_source, &s),
	                 0);
	ck_assert_int_eq(s.count, 1);
	ck_assert_str_eq(s.sources[0], "/up/old-b.zip");
	expect_state(old_b, "expired");
	expect_state(later_a, "pending");
	expect_state(new_a, "applied");
}
END_TEST

START_TEST(bad_urls)
{
	cw_store *other = NULL;

	/* Nothing listens on port 1. */
	ck_assert_int_eq(
	        cw_store_open(&other, "postgres://x@127.0.0.1:1/db", dir),
	        CW_ESTORE);
	ck_assert_int_eq(cw_store_open(&other, "mysql://x", dir), CW_EINVAL);
	ck_assert_int_eq(
	        cw_store_open(&other, "sqlite:/nonexistent/dir/x.db", dir),
	        CW_ESTORE);
	ck_assert_ptr_null(other);
}
END_TEST

static void add_interface_tests(TCase *tc)
{
	tcase_add_test(tc, migrations_apply_once);
	tcase_add_test(tc, newer_schema_is_refused);
	tcase_add_test(tc, tenants);
	tcase_add_test(tc, clients_by_tenant_and_revocation);
	tcase_add_test(tc, tokens_lookup_and_purge);
	tcase_add_test(tc, nonces_once_per_client);
	tcase_add_test(tc, audit_log_is_append_only);
	tcase_add_test(tc, concurrent_use);
	tcase_add_test(tc, held_imports_are_settled);
}

Suite *suite_sqlite(void)
{
	Suite *s = suite_create("store/sqlite");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	add_interface_tests(tc);
	tcase_add_test(tc, bad_urls);
	suite_add_tcase(s, tc);
	return s;
}

/* The same tests on PostgreSQL; no test case without a cluster. */
Suite *suite_store_pg(void)
{
	Suite *s = suite_create("store/pg");
	TCase *tc;

	if (!cw_test_pg_base())
		return s;
	tc = tcase_create("interface");
	tcase_add_checked_fixture(tc, setup_pg, teardown);
	tcase_set_timeout(tc, 60);
	add_interface_tests(tc);
	suite_add_tcase(s, tc);
	return s;
}
