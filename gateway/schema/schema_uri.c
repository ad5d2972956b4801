/* URI reference resolution (RFC 3986 section 5) and JSON pointers (RFC 6901)
 * for $id, $ref and error locations. */
#include "schema/schema_internal.h"

#include "util/alloc.h"
#include "util/error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define URI_MAX (64L * 1024)

typedef struct {
	const char *scheme, *authority, *path, *query, *fragment;
	size_t scheme_len, authority_len, path_len, query_len, fragment_len;
	int has_scheme, has_authority, has_query, has_fragment;
} uri_parts;

static size_t span_until(const char *s, const char *stops)
{
	return strcspn(s, stops);
}

static void parse_scheme(uri_parts *parts, const char **s)
{
	size_t n = span_until(*s, ":/?#");

	if ((*s)[n] != ':' || n == 0 || !isalpha((unsigned char)(*s)[0]))
		return;
	for (size_t i = 1; i < n; i++) {
		char c = (*s)[i];

		if (!isalnum((unsigned char)c) && c != '+' && c != '-' &&
		    c != '.')
			return;
	}
	parts->has_scheme = 1;
	parts->scheme = *s;
	parts->scheme_len = n;
	*s += n + 1;
}

static void parse_uri(uri_parts *parts, const char *s)
{
	memset(parts, 0, sizeof(*parts));
	parse_scheme(parts, &s);
	if (s[0] == '/' && s[1] == '/') {
		s += 2;
		parts->has_authority = 1;
		parts->authority = s;
		parts->authority_len = span_until(s, "/?#");
		s += parts->authority_len;
	}
	parts->path = s;
	parts->path_len = span_until(s, "?#");
	s += parts->path_len;
	if (*s == '?') {
		s++;
		parts->has_query = 1;
		parts->query = s;
		parts->query_len = span_until(s, "#");
		s += parts->query_len;
	}
	if (*s == '#') {
		parts->has_fragment = 1;
		parts->fragment = s + 1;
		parts->fragment_len = strlen(s + 1);
	}
}

int sch_uri_is_absolute(const char *uri)
{
	uri_parts parts;

	parse_uri(&parts, uri);
	return parts.has_scheme;
}

/* Removes the last segment of out (and its "/"), as RFC 3986 5.2.4 asks. */
static void drop_last_segment(cw_buf *out)
{
	while (out->len > 0 && out->data[out->len - 1] != '/')
		out->len--;
	if (out->len > 0)
		out->len--;
	if (out->data)
		out->data[out->len] = '\0';
}

/* RFC 3986 5.2.4 over path[0..len), appended to out. */
static int remove_dot_segments(cw_buf *out, const char *path, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *in = path + i;
		size_t left = len - i, seg;

		if (left >= 3 && strncmp(in, "../", 3) == 0) {
			i += 3;
		} else if (left >= 2 && strncmp(in, "./", 2) == 0) {
			i += 2;
		} else if (left >= 3 && strncmp(in, "/./", 3) == 0) {
			i += 2;
		} else if (left == 2 && strncmp(in, "/.", 2) == 0) {
			i += 1;
			cw_buf_putc(out, '/');
			i += 1;
		} else if (left >= 4 && strncmp(in, "/../", 4) == 0) {
			i += 3;
			drop_last_segment(out);
		} else if (left == 3 && strncmp(in, "/..", 3) == 0) {
			i += 3;
			drop_last_segment(out);
			cw_buf_putc(out, '/');
		} else if ((left == 1 && in[0] == '.') ||
		           (left == 2 && strncmp(in, "..", 2) == 0)) {
			i += left;
		} else {
			seg = 1;
			while (seg < left && in[seg] != '/')
				seg++;
			cw_buf_put(out, in, seg);
			i += seg;
		}
	}
	return out->error;
}

/* RFC 3986 5.2.3: the reference's path merged with the base's. */
static int merge_paths(cw_buf *merged, const uri_parts *base,
                       const uri_parts *ref)
{
	if (base->has_authority && base->path_len == 0) {
		cw_buf_putc(merged, '/');
	} else {
		size_t keep = base->path_len;

		while (keep > 0 && base->path[keep - 1] != '/')
			keep--;
		cw_buf_put(merged, base->path, keep);
	}
	cw_buf_put(merged, ref->path, ref->path_len);
	return merged->error;
}

/* The path without dot segments, appended to out (which holds the scheme
 * and authority already, so the removal works on a buffer of its own). */
static int put_path(cw_buf *out, const char *path, size_t len)
{
	cw_buf clean = CW_BUF_INIT(URI_MAX);
	int err = remove_dot_segments(&clean, path, len);

	if (err == 0)
		err = cw_buf_put(out, clean.data ? clean.data : "", clean.len);
	else
		out->error = err;
	cw_buf_dispose(&clean);
	return err;
}

