/* Export: each entity's rows are streamed from the store twice (once to
 * learn its metadata.* columns, once to write) into FILE.csv; the manifest
 * names what was written. A zip is written from a private temporary
 * directory, so a failed export never leaves half a zip behind. */
#include "engine/roster_export.h"

#include "roster/fields.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strset.h"

#include <archive.h>
#include <archive_entry.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_METADATA 64

typedef struct {
	char *user, *org, *role;
	int primary;
} role_link;

typedef struct {
	const cw_or_file *file;
	int delta;
	FILE *fp;
	cw_buf line;
	cw_buf value;              /* one cell */
	int at[CW_OR_MAX_COLUMNS]; /* see place_columns */
	char *metadata[MAX_METADATA];
	size_t metadata_count;
	int v11_users;    /* writing 1.1 users.csv: role and orgs from roles */
	role_link *roles; /* 1.1 users: every role, sorted by user */
	size_t role_count, role_alloc;
	size_t sorted;             /* roles[0 .. sorted) are sorted by user */
	cw_strset *fallback_pairs; /* "user\nschool" from enrollments */
	/* A 1.1 delta: users whose roles changed are changed users too. */
	cw_strset *role_users, *written;
	cw_buf role_user_ids; /* the same ids, NUL after each */
	cw_store *store;
	int64_t tenant;
	uint64_t skipped; /* rows that cannot be written */
	uint64_t rows;
	int err;
} writer;

/* ---- rows in their named form ------------------------------------------- */

typedef struct {
	cw_roster_cb cb;
	void *payload;
	cw_buf named;
} naming;

static int name_fields(const cw_roster_record *r, void *payload)
{
	naming *n = payload;
	cw_roster_record copy = *r;
	int err =
	        strcmp(r->status, "active") != 0
	                ? 0
	                : cw_or_fields_expand(&n->named, r->entity, r->fields);

	if (err < 0) {
		cw_error_set("stored %s \"%.60s\" is damaged",
		             cw_or_entity_name(r->entity), r->sourced_id);
		return err;
	}
	if (strcmp(r->status, "active") == 0) {
		copy.fields = n->named.data;
		copy.fields_len = n->named.len;
	}
	return n->cb(&copy, n->payload);
}

/* Lists rows as cw_store_roster_list does, their fields named. */
static int list_rows(cw_store *store, int64_t tenant, int entity,
                     const char *since, cw_roster_cb cb, void *payload)
{
	naming n = { cb, payload, CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4) };
	int err = cw_store_roster_list(store, tenant, entity, since,
	                               name_fields, &n);

	cw_buf_dispose(&n.named);
	return err;
}

/* ---- 1.2 roles as 1.1 users.role / orgSourcedIds ------------------------- */

/* Column name of a stored row of entity (roster/fields.h). */
static const cJSON *stored_item(const cJSON *doc, cw_or_entity entity,
                                const char *name)
{
	int k = cw_or_fields_position(entity, name);

	return k >= 0 && cJSON_IsArray(doc) ? cJSON_GetArrayItem(doc, k) : NULL;
}

static int add_link(writer *w, const char *user, const char *org,
                    const char *role, int primary)
{
	role_link *link;

	if (w->role_count == w->role_alloc) {
		size_t n = w->role_alloc ? w->role_alloc * 2 : 256;
		role_link *grown = cw_realloc(w->roles, n * sizeof(*grown));
		if (!grown)
			return CW_ENOMEM;
		w->roles = grown;
		w->role_alloc = n;
	}
	link = &w->roles[w->role_count++];
	link->user = cw_strdup(user);
	link->org = cw_strdup(org);
	link->role = cw_strdup(role);
	link->primary = primary;
	return link->user && link->org && link->role ? 0 : CW_ENOMEM;
}

static int collect_role(const cw_roster_record *r, void *payload)
{
	writer *w = payload;
	cJSON *doc = cJSON_Parse(r->fields);
	const char *user = cJSON_GetStringValue(
	        stored_item(doc, CW_OR_ROLES, "userSourcedId"));
	const char *org = cJSON_GetStringValue(
	        stored_item(doc, CW_OR_ROLES, "orgSourcedId"));
	const char *role =
	        cJSON_GetStringValue(stored_item(doc, CW_OR_ROLES, "role"));
	const char *type =
	        cJSON_GetStringValue(stored_item(doc, CW_OR_ROLES, "roleType"));
	int err = 0;

	if (user && org && role)
		err = add_link(w, user, org, role,
		               type && strcmp(type, "primary") == 0);
	cJSON_Delete(doc);
	return err;
}

