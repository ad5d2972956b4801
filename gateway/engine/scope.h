/* OAuth 2.0 scopes: the URIs Crosswalk knows and set operations on
 * space-separated scope lists. Pure functions. */
#ifndef CW_ENGINE_SCOPE_H
#define CW_ENGINE_SCOPE_H

#include "util/buf.h"

#include <stddef.h>

/** Gateway administration; on a client of the system tenant, of all tenants. */
#define CW_SCOPE_ADMIN "urn:crosswalk:scope:admin"
/** The tenant init creates; its admin clients manage every tenant. */
#define CW_SYSTEM_TENANT "system"

/** NULL-terminated list of every scope URI a client may be granted. */
extern const char *const cw_scope_known[];

/**
 * Checks and normalises a scope list (spaces, tabs or commas between items):
 * every item known, no more than CW_LIMIT_SCOPES. out gets the items joined by
 * one space, in the order given, duplicates dropped.
 * @return 0, or CW_EINVAL with the offending item in cw_error_last()
 */
int cw_scope_normalize(cw_buf *out, const char *list);

/** 1 when every item of requested is in granted. */
int cw_scope_subset(const char *requested, const char *granted);

/** 1 when granted holds at least one item of any_of. */
int cw_scope_has_any(const char *granted, const char *any_of);

/** 1 when list (space-separated) contains scope exactly. */
int cw_scope_contains(const char *list, const char *scope, size_t scope_len);

#endif
