/* Compiles schema documents: walks every subschema once, checks keyword
 * shapes, indexes $id/$anchor/$dynamicAnchor, compiles regexes and resolves
 * every reference, loading registry documents as references reach them. */
#include "schema/schema_internal.h"
#include "schema/schema_compile.h"

#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <string.h>

#define POINTER_BYTES (64L * 1024)

enum shape {
	SHAPE_ANY,
	SHAPE_STRING,
	SHAPE_BOOL,
	SHAPE_NUMBER,
	SHAPE_POSITIVE,
	SHAPE_COUNT,
	SHAPE_TYPE,
	SHAPE_ARRAY,
	SHAPE_STRINGS,
	SHAPE_STRINGS_MAP,
	SHAPE_OBJECT,
	SHAPE_SCHEMA,
	SHAPE_SCHEMA_LIST,
	SHAPE_SCHEMA_MAP,
	SHAPE_SCHEMA_OR_LIST
};

#define D2020 1u
#define D2019 2u
#define DBOTH 3u

static const struct keyword_spec {
	const char *name;
	int keyword;
	int shape;
	unsigned drafts;
} keyword_specs[] = {
	{ "$ref", KW_REF, SHAPE_STRING, DBOTH },
	{ "$dynamicRef", KW_DYNAMIC_REF, SHAPE_STRING, D2020 },
	{ "$recursiveRef", KW_RECURSIVE_REF, SHAPE_STRING, D2019 },
	{ "type", KW_TYPE, SHAPE_TYPE, DBOTH },
	{ "enum", KW_ENUM, SHAPE_ARRAY, DBOTH },
	{ "const", KW_CONST, SHAPE_ANY, DBOTH },
	{ "multipleOf", KW_MULTIPLE_OF, SHAPE_POSITIVE, DBOTH },
	{ "maximum", KW_MAXIMUM, SHAPE_NUMBER, DBOTH },
	{ "exclusiveMaximum", KW_EXCLUSIVE_MAXIMUM, SHAPE_NUMBER, DBOTH },
	{ "minimum", KW_MINIMUM, SHAPE_NUMBER, DBOTH },
	{ "exclusiveMinimum", KW_EXCLUSIVE_MINIMUM, SHAPE_NUMBER, DBOTH },
	{ "maxLength", KW_MAX_LENGTH, SHAPE_COUNT, DBOTH },
	{ "minLength", KW_MIN_LENGTH, SHAPE_COUNT, DBOTH },
	{ "pattern", KW_PATTERN, SHAPE_STRING, DBOTH },
	{ "format", KW_FORMAT, SHAPE_STRING, DBOTH },
	{ "prefixItems", KW_PREFIX_ITEMS, SHAPE_SCHEMA_LIST, D2020 },
	{ "items", KW_ITEMS, SHAPE_SCHEMA, D2020 },
	{ "items", KW_ITEMS, SHAPE_SCHEMA_OR_LIST, D2019 },
	{ "additionalItems", KW_ADDITIONAL_ITEMS, SHAPE_SCHEMA, D2019 },
	{ "contains", KW_CONTAINS, SHAPE_SCHEMA, DBOTH },
	{ "minContains", KW_MIN_CONTAINS, SHAPE_COUNT, DBOTH },
	{ "maxContains", KW_MAX_CONTAINS, SHAPE_COUNT, DBOTH },
	{ "maxItems", KW_MAX_ITEMS, SHAPE_COUNT, DBOTH },
	{ "minItems", KW_MIN_ITEMS, SHAPE_COUNT, DBOTH },
	{ "uniqueItems", KW_UNIQUE_ITEMS, SHAPE_BOOL, DBOTH },
	{ "properties", KW_PROPERTIES, SHAPE_SCHEMA_MAP, DBOTH },
	{ "patternProperties", KW_PATTERN_PROPERTIES, SHAPE_SCHEMA_MAP, DBOTH },
	{ "additionalProperties", KW_ADDITIONAL_PROPERTIES, SHAPE_SCHEMA,
	  DBOTH },
	{ "maxProperties", KW_MAX_PROPERTIES, SHAPE_COUNT, DBOTH },
	{ "minProperties", KW_MIN_PROPERTIES, SHAPE_COUNT, DBOTH },
	{ "required", KW_REQUIRED, SHAPE_STRINGS, DBOTH },
	{ "dependentRequired", KW_DEPENDENT_REQUIRED, SHAPE_STRINGS_MAP,
	  DBOTH },
	{ "dependentSchemas", KW_DEPENDENT_SCHEMAS, SHAPE_SCHEMA_MAP, DBOTH },
	{ "propertyNames", KW_PROPERTY_NAMES, SHAPE_SCHEMA, DBOTH },
	{ "allOf", KW_ALL_OF, SHAPE_SCHEMA_LIST, DBOTH },
	{ "anyOf", KW_ANY_OF, SHAPE_SCHEMA_LIST, DBOTH },
	{ "oneOf", KW_ONE_OF, SHAPE_SCHEMA_LIST, DBOTH },
	{ "not", KW_NOT, SHAPE_SCHEMA, DBOTH },
	{ "if", KW_IF, SHAPE_SCHEMA, DBOTH },
	{ "then", KW_THEN, SHAPE_SCHEMA, DBOTH },
	{ "else", KW_ELSE, SHAPE_SCHEMA, DBOTH },
	{ "unevaluatedItems", KW_UNEVALUATED_ITEMS, SHAPE_SCHEMA, DBOTH },
	{ "unevaluatedProperties", KW_UNEVALUATED_PROPERTIES, SHAPE_SCHEMA,
	  DBOTH },
	{ "$defs", KW_DEFS, SHAPE_SCHEMA_MAP, DBOTH },
	{ "definitions", KW_DEFINITIONS, SHAPE_SCHEMA_MAP, DBOTH },
	{ "$id", KW_ID, SHAPE_STRING, DBOTH },
	{ "$anchor", KW_ANCHOR, SHAPE_STRING, DBOTH },
	{ "$dynamicAnchor", KW_DYNAMIC_ANCHOR, SHAPE_STRING, D2020 },
	{ "$recursiveAnchor", KW_RECURSIVE_ANCHOR, SHAPE_BOOL, D2019 },
	{ "$schema", KW_SCHEMA, SHAPE_STRING, DBOTH },
	{ "$vocabulary", KW_VOCABULARY, SHAPE_OBJECT, DBOTH },
};

