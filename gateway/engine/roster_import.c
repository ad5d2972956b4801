/* The import pipeline, on two threads: a checker reads the set (every row
 * validated, every reference resolved, against the set and the tenant),
 * turns each good row into the 1.2 model (a 1.1 set is converted on the
 * way) and hands it over in batches; the calling thread writes them into
 * the store's import transaction as they come. When the set is done and
 * valid, the store drops what bulk files no longer hold, checks the delete
 * threshold and references, and commits; any error rolls everything back. */
#include "engine/roster_import.h"

#include "roster/fields.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/strset.h"
#include "util/timeutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- the hand-over between the two threads ------------------------------- */

#define BATCH_BYTES (256 * 1024)
#define BATCHES     4

typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	cw_buf slots[BATCHES];
	int empty[BATCHES], empty_count;          /* slots to fill */
	int full[BATCHES], full_head, full_count; /* slots to write, FIFO */
	int done;                                 /* the checker has finished */
	int stop;   /* the writer gave up: the checker stops too */
	int errors; /* the checker found an error: writing is pointless */
} pipeline;

static void pipeline_init(pipeline *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	for (int i = 0; i < BATCHES; i++) {
		p->slots[i] = (cw_buf)CW_BUF_INIT(BATCH_BYTES +
		                                  4 * CW_LIMIT_CSV_RECORD);
		p->empty[p->empty_count++] = i;
	}
}

static void pipeline_dispose(pipeline *p)
{
	for (int i = 0; i < BATCHES; i++)
		cw_buf_dispose(&p->slots[i]);
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
}

/* The checker's side: an empty slot to fill, or -1 when the writer quit. */
static int take_empty(pipeline *p)
{
	int slot = -1;

	pthread_mutex_lock(&p->lock);
	while (!p->stop && p->empty_count == 0)
		pthread_cond_wait(&p->changed, &p->lock);
	if (!p->stop)
		slot = p->empty[--p->empty_count];
	pthread_mutex_unlock(&p->lock);
	return slot;
}

static void hand_over(pipeline *p, int slot)
{
	pthread_mutex_lock(&p->lock);
	p->full[(p->full_head + p->full_count++) % BATCHES] = slot;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

/* The writer's side: a full slot, or -1 when the checker is done and every
 * batch was taken. *skip is set when writing is pointless. */
static int take_full(pipeline *p, int *skip)
{
	int slot = -1;

	pthread_mutex_lock(&p->lock);
	while (!p->done && p->full_count == 0)
		pthread_cond_wait(&p->changed, &p->lock);
	if (p->full_count) {
		slot = p->full[p->full_head];
		p->full_head = (p->full_head + 1) % BATCHES;
		p->full_count--;
	}
	*skip = p->errors || p->stop;
	pthread_mutex_unlock(&p->lock);
	return slot;
}

static void give_back(pipeline *p, int slot)
{
	pthread_mutex_lock(&p->lock);
	cw_buf_clear(&p->slots[slot]);
	p->empty[p->empty_count++] = slot;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

static void set_flag(pipeline *p, int *flag)
{
	pthread_mutex_lock(&p->lock);
	*flag = 1;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

/* ---- the checker thread: rows in the 1.2 model --------------------------- */

typedef struct {
	const cw_roster_import_options *options;
	cw_store_import *import;
	pipeline pipe;
	int slot; /* being filled, or -1 */
	cw_buf fields;
	cw_buf role_id;
	cw_strset *ids[CW_OR_ENTITY_COUNT]; /* every sourcedId of the set */
	cw_strset *v11_roles;               /* roles a 1.1 set's users make */
	/* 1.1 lineItems have no school: their class's, from the set (class
	 * id -> offset in schools) or from the tenant. */
	cw_strset *class_school;
	const cw_or_file *v11_users, *v11_classes, *v11_line_items;
	cw_buf schools;
	cw_buf held; /* a row fetched from the tenant */
	cw_or_package_report *check;
	int result;        /* the check's */
	int failed;        /* a store or memory error, kept to return */
	char message[512]; /* the checker thread's last error message */
	int unreadable;    /* the set could not be opened at all */
} importer;

/* Where each column of a 1.1 file goes in the stored 1.2 form (-1: the
 * conversion drops it), built once. */
static int v11_positions[CW_OR_ENTITY_COUNT][CW_OR_FIELDS_MAX + 3];

static void build_v11_positions(void)
{
	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++) {
		const cw_or_file *f = cw_or_file_for(CW_OR_V1P1, e);

		for (size_t i = 0;
		     f && i < f->column_count && i < CW_OR_FIELDS_MAX + 3;
		     i++) {
			const char *name = f->columns[i].name;

			if (strcmp(name, "gradingPeriodSourcedId") == 0)
				name = "academicSessionSourcedId";
			v11_positions[e][i] =
			        i < 3 ? -1 : cw_or_fields_position(e, name);
		}
	}
}

static const int *positions_v11(cw_or_entity entity)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, build_v11_positions);
	return v11_positions[entity];
}