static int by_user(const void *a, const void *b)
{
	const role_link *x = a, *y = b;
	int c = strcmp(x->user, y->user);

	return c ? c : y->primary - x->primary;
}

static const role_link *roles_of(const writer *w, const char *user,
                                 size_t *count)
{
	size_t lo = 0, hi = w->sorted;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(w->roles[mid].user, user) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*count = 0;
	while (lo + *count < w->sorted &&
	       strcmp(w->roles[lo + *count].user, user) == 0)
		(*count)++;
	return &w->roles[lo];
}

/* A user with no roles row still has a role in 1.1 if it is enrolled: the
 * enrollment's role at the enrollment's school. Links go to the end of the
 * array (sorted again after), so roles_of still sees only roles rows. */
static int collect_enrollment(const cw_roster_record *r, void *payload)
{
	writer *w = payload;
	cJSON *doc = cJSON_Parse(r->fields);
	const char *user = cJSON_GetStringValue(
	        stored_item(doc, CW_OR_ENROLLMENTS, "userSourcedId"));
	const char *school = cJSON_GetStringValue(
	        stored_item(doc, CW_OR_ENROLLMENTS, "schoolSourcedId"));
	const char *role = cJSON_GetStringValue(
	        stored_item(doc, CW_OR_ENROLLMENTS, "role"));
	const char *primary = cJSON_GetStringValue(
	        stored_item(doc, CW_OR_ENROLLMENTS, "primary"));
	cw_buf pair = CW_BUF_INIT(1024);
	size_t count;
	int err = 0;

	if (user && school && role && (roles_of(w, user, &count), !count)) {
		cw_buf_printf(&pair, "%s\n%s", user, school);
		err = pair.error ? pair.error
		                 : cw_strset_put(w->fallback_pairs, pair.data,
		                                 pair.len, 0, NULL);
		if (err == 1)
			err = add_link(w, user, school, role,
			               primary && strcmp(primary, "true") == 0);
	}
	cw_buf_dispose(&pair);
	cJSON_Delete(doc);
	return err < 0 ? err : 0;
}

static int collect_links(writer *w, cw_store *store, int64_t tenant)
{
	size_t held;
	int err = cw_store_roster_list(store, tenant, CW_OR_ROLES, NULL,
	                               collect_role, w);

	if (err == 0 && w->role_count)
		qsort(w->roles, w->role_count, sizeof(*w->roles), by_user);
	held = w->sorted = w->role_count;
	if (err == 0)
		err = cw_strset_new(&w->fallback_pairs);
	if (err == 0)
		err = cw_store_roster_list(store, tenant, CW_OR_ENROLLMENTS,
		                           NULL, collect_enrollment, w);
	if (err == 0 && w->role_count > held)
		qsort(w->roles, w->role_count, sizeof(*w->roles), by_user);
	w->sorted = w->role_count;
	return err;
}

/* ---- rows ---------------------------------------------------------------- */

/* The elements of a stored row (roster/fields.h) by position, and its
 * metadata object; a deleted row's "{}" has none. */
typedef struct {
	cJSON *doc;
	const cJSON *items[CW_OR_FIELDS_MAX];
	const cJSON *metadata;
} stored_row;

static int stored_open(stored_row *row, const cw_roster_record *r)
{
	size_t k = 0;

	memset(row, 0, sizeof(*row));
	row->doc = cJSON_Parse(r->fields);
	if (!row->doc)
		return CW_ENOMEM;
	for (const cJSON *item = cJSON_IsArray(row->doc) ? row->doc->child
	                                                 : NULL;
	     item; item = item->next, k++) {
		if (cJSON_IsObject(item))
			row->metadata = item;
		else if (k < CW_OR_FIELDS_MAX)
			row->items[k] = item;
	}
	return 0;
}

static int learn_metadata(const cw_roster_record *r, void *payload)
{
	writer *w = payload;
	const cJSON *item;
	stored_row row;

	if (stored_open(&row, r) < 0)
		return CW_ENOMEM;
	cJSON_ArrayForEach(item, row.metadata)
	{
		size_t i = 0;

		while (i < w->metadata_count &&
		       strcmp(w->metadata[i], item->string) != 0)
			i++;
		if (i == w->metadata_count && i < MAX_METADATA) {
			w->metadata[i] = cw_strdup(item->string);
			if (!w->metadata[i]) {
				cJSON_Delete(row.doc);
				return CW_ENOMEM;
			}
			w->metadata_count++;
		}
	}
	cJSON_Delete(row.doc);
	return 0;
}

