/* cJSON helpers: parsing under a depth cap with a precise error position. */
#ifndef CW_UTIL_JSON_H
#define CW_UTIL_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct {
	size_t offset; /* byte offset of the problem */
	int line;      /* 1-based */
	int column;    /* 1-based, in bytes */
} cw_json_position;

/**
 * Parses exactly buf[0..len) as one JSON value nested at most max_depth deep.
 * @param[out] out the tree, freed with cJSON_Delete
 * @param[out] where where parsing stopped when it fails (may be NULL)
 * @return 0, CW_EINVAL (syntax, detail in cw_error_last) or CW_ETOOBIG (depth)
 */
int cw_json_parse(cJSON **out, const char *buf, size_t len, int max_depth,
                  cw_json_position *where);
/** The line and column of byte offset of buf. */
void cw_json_locate(cw_json_position *where, const char *buf, size_t offset);

/** Serialises compactly into a cw_malloc'd string; NULL on failure. */
char *cw_json_print(const cJSON *item);

/** The string value of object[key], or NULL when absent or not a string. */
const char *cw_json_string(const cJSON *object, const char *key);

#endif
