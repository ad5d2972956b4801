/* Fuzzes did:web resolution: the input is the DID URL. */
#include "fuzz.h"

#include "crypto/didweb.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

/* A resolved URL is http(s), ends in did.json, and has nothing that would
 * take it elsewhere: no query, fragment, userinfo, dot segment or space. */
static void check_url(const char *url, size_t len)
{
	if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
		abort();
	if (len < 9 || strcmp(url + len - 9, "/did.json") != 0)
		abort();
	if (strpbrk(url, "?#@\\ \t\r\n") || strstr(url, "/../") ||
	    strstr(url, "/./") || strstr(url + 8, "//"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *did = malloc(size + 1);
	cw_buf url = CW_BUF_INIT(CW_DID_WEB_MAX + 64);
	size_t did_len = 0;

	if (!did)
		return 0;
	if (size)
		memcpy(did, data, size);
	did[size] = '\0';
	if (cw_did_web_url(&url, &did_len, did, size) == 0) {
		if (did_len > size || !url.data)
			abort();
		check_url(url.data, url.len);
	}
	cw_buf_dispose(&url);
	free(did);
	return 0;
}
