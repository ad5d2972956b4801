/* Metrics storage is fixed at start: routes x status slots, routes x buckets.
 */
#include "http/metrics.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdatomic.h>
#include <string.h>

static const int status_slots[] = { 200, 201, 204, 400, 401, 403, 404, 405,
	                            406, 409, 413, 415, 422, 429, 500, 503 };
#define STATUS_SLOTS (sizeof(status_slots) / sizeof(status_slots[0]))
#define OTHER_SLOT   STATUS_SLOTS

static const int64_t bucket_us[] = { 250,    500,     1000,   2500,   5000,
	                             10000,  25000,   50000,  100000, 250000,
	                             500000, 1000000, 2500000 };
static const char *const bucket_text[] = {
	"0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
	"0.05",    "0.1",    "0.25",  "0.5",    "1",     "2.5"
};
#define BUCKETS (sizeof(bucket_us) / sizeof(bucket_us[0]))

typedef struct {
	atomic_ulong by_status[STATUS_SLOTS + 1];
	atomic_ulong buckets[BUCKETS + 1]; /* last: +Inf */
	atomic_ullong sum_us;
	atomic_ulong other_status_last;
} route_row;

struct cw_metrics {
	const cw_route *routes;
	size_t count;
	route_row *rows; /* count + 1: the last is "unmatched" */
	atomic_ulong store_errors;
	atomic_long in_flight;
};

int cw_metrics_new(cw_metrics **out, const cw_route *routes, size_t count)
{
	cw_metrics *m = cw_calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		return CW_ENOMEM;
	m->rows = cw_calloc(count + 1, sizeof(route_row));
	if (!m->rows) {
		cw_free(m);
		return CW_ENOMEM;
	}
	m->routes = routes;
	m->count = count;
	*out = m;
	return 0;
}

void cw_metrics_free(cw_metrics *metrics)
{
	if (!metrics)
		return;
	cw_free(metrics->rows);
	cw_free(metrics);
}

void cw_metrics_observe(cw_metrics *metrics, int route_index, int status,
                        int64_t duration_us)
{
	size_t row = route_index < 0 || (size_t)route_index >= metrics->count
	                     ? metrics->count
	                     : (size_t)route_index;
	route_row *r = &metrics->rows[row];
	size_t slot = OTHER_SLOT, b = 0;

	for (size_t i = 0; i < STATUS_SLOTS; i++)
		if (status_slots[i] == status)
			slot = i;
	atomic_fetch_add_explicit(&r->by_status[slot], 1, memory_order_relaxed);
	if (slot == OTHER_SLOT)
		atomic_store_explicit(&r->other_status_last,
		                      (unsigned long)status,
		                      memory_order_relaxed);
	while (b < BUCKETS && duration_us > bucket_us[b])
		b++;
	atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->sum_us, (unsigned long long)duration_us,
	                          memory_order_relaxed);
}

void cw_metrics_store_error(cw_metrics *metrics)
{
	atomic_fetch_add_explicit(&metrics->store_errors, 1,
	                          memory_order_relaxed);
}

void cw_metrics_in_flight(cw_metrics *metrics, int delta)
{
	atomic_fetch_add(&metrics->in_flight, delta);
}

long cw_metrics_in_flight_now(cw_metrics *metrics)
{
	return atomic_load(&metrics->in_flight);
}

static void route_labels(cw_buf *out, const cw_metrics *m, size_t row)
{
	if (row == m->count)
		cw_buf_puts(out, "route=\"unmatched\",method=\"\"");
	else
		cw_buf_printf(out, "route=\"%s\",method=\"%s\"",
		              m->routes[row].pattern, m->routes[row].method);
}

static void render_requests(cw_buf *out, cw_metrics *m)
{
	cw_buf_puts(out, "# HELP crosswalk_http_requests_total HTTP requests "
	                 "answered, by route and status.\n"
	                 "# TYPE crosswalk_http_requests_total counter\n");
	for (size_t row = 0; row <= m->count; row++) {
		route_row *r = &m->rows[row];

		for (size_t s = 0; s <= STATUS_SLOTS; s++) {
			unsigned long n = atomic_load(&r->by_status[s]);
			int status = s == OTHER_SLOT
			                     ? (int)atomic_load(
			                               &r->other_status_last)
			                     : status_slots[s];
			if (!n)
				continue;
			cw_buf_puts(out, "crosswalk_http_requests_total{");
			route_labels(out, m, row);
			cw_buf_printf(out, ",status=\"%d\"} %lu\n", status, n);
		}
	}
}

static void render_latency(cw_buf *out, cw_metrics *m)
{
	cw_buf_puts(out, "# HELP crosswalk_http_request_duration_seconds Time "
	                 "from request to response, by route.\n"
	                 "# TYPE crosswalk_http_request_duration_seconds "
	                 "histogram\n");
	for (size_t row = 0; row <= m->count; row++) {
		route_row *r = &m->rows[row];
		unsigned long total = 0;

		for (size_t b = 0; b <= BUCKETS; b++)
			total += atomic_load(&r->buckets[b]);
		if (!total)
			continue;
		total = 0;
		for (size_t b = 0; b <= BUCKETS; b++) {
			total += atomic_load(&r->buckets[b]);
			cw_buf_puts(out, "crosswalk_http_request_duration_"
			                 "seconds_bucket{");
			route_labels(out, m, row);
			cw_buf_printf(out, ",le=\"%s\"} %lu\n",
			              b < BUCKETS ? bucket_text[b] : "+Inf",
			              total);
		}
		cw_buf_puts(out,
		            "crosswalk_http_request_duration_seconds_sum{");
		route_labels(out, m, row);
		cw_buf_printf(out, "} %.6f\n",
		              (double)atomic_load(&r->sum_us) / 1e6);
		cw_buf_puts(out,
		            "crosswalk_http_request_duration_seconds_count{");
		route_labels(out, m, row);
		cw_buf_printf(out, "} %lu\n", total);
	}
}

int cw_metrics_render(cw_buf *out, cw_metrics *m)
{
	render_requests(out, m);
	render_latency(out, m);
	cw_buf_printf(out,
	              "# HELP crosswalk_http_requests_in_flight Requests being "
	              "served now.\n# TYPE crosswalk_http_requests_in_flight "
	              "gauge\ncrosswalk_http_requests_in_flight %ld\n",
	              (long)atomic_load(&m->in_flight));
	cw_buf_printf(out,
	              "# HELP crosswalk_store_errors_total Store operations "
	              "that failed while serving requests.\n"
	              "# TYPE crosswalk_store_errors_total counter\n"
	              "crosswalk_store_errors_total %lu\n",
	              atomic_load(&m->store_errors));
	cw_buf_printf(out,
	              "# HELP crosswalk_build_info The running build.\n"
	              "# TYPE crosswalk_build_info gauge\n"
	              "crosswalk_build_info{version=\"%s\",commit=\"%s\"} 1\n",
	              CW_VERSION, CW_GIT_COMMIT);
	return out->error;
}
