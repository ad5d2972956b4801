/* OneRoster collection query parameters: limit, offset, sort, orderBy,
 * filter and fields parsed, then matched, ordered and selected on JSON. */
#include "roster/query.h"
#include "util/alloc.h"
#include "util/error.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *suite_roster_query(void);

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Parses the filter only; the caller disposes. */
static int parse_filter(cw_oq_query *q, const char *filter, cw_oq_error *err)
{
	return cw_oq_parse(q, NULL, NULL, NULL, NULL, filter, NULL, 1000, err);
}

static void assert_zeroed(const cw_oq_query *q)
{
	cw_oq_query zero;

	memset(&zero, 0, sizeof(zero));
	ck_assert_mem_eq(q, &zero, sizeof(zero));
}

/* ---- limit and offset ---------------------------------------------------- */

static const struct {
	const char *limit;
	long max_limit;
	int rc;
	long expected;
} limit_cases[] = {
	{ NULL, 1000, 0, 100 },
	{ NULL, 50, 0, 50 }, /* the default is clamped too */
	{ "1", 1000, 0, 1 },
	{ "5", 1000, 0, 5 },
	{ "100", 1000, 0, 100 },
	{ "1000", 1000, 0, 1000 },
	{ "1001", 1000, 0, 1000 },
	{ "5000", 1000, 0, 1000 },
	{ "007", 1000, 0, 7 },
	{ "99999999999999999999999999", 1000, 0, 1000 },
	{ "9223372036854775807", 1000, 0, 1000 },
	{ "9223372036854775808", 1000, 0, 1000 },
	{ "5", 0, 0, 1 }, /* a max_limit below 1 counts as 1 */
	{ "0", 1000, CW_EINVAL, 0 },
	{ "000", 1000, CW_EINVAL, 0 },
	{ "-1", 1000, CW_EINVAL, 0 },
	{ "-99999999999999999999999", 1000, CW_EINVAL, 0 },
	{ "", 1000, CW_EINVAL, 0 },
	{ "abc", 1000, CW_EINVAL, 0 },
	{ "5x", 1000, CW_EINVAL, 0 },
	{ "5 ", 1000, CW_EINVAL, 0 },
	{ " 5", 1000, CW_EINVAL, 0 },
	{ "+5", 1000, CW_EINVAL, 0 },
	{ "5.0", 1000, CW_EINVAL, 0 },
	{ "0x10", 1000, CW_EINVAL, 0 },
	{ "1e3", 1000, CW_EINVAL, 0 },
};

START_TEST(limit_values)
{
	cw_oq_query q;
	cw_oq_error err;
	int rc = cw_oq_parse(&q, limit_cases[_i].limit, NULL, NULL, NULL, NULL,
	                     NULL, limit_cases[_i].max_limit, &err);

	ck_assert_msg(rc == limit_cases[_i].rc, "limit '%s': rc %d",
	              limit_cases[_i].limit ? limit_cases[_i].limit : "(null)",
	              rc);
	if (rc == 0) {
		ck_assert_int_eq(q.limit, limit_cases[_i].expected);
		ck_assert_int_eq(q.offset, 0);
	} else {
		ck_assert_str_eq(err.code_minor, "invaliddata");
		ck_assert_ptr_nonnull(strstr(err.message, "limit"));
		ck_assert_str_eq(cw_error_last(), err.message);
		assert_zeroed(&q);
	}
	cw_oq_dispose(&q);
}
END_TEST

static const struct {
	const char *offset;
	const char *limit;
	int rc;
	long expected;
} offset_cases[] = {
	{ NULL, NULL, 0, 0 },
	{ "0", NULL, 0, 0 },
	{ "250", NULL, 0, 250 },
	{ "00250", NULL, 0, 250 },
	{ "9223372036854775707", NULL, 0, LONG_MAX - 100 },
	{ "9223372036854775708", NULL, CW_EINVAL, 0 }, /* + limit overflows */
	{ "9223372036854775806", "1", 0, LONG_MAX - 1 },
	{ "9223372036854775807", "1", CW_EINVAL, 0 },
	{ "99999999999999999999999", NULL, CW_EINVAL, 0 },
	{ "-1", NULL, CW_EINVAL, 0 },
	{ "-0", NULL, CW_EINVAL, 0 },
	{ "", NULL, CW_EINVAL, 0 },
	{ "x", NULL, CW_EINVAL, 0 },
	{ "1 ", NULL, CW_EINVAL, 0 },
	{ "1,2", NULL, CW_EINVAL, 0 },
};

START_TEST(offset_values)
{
	cw_oq_query q;
	cw_oq_error err;
	int rc =
	        cw_oq_parse(&q, offset_cases[_i].limit, offset_cases[_i].offset,
	                    NULL, NULL, NULL, NULL, 1000, &err);

	ck_assert_msg(rc == offset_cases[_i].rc, "offset '%s': rc %d",
	              offset_cases[_i].offset ? offset_cases[_i].offset
	                                      : "(null)",
	              rc);
	if (rc == 0) {
		ck_assert_int_eq(q.offset, offset_cases[_i].expected);
		ck_assert_int_le(q.offset, LONG_MAX - q.limit);
	} else {
		ck_assert_str_eq(err.code_minor, "invaliddata");
		ck_assert_ptr_nonnull(strstr(err.message, "offset"));
	}
	cw_oq_dispose(&q);
}
END_TEST

