/* OneRoster 1.2 rostering, read side: collections, singletons and the nested
 * routes, from the calling client's tenant only (its token says which),
 * served from the tenant's in-memory index. Paging in the index's sourcedId
 * order costs the same at any offset; a filter or another sort reads the
 * whole collection. */
#include "http/api.h"

#include "engine/roster_index.h"
#include "http/server.h"
#include "roster/fields.h"
#include "roster/query.h"
#include "roster/rest.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RELATED 64 /* roles per user, links per lineItem or result */

typedef struct {
	const cw_request *req;
	const cw_roster_index *ix;
	char origin[300];
	/* Rows of one import share their time: formatted once. */
	int64_t time_ms;
	char time_text[CW_TIME_ISO_LEN];
	struct related_rows *scratch; /* for write_object */
	int v11;                      /* the 1.1 binding (/v1p1 routes) */
	cw_buf text;                  /* for object_of */
} view;

/* "http://host" as the client reached us (a proxy may say https). */
void cw_api_origin(const cw_request *req, char out[300])
{
	const char *host = cw_request_header(req, "Host");

	snprintf(out, 300, "%s://%s", cw_request_scheme(req),
	         host && *host && !strpbrk(host, " \"<>\\") ? host
	                                                    : "localhost");
}

/* The stored text of a deleted row a collection shows (see tombstones):
 * it is told apart by this address. */
static const char tombstone_text[] = "[]";

static void row_of(view *v, cw_or_rest_row *out, cw_or_entity e,
                   const cw_ri_row *row, char dlm[CW_TIME_ISO_LEN])
{
	if (row->modified_ms != v->time_ms || !v->time_text[0]) {
		cw_time_format_iso(row->modified_ms, v->time_text);
		v->time_ms = row->modified_ms;
	}
	memcpy(dlm, v->time_text, CW_TIME_ISO_LEN);
	out->entity = e;
	out->sourced_id = row->id;
	out->status = row->stored == tombstone_text ? "tobedeleted" : "active";
	out->date_last_modified = dlm;
	out->stored = row->stored;
}

/* The rows an object carries (a user's roles, a lineItem's or result's
 * score scale and learning objectives), at most MAX_RELATED. */
typedef struct related_rows {
	cw_or_rest_row rows[MAX_RELATED];
	char times[MAX_RELATED][CW_TIME_ISO_LEN];
	size_t count;
} related;

static void add_related(view *v, related *out, cw_ri_link link, cw_or_entity e,
                        const char *id)
{
	cw_ri_list l = cw_roster_index_linked(v->ix, link, id);

	for (size_t i = 0; i < l.count && out->count < MAX_RELATED; i++) {
		row_of(v, &out->rows[out->count], e, l.rows[i],
		       out->times[out->count]);
		out->count++;
	}
}

static void related_of(view *v, related *out, cw_or_entity e,
                       const cw_ri_row *row)
{
	out->count = 0;
	if (e == CW_OR_USERS) {
		add_related(v, out, CW_RI_ROLES_BY_USER, CW_OR_ROLES, row->id);
	} else if (e == CW_OR_LINE_ITEMS) {
		add_related(v, out, CW_RI_SCALES_BY_LINE_ITEM,
		            CW_OR_LINE_ITEM_SCORE_SCALES, row->id);
		add_related(v, out, CW_RI_OBJECTIVES_BY_LINE_ITEM,
		            CW_OR_LINE_ITEM_LEARNING_OBJECTIVE_IDS, row->id);
	} else if (e == CW_OR_RESULTS) {
		add_related(v, out, CW_RI_SCALES_BY_RESULT,
		            CW_OR_RESULT_SCORE_SCALES, row->id);
		add_related(v, out, CW_RI_OBJECTIVES_BY_RESULT,
		            CW_OR_RESULT_LEARNING_OBJECTIVE_IDS, row->id);
	} else if (e == CW_OR_ASSESSMENT_LINE_ITEMS) {
		add_related(v, out, CW_RI_OBJECTIVES_BY_ASSESSMENT_LINE_ITEM,
		            CW_OR_ASSESSMENT_LINE_ITEM_LEARNING_OBJECTIVE_IDS,
		            row->id);
	} else if (e == CW_OR_ASSESSMENT_RESULTS) {
		add_related(v, out, CW_RI_OBJECTIVES_BY_ASSESSMENT_RESULT,
		            CW_OR_ASSESSMENT_RESULT_LEARNING_OBJECTIVE_IDS,
		            row->id);
	}
}

/* The object as JSON text appended to out (no tree), in the view's
 * binding. */
static int write_object(cw_buf *out, view *v, cw_or_entity e,
                        const cw_ri_row *row)
{
	cw_or_rest_row r;
	char dlm[CW_TIME_ISO_LEN];

	row_of(v, &r, e, row, dlm);
	if (!v->scratch && !(v->scratch = cw_malloc(sizeof(*v->scratch))))
		return CW_ENOMEM;
	related_of(v, v->scratch, e, row);
	if (row->stored == tombstone_text)
		v->scratch->count = 0;
	return (v->v11 ? cw_or_rest_write_v11 : cw_or_rest_write)(
	        out, &r, v->origin, v->scratch->rows, v->scratch->count);
}

/* The same object as a tree, for filters, sorts and selections. */
static cJSON *object_of(view *v, cw_or_entity e, const cw_ri_row *row)
{
	cJSON *o = NULL;

	cw_buf_clear(&v->text);
	if (write_object(&v->text, v, e, row) == 0 &&
	    cw_json_parse(&o, v->text.data, v->text.len, 16, NULL) < 0)
		o = NULL;
	return o;
}