/* The stored form of a row (see roster/fields.h). A 1.2 row's columns are
 * the model's; a 1.1 row's are placed by name, the dropped ones left out.
 * extra, when not NULL, sets one more cell (1.1 users' primary org). */
static int build_fields(cw_buf *b, const cw_or_row *row,
                        const cw_or_cell *extra, int extra_at)
{
	cw_or_cell cells[CW_OR_FIELDS_MAX] = { { NULL, 0 } };
	const cw_or_file *f = row->file;
	const int *at = f == cw_or_file_for(CW_OR_V1P2, f->entity)
	                        ? NULL
	                        : positions_v11(f->entity);
	size_t count = 0;

	for (size_t i = 3; i < f->column_count && i < CW_OR_FIELDS_MAX + 3;
	     i++) {
		int k = at ? at[i] : (int)i - 3;

		if (k < 0 || !*row->values[i])
			continue;
		cells[k].s = row->values[i];
		cells[k].len = strlen(row->values[i]);
		if ((size_t)k + 1 > count)
			count = (size_t)k + 1;
	}
	if (extra && extra_at >= 0) {
		cells[extra_at] = *extra;
		if ((size_t)extra_at + 1 > count)
			count = (size_t)extra_at + 1;
	}
	return cw_or_fields_build(b, f->entity, cells, count,
	                          (const char *const *)row->metadata_names,
	                          (const char *const *)row->metadata_values,
	                          row->metadata_count);
}

/* A batch record: entity byte, status byte ('a' active, 'd' tobedeleted),
 * the length of fields (4 bytes), then sourcedId, dateLastModified and
 * fields, each ending in NUL. */
static int stage(importer *im, int entity, const cw_or_row *row,
                 const char *sourced_id, const cw_buf *fields)
{
	char head[6] = { (char)entity,
		         strcmp(row->values[1], "tobedeleted") == 0 ? 'd'
		                                                    : 'a' };
	uint32_t len = (uint32_t)fields->len;
	cw_buf *b;

	if (im->slot < 0 && (im->slot = take_empty(&im->pipe)) < 0)
		return CW_ECANCELED; /* the writer failed; it says why */
	b = &im->pipe.slots[im->slot];
	memcpy(head + 2, &len, 4);
	cw_buf_put(b, head, 6);
	cw_buf_put(b, sourced_id, strlen(sourced_id) + 1);
	cw_buf_put(b, row->values[2], strlen(row->values[2]) + 1);
	if (cw_buf_put(b, fields->data, fields->len + 1) < 0)
		return im->failed = CW_ENOMEM;
	if (b->len >= BATCH_BYTES) {
		hand_over(&im->pipe, im->slot);
		im->slot = -1;
	}
	return 0;
}

/* ---- 1.1 users: role and orgSourcedIds become 1.2 roles ------------------ */

static const char *role_v12(const char *role_v11)
{
	/* 1.2 splits "administrator"; a 1.1 org list does not say which. */
	return strcmp(role_v11, "administrator") == 0 ? "siteAdministrator"
	                                              : role_v11;
}

