/* The import pipeline: source -> package check (every row validated, every
 * reference resolved, against the set and the tenant) -> staging -> one
 * transaction that diffs, checks the delete threshold and applies. A 1.1 set
 * is converted to the 1.2 model on the way in. */
#include "engine/roster_import.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	const cw_roster_import_options *options;
	cw_store_import *import;
	cw_buf fields;
	cw_buf role_id;
	int failed; /* a store error, kept to return */
} importer;

/* ---- canonical fields ---------------------------------------------------- */

static int is_list(cw_or_type type)
{
	return type == CW_OR_GUID_LIST || type == CW_OR_STRING_LIST ||
	       type == CW_OR_PAIR_LIST || type == CW_OR_ENUM_LIST;
}

static void put_string(cw_buf *b, const char *s, size_t len)
{
	char *copy = cw_strndup(s, len);

	cw_buf_putc(b, '"');
	if (copy)
		cw_buf_put_json_string(b, copy);
	cw_buf_putc(b, '"');
	cw_free(copy);
}

static void put_value(cw_buf *b, const cw_or_column *col, const char *v)
{
	if (!is_list(col->type)) {
		put_string(b, v, strlen(v));
		return;
	}
	cw_buf_putc(b, '[');
	for (int first = 1; *v; first = 0) {
		size_t n = strcspn(v, ",");
		if (!first)
			cw_buf_putc(b, ',');
		put_string(b, v, n);
		v += n + (v[n] == ',');
	}
	cw_buf_putc(b, ']');
}

/* {"column": value, …, "metadata": {…}} for the non-empty 1.2 columns,
 * in schema order; skip names a column the 1.1 → 1.2 mapping drops. */
static int build_fields(cw_buf *b, const cw_or_row *row,
                        const char *const *skip)
{
	cw_buf_clear(b);
	cw_buf_putc(b, '{');
	for (size_t i = 3; i < row->file->column_count; i++) {
		const cw_or_column *col = &row->file->columns[i];
		const char *name = col->name;
		int skipped = 0;

		for (const char *const *s = skip; s && *s; s++)
			skipped |= strcmp(*s, name) == 0;
		if (skipped || !*row->values[i])
			continue;
		if (strcmp(name, "gradingPeriodSourcedId") == 0)
			name = "academicSessionSourcedId";
		if (b->len > 1)
			cw_buf_putc(b, ',');
		cw_buf_putc(b, '"');
		cw_buf_put_json_string(b, name);
		cw_buf_puts(b, "\":");
		put_value(b, col, row->values[i]);
	}
	if (row->metadata_count) {
		cw_buf_puts(b,
		            b->len > 1 ? ",\"metadata\":{" : "\"metadata\":{");
		for (size_t m = 0; m < row->metadata_count; m++) {
			if (m)
				cw_buf_putc(b, ',');
			put_string(b, row->metadata_names[m],
			           strlen(row->metadata_names[m]));
			cw_buf_putc(b, ':');
			put_string(b, row->metadata_values[m],
			           strlen(row->metadata_values[m]));
		}
		cw_buf_putc(b, '}');
	}
	return cw_buf_putc(b, '}');
}

static int stage(importer *im, int entity, const cw_or_row *row,
                 const char *sourced_id, const char *fields)
{
	cw_roster_record r;
	int err;

	r.entity = entity;
	r.sourced_id = sourced_id;
	r.status = *row->values[1] ? row->values[1] : "active";
	r.date_last_modified = row->values[2];
	r.fields = fields;
	err = cw_store_import_stage(im->import, &r);
	if (err < 0)
		im->failed = err;
	return err;
}

/* ---- 1.1 users: role and orgSourcedIds become 1.2 roles ------------------ */

static const char *role_v12(const char *role_v11)
{
	/* 1.2 splits "administrator"; a 1.1 org list does not say which. */
	return strcmp(role_v11, "administrator") == 0 ? "siteAdministrator"
	                                              : role_v11;
}

static int stage_v11_user(importer *im, const cw_or_row *row)
{
	static const char *const dropped[] = { "role", "orgSourcedIds", NULL };
	int orgs = cw_or_column_index(row->file, "orgSourcedIds");
	int role = cw_or_column_index(row->file, "role");
	const char *o = row->values[orgs];
	cw_buf *f = &im->fields;
	int err, first = 1;

	build_fields(f, row, dropped);
	/* The first org is the primary one. */
	if (*o) {
		f->len--; /* reopen the object */
		cw_buf_puts(f, f->len > 1 ? ",\"primaryOrgSourcedId\":"
		                          : "\"primaryOrgSourcedId\":");
		put_string(f, o, strcspn(o, ","));
		cw_buf_putc(f, '}');
	}
	if (f->error)
		return f->error;
	if ((err = stage(im, CW_OR_USERS, row, row->values[0], f->data)) < 0)
		return err;
	while (*o) {
		size_t n = strcspn(o, ",");

		cw_buf_clear(&im->role_id);
		cw_buf_printf(&im->role_id, "%s.%.*s.role", row->values[0],
		              (int)n, o);
		cw_buf_clear(f);
		cw_buf_puts(f, "{\"userSourcedId\":");
		put_string(f, row->values[0], strlen(row->values[0]));
		cw_buf_printf(f, ",\"roleType\":\"%s\",\"role\":",
		              first ? "primary" : "secondary");
		put_string(f, role_v12(row->values[role]),
		           strlen(role_v12(row->values[role])));
		cw_buf_puts(f, ",\"orgSourcedId\":");
		put_string(f, o, n);
		cw_buf_putc(f, '}');
		if (f->error || im->role_id.error)
			return CW_ENOMEM;
		if ((err = stage(im, CW_OR_ROLES, row, im->role_id.data,
		                 f->data)) < 0)
			return err;
		first = 0;
		o += n + (o[n] == ',');
	}
	return 0;
}

