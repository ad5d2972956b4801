/* The job queue in the store: a claim takes one job for one owner, a lease
 * that lapses lets another owner claim the job again (one attempt more),
 * a job out of attempts is failed once, handing a job back does not count
 * an attempt, and leadership is held by one. The same tests run on
 * PostgreSQL (suite jobs/pg) when CROSSWALK_TEST_PG is set; there, several
 * stores (nodes) race to claim and the scheduler's advisory lock goes with
 * the session that holds it. Blobs (the files jobs need on any node) come
 * back byte for byte, chunk boundaries included. */
#include "store/store.h"
#include "unit/pgdb.h"
#include "unit/tmpdir.h"
#include "util/error.h"

#include <check.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

Suite *suite_jobs(void);
Suite *suite_jobs_pg(void);

static char dir[256];
static cw_store *store;
static int64_t tenant;
static char url[512] = "sqlite", pg_name[64];

static void setup(void)
{
	int applied = -1;
	cw_tenant t;
	cw_test_tmpdir(dir);
	ck_assert_int_eq(cw_store_open(&store, url, dir), 0);
	ck_assert_int_eq(cw_store_migrate(store, &applied), 0);
	ck_assert_int_eq(cw_store_tenant_add(store, "d1", &t), 0);
	tenant = t.id;
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
	snprintf(url, sizeof(url), "sqlite");
}

typedef struct {
	int64_t id, ref_id;
	int attempts, seen;
	char state[16], owner[32], error[128], args[64], result[64];
} seen_job;

static int copy_job(const cw_job *j, void *payload)
{
	seen_job *s = payload;
	s->id = j->id;
	s->ref_id = j->ref_id;
	s->attempts = j->attempts;
	s->seen++;
	snprintf(s->state, sizeof(s->state), "%s", j->state);
	snprintf(s->owner, sizeof(s->owner), "%s", j->owner ? j->owner : "");
	snprintf(s->error, sizeof(s->error), "%s", j->error ? j->error : "");
	snprintf(s->args, sizeof(s->args), "%s", j->args);
	snprintf(s->result, sizeof(s->result), "%s",
	         j->result ? j->result : "");
	return 0;
}

static int64_t add(const char *state, const char *owner, int64_t lease,
                   int max_attempts)
{
	cw_job j = { .tenant_id = tenant,
		     .kind = "import",
		     .ref_id = 7,
		     .args = "{\"path\":\"x\"}",
		     .state = state,
		     .owner = owner,
		     .lease_until_ms = lease,
		     .max_attempts = max_attempts,
		     .created_ms = 100 };
	int64_t id = 0;
	ck_assert_int_eq(cw_store_job_add(store, &j, &id), 0);
	ck_assert_int_gt(id, 0);
	return id;
}

static seen_job get(int64_t id)
{
	seen_job s = { 0 };
	ck_assert_int_eq(cw_store_job_list(store, 0, id, NULL, 0, copy_job, &s),
	                 0);
	ck_assert_int_eq(s.seen, 1);
	return s;
}

