/* JSON-LD 1.1 Node Map Generation over expanded cJSON: graphs of nodes of
 * properties, blank nodes relabelled _:b0, _:b1 … in the order met. */
#include "jsonld/node_map.h"

#include "jsonld/jcs.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strset.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Expanded form wraps each object in an array and lists add a level, so
 * allow four levels per level of nesting the expander accepts. */
#define MAX_DEPTH (4 * CW_LIMIT_JSONLD_DEPTH)
#define KEY_MAX   (64L << 20)

struct cw_node_map {
	cw_node_map_graph **graphs;
	size_t graph_count, graph_alloc;
	cw_strset *keys; /* graphs, nodes, properties, values, blank labels */
	char **strings;  /* every string the map owns */
	size_t string_count, string_alloc;
	const char **blanks; /* the issued labels, by number */
	size_t blank_count, blank_alloc;
	size_t serial, work, max_work;
	cw_jsonld_error *where;
	cw_buf key;
	cw_buf item_text; /* add_unique's scratch */
};

/* Where in the input: a chain up to the root, for JSON pointers. */
typedef struct path {
	const struct path *up;
	const char *key; /* NULL: index */
	size_t index;
} path;

typedef struct {
	cw_node_map_graph *graph;
	cw_node_map_node *subject; /* NULL: none, or a reverse relationship */
	const char *reverse_id;    /* the active subject map's @id */
	const char *property;
	cw_node_map_items *list;
} active;

static int generate(cw_node_map *m, const cJSON *element, const active *a,
                    const path *at, size_t depth);

/* Grows the array *array_ptr (of size-byte elements) to hold one more;
 * the pointer goes through memcpy since its type varies. */
static int reserve(void *array_ptr, size_t *alloc, size_t count, size_t size)
{
	size_t n = *alloc ? *alloc * 2 : 4;
	void *array, *grown;

	if (count < *alloc)
		return 0;
	memcpy(&array, array_ptr, sizeof(array));
	if (!(grown = cw_realloc(array, n * size)))
		return CW_ENOMEM;
	memcpy(array_ptr, &grown, sizeof(grown));
	*alloc = n;
	return 0;
}

/* A JSON pointer segment: '~' as "~0", '/' as "~1". */
static void put_segment(cw_buf *out, const path *p)
{
	cw_buf_putc(out, '/');
	if (!p->key) {
		cw_buf_printf(out, "%zu", p->index);
		return;
	}
	for (const char *c = p->key; *c; c++)
		if (*c == '~')
			cw_buf_puts(out, "~0");
		else if (*c == '/')
			cw_buf_puts(out, "~1");
		else
			cw_buf_putc(out, *c);
}

/* The pointer to at, cut to fit out. */
static void pointer_of(const path *at, char *out, size_t size)
{
	const path *chain[MAX_DEPTH + 8];
	cw_buf text = CW_BUF_INIT(4096);
	size_t n = 0;

	for (const path *p = at; p && n < MAX_DEPTH + 8; p = p->up)
		chain[n++] = p;
	while (n-- > 0)
		put_segment(&text, chain[n]);
	snprintf(out, size, "%s", cw_buf_cstr(&text));
	cw_buf_dispose(&text);
}

