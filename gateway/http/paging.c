/* Paging headers of the 1EdTech REST bindings: X-Total-Count and an RFC
 * 8288 Link header (first, prev, next, last) that keeps the query. */
#include "http/api.h"

#include "http/server.h"
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

static void put_escaped(cw_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			cw_buf_putc(b, (char)*p);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			cw_buf_put(b, esc, 3);
		}
	}
}

/* <origin+path?…&offset=N&limit=L>; rel="name" */
static void link_to(cw_buf *b, const cw_request *req, const char *origin,
                    long offset, long limit, const char *rel)
{
	static const char *const kept[] = { "sort",   "orderBy", "filter",
		                            "fields", "since",   NULL };

	if (b->len)
		cw_buf_puts(b, ", ");
	cw_buf_printf(b, "<%s%s?", origin, cw_request_path(req));
	for (const char *const *k = kept; *k; k++) {
		const char *value = cw_request_query(req, *k);

		if (!value)
			continue;
		cw_buf_printf(b, "%s=", *k);
		put_escaped(b, value);
		cw_buf_putc(b, '&');
	}
	cw_buf_printf(b, "offset=%ld&limit=%ld>; rel=\"%s\"", offset, limit,
	              rel);
}

int cw_api_paging_headers(cw_response *res, const cw_request *req,
                          const char *origin, long total, long offset,
                          long limit)
{
	cw_buf links = CW_BUF_INIT(16384);
	char count[32];
	long last = total > 0 ? ((total - 1) / limit) * limit : 0;
	int err;

	snprintf(count, sizeof(count), "%ld", total);
	err = cw_response_header(res, "X-Total-Count", count);
	link_to(&links, req, origin, 0, limit, "first");
	if (offset > 0)
		link_to(&links, req, origin,
		        offset > limit ? offset - limit : 0, limit, "prev");
	if (offset + limit < total)
		link_to(&links, req, origin, offset + limit, limit, "next");
	link_to(&links, req, origin, last, limit, "last");
	if (err == 0)
		err = links.error ? links.error
		                  : cw_response_header(res, "Link", links.data);
	cw_buf_dispose(&links);
	return err;
}
