/* REST JSON to CSV rows; see from_json.h. */
#include "roster/from_json.h"

#include "roster/rest.h"
#include "util/csv.h"
#include "util/error.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
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