int cw_jsonld_node_map_fail(cw_jsonld_error *where, int err, const char *code,
                            const char *pointer, const char *fmt, ...)
{
	char message[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (where) {
		snprintf(where->code, sizeof(where->code), "%s", code);
		snprintf(where->pointer, sizeof(where->pointer), "%s",
		         pointer ? pointer : "");
		snprintf(where->message, sizeof(where->message), "%s", message);
	}
	if (pointer && *pointer)
		cw_error_set("%s at %s", message, pointer);
	else
		cw_error_set("%s", message);
	return err;
}

/* Fails with CW_EINVAL at `at`: the input is not expanded JSON-LD. */
static int invalid(cw_node_map *m, const path *at, const char *code,
                   const char *what)
{
	char pointer[256];

	pointer_of(at, pointer, sizeof(pointer));
	return cw_jsonld_node_map_fail(m->where, CW_EINVAL, code, pointer,
	                               "not expanded JSON-LD: %s", what);
}

static const char *keep(cw_node_map *m, const char *s, size_t len)
{
	char *copy;

	if (reserve(&m->strings, &m->string_alloc, m->string_count,
	            sizeof(char *)) < 0 ||
	    !(copy = cw_strndup(s, len)))
		return NULL;
	m->strings[m->string_count++] = copy;
	return copy;
}

/* Looks up tag+serial+name(+extra) and adds it with value when absent:
 * 1 added, 0 present (its value in *found), or an error. */
static int lookup(cw_node_map *m, char tag, size_t serial, const char *name,
                  const char *extra, size_t extra_len, uint32_t value,
                  uint32_t *found)
{
	char digits[24];
	size_t n = sizeof(digits);
	do /* tag and serial without printf: this is the hot path */
		digits[--n] = (char)('0' + serial % 10);
	while ((serial /= 10) && n > 1);
	digits[--n] = tag;
	cw_buf_clear(&m->key);
	cw_buf_put(&m->key, digits + n, sizeof(digits) - n);
	cw_buf_put(&m->key, "", 1);
	cw_buf_puts(&m->key, name);
	if (extra) {
		cw_buf_put(&m->key, "", 1);
		cw_buf_put(&m->key, extra, extra_len);
	}
	if (m->key.error)
		return m->key.error;
	return cw_strset_put(m->keys, m->key.data, m->key.len, value, found);
}

static int fresh_blank(cw_node_map *m, const char **out)
{
	char label[32];
	const char *kept;

	snprintf(label, sizeof(label), "_:b%zu", m->blank_count);
	if (reserve(&m->blanks, &m->blank_alloc, m->blank_count,
	            sizeof(char *)) < 0 ||
	    !(kept = keep(m, label, strlen(label))))
		return CW_ENOMEM;
	m->blanks[m->blank_count++] = kept;
	*out = kept;
	return 0;
}

int cw_jsonld_node_map_blank(cw_node_map *map, const char **out)
{
	return fresh_blank(map, out);
}

/* Generate Blank Node Identifier: the same label for the same old one. */
static int relabel(cw_node_map *m, const char *old, const char **out)
{
	uint32_t found = 0;
	int added = lookup(m, 'b', 0, old, NULL, 0, (uint32_t)m->blank_count,
	                   &found);

	if (added < 0)
		return added;
	if (added)
		return fresh_blank(m, out);
	*out = m->blanks[found];
	return 0;
}

static int is_blank(const char *s)
{
	return s[0] == '_' && s[1] == ':';
}

/* s relabelled when it is a blank node identifier, else kept as is. */
static int identifier(cw_node_map *m, const char *s, const char **out)
{
	if (is_blank(s))
		return relabel(m, s, out);
	*out = s; /* borrowed from the expanded document */
	return 0;
}

static int graph_get(cw_node_map *m, const char *name, cw_node_map_graph **out)
{
	uint32_t found = 0;
	cw_node_map_graph *g;
	int added = lookup(m, 'g', 0, name, NULL, 0, (uint32_t)m->graph_count,
	                   &found);

	if (added <= 0) {
		*out = added == 0 ? m->graphs[found] : NULL;
		return added;
	}
	if (reserve(&m->graphs, &m->graph_alloc, m->graph_count,
	            sizeof(*m->graphs)) < 0 ||
	    !(g = cw_calloc(1, sizeof(*g))))
		return CW_ENOMEM;
	m->graphs[m->graph_count++] = g;
	g->serial = m->serial++;
	if (!(g->name = name)) /* borrowed */
		return CW_ENOMEM;
	*out = g;
	return 0;
}

static int node_get(cw_node_map *m, cw_node_map_graph *g, const char *id,
                    cw_node_map_node **out)
{
	uint32_t found = 0;
	cw_node_map_node *node;
	int added = lookup(m, 'n', g->serial, id, NULL, 0, (uint32_t)g->count,
	                   &found);

	if (added <= 0) {
		*out = added == 0 ? g->nodes[found] : NULL;
		return added;
	}
	if (reserve(&g->nodes, &g->alloc, g->count, sizeof(*g->nodes)) < 0 ||
	    !(node = cw_calloc(1, sizeof(*node))))
		return CW_ENOMEM;
	g->nodes[g->count++] = node;
	node->id = id;
	node->serial = m->serial++;
	*out = node;
	return 0;
}

/* The property entry of node named name, created empty when absent. A
 * node has few properties: up to LINEAR_PROPERTIES they are compared one by
 * one; past that they are keyed (the earlier ones too, once). */
#define LINEAR_PROPERTIES 16

static int property_keyed(cw_node_map *m, cw_node_map_node *node,
                          const char *name, uint32_t value, uint32_t *found)
{
	int err = 0;
	uint32_t ignored;
	for (size_t i = 0; node->property_count == LINEAR_PROPERTIES &&
	                   i < LINEAR_PROPERTIES && err >= 0;
	     i++)
		err = lookup(m, 'p', node->serial, node->properties[i].name,
		             NULL, 0, (uint32_t)i, &ignored);
	return err < 0 ? err
	               : lookup(m, 'p', node->serial, name, NULL, 0, value,
	                        found);
}

static int property_get(cw_node_map *m, cw_node_map_node *node,
                        const char *name, cw_node_map_items **out)
{
	uint32_t found = 0;
	const char *kept;
	int added = 1;

	if (node->property_count < LINEAR_PROPERTIES) {
		for (size_t i = 0; i < node->property_count && added; i++)
			if (strcmp(node->properties[i].name, name) == 0)
				added = 0, found = (uint32_t)i;
	} else {
		added = property_keyed(m, node, name,
		                       (uint32_t)node->property_count, &found);
	}
	if (added < 0)
		return added;
	if (added == 0) {
		*out = &node->properties[found].values;
		return 0;
	}
	if (reserve(&node->properties, &node->property_alloc,
	            node->property_count, sizeof(*node->properties)) < 0 ||
	    !(kept = name)) /* borrowed: the expanded document's or ours */
		return CW_ENOMEM;
	node->properties[node->property_count] =
	        (cw_node_map_property){ kept, { NULL, 0, 0 } };
	*out = &node->properties[node->property_count++].values;
	return 0;
}

static void item_free(cw_node_map_item *item)
{
	if (!item)
		return;
	for (size_t i = 0; i < item->list.count; i++)
		item_free(item->list.items[i]);
	cw_free(item->list.items);
	cw_free(item);
}

/* Appends item (taken, freed on failure). */
static int items_push(cw_node_map_items *items, cw_node_map_item *item)
{
	if (reserve(&items->items, &items->alloc, items->count,
	            sizeof(*items->items)) < 0) {
		item_free(item);
		return CW_ENOMEM;
	}
	items->items[items->count++] = item;
	return 0;
}

static cw_node_map_item *item_new(cw_node_map_kind kind)
{
	cw_node_map_item *item = cw_calloc(1, sizeof(*item));

	if (item)
		item->kind = kind;
	return item;
}

/* The text two equal items share: the reference's id, or the canonical
 * JSON of the value object (relabelling is one-to-one, so the original
 * @type serves). */
static int item_key(cw_buf *out, const cw_node_map_item *item)
{
	cw_buf_clear(out);
	if (item->kind == CW_NODE_MAP_REF) {
		cw_buf_putc(out, 'r');
		return cw_buf_puts(out, item->id);
	}
	cw_buf_putc(out, 'v');
	return cw_jcs_write(out, item->value);
}

/* Exact JSON equality (numbers by value, objects by their members in any
 * order): what two JCS texts being equal means, without writing them. */
static int json_same(const cJSON *a, const cJSON *b)
{
	if ((a->type & 0xFF) != (b->type & 0xFF))
		return 0;
	if (cJSON_IsString(a))
		return strcmp(a->valuestring, b->valuestring) == 0;
	if (cJSON_IsNumber(a))
		return a->valuedouble == b->valuedouble;
	if (!cJSON_IsArray(a) && !cJSON_IsObject(a))
		return 1; /* null, true, false */
	if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
		return 0;
	const cJSON *x, *y = b->child;
	cJSON_ArrayForEach(x, a)
	{
		const cJSON *peer = cJSON_IsArray(a)
		                            ? y
		                            : cJSON_GetObjectItemCaseSensitive(
		                                      b, x->string);
		if (!peer || !json_same(x, peer))
			return 0;
		y = y ? y->next : NULL;
	}
	return 1;
}

static int item_same(const cw_node_map_item *a, const cw_node_map_item *b)
{
	if (a->kind != b->kind || a->kind == CW_NODE_MAP_LIST)
		return 0;
	if (a->kind == CW_NODE_MAP_REF)
		return strcmp(a->id, b->id) == 0;
	return json_same(a->value, b->value);
}

/* Records item's key for the keyed check; 1 when an equal one was there. */
static int item_seen(cw_node_map *m, const cw_node_map_node *node,
                     const char *property, const cw_node_map_item *item)
{
	uint32_t found;
	int err = item_key(&m->item_text, item);
	if (err < 0)
		return err;
	err = lookup(m, 'd', node->serial, property, m->item_text.data,
	             m->item_text.len, 0, &found);
	return err < 0 ? err : !err;
}

/* Few values (the usual case): compare with each; past LINEAR_MAX, keyed
 * lookups, after the values so far are keyed too. */
#define LINEAR_MAX 32

/* Adds item (taken) to node's property unless an equal item is there. */
static int add_unique(cw_node_map *m, cw_node_map_node *node,
                      const char *property, cw_node_map_item *item)
{
	cw_node_map_items *values = NULL;
	int err = property_get(m, node, property, &values), seen = 0;

	if (err == 0 && values->count < LINEAR_MAX) {
		for (size_t i = 0; i < values->count && !seen; i++)
			seen = item_same(values->items[i], item);
	} else if (err == 0) {
		for (size_t i = 0;
		     values->count == LINEAR_MAX && i < LINEAR_MAX && err >= 0;
		     i++)
			err = item_seen(m, node, property, values->items[i]);
		if (err >= 0)
			err = seen = item_seen(m, node, property, item);
	}
	if (err < 0 || seen) {
		item_free(item);
		return err < 0 ? err : 0;
	}
	return items_push(values, item);
}

/* Puts item where the active subject, property and list say. */
static int place(cw_node_map *m, const active *a, cw_node_map_item *item,
                 int unique)
{
	cw_node_map_items *values = NULL;
	int err;

	if (a->list)
		return items_push(a->list, item);
	if (!a->subject || !a->property) {
		item_free(item); /* free-floating: expansion drops these */
		return 0;
	}
	if (unique)
		return add_unique(m, a->subject, a->property, item);
	if ((err = property_get(m, a->subject, a->property, &values)) < 0) {
		item_free(item);
		return err;
	}
	return items_push(values, item);
}

static const cJSON *get(const cJSON *object, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(object, key);
}

static int check_value(cw_node_map *m, const cJSON *element, const path *at)
{
	const cJSON *member, *value = NULL, *type = NULL;

	cJSON_ArrayForEach(member, element)
	{
		const char *k = member->string;

		if (strcmp(k, "@value") == 0)
			value = member;
		else if (strcmp(k, "@type") == 0)
			type = member;
		else if (strcmp(k, "@language") != 0 &&
		         strcmp(k, "@direction") != 0 &&
		         strcmp(k, "@index") != 0)
			return invalid(m, at, "invalid value object",
			               "a value object member other than "
			               "@value, @type, @language, @direction, "
			               "@index");
		else if (!cJSON_IsString(member))
			return invalid(m, at, "invalid value object",
			               "@language, @direction and @index of a "
			               "value object must be strings");
	}
	if ((member = get(element, "@direction")) &&
	    strcmp(member->valuestring, "ltr") != 0 &&
	    strcmp(member->valuestring, "rtl") != 0)
		return invalid(m, at, "invalid base direction",
		               "@direction must be \"ltr\" or \"rtl\"");
	if (type && !cJSON_IsString(type))
		return invalid(m, at, "invalid typed value",
		               "@type of a value object must be a string");
	if (type && strcmp(type->valuestring, "@json") == 0)
		return 0;
	if (!cJSON_IsString(value) && !cJSON_IsBool(value) &&
	    !(cJSON_IsNumber(value) && isfinite(value->valuedouble)))
		return invalid(
		        m, at, "invalid value object value",
		        "@value must be a string, finite number or boolean");
	if (type && cJSON_GetObjectItemCaseSensitive(element, "@language"))
		return invalid(m, at, "invalid value object",
		               "a value object with both @type and @language");
	return 0;
}

static int generate_value(cw_node_map *m, const cJSON *element, const active *a,
                          const path *at)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(element, "@type");
	cw_node_map_item *item = NULL;
	int err;

	if ((err = check_value(m, element, at)) < 0)
		return err;
	if (a->reverse_id)
		return invalid(m, at, "invalid reverse property value",
		               "a value object under @reverse");
	if (!(item = item_new(CW_NODE_MAP_VALUE)))
		return CW_ENOMEM;
	item->value = element;
	if (type && (err = identifier(m, type->valuestring, &item->type)) < 0) {
		item_free(item);
		return err;
	}
	return place(m, a, item, 1);
}