static void set_cell(cw_or_cell *cells, size_t *count, const char *column,
                     const char *s, size_t len)
{
	int k = cw_or_fields_position(CW_OR_ROLES, column);

	if (k < 0)
		return;
	cells[k] = (cw_or_cell){ s, len };
	if ((size_t)k + 1 > *count)
		*count = (size_t)k + 1;
}

static int build_role(cw_buf *b, const char *user, const char *type,
                      const char *role, const char *org, size_t org_len)
{
	cw_or_cell cells[CW_OR_FIELDS_MAX] = { { NULL, 0 } };
	size_t count = 0;

	set_cell(cells, &count, "userSourcedId", user, strlen(user));
	set_cell(cells, &count, "roleType", type, strlen(type));
	set_cell(cells, &count, "role", role, strlen(role));
	set_cell(cells, &count, "orgSourcedId", org, org_len);
	return cw_or_fields_build(b, CW_OR_ROLES, cells, count, NULL, NULL, 0);
}

static int stage_v11_user(importer *im, const cw_or_row *row)
{
	int orgs = cw_or_column_index(row->file, "orgSourcedIds");
	int role = cw_or_column_index(row->file, "role");
	const char *o = row->values[orgs];
	/* The first org is the primary one. */
	cw_or_cell primary = { o, strcspn(o, ",") };
	cw_buf *f = &im->fields;
	int err, first = 1;

	if ((err = build_fields(f, row, &primary,
	                        cw_or_fields_position(CW_OR_USERS,
	                                              "primaryOrgSourcedId"))) <
	    0)
		return im->failed = err;
	if ((err = stage(im, CW_OR_USERS, row, row->values[0], f)) < 0)
		return err;
	for (; *o; o += strcspn(o, ",") + (o[strcspn(o, ",")] == ',')) {
		size_t n = strcspn(o, ",");
		const char *r = role_v12(row->values[role]);

		cw_buf_clear(&im->role_id);
		cw_buf_printf(&im->role_id, "%s.%.*s.role", row->values[0],
		              (int)n, o);
		if (im->role_id.error)
			return im->failed = CW_ENOMEM;
		/* An org listed twice makes one role. */
		err = cw_strset_put(im->v11_roles, im->role_id.data,
		                    im->role_id.len, 0, NULL);
		if (err < 0)
			return im->failed = err;
		if (err == 0)
			continue;
		err = build_role(f, row->values[0],
		                 first ? "primary" : "secondary", r, o, n);
		if (err < 0)
			return im->failed = err;
		if ((err = stage(im, CW_OR_ROLES, row, im->role_id.data, f)) <
		    0)
			return err;
		first = 0;
	}
	return 0;
}

static int note_class_school(importer *im, const cw_or_row *row)
{
	const char *school =
	        row->values[cw_or_column_index(row->file, "schoolSourcedId")];
	int err = cw_strset_put(im->class_school, row->values[0],
	                        strlen(row->values[0]),
	                        (uint32_t)im->schools.len, NULL);

	if (err == 1)
		err = cw_buf_put(&im->schools, school, strlen(school) + 1);
	return err < 0 ? err : 0;
}

/* The school of class id, from the set or the tenant ("" when unknown:
 * the class reference was reported already). */
static const char *class_school(importer *im, const char *id)
{
	int k = cw_or_fields_position(CW_OR_CLASSES, "schoolSourcedId");
	uint32_t at = 0;
	cJSON *doc, *school;
	int found;

	if (cw_strset_get(im->class_school, id, strlen(id), &at))
		return im->schools.data + at;
	found = cw_store_import_fetch(im->import, CW_OR_CLASSES, id, &im->held);
	if (found < 0)
		im->failed = found;
	if (found <= 0)
		return "";
	doc = cJSON_Parse(im->held.data);
	school = cJSON_GetArrayItem(doc, k);
	cw_buf_clear(&im->held);
	if (cJSON_IsString(school))
		cw_buf_puts(&im->held, school->valuestring);
	cJSON_Delete(doc);
	return cw_buf_cstr(&im->held);
}

