/* The OneRoster REST consumer: authentication, paging, retries. */
#include "engine/or_client.h"

#include "engine/oauth1.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strset.h"
#include "util/timeutil.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define URL_MAX (8L << 10)

struct cw_or_client {
	cw_or_client_options o;
	char *strings[9]; /* the copies o points at */
	char *token;
	int64_t token_expiry_ms;
	uint64_t rng;
};

static void default_sleep(void *arg, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	(void)arg;
	while (nanosleep(&ts, &ts) != 0)
		;
}

static int copy(cw_or_client *c, int i, const char **field)
{
	if (!*field)
		return 0;
	if (!(c->strings[i] = cw_strdup(*field)))
		return CW_ENOMEM;
	*field = c->strings[i];
	return 0;
}

int cw_or_client_new(cw_or_client **out, const cw_or_client_options *o)
{
	cw_or_client *c = cw_calloc(1, sizeof(*c));
	const char **fields[] = { &c->o.base_url,       &c->o.token_url,
		                  &c->o.client_id,      &c->o.client_secret,
		                  &c->o.scope,          &c->o.consumer_key,
		                  &c->o.consumer_secret };
	int err = c ? 0 : CW_ENOMEM;
	*out = NULL;
	if (err)
		return err;
	c->o = *o;
	for (int i = 0; i < 7 && err == 0; i++)
		err = copy(c, i, fields[i]);
	if (err == 0 && !c->o.base_url)
		err = CW_EINVAL, cw_error_set("OneRoster client: no base URL");
	if (err == 0 &&
	    cw_random_bytes((unsigned char *)&c->rng, sizeof(c->rng)) < 0)
		err = CW_EIO;
	c->rng |= 1;
	if (err < 0) {
		cw_or_client_free(c);
		return err;
	}
	*out = c;
	return 0;
}

void cw_or_client_free(cw_or_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < sizeof(c->strings) / sizeof(c->strings[0]); i++)
		cw_free(c->strings[i]);
	cw_free(c->token);
	cw_free(c);
}

/* RFC 3986 percent-encoding of everything but the unreserved characters
 * (what OAuth 1.0a and query values need). */
static int put_encoded(cw_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			cw_buf_putc(out, (char)*p);
		} else {
			cw_buf_putc(out, '%');
			cw_buf_putc(out, hex[*p >> 4]);
			cw_buf_putc(out, hex[*p & 15]);
		}
	}
	return out->error;
}

static cw_fetch_options fetch_options(const cw_or_client *c, size_t max)
{
	cw_fetch_options fo = { max, c->o.timeout_s > 0 ? c->o.timeout_s : 60,
		                NULL, "application/json", c->o.public_only };
	return fo;
}

/* OAuth 2.0 client credentials (RFC 6749 §4.4), Basic client auth. */
static int fetch_token(cw_or_client *c, cw_or_pull_stats *stats)
{
	cw_buf form = CW_BUF_INIT(4096), body = CW_BUF_INIT(64 * 1024);
	cw_fetch_options fo = fetch_options(c, 64 * 1024);
	cJSON *doc = NULL;
	long status = 0;
	int err;
	cw_buf_puts(&form, "grant_type=client_credentials");
	if (c->o.scope) {
		cw_buf_puts(&form, "&scope=");
		put_encoded(&form, c->o.scope);
	}
	stats->token_fetches++;
	err = form.error ? form.error
	                 : cw_net_post_form(&body, &status, c->o.token_url,
	                                    form.data, c->o.client_id,
	                                    c->o.client_secret, &fo);
	if (err == CW_EIO && (status == 400 || status == 401)) {
		cw_error_set("%s: the token endpoint refused the client "
		             "credentials (HTTP %ld)",
		             c->o.token_url, status);
		err = CW_EAUTH;
	}
	const cJSON *token = NULL, *expires = NULL;
	if (err == 0 &&
	    (cw_json_parse(&doc, body.data, body.len, 8, NULL) < 0 ||
	     !cJSON_IsString(token = cJSON_GetObjectItemCaseSensitive(
	                             doc, "access_token")))) {
		cw_error_set("%s: the token answer has no access_token",
		             c->o.token_url);
		err = CW_EINVAL;
	}
	if (err == 0) {
		expires = cJSON_GetObjectItemCaseSensitive(doc, "expires_in");
		double s =
		        cJSON_IsNumber(expires) ? expires->valuedouble : 3600;
		cw_free(c->token);
		c->token = cw_strdup(token->valuestring);
		/* renewed 30 s early, so a page never starts on a dying token
		 */
		c->token_expiry_ms =
		        cw_time_mono_ms() + (int64_t)(s * 1000) - 30000;
		err = c->token ? 0 : CW_ENOMEM;
	}
	cJSON_Delete(doc);
	cw_buf_dispose(&form);
	cw_buf_dispose(&body);
	return err;
}

