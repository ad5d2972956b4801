/* JSON-LD 1.1 Expansion (API §5.1) and Value Expansion (§5.3). */
#include "jsonld/expand_int.h"

#include "util/error.h"
#include "util/limits.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	jl_run *run;
	const jl_ctx *active;
	const jl_ctx *type_scoped;
	const char *property; /* the active property, or NULL */
	const char *input_type;
	const char *base_url;
	cJSON *result;
	cJSON *nests; /* array of nesting keys (strings) */
} jl_obj;

static int expand_element(cJSON **out, jl_run *run, const jl_ctx *active,
                          const char *property, const cJSON *element,
                          const char *base_url, int from_map);

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* The keyword key expands to (it is one, or a term aliases one), else NULL:
 * what IRI expansion would say about keywords, without expanding. */
static const char *keyword_of(const jl_ctx *ctx, const char *key)
{
	if (key[0] == '@')
		return jl_is_keyword(key) ? key : NULL;
	const jl_term *t = jl_term_get(ctx, key);
	return t && t->iri && t->iri[0] == '@' && jl_is_keyword(t->iri) ? t->iri
	                                                                : NULL;
}

static int is_scalar(const cJSON *v)
{
	return cJSON_IsString(v) || cJSON_IsNumber(v) || cJSON_IsBool(v);
}

static int lowercase_dup(const char **out, jl_run *run, const char *s)
{
	char *copy = jl_strdup(&run->arena, s);
	if (!copy)
		return CW_ENOMEM;
	for (char *p = copy; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	*out = copy;
	return 0;
}

/* Safe mode turns a silent drop into an error. */
static int dropped(jl_run *run, const char *what, const char *name)
{
	if (!run->options || !run->options->safe)
		return 0;
	return jl_fail(run, "dropped term", "%s \"%s\" would be dropped", what,
	               name ? name : "");
}

static int add_string(cJSON *obj, const char *key, const char *value)
{
	return cJSON_AddStringToObject(obj, key, value) ? 0 : CW_ENOMEM;
}

/* "add value" with as array: value's items (or value) go to obj[key]. */
static int add_value(cJSON *obj, const char *key, cJSON *value)
{
	cJSON *list = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!list) {
		if (!(list = cJSON_AddArrayToObject(obj, key))) {
			cJSON_Delete(value);
			return CW_ENOMEM;
		}
	} else if (!cJSON_IsArray(list)) {
		cJSON *wrap = cJSON_CreateArray();
		if (!wrap) {
			cJSON_Delete(value);
			return CW_ENOMEM;
		}
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, wrap);
		cJSON_AddItemToArray(wrap, list);
		list = wrap;
	}
	if (!cJSON_IsArray(value))
		return cJSON_AddItemToArray(list, value) ? 0 : CW_ENOMEM;
	while (value->child) {
		cJSON *item = cJSON_DetachItemViaPointer(value, value->child);
		cJSON_AddItemToArray(list, item);
	}
	cJSON_Delete(value);
	return 0;
}

static cJSON *as_array(cJSON *v)
{
	if (!v || cJSON_IsArray(v))
		return v;
	cJSON *a = cJSON_CreateArray();
	if (!a) {
		cJSON_Delete(v);
		return NULL;
	}
	cJSON_AddItemToArray(a, v);
	return a;
}

static int is_value_object(const cJSON *v)
{
	return cJSON_IsObject(v) && member(v, "@value");
}

static int is_list_object(const cJSON *v)
{
	return cJSON_IsObject(v) && member(v, "@list");
}

static int is_graph_object(const cJSON *v)
{
	if (!cJSON_IsObject(v) || !member(v, "@graph"))
		return 0;
	const cJSON *item;
	cJSON_ArrayForEach(item, v)
	{
		if (strcmp(item->string, "@graph") != 0 &&
		    strcmp(item->string, "@id") != 0 &&
		    strcmp(item->string, "@index") != 0 &&
		    strcmp(item->string, "@context") != 0)
			return 0;
	}
	return 1;
}

/* §5.3 Value Expansion. */
static int expand_value(cJSON **out, jl_run *run, const jl_ctx *active,
                        const char *property, const cJSON *value)
{
	const jl_term *def = property ? jl_term_get(active, property) : NULL;
	const char *type = def ? def->type : NULL;
	int err;
	cJSON *result = cJSON_CreateObject();
	if (!result)
		return CW_ENOMEM;
	if (type && cJSON_IsString(value) &&
	    (strcmp(type, "@id") == 0 || strcmp(type, "@vocab") == 0)) {
		const char *iri;
		int vocab = strcmp(type, "@vocab") == 0;
		if ((err = jl_expand_iri(&iri, run, (jl_ctx *)active,
		                         value->valuestring, 1, vocab, NULL,
		                         NULL)) < 0)
			goto fail;
		if (iri && !strchr(iri, ':') &&
		    (err = dropped(run, "relative IRI", iri)) < 0)
			goto fail;
		if ((err = iri ? add_string(result, "@id", iri)
		               : (cJSON_AddNullToObject(result, "@id")
		                          ? 0
		                          : CW_ENOMEM)) < 0)
			goto fail;
		*out = result;
		return 0;
	}
	cJSON *copy = cJSON_Duplicate(value, 1);
	if (!copy || !cJSON_AddItemToObject(result, "@value", copy)) {
		cJSON_Delete(copy);
		err = CW_ENOMEM;
		goto fail;
	}
	if (type && strcmp(type, "@id") != 0 && strcmp(type, "@vocab") != 0 &&
	    strcmp(type, "@none") != 0) {
		if ((err = add_string(result, "@type", type)) < 0)
			goto fail;
	} else if (cJSON_IsString(value)) {
		const char *language = def && def->has_language
		                               ? def->language
		                               : active->language;
		int direction = def && def->has_direction ? def->direction
		                                          : active->direction;
		if (language &&
		    (err = lowercase_dup(&language, run, language)) < 0)
			goto fail;
		if ((language &&
		     (err = add_string(result, "@language", language)) < 0) ||
		    (direction &&
		     (err = add_string(result, "@direction",
		                       direction == JL_DIR_LTR ? "ltr"
		                                               : "rtl")) < 0))
			goto fail;
	}
	*out = result;
	return 0;
fail:
	cJSON_Delete(result);
	return err;
}

