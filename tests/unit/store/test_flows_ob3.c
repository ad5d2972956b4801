/* The CBE flows' runs and the OB 3.0 API's rows in the store: a run's
 * input kept byte for byte, one run per idempotency key, mappings
 * replaced; holders, one-time secrets (a replayed code revokes its grant),
 * credentials upserted. The same tests run on PostgreSQL (suite
 * flows_ob3/pg) when CROSSWALK_TEST_PG is set, with two nodes racing to
 * take one authorization code there. */
#include "store/store.h"
#include "unit/pgdb.h"
#include "unit/tmpdir.h"
#include "util/buf.h"
#include "util/error.h"

#include <check.h>
#include <pthread.h>
#include <string.h>

Suite *suite_flows_ob3(void);
Suite *suite_flows_ob3_pg(void);

static char dir[256];
static cw_store *store;
static int64_t tenant, holder;
/* The store's URL: "sqlite", or a database of its own on the test
 * cluster (pg_name its name). */
static char url[512] = "sqlite", pg_name[64];

static void setup(void)
{
	int applied = -1;
	cw_tenant t;
	cw_ob3_holder h = { 0,
		            0,
		            "ada@example.org",
		            "sha256$s$d",
		            NULL,
		            "2027-01-01T00:00:00Z" };
	cw_ob3_client c = { "client-1",
		            "sha256$s$c",
		            "{}",
		            "https://app.example/cb",
		            "ob.read ob.upsert",
		            "2027-01-01T00:00:00Z" };

	cw_test_tmpdir(dir);
	ck_assert_int_eq(cw_store_open(&store, url, dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
	ck_assert_int_eq(cw_store_tenant_add(store, "d1", &t), 0);
	tenant = t.id;
	h.tenant_id = tenant;
	ck_assert_int_eq(cw_store_ob3_holder_add(store, &h, &holder), 0);
	ck_assert_int_eq(cw_store_ob3_client_add(store, &c), 0);
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

/* ---- flows --------------------------------------------------------------- */

typedef struct {
	int count;
	int64_t id;
	char state[16];
	size_t input_len;
	char input[16];
	int has_input;
	int64_t attempts;
} seen_run;

static int copy_run(const cw_flow_run *r, void *payload)
{
	seen_run *s = payload;

	s->count++;
	s->id = r->id;
	snprintf(s->state, sizeof(s->state), "%s", r->state);
	s->has_input = r->input != NULL;
	s->input_len = r->input_len;
	if (r->input && r->input_len <= sizeof(s->input))
		memcpy(s->input, r->input, r->input_len);
	s->attempts = r->attempts;
	return 0;
}

START_TEST(flow_runs_keep_input_and_key)
{
	static const char input[] = { 'a', '\0', 'b', (char)0xff, '\n' };
	cw_flow_run run = { 0 };
	cw_buf body = CW_BUF_INIT(1024);
	seen_run seen = { 0 };
	int64_t id = 0, again = 0;

	run.tenant_id = tenant;
	run.flow = "partner-record";
	run.idempotency_key = "k1";
	run.source = "cli";
	run.input = input;
	run.input_len = sizeof(input);
	run.state = "running";
	run.stages = "[]";
	run.report = "{}";
	run.created_at = "2027-01-01T00:00:00Z";
	ck_assert_int_eq(cw_store_flow_run_add(store, &run, &id), 0);
	ck_assert_int_eq(cw_store_flow_run_add(store, &run, &again),
	                 CW_EEXISTS);
	ck_assert_int_eq(again, id);
	ck_assert_int_eq(cw_store_flow_run_list(store, tenant, id, NULL, 1, 0,
	                                        copy_run, &seen),
	                 0);
	ck_assert_int_eq(seen.count, 1);
	ck_assert_uint_eq(seen.input_len, sizeof(input));
	ck_assert_mem_eq(seen.input, input, sizeof(input));
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(cw_store_flow_run_list(store, tenant, id, NULL, 0, 0,
	                                        copy_run, &seen),
	                 0);
	ck_assert(!seen.has_input);
	/* held, then listed by state; another tenant's view is empty */
	run.id = id;
	run.state = "held";
	run.reason = "no such student";
	run.attempts = 2;
	run.updated_at = "2027-01-01T00:01:00Z";
	ck_assert_int_eq(cw_store_flow_run_update(store, &run), 0);
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(cw_store_flow_run_list(store, tenant, 0, "held", 0, 10,
	                                        copy_run, &seen),
	                 0);
	ck_assert_int_eq(seen.count, 1);
	ck_assert_int_eq(seen.attempts, 2);
	ck_assert_str_eq(seen.state, "held");
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(cw_store_flow_run_list(store, tenant + 1, 0, NULL, 0,
	                                        0, copy_run, &seen),
	                 0);
	ck_assert_int_eq(seen.count, 0);
	ck_assert_int_eq(cw_store_flow_run_list(store, tenant, id + 1, NULL, 0,
	                                        0, copy_run, &seen),
	                 CW_ENOTFOUND);
	run.id = id + 1;
	ck_assert_int_eq(cw_store_flow_run_update(store, &run), CW_ENOTFOUND);
	/* a mapping replaced in place */
	ck_assert_int_eq(cw_store_flow_mapping_get(store, tenant,
	                                           "partner-record", &body),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(
	        cw_store_flow_mapping_put(store, tenant, "partner-record",
	                                  "{\"v\":1}", "2027-01-01T00:00:00Z"),
	        0);
	ck_assert_int_eq(
	        cw_store_flow_mapping_put(store, tenant, "partner-record",
	                                  "{\"v\":2}", "2027-01-02T00:00:00Z"),
	        0);
	ck_assert_int_eq(cw_store_flow_mapping_get(store, tenant,
	                                           "partner-record", &body),
	                 0);
	ck_assert_str_eq(cw_buf_cstr(&body), "{\"v\":2}");
	cw_buf_dispose(&body);
}
END_TEST

/* ---- OB 3.0 API ---------------------------------------------------------- */

static cw_ob3_secret secret_of(const char *hash, const char *kind)
{
	cw_ob3_secret s = { 0 };

	s.hash = hash;
	s.kind = kind;
	s.client_id = "client-1";
	s.grant_id = "grant-1";
	s.scopes = "ob.read";
	s.tenant_id = tenant;
	s.holder_id = holder;
	s.issued_at_ms = 1000;
	s.expires_at_ms = 60000;
	return s;
}

static int copy_tenant(const cw_ob3_secret *s, void *payload)
{
	snprintf(payload, 64, "%s %lld", s->tenant ? s->tenant : "",
	         (long long)s->holder_id);
	return 0;
}

static int copy_login(const cw_ob3_holder *h, void *payload)
{
	snprintf(payload, 64, "%s", h->login);
	return 0;
}

static int count_credential(const cw_ob3_credential *c, void *payload)
{
	ck_assert_str_eq(c->at, "2027-01-02T00:00:00Z");
	(*(int *)payload)++;
	return 0;
}

START_TEST(ob3_holders_secrets_credentials)
{
	cw_ob3_secret rows[2] = { secret_of("h-code", "code"),
		                  secret_of("h-access", "access") };
	cw_ob3_holder twin = { 0, tenant, "ada@example.org", "x", NULL, "t" };
	cw_ob3_credential cred = { tenant, holder, "urn:uuid:1",
		                   "{}",   "json", "2027-01-01T00:00:00Z" };
	char seen[64] = "";
	int64_t id = 0, total = -1;
	int created = -1, counted = 0;

	ck_assert_int_eq(cw_store_ob3_holder_add(store, &twin, &id),
	                 CW_EEXISTS);
	ck_assert_int_eq(cw_store_ob3_holder_get(store, tenant, NULL, holder,
	                                         copy_login, seen),
	                 0);
	ck_assert_str_eq(seen, "ada@example.org");
	/* a code is taken once; taken again, its grant is revoked */
	ck_assert_int_eq(cw_store_ob3_secret_add(store, rows, 2), 0);
	ck_assert_int_eq(cw_store_ob3_secret_take(store, "h-code", "code", 2000,
	                                          copy_tenant, seen),
	                 0);
	ck_assert_int_eq(strncmp(seen, "d1 ", 3), 0);
	ck_assert_int_eq(cw_store_ob3_secret_get(store, "h-access", "access",
	                                         2000, NULL, NULL),
	                 0);
	ck_assert_int_eq(cw_store_ob3_secret_take(store, "h-code", "code", 3000,
	                                          NULL, NULL),
	                 CW_EEXISTS);
	ck_assert_int_eq(cw_store_ob3_secret_get(store, "h-access", "access",
	                                         3000, NULL, NULL),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_ob3_secret_take(store, "nope", "code", 3000,
	                                          NULL, NULL),
	                 CW_ENOTFOUND);
	/* an upsert says whether it created the credential */
	ck_assert_int_eq(cw_store_ob3_credential_put(store, &cred, &created),
	                 0);
	ck_assert_int_eq(created, 1);
	cred.at = "2027-01-02T00:00:00Z";
	ck_assert_int_eq(cw_store_ob3_credential_put(store, &cred, &created),
	                 0);
	ck_assert_int_eq(created, 0);
	ck_assert_int_eq(cw_store_ob3_credential_list(
	                         store, tenant, holder, "ada@example.org",
	                         "2027-01-01T12:00:00Z", 0, -1, &total,
	                         count_credential, &counted),
	                 0);
	ck_assert_int_eq(counted, 1);
	ck_assert_int_eq(total, 1);
	ck_assert_int_eq(cw_store_ob3_secret_purge(store, 100000, &created), 0);
	ck_assert_int_eq(created, 2);
}
END_TEST

/* ---- two nodes on one PostgreSQL database -------------------------------- */

#define RACERS 8

typedef struct {
	cw_store *own;
	int result;
	pthread_barrier_t *start;
} racer;

static void *take_code(void *arg)
{
	racer *r = arg;

	pthread_barrier_wait(r->start);
	r->result = cw_store_ob3_secret_take(r->own, "h-race", "code", 2000,
	                                     NULL, NULL);
	return NULL;
}

/* The same code presented to two nodes at once (a replay racing the
 * client): one takes it, every other take is a replay, and the grant ends
 * revoked. */
START_TEST(two_nodes_one_code)
{
	cw_ob3_secret code = secret_of("h-race", "code");
	cw_store *other = NULL;
	pthread_t threads[RACERS];
	pthread_barrier_t start;
	racer racers[RACERS];
	int taken = 0, replays = 0;

	ck_assert_int_eq(cw_store_ob3_secret_add(store, &code, 1), 0);
	ck_assert_int_eq(cw_store_open(&other, url, dir), 0);
	ck_assert_int_eq(pthread_barrier_init(&start, NULL, RACERS), 0);
	for (int i = 0; i < RACERS; i++) {
		racers[i].own = i % 2 ? other : store;
		racers[i].result = -1;
		racers[i].start = &start;
		ck_assert_int_eq(pthread_create(&threads[i], NULL, take_code,
		                                &racers[i]),
		                 0);
	}
	for (int i = 0; i < RACERS; i++)
		ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
	pthread_barrier_destroy(&start);
	for (int i = 0; i < RACERS; i++) {
		taken += racers[i].result == 0;
		replays += racers[i].result == CW_EEXISTS;
	}
	ck_assert_int_eq(taken, 1);
	ck_assert_int_eq(replays, RACERS - 1);
	ck_assert_int_eq(cw_test_pg_exec(url, "SELECT 1 FROM ob3_secrets WHERE "
	                                      "hash = 'h-race' AND "
	                                      "revoked_at_ms IS NOT NULL"),
	                 1);
	cw_store_free(other);
}
END_TEST

static void add_interface_tests(TCase *c)
{
	tcase_add_test(c, flow_runs_keep_input_and_key);
	tcase_add_test(c, ob3_holders_secrets_credentials);
}

Suite *suite_flows_ob3(void)
{
	Suite *s = suite_create("flows_ob3");
	TCase *c = tcase_create("flows_ob3");

	tcase_add_checked_fixture(c, setup, teardown);
	add_interface_tests(c);
	suite_add_tcase(s, c);
	return s;
}

/* The same on PostgreSQL, and the race of two nodes; no test case without
 * a cluster. */
Suite *suite_flows_ob3_pg(void)
{
	Suite *s = suite_create("flows_ob3/pg");
	TCase *c;

	if (!cw_test_pg_base())
		return s;
	c = tcase_create("flows_ob3");
	tcase_add_checked_fixture(c, setup_pg, teardown);
	tcase_set_timeout(c, 60);
	add_interface_tests(c);
	tcase_add_test(c, two_nodes_one_code);
	suite_add_tcase(s, c);
	return s;
}
