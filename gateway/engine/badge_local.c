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

/* An issuer's own document: its status list, revocation lists, DID
 * document, OB 2.0 profile and keys, or its id URL's document. */
static int issuer_document(cJSON **doc, const cw_badges *b, const char *tenant,
                           const char *issuer, const char *rest)
{
	cJSON *described = NULL;
	const char *kind;
	int err;

	if (strcmp(rest, "/status/revocation") == 0)
		return cw_badges_status_list(doc, b, tenant, issuer);
	if (strncmp(rest, "/status/revocation/", 19) == 0) {
		int64_t n = cw_badges_status_list_number(rest + 19);
		return n < 0 ? CW_ENOTFOUND
		             : cw_badges_status_list_n(doc, b, tenant, issuer,
		                                       n);
	}
	if (strcmp(rest, "/revocations") == 0)
		return cw_badges_revocation_list(doc, b, tenant, issuer);
	if (strcmp(rest, "/did.json") == 0)
		return cw_badges_did_document(doc, b, tenant, issuer);
	if (strcmp(rest, "/ob2") == 0)
		return cw_badges_ob2_profile(doc, b, tenant, issuer);
	if (strcmp(rest, "/ob2/revocations") == 0)
		return cw_badges_ob2_revocation_list(doc, b, tenant, issuer);
	if (strncmp(rest, "/ob2/keys/", 10) == 0 && rest[10] &&
	    !strchr(rest + 10, '/'))
		return cw_badges_ob2_key(doc, b, tenant, issuer, rest + 10);
	if (*rest)
		return CW_ENOTFOUND;
	/* as the daemon answers machines at the issuer's id URL */
	err = cw_badges_issuer_get(&described, b, tenant, issuer);
	kind = cw_json_string(described, "idKind");
	if (err == 0)
		err = kind && strcmp(kind, "hosted") == 0
		              ? cw_badges_issuer_profile(doc, b, tenant, issuer)
		              : cw_badges_controller_document(doc, b, tenant,
		                                              issuer);
	cJSON_Delete(described);
	return err;
}

/* BASE/badges/TENANT/(assertions|badgeclasses)/ID. */
static int ob2_document(cJSON **doc, long *status, const cw_badges *b,
                        const char *path)
{
	const char *slash = strchr(path, '/'), *id;
	char tenant[64];
	int revoked = 0, err;
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (!slash || n == 0 || n >= sizeof(tenant))
		return CW_ENOTFOUND;
	snprintf(tenant, sizeof(tenant), "%.*s", (int)n, path);
	if (strncmp(slash, "/assertions/", 12) == 0) {
		id = slash + 12;
		err = *id && !strchr(id, '/')
		              ? cw_badges_ob2_assertion(doc, &revoked, b,
		                                        tenant, id)
		              : CW_ENOTFOUND;
		if (err == 0 && revoked)
			*status = 410; /* Gone, as the daemon answers */
		return err;
	}
	if (strncmp(slash, "/badgeclasses/", 14) == 0) {
		id = slash + 14;
		return *id && !strchr(id, '/')
		               ? cw_badges_ob2_badgeclass(doc, b, tenant, id)
		               : CW_ENOTFOUND;
	}
	return CW_ENOTFOUND;
}

int cw_badges_local_document(char **out, long *status, const cw_badges *b,
                             const char *url)
{
	size_t base = b->base_url ? strlen(b->base_url) : 0;
	char tenant[64], issuer[128];
	const char *rest = NULL, *path;
	cJSON *doc = NULL;
	int err;

	*out = NULL;
	*status = 200;
	while (base && b->base_url[base - 1] == '/')
		base--;
	if (!base || strncmp(url, b->base_url, base) != 0 ||
	    strncmp(url + base, "/badges/", 8) != 0 || strchr(url, '?') ||
	    strstr(url, ".."))
		return CW_ENOTFOUND;
	path = url + base + 8;
	if (split(path, tenant, issuer, &rest) == 0)
		err = issuer_document(&doc, b, tenant, issuer, rest);
	else
		err = ob2_document(&doc, status, b, path);
	if (err == 0 && !(*out = cw_json_print(doc)))
		err = CW_ENOMEM;
	cJSON_Delete(doc);
	return err;
}
