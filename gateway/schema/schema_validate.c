/* Evaluation of a compiled schema against an instance: the keyword order,
 * the dynamic scope, the error list and the work budget. */
#include "schema/schema_internal.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PATH_MAX_BYTES (256L * 1024)
#define MESSAGE_MAX    512
#define EVAL_DEPTH_MAX (SCH_MAX_SCOPE - 1)

/* Why a validation stopped, kept until the errors are final. */
static _Thread_local char failure_message[160];

void sch_fail(sch_eval *eval, int code, const char *message)
{
	if (eval->failure)
		return;
	eval->failure = code;
	if (snprintf(failure_message, sizeof(failure_message), "%s", message) <
	    0)
		failure_message[0] = '\0';
}

int sch_work(sch_eval *eval, long steps)
{
	if (eval->failure)
		return 0;
	if (eval->work_left < steps) {
		sch_fail(eval, CW_ETOOBIG,
		         "evaluation stopped: work budget "
		         "exceeded");
		return 0;
	}
	eval->work_left -= steps;
	return 1;
}

size_t sch_path_push(sch_eval *eval, cw_buf *path, const char *token)
{
	size_t mark = path->len;

	if (sch_pointer_append(path, token) < 0)
		sch_fail(eval, CW_ETOOBIG,
		         "evaluation stopped: location too long");
	return mark;
}

size_t sch_path_push_index(sch_eval *eval, cw_buf *path, size_t index)
{
	size_t mark = path->len;

	if (sch_pointer_append_index(path, index) < 0)
		sch_fail(eval, CW_ETOOBIG,
		         "evaluation stopped: location too long");
	return mark;
}

void sch_path_pop(cw_buf *path, size_t mark)
{
	if (path->error || mark > path->len)
		return;
	path->len = mark;
	if (path->data)
		path->data[mark] = '\0';
}

size_t sch_error_mark(const sch_eval *eval)
{
	return eval->out ? eval->out->count : 0;
}

static void error_dispose(cw_schema_error *error)
{
	cw_free(error->instance_location);
	cw_free(error->keyword_location);
	cw_free(error->schema_location);
	cw_free(error->message);
}

void sch_error_rollback(sch_eval *eval, size_t mark)
{
	if (!eval->out)
		return;
	while (eval->out->count > mark)
		error_dispose(&eval->out->errors[--eval->out->count]);
}

static char *joined(const char *base, const char *keyword)
{
	cw_buf text = CW_BUF_INIT(PATH_MAX_BYTES);

	cw_buf_puts(&text, base);
	if (keyword)
		sch_pointer_append(&text, keyword);
	if (text.error) {
		cw_buf_dispose(&text);
		return NULL;
	}
	return cw_buf_detach(&text, NULL);
}

static int append_error(sch_eval *eval, const sch_node *node,
                        const char *keyword, const char *message)
{
	cw_schema_result *out = eval->out;
	cw_schema_error error = { NULL, NULL, NULL, NULL };
	cw_schema_error *grown;

	if (out->count == (size_t)-1 / sizeof(*grown) / 2)
		return CW_ENOMEM;
	error.instance_location = cw_strdup(cw_buf_cstr(&eval->instance_path));
	error.keyword_location =
	        joined(cw_buf_cstr(&eval->keyword_path), keyword);
	error.schema_location = joined(node ? node->location : "", keyword);
	error.message = cw_strdup(message);
	grown = cw_realloc(out->errors, (out->count + 1) * sizeof(*grown));
	if (!grown || !error.instance_location || !error.keyword_location ||
	    !error.schema_location || !error.message) {
		if (grown)
			out->errors = grown;
		error_dispose(&error);
		return CW_ENOMEM;
	}
	out->errors = grown;
	out->errors[out->count++] = error;
	return 0;
}

