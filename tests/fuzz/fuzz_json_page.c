/* Fuzzes the tree-less page reader against cJSON: a text it reads must
 * parse with cw_json_parse to as many items, and every record must turn
 * into the same CSV lines (or the same failure) through roster/from_json's
 * view converter as through its cJSON one. */
#include "fuzz.h"

#include "roster/from_json.h"
#include "util/error.h"
#include "util/json.h"
#include "util/json_page.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16

/* The entity the input's length picks (modulo 6), and its version; bulk
 * when length / 7 is odd. */
static const struct {
	cw_or_version version;
	cw_or_entity entity;
} kinds[] = {
	{ CW_OR_V1P2, CW_OR_USERS },       { CW_OR_V1P1, CW_OR_USERS },
	{ CW_OR_V1P2, CW_OR_ENROLLMENTS }, { CW_OR_V1P1, CW_OR_CLASSES },
	{ CW_OR_V1P2, CW_OR_ORGS },        { CW_OR_V1P2, CW_OR_COURSES }
};

static void same_lines(cw_or_json_rows *rows, const cJSON *tree,
                       const cw_jobject *view, cw_or_version version,
                       cw_or_entity entity, int bulk)
{
	cw_buf a = CW_BUF_INIT(1 << 22), b = CW_BUF_INIT(1 << 22);
	int ta = cw_or_json_csv_row(&a, version, entity, tree, bulk);
	int tb = cw_or_json_rows_put(rows, &b, view);
	if (ta != tb ||
	    (ta == 0 && (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)))
		abort();
	if (version == CW_OR_V1P2 && entity == CW_OR_USERS && ta == 0) {
		cw_buf_clear(&a);
		cw_buf_clear(&b);
		ta = cw_or_json_csv_roles(&a, tree, bulk);
		tb = cw_or_json_rows_roles(rows, &b, view);
		/* the view may refuse more (a role that is no object, one of
		 * over 64 members), never less */
		if ((tb == 0 && ta != 0) ||
		    (ta == 0 && tb == 0 &&
		     (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)))
			abort();
	}
	cw_buf_dispose(&a);
	cw_buf_dispose(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_json_page *page = NULL;
	cw_or_json_rows *rows = NULL;
	cJSON *doc = NULL;
	cw_json_position where = { 0, 0, 0 };
	size_t k = size % (sizeof(kinds) / sizeof(kinds[0]));
	int bulk = (size / 7) & 1;
	const char *text = (const char *)data;
	if (cw_json_page_new(&page) < 0 ||
	    cw_or_json_rows_new(&rows, kinds[k].version, kinds[k].entity,
	                        bulk) < 0)
		goto out;
	int err =
	        cw_json_page_read(page, text, size, "users", MAX_DEPTH, &where);
	if (err == CW_EINVAL || err == CW_ETOOBIG) {
		if (cw_json_page_count(page) != 0 || where.offset > size ||
		    where.line < 1 || where.column < 1 || !cw_error_last()[0])
			abort();
		goto out;
	}
	if (err == CW_ENOMEM)
		goto out;
	/* what reads is JSON to cJSON too */
	if (cw_json_parse(&doc, text, size, MAX_DEPTH, NULL) < 0)
		abort();
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "users");
	if ((err == CW_ENOTFOUND) == cJSON_IsArray(list))
		abort();
	if (err < 0)
		goto out;
	if ((size_t)cJSON_GetArraySize(list) != cw_json_page_count(page))
		abort();
	size_t i = 0;
	const cJSON *item;
	cJSON_ArrayForEach(item, list)
	{
		cw_jobject view;
		cw_json_page_item(page, i++, &view);
		if ((view.whole.type == CW_JV_OBJECT) != cJSON_IsObject(item))
			abort();
		if (cJSON_IsObject(item))
			same_lines(rows, item, &view, kinds[k].version,
			           kinds[k].entity, bulk);
	}
out:
	cJSON_Delete(doc);
	cw_or_json_rows_free(rows);
	cw_json_page_free(page);
	return 0;
}