static const char *const *members_for(const view *v, cw_or_entity e)
{
	return v->v11 ? cw_or_rest_members_v11(e) : cw_or_rest_members(e);
}

/* ---- errors -------------------------------------------------------------- */

static int query_error(cw_response *res, const cw_oq_error *err)
{
	if (strcmp(err->code_minor, "internal_server_error") == 0)
		return CW_ENOMEM;
	return cw_response_error(res, 400, err->code_minor, "%s", err->message);
}

static int not_found(cw_response *res, const char *what, const char *id)
{
	return cw_response_error(res, 404, "unknownobject",
	                         "no %s with sourcedId \"%.100s\"", what, id);
}

/* ---- collections --------------------------------------------------------- */

typedef struct {
	const cw_ri_row *row;
	cJSON *key; /* {"sourcedId", <sort member>} when sorting */
} match;

/* A merge sort of matches by q (qsort takes no context, and a global one
 * would serialise sorted requests); stable, n log n, tmp holds n. */
static void sort_matches(match *m, match *tmp, size_t n, const cw_oq_query *q)
{
	size_t half = n / 2, i = 0, j = half, k = 0;

	if (n < 2)
		return;
	sort_matches(m, tmp, half, q);
	sort_matches(m + half, tmp, n - half, q);
	while (i < half && j < n)
		tmp[k++] = cw_oq_compare(q, m[j].key, m[i].key) < 0 ? m[j++]
		                                                    : m[i++];
	while (i < half)
		tmp[k++] = m[i++];
	while (j < n)
		tmp[k++] = m[j++];
	memcpy(m, tmp, n * sizeof(*m));
}

static cJSON *sort_key(const cJSON *object, const char *sort)
{
	char first[64];
	size_t n = strcspn(sort, ".");
	cJSON *key = cJSON_CreateObject();
	const cJSON *member;

	if (!key)
		return NULL;
	snprintf(first, sizeof(first), "%.*s", (int)(n < 63 ? n : 63), sort);
	cJSON_AddItemToObject(key, "sourcedId",
	                      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(
	                                              object, "sourcedId"),
	                                      1));
	member = cJSON_GetObjectItemCaseSensitive(object, first);
	if (member && strcmp(first, "sourcedId") != 0)
		cJSON_AddItemToObject(key, first, cJSON_Duplicate(member, 1));
	return key;
}

/* No filter, sourcedId order (either way): the index's own order. */
static int plain_order(const cw_oq_query *q)
{
	return q->predicate_count == 0 &&
	       (!q->sort || strcmp(q->sort, "sourcedId") == 0);
}

/* Matches of q among rows, in q's order: rows are the index's (sourcedId
 * order); a filter or sort reads each one as JSON. */
static int select_rows(view *v, cw_or_entity e, cw_ri_list rows,
                       const cw_oq_query *q, match **out, size_t *count)
{
	match *m = cw_calloc(rows.count ? rows.count : 1, sizeof(*m));
	size_t n = 0;
	int err = 0;

	*out = m;
	*count = 0;
	if (!m)
		return CW_ENOMEM;
	for (size_t i = 0; i < rows.count; i++) {
		cJSON *o = object_of(v, e, rows.rows[i]);

		if (!o) {
			err = CW_ENOMEM;
			break;
		}
		if (cw_oq_match(q, o)) {
			m[n].row = rows.rows[i];
			if (q->sort && !(m[n].key = sort_key(o, q->sort)))
				err = CW_ENOMEM;
			n++;
		}
		cJSON_Delete(o);
		if (err)
			break;
	}
	if (err == 0 && q->sort && n > 1) {
		match *tmp = cw_malloc(n * sizeof(*tmp));

		if (!tmp)
			err = CW_ENOMEM;
		else
			sort_matches(m, tmp, n, q);
		cw_free(tmp);
	}
	*count = n;
	return err;
}

static void free_matches(match *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(m[i].key);
	cw_free(m);
}

/* Row i of the answer: the matches' order, or the index's either way. */
static const cw_ri_row *page_row(const match *m, cw_ri_list rows,
                                 const cw_oq_query *q, size_t i, size_t total)
{
	if (m)
		return m[i].row;
	return rows.rows[q->descending ? total - 1 - i : i];
}

/* ---- deleted rows -------------------------------------------------------- */

/* A client following changes (filter=dateLastModified>'…', or
 * status='tobedeleted') sees the rows deleted since as status
 * "tobedeleted" with no other member, from the change log. Only whole
 * collections show them: a deleted row is in no subset or link. */
typedef struct {
	cw_ri_row *rows;
	size_t count, alloc;
	const cw_ri_row **merged; /* index rows and these, by sourcedId */
} tombstones;

static int take_tombstone(const cw_roster_record *r, void *payload)
{
	tombstones *t = payload;
	cw_ri_row *row;

	if (strcmp(r->status, "tobedeleted") != 0)
		return 0;
	if (t->count == t->alloc) {
		size_t want = t->alloc ? t->alloc * 2 : 64;
		void *grown = cw_realloc(t->rows, want * sizeof(*t->rows));

		if (!grown)
			return CW_ENOMEM;
		t->rows = grown;
		t->alloc = want;
	}
	row = &t->rows[t->count];
	if (cw_time_parse_iso(r->date_last_modified, &row->modified_ms) < 0)
		row->modified_ms = 0;
	row->stored = tombstone_text;
	if (!(row->id = cw_strdup(r->sourced_id)))
		return CW_ENOMEM;
	t->count++;
	return 0;
}

