/* Applicator keywords: references, the logic ones, array and object
 * subschemas, and unevaluatedItems/-Properties over the marks they leave. */
#include "schema/schema_internal.h"

#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

static void mark(sch_marks *marks, size_t index)
{
	if (marks)
		sch_marks_set(marks, index);
}

/* Evaluates sub at member of the instance under keyword[/key]; a false
 * subschema reports the member as not allowed. */
static int eval_member(sch_eval *eval, const char *keyword, const char *key,
                       const cJSON *sub, const cJSON *member)
{
	size_t kmark = sch_path_push(eval, &eval->keyword_path, keyword);
	size_t imark =
	        sch_path_push(eval, &eval->instance_path, member->string);
	int valid;

	if (key)
		sch_path_push(eval, &eval->keyword_path, key);
	if (cJSON_IsFalse(sub)) {
		sch_error(eval, sch_node_for(eval->schema, sub), NULL,
		          "property \"%s\" is not allowed (%s)", member->string,
		          keyword);
		valid = 0;
	} else {
		valid = sch_eval_child(eval, sub, member, NULL);
	}
	sch_path_pop(&eval->instance_path, imark);
	sch_path_pop(&eval->keyword_path, kmark);
	return valid;
}

/* The same for item index of an array; key_index >= 0 adds "/key_index". */
static int eval_item(sch_eval *eval, const char *keyword, long key_index,
                     const cJSON *sub, const cJSON *item, size_t index)
{
	size_t kmark = sch_path_push(eval, &eval->keyword_path, keyword);
	size_t imark = sch_path_push_index(eval, &eval->instance_path, index);
	int valid;

	if (key_index >= 0)
		sch_path_push_index(eval, &eval->keyword_path,
		                    (size_t)key_index);
	if (cJSON_IsFalse(sub)) {
		sch_error(eval, sch_node_for(eval->schema, sub), NULL,
		          "item %zu is not allowed (%s)", index, keyword);
		valid = 0;
	} else {
		valid = sch_eval_child(eval, sub, item, NULL);
	}
	sch_path_pop(&eval->instance_path, imark);
	sch_path_pop(&eval->keyword_path, kmark);
	return valid;
}

/* Evaluates sub on the instance itself under keyword[/index]. */
static int eval_in_place(sch_eval *eval, const char *keyword, long index,
                         const char *key, const cJSON *sub, const cJSON *inst,
                         sch_marks *marks)
{
	size_t kmark = sch_path_push(eval, &eval->keyword_path, keyword);
	int valid;

	if (index >= 0)
		sch_path_push_index(eval, &eval->keyword_path, (size_t)index);
	if (key)
		sch_path_push(eval, &eval->keyword_path, key);
	valid = sch_eval_child(eval, sub, inst, marks);
	sch_path_pop(&eval->keyword_path, kmark);
	return valid;
}

static int eval_target(sch_eval *eval, const char *keyword,
                       const sch_node *target, const cJSON *inst,
                       sch_marks *marks)
{
	size_t kmark = sch_path_push(eval, &eval->keyword_path, keyword);
	int valid = sch_eval_node(eval, target, inst, marks);

	sch_path_pop(&eval->keyword_path, kmark);
	return valid;
}

/* $dynamicRef: the outermost resource in the dynamic scope with a matching
 * $dynamicAnchor, when the lexical target has one ("bookending"). */
static const sch_node *dynamic_target(const sch_eval *eval,
                                      const sch_node *node)
{
	cw_buf key = CW_BUF_INIT(64L * 1024);
	const sch_node *found = NULL;

	if (!node->dynamic_name)
		return node->dynamic_ref;
	for (int i = 0; i < eval->scope_len && !found; i++) {
		cw_buf_clear(&key);
		cw_buf_printf(&key, "%s#%s", eval->scope[i]->uri,
		              node->dynamic_name);
		if (!key.error)
			found = sch_map_get(&eval->schema->dynamics, key.data,
			                    key.len);
	}
	cw_buf_dispose(&key);
	return found ? found : node->dynamic_ref;
}

/* $recursiveRef: when its target has $recursiveAnchor, the outermost
 * resource of the dynamic scope that has one too. */
static const sch_node *recursive_target(const sch_eval *eval,
                                        const sch_node *node)
{
	const sch_node *target = node->recursive_ref;

	if (!target->recursive_anchor)
		return target;
	for (int i = 0; i < eval->scope_len; i++) {
		const sch_node *root = eval->scope[i]->root;

		if (root && root->recursive_anchor)
			return root;
	}
	return target;
}

