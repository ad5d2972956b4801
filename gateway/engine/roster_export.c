/* Export: each entity's rows are streamed from the store twice (once to
 * learn its metadata.* columns, once to write) into FILE.csv; the manifest
 * names what was written. A zip is written from a private temporary
 * directory, so a failed export never leaves half a zip behind. */
#include "engine/roster_export.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/limits.h"

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
	char *metadata[MAX_METADATA];
	size_t metadata_count;
	role_link *roles; /* 1.1 users: every role, sorted by user */
	size_t role_count, role_alloc;
	uint64_t rows;
	int err;
} writer;

/* ---- 1.2 roles as 1.1 users.role / orgSourcedIds ------------------------- */

static const char *role_v11(const char *role)
{
	static const char *const same[] = { "aide",    "guardian", "parent",
		                            "proctor", "relative", "student",
		                            "teacher", NULL };

	for (const char *const *s = same; *s; s++)
		if (strcmp(*s, role) == 0)
			return *s;
	if (strstr(role, "dministrator") || strcmp(role, "principal") == 0)
		return "administrator";
	return "aide"; /* counselor and ext: roles: 1.1 has no closer word */
}

static int collect_role(const cw_roster_record *r, void *payload)
{
	writer *w = payload;
	cJSON *doc = cJSON_Parse(r->fields);
	const char *user =
	        cJSON_GetStringValue(cJSON_GetObjectItem(doc, "userSourcedId"));
	const char *org =
	        cJSON_GetStringValue(cJSON_GetObjectItem(doc, "orgSourcedId"));
	const char *role =
	        cJSON_GetStringValue(cJSON_GetObjectItem(doc, "role"));
	const char *type =
	        cJSON_GetStringValue(cJSON_GetObjectItem(doc, "roleType"));
	role_link *link;

	if (!user || !org || !role) {
		cJSON_Delete(doc);
		return 0;
	}
	if (w->role_count == w->role_alloc) {
		size_t n = w->role_alloc ? w->role_alloc * 2 : 256;
		role_link *grown = cw_realloc(w->roles, n * sizeof(*grown));
		if (!grown) {
			cJSON_Delete(doc);
			return CW_ENOMEM;
		}
		w->roles = grown;
		w->role_alloc = n;
	}
	link = &w->roles[w->role_count++];
	link->user = cw_strdup(user);
	link->org = cw_strdup(org);
	link->role = cw_strdup(role);
	link->primary = type && strcmp(type, "primary") == 0;
	cJSON_Delete(doc);
	return link->user && link->org && link->role ? 0 : CW_ENOMEM;
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
	size_t lo = 0, hi = w->role_count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(w->roles[mid].user, user) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*count = 0;
	while (lo + *count < w->role_count &&
	       strcmp(w->roles[lo + *count].user, user) == 0)
		(*count)++;
	return &w->roles[lo];
}

/* ---- rows ---------------------------------------------------------------- */

static int learn_metadata(const cw_roster_record *r, void *payload)
{
	writer *w = payload;
	cJSON *doc = cJSON_Parse(r->fields), *m, *item;

	m = cJSON_GetObjectItem(doc, "metadata");
	cJSON_ArrayForEach(item, m)
	{
		size_t i = 0;

		while (i < w->metadata_count &&
		       strcmp(w->metadata[i], item->string) != 0)
			i++;
		if (i == w->metadata_count && i < MAX_METADATA) {
			w->metadata[i] = cw_strdup(item->string);
			if (!w->metadata[i]) {
				cJSON_Delete(doc);
				return CW_ENOMEM;
			}
			w->metadata_count++;
		}
	}
	cJSON_Delete(doc);
	return 0;
}