static int stage_v11_line_item(importer *im, const cw_or_row *row)
{
	const char *class_id =
	        row->values[cw_or_column_index(row->file, "classSourcedId")];
	const char *school = class_school(im, class_id);
	cw_or_cell cell = { school, strlen(school) };
	int err;

	if (im->failed)
		return im->failed;
	err = build_fields(
	        &im->fields, row, &cell,
	        cw_or_fields_position(CW_OR_LINE_ITEMS, "schoolSourcedId"));
	if (err < 0)
		return im->failed = err;
	return stage(im, CW_OR_LINE_ITEMS, row, row->values[0], &im->fields);
}

static int on_row(const cw_or_row *row, void *payload)
{
	importer *im = payload;
	int err;

	if (im->options->cancel && *im->options->cancel) {
		cw_error_set("cancelled: the daemon is shutting down");
		im->failed = CW_ECANCELED;
		return CW_ECANCELED;
	}
	/* The schema table identifies the version: 1.1 users carry roles,
	 * 1.1 lineItems lack their class's school. */
	if (row->file == im->v11_users)
		return stage_v11_user(im, row);
	if (row->file == im->v11_classes &&
	    (err = note_class_school(im, row)) < 0)
		return im->failed = err;
	if (row->file == im->v11_line_items)
		return stage_v11_line_item(im, row);
	if (build_fields(&im->fields, row, NULL, -1) < 0)
		return im->failed =
		               im->fields.error ? im->fields.error : CW_EINVAL;
	return stage(im, row->file->entity, row, row->values[0], &im->fields);
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

	if (d->severity == CW_DIAG_ERROR && !im->pipe.errors)
		set_flag(&im->pipe, &im->pipe.errors);
	if (im->options->on_diag)
		im->options->on_diag(d, im->options->payload);
}

static void *checker_main(void *payload)
{
	importer *im = payload;
	cw_or_source *src = NULL;
	cw_or_package_hooks hooks = { forward_diag, on_row, known, im,
		                      im->ids };
	int err = cw_or_source_open(&src, im->options->path,
	                            &im->options->zip_limits);

	if (err == 0)
		err = cw_or_package_check(im->check, src, &hooks);
	else
		im->unreadable = 1;
	if (src)
		src->free(src);
	if (im->slot >= 0) {
		if (err == 0)
			hand_over(&im->pipe, im->slot);
		else
			give_back(&im->pipe, im->slot);
		im->slot = -1;
	}
	im->result = err;
	snprintf(im->message, sizeof(im->message), "%s", cw_error_last());
	set_flag(&im->pipe, &im->pipe.done);
	return NULL;
}

/* ---- the writer: the calling thread -------------------------------------- */

static int write_batch(importer *im, const cw_buf *b)
{
	const char *p = b->data, *end = b->data + b->len;
	int err = 0;

	while (err == 0 && p < end) {
		cw_roster_record r;
		uint32_t len;

		memcpy(&len, p + 2, 4);
		r.entity = (unsigned char)p[0];
		r.status = p[1] == 'd' ? "tobedeleted" : "active";
		r.sourced_id = p + 6;
		r.date_last_modified = r.sourced_id + strlen(r.sourced_id) + 1;
		r.fields =
		        r.date_last_modified + strlen(r.date_last_modified) + 1;
		r.fields_len = len;
		p = r.fields + len + 1;
		err = cw_store_import_put(im->import, &r);
	}
	return err;
}

/* Writes every batch until the checker is done; after a failure, only
 * drains them so the checker can finish. */
static int write_all(importer *im)
{
	int err = 0, skip, slot;

	while ((slot = take_full(&im->pipe, &skip)) >= 0) {
		if (err == 0 && im->options->cancel && *im->options->cancel) {
			cw_error_set("cancelled: the daemon is shutting down");
			err = CW_ECANCELED;
		}
		if (err == 0 && !skip)
			err = write_batch(im, &im->pipe.slots[slot]);
		if (err < 0 && !im->pipe.stop)
			set_flag(&im->pipe, &im->pipe.stop);
		give_back(&im->pipe, slot);
	}
	return err;
}

