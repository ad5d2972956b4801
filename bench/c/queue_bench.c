/* Job queue benchmark driver: N jobs added to a store, then claimed and
 * finished by K nodes (threads, each with a store of its own, as K
 * daemons' queue threads would) at once. Prints jobs/s for adding and for
 * claim + finish, and checks that every job ran exactly once; then stores
 * and reads back a file of M MiB as a blob (what an uploaded set costs
 * before its import starts), in MiB/s.
 *   queue_bench --store URL --dir DIR --jobs N --nodes K --blob-mb M */
#include "store/store.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_NODES 16

typedef struct {
	cw_store *store;
	char owner[16];
	long claimed;
	int err;
	unsigned char *seen;
	int64_t first, last;
	long jobs;
} node;

static int note(const cw_job *j, void *payload)
{
	node *n = payload;
	int64_t slot = j->id - n->first;

	if (slot < 0 || slot >= n->jobs)
		return CW_EINVAL;
	n->seen[slot]++; /* one byte per job: only its claimer writes it */
	n->last = j->id;
	n->claimed++;
	return 0;
}

static void *work(void *arg)
{
	node *n = arg;
	int err;

	for (;;) {
		int64_t now = cw_time_now_ms();
		if ((err = cw_store_job_claim(n->store, n->owner, now,
		                              now + 60000, note, n)) < 0)
			break;
		if ((err = cw_store_job_finish(n->store, n->last, n->owner,
		                               "done", 0, NULL)) < 0)
			break;
	}
	n->err = err == CW_ENOTFOUND ? 0 : err;
	return NULL;
}

/* A file of mb MiB of pseudo-random bytes (zip data compresses no
 * further), stored as a blob and read back. */
static int blob_bench(cw_store *store, int64_t tenant, const char *dir, long mb)
{
	char in[4200], out[4200];
	static unsigned char block[1 << 16];
	uint64_t x = 88172645463325252ULL;
	FILE *f;
	int err;

	snprintf(in, sizeof(in), "%s/blob-in", dir);
	snprintf(out, sizeof(out), "%s/blob-out", dir);
	if (!(f = fopen(in, "wb")))
		return CW_EIO;
	for (long i = 0; i < mb * 16; i++) {
		for (size_t k = 0; k < sizeof(block); k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			block[k] = (unsigned char)x;
		}
		if (fwrite(block, 1, sizeof(block), f) != sizeof(block)) {
			fclose(f);
			return CW_EIO;
		}
	}
	if (fclose(f) != 0)
		return CW_EIO;
	(void)cw_store_blob_delete(store, "bench-blob");
	int64_t start = cw_time_mono_ms();
	if ((err = cw_store_blob_put(store, tenant, "bench-blob", in)) < 0)
		return err;
	double put_s = (double)(cw_time_mono_ms() - start) / 1000.0;
	start = cw_time_mono_ms();
	if ((err = cw_store_blob_get(store, "bench-blob", out)) < 0)
		return err;
	double get_s = (double)(cw_time_mono_ms() - start) / 1000.0;
	printf("blob of %ld MiB: stored in %.2f s (%.0f MiB/s), read back in "
	       "%.2f s (%.0f MiB/s)\n",
	       mb, put_s, (double)mb / put_s, get_s, (double)mb / get_s);
	(void)cw_store_blob_delete(store, "bench-blob");
	unlink(in);
	unlink(out);
	return 0;
}

static const char *arg(int argc, char **argv, const char *name,
                       const char *fallback)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return fallback;
}

int main(int argc, char **argv)
{
	const char *url = arg(argc, argv, "--store", "sqlite");
	const char *dir = arg(argc, argv, "--dir", ".");
	long jobs = strtol(arg(argc, argv, "--jobs", "20000"), NULL, 10);
	int nodes = (int)strtol(arg(argc, argv, "--nodes", "4"), NULL, 10);
	static node list[MAX_NODES];
	pthread_t threads[MAX_NODES];
	cw_store *store = NULL;
	cw_tenant t;
	unsigned char *seen;
	int applied = 0, bad = 0;
	long total = 0;

	if (jobs < 1 || nodes < 1 || nodes > MAX_NODES ||
	    !(seen = calloc((size_t)jobs, 1))) {
		fprintf(stderr, "usage: queue_bench --store URL --dir DIR "
		                "--jobs N --nodes 1..16\n");
		return 2;
	}
	if (cw_store_open(&store, url, dir) < 0 ||
	    cw_store_migrate(store, &applied) < 0 ||
	    (cw_store_tenant_add(store, "bench", &t) < 0 &&
	     cw_store_tenant_get(store, "bench", &t) < 0)) {
		fprintf(stderr, "queue_bench: %s\n", cw_error_last());
		return 3;
	}
	int64_t start = cw_time_mono_ms(), first = 0;
	for (long i = 0; i < jobs; i++) {
		cw_job j = { .tenant_id = t.id,
			     .kind = "import",
			     .ref_id = i + 1,
			     .args = "{\"path\":\"/tmp/x.zip\",\"tenant\":"
			             "\"bench\",\"approve\":false}",
			     .state = "queued",
			     .created_ms = cw_time_now_ms() };
		int64_t id = 0;
		if (cw_store_job_add(store, &j, &id) < 0) {
			fprintf(stderr, "queue_bench: %s\n", cw_error_last());
			return 3;
		}
		if (i == 0)
			first = id;
	}
	double add_s = (double)(cw_time_mono_ms() - start) / 1000.0;
	printf("added %ld jobs in %.2f s: %.0f jobs/s (one connection)\n", jobs,
	       add_s, (double)jobs / add_s);
	for (int i = 0; i < nodes; i++) {
		list[i] = (node){ .seen = seen, .first = first, .jobs = jobs };
		snprintf(list[i].owner, sizeof(list[i].owner), "node%d", i);
		if (cw_store_open(&list[i].store, url, dir) < 0) {
			fprintf(stderr, "queue_bench: %s\n", cw_error_last());
			return 3;
		}
	}
	start = cw_time_mono_ms();
	for (int i = 0; i < nodes; i++)
		if (pthread_create(&threads[i], NULL, work, &list[i]) != 0)
			return 3;
	for (int i = 0; i < nodes; i++)
		pthread_join(threads[i], NULL);
	double run_s = (double)(cw_time_mono_ms() - start) / 1000.0;
	for (int i = 0; i < nodes; i++) {
		if (list[i].err < 0)
			fprintf(stderr, "queue_bench: %s failed\n",
			        list[i].owner);
		total += list[i].claimed;
		printf("  %s claimed %ld\n", list[i].owner, list[i].claimed);
		cw_store_free(list[i].store);
	}
	for (long i = 0; i < jobs; i++)
		bad += seen[i] != 1;
	printf("claimed and finished %ld jobs with %d nodes in %.2f s: %.0f "
	       "jobs/s; jobs not run exactly once: %d\n",
	       total, nodes, run_s, (double)total / run_s, bad);
	long mb = strtol(arg(argc, argv, "--blob-mb", "64"), NULL, 10);
	if (mb > 0 && blob_bench(store, t.id, dir, mb) < 0) {
		fprintf(stderr, "queue_bench: %s\n", cw_error_last());
		return 3;
	}
	cw_store_free(store);
	free(seen);
	return bad || total != jobs ? 1 : 0;
}
