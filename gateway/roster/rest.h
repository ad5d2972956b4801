/* OneRoster 1.2 REST JSON objects from stored rows (roster/fields.h): the
 * CSV columns become the JSON binding's members (references as GUIDRefs
 * {"href","sourcedId","type"}, lists as arrays, userIds as objects,
 * preferredGivenName as preferredFirstName …), users carry their roles. */
#ifndef CW_ROSTER_REST_H
#define CW_ROSTER_REST_H

#include "roster/schema.h"
#include "util/buf.h"

#include <cjson/cJSON.h>

/** One row as the store hands it over. */
typedef struct {
	cw_or_entity entity;
	const char *sourced_id;
	const char *status;             /* "active" or "tobedeleted" */
	const char *date_last_modified; /* ISO 8601 */
	const char *stored;             /* the stored fields array */
} cw_or_rest_row;

/**
 * The 1.2 JSON object of row; origin ("http://host:port") starts every
 * href. related: the rows the object carries, each by its entity: a user's
 * roles; a lineItem's or result's score-scale and learning-objective link
 * rows. NULL when the stored fields cannot be read or memory runs out.
 */
cJSON *cw_or_rest_object(const cw_or_rest_row *row, const char *origin,
                         const cw_or_rest_row *related, size_t related_count);

/**
 * The same object written straight into out as JSON text (appended), the
 * stored text copied where it is already JSON: no tree, no re-escaping.
 * @return 0, CW_EINVAL when the stored fields cannot be read, or ENOMEM
 */
int cw_or_rest_write(cw_buf *out, const cw_or_rest_row *row, const char *origin,
                     const cw_or_rest_row *related, size_t related_count);

/**
 * The 1.1 JSON binding of the same row: only the members 1.1 has, hrefs
 * under /ims/oneroster/v1p1, a user's role and orgs from its role rows.
 */
int cw_or_rest_write_v11(cw_buf *out, const cw_or_rest_row *row,
                         const char *origin, const cw_or_rest_row *related,
                         size_t related_count);

/** The JSON member of a CSV column ("orgSourcedIds" → "orgs"; a few
 * names follow the JSON binding: preferredGivenName → preferredFirstName). */
void cw_or_rest_member_name(char out[64], cw_or_entity e,
                            const cw_or_column *col);

/** The members an entity's JSON objects may have, NULL-terminated. */
const char *const *cw_or_rest_members(cw_or_entity entity);

/** The same for the 1.1 binding (users: role and orgs, no roles). */
const char *const *cw_or_rest_members_v11(cw_or_entity entity);

/** The link rows holding an entity's learningObjectiveSet
 *  (lineItemLearningObjectiveIds …), or CW_OR_NONE. */
cw_or_entity cw_or_rest_objectives_of(cw_or_entity entity);

/** The singular and plural envelope names ("user", "users"). */
const char *cw_or_rest_singular(cw_or_entity entity);
const char *cw_or_rest_plural(cw_or_entity entity);

/** The path of entity's objects under its service ("/users"), and the
 *  service's base path ("/ims/oneroster/rostering/v1p2"). */
const char *cw_or_rest_collection(cw_or_entity entity);
const char *cw_or_rest_service(cw_or_entity entity);

#endif
