/* The CASE provider service, 1.0 under /ims/case/v1p0 and 1.1 under
 * /ims/case/v1p1: the twelve GET operations for the calling client's
 * tenant (its token says which), objects written by the strict writer in
 * each version's form, packages served as the texts made at import. */
#include "http/api.h"

#include "case/package.h"
#include "case/write.h"
#include "engine/case_cache.h"
#include "engine/case_crosswalk.h"
#include "http/imsx.h"
#include "http/server.h"
#include "roster/query.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static cw_case_version version_of(const cw_request *req)
{
	return strncmp(cw_request_path(req), "/ims/case/v1p1/", 15) == 0
	               ? CW_CASE_V1P1
	               : CW_CASE_V1P0;
}

static const char *base_of(cw_case_version v)
{
	return v == CW_CASE_V1P1 ? "/ims/case/v1p1" : "/ims/case/v1p0";
}

static int64_t tenant_of(cw_request *req)
{
	return cw_request_auth(req)->tenant_id;
}

/* 404: unknownobject, or invalid uuid in the version's spelling. */
static int not_found(cw_response *res, cw_case_version v, const char *what,
                     const char *id)
{
	if (!cw_case_uuid_shaped(id))
		return cw_response_error(res, 404,
		                         v == CW_CASE_V1P1 ? "invalid_uuid"
		                                           : "invaliduuid",
		                         "\"%.100s\" is not a UUID", id);
	return cw_response_error(res, 404, "unknownobject",
	                         "no %s with identifier %.100s", what, id);
}

/* ---- one object ---------------------------------------------------------- */

typedef struct {
	cw_buf body;
	char document[64];
	int kind;
} fetched;

static int keep(const cw_case_record *r, void *payload)
{
	fetched *f = payload;

	f->kind = r->kind;
	snprintf(f->document, sizeof(f->document), "%s", r->document);
	return cw_buf_put(&f->body, r->body, r->body_len);
}

/* The tenant's object id as a tree (kind must match unless NONE):
 * 0, or CW_ENOTFOUND. */
static int fetch(cJSON **out, fetched *f, cw_request *req, const char *id,
                 cw_case_kind kind)
{
	cw_ctx *ctx = cw_request_ctx(req);
	int err;

	*out = NULL;
	f->body = (cw_buf)CW_BUF_INIT(CW_LIMIT_RESPONSE);
	f->kind = CW_CASE_NONE;
	f->document[0] = '\0';
	err = cw_store_case_get(ctx->store, tenant_of(req), id, keep, f);
	if (err == 0 && kind != CW_CASE_NONE && f->kind != (int)kind)
		err = CW_ENOTFOUND;
	if (err == 0 && cw_json_parse(out, f->body.data, f->body.len,
	                              CW_CASE_MAX_DEPTH, NULL) < 0)
		err = CW_EIO;
	return err;
}

/* "name":{"title","identifier","uri"} pointing at this service. */
static void put_link(cw_buf *out, cw_request *req, const char *name,
                     const char *title, const char *id, const char *path)
{
	char origin[300];

	cw_api_origin(req, origin);
	cw_buf_printf(out, "%s\"%s\":{\"title\":\"", out->len ? "," : "", name);
	cw_buf_put_json_string(out, title ? title : "");
	cw_buf_puts(out, "\",\"identifier\":\"");
	cw_buf_put_json_string(out, id);
	cw_buf_printf(out, "\",\"uri\":\"%s%s%s/", origin,
	              base_of(version_of(req)), path);
	cw_buf_put_json_string(out, id);
	cw_buf_puts(out, "\"}");
}

/* The member naming an object's document (CFDocumentURI). */
static void document_link(cw_buf *out, cw_request *req, const char *document)
{
	fetched f;
	cJSON *doc = NULL;

	if (fetch(&doc, &f, req, document, CW_CASE_DOCUMENT) == 0)
		put_link(out, req, "CFDocumentURI",
		         cw_json_string(doc, "title"), document,
		         "/CFDocuments");
	cJSON_Delete(doc);
	cw_buf_dispose(&f.body);
}

static int send_object(cw_response *res, const cJSON *o, cw_case_kind kind,
                       cw_case_version v, const char *extra,
                       const char *envelope)
{
	cw_buf out = CW_BUF_INIT(CW_LIMIT_RESPONSE);
	int err;

	if (envelope)
		cw_buf_printf(&out, "{\"%s\":[", envelope);
	cw_case_write_object(&out, o, kind, v, extra);
	if (envelope)
		cw_buf_puts(&out, "]}");
	err = out.error ? out.error
	                : cw_response_buf(res, 200, "application/json", &out);
	cw_buf_dispose(&out);
	return err;
}

/* GET /<collection>/{id} of one kind; with_document adds the member that
 * names the object's CFDocument. */
