/* JSON-LD 1.1 Context Processing (API §4.1) and active contexts. */
#include "jsonld/expand_int.h"

#include "util/error.h"

#include <stdio.h>
#include <string.h>

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static jl_terms *terms_new(jl_arena *arena, size_t cap)
{
	jl_terms *t = jl_alloc(arena, sizeof(*t));
	if (!t)
		return NULL;
	t->slots = jl_alloc(arena, cap * sizeof(jl_slot));
	if (!t->slots)
		return NULL;
	memset(t->slots, 0, cap * sizeof(jl_slot));
	t->cap = cap;
	t->count = 0;
	return t;
}

static jl_slot *terms_find(const jl_terms *t, const char *key)
{
	size_t i = hash_str(key) & (t->cap - 1);
	while (t->slots[i].key && strcmp(t->slots[i].key, key) != 0)
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

static jl_terms *terms_copy(jl_arena *arena, const jl_terms *t, size_t cap)
{
	jl_terms *n = terms_new(arena, cap);
	if (!n)
		return NULL;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slots[i].key)
			continue;
		*terms_find(n, t->slots[i].key) = t->slots[i];
		n->count++;
	}
	return n;
}

const jl_term *jl_term_get(const jl_ctx *ctx, const char *term)
{
	if (!ctx->terms->count)
		return NULL;
	return terms_find(ctx->terms, term)->term;
}

/* Sets (term NULL: removes) a term, copying a shared table first. */
static int terms_set(jl_run *run, jl_ctx *ctx, const char *key,
                     const jl_term *term)
{
	jl_terms *t = ctx->terms;
	if (ctx->terms_shared || (t->count + 1) * 4 > t->cap * 3) {
		size_t cap = t->cap;
		while ((t->count + 1) * 4 > cap * 3)
			cap *= 2;
		if (!(t = terms_copy(&run->arena, t, cap)))
			return CW_ENOMEM;
		ctx->terms = t;
		ctx->terms_shared = 0;
	}
	jl_slot *slot = terms_find(t, key);
	if (!slot->key) {
		if (!term)
			return 0;
		slot->key = key;
		t->count++;
	}
	slot->term = term;
	if (term && term->protected_)
		ctx->has_protected = 1;
	return 0;
}

jl_ctx *jl_ctx_new(jl_run *run, const char *base)
{
	jl_ctx *ctx = jl_alloc(&run->arena, sizeof(*ctx));
	if (!ctx)
		return NULL;
	memset(ctx, 0, sizeof(*ctx));
	ctx->base = ctx->original_base = base;
	ctx->cache_id = jl_cache_root();
	ctx->terms = terms_new(&run->arena, 16);
	return ctx->terms ? ctx : NULL;
}

static jl_ctx *ctx_copy(jl_run *run, const jl_ctx *active)
{
	jl_ctx *ctx = jl_alloc(&run->arena, sizeof(*ctx));
	if (!ctx)
		return NULL;
	*ctx = *active;
	ctx->terms_shared = 1;
	return ctx;
}

/* The term definitions being made from one local context (§4.2 "defined"):
 * 0 not started, 1 in progress, 2 done. */
struct jl_defined {
	const char **keys;
	unsigned char *state;
	size_t cap;
	/* what every term of the local context is created with */
	const char *base_url;
	const jl_remote *remote;
	int protected_, override;
};

static jl_defined *defined_new(jl_arena *arena, size_t entries)
{
	size_t cap = 16;
	while (cap < entries * 2)
		cap *= 2;
	jl_defined *d = jl_alloc(arena, sizeof(*d));
	if (!d || !(d->keys = jl_alloc(arena, cap * sizeof(char *))) ||
	    !(d->state = jl_alloc(arena, cap)))
		return NULL;
	memset(d->keys, 0, cap * sizeof(char *));
	memset(d->state, 0, cap);
	d->cap = cap;
	return d;
}

static unsigned char *defined_slot(jl_defined *d, const char *key)
{
	size_t i = hash_str(key) & (d->cap - 1);
	while (d->keys[i] && strcmp(d->keys[i], key) != 0)
		i = (i + 1) & (d->cap - 1);
	if (!d->keys[i])
		d->keys[i] = key;
	return &d->state[i];
}

static int create_term(jl_run *run, jl_ctx *ctx, const cJSON *local,
                       const char *term, jl_defined *defined);

