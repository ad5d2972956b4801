/* CSV reader: a byte state machine with a fast path for runs of ordinary
 * bytes. A record is kept in one buffer, fields separated by NULs, so handing
 * it out costs no copies. */
#include "util/csv.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

enum state { START_FIELD, UNQUOTED, QUOTED, QUOTE_SEEN };

struct cw_csv {
	cw_csv_limits limits;
	cw_csv_record_cb on_record;
	cw_csv_problem_cb on_problem;
	void *payload;
	enum state state;
	char *buf; /* the record: fields with NUL after each */
	size_t len, alloc;
	size_t *offsets, *lengths;
	uint32_t *columns;
	char **pointers;
	size_t count, fields_alloc;
	size_t field_start;
	uint32_t line, column; /* of the next byte */
	uint32_t record_line, field_column, quote_line, quote_column;
	int after_cr;    /* last byte was CR: a LF now is no line */
	int record_open; /* something read since the last record */
	size_t bom_seen; /* bytes of the BOM matched so far */
	int started;     /* past the BOM check */
	int failed;
	uint64_t records;
};

static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };

int cw_csv_new(cw_csv **out, const cw_csv_limits *limits,
               cw_csv_record_cb on_record, cw_csv_problem_cb on_problem,
               void *payload)
{
	cw_csv *csv = cw_calloc(1, sizeof(*csv));

	*out = NULL;
	if (!csv)
		return CW_ENOMEM;
	csv->limits = *limits;
	csv->on_record = on_record;
	csv->on_problem = on_problem;
	csv->payload = payload;
	csv->line = csv->record_line = 1;
	csv->column = csv->field_column = 1;
	*out = csv;
	return 0;
}

void cw_csv_free(cw_csv *csv)
{
	if (!csv)
		return;
	cw_free(csv->buf);
	cw_free(csv->offsets);
	cw_free(csv->lengths);
	cw_free(csv->columns);
	cw_free(csv->pointers);
	cw_free(csv);
}

uint64_t cw_csv_records(const cw_csv *csv)
{
	return csv->records;
}

static void report(cw_csv *csv, uint32_t line, uint32_t column,
                   const char *code, const char *message, int fatal)
{
	cw_csv_problem problem = { line, column, code, message, fatal };

	if (fatal)
		csv->failed = 1;
	if (csv->on_problem)
		csv->on_problem(&problem, csv->payload);
}

static int fail(cw_csv *csv, const char *code, const char *message)
{
	report(csv, csv->line, csv->column, code, message, 1);
	cw_error_set("%u:%u: %s", csv->line, csv->column, message);
	return CW_EINVAL;
}

static int reserve(cw_csv *csv, size_t extra)
{
	size_t need = csv->len + extra + 1, alloc;
	char *grown;

	if (need <= csv->alloc)
		return 0;
	alloc = csv->alloc ? csv->alloc : 256;
	while (alloc < need)
		alloc *= 2;
	grown = cw_realloc(csv->buf, alloc);
	if (!grown)
		return CW_ENOMEM;
	csv->buf = grown;
	csv->alloc = alloc;
	return 0;
}

static int append(cw_csv *csv, const char *data, size_t n)
{
	if (csv->len - csv->field_start + n > csv->limits.max_field)
		return fail(csv, "csv.field_too_long",
		            "field longer than the limit");
	if (csv->len + n > csv->limits.max_record)
		return fail(csv, "csv.record_too_long",
		            "record longer than the limit");
	if (reserve(csv, n) < 0)
		return CW_ENOMEM;
	memcpy(csv->buf + csv->len, data, n);
	csv->len += n;
	return 0;
}

static int grow_fields(cw_csv *csv)
{
	size_t n = csv->fields_alloc ? csv->fields_alloc * 2 : 32;
	size_t *offsets = cw_realloc(csv->offsets, n * sizeof(size_t));
	size_t *lengths =
	        offsets ? cw_realloc(csv->lengths, n * sizeof(size_t)) : NULL;
	uint32_t *columns =
	        lengths ? cw_realloc(csv->columns, n * sizeof(uint32_t)) : NULL;
	char **pointers =
	        columns ? cw_realloc(csv->pointers, n * sizeof(char *)) : NULL;

	if (offsets)
		csv->offsets = offsets;
	if (lengths)
		csv->lengths = lengths;
	if (columns)
		csv->columns = columns;
	if (!pointers)
		return CW_ENOMEM;
	csv->pointers = pointers;
	csv->fields_alloc = n;
	return 0;
}

