/* Mapping files: schema check with JSON-pointer errors, then the struct. */
#include "mapping/mapping.h"

#include "schema/builtin.h"
#include "util/alloc.h"
#include "util/embed.h"
#include "util/error.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const cw_embedded_file cw_mapping_defaults[];

static const char *const flow_names[CW_FLOW_COUNT] = { "credential-to-result",
	                                               "partner-record",
	                                               "pd-completion" };

const char *cw_flow_name(cw_flow_kind kind)
{
	return kind >= 0 && kind < CW_FLOW_COUNT ? flow_names[kind] : NULL;
}

int cw_flow_parse(cw_flow_kind *out, const char *name)
{
	for (int k = 0; name && k < CW_FLOW_COUNT; k++) {
		if (strcmp(flow_names[k], name) == 0) {
			*out = (cw_flow_kind)k;
			return 0;
		}
	}
	cw_error_set("unknown flow \"%s\" (expected credential-to-result, "
	             "partner-record or pd-completion)",
	             name ? name : "");
	return CW_ENOTFOUND;
}

const char *cw_mapping_default(cw_flow_kind kind, size_t *len)
{
	const char *name = cw_flow_name(kind);
	size_t n = name ? strlen(name) : 0;

	for (const cw_embedded_file *f = cw_mapping_defaults; name && f->name;
	     f++) {
		if (strncmp(f->name, name, n) == 0 &&
		    strcmp(f->name + n, ".json") == 0) {
			*len = f->len;
			return (const char *)f->data;
		}
	}
	return NULL;
}

/* Checks doc against schemas/mappings/<flow>.json; one problem a line. */
static int check_schema(const cJSON *doc, const char *flow, cw_buf *problems)
{
	cw_schema *schema = NULL;
	cw_schema_result result = { 0 };
	char file[96];
	int err;

	snprintf(file, sizeof(file), "%s.json", flow);
	if ((err = cw_schema_builtin_compile(&schema, CW_SCHEMA_SET_MAPPINGS,
	                                     file, NULL)) < 0)
		return err;
	err = cw_schema_validate(&result, schema, doc);
	for (size_t i = 0; err == CW_EINVAL && i < result.count; i++) {
		char *text = cw_schema_error_text(&result.errors[i]);
		cw_buf_printf(problems, "%s\n", text ? text : "?");
		cw_free(text);
	}
	cw_schema_result_dispose(&result);
	cw_schema_free(schema);
	return err;
}

static const char *text_at(const cJSON *o, const char *key)
{
	return cw_json_string(o, key);
}

static void read_identity(cw_mapping *m, const cJSON *list)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, list)
	{
		cw_identity_method *im = &m->identity[m->identity_count++];
		const char *match = text_at(item, "match");

		im->match = strcmp(match, "sourcedId") == 0
		                    ? CW_IDENTITY_SOURCED_ID
		            : strcmp(match, "email") == 0 ? CW_IDENTITY_EMAIL
		                                          : CW_IDENTITY_USER_ID;
		im->identity_type = text_at(item, "identityType");
		im->user_id_type = text_at(item, "userIdType");
	}
}

static void read_level(cw_mapping_level *l, const cJSON *o)
{
	const cJSON *match = cJSON_GetObjectItemCaseSensitive(o, "match"), *s;

	cJSON_ArrayForEach(s, match)
	{
		l->matches[l->match_count++] = s->valuestring;
	}
	l->score = cJSON_GetObjectItemCaseSensitive(o, "score")->valuedouble;
	l->text_score = text_at(o, "textScore");
}

static void read_alignment(cw_mapping *m, const cJSON *a)
{
	const cJSON *rel = cJSON_GetObjectItemCaseSensitive(a, "crosswalk"), *s;
	const char *unresolved = text_at(a, "unresolved");

	m->framework = text_at(a, "framework");
	m->hold_unresolved = !unresolved || strcmp(unresolved, "hold") == 0;
	if (!rel)
		m->relations[m->relation_count++] = "exactMatchOf";
	cJSON_ArrayForEach(s, rel)
	{
		m->relations[m->relation_count++] = s->valuestring;
	}
}

