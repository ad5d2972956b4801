/* Fuzzes the OneRoster query parameters: the input is up to six values
 * separated by NUL bytes, in the order filter, fields, sort, orderBy,
 * limit, offset (a value left out is absent). What parses must print and
 * parse again to the same predicates, and matching, ordering and selecting
 * on small fixed objects must keep their promises. */
#include "fuzz.h"

#include "roster/query.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIMIT 500L
#define PARAMS    6

/* The objects matched, ordered and selected: one JSON array. */
static const char OBJECTS[] =
        "[{\"sourcedId\":\"u1\",\"status\":\"active\",\"givenName\":\"Ann\","
        "\"familyName\":\"O'Neil\",\"score\":85,\"ratio\":0.5,"
        "\"enabledUser\":true,\"middleName\":null,\"grades\":[\"09\",\"10\"],"
        "\"identifier\":\"007\",\"empty\":[],"
        "\"dateLastModified\":\"2025-09-02T10:00:00.000Z\","
        "\"roles\":[{\"role\":\"student\",\"org\":{\"sourcedId\":\"s1\"}},"
        "{\"role\":\"teacher\",\"org\":{\"sourcedId\":\"s2\"}}],"
        "\"school\":{\"sourcedId\":\"s1\",\"type\":\"org\"},"
        "\"nested\":[[{\"id\":\"deep\"}],[]]},"
        "{\"sourcedId\":\"u2\",\"status\":\"tobedeleted\",\"score\":\"9\","
        "\"familyName\":\"abe\",\"grades\":[],\"roles\":[],"
        "\"school\":{\"sourcedId\":\"s2\"}},"
        "{\"sourcedId\":\"u0\",\"score\":-1e3,\"familyName\":null,"
        "\"grades\":\"KG\",\"enabledUser\":false},"
        "{\"status\":\"active\",\"score\":85,\"familyName\":[\"x\"]}]";

#define OBJECT_COUNT 4

static const char *const ALLOWED[] = { "sourcedId",  "status", "givenName",
	                               "familyName", "score",  "roles",
	                               "school",     "grades", NULL };

static cJSON *objects[OBJECT_COUNT];

