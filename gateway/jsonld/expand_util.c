/* The JSON-LD run's arena, error reporting, keywords and IRI resolution. */
#include "jsonld/expand_int.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct jl_chunk {
	jl_chunk *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void *jl_alloc(jl_arena *arena, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (!arena->head || arena->used + size > arena->size) {
		size_t want = size > 16384 ? size : 16384;
		if (arena->max && arena->total + want > arena->max)
			return NULL;
		jl_chunk *chunk = cw_malloc(sizeof(*chunk) + want);
		if (!chunk)
			return NULL;
		chunk->next = arena->head;
		chunk->size = want;
		arena->head = chunk;
		arena->used = 0;
		arena->size = want;
		arena->total += want;
	}
	void *p = arena->head->data + arena->used;
	arena->used += size;
	return p;
}

char *jl_strdup(jl_arena *arena, const char *s)
{
	size_t len = strlen(s);
	char *copy = jl_alloc(arena, len + 1);
	if (copy)
		memcpy(copy, s, len + 1);
	return copy;
}

char *jl_concat(jl_arena *arena, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = jl_alloc(arena, la + lb + 1);
	if (!s)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

void jl_arena_free(jl_arena *arena)
{
	jl_chunk *chunk = arena->head;
	while (chunk) {
		jl_chunk *next = chunk->next;
		cw_free(chunk);
		chunk = next;
	}
	arena->head = NULL;
	arena->used = arena->size = arena->total = 0;
}

int jl_fail(jl_run *run, const char *code, const char *fmt, ...)
{
	char message[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	const char *pointer = run->path_len ? run->path : "";
	if (run->where && !run->where->code[0] && !run->where->message[0]) {
		snprintf(run->where->code, sizeof(run->where->code), "%s",
		         code);
		snprintf(run->where->pointer, sizeof(run->where->pointer), "%s",
		         pointer);
		snprintf(run->where->message, sizeof(run->where->message), "%s",
		         message);
	}
	cw_error_set("%s: %s (at \"%s\")", code, message, pointer);
	return CW_EINVAL;
}

int jl_tick(jl_run *run)
{
	if (++run->work <= run->max_work)
		return 0;
	cw_error_set("JSON-LD expansion: over the work limit of %zu",
	             run->max_work);
	if (run->where && !run->where->message[0])
		snprintf(run->where->message, sizeof(run->where->message),
		         "over the work limit of %zu", run->max_work);
	return CW_ETOOBIG;
}

/* Appends "/" + token (with ~0 ~1 escapes); a path that would not fit is
 * cut, and stays cut until popped. */
static void path_append(jl_run *run, const char *token)
{
	size_t n = run->path_len, max = sizeof(run->path) - 1;
	if (n < max)
		run->path[n++] = '/';
	for (; *token && n < max; token++) {
		if (*token == '~' || *token == '/') {
			if (n + 2 > max)
				break;
			run->path[n++] = '~';
			run->path[n++] = *token == '~' ? '0' : '1';
		} else {
			run->path[n++] = *token;
		}
	}
	run->path[n] = '\0';
	run->path_len = n;
}

size_t jl_path_push(jl_run *run, const char *key)
{
	size_t saved = run->path_len;
	path_append(run, key);
	return saved;
}

size_t jl_path_push_index(jl_run *run, size_t index)
{
	char digits[24];
	snprintf(digits, sizeof(digits), "%zu", index);
	return jl_path_push(run, digits);
}

void jl_path_pop(jl_run *run, size_t len)
{
	run->path_len = len;
	run->path[len] = '\0';
}

static const char *const keywords[] = {
	"@base",      "@container", "@context",     "@default",  "@direction",
	"@embed",     "@explicit",  "@graph",       "@id",       "@import",
	"@included",  "@index",     "@json",        "@language", "@list",
	"@nest",      "@none",      "@omitDefault", "@prefix",   "@preserve",
	"@propagate", "@protected", "@requireAll",  "@reverse",  "@set",
	"@type",      "@value",     "@version",     "@vocab"
};

int jl_is_keyword(const char *s)
{
	if (!s || s[0] != '@' || !s[1])
		return 0;
	/* keywords[] is sorted: scan only those with the same second letter
	 * (this runs for every key and IRI expanded) */
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (keywords[i][1] < s[1])
			continue;
		if (keywords[i][1] > s[1])
			break;
		if (strcmp(s, keywords[i]) == 0)
			return 1;
	}
	return 0;
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int jl_has_keyword_form(const char *s)
{
	if (!s || s[0] != '@' || !s[1])
		return 0;
	for (s++; *s; s++)
		if (!is_alpha(*s))
			return 0;
	return 1;
}

/* Length of the scheme and its ':' ("http:" → 5), or 0. */
static size_t scheme_len(const char *s)
{
	if (!is_alpha(s[0]))
		return 0;
	size_t i = 1;
	while (is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
	       s[i] == '-' || s[i] == '.')
		i++;
	return s[i] == ':' ? i + 1 : 0;
}

int jl_is_absolute_iri(const char *s)
{
	if (!s || !scheme_len(s))
		return 0;
	for (; *s; s++)
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			return 0;
	return 1;
}
