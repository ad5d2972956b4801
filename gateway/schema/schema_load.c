/* The registry of documents remote references may reach, the dialects
 * ($schema, $vocabulary), the embedded meta-schemas and cw_schema_compile. */
#include "schema/schema_compile.h"

#include "util/alloc.h"
#include "util/embed.h"
#include "util/error.h"
#include "util/json.h"

#include <string.h>

#define ROOT_URI           "urn:crosswalk:schema:root"
#define META_2020          "https://json-schema.org/draft/2020-12/schema"
#define META_2019          "https://json-schema.org/draft/2019-09/schema"
#define VOCAB_2020         "https://json-schema.org/draft/2020-12/vocab/"
#define VOCAB_2019         "https://json-schema.org/draft/2019-09/vocab/"
#define REGEX_MATCH_LIMIT  1000000
#define REGEX_DEPTH_LIMIT  5000
#define REGEX_HEAP_LIMIT_K 16384

/* Crosswalk's own meta-schemas, one per draft (schemas/meta/). */
extern const cw_embedded_file cw_schema_meta_files[];

struct cw_schema_registry {
	sch_map by_uri; /* URI -> cJSON document */
	cJSON **documents;
	size_t count;
};

int cw_schema_registry_new(cw_schema_registry **out)
{
	*out = cw_calloc(1, sizeof(**out));
	return *out ? 0 : CW_ENOMEM;
}

static int registry_keep(cw_schema_registry *registry, cJSON *copy)
{
	cJSON **grown = cw_realloc(registry->documents,
	                           (registry->count + 1) * sizeof(*grown));

	if (!grown)
		return CW_ENOMEM;
	registry->documents = grown;
	registry->documents[registry->count++] = copy;
	return 0;
}

int cw_schema_registry_add(cw_schema_registry *registry, const char *uri,
                           const cJSON *doc)
{
	size_t len = strlen(uri);
	cJSON *copy = NULL;
	int err;

	if (len && uri[len - 1] == '#')
		len--;
	if (!sch_uri_is_absolute(uri) || memchr(uri, '#', len)) {
		cw_error_set(
		        "schema registry: \"%.200s\" is not an absolute URI "
		        "without fragment",
		        uri);
		return CW_EINVAL;
	}
	if (sch_json_deeper_than(doc, CW_SCHEMA_DEFAULT_SCHEMA_DEPTH)) {
		cw_error_set("schema registry: %.200s nested too deep", uri);
		return CW_ETOOBIG;
	}
	if (sch_map_get(&registry->by_uri, uri, len))
		return CW_EEXISTS;
	if (!(copy = cJSON_Duplicate(doc, 1)))
		return CW_ENOMEM;
	if ((err = registry_keep(registry, copy)) < 0) {
		cJSON_Delete(copy);
		return err;
	}
	return sch_map_put(&registry->by_uri, uri, len, copy);
}

void cw_schema_registry_free(cw_schema_registry *registry)
{
	if (!registry)
		return;
	for (size_t i = 0; i < registry->count; i++)
		cJSON_Delete(registry->documents[i]);
	cw_free(registry->documents);
	sch_map_dispose(&registry->by_uri);
	cw_free(registry);
}

static const cJSON *registry_find(const cw_schema_registry *registry,
                                  const char *uri)
{
	if (!registry)
		return NULL;
	return sch_map_get(&registry->by_uri, uri, strlen(uri));
}

static const struct {
	const char *uri;
	unsigned flags;
} vocabularies[] = {
	{ VOCAB_2020 "core", 0 },
	{ VOCAB_2020 "applicator", VOCAB_APPLICATOR },
	{ VOCAB_2020 "unevaluated", VOCAB_UNEVALUATED },
	{ VOCAB_2020 "validation", VOCAB_VALIDATION },
	{ VOCAB_2020 "meta-data", 0 },
	{ VOCAB_2020 "format-annotation", 0 },
	{ VOCAB_2020 "format-assertion", VOCAB_FORMAT_ASSERT },
	{ VOCAB_2020 "content", 0 },
	{ VOCAB_2019 "core", 0 },
	{ VOCAB_2019 "applicator", VOCAB_APPLICATOR | VOCAB_UNEVALUATED },
	{ VOCAB_2019 "validation", VOCAB_VALIDATION },
	{ VOCAB_2019 "meta-data", 0 },
	{ VOCAB_2019 "format", 0 },
	{ VOCAB_2019 "content", 0 },
};

