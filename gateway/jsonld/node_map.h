/* JSON-LD 1.1 Node Map Generation (flattening §7.2) over expanded cJSON, with
 * the blank node identifier generator that relabels every blank node. */
#ifndef CW_JSONLD_NODE_MAP_H
#define CW_JSONLD_NODE_MAP_H

#include "jsonld/jsonld.h"

#include <cjson/cJSON.h>
#include <stddef.h>

typedef enum {
	CW_NODE_MAP_VALUE, /* a value object */
	CW_NODE_MAP_REF,   /* a node reference {"@id": id} */
	CW_NODE_MAP_LIST   /* a list object */
} cw_node_map_kind;

typedef struct cw_node_map_item cw_node_map_item;

typedef struct {
	cw_node_map_item **items;
	size_t count, alloc;
} cw_node_map_items;

struct cw_node_map_item {
	cw_node_map_kind kind;
	const cJSON *value; /* VALUE: the value object, borrowed */
	const char *type;   /* VALUE: its @type, blank nodes relabelled */
	const char *id;     /* REF */
	cw_node_map_items list;
};

typedef struct {
	const char *name;
	cw_node_map_items values;
} cw_node_map_property;

typedef struct {
	const char *id;
	size_t serial; /* unique in the map, for keyed lookups */
	const char **types;
	size_t type_count, type_alloc;
	const char *index; /* @index, or NULL */
	cw_node_map_property *properties;
	size_t property_count, property_alloc;
} cw_node_map_node;

typedef struct {
	const char *name; /* "@default", an IRI or a blank node identifier */
	size_t serial;
	cw_node_map_node **nodes;
	size_t count, alloc;
} cw_node_map_graph;

typedef struct cw_node_map cw_node_map;

/**
 * Runs Node Map Generation over expanded (an array or one node object).
 * The map borrows strings from expanded, which must outlive it.
 * where and the thread's message say what was wrong on CW_EINVAL (input
 * that is not expanded JSON-LD; code "conflicting indexes"); CW_ETOOBIG
 * past max_work items or the nesting limit. where may be NULL.
 */
int cw_jsonld_node_map_build(cw_node_map **out, const cJSON *expanded,
                             size_t max_work, cw_jsonld_error *where);
void cw_jsonld_node_map_free(cw_node_map *map);

/** The graphs, in the order they were created. */
cw_node_map_graph *const *cw_jsonld_node_map_graphs(const cw_node_map *map,
                                                    size_t *count);

/** A fresh blank node identifier ("_:bN", owned by map) in *out. */
int cw_jsonld_node_map_blank(cw_node_map *map, const char **out);

/** Fills where (may be NULL) and the thread's message; returns err. */
int cw_jsonld_node_map_fail(cw_jsonld_error *where, int err, const char *code,
                            const char *pointer, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

#endif