static int generate_list(cw_node_map *m, const cJSON *element, const active *a,
                         const path *at, size_t depth)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(element, "@list");
	path here = { at, "@list", 0 };
	cw_node_map_item *result;
	active inner = *a;
	int err;

	if (!cJSON_IsArray(list))
		return invalid(m, at, "invalid set or list object",
		               "@list must be an array");
	if (a->reverse_id)
		return invalid(m, at, "invalid reverse property value",
		               "a list object under @reverse");
	if (!(result = item_new(CW_NODE_MAP_LIST)))
		return CW_ENOMEM;
	inner.list = &result->list;
	if ((err = generate(m, list, &inner, &here, depth + 1)) < 0) {
		item_free(result);
		return err;
	}
	return place(m, a, result, 0);
}

/* Step 3: blank node types get their labels before the node's @id. */
static int relabel_types(cw_node_map *m, const cJSON *types, const path *at)
{
	const cJSON *type;
	const char *ignored;
	int err;

	if (!types)
		return 0;
	if (cJSON_IsString(types))
		return is_blank(types->valuestring)
		               ? relabel(m, types->valuestring, &ignored)
		               : 0;
	if (!cJSON_IsArray(types))
		return invalid(m, at, "invalid type value",
		               "@type must be an array of strings");
	cJSON_ArrayForEach(type, types)
	{
		if (!cJSON_IsString(type))
			return invalid(m, at, "invalid type value",
			               "@type must be an array of strings");
		if (is_blank(type->valuestring) &&
		    (err = relabel(m, type->valuestring, &ignored)) < 0)
			return err;
	}
	return 0;
}

