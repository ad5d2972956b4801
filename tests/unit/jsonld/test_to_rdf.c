/* cw_jsonld_to_rdf on hand-written expanded documents: number forms,
 * booleans, @json, lists, blank node labels, graphs, dropped IRIs,
 * directions, errors and limits; and the JCS serializer. */
#include "jsonld/jcs.h"
#include "jsonld/jsonld.h"
#include "jsonld/nquads.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

#include <check.h>
#include <string.h>

Suite *suite_jsonld_to_rdf(void);

#define XSD  "http://www.w3.org/2001/XMLSchema#"
#define RDF  "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define S_P  "<http://s> <http://p> "
#define NODE "[{\"@id\":\"http://s\",\"http://p\":["

static cJSON *parse(const char *json)
{
	cJSON *doc = NULL;

	ck_assert_int_eq(cw_json_parse(&doc, json, strlen(json), 64, NULL), 0);
	return doc;
}

static int convert(cw_rdf_dataset **out, const char *json,
                   const cw_jsonld_options *o, cw_jsonld_error *where)
{
	cJSON *doc = parse(json);
	int err = cw_jsonld_to_rdf(out, doc, o, where);

	cJSON_Delete(doc);
	return err;
}

/* The dataset's N-Quads in the order toRdf produced them. */
static void assert_nquads(const char *json, const cw_jsonld_options *o,
                          const char *expected)
{
	cw_buf text = CW_BUF_INIT(1 << 20);
	cw_rdf_dataset *ds = NULL;
	int err = convert(&ds, json, o, NULL);

	ck_assert_msg(err == 0, "%s", cw_error_last());
	ck_assert_int_eq(cw_nquads_write(&text, ds), 0);
	ck_assert_str_eq(cw_buf_cstr(&text), expected);
	cw_buf_dispose(&text);
	cw_rdf_dataset_free(ds);
}

START_TEST(number_forms)
{
	assert_nquads(
	        NODE "{\"@value\":3},{\"@value\":3.5},"
	             "{\"@value\":3,\"@type\":\"" XSD "float\"},"
	             "{\"@value\":3.5,\"@type\":"
	             "\"https://www.w3.org/2001/XMLSchema#float\"},"
	             "{\"@value\":1e21},{\"@value\":3.0},"
	             "{\"@value\":3,\"@type\":\"" XSD "double\"},"
	             "{\"@value\":-0.0},{\"@value\":0.1},{\"@value\":-2.5e-7},"
	             "{\"@value\":1234567890123456.5},"
	             "{\"@value\":123456789012345678901234}]}]",
	        NULL,
	        S_P
	        "\"3\"^^<" XSD "integer> .\n" S_P "\"3.5E0\"^^<" XSD
	        "double> .\n" S_P "\"3\"^^<" XSD "float> .\n" S_P
	        "\"3.5E0\"^^<https://www.w3.org/2001/XMLSchema#float> .\n" S_P
	        "\"1.0E21\"^^<" XSD "double> .\n" S_P "\"3.0E0\"^^<" XSD
	        "double> .\n" S_P "\"0\"^^<" XSD "integer> .\n" S_P
	        "\"1.0E-1\"^^<" XSD "double> .\n" S_P "\"-2.5E-7\"^^<" XSD
	        "double> .\n" S_P "\"1.234567890123457E15\"^^<" XSD
	        "double> .\n" S_P "\"1.234567890123457E23\"^^<" XSD
	        "double> .\n");
}
END_TEST

/* An integral value below 1e21 keeps every digit of the double (2^60). */
START_TEST(large_integers)
{
	assert_nquads(NODE "{\"@value\":1152921504606846976},"
	                   "{\"@value\":-99999999999999991611392}]}]",
	              NULL,
	              S_P "\"1152921504606846976\"^^<" XSD "integer> .\n" S_P
	                  "\"-9.999999999999999E22\"^^<" XSD "double> .\n");
}
END_TEST

/* "x" typed xsd:string and "x" are two value objects and two quads of one
 * triple: the dataset is a list; RDFC-1.0 counts them once. */