/* The Authorization value of a two-legged OAuth 1.0a GET of url. */
static int oauth1_header(cw_buf *out, const cw_or_client *c, const char *url)
{
	const char *scheme_end = strstr(url, "://");
	if (!scheme_end)
		return CW_EINVAL;
	const char *host = scheme_end + 3, *path = host + strcspn(host, "/?");
	const char *query = strchr(path, '?');
	size_t path_len = query ? (size_t)(query - path) : strlen(path);
	unsigned char nonce_bytes[16];
	char nonce[33], scheme[8], host_text[512], sig[CW_OAUTH1_SIGNATURE_LEN];
	cw_oauth1_request req = { 0 };
	cw_buf base = CW_BUF_INIT(64 * 1024);
	int err = cw_random_bytes(nonce_bytes, sizeof(nonce_bytes));
	cw_hmac_alg alg = c->o.oauth1_sha1 ? CW_HMAC_SHA1 : CW_HMAC_SHA256;
	if (err < 0 || (size_t)(scheme_end - url) >= sizeof(scheme) ||
	    (size_t)(path - host) >= sizeof(host_text))
		return err < 0 ? err : CW_EINVAL;
	cw_hex_encode(nonce, nonce_bytes, sizeof(nonce_bytes));
	snprintf(scheme, sizeof(scheme), "%.*s", (int)(scheme_end - url), url);
	snprintf(host_text, sizeof(host_text), "%.*s", (int)(path - host),
	         host);
	cw_buf_puts(out, "OAuth oauth_consumer_key=\"");
	put_encoded(out, c->o.consumer_key ? c->o.consumer_key : "");
	cw_buf_printf(out,
	              "\", oauth_nonce=\"%s\", oauth_signature_method=\"%s\", "
	              "oauth_timestamp=\"%lld\", oauth_version=\"1.0\"",
	              nonce, alg == CW_HMAC_SHA1 ? "HMAC-SHA1" : "HMAC-SHA256",
	              (long long)(cw_time_now_ms() / 1000));
	if ((err = out->error) == 0 &&
	    (err = cw_oauth1_parse(
	             &req, out->data, out->len, query ? query + 1 : "",
	             query ? strlen(query + 1) : 0, NULL, 0)) == 0 &&
	    (err = cw_oauth1_base_string(&base, "GET", scheme, host_text, path,
	                                 path_len, &req)) == 0 &&
	    (err = cw_oauth1_sign(
	             sig, alg, c->o.consumer_secret ? c->o.consumer_secret : "",
	             NULL, base.data, base.len)) == 0) {
		cw_buf_puts(out, ", oauth_signature=\"");
		put_encoded(out, sig);
		err = cw_buf_putc(out, '"');
	}
	cw_oauth1_request_dispose(&req);
	cw_buf_dispose(&base);
	return err;
}

static int authorization(cw_buf *out, cw_or_client *c, const char *url,
                         cw_or_pull_stats *stats)
{
	int err = 0;
	cw_buf_clear(out);
	if (c->o.auth == CW_OR_AUTH_OAUTH1)
		return oauth1_header(out, c, url);
	if (c->o.auth != CW_OR_AUTH_OAUTH2)
		return 0;
	if ((!c->token || cw_time_mono_ms() >= c->token_expiry_ms) &&
	    (err = fetch_token(c, stats)) < 0)
		return err;
	cw_buf_puts(out, "Bearer ");
	return cw_buf_puts(out, c->token);
}

static uint64_t next_random(cw_or_client *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return c->rng;
}

/* How long before attempt n+1: Retry-After when the server said, else
 * backoff·2^n, either capped, with jitter in [½, 1) of it. */
static long wait_ms(cw_or_client *c, int attempt, long retry_after_s)
{
	long cap = c->o.max_wait_ms > 0 ? c->o.max_wait_ms : 60000;
	long base = c->o.backoff_ms > 0 ? c->o.backoff_ms : 500;
	if (retry_after_s >= 0)
		return retry_after_s * 1000 < cap ? retry_after_s * 1000 : cap;
	for (int i = 0; i < attempt && base < cap; i++)
		base *= 2;
	if (base > cap)
		base = cap;
	return base / 2 + (long)(next_random(c) % (uint64_t)(base / 2 + 1));
}

static int retryable(int err, long status)
{
	return err == CW_EIO || (err == 0 && (status == 429 || status >= 500));
}