static int add_type(cw_node_map *m, cw_node_map_node *node, const char *raw)
{
	const char *type = NULL;
	uint32_t found;
	int err;

	if ((err = identifier(m, raw, &type)) < 0 ||
	    (err = lookup(m, 't', node->serial, type, NULL, 0, 0, &found)) <= 0)
		return err;
	if (reserve(&node->types, &node->type_alloc, node->type_count,
	            sizeof(*node->types)) < 0)
		return CW_ENOMEM;
	node->types[node->type_count++] = type;
	return 0;
}

static int add_types(cw_node_map *m, cw_node_map_node *node, const cJSON *types)
{
	const cJSON *type;
	int err;

	if (cJSON_IsString(types))
		return add_type(m, node, types->valuestring);
	cJSON_ArrayForEach(type, types)
	{
		if ((err = add_type(m, node, type->valuestring)) < 0)
			return err;
	}
	return 0;
}

static int set_index(cw_node_map *m, cw_node_map_node *node, const cJSON *index,
                     const path *at)
{
	if (!index)
		return 0;
	if (!cJSON_IsString(index))
		return invalid(m, at, "invalid @index value",
		               "@index must be a string");
	if (node->index && strcmp(node->index, index->valuestring) != 0) {
		char pointer[256];

		pointer_of(at, pointer, sizeof(pointer));
		return cw_jsonld_node_map_fail(
		        m->where, CW_EINVAL, "conflicting indexes", pointer,
		        "node %s has two @index values", node->id);
	}
	node->index = index->valuestring; /* borrowed */
	return node->index ? 0 : CW_ENOMEM;
}

