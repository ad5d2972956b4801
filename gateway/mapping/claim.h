/* What a credential claims, in the terms the CBE flows need: who it was
 * issued to (identifiers, plain or salted hashes), what achievement, which
 * competencies it aligns to, what level was reached, when. Reads OB 3.0
 * (VC 1.1 or 2.0) credentials and OB 2.0 assertions. Pure code. */
#ifndef CW_MAPPING_CLAIM_H
#define CW_MAPPING_CLAIM_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define CW_CLAIM_MAX_IDENTITIES 16
#define CW_CLAIM_MAX_ALIGNMENTS 64
#define CW_CLAIM_MAX_LEVELS     16

typedef struct {
	const char
	        *type; /* identityType: emailAddress, sourcedId, studentId … */
	const char *value; /* the identity, or its "sha256$…" hash */
	int hashed;
	const char *salt; /* NULL: none */
} cw_claim_identity;

typedef struct {
	const char *type; /* targetType (CFItem …), or NULL */
	const char *code; /* targetCode */
	const char *url;  /* targetUrl */
	const char *name; /* targetName */
	const char *framework;
} cw_claim_alignment;

typedef struct {
	int ob2;
	const char *id;
	const char *issuer_id, *issuer_name;
	const char *achievement_id, *achievement_name;
	const char *issued; /* validFrom, issuanceDate or issuedOn */
	cw_claim_identity identities[CW_CLAIM_MAX_IDENTITIES];
	size_t identity_count;
	cw_claim_alignment alignments[CW_CLAIM_MAX_ALIGNMENTS];
	size_t alignment_count;
	/* What the results say, most specific first: a rubric level's name,
	 * its id, the value. */
	const char *levels[CW_CLAIM_MAX_LEVELS];
	size_t level_count;
} cw_claim;

/**
 * Reads doc (a credential or an assertion; an OB 2.0 badge given as a URL
 * must be replaced by its BadgeClass first). The strings point into doc.
 * CW_EINVAL, with the JSON pointer in the message, when a part the flows
 * need is missing or of the wrong type.
 */
int cw_claim_read(cw_claim *out, const cJSON *doc);

#endif