static int kw_id(cJSON **out, jl_obj *o, const cJSON *value)
{
	const char *iri;
	int err;
	if (!cJSON_IsString(value))
		return jl_fail(o->run, "invalid @id value",
		               "@id must be a string");
	if ((err = jl_expand_iri(&iri, o->run, (jl_ctx *)o->active,
	                         value->valuestring, 1, 0, NULL, NULL)) < 0)
		return err;
	if (!iri) {
		if ((err = dropped(o->run, "@id", value->valuestring)) < 0)
			return err;
		*out = cJSON_CreateNull();
		return *out ? 0 : CW_ENOMEM;
	}
	if (!strchr(iri, ':') &&
	    (err = dropped(o->run, "relative @id", iri)) < 0)
		return err;
	*out = cJSON_CreateString(iri);
	return *out ? 0 : CW_ENOMEM;
}

static int expand_type_iri(cJSON **out, jl_obj *o, const char *value)
{
	const char *iri;
	int err = jl_expand_iri(&iri, o->run, (jl_ctx *)o->type_scoped, value,
	                        1, 1, NULL, NULL);
	if (err < 0)
		return err;
	if (!iri)
		return dropped(o->run, "@type", value);
	if (!strchr(iri, ':') &&
	    (err = dropped(o->run, "relative @type", iri)) < 0)
		return err;
	*out = cJSON_CreateString(iri);
	return *out ? 0 : CW_ENOMEM;
}

static int kw_type(cJSON **out, jl_obj *o, const cJSON *value)
{
	int err;
	cJSON *t = NULL;
	if (cJSON_IsString(value)) {
		if ((err = expand_type_iri(out, o, value->valuestring)) < 0)
			return err;
	} else if (cJSON_IsArray(value)) {
		const cJSON *item;
		if (!(*out = cJSON_CreateArray()))
			return CW_ENOMEM;
		cJSON_ArrayForEach(item, value)
		{
			if (!cJSON_IsString(item))
				goto bad;
			t = NULL;
			if ((err = expand_type_iri(&t, o, item->valuestring)) <
			    0)
				return err;
			if (t)
				cJSON_AddItemToArray(*out, t);
		}
	} else {
		goto bad;
	}
	cJSON *existing =
	        cJSON_DetachItemFromObjectCaseSensitive(o->result, "@type");
	if (existing && *out) {
		existing = as_array(existing);
		cJSON *mine = as_array(*out);
		if (!existing || !mine)
			return CW_ENOMEM;
		while (mine->child)
			cJSON_AddItemToArray(
			        existing,
			        cJSON_DetachItemViaPointer(mine, mine->child));
		cJSON_Delete(mine);
		*out = existing;
	} else if (existing) {
		*out = existing;
	}
	return 0;
bad:
	return jl_fail(o->run, "invalid type value",
	               "@type must be a string or an array of strings");
}

static int kw_included(cJSON **out, jl_obj *o, const cJSON *value)
{
	int err = expand_element(out, o->run, o->active, "@included", value,
	                         o->base_url, 0);
	if (err < 0)
		return err;
	*out = as_array(*out);
	if (!*out)
		return (*out = cJSON_CreateArray()) ? 0 : CW_ENOMEM;
	const cJSON *item;
	cJSON_ArrayForEach(item, *out)
	{
		if (!cJSON_IsObject(item) || member(item, "@value") ||
		    member(item, "@list") || member(item, "@set"))
			return jl_fail(o->run, "invalid @included value",
			               "@included must hold node objects");
	}
	cJSON *existing =
	        cJSON_DetachItemFromObjectCaseSensitive(o->result, "@included");
	if (existing) {
		while ((*out)->child)
			cJSON_AddItemToArray(existing,
			                     cJSON_DetachItemViaPointer(
			                             *out, (*out)->child));
		cJSON_Delete(*out);
		*out = existing;
	}
	return 0;
}

static int kw_value(cJSON **out, jl_obj *o, const cJSON *value)
{
	if (o->input_type && strcmp(o->input_type, "@json") == 0) {
		if (o->run->json_ld_10)
			return jl_fail(o->run, "invalid value object value",
			               "@json needs JSON-LD 1.1");
	} else if (!cJSON_IsNull(value) && !is_scalar(value)) {
		return jl_fail(o->run, "invalid value object value",
		               "@value must be a string, number, boolean or "
		               "null");
	}
	*out = cJSON_Duplicate(value, 1);
	return *out ? 0 : CW_ENOMEM;
}

static int kw_language(cJSON **out, jl_obj *o, const cJSON *value)
{
	const char *lower;
	int err;
	if (!cJSON_IsString(value))
		return jl_fail(o->run, "invalid language-tagged string",
		               "@language must be a string");
	if ((err = lowercase_dup(&lower, o->run, value->valuestring)) < 0)
		return err;
	*out = cJSON_CreateString(lower);
	return *out ? 0 : CW_ENOMEM;
}

