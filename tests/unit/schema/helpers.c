/* Shared helpers of the schema unit tests. */
#include "helpers.h"

#include "util/json.h"

#include <check.h>
#include <string.h>

cJSON *st_json(const char *text)
{
	cJSON *doc = NULL;

	ck_assert_int_eq(cw_json_parse(&doc, text, strlen(text), 512, NULL), 0);
	return doc;
}

int st_compile(cw_schema **out, const char *schema,
               const cw_schema_options *options)
{
	cJSON *doc = st_json(schema);
	int err = cw_schema_compile(out, doc, NULL, options);

	cJSON_Delete(doc);
	return err;
}

int st_validate(cw_schema_result *out, const cw_schema *schema,
                const char *instance)
{
	cJSON *doc = st_json(instance);
	int err = cw_schema_validate(out, schema, doc);
	int quick = cw_schema_validate(NULL, schema, doc);

	/* The verdict is the same with or without an error list. */
	ck_assert_int_eq(err, quick);
	cJSON_Delete(doc);
	return err;
}
