/* Files are read in dependency order, so a reference can be checked the
 * moment its row is read; only references within one file (org parents,
 * session parents, user agents) wait until that file is done. Memory is the
 * sourcedId sets plus those few waiting references, never the rows. */
#include "roster/package.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strset.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CHUNK        (256 * 1024)
#define MANIFEST_MAX (64 * 1024)

const cw_or_entity cw_or_read_order[CW_OR_CSV_ENTITY_COUNT] = {
	CW_OR_ACADEMIC_SESSIONS,
	CW_OR_ORGS,
	CW_OR_COURSES,
	CW_OR_CLASSES,
	CW_OR_USERS,
	CW_OR_USER_PROFILES,
	CW_OR_ROLES,
	CW_OR_ENROLLMENTS,
	CW_OR_DEMOGRAPHICS,
	CW_OR_CATEGORIES,
	CW_OR_SCORE_SCALES,
	CW_OR_LINE_ITEMS,
	CW_OR_RESULTS,
	CW_OR_LINE_ITEM_LEARNING_OBJECTIVE_IDS,
	CW_OR_LINE_ITEM_SCORE_SCALES,
	CW_OR_RESULT_LEARNING_OBJECTIVE_IDS,
	CW_OR_RESULT_SCORE_SCALES,
	CW_OR_RESOURCES,
	CW_OR_CLASS_RESOURCES,
	CW_OR_COURSE_RESOURCES,
	CW_OR_USER_RESOURCES,
};

typedef struct {
	uint32_t line, column, id_offset;
	uint8_t column_index;
} deferred_ref;

typedef struct {
	cw_or_package_report *report;
	const cw_or_package_hooks *hooks;
	cw_strset *ids[CW_OR_ENTITY_COUNT];
	const cw_or_file *file; /* being read */
	cw_or_file_mode mode;
	char filename[80];
	deferred_ref *deferred;
	size_t deferred_count, deferred_alloc;
	cw_buf deferred_ids;
	/* The last id each reference column found: files sorted by user or
	 * class repeat it row after row. */
	char last_found[CW_OR_MAX_COLUMNS][64];
	int failed; /* ENOMEM */
} checker;

static void forward(const cw_diag *d, void *payload)
{
	checker *c = payload;

	if (d->severity == CW_DIAG_ERROR)
		c->report->errors++;
	else
		c->report->warnings++;
	if (c->hooks->on_diag)
		c->hooks->on_diag(d, c->hooks->payload);
}

static void report(checker *c, const char *file, uint32_t line, uint32_t column,
                   cw_diag_severity severity, const char *code, const char *fmt,
                   ...) __attribute__((format(printf, 7, 8)));

static void report(checker *c, const char *file, uint32_t line, uint32_t column,
                   cw_diag_severity severity, const char *code, const char *fmt,
                   ...)
{
	va_list ap;

	va_start(ap, fmt);
	cw_diag_vemit(forward, c, file, line, column, severity, code, fmt, ap);
	va_end(ap);
}

/* ---- references ---------------------------------------------------------- */

static void judge_missing(checker *c, const cw_or_column *col, uint32_t line,
                          uint32_t column, const char *id, size_t len)
{
	cw_or_file_mode target_mode = c->report->manifest.files[col->ref];
	char shown[80];

	snprintf(shown, sizeof(shown), "%.*s", (int)(len > 60 ? 60 : len), id);
	if (c->hooks->known &&
	    c->hooks->known(col->ref, shown, c->hooks->payload))
		return;
	if (target_mode != CW_OR_FILE_ABSENT || c->mode == CW_OR_FILE_BULK ||
	    c->hooks->known)
		report(c, c->filename, line, column, CW_DIAG_ERROR,
		       "ref.missing", "%s: %s \"%s\" is not in %s.csv%s",
		       col->name, cw_or_entity_name(col->ref), shown,
		       cw_or_entity_name(col->ref),
		       c->hooks->known ? " nor held by the tenant" : "");
	else
		report(c, c->filename, line, column, CW_DIAG_WARNING,
		       "ref.unverified",
		       "%s: %s \"%s\" is not in this set; whether the tenant "
		       "holds it is checked on import",
		       col->name, cw_or_entity_name(col->ref), shown);
}

