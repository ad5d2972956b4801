/* Operator-supplied JSON-LD contexts, read from a directory and checked
 * against their SHA-256 pins before the loader gets them. */
#include "engine/contexts_dir.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/limits.h"

#include <ctype.h>
#include <string.h>

typedef struct {
	char *url;
	char sha256[2 * CW_SHA256_LEN + 1]; /* lower-case hex */
	char *file;
	char *text;
	size_t len;
} pin;

typedef struct {
	pin *items;
	size_t count, capacity;
} pin_list;

static void pins_dispose(pin_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		cw_free(list->items[i].url);
		cw_free(list->items[i].file);
		cw_free(list->items[i].text);
	}
	cw_free(list->items);
}

static void trim(const char **start, const char **end)
{
	while (*start < *end && isspace((unsigned char)**start))
		(*start)++;
	while (*end > *start && isspace((unsigned char)(*end)[-1]))
		(*end)--;
}

static int plain_file_name(const char *name, size_t len)
{
	if (len == 0 || memchr(name, '/', len) || memchr(name, '\\', len))
		return 0;
	return !(len == 1 && name[0] == '.') &&
	       !(len == 2 && name[0] == '.' && name[1] == '.');
}

static int parse_hex(char out[2 * CW_SHA256_LEN + 1], const char *hex,
                     size_t len)
{
	if (len != 2 * CW_SHA256_LEN)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)hex[i]))
			return 0;
		out[i] = (char)tolower((unsigned char)hex[i]);
	}
	out[len] = '\0';
	return 1;
}

/* One `URL=SHA256HEX FILE` entry, [start, end) already trimmed. */
static int parse_entry(pin *out, const char *start, const char *end)
{
	const char *file = end, *eq = NULL, *url_end;

	while (file > start && !isspace((unsigned char)file[-1]))
		file--;
	url_end = file;
	trim(&start, &url_end);
	for (const char *c = start; c < url_end; c++)
		if (*c == '=')
			eq = c;
	if (file == start || !eq || eq == start ||
	    !parse_hex(out->sha256, eq + 1, (size_t)(url_end - eq - 1)) ||
	    !plain_file_name(file, (size_t)(end - file))) {
		cw_error_set("jsonld_context_pins: `%.*s` is not "
		             "`URL=SHA256HEX FILE` (64 hex digits; FILE a "
		             "name in the contexts directory)",
		             (int)(end - start > 200 ? 200 : end - start),
		             start);
		return CW_EINVAL;
	}
	for (const char *c = start; c < eq; c++)
		if (isspace((unsigned char)*c)) {
			cw_error_set("jsonld_context_pins: `%.*s`: white space "
			             "in a URL",
			             (int)(eq - start), start);
			return CW_EINVAL;
		}
	out->url = cw_strndup(start, (size_t)(eq - start));
	out->file = cw_strndup(file, (size_t)(end - file));
	return out->url && out->file ? 0 : CW_ENOMEM;
}

static int add_pin(pin_list *list, const char *start, const char *end)
{
	pin entry = { 0 };
	int err;

	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 8;
		pin *grown = cw_realloc(list->items, capacity * sizeof(*grown));

		if (!grown)
			return CW_ENOMEM;
		list->items = grown;
		list->capacity = capacity;
	}
	err = parse_entry(&entry, start, end);
	for (size_t i = 0; err == 0 && i < list->count; i++)
		if (strcmp(list->items[i].url, entry.url) == 0) {
			cw_error_set("jsonld_context_pins: %s is pinned twice",
			             entry.url);
			err = CW_EINVAL;
		}
	if (err < 0) {
		cw_free(entry.url);
		cw_free(entry.file);
		return err;
	}
	list->items[list->count++] = entry;
	return 0;
}

static int parse_pins(pin_list *out, const char *pins)
{
	const char *p = pins, *end = pins + strlen(pins);

	if (end - pins > CW_LIMIT_JSONLD_PINS) {
		cw_error_set("jsonld_context_pins: longer than %ld bytes",
		             CW_LIMIT_JSONLD_PINS);
		return CW_ETOOBIG;
	}
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end, *start = p;
		int err;

		trim(&start, &stop);
		if (start < stop && (err = add_pin(out, start, stop)) < 0)
			return err;
		p = comma ? comma + 1 : end;
	}
	return 0;
}

/* Reads the pinned file and checks its SHA-256. */
static int read_pinned(pin *entry, const char *dir)
{
	cw_buf path = CW_BUF_INIT(4096);
	char actual[2 * CW_SHA256_LEN + 1];
	int err;

	if ((err = cw_buf_printf(&path, "%s/%s", dir, entry->file)) < 0)
		goto out;
	if ((err = cw_file_read(&entry->text, &entry->len, path.data,
	                        (size_t)CW_LIMIT_JSONLD_DOCUMENT)) < 0) {
		if (err == CW_ETOOBIG)
			cw_error_set("%s: larger than %ld bytes", path.data,
			             CW_LIMIT_JSONLD_DOCUMENT);
		goto out;
	}
	if ((err = cw_sha256_hex(actual, entry->text, entry->len)) < 0)
		goto out;
	if (strcmp(actual, entry->sha256) != 0) {
		cw_error_set("%s: SHA-256 is %s but jsonld_context_pins "
		             "says %s for %s",
		             path.data, actual, entry->sha256, entry->url);
		err = CW_EINVAL;
	}
out:
	cw_buf_dispose(&path);
	return err;
}

int cw_jsonld_loader_add_dir(cw_jsonld_loader *l, const char *dir,
                             const char *pins)
{
	pin_list list = { 0 };
	cw_jsonld_loader *scratch = NULL;
	int err;

	if (!pins)
		return 0;
	if ((err = parse_pins(&list, pins)) < 0)
		goto out;
	if (list.count && (!dir || !*dir)) {
		cw_error_set("jsonld_context_pins is set but "
		             "jsonld_contexts_dir is not");
		err = CW_EINVAL;
		goto out;
	}
	/* Everything is read, hashed and parsed before l changes. */
	if ((err = cw_jsonld_loader_new(&scratch)) < 0)
		goto out;
	for (size_t i = 0; i < list.count; i++) {
		pin *entry = &list.items[i];

		if ((err = read_pinned(entry, dir)) < 0 ||
		    (err = cw_jsonld_loader_add(scratch, entry->url,
		                                entry->text, entry->len)) < 0)
			goto out;
	}
	for (size_t i = 0; i < list.count; i++)
		if ((err = cw_jsonld_loader_add(l, list.items[i].url,
		                                list.items[i].text,
		                                list.items[i].len)) < 0)
			goto out;
out:
	cw_jsonld_loader_free(scratch);
	pins_dispose(&list);
	return err;
}