/* A stored value as CSV cell text, lists joined by commas. */
static void field_text(cw_buf *out, const cJSON *v)
{
	const cJSON *item;

	cw_buf_clear(out);
	if (cJSON_IsString(v)) {
		cw_buf_puts(out, v->valuestring);
	} else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(item, v)
		{
			if (out->len)
				cw_buf_putc(out, ',');
			if (cJSON_IsString(item))
				cw_buf_puts(out, item->valuestring);
		}
	}
}

/* Where each column of the file being written is in the stored 1.2 form
 * (-1: not there, as 1.1 users' role and orgSourcedIds). */
static void place_columns(writer *w)
{
	const cw_or_file *f = w->file;

	for (size_t i = 0; i < f->column_count && i < CW_OR_MAX_COLUMNS; i++) {
		const char *name = f->columns[i].name;

		if (strcmp(name, "gradingPeriodSourcedId") == 0)
			name = "academicSessionSourcedId";
		w->at[i] = i < 3 ? -1 : cw_or_fields_position(f->entity, name);
	}
}

static void v11_user_field(writer *w, cw_buf *out, const char *sourced_id,
                           const char *column)
{
	size_t count;
	const role_link *links = roles_of(w, sourced_id, &count);

	cw_buf_clear(out);
	if (strcmp(column, "role") == 0 && count)
		cw_buf_puts(out, cw_or_role_v11(links[0].role,
		                                strlen(links[0].role)));
	for (size_t i = 0; strcmp(column, "orgSourcedIds") == 0 && i < count;
	     i++) {
		if (out->len)
			cw_buf_putc(out, ',');
		cw_buf_puts(out, links[i].org);
	}
}

static int write_row(const cw_roster_record *r, void *payload)
{
	writer *w = payload;
	const cw_or_file *f = w->file;
	stored_row row;

	if (w->v11_users) {
		size_t count;

		roles_of(w, r->sourced_id, &count);
		/* 1.1 requires a role; one with none would be made up. A
		 * deleted user needs none. */
		if (!count && strcmp(r->status, "active") == 0) {
			w->skipped++;
			return 0;
		}
	}
	if (stored_open(&row, r) < 0)
		return CW_ENOMEM;
	cw_buf_clear(&w->line);
	cw_csv_write_field(&w->line, r->sourced_id, 0);
	cw_csv_write_field(&w->line, w->delta ? r->status : "", 0);
	cw_csv_write_field(&w->line, w->delta ? r->date_last_modified : "",
	                   f->column_count == 3 && !w->metadata_count);
	for (size_t i = 3; i < f->column_count && i < CW_OR_MAX_COLUMNS; i++) {
		const char *name = f->columns[i].name;
		int last = i + 1 == f->column_count && !w->metadata_count;

		if (w->v11_users && (strcmp(name, "role") == 0 ||
		                     strcmp(name, "orgSourcedIds") == 0))
			v11_user_field(w, &w->value, r->sourced_id, name);
		else
			field_text(&w->value,
			           w->at[i] >= 0 && w->at[i] < CW_OR_FIELDS_MAX
			                   ? row.items[w->at[i]]
			                   : NULL);
		cw_csv_write_field(&w->line, cw_buf_cstr(&w->value), last);
	}
	for (size_t m = 0; m < w->metadata_count; m++) {
		const char *v = cJSON_GetStringValue(
		        cJSON_GetObjectItem(row.metadata, w->metadata[m]));
		cw_csv_write_field(&w->line, v ? v : "",
		                   m + 1 == w->metadata_count);
	}
	cJSON_Delete(row.doc);
	if (w->line.error || w->value.error)
		return w->line.error ? w->line.error : w->value.error;
	if (fwrite(w->line.data, 1, w->line.len, w->fp) != w->line.len) {
		cw_error_set("writing %s.csv: %s", f->name, strerror(errno));
		return CW_EIO;
	}
	w->rows++;
	return 0;
}

