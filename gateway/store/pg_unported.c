/* Slots of the store interface the PostgreSQL backend does not have yet
 * fail through here: CW_EUNSUPPORTED and a message naming the operation,
 * never touching the database. Every slot is ported today; store functions
 * added on SQLite first get a stub calling this until they are. */
#include "store/pg_internal.h"

#include "util/error.h"

int cw_pg__unsupported(const char *operation)
{
	cw_error_set("store: %s is not yet supported on PostgreSQL "
	             "(use store = sqlite for it)",
	             operation);
	return CW_EUNSUPPORTED;
}