static int defer(checker *c, size_t column_index, uint32_t line,
                 uint32_t column, const char *id, size_t len)
{
	deferred_ref *d;

	if (c->deferred_count == c->deferred_alloc) {
		size_t n = c->deferred_alloc ? c->deferred_alloc * 2 : 256;
		deferred_ref *grown =
		        cw_realloc(c->deferred, n * sizeof(*grown));
		if (!grown)
			return CW_ENOMEM;
		c->deferred = grown;
		c->deferred_alloc = n;
	}
	d = &c->deferred[c->deferred_count++];
	d->line = line;
	d->column = column;
	d->column_index = (uint8_t)column_index;
	d->id_offset = (uint32_t)c->deferred_ids.len;
	cw_buf_put(&c->deferred_ids, id, len);
	return cw_buf_putc(&c->deferred_ids, '\0');
}

static int check_ref(checker *c, size_t column_index, uint32_t line,
                     uint32_t column, const char *id, size_t len)
{
	const cw_or_column *col = &c->file->columns[column_index];
	char *last = column_index < CW_OR_MAX_COLUMNS
	                     ? c->last_found[column_index]
	                     : NULL;

	if (last && len && len < 64 && memcmp(last, id, len) == 0 && !last[len])
		return 0;
	if (cw_strset_get(c->ids[col->ref], id, len, NULL)) {
		if (last && len < 64) {
			memcpy(last, id, len);
			last[len] = '\0';
		}
		return 0;
	}
	if (col->ref == c->file->entity)
		return defer(c, column_index, line, column, id, len);
	judge_missing(c, col, line, column, id, len);
	return 0;
}

static int check_refs(checker *c, const cw_or_row *row)
{
	for (size_t i = 0; i < row->file->column_count; i++) {
		const cw_or_column *col = &row->file->columns[i];
		const char *v = row->values[i];
		int err = 0;

		if (col->ref < 0 || !*v)
			continue;
		if (col->type == CW_OR_GUID) {
			err = check_ref(c, i, row->line, row->columns[i], v,
			                strlen(v));
		} else {
			while (err == 0 && *v) {
				size_t n = strcspn(v, ",");
				err = check_ref(c, i, row->line,
				                row->columns[i], v, n);
				v += n + (v[n] == ',');
			}
		}
		if (err < 0)
			return err;
	}
	return 0;
}

static void resolve_deferred(checker *c)
{
	for (size_t i = 0; i < c->deferred_count; i++) {
		const deferred_ref *d = &c->deferred[i];
		const cw_or_column *col = &c->file->columns[d->column_index];
		const char *id = c->deferred_ids.data + d->id_offset;

		if (!cw_strset_get(c->ids[col->ref], id, strlen(id), NULL))
			judge_missing(c, col, d->line, d->column, id,
			              strlen(id));
	}
	c->deferred_count = 0;
	cw_buf_clear(&c->deferred_ids);
}

/* ---- rows ---------------------------------------------------------------- */

static int on_row(const cw_or_row *row, void *payload)
{
	checker *c = payload;
	const char *id = row->values[0];
	uint32_t first = 0;
	int added, err;

	if (*id && cw_or_guid_valid(id, strlen(id))) {
		added = cw_strset_put(c->ids[row->file->entity], id, strlen(id),
		                      row->line, &first);
		if (added < 0)
			return added;
		if (added == 0) {
			report(c, c->filename, row->line, row->columns[0],
			       CW_DIAG_ERROR, "row.duplicate_id",
			       "sourcedId \"%.60s\" is also on line %u", id,
			       first);
			return 0;
		}
	}
	if ((err = check_refs(c, row)) < 0)
		return err;
	if (row->has_errors || !c->hooks->on_row)
		return 0;
	return c->hooks->on_row(row, c->hooks->payload);
}

static int read_file(checker *c, cw_or_source *src, const cw_or_file *file,
                     cw_or_file_mode mode, char *chunk)
{
	cw_or_reader *reader = NULL;
	void *handle = NULL;
	size_t got = 0;
	int err;

	c->file = file;
	c->mode = mode;
	memset(c->last_found, 0, sizeof(c->last_found));
	snprintf(c->filename, sizeof(c->filename), "%s.csv", file->name);
	err = src->open(src, c->filename, &handle);
	if (err == CW_ENOTFOUND) {
		report(c, c->filename, 0, 0, CW_DIAG_ERROR,
		       "package.missing_file",
		       "the manifest declares %s but the set has no such file",
		       c->filename);
		return 0;
	}
	if (err < 0)
		return err;
	err = cw_or_reader_new(&reader, file,
	                       mode == CW_OR_FILE_BULK ? CW_OR_BULK
	                                               : CW_OR_DELTA,
	                       c->filename, forward, on_row, c);
	while (err == 0) {
		if ((err = src->read(src, handle, chunk, CHUNK, &got)) < 0 ||
		    got == 0)
			break;
		c->report->bytes += got;
		err = cw_or_reader_feed(reader, chunk, got);
	}
	if (err == 0)
		err = cw_or_reader_finish(reader);
	if (err == CW_EINVAL)
		err = 0; /* a broken file was reported; go on with the others */
	if (err == 0)
		resolve_deferred(c);
	if (reader) {
		c->report->files[file->entity] = cw_or_reader_counts(reader);
		c->report->rows += c->report->files[file->entity].rows;
	}
	cw_or_reader_free(reader);
	src->close(src, handle);
	return err;
}

