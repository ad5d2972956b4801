/* OneRoster collection query parameters: parsing and applying; see query.h. */
#include "roster/query.h"

#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT 100L

static const char CODE_FILTER[] = "invalid_filter_field";
static const char CODE_SELECTION[] = "invalid_selection_field";
static const char CODE_DATA[] = "invaliddata";
static const char CODE_SORT[] = "invalid_sort_field";
static const char CODE_MEMORY[] = "internal_server_error";

static const char OPERATORS[] = "an operator (=, !=, >, >=, <, <=, ~)";

/* ---- errors -------------------------------------------------------------- */

static int fail(cw_oq_error *err, int code, const char *code_minor,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(cw_oq_error *err, int code, const char *code_minor,
                const char *fmt, ...)
{
	char message[sizeof(err->message)];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(message, sizeof(message), fmt, ap) < 0)
		message[0] = '\0';
	va_end(ap);
	cw_error_set("%s", message);
	if (err) {
		err->code_minor = code_minor;
		memcpy(err->message, message, sizeof(message));
	}
	return code;
}

static int out_of_memory(cw_oq_error *err)
{
	return fail(err, CW_ENOMEM, CODE_MEMORY, "out of memory");
}

/* What stands at s[0], for messages: "'x'", "end of filter" or a byte. */
static void describe(char *out, size_t size, const char *s)
{
	unsigned char c = (unsigned char)*s;

	if (c == '\0')
		snprintf(out, size, "the end of the text");
	else if (c == ' ')
		snprintf(out, size, "a space");
	else if (c == '\'')
		snprintf(out, size, "a quote");
	else if (c > ' ' && c < 0x7f)
		snprintf(out, size, "'%c'", c);
	else
		snprintf(out, size, "byte 0x%02x", c);
}

static int filter_fail(cw_oq_error *err, const char *filter, size_t pos,
                       const char *expected)
{
	char found[32];

	describe(found, sizeof(found), filter + pos);
	return fail(err, CW_EINVAL, CODE_FILTER,
	            "filter: at offset %zu expected %s, found %s", pos,
	            expected, found);
}

/* ---- lexical helpers ----------------------------------------------------- */

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static size_t skip_spaces(const char *s, size_t pos)
{
	while (s[pos] == ' ')
		pos++;
	return pos;
}

static size_t name_length(const char *s)
{
	size_t n = 0;

	while (is_name_char(s[n]))
		n++;
	return n;
}

/*
 * Scans a dot path starting at s[*pos]: segments of name characters joined by
 * single dots. Leaves *pos after it; on a missing segment, leaves *pos there
 * and returns 0.
 */