static void read_line_item(cw_mapping *m, const cJSON *li)
{
	const cJSON *cls = cJSON_GetObjectItemCaseSensitive(li, "class");
	const cJSON *cat = cJSON_GetObjectItemCaseSensitive(li, "category");
	const cJSON *min =
	        cJSON_GetObjectItemCaseSensitive(li, "resultValueMin");
	const cJSON *max =
	        cJSON_GetObjectItemCaseSensitive(li, "resultValueMax");

	m->class_id = text_at(cls, "sourcedId");
	m->class_course = text_at(cls, "course");
	m->category_id = text_at(cat, "sourcedId");
	m->category_title = text_at(cat, "title");
	m->id_prefix = text_at(li, "idPrefix");
	if (!m->id_prefix)
		m->id_prefix = "cw-";
	m->has_value_range = min || max;
	m->value_min = min ? min->valuedouble : 0;
	m->value_max = max ? max->valuedouble : 0;
}

/* The struct from a document the schema accepted. */
static void read_credential_to_result(cw_mapping *m, const cJSON *doc)
{
	const cJSON *levels = cJSON_GetObjectItemCaseSensitive(doc, "levels");
	const cJSON *none = cJSON_GetObjectItemCaseSensitive(doc, "noResult");
	const cJSON *valid = cJSON_GetObjectItemCaseSensitive(doc,
	                                                      "requireValid"),
	            *l;

	m->name = text_at(doc, "name");
	m->require_valid = !cJSON_IsFalse(valid);
	m->run_on_upsert = cJSON_IsTrue(
	        cJSON_GetObjectItemCaseSensitive(doc, "runOnOb3Upsert"));
	m->push_connection = text_at(
	        cJSON_GetObjectItemCaseSensitive(doc, "push"), "connection");
	m->push_url = text_at(cJSON_GetObjectItemCaseSensitive(doc, "push"),
	                      "gradebookUrl");
	read_identity(m, cJSON_GetObjectItemCaseSensitive(doc, "identity"));
	read_alignment(m, cJSON_GetObjectItemCaseSensitive(doc, "alignment"));
	cJSON_ArrayForEach(l, levels)
	{
		read_level(&m->levels[m->level_count++], l);
	}
	m->no_result_holds = !none || cJSON_IsString(none);
	if (cJSON_IsObject(none))
		read_level(&m->no_result, none);
	read_line_item(m, cJSON_GetObjectItemCaseSensitive(doc, "lineItem"));
}

static void read_partner_record(cw_mapping *m, const cJSON *doc)
{
	const cJSON *partner = cJSON_GetObjectItemCaseSensitive(doc, "partner");
	const cJSON *cph =
	        cJSON_GetObjectItemCaseSensitive(doc, "creditsPerHour");

	m->name = text_at(doc, "name");
	m->partner_id = text_at(partner, "id");
	m->partner_name = text_at(partner, "name");
	m->partner_url = text_at(partner, "url");
	m->issuer = text_at(doc, "issuer");
	m->credits_per_hour = cph ? cph->valuedouble : 0;
	read_identity(m, cJSON_GetObjectItemCaseSensitive(doc, "identity"));
}

/* Up to max strings of an array into out. */
static size_t read_strings(const char **out, size_t max, const cJSON *list)
{
	const cJSON *s;
	size_t n = 0;

	cJSON_ArrayForEach(s, list)
	{
		if (n < max)
			out[n++] = s->valuestring;
	}
	return n;
}

static void read_pd_completion(cw_mapping *m, const cJSON *doc)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "completion");
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(c, "minScore");
	const cJSON *hours =
	        cJSON_GetObjectItemCaseSensitive(doc, "creditHours");

	m->name = text_at(doc, "name");
	m->pd_class = text_at(doc, "class");
	m->issuer = text_at(doc, "issuer");
	m->pd_achievement =
	        cJSON_GetObjectItemCaseSensitive(doc, "achievement");
	m->competency_count = read_strings(
	        m->competencies, 32,
	        cJSON_GetObjectItemCaseSensitive(doc, "competencies"));
	m->pd_line_item_count =
	        read_strings(m->pd_line_items, 64,
	                     cJSON_GetObjectItemCaseSensitive(c, "lineItems"));
	m->pass_text_count = read_strings(
	        m->pass_text, 16,
	        cJSON_GetObjectItemCaseSensitive(c, "passTextScores"));
	m->has_min_score = min != NULL;
	m->min_score = min ? min->valuedouble : 0;
	m->credit_hours = hours ? hours->valuedouble : 0;
}