/* ---- sort and orderBy ---------------------------------------------------- */

static const struct {
	const char *order_by;
	int rc;
	int descending;
} order_cases[] = {
	{ NULL, 0, 0 },
	{ "asc", 0, 0 },
	{ "ASC", 0, 0 },
	{ "Asc", 0, 0 },
	{ "desc", 0, 1 },
	{ "DESC", 0, 1 },
	{ "dEsC", 0, 1 },
	{ "", CW_EINVAL, 0 },
	{ "descending", CW_EINVAL, 0 },
	{ "up", CW_EINVAL, 0 },
	{ " asc", CW_EINVAL, 0 },
	{ "asc ", CW_EINVAL, 0 },
	{ "de", CW_EINVAL, 0 },
};

START_TEST(order_by_values)
{
	cw_oq_query q;
	cw_oq_error err;
	int rc = cw_oq_parse(&q, NULL, NULL, "familyName",
	                     order_cases[_i].order_by, NULL, NULL, 1000, &err);

	ck_assert_int_eq(rc, order_cases[_i].rc);
	if (rc == 0) {
		ck_assert_int_eq(q.descending, order_cases[_i].descending);
		ck_assert_str_eq(q.sort, "familyName");
	} else {
		ck_assert_str_eq(err.code_minor, "invaliddata");
		ck_assert_ptr_nonnull(strstr(err.message, "orderBy"));
	}
	cw_oq_dispose(&q);
}
END_TEST

static const struct {
	const char *sort;
	int rc;
} sort_cases[] = {
	{ "familyName", 0 },
	{ "school.sourcedId", 0 },
	{ "roles.org.sourcedId", 0 },
	{ "_x9", 0 },
	{ "", CW_EINVAL },
	{ ".a", CW_EINVAL },
	{ "a.", CW_EINVAL },
	{ "a..b", CW_EINVAL },
	{ "a b", CW_EINVAL },
	{ "a-b", CW_EINVAL },
	{ " a", CW_EINVAL },
	{ "a,b", CW_EINVAL },
	{ "name\xc3\xa9", CW_EINVAL },
};

START_TEST(sort_values)
{
	cw_oq_query q;
	cw_oq_error err;
	int rc = cw_oq_parse(&q, NULL, NULL, sort_cases[_i].sort, NULL, NULL,
	                     NULL, 1000, &err);

	ck_assert_msg(rc == sort_cases[_i].rc, "sort '%s': rc %d",
	              sort_cases[_i].sort, rc);
	if (rc == 0)
		ck_assert_str_eq(q.sort, sort_cases[_i].sort);
	else
		ck_assert_str_eq(err.code_minor, "invalid_sort_field");
	cw_oq_dispose(&q);
}
END_TEST

/* ---- filter: good ------------------------------------------------------- */

static const struct {
	const char *filter;
	int count;
	int join_or;
	const char *field[2];
	cw_oq_op op[2];
	const char *value[2];
} good_filters[] = {
	{ "status='active'", 1, 0, { "status" }, { CW_OQ_EQ }, { "active" } },
	{ "status!='tobedeleted'",
	  1,
	  0,
	  { "status" },
	  { CW_OQ_NE },
	  { "tobedeleted" } },
	{ "score>'5'", 1, 0, { "score" }, { CW_OQ_GT }, { "5" } },
	{ "score>='5'", 1, 0, { "score" }, { CW_OQ_GE }, { "5" } },
	{ "score<'5'", 1, 0, { "score" }, { CW_OQ_LT }, { "5" } },
	{ "score<='5'", 1, 0, { "score" }, { CW_OQ_LE }, { "5" } },
	{ "givenName~'an'",
	  1,
	  0,
	  { "givenName" },
	  { CW_OQ_CONTAINS },
	  { "an" } },
	{ "status = 'active'", 1, 0, { "status" }, { CW_OQ_EQ }, { "active" } },
	{ "score  >=  '5'", 1, 0, { "score" }, { CW_OQ_GE }, { "5" } },
	{ " status='active' ", 1, 0, { "status" }, { CW_OQ_EQ }, { "active" } },
	{ "familyName='O''Neil'",
	  1,
	  0,
	  { "familyName" },
	  { CW_OQ_EQ },
	  { "O'Neil" } },
	{ "a=''", 1, 0, { "a" }, { CW_OQ_EQ }, { "" } },
	{ "a=''''", 1, 0, { "a" }, { CW_OQ_EQ }, { "'" } },
	{ "a='x'''", 1, 0, { "a" }, { CW_OQ_EQ }, { "x'" } },
	{ "a='''x'", 1, 0, { "a" }, { CW_OQ_EQ }, { "'x" } },
	{ "a='a''''b'", 1, 0, { "a" }, { CW_OQ_EQ }, { "a''b" } },
	{ "a='x AND y=''z'''", 1, 0, { "a" }, { CW_OQ_EQ }, { "x AND y='z'" } },
	{ "a='>=<~!'", 1, 0, { "a" }, { CW_OQ_EQ }, { ">=<~!" } },
	{ "a='caf\xc3\xa9'", 1, 0, { "a" }, { CW_OQ_EQ }, { "caf\xc3\xa9" } },
	{ "school.sourcedId='s1'",
	  1,
	  0,
	  { "school.sourcedId" },
	  { CW_OQ_EQ },
	  { "s1" } },
	{ "roles.org.sourcedId='s1'",
	  1,
	  0,
	  { "roles.org.sourcedId" },
	  { CW_OQ_EQ },
	  { "s1" } },
	{ "status='active' AND dateLastModified>'2025-09-01T00:00:00.000Z'",
	  2,
	  0,
	  { "status", "dateLastModified" },
	  { CW_OQ_EQ, CW_OQ_GT },
	  { "active", "2025-09-01T00:00:00.000Z" } },
	{ "role='student' OR role='teacher'",
	  2,
	  1,
	  { "role", "role" },
	  { CW_OQ_EQ, CW_OQ_EQ },
	  { "student", "teacher" } },
	{ "a>='1'   OR   b<='2'",
	  2,
	  1,
	  { "a", "b" },
	  { CW_OQ_GE, CW_OQ_LE },
	  { "1", "2" } },
	{ "AND='x' OR OR='y'",
	  2,
	  1,
	  { "AND", "OR" },
	  { CW_OQ_EQ, CW_OQ_EQ },
	  { "x", "y" } },
	{ "a != 'x' AND b ~ 'y'",
	  2,
	  0,
	  { "a", "b" },
	  { CW_OQ_NE, CW_OQ_CONTAINS },
	  { "x", "y" } },
};