#define SPEC_COUNT (sizeof(keyword_specs) / sizeof(keyword_specs[0]))

enum ref_kind { REF_STATIC, REF_DYNAMIC, REF_RECURSIVE };

typedef struct {
	sch_node *node;
	int kind;
	char *uri; /* absolute, with its fragment */
} pending_ref;

struct sch_compiler {
	cw_schema *schema;
	const cw_schema_registry *registry;
	pending_ref *pending;
	size_t pending_count, pending_alloc;
};

typedef struct {
	sch_resource *resource; /* NULL at a document root */
	const char *doc_uri;
	int draft;
	unsigned vocab;
	int depth;
} walk_scope;

static int walk(sch_compiler *c, const cJSON *json, walk_scope scope,
                cw_buf *pointer);

static int schema_error(const sch_node *node, const char *keyword,
                        const char *what)
{
	cw_error_set("invalid schema at %.300s/%s: %s", node->location, keyword,
	             what);
	return CW_EINVAL;
}

static int is_count(const cJSON *v)
{
	return cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	       isfinite(v->valuedouble) &&
	       floor(v->valuedouble) == v->valuedouble;
}

static int is_type_name(const cJSON *v)
{
	static const char *const names[] = { "null",   "boolean", "object",
		                             "array",  "number",  "string",
		                             "integer" };

	if (!cJSON_IsString(v))
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v->valuestring, names[i]) == 0)
			return 1;
	return 0;
}

static int all_children(const cJSON *v, int (*ok)(const cJSON *))
{
	const cJSON *each;

	cJSON_ArrayForEach(each, v)
	{
		if (!ok(each))
			return 0;
	}
	return 1;
}

