/* JSON-LD 1.1 Deserialize JSON-LD to RDF: the node map's graphs, nodes and
 * properties in order, Object to RDF and List Conversion, number forms. */
#include "jsonld/jsonld.h"

#include "jsonld/jcs.h"
#include "jsonld/node_map.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RDF_NS      "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XSD_NS      "http://www.w3.org/2001/XMLSchema#"
#define I18N_NS     "https://www.w3.org/ns/i18n#"
#define LITERAL_MAX CW_LIMIT_NQUADS_BYTES
#define XSD_BOOLEAN XSD_NS "boolean"
#define XSD_INTEGER XSD_NS "integer"
#define XSD_DOUBLE  XSD_NS "double"
#define RDF_JSON    RDF_NS "JSON"

typedef struct {
	cw_rdf_dataset *ds;
	cw_node_map *map;
	const cw_jsonld_options *options;
	size_t max_quads;
	cw_rdf_term graph;
	cw_buf text;     /* the lexical form of the literal being made */
	cw_buf datatype; /* an i18n datatype being made */
	cw_jsonld_error *where;
} emitter;

static int object_to_rdf(emitter *e, const cw_node_map_item *item,
                         cw_rdf_term *out, int *none);

static int is_blank(const char *s)
{
	return s[0] == '_' && s[1] == ':';
}

/* An absolute IRI: a scheme, ':', nothing N-Quads cannot hold and at most
 * one '#' (RFC 3987 allows none in a fragment). Percent escapes and the
 * rest of the grammar are not checked, as jsonld.js does not. */
/* The characters N-Quads does not allow in an IRI (besides controls and
 * space), as a table: this runs for every IRI of every quad. */
static const unsigned char forbidden_in_iri[256] = {
	['<'] = 1, ['>'] = 1, ['"'] = 1, ['{'] = 1, ['}'] = 1,
	['|'] = 1, ['^'] = 1, ['`'] = 1, ['\\'] = 1
};

static int is_iri(const char *s)
{
	size_t i = 1;
	int fragment = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
	       s[i] == '.')
		i++;
	if (s[i] != ':')
		return 0;
	for (const unsigned char *c = (const unsigned char *)s + i; *c; c++)
		if (*c <= 0x20 || forbidden_in_iri[*c] ||
		    (*c == '#' && (fragment++)))
			return 0;
	return 1;
}

/* Well-formed as a subject, object or graph name. */
static int is_resource(const char *s)
{
	return is_blank(s) ? s[2] != '\0' : is_iri(s);
}

/* BCP 47 as N-Quads reads it: [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*. */
static int is_language(const char *s)
{
	size_t run = 0, subtags = 0;

	for (const unsigned char *c = (const unsigned char *)s;; c++) {
		if (*c == '-' || *c == '\0') {
			if (run == 0)
				return 0;
			if (*c == '\0')
				return 1;
			run = 0;
			subtags++;
		} else if (isalpha(*c) || (subtags > 0 && isdigit(*c))) {
			if (++run > 8)
				return 0;
		} else {
			return 0;
		}
	}
}

static cw_rdf_term resource(const char *id)
{
	cw_rdf_term t = { CW_RDF_IRI, (char *)id, strlen(id), NULL, NULL };

	if (is_blank(id)) {
		t.kind = CW_RDF_BLANK;
		t.value += 2;
		t.len -= 2;
	}
	return t;
}

/* What the algorithm leaves out: nothing normally (0), an error with code
 * "dropped term" in safe mode, as jsonld.js's safe mode does. */
static int drop(emitter *e, const char *event, const char *what)
{
	if (!e->options->safe)
		return 0;
	return cw_jsonld_node_map_fail(e->where, CW_EINVAL, "dropped term",
	                               NULL, "%s: %s", event, what);
}

static cw_rdf_term iri_term(const char *iri)
{
	cw_rdf_term t = { CW_RDF_IRI, (char *)iri, strlen(iri), NULL, NULL };

	return t;
}

static cw_rdf_term literal(const char *text, size_t len, const char *datatype,
                           const char *language)
{
	cw_rdf_term t = { CW_RDF_LITERAL, (char *)text, len, NULL, NULL };

	if (language)
		t.language = (char *)language;
	else if (datatype && strcmp(datatype, CW_XSD_STRING) != 0)
		t.datatype = (char *)datatype;
	return t;
}

/* Adds the triple in the current graph at position at of the dataset, so
 * that a triple comes before the list triples its object made. */
