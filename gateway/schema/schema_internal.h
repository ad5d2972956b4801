/* What the schema_*.c files share: compiled nodes, maps, evaluation state. */
#ifndef CW_SCHEMA_INTERNAL_H
#define CW_SCHEMA_INTERNAL_H

#include "schema/schema.h"
#include "util/buf.h"

#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Keywords a compiled node keeps a pointer to, in evaluation order. */
enum sch_keyword {
	KW_REF,
	KW_DYNAMIC_REF,
	KW_RECURSIVE_REF,
	KW_TYPE,
	KW_ENUM,
	KW_CONST,
	KW_MULTIPLE_OF,
	KW_MAXIMUM,
	KW_EXCLUSIVE_MAXIMUM,
	KW_MINIMUM,
	KW_EXCLUSIVE_MINIMUM,
	KW_MAX_LENGTH,
	KW_MIN_LENGTH,
	KW_PATTERN,
	KW_FORMAT,
	KW_PREFIX_ITEMS,
	KW_ITEMS,
	KW_ADDITIONAL_ITEMS,
	KW_CONTAINS,
	KW_MIN_CONTAINS,
	KW_MAX_CONTAINS,
	KW_MAX_ITEMS,
	KW_MIN_ITEMS,
	KW_UNIQUE_ITEMS,
	KW_PROPERTIES,
	KW_PATTERN_PROPERTIES,
	KW_ADDITIONAL_PROPERTIES,
	KW_MAX_PROPERTIES,
	KW_MIN_PROPERTIES,
	KW_REQUIRED,
	KW_DEPENDENT_REQUIRED,
	KW_DEPENDENT_SCHEMAS,
	KW_PROPERTY_NAMES,
	KW_ALL_OF,
	KW_ANY_OF,
	KW_ONE_OF,
	KW_NOT,
	KW_IF,
	KW_THEN,
	KW_ELSE,
	KW_UNEVALUATED_ITEMS,
	KW_UNEVALUATED_PROPERTIES,
	KW_DEFS,
	KW_DEFINITIONS,
	KW_ID,
	KW_ANCHOR,
	KW_DYNAMIC_ANCHOR,
	KW_RECURSIVE_ANCHOR,
	KW_SCHEMA,
	KW_VOCABULARY,
	KW_COUNT
};

/* Vocabularies a node's meta-schema turns on. */
enum {
	VOCAB_APPLICATOR = 1,
	VOCAB_VALIDATION = 2,
	VOCAB_UNEVALUATED = 4,
	VOCAB_FORMAT_ASSERT = 8,
	VOCAB_DEFAULT = VOCAB_APPLICATOR | VOCAB_VALIDATION | VOCAB_UNEVALUATED
};

/* Open-addressing map from byte strings (copied) to pointers. */
typedef struct {
	struct sch_entry *entries;
	size_t alloc;
	size_t count;
} sch_map;

int sch_map_put(sch_map *map, const void *key, size_t key_len, void *value);
void *sch_map_get(const sch_map *map, const void *key, size_t key_len);
void sch_map_dispose(sch_map *map);

typedef struct sch_node sch_node;

typedef struct {
	char *uri; /* absolute, without fragment */
	sch_node *root;
} sch_resource;

typedef struct {
	const cJSON
	        *schema; /* member of patternProperties; ->string the regex */
	pcre2_code *regex;
} sch_pattern;

struct sch_node {
	const cJSON *json; /* an object or a boolean */
	const sch_resource *resource;
	char *location; /* resource URI "#" JSON pointer */
	int draft;
	unsigned vocab;
	const cJSON *keywords[KW_COUNT];
	const sch_node *ref;
	const sch_node *dynamic_ref; /* where $dynamicRef resolves lexically */
	const char *dynamic_name;    /* its anchor when it may go dynamic */
	const sch_node
	        *recursive_ref;     /* where $recursiveRef resolves lexically */
	const char *dynamic_anchor; /* this node's $dynamicAnchor */
	int recursive_anchor;       /* $recursiveAnchor: true */
	int has_unevaluated;        /* unevaluatedItems or -Properties here */
	pcre2_code *pattern;
	sch_pattern *patterns;
	size_t pattern_count;
};

struct cw_schema {
	cw_schema_options options;
	cJSON **documents; /* owned copies */
	size_t document_count;
	sch_node **nodes;
	size_t node_count;
	sch_resource **resources;
	size_t resource_count;
	sch_map by_json;  /* const cJSON * -> sch_node */
	sch_map by_uri;   /* resource URI -> sch_resource */
	sch_map anchors;  /* "URI#name" -> sch_node ($anchor, $dynamicAnchor) */
	sch_map dynamics; /* "URI#name" -> sch_node ($dynamicAnchor only) */
	sch_node *root;
	pcre2_match_context *match_context;
};

/** The node compiled for a subschema of the schema (NULL if none). */
const sch_node *sch_node_for(const cw_schema *schema, const cJSON *json);