START_TEST(claimed_by_one_owner)
{
	int64_t id = add("queued", NULL, 0, 0);
	seen_job s = { 0 };
	ck_assert_int_eq(
	        cw_store_job_claim(store, "a", 1000, 4000, copy_job, &s), 0);
	ck_assert_int_eq(s.id, id);
	ck_assert_str_eq(s.state, "running");
	ck_assert_str_eq(s.owner, "a");
	ck_assert_str_eq(s.args, "{\"path\":\"x\"}");
	ck_assert_int_eq(s.attempts, 1);
	ck_assert_int_eq(cw_store_job_claim(store, "b", 2000, 5000, NULL, NULL),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_job_renew(store, id, "b", 9000, 0),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_job_renew(store, id, "a", 7000, 42), 0);
	ck_assert_int_eq(get(id).ref_id, 42);
	ck_assert_int_eq(cw_store_job_renew(store, id, "a", 7000, 0), 0);
	ck_assert_int_eq(get(id).ref_id, 42);
	/* renewed: still a's at 6999 */
	ck_assert_int_eq(cw_store_job_claim(store, "b", 6999, 9000, NULL, NULL),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_job_finish(store, id, "b", "done", 0, NULL),
	                 CW_ENOTFOUND);
	/* what it reports: only its owner writes it */
	ck_assert_int_eq(cw_store_job_result(store, id, "b", "{\"x\":2}"),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_job_result(store, id, "a", "{\"x\":1}"), 0);
	ck_assert_int_eq(cw_store_job_finish(store, id, "a", "done", 0, NULL),
	                 0);
	ck_assert_str_eq(get(id).result, "{\"x\":1}");
	s = get(id);
	ck_assert_str_eq(s.state, "done");
	ck_assert_str_eq(s.owner, "");
	/* a done job is never claimed again, however late */
	ck_assert_int_eq(
	        cw_store_job_claim(store, "b", 99999999, 99999999, NULL, NULL),
	        CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_job_finish(store, id, "a", "done", 0, NULL),
	                 CW_ENOTFOUND);
}
END_TEST