START_TEST(filter_good)
{
	cw_oq_query q;
	cw_oq_error err;
	int rc = parse_filter(&q, good_filters[_i].filter, &err);

	ck_assert_msg(rc == 0, "filter \"%s\": %s", good_filters[_i].filter,
	              err.message);
	ck_assert_int_eq(q.predicate_count, good_filters[_i].count);
	ck_assert_int_eq(q.join_or, good_filters[_i].join_or);
	for (int i = 0; i < q.predicate_count; i++) {
		ck_assert_str_eq(q.predicates[i].field,
		                 good_filters[_i].field[i]);
		ck_assert_int_eq(q.predicates[i].op, good_filters[_i].op[i]);
		ck_assert_str_eq(q.predicates[i].value,
		                 good_filters[_i].value[i]);
	}
	cw_oq_dispose(&q);
	assert_zeroed(&q);
	cw_oq_dispose(&q); /* twice is harmless */
}
END_TEST

/* ---- filter: bad --------------------------------------------------------- */

static const struct {
	const char *filter;
	size_t offset;      /* the offset the message names */
	const char *expect; /* a word of what it says was expected */
} bad_filters[] = {
	{ "", 0, "field name" },
	{ "   ", 3, "field name" },
	{ "status", 6, "operator" },               /* missing operator */
	{ "status'active'", 6, "operator" },       /* missing operator */
	{ "status 'active'", 7, "operator" },      /* missing operator */
	{ "status^'a'", 6, "operator" },           /* unknown operator */
	{ "status:'a'", 6, "operator" },           /* unknown operator */
	{ "status!'a'", 7, "'='" },                /* '!' alone */
	{ "status=='active'", 7, "quote" },        /* unknown operator == */
	{ "status=>'a'", 7, "quote" },             /* unknown operator => */
	{ "status<>'a'", 7, "quote" },             /* unknown operator <> */
	{ "status~~'a'", 7, "quote" },             /* unknown operator ~~ */
	{ "a = = 'x'", 4, "quote" },               /* two operators */
	{ "status=active", 7, "quote" },           /* unquoted value */
	{ "status=\"active\"", 7, "quote" },       /* double quotes */
	{ "status=", 7, "quote" },                 /* no value */
	{ "status='active", 14, "closing quote" }, /* unterminated */
	{ "status='it''s", 13, "closing quote" },  /* unterminated */
	{ "status='a''", 11, "closing quote" },    /* unterminated */
	{ "a='", 3, "closing quote" },             /* unterminated */
	{ "='a'", 0, "field name" },               /* empty field */
	{ " ='a'", 1, "field name" },              /* empty field */
	{ "'a'='b'", 0, "field name" },            /* quoted field */
	{ ".status='a'", 0, "field name" },        /* leading dot */
	{ "status.='a'", 7, "after '.'" },         /* trailing dot */
	{ "a..b='x'", 2, "after '.'" },            /* empty segment */
	{ "sta-tus='a'", 3, "operator" },          /* bad field char */
	{ "a\t='x'", 1, "operator" },              /* tab is no space */
	{ "status='a'x", 10, "AND" },              /* text after value */
	{ "status='a' x='b'", 11, "AND" },         /* no join */
	{ "status='a'AND x='b'", 10, "AND" },      /* join without space */
	{ "status='a' and x='b'", 11, "AND" },     /* lowercase join */
	{ "status='a' And x='b'", 11, "AND" },     /* mixed-case join */
	{ "a='1' XOR b='2'", 6, "AND" },           /* unknown join */
	{ "a='1' ANDb='2'", 6, "AND" },            /* join glued to field */
	{ "a='1' && b='2'", 6, "AND" },            /* C join */
	{ "status='a' AND", 14, "field name" },    /* join, no predicate */
	{ "status='a' OR ", 14, "field name" },    /* join, no predicate */
	{ "status='a' AND ='b'", 15, "field name" },
	{ "a='1' AND b='2' AND c='3'", 16, "end of the filter" },
	{ "a='1' AND b='2' OR c='3'", 16, "end of the filter" },
	{ "a='1' OR b='2' OR c='3'", 15, "end of the filter" },
	{ "a='1' AND b='2'x", 15, "AND" },
	{ "a='1' AND b", 11, "operator" },
	{ "a='1' AND b='2", 14, "closing quote" },
	{ "name\xc3\xa9='x'", 4, "operator" }, /* non-ASCII field */
};

