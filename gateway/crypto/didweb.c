/* did:web to the URL of its DID document: host and optional %3A port, then
 * colon-separated path segments, each checked before it becomes a URL. */
#include "crypto/didweb.h"

#include "util/error.h"

#include <string.h>
#include <strings.h>

#define HOST_MAX 253

int cw_did_web_is(const char *s)
{
	return s && strncmp(s, "did:web:", 8) == 0;
}

static int is_unreserved(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* The host and optional port of s[0..n): its length up to the port. */
static int host_part(size_t *host_len, const char *s, size_t n)
{
	size_t i = 0;
	unsigned long port = 0;

	while (i < n && (is_unreserved(s[i]) && s[i] != '_' && s[i] != '~'))
		i++;
	*host_len = i;
	if (i == 0 || i > HOST_MAX || s[0] == '.' || s[0] == '-') {
		cw_error_set("did:web: the host is missing or malformed");
		return CW_EINVAL;
	}
	if (i == n)
		return 0;
	if (n - i < 4 || strncasecmp(s + i, "%3A", 3) != 0) {
		cw_error_set("did:web: the host has a character not allowed");
		return CW_EINVAL;
	}
	i += 3;
	if (n - i > 5) {
		cw_error_set("did:web: the port is malformed");
		return CW_EINVAL;
	}
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			cw_error_set("did:web: the port is malformed");
			return CW_EINVAL;
		}
		port = port * 10 + (unsigned long)(s[i] - '0');
	}
	if (port == 0 || port > 65535) {
		cw_error_set("did:web: the port is out of range");
		return CW_EINVAL;
	}
	return 0;
}

static int segment_ok(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n || !is_hex(s[i + 1]) ||
			    !is_hex(s[i + 2]) ||
			    (s[i + 1] == '2' &&
			     (s[i + 2] == 'f' || s[i + 2] == 'F')))
				return 0;
			i += 2;
		} else if (!is_unreserved(s[i])) {
			return 0;
		}
	}
	return !(n == 1 && s[0] == '.') &&
	       !(n == 2 && s[0] == '.' && s[1] == '.');
}

static int is_loopback(const char *host, size_t n)
{
	return (n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	       (n >= 4 && strncmp(host, "127.", 4) == 0);
}

int cw_did_web_url(cw_buf *out, size_t *did_len, const char *did, size_t len)
{
	const char *id, *end, *hash = memchr(did, '#', len);
	size_t n = hash ? (size_t)(hash - did) : len, first, host_len;
	int err;

	if (did_len)
		*did_len = n;
	if (n > CW_DID_WEB_MAX || n < 9 || strncmp(did, "did:web:", 8) != 0 ||
	    memchr(did, '\0', n) || memchr(did, '?', n) ||
	    memchr(did, '/', n)) {
		cw_error_set(
		        "not a did:web DID (did:web:HOST[%%3APORT][:PATH])");
		return CW_EINVAL;
	}
	id = did + 8;
	end = did + n;
	const char *colon = memchr(id, ':', (size_t)(end - id));
	first = (size_t)((colon ? colon : end) - id);
	if ((err = host_part(&host_len, id, first)) < 0)
		return err;
	cw_buf_puts(out, is_loopback(id, host_len) ? "http://" : "https://");
	cw_buf_put(out, id, host_len);
	if (first > host_len) {
		cw_buf_putc(out, ':');
		cw_buf_put(out, id + host_len + 3, first - host_len - 3);
	}
	if (id + first == end)
		return cw_buf_puts(out, "/.well-known/did.json");
	for (const char *p = id + first; p < end;) {
		const char *seg = p + 1,
		           *next = memchr(seg, ':', (size_t)(end - seg));

		if (!next)
			next = end;
		if (!segment_ok(seg, (size_t)(next - seg))) {
			cw_error_set(
			        "did:web: a path segment is empty or has a "
			        "character not allowed");
			return CW_EINVAL;
		}
		cw_buf_putc(out, '/');
		cw_buf_put(out, seg, (size_t)(next - seg));
		p = next;
	}
	return cw_buf_puts(out, "/did.json");
}
