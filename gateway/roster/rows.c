/* One data file of a OneRoster CSV set: the header maps CSV columns to schema
 * columns; each row is checked column by column. Normalised values go to a
 * per-row scratch buffer, so a row costs no allocation once warmed up. */
#include "roster/rows.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/limits.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define UNKNOWN_COLUMN     (-1)
#define METADATA_COLUMN    (-2)
#define MAX_SCHEMA_COLUMNS 32

struct cw_or_reader {
	const cw_or_file *file;
	cw_or_mode mode;
	char *filename;
	cw_diag_cb on_diag;
	cw_or_row_cb on_row;
	void *payload;
	cw_csv *csv;
	int header_done;
	int header_fatal;
	size_t header_count;
	int *csv_to_schema; /* per CSV column */
	int schema_to_csv[MAX_SCHEMA_COLUMNS];
	size_t metadata_count;
	char **metadata_names;
	size_t *metadata_csv;
	/* per row */
	const char *values[MAX_SCHEMA_COLUMNS];
	long normalized[MAX_SCHEMA_COLUMNS]; /* offset in scratch, or -1 */
	uint32_t columns[MAX_SCHEMA_COLUMNS];
	const char **metadata_values;
	cw_buf scratch;
	int row_errors;
	cw_or_counts counts;
};

static void diag(cw_or_reader *r, uint32_t line, uint32_t column,
                 cw_diag_severity severity, const char *code, const char *fmt,
                 ...) __attribute__((format(printf, 6, 7)));

static void diag(cw_or_reader *r, uint32_t line, uint32_t column,
                 cw_diag_severity severity, const char *code, const char *fmt,
                 ...)
{
	va_list ap;

	if (severity == CW_DIAG_ERROR) {
		r->counts.errors++;
		r->row_errors++;
	} else {
		r->counts.warnings++;
	}
	va_start(ap, fmt);
	cw_diag_vemit(r->on_diag, r->payload, r->filename, line, column,
	              severity, code, fmt, ap);
	va_end(ap);
}

/* Quotes at most 60 bytes of a value for a message. */
static const char *shown(const char *value, char out[80])
{
	size_t len = strlen(value);

	if (len > 60)
		snprintf(out, 80, "%.57s...", value);
	else
		snprintf(out, 80, "%s", value);
	return out;
}

/* ---- header -------------------------------------------------------------- */

static int take_header(cw_or_reader *r, const cw_csv_record *rec)
{
	const cw_or_file *f = r->file;

	r->header_count = rec->count;
	r->csv_to_schema = cw_calloc(rec->count, sizeof(int));
	r->metadata_names = cw_calloc(rec->count, sizeof(char *));
	r->metadata_csv = cw_calloc(rec->count, sizeof(size_t));
	r->metadata_values = cw_calloc(rec->count, sizeof(char *));
	if (!r->csv_to_schema || !r->metadata_names || !r->metadata_csv ||
	    !r->metadata_values)
		return CW_ENOMEM;
	for (size_t i = 0; i < f->column_count; i++)
		r->schema_to_csv[i] = -1;
	for (size_t i = 0; i < rec->count; i++) {
		const char *name = rec->fields[i];
		int index = cw_or_column_index(f, name);
		char buf[80];

		if (index >= 0) {
			if (r->schema_to_csv[index] >= 0) {
				diag(r, rec->line, rec->columns[i],
				     CW_DIAG_ERROR, "header.duplicate_column",
				     "column \"%s\" appears twice", name);
				r->header_fatal = 1;
			}
			r->schema_to_csv[index] = (int)i;
			r->csv_to_schema[i] = index;
		} else if (strncmp(name, "metadata.", 9) == 0 && name[9]) {
			r->csv_to_schema[i] = METADATA_COLUMN;
			r->metadata_names[r->metadata_count] =
			        cw_strdup(name + 9);
			if (!r->metadata_names[r->metadata_count])
				return CW_ENOMEM;
			r->metadata_csv[r->metadata_count++] = i;
		} else {
			r->csv_to_schema[i] = UNKNOWN_COLUMN;
			diag(r, rec->line, rec->columns[i], CW_DIAG_WARNING,
			     "header.unknown_column",
			     "unknown column \"%s\" is ignored (extension "
			     "columns are named metadata.*)",
			     shown(name, buf));
		}
	}
	for (size_t i = 0; i < f->column_count; i++) {
		const cw_or_column *c = &f->columns[i];
		int needed = (c->flags & CW_OR_REQUIRED) ||
		             (r->mode == CW_OR_DELTA &&
		              (c->type == CW_OR_STATUS ||
		               strcmp(c->name, "dateLastModified") == 0));

		if (r->schema_to_csv[i] < 0 && needed) {
			diag(r, rec->line, 0, CW_DIAG_ERROR,
			     "header.missing_column",
			     "required column \"%s\" is missing", c->name);
			r->header_fatal = 1;
		}
	}
	r->header_done = 1;
	return 0;
}

