/* CASE crosswalks; see case_crosswalk.h. A breadth-first walk over the
 * stored associations: the store finds every association an identifier is
 * an end of, so each step is one indexed lookup. */
#include "engine/case_crosswalk.h"

#include "case/model.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strset.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	char identifier[256];
	int hops;
} step;

typedef struct {
	cw_store *store;
	int64_t tenant_id;
	char start_document[64];
	step *queue;
	size_t head, tail;
	cw_strset *seen;
	cw_case_match *matches;
	size_t count, alloc;
	const step *at; /* the step being expanded */
	int err;
} walk;

typedef struct {
	char document[64];
	int kind;
	cw_buf body;
} object;

static int keep_object(const cw_case_record *r, void *payload)
{
	object *o = payload;

	snprintf(o->document, sizeof(o->document), "%s", r->document);
	o->kind = r->kind;
	return o->body.data ? 0 : cw_buf_put(&o->body, r->body, r->body_len);
}

/* The stored object id (its body too), or CW_ENOTFOUND. */
static int lookup(walk *w, const char *id, object *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = CW_CASE_NONE;
	o->body = (cw_buf)CW_BUF_INIT((size_t)1 << 24);
	return cw_store_case_get(w->store, w->tenant_id, id, keep_object, o);
}

static int add_match(walk *w, const char *id, const char *relation,
                     const char *via, const char *document)
{
	cw_case_match *m;

	if (w->count == w->alloc) {
		size_t want = w->alloc ? w->alloc * 2 : 16;
		void *grown = cw_realloc(w->matches, want * sizeof(*m));

		if (!grown)
			return CW_ENOMEM;
		w->matches = grown;
		w->alloc = want;
	}
	m = &w->matches[w->count++];
	snprintf(m->identifier, sizeof(m->identifier), "%s", id);
	snprintf(m->document, sizeof(m->document), "%s", document);
	snprintf(m->relation, sizeof(m->relation), "%s", relation);
	snprintf(m->via, sizeof(m->via), "%s", via);
	m->hops = w->at->hops + 1;
	return 0;
}

static int enqueue(walk *w, const char *id)
{
	if (w->tail == CW_CASE_CROSSWALK_MAX)
		return 0; /* the walk stops growing; what it has stands */
	snprintf(w->queue[w->tail].identifier,
	         sizeof(w->queue[w->tail].identifier), "%s", id);
	w->queue[w->tail].hops = w->at->hops + 1;
	w->tail++;
	return 0;
}

/* The other end of an association of the step's item, if the association
 * counts: exactMatchOf from any step, isRelatedTo and ext: from the item
 * itself. */
static const char *counted_end(const walk *w, const cJSON *a, int *exact)
{
	const char *type = cw_json_string(a, "associationType");
	const char *origin = cw_json_string(
	        cJSON_GetObjectItem(a, "originNodeURI"), "identifier");
	const char *destination = cw_json_string(
	        cJSON_GetObjectItem(a, "destinationNodeURI"), "identifier");
	int related = type && (strcmp(type, "isRelatedTo") == 0 ||
	                       strncmp(type, "ext:", 4) == 0);

	*exact = type && strcmp(type, "exactMatchOf") == 0;
	if (!origin || !destination ||
	    !(*exact || (related && w->at->hops == 0)))
		return NULL;
	return strcmp(origin, w->at->identifier) == 0 ? destination : origin;
}

static int on_link(const cw_case_record *r, void *payload)
{
	walk *w = payload;
	cJSON *a = NULL;
	const char *other;
	int exact, err, stored;
	object o;

	if (cw_json_parse(&a, r->body, r->body_len, 32, NULL) < 0)
		return 0;
	other = counted_end(w, a, &exact);
	err = other ? cw_strset_put(w->seen, other, strlen(other), 0, NULL) : 0;
	if (err <= 0) { /* not counted, seen before, or no memory */
		cJSON_Delete(a);
		return err;
	}
	err = lookup(w, other, &o);
	stored = err == 0;
	if (err == 0 || err == CW_ENOTFOUND) {
		err = 0;
		/* A stored end that is no item (a document) is no match. */
		if (stored && o.kind == CW_CASE_ITEM &&
		    strcmp(o.document, w->start_document) != 0)
			err = add_match(w, other,
			                cw_json_string(a, "associationType"),
			                r->identifier, o.document);
		else if (!stored)
			err = add_match(w, other,
			                cw_json_string(a, "associationType"),
			                r->identifier, "");
		if (err == 0 && exact && (!stored || o.kind == CW_CASE_ITEM))
			err = enqueue(w, other);
	}
	cw_buf_dispose(&o.body);
	cJSON_Delete(a);
	return err;
}