START_TEST(filter_bad)
{
	cw_oq_query q;
	cw_oq_error err;
	char where[32];
	int rc = parse_filter(&q, bad_filters[_i].filter, &err);

	ck_assert_msg(rc == CW_EINVAL, "filter \"%s\" parsed",
	              bad_filters[_i].filter);
	ck_assert_str_eq(err.code_minor, "invalid_filter_field");
	snprintf(where, sizeof(where), "offset %zu ", bad_filters[_i].offset);
	ck_assert_msg(strstr(err.message, where) != NULL,
	              "filter \"%s\": \"%s\" does not name %s",
	              bad_filters[_i].filter, err.message, where);
	ck_assert_msg(strstr(err.message, bad_filters[_i].expect) != NULL,
	              "filter \"%s\": \"%s\" does not say %s",
	              bad_filters[_i].filter, err.message,
	              bad_filters[_i].expect);
	ck_assert_ptr_nonnull(strstr(err.message, "expected"));
	assert_zeroed(&q);
	cw_oq_dispose(&q);
}
END_TEST

START_TEST(unterminated_names_the_opening_quote)
{
	cw_oq_query q;
	cw_oq_error err;

	ck_assert_int_eq(parse_filter(&q, "a='1' AND b='2", &err), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "opened at offset 12"));
}
END_TEST

/* A later parameter failing frees what the earlier ones allocated. */
START_TEST(failure_after_allocation_frees)
{
	cw_oq_query q;
	cw_oq_error err;

	ck_assert_int_eq(cw_oq_parse(&q, "10", "5", "familyName", "desc",
	                             "a='1' AND b='2'", "a,", 1000, &err),
	                 CW_EINVAL);
	ck_assert_str_eq(err.code_minor, "invalid_selection_field");
	assert_zeroed(&q);
	ck_assert_int_eq(cw_oq_parse(&q, "10", "5", "familyName", "desc",
	                             "a='1' AND b='2", "a", 1000, &err),
	                 CW_EINVAL);
	ck_assert_str_eq(err.code_minor, "invalid_filter_field");
	assert_zeroed(&q);
}
END_TEST

START_TEST(all_parameters)
{
	cw_oq_query q;
	cw_oq_error err;

	ck_assert_int_eq(cw_oq_parse(&q, "25", "50", "familyName", "DESC",
	                             "status='active'", "sourcedId,familyName",
	                             1000, &err),
	                 0);
	ck_assert_int_eq(q.limit, 25);
	ck_assert_int_eq(q.offset, 50);
	ck_assert_str_eq(q.sort, "familyName");
	ck_assert_int_eq(q.descending, 1);
	ck_assert_int_eq(q.predicate_count, 1);
	ck_assert_uint_eq(q.field_count, 2);
	cw_oq_dispose(&q);

	ck_assert_int_eq(
	        cw_oq_parse(&q, NULL, NULL, NULL, NULL, NULL, NULL, 1000, NULL),
	        0);
	ck_assert_int_eq(q.limit, 100);
	ck_assert_ptr_null(q.sort);
	ck_assert_ptr_null(q.fields);
	ck_assert_int_eq(q.predicate_count, 0);
	cw_oq_dispose(&q);
}
END_TEST

/* ---- fields -------------------------------------------------------------- */

static const struct {
	const char *fields;
	size_t count;
	const char *names[3];
} good_fields[] = {
	{ "givenName", 1, { "givenName" } },
	{ "sourcedId,givenName", 2, { "sourcedId", "givenName" } },
	{ "a , b ,c", 3, { "a", "b", "c" } },
	{ " a,b ", 2, { "a", "b" } },
	{ "a,a", 2, { "a", "a" } },
};

START_TEST(fields_good)
{
	cw_oq_query q;
	cw_oq_error err;

	ck_assert_int_eq(cw_oq_parse(&q, NULL, NULL, NULL, NULL, NULL,
	                             good_fields[_i].fields, 1000, &err),
	                 0);
	ck_assert_uint_eq(q.field_count, good_fields[_i].count);
	for (size_t i = 0; i < q.field_count; i++)
		ck_assert_str_eq(q.fields[i], good_fields[_i].names[i]);
	cw_oq_dispose(&q);
}
END_TEST