static int scan_path(const char *s, size_t *pos)
{
	for (;;) {
		size_t n = name_length(s + *pos);

		if (n == 0)
			return 0;
		*pos += n;
		if (s[*pos] != '.')
			return 1;
		(*pos)++;
	}
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int contains_folded(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++) {
		size_t i = 0;

		while (i < n && haystack[i] &&
		       ascii_lower((unsigned char)haystack[i]) ==
		               ascii_lower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return 1;
	}
	return n == 0;
}

/* Decimal text only: strtod alone would take hex, inf, nan and spaces. */
static int parse_number(const char *s, double *out)
{
	char *end = NULL;

	if (*s == '\0' || s[strspn(s, "0123456789+-.eE")] != '\0')
		return 0;
	*out = strtod(s, &end);
	return end && *end == '\0' && end != s && isfinite(*out);
}

/* The shortest text that reads back as d, as cJSON prints it. */
static void number_text(char *out, size_t size, double d)
{
	snprintf(out, size, "%.15g", d);
	if (strtod(out, NULL) != d)
		snprintf(out, size, "%.17g", d);
}

/* ---- limit, offset, sort, orderBy ---------------------------------------- */

/* Plain decimal digits; *overflow set when they do not fit a long. */
static int parse_count(const char *text, long *out, int *overflow)
{
	char *end = NULL;

	*overflow = 0;
	if (text[0] == '\0' || text[strspn(text, "0123456789")] != '\0')
		return -1;
	errno = 0;
	*out = strtol(text, &end, 10);
	if (errno == ERANGE)
		*overflow = 1;
	return 0;
}

static int parse_limit(long *out, const char *text, long max_limit,
                       cw_oq_error *err)
{
	int overflow = 0;

	if (max_limit < 1)
		max_limit = 1;
	*out = DEFAULT_LIMIT;
	if (text && parse_count(text, out, &overflow) < 0)
		return fail(err, CW_EINVAL, CODE_DATA,
		            "limit: expected a whole number of at least 1, "
		            "found '%.40s'",
		            text);
	if (text && !overflow && *out < 1)
		return fail(err, CW_EINVAL, CODE_DATA,
		            "limit: expected at least 1, found %ld", *out);
	if (overflow || *out > max_limit)
		*out = max_limit;
	return 0;
}

static int parse_offset(long *out, const char *text, long limit,
                        cw_oq_error *err)
{
	int overflow = 0;

	*out = 0;
	if (!text)
		return 0;
	if (parse_count(text, out, &overflow) < 0)
		return fail(err, CW_EINVAL, CODE_DATA,
		            "offset: expected a whole number of at least 0, "
		            "found '%.40s'",
		            text);
	if (overflow || *out > LONG_MAX - limit)
		return fail(err, CW_EINVAL, CODE_DATA,
		            "offset: expected at most %ld, found '%.40s'",
		            LONG_MAX - limit, text);
	return 0;
}

static int parse_sort(char **out, const char *text, cw_oq_error *err)
{
	size_t pos = 0;

	if (!text)
		return 0;
	if (!scan_path(text, &pos) || text[pos] != '\0') {
		char found[32];

		describe(found, sizeof(found), text + pos);
		return fail(err, CW_EINVAL, CODE_SORT,
		            "sort: at offset %zu expected a field name "
		            "(letters, digits, '_', segments joined by '.'), "
		            "found %s",
		            pos, found);
	}
	*out = cw_strdup(text);
	return *out ? 0 : out_of_memory(err);
}

static int ascii_equal_folded(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ascii_lower((unsigned char)*a) !=
		    ascii_lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

static int parse_order(int *descending, const char *text, cw_oq_error *err)
{
	*descending = 0;
	if (!text || ascii_equal_folded(text, "asc"))
		return 0;
	if (ascii_equal_folded(text, "desc")) {
		*descending = 1;
		return 0;
	}
	return fail(err, CW_EINVAL, CODE_DATA,
	            "orderBy: expected 'asc' or 'desc', found '%.40s'", text);
}

/* ---- filter -------------------------------------------------------------- */

static int scan_operator(const char *s, size_t *pos, cw_oq_op *op,
                         cw_oq_error *err)
{
	size_t at = *pos;

	switch (s[at]) {
	case '=': *op = CW_OQ_EQ; break;
	case '~': *op = CW_OQ_CONTAINS; break;
	case '>': *op = s[at + 1] == '=' ? CW_OQ_GE : CW_OQ_GT; break;
	case '<': *op = s[at + 1] == '=' ? CW_OQ_LE : CW_OQ_LT; break;
	case '!':
		if (s[at + 1] != '=')
			return filter_fail(err, s, at + 1,
			                   "'=' after '!' (the operator !=)");
		*op = CW_OQ_NE;
		break;
	default: return filter_fail(err, s, at, OPERATORS);
	}
	*pos = at +
	       (*op == CW_OQ_NE || *op == CW_OQ_GE || *op == CW_OQ_LE ? 2 : 1);
	return 0;
}

/* Scans a quoted value at s[*pos] ("'" already checked); *out is its copy. */
static int scan_value(const char *s, size_t *pos, char **out, cw_oq_error *err)
{
	size_t open = *pos, at = open + 1, len = 0;
	char *value;

	for (;; at++, len++) {
		if (s[at] == '\0')
			return fail(err, CW_EINVAL, CODE_FILTER,
			            "filter: at offset %zu expected a closing "
			            "quote for the value opened at offset %zu, "
			            "found the end of the text",
			            at, open);
		if (s[at] == '\'' && s[at + 1] != '\'')
			break;
		if (s[at] == '\'')
			at++;
	}
	value = cw_malloc(len + 1);
	if (!value)
		return out_of_memory(err);
	len = 0;
	for (size_t i = open + 1; i < at; i++, len++) {
		value[len] = s[i];
		if (s[i] == '\'')
			i++;
	}
	value[len] = '\0';
	*out = value;
	*pos = at + 1;
	return 0;
}

static int scan_predicate(const char *s, size_t *pos, cw_oq_predicate *p,
                          cw_oq_error *err)
{
	size_t start = *pos, at = *pos;
	int rc;

	if (!scan_path(s, &at))
		return filter_fail(err, s, at,
		                   at == start ? "a field name"
		                               : "a field name after '.'");
	p->field = cw_strndup(s + start, at - start);
	if (!p->field)
		return out_of_memory(err);
	at = skip_spaces(s, at);
	if ((rc = scan_operator(s, &at, &p->op, err)) < 0)
		return rc;
	at = skip_spaces(s, at);
	if (s[at] != '\'')
		return filter_fail(err, s, at,
		                   "a quote opening the value (after the "
		                   "operator)");
	if ((rc = scan_value(s, &at, &p->value, err)) < 0)
		return rc;
	*pos = at;
	return 0;
}

/* Length of an AND / OR keyword at s that ends at a space or the text. */
static size_t join_length(const char *s, int *join_or)
{
	size_t n = 0;

	if (strncmp(s, "AND", 3) == 0)
		n = 3;
	else if (strncmp(s, "OR", 2) == 0)
		n = 2;
	if (n == 0 || (s[n] != ' ' && s[n] != '\0'))
		return 0;
	*join_or = n == 2;
	return n;
}

static int parse_filter(cw_oq_query *q, const char *s, cw_oq_error *err)
{
	size_t pos = skip_spaces(s, 0);

	for (;;) {
		size_t after, keyword;
		int rc, join_or = 0;

		rc = scan_predicate(s, &pos, &q->predicates[q->predicate_count],
		                    err);
		q->predicate_count++; /* so dispose frees a partial one */
		if (rc < 0)
			return rc;
		after = skip_spaces(s, pos);
		if (s[after] == '\0')
			return 0;
		keyword = after > pos ? join_length(s + after, &join_or) : 0;
		if (keyword == 0)
			return filter_fail(err, s, after,
			                   "' AND ', ' OR ' or the end of the "
			                   "filter after the closing quote");
		if (q->predicate_count == 2)
			return filter_fail(
			        err, s, after,
			        "the end of the filter (one AND or OR "
			        "joins at most two predicates)");
		q->join_or = join_or;
		pos = skip_spaces(s, after + keyword);
	}
}

/* ---- fields -------------------------------------------------------------- */

/* Validates the list; *count is its number of entries. */
static int scan_fields(const char *s, size_t *count, cw_oq_error *err)
{
	size_t pos = 0;

	*count = 0;
	for (;;) {
		size_t n;
		char found[32];

		pos = skip_spaces(s, pos);
		n = name_length(s + pos);
		if (n == 0) {
			describe(found, sizeof(found), s + pos);
			return fail(
			        err, CW_EINVAL, CODE_SELECTION,
			        "fields: at offset %zu expected a field name "
			        "(letters, digits, '_'), found %s",
			        pos, found);
		}
		(*count)++;
		pos = skip_spaces(s, pos + n);
		if (s[pos] == '\0')
			return 0;
		if (s[pos] != ',') {
			describe(found, sizeof(found), s + pos);
			return fail(err, CW_EINVAL, CODE_SELECTION,
			            "fields: at offset %zu expected ',' or the "
			            "end of the list, found %s",
			            pos, found);
		}
		pos++;
	}
}

static int parse_fields(cw_oq_query *q, const char *s, cw_oq_error *err)
{
	size_t count = 0, pos = 0;
	int rc;

	if ((rc = scan_fields(s, &count, err)) < 0)
		return rc;
	q->fields = cw_calloc(count, sizeof(*q->fields));
	if (!q->fields)
		return out_of_memory(err);
	for (size_t i = 0; i < count; i++) {
		size_t n;

		pos = skip_spaces(s, pos);
		n = name_length(s + pos);
		q->fields[i] = cw_strndup(s + pos, n);
		if (!q->fields[i])
			return out_of_memory(err);
		q->field_count++;
		pos = skip_spaces(s, pos + n) + 1; /* past the comma */
	}
	return 0;
}

/* ---- parse and dispose --------------------------------------------------- */

void cw_oq_dispose(cw_oq_query *q)
{
	if (!q)
		return;
	cw_free(q->sort);
	for (int i = 0; i < q->predicate_count && i < 2; i++) {
		cw_free(q->predicates[i].field);
		cw_free(q->predicates[i].value);
	}
	for (size_t i = 0; q->fields && i < q->field_count; i++)
		cw_free(q->fields[i]);
	cw_free(q->fields);
	memset(q, 0, sizeof(*q));
}

int cw_oq_parse(cw_oq_query *q, const char *limit, const char *offset,
                const char *sort, const char *order_by, const char *filter,
                const char *fields, long max_limit, cw_oq_error *err)
{
	int rc;

	memset(q, 0, sizeof(*q));
	if (err) {
		err->code_minor = NULL;
		err->message[0] = '\0';
	}
	if ((rc = parse_limit(&q->limit, limit, max_limit, err)) < 0 ||
	    (rc = parse_offset(&q->offset, offset, q->limit, err)) < 0 ||
	    (rc = parse_sort(&q->sort, sort, err)) < 0 ||
	    (rc = parse_order(&q->descending, order_by, err)) < 0 ||
	    (filter && (rc = parse_filter(q, filter, err)) < 0) ||
	    (fields && (rc = parse_fields(q, fields, err)) < 0))
		goto out;
	return 0;
out:
	cw_oq_dispose(q);
	return rc;
}

/* ---- check_fields -------------------------------------------------------- */

/* 1 when the first segment of path is in allowed. */
static int allowed_path(const char *path, const char *const *allowed)
{
	size_t n = strcspn(path, ".");

	for (; allowed && *allowed; allowed++)
		if (strlen(*allowed) == n && memcmp(*allowed, path, n) == 0)
			return 1;
	return 0;
}

static int unknown_field(cw_oq_error *err, const char *code_minor,
                         const char *where, const char *path,
                         const char *const *allowed)
{
	char list[160] = "";
	size_t used = 0;

	for (; allowed && *allowed && used < sizeof(list); allowed++) {
		int n = snprintf(list + used, sizeof(list) - used, "%s%s",
		                 used ? ", " : "", *allowed);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used >= sizeof(list))
		memcpy(list + sizeof(list) - 4, "...", 4);
	size_t n = strcspn(path, ".");

	return fail(err, CW_EINVAL, code_minor,
	            "%s: unknown field '%.*s'; expected one of: %s", where,
	            (int)(n < 40 ? n : 40), path, list);
}

int cw_oq_check_fields(const cw_oq_query *q, const char *const *allowed,
                       cw_oq_error *err)
{
	if (err) {
		err->code_minor = NULL;
		err->message[0] = '\0';
	}
	for (int i = 0; i < q->predicate_count && i < 2; i++)
		if (!allowed_path(q->predicates[i].field, allowed))
			return unknown_field(err, CODE_FILTER, "filter",
			                     q->predicates[i].field, allowed);
	if (q->sort && !allowed_path(q->sort, allowed))
		return unknown_field(err, CODE_SORT, "sort", q->sort, allowed);
	for (size_t i = 0; q->fields && i < q->field_count; i++)
		if (!allowed_path(q->fields[i], allowed))
			return unknown_field(err, CODE_SELECTION, "fields",
			                     q->fields[i], allowed);
	return 0;
}

/* ---- match --------------------------------------------------------------- */

/* The member named by the first segment of path (up to '.' or the end). */
static const cJSON *member(const cJSON *object, const char *path)
{
	size_t n = strcspn(path, ".");

	for (const cJSON *c = object->child; c; c = c->next)
		if (c->string && strncmp(c->string, path, n) == 0 &&
		    c->string[n] == '\0')
			return c;
	return NULL;
}

static const char *rest_of(const char *path)
{
	const char *dot = strchr(path, '.');

	return dot ? dot + 1 : "";
}

static int apply(cw_oq_op op, int order)
{
	switch (op) {
	case CW_OQ_EQ: return order == 0;
	case CW_OQ_NE: return order != 0;
	case CW_OQ_GT: return order > 0;
	case CW_OQ_GE: return order >= 0;
	case CW_OQ_LT: return order < 0;
	case CW_OQ_LE: return order <= 0;
	default: return 0;
	}
}

static int order_numbers(double a, double b)
{
	return (a > b) - (a < b);
}

static int sign(int n)
{
	return (n > 0) - (n < 0);
}

/* A present leaf against the value: text, and a number when it has one. */
static int match_leaf(const cw_oq_predicate *p, const cJSON *leaf)
{
	char text[40];
	const char *s;
	double left, right;
	int numeric = 0;

	if (cJSON_IsString(leaf) && leaf->valuestring) {
		s = leaf->valuestring;
		numeric = parse_number(s, &left);
	} else if (cJSON_IsNumber(leaf) && !isnan(leaf->valuedouble)) {
		left = leaf->valuedouble;
		number_text(text, sizeof(text), left);
		s = text;
		numeric = 1;
	} else if (cJSON_IsBool(leaf)) {
		s = cJSON_IsTrue(leaf) ? "true" : "false";
	} else {
		return p->op == CW_OQ_NE; /* null, an object: missing */
	}
	if (p->op == CW_OQ_CONTAINS)
		return contains_folded(s, p->value);
	if (numeric && parse_number(p->value, &right))
		return apply(p->op, order_numbers(left, right));
	return apply(p->op, sign(strcmp(s, p->value)));
}

static int match_node(const cw_oq_predicate *p, const cJSON *node,
                      const char *path)
{
	if (cJSON_IsArray(node)) {
		if (!node->child)
			return p->op == CW_OQ_NE;
		for (const cJSON *c = node->child; c; c = c->next)
			if (match_node(p, c, path))
				return 1;
		return 0;
	}
	if (node && *path == '\0')
		return match_leaf(p, node);
	if (cJSON_IsObject(node))
		return match_node(p, member(node, path), rest_of(path));
	return p->op == CW_OQ_NE;
}

int cw_oq_match(const cw_oq_query *q, const cJSON *object)
{
	int first, second;

	if (q->predicate_count < 1)
		return 1;
	first = match_node(&q->predicates[0], object, q->predicates[0].field);
	if (q->predicate_count < 2)
		return first;
	if (q->join_or ? first : !first)
		return first; /* decided without the second predicate */
	second = match_node(&q->predicates[1], object, q->predicates[1].field);
	return second;
}

/* ---- compare and select -------------------------------------------------- */

/* The value a sort path names: arrays give their first element. */
static const cJSON *sort_value(const cJSON *node, const char *path)
{
	for (;;) {
		if (cJSON_IsArray(node))
			node = node->child;
		else if (node && *path == '\0')
			return node;
		else if (cJSON_IsObject(node)) {
			node = member(node, path);
			path = rest_of(path);
		} else
			return NULL;
	}
}

enum { RANK_MISSING, RANK_NUMBER, RANK_TEXT };

static int rank(const cJSON *v)
{
	if (cJSON_IsNumber(v) && !isnan(v->valuedouble))
		return RANK_NUMBER;
	if ((cJSON_IsString(v) && v->valuestring) || cJSON_IsBool(v))
		return RANK_TEXT;
	return RANK_MISSING;
}

static const char *text_of(const cJSON *v)
{
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	return v->valuestring;
}

static int order_values(const cJSON *a, const cJSON *b)
{
	int ra = rank(a), rb = rank(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == RANK_NUMBER)
		return order_numbers(a->valuedouble, b->valuedouble);
	if (ra == RANK_TEXT)
		return sign(strcmp(text_of(a), text_of(b)));
	return 0;
}

int cw_oq_compare(const cw_oq_query *q, const cJSON *a, const cJSON *b)
{
	int order = 0;

	if (q->sort)
		order = order_values(sort_value(a, q->sort),
		                     sort_value(b, q->sort));
	if (order == 0)
		order = order_values(sort_value(a, "sourcedId"),
		                     sort_value(b, "sourcedId"));
	return q->descending ? -order : order;
}

static int selected(const cw_oq_query *q, const char *name)
{
	for (size_t i = 0; i < q->field_count; i++)
		if (strcmp(q->fields[i], name) == 0)
			return 1;
	return 0;
}

void cw_oq_select(const cw_oq_query *q, cJSON *object)
{
	cJSON *c, *next;

	if (!q->fields || !cJSON_IsObject(object))
		return;
	for (c = object->child; c; c = next) {
		next = c->next;
		if (!c->string || !selected(q, c->string))
			cJSON_Delete(cJSON_DetachItemViaPointer(object, c));
	}
}