static void tombstones_dispose(tombstones *t)
{
	for (size_t i = 0; i < t->count; i++)
		cw_free((char *)t->rows[i].id);
	cw_free(t->rows);
	cw_free(t->merged);
}

/* From when the query asks for deleted rows, or 0 when it does not. */
static int deleted_since(const cw_oq_query *q, char out[CW_TIME_ISO_LEN])
{
	int64_t since = -1, at;

	for (int i = 0; i < q->predicate_count; i++) {
		const cw_oq_predicate *p = &q->predicates[i];

		if (strcmp(p->field, "status") == 0 && p->op == CW_OQ_EQ &&
		    strcmp(p->value, "tobedeleted") == 0)
			since = 0;
		else if (strcmp(p->field, "dateLastModified") == 0 &&
		         (p->op == CW_OQ_GT || p->op == CW_OQ_GE ||
		          p->op == CW_OQ_EQ) &&
		         cw_time_parse_iso(p->value, &at) == 0 &&
		         (since < 0 || at - 1 < since))
			since = at > 0 ? at - 1 : 0;
	}
	/* Under OR the other predicate may take older deletions too. */
	if (since > 0 && q->join_or)
		since = 0;
	if (since < 0)
		return 0;
	cw_time_format_iso(since, out);
	return 1;
}

/* rows with the deleted rows q asks for merged in, in sourcedId order. */
static int with_tombstones(cw_request *req, cw_or_entity e,
                           const cw_oq_query *q, cw_ri_list *rows,
                           tombstones *t)
{
	cw_ctx *ctx = cw_request_ctx(req);
	char since[CW_TIME_ISO_LEN];
	size_t i = 0, j = 0, n = 0;
	int err;

	if (!deleted_since(q, since))
		return 0;
	err = cw_store_roster_list(ctx->store, cw_request_auth(req)->tenant_id,
	                           e, since, take_tombstone, t);
	if (err < 0 || t->count == 0)
		return err;
	t->merged = cw_malloc((rows->count + t->count) * sizeof(*t->merged));
	if (!t->merged)
		return CW_ENOMEM;
	while (i < rows->count || j < t->count)
		t->merged[n++] = j == t->count || (i < rows->count &&
		                                   strcmp(rows->rows[i]->id,
		                                          t->rows[j].id) < 0)
		                         ? rows->rows[i++]
		                         : &t->rows[j++];
	rows->rows = t->merged;
	rows->count = n;
	return 0;
}

/* The collection's query. A sort on a field the objects do not have gives
 * the default order, as the binding says (1.1 §3.4, 1.2 §3.3); an unknown
 * filter or selection field is an error. */
static int parse_query(cw_oq_query *q, cw_request *req,
                       const char *const *members, long max_limit,
                       cw_oq_error *qe)
{
	const char *sort = cw_request_query(req, "sort");

	for (int tries = 0; tries < 2; tries++) {
		if (cw_oq_parse(q, cw_request_query(req, "limit"),
		                cw_request_query(req, "offset"), sort,
		                cw_request_query(req, "orderBy"),
		                cw_request_query(req, "filter"),
		                cw_request_query(req, "fields"), max_limit,
		                qe) < 0)
			return CW_EINVAL;
		if (cw_oq_check_fields(q, members, qe) == 0)
			return 0;
		cw_oq_dispose(q);
		if (strcmp(qe->code_minor, "invalid_sort_field") != 0)
			return CW_EINVAL;
		sort = NULL;
	}
	return CW_EINVAL;
}

/* Answers a collection request over rows of entity e. */
static int respond_list(cw_request *req, cw_response *res, view *v,
                        cw_or_entity e, cw_ri_list rows, const char *plural,
                        int deletions)
{
	const cw_config *config = cw_request_ctx(req)->config;
	cw_oq_query q;
	cw_oq_error qe;
	tombstones t = { NULL, 0, 0, NULL };
	match *m = NULL;
	size_t total;
	cJSON *doc, *list;
	int err;

	if (parse_query(&q, req, members_for(v, e), config->rest_max_limit,
	                &qe) < 0)
		return query_error(res, &qe);
	if (deletions && (err = with_tombstones(req, e, &q, &rows, &t)) < 0) {
		tombstones_dispose(&t);
		cw_oq_dispose(&q);
		/* deletions older than the kept change log: never a silent gap
		 */
		if (err == CW_EINVAL)
			return cw_response_error(res, 410, "invalid_data", "%s",
			                         cw_error_last());
		return err;
	}
	total = rows.count;
	if (!plain_order(&q) &&
	    (err = select_rows(v, e, rows, &q, &m, &total)) < 0) {
		free_matches(m, total);
		tombstones_dispose(&t);
		cw_oq_dispose(&q);
		return err;
	}
	err = cw_api_paging_headers(res, v->req, v->origin, (long)total,
	                            q.offset, q.limit);
	/* Without a selection the page is written straight from the stored
	 * text; with one, objects are built, trimmed and printed. */
	if (err == 0 && !q.fields) {
		cw_buf page = CW_BUF_INIT(CW_LIMIT_RESPONSE);

		cw_buf_printf(&page, "{\"%s\":[", plural);
		for (size_t i = (size_t)q.offset;
		     err == 0 && i < total &&
		     i < (size_t)q.offset + (size_t)q.limit;
		     i++) {
			if (i > (size_t)q.offset)
				cw_buf_putc(&page, ',');
			err = write_object(&page, v, e,
			                   page_row(m, rows, &q, i, total));
		}
		if (err == 0)
			err = cw_buf_puts(&page, "]}");
		if (err == 0)
			err = cw_response_buf(res, 200, "application/json",
			                      &page);
		cw_buf_dispose(&page);
		free_matches(m, m ? total : 0);
		tombstones_dispose(&t);
		cw_oq_dispose(&q);
		return err;
	}
	doc = err == 0 ? cJSON_CreateObject() : NULL;
	list = doc ? cJSON_AddArrayToObject(doc, plural) : NULL;
	for (size_t i = (size_t)q.offset;
	     list && i < total && i < (size_t)q.offset + (size_t)q.limit; i++) {
		cJSON *o = object_of(v, e, page_row(m, rows, &q, i, total));

		if (!o)
			break;
		cw_oq_select(&q, o);
		cJSON_AddItemToArray(list, o);
	}
	free_matches(m, m ? total : 0);
	tombstones_dispose(&t);
	cw_oq_dispose(&q);
	if (err < 0 || !doc) {
		cJSON_Delete(doc);
		return err < 0 ? err : CW_ENOMEM;
	}
	return cw_response_json(res, 200, doc);
}