static const char *const bad_fields[] = {
	"",    " ",   ",",   "a,",  ",a",   "a,,b", "a, ,b", "a.b",
	"a b", "a;b", "a-b", "'a'", "a,b.", "*",    "a\t",   "caf\xc3\xa9",
};

START_TEST(fields_bad)
{
	cw_oq_query q;
	cw_oq_error err;

	ck_assert_int_eq(cw_oq_parse(&q, NULL, NULL, NULL, NULL, NULL,
	                             bad_fields[_i], 1000, &err),
	                 CW_EINVAL);
	ck_assert_str_eq(err.code_minor, "invalid_selection_field");
	ck_assert_ptr_nonnull(strstr(err.message, "offset"));
	assert_zeroed(&q);
}
END_TEST

/* ---- check_fields -------------------------------------------------------- */

static const char *const user_members[] = { "sourcedId",  "status", "givenName",
	                                    "familyName", "roles",  "school",
	                                    NULL };

static const struct {
	const char *sort;
	const char *filter;
	const char *fields;
	const char *code_minor; /* NULL: accepted */
} check_cases[] = {
	{ NULL, NULL, NULL, NULL },
	{ "familyName", "status='active'", "sourcedId,givenName", NULL },
	{ "school.sourcedId", "roles.org.sourcedId='x'", NULL, NULL },
	{ "school.anything", "school.x.y='1' OR givenName~'a'", NULL, NULL },
	{ NULL, "nope='x'", NULL, "invalid_filter_field" },
	{ NULL, "status='x' AND nope='y'", NULL, "invalid_filter_field" },
	{ NULL, "schoolx.sourcedId='x'", NULL, "invalid_filter_field" },
	{ NULL, "Status='x'", NULL, "invalid_filter_field" },
	{ "nope", NULL, NULL, "invalid_sort_field" },
	{ "schools.sourcedId", NULL, NULL, "invalid_sort_field" },
	{ NULL, NULL, "givenName,nope", "invalid_selection_field" },
	{ NULL, NULL, "school_", "invalid_selection_field" },
	/* Precedence: filter, then sort, then fields. */
	{ "nope", "nope='x'", "nope", "invalid_filter_field" },
	{ "nope", NULL, "nope", "invalid_sort_field" },
};

START_TEST(check_fields)
{
	cw_oq_query q;
	cw_oq_error err;
	int rc;

	ck_assert_int_eq(cw_oq_parse(&q, NULL, NULL, check_cases[_i].sort, NULL,
	                             check_cases[_i].filter,
	                             check_cases[_i].fields, 1000, &err),
	                 0);
	rc = cw_oq_check_fields(&q, user_members, &err);
	if (!check_cases[_i].code_minor) {
		ck_assert_int_eq(rc, 0);
	} else {
		ck_assert_int_eq(rc, CW_EINVAL);
		ck_assert_str_eq(err.code_minor, check_cases[_i].code_minor);
		ck_assert_ptr_nonnull(strstr(err.message, "unknown field"));
		ck_assert_ptr_nonnull(strstr(err.message, "sourcedId"));
	}
	cw_oq_dispose(&q);
}
END_TEST

/* ---- match --------------------------------------------------------------- */

static const char USER[] =
        "{\"sourcedId\":\"u1\",\"status\":\"active\","
        "\"dateLastModified\":\"2025-09-02T10:00:00.000Z\","
        "\"enabledUser\":true,\"givenName\":\"Ann\","
        "\"familyName\":\"O'Neil\",\"grades\":[\"09\",\"10\"],"
        "\"score\":85,\"ratio\":0.1,\"scoreText\":\"85.5\","
        "\"identifier\":\"007\",\"middleName\":null,\"empty\":[],"
        "\"roles\":[{\"role\":\"student\",\"org\":{\"sourcedId\":\"s1\"}},"
        "{\"role\":\"teacher\",\"org\":{\"sourcedId\":\"s2\"}}],"
        "\"school\":{\"sourcedId\":\"s1\",\"type\":\"org\"},"
        "\"nested\":[[{\"id\":\"deep\"}],[]]}";

