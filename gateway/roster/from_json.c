/* REST JSON to CSV rows; see from_json.h. */
#include "roster/from_json.h"

#include "roster/rest.h"
#include "util/alloc.h"
#include "util/csv.h"
#include "util/error.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cw_or_json_csv_header(cw_buf *out, cw_or_version version,
                          cw_or_entity entity)
{
	const cw_or_file *f = cw_or_file_for(version, entity);
	if (!f)
		return CW_EINVAL;
	for (size_t i = 0; i < f->column_count; i++)
		cw_csv_write_field(out, f->columns[i].name,
		                   i + 1 == f->column_count);
	return out->error;
}

/* A reference's sourcedId: a GUIDRef object, or a bare string. */
static const char *ref_id(const cJSON *v)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(v, "sourcedId");
	return cJSON_IsString(id) ? id->valuestring : NULL;
}

static int put_number(cw_buf *cell, const cJSON *v)
{
	double d = v->valuedouble;
	if (d == floor(d) && fabs(d) < 1e15)
		return cw_buf_printf(cell, "%.0f", d);
	return cw_buf_printf(cell, "%.17g", d);
}

static int put_scalar(cw_buf *cell, const cw_or_column *col, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		if (col->type == CW_OR_DATE && strlen(v->valuestring) > 10 &&
		    v->valuestring[10] == 'T')
			return cw_buf_put(cell, v->valuestring, 10);
		return cw_buf_puts(cell, v->valuestring);
	}
	if (cJSON_IsBool(v))
		return cw_buf_puts(cell, cJSON_IsTrue(v) ? "true" : "false");
	if (cJSON_IsNumber(v))
		return put_number(cell, v);
	return CW_EINVAL;
}

/* One item of a list column. */
static int put_item(cw_buf *cell, const cw_or_column *col, const cJSON *item)
{
	if (col->ref >= 0) {
		const char *id = ref_id(item);
		return id ? cw_buf_puts(cell, id) : CW_EINVAL;
	}
	if (col->type == CW_OR_PAIR_LIST) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(item, "type");
		const cJSON *b =
		        cJSON_GetObjectItemCaseSensitive(item, "identifier");
		if (!cJSON_IsString(a) || !cJSON_IsString(b))
			return CW_EINVAL;
		return cw_buf_printf(cell, "{%s:%s}", a->valuestring,
		                     b->valuestring);
	}
	return put_scalar(cell, col, item);
}

static int put_cell(cw_buf *cell, const cw_or_column *col, const cJSON *v)
{
	if (!v || cJSON_IsNull(v))
		return 0;
	int list = col->type == CW_OR_GUID_LIST ||
	           col->type == CW_OR_STRING_LIST ||
	           col->type == CW_OR_PAIR_LIST || col->type == CW_OR_ENUM_LIST;
	if (!list) {
		if (col->ref >= 0) {
			const char *id = ref_id(v);
			return id ? cw_buf_puts(cell, id) : CW_EINVAL;
		}
		return put_scalar(cell, col, v);
	}
	if (cJSON_IsString(v)) /* a list some SIS send as "a,b" already */
		return cw_buf_puts(cell, v->valuestring);
	if (!cJSON_IsArray(v))
		return CW_EINVAL;
	const cJSON *item;
	int err = 0, first = 1;
	cJSON_ArrayForEach(item, v)
	{
		if (!first)
			cw_buf_putc(cell, ',');
		first = 0;
		if ((err = put_item(cell, col, item)) < 0)
			break;
	}
	return err;
}

/* The JSON member of every column of every file, worked out once: rows
 * are converted by the hundred thousand. */
static char member_names[2][CW_OR_ENTITY_COUNT][CW_OR_MAX_COLUMNS][64];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void build_member_names(void)
{
	static const cw_or_version versions[2] = { CW_OR_V1P1, CW_OR_V1P2 };
	for (int v = 0; v < 2; v++)
		for (int e = 0; e < CW_OR_ENTITY_COUNT; e++) {
			const cw_or_file *f = cw_or_file_for(versions[v], e);
			for (size_t i = 0;
			     f && i < f->column_count && i < CW_OR_MAX_COLUMNS;
			     i++)
				cw_or_rest_member_name(member_names[v][e][i], e,
				                       &f->columns[i]);
		}
}