static int on_row(const cw_or_row *row, void *payload)
{
	importer *im = payload;

	if (im->options->cancel && *im->options->cancel) {
		cw_error_set("cancelled: the daemon is shutting down");
		im->failed = CW_ECANCELED;
		return CW_ECANCELED;
	}

	/* The schema table identifies the version: 1.1 users carry roles. */
	if (row->file == cw_or_file_for(CW_OR_V1P1, CW_OR_USERS))
		return stage_v11_user(im, row);
	if (build_fields(&im->fields, row, NULL) < 0)
		return im->fields.error;
	return stage(im, row->file->entity, row, row->values[0],
	             im->fields.data);
}

static int known(cw_or_entity entity, const char *id, void *payload)
{
	importer *im = payload;
	int found = cw_store_import_known(im->import, entity, id);

	if (found < 0) {
		im->failed = found;
		return 0;
	}
	return found;
}

static void forward_diag(const cw_diag *d, void *payload)
{
	importer *im = payload;

	if (im->options->on_diag)
		im->options->on_diag(d, im->options->payload);
}

/* ---- the delete threshold ------------------------------------------------ */

typedef struct {
	const cw_roster_import_options *options;
	cw_roster_import_result *result;
} decider;

static int decide(const cw_roster_counts *counts, void *payload)
{
	decider *d = payload;

	if (d->options->approve)
		return 1;
	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++) {
		const cw_roster_counts *c = &counts[e];

		if (c->current == 0 ||
		    c->deleted * 100 <=
		            c->current * (uint64_t)d->options->threshold_pct)
			continue;
		snprintf(d->result->held_reason, sizeof(d->result->held_reason),
		         "it would delete %llu of the %llu %s held (more than "
		         "%ld%%); approve it to apply",
		         (unsigned long long)c->deleted,
		         (unsigned long long)c->current, cw_or_entity_name(e),
		         d->options->threshold_pct);
		return 0;
	}
	return 1;
}

static cw_roster_ref references[96];
static size_t reference_count;

static void build_references(void)
{
	size_t files;
	const cw_or_file *f = cw_or_files(CW_OR_V1P2, &files);

	for (size_t i = 0; i < files; i++)
		for (size_t c = 3; c < f[i].column_count; c++) {
			const cw_or_column *col = &f[i].columns[c];

			if (col->ref < 0 || reference_count == 96)
				continue;
			references[reference_count++] =
			        (cw_roster_ref){ f[i].entity, col->name,
				                 col->type == CW_OR_GUID_LIST,
				                 col->ref };
		}
}

/* Every reference column of the stored 1.2 model, built once. */
static const cw_roster_ref *model_references(size_t *count)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, build_references);
	*count = reference_count;
	return references;
}

/* A kept row would point at a deleted one: the import is refused. */
static void dangling(const cw_roster_ref *ref, const char *sourced_id,
                     const char *target_id, void *payload)
{
	decider *d = payload;
	char file[80];
	cw_diag diag;
	char message[400];

	snprintf(file, sizeof(file), "%s.csv", cw_or_entity_name(ref->entity));
	snprintf(message, sizeof(message),
	         "%s \"%.60s\" (in this set or held by the tenant) has %s "
	         "\"%.60s\", a %s row this import deletes",
	         cw_or_entity_name(ref->entity), sourced_id, ref->column,
	         target_id, cw_or_entity_name(ref->target));
	diag.file = file;
	diag.line = 0;
	diag.column = 0;
	diag.severity = CW_DIAG_ERROR;
	diag.code = "ref.dangling";
	diag.message = message;
	d->result->check.errors++;
	if (d->options->on_diag)
		d->options->on_diag(&diag, d->options->payload);
}

/* The report stored with the outcome: the counts are final here. */
static char *describe(const cw_roster_counts *counts, const char *state,
                      void *payload)
{
	decider *d = payload;

	memcpy(d->result->counts, counts, sizeof(d->result->counts));
	d->result->state = state;
	return cw_roster_import_report_json(d->result);
}