int sch_apply_refs(sch_eval *eval, const sch_node *node, const cJSON *inst,
                   sch_marks *marks)
{
	int valid = 1;

	if (node->ref)
		valid &= eval_target(eval, "$ref", node->ref, inst, marks);
	if (node->dynamic_ref && (valid || !eval->quiet))
		valid &= eval_target(eval, "$dynamicRef",
		                     dynamic_target(eval, node), inst, marks);
	if (node->recursive_ref && (valid || !eval->quiet))
		valid &= eval_target(eval, "$recursiveRef",
		                     recursive_target(eval, node), inst, marks);
	return valid;
}

static int all_of(sch_eval *eval, const cJSON *list, const cJSON *inst,
                  sch_marks *marks)
{
	const cJSON *sub;
	long index = 0;
	int valid = 1;

	cJSON_ArrayForEach(sub, list)
	{
		valid &= eval_in_place(eval, "allOf", index++, NULL, sub, inst,
		                       marks);
		if (eval->failure || (!valid && eval->quiet))
			return 0;
	}
	return valid;
}

static int any_of(sch_eval *eval, const sch_node *node, const cJSON *inst,
                  sch_marks *marks)
{
	const cJSON *list = node->keywords[KW_ANY_OF], *sub;
	size_t mark_errors = sch_error_mark(eval);
	long index = 0;
	int any = 0;

	cJSON_ArrayForEach(sub, list)
	{
		if (eval_in_place(eval, "anyOf", index++, NULL, sub, inst,
		                  marks))
			any = 1;
		/* Annotations need every branch; the verdict only one. */
		if (eval->failure || (any && !marks))
			break;
	}
	if (any) {
		sch_error_rollback(eval, mark_errors);
		return !eval->failure;
	}
	sch_error(eval, node, "anyOf",
	          "expected to match at least one of the %ld schemas in "
	          "anyOf",
	          index);
	return 0;
}

static int one_of(sch_eval *eval, const sch_node *node, const cJSON *inst,
                  sch_marks *marks)
{
	const cJSON *list = node->keywords[KW_ONE_OF], *sub;
	size_t mark_errors = sch_error_mark(eval);
	long index = 0, first = -1, second = -1;

	cJSON_ArrayForEach(sub, list)
	{
		if (eval_in_place(eval, "oneOf", index, NULL, sub, inst,
		                  marks)) {
			if (first < 0)
				first = index;
			else if (second < 0)
				second = index;
		}
		index++;
		if (eval->failure || second >= 0)
			break;
	}
	if (first >= 0)
		sch_error_rollback(eval, mark_errors);
	if (first >= 0 && second < 0)
		return !eval->failure;
	if (first < 0)
		sch_error(eval, node, "oneOf",
		          "expected to match exactly one of the %ld schemas in "
		          "oneOf, matched none",
		          index);
	else
		sch_error(eval, node, "oneOf",
		          "expected to match exactly one schema in oneOf, "
		          "matched %ld and %ld",
		          first, second);
	return 0;
}

static int not_of(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	int matched;

	eval->quiet++;
	matched = eval_in_place(eval, "not", -1, NULL, node->keywords[KW_NOT],
	                        inst, NULL);
	eval->quiet--;
	if (!matched || eval->failure)
		return !eval->failure;
	sch_error(eval, node, "not", "must not match the schema in not");
	return 0;
}

static int if_then_else(sch_eval *eval, const sch_node *node, const cJSON *inst,
                        sch_marks *marks)
{
	const cJSON *const *kw = node->keywords;
	int matched;

	eval->quiet++;
	matched = eval_in_place(eval, "if", -1, NULL, kw[KW_IF], inst, marks);
	eval->quiet--;
	if (eval->failure)
		return 0;
	if (matched && kw[KW_THEN])
		return eval_in_place(eval, "then", -1, NULL, kw[KW_THEN], inst,
		                     marks);
	if (!matched && kw[KW_ELSE])
		return eval_in_place(eval, "else", -1, NULL, kw[KW_ELSE], inst,
		                     marks);
	return 1;
}

