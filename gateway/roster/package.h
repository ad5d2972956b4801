/* A whole OneRoster CSV set: the manifest, every data file it declares (and
 * none it does not), duplicate sourcedIds, and references across files and,
 * through a hook, to what the tenant already holds. Pure: bytes come from a
 * source, an interface with one implementation per container. */
#ifndef CW_ROSTER_PACKAGE_H
#define CW_ROSTER_PACKAGE_H

#include "roster/diag.h"
#include "roster/manifest.h"
#include "roster/rows.h"
#include "util/strset.h"

#include <stddef.h>
#include <stdint.h>

typedef struct cw_or_source cw_or_source;

/** Where the files of a set come from: a directory, a zip … */
struct cw_or_source {
	/** Opens name ("users.csv"); CW_ENOTFOUND when the set lacks it. */
	int (*open)(cw_or_source *src, const char *name, void **handle);
	/** Reads up to cap bytes into buf; *got is 0 at the end. */
	int (*read)(cw_or_source *src, void *handle, char *buf, size_t cap,
	            size_t *got);
	void (*close)(cw_or_source *src, void *handle);
	/** Calls cb with the name of every file in the set. */
	int (*list)(cw_or_source *src,
	            int (*cb)(const char *name, void *payload), void *payload);
	void (*free)(cw_or_source *src);
};

typedef struct {
	cw_diag_cb on_diag;
	/** Every row that passed its own checks, in dependency order (may be
	 *  NULL). Rows with errors are not passed on. */
	cw_or_row_cb on_row;
	/** 1 when the tenant already holds entity id; NULL when there is no
	 *  tenant to ask. */
	int (*known)(cw_or_entity entity, const char *id, void *payload);
	void *payload;
	/** CW_OR_ENTITY_COUNT empty sets the caller made, to be filled with
	 *  every sourcedId read and kept after the check (the caller frees
	 *  them); NULL: the check keeps its own. */
	cw_strset **ids;
} cw_or_package_hooks;

typedef struct {
	cw_or_manifest manifest;
	int manifest_ok;
	cw_or_counts files[CW_OR_ENTITY_COUNT];
	uint64_t rows;
	uint64_t errors;
	uint64_t warnings;
	uint64_t bytes;
	size_t id_bytes; /* memory held by the sourcedId sets */
} cw_or_package_report;

/**
 * Checks (and, through on_row, streams) a set.
 * @return 0 when valid (warnings allowed), CW_EINVAL when any error was
 *         reported, or an I/O or memory error from the source
 */
int cw_or_package_check(cw_or_package_report *out, cw_or_source *src,
                        const cw_or_package_hooks *hooks);

/** Files in the order they are read: referenced before referencing. */
extern const cw_or_entity cw_or_read_order[CW_OR_CSV_ENTITY_COUNT];

#endif
