/* The in-memory roster of a tenant; see roster_index.h. Rows live in an
 * arena of large blocks (pointers stay put), each entity's rows in store
 * order (sourcedId), links as (key, row) pairs sorted by key. */
#include "engine/roster_index.h"

#include "roster/fields.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK (4u << 20)

typedef struct block {
	struct block *next;
	size_t used, size;
	char data[];
} block;

typedef struct {
	const char *key; /* into a row's stored text, not NUL-terminated */
	uint32_t key_len;
	const cw_ri_row *row;
} link_pair;

typedef struct {
	cw_ri_row *rows;
	size_t count, alloc;
	const cw_ri_row **all; /* pointers to rows, for cw_ri_list */
} entity_rows;

typedef struct {
	const cw_ri_row **rows;
	size_t count, alloc;
} row_list;

struct cw_roster_index {
	block *blocks;
	size_t bytes;
	entity_rows entity[CW_OR_ENTITY_COUNT];
	row_list subset[CW_RI_SUBSET_COUNT];
	link_pair *links[CW_RI_LINK_COUNT];
	size_t link_count[CW_RI_LINK_COUNT], link_alloc[CW_RI_LINK_COUNT];
	/* cw_roster_index_linked hands out row pointer lists: one per link,
	 * parallel to links[], so a range of pairs is a range of rows. */
	const cw_ri_row **link_rows[CW_RI_LINK_COUNT];
	/* Where a single-valued link's key is in its rows' stored text. */
	cw_or_entity key_entity[CW_RI_LINK_COUNT];
	int key_position[CW_RI_LINK_COUNT];
	int64_t seq; /* the change log it reflects */
	int failed;
};

/* ---- memory -------------------------------------------------------------- */

static char *arena_copy(cw_roster_index *ix, const char *s, size_t len)
{
	block *b = ix->blocks;
	char *p;

	if (!b || b->size - b->used < len + 1) {
		size_t size = len + 1 > BLOCK ? len + 1 : BLOCK;

		b = cw_malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->next = ix->blocks;
		b->used = 0;
		b->size = size;
		ix->blocks = b;
		ix->bytes += sizeof(*b) + size;
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	p[len] = '\0';
	b->used += len + 1;
	return p;
}

static int grow(void **items, size_t *alloc, size_t count, size_t size)
{
	size_t n;
	void *grown;

	if (count < *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : 64;
	grown = cw_realloc(*items, n * size);
	if (!grown)
		return CW_ENOMEM;
	*items = grown;
	*alloc = n;
	return 0;
}

/* ---- reading stored arrays without a parser ------------------------------ */

/* Element k of a stored array: its text at *at, *len bytes. */
static int element(const char *stored, int k, const char **at, size_t *len)
{
	const char *cursor = stored;

	if (k < 0)
		return 0;
	for (int i = 0; cw_or_fields_next(&cursor, at, len) == 1; i++)
		if (i == k)
			return 1;
	return 0;
}

/* The string at element k (without quotes; ids have no escapes). */
static int element_string(const char *stored, int k, const char **s,
                          size_t *len)
{
	const char *at;
	size_t n;

	if (!element(stored, k, &at, &n) || n < 2 || at[0] != '"')
		return 0;
	*s = at + 1;
	*len = n - 2;
	return 1;
}

/* ---- building ------------------------------------------------------------ */

static int add_pair(cw_roster_index *ix, cw_ri_link link, const char *key,
                    size_t key_len, const cw_ri_row *row)
{
	link_pair *p;

	if (grow((void **)&ix->links[link], &ix->link_alloc[link],
	         ix->link_count[link], sizeof(link_pair)) < 0)
		return CW_ENOMEM;
	p = &ix->links[link][ix->link_count[link]++];
	p->key = key;
	p->key_len = (uint32_t)key_len;
	p->row = row;
	return 0;
}

static int link_by(cw_roster_index *ix, cw_ri_link link, const cw_ri_row *row,
                   const char *column, cw_or_entity e)
{
	const char *s;
	size_t n;

	if (!element_string(row->stored, cw_or_fields_position(e, column), &s,
	                    &n))
		return 0;
	return add_pair(ix, link, s, n, row);
}

/* classes.termSourcedIds: one pair per term. */
static int link_terms(cw_roster_index *ix, const cw_ri_row *row)
{
	const char *at, *p, *end;
	size_t n;
	int err = 0;

	if (!element(row->stored,
	             cw_or_fields_position(CW_OR_CLASSES, "termSourcedIds"),
	             &at, &n) ||
	    *at != '[')
		return 0;
	end = at + n;
	for (p = at + 1; err == 0 && p < end && *p == '"';) {
		const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));

		if (!close)
			break;
		err = add_pair(ix, CW_RI_CLASSES_BY_TERM, p + 1,
		               (size_t)(close - p - 1), row);
		p = close + 1;
		if (*p == ',')
			p++;
	}
	return err;
}

