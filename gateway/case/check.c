/* Package-wide checks over the normalised tree (see check.h). Identifiers
 * are gathered once into a sorted array: duplicates are neighbours, and the
 * association ends and item types are binary searches. */
#include "case/check.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *id;
	const cJSON *object;
	cw_case_kind kind;
	uint32_t seq;        /* order of appearance */
	uint32_t pointer_at; /* into the pointer text */
} entry;

typedef struct {
	cw_case_report_ctx r;
	entry *entries;
	size_t count, alloc;
	cw_buf pointers; /* NUL-terminated pointers of the entries */
} gathered;

static int add(gathered *g, const cJSON *o, cw_case_kind kind,
               const char *pointer)
{
	const char *id = cJSON_GetStringValue(
	        cJSON_GetObjectItemCaseSensitive(o, "identifier"));

	if (!id)
		return 0; /* reported when it was read */
	if (g->count == g->alloc) {
		size_t want = g->alloc ? g->alloc * 2 : 1024;
		void *grown = cw_realloc(g->entries, want * sizeof(entry));

		if (!grown)
			return CW_ENOMEM;
		g->entries = grown;
		g->alloc = want;
	}
	g->entries[g->count] = (entry){ id, o, kind, (uint32_t)g->count,
		                        (uint32_t)g->pointers.len };
	g->count++;
	return cw_buf_put(&g->pointers, pointer, strlen(pointer) + 1);
}

static int add_list(gathered *g, const cJSON *list, cw_case_kind kind,
                    const char *pointer)
{
	const cJSON *e;
	size_t i = 0;
	int err = 0;

	cJSON_ArrayForEach(e, list)
	{
		char at[CW_CASE_POINTER_MAX];

		snprintf(at, sizeof(at), "%.400s/%zu", pointer, i++);
		if ((err = add(g, e, kind, at)) < 0)
			return err;
		if (kind == CW_CASE_RUBRIC ||
		    kind == CW_CASE_RUBRIC_CRITERION) {
			const char *sub = kind == CW_CASE_RUBRIC
			                          ? "CFRubricCriteria"
			                          : "CFRubricCriterionLevels";
			char below[CW_CASE_POINTER_MAX];

			snprintf(below, sizeof(below), "%.400s/%s", at, sub);
			err = add_list(g,
			               cJSON_GetObjectItemCaseSensitive(e, sub),
			               kind + 1, below);
			if (err < 0)
				return err;
		}
	}
	return 0;
}

static int gather(gathered *g, const cJSON *root)
{
	const cJSON *defs =
	        cJSON_GetObjectItemCaseSensitive(root, "CFDefinitions");
	int err = add(g, cJSON_GetObjectItemCaseSensitive(root, "CFDocument"),
	              CW_CASE_DOCUMENT, "/CFDocument");

	if (err == 0)
		err = add_list(
		        g, cJSON_GetObjectItemCaseSensitive(root, "CFItems"),
		        CW_CASE_ITEM, "/CFItems");
	if (err == 0)
		err = add_list(g,
		               cJSON_GetObjectItemCaseSensitive(
		                       root, "CFAssociations"),
		               CW_CASE_ASSOCIATION, "/CFAssociations");
	for (size_t i = 0; err == 0 && i < 5; i++) {
		const cw_case_class *c =
		        cw_case_class_of(cw_case_definition_kinds[i]);
		char at[CW_CASE_POINTER_MAX];

		snprintf(at, sizeof(at), "/CFDefinitions/%s", c->collection);
		err = add_list(
		        g,
		        cJSON_GetObjectItemCaseSensitive(defs, c->collection),
		        c->kind, at);
	}
	if (err == 0)
		err = add_list(
		        g, cJSON_GetObjectItemCaseSensitive(root, "CFRubrics"),
		        CW_CASE_RUBRIC, "/CFRubrics");
	return err;
}

