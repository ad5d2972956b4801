/* JSON Canonicalization Scheme (RFC 8785) over cJSON, for rdf:JSON literals
 * and for comparing JSON values by their canonical text. */
#ifndef CW_JSONLD_JCS_H
#define CW_JSONLD_JCS_H

#include "util/buf.h"

#include <cjson/cJSON.h>

/**
 * Appends value in canonical form: object members sorted by the UTF-16 code
 * units of their names, numbers as ECMAScript Number.prototype.toString,
 * strings with only the escapes JSON requires. CW_EINVAL for a number that
 * is not finite or an invalid cJSON node; the buffer's error otherwise.
 * cJSON holds numbers as doubles: integers past 2^53 are already rounded.
 */
int cw_jcs_write(cw_buf *out, const cJSON *value);

/** Appends v as ECMAScript writes it (shortest round trip). CW_EINVAL when
 * v is not finite. */
int cw_jcs_number(cw_buf *out, double v);

/** <0, 0 or >0 as UTF-8 string a sorts before, with or after b in UTF-16
 * code unit order (RFC 8785 §3.2.3). */
int cw_jcs_compare(const char *a, const char *b);

#endif
