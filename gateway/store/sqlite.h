/* The embedded SQLite backend of the store. */
#ifndef CW_STORE_SQLITE_H
#define CW_STORE_SQLITE_H

#include "store/store.h"

/** Opens (creating if needed) the database file at path, in WAL mode. */
int cw_store_sqlite_open(cw_store **out, const char *path);

#endif