static int by_id(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *pointer_of(const gathered *g, const entry *e)
{
	return g->pointers.data + e->pointer_at;
}

/* The first entry with identifier id (of kind, or any when NONE). */
static const entry *find(const gathered *g, const char *id, cw_case_kind kind)
{
	size_t lo = 0, hi = g->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(g->entries[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < g->count && strcmp(g->entries[lo].id, id) == 0; lo++)
		if (kind == CW_CASE_NONE || g->entries[lo].kind == kind)
			return &g->entries[lo];
	return NULL;
}

static void check_duplicates(gathered *g)
{
	for (size_t i = 1; i < g->count; i++) {
		const entry *a = &g->entries[i - 1], *b = &g->entries[i];

		char at[CW_CASE_POINTER_MAX];

		if (strcmp(a->id, b->id) != 0)
			continue;
		snprintf(at, sizeof(at), "%.400s/identifier", pointer_of(g, b));
		cw_case_report(
		        &g->r, at, CW_CASE_ERROR, "case.identifier.duplicate",
		        "identifier %s is also at %s", b->id, pointer_of(g, a));
	}
}

/* ---- associations -------------------------------------------------------- */

/* The package's node (document or item) an end names, or NULL. */
static const entry *node(const gathered *g, const char *id)
{
	const entry *e = find(g, id, CW_CASE_ITEM);

	return e ? e : find(g, id, CW_CASE_DOCUMENT);
}

static const char *end_id(const cJSON *a, const char *end)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetObjectItemCaseSensitive(a, end), "identifier"));
}

static int known(const gathered *g, const char *id)
{
	const cw_case_read_options *o = g->r.options;

	return o && o->known && o->known(id, o->known_payload);
}

static void check_ends(gathered *g, const entry *a)
{
	const char *type = cJSON_GetStringValue(
	        cJSON_GetObjectItemCaseSensitive(a->object, "associationType"));
	const char *origin = end_id(a->object, "originNodeURI");
	const char *destination = end_id(a->object, "destinationNodeURI");
	int child = type && strcmp(type, "isChildOf") == 0;
	int in_origin, in_destination;
	char at[CW_CASE_POINTER_MAX];

	if (!origin || !destination)
		return; /* reported when read */
	in_origin = node(g, origin) != NULL;
	in_destination = node(g, destination) != NULL;
	if (child && !find(g, origin, CW_CASE_ITEM)) {
		snprintf(at, sizeof(at), "%.400s/originNodeURI/identifier",
		         pointer_of(g, a));
		cw_case_report(&g->r, at, CW_CASE_ERROR,
		               "case.association.dangling",
		               "isChildOf from %s, which is no CFItem of the "
		               "package",
		               origin);
	} else if (child && !in_destination && !known(g, destination)) {
		snprintf(at, sizeof(at), "%.400s/destinationNodeURI/identifier",
		         pointer_of(g, a));
		cw_case_report(&g->r, at, CW_CASE_ERROR,
		               "case.association.dangling",
		               "isChildOf %s, which is neither in the package "
		               "nor known",
		               destination);
	} else if (!in_origin && !in_destination && !known(g, origin) &&
	           !known(g, destination)) {
		cw_case_report(
		        &g->r, pointer_of(g, a), CW_CASE_ERROR,
		        "case.association.dangling",
		        "neither end (%s, %s) is in the package or known",
		        origin, destination);
	}
}

/* isChildOf edges between the package's nodes: a cycle is an error. The
 * graph is walked depth first without recursion (frameworks are deep). */
typedef struct {
	uint32_t *first;   /* per node: its edges start (CSR), count + 1 */
	uint32_t *to;      /* edge targets */
	const entry **via; /* the association of each edge */
} graph;

static size_t node_index(const gathered *g, const entry *e)
{
	return (size_t)(e - g->entries);
}

static int build_graph(gathered *g, graph *gr, size_t *edges)
{
	size_t n = 0;

	gr->first = cw_calloc(g->count + 1, sizeof(uint32_t));
	if (!gr->first)
		return CW_ENOMEM;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < g->count; i++) {
			const entry *a = &g->entries[i];
			const char *type = cJSON_GetStringValue(
			        cJSON_GetObjectItemCaseSensitive(
			                a->object, "associationType"));
			const char *o = end_id(a->object, "originNodeURI");
			const char *d = end_id(a->object, "destinationNodeURI");
			const entry *from, *to;

			if (a->kind != CW_CASE_ASSOCIATION || !type ||
			    strcmp(type, "isChildOf") || !o || !d ||
			    !(from = node(g, o)) || !(to = node(g, d)))
				continue;
			if (pass == 0) {
				gr->first[node_index(g, from) + 1]++;
				continue;
			}
			n = gr->first[node_index(g, from)]++;
			gr->to[n] = (uint32_t)node_index(g, to);
			gr->via[n] = a;
		}
		if (pass == 0) {
			for (size_t i = 0; i < g->count; i++)
				gr->first[i + 1] += gr->first[i];
			*edges = gr->first[g->count];
			gr->to = cw_malloc((*edges + 1) * sizeof(uint32_t));
			gr->via = cw_malloc((*edges + 1) * sizeof(entry *));
			if (!gr->to || !gr->via)
				return CW_ENOMEM;
		}
	}
	/* The fill moved each start to the next node's: shift back. */
	memmove(gr->first + 1, gr->first, g->count * sizeof(uint32_t));
	gr->first[0] = 0;
	return 0;
}