static int kw_direction(cJSON **out, jl_obj *o, const cJSON *value)
{
	if (!cJSON_IsString(value) || (strcmp(value->valuestring, "ltr") != 0 &&
	                               strcmp(value->valuestring, "rtl") != 0))
		return jl_fail(o->run, "invalid base direction",
		               "@direction must be \"ltr\" or \"rtl\"");
	*out = cJSON_Duplicate(value, 0);
	return *out ? 0 : CW_ENOMEM;
}

static int kw_index(cJSON **out, jl_obj *o, const cJSON *value)
{
	if (!cJSON_IsString(value))
		return jl_fail(o->run, "invalid @index value",
		               "@index must be a string");
	*out = cJSON_Duplicate(value, 0);
	return *out ? 0 : CW_ENOMEM;
}

static int kw_list(cJSON **out, jl_obj *o, const cJSON *value)
{
	if (!o->property || strcmp(o->property, "@graph") == 0)
		return dropped(o->run, "free-floating @list", o->property);
	int err = expand_element(out, o->run, o->active, o->property, value,
	                         o->base_url, 0);
	if (err < 0)
		return err;
	*out = *out ? as_array(*out) : cJSON_CreateArray();
	return *out ? 0 : CW_ENOMEM;
}

static int kw_reverse(jl_obj *o, const cJSON *value)
{
	cJSON *expanded = NULL;
	int err;
	if (!cJSON_IsObject(value))
		return jl_fail(o->run, "invalid @reverse value",
		               "@reverse must be an object");
	if ((err = expand_element(&expanded, o->run, o->active, "@reverse",
	                          value, o->base_url, 0)) < 0)
		return err;
	if (!cJSON_IsObject(expanded)) {
		cJSON_Delete(expanded);
		return 0;
	}
	cJSON *twice =
	        cJSON_DetachItemFromObjectCaseSensitive(expanded, "@reverse");
	while (twice && twice->child) {
		cJSON *items = cJSON_DetachItemViaPointer(twice, twice->child);
		char *key = items->string;
		items->string = NULL;
		err = add_value(o->result, key, as_array(items));
		cJSON_free(key);
		if (err < 0)
			break;
	}
	cJSON_Delete(twice);
	cJSON *map = cJSON_GetObjectItemCaseSensitive(o->result, "@reverse");
	while (!err && expanded->child) {
		if (!map &&
		    !(map = cJSON_AddObjectToObject(o->result, "@reverse"))) {
			err = CW_ENOMEM;
			break;
		}
		cJSON *items =
		        cJSON_DetachItemViaPointer(expanded, expanded->child);
		const cJSON *item;
		cJSON_ArrayForEach(item, items)
		{
			if (is_value_object(item) || is_list_object(item))
				err = jl_fail(o->run,
				              "invalid reverse property value",
				              "a reverse property needs nodes");
		}
		char *key = items->string;
		items->string = NULL;
		if (!err)
			err = add_value(map, key, as_array(items));
		else
			cJSON_Delete(items);
		cJSON_free(key);
	}
	cJSON_Delete(expanded);
	return err;
}

/* §5.1 step 13.4: an entry whose key expands to a keyword. */
static int expand_keyword(jl_obj *o, const char *key, const char *kw,
                          const cJSON *value)
{
	jl_run *run = o->run;
	cJSON *expanded = NULL;
	int err = 0;
	if (o->property && strcmp(o->property, "@reverse") == 0)
		return jl_fail(run, "invalid reverse property map",
		               "a @reverse map cannot hold keywords");
	if (member(o->result, kw) && strcmp(kw, "@included") != 0 &&
	    (strcmp(kw, "@type") != 0 || run->json_ld_10))
		return jl_fail(run, "colliding keywords",
		               "%s appears twice (through aliases)", kw);
	if (strcmp(kw, "@id") == 0) {
		err = kw_id(&expanded, o, value);
	} else if (strcmp(kw, "@type") == 0) {
		err = kw_type(&expanded, o, value);
	} else if (strcmp(kw, "@graph") == 0) {
		err = expand_element(&expanded, run, o->active, "@graph", value,
		                     o->base_url, 0);
		if (err >= 0 && !(expanded = as_array(expanded)))
			expanded = cJSON_CreateArray();
	} else if (strcmp(kw, "@included") == 0) {
		if (run->json_ld_10)
			return 0;
		err = kw_included(&expanded, o, value);
	} else if (strcmp(kw, "@value") == 0) {
		err = kw_value(&expanded, o, value);
	} else if (strcmp(kw, "@language") == 0) {
		err = kw_language(&expanded, o, value);
	} else if (strcmp(kw, "@direction") == 0) {
		if (run->json_ld_10)
			return 0;
		err = kw_direction(&expanded, o, value);
	} else if (strcmp(kw, "@index") == 0) {
		err = kw_index(&expanded, o, value);
	} else if (strcmp(kw, "@list") == 0) {
		err = kw_list(&expanded, o, value);
	} else if (strcmp(kw, "@set") == 0) {
		err = expand_element(&expanded, run, o->active, o->property,
		                     value, o->base_url, 0);
		if (err >= 0 && !expanded)
			expanded = cJSON_CreateArray();
	} else if (strcmp(kw, "@reverse") == 0) {
		return kw_reverse(o, value);
	} else if (strcmp(kw, "@nest") == 0) {
		cJSON *name = cJSON_CreateString(key);
		return name && cJSON_AddItemToArray(o->nests, name) ? 0
		                                                    : CW_ENOMEM;
	}
	if (err < 0) {
		cJSON_Delete(expanded);
		return err;
	}
	if (!expanded && strcmp(kw, "@value") == 0)
		expanded = cJSON_CreateNull();
	if (!expanded)
		return 0;
	cJSON_DeleteItemFromObjectCaseSensitive(o->result, kw);
	return cJSON_AddItemToObject(o->result, kw, expanded) ? 0 : CW_ENOMEM;
}

