/* HTTP GET with caps; see fetch.h. */
#include "net/fetch.h"

#include "util/alloc.h"
#include "util/error.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct {
	cw_buf *out;
	size_t max, got;
	int too_big;
	int refused;          /* a private address was not connected to */
	cw_fetch_exchange *x; /* headers wanted, or NULL */
} sink;

/* 1 for addresses a tenant's fetch may not reach. */
static int private_v4(uint32_t a)
{
	return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
	       (a >> 16) == 0xa9fe ||          /* 169.254/16 */
	       (a >> 20) == 0xac1 ||           /* 172.16/12 */
	       (a >> 16) == 0xc0a8 ||          /* 192.168/16 */
	       (a >> 22) == (100u << 2 | 1) || /* 100.64/10 */
	       (a >> 28) >= 0xe;               /* multicast, reserved */
}

static int private_address(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return private_v4(ntohl(in->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
		        &((const struct sockaddr_in6 *)sa)->sin6_addr;
		const unsigned char *b = a->s6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a))
			return private_v4((uint32_t)b[12] << 24 |
			                  (uint32_t)b[13] << 16 |
			                  (uint32_t)b[14] << 8 | b[15]);
		return IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a) ||
		       (b[0] & 0xfe) == 0xfc || /* fc00::/7 */
		       (b[0] == 0xfe &&
		        (b[1] & 0xc0) == 0x80) || /* fe80::/10 */
		       b[0] == 0xff;              /* multicast */
	}
	return 1;
}

static curl_socket_t open_public(void *payload, curlsocktype purpose,
                                 struct curl_sockaddr *address)
{
	sink *s = payload;

	(void)purpose;
	if (private_address(&address->addr)) {
		s->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(address->family, address->socktype, address->protocol);
}

static size_t on_data(char *data, size_t size, size_t count, void *payload)
{
	sink *s = payload;
	size_t n = size * count;

	if (s->got + n > s->max) {
		s->too_big = 1;
		return 0; /* stops the transfer */
	}
	s->got += n;
	return cw_buf_put(s->out, data, n) < 0 ? 0 : n;
}

/* The value of header name in line ("Name: value\r\n"), or NULL. */
static const char *header_value(const char *line, size_t n, const char *name,
                                size_t *len)
{
	size_t k = strlen(name);
	if (n <= k + 1 || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return NULL;
	const char *v = line + k + 1, *end = line + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v &&
	       (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	*len = (size_t)(end - v);
	return v;
}

static long header_number(const char *v, size_t len)
{
	long n = 0;
	if (!len || len > 18)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (v[i] - '0');
	}
	return n;
}

/* Link: <url>; rel="next", <url>; rel="last" → the next URL. */
static void link_next(char *out, size_t size, const char *v, size_t len)
{
	const char *end = v + len;
	while (v < end) {
		const char *open = memchr(v, '<', (size_t)(end - v));
		const char *close =
		        open ? memchr(open, '>', (size_t)(end - open)) : NULL;
		if (!close)
			return;
		const char *next_item =
		        memchr(close, ',', (size_t)(end - close));
		const char *params_end = next_item ? next_item : end;
		size_t plen = (size_t)(params_end - close);
		int is_next = 0;
		for (size_t i = 0; i + 8 <= plen; i++)
			if (strncasecmp(close + i, "rel=\"next", 9) == 0 ||
			    strncasecmp(close + i, "rel=next", 8) == 0)
				is_next = 1;
		if (is_next && (size_t)(close - open - 1) < size) {
			memcpy(out, open + 1, (size_t)(close - open - 1));
			out[close - open - 1] = '\0';
			return;
		}
		v = params_end + (next_item ? 1 : 0);
	}
}

static size_t on_header(char *line, size_t size, size_t count, void *payload)
{
	sink *s = payload;
	size_t n = size * count, len = 0;
	const char *v;
	if (!s->x)
		return n;
	if (n > 5 && strncmp(line, "HTTP/", 5) == 0) { /* a new answer */
		s->x->retry_after_s = -1;
		s->x->total_count = -1;
		s->x->next[0] = '\0';
	} else if ((v = header_value(line, n, "Retry-After", &len)))
		s->x->retry_after_s = header_number(v, len);
	else if ((v = header_value(line, n, "X-Total-Count", &len)))
		s->x->total_count = header_number(v, len);
	else if ((v = header_value(line, n, "Link", &len)))
		link_next(s->x->next, sizeof(s->x->next), v, len);
	return n;
}

static void init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int configure(CURL *c, const char *url, const cw_fetch_options *o,
                     sink *s, struct curl_slist **headers)
{
	char line[4200];
	CURLcode rc = curl_easy_setopt(c, CURLOPT_URL, url);

	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR,
		                      "http,https");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_TIMEOUT,
		                      o->timeout_s > 0 ? o->timeout_s : 60L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_USERAGENT, "crosswalk");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
	if (s->x && s->x->content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s",
		         s->x->content_type);
		*headers = curl_slist_append(*headers, line);
	}
	if (s->x && s->x->authorization) {
		snprintf(line, sizeof(line), "Authorization: %s",
		         s->x->authorization);
		*headers = curl_slist_append(*headers, line);
	}
	if (rc == CURLE_OK && o->public_only)
		rc = curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION,
		                      open_public);
	if (rc == CURLE_OK && o->public_only)
		rc = curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, s);
	if (o->accept) {
		snprintf(line, sizeof(line), "Accept: %s", o->accept);
		*headers = curl_slist_append(*headers, line);
	}
	if (o->bearer) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s",
		         o->bearer);
		*headers = curl_slist_append(*headers, line);
	}
	if (rc == CURLE_OK && *headers)
		rc = curl_easy_setopt(c, CURLOPT_HTTPHEADER, *headers);
	if (rc != CURLE_OK) {
		cw_error_set("fetch: %s", curl_easy_strerror(rc));
		return CW_EIO;
	}
	return 0;
}