START_TEST(lapsed_lease_is_claimed_again)
{
	/* submitted running on its node, which then dies */
	int64_t id = add("running", "a", 1000, 0);
	seen_job s = { 0 };
	ck_assert_int_eq(get(id).attempts, 1);
	ck_assert_int_eq(cw_store_job_claim(store, "b", 999, 3000, NULL, NULL),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(
	        cw_store_job_claim(store, "b", 1001, 3000, copy_job, &s), 0);
	ck_assert_int_eq(s.attempts, 2);
	ck_assert_str_eq(s.owner, "b");
	/* the dead node's late renewal and finish are refused */
	ck_assert_int_eq(cw_store_job_renew(store, id, "a", 9000, 0),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_job_finish(store, id, "a", "done", 0, NULL),
	                 CW_ENOTFOUND);
	/* b hands it back (stopping): not an attempt, due at 5000 */
	ck_assert_int_eq(
	        cw_store_job_finish(store, id, "b", "queued", 5000, "stopping"),
	        0);
	s = get(id);
	ck_assert_str_eq(s.state, "queued");
	ck_assert_int_eq(s.attempts, 1);
	ck_assert_int_eq(cw_store_job_claim(store, "c", 4999, 9000, NULL, NULL),
	                 CW_ENOTFOUND);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(
	        cw_store_job_claim(store, "c", 5000, 9000, copy_job, &s), 0);
	ck_assert_int_eq(s.attempts, 2);
	ck_assert_int_eq(
	        cw_store_job_finish(store, id, "c", "failed", 0, "bad set"), 0);
	s = get(id);
	ck_assert_str_eq(s.state, "failed");
	ck_assert_str_eq(s.error, "bad set");
}
END_TEST

START_TEST(out_of_attempts_fails_once)
{
	int64_t id = add("running", "a", 1000, 2), other;
	seen_job s = { 0 };
	ck_assert_int_eq(cw_store_job_claim(store, "b", 2000, 3000, NULL, NULL),
	                 0);
	/* b dies too: two attempts, none left */
	other = add("queued", NULL, 0, 0);
	ck_assert_int_eq(
	        cw_store_job_claim(store, "c", 4000, 9000, copy_job, &s), 0);
	ck_assert_int_eq(s.id, other);
	ck_assert_int_eq(cw_store_job_claim(store, "c", 4000, 9000, NULL, NULL),
	                 CW_ENOTFOUND);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(cw_store_job_expire(store, 4000, copy_job, &s), 0);
	ck_assert_int_eq(s.seen, 1);
	ck_assert_int_eq(s.id, id);
	ck_assert_str_eq(s.state, "failed");
	ck_assert_ptr_nonnull(strstr(s.error, "2 attempts"));
	/* c's job is leased until 9000: not expired */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(cw_store_job_expire(store, 5000, copy_job, &s), 0);
	ck_assert_int_eq(s.seen, 0);
	ck_assert_str_eq(get(id).state, "failed");
	ck_assert_str_eq(get(other).state, "running");
}
END_TEST

START_TEST(listed_and_pruned)
{
	int64_t a = add("queued", NULL, 0, 0), b = add("queued", NULL, 0, 0);
	seen_job s = { 0 };
	int deleted = -1;
	ck_assert_int_eq(cw_store_job_claim(store, "x", 1000, 9000, NULL, NULL),
	                 0);
	ck_assert_int_eq(cw_store_job_finish(store, a, "x", "done", 0, NULL),
	                 0);
	ck_assert_int_eq(
	        cw_store_job_list(store, tenant, 0, "queued", 0, copy_job, &s),
	        0);
	ck_assert_int_eq(s.seen, 1);
	ck_assert_int_eq(s.id, b);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(cw_store_job_list(store, 0, 0, NULL, 1, copy_job, &s),
	                 0);
	ck_assert_int_eq(s.seen, 1);
	ck_assert_int_eq(s.id, b); /* newest first */
	ck_assert_int_eq(
	        cw_store_job_list(store, 0, b + 100, NULL, 0, NULL, NULL),
	        CW_ENOTFOUND);
	ck_assert_int_eq(
	        cw_store_job_list(store, tenant + 1, 0, NULL, 0, copy_job, &s),
	        0);
	/* the ended job goes; the queued one stays */
	ck_assert_int_eq(cw_store_job_prune(store, INT64_MAX / 2, &deleted), 0);
	ck_assert_int_eq(deleted, 1);
	ck_assert_int_eq(get(b).id, b);
	ck_assert_int_eq(cw_store_job_list(store, 0, a, NULL, 0, NULL, NULL),
	                 CW_ENOTFOUND);
}
END_TEST

/* SQLite: leadership is a lease row. */
START_TEST(lead_is_a_lease)
{
	int held = -1;
	ck_assert_int_eq(
	        cw_store_job_lead(store, "scheduler", "a", 1000, 4000, &held),
	        0);
	ck_assert_int_eq(held, 1);
	ck_assert_int_eq(
	        cw_store_job_lead(store, "scheduler", "b", 2000, 5000, &held),
	        0);
	ck_assert_int_eq(held, 0);
	ck_assert_int_eq(
	        cw_store_job_lead(store, "scheduler", "a", 3000, 6000, &held),
	        0);
	ck_assert_int_eq(held, 1);
	ck_assert_int_eq(
	        cw_store_job_lead(store, "scheduler", "b", 5999, 9000, &held),
	        0);
	ck_assert_int_eq(held, 0);
	/* a stopped renewing */
	ck_assert_int_eq(
	        cw_store_job_lead(store, "scheduler", "b", 6001, 9000, &held),
	        0);
	ck_assert_int_eq(held, 1);
	ck_assert_int_eq(
	        cw_store_job_lead(store, "scheduler", "a", 7000, 9000, &held),
	        0);
	ck_assert_int_eq(held, 0);
}
END_TEST

/* ---- several nodes ----------------------------------------------------------
 */

#define RACERS 4
#define JOBS   200

typedef struct {
	cw_store *store;
	char owner[16];
	int claimed[JOBS + 1];
	int count, result;
	int64_t first;
} racer;

static int note_claim(const cw_job *j, void *payload)
{
	racer *r = payload;
	int64_t slot = j->id - r->first + 1;
	if (slot < 1 || slot > JOBS)
		return CW_EINVAL;
	r->claimed[slot]++;
	r->count++;
	return 0;
}

static void *claim_all(void *arg)
{
	racer *r = arg;
	int err;
	while ((err = cw_store_job_claim(r->store, r->owner, 1000, 90000,
	                                 note_claim, r)) == 0)
		;
	r->result = err == CW_ENOTFOUND ? 0 : err;
	return NULL;
}

/* Stores on one database (nodes) claim 200 jobs at once: each job is
 * claimed once, by one of them. */
START_TEST(nodes_claim_each_job_once)
{
	static racer racers[RACERS];
	pthread_t threads[RACERS];
	int64_t first = add("queued", NULL, 0, 0);
	int total = 0;
	for (int i = 1; i < JOBS; i++)
		add("queued", NULL, 0, 0);
	for (int i = 0; i < RACERS; i++) {
		memset(&racers[i], 0, sizeof(racers[i]));
		racers[i].first = first;
		snprintf(racers[i].owner, sizeof(racers[i].owner), "node%d", i);
		ck_assert_int_eq(cw_store_open(&racers[i].store, url, dir), 0);
	}
	for (int i = 0; i < RACERS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, claim_all,
		                                &racers[i]),
		                 0);
	for (int i = 0; i < RACERS; i++)
		pthread_join(threads[i], NULL);
	for (int i = 0; i < RACERS; i++) {
		ck_assert_msg(racers[i].result == 0, "%s: %s", racers[i].owner,
		              cw_error_last());
		total += racers[i].count;
	}
	ck_assert_int_eq(total, JOBS);
	for (int slot = 1; slot <= JOBS; slot++) {
		int times = 0;
		for (int i = 0; i < RACERS; i++)
			times += racers[i].claimed[slot];
		ck_assert_msg(times == 1, "job %d claimed %d times", slot,
		              times);
	}
	for (int i = 0; i < RACERS; i++)
		cw_store_free(racers[i].store);
}
END_TEST