static int get_one(cw_request *req, cw_response *res, cw_case_kind kind,
                   int with_document)
{
	const char *id = cw_request_param(req, "id");
	const cw_case_class *c = cw_case_class_of(kind);
	cw_case_version v = version_of(req);
	cw_buf extra = CW_BUF_INIT(4096);
	fetched f;
	cJSON *o = NULL;
	int err = fetch(&o, &f, req, id, kind);

	if (err == CW_ENOTFOUND) {
		err = not_found(res, v, c->name, id);
	} else if (err == 0) {
		if (kind == CW_CASE_DOCUMENT)
			put_link(&extra, req, "CFPackageURI",
			         cw_json_string(o, "title"), id, "/CFPackages");
		else if (with_document)
			document_link(&extra, req, f.document);
		err = send_object(res, o, kind, v, extra.data, NULL);
	}
	cJSON_Delete(o);
	cw_buf_dispose(&f.body);
	cw_buf_dispose(&extra);
	return err;
}

int cw_api_case_document(cw_request *req, cw_response *res)
{
	return get_one(req, res, CW_CASE_DOCUMENT, 0);
}

int cw_api_case_item(cw_request *req, cw_response *res)
{
	return get_one(req, res, CW_CASE_ITEM, 1);
}

int cw_api_case_association(cw_request *req, cw_response *res)
{
	return get_one(req, res, CW_CASE_ASSOCIATION, 1);
}

int cw_api_case_association_grouping(cw_request *req, cw_response *res)
{
	return get_one(req, res, CW_CASE_ASSOCIATION_GROUPING, 0);
}

int cw_api_case_license(cw_request *req, cw_response *res)
{
	return get_one(req, res, CW_CASE_LICENSE, 0);
}

int cw_api_case_rubric(cw_request *req, cw_response *res)
{
	return get_one(req, res, CW_CASE_RUBRIC, 0);
}

/* ---- a definition and the ones under it ---------------------------------- */

typedef struct {
	const char *code; /* the parent's hierarchyCode */
	size_t code_len;
	cw_case_version v;
	cw_buf *out;
	const char *parent;
} children;

static int add_child(const cw_case_record *r, void *payload)
{
	children *c = payload;
	cJSON *o = NULL;
	const char *code;
	int err = 0;

	if (strcmp(r->identifier, c->parent) == 0 ||
	    cw_json_parse(&o, r->body, r->body_len, CW_CASE_MAX_DEPTH, NULL) <
	            0)
		return 0;
	code = cw_json_string(o, "hierarchyCode");
	if (code && strlen(code) > c->code_len &&
	    strncmp(code, c->code, c->code_len) == 0 &&
	    code[c->code_len] == '.') {
		cw_buf_putc(c->out, ',');
		err = cw_case_write_object(c->out, o, (cw_case_kind)r->kind,
		                           c->v, NULL);
	}
	cJSON_Delete(o);
	return err;
}

/* GET /CFConcepts/{id} and the like: {"CFConcepts":[it, its children by
 * hierarchyCode]}. */
static int get_tree(cw_request *req, cw_response *res, cw_case_kind kind)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *id = cw_request_param(req, "id");
	const cw_case_class *cls = cw_case_class_of(kind);
	cw_case_version v = version_of(req);
	cw_buf out = CW_BUF_INIT(CW_LIMIT_RESPONSE);
	fetched f;
	cJSON *o = NULL;
	int err = fetch(&o, &f, req, id, kind);

	if (err == CW_ENOTFOUND) {
		err = not_found(res, v, cls->name, id);
	} else if (err == 0) {
		const char *code = cw_json_string(o, "hierarchyCode");
		children c = { code ? code : "", code ? strlen(code) : 0, v,
			       &out, id };

		cw_buf_printf(&out, "{\"%s\":[", cls->collection);
		cw_case_write_object(&out, o, kind, v, NULL);
		if (code && *code)
			err = cw_store_case_kind(ctx->store, tenant_of(req),
			                         kind, add_child, &c);
		cw_buf_puts(&out, "]}");
		if (err == 0)
			err = out.error ? out.error
			                : cw_response_buf(res, 200,
			                                  "application/json",
			                                  &out);
	}
	cJSON_Delete(o);
	cw_buf_dispose(&f.body);
	cw_buf_dispose(&out);
	return err;
}

int cw_api_case_concept(cw_request *req, cw_response *res)
{
	return get_tree(req, res, CW_CASE_CONCEPT);
}

int cw_api_case_subject(cw_request *req, cw_response *res)
{
	return get_tree(req, res, CW_CASE_SUBJECT);
}

int cw_api_case_item_type(cw_request *req, cw_response *res)
{
	return get_tree(req, res, CW_CASE_ITEM_TYPE);
}