static int perform(cw_buf *out, long *status, const char *url,
                   const cw_fetch_options *o, const char *form,
                   const char *user, const char *password,
                   cw_fetch_exchange *x);

int cw_net_fetch(cw_buf *out, long *status, const char *url,
                 const cw_fetch_options *o)
{
	return perform(out, status, url, o, NULL, NULL, NULL, NULL);
}

int cw_net_fetch_ex(cw_buf *out, const char *url, const cw_fetch_options *o,
                    cw_fetch_exchange *x)
{
	x->status = 0;
	x->retry_after_s = -1;
	x->total_count = -1;
	x->next[0] = '\0';
	x->timed_out = 0;
	return perform(out, &x->status, url, o, NULL, NULL, NULL, x);
}

int cw_net_fetch_text(char **out, size_t *len, const char *url,
                      const cw_fetch_options *o)
{
	cw_buf body = CW_BUF_INIT(o->max_bytes);
	long status;
	int err = cw_net_fetch(&body, &status, url, o);

	*out = NULL;
	if (err == 0 && !(*out = cw_buf_detach(&body, len)))
		err = CW_ENOMEM;
	cw_buf_dispose(&body);
	return err;
}

int cw_net_post_form(cw_buf *out, long *status, const char *url,
                     const char *form, const char *user, const char *password,
                     const cw_fetch_options *o)
{
	return perform(out, status, url, o, form ? form : "", user, password,
	               NULL);
}

int cw_net_post_json(long *status, const char *url, const char *body,
                     const cw_fetch_options *o)
{
	cw_buf answer = CW_BUF_INIT(o->max_bytes ? o->max_bytes : 65536);
	cw_fetch_exchange x = { 0 };
	cw_fetch_options json = *o;
	json.accept = "application/json";
	x.content_type = "application/json";
	x.retry_after_s = -1;
	x.total_count = -1;
	int err = perform(&answer, status, url, &json, body, NULL, NULL, &x);
	if (err == 0 && (*status < 200 || *status > 299)) {
		cw_error_set("%.200s: HTTP status %ld", url, *status);
		err = CW_EIO;
	}
	cw_buf_dispose(&answer);
	return err;
}

int cw_net_put_json(cw_buf *out, long *status, const char *url,
                    const char *body, const cw_fetch_options *o)
{
	cw_fetch_exchange x = { 0 };
	cw_fetch_options json = *o;
	int err;

	json.accept = "application/json";
	x.content_type = "application/json";
	x.retry_after_s = -1;
	x.total_count = -1;
	x.method = "PUT";
	err = perform(out, status, url, &json, body, NULL, NULL, &x);
	if (err == 0 && (*status < 200 || *status > 299)) {
		cw_error_set("%.200s: HTTP status %ld: %.300s", url, *status,
		             cw_buf_cstr(out));
		err = CW_EIO;
	}
	return err;
}

/* A POST of form with Basic credentials, on a configured handle. */
static int set_post(CURL *c, const char *form, const char *user,
                    const char *password)
{
	CURLcode rc = curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);

	if (rc == CURLE_OK && user && password) {
		rc = curl_easy_setopt(c, CURLOPT_HTTPAUTH,
		                      (long)CURLAUTH_BASIC);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(c, CURLOPT_USERNAME, user);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(c, CURLOPT_PASSWORD, password);
	}
	if (rc != CURLE_OK) {
		cw_error_set("fetch: %s", curl_easy_strerror(rc));
		return CW_EIO;
	}
	return 0;
}

static int perform(cw_buf *out, long *status, const char *url,
                   const cw_fetch_options *o, const char *form,
                   const char *user, const char *password, cw_fetch_exchange *x)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct curl_slist *headers = NULL;
	sink s = { out, o->max_bytes, 0, 0, 0, x };
	CURL *c;
	CURLcode rc;
	int err;

	*status = 0;
	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0) {
		cw_error_set("%.200s: only http and https URLs are fetched",
		             url);
		return CW_EINVAL;
	}
	pthread_once(&once, init_once);
	if (!(c = curl_easy_init())) {
		cw_error_set("fetch: cannot start libcurl");
		return CW_ENOMEM;
	}
	err = configure(c, url, o, &s, &headers);
	if (err == 0 && form)
		err = set_post(c, form, user, password);
	if (err == 0 && x && x->method &&
	    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, x->method) != CURLE_OK) {
		cw_error_set("fetch: cannot set the method %s", x->method);
		err = CW_EIO;
	}
	if (err == 0 && (rc = curl_easy_perform(c)) != CURLE_OK) {
		if (s.refused) {
			cw_error_set(
			        "%.200s: refused: the address is loopback, "
			        "private or link-local (config "
			        "fetch_private_addresses)",
			        url);
			err = CW_EINVAL;
		} else if (s.too_big) {
			cw_error_set("%.200s: the answer is larger than %zu "
			             "bytes",
			             url, s.max);
			err = CW_ETOOBIG;
		} else {
			cw_error_set("%.200s: %s", url, curl_easy_strerror(rc));
			if (x && rc == CURLE_OPERATION_TIMEDOUT)
				x->timed_out = 1;
			err = CW_EIO;
		}
	}
	if (err == 0) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		if (!x && (*status < 200 || *status > 299)) {
			cw_error_set("%.200s: HTTP status %ld", url, *status);
			err = CW_EIO;
		}
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	return err;
}