int jl_expand_iri(const char **out, jl_run *run, jl_ctx *ctx, const char *value,
                  int document_relative, int vocab, const cJSON *local,
                  jl_defined *defined)
{
	int err;
	*out = value;
	if (!value || jl_is_keyword(value))
		return 0;
	if (jl_has_keyword_form(value)) {
		*out = NULL;
		return 0;
	}
	if (local && defined &&
	    cJSON_GetObjectItemCaseSensitive(local, value) &&
	    *defined_slot(defined, value) != 2 &&
	    (err = create_term(run, ctx, local, value, defined)) < 0)
		return err;
	const jl_term *t = jl_term_get(ctx, value);
	if (t && t->iri && jl_is_keyword(t->iri)) {
		*out = t->iri;
		return 0;
	}
	if (vocab && t) {
		*out = t->iri;
		return 0;
	}
	const char *colon = strchr(value, ':');
	if (colon && colon != value) {
		size_t plen = (size_t)(colon - value);
		if ((plen == 1 && value[0] == '_') ||
		    (colon[1] == '/' && colon[2] == '/'))
			return 0;
		char *prefix = jl_alloc(&run->arena, plen + 1);
		if (!prefix)
			return CW_ENOMEM;
		memcpy(prefix, value, plen);
		prefix[plen] = '\0';
		if (local && defined &&
		    cJSON_GetObjectItemCaseSensitive(local, prefix) &&
		    *defined_slot(defined, prefix) != 2 &&
		    (err = create_term(run, ctx, local, prefix, defined)) < 0)
			return err;
		const jl_term *p = jl_term_get(ctx, prefix);
		if (p && p->iri && p->prefix) {
			*out = jl_concat(&run->arena, p->iri, colon + 1);
			return *out ? 0 : CW_ENOMEM;
		}
		if (jl_is_absolute_iri(value))
			return 0;
	}
	if (vocab && ctx->vocab) {
		*out = jl_concat(&run->arena, ctx->vocab, value);
		return *out ? 0 : CW_ENOMEM;
	}
	if (document_relative) {
		*out = jl_resolve(&run->arena, ctx->base, value);
		return *out ? 0 : CW_ENOMEM;
	}
	return 0;
}

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int is_blank_or_iri(const char *s)
{
	return s && ((s[0] == '_' && s[1] == ':') || jl_is_absolute_iri(s));
}

