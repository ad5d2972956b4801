/* A set of byte strings, each with a 32-bit value (a line number, say):
 * open addressing over an arena, ~30 bytes per short key. Not thread-safe. */
#ifndef CW_UTIL_STRSET_H
#define CW_UTIL_STRSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct cw_strset cw_strset;

int cw_strset_new(cw_strset **out);
void cw_strset_free(cw_strset *set);

/**
 * Adds key with value unless present. Returns 1 when added, 0 when it was
 * there (its value in *existing, if not NULL), or CW_ENOMEM.
 */
int cw_strset_put(cw_strset *set, const char *key, size_t len, uint32_t value,
                  uint32_t *existing);
/** 1 and the value when key is present, else 0. */
int cw_strset_get(const cw_strset *set, const char *key, size_t len,
                  uint32_t *value);
size_t cw_strset_count(const cw_strset *set);
/** Bytes held (table and arena), for reports and benchmarks. */
size_t cw_strset_bytes(const cw_strset *set);

#endif
