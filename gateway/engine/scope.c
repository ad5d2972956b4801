/* Scope lists are short (tens of items), so linear scans beat any index. */
#include "engine/scope.h"

#include "util/error.h"
#include "util/limits.h"

#include <string.h>

#define OR12 "https://purl.imsglobal.org/spec/or/v1p2/scope/"
#define OR11 "https://purl.imsglobal.org/spec/or/v1p1/scope/"
#define OB30 "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
#define OB21 "https://purl.imsglobal.org/spec/ob/v2p1/scope/"

const char *const cw_scope_known[] = {
	CW_SCOPE_ADMIN,
	OR12 "roster.readonly",
	OR12 "roster-core.readonly",
	OR12 "roster-demographics.readonly",
	OR12 "gradebook.readonly",
	OR12 "gradebook-core.readonly",
	OR12 "gradebook.createput",
	OR12 "gradebook.createpost",
	OR12 "gradebook.delete",
	OR12 "resource.readonly",
	OR12 "resource-core.readonly",
	OR12 "assessment.readonly",
	OR12 "assessment.createput",
	OR12 "assessment.delete",
	OR11 "roster-core.readonly",
	OR11 "roster.readonly",
	OR11 "roster-demographics.readonly",
	OR11 "resource.readonly",
	OR11 "gradebook.readonly",
	OR11 "gradebook.createput",
	OR11 "gradebook.delete",
	OB30 "credential.readonly",
	OB30 "credential.upsert",
	OB30 "profile.readonly",
	OB30 "profile.update",
	OB21 "assertion.readonly",
	OB21 "assertion.create",
	OB21 "profile.readonly",
	OB21 "profile.update",
	"http://purl.imsglobal.org/casenetwork/case/v1p0/scope/core.readonly",
	NULL,
};

static int is_separator(char c)
{
	return c == ' ' || c == '\t' || c == ',' || c == '\n' || c == '\r';
}

/* Finds the next item of list at or after *pos; returns its length. */
static size_t next_item(const char *list, size_t *pos, const char **item)
{
	size_t start = *pos, end;

	while (list[start] && is_separator(list[start]))
		start++;
	end = start;
	while (list[end] && !is_separator(list[end]))
		end++;
	*item = list + start;
	*pos = end;
	return end - start;
}

static int is_known(const char *item, size_t len)
{
	for (const char *const *k = cw_scope_known; *k; k++)
		if (strlen(*k) == len && memcmp(*k, item, len) == 0)
			return 1;
	return 0;
}

int cw_scope_contains(const char *list, const char *scope, size_t scope_len)
{
	size_t pos = 0, len;
	const char *item;

	while ((len = next_item(list, &pos, &item)) > 0)
		if (len == scope_len && memcmp(item, scope, len) == 0)
			return 1;
	return 0;
}

int cw_scope_normalize(cw_buf *out, const char *list)
{
	size_t pos = 0, len;
	const char *item;
	int count = 0;

	if (strlen(list) > CW_LIMIT_SCOPE_STRING) {
		cw_error_set("scope list longer than %ld bytes",
		             CW_LIMIT_SCOPE_STRING);
		return CW_EINVAL;
	}
	while ((len = next_item(list, &pos, &item)) > 0) {
		if (!is_known(item, len)) {
			cw_error_set("unknown scope \"%.*s\"",
			             (int)(len > 200 ? 200 : len), item);
			return CW_EINVAL;
		}
		if (out->len && cw_scope_contains(cw_buf_cstr(out), item, len))
			continue;
		if (++count > CW_LIMIT_SCOPES) {
			cw_error_set("more than %ld scopes", CW_LIMIT_SCOPES);
			return CW_EINVAL;
		}
		if (out->len)
			cw_buf_putc(out, ' ');
		cw_buf_put(out, item, len);
	}
	if (count == 0) {
		cw_error_set("no scope given");
		return CW_EINVAL;
	}
	return out->error;
}

int cw_scope_subset(const char *requested, const char *granted)
{
	size_t pos = 0, len;
	const char *item;

	while ((len = next_item(requested, &pos, &item)) > 0)
		if (!cw_scope_contains(granted, item, len))
			return 0;
	return 1;
}

int cw_scope_has_any(const char *granted, const char *any_of)
{
	size_t pos = 0, len;
	const char *item;

	while ((len = next_item(any_of, &pos, &item)) > 0)
		if (cw_scope_contains(granted, item, len))
			return 1;
	return 0;
}