static int ends_with_gen_delim(const char *s)
{
	size_t n = strlen(s);
	return n && strchr(":/?#[]@", s[n - 1]) != NULL;
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Equal but for the protected flag (§4.2 step 27). */
static int term_same(const jl_term *a, const jl_term *b)
{
	return str_eq(a->iri, b->iri) && str_eq(a->type, b->type) &&
	       a->has_language == b->has_language &&
	       str_eq(a->language, b->language) &&
	       a->has_direction == b->has_direction &&
	       a->direction == b->direction && a->container == b->container &&
	       str_eq(a->index, b->index) && str_eq(a->nest, b->nest) &&
	       a->prefix == b->prefix && a->reverse == b->reverse &&
	       ((!a->context && !b->context) ||
	        (a->context && b->context &&
	         cJSON_Compare(a->context, b->context, 1)));
}

static const struct {
	const char *name;
	unsigned flag;
} container_names[] = {
	{ "@list", JL_C_LIST },   { "@set", JL_C_SET },
	{ "@index", JL_C_INDEX }, { "@language", JL_C_LANGUAGE },
	{ "@graph", JL_C_GRAPH }, { "@id", JL_C_ID },
	{ "@type", JL_C_TYPE }
};

static unsigned container_flag(const cJSON *item)
{
	if (!cJSON_IsString(item))
		return 0;
	for (size_t i = 0; i < 7; i++)
		if (strcmp(item->valuestring, container_names[i].name) == 0)
			return container_names[i].flag;
	return 0;
}

static int count_bits(unsigned v)
{
	int n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

/* §4.2 step 19.1: which @container values are allowed. */
static int parse_container(jl_run *run, const cJSON *value, unsigned *out)
{
	unsigned flags = 0;
	if (cJSON_IsNull(value))
		return 0;
	if (cJSON_IsString(value)) {
		flags = container_flag(value);
		if (!flags || (run->json_ld_10 &&
		               (flags & (JL_C_GRAPH | JL_C_ID | JL_C_TYPE))))
			goto bad;
		*out = flags;
		return 0;
	}
	if (!cJSON_IsArray(value) || run->json_ld_10)
		goto bad;
	const cJSON *item;
	cJSON_ArrayForEach(item, value)
	{
		unsigned f = container_flag(item);
		if (!f || (flags & f))
			goto bad;
		flags |= f;
	}
	int n = count_bits(flags);
	if ((flags & JL_C_LIST) && n != 1)
		goto bad;
	if (flags & JL_C_GRAPH) {
		if ((flags & ~(JL_C_GRAPH | JL_C_ID | JL_C_INDEX | JL_C_SET)) ||
		    ((flags & JL_C_ID) && (flags & JL_C_INDEX)))
			goto bad;
	} else if (n > ((flags & JL_C_SET) ? 2 : 1)) {
		goto bad;
	}
	*out = flags;
	return 0;
bad:
	return jl_fail(run, "invalid container mapping",
	               "@container has an invalid value");
}

static int term_type(jl_run *run, jl_ctx *ctx, const cJSON *local,
                     jl_defined *defined, const cJSON *value, jl_term *def)
{
	const cJSON *type = member(value, "@type");
	if (!type)
		return 0;
	if (!cJSON_IsString(type))
		return jl_fail(run, "invalid type mapping",
		               "@type of a term must be a string");
	const char *t;
	int err = jl_expand_iri(&t, run, ctx, type->valuestring, 0, 1, local,
	                        defined);
	if (err < 0)
		return err;
	if (t && (strcmp(t, "@json") == 0 || strcmp(t, "@none") == 0) &&
	    run->json_ld_10)
		return jl_fail(run, "invalid type mapping",
		               "%s needs JSON-LD 1.1", t);
	if (!t || (strcmp(t, "@id") != 0 && strcmp(t, "@json") != 0 &&
	           strcmp(t, "@none") != 0 && strcmp(t, "@vocab") != 0 &&
	           (jl_is_keyword(t) || !jl_is_absolute_iri(t))))
		return jl_fail(run, "invalid type mapping",
		               "\"%s\" is not a type IRI", type->valuestring);
	def->type = t;
	return 0;
}

/* §4.2 step 13: a reverse property. 1: stop (a keyword-like value). */
static int term_reverse(jl_run *run, jl_ctx *ctx, const cJSON *local,
                        jl_defined *defined, const cJSON *value, jl_term *def)
{
	const cJSON *rev = member(value, "@reverse");
	if (member(value, "@id") || member(value, "@nest"))
		return jl_fail(run, "invalid reverse property",
		               "@reverse with @id or @nest");
	if (!cJSON_IsString(rev))
		return jl_fail(run, "invalid IRI mapping",
		               "@reverse must be a string");
	if (!jl_is_keyword(rev->valuestring) &&
	    jl_has_keyword_form(rev->valuestring))
		return 1;
	int err = jl_expand_iri(&def->iri, run, ctx, rev->valuestring, 0, 1,
	                        local, defined);
	if (err < 0)
		return err;
	if (!is_blank_or_iri(def->iri) || !strchr(def->iri, ':'))
		return jl_fail(run, "invalid IRI mapping",
		               "@reverse \"%s\" is not an IRI",
		               rev->valuestring);
	const cJSON *c = member(value, "@container");
	if (c) {
		unsigned f = container_flag(c);
		if (!cJSON_IsNull(c) && f != JL_C_SET && f != JL_C_INDEX)
			return jl_fail(run, "invalid reverse property",
			               "a reverse property's @container must "
			               "be @set or @index");
		def->container = f;
	}
	def->reverse = 1;
	return 0;
}

static int term_compact_iri(jl_run *run, jl_ctx *ctx, const cJSON *local,
                            jl_defined *defined, const char *term, jl_term *def)
{
	const char *colon = strchr(term, ':');
	size_t plen = (size_t)(colon - term);
	int err;
	if (colon[1] == '/' && colon[2] == '/') {
		def->iri = term;
		return 0;
	}
	char *prefix = jl_alloc(&run->arena, plen + 1);
	if (!prefix)
		return CW_ENOMEM;
	memcpy(prefix, term, plen);
	prefix[plen] = '\0';
	if (member(local, prefix) &&
	    (err = create_term(run, ctx, local, prefix, defined)) < 0)
		return err;
	const jl_term *p = jl_term_get(ctx, prefix);
	if (p && p->iri)
		def->iri = jl_concat(&run->arena, p->iri, colon + 1);
	else
		def->iri = term;
	return def->iri ? 0 : CW_ENOMEM;
}

/* §4.2 step 14: an explicit @id. 1: stop (a keyword-like value). */
static int term_id(jl_run *run, jl_ctx *ctx, const cJSON *local,
                   jl_defined *defined, const char *term, const cJSON *id,
                   int simple, jl_term *def)
{
	if (cJSON_IsNull(id))
		return 0;
	if (!cJSON_IsString(id))
		return jl_fail(run, "invalid IRI mapping",
		               "@id of term \"%s\" must be a string", term);
	if (!jl_is_keyword(id->valuestring) &&
	    jl_has_keyword_form(id->valuestring))
		return 1;
	int err = jl_expand_iri(&def->iri, run, ctx, id->valuestring, 0, 1,
	                        local, defined);
	if (err < 0)
		return err;
	if (!def->iri || (!jl_is_keyword(def->iri) &&
	                  !is_blank_or_iri(def->iri) && !strchr(def->iri, ':')))
		return jl_fail(run, "invalid IRI mapping",
		               "term \"%s\" does not map to an IRI", term);
	if (strcmp(def->iri, "@context") == 0)
		return jl_fail(run, "invalid keyword alias",
		               "@context cannot be aliased");
	const char *colon = strchr(term + 1, ':');
	if ((colon && colon[1]) || strchr(term, '/')) {
		*defined_slot(defined, term) = 2;
		const char *again;
		if ((err = jl_expand_iri(&again, run, ctx, term, 0, 1, local,
		                         defined)) < 0)
			return err;
		if (!str_eq(again, def->iri))
			return jl_fail(run, "invalid IRI mapping",
			               "term \"%s\" looks like an IRI but maps "
			               "to another one",
			               term);
	}
	if (!strchr(term, ':') && !strchr(term, '/') && simple &&
	    (ends_with_gen_delim(def->iri) ||
	     (def->iri[0] == '_' && def->iri[1] == ':')))
		def->prefix = 1;
	return 0;
}

/* §4.2 steps 15–18: the IRI of a term without @id. */
static int term_implicit_iri(jl_run *run, jl_ctx *ctx, const cJSON *local,
                             jl_defined *defined, const char *term,
                             jl_term *def)
{
	if (strchr(term + 1, ':'))
		return term_compact_iri(run, ctx, local, defined, term, def);
	if (strchr(term, '/')) {
		int err = jl_expand_iri(&def->iri, run, ctx, term, 1, 1, NULL,
		                        NULL);
		(void)local, (void)defined;
		if (err < 0)
			return err;
		if (!jl_is_absolute_iri(def->iri))
			return jl_fail(run, "invalid IRI mapping",
			               "term \"%s\" is not an IRI", term);
		return 0;
	}
	if (strcmp(term, "@type") == 0) {
		def->iri = "@type";
		return 0;
	}
	if (!ctx->vocab)
		return jl_fail(run, "invalid IRI mapping",
		               "term \"%s\" has no IRI and there is no @vocab",
		               term);
	def->iri = jl_concat(&run->arena, ctx->vocab, term);
	return def->iri ? 0 : CW_ENOMEM;
}

static int parse_direction(jl_run *run, const cJSON *v, int *out)
{
	if (cJSON_IsNull(v))
		*out = JL_DIR_NONE;
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "ltr") == 0)
		*out = JL_DIR_LTR;
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "rtl") == 0)
		*out = JL_DIR_RTL;
	else
		return jl_fail(run, "invalid base direction",
		               "@direction must be \"ltr\", \"rtl\" or null");
	return 0;
}