/* §5.1 step 13.7: a language map. */
static int expand_language_map(cJSON **out, jl_obj *o, const jl_term *def,
                               const cJSON *value)
{
	int direction =
	        def->has_direction ? def->direction : o->active->direction;
	const cJSON *entry;
	int err;
	if (!(*out = cJSON_CreateArray()))
		return CW_ENOMEM;
	cJSON_ArrayForEach(entry, value)
	{
		const char *language = entry->string, *iri;
		if ((err = jl_expand_iri(&iri, o->run, (jl_ctx *)o->active,
		                         language, 0, 1, NULL, NULL)) < 0)
			return err;
		int none = strcmp(language, "@none") == 0 ||
		           (iri && strcmp(iri, "@none") == 0);
		if (!none &&
		    (err = lowercase_dup(&language, o->run, language)) < 0)
			return err;
		const cJSON *items = entry, *item;
		int single = !cJSON_IsArray(entry);
		for (item = single ? entry : items->child; item;
		     item = single ? NULL : item->next) {
			if (cJSON_IsNull(item))
				continue;
			if (!cJSON_IsString(item))
				return jl_fail(o->run,
				               "invalid language map value",
				               "a language map holds strings");
			cJSON *v = cJSON_CreateObject();
			if (!v || !cJSON_AddItemToArray(*out, v) ||
			    add_string(v, "@value", item->valuestring) < 0 ||
			    (!none &&
			     add_string(v, "@language", language) < 0) ||
			    (direction &&
			     add_string(v, "@direction",
			                direction == JL_DIR_LTR ? "ltr"
			                                        : "rtl") < 0))
				return CW_ENOMEM;
		}
	}
	return 0;
}

static int prepend(cJSON *item, const char *key, cJSON *first)
{
	cJSON *rest = cJSON_DetachItemFromObjectCaseSensitive(item, key);
	cJSON *list = cJSON_CreateArray();
	if (!list || !first) {
		cJSON_Delete(list);
		cJSON_Delete(first);
		cJSON_Delete(rest);
		return CW_ENOMEM;
	}
	cJSON_AddItemToArray(list, first);
	rest = as_array(rest);
	while (rest && rest->child)
		cJSON_AddItemToArray(
		        list, cJSON_DetachItemViaPointer(rest, rest->child));
	cJSON_Delete(rest);
	return cJSON_AddItemToObject(item, key, list) ? 0 : CW_ENOMEM;
}

/* §5.1 step 13.8.3.7: what the index of an index, id or type map adds. */
static int index_item(cJSON **itemp, jl_obj *o, const char *key,
                      const jl_term *def, const char *index,
                      const char *expanded_index)
{
	unsigned c = def->container;
	cJSON *item = *itemp;
	int none = expanded_index && strcmp(expanded_index, "@none") == 0;
	int err;
	if ((c & JL_C_GRAPH) && !is_graph_object(item)) {
		cJSON *g = cJSON_CreateObject();
		cJSON *a = as_array(item);
		if (!g || !a || !cJSON_AddItemToObject(g, "@graph", a))
			return CW_ENOMEM;
		*itemp = item = g;
	}
	const char *index_key = def->index ? def->index : "@index";
	if ((c & JL_C_INDEX) && strcmp(index_key, "@index") != 0 && !none) {
		cJSON *re = NULL, *str = cJSON_CreateString(index);
		const char *eik;
		if (!str)
			return CW_ENOMEM;
		err = expand_value(&re, o->run, o->active, index_key, str);
		cJSON_Delete(str);
		if (err == 0)
			err = jl_expand_iri(&eik, o->run, (jl_ctx *)o->active,
			                    index_key, 0, 1, NULL, NULL);
		if (err == 0 && is_value_object(item))
			err = jl_fail(o->run, "invalid value object",
			              "a property-valued index on a value");
		if (err < 0) {
			cJSON_Delete(re);
			return err;
		}
		return prepend(item, eik, re);
	}
	if ((c & JL_C_INDEX) && !member(item, "@index") && !none)
		return add_string(item, "@index", index);
	if ((c & JL_C_ID) && !member(item, "@id") && !none) {
		const char *iri;
		if ((err = jl_expand_iri(&iri, o->run, (jl_ctx *)o->active,
		                         index, 1, 0, NULL, NULL)) < 0)
			return err;
		return add_string(item, "@id", iri);
	}
	if ((c & JL_C_TYPE) && !none)
		return prepend(item, "@type",
		               cJSON_CreateString(expanded_index));
	(void)key;
	return 0;
}

static int map_context(const jl_ctx **out, jl_obj *o, const jl_term *def,
                       const char *index)
{
	const jl_ctx *ctx = o->active;
	if (def->container & (JL_C_ID | JL_C_TYPE)) {
		if (ctx->previous)
			ctx = ctx->previous;
		const jl_term *t = (def->container & JL_C_TYPE)
		                           ? jl_term_get(ctx, index)
		                           : NULL;
		if (t && t->context) {
			jl_ctx *scoped;
			jl_ctx_flags flags = { 0, 1, 1, t->cached };
			int err =
			        jl_ctx_process(&scoped, o->run, ctx, t->context,
			                       t->base_url, NULL, flags);
			if (err < 0)
				return err;
			ctx = scoped;
		}
	}
	*out = ctx;
	return 0;
}

