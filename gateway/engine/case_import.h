/* CASE framework imports: a CFPackage (JSON, or the spreadsheet CSV of
 * case/sheet.h) read and checked (case/package.h),
 * then stored in one transaction (objects added, changed, retired, logged)
 * with the 1.1 and 1.0 texts the provider serves; audited. */
#ifndef CW_ENGINE_CASE_IMPORT_H
#define CW_ENGINE_CASE_IMPORT_H

#include "case/package.h"
#include "store/store.h"

typedef struct {
	char document[64]; /* the CFDocument identifier */
	char title[256];
	cw_case_counts counts[CW_STORE_CASE_KINDS];
	size_t errors, warnings;
	int changed; /* 0: the tenant held this package as it is */
} cw_case_import_result;

typedef struct {
	const char *source; /* file name or URL, kept with the document */
	const char *actor;  /* for the audit log: "cli" or a client id */
	const char *tenant; /* its name, for the audit log */
	cw_case_diag_cb on_diag;
	void *diag_payload;
	/* 1: the text is the spreadsheet CSV (case/sheet.h) even if it does
	 * not start with its header; it is taken as one anyway when it does */
	int csv;
} cw_case_import_options;

/**
 * Imports the package in buf into the tenant. Nothing is stored when it has
 * errors (CW_EINVAL; each went to on_diag) or when one of its identifiers
 * belongs to another document (CW_EEXISTS).
 */
int cw_case_import_buffer(cw_case_import_result *out, cw_store *store,
                          int64_t tenant_id, const char *buf, size_t len,
                          const cw_case_import_options *options);

/** Only the checks, against what the tenant holds when store is not NULL. */
int cw_case_validate_buffer(cw_case_import_result *out, cw_store *store,
                            int64_t tenant_id, const char *buf, size_t len,
                            const cw_case_import_options *options);

/** The result as JSON (for --json and the admin API). */
cJSON *cw_case_import_result_json(const cw_case_import_result *result);

#endif