/* ---- an item with its associations --------------------------------------- */

typedef struct {
	cw_buf *out;
	cw_case_version v;
	int count;
} linking;

static int add_link(const cw_case_record *r, void *payload)
{
	linking *l = payload;
	cJSON *o = NULL;
	int err;

	if (cw_json_parse(&o, r->body, r->body_len, CW_CASE_MAX_DEPTH, NULL) <
	    0)
		return CW_EIO;
	if (l->count++)
		cw_buf_putc(l->out, ',');
	err = cw_case_write_object(l->out, o, CW_CASE_ASSOCIATION, l->v, NULL);
	cJSON_Delete(o);
	return err;
}

/* {"CFItem": {…}, "CFAssociations": [every one it is an end of]}. */
int cw_api_case_item_associations(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *id = cw_request_param(req, "id");
	cw_case_version v = version_of(req);
	cw_buf out = CW_BUF_INIT(CW_LIMIT_RESPONSE), extra = CW_BUF_INIT(4096);
	linking l = { &out, v, 0 };
	fetched f;
	cJSON *o = NULL;
	int err = fetch(&o, &f, req, id, CW_CASE_ITEM);

	if (err == CW_ENOTFOUND) {
		err = not_found(res, v, "CFItem", id);
		goto out;
	}
	if (err < 0)
		goto out;
	document_link(&extra, req, f.document);
	cw_buf_puts(&out, "{\"CFItem\":");
	cw_case_write_object(&out, o, CW_CASE_ITEM, v, extra.data);
	cw_buf_puts(&out, ",\"CFAssociations\":[");
	err = cw_store_case_links(ctx->store, tenant_of(req), id, add_link, &l);
	cw_buf_puts(&out, "]}");
	if (err == 0)
		err = out.error ? out.error
		                : cw_response_buf(res, 200, "application/json",
		                                  &out);
out:
	cJSON_Delete(o);
	cw_buf_dispose(&f.body);
	cw_buf_dispose(&out);
	cw_buf_dispose(&extra);
	return err;
}

/* ---- packages and the document list -------------------------------------- */

typedef struct {
	cw_case_cache *cache;
	const cw_case_text *text;
} held_text;

static void release_text(void *arg)
{
	held_text *h = arg;

	cw_case_cache_release(h->cache, h->text);
	cw_free(h);
}

/* The package's text is shared from the cache, not copied: a framework
 * can be tens of megabytes. */
int cw_api_case_package(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *id = cw_request_param(req, "id");
	cw_case_version v = version_of(req);
	held_text *h = cw_calloc(1, sizeof(*h));
	int err;

	if (!h)
		return CW_ENOMEM;
	h->cache = ctx->packages;
	err = cw_case_cache_get(ctx->packages, ctx->store, tenant_of(req), id,
	                        (int)v, &h->text);
	if (err == CW_ENOTFOUND) {
		cw_free(h);
		return not_found(res, v, "CFPackage", id);
	}
	if (err < 0) {
		cw_free(h);
		return err;
	}
	return cw_response_shared(res, 200, "application/json", h->text->data,
	                          h->text->len, release_text, h);
}

typedef struct {
	cw_request *req;
	cw_case_version v;
	cJSON *list; /* each document in the version's form */
} listing;

static int add_document(const cw_case_record *r, void *payload)
{
	listing *l = payload;
	cw_buf text = CW_BUF_INIT(CW_LIMIT_RESPONSE), extra = CW_BUF_INIT(4096);
	cJSON *o = NULL, *shown = NULL;
	int err = cw_json_parse(&o, r->body, r->body_len, CW_CASE_MAX_DEPTH,
	                        NULL);

	if (err == 0) {
		put_link(&extra, l->req, "CFPackageURI",
		         cw_json_string(o, "title"), r->identifier,
		         "/CFPackages");
		err = cw_case_write_object(&text, o, CW_CASE_DOCUMENT, l->v,
		                           extra.data);
	}
	if (err == 0 && (err = cw_json_parse(&shown, text.data, text.len,
	                                     CW_CASE_MAX_DEPTH, NULL)) == 0)
		cJSON_AddItemToArray(l->list, shown);
	cJSON_Delete(o);
	cw_buf_dispose(&text);
	cw_buf_dispose(&extra);
	return err < 0 ? CW_EIO : 0;
}

/* The members a CFDocument in the list has, for filter and fields; made
 * once (pthread_once: requests run on several threads). */
static const char *document_names[48];

static void list_document_members(void)
{
	const cw_case_class *c = cw_case_class_of(CW_CASE_DOCUMENT);
	size_t n = 0;

	for (size_t i = 0; i < c->member_count && n < 46; i++)
		document_names[n++] = c->members[i].name;
	document_names[n++] = "CFPackageURI";
	document_names[n] = NULL;
}

