/* `crosswalk migrate`'s engine: a tenant's rows read from one store and
 * loaded into another in one transaction, ids remapped, change-log numbers
 * shifted, tenant-bound sealed values sealed again; then verified by
 * comparing exports (tenant_compare.c), and taken back when they differ. */
#include "engine/tenant_copy.h"

#include "engine/badges.h"
#include "engine/case_mirror.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEYS_MAX ((size_t)1 << 30)

typedef struct {
	int64_t from, to;
} id_pair;

typedef struct {
	id_pair *pairs;
	size_t count, alloc;
	int unsorted;
} id_map;

struct cw_tenant_copier {
	cw_store_copy *load;
	const cw_tenant_copy_options *o;
	cw_tenant_copy_result *out;
	id_map maps[CW_COPY_SPACE_COUNT];
	int64_t shift[CW_COPY_SPACE_COUNT];
	int shift_known[CW_COPY_SPACE_COUNT];
	/* Ids of the rows of these tables, for the comparison. */
	cw_buf achievements, credentials, assertions;
	cw_buf shared; /* keys of shared rows this copy inserted */
	size_t table_index;
};

static int map_add(id_map *m, int64_t from, int64_t to)
{
	if (m->count == m->alloc) {
		size_t alloc = m->alloc ? m->alloc * 2 : 64;
		id_pair *p = cw_realloc(m->pairs, alloc * sizeof(*p));

		if (!p)
			return CW_ENOMEM;
		m->pairs = p;
		m->alloc = alloc;
	}
	if (m->count && m->pairs[m->count - 1].from >= from)
		m->unsorted = 1;
	m->pairs[m->count++] = (id_pair){ from, to };
	return 0;
}

