/* Slots hold a 32-bit offset into the arena plus a hash tag, so the table is
 * small and a probe rarely touches a key it does not want. The tag is the
 * hash's low 32 bits, which also place the slot: growing the table moves
 * slots without reading a key again. */
#include "util/strset.h"

#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

typedef struct {
	uint32_t offset; /* into the arena, +1 (0: empty slot) */
	uint32_t tag;    /* low hash bits */
} slot;

#define ARENA_BLOCK (1u << 20)

struct cw_strset {
	slot *slots;
	size_t capacity; /* power of two */
	size_t count;
	char *arena; /* entries: value (4), length (2), key bytes */
	size_t arena_used, arena_alloc;
};

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

int cw_strset_new(cw_strset **out)
{
	cw_strset *set = cw_calloc(1, sizeof(*set));

	*out = NULL;
	if (!set)
		return CW_ENOMEM;
	set->capacity = 1024;
	set->slots = cw_calloc(set->capacity, sizeof(slot));
	if (!set->slots) {
		cw_free(set);
		return CW_ENOMEM;
	}
	*out = set;
	return 0;
}

void cw_strset_free(cw_strset *set)
{
	if (!set)
		return;
	cw_free(set->slots);
	cw_free(set->arena);
	cw_free(set);
}

static const char *entry(const cw_strset *set, uint32_t offset, size_t *len,
                         uint32_t *value)
{
	const char *e = set->arena + offset - 1;
	uint16_t n;

	memcpy(value, e, 4);
	memcpy(&n, e + 4, 2);
	*len = n;
	return e + 6;
}

static size_t find(const cw_strset *set, const char *key, size_t len,
                   uint64_t h, int *found)
{
	uint32_t tag = (uint32_t)h;
	size_t mask = set->capacity - 1, i = tag & mask;

	for (;; i = (i + 1) & mask) {
		const slot *s = &set->slots[i];
		size_t elen;
		uint32_t value;
		const char *k;

		if (!s->offset) {
			*found = 0;
			return i;
		}
		if (s->tag != tag)
			continue;
		k = entry(set, s->offset, &elen, &value);
		if (elen == len && memcmp(k, key, len) == 0) {
			*found = 1;
			return i;
		}
	}
}

static int grow_table(cw_strset *set)
{
	size_t capacity = set->capacity * 2;
	slot *slots;

	if (capacity > ((size_t)1 << 32))
		return CW_ENOMEM;
	slots = cw_calloc(capacity, sizeof(slot));
	if (!slots)
		return CW_ENOMEM;
	for (size_t i = 0; i < set->capacity; i++) {
		const slot *s = &set->slots[i];
		size_t j = s->tag & (capacity - 1);

		if (!s->offset)
			continue;
		while (slots[j].offset)
			j = (j + 1) & (capacity - 1);
		slots[j] = *s;
	}
	cw_free(set->slots);
	set->slots = slots;
	set->capacity = capacity;
	return 0;
}

static int arena_add(cw_strset *set, const char *key, uint16_t len,
                     uint32_t value, uint32_t *offset)
{
	size_t need = set->arena_used + 6 + len;

	if (need > UINT32_MAX - 1)
		return CW_ENOMEM;
	if (need > set->arena_alloc) {
		size_t alloc =
		        set->arena_alloc ? set->arena_alloc : ARENA_BLOCK;
		char *grown;

		while (alloc < need)
			alloc *= 2;
		grown = cw_realloc(set->arena, alloc);
		if (!grown)
			return CW_ENOMEM;
		set->arena = grown;
		set->arena_alloc = alloc;
	}
	memcpy(set->arena + set->arena_used, &value, 4);
	memcpy(set->arena + set->arena_used + 4, &len, 2);
	memcpy(set->arena + set->arena_used + 6, key, len);
	*offset = (uint32_t)set->arena_used + 1;
	set->arena_used = need;
	return 0;
}

int cw_strset_put(cw_strset *set, const char *key, size_t len, uint32_t value,
                  uint32_t *existing)
{
	uint64_t h = hash_bytes(key, len);
	uint32_t offset;
	int found;
	size_t i;

	if (len > UINT16_MAX)
		return CW_EINVAL;
	i = find(set, key, len, h, &found);
	if (found) {
		if (existing) {
			size_t n;
			entry(set, set->slots[i].offset, &n, existing);
		}
		return 0;
	}
	if ((set->count + 1) * 4 > set->capacity * 3) {
		if (grow_table(set) < 0)
			return CW_ENOMEM;
		i = find(set, key, len, h, &found);
	}
	if (arena_add(set, key, (uint16_t)len, value, &offset) < 0)
		return CW_ENOMEM;
	set->slots[i].offset = offset;
	set->slots[i].tag = (uint32_t)h;
	set->count++;
	return 1;
}

int cw_strset_get(const cw_strset *set, const char *key, size_t len,
                  uint32_t *value)
{
	int found;
	size_t i = find(set, key, len, hash_bytes(key, len), &found);

	if (found && value) {
		size_t n;
		entry(set, set->slots[i].offset, &n, value);
	}
	return found;
}

size_t cw_strset_count(const cw_strset *set)
{
	return set->count;
}

size_t cw_strset_bytes(const cw_strset *set)
{
	return set->capacity * sizeof(slot) + set->arena_alloc;
}