int cw_or_json_csv_row(cw_buf *out, cw_or_version version, cw_or_entity entity,
                       const cJSON *record, int bulk)
{
	const cw_or_file *f = cw_or_file_for(version, entity);
	cw_buf cell = CW_BUF_INIT(1 << 20);
	int err = f && cJSON_IsObject(record) &&
	                          f->column_count <= CW_OR_MAX_COLUMNS
	                  ? 0
	                  : CW_EINVAL;
	pthread_once(&names_once, build_member_names);
	for (size_t i = 0; err == 0 && f && i < f->column_count; i++) {
		const char *member =
		        member_names[version == CW_OR_V1P1 ? 0 : 1][entity][i];
		cw_buf_clear(&cell);
		const cJSON *v =
		        cJSON_GetObjectItemCaseSensitive(record, member);
		if (bulk && (i == 1 || i == 2)) /* status, dateLastModified */
			v = NULL;
		if ((err = put_cell(&cell, &f->columns[i], v)) < 0) {
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(
			        record, "sourcedId");
			cw_error_set("%s %s: member \"%s\" has a JSON type "
			             "column %s cannot hold",
			             f->name,
			             cJSON_IsString(id) ? id->valuestring : "?",
			             member, f->columns[i].name);
			break;
		}
		cw_csv_write_field(out, cw_buf_cstr(&cell),
		                   i + 1 == f->column_count);
	}
	if (err == 0 && cell.error)
		err = cell.error;
	cw_buf_dispose(&cell);
	return err < 0 ? err : out->error;
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* One role of a user as a roles.csv object (the user's reference and an
 * id added), then as a line. */
static int role_row(cw_buf *out, const cJSON *role, const cJSON *owner,
                    const char *user, int bulk)
{
	cJSON *copy = cJSON_Duplicate(role, 1);
	const char *org =
	        copy ? ref_id(cJSON_GetObjectItemCaseSensitive(copy, "org"))
	             : NULL;
	const char *name = copy ? str_of(copy, "role") : NULL;
	char id[800];
	int err = copy ? 0 : CW_ENOMEM;
	if (err == 0 && !str_of(copy, "sourcedId")) {
		snprintf(id, sizeof(id), "%s.%s.%s", user, org ? org : "",
		         name ? name : "");
		if (!cJSON_AddStringToObject(copy, "sourcedId", id))
			err = CW_ENOMEM;
	}
	if (err == 0 && !cJSON_GetObjectItemCaseSensitive(copy, "user") &&
	    !cJSON_AddStringToObject(copy, "user", user))
		err = CW_ENOMEM;
	/* a delta needs each row's status and time: a role takes its
	 * user's when the JSON binding gives it none */
	for (int i = 0; err == 0 && !bulk && i < 2; i++) {
		const char *key = i ? "dateLastModified" : "status";
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(owner, key);
		if (!cJSON_GetObjectItemCaseSensitive(copy, key) &&
		    cJSON_IsString(v) &&
		    !cJSON_AddStringToObject(copy, key, v->valuestring))
			err = CW_ENOMEM;
	}
	if (err == 0)
		err = cw_or_json_csv_row(out, CW_OR_V1P2, CW_OR_ROLES, copy,
		                         bulk);
	cJSON_Delete(copy);
	return err;
}

int cw_or_json_csv_roles(cw_buf *out, const cJSON *user, int bulk)
{
	const char *id = str_of(user, "sourcedId");
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(user, "roles");
	const cJSON *role;
	int err = 0;
	if (!id)
		return CW_EINVAL;
	cJSON_ArrayForEach(role, roles)
	{
		if ((err = role_row(out, role, user, id, bulk)) < 0)
			break;
	}
	return err;
}

/* ---- the same over records of a cw_json_page ------------------------ */

#define SHAPES       8
#define ROLE_MEMBERS 64

typedef struct {
	uint64_t shape;
	size_t count;
	int16_t at[CW_OR_MAX_COLUMNS]; /* member of each column, -1: none */
} shape_map;

struct cw_or_json_rows {
	const cw_or_file *file;
	char (*names)[64]; /* each column's JSON member (shared, read only) */
	int bulk;
	cw_buf cell, text;
	cw_buf user, org, role_name, status, modified; /* for roles */
	shape_map shapes[SHAPES];
	unsigned next_shape;
	cw_or_json_rows *roles; /* roles.csv lines of 1.2 users */
	cw_jmember role_members[ROLE_MEMBERS];
};

int cw_or_json_rows_new(cw_or_json_rows **out, cw_or_version version,
                        cw_or_entity entity, int bulk)
{
	const cw_or_file *f = cw_or_file_for(version, entity);
	cw_or_json_rows *r;
	*out = NULL;
	if (!f || f->column_count > CW_OR_MAX_COLUMNS)
		return CW_EINVAL;
	if (!(r = cw_calloc(1, sizeof(*r))))
		return CW_ENOMEM;
	pthread_once(&names_once, build_member_names);
	r->file = f;
	r->names = member_names[version == CW_OR_V1P1 ? 0 : 1][entity];
	r->bulk = bulk;
	r->cell = (cw_buf)CW_BUF_INIT(1 << 20);
	r->text = (cw_buf)CW_BUF_INIT(4096);
	r->user = r->org = r->role_name = r->status = r->modified =
	        (cw_buf)CW_BUF_INIT(1 << 16);
	for (int i = 0; i < SHAPES; i++)
		r->shapes[i].count = (size_t)-1;
	*out = r;
	return 0;
}

void cw_or_json_rows_free(cw_or_json_rows *r)
{
	if (!r)
		return;
	cw_or_json_rows_free(r->roles);
	cw_buf_dispose(&r->cell);
	cw_buf_dispose(&r->text);
	cw_buf_dispose(&r->user);
	cw_buf_dispose(&r->org);
	cw_buf_dispose(&r->role_name);
	cw_buf_dispose(&r->status);
	cw_buf_dispose(&r->modified);
	cw_free(r);
}

/* Where each column's member is in record: cached by the record's shape
 * (its member names in order), checked against the names. */
static const int16_t *columns_of(cw_or_json_rows *r, const cw_jobject *o)
{
	size_t n = r->file->column_count;
	shape_map *m;
	for (int k = 0; k < SHAPES; k++) {
		m = &r->shapes[k];
		if (m->shape != o->shape || m->count != o->count)
			continue;
		size_t i = 0;
		while (i < n &&
		       (m->at[i] < 0 ||
		        cw_jv_equals(&o->members[m->at[i]].name, r->names[i])))
			i++;
		if (i == n)
			return m->at;
	}
	m = &r->shapes[r->next_shape++ % SHAPES];
	m->shape = o->shape;
	m->count = o->count;
	for (size_t i = 0; i < n; i++) {
		m->at[i] = -1;
		for (size_t j = 0; j < o->count && j < INT16_MAX; j++)
			if (cw_jv_equals(&o->members[j].name, r->names[i])) {
				m->at[i] = (int16_t)j;
				break;
			}
	}
	return m->at;
}

/* A reference's sourcedId: a GUIDRef object's, or a bare string. */
static int ref_id_jv(const cw_jv *v, cw_jv *out)
{
	if (v->type == CW_JV_STRING) {
		*out = *v;
		return 0;
	}
	if (cw_jv_member(v, "sourcedId", out) == 0 && out->type == CW_JV_STRING)
		return 0;
	return CW_EINVAL;
}

static int put_ref_jv(cw_buf *cell, const cw_jv *v)
{
	cw_jv id;
	return ref_id_jv(v, &id) < 0 ? CW_EINVAL : cw_jv_decode(cell, &id);
}

static int put_number_jv(cw_buf *cell, const cw_jv *v)
{
	char text[64];
	cJSON number = { 0 };
	snprintf(text, sizeof(text), "%.*s", (int)v->len, v->text);
	number.type = cJSON_Number;
	number.valuedouble = strtod(text, NULL);
	return put_number(cell, &number);
}

static int put_scalar_jv(cw_buf *cell, const cw_or_column *col, const cw_jv *v)
{
	size_t start = cell->len;
	int err;
	switch (v->type) {
	case CW_JV_STRING:
		if ((err = cw_jv_decode(cell, v)) < 0)
			return err;
		if (col->type == CW_OR_DATE && cell->len - start > 10 &&
		    cell->data[start + 10] == 'T') {
			cell->len = start + 10;
			cell->data[cell->len] = '\0';
		}
		return 0;
	case CW_JV_TRUE: return cw_buf_puts(cell, "true");
	case CW_JV_FALSE: return cw_buf_puts(cell, "false");
	case CW_JV_NUMBER: return put_number_jv(cell, v);
	default: return CW_EINVAL;
	}
}

static int put_item_jv(cw_buf *cell, const cw_or_column *col, const cw_jv *v)
{
	cw_jv a, b;
	if (col->ref >= 0)
		return put_ref_jv(cell, v);
	if (col->type != CW_OR_PAIR_LIST)
		return put_scalar_jv(cell, col, v);
	if (cw_jv_member(v, "type", &a) < 0 || a.type != CW_JV_STRING ||
	    cw_jv_member(v, "identifier", &b) < 0 || b.type != CW_JV_STRING)
		return CW_EINVAL;
	cw_buf_putc(cell, '{');
	cw_jv_decode(cell, &a);
	cw_buf_putc(cell, ':');
	cw_jv_decode(cell, &b);
	return cw_buf_putc(cell, '}');
}

static int put_cell_jv(cw_buf *cell, const cw_or_column *col, const cw_jv *v)
{
	size_t cursor = 0;
	cw_jv item;
	int err = 0, first = 1;
	if (!v || v->type == CW_JV_NULL)
		return 0;
	if (col->type != CW_OR_GUID_LIST && col->type != CW_OR_STRING_LIST &&
	    col->type != CW_OR_PAIR_LIST && col->type != CW_OR_ENUM_LIST)
		return col->ref >= 0 ? put_ref_jv(cell, v)
		                     : put_scalar_jv(cell, col, v);
	if (v->type == CW_JV_STRING) /* a list some SIS send as "a,b" */
		return cw_jv_decode(cell, v);
	if (v->type != CW_JV_ARRAY)
		return CW_EINVAL;
	while (err == 0 && cw_jv_next(v, &cursor, &item)) {
		if (!first)
			cw_buf_putc(cell, ',');
		first = 0;
		err = put_item_jv(cell, col, &item);
	}
	return err;
}

static void name_error(cw_or_json_rows *r, const cw_jobject *o, size_t column)
{
	const cw_jv *id = cw_jobject_get(o, "sourcedId");
	cw_buf_clear(&r->text);
	if (id && id->type == CW_JV_STRING)
		cw_jv_decode(&r->text, id);
	else
		cw_buf_puts(&r->text, "?");
	cw_error_set("%s %s: member \"%s\" has a JSON type column %s cannot "
	             "hold",
	             r->file->name, cw_buf_cstr(&r->text), r->names[column],
	             r->file->columns[column].name);
}

/* One line from o; a column whose member o lacks takes fallback[column]
 * when there is one. */
static int put_line(cw_or_json_rows *r, cw_buf *out, const cw_jobject *o,
                    const char *const *fallback)
{
	const int16_t *at = columns_of(r, o);
	size_t n = r->file->column_count;
	int err = 0;
	for (size_t i = 0; err == 0 && i < n; i++) {
		const cw_jv *v = at[i] >= 0 ? &o->members[at[i]].value : NULL;
		cw_jv given;
		if (!v && fallback && fallback[i]) {
			given = (cw_jv){ fallback[i], strlen(fallback[i]),
				         CW_JV_STRING, 0 };
			v = &given;
		}
		if (r->bulk &&
		    (i == 1 || i == 2)) /* status, dateLastModified */
			v = NULL;
		cw_buf_clear(&r->cell);
		if ((err = put_cell_jv(&r->cell, &r->file->columns[i], v)) <
		    0) {
			name_error(r, o, i);
			break;
		}
		cw_csv_write_field(out, cw_buf_cstr(&r->cell), i + 1 == n);
	}
	if (err == 0 && r->cell.error)
		err = r->cell.error;
	return err < 0 ? err : out->error;
}

int cw_or_json_rows_put(cw_or_json_rows *r, cw_buf *out,
                        const cw_jobject *record)
{
	if (record->whole.type != CW_JV_OBJECT)
		return CW_EINVAL;
	return put_line(r, out, record, NULL);
}

/* A nested object as a cw_jobject over r's scratch members. */
static int object_view(cw_or_json_rows *r, const cw_jv *v, cw_jobject *out)
{
	size_t cursor = 0, n = 0;
	cw_jmember m;
	out->whole = *v;
	out->members = r->role_members;
	out->shape = 0xcbf29ce484222325ULL;
	while (cw_jv_next_member(v, &cursor, &m.name, &m.value)) {
		if (n == ROLE_MEMBERS) {
			cw_error_set("a role with more than %d members",
			             ROLE_MEMBERS);
			return CW_ETOOBIG;
		}
		r->role_members[n++] = m;
		for (size_t k = 0; k < m.name.len; k++) {
			out->shape ^= (unsigned char)m.name.text[k];
			out->shape *= 0x100000001b3ULL;
		}
		out->shape = (out->shape ^ 0xff) * 0x100000001b3ULL;
	}
	out->count = n;
	return 0;
}

/* A string member of o decoded into out (emptied first); 0 when o has
 * none. */
static int string_of(cw_buf *out, const cw_jobject *o, const char *name,
                     int ref)
{
	const cw_jv *v = cw_jobject_get(o, name);
	cw_jv id;
	cw_buf_clear(out);
	if (!v || (ref ? ref_id_jv(v, &id) < 0 : v->type != CW_JV_STRING))
		return 0;
	cw_jv_decode(out, ref ? &id : v);
	return out->error ? out->error : 1;
}

/* One role of a user as a roles.csv line: the user's reference, an id
 * made up when it has none and (in a delta) the user's status and time,
 * as role_row does. */
static int role_line(cw_or_json_rows *r, cw_buf *out, const cw_jv *role,
                     const cw_jobject *owner, const char *user)
{
	cw_or_json_rows *roles = r->roles;
	const char *fallback[CW_OR_MAX_COLUMNS] = { 0 };
	cw_jobject o;
	char id[800];
	int err;
	if (role->type != CW_JV_OBJECT) {
		cw_error_set("users %s: a role that is not an object", user);
		return CW_EINVAL;
	}
	if ((err = object_view(roles, role, &o)) < 0 ||
	    (err = string_of(&roles->org, &o, "org", 1)) < 0 ||
	    (err = string_of(&roles->role_name, &o, "role", 0)) < 0)
		return err;
	snprintf(id, sizeof(id), "%s.%s.%s", user, cw_buf_cstr(&roles->org),
	         cw_buf_cstr(&roles->role_name));
	for (size_t i = 0; i < roles->file->column_count; i++) {
		const char *name = roles->names[i];
		if (strcmp(name, "sourcedId") == 0) {
			fallback[i] = id;
		} else if (strcmp(name, "user") == 0) {
			fallback[i] = user;
		} else if (!roles->bulk &&
		           (strcmp(name, "status") == 0 ||
		            strcmp(name, "dateLastModified") == 0)) {
			cw_buf *b = name[0] == 's' ? &roles->status
			                           : &roles->modified;
			if ((err = string_of(b, owner, name, 0)) < 0)
				return err;
			fallback[i] = err ? cw_buf_cstr(b) : NULL;
		}
	}
	return put_line(roles, out, &o, fallback);
}

int cw_or_json_rows_roles(cw_or_json_rows *r, cw_buf *out,
                          const cw_jobject *user)
{
	const cw_jv *list = cw_jobject_get(user, "roles");
	size_t cursor = 0;
	cw_jv role;
	int err;
	if (!r->roles && (err = cw_or_json_rows_new(&r->roles, CW_OR_V1P2,
	                                            CW_OR_ROLES, r->bulk)) < 0)
		return err;
	if ((err = string_of(&r->roles->user, user, "sourcedId", 0)) <= 0) {
		if (err == 0)
			cw_error_set("a user without a sourcedId string");
		return err < 0 ? err : CW_EINVAL;
	}
	while (list && cw_jv_next(list, &cursor, &role))
		if ((err = role_line(r, out, &role, user,
		                     cw_buf_cstr(&r->roles->user))) < 0)
			return err;
	return 0;
}