/* URIs (RFC 3986) and JSON pointers (RFC 6901). */
/** Resolves reference against base (absolute) into a cw_malloc'd URI. */
char *sch_uri_resolve(const char *base, const char *reference);
/** Non-zero when uri has a scheme. */
int sch_uri_is_absolute(const char *uri);
/** Decodes percent escapes of a URI fragment into a cw_malloc'd string. */
char *sch_uri_fragment_decode(const char *fragment);
/** Follows a JSON pointer ("" or "/a/b") from root; NULL when absent. */
const cJSON *sch_pointer_follow(const cJSON *root, const char *pointer);
/** Appends "/" and token escaped as in a JSON pointer. */
int sch_pointer_append(cw_buf *buf, const char *token);
/** Appends "/" and an array index. */
int sch_pointer_append_index(cw_buf *buf, size_t index);

/* Regular expressions (ECMA-262 flavour through PCRE2). */
/** Compiles pattern; CW_EINVAL with the reason in cw_error_last. */
int sch_regex_compile(pcre2_code **out, const char *pattern);
/** 1 match, 0 no match, CW_ETOOBIG when the match limit was hit. */
int sch_regex_search(const pcre2_code *regex, pcre2_match_context *context,
                     const char *subject, size_t len);

/* Formats. */
/** 1 valid, 0 invalid, -1 a format that is not asserted. */
int sch_format_check(const char *format, const char *value);

/* Evaluation state of one cw_schema_validate call. */
#define SCH_MAX_SCOPE 512

typedef struct {
	const cw_schema *schema;
	cw_schema_result *out; /* NULL: only the verdict */
	long work_left;
	int depth;
	int instance_depth;
	int failure; /* 0, CW_ETOOBIG or CW_ENOMEM: stops everything */
	int quiet;   /* > 0: errors are not recorded (inside not, if …) */
	const sch_resource *scope[SCH_MAX_SCOPE];
	int scope_len;
	cw_buf instance_path;
	cw_buf keyword_path;
} sch_eval;

/* A set of evaluated members or items, one bit each. */
typedef struct {
	unsigned char *bits;
	size_t size;
} sch_marks;

int sch_marks_init(sch_marks *marks, size_t size);
void sch_marks_set(sch_marks *marks, size_t index);
int sch_marks_get(const sch_marks *marks, size_t index);
void sch_marks_merge(sch_marks *into, const sch_marks *from);
void sch_marks_dispose(sch_marks *marks);

/** Evaluates node at instance; marks (may be NULL) receives the members or
 *  items node evaluated when it is valid. Returns 1 valid, 0 invalid. */
int sch_eval_node(sch_eval *eval, const sch_node *node, const cJSON *instance,
                  sch_marks *marks);
/** The same for a subschema of node found under keyword path suffix. */
int sch_eval_child(sch_eval *eval, const cJSON *subschema,
                   const cJSON *instance, sch_marks *marks);

/** Records an error at the current paths plus keyword (printf message). */
void sch_error(sch_eval *eval, const sch_node *node, const char *keyword,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/** Stops the evaluation with code (CW_ETOOBIG, CW_ENOMEM) and why. */
void sch_fail(sch_eval *eval, int code, const char *message);
/** Counts one step of work; 0 when the budget is gone. */
int sch_work(sch_eval *eval, long steps);
/** Error mark to roll back to, and the roll-back. */
size_t sch_error_mark(const sch_eval *eval);
void sch_error_rollback(sch_eval *eval, size_t mark);

/* Path helpers: push returns the old length to pop back to. */
size_t sch_path_push(sch_eval *eval, cw_buf *path, const char *token);
size_t sch_path_push_index(sch_eval *eval, cw_buf *path, size_t index);
void sch_path_pop(cw_buf *path, size_t mark);

/* Assertion keywords by instance kind (schema_assert.c). */
int sch_assert_any(sch_eval *eval, const sch_node *node, const cJSON *inst);
int sch_assert_number(sch_eval *eval, const sch_node *node, const cJSON *inst);
int sch_assert_string(sch_eval *eval, const sch_node *node, const cJSON *inst);
/** format: asserted with the option or the format-assertion vocabulary. */
int sch_assert_format(sch_eval *eval, const sch_node *node, const cJSON *inst);
int sch_assert_array(sch_eval *eval, const sch_node *node, const cJSON *inst);
int sch_assert_object(sch_eval *eval, const sch_node *node, const cJSON *inst);
/** Deep JSON equality (numbers by value, members in any order). */
int sch_json_equal(sch_eval *eval, const cJSON *a, const cJSON *b);
/** A short JSON text of value for messages (cw_malloc'd, NULL on OOM). */
char *sch_json_brief(const cJSON *value);
/** 1 when item nests more than max containers deep (item counts). */
int sch_json_deeper_than(const cJSON *item, int max);
/** Number of members or items. */
size_t sch_child_count(const cJSON *item);

/* Applicator keywords (schema_apply.c). */
int sch_apply_refs(sch_eval *eval, const sch_node *node, const cJSON *inst,
                   sch_marks *marks);
int sch_apply_logic(sch_eval *eval, const sch_node *node, const cJSON *inst,
                    sch_marks *marks);
int sch_apply_array(sch_eval *eval, const sch_node *node, const cJSON *inst,
                    sch_marks *marks);
int sch_apply_object(sch_eval *eval, const sch_node *node, const cJSON *inst,
                     sch_marks *marks);
int sch_apply_unevaluated(sch_eval *eval, const sch_node *node,
                          const cJSON *inst, sch_marks *marks);

#endif