/* The value of column name in fields, lists joined by commas. */
static void field_text(cw_buf *out, const cJSON *fields, const char *name)
{
	const cJSON *v = cJSON_GetObjectItem(fields, name), *item;

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

static void v11_user_field(writer *w, cw_buf *out, const char *sourced_id,
                           const char *column)
{
	size_t count;
	const role_link *links = roles_of(w, sourced_id, &count);

	cw_buf_clear(out);
	if (strcmp(column, "role") == 0 && count)
		cw_buf_puts(out, role_v11(links[0].role));
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
	cJSON *fields = cJSON_Parse(r->fields);
	cJSON *metadata = cJSON_GetObjectItem(fields, "metadata");
	cw_buf value = CW_BUF_INIT(CW_LIMIT_CSV_RECORD);
	const cw_or_file *f = w->file;

	if (!fields)
		return CW_ENOMEM;
	cw_buf_clear(&w->line);
	cw_csv_write_field(&w->line, r->sourced_id, 0);
	cw_csv_write_field(&w->line, w->delta ? r->status : "", 0);
	cw_csv_write_field(&w->line, w->delta ? r->date_last_modified : "",
	                   f->column_count == 3 && !w->metadata_count);
	for (size_t i = 3; i < f->column_count; i++) {
		const char *name = f->columns[i].name;
		int last = i + 1 == f->column_count && !w->metadata_count;

		if (w->roles && (strcmp(name, "role") == 0 ||
		                 strcmp(name, "orgSourcedIds") == 0))
			v11_user_field(w, &value, r->sourced_id, name);
		else if (strcmp(name, "gradingPeriodSourcedId") == 0)
			field_text(&value, fields, "academicSessionSourcedId");
		else
			field_text(&value, fields, name);
		cw_csv_write_field(&w->line, cw_buf_cstr(&value), last);
	}
	for (size_t m = 0; m < w->metadata_count; m++) {
		const char *v = cJSON_GetStringValue(
		        cJSON_GetObjectItem(metadata, w->metadata[m]));
		cw_csv_write_field(&w->line, v ? v : "",
		                   m + 1 == w->metadata_count);
	}
	cJSON_Delete(fields);
	cw_buf_dispose(&value);
	if (w->line.error)
		return w->line.error;
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

/* ---- files --------------------------------------------------------------- */

static int export_entity(writer *w, cw_store *store, int64_t tenant,
                         const char *since, const char *dir)
{
	char path[4200];
	int err;

	if ((err = cw_store_roster_list(store, tenant, w->file->entity, since,
	                                learn_metadata, w)) < 0)
		return err;
	snprintf(path, sizeof(path), "%s/%s.csv", dir, w->file->name);
	w->fp = fopen(path, "w");
	if (!w->fp) {
		cw_error_set("%s: %s", path, strerror(errno));
		return CW_EIO;
	}
	err = write_header(w);
	if (err == 0)
		err = cw_store_roster_list(store, tenant, w->file->entity,
		                           since, write_row, w);
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
	w->role_count = w->role_alloc = 0;
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

static int zip_dir(const char *dir, const char *zip_path,
                   const cw_roster_export_result *result, cw_or_version version)
{
	struct archive *a = archive_write_new();
	size_t count;
	const cw_or_file *files = cw_or_files(version, &count);
	char tmp[4200];
	int err = 0;

	snprintf(tmp, sizeof(tmp), "%s.partial", zip_path);
	if (!a || archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		cw_error_set("%s: %s", tmp,
		             a && archive_error_string(a)
		                     ? archive_error_string(a)
		                     : "cannot write");
		archive_write_free(a);
		return CW_EIO;
	}
	for (size_t i = 0; err == 0 && i <= count; i++) {
		char name[100], path[4300];
		char *data = NULL;
		size_t len = 0;
		struct archive_entry *e;
		FILE *fp;

		if (i < count && result->rows[files[i].entity] == 0)
			continue;
		snprintf(name, sizeof(name), "%s.csv",
		         i < count ? files[i].name : "manifest");
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		fp = fopen(path, "rb");
		if (!fp) {
			err = CW_EIO;
			break;
		}
		/* Files are streamed into the entry in chunks. */
		fseek(fp, 0, SEEK_END);
		len = (size_t)ftell(fp);
		fseek(fp, 0, SEEK_SET);
		e = archive_entry_new();
		archive_entry_set_pathname(e, name);
		archive_entry_set_size(e, (la_int64_t)len);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		if (archive_write_header(a, e) != ARCHIVE_OK)
			err = CW_EIO;
		data = cw_malloc(1 << 16);
		while (err == 0 && data) {
			size_t n = fread(data, 1, 1 << 16, fp);
			if (n == 0)
				break;
			if (archive_write_data(a, data, n) != (la_ssize_t)n)
				err = CW_EIO;
		}
		if (!data)
			err = CW_ENOMEM;
		cw_free(data);
		archive_entry_free(e);
		fclose(fp);
	}
	if (archive_write_close(a) != ARCHIVE_OK && err == 0)
		err = CW_EIO;
	archive_write_free(a);
	if (err == 0 && rename(tmp, zip_path) != 0)
		err = CW_EIO;
	if (err < 0) {
		cw_error_set("writing %s failed", zip_path);
		unlink(tmp);
	}
	return err;
}

static void remove_dir(const char *dir, const cw_or_file *files, size_t n)
{
	char path[4200];

	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.csv", dir, files[i].name);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/manifest.csv", dir);
	unlink(path);
	rmdir(dir);
}

int cw_roster_export(cw_roster_export_result *out, cw_store *store,
                     const cw_roster_export_options *o)
{
	size_t len = strlen(o->out), count;
	int zip = len > 4 && strcmp(o->out + len - 4, ".zip") == 0;
	const cw_or_file *files = cw_or_files(o->version, &count);
	writer w = { 0 };
	cw_tenant tenant;
	char dir[4096];
	int err;

	memset(out, 0, sizeof(*out));
	w.line = (cw_buf)CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 4);
	w.delta = o->since != NULL;
	if ((err = cw_store_tenant_get(store, o->tenant, &tenant)) < 0)
		return err;
	if (zip) {
		const char *base = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/crosswalk-export-XXXXXX",
		         base && *base ? base : "/tmp");
		if (!mkdtemp(dir)) {
			cw_error_set("%s: %s", dir, strerror(errno));
			return CW_EIO;
		}
	} else {
		snprintf(dir, sizeof(dir), "%s", o->out);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			cw_error_set("%s: %s", dir, strerror(errno));
			return CW_EIO;
		}
	}
	if (o->version == CW_OR_V1P1) {
		err = cw_store_roster_list(store, tenant.id, CW_OR_ROLES, NULL,
		                           collect_role, &w);
		if (err == 0 && w.role_count)
			qsort(w.roles, w.role_count, sizeof(*w.roles), by_user);
	}
	for (size_t i = 0; err == 0 && i < count; i++) {
		role_link *roles = w.roles;

		w.file = &files[i];
		if (files[i].entity != CW_OR_USERS || o->version != CW_OR_V1P1)
			w.roles = NULL;
		err = export_entity(&w, store, tenant.id, o->since, dir);
		w.roles = roles;
		out->rows[files[i].entity] = w.rows;
		out->total += w.rows;
		out->files += w.rows > 0;
		writer_reset(&w);
	}
	if (err == 0)
		err = write_manifest(dir, o, out);
	if (err == 0 && zip)
		err = zip_dir(dir, o->out, out, o->version);
	if (zip)
		remove_dir(dir, files, count);
	free_roles(&w);
	cw_buf_dispose(&w.line);
	return err;
}