static int is_value(const cw_ri_row *row, cw_or_entity e, const char *column,
                    const char *want)
{
	const char *s;
	size_t n;

	return element_string(row->stored, cw_or_fields_position(e, column), &s,
	                      &n) &&
	       n == strlen(want) && memcmp(s, want, n) == 0;
}

static int subset_add(cw_roster_index *ix, cw_ri_subset subset,
                      const cw_ri_row *row)
{
	row_list *l = &ix->subset[subset];

	if (grow((void **)&l->rows, &l->alloc, l->count, sizeof(*l->rows)) < 0)
		return CW_ENOMEM;
	l->rows[l->count++] = row;
	return 0;
}

static int take_row(const cw_roster_record *r, void *payload)
{
	cw_roster_index *ix = payload;
	entity_rows *er;
	cw_ri_row *row;

	if (r->entity < 0 || r->entity >= CW_OR_ENTITY_COUNT)
		return 0;
	er = &ix->entity[r->entity];
	if (grow((void **)&er->rows, &er->alloc, er->count, sizeof(*row)) < 0)
		return CW_ENOMEM;
	row = &er->rows[er->count];
	row->id = arena_copy(ix, r->sourced_id, strlen(r->sourced_id));
	row->stored = arena_copy(ix, r->fields, strlen(r->fields));
	if (!row->id || !row->stored ||
	    cw_time_parse_iso(r->date_last_modified, &row->modified_ms) < 0)
		return CW_ENOMEM;
	er->count++;
	return 0;
}

static int by_key(const void *a, const void *b)
{
	const link_pair *x = a, *y = b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return strcmp(x->row->id, y->row->id);
}

/* Sorts a link's pairs by key and keeps its rows in that order; drops the
 * pairs when the key can be read from the row again. */
static int finish_link(cw_roster_index *ix, cw_ri_link l, int drop_pairs)
{
	if (!ix->link_count[l])
		return 0;
	qsort(ix->links[l], ix->link_count[l], sizeof(link_pair), by_key);
	ix->link_rows[l] = cw_malloc(ix->link_count[l] * sizeof(cw_ri_row *));
	if (!ix->link_rows[l])
		return CW_ENOMEM;
	for (size_t i = 0; i < ix->link_count[l]; i++)
		ix->link_rows[l][i] = ix->links[l][i].row;
	if (drop_pairs) {
		cw_free(ix->links[l]);
		ix->links[l] = NULL;
		ix->link_alloc[l] = 0;
	}
	return 0;
}

