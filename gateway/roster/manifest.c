/* The manifest is small (tens of lines): it is read whole, its properties
 * collected, then judged once the version is known. */
#include "roster/manifest.h"

#include "util/alloc.h"
#include "util/csv.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_PROPERTIES 64
#define MANIFEST       "manifest.csv"

typedef struct {
	char name[96];
	char value[128];
	uint32_t line;
	uint32_t column; /* of the value */
} property;

typedef struct {
	property props[MAX_PROPERTIES];
	size_t count;
	int header_seen;
	int errors;
	cw_diag_cb on_diag;
	void *payload;
} state;

static void report(state *st, uint32_t line, uint32_t column,
                   cw_diag_severity severity, const char *code, const char *fmt,
                   ...) __attribute__((format(printf, 6, 7)));

static void report(state *st, uint32_t line, uint32_t column,
                   cw_diag_severity severity, const char *code, const char *fmt,
                   ...)
{
	va_list ap;

	if (severity == CW_DIAG_ERROR)
		st->errors++;
	va_start(ap, fmt);
	cw_diag_vemit(st->on_diag, st->payload, MANIFEST, line, column,
	              severity, code, fmt, ap);
	va_end(ap);
}

static int on_record(const cw_csv_record *rec, void *payload)
{
	state *st = payload;
	property *p;

	if (!st->header_seen) {
		st->header_seen = 1;
		if (rec->count != 2 || strcmp(rec->fields[0], "propertyName") ||
		    strcmp(rec->fields[1], "value"))
			report(st, rec->line, 1, CW_DIAG_ERROR,
			       "manifest.header",
			       "the header must be exactly propertyName,value");
		return 0;
	}
	if (rec->count == 1 && rec->lengths[0] == 0)
		return 0;
	if (rec->count != 2) {
		report(st, rec->line, 0, CW_DIAG_ERROR, "manifest.field_count",
		       "%zu fields; a manifest line is propertyName,value",
		       rec->count);
		return 0;
	}
	for (size_t i = 0; i < st->count; i++)
		if (strcmp(st->props[i].name, rec->fields[0]) == 0) {
			report(st, rec->line, 1, CW_DIAG_ERROR,
			       "manifest.duplicate_property",
			       "%.80s is also on line %u", rec->fields[0],
			       st->props[i].line);
			return 0;
		}
	if (st->count == MAX_PROPERTIES) {
		report(st, rec->line, 0, CW_DIAG_ERROR, "manifest.too_long",
		       "more than %d properties", MAX_PROPERTIES);
		return CW_EINVAL;
	}
	if (rec->lengths[0] >= sizeof(p->name) ||
	    rec->lengths[1] >= sizeof(p->value)) {
		report(st, rec->line, 1, CW_DIAG_ERROR, "manifest.too_long",
		       "property name or value too long");
		return 0;
	}
	p = &st->props[st->count++];
	memcpy(p->name, rec->fields[0], rec->lengths[0] + 1);
	memcpy(p->value, rec->fields[1], rec->lengths[1] + 1);
	p->line = rec->line;
	p->column = rec->columns[1];
	return 0;
}

static void on_problem(const cw_csv_problem *pr, void *payload)
{
	report(payload, pr->line, pr->column, CW_DIAG_ERROR, pr->code, "%s",
	       pr->message);
}

static const property *find(const state *st, const char *name)
{
	for (size_t i = 0; i < st->count; i++)
		if (strcmp(st->props[i].name, name) == 0)
			return &st->props[i];
	return NULL;
}

static int read_version(cw_or_manifest *out, state *st)
{
	const property *v = find(st, "oneroster.version");

	if (!v) {
		report(st, 0, 0, CW_DIAG_ERROR, "manifest.version_missing",
		       "oneroster.version is missing (1.1 or 1.2)");
		return 0;
	}
	if (strcmp(v->value, "1.1") == 0) {
		out->version = CW_OR_V1P1;
	} else if (strcmp(v->value, "1.2") == 0) {
		out->version = CW_OR_V1P2;
	} else if (strcmp(v->value, "1.2.1") == 0) {
		report(st, v->line, v->column, CW_DIAG_WARNING,
		       "manifest.version_normalized",
		       "oneroster.version 1.2.1 read as 1.2");
		out->version = CW_OR_V1P2;
	} else {
		report(st, v->line, v->column, CW_DIAG_ERROR,
		       "manifest.version",
		       "oneroster.version \"%.40s\" is not 1.1 or 1.2",
		       v->value);
		return 0;
	}
	return 1;
}