/* Parsed once and kept for the whole run. */
static void load_objects(void)
{
	static cJSON *all;

	if (all)
		return;
	all = cJSON_Parse(OBJECTS);
	if (cJSON_GetArraySize(all) != OBJECT_COUNT)
		abort();
	for (int i = 0; i < OBJECT_COUNT; i++)
		objects[i] = cJSON_GetArrayItem(all, i);
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Segments of name characters joined by single dots. */
static int valid_path(const char *s, int dots)
{
	size_t n = 0;

	for (; *s; s++) {
		if (is_name_char(*s))
			n++;
		else if (*s == '.' && dots && n > 0)
			n = 0;
		else
			return 0;
	}
	return n > 0;
}

static const char *const OPERATORS[] = { "=", "!=", ">", ">=", "<", "<=", "~" };

/* The filter text of q's predicates, quotes doubled; malloc'd. */
static char *print_filter(const cw_oq_query *q)
{
	size_t size = 8, len = 0;
	char *out;

	for (int i = 0; i < q->predicate_count; i++)
		size += strlen(q->predicates[i].field) + 8 +
		        2 * strlen(q->predicates[i].value);
	if (!(out = malloc(size)))
		return NULL;
	for (int i = 0; i < q->predicate_count; i++) {
		const cw_oq_predicate *p = &q->predicates[i];
		const char *op = OPERATORS[p->op];

		if (i > 0) {
			const char *join = q->join_or ? " OR " : " AND ";

			memcpy(out + len, join, strlen(join));
			len += strlen(join);
		}
		memcpy(out + len, p->field, strlen(p->field));
		len += strlen(p->field);
		memcpy(out + len, op, strlen(op));
		len += strlen(op);
		out[len++] = '\'';
		for (const char *v = p->value; *v; v++) {
			if (*v == '\'')
				out[len++] = '\'';
			out[len++] = *v;
		}
		out[len++] = '\'';
	}
	out[len] = '\0';
	return out;
}

static void check_predicates(const cw_oq_query *q)
{
	if (q->predicate_count < 1 || q->predicate_count > 2)
		abort();
	for (int i = 0; i < q->predicate_count; i++) {
		const cw_oq_predicate *p = &q->predicates[i];

		if (!p->field || !p->value || !valid_path(p->field, 1) ||
		    (int)p->op < CW_OQ_EQ || p->op > CW_OQ_CONTAINS)
			abort();
	}
}

/* The printed filter parses to the same predicates. */
static void check_round_trip(const cw_oq_query *q)
{
	char *text = print_filter(q);
	cw_oq_query again;
	cw_oq_error err;
	int rc;

	if (!text)
		return;
	rc = cw_oq_parse(&again, NULL, NULL, NULL, NULL, text, NULL, 1, &err);
	if (rc == CW_ENOMEM)
		goto out;
	if (rc != 0 || again.predicate_count != q->predicate_count ||
	    (again.predicate_count == 2 && again.join_or != q->join_or))
		abort();
	for (int i = 0; i < q->predicate_count; i++)
		if (strcmp(again.predicates[i].field, q->predicates[i].field) ||
		    strcmp(again.predicates[i].value, q->predicates[i].value) ||
		    again.predicates[i].op != q->predicates[i].op)
			abort();
out:
	cw_oq_dispose(&again);
	free(text);
}

/* The match of two predicates is the AND / OR of each one's. */
static void check_match(const cw_oq_query *q, const cJSON *object)
{
	int whole = cw_oq_match(q, object), parts[2] = { 0, 0 };

	if (whole != 0 && whole != 1)
		abort();
	for (int i = 0; i < q->predicate_count; i++) {
		cw_oq_query one;

		memset(&one, 0, sizeof(one));
		one.predicates[0] = q->predicates[i];
		one.predicate_count = 1;
		parts[i] = cw_oq_match(&one, object);
	}
	if (q->predicate_count == 2 &&
	    whole != (q->join_or ? parts[0] || parts[1] : parts[0] && parts[1]))
		abort();
}

static int sign(int n)
{
	return (n > 0) - (n < 0);
}

/* A total order: reflexive, antisymmetric, transitive. */
static void check_order(const cw_oq_query *q)
{
	for (size_t i = 0; i < OBJECT_COUNT; i++) {
		if (cw_oq_compare(q, objects[i], objects[i]) != 0)
			abort();
		for (size_t j = 0; j < OBJECT_COUNT; j++) {
			int ij = sign(cw_oq_compare(q, objects[i], objects[j]));

			if (ij !=
			    -sign(cw_oq_compare(q, objects[j], objects[i])))
				abort();
			for (size_t k = 0; k < OBJECT_COUNT; k++)
				if (ij <= 0 &&
				    cw_oq_compare(q, objects[j], objects[k]) <=
				            0 &&
				    cw_oq_compare(q, objects[i], objects[k]) >
				            0)
					abort();
		}
	}
}

static int in_fields(const cw_oq_query *q, const char *name)
{
	for (size_t i = 0; i < q->field_count; i++)
		if (strcmp(q->fields[i], name) == 0)
			return 1;
	return 0;
}

/* Selecting keeps exactly the selected members the object had. */
static void check_select(const cw_oq_query *q, const cJSON *object)
{
	cJSON *copy = cJSON_Duplicate(object, 1);
	size_t kept = 0, expected = 0;

	if (!copy)
		return;
	cw_oq_select(q, copy);
	for (const cJSON *c = copy->child; c; c = c->next, kept++)
		if (q->fields && !in_fields(q, c->string))
			abort();
	for (const cJSON *c = object->child; c; c = c->next)
		expected += !q->fields || in_fields(q, c->string);
	if (kept != expected)
		abort();
	cJSON_Delete(copy);
}

static void check_query(const cw_oq_query *q, const char *const *params)
{
	cw_oq_error err;
	int rc;

	if (q->limit < 1 || q->limit > MAX_LIMIT || q->offset < 0 ||
	    q->offset > LONG_MAX - q->limit || q->descending < 0 ||
	    q->descending > 1)
		abort();
	if (params[0])
		check_predicates(q);
	else if (q->predicate_count != 0)
		abort();
	if ((params[1] != NULL) != (q->fields != NULL) ||
	    (q->fields && q->field_count == 0))
		abort();
	for (size_t i = 0; i < q->field_count; i++)
		if (!valid_path(q->fields[i], 0))
			abort();
	if ((params[2] != NULL) != (q->sort != NULL) ||
	    (q->sort &&
	     (!valid_path(q->sort, 1) || strcmp(q->sort, params[2]))))
		abort();
	if (q->predicate_count)
		check_round_trip(q);
	rc = cw_oq_check_fields(q, ALLOWED, &err);
	if (rc != 0 && (rc != CW_EINVAL || !err.code_minor || !err.message[0]))
		abort();
	for (size_t i = 0; i < OBJECT_COUNT; i++) {
		check_match(q, objects[i]);
		check_select(q, objects[i]);
	}
	check_order(q);
}

static int known_code(const char *code_minor)
{
	static const char *const codes[] = {
		"invalid_filter_field", "invalid_selection_field",
		"invaliddata", "invalid_sort_field", "internal_server_error"
	};

	for (size_t i = 0; code_minor && i < sizeof(codes) / sizeof(*codes);
	     i++)
		if (strcmp(code_minor, codes[i]) == 0)
			return 1;
	return 0;
}

static void check_failure(int rc, const cw_oq_query *q, const cw_oq_error *err)
{
	cw_oq_query zero;

	memset(&zero, 0, sizeof(zero));
	if ((rc != CW_EINVAL && rc != CW_ENOMEM) ||
	    !known_code(err->code_minor) || !err->message[0] ||
	    memchr(err->message, '\0', sizeof(err->message)) == NULL ||
	    memcmp(q, &zero, sizeof(zero)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *params[PARAMS] = { NULL };
	char *text = malloc(size + 1);
	cw_oq_query q;
	cw_oq_error err;
	size_t pos = 0;
	int rc;

	if (!text)
		return 0;
	load_objects();
	memcpy(text, data, size);
	text[size] = '\0';
	for (int i = 0; i < PARAMS && pos <= size; i++) {
		params[i] = text + pos;
		pos += strlen(text + pos) + 1;
	}
	rc = cw_oq_parse(&q, params[4], params[5], params[2], params[3],
	                 params[0], params[1], MAX_LIMIT, &err);
	if (rc == 0)
		check_query(&q, params);
	else
		check_failure(rc, &q, &err);
	cw_oq_dispose(&q);
	free(text);
	return 0;
}