static int term_container_index(jl_run *run, jl_ctx *ctx, const cJSON *value,
                                jl_term *def)
{
	const cJSON *c = member(value, "@container");
	int err;
	if (c && (err = parse_container(run, c, &def->container)) < 0)
		return err;
	if (def->container & JL_C_TYPE) {
		if (!def->type)
			def->type = "@id";
		if (strcmp(def->type, "@id") != 0 &&
		    strcmp(def->type, "@vocab") != 0)
			return jl_fail(run, "invalid type mapping",
			               "a @type container needs @type @id or "
			               "@vocab");
	}
	const cJSON *index = member(value, "@index");
	if (!index)
		return 0;
	if (run->json_ld_10 || !(def->container & JL_C_INDEX) ||
	    !cJSON_IsString(index))
		return jl_fail(run, "invalid term definition",
		               "@index needs an @index container");
	const char *iri;
	if ((err = jl_expand_iri(&iri, run, ctx, index->valuestring, 0, 1, NULL,
	                         NULL)) < 0)
		return err;
	if (!iri || jl_is_keyword(iri) || !jl_is_absolute_iri(iri))
		return jl_fail(run, "invalid term definition",
		               "@index \"%s\" is not an IRI",
		               index->valuestring);
	def->index = index->valuestring;
	return 0;
}

static int term_scoped_context(jl_run *run, jl_ctx *ctx, const cJSON *value,
                               jl_defined *defined, jl_term *def)
{
	const cJSON *scoped = member(value, "@context");
	if (!scoped)
		return 0;
	if (run->json_ld_10)
		return jl_fail(run, "invalid term definition",
		               "scoped contexts need JSON-LD 1.1");
	jl_ctx *checked;
	jl_ctx_flags flags = { 1, 1, 0, 0 };
	int err = jl_ctx_process(&checked, run, ctx, scoped, defined->base_url,
	                         defined->remote, flags);
	if (err == CW_EINVAL && run->where) {
		snprintf(run->where->code, sizeof(run->where->code), "%s",
		         "invalid scoped context");
	}
	if (err < 0)
		return err;
	def->context = scoped;
	def->base_url = defined->base_url;
	return 0;
}