static int check_cycles(gathered *g)
{
	graph gr = { NULL, NULL, NULL };
	uint8_t *color = NULL; /* 0 new, 1 on the path, 2 done */
	uint32_t *stack = NULL, *next = NULL;
	size_t edges = 0;
	int err = build_graph(g, &gr, &edges);

	if (err == 0 && !(color = cw_calloc(g->count + 1, 1)))
		err = CW_ENOMEM;
	if (err == 0 && !(stack = cw_malloc((g->count + 1) * sizeof(uint32_t))))
		err = CW_ENOMEM;
	if (err == 0 && !(next = cw_malloc((g->count + 1) * sizeof(uint32_t))))
		err = CW_ENOMEM;
	for (size_t s = 0; err == 0 && s < g->count; s++) {
		size_t depth = 0;

		if (color[s])
			continue;
		stack[depth++] = (uint32_t)s;
		color[s] = 1;
		next[s] = gr.first[s];
		while (depth) {
			uint32_t v = stack[depth - 1];

			if (next[v] == gr.first[v + 1]) {
				color[v] = 2;
				depth--;
				continue;
			}
			{
				uint32_t k = next[v]++, w = gr.to[k];

				if (color[w] == 1)
					cw_case_report(
					        &g->r, pointer_of(g, gr.via[k]),
					        CW_CASE_ERROR, "case.cycle",
					        "isChildOf cycle: %s is its "
					        "own "
					        "ancestor",
					        g->entries[w].id);
				if (color[w] == 0) {
					color[w] = 1;
					next[w] = gr.first[w];
					stack[depth++] = w;
				}
			}
		}
	}
	cw_free(gr.first);
	cw_free(gr.to);
	cw_free(gr.via);
	cw_free(color);
	cw_free(stack);
	cw_free(next);
	return err;
}

/* If an item has both, CFItemType must be the title of its CFItemTypeURI
 * (the CFItemType in CFDefinitions when the package has it). */
static void check_item_type(gathered *g, const entry *e)
{
	const cJSON *type =
	        cJSON_GetObjectItemCaseSensitive(e->object, "CFItemType");
	const cJSON *link =
	        cJSON_GetObjectItemCaseSensitive(e->object, "CFItemTypeURI");
	const char *id = end_id(e->object, "CFItemTypeURI");
	const entry *def = id ? find(g, id, CW_CASE_ITEM_TYPE) : NULL;
	const char *title =
	        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	                def ? def->object : link, "title"));
	char at[CW_CASE_POINTER_MAX];

	if (!cJSON_IsString(type) || !title ||
	    strcmp(type->valuestring, title) == 0)
		return;
	snprintf(at, sizeof(at), "%.400s/CFItemType", pointer_of(g, e));
	cw_case_report(&g->r, at, CW_CASE_ERROR, "case.itemtype.mismatch",
	               "\"%.80s\" differs from the title of its CFItemTypeURI "
	               "(\"%.80s\")",
	               type->valuestring, title);
}

int cw_case_check(cw_case_package *package, const cw_case_read_options *options)
{
	gathered g = {
		{ options, package }, NULL, 0, 0, CW_BUF_INIT((size_t)1 << 30)
	};
	int err = gather(&g, package->root);

	if (err == 0 && g.pointers.error)
		err = g.pointers.error;
	if (err == 0) {
		if (g.count) /* qsort(NULL, 0) is undefined */
			qsort(g.entries, g.count, sizeof(entry), by_id);
		check_duplicates(&g);
		for (size_t i = 0; i < g.count; i++) {
			if (g.entries[i].kind == CW_CASE_ASSOCIATION)
				check_ends(&g, &g.entries[i]);
			else if (g.entries[i].kind == CW_CASE_ITEM)
				check_item_type(&g, &g.entries[i]);
		}
		err = check_cycles(&g);
	}
	cw_free(g.entries);
	cw_buf_dispose(&g.pointers);
	return err;
}