static int write_header(writer *w)
{
	const cw_or_file *f = w->file;
	char name[200];

	cw_buf_clear(&w->line);
	for (size_t i = 0; i < f->column_count; i++)
		cw_csv_write_field(&w->line, f->columns[i].name,
		                   i + 1 == f->column_count &&
		                           !w->metadata_count);
	for (size_t m = 0; m < w->metadata_count; m++) {
		snprintf(name, sizeof(name), "metadata.%s", w->metadata[m]);
		cw_csv_write_field(&w->line, name, m + 1 == w->metadata_count);
	}
	if (w->line.error)
		return w->line.error;
	if (fwrite(w->line.data, 1, w->line.len, w->fp) != w->line.len)
		return CW_EIO;
	return 0;
}

/* ---- 1.1 deltas: users whose roles changed ------------------------------ */

static int note_role_user(writer *w, const char *user, size_t len)
{
	int added = cw_strset_put(w->role_users, user, len, 0, NULL);

	if (added == 1) {
		cw_buf_put(&w->role_user_ids, user, len);
		if (cw_buf_put(&w->role_user_ids, "", 1) < 0)
			return CW_ENOMEM;
	}
	return added < 0 ? added : 0;
}

static int is_user(const cw_roster_record *r, void *payload)
{
	(void)r;
	(void)payload;
	return 0;
}

/* A changed role names its user; a deleted one no longer does, but one a
 * 1.1 set made is called "user.org.role". */
static int changed_role(const cw_roster_record *r, void *payload)
{
	writer *w = payload;
	cJSON *doc;
	const char *user;
	size_t len = strlen(r->sourced_id);
	int err = 0;

	if (strcmp(r->status, "active") != 0) {
		if (len < 6 || strcmp(r->sourced_id + len - 5, ".role") != 0)
			return 0;
		for (const char *dot = strchr(r->sourced_id, '.');
		     dot && dot < r->sourced_id + len - 5;
		     dot = strchr(dot + 1, '.')) {
			char id[256];

			if ((size_t)(dot - r->sourced_id) >= sizeof(id))
				break;
			snprintf(id, sizeof(id), "%.*s",
			         (int)(dot - r->sourced_id), r->sourced_id);
			if (cw_store_roster_get(w->store, w->tenant,
			                        CW_OR_USERS, id, is_user,
			                        NULL) == 0)
				return note_role_user(w, id, strlen(id));
		}
		return 0;
	}
	doc = cJSON_Parse(r->fields);
	user = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "userSourcedId"));
	if (user)
		err = note_role_user(w, user, strlen(user));
	cJSON_Delete(doc);
	return err;
}

static int write_noted(const cw_roster_record *r, void *payload)
{
	writer *w = payload;
	int err = cw_strset_put(w->written, r->sourced_id,
	                        strlen(r->sourced_id), 0, NULL);

	return err < 0 ? err : write_row(r, payload);
}

/* Calls cb with each user a changed role names, unless already written. */
static int each_role_user(writer *w, cw_roster_cb cb)
{
	const char *p = w->role_user_ids.data;
	const char *end = p ? p + w->role_user_ids.len : NULL;
	int err = 0;

	for (; err == 0 && p && p < end; p += strlen(p) + 1) {
		if (w->written && cw_strset_get(w->written, p, strlen(p), NULL))
			continue;
		err = cw_store_roster_get(w->store, w->tenant, CW_OR_USERS, p,
		                          cb, w);
		if (err == CW_ENOTFOUND)
			err = 0; /* deleted since: its own delta row says so */
	}
	return err;
}

static int collect_role_users(writer *w, const char *since)
{
	int err = cw_strset_new(&w->role_users);

	if (err == 0)
		err = cw_strset_new(&w->written);
	if (err == 0)
		err = list_rows(w->store, w->tenant, CW_OR_ROLES, since,
		                changed_role, w);
	return err;
}

static void free_role_users(writer *w)
{
	cw_strset_free(w->role_users);
	cw_strset_free(w->written);
	w->role_users = w->written = NULL;
	cw_buf_dispose(&w->role_user_ids);
}

/* ---- files --------------------------------------------------------------- */