/* Steps 6.1-6.6: the node's id, its entry, and the link to it. */
static int node_enter(cw_node_map *m, const cJSON *element, const active *a,
                      const path *at, cw_node_map_node **out)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(element, "@id");
	cw_node_map_item *link = NULL;
	const char *name = NULL;
	int err;

	if (id && !cJSON_IsString(id))
		return invalid(m, at, "invalid @id value",
		               "@id must be a string");
	if ((err = id ? identifier(m, id->valuestring, &name)
	              : fresh_blank(m, &name)) < 0 ||
	    (err = node_get(m, a->graph, name, out)) < 0)
		return err;
	if (!a->reverse_id && !a->property)
		return 0;
	if (!(link = item_new(CW_NODE_MAP_REF)))
		return CW_ENOMEM;
	if (a->reverse_id) {
		link->id = a->reverse_id;
		return add_unique(m, *out, a->property, link);
	}
	link->id = name;
	return place(m, a, link, 1);
}

static int generate_reverse(cw_node_map *m, const cJSON *reverse,
                            const active *a, const path *at, size_t depth)
{
	const cJSON *member;
	int err;

	if (!cJSON_IsObject(reverse))
		return invalid(m, at, "invalid @reverse value",
		               "@reverse must be an object");
	cJSON_ArrayForEach(member, reverse)
	{
		path here = { at, member->string, 0 };
		active inner = *a;

		/* The algorithm keeps a blank reverse property as it is;
		 * relabelled, it cannot clash with an issued label. */
		if ((err = identifier(m, member->string, &inner.property)) <
		            0 ||
		    (err = generate(m, member, &inner, &here, depth + 1)) < 0)
			return err;
	}
	return 0;
}