static int is_string(const cJSON *v)
{
	return cJSON_IsString(v);
}

static int is_schema(const cJSON *v)
{
	return cJSON_IsObject(v) || cJSON_IsBool(v);
}

static int is_strings(const cJSON *v)
{
	return cJSON_IsArray(v) && all_children(v, is_string);
}

/* NULL when value has the shape, else what it should be. */
static const char *shape_problem(int shape, const cJSON *v)
{
	switch (shape) {
	case SHAPE_STRING:
		return cJSON_IsString(v) ? NULL : "expected a string";
	case SHAPE_BOOL: return cJSON_IsBool(v) ? NULL : "expected a boolean";
	case SHAPE_NUMBER:
		return cJSON_IsNumber(v) ? NULL : "expected a number";
	case SHAPE_POSITIVE:
		return cJSON_IsNumber(v) && v->valuedouble > 0
		               ? NULL
		               : "expected a number greater than 0";
	case SHAPE_COUNT:
		return is_count(v) ? NULL : "expected a non-negative integer";
	case SHAPE_TYPE:
		return is_type_name(v) || (cJSON_IsArray(v) &&
		                           all_children(v, is_type_name))
		               ? NULL
		               : "expected a type name or an array of them";
	case SHAPE_ARRAY: return cJSON_IsArray(v) ? NULL : "expected an array";
	case SHAPE_STRINGS:
		return is_strings(v) ? NULL : "expected an array of strings";
	case SHAPE_STRINGS_MAP:
		return cJSON_IsObject(v) && all_children(v, is_strings)
		               ? NULL
		               : "expected an object of string arrays";
	case SHAPE_OBJECT:
		return cJSON_IsObject(v) ? NULL : "expected an object";
	case SHAPE_SCHEMA: return is_schema(v) ? NULL : "expected a schema";
	case SHAPE_SCHEMA_LIST:
		return cJSON_IsArray(v) && v->child &&
		                       all_children(v, is_schema)
		               ? NULL
		               : "expected a non-empty array of schemas";
	case SHAPE_SCHEMA_MAP:
		return cJSON_IsObject(v) && all_children(v, is_schema)
		               ? NULL
		               : "expected an object of schemas";
	case SHAPE_SCHEMA_OR_LIST:
		return is_schema(v) || shape_problem(SHAPE_SCHEMA_LIST, v) ==
		                               NULL
		               ? NULL
		               : "expected a schema or an array of schemas";
	default: return NULL;
	}
}

static const struct keyword_spec *spec_for(const char *name, int draft)
{
	unsigned mask = draft == CW_SCHEMA_DRAFT_2020_12 ? D2020 : D2019;

	for (size_t i = 0; i < SPEC_COUNT; i++)
		if ((keyword_specs[i].drafts & mask) &&
		    strcmp(keyword_specs[i].name, name) == 0)
			return &keyword_specs[i];
	return NULL;
}

/* Fills node->keywords, checking each known keyword's shape. */
static int index_keywords(sch_node *node)
{
	const cJSON *member;

	cJSON_ArrayForEach(member, node->json)
	{
		const struct keyword_spec *spec =
		        spec_for(member->string, node->draft);
		const char *problem;

		if (!spec)
			continue;
		if ((problem = shape_problem(spec->shape, member)) != NULL)
			return schema_error(node, member->string, problem);
		node->keywords[spec->keyword] = member;
	}
	node->has_unevaluated = node->keywords[KW_UNEVALUATED_ITEMS] ||
	                        node->keywords[KW_UNEVALUATED_PROPERTIES];
	node->recursive_anchor =
	        cJSON_IsTrue(node->keywords[KW_RECURSIVE_ANCHOR]);
	return 0;
}

