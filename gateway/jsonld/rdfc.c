/* RDFC-1.0 (W3C RDF Dataset Canonicalization): first-degree hashes, the
 * N-degree hashing with permutations and recursion, the c14n issuer. */
#include "jsonld/rdfc.h"

#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/limits.h"
#include "util/strset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE    SIZE_MAX
#define HEX_MAX (2 * CW_SHA384_LEN + 1)
#define POS_S   0
#define POS_O   1
#define POS_G   2

/* Blank nodes in the order an issuer issued them ("b0", "b1" …). */
typedef struct {
	size_t *nodes;
	size_t count, alloc;
} issuer;

typedef struct {
	const char *p;
	size_t len;
	size_t index; /* what the line was made from */
} span;

typedef struct {
	const cw_rdf_dataset *ds;
	cw_rdfc_options opt;
	size_t *quads; /* indices of distinct quads in ds */
	size_t quad_count;
	size_t (*qnodes)[3]; /* per ds quad: blank node of s, o, g or NONE */
	const cw_rdf_term **node_term; /* per blank node: its first term */
	size_t node_count;
	size_t *node_quads_at; /* node_quads_at[n] .. [n + 1] in node_quads */
	size_t *node_quads;
	char (*first_hash)[HEX_MAX];
	size_t *canon; /* per blank node: canonical number or NONE */
	issuer canon_issuer;
	size_t work, depth;
} state;

static int digest_hex(const state *st, char out[HEX_MAX], const void *data,
                      size_t len)
{
	unsigned char md[CW_SHA384_LEN];
	int err;

	if (st->opt.hash == CW_RDFC_SHA384) {
		if ((err = cw_sha384(md, data, len)) < 0)
			return err;
		cw_hex_encode(out, md, CW_SHA384_LEN);
	} else {
		if ((err = cw_sha256(md, data, len)) < 0)
			return err;
		cw_hex_encode(out, md, CW_SHA256_LEN);
	}
	return 0;
}

static void issuer_dispose(issuer *is)
{
	cw_free(is->nodes);
	memset(is, 0, sizeof(*is));
}

static size_t issuer_find(const issuer *is, size_t node)
{
	for (size_t i = 0; i < is->count; i++)
		if (is->nodes[i] == node)
			return i;
	return NONE;
}

static int issuer_append(issuer *is, size_t node, size_t *number);

/* The node's number in is, issuing the next one when it has none. */
static int issuer_issue(issuer *is, size_t node, size_t *number)
{
	size_t found = issuer_find(is, node);

	if (found != NONE) {
		*number = found;
		return 0;
	}
	return issuer_append(is, node, number);
}

/* Issues the next number to node, which has none yet. */
static int issuer_append(issuer *is, size_t node, size_t *number)
{
	if (is->count == is->alloc) {
		size_t alloc = is->alloc ? is->alloc * 2 : 8;
		size_t *grown = cw_realloc(is->nodes, alloc * sizeof(*grown));

		if (!grown)
			return CW_ENOMEM;
		is->nodes = grown;
		is->alloc = alloc;
	}
	is->nodes[is->count] = node;
	*number = is->count++;
	return 0;
}

static int issuer_copy(issuer *to, const issuer *from)
{
	to->count = to->alloc = 0;
	to->nodes = NULL;
	if (!from->count)
		return 0;
	if (!(to->nodes = cw_malloc(from->count * sizeof(*to->nodes))))
		return CW_ENOMEM;
	memcpy(to->nodes, from->nodes, from->count * sizeof(*to->nodes));
	to->count = to->alloc = from->count;
	return 0;
}

/* A blank node in a serialized quad: canonical label when ref is NONE,
 * else "_:a" for ref itself and "_:z" for the others (first degree). */