/* ---- values -------------------------------------------------------------- */

/* Records a normalised value for schema column i. */
static int normalize(cw_or_reader *r, size_t i, const char *value, size_t len)
{
	long offset = (long)r->scratch.len;

	cw_buf_put(&r->scratch, value, len);
	if (cw_buf_putc(&r->scratch, '\0') < 0)
		return r->scratch.error;
	r->normalized[i] = offset;
	return 0;
}

static int extension_token(const char *s, size_t len)
{
	if (len <= 4 || strncmp(s, "ext:", 4) != 0)
		return 0;
	for (size_t i = 4; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

/* Matches one vocabulary item; *fixed gets the canonical spelling when only
 * the case differed. Returns 1 exact, 2 case-folded, 0 no match. */
static int vocabulary_match(const cw_or_column *c, const char *s, size_t len,
                            const char **fixed)
{
	if ((c->flags & CW_OR_EXTENSIBLE) && extension_token(s, len))
		return 1;
	for (const char *const *v = c->values; *v; v++) {
		if (strlen(*v) != len)
			continue;
		if (strncmp(*v, s, len) == 0)
			return 1;
		if (strncasecmp(*v, s, len) == 0) {
			*fixed = *v;
			return 2;
		}
	}
	return 0;
}

static void vocabulary_text(const cw_or_column *c, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (const char *const *v = c->values; *v && used < size; v++)
		used += (size_t)snprintf(out + used, size - used, "%s%s",
		                         v == c->values ? "" : ", ", *v);
	if ((c->flags & CW_OR_EXTENSIBLE) && used < size)
		snprintf(out + used, size - used, ", or ext:NAME");
}

typedef struct {
	cw_or_reader *r;
	const cw_csv_record *rec;
	size_t schema; /* schema column index */
	size_t csv;    /* CSV column index */
} cell;

static void cell_error(const cell *c, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void cell_error(const cell *c, const char *code, const char *fmt, ...)
{
	char message[500];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	diag(c->r, c->rec->line, c->rec->columns[c->csv], CW_DIAG_ERROR, code,
	     "%s: %s", c->r->file->columns[c->schema].name, message);
}

static void cell_warning(const cell *c, const char *code, const char *was,
                         const char *now)
{
	char a[80], b[80];

	diag(c->r, c->rec->line, c->rec->columns[c->csv], CW_DIAG_WARNING, code,
	     "%s: \"%s\" read as \"%s\"", c->r->file->columns[c->schema].name,
	     shown(was, a), shown(now, b));
}

static int check_enum(const cell *c, const char *value, size_t len)
{
	const cw_or_column *col = &c->r->file->columns[c->schema];
	const char *fixed = NULL;
	char allowed[400], buf[80];
	int match = vocabulary_match(col, value, len, &fixed);

	if (match == 0) {
		vocabulary_text(col, allowed, sizeof(allowed));
		cell_error(c, "value.enum", "\"%s\" is not one of %s",
		           shown(value, buf), allowed);
		return 0;
	}
	if (match == 2) {
		cell_warning(c, "value.enum_case", value, fixed);
		return normalize(c->r, c->schema, fixed, strlen(fixed));
	}
	return 0;
}

static int check_bool(const cell *c, const char *value)
{
	char buf[80];

	if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
		return 0;
	if (strcasecmp(value, "true") == 0 || strcasecmp(value, "false") == 0) {
		const char *fixed = tolower((unsigned char)value[0]) == 't'
		                            ? "true"
		                            : "false";
		cell_warning(c, "value.bool_case", value, fixed);
		return normalize(c->r, c->schema, fixed, strlen(fixed));
	}
	cell_error(c, "value.bool", "\"%s\" is not true or false",
	           shown(value, buf));
	return 0;
}

static void check_number(const cell *c, const char *value, int integer)
{
	char *end = NULL, buf[80];

	errno = 0;
	if (integer) {
		(void)strtoll(value, &end, 10);
	} else {
		double d = strtod(value, &end);
		if (!isfinite(d))
			end = (char *)value;
	}
	if (errno || end == value || *end || isspace((unsigned char)value[0]))
		cell_error(c, integer ? "value.integer" : "value.number",
		           "\"%s\" is not %s", shown(value, buf),
		           integer ? "a whole number" : "a number");
}

static int check_datetime(const cell *c, const char *value, size_t len)
{
	char canonical[25], buf[80];
	int result = cw_or_datetime_normalize(canonical, value, len);

	if (result == 0) {
		cell_error(c, "value.datetime",
		           "\"%s\" is not a date-time "
		           "(YYYY-MM-DDTHH:MM:SS.sssZ)",
		           shown(value, buf));
		return 0;
	}
	if (result == 2) {
		cell_warning(c, "value.datetime_normalized", value, canonical);
		return normalize(c->r, c->schema, canonical, 24);
	}
	return 0;
}

/* Calls check on each comma-separated item; reports empty items. */
static int each_item(const cell *c, const char *value,
                     int (*check)(const cell *, const char *, size_t))
{
	const char *p = value;
	int bad = 0;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == 0) {
			cell_error(c, "value.list_empty_item",
			           "empty item in the list \"%s\"", value);
			return 0;
		}
		if (!check(c, p, len))
			bad = 1;
		if (!comma)
			break;
		p = comma + 1;
	}
	return !bad;
}

static int item_guid(const cell *c, const char *s, size_t len)
{
	if (cw_or_guid_valid(s, len))
		return 1;
	cell_error(c, "value.guid",
	           "\"%.*s\" is not a sourcedId (1 to 255 of A-Z a-z 0-9 . / @ "
	           "_ -)",
	           (int)(len > 60 ? 60 : len), s);
	return 0;
}

static int item_any(const cell *c, const char *s, size_t len)
{
	(void)c;
	(void)s;
	(void)len;
	return 1;
}

static int item_pair(const cell *c, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);

	if (len >= 5 && s[0] == '{' && s[len - 1] == '}' && colon &&
	    colon > s + 1 && colon < s + len - 2)
		return 1;
	cell_error(c, "value.pair_list", "\"%.*s\" is not {key:value}",
	           (int)(len > 60 ? 60 : len), s);
	return 0;
}