/* One GET with its retries; 0 only for a 2xx answer in body. */
static int get_with_retries(cw_or_client *c, const char *url, cw_buf *body,
                            cw_fetch_exchange *x, cw_or_pull_stats *stats)
{
	cw_buf auth = CW_BUF_INIT(16 * 1024);
	size_t max = c->o.max_response ? c->o.max_response : (64UL << 20);
	cw_fetch_options fo = fetch_options(c, max);
	int max_retries = c->o.max_retries == 0 ? 5 : c->o.max_retries;
	int attempt = 0, renewed = 0, err;
	for (;;) {
		cw_buf_clear(body);
		if ((err = authorization(&auth, c, url, stats)) < 0)
			break;
		x->authorization = auth.len ? auth.data : NULL;
		err = cw_net_fetch_ex(body, url, &fo, x);
		stats->requests++;
		if (err == 0 && x->status >= 200 && x->status <= 299)
			break;
		if (err == 0 && x->status == 401 &&
		    c->o.auth == CW_OR_AUTH_OAUTH2 &&
		    !renewed) { /* the token expired early: one new token */
			renewed = 1;
			c->token_expiry_ms = 0;
			continue;
		}
		if (err == 0 && (x->status == 401 || x->status == 403)) {
			cw_error_set("%.300s: HTTP %ld: the SIS refused the "
			             "credentials",
			             url, x->status);
			err = CW_EAUTH;
			break;
		}
		if (!retryable(err, x->status) || max_retries < 0 ||
		    attempt >= max_retries) {
			if (err == 0) {
				cw_error_set("%.300s: HTTP %ld after %d "
				             "attempt(s)",
				             url, x->status, attempt + 1);
				err = CW_EIO;
			} else if (err == CW_EIO) {
				cw_error_set(
				        "%.300s: %s (after %d attempt(s))", url,
				        x->timed_out ? "timed out"
				                     : "no complete answer",
				        attempt + 1);
			}
			break;
		}
		long ms = wait_ms(c, attempt, err == 0 ? x->retry_after_s : -1);
		(c->o.sleep_ms ? c->o.sleep_ms : default_sleep)(c->o.sleep_arg,
		                                                ms);
		attempt++;
		stats->retries++;
	}
	cw_buf_dispose(&auth);
	return err;
}

static int page_url(cw_buf *url, const cw_or_client *c, const char *collection,
                    const char *filter, size_t limit, size_t offset)
{
	const char *base = c->o.base_url;
	size_t n = strlen(base);
	cw_buf_clear(url);
	cw_buf_put(url, base, n && base[n - 1] == '/' ? n - 1 : n);
	cw_buf_printf(url, "/%s?limit=%zu&offset=%zu", collection, limit,
	              offset);
	if (filter) {
		cw_buf_puts(url, "&filter=");
		put_encoded(url, filter);
	}
	return url->error;
}

typedef struct {
	cw_strset *seen;
	cw_or_record_cb cb;
	void *arg;
	size_t fresh; /* records of this page not seen before */
} page_state;

/* The collection's records of one page go to cb, each sourcedId once. */
/* The collection's array of one page (in *doc, which owns it). */
static int parse_page(cJSON **doc, const cJSON **list, size_t *count,
                      const cw_buf *body, const char *url,
                      const char *collection)
{
	cw_json_position where;
	if (cw_json_parse(doc, body->data, body->len, 64, &where) < 0) {
		cw_error_set("%.300s: not JSON (line %d, column %d)", url,
		             where.line, where.column);
		return CW_EINVAL;
	}
	if (!cJSON_IsArray(*list = cJSON_GetObjectItemCaseSensitive(
	                           *doc, collection))) {
		cJSON_Delete(*doc);
		*doc = NULL;
		cw_error_set("%.300s: the answer has no \"%s\" array", url,
		             collection);
		return CW_EINVAL;
	}
	*count = (size_t)cJSON_GetArraySize(*list);
	return 0;
}

/* The page's records go to cb, each sourcedId once. */
static int emit_page(page_state *p, const cJSON *list, const char *url,
                     cw_or_pull_stats *stats)
{
	const cJSON *record;
	int err = 0;
	cJSON_ArrayForEach(record, list)
	{
		const cJSON *id =
		        cJSON_GetObjectItemCaseSensitive(record, "sourcedId");
		uint32_t found;
		if (!cJSON_IsString(id) || !id->valuestring[0]) {
			cw_error_set("%.300s: a record without sourcedId", url);
			return CW_EINVAL;
		}
		int added = cw_strset_put(p->seen, id->valuestring,
		                          strlen(id->valuestring), 0, &found);
		if ((err = added) < 0)
			return err;
		if (!added) {
			stats->duplicates++;
			continue;
		}
		p->fresh++;
		stats->records++;
		if ((err = p->cb(p->arg, record)) < 0)
			return err;
	}
	return 0;
}

