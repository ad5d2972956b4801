/* Fuzzes the JSON Schema validator: a schema and an instance from one input;
 * whatever compiles must validate within its caps, and the verdict with an
 * error list must match the one without. */
#include "fuzz.h"

#include "schema/schema.h"
#include "util/error.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 24

static int check_result(const cw_schema_result *result, int err)
{
	if ((err == 0) != (result->count == 0 && result->dropped == 0))
		return 0;
	for (size_t i = 0; i < result->count; i++) {
		const cw_schema_error *e = &result->errors[i];

		if (!e->instance_location || !e->keyword_location ||
		    !e->schema_location || !e->message || !e->message[0])
			return 0;
		if (e->instance_location[0] && e->instance_location[0] != '/')
			return 0;
	}
	return 1;
}

static void run(const cJSON *schema_doc, const cJSON *instance)
{
	cw_schema_options options;
	cw_schema *schema = NULL;
	cw_schema_result result;
	int full, quick;

	cw_schema_options_init(&options);
	options.max_schema_depth = MAX_DEPTH;
	options.max_instance_depth = MAX_DEPTH;
	options.max_work = 20000;
	options.max_errors = 50;
	options.format_assert = instance && cJSON_IsString(instance);
	if (cw_schema_compile(&schema, schema_doc, NULL, &options) < 0) {
		if (schema)
			abort();
		return;
	}
	full = cw_schema_validate(&result, schema, instance);
	quick = cw_schema_validate(NULL, schema, instance);
	if (full != 0 && full != CW_EINVAL && full != CW_ETOOBIG &&
	    full != CW_ENOMEM)
		abort();
	/* Without errors to collect it stops sooner, so only a finished run
	 * on both sides must agree. */
	if (full != CW_ETOOBIG && quick != CW_ETOOBIG && full != quick)
		abort();
	if (full != CW_ETOOBIG && !check_result(&result, full))
		abort();
	cw_schema_result_dispose(&result);
	cw_schema_free(schema);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t schema_len = nul ? (size_t)(nul - data) : size;
	cJSON *schema_doc = NULL, *instance = NULL;
	char *copy = malloc(size + 1);

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	copy[size] = '\0';
	if (cw_json_parse(&schema_doc, copy, schema_len, MAX_DEPTH, NULL) < 0)
		goto out;
	if (nul &&
	    cw_json_parse(&instance, copy + schema_len + 1,
	                  size - schema_len - 1, MAX_DEPTH + 2, NULL) < 0)
		goto out;
	if (!instance && !(instance = cJSON_CreateNull()))
		goto out;
	run(schema_doc, instance);
out:
	cJSON_Delete(schema_doc);
	cJSON_Delete(instance);
	free(copy);
	return 0;
}
