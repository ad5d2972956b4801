/* A SIS's OneRoster REST collections written as a CSV set. */
#include "engine/sis_pull.h"

#include "roster/from_json.h"
#include "roster/rest.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

#define FILE_BUFFER (4L << 20)

static const cw_or_entity rostering[] = {
	CW_OR_ORGS,  CW_OR_ACADEMIC_SESSIONS, CW_OR_COURSES,     CW_OR_CLASSES,
	CW_OR_USERS, CW_OR_ENROLLMENTS,       CW_OR_DEMOGRAPHICS
};

typedef struct {
	FILE *file, *roles;
	cw_buf line;
	cw_or_json_rows *rows; /* the collection's converter */
	cw_or_version version;
	cw_or_entity entity;
	int bulk;
	int err;
	size_t deleted; /* tobedeleted rows a bulk pull left out */
} writer;

static int flush_line(writer *w, FILE *f)
{
	if (w->line.error)
		return w->line.error;
	if (w->line.len &&
	    fwrite(w->line.data, 1, w->line.len, f) != w->line.len) {
		cw_error_set("cannot write the pulled set");
		return CW_EIO;
	}
	cw_buf_clear(&w->line);
	return 0;
}

static int on_record(void *arg, const cw_jobject *record)
{
	writer *w = arg;
	const cw_jv *status = cw_jobject_get(record, "status");
	/* in a full pull, a row the SIS marks deleted is simply not there */
	if (w->bulk && status && cw_jv_equals(status, "tobedeleted")) {
		w->deleted++;
		return 0;
	}
	int err = cw_or_json_rows_put(w->rows, &w->line, record);
	if (err == 0)
		err = flush_line(w, w->file);
	if (err == 0 && w->roles && w->version == CW_OR_V1P2 &&
	    (err = cw_or_json_rows_roles(w->rows, &w->line, record)) == 0)
		err = flush_line(w, w->roles);
	return err;
}

static FILE *open_csv(const char *dir, const char *name, writer *w,
                      cw_or_entity entity)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.csv", dir, name);
	FILE *f = fopen(path, "wbx");
	if (!f) {
		cw_error_set("cannot create %s", path);
		return NULL;
	}
	cw_buf_clear(&w->line);
	if (cw_or_json_csv_header(&w->line, w->version, entity) < 0 ||
	    flush_line(w, f) < 0) {
		fclose(f);
		return NULL;
	}
	return f;
}

static int close_csv(FILE *f, int err)
{
	if (f && fclose(f) != 0 && err == 0) {
		cw_error_set("cannot write the pulled set");
		err = CW_EIO;
	}
	return err;
}

/* One collection into its file (and roles.csv for 1.2 users). */
static int pull_one(cw_or_client *client, const char *dir, writer *w,
                    const cw_sis_pull_options *o, cw_sis_pull_report *r)
{
	const cw_or_file *f = cw_or_file_for(w->version, w->entity);
	cw_or_pull_stats st = { 0 };
	const char *collection = cw_or_rest_collection(w->entity) + 1;
	int err;
	w->roles = NULL;
	if ((err = cw_or_json_rows_new(&w->rows, w->version, w->entity,
	                               w->bulk)) < 0)
		return err;
	if (!(w->file = open_csv(dir, f->name, w, w->entity))) {
		cw_or_json_rows_free(w->rows);
		w->rows = NULL;
		return CW_EIO;
	}
	if (w->entity == CW_OR_USERS && w->version == CW_OR_V1P2 &&
	    !(w->roles = open_csv(dir, "roles", w, CW_OR_ROLES)))
		err = CW_EIO;
	if (err == 0)
		err = cw_or_client_pull_objects(client, collection, o->filter,
		                                on_record, w, &st);
	err = close_csv(w->roles, close_csv(w->file, err));
	cw_or_json_rows_free(w->rows);
	w->rows = NULL;
	r->records[w->entity] = st.records;
	r->totals.pages += st.pages;
	r->totals.records += st.records;
	r->totals.duplicates += st.duplicates;
	r->totals.requests += st.requests;
	r->totals.retries += st.retries;
	r->totals.token_fetches += st.token_fetches;
	if (err < 0 && !r->failure[0])
		snprintf(r->failure, sizeof(r->failure), "%s: %s", collection,
		         cw_error_last());
	return err;
}

static int write_manifest(const char *dir, const cw_sis_pull_options *o,
                          size_t count)
{
	char path[4096];
	const char *mode = o->filter ? "delta" : "bulk";
	snprintf(path, sizeof(path), "%s/manifest.csv", dir);
	FILE *f = fopen(path, "wbx");
	if (!f)
		return CW_EIO;
	fprintf(f, "propertyName,value\r\noneroster.version,%s\r\n",
	        o->version == CW_OR_V1P1 ? "1.1" : "1.2");
	for (size_t i = 0; i < count; i++)
		fprintf(f, "file.%s,%s\r\n",
		        cw_or_file_for(o->version, rostering[i])->name, mode);
	if (o->version == CW_OR_V1P2)
		fprintf(f, "file.roles,%s\r\n", mode);
	return close_csv(f, 0);
}

int cw_sis_pull(const char *dir, const cw_sis_pull_options *o,
                cw_sis_pull_report *r)
{
	cw_or_client *client = NULL;
	writer w = { NULL,       NULL,       CW_BUF_INIT(FILE_BUFFER), NULL,
		     o->version, CW_OR_NONE, o->filter == NULL,        0,
		     0 };
	size_t count = sizeof(rostering) / sizeof(rostering[0]);
	int err = cw_or_client_new(&client, &o->client);
	memset(r, 0, sizeof(*r));
	if (!o->demographics)
		count--; /* demographics is last */
	for (size_t i = 0; err == 0 && i < count; i++) {
		w.entity = rostering[i];
		err = pull_one(client, dir, &w, o, r);
	}
	if (err == 0 && (err = write_manifest(dir, o, count)) < 0)
		snprintf(r->failure, sizeof(r->failure),
		         "cannot write manifest.csv");
	cw_or_client_free(client);
	cw_buf_dispose(&w.line);
	return err;
}