static int term_language_nest(jl_run *run, const char *term, const cJSON *value,
                              jl_term *def)
{
	const cJSON *v;
	int err;
	if (!member(value, "@type") && (v = member(value, "@language"))) {
		if (!cJSON_IsNull(v) && !cJSON_IsString(v))
			return jl_fail(run, "invalid language mapping",
			               "@language must be a string or null");
		def->has_language = 1;
		def->language = cJSON_IsString(v) ? v->valuestring : NULL;
	}
	if (!member(value, "@type") && (v = member(value, "@direction"))) {
		if ((err = parse_direction(run, v, &def->direction)) < 0)
			return err;
		def->has_direction = 1;
	}
	if ((v = member(value, "@nest"))) {
		if (run->json_ld_10)
			return jl_fail(run, "invalid term definition",
			               "@nest needs JSON-LD 1.1");
		if (!cJSON_IsString(v) ||
		    (jl_is_keyword(v->valuestring) &&
		     strcmp(v->valuestring, "@nest") != 0))
			return jl_fail(run, "invalid @nest value",
			               "@nest must be a term or \"@nest\"");
		def->nest = v->valuestring;
	}
	if ((v = member(value, "@prefix"))) {
		if (run->json_ld_10 || strchr(term, ':') || strchr(term, '/'))
			return jl_fail(run, "invalid term definition",
			               "@prefix is not allowed on \"%s\"",
			               term);
		if (!cJSON_IsBool(v))
			return jl_fail(run, "invalid @prefix value",
			               "@prefix must be true or false");
		def->prefix = cJSON_IsTrue(v) ? 1 : 0;
		if (def->prefix && def->iri && jl_is_keyword(def->iri))
			return jl_fail(run, "invalid term definition",
			               "a keyword alias cannot be a prefix");
	}
	return 0;
}

static int term_check_keys(jl_run *run, const char *term, const cJSON *value)
{
	static const char *const allowed[] = {
		"@id",        "@reverse",   "@container", "@context",
		"@direction", "@index",     "@language",  "@nest",
		"@prefix",    "@protected", "@type"
	};
	const cJSON *item;
	cJSON_ArrayForEach(item, value)
	{
		size_t i = 0;
		while (i < sizeof(allowed) / sizeof(allowed[0]) &&
		       strcmp(item->string, allowed[i]) != 0)
			i++;
		if (i == sizeof(allowed) / sizeof(allowed[0]))
			return jl_fail(
			        run, "invalid term definition",
			        "term \"%s\" has an unknown entry \"%s\"", term,
			        item->string);
	}
	return 0;
}

/* §4.2 step 4: in 1.1, @type may only be given @container @set. */
static int term_type_keyword(jl_run *run, const cJSON *value, jl_term *def)
{
	const cJSON *item;
	if (!cJSON_IsObject(value) || !value->child)
		goto bad;
	cJSON_ArrayForEach(item, value)
	{
		if (strcmp(item->string, "@container") == 0 &&
		    cJSON_IsString(item) &&
		    strcmp(item->valuestring, "@set") == 0)
			def->container = JL_C_SET;
		else if (strcmp(item->string, "@protected") == 0 &&
		         cJSON_IsBool(item))
			def->protected_ = cJSON_IsTrue(item) ? 1 : 0;
		else
			goto bad;
	}
	def->iri = "@type";
	return 0;
bad:
	return jl_fail(run, "keyword redefinition",
	               "@type may only be given @container @set and "
	               "@protected");
}

/* Steps 9–26 for a term whose value is a map (or a string as @id). 1 stops
 * without defining the term. */
static int term_body(jl_run *run, jl_ctx *ctx, const cJSON *local,
                     jl_defined *defined, const char *term, const cJSON *value,
                     int simple, jl_term *def)
{
	int err;
	const cJSON *p = member(value, "@protected");
	if (p) {
		if (run->json_ld_10)
			return jl_fail(run, "invalid term definition",
			               "@protected needs JSON-LD 1.1");
		if (!cJSON_IsBool(p))
			return jl_fail(run, "invalid @protected value",
			               "@protected must be true or false");
		def->protected_ = cJSON_IsTrue(p) ? 1 : 0;
	}
	if ((err = term_type(run, ctx, local, defined, value, def)) < 0)
		return err;
	const cJSON *id = member(value, "@id");
	if (member(value, "@reverse")) {
		if ((err = term_reverse(run, ctx, local, defined, value, def)))
			return err;
	} else if (id && !(cJSON_IsString(id) &&
	                   strcmp(id->valuestring, term) == 0)) {
		if ((err = term_id(run, ctx, local, defined, term, id, simple,
		                   def)))
			return err;
	} else if ((err = term_implicit_iri(run, ctx, local, defined, term,
	                                    def)) < 0) {
		return err;
	}
	if (def->reverse) {
		unsigned container = def->container;
		err = term_container_index(run, ctx, value, def);
		def->container = container;
		return err < 0 ? err : term_check_keys(run, term, value);
	}
	if ((err = term_container_index(run, ctx, value, def)) < 0 ||
	    (err = term_scoped_context(run, ctx, value, defined, def)) < 0 ||
	    (err = term_language_nest(run, term, value, def)) < 0)
		return err;
	return term_check_keys(run, term, value);
}