static const struct {
	const char *filter;
	int matches;
} match_cases[] = {
	/* Strings. */
	{ "status='active'", 1 },
	{ "status='Active'", 0 },
	{ "status!='active'", 0 },
	{ "status!='tobedeleted'", 1 },
	{ "status>'a'", 1 },
	{ "status<'b'", 1 },
	{ "status>='active'", 1 },
	{ "status>'active'", 0 },
	{ "status<='active'", 1 },
	{ "status<'active'", 0 },
	{ "familyName='O''Neil'", 1 },
	{ "givenName>'9'", 1 }, /* "Ann" > "9" as text */
	/* Contains: case-insensitive. */
	{ "status~'ACT'", 1 },
	{ "status~'tive'", 1 },
	{ "status~'x'", 0 },
	{ "familyName~'o''n'", 1 },
	{ "givenName~''", 1 },
	/* Date-times compare as text. */
	{ "dateLastModified>'2025-09-01T00:00:00.000Z'", 1 },
	{ "dateLastModified<'2025-09-01T00:00:00.000Z'", 0 },
	{ "dateLastModified>='2025-09-02T10:00:00.000Z'", 1 },
	{ "dateLastModified>'2025-09-02T10:00:00.000Z'", 0 },
	{ "dateLastModified>'2025-09-02'", 1 },
	/* JSON numbers: numerically ("85" < "9" as text). */
	{ "score>'9'", 1 },
	{ "score>'100'", 0 },
	{ "score='85.0'", 1 },
	{ "score='8.5e1'", 1 },
	{ "score<='85'", 1 },
	{ "score<'85'", 0 },
	{ "score>='-1'", 1 },
	{ "ratio='0.1'", 1 },
	/* ... and as their text against a value that is no number. */
	{ "score='abc'", 0 },
	{ "score!='abc'", 1 },
	{ "score='0x55'", 0 },
	{ "score='nan'", 0 },
	{ "score=' 85'", 0 },
	{ "score='85'", 1 },
	{ "score~'8'", 1 },
	{ "ratio~'0.1'", 1 },
	/* Numeric strings: numerically against a number. */
	{ "scoreText>'9'", 1 },
	{ "scoreText='85.50'", 1 },
	{ "scoreText<'100'", 1 },
	{ "identifier='7'", 1 },
	{ "identifier='007'", 1 },
	{ "identifier>'10'", 0 },
	{ "identifier<'1O'", 1 }, /* a letter O: text, "007" vs "1O" */
	{ "identifier~'07'", 1 },
	/* Booleans as "true" / "false". */
	{ "enabledUser='true'", 1 },
	{ "enabledUser='false'", 0 },
	{ "enabledUser!='false'", 1 },
	{ "enabledUser='1'", 0 },
	{ "enabledUser~'RU'", 1 },
	/* Arrays: any element. */
	{ "grades='10'", 1 },
	{ "grades='09'", 1 },
	{ "grades='9'", 1 },
	{ "grades='11'", 0 },
	{ "grades!='09'", 1 },
	{ "grades>'10'", 0 },
	{ "roles.role='teacher'", 1 },
	{ "roles.role='guardian'", 0 },
	{ "roles.org.sourcedId='s2'", 1 },
	{ "roles.org.sourcedId='s3'", 0 },
	{ "roles.org.sourcedId!='s1'", 1 },
	{ "roles.org.sourcedId~'S'", 1 },
	{ "nested.id='deep'", 1 },
	{ "nested.id!='deep'", 1 }, /* the empty inner array */
	/* Objects. */
	{ "school.sourcedId='s1'", 1 },
	{ "school.type='org'", 1 },
	{ "school.sourcedId='s2'", 0 },
	/* Missing: only != matches. */
	{ "nosuch='x'", 0 },
	{ "nosuch!='x'", 1 },
	{ "nosuch>'a'", 0 },
	{ "nosuch<'z'", 0 },
	{ "nosuch~''", 0 },
	{ "middleName='x'", 0 },
	{ "middleName!='x'", 1 },
	{ "middleName=''", 0 },
	{ "empty='x'", 0 },
	{ "empty!='x'", 1 },
	{ "school.nosuch!='x'", 1 },
	{ "school.nosuch='x'", 0 },
	{ "status.sub='x'", 0 },
	{ "status.sub!='x'", 1 },
	{ "school='s1'", 0 }, /* an object is no value */
	{ "school!='s1'", 1 },
	{ "roles.nosuch='x'", 0 },
	{ "Status='active'", 0 }, /* names are case-sensitive */
	/* AND / OR. */
	{ "status='active' AND score>'80'", 1 },
	{ "status='active' AND score>'90'", 0 },
	{ "status='x' AND score>'80'", 0 },
	{ "status='x' OR score>'80'", 1 },
	{ "status='active' OR score>'90'", 1 },
	{ "status='x' OR score>'90'", 0 },
	{ "status='active' AND dateLastModified>'2025-09-01T00:00:00.000Z'",
	  1 },
};

START_TEST(match)
{
	cJSON *user = cJSON_Parse(USER);
	cw_oq_query q;
	cw_oq_error err;

	ck_assert_ptr_nonnull(user);
	ck_assert_msg(parse_filter(&q, match_cases[_i].filter, &err) == 0, "%s",
	              err.message);
	ck_assert_msg(cw_oq_match(&q, user) == match_cases[_i].matches,
	              "filter \"%s\" should %smatch", match_cases[_i].filter,
	              match_cases[_i].matches ? "" : "not ");
	cw_oq_dispose(&q);
	cJSON_Delete(user);
}
END_TEST

