/* The gateway's own public badge documents, read from the store instead of
 * over HTTP: a credential this gateway issued verifies (its status list,
 * revocation list, issuer document) without the daemon answering. */
#include "engine/badges.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

/* TENANT/issuers/ISSUER/REST of a path under BASE/badges/. */
static int split(const char *path, char tenant[64], char issuer[128],
                 const char **rest)
{
	const char *slash = strchr(path, '/'), *end;
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (!slash || n == 0 || n >= 64 || strncmp(slash, "/issuers/", 9) != 0)
		return CW_ENOTFOUND;
	snprintf(tenant, 64, "%.*s", (int)n, path);
	slash += 9;
	end = strchr(slash, '/');
	n = end ? (size_t)(end - slash) : strlen(slash);
	if (n == 0 || n >= 128)
		return CW_ENOTFOUND;
	snprintf(issuer, 128, "%.*s", (int)n, slash);
	*rest = end ? end : "";
	return 0;
}

int cw_badges_local_document(char **out, const cw_badges *b, const char *url)
{
	size_t base = b->base_url ? strlen(b->base_url) : 0;
	char tenant[64], issuer[128];
	const char *rest = NULL;
	cJSON *doc = NULL;
	int err;

	*out = NULL;
	while (base && b->base_url[base - 1] == '/')
		base--;
	if (!base || strncmp(url, b->base_url, base) != 0 ||
	    strncmp(url + base, "/badges/", 8) != 0 ||
	    split(url + base + 8, tenant, issuer, &rest) < 0)
		return CW_ENOTFOUND;
	if (strcmp(rest, "/status/revocation") == 0)
		err = cw_badges_status_list(&doc, b, tenant, issuer);
	else if (strcmp(rest, "/revocations") == 0)
		err = cw_badges_revocation_list(&doc, b, tenant, issuer);
	else if (!*rest)
		err = cw_badges_controller_document(&doc, b, tenant, issuer);
	else
		err = CW_ENOTFOUND;
	if (err == 0 && !(*out = cw_json_print(doc)))
		err = CW_ENOMEM;
	cJSON_Delete(doc);
	return err;
}
