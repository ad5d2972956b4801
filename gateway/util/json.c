/* JSON parsing with a depth cap checked before cJSON recurses. */
#include "util/json.h"

#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

void cw_json_locate(cw_json_position *where, const char *buf, size_t offset)
{
	int line = 1, column = 1;

	for (size_t i = 0; i < offset; i++) {
		if (buf[i] == '\n') {
			line++;
			column = 1;
		} else {
			column++;
		}
	}
	where->offset = offset;
	where->line = line;
	where->column = column;
}

/* Returns the offset of the first bracket past max_depth, or len if none. */
static size_t depth_violation(const char *buf, size_t len, int max_depth)
{
	int depth = 0, in_string = 0;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > max_depth)
				return i;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return len;
}

int cw_json_parse(cJSON **out, const char *buf, size_t len, int max_depth,
                  cw_json_position *where)
{
	cw_json_position pos;
	const char *end = NULL;
	size_t bad;
	cJSON *root;

	*out = NULL;
	bad = depth_violation(buf, len, max_depth);
	if (bad < len) {
		cw_json_locate(&pos, buf, bad);
		if (where)
			*where = pos;
		cw_error_set("%d:%d: JSON nested deeper than %d levels",
		             pos.line, pos.column, max_depth);
		return CW_ETOOBIG;
	}
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (root) {
		/* cJSON stops after the value; only whitespace may follow. */
		size_t off = (size_t)(end - buf);
		while (off < len && strchr(" \t\r\n", buf[off]) && buf[off])
			off++;
		if (off == len) {
			*out = root;
			return 0;
		}
		cJSON_Delete(root);
		end = buf + off;
	}
	cw_json_locate(&pos, buf, end && end >= buf ? (size_t)(end - buf) : 0);
	if (where)
		*where = pos;
	cw_error_set("%d:%d: invalid JSON", pos.line, pos.column);
	return CW_EINVAL;
}

char *cw_json_print(const cJSON *item)
{
	return cJSON_PrintUnformatted(item);
}

const char *cw_json_string(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}
