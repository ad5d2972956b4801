/* RDF datasets as quads, the N-Quads reader and the canonical N-Quads writer.
 */
#ifndef CW_JSONLD_NQUADS_H
#define CW_JSONLD_NQUADS_H

#include "util/buf.h"

#include <stddef.h>

typedef enum {
	CW_RDF_DEFAULT_GRAPH = 0, /* only as a quad's graph */
	CW_RDF_IRI,
	CW_RDF_BLANK,
	CW_RDF_LITERAL
} cw_rdf_kind;

#define CW_XSD_STRING "http://www.w3.org/2001/XMLSchema#string"
#define CW_RDF_LANGSTRING                                                      \
	"http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

typedef struct {
	cw_rdf_kind kind;
	/* The IRI, the blank node label (without "_:") or the literal's
	 * lexical form, unescaped UTF-8; literals may hold NUL bytes. */
	char *value;
	size_t len;
	char *datatype; /* literals: NULL for xsd:string and language strings */
	char *language; /* literals: the language tag as written, or NULL */
} cw_rdf_term;

typedef struct {
	cw_rdf_term subject, predicate, object, graph;
} cw_rdf_quad;

typedef struct cw_rdf_pool cw_rdf_pool;

typedef struct {
	cw_rdf_quad *quads;
	size_t count, alloc;
	cw_rdf_pool *pool; /* the terms' strings, freed with the dataset */
} cw_rdf_dataset;

typedef struct {
	size_t max_bytes; /* 0: CW_LIMIT_NQUADS_BYTES */
	size_t max_quads; /* 0: CW_LIMIT_NQUADS_QUADS */
} cw_nquads_limits;

typedef struct {
	size_t line, column; /* 1-based; the column counts code points */
	char message[160];
} cw_nquads_error;

/**
 * Reads an N-Quads document (W3C RDF 1.1 N-Quads: escapes, comments, CR/LF
 * line ends; absolute IRIs; UTF-8). limits and where may be NULL. On
 * CW_EINVAL where says the line, column and problem (also the thread's
 * error message as "LINE:COLUMN: message"); CW_ETOOBIG past a limit.
 */
int cw_nquads_read(cw_rdf_dataset **out, const char *buf, size_t len,
                   const cw_nquads_limits *limits, cw_nquads_error *where);

/** An empty dataset, for builders other than the reader. */
int cw_rdf_dataset_new(cw_rdf_dataset **out);
/** Appends a copy of quad (its strings duplicated). */
int cw_rdf_dataset_add(cw_rdf_dataset *ds, const cw_rdf_quad *quad);
void cw_rdf_dataset_free(cw_rdf_dataset *ds);

/**
 * Appends term in canonical N-Quads form (RDFC-1.0 §4.3 / N-Quads 1.2
 * canonical form): IRIs as they are, literals with \b \t \n \f \r \" \\,
 * other C0 controls and DEL as \u00XX (upper-case hex), the rest raw;
 * xsd:string left out. A blank node is written as "_:" + label.
 */
int cw_nquads_write_term(cw_buf *out, const cw_rdf_term *term);
/** Appends one quad as a canonical line ending in " .\n". */
int cw_nquads_write_quad(cw_buf *out, const cw_rdf_quad *quad);
/** Every quad, in dataset order. */
int cw_nquads_write(cw_buf *out, const cw_rdf_dataset *ds);

#endif
