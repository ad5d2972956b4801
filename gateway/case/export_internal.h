/* What the CASE export writers share (export.c, export_lms.c,
 * export_json.c): the item tree built from isChildOf, and text helpers.
 * Not an interface outside gateway/case. */
#ifndef CW_CASE_EXPORT_INTERNAL_H
#define CW_CASE_EXPORT_INTERNAL_H

#include "util/buf.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define CW_CASE_NO_NODE SIZE_MAX

typedef struct {
	const cJSON *object; /* the CFItem; the CFDocument for node 0 */
	const char *id;
	const char *code; /* humanCodingScheme, or NULL */
	size_t parent;    /* node index; node 0 (the document) has none */
	size_t depth;     /* 0 for the document, 1 for its children */
	size_t children;  /* in the tree */
	size_t row;       /* position in the written order (document: 0) */
	int orphan;       /* no parent in the package: put under the root */
	int has_seq;
	long long seq; /* the sequenceNumber of its isChildOf */
} cw_case_node;

typedef struct {
	size_t child, parent;
} cw_case_edge;

typedef struct {
	const cJSON *root;
	cw_case_node *nodes; /* [0] the document, then the items */
	size_t count;
	size_t *order; /* item nodes, parents before children */
	size_t order_count;
	size_t max_depth;
	/* isChildOf beyond each item's first, both ends in the tree, sorted by
	 * child */
	cw_case_edge *extra;
	size_t extra_count;
	struct cw_case_index_entry {
		const char *id;
		size_t node;
	} * index; /* sorted by id */
} cw_case_tree;

/** Builds the tree of the package root; 0 or CW_ENOMEM. */
int cw_case_tree_build(cw_case_tree *out, const cJSON *root);
void cw_case_tree_dispose(cw_case_tree *tree);
/** The edges of child in edges sorted by child: the first, and how many
 *  in *n. */
const cw_case_edge *cw_case_edges_of(const cw_case_edge *edges, size_t count,
                                     size_t child, size_t *n);
/** Sorts edges by child, then parent. */
void cw_case_edges_sort(cw_case_edge *edges, size_t count);

/** The node of an identifier, or CW_CASE_NO_NODE. */
size_t cw_case_tree_find(const cw_case_tree *tree, const char *id);

/** The first max_chars characters of s (UTF-8, never cut inside a
 *  character) into out, which holds n bytes. */
void cw_case_cut(char *out, size_t n, const char *s, size_t max_chars);

/** A short name: humanCodingScheme, else abbreviatedStatement, else the
 *  first line of fullStatement, cut to max_chars characters. */
void cw_case_label(char *out, size_t n, const cJSON *item, size_t max_chars);

/** A number as JSON writes it: whole numbers without a fraction. */
int cw_case_put_number(cw_buf *out, double d);

/** The string member name of object, or "" when absent. */
const char *cw_case_text(const cJSON *object, const char *name);

/* Each LMS writer; rows counts the rows below the header. */
int cw_case_export_canvas(cw_buf *out, size_t *rows, const cw_case_tree *t);
int cw_case_export_moodle(cw_buf *out, size_t *rows, const cw_case_tree *t);
int cw_case_export_powerschool(cw_buf *out, size_t *rows,
                               const cw_case_tree *t);
int cw_case_export_schoology(cw_buf *out, size_t *rows, const cw_case_tree *t);
int cw_case_export_ob3(cw_buf *out, size_t *rows, const cw_case_tree *t);

#endif