static uint32_t bulk_mask(const cw_or_manifest *m)
{
	uint32_t mask = 0;

	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++)
		if (m->files[e] == CW_OR_FILE_BULK)
			mask |= 1u << e;
	/* 1.1 users carry their roles: a bulk users file replaces roles. */
	if (m->version == CW_OR_V1P1 && (mask & (1u << CW_OR_USERS)))
		mask |= 1u << CW_OR_ROLES;
	return mask;
}

/* Saves the outcome on the import record; a store failure here is logged
 * by the caller's error, the import itself already decided. */
static void save_report(cw_store *store, const cw_roster_import_result *out)
{
	char *report = cw_roster_import_report_json(out);

	if (report && out->import_id)
		cw_store_import_report(store, out->import_id, out->state,
		                       report);
	cw_free(report);
}

static const char *applied_state(const cw_roster_import_result *out)
{
	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++)
		if (out->counts[e].added || out->counts[e].updated ||
		    out->counts[e].deleted)
			return "applied";
	return "unchanged";
}

int cw_roster_import(cw_roster_import_result *out, cw_store *store,
                     const cw_roster_import_options *options)
{
	importer im = { options, NULL, CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 2),
		        CW_BUF_INIT(1024), 0 };
	cw_or_package_hooks hooks = { forward_diag, on_row, known, &im };
	decider d = { options, out };
	cw_import_policy policy = { NULL, 0, dangling, decide, describe, &d };
	char stamp[CW_TIME_ISO_LEN];
	cw_or_source *src = NULL;
	cw_tenant tenant;
	int err, applied = 0;

	memset(out, 0, sizeof(*out));
	out->state = "failed";
	out->import_id = options->import_id;
	if ((err = cw_store_tenant_get(store, options->tenant, &tenant)) < 0)
		return err;
	cw_time_format_iso(cw_time_now_ms(), stamp);
	if (!out->import_id &&
	    (err = cw_store_import_create(store, tenant.id, stamp,
	                                  options->path, &out->import_id)) < 0)
		return err;
	if ((err = cw_or_source_open(&src, options->path,
	                             &options->zip_limits)) < 0)
		goto out;
	if ((err = cw_store_import_begin(&im.import, store, tenant.id)) < 0)
		goto out;
	err = cw_or_package_check(&out->check, src, &hooks);
	if (im.failed)
		err = im.failed;
	if (err == CW_EINVAL)
		out->state = "rejected";
	if (err < 0)
		goto out;
	cw_time_format_iso(cw_time_now_ms(), stamp);
	policy.refs = model_references(&policy.ref_count);
	err = cw_store_import_commit(im.import, bulk_mask(&out->check.manifest),
	                             stamp, out->import_id, &policy,
	                             out->counts, &applied);
	if (err == 0)
		out->state = applied ? applied_state(out) : "pending";
	else if (err == CW_EINVAL)
		out->state =
		        "rejected"; /* it would leave dangling references */
out:
	if (err < 0 && strcmp(out->state, "rejected") != 0)
		snprintf(out->failure, sizeof(out->failure), "%s",
		         cw_error_last());
	cw_store_import_end(im.import);
	if (src)
		src->free(src);
	save_report(store, out);
	cw_buf_dispose(&im.fields);
	cw_buf_dispose(&im.role_id);
	return err;
}

char *cw_roster_import_report_json(const cw_roster_import_result *r)
{
	cJSON *doc = cJSON_CreateObject(), *entities;
	char *text = NULL;

	if (!doc)
		return NULL;
	cJSON_AddStringToObject(doc, "state", r->state);
	if (!strcmp(r->state, "failed") && r->failure[0])
		cJSON_AddStringToObject(doc, "reason", r->failure);
	if (r->held_reason[0])
		cJSON_AddStringToObject(doc, "held_reason", r->held_reason);
	cJSON_AddNumberToObject(doc, "import_id", (double)r->import_id);
	cJSON_AddNumberToObject(doc, "errors", (double)r->check.errors);
	cJSON_AddNumberToObject(doc, "warnings", (double)r->check.warnings);
	cJSON_AddNumberToObject(doc, "rows", (double)r->check.rows);
	entities = cJSON_AddObjectToObject(doc, "entities");
	for (int e = 0; entities && e < CW_OR_ENTITY_COUNT; e++) {
		const cw_roster_counts *c = &r->counts[e];
		cJSON *item;

		if (!c->current && !c->added && !c->updated && !c->deleted &&
		    !c->unchanged && !r->check.files[e].warnings)
			continue;
		item = cJSON_AddObjectToObject(entities, cw_or_entity_name(e));
		if (!item)
			break;
		cJSON_AddNumberToObject(item, "added", (double)c->added);
		cJSON_AddNumberToObject(item, "updated", (double)c->updated);
		cJSON_AddNumberToObject(item, "deleted", (double)c->deleted);
		cJSON_AddNumberToObject(item, "unchanged",
		                        (double)c->unchanged);
		cJSON_AddNumberToObject(item, "warnings",
		                        (double)r->check.files[e].warnings);
	}
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return text;
}