static int put_node(const state *st, cw_buf *b, const cw_rdf_term *t,
                    size_t node, size_t ref)
{
	if (node == NONE)
		return cw_nquads_write_term(b, t);
	if (ref != NONE)
		return cw_buf_puts(b, node == ref ? "_:a" : "_:z");
	char label[32];
	size_t n = sizeof(label), number = st->canon[node];
	do /* "_:c14n" + number, without printf: every quad has one or two */
		label[--n] = (char)('0' + number % 10);
	while ((number /= 10) && n > 7);
	n -= 6;
	memcpy(label + n, "_:c14n", 6);
	return cw_buf_put(b, label + n, sizeof(label) - n);
}

static int put_quad(const state *st, cw_buf *b, size_t qi, size_t ref)
{
	const cw_rdf_quad *q = &st->ds->quads[qi];
	const size_t *n = st->qnodes[qi];

	put_node(st, b, &q->subject, n[POS_S], ref);
	cw_buf_putc(b, ' ');
	cw_nquads_write_term(b, &q->predicate);
	cw_buf_putc(b, ' ');
	put_node(st, b, &q->object, n[POS_O], ref);
	if (q->graph.kind != CW_RDF_DEFAULT_GRAPH) {
		cw_buf_putc(b, ' ');
		put_node(st, b, &q->graph, n[POS_G], ref);
	}
	return cw_buf_puts(b, " .\n");
}

static void make_spans(span *spans, const cw_buf *text, const size_t *ends,
                       size_t count);

static int compare_spans(const void *a, const void *b)
{
	const span *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);

	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Lines of the given quads (ref as in put_node), sorted in code point
 * order (bytewise for UTF-8) and joined into out. */
static int sorted_lines(const state *st, cw_buf *out, const size_t *quads,
                        size_t count, size_t ref)
{
	cw_buf lines = CW_BUF_INIT(st->opt.max_output);
	size_t *ends = cw_malloc((count ? count : 1) * sizeof(*ends));
	span *spans = cw_malloc((count ? count : 1) * sizeof(*spans));
	int err = ends && spans ? 0 : CW_ENOMEM;

	for (size_t i = 0; err == 0 && i < count; i++) {
		err = put_quad(st, &lines, quads[i], ref);
		ends[i] = lines.len;
	}
	if (err == 0) {
		make_spans(spans, &lines, ends, count);
		if (count > 1)
			qsort(spans, count, sizeof(*spans), compare_spans);
	}
	for (size_t i = 0; err == 0 && i < count; i++)
		err = cw_buf_put(out, spans[i].p, spans[i].len);
	if (err == CW_ETOOBIG)
		cw_error_set("canonical N-Quads over %zu bytes",
		             st->opt.max_output);
	cw_free(ends);
	cw_free(spans);
	cw_buf_dispose(&lines);
	return err;
}

static int hash_first_degree(state *st, size_t node)
{
	cw_buf joined = CW_BUF_INIT(st->opt.max_output);
	size_t from = st->node_quads_at[node];
	int err = sorted_lines(st, &joined, st->node_quads + from,
	                       st->node_quads_at[node + 1] - from, node);

	if (err == 0)
		err = digest_hex(st, st->first_hash[node],
		                 joined.data ? joined.data : "", joined.len);
	cw_buf_dispose(&joined);
	return err;
}

/* ---- the dataset's blank nodes and distinct quads ---- */

static int index_term(state *st, cw_strset *labels, const cw_rdf_term *t,
                      size_t *node)
{
	uint32_t existing;
	int added;

	*node = NONE;
	if (t->kind != CW_RDF_BLANK)
		return 0;
	added = cw_strset_put(labels, t->value, t->len,
	                      (uint32_t)st->node_count, &existing);
	if (added < 0)
		return added;
	if (added == 0) {
		*node = existing;
		return 0;
	}
	st->node_term[st->node_count] = t;
	*node = st->node_count++;
	return 0;
}

