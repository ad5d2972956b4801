/* Stored rows as OneRoster 1.2 REST objects; see rest.h. */
#include "roster/rest.h"

#include "roster/fields.h"
#include "util/error.h"
#include "util/json.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	const char *singular, *plural, *collection, *service, *ref_type;
} entity_names;

#define ROSTERING "/ims/oneroster/rostering/v1p2"
#define GRADEBOOK "/ims/oneroster/gradebook/v1p2"
#define RESOURCES "/ims/oneroster/resources/v1p2"

static const entity_names names[CW_OR_ENTITY_COUNT] = {
	[CW_OR_ACADEMIC_SESSIONS] = { "academicSession", "academicSessions",
	                              "/academicSessions", ROSTERING,
	                              "academicSession" },
	[CW_OR_ORGS] = { "org", "orgs", "/orgs", ROSTERING, "org" },
	[CW_OR_COURSES] = { "course", "courses", "/courses", ROSTERING,
	                    "course" },
	[CW_OR_CLASSES] = { "class", "classes", "/classes", ROSTERING,
	                    "class" },
	[CW_OR_USERS] = { "user", "users", "/users", ROSTERING, "user" },
	[CW_OR_ROLES] = { "role", "roles", "/roles", ROSTERING, "role" },
	[CW_OR_ENROLLMENTS] = { "enrollment", "enrollments", "/enrollments",
	                        ROSTERING, "enrollment" },
	/* The 1.2 singleton envelope of demographics is plural too. */
	[CW_OR_DEMOGRAPHICS] = { "demographics", "demographics",
	                         "/demographics", ROSTERING, "demographics" },
	[CW_OR_USER_PROFILES] = { "userProfile", "userProfiles",
	                          "/userProfiles", ROSTERING, "userProfile" },
	[CW_OR_CATEGORIES] = { "category", "categories", "/categories",
	                       GRADEBOOK, "category" },
	[CW_OR_LINE_ITEMS] = { "lineItem", "lineItems", "/lineItems", GRADEBOOK,
	                       "lineItem" },
	[CW_OR_RESULTS] = { "result", "results", "/results", GRADEBOOK,
	                    "result" },
	[CW_OR_SCORE_SCALES] = { "scoreScale", "scoreScales", "/scoreScales",
	                         GRADEBOOK, "scoreScale" },
	[CW_OR_RESOURCES] = { "resource", "resources", "/resources", RESOURCES,
	                      "resource" },
};

static const entity_names *names_of(cw_or_entity e)
{
	return e >= 0 && e < CW_OR_ENTITY_COUNT && names[e].singular ? &names[e]
	                                                             : NULL;
}

const char *cw_or_rest_singular(cw_or_entity e)
{
	return names_of(e) ? names_of(e)->singular : NULL;
}

const char *cw_or_rest_plural(cw_or_entity e)
{
	return names_of(e) ? names_of(e)->plural : NULL;
}

const char *cw_or_rest_collection(cw_or_entity e)
{
	return names_of(e) ? names_of(e)->collection : NULL;
}

const char *cw_or_rest_service(cw_or_entity e)
{
	return names_of(e) ? names_of(e)->service : NULL;
}

/* ---- member names -------------------------------------------------------- */

/* The JSON member of a CSV column: references lose "SourcedId(s)", and
 * preferred names follow the JSON binding. */
static void member_name(char out[64], const cw_or_column *col)
{
	size_t len = strlen(col->name);

	if (strcmp(col->name, "preferredGivenName") == 0) {
		snprintf(out, 64, "preferredFirstName");
	} else if (strcmp(col->name, "preferredFamilyName") == 0) {
		snprintf(out, 64, "preferredLastName");
	} else if (col->ref >= 0 && len > 10 &&
	           strcmp(col->name + len - 10, "SourcedIds") == 0) {
		snprintf(out, 64, "%.*ss", (int)(len - 10), col->name);
	} else if (col->ref >= 0 && len > 9 &&
	           strcmp(col->name + len - 9, "SourcedId") == 0) {
		snprintf(out, 64, "%.*s", (int)(len - 9), col->name);
	} else {
		snprintf(out, 64, "%s", col->name);
	}
}