static int add_at(emitter *e, size_t at, const cw_rdf_term *s,
                  const cw_rdf_term *p, const cw_rdf_term *o)
{
	cw_rdf_quad quad = { *s, *p, *o, e->graph }, last;
	cw_rdf_dataset *ds = e->ds;
	int err;

	if (ds->count >= e->max_quads)
		return cw_jsonld_node_map_fail(e->where, CW_ETOOBIG, "", NULL,
		                               "more than %zu quads",
		                               e->max_quads);
	if ((err = cw_rdf_dataset_add(ds, &quad)) < 0)
		return err;
	last = ds->quads[ds->count - 1];
	memmove(&ds->quads[at + 1], &ds->quads[at],
	        (ds->count - 1 - at) * sizeof(*ds->quads));
	ds->quads[at] = last;
	return 0;
}

/* toExponential(15) with trailing zeros dropped and "E" (JSON-LD's
 * canonical xsd:double): 16 significant digits rounded half up from the
 * exact binary value, which glibc prints in full at this precision. */
static int put_double(cw_buf *out, double v)
{
	char text[832], digits[17];
	long exponent;
	int k = 16;

	if (v == 0)
		return cw_buf_puts(out, "0.0E0");
	if (v < 0) {
		cw_buf_putc(out, '-');
		v = -v;
	}
	snprintf(text, sizeof(text), "%.799e", v);
	digits[0] = text[0];
	memcpy(digits + 1, text + 2, 15);
	exponent = strtol(strchr(text, 'e') + 1, NULL, 10);
	if (text[17] >= '5') {
		int i = 15;

		while (i >= 0 && digits[i] == '9')
			digits[i--] = '0';
		if (i >= 0) {
			digits[i]++;
		} else {
			digits[0] = '1';
			exponent++;
		}
	}
	while (k > 2 && digits[k - 1] == '0')
		k--;
	cw_buf_putc(out, digits[0]);
	cw_buf_putc(out, '.');
	cw_buf_put(out, digits + 1, (size_t)(k - 1));
	return cw_buf_printf(out, "E%ld", exponent);
}

/* An integral double below 1e21, every digit (JavaScript's toFixed(0)).
 * cJSON keeps numbers as doubles, so an integer past 2^53 was rounded when
 * it was parsed (9007199254740993 comes out as ...992), as in jsonld.js;
 * so was a decimal with more than 17 significant digits. */
static int put_integer(cw_buf *out, double v)
{
	return v == 0 ? cw_buf_putc(out, '0') : cw_buf_printf(out, "%.0f", v);
}

/* The lexical form of @value into e->text; the datatype it implies. */
static int lexical_form(emitter *e, const cJSON *value, const char *type,
                        const char **datatype)
{
	double v = value->valuedouble;

	*datatype = type;
	if (type && strcmp(type, "@json") == 0) {
		*datatype = RDF_JSON;
		return cw_jcs_write(&e->text, value);
	}
	if (cJSON_IsBool(value)) {
		*datatype = type ? type : XSD_BOOLEAN;
		return cw_buf_puts(&e->text,
		                   cJSON_IsTrue(value) ? "true" : "false");
	}
	if (cJSON_IsNumber(value) &&
	    (v != floor(v) || fabs(v) >= 1e21 ||
	     (type && strcmp(type, XSD_DOUBLE) == 0))) {
		*datatype = type ? type : XSD_DOUBLE;
		return put_double(&e->text, v);
	}
	if (cJSON_IsNumber(value)) {
		*datatype = type ? type : XSD_INTEGER;
		return put_integer(&e->text, v);
	}
	return cw_buf_puts(&e->text, value->valuestring);
}

/* rdfDirection compound-literal: a blank node with rdf:value,
 * rdf:language and rdf:direction. */
static int compound_literal(emitter *e, const char *language,
                            const char *direction, cw_rdf_term *out)
{
	cw_rdf_term value = iri_term(RDF_NS "value"),
	            lang = iri_term(RDF_NS "language"),
	            dir = iri_term(RDF_NS "direction");
	cw_rdf_term object;
	const char *node = NULL;
	int err;

	if ((err = cw_jsonld_node_map_blank(e->map, &node)) < 0)
		return err;
	*out = resource(node);
	object = literal(e->text.data, e->text.len, NULL, NULL);
	if ((err = add_at(e, e->ds->count, out, &value, &object)) < 0)
		return err;
	object = literal(language, language ? strlen(language) : 0, NULL, NULL);
	if (language &&
	    (err = add_at(e, e->ds->count, out, &lang, &object)) < 0)
		return err;
	object = literal(direction, strlen(direction), NULL, NULL);
	return add_at(e, e->ds->count, out, &dir, &object);
}

/* https://www.w3.org/ns/i18n#LANGUAGE_DIRECTION, the language lower-cased.
 */