/* §5.1 step 13.8: an index, id or type map. */
static int expand_index_map(cJSON **out, jl_obj *o, const char *key,
                            const jl_term *def, const cJSON *value)
{
	const cJSON *entry;
	int err;
	if (!(*out = cJSON_CreateArray()))
		return CW_ENOMEM;
	cJSON_ArrayForEach(entry, value)
	{
		const char *index = entry->string, *expanded_index;
		const jl_ctx *ctx;
		cJSON *items = NULL;
		if ((err = map_context(&ctx, o, def, index)) < 0 ||
		    (err = jl_expand_iri(&expanded_index, o->run,
		                         (jl_ctx *)o->active, index, 0, 1, NULL,
		                         NULL)) < 0)
			return err;
		size_t saved = jl_path_push(o->run, index);
		err = expand_element(&items, o->run, ctx, key, entry,
		                     o->base_url, 1);
		jl_path_pop(o->run, saved);
		if (err < 0)
			return err;
		items = as_array(items);
		while (items && items->child) {
			cJSON *item =
			        cJSON_DetachItemViaPointer(items, items->child);
			err = index_item(&item, o, key, def, index,
			                 expanded_index);
			cJSON_AddItemToArray(*out, item);
			if (err < 0) {
				cJSON_Delete(items);
				return err;
			}
		}
		cJSON_Delete(items);
	}
	return 0;
}

static int wrap_in(cJSON **value, const char *keyword)
{
	cJSON *obj = cJSON_CreateObject();
	cJSON *list = as_array(*value);
	if (!obj || !list || !cJSON_AddItemToObject(obj, keyword, list)) {
		cJSON_Delete(obj);
		return CW_ENOMEM;
	}
	*value = obj;
	return 0;
}

/* §5.1 steps 13.11–13.14: list, graph and reverse handling of a value. */
static int add_property(jl_obj *o, const jl_term *def, const char *iri,
                        cJSON *expanded)
{
	unsigned c = def ? def->container : 0;
	int err;
	if ((c & JL_C_LIST) && !is_list_object(expanded) &&
	    (err = wrap_in(&expanded, "@list")) < 0)
		return err;
	if ((c & JL_C_GRAPH) && !(c & (JL_C_ID | JL_C_INDEX))) {
		cJSON *graphs = cJSON_CreateArray();
		expanded = as_array(expanded);
		while (graphs && expanded && expanded->child) {
			cJSON *ev = cJSON_DetachItemViaPointer(expanded,
			                                       expanded->child);
			if ((err = wrap_in(&ev, "@graph")) < 0)
				return err;
			cJSON_AddItemToArray(graphs, ev);
		}
		cJSON_Delete(expanded);
		if (!(expanded = graphs))
			return CW_ENOMEM;
	}
	if (!def || !def->reverse)
		return add_value(o->result, iri, expanded);
	cJSON *map = cJSON_GetObjectItemCaseSensitive(o->result, "@reverse");
	if (!map && !(map = cJSON_AddObjectToObject(o->result, "@reverse"))) {
		cJSON_Delete(expanded);
		return CW_ENOMEM;
	}
	expanded = as_array(expanded);
	const cJSON *item;
	cJSON_ArrayForEach(item, expanded)
	{
		if (is_value_object(item) || is_list_object(item)) {
			cJSON_Delete(expanded);
			return jl_fail(o->run, "invalid reverse property value",
			               "a reverse property needs nodes");
		}
	}
	return add_value(map, iri, expanded);
}

/* §5.1 steps 13.5–13.14: an entry whose key expands to an IRI. */
static int expand_property(jl_obj *o, const char *key, const char *iri,
                           const cJSON *value)
{
	const jl_term *def = jl_term_get(o->active, key);
	unsigned c = def ? def->container : 0;
	cJSON *expanded = NULL;
	int err;
	if (def && def->type && strcmp(def->type, "@json") == 0) {
		cJSON *copy = cJSON_Duplicate(value, 1);
		if (!(expanded = cJSON_CreateObject()) || !copy ||
		    !cJSON_AddItemToObject(expanded, "@value", copy) ||
		    add_string(expanded, "@type", "@json") < 0) {
			cJSON_Delete(expanded);
			return CW_ENOMEM;
		}
	} else if ((c & JL_C_LANGUAGE) && cJSON_IsObject(value)) {
		err = expand_language_map(&expanded, o, def, value);
		if (err < 0) {
			cJSON_Delete(expanded);
			return err;
		}
	} else if ((c & (JL_C_INDEX | JL_C_TYPE | JL_C_ID)) &&
	           cJSON_IsObject(value)) {
		if ((err = expand_index_map(&expanded, o, key, def, value)) <
		    0) {
			cJSON_Delete(expanded);
			return err;
		}
	} else if ((err = expand_element(&expanded, o->run, o->active, key,
	                                 value, o->base_url, 0)) < 0) {
		return err;
	}
	if (!expanded)
		return 0;
	return add_property(o, def, iri, expanded);
}

static int expand_entries(jl_obj *o, const cJSON *element);

