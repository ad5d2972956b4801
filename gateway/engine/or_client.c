/* The OneRoster REST consumer: authentication, paging, retries. */
#include "engine/or_client.h"

#include "engine/oauth1.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
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
	/* Shared by the fetching threads, under lock: */
	pthread_mutex_t lock;
	char *token;
	int64_t token_expiry_ms;
	unsigned token_generation; /* bumped by each new token */
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
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		cw_free(c);
		return CW_ENOMEM;
	}
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
	pthread_mutex_destroy(&c->lock);
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
		c->token_generation++;
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

/* The Authorization value for url; with OAuth 2, *generation says which
 * token it carries. One thread fetches a token while the others wait. */
static int authorization(cw_buf *out, cw_or_client *c, const char *url,
                         cw_or_pull_stats *stats, unsigned *generation)
{
	int err = 0;
	cw_buf_clear(out);
	if (c->o.auth == CW_OR_AUTH_OAUTH1)
		return oauth1_header(out, c, url);
	if (c->o.auth != CW_OR_AUTH_OAUTH2)
		return 0;
	pthread_mutex_lock(&c->lock);
	if (!c->token || cw_time_mono_ms() >= c->token_expiry_ms)
		err = fetch_token(c, stats);
	if (err == 0) {
		cw_buf_puts(out, "Bearer ");
		err = cw_buf_puts(out, c->token);
		*generation = c->token_generation;
	}
	pthread_mutex_unlock(&c->lock);
	return err;
}

/* A 401 with token generation: 1 when that token was still the current one
 * (now dropped, so the next request fetches another), 0 when another
 * thread has renewed it since. */
static int drop_token(cw_or_client *c, unsigned generation)
{
	int current;
	pthread_mutex_lock(&c->lock);
	current = c->token_generation == generation;
	if (current)
		c->token_expiry_ms = 0;
	pthread_mutex_unlock(&c->lock);
	return current;
}