/* PostgreSQL: leadership is an advisory lock, held until its session
 * ends: another node leads once the leader's store closes (its process
 * died). */
START_TEST(lead_goes_with_the_session)
{
	cw_store *other = NULL;
	int held = -1;
	ck_assert_int_eq(cw_store_open(&other, url, dir), 0);
	ck_assert_int_eq(
	        cw_store_job_lead(store, "scheduler", "a", 0, 0, &held), 0);
	ck_assert_int_eq(held, 1);
	ck_assert_int_eq(
	        cw_store_job_lead(other, "scheduler", "b", 0, 0, &held), 0);
	ck_assert_int_eq(held, 0);
	ck_assert_int_eq(
	        cw_store_job_lead(store, "scheduler", "a", 0, 0, &held), 0);
	ck_assert_int_eq(held, 1);
	/* another name is another lock */
	ck_assert_int_eq(cw_store_job_lead(other, "other", "b", 0, 0, &held),
	                 0);
	ck_assert_int_eq(held, 1);
	cw_store_free(store);
	store = NULL;
	ck_assert_int_eq(
	        cw_store_job_lead(other, "scheduler", "b", 0, 0, &held), 0);
	ck_assert_int_eq(held, 1);
	/* the table SQLite uses stays empty here */
	ck_assert_int_eq(cw_store_open(&store, url, dir), 0);
	ck_assert_int_eq(
	        cw_store_job_lead(store, "scheduler", "a", 0, 0, &held), 0);
	ck_assert_int_eq(held, 0);
	cw_store_free(other);
}
END_TEST

/* ---- blobs ------------------------------------------------------------------
 */