static int item_enum(const cell *c, const char *s, size_t len)
{
	const cw_or_column *col = &c->r->file->columns[c->schema];
	const char *fixed = NULL;
	char allowed[400];

	if (vocabulary_match(col, s, len, &fixed) == 1)
		return 1;
	vocabulary_text(col, allowed, sizeof(allowed));
	cell_error(c, "value.enum", "\"%.*s\" is not one of %s",
	           (int)(len > 60 ? 60 : len), s, allowed);
	return 0;
}

static int check_status(const cell *c, const char *value)
{
	char buf[80];

	if (strcmp(value, "active") == 0 || strcmp(value, "tobedeleted") == 0)
		return 0;
	if (strcasecmp(value, "active") == 0 ||
	    strcasecmp(value, "tobedeleted") == 0) {
		const char *fixed = tolower((unsigned char)value[0]) == 'a'
		                            ? "active"
		                            : "tobedeleted";
		cell_warning(c, "value.enum_case", value, fixed);
		return normalize(c->r, c->schema, fixed, strlen(fixed));
	}
	cell_error(c, "value.status", "\"%s\" is not active or tobedeleted%s",
	           shown(value, buf),
	           strcasecmp(value, "inactive") == 0
	                   ? " (inactive is a OneRoster 1.0 value)"
	                   : "");
	return 0;
}

