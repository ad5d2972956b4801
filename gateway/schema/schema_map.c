/* Small containers of the validator: a byte-string map and bit sets. */
#include "schema/schema_internal.h"

#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

struct sch_entry {
	unsigned char *key; /* NULL: empty slot */
	size_t key_len;
	uint64_t hash;
	void *value;
};

static uint64_t hash_bytes(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct sch_entry *find_slot(const sch_map *map, const void *key,
                                   size_t key_len, uint64_t hash)
{
	size_t mask = map->alloc - 1, i = (size_t)hash & mask;

	for (;;) {
		struct sch_entry *entry = &map->entries[i];

		if (!entry->key)
			return entry;
		if (entry->hash == hash && entry->key_len == key_len &&
		    memcmp(entry->key, key, key_len) == 0)
			return entry;
		i = (i + 1) & mask;
	}
}

static int grow(sch_map *map)
{
	size_t alloc = map->alloc ? map->alloc * 2 : 64;
	struct sch_entry *old = map->entries;
	size_t old_alloc = map->alloc;

	map->entries = cw_calloc(alloc, sizeof(*map->entries));
	if (!map->entries) {
		map->entries = old;
		return CW_ENOMEM;
	}
	map->alloc = alloc;
	for (size_t i = 0; i < old_alloc; i++) {
		if (old[i].key)
			*find_slot(map, old[i].key, old[i].key_len,
			           old[i].hash) = old[i];
	}
	cw_free(old);
	return 0;
}

int sch_map_put(sch_map *map, const void *key, size_t key_len, void *value)
{
	uint64_t hash = hash_bytes(key, key_len);
	struct sch_entry *entry;
	int err;

	if ((map->count + 1) * 2 > map->alloc && (err = grow(map)) < 0)
		return err;
	entry = find_slot(map, key, key_len, hash);
	if (entry->key)
		return CW_EEXISTS;
	entry->key = cw_malloc(key_len ? key_len : 1);
	if (!entry->key)
		return CW_ENOMEM;
	if (key_len)
		memcpy(entry->key, key, key_len);
	entry->key_len = key_len;
	entry->hash = hash;
	entry->value = value;
	map->count++;
	return 0;
}

void *sch_map_get(const sch_map *map, const void *key, size_t key_len)
{
	struct sch_entry *entry;

	if (!map->alloc)
		return NULL;
	entry = find_slot(map, key, key_len, hash_bytes(key, key_len));
	return entry->key ? entry->value : NULL;
}

void sch_map_dispose(sch_map *map)
{
	for (size_t i = 0; i < map->alloc; i++)
		cw_free(map->entries[i].key);
	cw_free(map->entries);
	map->entries = NULL;
	map->alloc = map->count = 0;
}

int sch_marks_init(sch_marks *marks, size_t size)
{
	marks->size = size;
	marks->bits = cw_calloc(size / 8 + 1, 1);
	return marks->bits ? 0 : CW_ENOMEM;
}

void sch_marks_set(sch_marks *marks, size_t index)
{
	if (index < marks->size)
		marks->bits[index / 8] |= (unsigned char)(1u << (index % 8));
}

int sch_marks_get(const sch_marks *marks, size_t index)
{
	if (index >= marks->size)
		return 0;
	return (marks->bits[index / 8] >> (index % 8)) & 1;
}

void sch_marks_merge(sch_marks *into, const sch_marks *from)
{
	size_t bytes = (into->size < from->size ? into->size : from->size) / 8;

	for (size_t i = 0; i <= bytes; i++)
		into->bits[i] |= from->bits[i];
}

void sch_marks_dispose(sch_marks *marks)
{
	cw_free(marks->bits);
	marks->bits = NULL;
	marks->size = 0;
}

int sch_json_deeper_than(const cJSON *item, int max)
{
	if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
		return 0;
	if (max <= 0)
		return 1;
	for (const cJSON *child = item->child; child; child = child->next)
		if (sch_json_deeper_than(child, max - 1))
			return 1;
	return 0;
}