static int export_entity(writer *w, cw_store *store, int64_t tenant,
                         const char *since, const char *dir)
{
	char path[4200];
	int with_roles = w->v11_users && since;
	int err = with_roles ? collect_role_users(w, since) : 0;

	/* Rows are written from their stored form, columns placed once. */
	place_columns(w);
	if (err == 0)
		err = cw_store_roster_list(store, tenant, w->file->entity,
		                           since, learn_metadata, w);
	if (err == 0 && with_roles)
		err = each_role_user(w, learn_metadata);
	if (err < 0) {
		free_role_users(w);
		return err;
	}
	snprintf(path, sizeof(path), "%s/%s.csv", dir, w->file->name);
	w->fp = fopen(path, "w");
	if (!w->fp) {
		cw_error_set("%s: %s", path, strerror(errno));
		free_role_users(w);
		return CW_EIO;
	}
	err = write_header(w);
	if (err == 0)
		err = cw_store_roster_list(
		        store, tenant, w->file->entity, since,
		        with_roles ? write_noted : write_row, w);
	if (err == 0 && with_roles)
		err = each_role_user(w, write_row);
	free_role_users(w);
	if (fclose(w->fp) != 0 && err == 0) {
		cw_error_set("%s: %s", path, strerror(errno));
		err = CW_EIO;
	}
	w->fp = NULL;
	if (err == 0 && w->rows == 0)
		unlink(path); /* nothing to say: absent */
	return err;
}

static void writer_reset(writer *w)
{
	for (size_t m = 0; m < w->metadata_count; m++)
		cw_free(w->metadata[m]);
	w->metadata_count = 0;
	w->rows = 0;
}

static void free_roles(writer *w)
{
	for (size_t i = 0; i < w->role_count; i++) {
		cw_free(w->roles[i].user);
		cw_free(w->roles[i].org);
		cw_free(w->roles[i].role);
	}
	cw_free(w->roles);
	w->roles = NULL;
	w->role_count = w->role_alloc = w->sorted = 0;
	cw_strset_free(w->fallback_pairs);
	w->fallback_pairs = NULL;
}

static int write_manifest(const char *dir, const cw_roster_export_options *o,
                          const cw_roster_export_result *result)
{
	size_t count;
	const cw_or_file *files = cw_or_files(o->version, &count);
	char path[4200];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/manifest.csv", dir);
	fp = fopen(path, "w");
	if (!fp) {
		cw_error_set("%s: %s", path, strerror(errno));
		return CW_EIO;
	}
	fprintf(fp,
	        "propertyName,value\r\nmanifest.version,1.0\r\n"
	        "oneroster.version,%s\r\n",
	        o->version == CW_OR_V1P1 ? "1.1" : "1.2");
	for (size_t i = 0; i < count; i++)
		fprintf(fp, "file.%s,%s\r\n", files[i].name,
		        result->rows[files[i].entity] == 0 ? "absent"
		        : o->since                         ? "delta"
		                                           : "bulk");
	fprintf(fp, "source.systemName,crosswalk\r\nsource.systemCode,%s\r\n",
	        CW_VERSION);
	return fclose(fp) == 0 ? 0 : CW_EIO;
}

/* Zips dir/NAME for each name into zip_path, through a .partial file that
 * is renamed only once complete. */
static int zip_dir(const char *dir, const char *zip_path,
                   const char *const *names, size_t count)
{
	struct archive *a = archive_write_new();
	char tmp[4200];
	char *data = cw_malloc(1 << 16);
	int err = data ? 0 : CW_ENOMEM;

	snprintf(tmp, sizeof(tmp), "%s.partial", zip_path);
	if (err == 0 && (!a || archive_write_set_format_zip(a) != ARCHIVE_OK ||
	                 archive_write_open_filename(a, tmp) != ARCHIVE_OK)) {
		cw_error_set("%s: %s", tmp,
		             a && archive_error_string(a)
		                     ? archive_error_string(a)
		                     : "cannot write");
		err = CW_EIO;
	}
	for (size_t i = 0; err == 0 && i < count; i++) {
		char path[4300];
		struct archive_entry *e;
		struct stat st;
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		fp = fopen(path, "rb");
		if (!fp || fstat(fileno(fp), &st) != 0) {
			if (fp)
				fclose(fp);
			err = CW_EIO;
			break;
		}
		e = archive_entry_new();
		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_size(e, (la_int64_t)st.st_size);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		if (archive_write_header(a, e) != ARCHIVE_OK)
			err = CW_EIO;
		while (err == 0) {
			size_t n = fread(data, 1, 1 << 16, fp);
			if (n == 0)
				break;
			if (archive_write_data(a, data, n) != (la_ssize_t)n)
				err = CW_EIO;
		}
		archive_entry_free(e);
		fclose(fp);
	}
	if (a && archive_write_close(a) != ARCHIVE_OK && err == 0)
		err = CW_EIO;
	archive_write_free(a);
	cw_free(data);
	if (err == 0 && rename(tmp, zip_path) != 0)
		err = CW_EIO;
	if (err < 0) {
		cw_error_set("writing %s failed", zip_path);
		unlink(tmp);
	}
	return err;
}