static int seen(int entity, const char *sourced_id, void *payload);

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
	const cw_or_file *f = cw_or_model_files(&files);

	for (size_t i = 0; i < files; i++)
		for (size_t c = 3; c < f[i].column_count; c++) {
			const cw_or_column *col = &f[i].columns[c];

			if (col->ref < 0 || reference_count == 96)
				continue;
			references[reference_count++] = (cw_roster_ref){
				f[i].entity, col->name, (int)c - 3,
				col->type == CW_OR_GUID_LIST, col->ref
			};
		}
}

/* Every reference column of the stored 1.2 model, built once. */
const cw_roster_ref *cw_roster_model_references(size_t *count)
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

/* After the checker: whether the set brought a row (bulk entities lose
 * the ones it did not). */
typedef struct {
	decider d;
	importer *im;
	int v11;
} policy_payload;

static int seen(int entity, const char *sourced_id, void *payload)
{
	importer *im = ((policy_payload *)payload)->im;
	const cw_strset *set = entity >= 0 && entity < CW_OR_ENTITY_COUNT
	                               ? im->ids[entity]
	                               : NULL;

	if (entity == CW_OR_ROLES && ((policy_payload *)payload)->v11)
		set = im->v11_roles;
	return set && cw_strset_get(set, sourced_id, strlen(sourced_id), NULL);
}

typedef struct {
	cw_store *store;
	const char *data_dir;
	int count;
} counting;

static int count_and_drop(const char *source, void *payload)
{
	counting *c = payload;

	c->count++;
	return cw_roster_drop_upload(c->store, c->data_dir, source);
}

/* The import stands; only the clean-up of older held ones failed. */
static void warn_supersede_failed(void)
{
	CW_LOG(CW_LOG_WARN, "supersede_failed", "s:message", cw_error_last(),
	       NULL);
}

static int importer_init(importer *im, const cw_roster_import_options *o,
                         cw_roster_import_result *out)
{
	int err = 0;

	memset(im, 0, sizeof(*im));
	im->options = o;
	im->check = &out->check;
	im->slot = -1;
	im->v11_users = cw_or_file_for(CW_OR_V1P1, CW_OR_USERS);
	im->v11_classes = cw_or_file_for(CW_OR_V1P1, CW_OR_CLASSES);
	im->v11_line_items = cw_or_file_for(CW_OR_V1P1, CW_OR_LINE_ITEMS);
	im->fields = (cw_buf)CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 2);
	im->role_id = (cw_buf)CW_BUF_INIT(1024);
	im->schools = (cw_buf)CW_BUF_INIT((size_t)1 << 31);
	im->held = (cw_buf)CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4);
	pipeline_init(&im->pipe);
	for (int e = 0; err == 0 && e < CW_OR_ENTITY_COUNT; e++)
		err = cw_strset_new(&im->ids[e]);
	if (err == 0)
		err = cw_strset_new(&im->v11_roles);
	if (err == 0)
		err = cw_strset_new(&im->class_school);
	return err;
}

static void importer_dispose(importer *im)
{
	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++)
		cw_strset_free(im->ids[e]);
	cw_strset_free(im->v11_roles);
	cw_strset_free(im->class_school);
	cw_buf_dispose(&im->schools);
	cw_buf_dispose(&im->held);
	pipeline_dispose(&im->pipe);
	cw_buf_dispose(&im->fields);
	cw_buf_dispose(&im->role_id);
}

/* Checks on one thread while this one writes; 0 when the set was valid and
 * every row written. */