static uint64_t next_random(cw_or_client *c)
{
	uint64_t r;
	pthread_mutex_lock(&c->lock);
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	r = c->rng;
	pthread_mutex_unlock(&c->lock);
	return r;
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
	unsigned generation = 0;
	for (;;) {
		cw_buf_clear(body);
		if ((err = authorization(&auth, c, url, stats, &generation)) <
		    0)
			break;
		x->authorization = auth.len ? auth.data : NULL;
		err = cw_net_fetch_ex(body, url, &fo, x);
		stats->requests++;
		if (err == 0 && x->status >= 200 && x->status <= 299)
			break;
		if (err == 0 && x->status == 401 &&
		    c->o.auth == CW_OR_AUTH_OAUTH2 && !renewed) {
			/* the token expired early: one new token per request
			 * (a token another thread renewed meanwhile is
			 * simply tried) */
			renewed = drop_token(c, generation);
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

/* One page fetched, and read, in a thread of its own while earlier pages
 * are turned into records; up to max_concurrent at once. The token and the
 * random state are shared under the client's lock; each job counts its
 * own requests, added to the pull's when the page is taken. */
typedef struct {
	cw_or_client *c;
	const char *collection;
	cw_buf url, body;
	cw_fetch_exchange x;
	cw_or_pull_stats stats;
	cw_json_page *page;
	size_t offset;
	pthread_t thread;
	int running, busy, err;
	char error[512];
} fetch_job;

/* The page's records (an array member named collection), checked whole:
 * what is not JSON fails before any record is handed over. */
static int read_page(fetch_job *j)
{
	cw_json_position where = { 0, 0, 0 };
	int err = cw_json_page_read(j->page, j->body.data ? j->body.data : "",
	                            j->body.len, j->collection,
	                            CW_LIMIT_JSON_DEPTH_DEFAULT, &where);
	if (err == CW_ENOTFOUND) {
		cw_error_set("%.300s: the answer has no \"%s\" array",
		             j->url.data, j->collection);
		return CW_EINVAL;
	}
	if (err == CW_EINVAL || err == CW_ETOOBIG) {
		const char *why = strchr(cw_error_last(), ' ');
		char reason[200];
		snprintf(reason, sizeof(reason), "%s", why ? why + 1 : "");
		cw_error_set("%.300s: not JSON (line %d, column %d: %s)",
		             j->url.data, where.line, where.column, reason);
		return CW_EINVAL;
	}
	return err;
}

static void *run_fetch(void *arg)
{
	fetch_job *j = arg;
	j->err =
	        get_with_retries(j->c, j->url.data, &j->body, &j->x, &j->stats);
	if (j->err == 0)
		j->err = read_page(j);
	if (j->err < 0)
		snprintf(j->error, sizeof(j->error), "%s", cw_error_last());
	return NULL;
}

static int fetch_start(fetch_job *j, const char *filter, size_t limit,
                       size_t offset)
{
	int err = page_url(&j->url, j->c, j->collection, filter, limit, offset);
	if (err < 0)
		return err;
	memset(&j->x, 0, sizeof(j->x));
	memset(&j->stats, 0, sizeof(j->stats));
	j->offset = offset;
	j->err = 0;
	j->busy = 1;
	j->running = pthread_create(&j->thread, NULL, run_fetch, j) == 0;
	if (!j->running)
		run_fetch(j); /* no thread: fetch here */
	return 0;
}

/* Waits for j and adds its requests to stats; its result (and, when
 * report, its message). */
static int fetch_wait(fetch_job *j, cw_or_pull_stats *stats, int report)
{
	if (j->running)
		pthread_join(j->thread, NULL);
	j->running = 0;
	j->busy = 0;
	stats->requests += j->stats.requests;
	stats->retries += j->stats.retries;
	stats->token_fetches += j->stats.token_fetches;
	if (j->err < 0 && report)
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

typedef struct {
	cw_or_client *c;
	const char *collection, *filter;
	size_t limit, max_pages, window;
	/* a ring of window + 1: the page being handed over keeps its job
	 * while window others are in flight */
	fetch_job jobs[CW_OR_MAX_CONCURRENT + 1];
	size_t head, in_flight; /* the next page's job, and jobs busy */
	size_t requested;       /* pages asked for */
	size_t next_offset;     /* of the next page to ask for */
	long long total;        /* X-Total-Count, or -1 */
	cw_strset *seen;
	cw_buf id;
	cw_or_object_cb cb;
	void *arg;
	cw_or_pull_stats *stats;
} puller;

/* Asks for pages ahead until window of them are in flight (none past the
 * count, nor past max_pages). */
static int fill(puller *p)
{
	int err = 0;
	while (err == 0 && p->in_flight < p->window &&
	       p->requested < p->max_pages &&
	       (p->total < 0 || p->next_offset < (size_t)p->total)) {
		fetch_job *j =
		        &p->jobs[(p->head + p->in_flight) % (p->window + 1)];
		if ((err = fetch_start(j, p->filter, p->limit,
		                       p->next_offset)) == 0) {
			p->in_flight++;
			p->requested++;
			p->next_offset += p->limit;
		}
	}
	return err;
}

/* Waits for the pages in flight and forgets them (their errors too: the
 * message of whatever stopped the pull stays). */
static void drain(puller *p)
{
	cw_or_pull_stats dropped = { 0 };
	for (size_t i = 0; i <= CW_OR_MAX_CONCURRENT; i++)
		if (p->jobs[i].busy)
			(void)fetch_wait(&p->jobs[i], &dropped, 0);
	p->stats->requests += dropped.requests;
	p->stats->retries += dropped.retries;
	p->stats->token_fetches += dropped.token_fetches;
	p->in_flight = 0;
}

/* The page's records go to cb, each sourcedId once; *fresh counts those
 * not seen before. */
static int emit_page(puller *p, const fetch_job *j, size_t *fresh)
{
	size_t count = cw_json_page_count(j->page);
	cw_jobject record;
	int err = 0;
	*fresh = 0;
	for (size_t i = 0; i < count; i++) {
		cw_json_page_item(j->page, i, &record);
		const cw_jv *id = cw_jobject_get(&record, "sourcedId");
		uint32_t found;
		if (!id || id->type != CW_JV_STRING || id->len == 0) {
			cw_error_set("%.300s: a record without sourcedId",
			             j->url.data);
			return CW_EINVAL;
		}
		cw_buf_clear(&p->id);
		if ((err = cw_jv_decode(&p->id, id)) < 0)
			return err;
		int added = cw_strset_put(p->seen, p->id.data, p->id.len, 0,
		                          &found);
		if ((err = added) < 0)
			return err;
		if (!added) {
			p->stats->duplicates++;
			continue;
		}
		(*fresh)++;
		p->stats->records++;
		if ((err = p->cb(p->arg, &record)) < 0)
			return err;
	}
	return 0;
}

/* Takes the next page in order: 1 when paging goes on, 0 at the end. */
static int take_page(puller *p, int *linked)
{
	fetch_job *j = &p->jobs[p->head];
	size_t count, fresh;
	int err, more;
	p->head = (p->head + 1) % (p->window + 1);
	p->in_flight--;
	if ((err = fetch_wait(j, p->stats, 1)) < 0)
		return err;
	count = cw_json_page_count(j->page);
	p->stats->pages++;
	if (j->x.total_count >= 0)
		p->total = j->x.total_count;
	*linked |= j->x.next[0] != '\0';
	more = has_more(count, p->limit, j->offset + count, &j->x, *linked);
	if (more && p->stats->pages >= p->max_pages) {
		cw_error_set("%s: more than %zu pages", p->collection,
		             p->max_pages);
		return CW_ETOOBIG;
	}
	if (more && count != p->limit) { /* pages ahead start elsewhere */
		drain(p);
		p->requested = p->stats->pages;
		p->next_offset = j->offset + count;
	}
	if (more && (err = fill(p)) < 0)
		return err;
	if ((err = emit_page(p, j, &fresh)) < 0)
		return err;
	/* a page of rows already seen: a SIS that ignores offset would
	 * loop forever, or look like a short roster (and a full sync would
	 * delete the rest) */
	if (count > 0 && fresh == 0) {
		cw_error_set("%s: page %zu has only rows already seen: the SIS "
		             "ignores offset, or reorders between pages",
		             p->collection, p->stats->pages);
		return CW_EINVAL;
	}
	return more;
}

int cw_or_client_pull_objects(cw_or_client *c, const char *collection,
                              const char *filter, cw_or_object_cb cb, void *arg,
                              cw_or_pull_stats *stats)
{
	size_t body_max =
	        (c->o.max_response ? c->o.max_response : (64UL << 20)) + 1;
	int window = c->o.max_concurrent > 0 ? c->o.max_concurrent : 3;
	puller p = { .c = c,
		     .collection = collection,
		     .filter = filter,
		     .limit = c->o.page_size ? c->o.page_size : 100,
		     .max_pages = c->o.max_pages ? c->o.max_pages : 100000,
		     .window = window < CW_OR_MAX_CONCURRENT
		                       ? (size_t)window
		                       : CW_OR_MAX_CONCURRENT,
		     .total = -1,
		     .id = CW_BUF_INIT(64 * 1024),
		     .cb = cb,
		     .arg = arg,
		     .stats = stats };
	int err = 0, linked = 0, more = 1;
	memset(stats, 0, sizeof(*stats));
	for (size_t i = 0; i <= p.window; i++) {
		p.jobs[i] = (fetch_job){ .c = c,
			                 .collection = collection,
			                 .url = CW_BUF_INIT(URL_MAX),
			                 .body = CW_BUF_INIT(body_max) };
		if (err == 0)
			err = cw_json_page_new(&p.jobs[i].page);
	}
	if (err == 0)
		err = cw_strset_new(&p.seen);
	/* the first page alone: it says how many there are (and fetches the
	 * token) before others go out */
	if (err == 0 &&
	    (err = fetch_start(&p.jobs[0], filter, p.limit, 0)) == 0) {
		p.in_flight = p.requested = 1;
		p.next_offset = p.limit;
	}
	while (err == 0 && more > 0)
		if ((more = take_page(&p, &linked)) < 0)
			err = more;
	drain(&p);
	for (size_t i = 0; i <= p.window; i++) {
		cw_buf_dispose(&p.jobs[i].url);
		cw_buf_dispose(&p.jobs[i].body);
		cw_json_page_free(p.jobs[i].page);
	}
	cw_buf_dispose(&p.id);
	cw_strset_free(p.seen);
	return err < 0 ? err : 0;
}

/* The tree callback over the tree-less pull. */
typedef struct {
	cw_or_record_cb cb;
	void *arg;
} tree_adapter;

static int as_tree(void *arg, const cw_jobject *record)
{
	tree_adapter *a = arg;
	cJSON *doc = NULL;
	int err = cw_json_parse(&doc, record->whole.text, record->whole.len,
	                        CW_LIMIT_JSON_DEPTH_DEFAULT, NULL);
	if (err == 0)
		err = a->cb(a->arg, doc);
	cJSON_Delete(doc);
	return err;
}

int cw_or_client_pull(cw_or_client *c, const char *collection,
                      const char *filter, cw_or_record_cb cb, void *arg,
                      cw_or_pull_stats *stats)
{
	tree_adapter a = { cb, arg };
	return cw_or_client_pull_objects(c, collection, filter, as_tree, &a,
	                                 stats);
}
