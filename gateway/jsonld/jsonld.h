/* JSON-LD 1.1: context processing, expansion and conversion to RDF over
 * cJSON. Documents are only ever loaded through a cw_jsonld_loader: nothing
 * here touches the network or the file system. */
#ifndef CW_JSONLD_JSONLD_H
#define CW_JSONLD_JSONLD_H

#include "jsonld/loader.h"
#include "jsonld/nquads.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* Where and why a JSON-LD operation failed. */
typedef struct {
	/* The JSON-LD API error code, e.g. "invalid term definition",
	 * "loading remote context failed", "protected term redefinition";
	 * "dropped term" for a term safe mode refuses; "" for errors outside
	 * the API (memory, limits). */
	char code[64];
	char pointer[256]; /* JSON pointer into the input document */
	char message[256];
} cw_jsonld_error;

typedef enum {
	CW_JSONLD_RDF_DIRECTION_NONE = 0,
	CW_JSONLD_RDF_DIRECTION_I18N_DATATYPE,
	CW_JSONLD_RDF_DIRECTION_COMPOUND_LITERAL
} cw_jsonld_rdf_direction;

typedef struct {
	const char *base; /* the document's base IRI, or NULL */
	const cJSON
	        *expand_context; /* applied before the document's, or NULL */
	int json_ld_10;          /* processingMode json-ld-1.0 */
	/* Safe mode: a term or value that would be dropped because no context
	 * defines it (or an IRI that is not absolute) is an error (code
	 * "dropped term"), so nothing unsigned hides in a signed document. */
	int safe;
	const cw_jsonld_loader *loader; /* NULL: cw_jsonld_loader_default() */
	size_t max_work; /* 0: CW_LIMIT_JSONLD_WORK; nodes and terms processed
	                  */
	size_t max_contexts; /* 0: default; remote contexts loaded per run */
	/* toRdf */
	int produce_generalized_rdf;
	cw_jsonld_rdf_direction rdf_direction;
} cw_jsonld_options;

/**
 * Expands doc (JSON-LD 1.1 Expansion Algorithm, then the top-level rules of
 * the expand() API: a lone @graph is unwrapped, the result is always an
 * array). *out is a new array the caller frees with cJSON_Delete.
 * CW_EINVAL with where filled on a JSON-LD error; CW_ETOOBIG past a limit.
 * options and where may be NULL.
 */
int cw_jsonld_expand(cJSON **out, const cJSON *doc,
                     const cw_jsonld_options *options, cw_jsonld_error *where);

/**
 * Converts an expanded document (the output of cw_jsonld_expand) to an RDF
 * dataset (JSON-LD 1.1 Deserialize JSON-LD to RDF, with node map
 * generation). Blank nodes are labelled b0, b1 … in the order the node map
 * issues them. options and where may be NULL.
 */
int cw_jsonld_to_rdf(cw_rdf_dataset **out, const cJSON *expanded,
                     const cw_jsonld_options *options, cw_jsonld_error *where);

/** cw_jsonld_expand then cw_jsonld_to_rdf. */
int cw_jsonld_doc_to_rdf(cw_rdf_dataset **out, const cJSON *doc,
                         const cw_jsonld_options *options,
                         cw_jsonld_error *where);

#endif