static void remove_dir(const char *dir, const char *const *names, size_t count)
{
	char path[4200];

	for (size_t i = 0; i < count; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* The working directory: the target itself, or a private temporary one
 * when the target is a zip. */
static int open_target(char dir[4096], const char *out, int *zip)
{
	size_t len = strlen(out);

	*zip = len > 4 && strcmp(out + len - 4, ".zip") == 0;
	if (*zip) {
		const char *base = getenv("TMPDIR");
		snprintf(dir, 4096, "%s/crosswalk-export-XXXXXX",
		         base && *base ? base : "/tmp");
		if (!mkdtemp(dir)) {
			cw_error_set("%s: %s", dir, strerror(errno));
			return CW_EIO;
		}
		return 0;
	}
	snprintf(dir, 4096, "%s", out);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		cw_error_set("%s: %s", dir, strerror(errno));
		return CW_EIO;
	}
	return 0;
}

int cw_roster_export(cw_roster_export_result *out, cw_store *store,
                     const cw_roster_export_options *o)
{
	size_t count;
	const cw_or_file *files = cw_or_files(o->version, &count);
	const char *names[CW_OR_ENTITY_COUNT + 1];
	char name_space[CW_OR_ENTITY_COUNT + 1][80];
	size_t written = 0;
	writer w = { 0 };
	cw_tenant tenant;
	char dir[4096];
	int err, zip;

	memset(out, 0, sizeof(*out));
	w.line = (cw_buf)CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4);
	w.value = (cw_buf)CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4);
	w.role_user_ids = (cw_buf)CW_BUF_INIT((size_t)1 << 31);
	w.delta = o->since != NULL;
	w.store = store;
	if ((err = cw_store_tenant_get(store, o->tenant, &tenant)) < 0 ||
	    (err = open_target(dir, o->out, &zip)) < 0) {
		cw_buf_dispose(&w.line);
		cw_buf_dispose(&w.value);
		return err;
	}
	w.tenant = tenant.id;
	if (o->version == CW_OR_V1P1)
		err = collect_links(&w, store, tenant.id);
	for (size_t i = 0; err == 0 && i < count; i++) {
		w.file = &files[i];
		w.v11_users = files[i].entity == CW_OR_USERS &&
		              o->version == CW_OR_V1P1;
		w.skipped = 0;
		err = export_entity(&w, store, tenant.id, o->since, dir);
		out->rows[files[i].entity] = w.rows;
		out->skipped[files[i].entity] = w.skipped;
		out->total += w.rows;
		if (w.rows) {
			snprintf(name_space[written], 80, "%s.csv",
			         files[i].name);
			names[written] = name_space[written];
			written++;
		}
		writer_reset(&w);
	}
	out->files = (int)written;
	names[written++] = "manifest.csv";
	if (err == 0)
		err = write_manifest(dir, o, out);
	if (err == 0 && zip)
		err = zip_dir(dir, o->out, names, written);
	if (zip)
		remove_dir(dir, names, written);
	free_roles(&w);
	cw_buf_dispose(&w.line);
	cw_buf_dispose(&w.value);
	return err;
}

/* ---- Canvas SIS import CSV ----------------------------------------------- */

typedef struct {
	FILE *fp[2];
	cw_buf line;
	uint64_t rows;
	int kind;
} canvas_writer;

enum { CANVAS_TERMS, CANVAS_COURSES, CANVAS_USERS, CANVAS_ENROLLMENTS };

static const char *canvas_role(const char *role)
{
	if (strcmp(role, "student") == 0 || strcmp(role, "teacher") == 0)
		return role;
	return "ta"; /* proctor, administrator, ext: roles assist the class */
}

static const char *json_text(const cJSON *fields, const char *name)
{
	const cJSON *v = cJSON_GetObjectItem(fields, name);

	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsArray(v) && cJSON_IsString(cJSON_GetArrayItem(v, 0)))
		return cJSON_GetArrayItem(v, 0)->valuestring;
	return "";
}

