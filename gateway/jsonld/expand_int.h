/* Internals shared by the JSON-LD context processor, IRI expansion and the
 * expansion algorithm: the per-run arena, active contexts and terms. */
#ifndef CW_JSONLD_EXPAND_INT_H
#define CW_JSONLD_EXPAND_INT_H

#include "jsonld/jsonld.h"

#include <stddef.h>

/* A bump allocator: everything a run builds is freed at once. */
typedef struct jl_chunk jl_chunk;
typedef struct {
	jl_chunk *head;
	size_t used, size; /* of head */
	size_t total, max;
} jl_arena;

void *jl_alloc(jl_arena *arena, size_t size);
char *jl_strdup(jl_arena *arena, const char *s);
char *jl_concat(jl_arena *arena, const char *a, const char *b);
void jl_arena_free(jl_arena *arena);

enum {
	JL_C_LIST = 1,
	JL_C_SET = 2,
	JL_C_INDEX = 4,
	JL_C_LANGUAGE = 8,
	JL_C_GRAPH = 16,
	JL_C_ID = 32,
	JL_C_TYPE = 64
};

enum { JL_DIR_NONE = 0, JL_DIR_LTR, JL_DIR_RTL };

typedef struct {
	const char *iri;  /* NULL: a null mapping */
	const char *type; /* type mapping, or NULL */
	const char *language;
	const char *index;
	const char *nest;
	const cJSON *context; /* scoped context, or NULL */
	const char *base_url; /* of the scoped context */
	unsigned container;
	int direction;
	unsigned has_language : 1, has_direction : 1, prefix : 1,
	        protected_ : 1, reverse : 1,
	        cached : 1; /* made into the context cache: immutable */
} jl_term;

typedef struct {
	const char *key;
	const jl_term *term; /* NULL: removed */
} jl_slot;

typedef struct {
	jl_slot *slots;
	size_t cap, count;
} jl_terms;

typedef struct jl_ctx jl_ctx;
struct jl_ctx {
	const char *base;          /* base IRI, or NULL */
	const char *original_base; /* the document's base */
	const char *vocab;
	const char *language;
	int direction;
	jl_terms *terms;
	int terms_shared; /* copy terms before changing them */
	int has_protected;
	const jl_ctx *previous; /* for non-propagated contexts */
	/* The cached context this one equals (but for base IRIs), or NULL */
	const jl_ctx *cache_id;
};

/* The remote contexts seen on the way to a context (a stack). */
typedef struct jl_remote jl_remote;
struct jl_remote {
	const char *url;
	const jl_remote *next;
	size_t count;
};

typedef struct {
	jl_arena arena;
	cJSON *garbage; /* documents made during the run (@import) */
	const cw_jsonld_options *options;
	const cw_jsonld_loader *loader;
	cw_jsonld_error *where;
	int json_ld_10;
	int caching; /* processing into the context cache */
	size_t work, max_work, depth, loads, max_loads;
	char path[256];
	size_t path_len;
} jl_run;

/* Records a JSON-LD error (code from the API spec) and returns CW_EINVAL. */
int jl_fail(jl_run *run, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Counts work; CW_ETOOBIG past the limit. */
int jl_tick(jl_run *run);
/* The JSON pointer of the value being expanded. */
size_t jl_path_push(jl_run *run, const char *key);
size_t jl_path_push_index(jl_run *run, size_t index);
void jl_path_pop(jl_run *run, size_t len);

int jl_is_keyword(const char *s);
int jl_has_keyword_form(const char *s);
int jl_is_absolute_iri(const char *s);
/* RFC 3986 §5.2 reference resolution. */
const char *jl_resolve(jl_arena *arena, const char *base, const char *ref);

const jl_term *jl_term_get(const jl_ctx *ctx, const char *term);

jl_ctx *jl_ctx_new(jl_run *run, const char *base);

/* Context Processing (JSON-LD 1.1 API §4.1). */
typedef struct {
	int override_protected;
	int propagate;
	int validate_scoped;
	int cacheable; /* local is an embedded (immutable) context */
} jl_ctx_flags;

int jl_ctx_process(jl_ctx **out, jl_run *run, const jl_ctx *active,
                   const cJSON *local, const char *base_url,
                   const jl_remote *remote, jl_ctx_flags flags);

/* The context processor without the cache. */
int jl_ctx_process_uncached(jl_ctx **out, jl_run *run, const jl_ctx *active,
                            const cJSON *local, const char *base_url,
                            const jl_remote *remote, jl_ctx_flags flags);

/* The empty context every cache chain starts from. */
const jl_ctx *jl_cache_root(void);
/* Documents made while caching (@import merges) live here. */
cJSON *jl_cache_garbage(void);
/* Processes local on active through the process-wide cache of embedded
 * contexts. *used is 0 when the cache does not apply. */
int jl_cache_process(jl_ctx **out, jl_run *run, const jl_ctx *active,
                     const cJSON *local, const char *base_url,
                     jl_ctx_flags flags, int *used);

/* IRI Expansion (§5.2). local and defined are set during context
 * processing only; *out may be NULL (a null mapping). */
typedef struct jl_defined jl_defined;
int jl_expand_iri(const char **out, jl_run *run, jl_ctx *ctx, const char *value,
                  int document_relative, int vocab, const cJSON *local,
                  jl_defined *defined);

#endif
