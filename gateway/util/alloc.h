/* The one allocator of the project, swappable so tests can fail allocations. */
#ifndef CW_UTIL_ALLOC_H
#define CW_UTIL_ALLOC_H

#include <stddef.h>

typedef struct {
	void *(*malloc_fn)(size_t size);
	void *(*realloc_fn)(void *ptr, size_t size);
	void (*free_fn)(void *ptr);
} cw_allocator;

/** Installs an allocator (NULL restores libc's); also routes cJSON through it.
 */
void cw_allocator_set(const cw_allocator *allocator);

void *cw_malloc(size_t size);
void *cw_calloc(size_t count, size_t size);
void *cw_realloc(void *ptr, size_t size);
void cw_free(void *ptr);
char *cw_strdup(const char *s);
char *cw_strndup(const char *s, size_t n);

#endif