static int index_nodes(state *st)
{
	const cw_rdf_dataset *ds = st->ds;
	cw_strset *labels = NULL;
	int err;

	if ((err = cw_strset_new(&labels)) < 0)
		return err;
	for (size_t i = 0; err == 0 && i < ds->count; i++) {
		const cw_rdf_quad *q = &ds->quads[i];

		if ((err = index_term(st, labels, &q->subject,
		                      &st->qnodes[i][POS_S])) < 0 ||
		    (err = index_term(st, labels, &q->object,
		                      &st->qnodes[i][POS_O])) < 0)
			break;
		err = index_term(st, labels, &q->graph, &st->qnodes[i][POS_G]);
	}
	cw_strset_free(labels);
	return err;
}

static int compare_sizes(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Fills spans from the line ends of text. */
static void make_spans(span *spans, const cw_buf *text, const size_t *ends,
                       size_t count)
{
	for (size_t i = 0; i < count; i++) {
		spans[i].p = text->data + (i ? ends[i - 1] : 0);
		spans[i].len = ends[i] - (i ? ends[i - 1] : 0);
		spans[i].index = i;
	}
}

/* The indices of the distinct quads, in input order: a dataset is a set,
 * so quads with the same line (input labels) count once. */
static int distinct_quads(state *st)
{
	cw_buf text = CW_BUF_INIT(st->opt.max_output);
	size_t count = st->ds->count, kept = 0;
	span *spans = cw_malloc((count ? count : 1) * sizeof(*spans));
	size_t *ends = cw_malloc((count ? count : 1) * sizeof(*ends));
	int err = spans && ends ? 0 : CW_ENOMEM;

	for (size_t i = 0; err == 0 && i < count; i++) {
		err = cw_nquads_write_quad(&text, &st->ds->quads[i]);
		ends[i] = text.len;
	}
	if (err == 0) {
		make_spans(spans, &text, ends, count);
		if (count > 1)
			qsort(spans, count, sizeof(*spans), compare_spans);
	}
	for (size_t i = 0; err == 0 && i < count; i++)
		if (i == 0 || compare_spans(&spans[i - 1], &spans[i]) != 0)
			st->quads[kept++] = spans[i].index;
	if (err == 0 && kept > 1)
		qsort(st->quads, kept, sizeof(*st->quads), compare_sizes);
	if (err == CW_ETOOBIG)
		cw_error_set("N-Quads over %zu bytes", st->opt.max_output);
	st->quad_count = kept;
	cw_free(spans);
	cw_free(ends);
	cw_buf_dispose(&text);
	return err;
}

/* node_quads: for each blank node, the distinct quads it is in (once per
 * quad), in input order. */
static int index_node_quads(state *st)
{
	size_t total = 0, *fill;

	st->node_quads_at = cw_calloc(st->node_count + 1, sizeof(size_t));
	if (!st->node_quads_at)
		return CW_ENOMEM;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < st->quad_count; k++) {
			const size_t *n = st->qnodes[st->quads[k]];

			for (int i = 0; i < 3; i++) {
				if (n[i] == NONE || (i > 0 && n[0] == n[i]) ||
				    (i == 2 && n[1] == n[2]))
					continue;
				if (pass == 0)
					st->node_quads_at[n[i] + 1]++;
				else
					st->node_quads[fill[n[i]]++] =
					        st->quads[k];
			}
		}
		if (pass == 1)
			break;
		for (size_t b = 0; b < st->node_count; b++)
			st->node_quads_at[b + 1] += st->node_quads_at[b];
		total = st->node_quads_at[st->node_count];
		st->node_quads =
		        cw_malloc((total ? total : 1) * sizeof(size_t));
		fill = cw_malloc((st->node_count ? st->node_count : 1) *
		                 sizeof(size_t));
		if (!st->node_quads || !fill) {
			cw_free(fill);
			return CW_ENOMEM;
		}
		memcpy(fill, st->node_quads_at,
		       st->node_count * sizeof(size_t));
	}
	cw_free(fill);
	return 0;
}

/* ---- Hash Related Blank Node and Hash N-Degree Quads ---- */

typedef struct {
	char hash[HEX_MAX];
	size_t node;
	size_t order; /* keeps equal hashes in the order found */
} related;