static int check_and_write(importer *im)
{
	pthread_t checker;
	int err, written;

	if (pthread_create(&checker, NULL, checker_main, im) != 0) {
		cw_error_set("cannot start the import's checker thread");
		return CW_ENOMEM;
	}
	written = write_all(im);
	pthread_join(checker, NULL);
	/* A store failure first (the checker then stopped for it), then the
	 * checker's own. */
	if (written < 0 && written != CW_ECANCELED)
		return written;
	/* Errors met on the checker's thread: its message comes along. */
	err = im->failed ? im->failed : written < 0 ? written : im->result;
	if (err < 0 && written == 0)
		cw_error_set("%s", im->message);
	return err;
}

int cw_roster_import(cw_roster_import_result *out, cw_store *store,
                     const cw_roster_import_options *options)
{
	importer im;
	policy_payload pp = { { options, out }, &im, 0 };
	cw_import_policy policy = { seen,   NULL,     0,  dangling,
		                    decide, describe, &pp };
	char stamp[CW_TIME_ISO_LEN];
	cw_tenant tenant;
	int err, applied = 0;

	memset(out, 0, sizeof(*out));
	out->state = "failed";
	out->import_id = options->import_id;
	if ((err = importer_init(&im, options, out)) < 0)
		goto out;
	if ((err = cw_store_tenant_get(store, options->tenant, &tenant)) < 0)
		goto out;
	cw_time_format_iso(cw_time_now_ms(), stamp);
	if (!out->import_id &&
	    (err = cw_store_import_create(store, tenant.id, stamp,
	                                  options->source ? options->source
	                                                  : options->path,
	                                  &out->import_id)) < 0)
		goto out;
	if ((err = cw_store_import_begin(&im.import, store, tenant.id, stamp,
	                                 out->import_id)) < 0)
		goto out;
	err = check_and_write(&im);
	if (err == CW_EINVAL && !im.unreadable)
		out->state = "rejected";
	if (err < 0)
		goto out;
	pp.v11 = out->check.manifest.version == CW_OR_V1P1;
	policy.refs = cw_roster_model_references(&policy.ref_count);
	err = cw_store_import_commit(im.import, bulk_mask(&out->check.manifest),
	                             &policy, out->counts, &applied);
	if (err == 0)
		out->state = applied ? applied_state(out) : "pending";
	/* Approving an older held import now would undo this one. */
	counting dropped = { store, options->uploads_of, 0 };
	if (err == 0 && applied &&
	    cw_store_import_supersede(
	            store, tenant.id, out->import_id,
	            options->uploads_of ? count_and_drop : NULL, &dropped) < 0)
		warn_supersede_failed();
	else if (err == CW_EINVAL)
		out->state =
		        "rejected"; /* it would leave dangling references */
out:
	if (err < 0 && strcmp(out->state, "rejected") != 0)
		snprintf(out->failure, sizeof(out->failure), "%s",
		         cw_error_last());
	cw_store_import_end(im.import);
	if (out->import_id)
		save_report(store, out);
	importer_dispose(&im);
	return err;
}

int cw_roster_upload_path(char *out, size_t n, const char *data_dir,
                          const char *name)
{
	if (!*name || strchr(name, '/') || name[0] == '.' ||
	    (size_t)snprintf(out, n, "%s/uploads/%s", data_dir, name) >= n) {
		cw_error_set("not an upload's name: %.80s", name);
		return CW_EINVAL;
	}
	return 0;
}

int cw_roster_drop_upload(cw_store *store, const char *data_dir,
                          const char *source)
{
	char prefix[4200];
	int n;

	/* An upload kept in the store (any node's): this node's copy and
	 * the stored one. */
	if (strncmp(source, CW_ROSTER_UPLOAD_SOURCE,
	            strlen(CW_ROSTER_UPLOAD_SOURCE)) == 0) {
		const char *name = source + strlen(CW_ROSTER_UPLOAD_SOURCE);
		if (cw_roster_upload_path(prefix, sizeof(prefix), data_dir,
		                          name) == 0 &&
		    unlink(prefix) != 0 && errno != ENOENT)
			CW_LOG(CW_LOG_WARN, "upload_not_deleted", "s:path",
			       prefix, "s:message", strerror(errno), NULL);
		if (cw_store_blob_delete(store, name) < 0)
			CW_LOG(CW_LOG_WARN, "upload_not_deleted", "s:blob",
			       name, "s:message", cw_error_last(), NULL);
		return 0;
	}
	n = snprintf(prefix, sizeof(prefix), "%s/uploads/", data_dir);
	if (n > 0 && (size_t)n < sizeof(prefix) &&
	    strncmp(source, prefix, (size_t)n) == 0 &&
	    !strchr(source + n, '/') && unlink(source) != 0 && errno != ENOENT)
		CW_LOG(CW_LOG_WARN, "upload_not_deleted", "s:path", source,
		       "s:message", strerror(errno), NULL);
	return 0;
}