static void read_file_mode(cw_or_manifest *out, state *st, const property *p)
{
	const cw_or_file *f = cw_or_file_named(out->version, p->name + 5);

	if (!f) {
		report(st, p->line, 1, CW_DIAG_ERROR, "manifest.unknown_file",
		       "%.80s: OneRoster %s has no file %.60s.csv", p->name,
		       out->version == CW_OR_V1P1 ? "1.1" : "1.2", p->name + 5);
		return;
	}
	if (p->value[0] == '\0') {
		report(st, p->line, p->column, CW_DIAG_WARNING,
		       "manifest.empty_value", "%s is empty: read as absent",
		       p->name);
		out->files[f->entity] = CW_OR_FILE_ABSENT;
	} else if (strcasecmp(p->value, "bulk") == 0) {
		out->files[f->entity] = CW_OR_FILE_BULK;
	} else if (strcasecmp(p->value, "delta") == 0) {
		out->files[f->entity] = CW_OR_FILE_DELTA;
	} else if (strcasecmp(p->value, "absent") == 0) {
		out->files[f->entity] = CW_OR_FILE_ABSENT;
	} else {
		report(st, p->line, p->column, CW_DIAG_ERROR,
		       "manifest.file_mode",
		       "%s: \"%.40s\" is not bulk, delta or absent", p->name,
		       p->value);
		return;
	}
	if (strcmp(p->value, "bulk") && strcmp(p->value, "delta") &&
	    strcmp(p->value, "absent") && p->value[0])
		report(st, p->line, p->column, CW_DIAG_WARNING,
		       "manifest.mode_case", "%s: \"%s\" read in lower case",
		       p->name, p->value);
}

static void judge(cw_or_manifest *out, state *st)
{
	size_t count;
	const cw_or_file *files;

	for (size_t i = 0; i < st->count; i++) {
		const property *p = &st->props[i];

		if (strncmp(p->name, "file.", 5) == 0)
			read_file_mode(out, st, p);
		else if (strcmp(p->name, "source.systemName") == 0)
			snprintf(out->source_name, sizeof(out->source_name),
			         "%s", p->value);
		else if (strcmp(p->name, "source.systemCode") == 0)
			snprintf(out->source_code, sizeof(out->source_code),
			         "%s", p->value);
		else if (strcmp(p->name, "manifest.version") == 0 &&
		         strcmp(p->value, "1.0") != 0)
			report(st, p->line, p->column, CW_DIAG_WARNING,
			       "manifest.manifest_version",
			       "manifest.version \"%.40s\" (expected 1.0)",
			       p->value);
		else if (strcmp(p->name, "manifest.version") &&
		         strcmp(p->name, "oneroster.version"))
			report(st, p->line, 1, CW_DIAG_WARNING,
			       "manifest.unknown_property",
			       "unknown property %.80s ignored", p->name);
	}
	files = cw_or_files(out->version, &count);
	{
		char missing[1024] = "";
		size_t used = 0;

		for (size_t i = 0; i < count; i++) {
			char name[80];

			snprintf(name, sizeof(name), "file.%s", files[i].name);
			if (find(st, name) || used >= sizeof(missing))
				continue;
			used += (size_t)snprintf(missing + used,
			                         sizeof(missing) - used, "%s%s",
			                         used ? ", " : "", name);
		}
		if (used)
			report(st, 0, 0, CW_DIAG_WARNING,
			       "manifest.file_not_listed",
			       "not listed, so read as absent: %s", missing);
	}
}

int cw_or_manifest_parse(cw_or_manifest *out, const char *buf, size_t len,
                         cw_diag_cb on_diag, void *payload)
{
	static const cw_csv_limits limits = { 512, 2048, 16 };
	state *st = cw_calloc(1, sizeof(*st));
	cw_csv *csv = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	if (!st)
		return CW_ENOMEM;
	st->on_diag = on_diag;
	st->payload = payload;
	err = cw_csv_new(&csv, &limits, on_record, on_problem, st);
	if (err == 0)
		err = cw_csv_feed(csv, buf, len);
	if (err == 0)
		err = cw_csv_finish(csv);
	if (err == 0 && !st->header_seen)
		report(st, 0, 0, CW_DIAG_ERROR, "manifest.empty",
		       "manifest.csv is empty");
	if (err == 0 && st->header_seen && read_version(out, st))
		judge(out, st);
	if (err == 0 && st->errors)
		err = CW_EINVAL;
	if (err < 0 && err != CW_ENOMEM)
		err = CW_EINVAL;
	cw_csv_free(csv);
	cw_free(st);
	return err;
}
