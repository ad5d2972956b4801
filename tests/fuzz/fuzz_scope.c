/* Fuzzes scope lists: the input is two lists separated by a NUL byte (one
 * list used twice when there is none). */
#include "fuzz.h"

#include "engine/scope.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"

#include <stdlib.h>
#include <string.h>

#define NORMALIZED_MAX (2 * CW_LIMIT_SCOPE_STRING)

static int has_item(const char *list)
{
	return list[strspn(list, " \t,\r\n")] != '\0';
}

/* Normalizing a normalized list changes nothing, and both hold the same
 * items. */
static void fuzz_normalize(const char *list)
{
	cw_buf out = CW_BUF_INIT(NORMALIZED_MAX);
	cw_buf again = CW_BUF_INIT(NORMALIZED_MAX);
	int err = cw_scope_normalize(&out, list);

	if (err < 0)
		goto out;
	if (out.len == 0 || out.len > strlen(list))
		abort();
	if (cw_scope_normalize(&again, cw_buf_cstr(&out)) < 0 ||
	    strcmp(cw_buf_cstr(&again), cw_buf_cstr(&out)) != 0)
		abort();
	if (!cw_scope_subset(list, cw_buf_cstr(&out)) ||
	    !cw_scope_subset(cw_buf_cstr(&out), list) ||
	    !cw_scope_has_any(cw_buf_cstr(&out), list))
		abort();
out:
	cw_buf_dispose(&again);
	cw_buf_dispose(&out);
}

static void fuzz_pair(const char *a, const char *b)
{
	int a_in_b = cw_scope_subset(a, b);
	int any = cw_scope_has_any(a, b);

	if (!cw_scope_subset(a, a) || (has_item(a) && !cw_scope_has_any(a, a)))
		abort();
	if (any != cw_scope_has_any(b, a))
		abort();
	/* A non-empty subset shares an item with its superset. */
	if (a_in_b && has_item(a) && !any)
		abort();
	(void)cw_scope_subset(b, a);
}

/* A heap copy of exactly len bytes and a NUL, so ASan sees any over-read. */
static char *copy_string(const uint8_t *data, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return NULL;
	if (len)
		memcpy(copy, data, len);
	copy[len] = '\0';
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t first_len = nul ? (size_t)(nul - data) : size;
	char *first = copy_string(data, first_len);
	char *second = nul ? copy_string(nul + 1, size - first_len - 1)
	                   : copy_string(data, size);

	if (!first || !second)
		goto out;
	/* Bytes after a second NUL are ignored, as a C string would. */
	fuzz_normalize(first);
	fuzz_normalize(second);
	fuzz_pair(first, second);
	fuzz_pair(second, first);
out:
	free(second);
	free(first);
	return 0;
}
