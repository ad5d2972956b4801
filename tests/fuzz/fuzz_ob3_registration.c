/* Fuzzes the OB 3.0 authorization server's parsers: the input is client
 * registration metadata (JSON, RFC 7591) and, as a plain string, a redirect
 * URI, a scope list and a PKCE verifier. */
#include "fuzz.h"

#include "engine/ob3_auth.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

#include <stdlib.h>
#include <string.h>

/* The kept metadata holds only members that were checked, and the redirect
 * lines each pass the redirect check again. */
static void fuzz_metadata(const char *text, size_t len)
{
	cw_buf lines = CW_BUF_INIT(1 << 16), scopes = CW_BUF_INIT(8192);
	cJSON *m = NULL, *kept = cJSON_CreateObject();
	const char *error = NULL;
	int err;

	if (!kept || cw_json_parse(&m, text, len, 16, NULL) < 0)
		goto out;
	err = cw_ob3_client_metadata_check(kept, &lines, &scopes, m, &error);
	if (err == CW_EINVAL && !error)
		abort();
	if (err == 0) {
		char *copy = strdup(cw_buf_cstr(&lines));
		for (char *p = copy, *nl; p && *p; p = nl ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			if (cw_ob3_redirect_uri_check(p) < 0)
				abort();
		}
		free(copy);
		if (!scopes.len || !cw_json_string(kept, "client_name"))
			abort();
	}
out:
	cJSON_Delete(m);
	cJSON_Delete(kept);
	cw_buf_dispose(&lines);
	cw_buf_dispose(&scopes);
}

/* Normalising twice changes nothing. */
static void fuzz_scope(const char *text)
{
	cw_buf once = CW_BUF_INIT(2 * CW_LIMIT_SCOPE_STRING);
	cw_buf twice = CW_BUF_INIT(2 * CW_LIMIT_SCOPE_STRING);

	if (cw_ob3_scope_normalize(&once, text) == 0 &&
	    (cw_ob3_scope_normalize(&twice, cw_buf_cstr(&once)) < 0 ||
	     strcmp(cw_buf_cstr(&once), cw_buf_cstr(&twice)) != 0))
		abort();
	cw_buf_dispose(&once);
	cw_buf_dispose(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';
	fuzz_metadata(text, size);
	(void)cw_ob3_redirect_uri_check(text);
	(void)cw_ob3_pkce_matches("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
	                          text);
	fuzz_scope(text);
	free(text);
	return 0;
}
