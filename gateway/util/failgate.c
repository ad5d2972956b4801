/* Failed-authentication counters: an open-addressed table of 64-bit key
 * hashes (SHA-256 prefix, so a chosen key cannot aim at another's slot
 * more than by chance), each with its window's start and count. */
#include "util/failgate.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/hash.h"

#include <pthread.h>
#include <string.h>

#define SLOTS 4096 /* identities tracked at once */
#define PROBE 8    /* slots a key may take */

typedef struct {
	uint64_t key; /* 0: free */
	int64_t start_ms;
	int count;
} slot;

struct cw_failgate {
	pthread_mutex_t lock;
	int limit;
	int64_t window_ms;
	slot slots[SLOTS];
};

int cw_failgate_new(cw_failgate **out, int limit, int window_s)
{
	cw_failgate *g = cw_calloc(1, sizeof(*g));

	*out = NULL;
	if (!g)
		return CW_ENOMEM;
	if (pthread_mutex_init(&g->lock, NULL) != 0) {
		cw_free(g);
		return CW_ENOMEM;
	}
	g->limit = limit > 0 ? limit : 0;
	g->window_ms = (int64_t)(window_s > 0 ? window_s : 1) * 1000;
	*out = g;
	return 0;
}

void cw_failgate_free(cw_failgate *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->lock);
	cw_free(g);
}

static uint64_t hash_of(const char *key)
{
	unsigned char d[CW_SHA256_LEN];
	uint64_t h = 0;

	if (cw_sha256(d, key ? key : "", key ? strlen(key) : 0) < 0)
		return 1;
	for (int i = 0; i < 8; i++)
		h = h << 8 | d[i];
	return h ? h : 1;
}

/* The slot of h, or (take) a free or the stalest one of its probe run;
 * NULL when not there and not taking. Under the lock. */
static slot *find(cw_failgate *g, uint64_t h, int take)
{
	slot *stalest = NULL;

	for (int i = 0; i < PROBE; i++) {
		slot *s = &g->slots[(h + (uint64_t)i) % SLOTS];
		if (s->key == h)
			return s;
		if (!stalest || !s->key ||
		    (stalest->key && s->start_ms < stalest->start_ms))
			stalest = s;
	}
	if (!take)
		return NULL;
	*stalest = (slot){ h, 0, 0 };
	return stalest;
}

int cw_failgate_wait_s(cw_failgate *g, const char *key, int64_t now_ms)
{
	int wait = 0;

	if (!g || g->limit == 0)
		return 0;
	uint64_t h = hash_of(key);
	pthread_mutex_lock(&g->lock);
	slot *s = find(g, h, 0);
	if (s && s->count >= g->limit && now_ms - s->start_ms < g->window_ms)
		wait = (int)((s->start_ms + g->window_ms - now_ms + 999) /
		             1000);
	pthread_mutex_unlock(&g->lock);
	return wait > 0 ? wait : 0;
}

void cw_failgate_fail(cw_failgate *g, const char *key, int64_t now_ms)
{
	if (!g || g->limit == 0)
		return;
	uint64_t h = hash_of(key);
	pthread_mutex_lock(&g->lock);
	slot *s = find(g, h, 1);
	if (s->count == 0 || now_ms - s->start_ms >= g->window_ms) {
		s->start_ms = now_ms;
		s->count = 0;
	}
	if (s->count < g->limit)
		s->count++;
	pthread_mutex_unlock(&g->lock);
}

void cw_failgate_clear(cw_failgate *g, const char *key)
{
	if (!g || g->limit == 0)
		return;
	uint64_t h = hash_of(key);
	pthread_mutex_lock(&g->lock);
	slot *s = find(g, h, 0);
	if (s)
		*s = (slot){ 0, 0, 0 };
	pthread_mutex_unlock(&g->lock);
}
