/* Assertion keywords: type, enum, const and the number, string, array and
 * object constraints that need no subschema. */
#include "schema/schema_internal.h"

#include "util/alloc.h"
#include "util/json.h"

#include <math.h>
#include <string.h>

#define BRIEF_MAX 80

static const char *plural(double n)
{
	return n == 1 ? "" : "s";
}

size_t sch_child_count(const cJSON *item)
{
	size_t n = 0;

	for (const cJSON *child = item ? item->child : NULL; child;
	     child = child->next)
		n++;
	return n;
}

char *sch_json_brief(const cJSON *value)
{
	char *text = cw_json_print(value);
	size_t len;

	if (!text)
		return NULL;
	len = strlen(text);
	if (len > BRIEF_MAX)
		memcpy(text + BRIEF_MAX - 3, "...", 4);
	return text;
}

static int is_integer(const cJSON *inst)
{
	return cJSON_IsNumber(inst) && isfinite(inst->valuedouble) &&
	       floor(inst->valuedouble) == inst->valuedouble;
}

static const char *kind_of(const cJSON *inst)
{
	if (cJSON_IsNull(inst))
		return "null";
	if (cJSON_IsBool(inst))
		return "boolean";
	if (is_integer(inst))
		return "integer";
	if (cJSON_IsNumber(inst))
		return "number";
	if (cJSON_IsString(inst))
		return "string";
	if (cJSON_IsArray(inst))
		return "array";
	return "object";
}

static int has_type(const cJSON *inst, const char *type)
{
	const char *kind = kind_of(inst);

	if (strcmp(type, kind) == 0)
		return 1;
	return strcmp(type, "number") == 0 && strcmp(kind, "integer") == 0;
}

static int check_type(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	const cJSON *type = node->keywords[KW_TYPE], *each;
	cw_buf names = CW_BUF_INIT(1024);

	if (cJSON_IsString(type)) {
		if (has_type(inst, type->valuestring))
			return 1;
		sch_error(eval, node, "type", "expected %s, got %s",
		          type->valuestring, kind_of(inst));
		return 0;
	}
	cJSON_ArrayForEach(each, type)
	{
		if (cJSON_IsString(each) && has_type(inst, each->valuestring)) {
			cw_buf_dispose(&names);
			return 1;
		}
		if (names.len)
			cw_buf_puts(&names, " or ");
		cw_buf_puts(&names,
		            cJSON_IsString(each) ? each->valuestring : "?");
	}
	sch_error(eval, node, "type", "expected %s, got %s",
	          cw_buf_cstr(&names), kind_of(inst));
	cw_buf_dispose(&names);
	return 0;
}

static int check_enum(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	const cJSON *each;
	char *brief;

	cJSON_ArrayForEach(each, node->keywords[KW_ENUM])
	{
		if (sch_json_equal(eval, inst, each))
			return 1;
	}
	brief = sch_json_brief(node->keywords[KW_ENUM]);
	sch_error(eval, node, "enum", "expected one of %s",
	          brief ? brief : "the values of enum");
	cw_free(brief);
	return 0;
}

static int check_const(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	char *brief;

	if (sch_json_equal(eval, inst, node->keywords[KW_CONST]))
		return 1;
	brief = sch_json_brief(node->keywords[KW_CONST]);
	sch_error(eval, node, "const", "expected %s", brief ? brief : "const");
	cw_free(brief);
	return 0;
}

int sch_assert_any(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	int valid = 1;

	if (node->keywords[KW_TYPE] && !check_type(eval, node, inst))
		valid = 0;
	if (node->keywords[KW_ENUM] && !check_enum(eval, node, inst))
		valid = 0;
	if (node->keywords[KW_CONST] && !check_const(eval, node, inst))
		valid = 0;
	return valid;
}

static int is_multiple(double value, double divisor)
{
	double quotient = value / divisor;

	if (!isfinite(quotient))
		return fmod(value, divisor) == 0;
	return fabs(quotient - round(quotient)) <=
	       1e-9 * fmax(1.0, fabs(round(quotient)));
}

