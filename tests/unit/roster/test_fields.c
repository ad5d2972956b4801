/* A row's fields: the stored form (a positional array) and the named form
 * (an object), built from cells and converted both ways. */
#include "roster/fields.h"
#include "util/buf.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_fields(void);

#define CELL(text)                                                             \
	{                                                                      \
		(text), sizeof(text) - 1                                       \
	}
#define EMPTY                                                                  \
	{                                                                      \
		NULL, 0                                                        \
	}
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Seven nulls: every enrollments column empty. */
#define ENROLLMENT_NULLS "null,null,null,null,null,null,null"

/* ---- position ------------------------------------------------------------ */

START_TEST(position_enrollments)
{
	ck_assert_int_eq(
	        cw_or_fields_position(CW_OR_ENROLLMENTS, "classSourcedId"), 0);
	ck_assert_int_eq(
	        cw_or_fields_position(CW_OR_ENROLLMENTS, "schoolSourcedId"), 1);
	ck_assert_int_eq(
	        cw_or_fields_position(CW_OR_ENROLLMENTS, "userSourcedId"), 2);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_ENROLLMENTS, "role"), 3);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_ENROLLMENTS, "endDate"),
	                 6);
}
END_TEST

START_TEST(position_misses)
{
	ck_assert_int_eq(cw_or_fields_position(CW_OR_ENROLLMENTS, "nope"), -1);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_ENROLLMENTS, ""), -1);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_ENROLLMENTS, "Role"), -1);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_ENROLLMENTS, "sourcedId"),
	                 -1);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_ENROLLMENTS, "status"),
	                 -1);
	ck_assert_int_eq(
	        cw_or_fields_position(CW_OR_ENROLLMENTS, "dateLastModified"),
	        -1);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_ENROLLMENTS, "metadata"),
	                 -1);
	/* A column of another file, and a 1.1-only name. */
	ck_assert_int_eq(cw_or_fields_position(CW_OR_ENROLLMENTS, "title"), -1);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_LINE_ITEMS,
	                                       "gradingPeriodSourcedId"),
	                 -1);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_LINE_ITEMS,
	                                       "academicSessionSourcedId"),
	                 6);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_USERS, "pronouns"), 18);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_DEMOGRAPHICS, "birthDate"),
	                 0);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_NONE, "role"), -1);
	ck_assert_int_eq(cw_or_fields_position(CW_OR_ENTITY_COUNT, "role"), -1);
}
END_TEST

/* Every column after the first three of every model table (the 1.2 files
 * and the REST-only ones), in table order. */
START_TEST(position_every_column)
{
	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++) {
		const cw_or_file *f = cw_or_model_file(e);

		ck_assert_ptr_nonnull(f);
		ck_assert_uint_le(f->column_count - 3, CW_OR_FIELDS_MAX);
		for (size_t i = 0; i < f->column_count; i++)
			ck_assert_int_eq(
			        cw_or_fields_position(e, f->columns[i].name),
			        i < 3 ? -1 : (int)i - 3);
	}
}
END_TEST

/* ---- build --------------------------------------------------------------- */

static const char *build(cw_buf *out, cw_or_entity e, const cw_or_cell *cells,
                         size_t count)
{
	ck_assert_int_eq(
	        cw_or_fields_build(out, e, cells, count, NULL, NULL, 0), 0);
	return cw_buf_cstr(out);
}

