/* CASE exports: the item tree every format walks, the shared text helpers
 * and the dispatch by format; see export.h. The writers are in
 * export_lms.c, export_json.c and sheet.c. */
#include "case/export.h"

#include "case/export_internal.h"
#include "case/sheet.h"
#include "case/write.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const format_names[CW_CASE_EXPORT_FORMAT_COUNT] = {
	"canvas", "moodle",    "powerschool",     "schoology",
	"csv",    "case-json", "ob3-achievements"
};

int cw_case_export_format_of(cw_case_export_format *out, const char *name)
{
	for (int f = 0; f < CW_CASE_EXPORT_FORMAT_COUNT; f++)
		if (strcmp(format_names[f], name) == 0) {
			*out = (cw_case_export_format)f;
			return 0;
		}
	cw_error_set("unknown export format \"%s\"", name);
	return CW_EINVAL;
}

const char *cw_case_export_format_name(cw_case_export_format format)
{
	if (format < 0 || format >= CW_CASE_EXPORT_FORMAT_COUNT)
		return "?";
	return format_names[format];
}

/* ---- text helpers ---------------------------------------------------------
 */

const char *cw_case_text(const cJSON *object, const char *name)
{
	const char *s = cw_json_string(object, name);

	return s ? s : "";
}

void cw_case_cut(char *out, size_t n, const char *s, size_t max_chars)
{
	size_t i = 0, chars = 0;

	while (s[i] && chars < max_chars) {
		size_t len = 1;

		while ((s[i + len] & 0xC0) == 0x80)
			len++;
		if (i + len >= n)
			break;
		i += len;
		chars++;
	}
	memcpy(out, s, i);
	out[i] = '\0';
}

void cw_case_label(char *out, size_t n, const cJSON *item, size_t max_chars)
{
	const char *code = cw_case_text(item, "humanCodingScheme");
	const char *abbreviated = cw_case_text(item, "abbreviatedStatement");
	const char *full = cw_case_text(item, "fullStatement");
	size_t line;

	if (*code) {
		cw_case_cut(out, n, code, max_chars);
		return;
	}
	if (*abbreviated) {
		cw_case_cut(out, n, abbreviated, max_chars);
		return;
	}
	/* The first line of the statement (Markdown may run on). */
	line = strcspn(full, "\r\n");
	cw_case_cut(out, n < line + 1 ? n : line + 1, full, max_chars);
	if (!*out)
		cw_case_cut(out, n, cw_case_text(item, "identifier"),
		            max_chars);
}

int cw_case_put_number(cw_buf *out, double d)
{
	char text[40];

	if (!isfinite(d))
		return cw_buf_puts(out, "0");
	if (d == (double)(long long)d && fabs(d) < 9007199254740992.0)
		return cw_buf_printf(out, "%lld", (long long)d);
	/* The shortest text that reads back as d. */
	for (int precision = 1; precision <= 17; precision++) {
		snprintf(text, sizeof(text), "%.*g", precision, d);
		if (strtod(text, NULL) == d)
			break;
	}
	return cw_buf_puts(out, text);
}

/* ---- the tree -------------------------------------------------------------
 */

static int by_id(const void *a, const void *b)
{
	const struct cw_case_index_entry *x = a, *y = b;

	return strcmp(x->id, y->id);
}

size_t cw_case_tree_find(const cw_case_tree *tree, const char *id)
{
	struct cw_case_index_entry key = { id, 0 }, *hit;

	if (!id || tree->count < 2)
		return CW_CASE_NO_NODE;
	hit = bsearch(&key, tree->index, tree->count - 1, sizeof(key), by_id);
	return hit ? hit->node : CW_CASE_NO_NODE;
}

static size_t end_node(const cw_case_tree *t, const cJSON *association,
                       const char *end)
{
	const char *id = cw_json_string(
	        cJSON_GetObjectItemCaseSensitive(association, end),
	        "identifier");
	const char *doc = cw_json_string(
	        cJSON_GetObjectItemCaseSensitive(t->root, "CFDocument"),
	        "identifier");

	if (id && doc && strcmp(id, doc) == 0)
		return 0;
	return cw_case_tree_find(t, id);
}

static int add_extra(cw_case_tree *t, size_t *alloc, size_t child,
                     size_t parent)
{
	if (t->extra_count == *alloc) {
		size_t want = *alloc ? *alloc * 2 : 64;
		cw_case_edge *grown =
		        cw_realloc(t->extra, want * sizeof(*grown));

		if (!grown)
			return CW_ENOMEM;
		t->extra = grown;
		*alloc = want;
	}
	t->extra[t->extra_count++] = (cw_case_edge){ child, parent };
	return 0;
}

/* Each item's parent is the destination of its FIRST isChildOf (in the
 * package's order) that ends in the package: a deterministic choice for
 * items with several parents (formats with one parent column need one).
 * The others are kept as extra edges. */