int sch_assert_number(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	const cJSON *const *kw = node->keywords;
	double x = inst->valuedouble;
	int valid = 1;

	if (kw[KW_MULTIPLE_OF] &&
	    !is_multiple(x, kw[KW_MULTIPLE_OF]->valuedouble)) {
		sch_error(eval, node, "multipleOf",
		          "expected a multiple of %.15g",
		          kw[KW_MULTIPLE_OF]->valuedouble);
		valid = 0;
	}
	if (kw[KW_MAXIMUM] && x > kw[KW_MAXIMUM]->valuedouble) {
		sch_error(eval, node, "maximum", "expected at most %.15g",
		          kw[KW_MAXIMUM]->valuedouble);
		valid = 0;
	}
	if (kw[KW_EXCLUSIVE_MAXIMUM] &&
	    x >= kw[KW_EXCLUSIVE_MAXIMUM]->valuedouble) {
		sch_error(eval, node, "exclusiveMaximum",
		          "expected less than %.15g",
		          kw[KW_EXCLUSIVE_MAXIMUM]->valuedouble);
		valid = 0;
	}
	if (kw[KW_MINIMUM] && x < kw[KW_MINIMUM]->valuedouble) {
		sch_error(eval, node, "minimum", "expected at least %.15g",
		          kw[KW_MINIMUM]->valuedouble);
		valid = 0;
	}
	if (kw[KW_EXCLUSIVE_MINIMUM] &&
	    x <= kw[KW_EXCLUSIVE_MINIMUM]->valuedouble) {
		sch_error(eval, node, "exclusiveMinimum",
		          "expected more than %.15g",
		          kw[KW_EXCLUSIVE_MINIMUM]->valuedouble);
		valid = 0;
	}
	return valid;
}