/* A file of len bytes (every byte value, NULs included) at dir/name. */
static void make_file(char *path, size_t n, const char *name, size_t len)
{
	FILE *f;
	snprintf(path, n, "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	for (size_t i = 0; i < len; i++)
		ck_assert_int_ne(fputc((int)((i * 7 + i / 251) & 0xff), f),
		                 EOF);
	ck_assert_int_eq(fclose(f), 0);
}

static void same_file(const char *a, const char *b)
{
	FILE *x = fopen(a, "rb"), *y = fopen(b, "rb");
	int c, d;
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	do {
		c = fgetc(x);
		d = fgetc(y);
		ck_assert_int_eq(c, d);
	} while (c != EOF);
	fclose(x);
	fclose(y);
}

typedef struct {
	char names[8][64];
	int count;
} listed;

static int list_name(const char *name, void *payload)
{
	listed *l = payload;
	if (l->count == 8)
		return CW_ETOOBIG;
	snprintf(l->names[l->count++], sizeof(l->names[0]), "%s", name);
	return 0;
}

START_TEST(blobs_come_back_whole)
{
	static const size_t sizes[] = { 0, 1, (size_t)1 << 20,
		                        ((size_t)5 << 19) + 3 };
	char in[400], out[400], name[32];
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(name, sizeof(name), "upload-%zu", i);
		make_file(in, sizeof(in), name, sizes[i]);
		ck_assert_int_eq(cw_store_blob_put(store, tenant, name, in), 0);
		snprintf(out, sizeof(out), "%s/back-%zu", dir, i);
		ck_assert_int_eq(cw_store_blob_get(store, name, out), 0);
		same_file(in, out);
	}
	/* a name is stored once; a missing file stores nothing */
	ck_assert_int_eq(cw_store_blob_put(store, tenant, "upload-1", in),
	                 CW_EEXISTS);
	snprintf(in, sizeof(in), "%s/none", dir);
	ck_assert_int_eq(cw_store_blob_put(store, tenant, "none", in),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_blob_get(store, "none", out), CW_ENOTFOUND);
	/* deleted: gone, and deleting again is fine */
	ck_assert_int_eq(cw_store_blob_delete(store, "upload-3"), 0);
	ck_assert_int_eq(cw_store_blob_get(store, "upload-3", out),
	                 CW_ENOTFOUND);
	ck_assert_int_eq(cw_store_blob_delete(store, "upload-3"), 0);
	/* listed by prefix, in name order; "set-1/" is not "set-10/" */
	static const char *const names[] = { "set-1/users.csv",
		                             "set-1/manifest.csv",
		                             "set-10/manifest.csv" };
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(cw_store_blob_put(store, tenant, names[i], in),
		                 CW_ENOTFOUND); /* in is "none" */
	make_file(in, sizeof(in), "small", 10);
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(cw_store_blob_put(store, tenant, names[i], in),
		                 0);
	listed l = { { "" }, 0 };
	ck_assert_int_eq(cw_store_blob_list(store, "set-1/", list_name, &l), 0);
	ck_assert_int_eq(l.count, 2);
	ck_assert_str_eq(l.names[0], "set-1/manifest.csv");
	ck_assert_str_eq(l.names[1], "set-1/users.csv");
	l.count = 0;
	ck_assert_int_eq(cw_store_blob_list(store, "set-", list_name, &l), 0);
	ck_assert_int_eq(l.count, 3);
	l.count = 0;
	ck_assert_int_eq(cw_store_blob_list(store, "nothing/", list_name, &l),
	                 0);
	ck_assert_int_eq(l.count, 0);
	/* a get into a directory that is not there fails, leaving nothing */
	snprintf(out, sizeof(out), "%s/no/such/dir", dir);
	ck_assert_int_eq(cw_store_blob_get(store, "upload-2", out), CW_EIO);
}
END_TEST

static void add_interface_tests(TCase *c)
{
	tcase_add_test(c, claimed_by_one_owner);
	tcase_add_test(c, lapsed_lease_is_claimed_again);
	tcase_add_test(c, out_of_attempts_fails_once);
	tcase_add_test(c, listed_and_pruned);
	tcase_add_test(c, nodes_claim_each_job_once);
	tcase_add_test(c, blobs_come_back_whole);
}

Suite *suite_jobs(void)
{
	Suite *s = suite_create("jobs");
	TCase *c = tcase_create("jobs");
	tcase_add_checked_fixture(c, setup, teardown);
	tcase_set_timeout(c, 60);
	add_interface_tests(c);
	tcase_add_test(c, lead_is_a_lease);
	suite_add_tcase(s, c);
	return s;
}

Suite *suite_jobs_pg(void)
{
	Suite *s = suite_create("jobs/pg");
	TCase *c;

	if (!cw_test_pg_base())
		return s;
	c = tcase_create("jobs");
	tcase_add_checked_fixture(c, setup_pg, teardown);
	tcase_set_timeout(c, 60);
	add_interface_tests(c);
	tcase_add_test(c, lead_goes_with_the_session);
	suite_add_tcase(s, c);
	return s;
}