START_TEST(build_enrollment)
{
	cw_buf out = CW_BUF_INIT(1 << 16);
	/* school empty (NULL), primary empty (""), dates NULL: the gap is
	 * null, the tail is dropped. */
	const cw_or_cell cells[] = { CELL("c1"), EMPTY,
		                     CELL("u1"), CELL("student"),
		                     { "", 0 },  EMPTY,
		                     EMPTY };
	/* len counts, not the NUL: only "s1" of "s1-and-more". */
	const cw_or_cell cut[] = { CELL("c1"), { "s1-and-more", 2 } };
	/* s set but len 0 is empty too. */
	const cw_or_cell zero[] = { { "c1", 0 }, EMPTY, CELL("u1") };

	cw_buf_puts(&out, "junk");
	ck_assert_str_eq(build(&out, CW_OR_ENROLLMENTS, cells, COUNT(cells)),
	                 "[\"c1\",null,\"u1\",\"student\"]");
	ck_assert_str_eq(build(&out, CW_OR_ENROLLMENTS, cells, 2), "[\"c1\"]");
	ck_assert_str_eq(build(&out, CW_OR_ENROLLMENTS, cut, COUNT(cut)),
	                 "[\"c1\",\"s1\"]");
	ck_assert_str_eq(build(&out, CW_OR_ENROLLMENTS, zero, COUNT(zero)),
	                 "[null,null,\"u1\"]");
	ck_assert_str_eq(build(&out, CW_OR_ENROLLMENTS, cells + 4, 3), "[]");
	ck_assert_str_eq(build(&out, CW_OR_ENROLLMENTS, NULL, 0), "[]");
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(build_full_length)
{
	cw_buf out = CW_BUF_INIT(1 << 16);
	const cw_or_cell cells[] = { CELL("c1"),        CELL("s1"),
		                     CELL("u1"),        CELL("teacher"),
		                     CELL("true"),      CELL("2024-08-01"),
		                     CELL("2025-06-30") };

	ck_assert_str_eq(build(&out, CW_OR_ENROLLMENTS, cells, COUNT(cells)),
	                 "[\"c1\",\"s1\",\"u1\",\"teacher\",\"true\","
	                 "\"2024-08-01\",\"2025-06-30\"]");
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(build_lists)
{
	cw_buf out = CW_BUF_INIT(1 << 16);
	/* classes: title, grades (list), courseSourcedId, classCode,
	 * classType, location, schoolSourcedId, termSourcedIds (list). */
	const cw_or_cell cells[] = { CELL("Math"),      CELL("09,10"),
		                     CELL("crs"),       EMPTY,
		                     CELL("scheduled"), EMPTY,
		                     CELL("sch"),       CELL("t1") };
	const cw_or_cell gaps[] = { CELL("Art"), CELL("a,,b") };
	/* userIds is a list of {type:id} pairs, split on commas too. */
	const cw_or_cell users[] = { CELL("true"), CELL("jo"),
		                     CELL("{LDAP:1},{SIS:2}") };

	ck_assert_str_eq(build(&out, CW_OR_CLASSES, cells, COUNT(cells)),
	                 "[\"Math\",[\"09\",\"10\"],\"crs\",null,"
	                 "\"scheduled\",null,\"sch\",[\"t1\"]]");
	ck_assert_str_eq(build(&out, CW_OR_CLASSES, gaps, COUNT(gaps)),
	                 "[\"Art\",[\"a\",\"\",\"b\"]]");
	ck_assert_str_eq(build(&out, CW_OR_USERS, users, COUNT(users)),
	                 "[\"true\",\"jo\",[\"{LDAP:1}\",\"{SIS:2}\"]]");
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(build_escapes)
{
	cw_buf out = CW_BUF_INIT(1 << 16);
	/* Quotes, a backslash, a tab, a newline, 0x01, 0x1f, a NUL byte
	 * (counted by len), DEL and UTF-8 as they are. */
	const cw_or_cell cells[] = {
		CELL("say \"hi\"\\\t\n\x01\x1f\0z\x7f\xc3\xa9"),
		CELL("a\"b,c\\d"),
	};

	ck_assert_str_eq(build(&out, CW_OR_CLASSES, cells, COUNT(cells)),
	                 "[\"say \\\"hi\\\"\\\\\\u0009\\n\\u0001\\u001f"
	                 "\\u0000z\x7f\xc3\xa9\","
	                 "[\"a\\\"b\",\"c\\\\d\"]]");
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(build_metadata)
{
	cw_buf out = CW_BUF_INIT(1 << 16);
	const cw_or_cell cells[] = { CELL("c1"), EMPTY, CELL("u1") };
	const char *const names[] = { "district", "note" };
	const char *const values[] = { "d1", "x\"y\n" };

	ck_assert_int_eq(cw_or_fields_build(&out, CW_OR_ENROLLMENTS, cells,
	                                    COUNT(cells), names, values, 2),
	                 0);
	ck_assert_str_eq(cw_buf_cstr(&out),
	                 "[\"c1\",null,\"u1\",null,null,null,null,"
	                 "{\"district\":\"d1\",\"note\":\"x\\\"y\\n\"}]");
	/* No cells at all: still every column, then the object. */
	ck_assert_int_eq(cw_or_fields_build(&out, CW_OR_ENROLLMENTS, NULL, 0,
	                                    names, values, 1),
	                 0);
	ck_assert_str_eq(cw_buf_cstr(&out),
	                 "[" ENROLLMENT_NULLS ",{\"district\":\"d1\"}]");
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(build_errors)
{
	cw_buf out = CW_BUF_INIT(1 << 16);
	cw_buf tiny = CW_BUF_INIT(8);
	cw_or_cell cells[CW_OR_FIELDS_MAX + 1];

	for (size_t i = 0; i < COUNT(cells); i++)
		cells[i] = (cw_or_cell){ "x", 1 };
	ck_assert_int_eq(cw_or_fields_build(&out, CW_OR_ENROLLMENTS, cells, 7,
	                                    NULL, NULL, 0),
	                 0);
	ck_assert_int_eq(cw_or_fields_build(&out, CW_OR_ENROLLMENTS, cells, 8,
	                                    NULL, NULL, 0),
	                 CW_EINVAL);
	ck_assert_int_eq(
	        cw_or_fields_build(&out, CW_OR_USERS, cells, 19, NULL, NULL, 0),
	        0);
	ck_assert_int_eq(
	        cw_or_fields_build(&out, CW_OR_USERS, cells, 20, NULL, NULL, 0),
	        CW_EINVAL);
	ck_assert_int_eq(
	        cw_or_fields_build(&out, CW_OR_NONE, cells, 1, NULL, NULL, 0),
	        CW_EINVAL);
	ck_assert_int_eq(cw_or_fields_build(&out, CW_OR_ENTITY_COUNT, cells, 1,
	                                    NULL, NULL, 0),
	                 CW_EINVAL);
	/* Over the buffer's cap. */
	ck_assert_int_eq(cw_or_fields_build(&tiny, CW_OR_ENROLLMENTS, cells, 7,
	                                    NULL, NULL, 0),
	                 CW_ETOOBIG);
	cw_buf_dispose(&tiny);
	cw_buf_dispose(&out);
}
END_TEST

/* ---- expand -------------------------------------------------------------- */

static const char *expand(cw_buf *out, cw_or_entity e, const char *stored)
{
	ck_assert_msg(cw_or_fields_expand(out, e, stored) == 0,
	              "expand failed: %s", stored);
	return cw_buf_cstr(out);
}

START_TEST(expand_rows)
{
	cw_buf out = CW_BUF_INIT(1 << 16);

	cw_buf_puts(&out, "junk");
	ck_assert_str_eq(expand(&out, CW_OR_ENROLLMENTS,
	                        "[\"c1\",null,\"u1\",\"student\"]"),
	                 "{\"classSourcedId\":\"c1\",\"userSourcedId\":\"u1\","
	                 "\"role\":\"student\"}");
	ck_assert_str_eq(expand(&out, CW_OR_ENROLLMENTS, "[]"), "{}");
	ck_assert_str_eq(expand(&out, CW_OR_ENROLLMENTS, "[null,null]"), "{}");
	ck_assert_str_eq(
	        expand(&out, CW_OR_ENROLLMENTS, " [ \"c1\" ,\n\"s1\" ] "),
	        "{\"classSourcedId\":\"c1\",\"schoolSourcedId\":"
	        "\"s1\"}");
	ck_assert_str_eq(
	        expand(&out, CW_OR_CLASSES,
	               "[\"Math\",[\"09\",\"10\"],\"crs\",null,"
	               "\"scheduled\",null,\"sch\",[\"t1\",\"t2\"]]"),
	        "{\"title\":\"Math\",\"grades\":[\"09\",\"10\"],"
	        "\"courseSourcedId\":\"crs\",\"classType\":\"scheduled\","
	        "\"schoolSourcedId\":\"sch\",\"termSourcedIds\":"
	        "[\"t1\",\"t2\"]}");
	ck_assert_str_eq(
	        expand(&out, CW_OR_ENROLLMENTS,
	               "[\"c1\",null,\"u1\",null,null,null,null,"
	               "{\"district\":\"d1\",\"note\":\"x\\\"y\\n\"}]"),
	        "{\"classSourcedId\":\"c1\",\"userSourcedId\":\"u1\","
	        "\"metadata\":{\"district\":\"d1\",\"note\":\"x\\\"y\\n\"}}");
	ck_assert_str_eq(expand(&out, CW_OR_ENROLLMENTS,
	                        "[" ENROLLMENT_NULLS ",{\"district\":\"d1\"}]"),
	                 "{\"metadata\":{\"district\":\"d1\"}}");
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(expand_escapes)
{
	cw_buf out = CW_BUF_INIT(1 << 16);

	/* Escapes are read, then written the module's way: \t as \u0009,
	 * \/ and \u00e9 as the characters. */
	ck_assert_str_eq(expand(&out, CW_OR_CLASSES,
	                        "[\"a\\tb\\\"\\\\\\u0001\\/\\u00e9\","
	                        "[\"x\\ny\"]]"),
	                 "{\"title\":\"a\\u0009b\\\"\\\\\\u0001/\xc3\xa9\","
	                 "\"grades\":[\"x\\ny\"]}");
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(expand_errors)
{
	static const char *const bad[] = {
		"",
		"[",
		"[\"c1\",]",
		"{}",
		"{\"classSourcedId\":\"c1\"}",
		"\"c1\"",
		"null",
		"5",
		"true",
		/* A column value that is not a string or a list of them. */
		"[5]",
		"[true]",
		"[{\"a\":\"b\"}]",
		"[\"c1\",{\"a\":\"b\"}]",
		"[[\"a\",1]]",
		"[[\"a\",[\"b\"]]]",
		"[[null]]",
		/* Longer than the 7 columns. */
		"[null,null,null,null,null,null,null,\"x\"]",
		"[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\"]",
		"[null,null,null,null,null,null,null,[\"x\"]]",
		/* Metadata one place too far, not last, or not strings. */
		"[null,null,null,null,null,null,null,null,{\"a\":\"b\"}]",
		"[null,null,null,null,null,null,null,{\"a\":\"b\"},\"x\"]",
		"[null,null,null,null,null,null,null,{\"a\":\"b\"},{}]",
		"[null,null,null,null,null,null,null,{\"a\":1}]",
		"[null,null,null,null,null,null,null,{\"a\":null}]",
		"[null,null,null,null,null,null,null,{\"a\":[\"b\"]}]",
		"[null,null,null,null,null,null,null,{\"a\":{}}]",
		/* a metadata name twice */
		("[null,null,null,null,null,null,null,{\"a\":\"b\",\"a\":\"c\"}"
		 "]"),
		/* Text after the value; too long even if the rest is null. */
		"[\"c1\"] junk",
		"[\"c1\"]{\"junk\"",
		"[null,null,null,null,null,null,null,null]",
		/* A list in a column that holds one value. */
		"[[\"c1\"]]",
	};
	cw_buf out = CW_BUF_INIT(1 << 16);

	for (size_t i = 0; i < COUNT(bad); i++)
		ck_assert_msg(cw_or_fields_expand(&out, CW_OR_ENROLLMENTS,
		                                  bad[i]) == CW_EINVAL,
		              "accepted: %s", bad[i]);
	/* A list column holds a list, any other a string. */
	ck_assert_int_eq(
	        cw_or_fields_expand(&out, CW_OR_CLASSES, "[null,\"09,10\"]"),
	        CW_EINVAL);
	ck_assert_int_eq(
	        cw_or_fields_expand(&out, CW_OR_CLASSES, "[[\"a\",\"b\"]]"),
	        CW_EINVAL);
	ck_assert_int_eq(cw_or_fields_expand(&out, CW_OR_NONE, "[]"),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_or_fields_expand(&out, CW_OR_ENTITY_COUNT, "[]"),
	                 CW_EINVAL);
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(expand_too_big)
{
	cw_buf tiny = CW_BUF_INIT(16);

	ck_assert_int_eq(cw_or_fields_expand(&tiny, CW_OR_ENROLLMENTS,
	                                     "[\"c1\",\"s1\"]"),
	                 CW_ETOOBIG);
	cw_buf_dispose(&tiny);
}
END_TEST

/* ---- compact and round trips --------------------------------------------- */

static const char *compact(cw_buf *out, cw_or_entity e, const char *named)
{
	ck_assert_msg(cw_or_fields_compact(out, e, named) == 0,
	              "compact failed: %s", named);
	return cw_buf_cstr(out);
}

/* Canonical pairs: compact(named) == stored and expand(stored) == named. */
static const struct {
	cw_or_entity entity;
	const char *stored;
	const char *named;
} pairs[] = {
	{ CW_OR_ENROLLMENTS, "[]", "{}" },
	{ CW_OR_ENROLLMENTS, "[\"c1\",null,\"u1\",\"student\"]",
	  "{\"classSourcedId\":\"c1\",\"userSourcedId\":\"u1\","
	  "\"role\":\"student\"}" },
	{ CW_OR_ENROLLMENTS,
	  "[\"c1\",\"s1\",\"u1\",\"teacher\",\"true\",\"2024-08-01\","
	  "\"2025-06-30\"]",
	  "{\"classSourcedId\":\"c1\",\"schoolSourcedId\":\"s1\","
	  "\"userSourcedId\":\"u1\",\"role\":\"teacher\",\"primary\":\"true\","
	  "\"beginDate\":\"2024-08-01\",\"endDate\":\"2025-06-30\"}" },
	{ CW_OR_ENROLLMENTS,
	  "[\"c1\",null,\"u1\",null,null,null,null,"
	  "{\"district\":\"d1\",\"note\":\"x\\\"y\\n\"}]",
	  "{\"classSourcedId\":\"c1\",\"userSourcedId\":\"u1\","
	  "\"metadata\":{\"district\":\"d1\",\"note\":\"x\\\"y\\n\"}}" },
	{ CW_OR_ENROLLMENTS, "[" ENROLLMENT_NULLS ",{\"\":\"\"}]",
	  "{\"metadata\":{\"\":\"\"}}" },
	{ CW_OR_CLASSES,
	  "[\"Math\",[\"09\",\"10\"],\"crs\",null,\"scheduled\",null,"
	  "\"sch\",[\"t1\",\"t2\"]]",
	  "{\"title\":\"Math\",\"grades\":[\"09\",\"10\"],"
	  "\"courseSourcedId\":\"crs\",\"classType\":\"scheduled\","
	  "\"schoolSourcedId\":\"sch\",\"termSourcedIds\":[\"t1\",\"t2\"]}" },
	{ CW_OR_CLASSES,
	  "[\"say \\\"hi\\\"\\\\\\u0009\\n\\u0001\xc3\xa9\","
	  "[\"a\\\"b\",\"\",\"c\\\\d\"],null,null,null,null,null,null,"
	  "null,null,[\"p1\"]]",
	  "{\"title\":\"say \\\"hi\\\"\\\\\\u0009\\n\\u0001\xc3\xa9\","
	  "\"grades\":[\"a\\\"b\",\"\",\"c\\\\d\"],\"periods\":[\"p1\"]}" },
	/* users: 19 columns, some far apart, lists and metadata. */
	{ CW_OR_USERS,
	  "[\"true\",\"jo\",[\"{LDAP:1}\"],\"Jo\",\"Doe\",null,null,"
	  "\"jo@example.org\",null,null,[\"p1\",\"p2\"],[\"09\"],null,null,"
	  "null,null,null,\"org1\",\"they/them\"]",
	  "{\"enabledUser\":\"true\",\"username\":\"jo\","
	  "\"userIds\":[\"{LDAP:1}\"],\"givenName\":\"Jo\","
	  "\"familyName\":\"Doe\",\"email\":\"jo@example.org\","
	  "\"agentSourcedIds\":[\"p1\",\"p2\"],\"grades\":[\"09\"],"
	  "\"primaryOrgSourcedId\":\"org1\",\"pronouns\":\"they/them\"}" },
	{ CW_OR_USERS,
	  "[\"false\",\"al\",null,\"Al\",\"Roe\",null,null,null,null,null,"
	  "null,null,null,null,null,null,null,null,null,"
	  "{\"sis\":\"7\",\"house\":\"Red\"}]",
	  "{\"enabledUser\":\"false\",\"username\":\"al\","
	  "\"givenName\":\"Al\",\"familyName\":\"Roe\","
	  "\"metadata\":{\"sis\":\"7\",\"house\":\"Red\"}}" },
	{ CW_OR_DEMOGRAPHICS, "[\"2010-04-01\",\"female\",null,\"true\"]",
	  "{\"birthDate\":\"2010-04-01\",\"sex\":\"female\","
	  "\"asian\":\"true\"}" },
	{ CW_OR_RESOURCES, "[\"v1\",null,[\"student\",\"teacher\"]]",
	  "{\"vendorResourceId\":\"v1\","
	  "\"roles\":[\"student\",\"teacher\"]}" },
	{ CW_OR_USER_RESOURCES, "[null,null,null,\"r1\"]",
	  "{\"resourceSourcedId\":\"r1\"}" },
};

START_TEST(round_trip)
{
	cw_buf out = CW_BUF_INIT(1 << 16);
	cw_buf again = CW_BUF_INIT(1 << 16);
	cw_or_entity e = pairs[_i].entity;

	ck_assert_str_eq(compact(&out, e, pairs[_i].named), pairs[_i].stored);
	ck_assert_str_eq(expand(&again, e, cw_buf_cstr(&out)), pairs[_i].named);
	ck_assert_str_eq(expand(&out, e, pairs[_i].stored), pairs[_i].named);
	ck_assert_str_eq(compact(&again, e, cw_buf_cstr(&out)),
	                 pairs[_i].stored);
	cw_buf_dispose(&again);
	cw_buf_dispose(&out);
}
END_TEST

/* What build writes, compact writes from the named form of the same row. */
START_TEST(build_matches_compact)
{
	cw_buf built = CW_BUF_INIT(1 << 16);
	cw_buf named = CW_BUF_INIT(1 << 16);
	cw_buf stored = CW_BUF_INIT(1 << 16);
	cw_or_cell cells[19] = { { NULL, 0 } };
	const char *const names[] = { "sis", "note" };
	const char *const values[] = { "7", "tab\there" };

	cells[0] = (cw_or_cell)CELL("true");
	cells[1] = (cw_or_cell)CELL("jo");
	cells[3] = (cw_or_cell)CELL("J\"o");
	cells[4] = (cw_or_cell)CELL("Doe\\");
	cells[11] = (cw_or_cell)CELL("09,10,11");
	cells[17] = (cw_or_cell)CELL("org1");
	for (size_t meta = 0; meta <= 2; meta++) {
		ck_assert_int_eq(cw_or_fields_build(&built, CW_OR_USERS, cells,
		                                    19, names, values, meta),
		                 0);
		expand(&named, CW_OR_USERS, cw_buf_cstr(&built));
		ck_assert_str_eq(
		        compact(&stored, CW_OR_USERS, cw_buf_cstr(&named)),
		        cw_buf_cstr(&built));
	}
	ck_assert_str_eq(cw_buf_cstr(&named),
	                 "{\"enabledUser\":\"true\",\"username\":\"jo\","
	                 "\"givenName\":\"J\\\"o\",\"familyName\":\"Doe\\\\\","
	                 "\"grades\":[\"09\",\"10\",\"11\"],"
	                 "\"primaryOrgSourcedId\":\"org1\","
	                 "\"metadata\":{\"sis\":\"7\","
	                 "\"note\":\"tab\\u0009here\"}}");
	cw_buf_dispose(&stored);
	cw_buf_dispose(&named);
	cw_buf_dispose(&built);
}
END_TEST

START_TEST(compact_normalizes)
{
	cw_buf out = CW_BUF_INIT(1 << 16);

	cw_buf_puts(&out, "junk");
	/* Any key order and spacing: the columns' order comes out. */
	ck_assert_str_eq(compact(&out, CW_OR_ENROLLMENTS,
	                         " {\n \"role\" : \"student\",\n"
	                         " \"classSourcedId\":\"c1\" } "),
	                 "[\"c1\",null,null,\"student\"]");
	/* Metadata first, columns after it. */
	ck_assert_str_eq(compact(&out, CW_OR_ENROLLMENTS,
	                         "{\"metadata\":{\"a\":\"b\"},"
	                         "\"schoolSourcedId\":\"s1\"}"),
	                 "[null,\"s1\",null,null,null,null,null,"
	                 "{\"a\":\"b\"}]");
	/* Empty strings and empty lists are empty cells. */
	ck_assert_str_eq(compact(&out, CW_OR_ENROLLMENTS,
	                         "{\"classSourcedId\":\"c1\","
	                         "\"schoolSourcedId\":\"\","
	                         "\"userSourcedId\":[],\"role\":\"student\","
	                         "\"primary\":\"\",\"endDate\":[]}"),
	                 "[\"c1\",null,null,\"student\"]");
	ck_assert_str_eq(
	        compact(&out, CW_OR_CLASSES, "{\"title\":\"\",\"grades\":[]}"),
	        "[]");
	/* An empty metadata object is no metadata. */
	ck_assert_str_eq(compact(&out, CW_OR_ENROLLMENTS,
	                         "{\"classSourcedId\":\"c1\","
	                         "\"metadata\":{}}"),
	                 "[\"c1\"]");
	ck_assert_str_eq(compact(&out, CW_OR_ENROLLMENTS, "{\"metadata\":{}}"),
	                 "[]");
	/* Escapes are rewritten the module's way. */
	ck_assert_str_eq(compact(&out, CW_OR_CLASSES,
	                         "{\"title\":\"a\\tb\\/\\u00e9\\u001F\"}"),
	                 "[\"a\\u0009b/\xc3\xa9\\u001f\"]");
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(compact_errors)
{
	static const char *const bad[] = {
		/* Not JSON. */
		"",
		"{",
		"{\"classSourcedId\":}",
		"{\"classSourcedId\":\"c1\",}",
		"{classSourcedId:\"c1\"}",
		/* Not an object. */
		"[]",
		"[\"c1\"]",
		"\"c1\"",
		"null",
		"5",
		/* Keys that are not the entity's further columns. */
		"{\"nope\":\"x\"}",
		"{\"sourcedId\":\"e1\"}",
		"{\"status\":\"active\"}",
		"{\"dateLastModified\":\"2025-01-01T00:00:00.000Z\"}",
		"{\"title\":\"x\"}",
		"{\"classSourcedId\":\"c1\",\"Role\":\"student\"}",
		/* Values that are not strings or lists of strings. */
		"{\"classSourcedId\":5}",
		"{\"classSourcedId\":true}",
		"{\"classSourcedId\":null}",
		"{\"classSourcedId\":{\"a\":\"b\"}}",
		"{\"classSourcedId\":{}}",
		"{\"classSourcedId\":[\"a\",1]}",
		"{\"classSourcedId\":[[\"a\"]]}",
		"{\"classSourcedId\":[null]}",
		/* Metadata that is not an object of strings. */
		"{\"metadata\":\"x\"}",
		"{\"metadata\":[\"x\"]}",
		"{\"metadata\":[]}",
		"{\"metadata\":null}",
		"{\"metadata\":{\"a\":1}}",
		"{\"metadata\":{\"a\":null}}",
		"{\"metadata\":{\"a\":[\"b\"]}}",
		"{\"metadata\":{\"a\":{}}}",
		/* Text after the object. */
		"{\"classSourcedId\":\"c1\"} trailing junk",
		/* A key twice, even when one is empty. */
		"{\"classSourcedId\":\"c1\",\"classSourcedId\":\"c2\"}",
		"{\"classSourcedId\":\"c1\",\"classSourcedId\":\"\"}",
		"{\"metadata\":{},\"metadata\":{\"a\":\"1\"}}",
		"{\"metadata\":{\"a\":\"1\"},\"metadata\":5}",
		"{\"metadata\":{\"a\":\"1\",\"a\":\"2\"}}",
		/* A list in a column that holds one value. */
		"{\"classSourcedId\":[\"c1\"]}",
	};
	cw_buf out = CW_BUF_INIT(1 << 16);

	for (size_t i = 0; i < COUNT(bad); i++)
		ck_assert_msg(cw_or_fields_compact(&out, CW_OR_ENROLLMENTS,
		                                   bad[i]) == CW_EINVAL,
		              "accepted: %s", bad[i]);
	/* The same row has one stored form: lists as lists. */
	ck_assert_int_eq(cw_or_fields_compact(&out, CW_OR_CLASSES,
	                                      "{\"grades\":\"09,10\"}"),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_or_fields_compact(&out, CW_OR_CLASSES,
	                                      "{\"title\":[\"a\",\"b\"]}"),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_or_fields_compact(&out, CW_OR_NONE, "{}"),
	                 CW_EINVAL);
	ck_assert_int_eq(cw_or_fields_compact(&out, CW_OR_ENTITY_COUNT, "{}"),
	                 CW_EINVAL);
	cw_buf_dispose(&out);
}
END_TEST

START_TEST(compact_too_big)
{
	cw_buf tiny = CW_BUF_INIT(16);

	ck_assert_int_eq(cw_or_fields_compact(&tiny, CW_OR_ENROLLMENTS,
	                                      "{\"userSourcedId\":\"u1\","
	                                      "\"role\":\"student\"}"),
	                 CW_ETOOBIG);
	cw_buf_dispose(&tiny);
}
END_TEST

Suite *suite_fields(void)
{
	Suite *s = suite_create("roster/fields");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, position_enrollments);
	tcase_add_test(tc, position_misses);
	tcase_add_test(tc, position_every_column);
	tcase_add_test(tc, build_enrollment);
	tcase_add_test(tc, build_full_length);
	tcase_add_test(tc, build_lists);
	tcase_add_test(tc, build_escapes);
	tcase_add_test(tc, build_metadata);
	tcase_add_test(tc, build_errors);
	tcase_add_test(tc, expand_rows);
	tcase_add_test(tc, expand_escapes);
	tcase_add_test(tc, expand_errors);
	tcase_add_test(tc, expand_too_big);
	tcase_add_loop_test(tc, round_trip, 0, COUNT(pairs));
	tcase_add_test(tc, build_matches_compact);
	tcase_add_test(tc, compact_normalizes);
	tcase_add_test(tc, compact_errors);
	tcase_add_test(tc, compact_too_big);
	suite_add_tcase(s, tc);
	return s;
}