static int check_value(const cell *c, const char *value, size_t len)
{
	const cw_or_column *col = &c->r->file->columns[c->schema];
	char buf[80];
	int year;

	switch (col->type) {
	case CW_OR_STRING: return 0;
	case CW_OR_GUID: item_guid(c, value, len); return 0;
	case CW_OR_GUID_LIST: each_item(c, value, item_guid); return 0;
	case CW_OR_STRING_LIST: each_item(c, value, item_any); return 0;
	case CW_OR_PAIR_LIST: each_item(c, value, item_pair); return 0;
	case CW_OR_ENUM: return check_enum(c, value, len);
	case CW_OR_ENUM_LIST: each_item(c, value, item_enum); return 0;
	case CW_OR_DATE:
		if (!cw_or_date_valid(value, len))
			cell_error(c, "value.date",
			           "\"%s\" is not a date (YYYY-MM-DD)",
			           shown(value, buf));
		return 0;
	case CW_OR_DATETIME: return check_datetime(c, value, len);
	case CW_OR_YEAR:
		if (len != 4 || !isdigit((unsigned char)value[0]) ||
		    sscanf(value, "%4d", &year) != 1 ||
		    strspn(value, "0123456789") != 4)
			cell_error(c, "value.year",
			           "\"%s\" is not a year (YYYY)",
			           shown(value, buf));
		return 0;
	case CW_OR_BOOL: return check_bool(c, value);
	case CW_OR_INT: check_number(c, value, 1); return 0;
	case CW_OR_FLOAT: check_number(c, value, 0); return 0;
	case CW_OR_STATUS: return check_status(c, value);
	}
	return 0;
}

/* ---- rows ---------------------------------------------------------------- */

/* Bulk rows leave status and dateLastModified blank; delta rows need both. */
static void lifecycle_rules(cw_or_reader *r, const cw_csv_record *rec)
{
	for (size_t i = 1; i <= 2; i++) {
		int at = r->schema_to_csv[i];
		const char *name = r->file->columns[i].name;
		int present = at >= 0 && rec->lengths[at] > 0;
		uint32_t column = at >= 0 ? rec->columns[at] : 0;

		if (r->mode == CW_OR_BULK && present)
			diag(r, rec->line, column, CW_DIAG_ERROR,
			     "row.bulk_lifecycle",
			     "%s must be blank in a bulk file", name);
		else if (r->mode == CW_OR_DELTA && !present)
			diag(r, rec->line, column, CW_DIAG_ERROR,
			     "row.delta_lifecycle",
			     "%s is required in a delta file", name);
	}
}

/* subjects and subjectCodes are positional pairs. */
static void subject_pairs(cw_or_reader *r, const cw_csv_record *rec)
{
	int s = cw_or_column_index(r->file, "subjects");
	int codes = cw_or_column_index(r->file, "subjectCodes");
	const char *a, *b;
	size_t na = 1, nb = 1;

	if (s < 0 || codes < 0 || r->schema_to_csv[s] < 0 ||
	    r->schema_to_csv[codes] < 0)
		return;
	a = rec->fields[r->schema_to_csv[s]];
	b = rec->fields[r->schema_to_csv[codes]];
	if (!*a || !*b)
		return;
	for (const char *p = a; *p; p++)
		na += *p == ',';
	for (const char *p = b; *p; p++)
		nb += *p == ',';
	if (na != nb)
		diag(r, rec->line, rec->columns[r->schema_to_csv[codes]],
		     CW_DIAG_ERROR, "row.subject_codes",
		     "subjectCodes has %zu items but subjects has %zu; they "
		     "are pairs",
		     nb, na);
}