static int index_links(cw_roster_index *ix)
{
	static const struct {
		cw_ri_link link;
		cw_or_entity entity;
		const char *column;
	} singles[] = {
		{ CW_RI_ROLES_BY_USER, CW_OR_ROLES, "userSourcedId" },
		{ CW_RI_ROLES_BY_ORG, CW_OR_ROLES, "orgSourcedId" },
		{ CW_RI_ENROLLMENTS_BY_CLASS, CW_OR_ENROLLMENTS,
		  "classSourcedId" },
		{ CW_RI_ENROLLMENTS_BY_USER, CW_OR_ENROLLMENTS,
		  "userSourcedId" },
		{ CW_RI_ENROLLMENTS_BY_SCHOOL, CW_OR_ENROLLMENTS,
		  "schoolSourcedId" },
		{ CW_RI_CLASSES_BY_SCHOOL, CW_OR_CLASSES, "schoolSourcedId" },
		{ CW_RI_CLASSES_BY_COURSE, CW_OR_CLASSES, "courseSourcedId" },
		{ CW_RI_COURSES_BY_ORG, CW_OR_COURSES, "orgSourcedId" },
		{ CW_RI_SESSIONS_BY_PARENT, CW_OR_ACADEMIC_SESSIONS,
		  "parentSourcedId" },
		{ CW_RI_LINE_ITEMS_BY_CLASS, CW_OR_LINE_ITEMS,
		  "classSourcedId" },
		{ CW_RI_RESULTS_BY_LINE_ITEM, CW_OR_RESULTS,
		  "lineItemSourcedId" },
		{ CW_RI_RESULTS_BY_STUDENT, CW_OR_RESULTS, "studentSourcedId" },
		{ CW_RI_SCALES_BY_CLASS, CW_OR_SCORE_SCALES, "classSourcedId" },
		{ CW_RI_SCALES_BY_ORG, CW_OR_SCORE_SCALES, "orgSourcedId" },
		{ CW_RI_OBJECTIVES_BY_LINE_ITEM,
		  CW_OR_LINE_ITEM_LEARNING_OBJECTIVE_IDS, "lineItemSourcedId" },
		{ CW_RI_SCALES_BY_LINE_ITEM, CW_OR_LINE_ITEM_SCORE_SCALES,
		  "lineItemSourcedId" },
		{ CW_RI_OBJECTIVES_BY_RESULT,
		  CW_OR_RESULT_LEARNING_OBJECTIVE_IDS, "resultSourcedId" },
		{ CW_RI_SCALES_BY_RESULT, CW_OR_RESULT_SCORE_SCALES,
		  "resultSourcedId" },
		{ CW_RI_RESOURCES_BY_CLASS, CW_OR_CLASS_RESOURCES,
		  "classSourcedId" },
		{ CW_RI_RESOURCES_BY_COURSE, CW_OR_COURSE_RESOURCES,
		  "courseSourcedId" },
		{ CW_RI_RESOURCES_BY_USER, CW_OR_USER_RESOURCES,
		  "userSourcedId" },
		{ CW_RI_OBJECTIVES_BY_ASSESSMENT_LINE_ITEM,
		  CW_OR_ASSESSMENT_LINE_ITEM_LEARNING_OBJECTIVE_IDS,
		  "assessmentLineItemSourcedId" },
		{ CW_RI_OBJECTIVES_BY_ASSESSMENT_RESULT,
		  CW_OR_ASSESSMENT_RESULT_LEARNING_OBJECTIVE_IDS,
		  "assessmentResultSourcedId" },
	};
	int err = 0;

	/* One link at a time, so the (key, row) pairs of only one are held:
	 * most single-valued links keep just their sorted rows and read a
	 * row's key from its stored text when searched. */
	for (size_t s = 0; err == 0 && s < sizeof(singles) / sizeof(singles[0]);
	     s++) {
		const entity_rows *er = &ix->entity[singles[s].entity];
		cw_ri_link l = singles[s].link;

		for (size_t i = 0; err == 0 && i < er->count; i++)
			err = link_by(ix, l, &er->rows[i], singles[s].column,
			              singles[s].entity);
		ix->key_entity[l] = singles[s].entity;
		ix->key_position[l] = cw_or_fields_position(singles[s].entity,
		                                            singles[s].column);
		/* The links every page of users and of a class's members
		 * follow keep their pairs: a key read from a row costs a
		 * second cache miss at each step of the search. */
		if (err == 0)
			err = finish_link(
			        ix, l,
			        l != CW_RI_ROLES_BY_USER &&
			                l != CW_RI_ENROLLMENTS_BY_CLASS);
	}
	/* classes.termSourcedIds: a class under several keys keeps pairs. */
	for (size_t i = 0; err == 0 && i < ix->entity[CW_OR_CLASSES].count; i++)
		err = link_terms(ix, &ix->entity[CW_OR_CLASSES].rows[i]);
	if (err == 0)
		err = finish_link(ix, CW_RI_CLASSES_BY_TERM, 0);
	return err;
}