/* §5.1 step 14: the entries of @nest objects join the node. */
static int expand_nests(jl_obj *o, const cJSON *element)
{
	const cJSON *name;
	cJSON_ArrayForEach(name, o->nests)
	{
		const cJSON *values = member(element, name->valuestring), *v;
		int single = !cJSON_IsArray(values);
		for (v = single ? values : values->child; v;
		     v = single ? NULL : v->next) {
			if (!cJSON_IsObject(v))
				goto bad;
			const cJSON *entry;
			cJSON_ArrayForEach(entry, v)
			{
				const char *kw;
				int err = jl_expand_iri(
				        &kw, o->run, (jl_ctx *)o->active,
				        entry->string, 0, 1, NULL, NULL);
				if (err < 0)
					return err;
				if (kw && strcmp(kw, "@value") == 0)
					goto bad;
			}
			jl_obj inner = *o;
			inner.property = name->valuestring;
			const jl_term *def =
			        jl_term_get(o->active, name->valuestring);
			if (def && def->context) {
				jl_ctx *scoped;
				jl_ctx_flags flags = { 1, 1, 1, def->cached };
				int e = jl_ctx_process(&scoped, o->run,
				                       o->active, def->context,
				                       def->base_url, NULL,
				                       flags);
				if (e < 0)
					return e;
				inner.active = scoped;
			}
			if (!(inner.nests = cJSON_CreateArray()))
				return CW_ENOMEM;
			int err = expand_entries(&inner, v);
			cJSON_Delete(inner.nests);
			if (err < 0)
				return err;
		}
	}
	return 0;
bad:
	return jl_fail(o->run, "invalid @nest value",
	               "@nest must hold node objects");
}

/* §5.1 steps 13 and 14. */
static int expand_entries(jl_obj *o, const cJSON *element)
{
	const cJSON *entry;
	int err;
	cJSON_ArrayForEach(entry, element)
	{
		const char *key = entry->string, *iri;
		if (strcmp(key, "@context") == 0)
			continue;
		if ((err = jl_tick(o->run)) < 0 ||
		    (err = jl_expand_iri(&iri, o->run, (jl_ctx *)o->active, key,
		                         0, 1, NULL, NULL)) < 0)
			return err;
		size_t saved = jl_path_push(o->run, key);
		if (!iri || (!strchr(iri, ':') && !jl_is_keyword(iri)))
			err = dropped(o->run, "property", key);
		else if (jl_is_keyword(iri))
			err = expand_keyword(o, key, iri, entry);
		else
			err = expand_property(o, key, iri, entry);
		if (err >= 0)
			jl_path_pop(o->run, saved);
		if (err < 0)
			return err;
	}
	return expand_nests(o, element);
}

/* §5.1 step 7: whether a term-scoped context stays for this object. */
static int keeps_scoped_context(const jl_ctx *active, const cJSON *element)
{
	const cJSON *entry;
	int count = 0, only_id = 0;
	cJSON_ArrayForEach(entry, element)
	{
		const char *kw = keyword_of(active, entry->string);
		if (kw && strcmp(kw, "@value") == 0)
			return 1;
		only_id = kw && strcmp(kw, "@id") == 0;
		count++;
	}
	return count == 1 && only_id;
}

static int cmp_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* §5.1 steps 11 and 12: type-scoped contexts and the input type. */
static int apply_types(jl_obj *o, jl_ctx **active, const cJSON *element)
{
	const cJSON *entry;
	const char *keys[16];
	const cJSON *values[16];
	size_t n = 0;
	int err;
	cJSON_ArrayForEach(entry, element)
	{
		const char *kw = keyword_of(*active, entry->string);
		if (!kw || strcmp(kw, "@type") != 0)
			continue;
		if (n == 16)
			return jl_fail(o->run, "colliding keywords",
			               "too many aliases of @type");
		keys[n] = entry->string;
		values[n++] = entry;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0;
		     j--) {
			const char *k = keys[j];
			const cJSON *v = values[j];
			keys[j] = keys[j - 1], values[j] = values[j - 1];
			keys[j - 1] = k, values[j - 1] = v;
		}
	for (size_t i = 0; i < n; i++) {
		const cJSON *v = values[i], *t;
		size_t count = 0;
		const char *terms[64];
		if (cJSON_IsString(v))
			terms[count++] = v->valuestring;
		else if (cJSON_IsArray(v))
			cJSON_ArrayForEach(t, v) if (cJSON_IsString(t) &&
			                             count < 64)
			        terms[count++] = t->valuestring;
		qsort(terms, count, sizeof(terms[0]), cmp_strings);
		for (size_t k = 0; k < count; k++) {
			const jl_term *def =
			        jl_term_get(o->type_scoped, terms[k]);
			if (!def || !def->context)
				continue;
			jl_ctx_flags flags = { 0, 0, 1, def->cached };
			if ((err = jl_ctx_process(active, o->run, *active,
			                          def->context, def->base_url,
			                          NULL, flags)) < 0)
				return err;
		}
		if (i == 0 && count) {
			const char *last =
			        cJSON_IsString(v)
			                ? v->valuestring
			                : cJSON_GetArrayItem(
			                          v, cJSON_GetArraySize(v) - 1)
			                          ->valuestring;
			if (last && (err = jl_expand_iri(&o->input_type, o->run,
			                                 *active, last, 1, 1,
			                                 NULL, NULL)) < 0)
				return err;
		}
	}
	return 0;
}

static int only_keys(const cJSON *obj, const char *const *allowed, size_t n)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, obj)
	{
		size_t i = 0;
		while (i < n && strcmp(e->string, allowed[i]) != 0)
			i++;
		if (i == n)
			return 0;
	}
	return 1;
}

