/* A page of JSON records read in one pass without building a tree: the whole
 * text is checked (as strictly as cw_json_parse, depth-capped, with a
 * precise error position), and the items of one array member of the
 * top-level object are indexed, each object by its own members. Values are
 * spans of the caller's buffer, decoded only when asked. */
#ifndef CW_UTIL_JSON_PAGE_H
#define CW_UTIL_JSON_PAGE_H

#include "util/buf.h"
#include "util/json.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
	CW_JV_NONE = 0, /* absent */
	CW_JV_NULL,
	CW_JV_FALSE,
	CW_JV_TRUE,
	CW_JV_NUMBER,
	CW_JV_STRING,
	CW_JV_ARRAY,
	CW_JV_OBJECT
} cw_jv_type;

/** One value: strings without their quotes (escapes as sent), containers
 *  with their brackets, scalars as written. */
typedef struct {
	const char *text;
	size_t len;
	cw_jv_type type;
	int escaped; /* a string with backslash escapes */
} cw_jv;

typedef struct {
	cw_jv name; /* a string */
	cw_jv value;
} cw_jmember;

/** An item of the page's array; members only when it is an object. */
typedef struct {
	cw_jv whole;
	const cw_jmember *members;
	size_t count;
	uint64_t shape; /* a hash of the member names in order */
} cw_jobject;

typedef struct cw_json_page cw_json_page;

int cw_json_page_new(cw_json_page **out);
void cw_json_page_free(cw_json_page *page);

/**
 * Reads buf[0..len) as one JSON value nested at most max_depth deep and
 * indexes the items of member (the first member of that name) of the
 * top-level object. The buffer must outlive what the page hands out.
 * @param[out] where where reading stopped when the text is not JSON
 * @return 0; CW_EINVAL (the message: "L:C: why") when the text is not JSON,
 *         CW_ETOOBIG when it nests too deep, CW_ENOTFOUND (no message)
 *         when the text is JSON but has no such array, CW_ENOMEM
 */
int cw_json_page_read(cw_json_page *page, const char *buf, size_t len,
                      const char *member, int max_depth,
                      cw_json_position *where);

size_t cw_json_page_count(const cw_json_page *page);

/** Item i (< count) of the last page read. */
void cw_json_page_item(const cw_json_page *page, size_t i, cw_jobject *out);

/** The first member of o named name (NULL: none). */
const cw_jv *cw_jobject_get(const cw_jobject *o, const char *name);

/** Whether a string value equals s once decoded. */
int cw_jv_equals(const cw_jv *v, const char *s);

/** Appends a string's decoded bytes to out (v was checked by a read). */
int cw_jv_decode(cw_buf *out, const cw_jv *v);

/**
 * In a container value of a read page: the first member named name of an
 * object (into out; 0 when found, CW_ENOTFOUND when not or when v is no
 * object).
 */
int cw_jv_member(const cw_jv *v, const char *name, cw_jv *out);

/**
 * Iterates the items of an array, or the member values of an object (as
 * cJSON_ArrayForEach does): *cursor starts at 0; returns 1 with the next
 * item in out, 0 at the end (at once for scalars).
 */
int cw_jv_next(const cw_jv *v, size_t *cursor, cw_jv *out);

/** The same over an object's members, with their names. */
int cw_jv_next_member(const cw_jv *v, size_t *cursor, cw_jv *name,
                      cw_jv *value);

#endif