static int i18n_datatype(emitter *e, const char *language,
                         const char *direction)
{
	cw_buf_clear(&e->datatype);
	cw_buf_puts(&e->datatype, I18N_NS);
	for (const char *c = language ? language : ""; *c; c++)
		cw_buf_putc(&e->datatype, (char)tolower((unsigned char)*c));
	cw_buf_putc(&e->datatype, '_');
	return cw_buf_puts(&e->datatype, direction);
}

static int value_to_rdf(emitter *e, const cw_node_map_item *item,
                        cw_rdf_term *out, int *none)
{
	const cJSON *v = item->value;
	const char *language = cw_json_string(v, "@language"),
	           *direction = cw_json_string(v, "@direction"),
	           *datatype = NULL;
	cw_jsonld_rdf_direction mode = e->options->rdf_direction;
	int err;

	*none = 1;
	if (item->type && strcmp(item->type, "@json") != 0 &&
	    !is_iri(item->type))
		return drop(e, "invalid datatype", item->type);
	if (language && !is_language(language))
		return drop(e, "invalid language tag", language);
	if (direction && mode == CW_JSONLD_RDF_DIRECTION_NONE &&
	    (err = drop(e, "rdfDirection not set", direction)) < 0)
		return err;
	*none = 0;
	cw_buf_clear(&e->text);
	if ((err = lexical_form(e,
	                        cJSON_GetObjectItemCaseSensitive(v, "@value"),
	                        item->type, &datatype)) < 0)
		return err;
	if (direction && mode == CW_JSONLD_RDF_DIRECTION_COMPOUND_LITERAL)
		return compound_literal(e, language, direction, out);
	if (direction && mode == CW_JSONLD_RDF_DIRECTION_I18N_DATATYPE) {
		if ((err = i18n_datatype(e, language, direction)) < 0)
			return err;
		*out = literal(e->text.data, e->text.len, e->datatype.data,
		               NULL);
		return 0;
	}
	*out = literal(e->text.data, e->text.len, datatype, language);
	return err;
}

#define rdf_nil iri_term(RDF_NS "nil")

/* List Conversion: one new blank node per item, all issued first. */
static int list_to_rdf(emitter *e, const cw_node_map_items *list,
                       cw_rdf_term *out)
{
	cw_rdf_term first = iri_term(RDF_NS "first"),
	            rest_property = iri_term(RDF_NS "rest");
	const char **nodes = NULL;
	int err = 0;

	*out = rdf_nil;
	if (list->count == 0)
		return 0;
	if (!(nodes = cw_calloc(list->count, sizeof(*nodes))))
		return CW_ENOMEM;
	for (size_t i = 0; i < list->count && err == 0; i++)
		err = cw_jsonld_node_map_blank(e->map, &nodes[i]);
	for (size_t i = 0; i < list->count && err == 0; i++) {
		cw_rdf_term subject = resource(nodes[i]), object,
		            rest = i + 1 < list->count ? resource(nodes[i + 1])
		                                       : rdf_nil;
		size_t at = e->ds->count;
		int none = 0;

		if ((err = object_to_rdf(e, list->items[i], &object, &none)) <
		            0 ||
		    (!none &&
		     (err = add_at(e, at++, &subject, &first, &object)) < 0))
			break;
		err = add_at(e, at, &subject, &rest_property, &rest);
	}
	if (err == 0)
		*out = resource(nodes[0]);
	cw_free(nodes);
	return err;
}

/* Object to RDF Conversion; *none when the item makes no triple. */
static int object_to_rdf(emitter *e, const cw_node_map_item *item,
                         cw_rdf_term *out, int *none)
{
	*none = 0;
	switch (item->kind) {
	case CW_NODE_MAP_REF:
		if (!is_resource(item->id)) {
			*none = 1;
			return drop(e, "relative object reference", item->id);
		}
		*out = resource(item->id);
		return 0;
	case CW_NODE_MAP_LIST: return list_to_rdf(e, &item->list, out);
	default: return value_to_rdf(e, item, out, none);
	}
}

static int emit_property(emitter *e, const cw_rdf_term *subject,
                         const cw_node_map_property *property)
{
	const char *name = property->name;
	cw_rdf_term predicate = resource(name), object;
	int err = 0;

	if (is_blank(name) && !e->options->produce_generalized_rdf)
		return drop(e, "blank node predicate", name);
	if (!is_blank(name) && !is_iri(name))
		return drop(e, "relative predicate reference", name);
	for (size_t i = 0; i < property->values.count && err == 0; i++) {
		size_t at = e->ds->count;
		int none = 0;

		if ((err = object_to_rdf(e, property->values.items[i], &object,
		                         &none)) == 0 &&
		    !none)
			err = add_at(e, at, subject, &predicate, &object);
	}
	return err;
}