static int pick_parents(cw_case_tree *t)
{
	const cJSON *a;
	size_t alloc = 0;
	int err = 0;

	cJSON_ArrayForEach(
	        a, cJSON_GetObjectItemCaseSensitive(t->root, "CFAssociations"))
	{
		const cJSON *seq =
		        cJSON_GetObjectItemCaseSensitive(a, "sequenceNumber");
		size_t child, parent;
		cw_case_node *n;

		if (strcmp(cw_case_text(a, "associationType"), "isChildOf"))
			continue;
		child = end_node(t, a, "originNodeURI");
		parent = end_node(t, a, "destinationNodeURI");
		if (child == CW_CASE_NO_NODE || child == 0 ||
		    parent == CW_CASE_NO_NODE || parent == child)
			continue;
		n = &t->nodes[child];
		if (!n->orphan) {
			if ((err = add_extra(t, &alloc, child, parent)) < 0)
				return err;
			continue;
		}
		n->orphan = 0;
		n->parent = parent;
		n->has_seq = cJSON_IsNumber(seq);
		n->seq = n->has_seq ? (long long)seq->valuedouble : 0;
	}
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Codes in natural order: runs of digits by their value, so 1.2 comes
 * before 1.10; codes equal that way fall back to byte order. */
static int code_compare(const char *a, const char *b)
{
	const char *x = a, *y = b;

	while (*x && *y) {
		if (is_digit(*x) && is_digit(*y)) {
			size_t nx, ny;
			int c;

			while (*x == '0' && is_digit(x[1]))
				x++;
			while (*y == '0' && is_digit(y[1]))
				y++;
			for (nx = 0; is_digit(x[nx]); nx++)
				;
			for (ny = 0; is_digit(y[ny]); ny++)
				;
			if (nx != ny)
				return nx < ny ? -1 : 1;
			if ((c = strncmp(x, y, nx)) != 0)
				return c;
			x += nx;
			y += ny;
			continue;
		}
		if (*x != *y)
			return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
		x++;
		y++;
	}
	if (*x || *y)
		return *x ? 1 : -1;
	return strcmp(a, b);
}

/* Siblings: sequenceNumber (those without last), then humanCodingScheme
 * (natural order, those without last), then identifier. Items under the
 * document come before the items with no parent in the package. */
static int sibling_order(const void *a, const void *b)
{
	const cw_case_node *x = *(const cw_case_node *const *)a;
	const cw_case_node *y = *(const cw_case_node *const *)b;
	int c;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (x->orphan != y->orphan)
		return x->orphan - y->orphan;
	if (x->has_seq != y->has_seq)
		return y->has_seq - x->has_seq;
	if (x->has_seq && x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	if (!x->code != !y->code)
		return x->code ? -1 : 1;
	if (x->code && (c = code_compare(x->code, y->code)) != 0)
		return c;
	return strcmp(x->id, y->id);
}

typedef struct {
	size_t *kids;  /* item nodes sorted by (parent, sibling order) */
	size_t *first; /* per node: where its kids start in kids */
	size_t *stack;
	unsigned char *seen;
} walk;

/* Preorder from node start: each node before its children. */
static void visit(cw_case_tree *t, walk *w, size_t start)
{
	size_t top = 0;

	w->stack[top++] = start;
	while (top > 0) {
		size_t n = w->stack[--top], k;

		if (n != 0) {
			if (w->seen[n])
				continue;
			w->seen[n] = 1;
			t->nodes[n].depth =
			        t->nodes[t->nodes[n].parent].depth + 1;
			if (t->nodes[n].depth > t->max_depth)
				t->max_depth = t->nodes[n].depth;
			t->nodes[n].row = ++t->order_count;
			t->order[t->order_count - 1] = n;
		}
		for (k = w->first[n] + t->nodes[n].children; k > w->first[n];
		     k--)
			if (!w->seen[w->kids[k - 1]])
				w->stack[top++] = w->kids[k - 1];
	}
}

static int order_nodes(cw_case_tree *t)
{
	size_t items = t->count - 1;
	walk w = { cw_calloc(items + 1, sizeof(size_t)),
		   cw_calloc(t->count, sizeof(size_t)),
		   cw_calloc(t->count + 1, sizeof(size_t)),
		   cw_calloc(t->count, 1) };
	cw_case_node **sorted = cw_calloc(items + 1, sizeof(*sorted));
	int err = 0;

	if (!w.kids || !w.first || !w.stack || !w.seen || !sorted) {
		err = CW_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < items; i++)
		sorted[i] = &t->nodes[i + 1];
	qsort(sorted, items, sizeof(*sorted), sibling_order);
	for (size_t i = 0; i < items; i++)
		w.kids[i] = (size_t)(sorted[i] - t->nodes);
	for (size_t i = items; i > 0; i--) {
		size_t parent = t->nodes[w.kids[i - 1]].parent;

		w.first[parent] = i - 1;
		t->nodes[parent].children++;
	}
	visit(t, &w, 0);
	/* A parent cycle is out of the document's reach: under the root. */
	for (size_t i = 0; i < items; i++)
		if (!w.seen[w.kids[i]]) {
			t->nodes[w.kids[i]].parent = 0;
			t->nodes[w.kids[i]].orphan = 1;
			visit(t, &w, w.kids[i]);
		}
out:
	cw_free(sorted);
	cw_free(w.kids);
	cw_free(w.first);
	cw_free(w.stack);
	cw_free(w.seen);
	return err;
}

static int by_child(const void *a, const void *b)
{
	const cw_case_edge *x = a, *y = b;

	if (x->child != y->child)
		return x->child < y->child ? -1 : 1;
	return x->parent < y->parent ? -1 : x->parent > y->parent;
}

static int add_nodes(cw_case_tree *t)
{
	const cJSON *items =
	        cJSON_GetObjectItemCaseSensitive(t->root, "CFItems");
	const cJSON *item;
	size_t n = (size_t)cJSON_GetArraySize(items);

	t->nodes = cw_calloc(n + 1, sizeof(*t->nodes));
	t->index = cw_calloc(n + 1, sizeof(*t->index));
	t->order = cw_calloc(n + 1, sizeof(*t->order));
	if (!t->nodes || !t->index || !t->order)
		return CW_ENOMEM;
	t->nodes[0].object =
	        cJSON_GetObjectItemCaseSensitive(t->root, "CFDocument");
	t->nodes[0].id = cw_case_text(t->nodes[0].object, "identifier");
	t->count = 1;
	cJSON_ArrayForEach(item, items)
	{
		cw_case_node *node = &t->nodes[t->count];
		const char *code = cw_json_string(item, "humanCodingScheme");

		node->object = item;
		node->id = cw_case_text(item, "identifier");
		node->code = code && *code ? code : NULL;
		node->orphan = 1;
		t->index[t->count - 1].id = node->id;
		t->index[t->count - 1].node = t->count;
		t->count++;
	}
	qsort(t->index, t->count - 1, sizeof(*t->index), by_id);
	return 0;
}

void cw_case_edges_sort(cw_case_edge *edges, size_t count)
{
	if (count)
		qsort(edges, count, sizeof(*edges), by_child);
}

const cw_case_edge *cw_case_edges_of(const cw_case_edge *edges, size_t count,
                                     size_t child, size_t *n)
{
	size_t low = 0, high = count;

	while (low < high) {
		size_t mid = low + (high - low) / 2;

		if (edges[mid].child < child)
			low = mid + 1;
		else
			high = mid;
	}
	for (*n = 0; low + *n < count && edges[low + *n].child == child;)
		(*n)++;
	return edges + low;
}

int cw_case_tree_build(cw_case_tree *out, const cJSON *root)
{
	int err;

	memset(out, 0, sizeof(*out));
	out->root = root;
	if ((err = add_nodes(out)) < 0 || (err = pick_parents(out)) < 0 ||
	    (err = order_nodes(out)) < 0) {
		cw_case_tree_dispose(out);
		return err;
	}
	cw_case_edges_sort(out->extra, out->extra_count);
	return 0;
}

void cw_case_tree_dispose(cw_case_tree *tree)
{
	cw_free(tree->nodes);
	cw_free(tree->index);
	cw_free(tree->order);
	cw_free(tree->extra);
	memset(tree, 0, sizeof(*tree));
}

/* ---- dispatch -------------------------------------------------------------
 */

static size_t item_count(const cJSON *root)
{
	return (size_t)cJSON_GetArraySize(
	        cJSON_GetObjectItemCaseSensitive(root, "CFItems"));
}

int cw_case_export(cw_buf *out, size_t *rows, const cJSON *root,
                   cw_case_export_format format)
{
	cw_case_tree tree;
	int err;

	*rows = 0;
	if (format == CW_CASE_EXPORT_CSV)
		return cw_case_sheet_write(out, rows, root);
	if (format == CW_CASE_EXPORT_CASE_JSON) {
		*rows = item_count(root);
		return cw_case_write_package(out, root, CW_CASE_V1P1);
	}
	if ((err = cw_case_tree_build(&tree, root)) < 0)
		return err;
	switch (format) {
	case CW_CASE_EXPORT_CANVAS:
		err = cw_case_export_canvas(out, rows, &tree);
		break;
	case CW_CASE_EXPORT_MOODLE:
		err = cw_case_export_moodle(out, rows, &tree);
		break;
	case CW_CASE_EXPORT_POWERSCHOOL:
		err = cw_case_export_powerschool(out, rows, &tree);
		break;
	case CW_CASE_EXPORT_SCHOOLOGY:
		err = cw_case_export_schoology(out, rows, &tree);
		break;
	case CW_CASE_EXPORT_OB3:
		err = cw_case_export_ob3(out, rows, &tree);
		break;
	default: err = CW_EINVAL; break;
	}
	cw_case_tree_dispose(&tree);
	return err ? err : out->error;
}
