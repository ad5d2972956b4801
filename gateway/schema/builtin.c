/* Lookup and compilation of the schemas embedded from schemas/. */
#include "schema/builtin.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

#include <string.h>

#define URI_MAX 1024

extern const cw_embedded_file cw_schema_oneroster_v1p1[];
extern const cw_embedded_file cw_schema_oneroster_v1p2[];
extern const cw_embedded_file cw_schema_case_v1p1[];
extern const cw_embedded_file cw_schema_mappings[];

const cw_embedded_file *cw_schema_builtin_files(cw_schema_set set)
{
	if (set == CW_SCHEMA_SET_CASE_V1P1)
		return cw_schema_case_v1p1;
	if (set == CW_SCHEMA_SET_MAPPINGS)
		return cw_schema_mappings;
	return set == CW_SCHEMA_SET_ONEROSTER_V1P1 ? cw_schema_oneroster_v1p1
	                                           : cw_schema_oneroster_v1p2;
}

const char *cw_schema_builtin_base(cw_schema_set set)
{
	if (set == CW_SCHEMA_SET_CASE_V1P1)
		return "https://crosswalk.invalid/schemas/case/v1p1/";
	if (set == CW_SCHEMA_SET_MAPPINGS)
		return "https://crosswalk.invalid/schemas/mappings/";
	return set == CW_SCHEMA_SET_ONEROSTER_V1P1
	               ? "https://crosswalk.invalid/schemas/oneroster/v1p1/"
	               : "https://crosswalk.invalid/schemas/oneroster/v1p2/";
}

const cw_embedded_file *cw_schema_builtin_find(cw_schema_set set,
                                               const char *name)
{
	for (const cw_embedded_file *f = cw_schema_builtin_files(set); f->name;
	     f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static int parse_file(cJSON **out, const cw_embedded_file *file)
{
	int err = cw_json_parse(out, (const char *)file->data, file->len,
	                        CW_SCHEMA_DEFAULT_SCHEMA_DEPTH, NULL);

	if (err < 0)
		cw_error_set("embedded schema %s: %s", file->name,
		             cw_error_last());
	return err;
}

/* Every document of set but skip, under its URI. */
static int fill_registry(cw_schema_registry *registry, cw_schema_set set,
                         const cw_embedded_file *skip)
{
	cw_buf uri = CW_BUF_INIT(URI_MAX);
	cJSON *doc = NULL;
	int err = 0;

	for (const cw_embedded_file *f = cw_schema_builtin_files(set);
	     f->name && err == 0; f++) {
		if (f == skip)
			continue;
		cw_buf_clear(&uri);
		cw_buf_printf(&uri, "%s%s", cw_schema_builtin_base(set),
		              f->name);
		if ((err = uri.error) < 0 || (err = parse_file(&doc, f)) < 0)
			break;
		err = cw_schema_registry_add(registry, cw_buf_cstr(&uri), doc);
		cJSON_Delete(doc);
		doc = NULL;
	}
	cw_buf_dispose(&uri);
	return err;
}

int cw_schema_builtin_compile(cw_schema **out, cw_schema_set set,
                              const char *name,
                              const cw_schema_options *options)
{
	const cw_embedded_file *file = cw_schema_builtin_find(set, name);
	cw_schema_registry *registry = NULL;
	cw_schema_options defaults;
	cJSON *doc = NULL;
	int err;

	*out = NULL;
	if (!file) {
		cw_error_set("no embedded schema %s", name);
		return CW_ENOTFOUND;
	}
	if (!options) {
		cw_schema_options_init(&defaults);
		defaults.format_assert = 1;
		options = &defaults;
	}
	if ((err = cw_schema_registry_new(&registry)) < 0 ||
	    (err = fill_registry(registry, set, file)) < 0 ||
	    (err = parse_file(&doc, file)) < 0)
		goto out;
	err = cw_schema_compile(out, doc, registry, options);
out:
	cJSON_Delete(doc);
	cw_schema_registry_free(registry);
	return err;
}