static int finish_value(cJSON **result, jl_run *run)
{
	static const char *const allowed[] = { "@direction", "@index",
		                               "@language", "@type", "@value" };
	cJSON *r = *result;
	const cJSON *type = member(r, "@type"), *value = member(r, "@value");
	if (!only_keys(r, allowed, 5) ||
	    (type && (member(r, "@language") || member(r, "@direction"))))
		return jl_fail(run, "invalid value object",
		               "a value object has extra entries");
	if (cJSON_IsString(type) && strcmp(type->valuestring, "@json") == 0)
		return 0;
	if (cJSON_IsNull(value) ||
	    (cJSON_IsArray(value) && !cJSON_GetArraySize(value))) {
		cJSON_Delete(r);
		*result = NULL;
		return 0;
	}
	if (!cJSON_IsString(value) && member(r, "@language"))
		return jl_fail(run, "invalid language-tagged value",
		               "only strings can have a language");
	if (type &&
	    (!cJSON_IsString(type) || !jl_is_absolute_iri(type->valuestring) ||
	     strncmp(type->valuestring, "_:", 2) == 0))
		return jl_fail(run, "invalid typed value",
		               "a value's @type must be an IRI");
	return 0;
}

/* §5.1 steps 15–19. */
enum {
	HAS_VALUE = 1,
	HAS_TYPE = 2,
	HAS_SET = 4,
	HAS_LIST = 8,
	HAS_INDEX = 16,
	HAS_LANGUAGE = 32,
	HAS_ID = 64
};

/* Which keywords r has, in one pass; *n gets its size. */
static unsigned keywords_in(const cJSON *r, int *n, const cJSON **type)
{
	static const struct {
		const char *name;
		unsigned flag;
	} names[] = { { "@value", HAS_VALUE }, { "@type", HAS_TYPE },
		      { "@set", HAS_SET },     { "@list", HAS_LIST },
		      { "@index", HAS_INDEX }, { "@language", HAS_LANGUAGE },
		      { "@id", HAS_ID } };
	unsigned flags = 0;
	const cJSON *e;
	*n = 0;
	cJSON_ArrayForEach(e, r)
	{
		(*n)++;
		if (e->string[0] != '@')
			continue;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(e->string, names[i].name) == 0) {
				flags |= names[i].flag;
				if (names[i].flag == HAS_TYPE)
					*type = e;
				break;
			}
	}
	return flags;
}

/* §5.1 steps 15–19. */
static int finish_object(cJSON **result, jl_run *run, const char *property)
{
	cJSON *r = *result;
	const cJSON *type = NULL;
	int err, n;
	unsigned has = keywords_in(r, &n, &type);
	if (has & HAS_VALUE) {
		if ((err = finish_value(result, run)) < 0 || !*result)
			return err;
	} else if ((has & HAS_TYPE) && !cJSON_IsArray(type)) {
		cJSON *t = cJSON_DetachItemFromObjectCaseSensitive(r, "@type");
		if (!(t = as_array(t)) || !cJSON_AddItemToObject(r, "@type", t))
			return CW_ENOMEM;
	} else if (has & (HAS_SET | HAS_LIST)) {
		if (n > 2 || (n == 2 && !(has & HAS_INDEX)))
			return jl_fail(
			        run, "invalid set or list object",
			        "@set and @list allow only @index beside");
		if (has & HAS_SET) {
			*result = cJSON_DetachItemFromObjectCaseSensitive(
			        r, "@set");
			cJSON_Delete(r);
			return 0;
		}
	}
	if (n == 1 && (has & HAS_LANGUAGE)) {
		cJSON_Delete(r);
		*result = NULL;
		return dropped(run, "object with only @language", "");
	}
	if ((!property || strcmp(property, "@graph") == 0) &&
	    (n == 0 || (has & (HAS_VALUE | HAS_LIST)) ||
	     (n == 1 && (has & HAS_ID)))) {
		cJSON_Delete(*result);
		*result = NULL;
	}
	return 0;
}

static int expand_object(cJSON **out, jl_run *run, const jl_ctx *active,
                         const char *property, const cJSON *element,
                         const char *base_url, int from_map)
{
	const jl_term *pdef = property ? jl_term_get(active, property) : NULL;
	jl_ctx *ctx = (jl_ctx *)active;
	int err;
	if (active->previous && !from_map &&
	    !keeps_scoped_context(active, element))
		ctx = (jl_ctx *)active->previous;
	if (pdef && pdef->context) {
		jl_ctx_flags flags = { 1, 1, 1, pdef->cached };
		if ((err = jl_ctx_process(&ctx, run, ctx, pdef->context,
		                          pdef->base_url, NULL, flags)) < 0)
			return err;
	}
	const cJSON *local = member(element, "@context");
	if (local) {
		jl_ctx_flags flags = { 0, 1, 1, 0 };
		size_t saved = jl_path_push(run, "@context");
		if ((err = jl_ctx_process(&ctx, run, ctx, local, base_url, NULL,
		                          flags)) < 0)
			return err;
		jl_path_pop(run, saved);
	}
	jl_obj o = { run, ctx, ctx, property, NULL, base_url, NULL, NULL };
	if ((err = apply_types(&o, &ctx, element)) < 0)
		return err;
	o.active = ctx;
	if (!(o.result = cJSON_CreateObject()) ||
	    !(o.nests = cJSON_CreateArray())) {
		cJSON_Delete(o.result);
		return CW_ENOMEM;
	}
	err = expand_entries(&o, element);
	cJSON_Delete(o.nests);
	if (err >= 0)
		err = finish_object(&o.result, run, property);
	if (err < 0) {
		cJSON_Delete(o.result);
		return err;
	}
	*out = o.result;
	return 0;
}