static int compare_properties(const void *x, const void *y)
{
	return strcmp(((const cw_node_map_property *)x)->name,
	              ((const cw_node_map_property *)y)->name);
}

static int emit_node(emitter *e, cw_node_map_node *node)
{
	cw_rdf_term subject = resource(node->id), object,
	            type = iri_term(RDF_NS "type");
	int err = 0;

	if (!is_resource(node->id))
		return drop(e, "relative subject reference", node->id);
	for (size_t i = 0; i < node->type_count && err == 0; i++) {
		object = resource(node->types[i]);
		err = is_resource(node->types[i])
		              ? add_at(e, e->ds->count, &subject, &type,
		                       &object)
		              : drop(e, "relative type reference",
		                     node->types[i]);
	}
	if (node->property_count > 1)
		qsort(node->properties, node->property_count,
		      sizeof(*node->properties), compare_properties);
	for (size_t i = 0; i < node->property_count && err == 0; i++)
		err = emit_property(e, &subject, &node->properties[i]);
	return err;
}

static int compare_nodes(const void *x, const void *y)
{
	return strcmp((*(cw_node_map_node *const *)x)->id,
	              (*(cw_node_map_node *const *)y)->id);
}

static int emit_graph(emitter *e, cw_node_map_graph *graph)
{
	static const cw_rdf_term default_graph = { CW_RDF_DEFAULT_GRAPH, NULL,
		                                   0, NULL, NULL };
	int err = 0;

	if (strcmp(graph->name, "@default") == 0)
		e->graph = default_graph;
	else if (is_resource(graph->name))
		e->graph = resource(graph->name);
	else
		return drop(e, "relative graph reference", graph->name);
	if (graph->count > 1)
		qsort(graph->nodes, graph->count, sizeof(*graph->nodes),
		      compare_nodes);
	for (size_t i = 0; i < graph->count && err == 0; i++)
		err = emit_node(e, graph->nodes[i]);
	return err;
}

static int compare_graphs(const void *x, const void *y)
{
	return strcmp((*(cw_node_map_graph *const *)x)->name,
	              (*(cw_node_map_graph *const *)y)->name);
}

/* The graphs in order of their names. */
static int emit_dataset(emitter *e)
{
	size_t count = 0;
	cw_node_map_graph *const *graphs =
	        cw_jsonld_node_map_graphs(e->map, &count);
	cw_node_map_graph **sorted = NULL;
	int err = 0;

	if (!(sorted = cw_calloc(count ? count : 1, sizeof(*sorted))))
		return CW_ENOMEM;
	memcpy(sorted, graphs, count * sizeof(*sorted));
	if (count > 1)
		qsort(sorted, count, sizeof(*sorted), compare_graphs);
	for (size_t i = 0; i < count && err == 0; i++)
		err = emit_graph(e, sorted[i]);
	cw_free(sorted);
	return err;
}

int cw_jsonld_to_rdf(cw_rdf_dataset **out, const cJSON *expanded,
                     const cw_jsonld_options *options, cw_jsonld_error *where)
{
	static const cw_jsonld_options defaults;
	emitter e = { NULL,
		      NULL,
		      options ? options : &defaults,
		      CW_LIMIT_NQUADS_QUADS,
		      { CW_RDF_DEFAULT_GRAPH, NULL, 0, NULL, NULL },
		      CW_BUF_INIT(LITERAL_MAX),
		      CW_BUF_INIT(LITERAL_MAX),
		      where };
	int err;

	*out = NULL;
	if (where)
		memset(where, 0, sizeof(*where));
	if ((err = cw_jsonld_node_map_build(&e.map, expanded,
	                                    e.options->max_work, where)) < 0 ||
	    (err = cw_rdf_dataset_new(&e.ds)) < 0 ||
	    (err = emit_dataset(&e)) < 0)
		goto out;
	*out = e.ds;
	e.ds = NULL;
out:
	if (err < 0 && where && !where->message[0])
		snprintf(where->message, sizeof(where->message), "%s",
		         cw_error_last());
	cw_rdf_dataset_free(e.ds);
	cw_jsonld_node_map_free(e.map);
	cw_buf_dispose(&e.text);
	cw_buf_dispose(&e.datatype);
	return err;
}

int cw_jsonld_doc_to_rdf(cw_rdf_dataset **out, const cJSON *doc,
                         const cw_jsonld_options *options,
                         cw_jsonld_error *where)
{
	cJSON *expanded = NULL;
	int err;

	*out = NULL;
	if ((err = cw_jsonld_expand(&expanded, doc, options, where)) == 0)
		err = cw_jsonld_to_rdf(out, expanded, options, where);
	cJSON_Delete(expanded);
	return err;
}
