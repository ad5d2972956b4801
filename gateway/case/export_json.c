/* Open Badges 3.0 Achievements of a CASE framework: one per CFItem, in tree
 * order, aligned to its item the way the OB 3.0 implementation guide aligns
 * CASE (docs/reference/badges.md §2.1, §2.2). */
#include "case/export.h"

#include "case/export_internal.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

#define NAME_MAX_CHARS 255

static cJSON *alignment_of(const cJSON *item, const char *framework)
{
	cJSON *list = cJSON_CreateArray(), *one = cJSON_CreateObject();
	cJSON *type =
	        cJSON_CreateStringArray((const char *[]){ "Alignment" }, 1);

	if (!list || !one || !type) {
		cJSON_Delete(list);
		cJSON_Delete(one);
		cJSON_Delete(type);
		return NULL;
	}
	cJSON_AddItemToArray(list, one);
	cJSON_AddItemToObject(one, "type", type);
	cJSON_AddStringToObject(one, "targetType", "CFItem");
	cJSON_AddStringToObject(one, "targetCode",
	                        cw_case_text(item, "identifier"));
	cJSON_AddStringToObject(one, "targetName",
	                        cw_case_text(item, "fullStatement"));
	cJSON_AddStringToObject(one, "targetUrl", cw_case_text(item, "uri"));
	cJSON_AddStringToObject(one, "targetFramework", framework);
	return list;
}

/* Achievement: id, type, name, description and criteria are required. */
static cJSON *achievement_of(const cJSON *item, const char *framework)
{
	cJSON *a = cJSON_CreateObject(), *criteria = cJSON_CreateObject();
	cJSON *type =
	        cJSON_CreateStringArray((const char *[]){ "Achievement" }, 1);
	cJSON *alignment = alignment_of(item, framework);
	const char *code = cw_case_text(item, "humanCodingScheme");
	char id[128], name[1024];

	if (!a || !criteria || !type || !alignment) {
		cJSON_Delete(a);
		cJSON_Delete(criteria);
		cJSON_Delete(type);
		cJSON_Delete(alignment);
		return NULL;
	}
	snprintf(id, sizeof(id), "urn:uuid:%s",
	         cw_case_text(item, "identifier"));
	cw_case_label(name, sizeof(name), item, NAME_MAX_CHARS);
	cJSON_AddStringToObject(a, "id", id);
	cJSON_AddItemToObject(a, "type", type);
	cJSON_AddStringToObject(a, "achievementType", "Competency");
	cJSON_AddStringToObject(a, "name", name);
	cJSON_AddStringToObject(a, "description",
	                        cw_case_text(item, "fullStatement"));
	cJSON_AddItemToObject(a, "criteria", criteria);
	cJSON_AddStringToObject(criteria, "narrative",
	                        cw_case_text(item, "fullStatement"));
	if (*code)
		cJSON_AddStringToObject(a, "humanCode", code);
	cJSON_AddItemToObject(a, "alignment", alignment);
	return a;
}

int cw_case_export_ob3(cw_buf *out, size_t *rows, const cw_case_tree *t)
{
	const char *framework = cw_case_text(t->nodes[0].object, "title");
	cJSON *list = cJSON_CreateArray();
	char *text = NULL;
	int err = list ? 0 : CW_ENOMEM;

	for (size_t i = 0; err == 0 && i < t->order_count; i++) {
		cJSON *a =
		        achievement_of(t->nodes[t->order[i]].object, framework);

		if (!a || !cJSON_AddItemToArray(list, a)) {
			cJSON_Delete(a);
			err = CW_ENOMEM;
		}
	}
	if (err == 0 && !(text = cJSON_Print(list)))
		err = CW_ENOMEM;
	if (err == 0 && (err = cw_buf_puts(out, text)) == 0)
		err = cw_buf_putc(out, '\n');
	*rows = err == 0 ? t->order_count : 0;
	cJSON_free(text);
	cJSON_Delete(list);
	return err;
}
