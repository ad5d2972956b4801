/* Fuzzes the OAuth 1.0a request parser (Authorization header, query, form
 * body) and what is built on it: the protocol checks, the signature base
 * string and the signature check. */
#include "fuzz.h"

#include "engine/oauth1.h"
#include "util/error.h"
#include "util/limits.h"

#include <stdlib.h>
#include <string.h>

/* The next part of data up to a NUL (or the end), as an exact-size copy:
 * ASan then sees a read one byte past it. NULL when there is no part. */
static char *next_part(const uint8_t **data, size_t *size, size_t *len)
{
	const uint8_t *end = memchr(*data, '\0', *size);
	size_t n = end ? (size_t)(end - *data) : *size;
	char *copy = malloc(n ? n : 1);

	if (copy && n)
		memcpy(copy, *data, n);
	*len = n;
	*data += end ? n + 1 : n;
	*size -= end ? n + 1 : n;
	return copy;
}

static int is_hex_upper(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* METHOD&URI&PARAMS, each part only unreserved bytes and %XX. */
static void check_base(const cw_buf *base)
{
	int amps = 0;

	for (size_t i = 0; i < base->len; i++) {
		char c = base->data[i];

		if (c == '&')
			amps++;
		else if (c == '%' && (i + 2 >= base->len ||
		                      !is_hex_upper(base->data[i + 1]) ||
		                      !is_hex_upper(base->data[i + 2])))
			abort();
		else if (c != '%' &&
		         !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		           (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		           c == '_' || c == '~'))
			abort();
	}
	if (amps != 2)
		abort();
}

static void check_parsed(cw_oauth1_request *r)
{
	cw_buf base = CW_BUF_INIT(CW_LIMIT_OAUTH1_BASE);
	int err;

	if (r->count > CW_LIMIT_OAUTH1_PARAMS)
		abort();
	for (size_t i = 0; i < r->count; i++) {
		if (!r->params[i].name || !r->params[i].value ||
		    strcmp(r->params[i].name, "oauth_signature") == 0)
			abort();
		for (size_t j = 0; j < i; j++)
			if (strncmp(r->params[i].name, "oauth_", 6) == 0 &&
			    strcmp(r->params[i].name, r->params[j].name) == 0)
				abort();
	}
	err = cw_oauth1_check(r, 1700000000, CW_LIMIT_OAUTH1_WINDOW_S);
	if (err != 0 && err != CW_EAUTH)
		abort();
	if (err == 0 && r->method != CW_HMAC_SHA1 &&
	    r->method != CW_HMAC_SHA256)
		abort();
	err = cw_oauth1_base_string(&base, "GET", "http", "Example.org:80",
	                            "/ims/oneroster/v1p1/users", 25, r);
	if (err == 0) {
		check_base(&base);
		err = cw_oauth1_verify(r, "secret", base.data, base.len);
		if (err != 0 && err != CW_EAUTH && err != CW_ENOMEM)
			abort();
	} else if (err != CW_ETOOBIG && err != CW_ENOMEM) {
		abort();
	}
	cw_buf_dispose(&base);
}

/* Input: Authorization header, NUL, query, NUL, form body (a part left out
 * is absent). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t header_len, query_len = 0, body_len = 0;
	int has_query, has_body;
	char *header = next_part(&data, &size, &header_len);
	char *query = (has_query = size > 0)
	                      ? next_part(&data, &size, &query_len)
	                      : NULL;
	char *body = (has_body = size > 0) ? next_part(&data, &size, &body_len)
	                                   : NULL;
	cw_oauth1_request r;
	int err;

	if (!header || (has_query && !query) || (has_body && !body))
		goto out;
	/* An empty first part: no header, the query's parameters alone. */
	err = cw_oauth1_parse(&r, header_len ? header : NULL, header_len, query,
	                      query_len, body, body_len);
	if (err < 0) {
		if (r.count != 0 || r.signature || r.params ||
		    (err != CW_EINVAL && err != CW_ETOOBIG && err != CW_ENOMEM))
			abort();
		goto out;
	}
	check_parsed(&r);
	cw_oauth1_request_dispose(&r);
out:
	free(header);
	free(query);
	free(body);
	return 0;
}