static void put_target(cw_buf *out, const uri_parts *base, const uri_parts *ref)
{
	cw_buf merged = CW_BUF_INIT(URI_MAX);

	if (ref->has_authority) {
		cw_buf_puts(out, "//");
		cw_buf_put(out, ref->authority, ref->authority_len);
		put_path(out, ref->path, ref->path_len);
	} else if (ref->path_len == 0) {
		if (base->has_authority) {
			cw_buf_puts(out, "//");
			cw_buf_put(out, base->authority, base->authority_len);
		}
		cw_buf_put(out, base->path, base->path_len);
	} else {
		if (base->has_authority) {
			cw_buf_puts(out, "//");
			cw_buf_put(out, base->authority, base->authority_len);
		}
		if (ref->path[0] == '/') {
			put_path(out, ref->path, ref->path_len);
		} else if (merge_paths(&merged, base, ref) == 0) {
			put_path(out, merged.data, merged.len);
		} else {
			out->error = merged.error;
		}
	}
	cw_buf_dispose(&merged);
}

static void put_query(cw_buf *out, const uri_parts *base, const uri_parts *ref)
{
	const uri_parts *from = ref;

	if (!ref->has_scheme && !ref->has_authority && ref->path_len == 0 &&
	    !ref->has_query)
		from = base;
	if (from->has_query) {
		cw_buf_putc(out, '?');
		cw_buf_put(out, from->query, from->query_len);
	}
}

char *sch_uri_resolve(const char *base, const char *reference)
{
	cw_buf out = CW_BUF_INIT(URI_MAX);
	uri_parts b, r;

	parse_uri(&b, base);
	parse_uri(&r, reference);
	if (r.has_scheme) {
		cw_buf_put(&out, r.scheme, r.scheme_len);
		cw_buf_putc(&out, ':');
		if (r.has_authority) {
			cw_buf_puts(&out, "//");
			cw_buf_put(&out, r.authority, r.authority_len);
		}
		put_path(&out, r.path, r.path_len);
	} else {
		cw_buf_put(&out, b.scheme, b.scheme_len);
		if (b.has_scheme)
			cw_buf_putc(&out, ':');
		put_target(&out, &b, &r);
	}
	put_query(&out, &b, &r);
	if (r.has_fragment) {
		cw_buf_putc(&out, '#');
		cw_buf_put(&out, r.fragment, r.fragment_len);
	}
	if (out.error) {
		cw_buf_dispose(&out);
		return NULL;
	}
	return cw_buf_detach(&out, NULL);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *sch_uri_fragment_decode(const char *fragment)
{
	size_t len = strlen(fragment), n = 0;
	char *out = cw_malloc(len + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (fragment[i] == '%' && i + 2 < len &&
		    (hi = hex_value(fragment[i + 1])) >= 0 &&
		    (lo = hex_value(fragment[i + 2])) >= 0) {
			out[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[n++] = fragment[i];
		}
	}
	out[n] = '\0';
	return out;
}

/* Unescapes one pointer token of len bytes into token (len + 1 bytes). */
static void unescape_token(char *token, const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '~' && i + 1 < len && s[i + 1] == '0') {
			token[n++] = '~';
			i++;
		} else if (s[i] == '~' && i + 1 < len && s[i + 1] == '1') {
			token[n++] = '/';
			i++;
		} else {
			token[n++] = s[i];
		}
	}
	token[n] = '\0';
}

static const cJSON *pointer_step(const cJSON *at, const char *token)
{
	char *end = NULL;
	unsigned long index;

	if (cJSON_IsObject(at))
		return cJSON_GetObjectItemCaseSensitive(at, token);
	if (!cJSON_IsArray(at) || !isdigit((unsigned char)token[0]) ||
	    (token[0] == '0' && token[1]))
		return NULL;
	index = strtoul(token, &end, 10);
	if (*end || index > 1000000000UL)
		return NULL;
	return cJSON_GetArrayItem(at, (int)index);
}

const cJSON *sch_pointer_follow(const cJSON *root, const char *pointer)
{
	const cJSON *at = root;
	char *token;

	if (pointer[0] == '\0')
		return root;
	if (pointer[0] != '/')
		return NULL;
	token = cw_malloc(strlen(pointer) + 1);
	if (!token)
		return NULL;
	while (at && *pointer == '/') {
		size_t len;

		pointer++;
		len = strcspn(pointer, "/");
		unescape_token(token, pointer, len);
		at = pointer_step(at, token);
		pointer += len;
	}
	cw_free(token);
	return at;
}

int sch_pointer_append(cw_buf *buf, const char *token)
{
	cw_buf_putc(buf, '/');
	for (; *token; token++) {
		if (*token == '~')
			cw_buf_puts(buf, "~0");
		else if (*token == '/')
			cw_buf_puts(buf, "~1");
		else
			cw_buf_putc(buf, *token);
	}
	return buf->error;
}

int sch_pointer_append_index(cw_buf *buf, size_t index)
{
	return cw_buf_printf(buf, "/%zu", index);
}