static int index_subsets(cw_roster_index *ix)
{
	const entity_rows *orgs = &ix->entity[CW_OR_ORGS];
	const entity_rows *sessions = &ix->entity[CW_OR_ACADEMIC_SESSIONS];
	int err = 0;

	for (size_t i = 0; err == 0 && i < orgs->count; i++)
		if (is_value(&orgs->rows[i], CW_OR_ORGS, "type", "school"))
			err = subset_add(ix, CW_RI_SCHOOLS, &orgs->rows[i]);
	for (size_t i = 0; err == 0 && i < sessions->count; i++) {
		const cw_ri_row *row = &sessions->rows[i];

		if (is_value(row, CW_OR_ACADEMIC_SESSIONS, "type", "term"))
			err = subset_add(ix, CW_RI_TERMS, row);
		else if (is_value(row, CW_OR_ACADEMIC_SESSIONS, "type",
		                  "gradingPeriod"))
			err = subset_add(ix, CW_RI_GRADING_PERIODS, row);
	}
	/* Students and teachers: users with such a role (links first). */
	for (size_t i = 0; err == 0 && i < ix->entity[CW_OR_USERS].count; i++) {
		const cw_ri_row *user = &ix->entity[CW_OR_USERS].rows[i];
		cw_ri_list roles = cw_roster_index_linked(
		        ix, CW_RI_ROLES_BY_USER, user->id);
		int student = 0, teacher = 0;

		for (size_t r = 0; r < roles.count; r++) {
			student |= is_value(roles.rows[r], CW_OR_ROLES, "role",
			                    "student");
			teacher |= is_value(roles.rows[r], CW_OR_ROLES, "role",
			                    "teacher");
		}
		if (student)
			err = subset_add(ix, CW_RI_STUDENTS, user);
		if (teacher && err == 0)
			err = subset_add(ix, CW_RI_TEACHERS, user);
	}
	return err;
}

int cw_roster_index_build(cw_roster_index **out, cw_store *store,
                          int64_t tenant_id)
{
	cw_roster_index *ix = cw_calloc(1, sizeof(*ix));
	int err;

	*out = NULL;
	if (!ix)
		return CW_ENOMEM;
	err = cw_store_roster_snapshot(store, tenant_id, &ix->seq, take_row,
	                               ix);
	for (int e = 0; err == 0 && e < CW_OR_ENTITY_COUNT; e++) {
		entity_rows *er = &ix->entity[e];

		if (!er->count)
			continue;
		er->all = cw_malloc(er->count * sizeof(*er->all));
		if (!er->all) {
			err = CW_ENOMEM;
			break;
		}
		for (size_t i = 0; i < er->count; i++)
			er->all[i] = &er->rows[i];
	}
	if (err == 0)
		err = index_links(ix);
	if (err == 0)
		err = index_subsets(ix);
	if (err < 0) {
		cw_roster_index_free(ix);
		return err;
	}
	*out = ix;
	return 0;
}

void cw_roster_index_free(cw_roster_index *ix)
{
	if (!ix)
		return;
	for (block *b = ix->blocks, *next; b; b = next) {
		next = b->next;
		cw_free(b);
	}
	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++) {
		cw_free(ix->entity[e].rows);
		cw_free(ix->entity[e].all);
	}
	for (int s = 0; s < CW_RI_SUBSET_COUNT; s++)
		cw_free(ix->subset[s].rows);
	for (int l = 0; l < CW_RI_LINK_COUNT; l++) {
		cw_free(ix->links[l]);
		cw_free(ix->link_rows[l]);
	}
	cw_free(ix);
}

/* ---- reading ------------------------------------------------------------- */

cw_ri_list cw_roster_index_list(const cw_roster_index *ix, cw_or_entity e,
                                cw_ri_subset subset)
{
	cw_ri_list l = { NULL, 0 };

	if (e < 0 || e >= CW_OR_ENTITY_COUNT)
		return l;
	if (subset != CW_RI_ALL) {
		l.rows = ix->subset[subset].rows;
		l.count = ix->subset[subset].count;
		return l;
	}
	l.rows = ix->entity[e].all;
	l.count = ix->entity[e].count;
	return l;
}

