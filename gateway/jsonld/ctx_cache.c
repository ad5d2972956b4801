/* The process-wide cache of processed embedded contexts: applying the same
 * embedded context to the same cached context gives the same result, so it
 * is computed once (JSON-LD processors keep such a cache too). Embedded
 * contexts use absolute IRIs only, so a cached result is valid for every
 * document base; the adopted copy takes the run's base. */
#include "jsonld/expand_int.h"

#include "util/error.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define CACHE_SLOTS     8192
#define CACHE_MAX_USED  (CACHE_SLOTS / 2)
#define CACHE_ARENA_MAX (128u << 20)

typedef struct {
	const jl_ctx *parent;
	const cJSON *local;
	unsigned flags;
	const jl_ctx *result;
} slot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static slot slots[CACHE_SLOTS];
static size_t used_slots;
static jl_arena arena = { NULL, 0, 0, 0, CACHE_ARENA_MAX };
static cJSON *garbage;
static jl_terms root_terms;
static jl_slot root_slots[1];
static jl_ctx root = { .terms = &root_terms, .terms_shared = 1 };

const jl_ctx *jl_cache_root(void)
{
	root_terms.slots = root_slots;
	root_terms.cap = 1;
	root.cache_id = &root;
	return &root;
}

cJSON *jl_cache_garbage(void)
{
	if (!garbage)
		garbage = cJSON_CreateArray();
	return garbage;
}

static unsigned flag_bits(jl_ctx_flags f)
{
	return (unsigned)(f.override_protected ? 1 : 0) |
	       (f.propagate ? 2u : 0u) | (f.validate_scoped ? 4u : 0u);
}

static size_t slot_index(const jl_ctx *parent, const cJSON *local,
                         unsigned flags)
{
	uintptr_t h = (uintptr_t)parent * 31u + (uintptr_t)local * 17u + flags;
	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 20) & (CACHE_SLOTS - 1);
}

static slot *find(const jl_ctx *parent, const cJSON *local, unsigned flags)
{
	size_t i = slot_index(parent, local, flags);
	while (slots[i].result &&
	       !(slots[i].parent == parent && slots[i].local == local &&
	         slots[i].flags == flags))
		i = (i + 1) & (CACHE_SLOTS - 1);
	return &slots[i];
}

/* The run's own copy of a cached context, with the run's base IRIs. */
static int adopt(jl_ctx **out, jl_run *run, const jl_ctx *active,
                 const jl_ctx *cached)
{
	jl_ctx *copy = jl_alloc(&run->arena, sizeof(*copy));
	if (!copy)
		return CW_ENOMEM;
	*copy = *cached;
	copy->base = active->base;
	copy->original_base = active->original_base;
	copy->terms_shared = 1;
	copy->cache_id = cached;
	if (cached->previous == active->cache_id)
		copy->previous = cached->previous ? active : NULL;
	*out = copy;
	return 0;
}

/* Runs the processor into the cache's arena (the lock is held). */
static int fill(const jl_ctx **out, jl_run *run, const jl_ctx *parent,
                const cJSON *local, const char *base_url, jl_ctx_flags flags)
{
	jl_arena saved = run->arena;
	jl_ctx *result = NULL;
	run->arena = arena;
	run->caching = 1;
	int err = jl_ctx_process_uncached(
	        &result, run, parent, local,
	        base_url ? jl_strdup(&run->arena, base_url) : NULL, NULL,
	        flags);
	run->caching = 0;
	arena = run->arena;
	run->arena = saved;
	if (err < 0)
		return err;
	result->cache_id = result;
	*out = result;
	return 0;
}

int jl_cache_process(jl_ctx **out, jl_run *run, const jl_ctx *active,
                     const cJSON *local, const char *base_url,
                     jl_ctx_flags flags, int *used)
{
	*used = 0;
	if (run->caching || !flags.cacheable || !active->cache_id)
		return 0;
	unsigned bits = flag_bits(flags);
	const jl_ctx *parent = active->cache_id;
	int err = 0;
	if (pthread_mutex_lock(&lock) != 0)
		return 0;
	slot *s = find(parent, local, bits);
	const jl_ctx *result = s->result;
	if (!result && used_slots < CACHE_MAX_USED &&
	    arena.total + (1u << 20) < CACHE_ARENA_MAX) {
		err = fill(&result, run, parent, local, base_url, flags);
		if (err == 0) {
			s = find(parent, local, bits);
			*s = (slot){ parent, local, bits, result };
			used_slots++;
		}
	}
	pthread_mutex_unlock(&lock);
	if (err < 0 || !result)
		return err;
	*used = 1;
	return adopt(out, run, active, result);
}