#define MAX_MEMBERS 40

static const char *member_table[CW_OR_ENTITY_COUNT][MAX_MEMBERS + 1];
static char member_text[CW_OR_ENTITY_COUNT][MAX_MEMBERS][64];

static void build_members(void)
{
	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++) {
		const cw_or_file *f = cw_or_file_for(CW_OR_V1P2, e);
		size_t n = 0;

		if (!f)
			continue;
		for (size_t i = 3; i < f->column_count && n + 3 < MAX_MEMBERS;
		     i++)
			member_name(member_text[e][n++], &f->columns[i]);
		snprintf(member_text[e][n++], 64, "metadata");
		if (e == CW_OR_USERS)
			snprintf(member_text[e][n++], 64, "roles");
		member_table[e][0] = "sourcedId";
		member_table[e][1] = "status";
		member_table[e][2] = "dateLastModified";
		for (size_t i = 0; i < n; i++)
			member_table[e][i + 3] = member_text[e][i];
		member_table[e][n + 3] = NULL;
	}
}

const char *const *cw_or_rest_members(cw_or_entity e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (e < 0 || e >= CW_OR_ENTITY_COUNT)
		return NULL;
	pthread_once(&once, build_members);
	return member_table[e][0] ? member_table[e] : NULL;
}

/* ---- objects ------------------------------------------------------------- */

static cJSON *guid_ref(const char *origin, cw_or_entity target, const char *id)
{
	const entity_names *n = names_of(target);
	cJSON *ref = cJSON_CreateObject();
	char href[1024];

	if (!ref)
		return NULL;
	snprintf(href, sizeof(href), "%s%s%s/%s", origin,
	         n ? n->service : ROSTERING, n ? n->collection : "", id);
	cJSON_AddStringToObject(ref, "href", href);
	cJSON_AddStringToObject(ref, "sourcedId", id);
	cJSON_AddStringToObject(ref, "type", n ? n->ref_type : "");
	return ref;
}

/* "{type:identifier}" as {"type", "identifier"}. */
static cJSON *user_id(const char *pair)
{
	size_t len = strlen(pair);
	const char *colon = strchr(pair, ':');
	cJSON *o = cJSON_CreateObject();
	char type[256], identifier[1024];

	if (!o)
		return NULL;
	if (len >= 2 && pair[0] == '{' && pair[len - 1] == '}' && colon) {
		snprintf(type, sizeof(type), "%.*s", (int)(colon - pair - 1),
		         pair + 1);
		snprintf(identifier, sizeof(identifier), "%.*s",
		         (int)(pair + len - 1 - colon - 1), colon + 1);
	} else {
		type[0] = '\0';
		snprintf(identifier, sizeof(identifier), "%s", pair);
	}
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "identifier", identifier);
	return o;
}

static cJSON *value_of(const cw_or_column *col, const cJSON *item,
                       const char *origin)
{
	cJSON *out;
	const cJSON *e;

	if (cJSON_IsString(item)) {
		if (col->ref >= 0)
			return guid_ref(origin, col->ref, item->valuestring);
		return cJSON_CreateString(item->valuestring);
	}
	if (!cJSON_IsArray(item) || !(out = cJSON_CreateArray()))
		return NULL;
	cJSON_ArrayForEach(e, item)
	{
		cJSON *v;

		if (!cJSON_IsString(e))
			continue;
		if (col->ref >= 0)
			v = guid_ref(origin, col->ref, e->valuestring);
		else if (col->type == CW_OR_PAIR_LIST)
			v = user_id(e->valuestring);
		else
			v = cJSON_CreateString(e->valuestring);
		if (v)
			cJSON_AddItemToArray(out, v);
	}
	return out;
}