static int take_row(cw_or_reader *r, const cw_csv_record *rec)
{
	const cw_or_file *f = r->file;
	cw_or_row row;
	int err = 0, deletion;

	if (rec->count == 1 && rec->lengths[0] == 0) {
		diag(r, rec->line, 0, CW_DIAG_WARNING, "row.blank_line",
		     "blank line ignored");
		return 0;
	}
	r->counts.rows++;
	r->row_errors = 0;
	cw_buf_clear(&r->scratch);
	if (rec->count != r->header_count) {
		diag(r, rec->line, 0, CW_DIAG_ERROR, "row.field_count",
		     "%zu fields, but the header has %zu", rec->count,
		     r->header_count);
		return 0;
	}
	deletion = r->mode == CW_OR_DELTA && r->schema_to_csv[1] >= 0 &&
	           strcasecmp(rec->fields[r->schema_to_csv[1]],
	                      "tobedeleted") == 0;
	for (size_t i = 0; i < f->column_count && err == 0; i++) {
		int at = r->schema_to_csv[i];
		const cw_or_column *col = &f->columns[i];
		cell c = { r, rec, i, at < 0 ? 0 : (size_t)at };

		r->normalized[i] = -1;
		r->columns[i] = at < 0 ? 0 : rec->columns[at];
		if (at < 0 || rec->lengths[at] == 0) {
			/* A deletion needs only its sourcedId. */
			if ((col->flags & CW_OR_REQUIRED) && at >= 0 &&
			    !deletion)
				cell_error(&c, "value.required",
				           "a value is required");
			continue;
		}
		err = check_value(&c, rec->fields[at], rec->lengths[at]);
	}
	if (err < 0)
		return err;
	lifecycle_rules(r, rec);
	subject_pairs(r, rec);
	if (r->scratch.error)
		return r->scratch.error;
	for (size_t i = 0; i < f->column_count; i++) {
		int at = r->schema_to_csv[i];
		r->values[i] = r->normalized[i] >= 0
		                       ? r->scratch.data + r->normalized[i]
		               : at >= 0 ? rec->fields[at]
		                         : "";
	}
	for (size_t m = 0; m < r->metadata_count; m++)
		r->metadata_values[m] = rec->fields[r->metadata_csv[m]];
	row.file = f;
	row.line = rec->line;
	row.values = r->values;
	row.columns = r->columns;
	row.metadata_count = r->metadata_count;
	row.metadata_names = (const char *const *)r->metadata_names;
	row.metadata_values = r->metadata_values;
	row.has_errors = r->row_errors > 0;
	return r->on_row ? r->on_row(&row, r->payload) : 0;
}

static int on_record(const cw_csv_record *rec, void *payload)
{
	cw_or_reader *r = payload;

	if (!r->header_done)
		return take_header(r, rec);
	if (r->header_fatal)
		return 0; /* rows cannot be read against a broken header */
	return take_row(r, rec);
}

static void on_problem(const cw_csv_problem *p, void *payload)
{
	cw_or_reader *r = payload;

	diag(r, p->line, p->column, CW_DIAG_ERROR, p->code, "%s", p->message);
}

/* ---- lifetime ------------------------------------------------------------ */

int cw_or_reader_new(cw_or_reader **out, const cw_or_file *file,
                     cw_or_mode mode, const char *filename, cw_diag_cb on_diag,
                     cw_or_row_cb on_row, void *payload)
{
	static const cw_csv_limits limits = { CW_LIMIT_CSV_FIELD,
		                              CW_LIMIT_CSV_RECORD,
		                              CW_LIMIT_CSV_FIELDS };
	cw_or_reader *r;
	int err;

	*out = NULL;
	if (file->column_count > MAX_SCHEMA_COLUMNS)
		return CW_EINVAL;
	r = cw_calloc(1, sizeof(*r));
	if (!r)
		return CW_ENOMEM;
	r->file = file;
	r->mode = mode;
	r->on_diag = on_diag;
	r->on_row = on_row;
	r->payload = payload;
	r->scratch = (cw_buf)CW_BUF_INIT(CW_LIMIT_CSV_RECORD * 2);
	r->filename = cw_strdup(filename);
	err = r->filename
	              ? cw_csv_new(&r->csv, &limits, on_record, on_problem, r)
	              : CW_ENOMEM;
	if (err < 0) {
		cw_or_reader_free(r);
		return err;
	}
	*out = r;
	return 0;
}

int cw_or_reader_feed(cw_or_reader *r, const char *data, size_t len)
{
	return cw_csv_feed(r->csv, data, len);
}

int cw_or_reader_finish(cw_or_reader *r)
{
	int err = cw_csv_finish(r->csv);

	if (err == 0 && !r->header_done)
		diag(r, 0, 0, CW_DIAG_ERROR, "header.missing",
		     "the file is empty: it has no header line");
	return err;
}

cw_or_counts cw_or_reader_counts(const cw_or_reader *r)
{
	return r->counts;
}

void cw_or_reader_free(cw_or_reader *r)
{
	if (!r)
		return;
	cw_csv_free(r->csv);
	for (size_t i = 0; i < r->metadata_count; i++)
		cw_free(r->metadata_names[i]);
	cw_free(r->metadata_names);
	cw_free(r->metadata_csv);
	cw_free(r->metadata_values);
	cw_free(r->csv_to_schema);
	cw_buf_dispose(&r->scratch);
	cw_free(r->filename);
	cw_free(r);
}