static const char *const *document_members(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, list_document_members);
	return document_names;
}

/* The query as CASE reads it: an unknown filter field is an error, an
 * unknown sort field means the default order, an unknown selection the
 * whole records (RB §3). */
static int parse_query(cw_oq_query *q, cw_request *req, cw_oq_error *qe)
{
	const cw_config *config = cw_request_ctx(req)->config;
	const char *sort = cw_request_query(req, "sort");
	const char *fields = cw_request_query(req, "fields");

	for (int tries = 0; tries < 3; tries++) {
		int err = cw_oq_parse(q, cw_request_query(req, "limit"),
		                      cw_request_query(req, "offset"), sort,
		                      cw_request_query(req, "orderBy"),
		                      cw_request_query(req, "filter"), fields,
		                      config->rest_max_limit, qe);

		if (err < 0)
			return err;
		if (cw_oq_check_fields(q, document_members(), qe) == 0)
			return 0;
		cw_oq_dispose(q);
		if (strcmp(qe->code_minor, "invalid_sort_field") == 0)
			sort = NULL;
		else if (strcmp(qe->code_minor, "invalid_selection_field") == 0)
			fields = NULL;
		else
			return CW_EINVAL;
	}
	return CW_EINVAL;
}

/* Stable insertion sort: documents are few, and the store lists them by
 * identifier, which stays the order among equals. */
static void sort_documents(cJSON **items, size_t n, const cw_oq_query *q)
{
	for (size_t i = 1; i < n; i++) {
		cJSON *x = items[i];
		size_t j = i;

		while (j > 0 && cw_oq_compare(q, items[j - 1], x) > 0) {
			items[j] = items[j - 1];
			j--;
		}
		items[j] = x;
	}
}

static int respond_documents(cw_request *req, cw_response *res, cJSON *all,
                             cw_oq_query *q)
{
	size_t n = 0, total = 0;
	cJSON **items =
	        cw_calloc((size_t)cJSON_GetArraySize(all) + 1, sizeof(cJSON *));
	cJSON *doc = cJSON_CreateObject(), *list, *e;
	char origin[300];
	int err = 0;

	if (!items || !doc) {
		cw_free(items);
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	cJSON_ArrayForEach(e, all) if (cw_oq_match(q, e)) items[n++] = e;
	total = n;
	if (q->sort)
		sort_documents(items, n, q);
	list = cJSON_AddArrayToObject(doc, "CFDocuments");
	for (size_t i = (size_t)q->offset;
	     i < total && i < (size_t)q->offset + (size_t)q->limit; i++) {
		cJSON *one = cJSON_Duplicate(
		        items[q->descending && !q->sort ? total - 1 - i : i],
		        1);

		cw_oq_select(q, one);
		cJSON_AddItemToArray(list, one);
	}
	cw_api_origin(req, origin);
	err = cw_api_paging_headers(res, req, origin, (long)total, q->offset,
	                            q->limit);
	cw_free(items);
	if (err < 0) {
		cJSON_Delete(doc);
		return err;
	}
	return cw_response_json(res, 200, doc);
}

int cw_api_case_documents(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	listing l = { req, version_of(req), cJSON_CreateArray() };
	cw_oq_query q;
	cw_oq_error qe;
	int err;

	if (!l.list)
		return CW_ENOMEM;
	if (parse_query(&q, req, &qe) < 0) {
		cJSON_Delete(l.list);
		if (strcmp(qe.code_minor, "internal_server_error") == 0)
			return CW_ENOMEM;
		return cw_response_error(res, 400, qe.code_minor, "%s",
		                         qe.message);
	}
	err = cw_store_case_documents(ctx->store, tenant_of(req), add_document,
	                              &l);
	if (err == 0)
		err = respond_documents(req, res, l.list, &q);
	cw_oq_dispose(&q);
	cJSON_Delete(l.list);
	return err;
}

/* ---- crosswalks ---------------------------------------------------------- */

/* GET /crosswalk/v1/case/items/{id}/matches: the items it matches in the
 * tenant's other frameworks (engine/case_crosswalk.h). */
int cw_api_case_crosswalk(cw_request *req, cw_response *res)
{
	cw_ctx *ctx = cw_request_ctx(req);
	const char *id = cw_request_param(req, "id");
	cw_case_match *matches = NULL;
	size_t count = 0;
	int err = cw_case_crosswalk(&matches, &count, ctx->store,
	                            tenant_of(req), id);

	if (err == CW_ENOTFOUND)
		err = not_found(res, CW_CASE_V1P1, "CFItem", id);
	else if (err == 0)
		err = cw_response_json(
		        res, 200,
		        cw_case_crosswalk_json(ctx->store, tenant_of(req), id,
		                               matches, count));
	cw_free(matches);
	return err;
}