/* The vocabularies a meta-schema's $vocabulary turns on. */
static int read_vocabulary(const cJSON *list, unsigned *out)
{
	const cJSON *each;

	*out = 0;
	cJSON_ArrayForEach(each, list)
	{
		size_t i, n = sizeof(vocabularies) / sizeof(vocabularies[0]);

		for (i = 0; i < n; i++)
			if (strcmp(vocabularies[i].uri, each->string) == 0)
				break;
		if (i < n)
			*out |= vocabularies[i].flags;
		else if (cJSON_IsTrue(each)) {
			cw_error_set("unsupported required vocabulary %.300s",
			             each->string);
			return CW_EUNSUPPORTED;
		}
	}
	return 0;
}

/* The URI without an empty fragment, into buf. */
static int strip_hash(char *buf, size_t size, const char *uri)
{
	size_t len = strlen(uri);

	if (len && uri[len - 1] == '#')
		len--;
	if (len >= size)
		return CW_ETOOBIG;
	memcpy(buf, uri, len);
	buf[len] = '\0';
	return 0;
}

static int known_draft(const char *uri)
{
	if (strcmp(uri, META_2020) == 0)
		return CW_SCHEMA_DRAFT_2020_12;
	if (strcmp(uri, META_2019) == 0)
		return CW_SCHEMA_DRAFT_2019_09;
	return -1;
}

int sch_dialect(sch_compiler *c, const char *uri, int *draft, unsigned *vocab)
{
	const cJSON *meta, *meta_dialect;
	char name[2048], meta_name[2048];
	int known;

	if (strip_hash(name, sizeof(name), uri) < 0)
		goto unsupported;
	if ((known = known_draft(name)) >= 0) {
		*draft = known;
		*vocab = VOCAB_DEFAULT;
		return 0;
	}
	meta = registry_find(sch_compiler_registry(c), name);
	meta_dialect = cJSON_GetObjectItemCaseSensitive(meta, "$schema");
	if (!cJSON_IsString(meta_dialect) ||
	    strip_hash(meta_name, sizeof(meta_name),
	               meta_dialect->valuestring) < 0 ||
	    (known = known_draft(meta_name)) < 0)
		goto unsupported;
	*draft = known;
	*vocab = VOCAB_DEFAULT;
	if (cJSON_IsObject(
	            cJSON_GetObjectItemCaseSensitive(meta, "$vocabulary")))
		return read_vocabulary(
		        cJSON_GetObjectItemCaseSensitive(meta, "$vocabulary"),
		        vocab);
	return 0;
unsupported:
	cw_error_set("unsupported $schema %.300s", uri);
	return CW_EUNSUPPORTED;
}

static int keep_document(cw_schema *schema, cJSON *doc)
{
	cJSON **grown = cw_realloc(schema->documents, (schema->document_count +
	                                               1) * sizeof(*grown));

	if (!grown) {
		cJSON_Delete(doc);
		return CW_ENOMEM;
	}
	schema->documents = grown;
	schema->documents[schema->document_count++] = doc;
	return 0;
}

static int parse_meta(cJSON **out, const char *uri)
{
	const char *file = strcmp(uri, META_2020) == 0   ? "draft2020-12.json"
	                   : strcmp(uri, META_2019) == 0 ? "draft2019-09.json"
	                                                 : NULL;

	*out = NULL;
	for (const cw_embedded_file *f = cw_schema_meta_files; file && f->name;
	     f++)
		if (strcmp(f->name, file) == 0)
			return cw_json_parse(out, (const char *)f->data, f->len,
			                     CW_SCHEMA_DEFAULT_SCHEMA_DEPTH,
			                     NULL);
	return 0;
}

int sch_load_remote(sch_compiler *c, const char *uri)
{
	cw_schema *schema = sch_compiler_schema(c);
	const cJSON *found = registry_find(sch_compiler_registry(c), uri);
	cJSON *copy = NULL;
	int err;

	if (found && !(copy = cJSON_Duplicate(found, 1)))
		return CW_ENOMEM;
	if (!found && (err = parse_meta(&copy, uri)) < 0)
		return err;
	if (!copy)
		return 0;
	if ((err = keep_document(schema, copy)) < 0)
		return err;
	return sch_compile_document(c, copy, uri,
	                            (int)schema->options.default_draft,
	                            VOCAB_DEFAULT);
}

void cw_schema_options_init(cw_schema_options *options)
{
	memset(options, 0, sizeof(*options));
	options->default_draft = CW_SCHEMA_DRAFT_2020_12;
	options->max_schema_depth = CW_SCHEMA_DEFAULT_SCHEMA_DEPTH;
	options->max_instance_depth = CW_SCHEMA_DEFAULT_INSTANCE_DEPTH;
	options->max_work = CW_SCHEMA_DEFAULT_WORK;
	options->max_errors = CW_SCHEMA_DEFAULT_MAX_ERRORS;
}