int cw_case_crosswalk(cw_case_match **out, size_t *count, cw_store *store,
                      int64_t tenant_id, const char *id)
{
	walk w = { 0 };
	object start;
	int err;

	*out = NULL;
	*count = 0;
	w.store = store;
	w.tenant_id = tenant_id;
	err = lookup(&w, id, &start);
	cw_buf_dispose(&start.body);
	if (err == 0 && start.kind != CW_CASE_ITEM)
		err = CW_ENOTFOUND;
	if (err < 0)
		return err;
	snprintf(w.start_document, sizeof(w.start_document), "%s",
	         start.document);
	w.queue = cw_calloc(CW_CASE_CROSSWALK_MAX + 1, sizeof(step));
	if (!w.queue || cw_strset_new(&w.seen) < 0) {
		err = CW_ENOMEM;
		goto out;
	}
	snprintf(w.queue[0].identifier, sizeof(w.queue[0].identifier), "%s",
	         id);
	w.tail = 1;
	err = cw_strset_put(w.seen, id, strlen(id), 0, NULL) < 0 ? CW_ENOMEM
	                                                         : 0;
	for (; err == 0 && w.head < w.tail; w.head++) {
		w.at = &w.queue[w.head];
		err = cw_store_case_links(store, tenant_id, w.at->identifier,
		                          on_link, &w);
	}
out:
	cw_free(w.queue);
	cw_strset_free(w.seen);
	if (err < 0) {
		cw_free(w.matches);
		return err;
	}
	*out = w.matches;
	*count = w.count;
	return 0;
}

static void add_described(cJSON *m, cw_store *store, int64_t tenant_id,
                          const cw_case_match *match)
{
	walk w = { 0 };
	object item, doc;
	cJSON *tree = NULL;

	w.store = store;
	w.tenant_id = tenant_id;
	cJSON_AddBoolToObject(m, "stored", match->document[0] != '\0');
	if (lookup(&w, match->identifier, &item) == 0 &&
	    cw_json_parse(&tree, item.body.data, item.body.len, 32, NULL) ==
	            0) {
		const char *code = cw_json_string(tree, "humanCodingScheme");

		if (code)
			cJSON_AddStringToObject(m, "humanCodingScheme", code);
		cJSON_AddStringToObject(
		        m, "fullStatement",
		        cw_json_string(tree, "fullStatement")
		                ? cw_json_string(tree, "fullStatement")
		                : "");
		cJSON_Delete(tree);
		tree = NULL;
	}
	cw_buf_dispose(&item.body);
	if (match->document[0] && lookup(&w, match->document, &doc) == 0 &&
	    cw_json_parse(&tree, doc.body.data, doc.body.len, 32, NULL) == 0)
		cJSON_AddStringToObject(m, "documentTitle",
		                        cw_json_string(tree, "title")
		                                ? cw_json_string(tree, "title")
		                                : "");
	cJSON_Delete(tree);
	if (match->document[0])
		cw_buf_dispose(&doc.body);
}

cJSON *cw_case_crosswalk_json(cw_store *store, int64_t tenant_id,
                              const char *id, const cw_case_match *matches,
                              size_t count)
{
	cJSON *doc = cJSON_CreateObject(), *list;

	if (!doc)
		return NULL;
	cJSON_AddStringToObject(doc, "item", id);
	list = cJSON_AddArrayToObject(doc, "matches");
	for (size_t i = 0; list && i < count; i++) {
		cJSON *m = cJSON_CreateObject();

		if (!m)
			break;
		cJSON_AddStringToObject(m, "identifier", matches[i].identifier);
		cJSON_AddStringToObject(m, "document", matches[i].document);
		cJSON_AddStringToObject(m, "relation", matches[i].relation);
		cJSON_AddStringToObject(m, "via", matches[i].via);
		cJSON_AddNumberToObject(m, "hops", matches[i].hops);
		add_described(m, store, tenant_id, &matches[i]);
		cJSON_AddItemToArray(list, m);
	}
	return doc;
}