static int canvas_line(canvas_writer *w, int file, const char *const *cells,
                       size_t n)
{
	cw_buf_clear(&w->line);
	for (size_t i = 0; i < n; i++)
		cw_csv_write_field(&w->line, cells[i], i + 1 == n);
	if (w->line.error)
		return w->line.error;
	if (fwrite(w->line.data, 1, w->line.len, w->fp[file]) != w->line.len)
		return CW_EIO;
	return 0;
}

static int canvas_row(const cw_roster_record *r, void *payload)
{
	canvas_writer *w = payload;
	cJSON *f = cJSON_Parse(r->fields);
	const char *status =
	        strcmp(r->status, "active") == 0 ? "active" : "deleted";
	int err = 0;

	if (!f)
		return CW_ENOMEM;
	if (w->kind == CANVAS_TERMS) {
		if (strcmp(json_text(f, "type"), "gradingPeriod") != 0) {
			const char *c[] = { r->sourced_id,
				            json_text(f, "title"), status,
				            json_text(f, "startDate"),
				            json_text(f, "endDate") };
			err = canvas_line(w, 0, c, 5);
		}
	} else if (w->kind == CANVAS_COURSES) {
		const char *code = json_text(f, "classCode");
		const char *c[] = { r->sourced_id,
			            *code ? code : json_text(f, "title"),
			            json_text(f, "title"),
			            json_text(f, "schoolSourcedId"),
			            json_text(f, "termSourcedIds"),
			            status };
		const char *s[] = { r->sourced_id, r->sourced_id,
			            json_text(f, "title"), status };
		err = canvas_line(w, 0, c, 6);
		if (err == 0)
			err = canvas_line(w, 1, s, 4);
	} else if (w->kind == CANVAS_USERS) {
		const char *c[] = { r->sourced_id,
			            json_text(f, "username"),
			            json_text(f, "givenName"),
			            json_text(f, "familyName"),
			            json_text(f, "email"),
			            status };
		err = canvas_line(w, 0, c, 6);
	} else {
		const char *class_id = json_text(f, "classSourcedId");
		const char *role = json_text(f, "role");
		const char *c[] = { class_id, json_text(f, "userSourcedId"),
			            *role ? canvas_role(role) : "", class_id,
			            status };
		err = canvas_line(w, 0, c, 5);
	}
	cJSON_Delete(f);
	w->rows += err == 0;
	return err;
}

typedef struct {
	char *id, *parent, *name, *status;
	int done;
} org_node;

typedef struct {
	org_node *nodes;
	size_t count, alloc;
} org_list;

static int collect_org(const cw_roster_record *r, void *payload)
{
	org_list *l = payload;
	cJSON *f = cJSON_Parse(r->fields);
	org_node *n;

	if (!f)
		return CW_ENOMEM;
	if (l->count == l->alloc) {
		size_t cap = l->alloc ? l->alloc * 2 : 64;
		org_node *grown = cw_realloc(l->nodes, cap * sizeof(*grown));
		if (!grown) {
			cJSON_Delete(f);
			return CW_ENOMEM;
		}
		l->nodes = grown;
		l->alloc = cap;
	}
	n = &l->nodes[l->count++];
	n->id = cw_strdup(r->sourced_id);
	n->parent = cw_strdup(json_text(f, "parentSourcedId"));
	n->name = cw_strdup(json_text(f, "name"));
	n->status =
	        cw_strdup(strcmp(r->status, "active") ? "deleted" : "active");
	n->done = 0;
	cJSON_Delete(f);
	return n->id && n->parent && n->name && n->status ? 0 : CW_ENOMEM;
}

/* Canvas wants parent accounts before their children. */
static int write_accounts(canvas_writer *w, org_list *l)
{
	int progress = 1, err = 0;

	while (progress && err == 0) {
		progress = 0;
		for (size_t i = 0; i < l->count && err == 0; i++) {
			org_node *n = &l->nodes[i];
			int parent_ready = !*n->parent;

			for (size_t k = 0; !parent_ready && k < l->count; k++)
				parent_ready =
				        l->nodes[k].done &&
				        strcmp(l->nodes[k].id, n->parent) == 0;
			if (n->done || !parent_ready)
				continue;
			{
				const char *c[] = { n->id, n->parent, n->name,
					            n->status };
				err = canvas_line(w, 0, c, 4);
			}
			n->done = progress = 1;
			w->rows++;
		}
	}
	/* Parents outside the data (or cycles) cannot be ordered: as roots. */
	for (size_t i = 0; i < l->count && err == 0; i++)
		if (!l->nodes[i].done) {
			const char *c[] = { l->nodes[i].id, "",
				            l->nodes[i].name,
				            l->nodes[i].status };
			err = canvas_line(w, 0, c, 4);
			w->rows++;
		}
	return err;
}