static int create_term(jl_run *run, jl_ctx *ctx, const cJSON *local,
                       const char *term, jl_defined *defined)
{
	unsigned char *state = defined_slot(defined, term);
	int err;
	if (*state == 2)
		return 0;
	if (*state == 1)
		return jl_fail(run, "cyclic IRI mapping",
		               "term \"%s\" depends on itself", term);
	if (!*term)
		return jl_fail(run, "invalid term definition",
		               "the empty string is not a term");
	*state = 1;
	if ((err = jl_tick(run)) < 0)
		return err;
	const cJSON *value = member(local, term);
	jl_term *def = jl_alloc(&run->arena, sizeof(*def));
	if (!def)
		return CW_ENOMEM;
	memset(def, 0, sizeof(*def));
	def->protected_ = defined->protected_ ? 1 : 0;
	def->cached = run->caching ? 1 : 0;
	const jl_term *previous = jl_term_get(ctx, term);
	if (!run->json_ld_10 && strcmp(term, "@type") == 0) {
		err = term_type_keyword(run, value, def);
	} else if (jl_is_keyword(term)) {
		return jl_fail(run, "keyword redefinition",
		               "%s cannot be redefined", term);
	} else if (jl_has_keyword_form(term)) {
		return 0;
	} else if ((err = terms_set(run, ctx, term, NULL)) < 0) {
		return err;
	} else if (cJSON_IsNull(value)) {
		def->iri = NULL;
	} else if (cJSON_IsString(value)) {
		err = strcmp(value->valuestring, term) != 0
		              ? term_id(run, ctx, local, defined, term, value,
		                        1, def)
		              : term_implicit_iri(run, ctx, local, defined,
		                                  term, def);
	} else if (cJSON_IsObject(value)) {
		err = term_body(run, ctx, local, defined, term, value, 0, def);
	} else {
		return jl_fail(
		        run, "invalid term definition",
		        "term \"%s\" must be a string, an object or null",
		        term);
	}
	if (err < 0)
		return err;
	if (err == 1)
		return 0;
	if (!defined->override && previous && previous->protected_) {
		if (!term_same(def, previous))
			return jl_fail(run, "protected term redefinition",
			               "term \"%s\" is protected", term);
		def = (jl_term *)previous;
	}
	if ((err = terms_set(run, ctx, term, def)) < 0)
		return err;
	*state = 2;
	return 0;
}

static int remote_has(const jl_remote *r, const char *url)
{
	for (; r; r = r->next)
		if (strcmp(r->url, url) == 0)
			return 1;
	return 0;
}

static int load_context(const cJSON **out, jl_run *run, const char *url)
{
	const cJSON *doc = NULL;
	if (++run->loads > run->max_loads)
		return jl_fail(run, "context overflow",
		               "more than %zu remote contexts", run->max_loads);
	int err = cw_jsonld_loader_get(run->loader, url, &doc);
	if (err == CW_ENOTFOUND)
		return jl_fail(run, "loading remote context failed",
		               "the context %s is not embedded (contexts are "
		               "never fetched)",
		               url);
	if (err < 0)
		return err;
	*out = member(doc, "@context");
	if (!cJSON_IsObject(doc) || !*out)
		return jl_fail(run, "invalid remote context",
		               "%s has no @context", url);
	return 0;
}

static int process_remote(jl_ctx **result, jl_run *run, const char *ref,
                          const char *base_url, const jl_remote **remote,
                          jl_ctx_flags flags)
{
	const char *url = jl_resolve(&run->arena, base_url, ref);
	const cJSON *loaded;
	int err;
	if (!url)
		return CW_ENOMEM;
	if (!jl_is_absolute_iri(url))
		return jl_fail(run, "loading document failed",
		               "the context \"%s\" is not an absolute IRI",
		               ref);
	if (!flags.validate_scoped && remote_has(*remote, url))
		return 0;
	size_t depth = *remote ? (*remote)->count + 1 : 1;
	if (depth > run->max_loads)
		return jl_fail(run, "context overflow",
		               "remote contexts nest deeper than %zu",
		               run->max_loads);
	jl_remote *node = jl_alloc(&run->arena, sizeof(*node));
	if (!node)
		return CW_ENOMEM;
	*node = (jl_remote){ url, *remote, depth };
	*remote = node;
	const cJSON *doc = NULL;
	int embedded = cw_jsonld_loader_get(cw_jsonld_loader_default(), url,
	                                    &doc) == 0 &&
	               cJSON_IsObject(doc) && member(doc, "@context");
	if (embedded)
		loaded = member(doc, "@context");
	else if ((err = load_context(&loaded, run, url)) < 0)
		return err;
	jl_ctx_flags inner = { flags.override_protected, 1,
		               flags.validate_scoped, embedded };
	return jl_ctx_process(result, run, *result, loaded, url, node, inner);
}