/* ---- manifest and file list ---------------------------------------------- */

static int read_manifest(checker *c, cw_or_source *src, char *chunk)
{
	void *handle = NULL;
	size_t used = 0, got = 0;
	int err = src->open(src, "manifest.csv", &handle);

	if (err == CW_ENOTFOUND) {
		report(c, "manifest.csv", 0, 0, CW_DIAG_ERROR,
		       "package.missing_manifest",
		       "the set has no manifest.csv");
		return CW_EINVAL;
	}
	while (err == 0 && used < MANIFEST_MAX) {
		err = src->read(src, handle, chunk + used, MANIFEST_MAX - used,
		                &got);
		if (got == 0)
			break;
		used += got;
	}
	src->close(src, handle);
	if (err < 0)
		return err;
	if (used >= MANIFEST_MAX) {
		report(c, "manifest.csv", 0, 0, CW_DIAG_ERROR,
		       "manifest.too_long",
		       "manifest.csv is larger than %d bytes", MANIFEST_MAX);
		return CW_EINVAL;
	}
	err = cw_or_manifest_parse(&c->report->manifest, chunk, used, forward,
	                           c);
	c->report->manifest_ok = err == 0;
	return err;
}

static int check_listed(const char *name, void *payload)
{
	checker *c = payload;
	const cw_or_manifest *m = &c->report->manifest;
	size_t len = strlen(name);
	char stem[80];
	const cw_or_file *f;

	if (strcmp(name, "manifest.csv") == 0 || len < 5 ||
	    len >= sizeof(stem) || strcmp(name + len - 4, ".csv") != 0)
		return 0;
	snprintf(stem, sizeof(stem), "%.*s", (int)(len - 4), name);
	f = cw_or_file_named(m->version, stem);
	if (!f)
		report(c, name, 0, 0, CW_DIAG_WARNING, "package.unknown_file",
		       "%s is not a OneRoster %s file and is ignored", name,
		       m->version == CW_OR_V1P1 ? "1.1" : "1.2");
	else if (m->files[f->entity] == CW_OR_FILE_ABSENT)
		report(c, name, 0, 0, CW_DIAG_ERROR, "package.undeclared_file",
		       "%s is in the set but the manifest says file.%s is "
		       "absent: its rows would be lost",
		       name, stem);
	return 0;
}

int cw_or_package_check(cw_or_package_report *out, cw_or_source *src,
                        const cw_or_package_hooks *hooks)
{
	checker c = { 0 };
	char *chunk = cw_malloc(CHUNK > MANIFEST_MAX ? CHUNK : MANIFEST_MAX);
	int err = chunk ? 0 : CW_ENOMEM;

	memset(out, 0, sizeof(*out));
	c.report = out;
	c.hooks = hooks;
	c.deferred_ids = (cw_buf)CW_BUF_INIT((size_t)1 << 31);
	for (int i = 0; err == 0 && i < CW_OR_ENTITY_COUNT; i++) {
		if (hooks->ids)
			c.ids[i] = hooks->ids[i];
		else
			err = cw_strset_new(&c.ids[i]);
	}
	if (err == 0)
		err = read_manifest(&c, src, chunk);
	if (err == 0)
		err = src->list(src, check_listed, &c);
	for (int i = 0; err == 0 && i < CW_OR_CSV_ENTITY_COUNT; i++) {
		cw_or_entity e = cw_or_read_order[i];
		const cw_or_file *f = cw_or_file_for(out->manifest.version, e);

		if (f && out->manifest.files[e] != CW_OR_FILE_ABSENT)
			err = read_file(&c, src, f, out->manifest.files[e],
			                chunk);
	}
	for (int i = 0; i < CW_OR_ENTITY_COUNT; i++) {
		if (c.ids[i])
			out->id_bytes += cw_strset_bytes(c.ids[i]);
		if (!hooks->ids)
			cw_strset_free(c.ids[i]);
	}
	cw_free(c.deferred);
	cw_buf_dispose(&c.deferred_ids);
	cw_free(chunk);
	if (err == 0 && out->errors)
		err = CW_EINVAL;
	return err;
}
