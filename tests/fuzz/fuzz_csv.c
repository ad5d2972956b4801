/* Fuzzes the streaming CSV reader and the OneRoster file reader on top of it:
 * the input is read whole and again in chunks cut where its first byte says;
 * both readings must agree, whatever the bytes. */
#include "fuzz.h"

#include "roster/rows.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	uint64_t hash;
	uint64_t records;
	uint64_t problems;
} digest;

static void mix(digest *d, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		d->hash = (d->hash ^ p[i]) * 0x100000001b3ULL;
}

static int on_record(const cw_csv_record *r, void *payload)
{
	digest *d = payload;

	if (r->count == 0 || r->line > r->end_line)
		abort();
	for (size_t i = 0; i < r->count; i++) {
		if (strlen(r->fields[i]) != r->lengths[i] || r->columns[i] == 0)
			abort();
		mix(d, r->fields[i], r->lengths[i] + 1);
	}
	mix(d, &r->line, sizeof(r->line));
	d->records++;
	return 0;
}

static void on_problem(const cw_csv_problem *p, void *payload)
{
	digest *d = payload;

	if (!p->code || !p->message || p->line == 0)
		abort();
	mix(d, p->code, strlen(p->code));
	mix(d, &p->line, sizeof(p->line));
	d->problems++;
}

static int read_csv(digest *d, const char *data, size_t size, size_t chunk)
{
	static const cw_csv_limits limits = { 512, 4096, 64 };
	cw_csv *csv = NULL;
	int err;

	if (cw_csv_new(&csv, &limits, on_record, on_problem, d) < 0)
		abort();
	err = 0;
	for (size_t at = 0; at < size && err == 0; at += chunk)
		err = cw_csv_feed(csv, data + at,
		                  size - at < chunk ? size - at : chunk);
	if (err == 0)
		err = cw_csv_finish(csv);
	if (cw_csv_records(csv) != d->records)
		abort();
	cw_csv_free(csv);
	return err;
}

static void on_diag(const cw_diag *d, void *payload)
{
	if (!d->code || !d->message || !d->file)
		abort();
	(*(uint64_t *)payload)++;
}

static int on_row(const cw_or_row *row, void *payload)
{
	(void)payload;
	for (size_t i = 0; i < row->file->column_count; i++)
		if (!row->values[i])
			abort();
	return 0;
}

/* The same bytes as a OneRoster users file, bulk and delta. */
static void read_rows(const char *data, size_t size, cw_or_mode mode)
{
	const cw_or_file *file = cw_or_file_for(CW_OR_V1P2, CW_OR_USERS);
	cw_or_reader *reader = NULL;
	uint64_t diags = 0;
	cw_or_counts counts;

	if (cw_or_reader_new(&reader, file, mode, "users.csv", on_diag, on_row,
	                     &diags) < 0)
		abort();
	if (cw_or_reader_feed(reader, data, size) == 0)
		cw_or_reader_finish(reader);
	counts = cw_or_reader_counts(reader);
	if (counts.errors + counts.warnings > diags)
		abort();
	cw_or_reader_free(reader);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	digest whole = { 0xcbf29ce484222325ULL, 0, 0 };
	digest pieces = { 0xcbf29ce484222325ULL, 0, 0 };
	size_t chunk;
	char *copy;
	int a, b;

	if (size == 0)
		return 0;
	chunk = (size_t)data[0] % 7 + 1;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	a = read_csv(&whole, copy + 1, size - 1, size);
	b = read_csv(&pieces, copy + 1, size - 1, chunk);
	if (a != b || whole.hash != pieces.hash ||
	    whole.records != pieces.records ||
	    whole.problems != pieces.problems)
		abort();
	read_rows(copy + 1, size - 1, data[0] & 1 ? CW_OR_DELTA : CW_OR_BULK);
	free(copy);
	return 0;
}