static int context_import(const cJSON **context, jl_run *run,
                          const char *base_url)
{
	const cJSON *imp = member(*context, "@import");
	if (!imp)
		return 0;
	if (run->json_ld_10)
		return jl_fail(run, "invalid context entry",
		               "@import needs JSON-LD 1.1");
	if (!cJSON_IsString(imp))
		return jl_fail(run, "invalid @import value",
		               "@import must be a string");
	const char *url = jl_resolve(&run->arena, base_url, imp->valuestring);
	const cJSON *loaded;
	int err = url ? load_context(&loaded, run, url) : CW_ENOMEM;
	if (err < 0)
		return err;
	if (!cJSON_IsObject(loaded))
		return jl_fail(run, "invalid remote context",
		               "the @import context is not an object");
	if (member(loaded, "@import"))
		return jl_fail(run, "invalid context entry",
		               "an imported context cannot @import");
	cJSON *merged = cJSON_Duplicate(loaded, 1);
	const cJSON *item;
	cJSON *bin = run->caching ? jl_cache_garbage() : run->garbage;
	if (!merged || !bin || !cJSON_AddItemToArray(bin, merged))
		return CW_ENOMEM;
	cJSON_ArrayForEach(item, *context)
	{
		cJSON *copy = cJSON_Duplicate(item, 1);
		if (!copy)
			return CW_ENOMEM;
		cJSON_DeleteItemFromObjectCaseSensitive(merged, item->string);
		if (!cJSON_AddItemToObject(merged, item->string, copy))
			return CW_ENOMEM;
	}
	*context = merged;
	return 0;
}

static int context_base(jl_ctx *result, jl_run *run, const cJSON *v)
{
	if (cJSON_IsNull(v)) {
		result->base = NULL;
	} else if (cJSON_IsString(v) && jl_is_absolute_iri(v->valuestring)) {
		result->base = v->valuestring;
	} else if (cJSON_IsString(v) && result->base) {
		result->base =
		        jl_resolve(&run->arena, result->base, v->valuestring);
		if (!result->base)
			return CW_ENOMEM;
	} else if (cJSON_IsString(v) && !v->valuestring[0]) {
		result->base = NULL;
	} else {
		return jl_fail(run, "invalid base IRI",
		               "@base must be an IRI or null");
	}
	return 0;
}

static int context_vocab(jl_ctx *result, jl_run *run, const cJSON *v)
{
	if (cJSON_IsNull(v)) {
		result->vocab = NULL;
		return 0;
	}
	if (!cJSON_IsString(v))
		return jl_fail(run, "invalid vocab mapping",
		               "@vocab must be a string or null");
	const char *iri = v->valuestring;
	int err;
	if (run->json_ld_10 && !is_blank_or_iri(iri))
		return jl_fail(run, "invalid vocab mapping",
		               "@vocab must be an absolute IRI in JSON-LD 1.0");
	if ((err = jl_expand_iri(&iri, run, result, iri, 1, 1, NULL, NULL)) < 0)
		return err;
	if (!iri || (!is_blank_or_iri(iri) && !strchr(iri, ':')))
		return jl_fail(run, "invalid vocab mapping",
		               "@vocab \"%s\" is not an IRI", v->valuestring);
	result->vocab = iri;
	return 0;
}

static int context_language(jl_ctx *result, jl_run *run, const cJSON *def)
{
	const cJSON *v = member(def, "@language");
	int err;
	if (v) {
		if (!cJSON_IsNull(v) && !cJSON_IsString(v))
			return jl_fail(run, "invalid default language",
			               "@language must be a string or null");
		result->language = cJSON_IsString(v) ? v->valuestring : NULL;
	}
	if ((v = member(def, "@direction"))) {
		if (run->json_ld_10)
			return jl_fail(run, "invalid context entry",
			               "@direction needs JSON-LD 1.1");
		if ((err = parse_direction(run, v, &result->direction)) < 0)
			return err;
	}
	if ((v = member(def, "@propagate")) && run->json_ld_10)
		return jl_fail(run, "invalid context entry",
		               "@propagate needs JSON-LD 1.1");
	if ((v = member(def, "@protected")) && !cJSON_IsBool(v))
		return jl_fail(run, "invalid @protected value",
		               "@protected must be true or false");
	return 0;
}

