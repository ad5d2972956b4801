/* Fuzzes the CFPackage reader and the strict writer: whatever reads without
 * errors is written as 1.1, and that text must read again without errors
 * and write to the same bytes (the strict form is a fixed point); the 1.0
 * text must be JSON. */
#include "fuzz.h"

#include "case/package.h"
#include "case/write.h"
#include "util/error.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

static int known_none(const char *identifier, void *payload)
{
	(void)payload;
	return identifier[0] == 'e'; /* some outside ends are known */
}

static void write_both(const cw_case_package *p, cw_buf *v11, cw_buf *v10)
{
	if (cw_case_write_package(v11, p->root, CW_CASE_V1P1) < 0 ||
	    cw_case_write_package(v10, p->root, CW_CASE_V1P0) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_case_read_options o = { known_none, NULL, NULL, NULL, 0 };
	cw_buf v11 = CW_BUF_INIT(1 << 24), v10 = CW_BUF_INIT(1 << 24);
	cw_buf again11 = CW_BUF_INIT(1 << 24), again10 = CW_BUF_INIT(1 << 24);
	cw_case_package *p = NULL, *q = NULL;
	cJSON *check = NULL;
	int err = cw_case_package_read(&p, (const char *)data, size, &o);

	if (err == 0) {
		if (!p || p->errors)
			abort();
		write_both(p, &v11, &v10);
		if (cw_json_parse(&check, v10.data, v10.len, 64, NULL) < 0)
			abort();
		if (cw_case_package_read(&q, v11.data, v11.len, &o) != 0)
			abort();
		write_both(q, &again11, &again10);
		if (again11.len != v11.len ||
		    memcmp(again11.data, v11.data, v11.len) != 0)
			abort();
	} else if (err == CW_EINVAL && p && p->errors == 0) {
		abort(); /* invalid must mean an error was reported */
	}
	cJSON_Delete(check);
	cw_case_package_free(p);
	cw_case_package_free(q);
	cw_buf_dispose(&v11);
	cw_buf_dispose(&v10);
	cw_buf_dispose(&again11);
	cw_buf_dispose(&again10);
	return 0;
}