int sch_apply_logic(sch_eval *eval, const sch_node *node, const cJSON *inst,
                    sch_marks *marks)
{
	const cJSON *const *kw = node->keywords;
	int valid = 1;

#define STOP_EARLY() (eval->failure || (!valid && eval->quiet))
	if (kw[KW_ALL_OF])
		valid &= all_of(eval, kw[KW_ALL_OF], inst, marks);
	if (STOP_EARLY())
		return 0;
	if (kw[KW_ANY_OF])
		valid &= any_of(eval, node, inst, marks);
	if (STOP_EARLY())
		return 0;
	if (kw[KW_ONE_OF])
		valid &= one_of(eval, node, inst, marks);
	if (STOP_EARLY())
		return 0;
	if (kw[KW_NOT])
		valid &= not_of(eval, node, inst);
	if (STOP_EARLY())
		return 0;
	if (kw[KW_IF])
		valid &= if_then_else(eval, node, inst, marks);
#undef STOP_EARLY
	return valid;
}

/* prefixItems (or a 2019-09 items array), then items / additionalItems. */
static int tuple_items(sch_eval *eval, const sch_node *node, const cJSON *inst,
                       sch_marks *marks)
{
	const cJSON *const *kw = node->keywords;
	int modern = node->draft == CW_SCHEMA_DRAFT_2020_12;
	const cJSON *tuple =
	        modern ? kw[KW_PREFIX_ITEMS]
	               : (cJSON_IsArray(kw[KW_ITEMS]) ? kw[KW_ITEMS] : NULL);
	const char *tuple_name = modern ? "prefixItems" : "items";
	const cJSON *rest =
	        modern ? kw[KW_ITEMS]
	               : (tuple ? kw[KW_ADDITIONAL_ITEMS] : kw[KW_ITEMS]);
	const char *rest_name = modern || !tuple ? "items" : "additionalItems";
	const cJSON *sub = tuple ? tuple->child : NULL, *item;
	size_t index = 0;
	int valid = 1;

	for (item = inst->child; item; item = item->next, index++) {
		if (sub) {
			valid &= eval_item(eval, tuple_name, (long)index, sub,
			                   item, index);
			sub = sub->next;
		} else if (rest) {
			valid &= eval_item(eval, rest_name, -1, rest, item,
			                   index);
		} else {
			break;
		}
		mark(marks, index);
		if (eval->failure || (!valid && eval->quiet))
			return 0;
	}
	return valid;
}

static int contains(sch_eval *eval, const sch_node *node, const cJSON *inst,
                    sch_marks *marks)
{
	const cJSON *const *kw = node->keywords, *item;
	double min = kw[KW_MIN_CONTAINS] ? kw[KW_MIN_CONTAINS]->valuedouble : 1;
	size_t index = 0, found = 0;
	int annotate = node->draft == CW_SCHEMA_DRAFT_2020_12;

	eval->quiet++;
	for (item = inst->child; item && !eval->failure;
	     item = item->next, index++) {
		if (!eval_item(eval, "contains", -1, kw[KW_CONTAINS], item,
		               index))
			continue;
		found++;
		if (annotate)
			mark(marks, index);
	}
	eval->quiet--;
	if (eval->failure)
		return 0;
	if ((double)found < min) {
		sch_error(eval, node,
		          kw[KW_MIN_CONTAINS] ? "minContains" : "contains",
		          "expected at least %.15g item%s matching contains, "
		          "found %zu",
		          min, min == 1 ? "" : "s", found);
		return 0;
	}
	if (kw[KW_MAX_CONTAINS] &&
	    (double)found > kw[KW_MAX_CONTAINS]->valuedouble) {
		sch_error(eval, node, "maxContains",
		          "expected at most %.15g items matching contains, "
		          "found %zu",
		          kw[KW_MAX_CONTAINS]->valuedouble, found);
		return 0;
	}
	return 1;
}

int sch_apply_array(sch_eval *eval, const sch_node *node, const cJSON *inst,
                    sch_marks *marks)
{
	int valid = tuple_items(eval, node, inst, marks);

	if (eval->failure || (!valid && eval->quiet))
		return 0;
	if (node->keywords[KW_CONTAINS])
		valid &= contains(eval, node, inst, marks);
	return valid;
}

/* 1 when a patternProperties regex matches name (errors set failure). */
static int pattern_matches(sch_eval *eval, const sch_pattern *pattern,
                           const char *name)
{
	int rc = sch_regex_search(pattern->regex, eval->schema->match_context,
	                          name, strlen(name));

	if (rc < 0) {
		sch_fail(eval, rc,
		         "evaluation stopped: patternProperties "
		         "regular expression too costly");
		return 0;
	}
	return rc;
}

