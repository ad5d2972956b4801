/* Allocation wrappers; cJSON is hooked to the same allocator. */
#include "util/alloc.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const cw_allocator libc_allocator = { malloc, realloc, free };
static const cw_allocator *current = &libc_allocator;

static void *hook_malloc(size_t size)
{
	return cw_malloc(size);
}

void cw_allocator_set(const cw_allocator *allocator)
{
	cJSON_Hooks hooks = { hook_malloc, cw_free };

	current = allocator ? allocator : &libc_allocator;
	cJSON_InitHooks(&hooks);
}

void *cw_malloc(size_t size)
{
	return current->malloc_fn(size ? size : 1);
}

void *cw_calloc(size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size)
		return NULL;
	p = cw_malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void *cw_realloc(void *ptr, size_t size)
{
	return current->realloc_fn(ptr, size ? size : 1);
}

void cw_free(void *ptr)
{
	if (ptr)
		current->free_fn(ptr);
}

char *cw_strndup(const char *s, size_t n)
{
	char *copy = cw_malloc(n + 1);

	if (!copy)
		return NULL;
	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}

char *cw_strdup(const char *s)
{
	return cw_strndup(s, strlen(s));
}
