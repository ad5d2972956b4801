/* Reading a CFPackage (CASE 1.0 or 1.1, and the older shapes real servers
 * still send) into the strict 1.1 form, with every problem reported at its
 * JSON pointer: a tolerant reader in front of a strict writer. Pure: a
 * buffer in, a tree and diagnostics out. */
#ifndef CW_CASE_PACKAGE_H
#define CW_CASE_PACKAGE_H

#include "case/model.h"

#include <cjson/cJSON.h>
#include <stddef.h>

typedef enum { CW_CASE_ERROR = 0, CW_CASE_WARNING = 1 } cw_case_severity;

typedef struct {
	const char *pointer; /* RFC 6901 into the input: "/CFItems/3/uri" */
	cw_case_severity severity;
	const char
	        *code; /* stable: "case.required", docs/case-diagnostics.md */
	const char *message; /* what was found, what was expected */
} cw_case_diag;

typedef void (*cw_case_diag_cb)(const cw_case_diag *diag, void *payload);

typedef struct {
	/** 1 when an identifier outside the package is known (a framework the
	 *  tenant holds); NULL when none is. */
	int (*known)(const char *identifier, void *payload);
	void *known_payload;
	cw_case_diag_cb on_diag; /* may be NULL */
	void *diag_payload;
	/* Non-zero: the schema check runs on a thread of its own while the
	 * caller goes on; cw_case_package_settle waits for it. */
	int schema_in_background;
} cw_case_read_options;

typedef struct {
	/* {"CFDocument", "CFItems", "CFAssociations", "CFDefinitions"?,
	 *  "CFRubrics"?, "extensions"?}: every object in its class's member
	 * order, identifiers lower case, times UTC ("….sssZ"), unknown members
	 * kept under the object's extensions. */
	cJSON *root;
	const cJSON *document; /* root's CFDocument */
	size_t errors, warnings;
	void *pending; /* a schema check running in the background */
} cw_case_package;

/**
 * Reads and checks the package in buf: shapes and types, required members,
 * identifiers, then what a schema cannot say (duplicate identifiers,
 * isChildOf cycles, association ends neither in the package nor known,
 * CFItemType against CFItemTypeURI).
 * @param[out] out the package (free with cw_case_package_free), also when it
 *             has errors, so a report can count them; NULL when the text is
 *             not JSON at all
 * @return 0 when it has no errors, CW_EINVAL when it has (each one went to
 *         on_diag), CW_ENOMEM
 */
int cw_case_package_read(cw_case_package **out, const char *buf, size_t len,
                         const cw_case_read_options *options);
void cw_case_package_free(cw_case_package *package);

/**
 * Waits for a schema check started in the background and reports what it
 * found. The tree must not change before. 0, CW_EINVAL when the package
 * now has errors, CW_ENOMEM.
 */
int cw_case_package_settle(cw_case_package *package,
                           const cw_case_read_options *options);

/** The package's objects of a kind: its CFItems, CFAssociations, or the
 *  CFDefinitions list of a definition kind, or CFRubrics. NULL if none. */
const cJSON *cw_case_package_list(const cw_case_package *package,
                                  cw_case_kind kind);

/** Deepest nesting a package may have, and most objects it may hold. */
#define CW_CASE_MAX_DEPTH   32
#define CW_CASE_MAX_OBJECTS 2000000

#endif
