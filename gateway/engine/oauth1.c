/* RFC 5849 as a verifier. Everything a signature covers is taken from what
 * the client sent (raw path, raw query, the Host header), decoded once and
 * encoded again the one way §3.6 allows, so both sides build the same bytes
 * however the client escaped them. */
#include "engine/oauth1.h"

#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/limits.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_HOST 255
#define MAX_KEY  128 /* consumer keys (client ids are 32) */

static int is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* §3.6: unreserved characters as they are, every other byte %XX. */
static int put_encoded(cw_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

		if (is_unreserved(c))
			cw_buf_putc(b, (char)c);
		else
			cw_buf_put(b, esc, 3);
	}
	return b->error;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decoding of a header value ('+' stays '+'); %00 is refused. */
static int percent_decode(char **out, const char *in, size_t len)
{
	char *text = cw_malloc(len + 1);
	size_t o = 0;

	*out = NULL;
	if (!text)
		return CW_ENOMEM;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (in[i] != '%') {
			text[o++] = in[i];
			continue;
		}
		hi = i + 2 < len ? hex_digit(in[i + 1]) : -1;
		lo = i + 2 < len ? hex_digit(in[i + 2]) : -1;
		if (hi < 0 || lo < 0 || (hi | lo) == 0) {
			cw_free(text);
			cw_error_set("OAuth header: bad percent-encoding");
			return CW_EINVAL;
		}
		text[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	text[o] = '\0';
	*out = text;
	return 0;
}

void cw_oauth1_request_dispose(cw_oauth1_request *request)
{
	for (size_t i = 0; i < request->count; i++) {
		cw_free(request->params[i].name);
		cw_free(request->params[i].value);
	}
	cw_free(request->params);
	cw_free(request->signature);
	memset(request, 0, sizeof(*request));
}

static int is_protocol(const char *name)
{
	return strncmp(name, "oauth_", 6) == 0;
}

/* Takes name and value (freed on failure too). */
static int add_param(cw_oauth1_request *r, char *name, char *value)
{
	int err = 0;

	if (strcmp(name, "oauth_signature") == 0) {
		if (r->signature)
			goto duplicate;
		r->signature = value;
		cw_free(name);
		return 0;
	}
	for (size_t i = 0; is_protocol(name) && i < r->count; i++)
		if (strcmp(r->params[i].name, name) == 0)
			goto duplicate;
	if (r->count >= CW_LIMIT_OAUTH1_PARAMS) {
		cw_error_set("more than %ld request parameters",
		             CW_LIMIT_OAUTH1_PARAMS);
		err = CW_ETOOBIG;
		goto fail;
	}
	if (r->count % 16 == 0) {
		cw_oauth1_param *grown = cw_realloc(
		        r->params, (r->count + 16) * sizeof(*r->params));
		if (!grown) {
			err = CW_ENOMEM;
			goto fail;
		}
		r->params = grown;
	}
	r->params[r->count].name = name;
	r->params[r->count].value = value;
	r->count++;
	return 0;
duplicate:
	cw_error_set("the parameter %.40s is given more than once", name);
	err = CW_EINVAL;
fail:
	cw_free(name);
	cw_free(value);
	return err;
}

/* One name[=value] of a query or form body. */
static int add_form_pair(cw_oauth1_request *r, const char *pair, size_t len)
{
	const char *eq = memchr(pair, '=', len);
	size_t name_len = eq ? (size_t)(eq - pair) : len;
	char *name = NULL, *value = NULL;
	int err = cw_form_decode(&name, pair, name_len);

	if (err == 0)
		err = eq ? cw_form_decode(&value, eq + 1, len - name_len - 1)
		         : ((value = cw_strdup("")) ? 0 : CW_ENOMEM);
	if (err < 0) {
		cw_free(name);
		cw_free(value);
		if (err == CW_EINVAL)
			cw_error_set("bad percent-encoding in the query or "
			             "body");
		return err;
	}
	return add_param(r, name, value);
}

/* application/x-www-form-urlencoded pairs: a query or a form body. */
static int parse_form(cw_oauth1_request *r, const char *text, size_t len)
{
	size_t start = 0;
	int err = 0;

	if (len > CW_LIMIT_OAUTH1_BASE) {
		cw_error_set("query or body too long to sign");
		return CW_ETOOBIG;
	}
	while (err == 0 && start < len) {
		const char *amp = memchr(text + start, '&', len - start);
		size_t end = amp ? (size_t)(amp - text) : len;

		if (end > start)
			err = add_form_pair(r, text + start, end - start);
		start = end + 1;
	}
	return err;
}

static size_t skip_space(const char *h, size_t len, size_t i)
{
	while (i < len &&
	       (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n'))
		i++;
	return i;
}

static int is_name_char(char c)
{
	return is_unreserved((unsigned char)c);
}

/* One name="value" of the header at *pos; realm is read and dropped. */
static int parse_header_param(cw_oauth1_request *r, const char *h, size_t len,
                              size_t *pos)
{
	size_t i = *pos, name_start = i, value_start;
	char *name = NULL, *value = NULL;
	int err, realm;

	while (i < len && is_name_char(h[i]))
		i++;
	if (i == name_start || i + 1 >= len || h[i] != '=' || h[i + 1] != '"')
		goto bad;
	realm = i - name_start == 5 && memcmp(h + name_start, "realm", 5) == 0;
	i += 2;
	value_start = i;
	while (i < len && h[i] != '"')
		i += realm && h[i] == '\\' && i + 1 < len ? 2 : 1;
	if (i >= len)
		goto bad;
	*pos = i + 1;
	if (realm)
		return 0;
	name = cw_strndup(h + name_start,
	                  (size_t)(value_start - 2 - name_start));
	if (!name)
		return CW_ENOMEM;
	if ((err = percent_decode(&value, h + value_start, i - value_start)) <
	    0) {
		cw_free(name);
		return err;
	}
	return add_param(r, name, value);
bad:
	cw_error_set("OAuth header: expected name=\"value\" at byte %zu", i);
	return CW_EINVAL;
}

int cw_oauth1_is_header(const char *header)
{
	return header && strncasecmp(header, "OAuth", 5) == 0 &&
	       (header[5] == ' ' || header[5] == '\t' || header[5] == '\0');
}

/* §3.5.1: OAuth name="value", name="value" … (realm ignored). */
static int parse_header(cw_oauth1_request *r, const char *h, size_t len)
{
	size_t i = 5;
	int err = 0;

	if (len > CW_LIMIT_AUTH_HEADER) {
		cw_error_set("Authorization header too long");
		return CW_ETOOBIG;
	}
	if (len < 5 || strncasecmp(h, "OAuth", 5) != 0 ||
	    (len > 5 && h[5] != ' ' && h[5] != '\t')) {
		cw_error_set("not an OAuth Authorization header");
		return CW_EINVAL;
	}
	if (memchr(h, '\0', len)) {
		cw_error_set("OAuth header: NUL byte");
		return CW_EINVAL;
	}
	for (i = skip_space(h, len, i); err == 0 && i < len;) {
		err = parse_header_param(r, h, len, &i);
		i = skip_space(h, len, i);
		if (err == 0 && i < len && h[i] != ',') {
			cw_error_set("OAuth header: expected ',' at byte %zu",
			             i);
			err = CW_EINVAL;
		}
		i = skip_space(h, len, i + 1);
	}
	return err;
}

static const char *find(const cw_oauth1_request *r, const char *name)
{
	for (size_t i = 0; i < r->count; i++)
		if (strcmp(r->params[i].name, name) == 0)
			return r->params[i].value;
	return NULL;
}

int cw_oauth1_parse(cw_oauth1_request *out, const char *header,
                    size_t header_len, const char *query, size_t query_len,
                    const char *body, size_t body_len)
{
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (header)
		err = parse_header(out, header, header_len);
	if (err == 0 && query)
		err = parse_form(out, query, query_len);
	if (err == 0 && body)
		err = parse_form(out, body, body_len);
	if (err < 0) {
		cw_oauth1_request_dispose(out);
		return err;
	}
	out->consumer_key = find(out, "oauth_consumer_key");
	out->signature_method = find(out, "oauth_signature_method");
	out->timestamp = find(out, "oauth_timestamp");
	out->nonce = find(out, "oauth_nonce");
	out->version = find(out, "oauth_version");
	out->token = find(out, "oauth_token");
	return 0;
}

static int all_digits(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len == 0 || len > max)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int refuse(const char *why)
{
	cw_error_set("%s", why);
	return CW_EAUTH;
}

static int check_method(cw_oauth1_request *r)
{
	if (!r->signature_method)
		return refuse("oauth_signature_method is missing");
	if (strcmp(r->signature_method, "HMAC-SHA1") == 0)
		r->method = CW_HMAC_SHA1;
	else if (strcmp(r->signature_method, "HMAC-SHA256") == 0)
		r->method = CW_HMAC_SHA256;
	else
		return refuse("unsupported oauth_signature_method (HMAC-SHA1 "
		              "or HMAC-SHA256 are accepted)");
	return 0;
}

int cw_oauth1_check(cw_oauth1_request *r, int64_t now_s, long window_s)
{
	int64_t skew;
	int err;

	if (!r->consumer_key || !*r->consumer_key ||
	    strlen(r->consumer_key) > MAX_KEY)
		return refuse("oauth_consumer_key is missing or too long");
	if (!r->signature || !*r->signature)
		return refuse("oauth_signature is missing");
	if (r->version && strcmp(r->version, "1.0") != 0)
		return refuse("oauth_version must be 1.0");
	if (r->token && *r->token)
		return refuse("oauth_token is not used: requests are signed "
		              "with the client's secret alone (two-legged)");
	if ((err = check_method(r)) < 0)
		return err;
	if (!r->nonce || !*r->nonce || strlen(r->nonce) > CW_LIMIT_OAUTH1_NONCE)
		return refuse("oauth_nonce is missing or too long");
	if (!r->timestamp || !all_digits(r->timestamp, 12))
		return refuse("oauth_timestamp is missing or not a number of "
		              "seconds");
	r->timestamp_s = strtoll(r->timestamp, NULL, 10);
	skew = r->timestamp_s - now_s;
	if (skew > window_s || skew < -window_s) {
		cw_error_set("oauth_timestamp is more than %ld s away from "
		             "the server's clock",
		             window_s);
		return CW_EAUTH;
	}
	return 0;
}

/* host[:port] lowercased, the scheme's default port left out. */
static int put_authority(cw_buf *uri, const char *scheme, const char *host)
{
	size_t len = strlen(host), end = len;
	const char *port = NULL;

	if (len == 0 || len > MAX_HOST)
		return CW_EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!is_unreserved((unsigned char)host[i]) &&
		    !strchr(":[]%", host[i]))
			return CW_EINVAL;
	if (host[0] == '[') {
		const char *close = strchr(host, ']');
		if (!close || (close[1] && close[1] != ':'))
			return CW_EINVAL;
		port = close[1] ? close + 2 : NULL;
	} else if (strchr(host, ':')) {
		port = strrchr(host, ':') + 1;
		if (port - 1 != strchr(host, ':'))
			return CW_EINVAL;
	}
	if (port && !all_digits(port, 5))
		return CW_EINVAL;
	if (port &&
	    ((strcmp(scheme, "http") == 0 && strcmp(port, "80") == 0) ||
	     (strcmp(scheme, "https") == 0 && strcmp(port, "443") == 0)))
		end = (size_t)(port - 1 - host);
	for (size_t i = 0; i < end; i++) {
		char c = host[i];
		cw_buf_putc(uri,
		            c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
	}
	return uri->error;
}

/* §3.4.1.2: scheme://authority/path, the whole then encoded. */
static int put_base_uri(cw_buf *out, const char *scheme, const char *host,
                        const char *path, size_t path_len)
{
	cw_buf uri = CW_BUF_INIT(CW_LIMIT_OAUTH1_BASE);
	int err;

	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		cw_error_set("OAuth: scheme must be http or https");
		return CW_EINVAL;
	}
	if (path_len == 0 || path[0] != '/' || memchr(path, '?', path_len) ||
	    memchr(path, '#', path_len) || memchr(path, '\0', path_len)) {
		cw_error_set("OAuth: the request path must begin with '/'");
		return CW_EINVAL;
	}
	cw_buf_puts(&uri, scheme);
	cw_buf_puts(&uri, "://");
	if ((err = put_authority(&uri, scheme, host)) == CW_EINVAL)
		cw_error_set("OAuth: the Host header is not a host[:port]");
	if (err == 0 && (err = cw_buf_put(&uri, path, path_len)) == 0)
		err = put_encoded(out, uri.data, uri.len);
	cw_buf_dispose(&uri);
	return err;
}

typedef struct {
	char *name; /* encoded */
	char *value;
} encoded_pair;

static int compare_pairs(const void *a, const void *b)
{
	const encoded_pair *x = a, *y = b;
	int order = strcmp(x->name, y->name);

	return order ? order : strcmp(x->value, y->value);
}

static char *encoded(const char *s)
{
	cw_buf b = CW_BUF_INIT(CW_LIMIT_OAUTH1_BASE);

	if (put_encoded(&b, s, strlen(s)) < 0 || cw_buf_putc(&b, '\0') < 0) {
		cw_buf_dispose(&b);
		return NULL;
	}
	return cw_buf_detach(&b, NULL);
}

/* §3.4.1.3.2: encode each name and value, sort, join with = and &. */
static int put_normalized(cw_buf *out, const cw_oauth1_request *r)
{
	encoded_pair *pairs = cw_calloc(r->count + 1, sizeof(*pairs));
	cw_buf joined = CW_BUF_INIT(CW_LIMIT_OAUTH1_BASE);
	int err = pairs ? 0 : CW_ENOMEM;

	for (size_t i = 0; err == 0 && i < r->count; i++) {
		pairs[i].name = encoded(r->params[i].name);
		pairs[i].value = encoded(r->params[i].value);
		if (!pairs[i].name || !pairs[i].value)
			err = CW_ETOOBIG;
	}
	if (err == 0 && r->count)
		qsort(pairs, r->count, sizeof(*pairs), compare_pairs);
	for (size_t i = 0; err == 0 && i < r->count; i++) {
		if (i)
			cw_buf_putc(&joined, '&');
		cw_buf_puts(&joined, pairs[i].name);
		cw_buf_putc(&joined, '=');
		err = cw_buf_puts(&joined, pairs[i].value);
	}
	if (err == 0)
		err = put_encoded(out, cw_buf_cstr(&joined), joined.len);
	for (size_t i = 0; pairs && i < r->count; i++) {
		cw_free(pairs[i].name);
		cw_free(pairs[i].value);
	}
	cw_free(pairs);
	cw_buf_dispose(&joined);
	return err;
}

int cw_oauth1_base_string(cw_buf *out, const char *method, const char *scheme,
                          const char *host, const char *path, size_t path_len,
                          const cw_oauth1_request *request)
{
	int err;

	if (!*method || strlen(method) > 16) {
		cw_error_set("OAuth: bad request method");
		return CW_EINVAL;
	}
	for (const char *m = method; *m; m++)
		cw_buf_putc(out, *m >= 'a' && *m <= 'z' ? (char)(*m - 'a' + 'A')
		                                        : *m);
	cw_buf_putc(out, '&');
	if ((err = put_base_uri(out, scheme, host, path, path_len)) < 0)
		return err;
	cw_buf_putc(out, '&');
	if ((err = put_normalized(out, request)) == CW_ETOOBIG)
		cw_error_set("OAuth: the signature base string is longer than "
		             "%ld bytes",
		             CW_LIMIT_OAUTH1_BASE);
	return err ? err : out->error;
}

int cw_oauth1_sign(char out[CW_OAUTH1_SIGNATURE_LEN], cw_hmac_alg method,
                   const char *consumer_secret, const char *token_secret,
                   const char *base, size_t base_len)
{
	cw_buf key = CW_BUF_INIT(4 * CW_LIMIT_SEALED_PLAIN);
	unsigned char mac[CW_HMAC_MAX_LEN];
	size_t mac_len = 0;
	int err;

	out[0] = '\0';
	put_encoded(&key, consumer_secret, strlen(consumer_secret));
	cw_buf_putc(&key, '&');
	if (token_secret)
		put_encoded(&key, token_secret, strlen(token_secret));
	err = key.error;
	if (err == 0)
		err = cw_hmac(mac, &mac_len, method, key.data, key.len, base,
		              base_len);
	if (err == 0)
		cw_base64_encode(out, mac, mac_len);
	if (key.data)
		memset(key.data, 0, key.alloc);
	cw_buf_dispose(&key);
	return err;
}

int cw_oauth1_verify(const cw_oauth1_request *request,
                     const char *consumer_secret, const char *base,
                     size_t base_len)
{
	char expected[CW_OAUTH1_SIGNATURE_LEN];
	size_t len;
	int err;

	err = cw_oauth1_sign(expected, request->method, consumer_secret, NULL,
	                     base, base_len);
	if (err < 0)
		return err;
	len = strlen(expected);
	if (!request->signature || strlen(request->signature) != len ||
	    !cw_const_time_equal(expected, request->signature, len)) {
		cw_error_set("the OAuth signature does not match the request "
		             "and the client's secret");
		return CW_EAUTH;
	}
	return 0;
}