static int end_field(cw_csv *csv)
{
	if (csv->count >= csv->limits.max_fields)
		return fail(csv, "csv.too_many_fields",
		            "more fields in a record than the limit");
	if (csv->count == csv->fields_alloc && grow_fields(csv) < 0)
		return CW_ENOMEM;
	if (reserve(csv, 1) < 0)
		return CW_ENOMEM;
	csv->offsets[csv->count] = csv->field_start;
	csv->lengths[csv->count] = csv->len - csv->field_start;
	csv->columns[csv->count] = csv->field_column;
	csv->count++;
	csv->buf[csv->len++] = '\0';
	csv->field_start = csv->len;
	csv->state = START_FIELD;
	return 0;
}

static void check_utf8(cw_csv *csv)
{
	for (size_t i = 0; i < csv->count; i++)
		if (!cw_utf8_valid(csv->pointers[i], csv->lengths[i]))
			report(csv, csv->record_line, csv->columns[i],
			       "csv.invalid_utf8", "field is not valid UTF-8",
			       0);
}

static int end_record(cw_csv *csv, uint32_t end_line)
{
	cw_csv_record record;
	int err = end_field(csv);

	if (err < 0)
		return err;
	for (size_t i = 0; i < csv->count; i++)
		csv->pointers[i] = csv->buf + csv->offsets[i];
	check_utf8(csv);
	record.count = csv->count;
	record.fields = csv->pointers;
	record.lengths = csv->lengths;
	record.columns = csv->columns;
	record.line = csv->record_line;
	record.end_line = end_line;
	csv->records++;
	err = csv->on_record ? csv->on_record(&record, csv->payload) : 0;
	csv->len = csv->count = csv->field_start = 0;
	csv->record_open = 0;
	csv->state = START_FIELD;
	return err;
}

/* Moves the position past byte c. */
static void advance(cw_csv *csv, unsigned char c)
{
	if (c == '\n') {
		if (!csv->after_cr)
			csv->line++;
		csv->column = 1;
	} else if (c == '\r') {
		csv->line++;
		csv->column = 1;
	} else if ((c & 0xC0) != 0x80) {
		csv->column++;
	}
	csv->after_cr = c == '\r';
}

static int line_end(cw_csv *csv, unsigned char c)
{
	uint32_t line = csv->line;

	/* The LF of a CRLF closes nothing: the CR already did. */
	if (c == '\n' && csv->after_cr && !csv->record_open)
		return 0;
	if (!csv->record_open)
		csv->record_line = line; /* a blank line is a record too */
	return end_record(csv, line);
}

static int step(cw_csv *csv, unsigned char c)
{
	char ch = (char)c;

	if (c == 0)
		return fail(csv, "csv.nul_byte",
		            "NUL byte: this is binary data, not CSV text");
	if (!csv->record_open && c != '\n' && c != '\r') {
		csv->record_open = 1;
		csv->record_line = csv->line;
	}
	switch (csv->state) {
	case START_FIELD:
		csv->field_column = csv->column;
		if (c == ',') {
			csv->record_open = 1;
			return end_field(csv);
		}
		if (c == '"') {
			csv->state = QUOTED;
			csv->quote_line = csv->line;
			csv->quote_column = csv->column;
			return 0;
		}
		if (c == '\r' || c == '\n')
			return line_end(csv, c);
		csv->state = UNQUOTED;
		return append(csv, &ch, 1);
	case UNQUOTED:
		if (c == ',')
			return end_field(csv);
		if (c == '\r' || c == '\n')
			return end_record(csv, csv->line);
		if (c == '"')
			report(csv, csv->line, csv->column, "csv.bare_quote",
			       "quote inside an unquoted field (read as a "
			       "literal quote)",
			       0);
		return append(csv, &ch, 1);
	case QUOTED:
		if (c == '"') {
			csv->state = QUOTE_SEEN;
			return 0;
		}
		return append(csv, &ch, 1);
	case QUOTE_SEEN:
		if (c == '"') {
			csv->state = QUOTED;
			return append(csv, &ch, 1);
		}
		if (c == ',')
			return end_field(csv);
		if (c == '\r' || c == '\n')
			return end_record(csv, csv->line);
		report(csv, csv->line, csv->column, "csv.text_after_quote",
		       "text after a closing quote (kept as part of the field)",
		       0);
		csv->state = UNQUOTED;
		return append(csv, &ch, 1);
	}
	return 0;
}