START_TEST(booleans_and_strings)
{
	assert_nquads(NODE "{\"@value\":true},{\"@value\":false},"
	                   "{\"@value\":true,\"@type\":\"http://t\"},"
	                   "{\"@value\":\"x\",\"@type\":\"" XSD "string\"},"
	                   "{\"@value\":\"x\"},"
	                   "{\"@value\":\"hi\",\"@language\":\"en-GB\"}]}]",
	              NULL,
	              S_P "\"true\"^^<" XSD "boolean> .\n" S_P
	                  "\"false\"^^<" XSD "boolean> .\n" S_P
	                  "\"true\"^^<http://t> .\n" S_P "\"x\" .\n" S_P
	                  "\"x\" .\n" S_P "\"hi\"@en-GB .\n");
}
END_TEST

START_TEST(json_literal)
{
	const char *json =
	        NODE "{\"@type\":\"@json\",\"@value\":{\"b\":[1.0,2.5e-7,1e21,"
	             "\"x\\n\\u001f\\u007f\"],\"a\":null,\"\xC3\xA9\":1,"
	             "\"\xE2\x82\xAC\":2,\"\xF0\x9F\x98\x82\":3,"
	             "\"\xEF\xBD\xA1\":4,\"c\":{\"z\":true,\"y\":false},"
	             "\"n\":[123456789012345680000,0.000001,5e-324,-0,1.5,"
	             "9007199254740992,1e-7,4.35,0.1]}}]}]";
	/* jsonld.js's canonicalize gives the same bytes; U+1F602 sorts
	 * before U+FF61 by UTF-16 code units. */
	const char *expected =
	        "{\"a\":null,\"b\":[1,2.5e-7,1e+21,\"x\\n\\u001f\x7f\"],"
	        "\"c\":{\"y\":false,\"z\":true},\"n\":[123456789012345680000,"
	        "0.000001,5e-324,0,1.5,9007199254740992,1e-7,4.35,0.1],"
	        "\"\xC3\xA9\":1,\"\xE2\x82\xAC\":2,\"\xF0\x9F\x98\x82\":3,"
	        "\"\xEF\xBD\xA1\":4}";
	cw_rdf_dataset *ds = NULL;

	ck_assert_int_eq(convert(&ds, json, NULL, NULL), 0);
	ck_assert_uint_eq(ds->count, 1);
	ck_assert_str_eq(ds->quads[0].object.value, expected);
	ck_assert_str_eq(ds->quads[0].object.datatype, RDF "JSON");
	cw_rdf_dataset_free(ds);
	assert_nquads(NODE "{\"@type\":\"@json\",\"@value\":null},"
	                   "{\"@type\":\"@json\",\"@value\":[\"a\",true]}]}]",
	              NULL,
	              S_P "\"null\"^^<" RDF "JSON> .\n" S_P
	                  "\"[\\\"a\\\",true]\"^^<" RDF "JSON> .\n");
}
END_TEST

START_TEST(list)
{
	assert_nquads(NODE
	              "{\"@list\":[{\"@value\":\"a\"},{\"@id\":\"http://o\"},"
	              "{\"@list\":[]},{\"@id\":\"relative\"}]},"
	              "{\"@list\":[]}]}]",
	              NULL,
	              S_P "_:b0 .\n"
	                  "_:b0 <" RDF "first> \"a\" .\n"
	                  "_:b0 <" RDF "rest> _:b1 .\n"
	                  "_:b1 <" RDF "first> <http://o> .\n"
	                  "_:b1 <" RDF "rest> _:b2 .\n"
	                  "_:b2 <" RDF "first> <" RDF "nil> .\n"
	                  "_:b2 <" RDF "rest> _:b3 .\n"
	                  "_:b3 <" RDF "rest> <" RDF "nil> .\n" S_P "<" RDF
	                  "nil> .\n");
}
END_TEST

/* Types are labelled before the node's @id, properties in name order. */
START_TEST(blank_node_labels)
{
	assert_nquads("[{\"@id\":\"_:z\",\"@type\":[\"_:t\"],"
	              "\"http://q\":[{\"@id\":\"_:y\"}],"
	              "\"http://p\":[{\"http://r\":[{\"@value\":1}]}]},"
	              "{\"http://q\":[{\"@id\":\"_:z\"}]}]",
	              NULL,
	              "_:b1 <" RDF "type> _:b0 .\n"
	              "_:b1 <http://p> _:b2 .\n"
	              "_:b1 <http://q> _:b3 .\n"
	              "_:b2 <http://r> \"1\"^^<" XSD "integer> .\n"
	              "_:b4 <http://q> _:b1 .\n");
}
END_TEST

