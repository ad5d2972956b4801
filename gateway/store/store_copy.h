/* Copying one tenant's rows from one store to another (`crosswalk migrate`):
 * a descriptor of every table a tenant has rows in, generic row reads and
 * one-transaction loads that each backend implements. */
#ifndef CW_STORE_STORE_COPY_H
#define CW_STORE_STORE_COPY_H

#include "store/store.h"
#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

/* A value of a row: the descriptor's column type, or NULL. */
typedef enum {
	CW_COPY_NULL,
	CW_COPY_INT,
	CW_COPY_TEXT,
	CW_COPY_BLOB
} cw_copy_type;

struct cw_copy_value {
	cw_copy_type type; /* CW_COPY_NULL or the column's type */
	int64_t number;
	const char *bytes; /* text or blob: any bytes, len of them */
	size_t len;
};

/* The spaces integer ids and sequence numbers are drawn from. Ids are
 * allocated again in the target and every reference remapped; sequence
 * numbers are shifted by one offset per space, so their order and gaps
 * stay. */
typedef enum {
	CW_COPY_SPACE_NONE,
	CW_COPY_SPACE_TENANT,
	CW_COPY_SPACE_IMPORT,
	CW_COPY_SPACE_MIRROR,
	CW_COPY_SPACE_SYNC_CONNECTION,
	CW_COPY_SPACE_SYNC_RUN,
	CW_COPY_SPACE_HOLDER,
	CW_COPY_SPACE_FLOW_RUN,
	CW_COPY_SPACE_AUDIT,
	CW_COPY_SPACE_ROSTER_SEQ, /* roster_log: global across tenants */
	CW_COPY_SPACE_CASE_SEQ,   /* case_log: global across tenants */
	CW_COPY_SPACE_COUNT
} cw_copy_space;

typedef enum {
	CW_COPY_PLAIN,    /* copied as it is */
	CW_COPY_IDENTITY, /* left out of the insert; the target allocates it */
	CW_COPY_REF,      /* an id of space (NULL and 0 stay) */
	CW_COPY_SEQ,      /* a sequence number of space, shifted */
	/* Sealed under the master key bound to the tenant's id: opened and
	 * sealed again for the new id by the caller of the copy. */
	CW_COPY_SEALED_TENANT
} cw_copy_role;

typedef struct {
	const char *name;
	cw_copy_type type;
	cw_copy_role role;
	cw_copy_space space;
} cw_copy_column;

/* Which rows of a table are a tenant's. */
typedef enum {
	CW_COPY_BY_ID,          /* tenants: id = the tenant's id */
	CW_COPY_BY_TENANT,      /* tenant_id = the tenant's id */
	CW_COPY_BY_TENANT_NAME, /* audit_log: tenant = its name */
	CW_COPY_BY_CLIENT,      /* client_id of one of the tenant's clients */
	/* Shared rows (OB 3.0 clients register once for every tenant) that
	 * the tenant's rows point at: inserted unless the target has them. */
	CW_COPY_BY_SECRET_CLIENT
} cw_copy_scope;

#define CW_COPY_MAX_COLUMNS 24

struct cw_copy_table {
	const char *name;
	cw_copy_scope scope;
	/* Read in this order (both dialects); NULL: the order the rows were
	 * inserted in (SQLite's rowid, the PostgreSQL table's ord). */
	const char *order_by;
	const cw_copy_column *columns;
	size_t column_count;
	/* Loaded only once the rest is verified (audit_log: append-only,
	 * its rows cannot be taken back). */
	int after_verify;
	/* Described but never copied: the job queue's rows and the files
	 * its jobs hold (blobs) are the nodes' running work, not the
	 * tenant's data (a tenant is moved with its daemons stopped and its
	 * held imports approved or rejected); failed-authentication counts
	 * are no tenant's and start again. */
	int not_copied;
};

/** Every table a tenant has rows in, in an order that satisfies their
 *  foreign keys; *count of them. */
const cw_copy_table *cw_copy_tables(size_t *count);
/** The descriptor of a table by name, or NULL. */
const cw_copy_table *cw_copy_table_named(const char *name);
/** The index of the column with role (the first), or -1. */
int cw_copy_column_with(const cw_copy_table *table, cw_copy_role role);

/* SQL text of the backends, placeholders ?N (SQLite) or $N (pg). */
/** SELECT of the table's columns for a tenant ($1 the id, $2 the name). */
int cw_copy_select_sql(cw_buf *out, const cw_copy_table *table, int pg);
/** INSERT of the columns but the identity (RETURNING it when there is
 *  one); shared tables skip rows the target has. */
int cw_copy_insert_sql(cw_buf *out, const cw_copy_table *table, int pg);
/** DELETE of a tenant's rows ($1 the id), or of the shared row $1 (its
 *  first column). */
int cw_copy_delete_sql(cw_buf *out, const cw_copy_table *table, int pg);

/** Calls cb with every row of the tenant in table, in its order. */
int cw_store_copy_read(cw_store *store, const cw_copy_table *table,
                       int64_t tenant_id, const char *tenant_name,
                       cw_copy_row_cb cb, void *payload);
/** Opens the one transaction a load goes into, holding the write locks
 *  the roster and CASE change logs are appended under. */
int cw_store_copy_begin(cw_store_copy **out, cw_store *store);
/** The next free sequence number of a log table (roster_log, case_log). */
int cw_store_copy_next_seq(cw_store_copy *copy, const cw_copy_table *table,
                           int64_t *next);
/** Inserts one row (values in column order; the identity's ignored):
 *  *new_id the identity the target gave it (0: none), *inserted 0 when a
 *  shared row was there already. CW_EEXISTS on a constraint. */
int cw_store_copy_put(cw_store_copy *copy, const cw_copy_table *table,
                      const cw_copy_value *row, int64_t *new_id, int *inserted);
/** Deletes a tenant's rows of table, or (key not NULL) the shared row. */
int cw_store_copy_delete(cw_store_copy *copy, const cw_copy_table *table,
                         int64_t tenant_id, const char *key, int *deleted);
/** Commits (commit 1) or rolls back, and frees copy; NULL is a no-op. */
int cw_store_copy_end(cw_store_copy *copy, int commit);

/* The first member of every backend's copy. */
struct cw_store_copy {
	cw_store *store;
};

#endif