/* Length of the run of bytes at p that need no state change. */
static size_t plain_run(const enum state state, const unsigned char *p,
                        size_t n)
{
	size_t i = 0;

	if (state == UNQUOTED) {
		while (i < n && p[i] != ',' && p[i] != '"' && p[i] != '\r' &&
		       p[i] != '\n' && p[i] != 0)
			i++;
	} else if (state == QUOTED) {
		while (i < n && p[i] != '"' && p[i] != '\r' && p[i] != '\n' &&
		       p[i] != 0)
			i++;
	}
	return i;
}

static int skip_bom(cw_csv *csv, const unsigned char **p, size_t *n)
{
	while (!csv->started && *n > 0) {
		if (**p == bom[csv->bom_seen]) {
			csv->bom_seen++;
			(*p)++;
			(*n)--;
			if (csv->bom_seen == 3)
				csv->started = 1;
			continue;
		}
		csv->started = 1;
		/* A partial BOM was text after all: replay it. */
		for (size_t i = 0; i < csv->bom_seen; i++) {
			int err = step(csv, bom[i]);
			advance(csv, bom[i]);
			if (err)
				return err;
		}
	}
	return 0;
}

int cw_csv_feed(cw_csv *csv, const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	int err;

	if (csv->failed)
		return CW_EINVAL;
	if ((err = skip_bom(csv, &p, &len)) != 0)
		return err;
	while (len > 0) {
		size_t run = plain_run(csv->state, p, len);

		if (run > 0) {
			if ((err = append(csv, (const char *)p, run)) != 0)
				return err;
			for (size_t i = 0; i < run; i++)
				if ((p[i] & 0xC0) != 0x80)
					csv->column++;
			csv->after_cr = 0;
			p += run;
			len -= run;
			continue;
		}
		err = step(csv, *p);
		advance(csv, *p);
		if (err)
			return err;
		p++;
		len--;
	}
	return 0;
}

int cw_csv_finish(cw_csv *csv)
{
	int err = 0;

	if (csv->failed)
		return CW_EINVAL;
	if (!csv->started && csv->bom_seen) {
		csv->started = 1;
		for (size_t i = 0; i < csv->bom_seen && err == 0; i++) {
			err = step(csv, bom[i]);
			advance(csv, bom[i]);
		}
		if (err)
			return err;
	}
	if (csv->state == QUOTED) {
		report(csv, csv->quote_line, csv->quote_column,
		       "csv.unterminated_quote",
		       "quoted field never closed before the end of the file",
		       1);
		cw_error_set("%u:%u: quoted field never closed",
		             csv->quote_line, csv->quote_column);
		return CW_EINVAL;
	}
	if (csv->record_open || csv->count > 0 || csv->state != START_FIELD)
		err = end_record(csv, csv->line);
	return err;
}

int cw_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t need;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= need)
			return 0;
		for (size_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3F);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += need + 1;
	}
	return 1;
}

int cw_csv_write_field(cw_buf *out, const char *field, int last)
{
	if (strpbrk(field, ",\"\r\n") == NULL) {
		cw_buf_puts(out, field);
	} else {
		cw_buf_putc(out, '"');
		for (const char *p = field; *p; p++) {
			if (*p == '"')
				cw_buf_putc(out, '"');
			cw_buf_putc(out, *p);
		}
		cw_buf_putc(out, '"');
	}
	return last ? cw_buf_puts(out, "\r\n") : cw_buf_putc(out, ',');
}