static int compare_related(const void *a, const void *b)
{
	const related *x = a, *y = b;
	int c = strcmp(x->hash, y->hash);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int hash_related(const state *st, char out[HEX_MAX], size_t node,
                        size_t qi, const issuer *is, int position)
{
	cw_buf input = CW_BUF_INIT(st->opt.max_output);
	const cw_rdf_term *predicate = &st->ds->quads[qi].predicate;
	size_t number;
	int err;

	cw_buf_putc(&input, "sog"[position]);
	if (position != POS_G) {
		cw_buf_putc(&input, '<');
		cw_buf_put(&input, predicate->value, predicate->len);
		cw_buf_putc(&input, '>');
	}
	if (st->canon[node] != NONE)
		cw_buf_printf(&input, "_:c14n%zu", st->canon[node]);
	else if ((number = issuer_find(is, node)) != NONE)
		cw_buf_printf(&input, "_:b%zu", number);
	else
		cw_buf_puts(&input, st->first_hash[node]);
	err = input.error ? input.error
	                  : digest_hex(st, out, input.data, input.len);
	cw_buf_dispose(&input);
	return err;
}

/* Steps 1-3: the related blank nodes of node with their hashes, sorted. */
static int related_of(const state *st, related **out, size_t *count,
                      size_t node, const issuer *is)
{
	size_t from = st->node_quads_at[node],
	       quads = st->node_quads_at[node + 1] - from, n = 0;
	related *list = cw_malloc((quads ? quads : 1) * 3 * sizeof(*list));
	int err = list ? 0 : CW_ENOMEM;

	for (size_t k = 0; err == 0 && k < quads; k++) {
		size_t qi = st->node_quads[from + k];

		for (int pos = 0; err == 0 && pos < 3; pos++) {
			size_t other = st->qnodes[qi][pos];

			if (other == NONE || other == node)
				continue;
			list[n].node = other;
			list[n].order = n;
			err = hash_related(st, list[n++].hash, other, qi, is,
			                   pos);
		}
	}
	if (err == 0 && n > 1)
		qsort(list, n, sizeof(*list), compare_related);
	if (err < 0) {
		cw_free(list);
		list = NULL;
	}
	*out = list;
	*count = n;
	return err;
}

/* Lexicographic next permutation of perm[0..k); 0 after the last. */
static int next_permutation(size_t *perm, size_t k)
{
	size_t i, j, t;

	if (k < 2)
		return 0;
	for (i = k - 1; i > 0 && perm[i - 1] >= perm[i]; i--)
		;
	if (i == 0)
		return 0;
	for (j = k - 1; perm[j] <= perm[i - 1]; j--)
		;
	t = perm[i - 1], perm[i - 1] = perm[j], perm[j] = t;
	for (j = k - 1; i < j; i++, j--)
		t = perm[i], perm[i] = perm[j], perm[j] = t;
	return 1;
}

/* path > chosen, when chosen is set and path is not shorter. */
static int path_worse(const cw_buf *path, const cw_buf *chosen)
{
	if (!chosen->len || path->len < chosen->len)
		return 0;
	return memcmp(path->data, chosen->data, chosen->len) > 0 ||
	       (memcmp(path->data, chosen->data, chosen->len) == 0 &&
	        path->len > chosen->len);
}

static int hash_n_degree(state *st, char out[HEX_MAX], issuer *is, size_t node);

static int spend(state *st)
{
	if (++st->work <= st->opt.max_work)
		return 0;
	cw_error_set("RDFC-1.0: over the work limit of %zu steps of Hash "
	             "N-Degree Quads (a poison graph?)",
	             st->opt.max_work);
	return CW_ETOOBIG;
}

/* Step 5.4 for one permutation: the path and the issuer it leads to;
 * *skipped when it cannot beat chosen. */
static int try_permutation(state *st, const related *group, const size_t *perm,
                           size_t k, issuer *copy, cw_buf *path,
                           const cw_buf *chosen, int *skipped)
{
	size_t *recursion = cw_malloc(k * sizeof(size_t)), depth = 0, number;
	char hash[HEX_MAX];
	int err = recursion ? 0 : CW_ENOMEM;

	*skipped = 0;
	for (size_t i = 0; err == 0 && i < k && !*skipped; i++) {
		size_t rel = group[perm[i]].node;

		if (st->canon[rel] != NONE) {
			err = cw_buf_printf(path, "_:c14n%zu", st->canon[rel]);
			continue;
		}
		if (issuer_find(copy, rel) == NONE)
			recursion[depth++] = rel;
		if ((err = issuer_issue(copy, rel, &number)) == 0)
			err = cw_buf_printf(path, "_:b%zu", number);
		*skipped = err == 0 && path_worse(path, chosen);
	}
	for (size_t i = 0; err == 0 && i < depth && !*skipped; i++) {
		if ((err = hash_n_degree(st, hash, copy, recursion[i])) < 0)
			break;
		number = issuer_find(copy, recursion[i]);
		err = cw_buf_printf(path, "_:b%zu<%s>", number, hash);
		*skipped = err == 0 && path_worse(path, chosen);
	}
	cw_free(recursion);
	return err;
}

/* Step 5 for one related hash: the chosen path over every permutation of
 * its blank nodes; *is becomes the chosen issuer. */
static int choose_path(state *st, const related *group, size_t k, issuer *is,
                       cw_buf *data)
{
	cw_buf chosen = CW_BUF_INIT(st->opt.max_output),
	       path = CW_BUF_INIT(st->opt.max_output);
	size_t *perm = cw_malloc(k * sizeof(size_t));
	issuer best = { NULL, 0, 0 }, copy = { NULL, 0, 0 };
	int err = perm ? 0 : CW_ENOMEM, skipped, have = 0;

	for (size_t i = 0; i < k && perm; i++)
		perm[i] = i;
	while (err == 0) {
		cw_buf_clear(&path);
		if ((err = spend(st)) < 0 || (err = issuer_copy(&copy, is)) < 0)
			break;
		err = try_permutation(st, group, perm, k, &copy, &path, &chosen,
		                      &skipped);
		if (err == 0 && !skipped &&
		    (!have || compare_spans(&(span){ path.data, path.len, 0 },
		                            &(span){ chosen.data, chosen.len,
		                                     0 }) < 0)) {
			cw_buf_clear(&chosen);
			err = cw_buf_put(&chosen, path.data, path.len);
			issuer_dispose(&best);
			best = copy;
			copy.nodes = NULL;
			have = 1;
		}
		issuer_dispose(&copy);
		if (!next_permutation(perm, k))
			break;
	}
	if (err == 0 &&
	    (err = cw_buf_put(data, chosen.data, chosen.len)) == 0) {
		issuer_dispose(is);
		*is = best;
		best.nodes = NULL;
	}
	issuer_dispose(&best);
	issuer_dispose(&copy);
	cw_free(perm);
	cw_buf_dispose(&path);
	cw_buf_dispose(&chosen);
	return err;
}

/* Hash N-Degree Quads of node with issuer *is, which it replaces with the
 * chosen issuer (the caller passes its own copy). */
static int hash_n_degree(state *st, char out[HEX_MAX], issuer *is, size_t node)
{
	cw_buf data = CW_BUF_INIT(st->opt.max_output);
	related *list = NULL;
	size_t count = 0;
	int err;

	if (++st->depth > st->opt.max_depth) {
		cw_error_set("RDFC-1.0: Hash N-Degree Quads nested deeper "
		             "than %zu",
		             st->opt.max_depth);
		err = CW_ETOOBIG;
		goto out;
	}
	if ((err = spend(st)) < 0 ||
	    (err = related_of(st, &list, &count, node, is)) < 0)
		goto out;
	for (size_t i = 0; i < count;) {
		size_t k = 1;

		while (i + k < count &&
		       strcmp(list[i].hash, list[i + k].hash) == 0)
			k++;
		if ((err = cw_buf_puts(&data, list[i].hash)) < 0 ||
		    (err = choose_path(st, list + i, k, is, &data)) < 0)
			goto out;
		i += k;
	}
	err = digest_hex(st, out, data.data ? data.data : "", data.len);
out:
	st->depth--;
	cw_free(list);
	cw_buf_dispose(&data);
	return err;
}

/* ---- the canonicalization algorithm ---- */

typedef struct {
	char hash[HEX_MAX];
	size_t order;
	issuer is;
} path_result;

static int compare_results(const void *a, const void *b)
{
	const path_result *x = a, *y = b;
	int c = strcmp(x->hash, y->hash);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int issue_canonical(state *st, size_t node)
{
	size_t number;
	int err;

	if (st->canon[node] != NONE)
		return 0;
	/* canon[] already says it has none: no search of the issuer. */
	if ((err = issuer_append(&st->canon_issuer, node, &number)) == 0)
		st->canon[node] = number;
	return err;
}

/* Step 6 for the blank nodes sharing one first-degree hash. */
static int issue_shared(state *st, const related *group, size_t k)
{
	path_result *results = cw_calloc(k, sizeof(*results));
	size_t n = 0, number;
	int err = results ? 0 : CW_ENOMEM;

	for (size_t i = 0; err == 0 && i < k; i++) {
		if (st->canon[group[i].node] != NONE)
			continue;
		results[n].order = n;
		if ((err = issuer_issue(&results[n].is, group[i].node,
		                        &number)) < 0)
			break;
		err = hash_n_degree(st, results[n].hash, &results[n].is,
		                    group[i].node);
		n++;
	}
	if (err == 0 && n > 1)
		qsort(results, n, sizeof(*results), compare_results);
	for (size_t i = 0; err == 0 && i < n; i++)
		for (size_t j = 0; err == 0 && j < results[i].is.count; j++)
			err = issue_canonical(st, results[i].is.nodes[j]);
	for (size_t i = 0; results && i < k; i++)
		issuer_dispose(&results[i].is);
	cw_free(results);
	return err;
}

/* Steps 3-6: first-degree hashes, unique ones issued in hash order, then
 * the shared ones through Hash N-Degree Quads. */
static int issue_all(state *st)
{
	related *by_hash = cw_malloc((st->node_count ? st->node_count : 1) *
	                             sizeof(*by_hash));
	int err = by_hash ? 0 : CW_ENOMEM;

	for (size_t b = 0; err == 0 && b < st->node_count; b++) {
		err = hash_first_degree(st, b);
		memcpy(by_hash[b].hash, st->first_hash[b], HEX_MAX);
		by_hash[b].node = by_hash[b].order = b;
	}
	if (err == 0 && st->node_count > 1)
		qsort(by_hash, st->node_count, sizeof(*by_hash),
		      compare_related);
	for (int pass = 0; pass < 2 && err == 0; pass++) {
		for (size_t i = 0; err == 0 && i < st->node_count;) {
			size_t k = 1;

			while (i + k < st->node_count &&
			       strcmp(by_hash[i].hash, by_hash[i + k].hash) ==
			               0)
				k++;
			if (pass == 0 && k == 1)
				err = issue_canonical(st, by_hash[i].node);
			else if (pass == 1 && k > 1)
				err = issue_shared(st, by_hash + i, k);
			i += k;
		}
	}
	cw_free(by_hash);
	return err;
}

static int make_map(cw_rdfc_result *r, const state *st)
{
	size_t n = st->canon_issuer.count;

	r->map_input = cw_calloc(n ? n : 1, sizeof(char *));
	r->map_canonical = cw_calloc(n ? n : 1, sizeof(char *));
	if (!r->map_input || !r->map_canonical)
		return CW_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const cw_rdf_term *t = st->node_term[st->canon_issuer.nodes[i]];
		char label[32];

		snprintf(label, sizeof(label), "c14n%zu", i);
		r->map_input[i] = cw_strndup(t->value, t->len);
		r->map_canonical[i] = cw_strdup(label);
		r->map_count = i + 1;
		if (!r->map_input[i] || !r->map_canonical[i])
			return CW_ENOMEM;
	}
	return 0;
}

static int state_init(state *st, const cw_rdf_dataset *ds,
                      const cw_rdfc_options *options)
{
	size_t count = ds->count ? ds->count : 1, nodes = 3 * count;

	memset(st, 0, sizeof(*st));
	st->ds = ds;
	if (options)
		st->opt = *options;
	if (!st->opt.max_work)
		st->opt.max_work = CW_LIMIT_RDFC_WORK;
	if (!st->opt.max_depth)
		st->opt.max_depth = CW_LIMIT_RDFC_DEPTH;
	if (!st->opt.max_output)
		st->opt.max_output = CW_LIMIT_RDFC_OUTPUT;
	if (ds->count > UINT32_MAX / 3) {
		cw_error_set("RDFC-1.0: too many quads (%zu)", ds->count);
		return CW_ETOOBIG;
	}
	st->quads = cw_malloc(count * sizeof(*st->quads));
	st->qnodes = cw_malloc(count * sizeof(*st->qnodes));
	st->node_term = cw_malloc(nodes * sizeof(*st->node_term));
	st->first_hash = cw_malloc(nodes * sizeof(*st->first_hash));
	st->canon = cw_malloc(nodes * sizeof(*st->canon));
	if (!st->quads || !st->qnodes || !st->node_term || !st->first_hash ||
	    !st->canon)
		return CW_ENOMEM;
	for (size_t i = 0; i < nodes; i++)
		st->canon[i] = NONE;
	return 0;
}

static void state_dispose(state *st)
{
	cw_free(st->quads);
	cw_free(st->qnodes);
	cw_free(st->node_term);
	cw_free(st->first_hash);
	cw_free(st->canon);
	cw_free(st->node_quads_at);
	cw_free(st->node_quads);
	issuer_dispose(&st->canon_issuer);
}

int cw_rdfc_canonize(cw_rdfc_result **out, const cw_rdf_dataset *ds,
                     const cw_rdfc_options *options)
{
	cw_rdfc_result *r = cw_calloc(1, sizeof(*r));
	state st;
	cw_buf doc;
	int err;

	*out = NULL;
	err = state_init(&st, ds, options);
	doc = (cw_buf)CW_BUF_INIT(st.opt.max_output);
	if (err == 0 && !r)
		err = CW_ENOMEM;
	if (err < 0 || (err = index_nodes(&st)) < 0 ||
	    (err = distinct_quads(&st)) < 0 ||
	    (err = index_node_quads(&st)) < 0 || (err = issue_all(&st)) < 0 ||
	    (err = sorted_lines(&st, &doc, st.quads, st.quad_count, NONE)) <
	            0 ||
	    (err = make_map(r, &st)) < 0)
		goto out;
	r->len = doc.len;
	r->nquads = cw_buf_detach(&doc, NULL);
	if (!r->nquads && !(r->nquads = cw_strdup("")))
		err = CW_ENOMEM;
	r->work = st.work;
out:
	if (err == CW_ENOMEM)
		cw_error_set("out of memory in RDFC-1.0");
	if (err == 0)
		*out = r;
	else
		cw_rdfc_result_free(r);
	cw_buf_dispose(&doc);
	state_dispose(&st);
	return err;
}

void cw_rdfc_result_free(cw_rdfc_result *result)
{
	if (!result)
		return;
	for (size_t i = 0; i < result->map_count; i++) {
		cw_free(result->map_input[i]);
		cw_free(result->map_canonical[i]);
	}
	cw_free(result->map_input);
	cw_free(result->map_canonical);
	cw_free(result->nquads);
	cw_free(result);
}

int cw_rdfc_hash_parse(cw_rdfc_hash *out, const char *name)
{
	if (strcmp(name, "sha256") == 0 || strcmp(name, "SHA256") == 0)
		*out = CW_RDFC_SHA256;
	else if (strcmp(name, "sha384") == 0 || strcmp(name, "SHA384") == 0)
		*out = CW_RDFC_SHA384;
	else
		return CW_EINVAL;
	return 0;
}
