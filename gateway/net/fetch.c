/* HTTP GET with caps; see fetch.h. */
#include "net/fetch.h"

#include "util/error.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct {
	cw_buf *out;
	size_t max, got;
	int too_big;
} sink;

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
                   const char *user, const char *password);

int cw_net_fetch(cw_buf *out, long *status, const char *url,
                 const cw_fetch_options *o)
{
	return perform(out, status, url, o, NULL, NULL, NULL);
}

int cw_net_post_form(cw_buf *out, long *status, const char *url,
                     const char *form, const char *user, const char *password,
                     const cw_fetch_options *o)
{
	return perform(out, status, url, o, form ? form : "", user, password);
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
                   const char *user, const char *password)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct curl_slist *headers = NULL;
	sink s = { out, o->max_bytes, 0, 0 };
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
	if (err == 0 && (rc = curl_easy_perform(c)) != CURLE_OK) {
		if (s.too_big) {
			cw_error_set("%.200s: the answer is larger than %zu "
			             "bytes",
			             url, s.max);
			err = CW_ETOOBIG;
		} else {
			cw_error_set("%.200s: %s", url, curl_easy_strerror(rc));
			err = CW_EIO;
		}
	}
	if (err == 0) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		if (*status < 200 || *status > 299) {
			cw_error_set("%.200s: HTTP status %ld", url, *status);
			err = CW_EIO;
		}
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	return err;
}
