/* Fuzzes the stored and named forms of a row's fields: the first byte picks
 * the entity, the rest is the text, read both as a named object and as a
 * stored array. What compacts must expand and compact again to the same
 * text; what expands must compact. */
#include "fuzz.h"

#include "roster/fields.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define MAX_OUT (1u << 20) /* far more than a 4 KB input can need */

/* Out of memory or over the buffer's cap: not the input's fault. */
static int limited(int err)
{
	return err == CW_ENOMEM || err == CW_ETOOBIG;
}

/* Anything but success, CW_EINVAL or a limit is a broken promise. */
static void check_result(int err)
{
	if (err != 0 && err != CW_EINVAL && !limited(err))
		abort();
}

static int wrapped(const cw_buf *b, char open, char close)
{
	return b->len >= 2 && b->data[0] == open &&
	       b->data[b->len - 1] == close;
}

/* stored came out of compact: it expands, and that compacts back to it. */
static void check_fixed_point(cw_or_entity entity, const cw_buf *stored,
                              cw_buf *named, cw_buf *again)
{
	int err;

	if (!wrapped(stored, '[', ']'))
		abort();
	err = cw_or_fields_expand(named, entity, stored->data);
	if (limited(err))
		return;
	if (err != 0 || !wrapped(named, '{', '}'))
		abort();
	err = cw_or_fields_compact(again, entity, named->data);
	if (limited(err))
		return;
	if (err != 0 || again->len != stored->len ||
	    memcmp(again->data, stored->data, stored->len) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_buf stored = CW_BUF_INIT(MAX_OUT), named = CW_BUF_INIT(MAX_OUT);
	cw_buf again = CW_BUF_INIT(MAX_OUT);
	cw_or_entity entity;
	char *text;
	int err;

	if (size == 0)
		return 0;
	entity = (cw_or_entity)(data[0] % CW_OR_ENTITY_COUNT);
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	/* Walking the text as a stored array ends, inside the text, and
	 * each element lies within it. */
	{
		const char *cursor = text, *at;
		size_t len;
		int r;

		while ((r = cw_or_fields_next(&cursor, &at, &len)) == 1)
			if (at < text || at + len > text + size - 1 ||
			    cursor > text + size - 1)
				abort();
		if (r != 0 && r != -1)
			abort();
	}

	/* The text as a named form. */
	err = cw_or_fields_compact(&stored, entity, text);
	check_result(err);
	if (err == 0)
		check_fixed_point(entity, &stored, &named, &again);

	/* The text as a stored form: its named form compacts. */
	err = cw_or_fields_expand(&named, entity, text);
	check_result(err);
	if (err == 0) {
		if (!wrapped(&named, '{', '}'))
			abort();
		err = cw_or_fields_compact(&stored, entity, named.data);
		check_result(err);
		if (err == CW_EINVAL)
			abort();
		if (err == 0)
			check_fixed_point(entity, &stored, &named, &again);
	}

	cw_buf_dispose(&again);
	cw_buf_dispose(&named);
	cw_buf_dispose(&stored);
	free(text);
	return 0;
}