/* What the schema cannot say: a result value names one level only. */
static int check_levels(const cw_mapping *m, cw_buf *problems)
{
	int err = 0;

	for (size_t i = 0; i < m->level_count; i++)
		for (size_t j = 0; j < m->levels[i].match_count; j++)
			for (size_t k = 0; k < i; k++)
				for (size_t n = 0; n < m->levels[k].match_count;
				     n++) {
					if (strcasecmp(m->levels[i].matches[j],
					               m->levels[k].matches[n]))
						continue;
					cw_buf_printf(problems,
					              "/levels/%zu/match/%zu: "
					              "\"%s\" is already level "
					              "%zu's\n",
					              i, j,
					              m->levels[i].matches[j],
					              k);
					err = CW_EINVAL;
				}
	if (m->has_value_range && m->value_min > m->value_max) {
		cw_buf_puts(problems, "/lineItem/resultValueMin: expected at "
		                      "most resultValueMax\n");
		err = CW_EINVAL;
	}
	return err;
}

int cw_mapping_load(cw_mapping **out, const char *text, size_t len,
                    cw_buf *problems)
{
	cJSON *doc = NULL;
	cw_json_position at = { 0, 0, 0 };
	cw_mapping *m = NULL;
	cw_flow_kind kind;
	const char *flow;
	int err;

	*out = NULL;
	if (len > (size_t)CW_MAPPING_MAX_BYTES) {
		cw_buf_printf(problems, "over %ld bytes\n",
		              CW_MAPPING_MAX_BYTES);
		return CW_ETOOBIG;
	}
	if ((err = cw_json_parse(&doc, text, len, 32, &at)) < 0) {
		cw_buf_printf(problems, "%s\n", cw_error_last());
		return CW_EINVAL;
	}
	flow = cw_json_string(doc, "flow");
	if (!cJSON_IsObject(doc) || !flow || cw_flow_parse(&kind, flow) < 0) {
		cw_buf_puts(problems,
		            "/flow: expected \"credential-to-result\", "
		            "\"partner-record\" or \"pd-completion\"\n");
		err = CW_EINVAL;
	} else if ((err = check_schema(doc, flow, problems)) == 0) {
		if (!(m = cw_calloc(1, sizeof(*m)))) {
			err = CW_ENOMEM;
		} else {
			m->flow = kind;
			m->doc = doc;
			doc = NULL;
			if (kind == CW_FLOW_PARTNER_RECORD) {
				read_partner_record(m, m->doc);
			} else if (kind == CW_FLOW_PD_COMPLETION) {
				read_pd_completion(m, m->doc);
			} else {
				read_credential_to_result(m, m->doc);
				err = check_levels(m, problems);
			}
		}
	}
	if (err == 0 && problems->error)
		err = problems->error;
	if (err < 0) {
		cw_mapping_free(m);
		m = NULL;
		if (err == CW_EINVAL)
			cw_error_set("the mapping is not valid");
	}
	cJSON_Delete(doc);
	*out = m;
	return err;
}

void cw_mapping_free(cw_mapping *mapping)
{
	if (!mapping)
		return;
	cJSON_Delete(mapping->doc);
	cw_free(mapping);
}

const cw_mapping_level *cw_mapping_level_find(const cw_mapping *mapping,
                                              const char *name)
{
	for (size_t i = 0; name && i < mapping->level_count; i++)
		for (size_t j = 0; j < mapping->levels[i].match_count; j++)
			if (strcasecmp(mapping->levels[i].matches[j], name) ==
			    0)
				return &mapping->levels[i];
	return NULL;
}