/* Unicode code points of UTF-8 text: every byte that does not continue. */
static size_t code_points(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int check_pattern(sch_eval *eval, const sch_node *node,
                         const char *value)
{
	int rc = sch_regex_search(node->pattern, eval->schema->match_context,
	                          value, strlen(value));

	if (rc < 0) {
		sch_fail(eval, rc,
		         "evaluation stopped: pattern regular "
		         "expression too costly");
		return 0;
	}
	if (rc == 0)
		sch_error(eval, node, "pattern",
		          "does not match the pattern %s",
		          node->keywords[KW_PATTERN]->valuestring);
	return rc;
}

int sch_assert_format(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	const char *format = node->keywords[KW_FORMAT]->valuestring;
	const char *value = inst->valuestring;

	if (!eval->schema->options.format_assert &&
	    !(node->vocab & VOCAB_FORMAT_ASSERT))
		return 1;
	if (sch_format_check(format, value) != 0)
		return 1;
	sch_error(eval, node, "format", "expected a valid %s", format);
	return 0;
}

int sch_assert_string(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	const cJSON *const *kw = node->keywords;
	const char *value = inst->valuestring;
	size_t length = 0;
	int valid = 1;

	if (kw[KW_MAX_LENGTH] || kw[KW_MIN_LENGTH])
		length = code_points(value);
	if (kw[KW_MAX_LENGTH] &&
	    (double)length > kw[KW_MAX_LENGTH]->valuedouble) {
		sch_error(eval, node, "maxLength",
		          "expected at most %.15g character%s, got %zu",
		          kw[KW_MAX_LENGTH]->valuedouble,
		          plural(kw[KW_MAX_LENGTH]->valuedouble), length);
		valid = 0;
	}
	if (kw[KW_MIN_LENGTH] &&
	    (double)length < kw[KW_MIN_LENGTH]->valuedouble) {
		sch_error(eval, node, "minLength",
		          "expected at least %.15g character%s, got %zu",
		          kw[KW_MIN_LENGTH]->valuedouble,
		          plural(kw[KW_MIN_LENGTH]->valuedouble), length);
		valid = 0;
	}
	if (node->pattern && !check_pattern(eval, node, value))
		valid = 0;
	return valid;
}

static int check_unique(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	size_t i = 0, j;

	for (const cJSON *a = inst->child; a; a = a->next, i++) {
		j = i + 1;
		for (const cJSON *b = a->next; b; b = b->next, j++) {
			if (eval->failure)
				return 0;
			if (sch_json_equal(eval, a, b)) {
				sch_error(
				        eval, node, "uniqueItems",
				        "expected unique items, items %zu and "
				        "%zu are equal",
				        i, j);
				return 0;
			}
		}
	}
	return 1;
}

int sch_assert_array(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	const cJSON *const *kw = node->keywords;
	double count = (double)sch_child_count(inst);
	int valid = 1;

	if (kw[KW_MAX_ITEMS] && count > kw[KW_MAX_ITEMS]->valuedouble) {
		sch_error(eval, node, "maxItems",
		          "expected at most %.15g item%s, got %.15g",
		          kw[KW_MAX_ITEMS]->valuedouble,
		          plural(kw[KW_MAX_ITEMS]->valuedouble), count);
		valid = 0;
	}
	if (kw[KW_MIN_ITEMS] && count < kw[KW_MIN_ITEMS]->valuedouble) {
		sch_error(eval, node, "minItems",
		          "expected at least %.15g item%s, got %.15g",
		          kw[KW_MIN_ITEMS]->valuedouble,
		          plural(kw[KW_MIN_ITEMS]->valuedouble), count);
		valid = 0;
	}
	if (cJSON_IsTrue(kw[KW_UNIQUE_ITEMS]) &&
	    !check_unique(eval, node, inst))
		valid = 0;
	return valid;
}

static int check_required(sch_eval *eval, const sch_node *node,
                          const cJSON *inst, const cJSON *names,
                          const char *keyword, const char *because)
{
	const cJSON *name;
	int valid = 1;

	cJSON_ArrayForEach(name, names)
	{
		if (!cJSON_IsString(name) ||
		    cJSON_GetObjectItemCaseSensitive(inst, name->valuestring))
			continue;
		if (because)
			sch_error(eval, node, keyword,
			          "missing property \"%s\", required when "
			          "\"%s\" is present",
			          name->valuestring, because);
		else
			sch_error(eval, node, keyword,
			          "missing required property \"%s\"",
			          name->valuestring);
		valid = 0;
	}
	return valid;
}

static int check_dependent_required(sch_eval *eval, const sch_node *node,
                                    const cJSON *inst)
{
	const cJSON *names;
	int valid = 1;
	size_t mark;

	cJSON_ArrayForEach(names, node->keywords[KW_DEPENDENT_REQUIRED])
	{
		if (!cJSON_GetObjectItemCaseSensitive(inst, names->string))
			continue;
		mark = sch_path_push(eval, &eval->keyword_path,
		                     "dependentRequired");
		if (!check_required(eval, node, inst, names, names->string,
		                    names->string))
			valid = 0;
		sch_path_pop(&eval->keyword_path, mark);
	}
	return valid;
}

int sch_assert_object(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	const cJSON *const *kw = node->keywords;
	double count = (double)sch_child_count(inst);
	int valid = 1;

	if (kw[KW_MAX_PROPERTIES] &&
	    count > kw[KW_MAX_PROPERTIES]->valuedouble) {
		sch_error(eval, node, "maxProperties",
		          "expected at most %.15g propert%s, got %.15g",
		          kw[KW_MAX_PROPERTIES]->valuedouble,
		          kw[KW_MAX_PROPERTIES]->valuedouble == 1 ? "y" : "ies",
		          count);
		valid = 0;
	}
	if (kw[KW_MIN_PROPERTIES] &&
	    count < kw[KW_MIN_PROPERTIES]->valuedouble) {
		sch_error(eval, node, "minProperties",
		          "expected at least %.15g propert%s, got %.15g",
		          kw[KW_MIN_PROPERTIES]->valuedouble,
		          kw[KW_MIN_PROPERTIES]->valuedouble == 1 ? "y" : "ies",
		          count);
		valid = 0;
	}
	if (kw[KW_REQUIRED] &&
	    !check_required(eval, node, inst, kw[KW_REQUIRED], "required",
	                    NULL))
		valid = 0;
	if (kw[KW_DEPENDENT_REQUIRED] &&
	    !check_dependent_required(eval, node, inst))
		valid = 0;
	return valid;
}

static int equal_objects(sch_eval *eval, const cJSON *a, const cJSON *b)
{
	if (sch_child_count(a) != sch_child_count(b))
		return 0;
	for (const cJSON *m = a->child; m; m = m->next) {
		const cJSON *other =
		        cJSON_GetObjectItemCaseSensitive(b, m->string);

		if (!other || !sch_json_equal(eval, m, other))
			return 0;
	}
	return 1;
}

int sch_json_equal(sch_eval *eval, const cJSON *a, const cJSON *b)
{
	if (!sch_work(eval, 1))
		return 0;
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		return a->valuedouble == b->valuedouble;
	if ((a->type & 0xFF) != (b->type & 0xFF))
		return 0;
	if (cJSON_IsString(a))
		return strcmp(a->valuestring, b->valuestring) == 0;
	if (cJSON_IsArray(a)) {
		const cJSON *x = a->child, *y = b->child;

		for (; x && y; x = x->next, y = y->next)
			if (!sch_json_equal(eval, x, y))
				return 0;
		return !x && !y;
	}
	if (cJSON_IsObject(a))
		return equal_objects(eval, a, b);
	return 1;
}