/* The members of a stored row, in column order, into object. */
static int add_fields(cJSON *object, const cw_or_file *f, const char *stored,
                      const char *origin, const char *const *skip)
{
	cJSON *doc = NULL;
	const cJSON *item;
	size_t k = 0;

	if (cw_json_parse(&doc, stored, strlen(stored), 4, NULL) < 0 ||
	    !cJSON_IsArray(doc)) {
		cJSON_Delete(doc);
		return -1;
	}
	for (item = doc->child; item; item = item->next, k++) {
		const cw_or_column *col;
		char member[64];
		int skipped = 0;

		if (cJSON_IsObject(item)) {
			cJSON_AddItemToObject(object, "metadata",
			                      cJSON_Duplicate(item, 1));
			continue;
		}
		if (cJSON_IsNull(item) || k + 3 >= f->column_count)
			continue;
		col = &f->columns[k + 3];
		for (const char *const *s = skip; s && *s; s++)
			skipped |= strcmp(*s, col->name) == 0;
		if (skipped)
			continue;
		member_name(member, col);
		cJSON_AddItemToObject(object, member,
		                      value_of(col, item, origin));
	}
	cJSON_Delete(doc);
	return 0;
}

static cJSON *role_object(const cw_or_rest_row *role, const char *origin)
{
	static const char *const not_in_role[] = { "userSourcedId", NULL };
	const cw_or_file *f = cw_or_file_for(CW_OR_V1P2, CW_OR_ROLES);
	cJSON *o = cJSON_CreateObject();

	if (o && add_fields(o, f, role->stored, origin, not_in_role) < 0) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *cw_or_rest_object(const cw_or_rest_row *row, const char *origin,
                         const cw_or_rest_row *roles, size_t role_count)
{
	const cw_or_file *f = cw_or_file_for(CW_OR_V1P2, row->entity);
	cJSON *o = f ? cJSON_CreateObject() : NULL;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "sourcedId", row->sourced_id);
	cJSON_AddStringToObject(o, "status", row->status);
	cJSON_AddStringToObject(o, "dateLastModified", row->date_last_modified);
	if (strcmp(row->status, "active") == 0 &&
	    add_fields(o, f, row->stored, origin, NULL) < 0) {
		cJSON_Delete(o);
		return NULL;
	}
	if (row->entity == CW_OR_USERS) {
		cJSON *list = cJSON_AddArrayToObject(o, "roles");

		for (size_t i = 0; list && i < role_count; i++) {
			cJSON *r = role_object(&roles[i], origin);
			if (r)
				cJSON_AddItemToArray(list, r);
		}
	}
	return o;
}

/* ---- writing JSON text straight from stored arrays ----------------------- */

/* A string literal's bytes, its length known at compile time. */
#define LIT(b, s) cw_buf_put((b), (s), sizeof(s) - 1)

/* A GUIDRef for the id in a stored string's text ("id", quotes included;
 * sourcedIds hold no character JSON escapes). */
static void write_ref(cw_buf *b, const char *origin, cw_or_entity target,
                      const char *text, size_t len)
{
	const entity_names *n = names_of(target);

	/* Pieces, not a format: this runs for every reference served. */
	LIT(b, "{\"href\":\"");
	cw_buf_puts(b, origin);
	cw_buf_puts(b, n ? n->service : ROSTERING);
	cw_buf_puts(b, n ? n->collection : "");
	cw_buf_putc(b, '/');
	cw_buf_put(b, text + 1, len - 2);
	LIT(b, "\",\"sourcedId\":");
	cw_buf_put(b, text, len);
	LIT(b, ",\"type\":\"");
	cw_buf_puts(b, n ? n->ref_type : "");
	LIT(b, "\"}");
}

/* "{type:identifier}" (JSON string text) as {"type","identifier"}. */
static void write_user_id(cw_buf *b, const char *text, size_t len)
{
	const char *in = text + 1, *end = text + len - 1;
	const char *colon = memchr(in, ':', (size_t)(end - in));

	if (len >= 4 && *in == '{' && end[-1] == '}' && colon) {
		LIT(b, "{\"type\":\"");
		cw_buf_put(b, in + 1, (size_t)(colon - in - 1));
		LIT(b, "\",\"identifier\":\"");
		cw_buf_put(b, colon + 1, (size_t)(end - 1 - colon - 1));
		LIT(b, "\"}");
		return;
	}
	LIT(b, "{\"type\":\"\",\"identifier\":");
	cw_buf_put(b, text, len);
	cw_buf_putc(b, '}');
}