const cw_ri_row *cw_roster_index_find(const cw_roster_index *ix, cw_or_entity e,
                                      const char *id)
{
	size_t lo = 0, hi;

	if (e < 0 || e >= CW_OR_ENTITY_COUNT)
		return NULL;
	hi = ix->entity[e].count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->entity[e].rows[mid].id, id);

		if (c == 0)
			return &ix->entity[e].rows[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The key of entry i of link l: its pair's, or read from its row. */
static int entry_key(const cw_roster_index *ix, cw_ri_link l, size_t i,
                     const char **key, size_t *len)
{
	if (ix->links[l]) {
		*key = ix->links[l][i].key;
		*len = ix->links[l][i].key_len;
		return 1;
	}
	return element_string(ix->link_rows[l][i]->stored, ix->key_position[l],
	                      key, len);
}

static int entry_cmp(const cw_roster_index *ix, cw_ri_link l, size_t i,
                     const char *id, size_t len)
{
	const char *key = "";
	size_t n = 0, m;
	int c;

	entry_key(ix, l, i, &key, &n);
	m = n < len ? n : len;
	c = memcmp(key, id, m);
	if (c)
		return c;
	return n == len ? 0 : n < len ? -1 : 1;
}

cw_ri_list cw_roster_index_linked(const cw_roster_index *ix, cw_ri_link link,
                                  const char *id)
{
	cw_ri_list l = { NULL, 0 };
	size_t len = strlen(id), lo = 0, hi, first;

	if (link < 0 || link >= CW_RI_LINK_COUNT || !ix->link_rows[link])
		return l;
	hi = ix->link_count[link];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (entry_cmp(ix, link, mid, id, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < ix->link_count[link] &&
	       entry_cmp(ix, link, lo, id, len) == 0)
		lo++;
	l.rows = ix->link_rows[link] + first;
	l.count = lo - first;
	return l;
}

size_t cw_roster_index_rows(const cw_roster_index *ix)
{
	size_t n = 0;

	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++)
		n += ix->entity[e].count;
	return n;
}

size_t cw_roster_index_bytes(const cw_roster_index *ix)
{
	size_t n = ix->bytes;

	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++)
		n += ix->entity[e].alloc * sizeof(cw_ri_row) +
		     ix->entity[e].count * sizeof(cw_ri_row *);
	for (int l = 0; l < CW_RI_LINK_COUNT; l++)
		n += (ix->links[l] ? ix->link_alloc[l] * sizeof(link_pair)
		                   : 0) +
		     ix->link_count[l] * sizeof(cw_ri_row *);
	return n;
}

/* ---- the cache ----------------------------------------------------------- */

typedef struct tenant_slot {
	struct tenant_slot *next;
	int64_t tenant_id;
	cw_roster_index *index; /* current, or NULL before the first build */
	int64_t checked_ms;     /* when the change log was last asked */
	int building;
} tenant_slot;

/* An index handed out counts a reader; a replaced one is freed when its
 * last reader lets go. */
typedef struct held {
	struct held *next;
	const cw_roster_index *index;
	int readers;
	int retired;
} held;

struct cw_roster_cache {
	cw_store *store;
	long recheck_ms;
	pthread_mutex_t lock;
	pthread_cond_t built;
	tenant_slot *slots;
	held *holds;
};

int cw_roster_cache_new(cw_roster_cache **out, cw_store *store, long recheck_ms)
{
	cw_roster_cache *c = cw_calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return CW_ENOMEM;
	c->store = store;
	c->recheck_ms = recheck_ms;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->built, NULL);
	*out = c;
	return 0;
}

void cw_roster_cache_free(cw_roster_cache *c)
{
	if (!c)
		return;
	for (tenant_slot *s = c->slots, *next; s; s = next) {
		next = s->next;
		cw_roster_index_free(s->index);
		cw_free(s);
	}
	for (held *h = c->holds, *next; h; h = next) {
		next = h->next;
		if (h->retired)
			cw_roster_index_free((cw_roster_index *)h->index);
		cw_free(h);
	}
	pthread_cond_destroy(&c->built);
	pthread_mutex_destroy(&c->lock);
	cw_free(c);
}

static held *hold_of(cw_roster_cache *c, const cw_roster_index *ix)
{
	for (held *h = c->holds; h; h = h->next)
		if (h->index == ix)
			return h;
	return NULL;
}