static int compare_names(const void *x, const void *y)
{
	return strcmp((*(const cJSON *const *)x)->string,
	              (*(const cJSON *const *)y)->string);
}

/* Step 6.12: the properties, ordered by name. */
static int generate_properties(cw_node_map *m, const cJSON *element,
                               const active *a, const path *at, size_t depth)
{
	const cJSON **members = NULL, *member;
	size_t count = 0;
	int err = 0;

	cJSON_ArrayForEach(member, element) count++;
	if (count && !(members = cw_malloc(count * sizeof(*members))))
		return CW_ENOMEM;
	count = 0;
	cJSON_ArrayForEach(member, element)
	{
		if (member->string[0] != '@')
			members[count++] = member;
	}
	if (count > 1)
		qsort(members, count, sizeof(*members), compare_names);
	for (size_t i = 0; i < count && err == 0; i++) {
		path here = { at, members[i]->string, 0 };
		active inner = *a;
		cw_node_map_items *ignored;

		if ((err = identifier(m, members[i]->string, &inner.property)) <
		            0 ||
		    (err = property_get(m, a->subject, inner.property,
		                        &ignored)) < 0)
			break;
		err = generate(m, members[i], &inner, &here, depth + 1);
	}
	cw_free(members);
	return err;
}

static int generate_node(cw_node_map *m, const cJSON *element, const active *a,
                         const path *at, size_t depth)
{
	const cJSON *types = get(element, "@type"), *graph;
	path graph_at = { at, "@graph", 0 }, reverse_at = { at, "@reverse", 0 },
	     included_at = { at, "@included", 0 };
	active inner = { a->graph, NULL, NULL, NULL, NULL };
	cw_node_map_node *node = NULL;
	int err;

	/* jsonld.js leaves "@id": null where an IRI expanded to nothing. */
	if (cJSON_IsNull(get(element, "@id")))
		return 0;
	if ((err = relabel_types(m, types, at)) < 0 ||
	    (err = node_enter(m, element, a, at, &node)) < 0 ||
	    (types && (err = add_types(m, node, types)) < 0) ||
	    (err = set_index(m, node, get(element, "@index"), at)) < 0)
		return err;
	if (get(element, "@reverse")) {
		active reverse = { a->graph, NULL, node->id, NULL, NULL };

		if ((err = generate_reverse(m, get(element, "@reverse"),
		                            &reverse, &reverse_at, depth)) < 0)
			return err;
	}
	if ((graph = get(element, "@graph"))) {
		active nested = { NULL, NULL, NULL, NULL, NULL };

		if ((err = graph_get(m, node->id, &nested.graph)) < 0 ||
		    (err = generate(m, graph, &nested, &graph_at, depth + 1)) <
		            0)
			return err;
	}
	if (get(element, "@included") &&
	    (err = generate(m, get(element, "@included"), &inner, &included_at,
	                    depth + 1)) < 0)
		return err;
	inner.subject = node;
	return generate_properties(m, element, &inner, at, depth);
}