static int context_version(jl_run *run, const cJSON *def)
{
	const cJSON *v = member(def, "@version");
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble != 1.1)
		return jl_fail(run, "invalid @version value",
		               "@version must be 1.1");
	if (run->json_ld_10)
		return jl_fail(run, "processing mode conflict",
		               "@version 1.1 in JSON-LD 1.0 mode");
	return 0;
}

static int is_context_keyword(const char *key)
{
	static const char *const keys[] = { "@base",      "@direction",
		                            "@import",    "@language",
		                            "@propagate", "@protected",
		                            "@version",   "@vocab" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

static int process_definition(jl_ctx *result, jl_run *run, const cJSON *context,
                              const char *base_url, const jl_remote *remote,
                              jl_ctx_flags flags)
{
	int err;
	const cJSON *v;
	result->cache_id = NULL;
	if ((err = context_version(run, context)) < 0 ||
	    (err = context_import(&context, run, base_url)) < 0)
		return err;
	if (!remote && (v = member(context, "@base")) &&
	    (err = context_base(result, run, v)) < 0)
		return err;
	if ((v = member(context, "@vocab")) &&
	    (err = context_vocab(result, run, v)) < 0)
		return err;
	if ((err = context_language(result, run, context)) < 0)
		return err;
	jl_defined *defined =
	        defined_new(&run->arena, (size_t)cJSON_GetArraySize(context));
	if (!defined)
		return CW_ENOMEM;
	defined->base_url = base_url;
	defined->remote = remote;
	defined->protected_ = cJSON_IsTrue(member(context, "@protected"));
	defined->override = flags.override_protected;
	const cJSON *item;
	cJSON_ArrayForEach(item, context)
	{
		if (is_context_keyword(item->string))
			continue;
		if ((err = create_term(run, result, context, item->string,
		                       defined)) < 0)
			return err;
	}
	return 0;
}

static int process_null(jl_ctx **result, jl_run *run, const jl_ctx *active,
                        jl_ctx_flags flags)
{
	if (!flags.override_protected && (*result)->has_protected) {
		const jl_terms *t = (*result)->terms;
		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i].term && t->slots[i].term->protected_)
				return jl_fail(run,
				               "invalid context nullification",
				               "a context with protected terms "
				               "cannot be set to null");
	}
	jl_ctx *fresh = jl_ctx_new(run, active->original_base);
	if (!fresh)
		return CW_ENOMEM;
	if (!flags.propagate) {
		fresh->previous = *result;
		fresh->cache_id = NULL;
	}
	*result = fresh;
	return 0;
}

static int process_item(jl_ctx **result, jl_run *run, const jl_ctx *active,
                        const cJSON *item, const char *base_url,
                        const jl_remote **remote, jl_ctx_flags flags)
{
	if (cJSON_IsNull(item))
		return process_null(result, run, active, flags);
	if (cJSON_IsString(item))
		return process_remote(result, run, item->valuestring, base_url,
		                      remote, flags);
	if (!cJSON_IsObject(item))
		return jl_fail(run, "invalid local context",
		               "a context must be an object, a string or null");
	return process_definition(*result, run, item, base_url, *remote, flags);
}

int jl_ctx_process(jl_ctx **out, jl_run *run, const jl_ctx *active,
                   const cJSON *local, const char *base_url,
                   const jl_remote *remote, jl_ctx_flags flags)
{
	int used = 0;
	int err = jl_cache_process(out, run, active, local, base_url, flags,
	                           &used);
	if (err < 0 || used)
		return err;
	return jl_ctx_process_uncached(out, run, active, local, base_url,
	                               remote, flags);
}

int jl_ctx_process_uncached(jl_ctx **out, jl_run *run, const jl_ctx *active,
                            const cJSON *local, const char *base_url,
                            const jl_remote *remote, jl_ctx_flags flags)
{
	int err;
	jl_ctx *result = ctx_copy(run, active);
	if (!result)
		return CW_ENOMEM;
	if (cJSON_IsObject(local)) {
		const cJSON *p = member(local, "@propagate");
		if (p && !cJSON_IsBool(p))
			return jl_fail(run, "invalid @propagate value",
			               "@propagate must be true or false");
		if (p)
			flags.propagate = cJSON_IsTrue(p);
	}
	if (!flags.propagate && !result->previous) {
		result->previous = active;
		result->cache_id = NULL;
	}
	if (cJSON_IsArray(local)) {
		const cJSON *item;
		cJSON_ArrayForEach(item, local)
		{
			if ((err = process_item(&result, run, active, item,
			                        base_url, &remote, flags)) < 0)
				return err;
		}
	} else if ((err = process_item(&result, run, active, local, base_url,
	                               &remote, flags)) < 0) {
		return err;
	}
	*out = result;
	return 0;
}