/* Counts a reader of ix (the lock is held). */
static int hold(cw_roster_cache *c, const cw_roster_index *ix)
{
	held *h = hold_of(c, ix);

	if (!h) {
		h = cw_calloc(1, sizeof(*h));
		if (!h)
			return CW_ENOMEM;
		h->index = ix;
		h->next = c->holds;
		c->holds = h;
	}
	h->readers++;
	return 0;
}

/* The slot's index is replaced: free it now or when its readers are done. */
static void retire(cw_roster_cache *c, cw_roster_index *ix)
{
	held *h = ix ? hold_of(c, ix) : NULL;

	if (h && h->readers)
		h->retired = 1;
	else
		cw_roster_index_free(ix);
}

static tenant_slot *slot_of(cw_roster_cache *c, int64_t tenant_id)
{
	tenant_slot *s;

	for (s = c->slots; s; s = s->next)
		if (s->tenant_id == tenant_id)
			return s;
	s = cw_calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->tenant_id = tenant_id;
	s->next = c->slots;
	c->slots = s;
	return s;
}

int cw_roster_cache_get(cw_roster_cache *c, int64_t tenant_id,
                        const cw_roster_index **out)
{
	tenant_slot *s;
	cw_roster_index *fresh = NULL;
	int64_t seq = -1, now = cw_time_mono_ms();
	int err = 0, stale;

	*out = NULL;
	pthread_mutex_lock(&c->lock);
	s = slot_of(c, tenant_id);
	if (!s) {
		pthread_mutex_unlock(&c->lock);
		return CW_ENOMEM;
	}
	/* One build at a time per tenant. While it runs, the others read
	 * the index it replaces; only a tenant's first build makes them
	 * wait. */
	while (s->building && !s->index)
		pthread_cond_wait(&c->built, &c->lock);
	stale = !s->index || now - s->checked_ms >= c->recheck_ms;
	if (!stale || s->building) {
		err = hold(c, s->index);
		if (err == 0)
			*out = s->index;
		pthread_mutex_unlock(&c->lock);
		return err;
	}
	s->building = 1;
	pthread_mutex_unlock(&c->lock);

	err = cw_store_roster_seq(c->store, tenant_id, &seq);
	if (err == 0 && (!s->index || s->index->seq != seq))
		err = cw_roster_index_build(&fresh, c->store, tenant_id);

	pthread_mutex_lock(&c->lock);
	s->building = 0;
	if (err == 0) {
		s->checked_ms = now;
		if (fresh) {
			retire(c, s->index);
			s->index = fresh;
		}
	}
	if (err == 0 && (err = hold(c, s->index)) == 0)
		*out = s->index;
	pthread_cond_broadcast(&c->built);
	pthread_mutex_unlock(&c->lock);
	return err;
}

void cw_roster_cache_release(cw_roster_cache *c, const cw_roster_index *ix)
{
	held *h, **link;

	if (!ix)
		return;
	pthread_mutex_lock(&c->lock);
	for (link = &c->holds; (h = *link) && h->index != ix; link = &h->next)
		;
	if (h && --h->readers == 0) {
		*link = h->next;
		if (h->retired)
			cw_roster_index_free((cw_roster_index *)h->index);
		cw_free(h);
	}
	pthread_mutex_unlock(&c->lock);
}

void cw_roster_cache_invalidate(cw_roster_cache *c, int64_t tenant_id)
{
	pthread_mutex_lock(&c->lock);
	for (tenant_slot *s = c->slots; s; s = s->next)
		if (s->tenant_id == tenant_id)
			s->checked_ms = INT64_MIN / 2;
	pthread_mutex_unlock(&c->lock);
}

const cw_roster_index *cw_roster_cache_peek(cw_roster_cache *c,
                                            int64_t tenant_id)
{
	const cw_roster_index *ix = NULL;

	pthread_mutex_lock(&c->lock);
	for (tenant_slot *s = c->slots; s; s = s->next)
		if (s->tenant_id == tenant_id && s->index &&
		    hold(c, s->index) == 0)
			ix = s->index;
	pthread_mutex_unlock(&c->lock);
	return ix;
}