static int compile_regexes(sch_node *node)
{
	const cJSON *pattern = node->keywords[KW_PATTERN];
	const cJSON *map = node->keywords[KW_PATTERN_PROPERTIES], *each;
	size_t count = sch_child_count(map);
	int err;

	if (pattern &&
	    (err = sch_regex_compile(&node->pattern, pattern->valuestring)) < 0)
		return err;
	if (!count)
		return 0;
	node->patterns = cw_calloc(count, sizeof(*node->patterns));
	if (!node->patterns)
		return CW_ENOMEM;
	cJSON_ArrayForEach(each, map)
	{
		sch_pattern *slot = &node->patterns[node->pattern_count];

		if ((err = sch_regex_compile(&slot->regex, each->string)) < 0)
			return err;
		slot->schema = each;
		node->pattern_count++;
	}
	return 0;
}

static int add_pending(sch_compiler *c, sch_node *node, int kind,
                       const char *reference)
{
	pending_ref *grown;
	char *uri = sch_uri_resolve(node->resource->uri, reference);

	if (!uri)
		return CW_ENOMEM;
	if (c->pending_count == c->pending_alloc) {
		size_t alloc = c->pending_alloc ? c->pending_alloc * 2 : 32;

		grown = cw_realloc(c->pending, alloc * sizeof(*grown));
		if (!grown) {
			cw_free(uri);
			return CW_ENOMEM;
		}
		c->pending = grown;
		c->pending_alloc = alloc;
	}
	c->pending[c->pending_count++] = (pending_ref){ node, kind, uri };
	return 0;
}

static int add_anchor(sch_compiler *c, sch_node *node, const char *name,
                      int dynamic)
{
	cw_buf key = CW_BUF_INIT(POINTER_BYTES);
	int err;

	cw_buf_printf(&key, "%s#%s", node->resource->uri, name);
	if ((err = key.error) < 0)
		goto out;
	err = sch_map_put(&c->schema->anchors, key.data, key.len, node);
	if (err == CW_EEXISTS && dynamic &&
	    sch_map_get(&c->schema->anchors, key.data, key.len) == node)
		err = 0;
	if (err == CW_EEXISTS) {
		cw_error_set(
		        "invalid schema: anchor \"%.200s\" defined twice in "
		        "%.300s",
		        name, node->resource->uri);
		err = CW_EINVAL;
	}
	if (err == 0 && dynamic)
		err = sch_map_put(&c->schema->dynamics, key.data, key.len,
		                  node);
out:
	cw_buf_dispose(&key);
	return err;
}

static int node_links(sch_compiler *c, sch_node *node)
{
	const cJSON *const *kw = node->keywords;
	int err = 0;

	if (kw[KW_ANCHOR] &&
	    (err = add_anchor(c, node, kw[KW_ANCHOR]->valuestring, 0)) < 0)
		return err;
	if (kw[KW_DYNAMIC_ANCHOR]) {
		node->dynamic_anchor = kw[KW_DYNAMIC_ANCHOR]->valuestring;
		if ((err = add_anchor(c, node, node->dynamic_anchor, 1)) < 0)
			return err;
	}
	if (kw[KW_REF] && (err = add_pending(c, node, REF_STATIC,
	                                     kw[KW_REF]->valuestring)) < 0)
		return err;
	if (kw[KW_DYNAMIC_REF] &&
	    (err = add_pending(c, node, REF_DYNAMIC,
	                       kw[KW_DYNAMIC_REF]->valuestring)) < 0)
		return err;
	if (kw[KW_RECURSIVE_REF] &&
	    (err = add_pending(c, node, REF_RECURSIVE,
	                       kw[KW_RECURSIVE_REF]->valuestring)) < 0)
		return err;
	return 0;
}

