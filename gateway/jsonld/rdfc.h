/* RDF Dataset Canonicalization (W3C RDFC-1.0) with a work limit. */
#ifndef CW_JSONLD_RDFC_H
#define CW_JSONLD_RDFC_H

#include "jsonld/nquads.h"

#include <stddef.h>

typedef enum { CW_RDFC_SHA256 = 0, CW_RDFC_SHA384 } cw_rdfc_hash;

typedef struct {
	cw_rdfc_hash hash;
	/* Calls of Hash N-Degree Quads plus permutations tried; past it the
	 * run fails with CW_ETOOBIG (a "poison" graph). 0: CW_LIMIT_RDFC_WORK
	 */
	size_t max_work;
	size_t max_depth;  /* recursion of Hash N-Degree Quads; 0: default */
	size_t max_output; /* bytes of canonical N-Quads; 0: default */
} cw_rdfc_options;

typedef struct {
	char *nquads; /* the canonical N-Quads document, NUL-terminated */
	size_t len;
	/* The issued identifiers map, in the order issued: input label (without
	 * "_:") to canonical label ("c14n0" …). */
	size_t map_count;
	char **map_input;
	char **map_canonical;
	size_t work; /* work units spent */
} cw_rdfc_result;

/**
 * Canonicalizes ds (a set: duplicate quads count once) into sorted
 * canonical N-Quads and the issued identifiers map. options may be NULL.
 * CW_ETOOBIG when the work, depth or output limit is hit.
 */
int cw_rdfc_canonize(cw_rdfc_result **out, const cw_rdf_dataset *ds,
                     const cw_rdfc_options *options);
void cw_rdfc_result_free(cw_rdfc_result *result);

/** "sha256" or "sha384" to the hash; CW_EINVAL otherwise. */
int cw_rdfc_hash_parse(cw_rdfc_hash *out, const char *name);

#endif
