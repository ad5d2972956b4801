/* Moving a tenant's data from one store to another (`crosswalk migrate`):
 * every row of every table copied in one transaction of the target, ids
 * allocated again there and references remapped, then the tenant's exports
 * made from both stores and compared byte for byte. */
#ifndef CW_ENGINE_TENANT_COPY_H
#define CW_ENGINE_TENANT_COPY_H

#include "store/store.h"
#include "store/store_copy.h"

#include <cjson/cJSON.h>
#include <stdint.h>

#define CW_TENANT_COPY_TABLES_MAX 48

typedef struct {
	const char *tenant;
	/* Opens the sealed values bound to the tenant's id (issuer keys, CASE
	 * mirror secrets) to seal them again for its id in the target; NULL
	 * when the data dir has no master key. */
	const unsigned char *master_key;
	/* A directory the CSV exports compared are written under (emptied
	 * and removed after). */
	const char *work_dir;
} cw_tenant_copy_options;

/* The copier's id maps, which the comparison maps source ids through. */
typedef struct cw_tenant_copier cw_tenant_copier;

typedef struct {
	const cw_copy_table *tables;
	size_t table_count;
	uint64_t rows[CW_TENANT_COPY_TABLES_MAX]; /* by table index */
	uint64_t total;
	int64_t from_id, to_id;
	/* Added to the tenant's change-log numbers (0 when the target's
	 * logs end before the tenant's begin, so feed cursors stay valid). */
	int64_t roster_seq_shift, case_seq_shift;
	cJSON *compared;   /* names of the exports compared (an array) */
	char differs[512]; /* names of those that differed, or "" */
	int verified;
	int undone; /* the target's rows of the tenant were deleted again */
	int64_t load_ms, verify_ms;
} cw_tenant_copy_result;

/**
 * Copies options->tenant from `from` into `to` and verifies the copy.
 * CW_ENOTFOUND: no such tenant in from; CW_EEXISTS: to has one of that
 * name (nothing written); CW_EINVAL: an export differed (the copy was
 * deleted again; result->differs names them). Dispose result after.
 */
int cw_tenant_copy(cw_tenant_copy_result *out, cw_store *from, cw_store *to,
                   const cw_tenant_copy_options *options);
void cw_tenant_copy_result_dispose(cw_tenant_copy_result *result);

/* tenant_compare.c: the exports compared. A source id or sequence number
 * as the target has it (the target's own: unchanged). */
int64_t cw_tenant_copier_map(const cw_tenant_copier *copier,
                             cw_copy_space space, int64_t value);
/** The ids of the source's rows of table (badge_achievements …) the copy
 *  saw, each NUL-terminated, one after another; *len their bytes. */
const char *cw_tenant_copier_keys(const cw_tenant_copier *copier,
                                  const char *table, size_t *len);

/**
 * Makes every export of the tenant from both stores and compares them:
 * adds each name to out->compared, the names of those that differ to
 * out->differs. from_tenant / to_tenant: its id in each.
 */
int cw_tenant_compare(cw_tenant_copy_result *out, const cw_tenant_copier *map,
                      cw_store *from, int64_t from_tenant, cw_store *to,
                      int64_t to_tenant, const char *tenant,
                      const char *work_dir);

#endif