int cw_roster_expire_pending(cw_store *store, const char *data_dir, long ttl_h,
                             int *count)
{
	char before[CW_TIME_ISO_LEN];
	counting c = { store, data_dir, 0 };
	int err;

	cw_time_format_iso(cw_time_now_ms() - ttl_h * 3600 * 1000, before);
	err = cw_store_import_expire(store, before, count_and_drop, &c);
	*count = c.count;
	return err;
}

void cw_roster_diag_add(cJSON *list, int max, int *dropped, const cw_diag *d)
{
	cJSON *item;

	if (!list || cJSON_GetArraySize(list) >= max) {
		(*dropped)++;
		return;
	}
	if (!(item = cJSON_CreateObject()))
		return;
	cJSON_AddStringToObject(item, "file", d->file);
	cJSON_AddNumberToObject(item, "line", d->line);
	cJSON_AddNumberToObject(item, "column", d->column);
	cJSON_AddStringToObject(item, "severity",
	                        d->severity == CW_DIAG_ERROR ? "error"
	                                                     : "warning");
	cJSON_AddStringToObject(item, "code", d->code);
	cJSON_AddStringToObject(item, "message", d->message);
	cJSON_AddItemToArray(list, item);
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

/* ---- small writes (the REST API) ----------------------------------------- */

static int write_decide(const cw_roster_counts *counts, void *payload)
{
	(void)counts;
	(void)payload;
	return 1;
}

typedef struct {
	int reported;
	char first[300];
} dangling_note;

static void write_dangling(const cw_roster_ref *ref, const char *sourced_id,
                           const char *target_id, void *payload)
{
	dangling_note *d = payload;

	if (d->reported++ == 0)
		snprintf(d->first, sizeof(d->first),
		         "%s \"%.60s\" still points at %s \"%.60s\"",
		         cw_or_entity_name(ref->entity), sourced_id,
		         cw_or_entity_name(ref->target), target_id);
}

int cw_roster_write(cw_store *store, int64_t tenant_id,
                    const cw_roster_change *changes, size_t count)
{
	cw_roster_counts counts[CW_STORE_ROSTER_ENTITIES];
	dangling_note note = { 0, "" };
	cw_import_policy policy = { NULL,         NULL, 0,    write_dangling,
		                    write_decide, NULL, &note };
	char stamp[CW_TIME_ISO_LEN], message[600];
	cw_store_import *imp = NULL;
	int err, applied = 0;

	policy.refs = cw_roster_model_references(&policy.ref_count);
	cw_time_format_iso(cw_time_now_ms(), stamp);
	err = cw_store_import_begin(&imp, store, tenant_id, stamp, 0);
	for (size_t i = 0; err == 0 && i < count; i++) {
		cw_roster_record r = {
			changes[i].entity,
			changes[i].sourced_id,
			changes[i].deleted ? "tobedeleted" : "active",
			"",
			changes[i].fields ? changes[i].fields : "[]",
			0
		};
		err = cw_store_import_put(imp, &r);
	}
	if (err == 0)
		err = cw_store_import_commit(imp, 0, &policy, counts, &applied);
	snprintf(message, sizeof(message), "%s",
	         note.reported ? note.first : cw_error_last());
	cw_store_import_end(imp);
	if (err < 0)
		cw_error_set("%s", message);
	return err;
}