static int respond_one(cw_request *req, cw_response *res, view *v,
                       cw_or_entity e, const cw_ri_row *row)
{
	cw_oq_query q;
	cw_oq_error qe;
	cJSON *doc, *o;

	/* A singleton takes fields only. */
	if (cw_oq_parse(&q, NULL, NULL, NULL, NULL, NULL,
	                cw_request_query(req, "fields"), 1, &qe) < 0)
		return query_error(res, &qe);
	if (cw_oq_check_fields(&q, members_for(v, e), &qe) < 0) {
		cw_oq_dispose(&q);
		return query_error(res, &qe);
	}
	if (!q.fields) {
		cw_buf one = CW_BUF_INIT(CW_LIMIT_RESPONSE);
		int err;

		cw_oq_dispose(&q);
		cw_buf_printf(&one, "{\"%s\":", cw_or_rest_singular(e));
		err = write_object(&one, v, e, row);
		if (err == 0)
			err = cw_buf_putc(&one, '}');
		if (err == 0)
			err = cw_response_buf(res, 200, "application/json",
			                      &one);
		cw_buf_dispose(&one);
		return err;
	}
	o = object_of(v, e, row);
	if (o)
		cw_oq_select(&q, o);
	cw_oq_dispose(&q);
	doc = cJSON_CreateObject();
	if (!o || !doc) {
		cJSON_Delete(o);
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	cJSON_AddItemToObject(doc, cw_or_rest_singular(e), o);
	return cw_response_json(res, 200, doc);
}

/* ---- the tenant's index -------------------------------------------------- */

static int open_view(view *v, cw_request *req)
{
	cw_ctx *ctx = cw_request_ctx(req);
	int err;

	v->req = req;
	v->ix = NULL;
	v->time_ms = 0;
	v->time_text[0] = '\0';
	v->scratch = NULL;
	v->v11 = strncmp(cw_request_path(req), "/ims/oneroster/v1p1/", 20) == 0;
	v->text = (cw_buf)CW_BUF_INIT(CW_LIMIT_RESPONSE);
	cw_api_origin(req, v->origin);
	if (!ctx->rosters) {
		cw_error_set("the roster cache is not running");
		return CW_ESTORE;
	}
	err = cw_roster_cache_get(ctx->rosters, cw_request_auth(req)->tenant_id,
	                          &v->ix);
	return err;
}

static void close_view(view *v)
{
	cw_free(v->scratch);
	v->scratch = NULL;
	cw_buf_dispose(&v->text);
	cw_roster_cache_release(cw_request_ctx((cw_request *)v->req)->rosters,
	                        v->ix);
}

/* Whether row is in a subset list (kept in sourcedId order). */
static int in_list(cw_ri_list l, const cw_ri_row *row)
{
	size_t lo = 0, hi = l.count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l.rows[mid]->id, row->id);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ---- the routes ---------------------------------------------------------- */

typedef struct {
	cw_or_entity entity;
	cw_ri_subset subset;
	const char *what; /* for messages: "school" */
} collection;

static const collection academic_sessions = { CW_OR_ACADEMIC_SESSIONS,
	                                      CW_RI_ALL, "academicSession" };
static const collection classes = { CW_OR_CLASSES, CW_RI_ALL, "class" };
static const collection courses = { CW_OR_COURSES, CW_RI_ALL, "course" };
static const collection demographics = { CW_OR_DEMOGRAPHICS, CW_RI_ALL,
	                                 "demographics record" };
static const collection enrollments = { CW_OR_ENROLLMENTS, CW_RI_ALL,
	                                "enrollment" };
static const collection grading_periods = { CW_OR_ACADEMIC_SESSIONS,
	                                    CW_RI_GRADING_PERIODS,
	                                    "gradingPeriod" };
static const collection orgs = { CW_OR_ORGS, CW_RI_ALL, "org" };
static const collection schools = { CW_OR_ORGS, CW_RI_SCHOOLS, "school" };
static const collection students = { CW_OR_USERS, CW_RI_STUDENTS, "student" };
static const collection teachers = { CW_OR_USERS, CW_RI_TEACHERS, "teacher" };
static const collection terms = { CW_OR_ACADEMIC_SESSIONS, CW_RI_TERMS,
	                          "term" };
static const collection users = { CW_OR_USERS, CW_RI_ALL, "user" };
static const collection categories = { CW_OR_CATEGORIES, CW_RI_ALL,
	                               "category" };
static const collection line_items = { CW_OR_LINE_ITEMS, CW_RI_ALL,
	                               "lineItem" };
static const collection results = { CW_OR_RESULTS, CW_RI_ALL, "result" };
static const collection score_scales = { CW_OR_SCORE_SCALES, CW_RI_ALL,
	                                 "scoreScale" };
static const collection resources = { CW_OR_RESOURCES, CW_RI_ALL, "resource" };
static const collection assessment_line_items = { CW_OR_ASSESSMENT_LINE_ITEMS,
	                                          CW_RI_ALL,
	                                          "assessmentLineItem" };
static const collection assessment_results = { CW_OR_ASSESSMENT_RESULTS,
	                                       CW_RI_ALL, "assessmentResult" };

static int list(cw_request *req, cw_response *res, const collection *c)
{
	view v;
	int err = open_view(&v, req);

	if (err == 0)
		err = respond_list(
		        req, res, &v, c->entity,
		        cw_roster_index_list(v.ix, c->entity, c->subset),
		        cw_or_rest_plural(c->entity), c->subset == CW_RI_ALL);
	close_view(&v);
	return err;
}

static int get(cw_request *req, cw_response *res, const collection *c)
{
	const char *id = cw_request_param(req, "id");
	const cw_ri_row *row;
	view v;
	int err = open_view(&v, req);

	if (err == 0) {
		row = cw_roster_index_find(v.ix, c->entity, id);
		if (row && c->subset != CW_RI_ALL &&
		    !in_list(cw_roster_index_list(v.ix, c->entity, c->subset),
		             row))
			row = NULL;
		err = row ? respond_one(req, res, &v, c->entity, row)
		          : not_found(res, c->what, id);
	}
	close_view(&v);
	return err;
}

#define ROUTES(name, c)                                                        \
	int cw_api_or_list_##name(cw_request *req, cw_response *res)           \
	{                                                                      \
		return list(req, res, &c);                                     \
	}                                                                      \
	int cw_api_or_get_##name(cw_request *req, cw_response *res)            \
	{                                                                      \
		return get(req, res, &c);                                      \
	}

ROUTES(academic_sessions, academic_sessions)
ROUTES(classes, classes)
ROUTES(courses, courses)
ROUTES(demographics, demographics)
ROUTES(enrollments, enrollments)
ROUTES(grading_periods, grading_periods)
ROUTES(orgs, orgs)
ROUTES(schools, schools)
ROUTES(students, students)
ROUTES(teachers, teachers)
ROUTES(terms, terms)
ROUTES(users, users)
ROUTES(categories, categories)
ROUTES(line_items, line_items)
ROUTES(results, results)
ROUTES(score_scales, score_scales)
ROUTES(resources, resources)
ROUTES(assessment_line_items, assessment_line_items)
ROUTES(assessment_results, assessment_results)

/* ---- nested routes ------------------------------------------------------- */

/* Rows gathered for a nested route, kept in sourcedId order, once each. */
typedef struct {
	const cw_ri_row **rows;
	size_t count, alloc;
} gathered;

static int gather(gathered *g, const cw_ri_row *row)
{
	if (g->count == g->alloc) {
		size_t n = g->alloc ? g->alloc * 2 : 64;
		const cw_ri_row **grown =
		        cw_realloc((void *)g->rows, n * sizeof(*grown));

		if (!grown)
			return CW_ENOMEM;
		g->rows = grown;
		g->alloc = n;
	}
	g->rows[g->count++] = row;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	return strcmp((*(const cw_ri_row *const *)a)->id,
	              (*(const cw_ri_row *const *)b)->id);
}

static cw_ri_list gathered_list(gathered *g)
{
	cw_ri_list l;
	size_t n = 0;

	if (g->count > 1) /* qsort must not see NULL, even for nothing */
		qsort((void *)g->rows, g->count, sizeof(*g->rows), by_id);
	for (size_t i = 0; i < g->count; i++)
		if (!n || g->rows[n - 1] != g->rows[i])
			g->rows[n++] = g->rows[i];
	g->count = n;
	l.rows = g->rows;
	l.count = n;
	return l;
}

/* The string at a stored row's column (NUL-terminated copy in out). */
static int column_is(const cw_ri_row *row, cw_or_entity e, const char *column,
                     const char *want)
{
	cJSON *doc = cJSON_Parse(row->stored);
	const cJSON *v =
	        cJSON_GetArrayItem(doc, cw_or_fields_position(e, column));
	int same = cJSON_IsString(v) && strcmp(v->valuestring, want) == 0;

	cJSON_Delete(doc);
	return same;
}

static const char *column_text(const cw_ri_row *row, cw_or_entity e,
                               const char *column, char out[256])
{
	cJSON *doc = cJSON_Parse(row->stored);
	const cJSON *v =
	        cJSON_GetArrayItem(doc, cw_or_fields_position(e, column));

	snprintf(out, 256, "%s", cJSON_IsString(v) ? v->valuestring : "");
	cJSON_Delete(doc);
	return out;
}

/* Users of the enrollments in l (with role, when not NULL). */
static int users_of(view *v, cw_ri_list l, const char *role, gathered *g)
{
	int err = 0;

	for (size_t i = 0; err == 0 && i < l.count; i++) {
		char user[256];
		const cw_ri_row *u;

		if (role &&
		    !column_is(l.rows[i], CW_OR_ENROLLMENTS, "role", role))
			continue;
		u = cw_roster_index_find(v->ix, CW_OR_USERS,
		                         column_text(l.rows[i],
		                                     CW_OR_ENROLLMENTS,
		                                     "userSourcedId", user));
		if (u)
			err = gather(g, u);
	}
	return err;
}

/* Classes of the enrollments in l. */
static int classes_of(view *v, cw_ri_list l, gathered *g)
{
	int err = 0;

	for (size_t i = 0; err == 0 && i < l.count; i++) {
		char cls[256];
		const cw_ri_row *c = cw_roster_index_find(
		        v->ix, CW_OR_CLASSES,
		        column_text(l.rows[i], CW_OR_ENROLLMENTS,
		                    "classSourcedId", cls));

		if (c)
			err = gather(g, c);
	}
	return err;
}

typedef enum {
	N_CLASS_STUDENTS,
	N_CLASS_TEACHERS,
	N_COURSE_CLASSES,
	N_SCHOOL_CLASSES,
	N_SCHOOL_COURSES,
	N_SCHOOL_ENROLLMENTS,
	N_SCHOOL_STUDENTS,
	N_SCHOOL_TEACHERS,
	N_SCHOOL_TERMS,
	N_SCHOOL_CLASS_ENROLLMENTS,
	N_SCHOOL_CLASS_STUDENTS,
	N_SCHOOL_CLASS_TEACHERS,
	N_STUDENT_CLASSES,
	N_TEACHER_CLASSES,
	N_USER_CLASSES,
	N_TERM_CLASSES,
	N_TERM_GRADING_PERIODS,
	N_CLASS_CATEGORIES,
	N_CLASS_LINE_ITEMS,
	N_CLASS_RESULTS,
	N_CLASS_SCORE_SCALES,
	N_CLASS_LINE_ITEM_RESULTS,
	N_CLASS_STUDENT_RESULTS,
	N_SCHOOL_SCORE_SCALES,
	N_CLASS_RESOURCES,
	N_COURSE_RESOURCES,
	N_USER_RESOURCES
} nested_kind;

/* The parent a nested route starts from, which must exist. */
static const collection *parent_of(nested_kind k)
{
	switch (k) {
	case N_CLASS_STUDENTS:
	case N_CLASS_TEACHERS:
	case N_CLASS_CATEGORIES:
	case N_CLASS_LINE_ITEMS:
	case N_CLASS_RESULTS:
	case N_CLASS_SCORE_SCALES:
	case N_CLASS_LINE_ITEM_RESULTS:
	case N_CLASS_STUDENT_RESULTS:
	case N_CLASS_RESOURCES: return &classes;
	case N_COURSE_RESOURCES: return &courses;
	case N_USER_RESOURCES: return &users;
	case N_COURSE_CLASSES: return &courses;
	case N_STUDENT_CLASSES: return &students;
	case N_TEACHER_CLASSES: return &teachers;
	case N_USER_CLASSES: return &users;
	case N_TERM_CLASSES:
	case N_TERM_GRADING_PERIODS: return &terms;
	default: return &schools;
	}
}

static int nested_rows(view *v, nested_kind k, const char *id,
                       const char *class_id, gathered *g, cw_or_entity *e)
{
	cw_ri_list l;
	int err = 0;

	switch (k) {
	case N_CLASS_STUDENTS:
	case N_CLASS_TEACHERS:
		*e = CW_OR_USERS;
		l = cw_roster_index_linked(v->ix, CW_RI_ENROLLMENTS_BY_CLASS,
		                           id);
		return users_of(
		        v, l, k == N_CLASS_STUDENTS ? "student" : "teacher", g);
	case N_COURSE_CLASSES:
	case N_SCHOOL_CLASSES:
	case N_TERM_CLASSES:
		*e = CW_OR_CLASSES;
		l = cw_roster_index_linked(
		        v->ix,
		        k == N_COURSE_CLASSES   ? CW_RI_CLASSES_BY_COURSE
		        : k == N_SCHOOL_CLASSES ? CW_RI_CLASSES_BY_SCHOOL
		                                : CW_RI_CLASSES_BY_TERM,
		        id);
		break;
	case N_SCHOOL_COURSES:
		*e = CW_OR_COURSES;
		l = cw_roster_index_linked(v->ix, CW_RI_COURSES_BY_ORG, id);
		break;
	case N_SCHOOL_ENROLLMENTS:
		*e = CW_OR_ENROLLMENTS;
		l = cw_roster_index_linked(v->ix, CW_RI_ENROLLMENTS_BY_SCHOOL,
		                           id);
		break;
	case N_SCHOOL_STUDENTS:
	case N_SCHOOL_TEACHERS: {
		/* Users holding that role at the school (1.2 roles). */
		const char *role =
		        k == N_SCHOOL_STUDENTS ? "student" : "teacher";

		*e = CW_OR_USERS;
		l = cw_roster_index_linked(v->ix, CW_RI_ROLES_BY_ORG, id);
		for (size_t i = 0; err == 0 && i < l.count; i++) {
			char user[256];
			const cw_ri_row *u;

			if (!column_is(l.rows[i], CW_OR_ROLES, "role", role))
				continue;
			u = cw_roster_index_find(
			        v->ix, CW_OR_USERS,
			        column_text(l.rows[i], CW_OR_ROLES,
			                    "userSourcedId", user));
			if (u)
				err = gather(g, u);
		}
		return err;
	}
	case N_SCHOOL_TERMS: {
		/* The terms the school's classes are held in. */
		*e = CW_OR_ACADEMIC_SESSIONS;
		l = cw_roster_index_linked(v->ix, CW_RI_CLASSES_BY_SCHOOL, id);
		for (size_t i = 0; err == 0 && i < l.count; i++) {
			cJSON *doc = cJSON_Parse(l.rows[i]->stored);
			const cJSON *t, *list = cJSON_GetArrayItem(
			                        doc, cw_or_fields_position(
			                                     CW_OR_CLASSES,
			                                     "termSourcedIds"));

			cJSON_ArrayForEach(t, list)
			{
				const cw_ri_row *term =
				        cJSON_IsString(t)
				                ? cw_roster_index_find(
				                          v->ix,
				                          CW_OR_ACADEMIC_SESSIONS,
				                          t->valuestring)
				                : NULL;

				if (term && err == 0)
					err = gather(g, term);
			}
			cJSON_Delete(doc);
		}
		return err;
	}
	case N_SCHOOL_CLASS_ENROLLMENTS:
	case N_SCHOOL_CLASS_STUDENTS:
	case N_SCHOOL_CLASS_TEACHERS:
		l = cw_roster_index_linked(v->ix, CW_RI_ENROLLMENTS_BY_CLASS,
		                           class_id);
		if (k != N_SCHOOL_CLASS_ENROLLMENTS) {
			*e = CW_OR_USERS;
			return users_of(v, l,
			                k == N_SCHOOL_CLASS_STUDENTS
			                        ? "student"
			                        : "teacher",
			                g);
		}
		*e = CW_OR_ENROLLMENTS;
		break;
	case N_STUDENT_CLASSES:
	case N_TEACHER_CLASSES:
	case N_USER_CLASSES:
		*e = CW_OR_CLASSES;
		return classes_of(v,
		                  cw_roster_index_linked(
		                          v->ix, CW_RI_ENROLLMENTS_BY_USER, id),
		                  g);
	case N_CLASS_LINE_ITEMS:
		*e = CW_OR_LINE_ITEMS;
		l = cw_roster_index_linked(v->ix, CW_RI_LINE_ITEMS_BY_CLASS,
		                           id);
		break;
	case N_CLASS_SCORE_SCALES:
	case N_SCHOOL_SCORE_SCALES:
		*e = CW_OR_SCORE_SCALES;
		l = cw_roster_index_linked(v->ix,
		                           k == N_CLASS_SCORE_SCALES
		                                   ? CW_RI_SCALES_BY_CLASS
		                                   : CW_RI_SCALES_BY_ORG,
		                           id);
		break;
	case N_CLASS_CATEGORIES:
	case N_CLASS_RESULTS: {
		/* Through the class's lineItems. */
		cw_ri_list items = cw_roster_index_linked(
		        v->ix, CW_RI_LINE_ITEMS_BY_CLASS, id);

		*e = k == N_CLASS_CATEGORIES ? CW_OR_CATEGORIES : CW_OR_RESULTS;
		for (size_t i = 0; err == 0 && i < items.count; i++) {
			char category[256];
			const cw_ri_row *c;

			if (k == N_CLASS_RESULTS) {
				cw_ri_list r = cw_roster_index_linked(
				        v->ix, CW_RI_RESULTS_BY_LINE_ITEM,
				        items.rows[i]->id);

				for (size_t j = 0; err == 0 && j < r.count; j++)
					err = gather(g, r.rows[j]);
				continue;
			}
			c = cw_roster_index_find(
			        v->ix, CW_OR_CATEGORIES,
			        column_text(items.rows[i], CW_OR_LINE_ITEMS,
			                    "categorySourcedId", category));
			if (c)
				err = gather(g, c);
		}
		return err;
	}
	case N_CLASS_LINE_ITEM_RESULTS:
		*e = CW_OR_RESULTS;
		l = cw_roster_index_linked(v->ix, CW_RI_RESULTS_BY_LINE_ITEM,
		                           class_id);
		break;
	case N_CLASS_STUDENT_RESULTS: {
		/* The student's results on this class's lineItems. */
		*e = CW_OR_RESULTS;
		l = cw_roster_index_linked(v->ix, CW_RI_RESULTS_BY_STUDENT,
		                           class_id);
		for (size_t i = 0; err == 0 && i < l.count; i++) {
			char item[256];
			const cw_ri_row *li = cw_roster_index_find(
			        v->ix, CW_OR_LINE_ITEMS,
			        column_text(l.rows[i], CW_OR_RESULTS,
			                    "lineItemSourcedId", item));

			if (li && column_is(li, CW_OR_LINE_ITEMS,
			                    "classSourcedId", id))
				err = gather(g, l.rows[i]);
		}
		return err;
	}
	case N_CLASS_RESOURCES:
	case N_COURSE_RESOURCES:
	case N_USER_RESOURCES: {
		/* The link rows name the resources. */
		cw_ri_link link =
		        k == N_CLASS_RESOURCES    ? CW_RI_RESOURCES_BY_CLASS
		        : k == N_COURSE_RESOURCES ? CW_RI_RESOURCES_BY_COURSE
		                                  : CW_RI_RESOURCES_BY_USER;
		cw_or_entity via =
		        k == N_CLASS_RESOURCES    ? CW_OR_CLASS_RESOURCES
		        : k == N_COURSE_RESOURCES ? CW_OR_COURSE_RESOURCES
		                                  : CW_OR_USER_RESOURCES;

		*e = CW_OR_RESOURCES;
		l = cw_roster_index_linked(v->ix, link, id);
		for (size_t i = 0; err == 0 && i < l.count; i++) {
			char resource[256];
			const cw_ri_row *r = cw_roster_index_find(
			        v->ix, CW_OR_RESOURCES,
			        column_text(l.rows[i], via, "resourceSourcedId",
			                    resource));

			if (r)
				err = gather(g, r);
		}
		return err;
	}
	case N_TERM_GRADING_PERIODS:
		*e = CW_OR_ACADEMIC_SESSIONS;
		l = cw_roster_index_linked(v->ix, CW_RI_SESSIONS_BY_PARENT, id);
		for (size_t i = 0; err == 0 && i < l.count; i++)
			if (column_is(l.rows[i], CW_OR_ACADEMIC_SESSIONS,
			              "type", "gradingPeriod"))
				err = gather(g, l.rows[i]);
		return err;
	}
	for (size_t i = 0; err == 0 && i < l.count; i++)
		err = gather(g, l.rows[i]);
	return err;
}

static int nested(cw_request *req, cw_response *res, nested_kind k)
{
	const collection *parent = parent_of(k);
	const char *id = cw_request_param(req, "id");
	/* The second id of two-level routes: a school's class, a class's
	 * lineItem or student. */
	const char *class_id = cw_request_param(req, "class_id");
	const char *line_item = cw_request_param(req, "line_item_id");
	const char *student = cw_request_param(req, "student_id");
	gathered g = { NULL, 0, 0 };
	cw_or_entity e = CW_OR_NONE;
	const cw_ri_row *row;
	view v;
	int err = open_view(&v, req);

	if (err < 0)
		goto out;
	row = cw_roster_index_find(v.ix, parent->entity, id);
	if (row && parent->subset != CW_RI_ALL &&
	    !in_list(cw_roster_index_list(v.ix, parent->entity, parent->subset),
	             row))
		row = NULL;
	if (!row) {
		err = not_found(res, parent->what, id);
		goto out;
	}
	/* /schools/{id}/classes/{class_id}/…: the class must be the
	 * school's. */
	if (class_id) {
		const cw_ri_row *cls =
		        cw_roster_index_find(v.ix, CW_OR_CLASSES, class_id);

		if (!cls ||
		    !column_is(cls, CW_OR_CLASSES, "schoolSourcedId", id)) {
			err = not_found(res, "class of this school", class_id);
			goto out;
		}
	}
	if (line_item) {
		const cw_ri_row *li =
		        cw_roster_index_find(v.ix, CW_OR_LINE_ITEMS, line_item);

		if (!li ||
		    !column_is(li, CW_OR_LINE_ITEMS, "classSourcedId", id)) {
			err = not_found(res, "lineItem of this class",
			                line_item);
			goto out;
		}
		class_id = line_item;
	}
	if (student) {
		if (!cw_roster_index_find(v.ix, CW_OR_USERS, student)) {
			err = not_found(res, "student", student);
			goto out;
		}
		class_id = student;
	}
	if ((err = nested_rows(&v, k, id, class_id, &g, &e)) == 0)
		err = respond_list(req, res, &v, e, gathered_list(&g),
		                   cw_or_rest_plural(e), 0);
out:
	cw_free((void *)g.rows);
	close_view(&v);
	return err;
}

#define NESTED(name, kind)                                                     \
	int cw_api_or_##name(cw_request *req, cw_response *res)                \
	{                                                                      \
		return nested(req, res, kind);                                 \
	}

NESTED(class_students, N_CLASS_STUDENTS)
NESTED(class_teachers, N_CLASS_TEACHERS)
NESTED(course_classes, N_COURSE_CLASSES)
NESTED(school_classes, N_SCHOOL_CLASSES)
NESTED(school_courses, N_SCHOOL_COURSES)
NESTED(school_enrollments, N_SCHOOL_ENROLLMENTS)
NESTED(school_students, N_SCHOOL_STUDENTS)
NESTED(school_teachers, N_SCHOOL_TEACHERS)
NESTED(school_terms, N_SCHOOL_TERMS)
NESTED(school_class_enrollments, N_SCHOOL_CLASS_ENROLLMENTS)
NESTED(school_class_students, N_SCHOOL_CLASS_STUDENTS)
NESTED(school_class_teachers, N_SCHOOL_CLASS_TEACHERS)
NESTED(student_classes, N_STUDENT_CLASSES)
NESTED(teacher_classes, N_TEACHER_CLASSES)
NESTED(user_classes, N_USER_CLASSES)
NESTED(term_classes, N_TERM_CLASSES)
NESTED(term_grading_periods, N_TERM_GRADING_PERIODS)
NESTED(class_categories, N_CLASS_CATEGORIES)
NESTED(class_line_items, N_CLASS_LINE_ITEMS)
NESTED(class_results, N_CLASS_RESULTS)
NESTED(class_score_scales, N_CLASS_SCORE_SCALES)
NESTED(class_line_item_results, N_CLASS_LINE_ITEM_RESULTS)
NESTED(class_student_results, N_CLASS_STUDENT_RESULTS)
NESTED(school_score_scales, N_SCHOOL_SCORE_SCALES)
NESTED(class_resources, N_CLASS_RESOURCES)
NESTED(course_resources, N_COURSE_RESOURCES)
NESTED(user_resources, N_USER_RESOURCES)
