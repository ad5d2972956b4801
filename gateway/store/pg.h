/* The PostgreSQL backend of the store (libpq), for several gateway nodes
 * on one database. */
#ifndef CW_STORE_PG_H
#define CW_STORE_PG_H

#include "store/store.h"

/** Connects to the database named by url (postgres://USER@HOST:PORT/DB or
 *  any libpq connection URI); migrations are applied by cw_store_migrate. */
int cw_store_pg_open(cw_store **out, const char *url);

#endif