START_TEST(match_without_filter)
{
	cJSON *user = cJSON_Parse(USER);
	cJSON *empty = cJSON_CreateObject();
	cw_oq_query q;

	ck_assert_int_eq(parse_filter(&q, NULL, NULL), 0);
	ck_assert_int_eq(cw_oq_match(&q, user), 1);
	ck_assert_int_eq(cw_oq_match(&q, empty), 1);
	cw_oq_dispose(&q);
	ck_assert_int_eq(parse_filter(&q, "a!='x'", NULL), 0);
	ck_assert_int_eq(cw_oq_match(&q, empty), 1);
	cw_oq_dispose(&q);
	cJSON_Delete(empty);
	cJSON_Delete(user);
}
END_TEST

/* ---- compare ------------------------------------------------------------- */

static cJSON *object(const char *text)
{
	cJSON *o = cJSON_Parse(text);

	ck_assert_ptr_nonnull(o);
	return o;
}

static const struct {
	const char *sort;
	const char *order_by;
	const char *a;
	const char *b;
	int order; /* the sign of compare(a, b) */
} compare_cases[] = {
	{ "familyName", NULL, "{\"familyName\":\"Abe\"}",
	  "{\"familyName\":\"Bo\"}", -1 },
	{ "familyName", "desc", "{\"familyName\":\"Abe\"}",
	  "{\"familyName\":\"Bo\"}", 1 },
	{ "familyName", NULL, "{\"familyName\":\"b\"}",
	  "{\"familyName\":\"B\"}", 1 }, /* strcmp: bytes */
	/* Numbers numerically. */
	{ "score", NULL, "{\"score\":9}", "{\"score\":85}", -1 },
	{ "score", NULL, "{\"score\":-1.5}", "{\"score\":-1}", -1 },
	{ "score", "desc", "{\"score\":9}", "{\"score\":85}", 1 },
	/* Numeric strings are strings. */
	{ "grade", NULL, "{\"grade\":\"9\"}", "{\"grade\":\"10\"}", 1 },
	/* Missing (absent, null, object, empty array) first. */
	{ "familyName", NULL, "{}", "{\"familyName\":\"A\"}", -1 },
	{ "familyName", NULL, "{\"familyName\":null}", "{\"familyName\":\"A\"}",
	  -1 },
	{ "familyName", NULL, "{\"familyName\":{}}", "{\"familyName\":\"\"}",
	  -1 },
	{ "familyName", NULL, "{\"familyName\":[]}", "{\"familyName\":\"\"}",
	  -1 },
	{ "familyName", "desc", "{}", "{\"familyName\":\"A\"}", 1 },
	/* Then numbers, then text. */
	{ "x", NULL, "{\"x\":100}", "{\"x\":\"1\"}", -1 },
	{ "x", NULL, "{\"x\":false}", "{\"x\":true}", -1 },
	/* Ties by sourcedId. */
	{ "familyName", NULL, "{\"familyName\":\"A\",\"sourcedId\":\"2\"}",
	  "{\"familyName\":\"A\",\"sourcedId\":\"1\"}", 1 },
	{ "familyName", "desc", "{\"familyName\":\"A\",\"sourcedId\":\"2\"}",
	  "{\"familyName\":\"A\",\"sourcedId\":\"1\"}", -1 },
	{ "familyName", NULL, "{\"familyName\":\"A\"}",
	  "{\"familyName\":\"A\",\"sourcedId\":\"1\"}", -1 },
	{ "familyName", NULL, "{\"familyName\":\"A\",\"sourcedId\":\"1\"}",
	  "{\"familyName\":\"A\",\"sourcedId\":\"1\"}", 0 },
	/* No sort: by sourcedId. */
	{ NULL, NULL, "{\"sourcedId\":\"a\",\"x\":2}",
	  "{\"sourcedId\":\"b\",\"x\":1}", -1 },
	{ NULL, "desc", "{\"sourcedId\":\"a\"}", "{\"sourcedId\":\"b\"}", 1 },
	/* Dot paths, arrays by their first element. */
	{ "school.sourcedId", NULL, "{\"school\":{\"sourcedId\":\"s2\"}}",
	  "{\"school\":{\"sourcedId\":\"s10\"}}", 1 },
	{ "grades", NULL, "{\"grades\":[\"09\",\"12\"]}",
	  "{\"grades\":[\"10\"]}", -1 },
	{ "roles.org.sourcedId", NULL,
	  "{\"roles\":[{\"org\":{\"sourcedId\":\"b\"}}]}",
	  "{\"roles\":[{\"org\":{\"sourcedId\":\"a\"}},"
	  "{\"org\":{\"sourcedId\":\"c\"}}]}",
	  1 },
};

START_TEST(compare)
{
	cw_oq_query q;
	cJSON *a = object(compare_cases[_i].a);
	cJSON *b = object(compare_cases[_i].b);
	int ab, ba;

	ck_assert_int_eq(cw_oq_parse(&q, NULL, NULL, compare_cases[_i].sort,
	                             compare_cases[_i].order_by, NULL, NULL,
	                             1000, NULL),
	                 0);
	ab = cw_oq_compare(&q, a, b);
	ba = cw_oq_compare(&q, b, a);
	ck_assert_int_eq((ab > 0) - (ab < 0), compare_cases[_i].order);
	ck_assert_int_eq((ba > 0) - (ba < 0), -compare_cases[_i].order);
	ck_assert_int_eq(cw_oq_compare(&q, a, a), 0);
	cw_oq_dispose(&q);
	cJSON_Delete(b);
	cJSON_Delete(a);
}
END_TEST

