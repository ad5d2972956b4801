/* JSON Schema (drafts 2020-12 and 2019-09) validator over cJSON trees. */
#ifndef CW_SCHEMA_SCHEMA_H
#define CW_SCHEMA_SCHEMA_H

#include <cjson/cJSON.h>
#include <stddef.h>

/** A compiled schema with every document it refers to; immutable, so one
 *  handle can validate on several threads at once. */
typedef struct cw_schema cw_schema;

/** Documents that remote $refs may resolve to; never fetched, only these. */
typedef struct cw_schema_registry cw_schema_registry;

typedef enum {
	CW_SCHEMA_DRAFT_2020_12 = 0,
	CW_SCHEMA_DRAFT_2019_09 = 1
} cw_schema_draft;

/* Defaults of the caps when an option is 0. */
#define CW_SCHEMA_DEFAULT_SCHEMA_DEPTH   128
#define CW_SCHEMA_DEFAULT_INSTANCE_DEPTH 128
#define CW_SCHEMA_DEFAULT_WORK           10000000L
#define CW_SCHEMA_DEFAULT_MAX_ERRORS     1000
#define CW_SCHEMA_MAX_NODES              200000

typedef struct {
	/* Draft of documents without a known $schema (default 2020-12). */
	cw_schema_draft default_draft;
	/* Base URI of the root document when it has no $id (NULL: a URN). */
	const char *base_uri;
	/* Non-zero: `format` asserts date, date-time, time, email, uri, uuid,
	 * ipv4, ipv6 (other formats stay annotations). */
	int format_assert;
	/* Deepest nesting of the schema documents (JSON containers). */
	int max_schema_depth;
	/* Deepest instance location validated. */
	int max_instance_depth;
	/* Evaluation steps one validation may take before it is stopped. */
	long max_work;
	/* Errors recorded per validation; further ones are only counted. */
	size_t max_errors;
} cw_schema_options;

typedef struct {
	char *instance_location; /* JSON pointer into the instance ("" root) */
	char *keyword_location;  /* evaluation path, through $refs */
	char *schema_location;   /* absolute URI of the keyword */
	char *message;
} cw_schema_error;

typedef struct {
	cw_schema_error *errors;
	size_t count;
	size_t dropped; /* errors past max_errors, not recorded */
} cw_schema_result;

/** A registry; documents are copied in by cw_schema_registry_add. */
int cw_schema_registry_new(cw_schema_registry **out);
/**
 * Adds doc as the document retrieved from uri (absolute, no fragment);
 * an $id inside it is known as well once a $ref reaches the document.
 * @return 0, CW_EINVAL (bad URI), CW_EEXISTS, CW_ETOOBIG (too deep), CW_ENOMEM
 */
int cw_schema_registry_add(cw_schema_registry *registry, const char *uri,
                           const cJSON *doc);
void cw_schema_registry_free(cw_schema_registry *registry);

/** Options with every default. */
void cw_schema_options_init(cw_schema_options *options);

/**
 * Compiles doc (copied) into a validator: indexes $id, $anchor and
 * $dynamicAnchor, resolves every $ref (registry documents included, and the
 * draft meta-schemas), compiles regular expressions.
 * @param registry may be NULL; it may be freed after this returns
 * @param options may be NULL for the defaults
 * @return 0, CW_EINVAL (bad schema, detail in cw_error_last), CW_ENOTFOUND
 *         (a $ref that resolves nowhere), CW_EUNSUPPORTED (unknown $schema or
 *         a required vocabulary not supported), CW_ETOOBIG, CW_ENOMEM
 */
int cw_schema_compile(cw_schema **out, const cJSON *doc,
                      const cw_schema_registry *registry,
                      const cw_schema_options *options);
void cw_schema_free(cw_schema *schema);

/**
 * Validates instance; out receives every error in evaluation order.
 * @param out may be NULL when only the verdict matters (faster)
 * @return 0 valid, CW_EINVAL invalid, CW_ETOOBIG when the instance depth or
 *         work budget was exceeded (an error in out says which), CW_ENOMEM
 */
int cw_schema_validate(cw_schema_result *out, const cw_schema *schema,
                       const cJSON *instance);
void cw_schema_result_dispose(cw_schema_result *result);

/** "instance_location: message" ("/" for the root); cw_free the string. */
char *cw_schema_error_text(const cw_schema_error *error);

#endif