START_TEST(named_graphs)
{
	assert_nquads(
	        "[{\"@id\":\"http://g\",\"@graph\":[{\"@id\":\"http://s\","
	        "\"http://p\":[{\"@value\":\"v\"}]}],"
	        "\"http://p\":[{\"@value\":\"w\"}]},"
	        "{\"@graph\":[{\"@id\":\"http://s\","
	        "\"http://p\":[{\"@value\":\"b\"}]}]},"
	        "{\"@id\":\"relative-graph\",\"@graph\":[{\"@id\":"
	        "\"http://s\",\"http://p\":[{\"@value\":\"r\"}]}]}]",
	        NULL,
	        "<http://g> <http://p> \"w\" .\n" S_P "\"b\" _:b0 .\n" S_P
	        "\"v\" <http://g> .\n");
}
END_TEST

START_TEST(dropped_iris)
{
	assert_nquads(
	        "[{\"@id\":\"relative\",\"http://p\":[{\"@value\":\"x\"}]},"
	        "{\"@id\":\"http://s\",\"@type\":[\"rel\",\"http://T\"],"
	        "\"http://p\":[{\"@id\":\"rel\"},{\"@id\":\"http://a b\"},"
	        "{\"@value\":\"z\",\"@type\":\"reltype\"},"
	        "{\"@value\":\"l\",\"@language\":\"a b\"},"
	        "{\"@id\":\"http://x#a#b\"},{\"@value\":\"ok\"}],"
	        "\"rel2\":[{\"@value\":\"y\"}],"
	        "\"_:bp\":[{\"@value\":\"blank predicate\"}]}]",
	        NULL,
	        "<http://s> <" RDF "type> <http://T> .\n" S_P "\"ok\" .\n");
}
END_TEST

/* Safe mode refuses to leave anything out of what would be signed. */
static const char *const unsafe[] = {
	"[{\"@id\":\"relative\",\"http://p\":[{\"@value\":\"x\"}]}]",
	NODE "{\"@id\":\"rel\"}]}]",
	"[{\"@id\":\"http://s\",\"rel\":[{\"@value\":\"x\"}]}]",
	"[{\"@id\":\"http://s\",\"_:p\":[{\"@value\":\"x\"}]}]",
	NODE "{\"@value\":\"l\",\"@language\":\"a b\"}]}]",
	NODE "{\"@value\":\"l\",\"@type\":\"reltype\"}]}]",
	NODE "{\"@value\":\"l\",\"@direction\":\"rtl\"}]}]",
	"[{\"@id\":\"http://s\",\"@type\":[\"rel\"]}]",
	/* A graph with a relative name. */
	("[{\"@id\":\"rel\",\"@graph\":[{\"@id\":\"http://s\","
	 "\"http://p\":[{\"@value\":\"x\"}]}]}]"),
};

START_TEST(safe_mode)
{
	cw_rdf_dataset *ds = NULL;
	cw_jsonld_error where;
	cw_jsonld_options o;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(convert(&ds, unsafe[_i], &o, &where), 0);
	cw_rdf_dataset_free(ds);
	o.safe = 1;
	ck_assert_int_eq(convert(&ds, unsafe[_i], &o, &where), CW_EINVAL);
	ck_assert_ptr_null(ds);
	ck_assert_str_eq(where.code, "dropped term");
}
END_TEST

START_TEST(generalized_rdf)
{
	cw_jsonld_options o;

	memset(&o, 0, sizeof(o));
	o.produce_generalized_rdf = 1;
	assert_nquads("[{\"@id\":\"http://s\",\"_:p\":[{\"@value\":\"v\"}]}]",
	              &o, "<http://s> _:b0 \"v\" .\n");
}
END_TEST

START_TEST(reverse_included_duplicates)
{
	assert_nquads(
	        "[{\"@id\":\"http://a\",\"@reverse\":{\"http://p\":"
	        "[{\"@id\":\"http://b\"}]},"
	        "\"@included\":[{\"@id\":\"http://c\","
	        "\"http://p\":[{\"@value\":\"x\"},{\"@value\":\"x\"}]}]},"
	        "{\"@id\":\"http://c\",\"http://p\":[{\"@value\":\"x\"}]}]",
	        NULL,
	        "<http://b> <http://p> <http://a> .\n"
	        "<http://c> <http://p> \"x\" .\n");
}
END_TEST