void sch_error(sch_eval *eval, const sch_node *node, const char *keyword,
               const char *fmt, ...)
{
	char message[MESSAGE_MAX];
	va_list ap;

	if (!eval->out || eval->quiet || eval->failure)
		return;
	if (eval->out->count >= eval->schema->options.max_errors) {
		eval->out->dropped++;
		return;
	}
	va_start(ap, fmt);
	if (vsnprintf(message, sizeof(message), fmt, ap) < 0)
		message[0] = '\0';
	va_end(ap);
	if (append_error(eval, node, keyword, message) < 0)
		sch_fail(eval, CW_ENOMEM, "out of memory");
}

const sch_node *sch_node_for(const cw_schema *schema, const cJSON *json)
{
	return sch_map_get(&schema->by_json, &json, sizeof(json));
}

int sch_eval_child(sch_eval *eval, const cJSON *subschema,
                   const cJSON *instance, sch_marks *marks)
{
	const sch_node *node = sch_node_for(eval->schema, subschema);

	if (!node) {
		sch_fail(eval, CW_EINVAL,
		         "internal error: subschema not compiled");
		return 0;
	}
	return sch_eval_node(eval, node, instance, marks);
}

static int assertions(sch_eval *eval, const sch_node *node, const cJSON *inst)
{
	int valid = sch_assert_any(eval, node, inst);

	if (!valid && eval->quiet)
		return 0;
	if (cJSON_IsNumber(inst))
		valid &= sch_assert_number(eval, node, inst);
	else if (cJSON_IsString(inst))
		valid &= sch_assert_string(eval, node, inst);
	else if (cJSON_IsArray(inst))
		valid &= sch_assert_array(eval, node, inst);
	else if (cJSON_IsObject(inst))
		valid &= sch_assert_object(eval, node, inst);
	return valid;
}

/* The keywords of an object schema in order; unevaluated* come last as they
 * depend on what every other keyword evaluated. */
static int eval_keywords(sch_eval *eval, const sch_node *node,
                         const cJSON *inst, sch_marks *marks)
{
	int valid = sch_apply_refs(eval, node, inst, marks);

#define STOP_EARLY() (eval->failure || (!valid && eval->quiet))
	if (STOP_EARLY())
		return 0;
	if (node->vocab & VOCAB_VALIDATION)
		valid &= assertions(eval, node, inst);
	/* format has a vocabulary of its own, on in both drafts' dialects. */
	if (node->keywords[KW_FORMAT] && cJSON_IsString(inst))
		valid &= sch_assert_format(eval, node, inst);
	if (STOP_EARLY())
		return 0;
	if (node->vocab & VOCAB_APPLICATOR) {
		if (cJSON_IsArray(inst))
			valid &= sch_apply_array(eval, node, inst, marks);
		else if (cJSON_IsObject(inst))
			valid &= sch_apply_object(eval, node, inst, marks);
		if (STOP_EARLY())
			return 0;
		valid &= sch_apply_logic(eval, node, inst, marks);
	}
	if (STOP_EARLY())
		return 0;
	if (node->has_unevaluated && (node->vocab & VOCAB_UNEVALUATED))
		valid &= sch_apply_unevaluated(eval, node, inst, marks);
#undef STOP_EARLY
	return valid && !eval->failure;
}

static int push_scope(sch_eval *eval, const sch_resource *resource)
{
	if (eval->scope_len > 0 && eval->scope[eval->scope_len - 1] == resource)
		return 0;
	if (eval->scope_len == SCH_MAX_SCOPE) {
		sch_fail(eval, CW_ETOOBIG,
		         "evaluation stopped: dynamic scope too "
		         "deep");
		return 0;
	}
	eval->scope[eval->scope_len++] = resource;
	return 1;
}

static int eval_object_schema(sch_eval *eval, const sch_node *node,
                              const cJSON *inst, sch_marks *marks)
{
	sch_marks local = { NULL, 0 };
	int valid = 0, pushed, tracked;

	tracked = (marks || node->has_unevaluated) &&
	          (cJSON_IsArray(inst) || cJSON_IsObject(inst));
	if (tracked && sch_marks_init(&local, sch_child_count(inst)) < 0) {
		sch_fail(eval, CW_ENOMEM, "out of memory");
		return 0;
	}
	pushed = push_scope(eval, node->resource);
	valid = eval_keywords(eval, node, inst, tracked ? &local : NULL);
	if (pushed)
		eval->scope_len--;
	if (valid && marks && tracked)
		sch_marks_merge(marks, &local);
	sch_marks_dispose(&local);
	return valid;
}

