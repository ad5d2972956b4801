/* Compiling: bad schemas, references, the registry, caps. */
#include "helpers.h"

#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_schema_compile(void);

static const struct {
	const char *schema;
	int code;
	const char *message;
} bad_schemas[] = {
	{ "{\"minLength\":-1}", CW_EINVAL,
	  "invalid schema at urn:crosswalk:schema:root#/minLength: expected a "
	  "non-negative integer" },
	{ "{\"properties\":{\"a\":{\"type\":\"text\"}}}", CW_EINVAL,
	  "invalid schema at urn:crosswalk:schema:root#/properties/a/type: "
	  "expected a type name or an array of them" },
	{ "{\"pattern\":\"(\"}", CW_EINVAL, NULL },
	{ "{\"allOf\":[]}", CW_EINVAL, NULL },
	{ "{\"$ref\":\"#/$defs/missing\"}", CW_ENOTFOUND,
	  "unresolvable reference urn:crosswalk:schema:root#/$defs/missing "
	  "from urn:crosswalk:schema:root#" },
	{ "{\"$ref\":\"https://example.test/other.json\"}", CW_ENOTFOUND,
	  NULL },
	{ "{\"$schema\":\"http://json-schema.org/draft-07/schema#\"}",
	  CW_EUNSUPPORTED, NULL },
	{ "{\"$defs\":{\"a\":{\"$id\":\"x\"},\"b\":{\"$id\":\"x\"}}}",
	  CW_EINVAL, NULL },
	{ "[1]", CW_EINVAL, NULL },
};

START_TEST(bad_schema_table)
{
	cw_schema *schema = NULL;

	ck_assert_int_eq(st_compile(&schema, bad_schemas[_i].schema, NULL),
	                 bad_schemas[_i].code);
	ck_assert_ptr_null(schema);
	if (bad_schemas[_i].message)
		ck_assert_str_eq(cw_error_last(), bad_schemas[_i].message);
}
END_TEST

START_TEST(schema_depth)
{
	cw_schema_options options;
	cw_schema *schema = NULL;

	cw_schema_options_init(&options);
	options.max_schema_depth = 4;
	ck_assert_int_eq(st_compile(&schema,
	                            "{\"not\":{\"not\":{\"not\":{\"not\":{"
	                            "\"not\":{}}}}}}",
	                            &options),
	                 CW_ETOOBIG);
	ck_assert_int_eq(
	        st_compile(&schema, "{\"not\":{\"not\":{}}}", &options), 0);
	cw_schema_free(schema);
}
END_TEST

START_TEST(registry_references)
{
	cw_schema_registry *registry = NULL;
	cw_schema *schema = NULL;
	cJSON *remote = st_json("{\"$defs\":{\"id\":{\"type\":\"string\","
	                        "\"minLength\":1}}}");
	cJSON *doc = st_json("{\"$id\":\"https://example.test/s/user.json\","
	                     "\"properties\":{\"id\":{\"$ref\":\"common.json#/"
	                     "$defs/id\"}}}");
	cJSON *good = st_json("{\"id\":\"a\"}"),
	      *bad = st_json("{\"id\":\"\"}");

	ck_assert_int_eq(cw_schema_registry_new(&registry), 0);
	ck_assert_int_eq(cw_schema_registry_add(registry,
	                                        "https://example.test/s/"
	                                        "common.json",
	                                        remote),
	                 0);
	ck_assert_int_eq(cw_schema_registry_add(registry,
	                                        "https://example.test/s/"
	                                        "common.json",
	                                        remote),
	                 CW_EEXISTS);
	ck_assert_int_eq(
	        cw_schema_registry_add(registry, "common.json", remote),
	        CW_EINVAL);
	ck_assert_int_eq(cw_schema_compile(&schema, doc, registry, NULL), 0);
	/* The schema keeps its own copies: the registry may go. */
	cw_schema_registry_free(registry);
	ck_assert_int_eq(cw_schema_validate(NULL, schema, good), 0);
	ck_assert_int_eq(cw_schema_validate(NULL, schema, bad), CW_EINVAL);
	cw_schema_free(schema);
	cJSON_Delete(remote);
	cJSON_Delete(doc);
	cJSON_Delete(good);
	cJSON_Delete(bad);
}
END_TEST

START_TEST(meta_schemas_are_built_in)
{
	cw_schema *schema = NULL;

	ck_assert_int_eq(st_compile(&schema,
	                            "{\"$ref\":\"https://json-schema.org/draft/"
	                            "2020-12/schema\"}",
	                            NULL),
	                 0);
	ck_assert_int_eq(
	        st_validate(NULL, schema,
	                    "{\"properties\":{\"a\":{\"minItems\":1}}}"),
	        0);
	ck_assert_int_eq(
	        st_validate(NULL, schema,
	                    "{\"properties\":{\"a\":{\"minItems\":-1}}}"),
	        CW_EINVAL);
	cw_schema_free(schema);
}
END_TEST

START_TEST(draft_2019_items)
{
	cw_schema_options options;
	cw_schema *schema = NULL;

	cw_schema_options_init(&options);
	options.default_draft = CW_SCHEMA_DRAFT_2019_09;
	ck_assert_int_eq(st_compile(&schema,
	                            "{\"items\":[{\"type\":\"integer\"}],"
	                            "\"additionalItems\":false}",
	                            &options),
	                 0);
	ck_assert_int_eq(st_validate(NULL, schema, "[1]"), 0);
	ck_assert_int_eq(st_validate(NULL, schema, "[1,2]"), CW_EINVAL);
	cw_schema_free(schema);
}
END_TEST

Suite *suite_schema_compile(void)
{
	Suite *s = suite_create("schema_compile");
	TCase *c = tcase_create("core");

	tcase_add_loop_test(c, bad_schema_table, 0,
	                    sizeof(bad_schemas) / sizeof(bad_schemas[0]));
	tcase_add_test(c, schema_depth);
	tcase_add_test(c, registry_references);
	tcase_add_test(c, meta_schemas_are_built_in);
	tcase_add_test(c, draft_2019_items);
	suite_add_tcase(s, c);
	return s;
}