static void set_options(cw_schema *schema, const cw_schema_options *given)
{
	cw_schema_options *o = &schema->options;

	cw_schema_options_init(o);
	if (!given)
		return;
	o->default_draft = given->default_draft;
	o->format_assert = given->format_assert;
	if (given->max_schema_depth > 0)
		o->max_schema_depth = given->max_schema_depth;
	if (given->max_instance_depth > 0)
		o->max_instance_depth = given->max_instance_depth;
	if (given->max_work > 0)
		o->max_work = given->max_work;
	if (given->max_errors > 0)
		o->max_errors = given->max_errors;
	o->base_uri = NULL; /* used during compile only */
}

static int match_limits(cw_schema *schema)
{
	schema->match_context = pcre2_match_context_create(NULL);
	if (!schema->match_context)
		return CW_ENOMEM;
	if (pcre2_set_match_limit(schema->match_context, REGEX_MATCH_LIMIT) ||
	    pcre2_set_depth_limit(schema->match_context, REGEX_DEPTH_LIMIT) ||
	    pcre2_set_heap_limit(schema->match_context, REGEX_HEAP_LIMIT_K))
		return CW_EINVAL;
	return 0;
}

static int compile_root(cw_schema *schema, const cJSON *doc,
                        const cw_schema_registry *registry, const char *base)
{
	sch_compiler *c = NULL;
	cJSON *copy = NULL;
	int err;

	if (sch_json_deeper_than(doc, schema->options.max_schema_depth)) {
		cw_error_set("schema nested deeper than %d levels",
		             schema->options.max_schema_depth);
		return CW_ETOOBIG;
	}
	if (!(copy = cJSON_Duplicate(doc, 1)))
		return CW_ENOMEM;
	if ((err = keep_document(schema, copy)) < 0)
		return err;
	if ((err = sch_compiler_new(&c, schema, registry)) < 0)
		return err;
	err = sch_compile_document(c, copy, base,
	                           (int)schema->options.default_draft,
	                           VOCAB_DEFAULT);
	if (err == 0)
		err = sch_compile_resolve(c);
	sch_compiler_free(c);
	if (err == 0)
		schema->root = (sch_node *)sch_node_for(schema, copy);
	return err;
}

int cw_schema_compile(cw_schema **out, const cJSON *doc,
                      const cw_schema_registry *registry,
                      const cw_schema_options *options)
{
	const char *base =
	        options && options->base_uri ? options->base_uri : ROOT_URI;
	cw_schema *schema = cw_calloc(1, sizeof(*schema));
	char stripped[4096];
	int err;

	*out = NULL;
	if (!schema)
		return CW_ENOMEM;
	set_options(schema, options);
	if (strip_hash(stripped, sizeof(stripped), base) < 0 ||
	    !sch_uri_is_absolute(stripped) || strchr(stripped, '#')) {
		cw_error_set("schema base URI \"%.200s\" is not absolute",
		             base);
		err = CW_EINVAL;
		goto out;
	}
	if ((err = compile_root(schema, doc, registry, stripped)) < 0 ||
	    (err = match_limits(schema)) < 0)
		goto out;
	*out = schema;
	schema = NULL;
out:
	cw_schema_free(schema);
	return err;
}

static void node_free(sch_node *node)
{
	cw_free(node->location);
	pcre2_code_free(node->pattern);
	for (size_t i = 0; i < node->pattern_count; i++)
		pcre2_code_free(node->patterns[i].regex);
	cw_free(node->patterns);
	cw_free(node);
}

void cw_schema_free(cw_schema *schema)
{
	if (!schema)
		return;
	for (size_t i = 0; i < schema->node_count; i++)
		node_free(schema->nodes[i]);
	cw_free(schema->nodes);
	for (size_t i = 0; i < schema->resource_count; i++) {
		cw_free(schema->resources[i]->uri);
		cw_free(schema->resources[i]);
	}
	cw_free(schema->resources);
	sch_map_dispose(&schema->by_json);
	sch_map_dispose(&schema->by_uri);
	sch_map_dispose(&schema->anchors);
	sch_map_dispose(&schema->dynamics);
	for (size_t i = 0; i < schema->document_count; i++)
		cJSON_Delete(schema->documents[i]);
	cw_free(schema->documents);
	pcre2_match_context_free(schema->match_context);
	cw_free(schema);
}
