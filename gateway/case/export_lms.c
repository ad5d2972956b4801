/* The LMS and SIS CSV files of a CASE framework: Canvas outcomes.csv,
 * Moodle tool_lpimportcsv, PowerSchool Learning Standards Management and
 * Schoology District Mastery (docs/reference/landscape.md §1, §2). Every
 * file is RFC 4180 with CRLF line ends, UTF-8 without a BOM, one row per
 * item in tree order (parents before children). */
#include "case/export.h"

#include "case/export_internal.h"
#include "util/alloc.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_MAX   255 /* Canvas and Schoology titles */
#define MOODLE_MAX  100 /* Moodle cuts idnumber and shortname there */
#define MAX_RATINGS 32  /* rubric levels carried into one outcome */
#define LABEL_BYTES 1024

static int field(cw_buf *out, const char *text)
{
	return cw_csv_write_field(out, text, 0);
}

static int fields(cw_buf *out, const char *const *texts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cw_csv_write_field(out, texts[i], i + 1 == n);
	return out->error;
}

/* Ends a row of fields written with field(): its last comma becomes the
 * line end. */
static int end_row(cw_buf *out)
{
	if (out->error || out->len == 0 || out->data[out->len - 1] != ',')
		return out->error ? out->error : CW_EINVAL;
	out->data[out->len - 1] = '\r';
	return cw_buf_putc(out, '\n');
}

/* Empty fields from column used up to columns, then the line end. */
static int pad_row(cw_buf *out, size_t used, size_t columns)
{
	for (; used < columns; used++)
		field(out, "");
	return end_row(out);
}

static const char *parent_id(const cw_case_tree *t, const cw_case_node *n)
{
	return t->nodes[n->parent].id;
}

/* ---- Canvas ---------------------------------------------------------------
 */

typedef struct {
	double points;
	const char *description;
} rating;

typedef struct {
	const char *item;       /* CFItemURI identifier */
	const cJSON *criterion; /* its CFRubricCriterion */
} aligned;

typedef struct {
	aligned *list;
	size_t count;
} alignments;

static int by_item(const void *a, const void *b)
{
	return strcmp(((const aligned *)a)->item, ((const aligned *)b)->item);
}

/* Every rubric criterion that names an item, sorted by item; the first
 * criterion of an item (in package order) gives its ratings. */
static int collect_alignments(alignments *out, const cJSON *root)
{
	const cJSON *rubric, *criterion;
	size_t alloc = 0;

	memset(out, 0, sizeof(*out));
	cJSON_ArrayForEach(rubric,
	                   cJSON_GetObjectItemCaseSensitive(root, "CFRubrics"))
	{
		cJSON_ArrayForEach(criterion,
		                   cJSON_GetObjectItemCaseSensitive(
		                           rubric, "CFRubricCriteria"))
		{
			const char *item =
			        cw_json_string(cJSON_GetObjectItemCaseSensitive(
			                               criterion, "CFItemURI"),
			                       "identifier");

			if (!item)
				continue;
			if (out->count == alloc) {
				size_t want = alloc ? alloc * 2 : 16;
				aligned *grown = cw_realloc(
				        out->list, want * sizeof(*grown));

				if (!grown)
					return CW_ENOMEM;
				out->list = grown;
				alloc = want;
			}
			out->list[out->count++] = (aligned){ item, criterion };
		}
	}
	/* Stable for equal items: the package's first criterion wins. */
	for (size_t i = 1; i < out->count; i++)
		for (size_t j = i;
		     j > 0 && by_item(&out->list[j - 1], &out->list[j]) > 0;
		     j--) {
			aligned swap = out->list[j];

			out->list[j] = out->list[j - 1];
			out->list[j - 1] = swap;
		}
	return 0;
}