static void free_orgs(org_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		cw_free(l->nodes[i].id);
		cw_free(l->nodes[i].parent);
		cw_free(l->nodes[i].name);
		cw_free(l->nodes[i].status);
	}
	cw_free(l->nodes);
}

static const struct {
	const char *file, *header, *second, *second_header;
	int entity, kind;
} canvas_files[] = {
	{ "accounts.csv", "account_id,parent_account_id,name,status", NULL,
	  NULL, CW_OR_ORGS, -1 },
	{ "terms.csv", "term_id,name,status,start_date,end_date", NULL, NULL,
	  CW_OR_ACADEMIC_SESSIONS, CANVAS_TERMS },
	{ "courses.csv",
	  "course_id,short_name,long_name,account_id,term_id,status",
	  "sections.csv", "section_id,course_id,name,status", CW_OR_CLASSES,
	  CANVAS_COURSES },
	{ "users.csv", "user_id,login_id,first_name,last_name,email,status",
	  NULL, NULL, CW_OR_USERS, CANVAS_USERS },
	{ "enrollments.csv", "course_id,user_id,role,section_id,status", NULL,
	  NULL, CW_OR_ENROLLMENTS, CANVAS_ENROLLMENTS },
};

#define CANVAS_FILES (sizeof(canvas_files) / sizeof(canvas_files[0]))

static FILE *open_csv(const char *dir, const char *name, const char *header)
{
	char path[4200];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (!fp) {
		cw_error_set("%s: %s", path, strerror(errno));
		return NULL;
	}
	fprintf(fp, "%s\r\n", header);
	return fp;
}

static int canvas_file(canvas_writer *w, cw_store *store, int64_t tenant,
                       const char *since, const char *dir, size_t i)
{
	org_list orgs = { 0 };
	int err = 0;

	w->rows = 0;
	w->kind = canvas_files[i].kind;
	w->fp[0] = open_csv(dir, canvas_files[i].file, canvas_files[i].header);
	w->fp[1] = canvas_files[i].second
	                   ? open_csv(dir, canvas_files[i].second,
	                              canvas_files[i].second_header)
	                   : NULL;
	if (!w->fp[0] || (canvas_files[i].second && !w->fp[1]))
		err = CW_EIO;
	if (err == 0 && w->kind < 0) {
		err = list_rows(store, tenant, CW_OR_ORGS, since, collect_org,
		                &orgs);
		if (err == 0)
			err = write_accounts(w, &orgs);
	} else if (err == 0) {
		err = list_rows(store, tenant, canvas_files[i].entity, since,
		                canvas_row, w);
	}
	for (int k = 0; k < 2; k++)
		if (w->fp[k] && fclose(w->fp[k]) != 0 && err == 0)
			err = CW_EIO;
	free_orgs(&orgs);
	return err;
}

int cw_roster_export_canvas(cw_roster_export_result *out, cw_store *store,
                            const cw_roster_export_options *o)
{
	const char *names[CANVAS_FILES + 1];
	canvas_writer w = {
		{ NULL, NULL }, CW_BUF_INIT(CW_LIMIT_CSV_RECORD), 0, 0
	};
	size_t count = 0;
	cw_tenant tenant;
	char dir[4096];
	int err, zip;

	memset(out, 0, sizeof(*out));
	if ((err = cw_store_tenant_get(store, o->tenant, &tenant)) < 0 ||
	    (err = open_target(dir, o->out, &zip)) < 0) {
		cw_buf_dispose(&w.line);
		return err;
	}
	for (size_t i = 0; err == 0 && i < CANVAS_FILES; i++) {
		err = canvas_file(&w, store, tenant.id, o->since, dir, i);
		names[count++] = canvas_files[i].file;
		if (canvas_files[i].second)
			names[count++] = canvas_files[i].second;
		out->rows[canvas_files[i].entity] = w.rows;
		out->total += w.rows;
	}
	out->files = (int)count;
	if (err == 0 && zip)
		err = zip_dir(dir, o->out, names, count);
	if (zip)
		remove_dir(dir, names, count);
	cw_buf_dispose(&w.line);
	return err;
}