static int pair_order(const void *a, const void *b)
{
	const id_pair *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

static const id_pair *map_find(id_map *m, int64_t from)
{
	id_pair key = { from, 0 };

	if (m->unsorted) {
		qsort(m->pairs, m->count, sizeof(*m->pairs), pair_order);
		m->unsorted = 0;
	}
	return m->count ? bsearch(&key, m->pairs, m->count, sizeof(*m->pairs),
	                          pair_order)
	                : NULL;
}

int64_t cw_tenant_copier_map(const cw_tenant_copier *copier,
                             cw_copy_space space, int64_t value)
{
	const id_pair *p;

	if (!copier || value == 0)
		return value;
	if (space == CW_COPY_SPACE_ROSTER_SEQ ||
	    space == CW_COPY_SPACE_CASE_SEQ)
		return value + copier->shift[space];
	/* Sorted by the copy already (each lookup during it sorts). */
	p = map_find((id_map *)&copier->maps[space], value);
	return p ? p->to : -value;
}

const char *cw_tenant_copier_keys(const cw_tenant_copier *copier,
                                  const char *table, size_t *len)
{
	const cw_buf *b =
	        strcmp(table, "badge_achievements") == 0 ? &copier->achievements
	        : strcmp(table, "badge_credentials") == 0 ? &copier->credentials
	                                                  : &copier->assertions;

	*len = b->len;
	return b->data ? b->data : "";
}

static const char *log_table(cw_copy_space space)
{
	return space == CW_COPY_SPACE_ROSTER_SEQ ? "roster_log" : "case_log";
}

/* The number a source sequence number gets: shifted by what puts the
 * tenant's first one at or after the target's next free one (0 when it is
 * there already, so readers' cursors stay right; never back, so a reader
 * gets changes again rather than missing any). */
static int shift_seq(cw_tenant_copier *c, cw_copy_space space, int64_t *value)
{
	int err;

	if (!c->shift_known[space]) {
		int64_t next = 1;
		const cw_copy_table *t = cw_copy_table_named(log_table(space));

		if ((err = cw_store_copy_next_seq(c->load, t, &next)) < 0)
			return err;
		c->shift[space] = next > *value ? next - *value : 0;
		c->shift_known[space] = 1;
	}
	*value += c->shift[space];
	return 0;
}

static int remap(cw_tenant_copier *c, const cw_copy_table *t, size_t i,
                 cw_copy_value *v)
{
	const id_pair *p;

	if (v->type != CW_COPY_INT || v->number == 0)
		return 0;
	p = map_find(&c->maps[t->columns[i].space], v->number);
	if (!p) {
		cw_error_set("%s.%s: the row points at id %lld, which is not "
		             "the tenant's",
		             t->name, t->columns[i].name, (long long)v->number);
		return CW_EINVAL;
	}
	v->number = p->to;
	return 0;
}

/* Column name's value of row as a C string in b. */
static const char *text_of(cw_buf *b, const cw_copy_table *t,
                           const cw_copy_value *row, const char *name)
{
	cw_buf_clear(b);
	for (size_t i = 0; i < t->column_count; i++)
		if (strcmp(t->columns[i].name, name) == 0 &&
		    row[i].type != CW_COPY_NULL)
			cw_buf_put(b, row[i].bytes, row[i].len);
	return b->error ? NULL : cw_buf_cstr(b);
}

static int reseal(cw_tenant_copier *c, const cw_copy_table *t,
                  const cw_copy_value *row, cw_copy_value *v, char **sealed)
{
	cw_buf text = CW_BUF_INIT(1 << 20), a = CW_BUF_INIT(4096),
	       b = CW_BUF_INIT(4096);
	int64_t from = c->out->from_id, to = c->out->to_id;
	int err = 0;

	if (v->type == CW_COPY_NULL || from == to)
		goto out;
	if (!c->o->master_key) {
		cw_error_set("%s: sealed values are bound to the tenant's id, "
		             "and no master key opens them",
		             t->name);
		err = CW_EINVAL;
		goto out;
	}
	if ((err = cw_buf_put(&text, v->bytes, v->len)) < 0)
		goto out;
	if (strcmp(t->name, "badge_issuer_keys") == 0)
		err = cw_badge_key_reseal(sealed, c->o->master_key, text.data,
		                          from, to,
		                          text_of(&a, t, row, "issuer"),
		                          text_of(&b, t, row, "kid"));
	else
		err = cw_case_mirror_reseal(sealed, c->o->master_key, text.data,
		                            from, to,
		                            text_of(&a, t, row, "base_url"));
	if (err == 0) {
		v->bytes = *sealed;
		v->len = strlen(*sealed);
	}
out:
	cw_buf_dispose(&text);
	cw_buf_dispose(&a);
	cw_buf_dispose(&b);
	return err;
}

static int note_key(cw_tenant_copier *c, const cw_copy_table *t,
                    const cw_copy_value *row, int inserted)
{
	cw_buf *keys =
	        strcmp(t->name, "badge_achievements") == 0  ? &c->achievements
	        : strcmp(t->name, "badge_credentials") == 0 ? &c->credentials
	        : strcmp(t->name, "badge_assertions") == 0  ? &c->assertions
	        : t->scope == CW_COPY_BY_SECRET_CLIENT && inserted ? &c->shared
	                                                           : NULL;
	/* The key: "id" of the badge tables, the first column of shared. */
	const cw_copy_value *key =
	        t->scope == CW_COPY_BY_SECRET_CLIENT ? &row[0] : &row[1];

	if (!keys || key->type == CW_COPY_NULL)
		return 0;
	cw_buf_put(keys, key->bytes, key->len);
	return cw_buf_putc(keys, '\0');
}

static int copy_row(const cw_copy_table *t, const cw_copy_value *row,
                    void *payload)
{
	cw_tenant_copier *c = payload;
	cw_copy_value values[CW_COPY_MAX_COLUMNS];
	char *sealed = NULL;
	int64_t new_id = 0, old_id = 0;
	int identity = -1, inserted = 0, err = 0;

	memcpy(values, row, t->column_count * sizeof(*row));
	for (size_t i = 0; err == 0 && i < t->column_count; i++) {
		cw_copy_value *v = &values[i];

		switch (t->columns[i].role) {
		case CW_COPY_PLAIN: break;
		case CW_COPY_IDENTITY:
			identity = (int)i;
			old_id = v->number;
			break;
		case CW_COPY_REF: err = remap(c, t, i, v); break;
		case CW_COPY_SEQ:
			if (v->type == CW_COPY_INT)
				err = shift_seq(c, t->columns[i].space,
				                &v->number);
			break;
		case CW_COPY_SEALED_TENANT:
			err = reseal(c, t, row, v, &sealed);
			break;
		}
	}
	if (err == 0)
		err = cw_store_copy_put(c->load, t, values, &new_id, &inserted);
	if (err == 0 && identity >= 0) {
		err = map_add(&c->maps[t->columns[identity].space], old_id,
		              new_id);
		if (t->columns[identity].space == CW_COPY_SPACE_TENANT)
			c->out->to_id = new_id;
	}
	if (err == 0)
		err = note_key(c, t, row, inserted);
	if (err == 0) {
		c->out->rows[c->table_index] += inserted ? 1 : 0;
		c->out->total += inserted ? 1 : 0;
	}
	cw_free(sealed);
	return err;
}

/* Every table of the tenant but those loaded after the verification (or
 * only those), in one transaction of the target. */
static int load(cw_tenant_copier *c, cw_store *from, cw_store *to,
                int after_verify)
{
	int err = cw_store_copy_begin(&c->load, to);

	for (size_t i = 0; err == 0 && i < c->out->table_count; i++) {
		const cw_copy_table *t = &c->out->tables[i];

		if (t->after_verify != after_verify || t->not_copied)
			continue;
		c->table_index = i;
		err = cw_store_copy_read(from, t, c->out->from_id, c->o->tenant,
		                         copy_row, c);
	}
	if (c->load) {
		/* The error of the copy, else the commit's. */
		int end = cw_store_copy_end(c->load, err == 0);
		if (err == 0)
			err = end;
	}
	c->load = NULL;
	return err;
}

/* Deletes what load wrote (but the after-verify tables), in one
 * transaction: the target is as it was before. */
static int undo(cw_tenant_copier *c, cw_store *to)
{
	cw_store_copy *copy = NULL;
	int err = cw_store_copy_begin(&copy, to);

	for (size_t i = c->out->table_count; err == 0 && i-- > 0;) {
		const cw_copy_table *t = &c->out->tables[i];

		if (t->after_verify || t->not_copied)
			continue;
		if (t->scope != CW_COPY_BY_SECRET_CLIENT) {
			err = cw_store_copy_delete(copy, t, c->out->to_id, NULL,
			                           NULL);
			continue;
		}
		for (size_t at = 0; err == 0 && at < c->shared.len;) {
			const char *key = c->shared.data + at;

			err = cw_store_copy_delete(copy, t, 0, key, NULL);
			at += strlen(key) + 1;
		}
	}
	if (copy) {
		int end = cw_store_copy_end(copy, err == 0);
		if (err == 0)
			err = end;
	}
	if (err == 0)
		c->out->undone = 1;
	return err;
}

static int find_tenants(cw_tenant_copy_result *out, cw_store *from,
                        cw_store *to, const char *name)
{
	cw_tenant tenant;
	int err = cw_store_tenant_get(from, name, &tenant);

	if (err == CW_ENOTFOUND)
		cw_error_set("the source store has no tenant \"%s\"", name);
	if (err < 0)
		return err;
	out->from_id = tenant.id;
	err = cw_store_tenant_get(to, name, &tenant);
	if (err == 0) {
		cw_error_set("the target store has a tenant \"%s\" already: "
		             "nothing copied",
		             name);
		return CW_EEXISTS;
	}
	return err == CW_ENOTFOUND ? 0 : err;
}

static void copier_dispose(cw_tenant_copier *c)
{
	for (int i = 0; i < CW_COPY_SPACE_COUNT; i++)
		cw_free(c->maps[i].pairs);
	cw_buf_dispose(&c->achievements);
	cw_buf_dispose(&c->credentials);
	cw_buf_dispose(&c->assertions);
	cw_buf_dispose(&c->shared);
}

/* Compares; on a difference or failure takes the copy back. */
static int verify(cw_tenant_copier *c, cw_store *from, cw_store *to)
{
	int64_t started = cw_time_now_ms();
	int err =
	        cw_tenant_compare(c->out, c, from, c->out->from_id, to,
	                          c->out->to_id, c->o->tenant, c->o->work_dir);

	c->out->verify_ms = cw_time_now_ms() - started;
	if (err == 0 && c->out->differs[0]) {
		cw_error_set("the target's exports differ from the source's: "
		             "%s",
		             c->out->differs);
		err = CW_EINVAL;
	}
	if (err == 0)
		c->out->verified = 1;
	return err;
}

int cw_tenant_copy(cw_tenant_copy_result *out, cw_store *from, cw_store *to,
                   const cw_tenant_copy_options *options)
{
	cw_tenant_copier c = { 0 };
	int64_t started = cw_time_now_ms();
	int err;

	memset(out, 0, sizeof(*out));
	out->tables = cw_copy_tables(&out->table_count);
	c.o = options;
	c.out = out;
	c.achievements = c.credentials = c.assertions = c.shared =
	        (cw_buf)CW_BUF_INIT(KEYS_MAX);
	if (out->table_count > CW_TENANT_COPY_TABLES_MAX) {
		cw_error_set("more tables than the copy counts");
		return CW_ETOOBIG;
	}
	if (!(out->compared = cJSON_CreateArray()))
		return CW_ENOMEM;
	if ((err = find_tenants(out, from, to, options->tenant)) < 0 ||
	    (err = load(&c, from, to, 0)) < 0)
		goto out;
	out->load_ms = cw_time_now_ms() - started;
	out->roster_seq_shift = c.shift[CW_COPY_SPACE_ROSTER_SEQ];
	out->case_seq_shift = c.shift[CW_COPY_SPACE_CASE_SEQ];
	if ((err = verify(&c, from, to)) == 0)
		err = load(&c, from, to, 1);
	if (err < 0) {
		/* Keep the message of what failed; the undo's own failure
		 * wins only as a store error. */
		char why[1024];
		int undone;

		snprintf(why, sizeof(why), "%s", cw_error_last());
		undone = undo(&c, to);
		if (undone < 0) {
			err = undone;
			goto out;
		}
		cw_error_set("%s", why);
	}
out:
	copier_dispose(&c);
	return err;
}

void cw_tenant_copy_result_dispose(cw_tenant_copy_result *result)
{
	cJSON_Delete(result->compared);
	result->compared = NULL;
}