static int member_properties(sch_eval *eval, const sch_node *node,
                             const cJSON *member, size_t index,
                             sch_marks *marks)
{
	const cJSON *const *kw = node->keywords, *sub;
	int valid = 1, covered = 0;

	sub = kw[KW_PROPERTIES] ? cJSON_GetObjectItemCaseSensitive(
	                                  kw[KW_PROPERTIES], member->string)
	                        : NULL;
	if (sub) {
		valid &= eval_member(eval, "properties", member->string, sub,
		                     member);
		covered = 1;
	}
	for (size_t i = 0; i < node->pattern_count && !eval->failure; i++) {
		const sch_pattern *pattern = &node->patterns[i];

		if (!pattern_matches(eval, pattern, member->string))
			continue;
		valid &= eval_member(eval, "patternProperties",
		                     pattern->schema->string, pattern->schema,
		                     member);
		covered = 1;
	}
	if (!covered && kw[KW_ADDITIONAL_PROPERTIES])
		valid &= eval_member(eval, "additionalProperties", NULL,
		                     kw[KW_ADDITIONAL_PROPERTIES], member);
	if (covered || kw[KW_ADDITIONAL_PROPERTIES])
		mark(marks, index);
	return valid;
}

static int property_names(sch_eval *eval, const sch_node *node,
                          const cJSON *inst)
{
	const cJSON *member;
	int valid = 1;

	cJSON_ArrayForEach(member, inst)
	{
		cJSON *name = cJSON_CreateString(member->string);
		size_t kmark, imark;

		if (!name) {
			sch_fail(eval, CW_ENOMEM, "out of memory");
			return 0;
		}
		kmark = sch_path_push(eval, &eval->keyword_path,
		                      "propertyNames");
		imark = sch_path_push(eval, &eval->instance_path,
		                      member->string);
		valid &= sch_eval_child(eval, node->keywords[KW_PROPERTY_NAMES],
		                        name, NULL);
		sch_path_pop(&eval->instance_path, imark);
		sch_path_pop(&eval->keyword_path, kmark);
		cJSON_Delete(name);
		if (eval->failure || (!valid && eval->quiet))
			return 0;
	}
	return valid;
}

static int dependent_schemas(sch_eval *eval, const sch_node *node,
                             const cJSON *inst, sch_marks *marks)
{
	const cJSON *sub;
	int valid = 1;

	cJSON_ArrayForEach(sub, node->keywords[KW_DEPENDENT_SCHEMAS])
	{
		if (!cJSON_GetObjectItemCaseSensitive(inst, sub->string))
			continue;
		valid &= eval_in_place(eval, "dependentSchemas", -1,
		                       sub->string, sub, inst, marks);
		if (eval->failure || (!valid && eval->quiet))
			return 0;
	}
	return valid;
}

int sch_apply_object(sch_eval *eval, const sch_node *node, const cJSON *inst,
                     sch_marks *marks)
{
	const cJSON *const *kw = node->keywords, *member;
	size_t index = 0;
	int valid = 1;

	if (kw[KW_PROPERTIES] || node->pattern_count ||
	    kw[KW_ADDITIONAL_PROPERTIES]) {
		for (member = inst->child; member; member = member->next) {
			valid &= member_properties(eval, node, member, index++,
			                           marks);
			if (eval->failure || (!valid && eval->quiet))
				return 0;
		}
	}
	if (kw[KW_DEPENDENT_SCHEMAS])
		valid &= dependent_schemas(eval, node, inst, marks);
	if (eval->failure || (!valid && eval->quiet))
		return 0;
	if (kw[KW_PROPERTY_NAMES])
		valid &= property_names(eval, node, inst);
	return valid;
}

int sch_apply_unevaluated(sch_eval *eval, const sch_node *node,
                          const cJSON *inst, sch_marks *marks)
{
	const cJSON *items = node->keywords[KW_UNEVALUATED_ITEMS];
	const cJSON *props = node->keywords[KW_UNEVALUATED_PROPERTIES];
	const cJSON *child;
	size_t index = 0;
	int valid = 1;

	if (!marks)
		return 1;
	for (child = inst->child; child; child = child->next, index++) {
		if (sch_marks_get(marks, index))
			continue;
		if (cJSON_IsArray(inst) && items)
			valid &= eval_item(eval, "unevaluatedItems", -1, items,
			                   child, index);
		else if (cJSON_IsObject(inst) && props)
			valid &= eval_member(eval, "unevaluatedProperties",
			                     NULL, props, child);
		else
			continue;
		mark(marks, index);
		if (eval->failure || (!valid && eval->quiet))
			return 0;
	}
	return valid;
}