static int generate_array(cw_node_map *m, const cJSON *array, const active *a,
                          const path *at, size_t depth)
{
	const cJSON *item;
	size_t i = 0;
	int err;

	cJSON_ArrayForEach(item, array)
	{
		path here = { at, NULL, i++ };

		if ((err = generate(m, item, a, &here, depth + 1)) < 0)
			return err;
	}
	return 0;
}

static int generate(cw_node_map *m, const cJSON *element, const active *a,
                    const path *at, size_t depth)
{
	if (depth > MAX_DEPTH || ++m->work > m->max_work) {
		char pointer[256];

		pointer_of(at, pointer, sizeof(pointer));
		return cw_jsonld_node_map_fail(
		        m->where, CW_ETOOBIG, "", pointer, "%s",
		        depth > MAX_DEPTH ? "nested too deeply"
		                          : "too many nodes and values");
	}
	if (cJSON_IsArray(element))
		return generate_array(m, element, a, at, depth);
	if (!cJSON_IsObject(element))
		return invalid(m, at, "invalid JSON-LD syntax",
		               "an item that is not an object");
	if (get(element, "@value"))
		return generate_value(m, element, a, at);
	if (get(element, "@list"))
		return generate_list(m, element, a, at, depth);
	if (get(element, "@set"))
		return invalid(m, at, "invalid set or list object",
		               "@set in expanded input");
	return generate_node(m, element, a, at, depth);
}

int cw_jsonld_node_map_build(cw_node_map **out, const cJSON *expanded,
                             size_t max_work, cw_jsonld_error *where)
{
	cw_node_map *m = cw_calloc(1, sizeof(*m));
	active top = { NULL, NULL, NULL, NULL, NULL };
	int err;

	*out = NULL;
	if (!m)
		return CW_ENOMEM;
	m->key = (cw_buf)CW_BUF_INIT(KEY_MAX);
	m->item_text = (cw_buf)CW_BUF_INIT(KEY_MAX);
	m->max_work = max_work ? max_work : CW_LIMIT_JSONLD_WORK;
	m->where = where;
	if ((err = cw_strset_new(&m->keys)) < 0 ||
	    (err = graph_get(m, "@default", &top.graph)) < 0 ||
	    (err = generate(m, expanded, &top, NULL, 0)) < 0) {
		cw_jsonld_node_map_free(m);
		return err;
	}
	m->where = NULL;
	*out = m;
	return 0;
}

cw_node_map_graph *const *cw_jsonld_node_map_graphs(const cw_node_map *map,
                                                    size_t *count)
{
	*count = map->graph_count;
	return map->graphs;
}

static void node_free(cw_node_map_node *node)
{
	for (size_t i = 0; i < node->property_count; i++) {
		cw_node_map_items *v = &node->properties[i].values;

		for (size_t j = 0; j < v->count; j++)
			item_free(v->items[j]);
		cw_free(v->items);
	}
	cw_free(node->properties);
	cw_free(node->types);
	cw_free(node);
}

void cw_jsonld_node_map_free(cw_node_map *map)
{
	if (!map)
		return;
	for (size_t g = 0; g < map->graph_count; g++) {
		for (size_t n = 0; n < map->graphs[g]->count; n++)
			node_free(map->graphs[g]->nodes[n]);
		cw_free(map->graphs[g]->nodes);
		cw_free(map->graphs[g]);
	}
	for (size_t i = 0; i < map->string_count; i++)
		cw_free(map->strings[i]);
	cw_free(map->graphs);
	cw_free(map->strings);
	cw_free(map->blanks);
	cw_strset_free(map->keys);
	cw_buf_dispose(&map->key);
	cw_buf_dispose(&map->item_text);
	cw_free(map);
}