/* One page fetched in the background while the previous one is turned
 * into records: the SIS builds page N+1 while we convert page N. Only one
 * fetch runs at a time, so the token and the backoff state stay with one
 * thread. */
typedef struct {
	cw_or_client *c;
	cw_buf url, body;
	cw_fetch_exchange x;
	cw_or_pull_stats *stats;
	pthread_t thread;
	int running, err;
	char error[512];
} fetch_job;

static void *run_fetch(void *arg)
{
	fetch_job *j = arg;
	j->err = get_with_retries(j->c, j->url.data, &j->body, &j->x, j->stats);
	if (j->err < 0)
		snprintf(j->error, sizeof(j->error), "%s", cw_error_last());
	return NULL;
}

static void fetch_start(fetch_job *j)
{
	memset(&j->x, 0, sizeof(j->x));
	j->err = 0;
	j->running = pthread_create(&j->thread, NULL, run_fetch, j) == 0;
	if (!j->running)
		run_fetch(j); /* no thread: fetch here */
}

static int fetch_wait(fetch_job *j)
{
	if (j->running)
		pthread_join(j->thread, NULL);
	j->running = 0;
	if (j->err < 0)
		cw_error_set("%s", j->error);
	return j->err;
}

/* Whether a page says there is more: not when it is short or empty, when
 * the count is reached, or when a Link header stopped naming a next page. */
static int has_more(size_t count, size_t limit, size_t next_offset,
                    const cw_fetch_exchange *x, int linked)
{
	return !(count < limit ||
	         (x->total_count >= 0 &&
	          next_offset >= (size_t)x->total_count) ||
	         (linked && !x->next[0]));
}

int cw_or_client_pull(cw_or_client *c, const char *collection,
                      const char *filter, cw_or_record_cb cb, void *arg,
                      cw_or_pull_stats *stats)
{
	size_t limit = c->o.page_size ? c->o.page_size : 100;
	size_t max_pages = c->o.max_pages ? c->o.max_pages : 100000;
	size_t body_max =
	        (c->o.max_response ? c->o.max_response : (64UL << 20)) + 1;
	size_t offset = 0, count = 0;
	fetch_job jobs[2];
	page_state p = { NULL, cb, arg, 0 };
	int err, linked = 0, cur = 0, more = 1;
	memset(stats, 0, sizeof(*stats));
	for (int i = 0; i < 2; i++)
		jobs[i] = (fetch_job){ .c = c,
			               .url = CW_BUF_INIT(URL_MAX),
			               .body = CW_BUF_INIT(body_max),
			               .stats = stats };
	if ((err = cw_strset_new(&p.seen)) == 0 &&
	    (err = page_url(&jobs[0].url, c, collection, filter, limit, 0)) ==
	            0)
		fetch_start(&jobs[0]);
	while (err == 0 && more) {
		cJSON *doc = NULL;
		const cJSON *list = NULL;
		fetch_job *j = &jobs[cur], *next = &jobs[1 - cur];
		if ((err = fetch_wait(j)) < 0 ||
		    (err = parse_page(&doc, &list, &count, &j->body,
		                      j->url.data, collection)) < 0)
			break;
		stats->pages++;
		linked |= j->x.next[0] != '\0';
		more = has_more(count, limit, offset + count, &j->x, linked);
		if (more && stats->pages >= max_pages) {
			cw_error_set("%s: more than %zu pages", collection,
			             max_pages);
			err = CW_ETOOBIG;
		} else if (more &&
		           (err = page_url(&next->url, c, collection, filter,
		                           limit, offset + count)) == 0) {
			fetch_start(next);
		}
		p.fresh = 0;
		if (err == 0)
			err = emit_page(&p, list, j->url.data, stats);
		cJSON_Delete(doc);
		/* a page of rows already seen: a SIS that ignores offset
		 * would loop forever, or look like a short roster (and a full
		 * sync would delete the rest) */
		if (err == 0 && count > 0 && p.fresh == 0) {
			cw_error_set("%s: page %zu has only rows already seen: "
			             "the SIS ignores offset, or reorders "
			             "between pages",
			             collection, stats->pages);
			err = CW_EINVAL;
		}
		offset += count;
		cur = 1 - cur;
	}
	for (int i = 0; i < 2; i++) {
		if (jobs[i].running)
			pthread_join(jobs[i].thread, NULL);
		cw_buf_dispose(&jobs[i].url);
		cw_buf_dispose(&jobs[i].body);
	}
	cw_strset_free(p.seen);
	return err;
}