START_TEST(directions)
{
	const char *json = NODE "{\"@value\":\"v\",\"@language\":\"en-US\","
	                        "\"@direction\":\"rtl\"},"
	                        "{\"@value\":\"w\",\"@direction\":\"ltr\"}]}]";
	cw_jsonld_options o;

	memset(&o, 0, sizeof(o));
	assert_nquads(json, &o, S_P "\"v\"@en-US .\n" S_P "\"w\" .\n");
	o.rdf_direction = CW_JSONLD_RDF_DIRECTION_I18N_DATATYPE;
	assert_nquads(json, &o,
	              S_P
	              "\"v\"^^<https://www.w3.org/ns/i18n#en-us_rtl> .\n" S_P
	              "\"w\"^^<https://www.w3.org/ns/i18n#_ltr> .\n");
	o.rdf_direction = CW_JSONLD_RDF_DIRECTION_COMPOUND_LITERAL;
	assert_nquads(json, &o,
	              S_P "_:b0 .\n"
	                  "_:b0 <" RDF "value> \"v\" .\n"
	                  "_:b0 <" RDF "language> \"en-US\" .\n"
	                  "_:b0 <" RDF "direction> \"rtl\" .\n" S_P "_:b1 .\n"
	                  "_:b1 <" RDF "value> \"w\" .\n"
	                  "_:b1 <" RDF "direction> \"ltr\" .\n");
}
END_TEST

static const struct {
	const char *json, *code, *pointer;
} invalid[] = {
	{ "[{\"@id\":5}]", "invalid @id value", "/0" },
	{ "[\"string\"]", "invalid JSON-LD syntax", "/0" },
	{ NODE "{\"@value\":{}}]}]", "invalid value object value",
	  "/0/http:~1~1p/0" },
	{ NODE
	  "{\"@value\":\"x\",\"@type\":\"http://t\",\"@language\":\"en\"}]}]",
	  "invalid value object", "/0/http:~1~1p/0" },
	{ NODE "{\"@value\":\"x\",\"@direction\":\"up\"}]}]",
	  "invalid base direction", "/0/http:~1~1p/0" },
	{ NODE "{\"@list\":{}}]}]", "invalid set or list object",
	  "/0/http:~1~1p/0" },
	{ "[{\"@id\":\"http://a\",\"@type\":[1]}]", "invalid type value",
	  "/0" },
	{ "[{\"@id\":\"http://a\",\"@index\":\"1\"},"
	  "{\"@id\":\"http://a\",\"@index\":\"2\"}]",
	  "conflicting indexes", "/1" },
	{ "[{\"@id\":\"http://a\",\"@reverse\":{\"http://"
	  "p\":[{\"@value\":1}]}}]",
	  "invalid reverse property value", "/0/@reverse/http:~1~1p/0" },
};

START_TEST(invalid_input)
{
	cw_rdf_dataset *ds = NULL;
	cw_jsonld_error where;
	int err = convert(&ds, invalid[_i].json, NULL, &where);

	ck_assert_int_eq(err, CW_EINVAL);
	ck_assert_ptr_null(ds);
	ck_assert_str_eq(where.code, invalid[_i].code);
	ck_assert_str_eq(where.pointer, invalid[_i].pointer);
	ck_assert(where.message[0] != '\0');
}
END_TEST

START_TEST(work_limit)
{
	cw_rdf_dataset *ds = NULL;
	cw_jsonld_options o;
	cw_jsonld_error where;

	memset(&o, 0, sizeof(o));
	o.max_work = 5;
	ck_assert_int_eq(convert(&ds,
	                         NODE "{\"@value\":1},{\"@value\":2},"
	                              "{\"@value\":3},{\"@value\":4}]}]",
	                         &o, &where),
	                 CW_ETOOBIG);
	ck_assert_ptr_null(ds);
	ck_assert_str_eq(where.code, "");
}
END_TEST

START_TEST(empty_input)
{
	assert_nquads("[]", NULL, "");
	assert_nquads("[{}]", NULL, "");
}
END_TEST