static int expand_array(cJSON **out, jl_run *run, const jl_ctx *active,
                        const char *property, const cJSON *element,
                        const char *base_url, int from_map)
{
	const jl_term *pdef = property ? jl_term_get(active, property) : NULL;
	cJSON *result = cJSON_CreateArray();
	const cJSON *item;
	size_t i = 0;
	int err = 0;
	if (!result)
		return CW_ENOMEM;
	cJSON_ArrayForEach(item, element)
	{
		cJSON *expanded = NULL;
		size_t saved = jl_path_push_index(run, i++);
		if ((err = expand_element(&expanded, run, active, property,
		                          item, base_url, from_map)) < 0)
			break;
		jl_path_pop(run, saved);
		if (pdef && (pdef->container & JL_C_LIST) &&
		    cJSON_IsArray(expanded) &&
		    (err = wrap_in(&expanded, "@list")) < 0)
			break;
		if (cJSON_IsArray(expanded)) {
			while (expanded->child)
				cJSON_AddItemToArray(
				        result,
				        cJSON_DetachItemViaPointer(
				                expanded, expanded->child));
			cJSON_Delete(expanded);
		} else if (expanded) {
			cJSON_AddItemToArray(result, expanded);
		}
	}
	if (err < 0) {
		cJSON_Delete(result);
		return err;
	}
	*out = result;
	return 0;
}

static int expand_element(cJSON **out, jl_run *run, const jl_ctx *active,
                          const char *property, const cJSON *element,
                          const char *base_url, int from_map)
{
	int err;
	*out = NULL;
	if (cJSON_IsNull(element))
		return 0;
	if (++run->depth > CW_LIMIT_JSONLD_DEPTH) {
		run->depth--;
		return jl_fail(run, "", "nested deeper than %ld",
		               (long)CW_LIMIT_JSONLD_DEPTH);
	}
	if ((err = jl_tick(run)) < 0)
		goto out;
	if (cJSON_IsArray(element)) {
		err = expand_array(out, run, active, property, element,
		                   base_url, from_map);
	} else if (cJSON_IsObject(element)) {
		err = expand_object(out, run, active, property, element,
		                    base_url, from_map);
	} else if (!property || strcmp(property, "@graph") == 0) {
		err = dropped(run, "free-floating value", property);
	} else {
		const jl_term *pdef = jl_term_get(active, property);
		jl_ctx *ctx = (jl_ctx *)active;
		if (pdef && pdef->context) {
			jl_ctx_flags flags = { 1, 1, 1, pdef->cached };
			if ((err = jl_ctx_process(&ctx, run, ctx, pdef->context,
			                          pdef->base_url, NULL,
			                          flags)) < 0)
				goto out;
		}
		err = expand_value(out, run, ctx, property, element);
	}
out:
	run->depth--;
	return err;
}

static int run_init(jl_run *run, const cw_jsonld_options *options,
                    cw_jsonld_error *where)
{
	memset(run, 0, sizeof(*run));
	run->options = options;
	run->where = where;
	if (where)
		memset(where, 0, sizeof(*where));
	run->loader = options && options->loader ? options->loader
	                                         : cw_jsonld_loader_default();
	run->json_ld_10 = options && options->json_ld_10;
	run->max_work = options && options->max_work ? options->max_work
	                                             : CW_LIMIT_JSONLD_WORK;
	run->max_loads = options && options->max_contexts
	                         ? options->max_contexts
	                         : CW_LIMIT_JSONLD_CONTEXTS;
	run->arena.max = 256u << 20;
	run->garbage = cJSON_CreateArray();
	return run->garbage && run->loader ? 0 : CW_ENOMEM;
}

static void run_free(jl_run *run)
{
	cJSON_Delete(run->garbage);
	jl_arena_free(&run->arena);
}

static int initial_context(jl_ctx **out, jl_run *run, const char *base)
{
	const cw_jsonld_options *opt = run->options;
	if (!(*out = jl_ctx_new(run, base)))
		return CW_ENOMEM;
	if (!opt || !opt->expand_context)
		return 0;
	const cJSON *local = opt->expand_context;
	if (cJSON_IsObject(local) && member(local, "@context"))
		local = member(local, "@context");
	jl_ctx_flags flags = { 0, 1, 1, 0 };
	return jl_ctx_process(out, run, *out, local, base, NULL, flags);
}

/* The expand() API's last steps: unwrap a lone @graph, always an array. */
static int top_level(cJSON **out, cJSON *expanded)
{
	if (cJSON_IsObject(expanded) && cJSON_GetArraySize(expanded) == 1 &&
	    member(expanded, "@graph")) {
		cJSON *g = cJSON_DetachItemFromObjectCaseSensitive(expanded,
		                                                   "@graph");
		cJSON_Delete(expanded);
		expanded = g;
	}
	if (!expanded)
		expanded = cJSON_CreateArray();
	else
		expanded = as_array(expanded);
	*out = expanded;
	return expanded ? 0 : CW_ENOMEM;
}

int cw_jsonld_expand(cJSON **out, const cJSON *doc,
                     const cw_jsonld_options *options, cw_jsonld_error *where)
{
	jl_run run;
	jl_ctx *active = NULL;
	cJSON *expanded = NULL;
	const char *base = options ? options->base : NULL;
	int err = run_init(&run, options, where);
	*out = NULL;
	if (err < 0)
		goto out;
	if (!doc) {
		err = jl_fail(&run, "", "no document");
		goto out;
	}
	if ((err = initial_context(&active, &run, base)) < 0 ||
	    (err = expand_element(&expanded, &run, active, NULL, doc, base,
	                          0)) < 0)
		goto out;
	err = top_level(out, expanded);
	expanded = NULL;
out:
	cJSON_Delete(expanded);
	run_free(&run);
	return err;
}