static sch_node *new_node(sch_compiler *c, const cJSON *json,
                          const walk_scope *scope, const cw_buf *pointer)
{
	cw_schema *schema = c->schema;
	sch_node *node, **grown;
	cw_buf location = CW_BUF_INIT(POINTER_BYTES * 2);

	if (schema->node_count >= CW_SCHEMA_MAX_NODES) {
		cw_error_set("schema has more than %d subschemas",
		             CW_SCHEMA_MAX_NODES);
		return NULL;
	}
	grown = cw_realloc(schema->nodes,
	                   (schema->node_count + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	schema->nodes = grown;
	node = cw_calloc(1, sizeof(*node));
	if (!node)
		return NULL;
	schema->nodes[schema->node_count++] = node;
	cw_buf_printf(&location, "%s#%s", scope->resource->uri,
	              cw_buf_cstr(pointer));
	node->location = cw_buf_detach(&location, NULL);
	node->json = json;
	node->resource = scope->resource;
	node->draft = scope->draft;
	node->vocab = scope->vocab;
	if (!node->location ||
	    sch_map_put(&schema->by_json, &json, sizeof(json), node) < 0)
		return NULL;
	return node;
}

static int add_resource(sch_compiler *c, const char *uri, sch_resource **out)
{
	cw_schema *schema = c->schema;
	sch_resource *resource, **grown;
	int err;

	grown = cw_realloc(schema->resources,
	                   (schema->resource_count + 1) * sizeof(*grown));
	if (!grown)
		return CW_ENOMEM;
	schema->resources = grown;
	resource = cw_calloc(1, sizeof(*resource));
	if (!resource)
		return CW_ENOMEM;
	schema->resources[schema->resource_count++] = resource;
	if (!(resource->uri = cw_strdup(uri)))
		return CW_ENOMEM;
	err = sch_map_put(&schema->by_uri, uri, strlen(uri), resource);
	if (err == CW_EEXISTS) {
		cw_error_set("invalid schema: $id %.300s used twice", uri);
		return CW_EINVAL;
	}
	*out = resource;
	return err;
}

/* The URI an $id gives, without its (empty) fragment. */
static int id_uri(char **out, const char *base, const char *id)
{
	char *uri = sch_uri_resolve(base, id), *hash;

	*out = NULL;
	if (!uri)
		return CW_ENOMEM;
	hash = strchr(uri, '#');
	if (hash && hash[1]) {
		cw_error_set("invalid schema: $id \"%.200s\" has a fragment",
		             id);
		cw_free(uri);
		return CW_EINVAL;
	}
	if (hash)
		*hash = '\0';
	*out = uri;
	return 0;
}

/* A new resource when json has $id or starts a document. */
static int enter_resource(sch_compiler *c, const cJSON *json, walk_scope *scope,
                          int *entered)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(json, "$id");
	const char *base =
	        scope->resource ? scope->resource->uri : scope->doc_uri;
	char *uri = NULL;
	int err = 0;

	*entered = 0;
	if (!cJSON_IsString(id) && scope->resource)
		return 0;
	if (cJSON_IsString(id) &&
	    (err = id_uri(&uri, base, id->valuestring)) < 0)
		return err;
	if ((err = add_resource(c, uri ? uri : base, &scope->resource)) < 0)
		goto out;
	if (uri && !sch_map_get(&c->schema->by_uri, base, strlen(base)) &&
	    !scope->depth)
		err = sch_map_put(&c->schema->by_uri, base, strlen(base),
		                  scope->resource);
	*entered = 1;
out:
	cw_free(uri);
	return err;
}

static int walk_member(sch_compiler *c, const cJSON *sub, walk_scope scope,
                       cw_buf *pointer, const char *key, long index)
{
	size_t mark = pointer->len;
	int err;

	if (key)
		sch_pointer_append(pointer, key);
	if (index >= 0)
		sch_pointer_append_index(pointer, (size_t)index);
	if (pointer->error)
		return pointer->error;
	err = walk(c, sub, scope, pointer);
	pointer->len = mark;
	pointer->data[mark] = '\0';
	return err;
}

static int walk_keyword(sch_compiler *c, const cJSON *value, int shape,
                        walk_scope scope, cw_buf *pointer)
{
	size_t mark = pointer->len;
	const cJSON *sub;
	long index = 0;
	int err = 0;

	if (sch_pointer_append(pointer, value->string) < 0)
		return pointer->error;
	if (shape == SHAPE_SCHEMA ||
	    (shape == SHAPE_SCHEMA_OR_LIST && !cJSON_IsArray(value)))
		err = walk(c, value, scope, pointer);
	else if (shape == SHAPE_SCHEMA_MAP)
		cJSON_ArrayForEach(sub, value)
		{
			if ((err = walk_member(c, sub, scope, pointer,
			                       sub->string, -1)) < 0)
				break;
		}
	else
		cJSON_ArrayForEach(sub, value)
		{
			if ((err = walk_member(c, sub, scope, pointer, NULL,
			                       index++)) < 0)
				break;
		}
	pointer->len = mark;
	pointer->data[mark] = '\0';
	return err;
}

static int walk_children(sch_compiler *c, const sch_node *node,
                         walk_scope scope, cw_buf *pointer)
{
	const cJSON *member;
	int err;

	scope.depth++;
	cJSON_ArrayForEach(member, node->json)
	{
		const struct keyword_spec *spec =
		        spec_for(member->string, node->draft);

		if (!spec || spec->shape < SHAPE_SCHEMA)
			continue;
		if ((err = walk_keyword(c, member, spec->shape, scope,
		                        pointer)) < 0)
			return err;
	}
	return 0;
}

static int walk_object(sch_compiler *c, const cJSON *json, walk_scope scope,
                       cw_buf *pointer)
{
	cw_buf own = CW_BUF_INIT(POINTER_BYTES);
	const cJSON *dialect =
	        cJSON_GetObjectItemCaseSensitive(json, "$schema");
	sch_node *node;
	int err, entered;

	if (cJSON_IsString(dialect) &&
	    (!scope.resource ||
	     cJSON_GetObjectItemCaseSensitive(json, "$id")) &&
	    (err = sch_dialect(c, dialect->valuestring, &scope.draft,
	                       &scope.vocab)) < 0)
		goto out;
	if ((err = enter_resource(c, json, &scope, &entered)) < 0)
		goto out;
	if (entered)
		pointer = &own;
	if (!(node = new_node(c, json, &scope, pointer))) {
		err = CW_ENOMEM;
		goto out;
	}
	if (entered)
		scope.resource->root = node;
	if ((err = index_keywords(node)) < 0 ||
	    (err = compile_regexes(node)) < 0 ||
	    (err = node_links(c, node)) < 0)
		goto out;
	err = walk_children(c, node, scope, pointer);
out:
	cw_buf_dispose(&own);
	return err;
}

static int walk(sch_compiler *c, const cJSON *json, walk_scope scope,
                cw_buf *pointer)
{
	int max = c->schema->options.max_schema_depth;

	if (sch_node_for(c->schema, json))
		return 0;
	if (scope.depth > max) {
		cw_error_set("schema nested deeper than %d levels", max);
		return CW_ETOOBIG;
	}
	if (cJSON_IsBool(json) && scope.resource) {
		return new_node(c, json, &scope, pointer) ? 0 : CW_ENOMEM;
	}
	if (cJSON_IsBool(json)) {
		int entered, err = enter_resource(c, json, &scope, &entered);

		if (err < 0)
			return err;
		if (!(scope.resource->root =
		              new_node(c, json, &scope, pointer)))
			return CW_ENOMEM;
		return 0;
	}
	if (!cJSON_IsObject(json)) {
		cw_error_set(
		        "invalid schema at %.300s: expected an object or a "
		        "boolean",
		        cw_buf_cstr(pointer));
		return CW_EINVAL;
	}
	return walk_object(c, json, scope, pointer);
}

int sch_compile_document(sch_compiler *c, const cJSON *json, const char *uri,
                         int draft, unsigned vocab)
{
	cw_buf pointer = CW_BUF_INIT(POINTER_BYTES);
	walk_scope scope = { NULL, uri, draft, vocab, 0 };
	int err = walk(c, json, scope, &pointer);

	cw_buf_dispose(&pointer);
	return err;
}

/* Compiles the subschema at a JSON pointer no keyword walk reached. */
static int compile_at(sch_compiler *c, const sch_resource *resource,
                      const cJSON *json, const char *pointer_text)
{
	cw_buf pointer = CW_BUF_INIT(POINTER_BYTES);
	walk_scope scope = { (sch_resource *)resource, resource->uri,
		             resource->root->draft, resource->root->vocab, 0 };
	int err;

	if ((err = cw_buf_puts(&pointer, pointer_text)) == 0)
		err = walk(c, json, scope, &pointer);
	cw_buf_dispose(&pointer);
	return err;
}

static int find_fragment(sch_compiler *c, const sch_resource *resource,
                         const char *base, const char *fragment,
                         const sch_node **out)
{
	char *decoded = sch_uri_fragment_decode(fragment);
	cw_buf key = CW_BUF_INIT(POINTER_BYTES * 2);
	const cJSON *json;
	int err = 0;

	*out = NULL;
	if (!decoded)
		return CW_ENOMEM;
	if (decoded[0] == '\0' || decoded[0] == '/') {
		json = sch_pointer_follow(resource->root->json, decoded);
		if (json && !sch_node_for(c->schema, json))
			err = compile_at(c, resource, json, decoded);
		*out = json ? sch_node_for(c->schema, json) : NULL;
	} else {
		cw_buf_printf(&key, "%s#%s", base, decoded);
		err = key.error;
		if (!err)
			*out = sch_map_get(&c->schema->anchors, key.data,
			                   key.len);
	}
	cw_buf_dispose(&key);
	cw_free(decoded);
	return err;
}

/* The node a pending reference names, loading its document if needed. */
static int resolve_one(sch_compiler *c, size_t index)
{
	/* A copy: loading a document may move the pending list. */
	pending_ref copy = c->pending[index], *ref = &copy;
	char *hash = strchr(ref->uri, '#');
	const char *fragment = hash ? hash + 1 : "";
	const sch_resource *resource;
	const sch_node *target = NULL;
	int err;

	if (hash)
		*hash = '\0';
	resource = sch_map_get(&c->schema->by_uri, ref->uri, strlen(ref->uri));
	if (!resource && (err = sch_load_remote(c, ref->uri)) < 0)
		goto out;
	resource = sch_map_get(&c->schema->by_uri, ref->uri, strlen(ref->uri));
	if (!resource || !resource->root)
		err = CW_ENOTFOUND;
	else
		err = find_fragment(c, resource, ref->uri, fragment, &target);
	if (err == 0 && !target)
		err = CW_ENOTFOUND;
	if (err == CW_ENOTFOUND)
		cw_error_set(
		        "unresolvable reference %.300s%s%.200s from %.300s",
		        ref->uri, hash ? "#" : "", fragment,
		        ref->node->location);
	if (err < 0)
		goto out;
	if (ref->kind == REF_STATIC) {
		ref->node->ref = target;
	} else if (ref->kind == REF_RECURSIVE) {
		ref->node->recursive_ref = target;
	} else {
		ref->node->dynamic_ref = target;
		if (fragment[0] && fragment[0] != '/' &&
		    target->dynamic_anchor &&
		    strcmp(target->dynamic_anchor, fragment) == 0)
			ref->node->dynamic_name = target->dynamic_anchor;
	}
out:
	if (hash)
		*hash = '#';
	return err;
}

int sch_compile_resolve(sch_compiler *c)
{
	int err;

	for (size_t i = 0; i < c->pending_count; i++)
		if ((err = resolve_one(c, i)) < 0)
			return err;
	return 0;
}

cw_schema *sch_compiler_schema(sch_compiler *c)
{
	return c->schema;
}

const cw_schema_registry *sch_compiler_registry(sch_compiler *c)
{
	return c->registry;
}

int sch_compiler_new(sch_compiler **out, cw_schema *schema,
                     const cw_schema_registry *registry)
{
	*out = cw_calloc(1, sizeof(**out));
	if (!*out)
		return CW_ENOMEM;
	(*out)->schema = schema;
	(*out)->registry = registry;
	return 0;
}

void sch_compiler_free(sch_compiler *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->pending_count; i++)
		cw_free(c->pending[i].uri);
	cw_free(c->pending);
	cw_free(c);
}