static const struct {
	double value;
	const char *text;
} es_numbers[] = {
	{ 0, "0" },
	{ -0.0, "0" },
	{ 1, "1" },
	{ -1.5, "-1.5" },
	{ 1e21, "1e+21" },
	{ 1e20, "100000000000000000000" },
	{ 1e-7, "1e-7" },
	{ 0.000001, "0.000001" },
	{ 5e-324, "5e-324" },
	{ 1.7976931348623157e308, "1.7976931348623157e+308" },
	{ 0.1 + 0.2, "0.30000000000000004" },
	{ 123456789012345680000.0, "123456789012345680000" },
	{ 1.25e-10, "1.25e-10" },
};

START_TEST(jcs_numbers)
{
	cw_buf text = CW_BUF_INIT(256);

	ck_assert_int_eq(cw_jcs_number(&text, es_numbers[_i].value), 0);
	ck_assert_str_eq(cw_buf_cstr(&text), es_numbers[_i].text);
	cw_buf_dispose(&text);
}
END_TEST

/* Duplicate values are dropped whether a property has few values (compared
 * one by one) or many (keyed, including those added before the switch). */
START_TEST(duplicates_few_and_many)
{
	cw_buf json = CW_BUF_INIT(1 << 20);
	cw_rdf_dataset *ds = NULL;
	cw_buf_puts(&json, "[{\"@id\":\"http://s\",\"http://p\":[");
	for (int i = 0; i < 40; i++)
		cw_buf_printf(&json,
		              "%s{\"@value\":%d},{\"@id\":\"http://o%d\"}",
		              i ? "," : "", i, i);
	/* again: one from the linear part, one past it, and 0.3 vs its
	 * neighbour 0.30000000000000004, which are different values */
	cw_buf_puts(&json, ",{\"@value\":5},{\"@id\":\"http://o38\"},"
	                   "{\"@value\":0.3},{\"@value\":0.30000000000000004}"
	                   "]}]");
	ck_assert_int_eq(convert(&ds, cw_buf_cstr(&json), NULL, NULL), 0);
	ck_assert_uint_eq(ds->count, 82);
	cw_rdf_dataset_free(ds);
	cw_buf_clear(&json);
	/* 20 properties, then p3 and p18 again in a second node object with
	 * the same @id: the values join the same properties */
	cw_buf_puts(&json, "[{\"@id\":\"http://s\"");
	for (int i = 0; i < 20; i++)
		cw_buf_printf(&json, ",\"http://p%d\":[{\"@value\":%d}]", i, i);
	cw_buf_puts(&json,
	            "},{\"@id\":\"http://s\",\"http://p3\":[{\"@value\":3},"
	            "{\"@value\":33}],\"http://p18\":[{\"@value\":18},"
	            "{\"@value\":1818}]}]");
	ck_assert_int_eq(convert(&ds, cw_buf_cstr(&json), NULL, NULL), 0);
	ck_assert_uint_eq(ds->count, 22);
	cw_rdf_dataset_free(ds);
	cw_buf_dispose(&json);
}
END_TEST

Suite *suite_jsonld_to_rdf(void)
{
	Suite *s = suite_create("jsonld_to_rdf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, number_forms);
	tcase_add_test(tc, large_integers);
	tcase_add_test(tc, booleans_and_strings);
	tcase_add_test(tc, json_literal);
	tcase_add_test(tc, list);
	tcase_add_test(tc, blank_node_labels);
	tcase_add_test(tc, named_graphs);
	tcase_add_test(tc, dropped_iris);
	tcase_add_loop_test(tc, safe_mode, 0,
	                    sizeof(unsafe) / sizeof(unsafe[0]));
	tcase_add_test(tc, generalized_rdf);
	tcase_add_test(tc, reverse_included_duplicates);
	tcase_add_test(tc, directions);
	tcase_add_loop_test(tc, invalid_input, 0,
	                    sizeof(invalid) / sizeof(invalid[0]));
	tcase_add_test(tc, work_limit);
	tcase_add_test(tc, empty_input);
	tcase_add_test(tc, duplicates_few_and_many);
	tcase_add_loop_test(tc, jcs_numbers, 0,
	                    sizeof(es_numbers) / sizeof(es_numbers[0]));
	suite_add_tcase(s, tc);
	return s;
}
