/* Mapping files: a district's choices for one cross-standard flow (identity
 * matching, framework, level table, target lineItem …), as JSON checked
 * against the flow's schema in schemas/mappings/ and then read into a
 * struct. Pure code: text in, mapping or JSON-pointer errors out. */
#ifndef CW_MAPPING_MAPPING_H
#define CW_MAPPING_MAPPING_H

#include "util/buf.h"

#include <stddef.h>

#define CW_MAPPING_MAX_IDENTITY 8
#define CW_MAPPING_MAX_LEVELS   64
#define CW_MAPPING_MAX_MATCHES  16
#define CW_MAPPING_MAX_RELATION 16
#define CW_MAPPING_MAX_BYTES    (256L * 1024) /* a mapping file */

typedef enum {
	CW_FLOW_CREDENTIAL_TO_RESULT = 0,
	CW_FLOW_PARTNER_RECORD,
	CW_FLOW_PD_COMPLETION,
	CW_FLOW_COUNT
} cw_flow_kind;

typedef enum {
	CW_IDENTITY_SOURCED_ID,
	CW_IDENTITY_EMAIL,
	CW_IDENTITY_USER_ID
} cw_identity_match;

typedef struct {
	cw_identity_match match;
	const char *identity_type; /* USER_ID: the credential's identityType */
	const char *user_id_type;  /* USER_ID: the userIds entry's type */
} cw_identity_method;

typedef struct {
	const char *matches[CW_MAPPING_MAX_MATCHES];
	size_t match_count;
	double score;
	const char *text_score;
} cw_mapping_level;

typedef struct cw_mapping cw_mapping;
struct cw_mapping {
	cw_flow_kind flow;
	const char *name;
	int require_valid;
	int run_on_upsert; /* credential-to-result on OB 3.0 API upserts */
	const char *push_connection, *push_url; /* NULL: no push */
	cw_identity_method identity[CW_MAPPING_MAX_IDENTITY];
	size_t identity_count;
	const char *framework; /* NULL: any */
	const char *relations[CW_MAPPING_MAX_RELATION];
	size_t relation_count;
	int hold_unresolved; /* 1: hold; 0: ignore when others resolve */
	cw_mapping_level levels[CW_MAPPING_MAX_LEVELS];
	size_t level_count;
	int no_result_holds;
	cw_mapping_level no_result; /* when !no_result_holds */
	const char *class_id;       /* a fixed class, or NULL */
	const char *class_course;   /* the student's class of this course */
	const char *category_id, *category_title;
	const char *id_prefix;
	int has_value_range;
	double value_min, value_max;
	/* partner-record */
	const char *partner_id, *partner_name, *partner_url;
	const char *issuer;      /* NULL: the tenant's first */
	double credits_per_hour; /* 0: no creditsEarned */
	/* pd-completion */
	const char *pd_class;       /* NULL: map run names it */
	const void *pd_achievement; /* the cJSON Achievement, in doc */
	const char *competencies[32];
	size_t competency_count;
	const char *pd_line_items[64];
	size_t pd_line_item_count;
	int has_min_score;
	double min_score;
	const char *pass_text[16];
	size_t pass_text_count;
	double credit_hours; /* 0: no creditsEarned */
	void *doc; /* the parsed file; the strings above point into it */
};

/** "credential-to-result"; NULL for an unknown kind. */
const char *cw_flow_name(cw_flow_kind kind);
/** The kind named name; CW_ENOTFOUND. */
int cw_flow_parse(cw_flow_kind *out, const char *name);

/**
 * Reads a mapping file. CW_EINVAL when it is not valid: problems holds one
 * line per problem, "JSON-pointer: what was expected" (or "line:column:"
 * for a syntax error); CW_ETOOBIG over CW_MAPPING_MAX_BYTES.
 */
int cw_mapping_load(cw_mapping **out, const char *text, size_t len,
                    cw_buf *problems);
void cw_mapping_free(cw_mapping *mapping);

/** The default mapping shipped for kind (mappings/<name>.json), or NULL. */
const char *cw_mapping_default(cw_flow_kind kind, size_t *len);

/** The level a result name or value stands for (no case), or NULL. */
const cw_mapping_level *cw_mapping_level_find(const cw_mapping *mapping,
                                              const char *name);

#endif