static int write_value(cw_buf *b, const cw_or_column *col, const char *text,
                       size_t len, const char *origin)
{
	const char *cursor, *at;
	size_t n;
	int r, first = 1;

	if (*text == '"') {
		if (col->ref >= 0)
			write_ref(b, origin, col->ref, text, len);
		else
			cw_buf_put(b, text, len);
		return 0;
	}
	if (*text != '[')
		return CW_EINVAL;
	if (col->ref < 0 && col->type != CW_OR_PAIR_LIST) {
		cw_buf_put(b, text, len); /* a list of strings as it is */
		return 0;
	}
	cw_buf_putc(b, '[');
	for (cursor = text; (r = cw_or_fields_next(&cursor, &at, &n)) == 1;
	     first = 0) {
		if (*at != '"')
			return CW_EINVAL;
		if (!first)
			cw_buf_putc(b, ',');
		if (col->ref >= 0)
			write_ref(b, origin, col->ref, at, n);
		else
			write_user_id(b, at, n);
	}
	cw_buf_putc(b, ']');
	return r < 0 ? CW_EINVAL : 0;
}

static int write_fields(cw_buf *b, const cw_or_file *f, const char *stored,
                        const char *origin, const char *skip, int *first)
{
	const char *const *members = cw_or_rest_members(f->entity);
	const char *cursor = stored, *at;
	size_t n, k = 0;
	int r, err = 0;

	while (err == 0 && (r = cw_or_fields_next(&cursor, &at, &n)) == 1) {
		const cw_or_column *col =
		        k + 3 < f->column_count ? &f->columns[k + 3] : NULL;
		k++;
		if (*at == 'n') /* null: empty */
			continue;
		if (*at == '{') {
			cw_buf_puts(b, *first ? "\"metadata\":"
			                      : ",\"metadata\":");
			cw_buf_put(b, at, n);
			*first = 0;
			continue;
		}
		if (!col)
			return CW_EINVAL;
		if (skip && strcmp(col->name, skip) == 0)
			continue;
		/* members[] is sourcedId, status, dateLastModified, then the
		 * columns' members in column order. */
		cw_buf_puts(b, *first ? "\"" : ",\"");
		cw_buf_puts(b, members[k + 2]);
		LIT(b, "\":");
		*first = 0;
		err = write_value(b, col, at, n, origin);
	}
	if (err == 0 && r < 0)
		err = CW_EINVAL;
	return err;
}

int cw_or_rest_write(cw_buf *out, const cw_or_rest_row *row, const char *origin,
                     const cw_or_rest_row *roles, size_t role_count)
{
	const cw_or_file *f = cw_or_file_for(CW_OR_V1P2, row->entity);
	int err = 0, first = 0;

	if (!f)
		return CW_EINVAL;
	LIT(out, "{\"sourcedId\":\"");
	cw_buf_put_json_string(out, row->sourced_id);
	LIT(out, "\",\"status\":\"");
	cw_buf_puts(out, row->status);
	LIT(out, "\",\"dateLastModified\":\"");
	cw_buf_puts(out, row->date_last_modified);
	cw_buf_putc(out, '"');
	if (strcmp(row->status, "active") == 0)
		err = write_fields(out, f, row->stored, origin, NULL, &first);
	if (err == 0 && row->entity == CW_OR_USERS) {
		const cw_or_file *rf = cw_or_file_for(CW_OR_V1P2, CW_OR_ROLES);

		LIT(out, ",\"roles\":[");
		for (size_t i = 0; err == 0 && i < role_count; i++) {
			int role_first = 1;

			cw_buf_puts(out, i ? ",{" : "{");
			err = write_fields(out, rf, roles[i].stored, origin,
			                   "userSourcedId", &role_first);
			cw_buf_putc(out, '}');
		}
		cw_buf_putc(out, ']');
	}
	if (err == 0)
		err = cw_buf_putc(out, '}');
	return err < 0 ? err : out->error;
}