int sch_eval_node(sch_eval *eval, const sch_node *node, const cJSON *instance,
                  sch_marks *marks)
{
	int valid;

	if (!sch_work(eval, 1))
		return 0;
	if (cJSON_IsBool(node->json)) {
		if (cJSON_IsTrue(node->json))
			return 1;
		sch_error(eval, node, NULL, "no value is allowed here");
		return 0;
	}
	if (eval->depth >= EVAL_DEPTH_MAX) {
		sch_fail(eval, CW_ETOOBIG,
		         "evaluation stopped: schemas nested or "
		         "referenced too deep");
		return 0;
	}
	eval->depth++;
	valid = eval_object_schema(eval, node, instance, marks);
	eval->depth--;
	return valid;
}

static void eval_init(sch_eval *eval, const cw_schema *schema,
                      cw_schema_result *out)
{
	memset(eval, 0, sizeof(*eval));
	eval->schema = schema;
	eval->out = out;
	eval->work_left = schema->options.max_work;
	eval->instance_path = (cw_buf)CW_BUF_INIT(PATH_MAX_BYTES);
	eval->keyword_path = (cw_buf)CW_BUF_INIT(PATH_MAX_BYTES);
	/* Without an error list only the verdict counts: stop at the first. */
	eval->quiet = out ? 0 : 1;
	if (out)
		memset(out, 0, sizeof(*out));
}

static void record_failure(sch_eval *eval)
{
	int code = eval->failure;

	cw_error_set("%s", failure_message);
	if (!eval->out || code == CW_ENOMEM)
		return;
	eval->failure = 0;
	eval->quiet = 0;
	if (eval->out->count >= eval->schema->options.max_errors &&
	    eval->out->count > 0)
		sch_error_rollback(eval, eval->out->count - 1);
	if (append_error(eval, NULL, NULL, failure_message) < 0)
		code = CW_ENOMEM;
	eval->failure = code;
}

int cw_schema_validate(cw_schema_result *out, const cw_schema *schema,
                       const cJSON *instance)
{
	sch_eval eval;
	int valid = 0, err;

	eval_init(&eval, schema, out);
	if (sch_json_deeper_than(instance,
	                         schema->options.max_instance_depth)) {
		cw_buf_puts(&eval.instance_path, "");
		sch_fail(&eval, CW_ETOOBIG, "instance nested too deep");
	} else {
		valid = sch_eval_node(&eval, schema->root, instance, NULL);
		if (!eval.failure && !valid)
			cw_error_set("instance is not valid");
	}
	if (eval.failure)
		record_failure(&eval);
	err = eval.failure ? eval.failure : (valid ? 0 : CW_EINVAL);
	/* Branches rolled back may leave an empty list behind. */
	if (out && out->count == 0) {
		cw_free(out->errors);
		out->errors = NULL;
	}
	cw_buf_dispose(&eval.instance_path);
	cw_buf_dispose(&eval.keyword_path);
	return err;
}

void cw_schema_result_dispose(cw_schema_result *result)
{
	if (!result)
		return;
	for (size_t i = 0; i < result->count; i++)
		error_dispose(&result->errors[i]);
	cw_free(result->errors);
	memset(result, 0, sizeof(*result));
}

char *cw_schema_error_text(const cw_schema_error *error)
{
	cw_buf text = CW_BUF_INIT(PATH_MAX_BYTES * 2);

	cw_buf_printf(&text, "%s: %s",
	              error->instance_location[0] ? error->instance_location
	                                          : "/",
	              error->message);
	if (text.error) {
		cw_buf_dispose(&text);
		return NULL;
	}
	return cw_buf_detach(&text, NULL);
}