static int by_points_down(const void *a, const void *b)
{
	double x = ((const rating *)a)->points, y = ((const rating *)b)->points;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The item's ratings: its criterion's levels that have a score, in
 * decreasing points (Canvas requires it), else the default scale. */
static size_t ratings_of(rating out[MAX_RATINGS], const alignments *a,
                         const char *item, int *defaulted)
{
	static const rating defaults[] = CW_CASE_EXPORT_DEFAULT_RATINGS;
	aligned key = { item, NULL }, *hit = NULL;
	const cJSON *level, *levels = NULL;
	size_t n = 0;

	if (a->count)
		hit = bsearch(&key, a->list, a->count, sizeof(key), by_item);
	while (hit && hit > a->list && strcmp(hit[-1].item, item) == 0)
		hit--;
	if (hit)
		levels = cJSON_GetObjectItemCaseSensitive(
		        hit->criterion, "CFRubricCriterionLevels");
	cJSON_ArrayForEach(level, levels)
	{
		const cJSON *score =
		        cJSON_GetObjectItemCaseSensitive(level, "score");
		const char *text = cw_json_string(level, "description");

		if (!cJSON_IsNumber(score) || n == MAX_RATINGS)
			continue;
		if (!text || !*text)
			text = cw_json_string(level, "quality");
		out[n++] = (rating){ score->valuedouble, text ? text : "" };
	}
	*defaulted = n == 0;
	if (n == 0) {
		memcpy(out, defaults, sizeof(defaults));
		return CW_CASE_EXPORT_DEFAULT_RATING_COUNT;
	}
	qsort(out, n, sizeof(rating), by_points_down);
	return n;
}

/* Mastery: the default scale's, else the rubric's second-highest level
 * when it has three or more (as the default scale), else its highest. */
static double mastery_of(const rating *r, size_t n, int defaulted)
{
	if (defaulted)
		return CW_CASE_EXPORT_DEFAULT_MASTERY;
	return n > 2 ? r[1].points : r[0].points;
}

static int put_number_field(cw_buf *out, double d)
{
	cw_buf text = CW_BUF_INIT(64);
	int err = cw_case_put_number(&text, d);

	if (err == 0)
		err = field(out, cw_buf_cstr(&text));
	cw_buf_dispose(&text);
	return err;
}

/* parent_guids: the tree parent, and the item's other isChildOf parents
 * that are groups written earlier (Canvas refers only backwards). */
static int canvas_parents(cw_buf *out, const cw_case_tree *t, size_t node)
{
	cw_buf list = CW_BUF_INIT((size_t)1 << 20);
	const cw_case_node *n = &t->nodes[node];
	size_t count;
	const cw_case_edge *edges =
	        cw_case_edges_of(t->extra, t->extra_count, node, &count);
	int err;

	cw_buf_puts(&list, parent_id(t, n));
	for (size_t i = 0; i < count; i++) {
		const cw_case_edge *e = &edges[i];

		if (e->parent == n->parent)
			continue;
		if (t->nodes[e->parent].row < n->row &&
		    (e->parent == 0 || t->nodes[e->parent].children > 0)) {
			cw_buf_putc(&list, ' ');
			cw_buf_puts(&list, t->nodes[e->parent].id);
		}
	}
	err = list.error ? list.error : field(out, cw_buf_cstr(&list));
	cw_buf_dispose(&list);
	return err;
}

static int canvas_item(cw_buf *out, const cw_case_tree *t, size_t node,
                       const alignments *a, size_t columns)
{
	const cw_case_node *n = &t->nodes[node];
	int group = n->children > 0;
	char title[LABEL_BYTES];
	rating r[MAX_RATINGS];
	size_t count = 0, used = 9;
	int defaulted = 0;

	cw_case_label(title, sizeof(title), n->object, TITLE_MAX);
	field(out, n->id);
	field(out, group ? "group" : "outcome");
	field(out, title);
	field(out, cw_case_text(n->object, "fullStatement"));
	field(out, group ? "" : cw_case_text(n->object, "humanCodingScheme"));
	field(out, group ? "" : "decaying_average");
	field(out, group ? "" : "65");
	field(out, "active");
	canvas_parents(out, t, node);
	if (!group) {
		count = ratings_of(r, a, n->id, &defaulted);
		put_number_field(out, mastery_of(r, count, defaulted));
		used++;
		for (size_t i = 0; i < count; i++) {
			put_number_field(out, r[i].points);
			field(out, r[i].description);
			used += 2;
		}
	}
	return pad_row(out, used, columns);
}

static size_t canvas_columns(const cw_case_tree *t, const alignments *a)
{
	size_t most = 1;

	for (size_t i = 0; i < t->order_count; i++) {
		rating r[MAX_RATINGS];
		int defaulted;
		size_t n =
		        ratings_of(r, a, t->nodes[t->order[i]].id, &defaulted);

		if (n > most)
			most = n;
	}
	/* 9 columns, mastery_points, then points and description pairs. */
	return 10 + 2 * most;
}

int cw_case_export_canvas(cw_buf *out, size_t *rows, const cw_case_tree *t)
{
	static const char *const header[] = {
		"vendor_guid",     "object_type",    "title",
		"description",     "display_name",   "calculation_method",
		"calculation_int", "workflow_state", "parent_guids",
		"mastery_points",  "ratings"
	};
	const cJSON *doc = t->nodes[0].object;
	alignments a;
	size_t columns;
	int err = collect_alignments(&a, t->root);

	if (err < 0)
		goto out;
	columns = canvas_columns(t, &a);
	for (size_t i = 0; i < columns; i++)
		cw_csv_write_field(out, i < 11 ? header[i] : "",
		                   i + 1 == columns);
	/* The CFDocument is the root group. */
	field(out, t->nodes[0].id);
	field(out, "group");
	field(out, cw_case_text(doc, "title"));
	field(out, cw_case_text(doc, "description"));
	for (size_t i = 4; i < columns; i++)
		field(out, i == 7 ? "active" : "");
	end_row(out);
	for (size_t i = 0; i < t->order_count && out->error == 0; i++)
		canvas_item(out, t, t->order[i], &a, columns);
	*rows = t->order_count + 1;
	err = out->error;
out:
	cw_free(a.list);
	return err;
}

/* ---- Moodle ---------------------------------------------------------------
 */

typedef struct {
	cw_case_edge *list; /* origin as child, the other end as parent */
	size_t count;
} related;

/* Moodle relates competencies both ways; each pair is taken once, from
 * its origin, and only between items of this framework. */
static int collect_related(related *out, const cw_case_tree *t)
{
	const cJSON *a;
	size_t alloc = 0;

	memset(out, 0, sizeof(*out));
	cJSON_ArrayForEach(
	        a, cJSON_GetObjectItemCaseSensitive(t->root, "CFAssociations"))
	{
		const char *type = cw_case_text(a, "associationType");
		size_t from = cw_case_tree_find(
		        t, cw_json_string(cJSON_GetObjectItemCaseSensitive(
		                                  a, "originNodeURI"),
		                          "identifier"));
		size_t to = cw_case_tree_find(
		        t, cw_json_string(cJSON_GetObjectItemCaseSensitive(
		                                  a, "destinationNodeURI"),
		                          "identifier"));

		if ((strcmp(type, "isRelatedTo") &&
		     strcmp(type, "exactMatchOf")) ||
		    from == CW_CASE_NO_NODE || to == CW_CASE_NO_NODE ||
		    from == to)
			continue;
		if (out->count == alloc) {
			size_t want = alloc ? alloc * 2 : 64;
			cw_case_edge *grown =
			        cw_realloc(out->list, want * sizeof(*grown));

			if (!grown)
				return CW_ENOMEM;
			out->list = grown;
			alloc = want;
		}
		out->list[out->count++] = (cw_case_edge){ from, to };
	}
	cw_case_edges_sort(out->list, out->count);
	return 0;
}

/* relatedidnumbers: comma-separated; Moodle reads %2C back as a comma. */
static int moodle_related(cw_buf *out, const cw_case_tree *t, const related *r,
                          size_t node)
{
	cw_buf list = CW_BUF_INIT((size_t)1 << 20);
	size_t count;
	const cw_case_edge *e =
	        cw_case_edges_of(r->list, r->count, node, &count);
	int err;

	for (size_t i = 0; i < count; i++) {
		if (i > 0 && e[i].parent == e[i - 1].parent)
			continue;
		if (list.len)
			cw_buf_putc(&list, ',');
		for (const char *p = t->nodes[e[i].parent].id; *p; p++)
			if (*p == ',')
				cw_buf_puts(&list, "%2C");
			else
				cw_buf_putc(&list, *p);
	}
	err = list.error ? list.error : field(out, cw_buf_cstr(&list));
	cw_buf_dispose(&list);
	return err;
}

static int moodle_framework(cw_buf *out, const cw_case_tree *t)
{
	const cJSON *doc = t->nodes[0].object;
	char idnumber[LABEL_BYTES], shortname[LABEL_BYTES];
	cw_buf taxonomy = CW_BUF_INIT(4096);
	int err;

	cw_case_cut(idnumber, sizeof(idnumber), t->nodes[0].id, MOODLE_MAX);
	cw_case_cut(shortname, sizeof(shortname), cw_case_text(doc, "title"),
	            MOODLE_MAX);
	/* One taxonomy term per level of the tree. */
	for (size_t i = 0; i < (t->max_depth ? t->max_depth : 1); i++)
		cw_buf_puts(&taxonomy, i ? ",competency" : "competency");
	field(out, "");
	field(out, idnumber);
	field(out, *shortname ? shortname : idnumber);
	field(out, cw_case_text(doc, "description"));
	cw_buf_printf(out, "%d,", CW_CASE_EXPORT_MOODLE_MARKDOWN);
	field(out, CW_CASE_EXPORT_MOODLE_SCALE);
	field(out, CW_CASE_EXPORT_MOODLE_SCALE_CONFIG);
	for (int i = 0; i < 5; i++)
		field(out, "");
	field(out, "1");
	field(out, cw_buf_cstr(&taxonomy));
	err = taxonomy.error ? taxonomy.error : end_row(out);
	cw_buf_dispose(&taxonomy);
	return err;
}

static int moodle_item(cw_buf *out, const cw_case_tree *t, const related *r,
                       size_t node)
{
	const cw_case_node *n = &t->nodes[node];
	char parent[LABEL_BYTES], idnumber[LABEL_BYTES], shortname[LABEL_BYTES];

	cw_case_cut(parent, sizeof(parent), n->parent ? parent_id(t, n) : "",
	            MOODLE_MAX);
	cw_case_cut(idnumber, sizeof(idnumber), n->id, MOODLE_MAX);
	cw_case_label(shortname, sizeof(shortname), n->object, MOODLE_MAX);
	field(out, parent);
	field(out, idnumber);
	field(out, shortname);
	field(out, cw_case_text(n->object, "fullStatement"));
	cw_buf_printf(out, "%d,", CW_CASE_EXPORT_MOODLE_MARKDOWN);
	/* No scale of its own (the framework's), no rule. */
	field(out, "");
	field(out, "");
	field(out, "");
	field(out, "0");
	field(out, "null");
	moodle_related(out, t, r, node);
	cw_buf_printf(out, "%zu,", n->row);
	field(out, "");
	field(out, "");
	return end_row(out);
}

int cw_case_export_moodle(cw_buf *out, size_t *rows, const cw_case_tree *t)
{
	/* Moodle's own export header (its English labels, in order). */
	static const char *const header[] = {
		"Parent id number",
		"Id number",
		"Shortname",
		"Description",
		"Description format",
		"Scale values",
		"Scale configuration",
		"Rule type (optional)",
		"Rule outcome (optional)",
		"Rule config (optional)",
		"Cross referenced competency id numbers",
		"Exported id (optional)",
		"Is framework",
		"Taxonomy"
	};

	related r;
	int err = collect_related(&r, t);

	if (err == 0) {
		fields(out, header, 14);
		moodle_framework(out, t);
		for (size_t i = 0; i < t->order_count && out->error == 0; i++)
			moodle_item(out, t, &r, t->order[i]);
		*rows = t->order_count + 1;
		err = out->error;
	}
	cw_free(r.list);
	return err;
}

/* ---- PowerSchool ----------------------------------------------------------
 */

/* The code PowerSchool keys items on: humanCodingScheme, unique; an item
 * without one, or repeating an earlier one, goes by its identifier. */
static const char *ps_code(const cw_case_tree *t, size_t node,
                           const unsigned char *taken)
{
	const cw_case_node *n = &t->nodes[node];

	return n->code && !taken[node] ? n->code : n->id;
}

static int ps_codes(unsigned char *repeated, const cw_case_tree *t)
{
	cw_strset *seen = NULL;
	int err = cw_strset_new(&seen);

	for (size_t i = 0; err >= 0 && i < t->order_count; i++) {
		const cw_case_node *n = &t->nodes[t->order[i]];

		if (!n->code)
			continue;
		err = cw_strset_put(seen, n->code, strlen(n->code), 0, NULL);
		if (err == 0)
			repeated[t->order[i]] = 1;
	}
	cw_strset_free(seen);
	return err < 0 ? err : 0;
}

static int ps_levels(cw_buf *out, const cJSON *item)
{
	cw_buf list = CW_BUF_INIT((size_t)1 << 16);
	const cJSON *level;
	int err;

	cJSON_ArrayForEach(
	        level, cJSON_GetObjectItemCaseSensitive(item, "educationLevel"))
	{
		if (!cJSON_IsString(level))
			continue;
		if (list.len)
			cw_buf_putc(&list, ',');
		cw_buf_puts(&list, level->valuestring);
	}
	err = list.error ? list.error : field(out, cw_buf_cstr(&list));
	cw_buf_dispose(&list);
	return err;
}

int cw_case_export_powerschool(cw_buf *out, size_t *rows, const cw_case_tree *t)
{
	static const char *const header[] = {
		"abbreviatedStatement", "fullStatement",    "humanCodingScheme",
		"identifier",           "parentIdentifier", "sequenceNumber",
		"educationLevel"
	};
	unsigned char *repeated = cw_calloc(t->count, 1);
	size_t *position = cw_calloc(t->count, sizeof(size_t));
	int err = repeated && position ? ps_codes(repeated, t) : CW_ENOMEM;

	if (err < 0)
		goto out;
	fields(out, header, 7);
	for (size_t i = 0; i < t->order_count && out->error == 0; i++) {
		size_t node = t->order[i];
		const cw_case_node *n = &t->nodes[node];

		field(out, cw_case_text(n->object, "abbreviatedStatement"));
		field(out, cw_case_text(n->object, "fullStatement"));
		field(out, ps_code(t, node, repeated));
		field(out, n->id);
		/* Top-level items have no parent code. */
		field(out, n->parent ? ps_code(t, n->parent, repeated) : "");
		cw_buf_printf(out, "%zu,", ++position[n->parent]);
		ps_levels(out, n->object);
		end_row(out);
	}
	*rows = t->order_count;
	err = out->error;
out:
	cw_free(repeated);
	cw_free(position);
	return err;
}

/* ---- Schoology ------------------------------------------------------------
 */

/* A title no earlier row has: the label, else the label cut shorter with
 * the identifier after it. */
static int unique_title(char *out, size_t n, cw_strset *seen,
                        const cJSON *object, const char *id)
{
	char label[LABEL_BYTES];
	int added, written;

	cw_case_label(out, n, object, TITLE_MAX);
	if ((added = cw_strset_put(seen, out, strlen(out), 0, NULL)) != 0)
		return added < 0 ? added : 0;
	cw_case_label(label, sizeof(label), object, TITLE_MAX - 40);
	written = snprintf(out, n, "%s (%s)", label, id);
	if (written < 0 || (size_t)written >= n)
		cw_case_cut(out, n, id, TITLE_MAX); /* an identifier too long */
	added = cw_strset_put(seen, out, strlen(out), 0, NULL);
	return added < 0 ? added : 0;
}

static int schoology_item(cw_buf *out, const cw_case_tree *t, size_t node,
                          cw_strset *seen)
{
	const cw_case_node *n = &t->nodes[node];
	char title[LABEL_BYTES], display[LABEL_BYTES];
	const char *abbreviated =
	        cw_case_text(n->object, "abbreviatedStatement");
	int err = unique_title(title, sizeof(title), seen, n->object, n->id);

	if (err < 0)
		return err;
	if (*abbreviated)
		cw_case_cut(display, sizeof(display), abbreviated, TITLE_MAX);
	else
		cw_case_label(display, sizeof(display), n->object, TITLE_MAX);
	field(out, n->id);
	field(out, title);
	field(out, display);
	field(out, cw_case_text(n->object, "fullStatement"));
	field(out, n->children ? "parent" : "objective");
	field(out, parent_id(t, n));
	return end_row(out);
}

int cw_case_export_schoology(cw_buf *out, size_t *rows, const cw_case_tree *t)
{
	static const char *const header[] = { "external_id",   "title",
		                              "display_title", "description",
		                              "type",          "parent_id" };
	const cJSON *doc = t->nodes[0].object;
	char title[LABEL_BYTES];
	cw_strset *seen = NULL;
	int err = cw_strset_new(&seen);

	if (err < 0)
		return err;
	fields(out, header, 6);
	/* The CFDocument is the top parent. */
	cw_case_cut(title, sizeof(title), cw_case_text(doc, "title"),
	            TITLE_MAX);
	if ((err = cw_strset_put(seen, title, strlen(title), 0, NULL)) < 0)
		goto out;
	field(out, t->nodes[0].id);
	field(out, title);
	field(out, title);
	field(out, cw_case_text(doc, "description"));
	field(out, "parent");
	field(out, "");
	end_row(out);
	err = 0;
	for (size_t i = 0; i < t->order_count && err == 0 && !out->error; i++)
		err = schoology_item(out, t, t->order[i], seen);
	*rows = t->order_count + 1;
	if (err == 0)
		err = out->error;
out:
	cw_strset_free(seen);
	return err;
}
