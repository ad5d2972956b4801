/* Fuzzes JSON parsing under a depth cap; whatever parses must print and
 * parse again. */
#include "fuzz.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16

/* Containers nested in item, counting item itself: "[[]]" is 2. */
static int tree_depth(const cJSON *item)
{
	const cJSON *child;
	int deepest = 0;

	if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
		return 0;
	for (child = item->child; child; child = child->next) {
		int depth = tree_depth(child);

		if (depth > deepest)
			deepest = depth;
	}
	return deepest + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	cJSON *root = NULL, *again = NULL, *third = NULL;
	char *text = NULL, *text_again = NULL;
	cw_json_position where;
	int err;

	memset(&where, 0, sizeof(where));
	if (!copy)
		goto out;
	if (size)
		memcpy(copy, data, size);
	err = cw_json_parse(&root, copy, size, MAX_DEPTH, &where);
	if (err < 0) {
		if (root || where.offset > size || where.line < 1 ||
		    where.column < 1)
			abort();
		goto out;
	}
	/* The cap holds for what cJSON built, not just for the scan. */
	if (tree_depth(root) > MAX_DEPTH)
		abort();
	text = cw_json_print(root);
	if (!text)
		goto out;
	if (cw_json_parse(&again, text, strlen(text), MAX_DEPTH, NULL) < 0)
		abort();
	/* Not compared with text: cJSON prints numbers near DBL_MAX with 15
	 * digits that read back as infinity, then print as null. */
	text_again = cw_json_print(again);
	if (text_again && cw_json_parse(&third, text_again, strlen(text_again),
	                                MAX_DEPTH, NULL) < 0)
		abort();
out:
	cw_free(text_again);
	cw_free(text);
	cJSON_Delete(third);
	cJSON_Delete(again);
	cJSON_Delete(root);
	free(copy);
	return 0;
}