/* ---- select -------------------------------------------------------------- */

static char *selected(const char *fields)
{
	cJSON *user = object(USER);
	cw_oq_query q;
	char *text;

	ck_assert_int_eq(cw_oq_parse(&q, NULL, NULL, NULL, NULL, NULL, fields,
	                             1000, NULL),
	                 0);
	cw_oq_select(&q, user);
	text = cJSON_PrintUnformatted(user);
	ck_assert_ptr_nonnull(text);
	cw_oq_dispose(&q);
	cJSON_Delete(user);
	return text;
}

static const struct {
	const char *fields;
	const char *json;
} select_cases[] = {
	{ "sourcedId,givenName",
	  "{\"sourcedId\":\"u1\",\"givenName\":\"Ann\"}" },
	{ "givenName", "{\"givenName\":\"Ann\"}" }, /* sourcedId dropped */
	{ "givenName , familyName",
	  "{\"givenName\":\"Ann\",\"familyName\":\"O'Neil\"}" },
	{ "school", "{\"school\":{\"sourcedId\":\"s1\",\"type\":\"org\"}}" },
	{ "nosuch", "{}" },
	{ "score,nosuch,score", "{\"score\":85}" },
};

START_TEST(select_fields)
{
	char *text = selected(select_cases[_i].fields);

	ck_assert_str_eq(text, select_cases[_i].json);
	cw_free(text);
}
END_TEST

START_TEST(select_without_fields)
{
	cJSON *user = object(USER);
	cJSON *copy = cJSON_Duplicate(user, 1);
	cw_oq_query q;

	ck_assert_int_eq(parse_filter(&q, "status='active'", NULL), 0);
	cw_oq_select(&q, user);
	ck_assert(cJSON_Compare(user, copy, 1));
	cw_oq_dispose(&q);
	cJSON_Delete(copy);
	cJSON_Delete(user);
}
END_TEST

/* ---- out of memory ------------------------------------------------------- */

static int allocations_left;

static void *failing_malloc(size_t size)
{
	return allocations_left-- > 0 ? malloc(size) : NULL;
}

static void *failing_realloc(void *p, size_t size)
{
	return allocations_left-- > 0 ? realloc(p, size) : NULL;
}

/* Every allocation failing in turn gives CW_ENOMEM and leaks nothing. */
START_TEST(out_of_memory)
{
	cw_allocator failing = { failing_malloc, failing_realloc, free };
	cw_oq_query q;
	cw_oq_error err;
	int rc = CW_ENOMEM;

	for (int n = 0; rc == CW_ENOMEM && n < 100; n++) {
		allocations_left = n;
		cw_allocator_set(&failing);
		rc = cw_oq_parse(&q, "5", "0", "a.b", "asc",
		                 "a='x''y' OR b!='z'", "a, b, c", 1000, &err);
		cw_allocator_set(NULL);
		if (rc == CW_ENOMEM) {
			ck_assert_str_eq(err.code_minor,
			                 "internal_server_error");
			assert_zeroed(&q);
		}
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(q.predicates[0].value, "x'y");
	ck_assert_str_eq(q.fields[2], "c");
	cw_oq_dispose(&q);
}
END_TEST

Suite *suite_roster_query(void)
{
	Suite *s = suite_create("roster/query");
	TCase *parse = tcase_create("parse");
	TCase *apply = tcase_create("apply");

	tcase_add_loop_test(parse, limit_values, 0, COUNT(limit_cases));
	tcase_add_loop_test(parse, offset_values, 0, COUNT(offset_cases));
	tcase_add_loop_test(parse, order_by_values, 0, COUNT(order_cases));
	tcase_add_loop_test(parse, sort_values, 0, COUNT(sort_cases));
	tcase_add_loop_test(parse, filter_good, 0, COUNT(good_filters));
	tcase_add_loop_test(parse, filter_bad, 0, COUNT(bad_filters));
	tcase_add_test(parse, unterminated_names_the_opening_quote);
	tcase_add_test(parse, failure_after_allocation_frees);
	tcase_add_test(parse, all_parameters);
	tcase_add_loop_test(parse, fields_good, 0, COUNT(good_fields));
	tcase_add_loop_test(parse, fields_bad, 0, COUNT(bad_fields));
	tcase_add_test(parse, out_of_memory);
	suite_add_tcase(s, parse);

	tcase_add_loop_test(apply, check_fields, 0, COUNT(check_cases));
	tcase_add_loop_test(apply, match, 0, COUNT(match_cases));
	tcase_add_test(apply, match_without_filter);
	tcase_add_loop_test(apply, compare, 0, COUNT(compare_cases));
	tcase_add_loop_test(apply, select_fields, 0, COUNT(select_cases));
	tcase_add_test(apply, select_without_fields);
	suite_add_tcase(s, apply);
	return s;
}
