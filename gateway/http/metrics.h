/* Request counters and latency histograms, exported in the Prometheus text
 * format. Lock-free: workers only do atomic adds. */
#ifndef CW_HTTP_METRICS_H
#define CW_HTTP_METRICS_H

#include "http/router.h"
#include "util/buf.h"

#include <stdint.h>

typedef struct cw_metrics cw_metrics;

/** One row of counters per route plus one for unmatched requests. */
int cw_metrics_new(cw_metrics **out, const cw_route *routes, size_t count);
void cw_metrics_free(cw_metrics *metrics);

/** route_index -1: unmatched. */
void cw_metrics_observe(cw_metrics *metrics, int route_index, int status,
                        int64_t duration_us);
void cw_metrics_store_error(cw_metrics *metrics);
void cw_metrics_in_flight(cw_metrics *metrics, int delta);
long cw_metrics_in_flight_now(cw_metrics *metrics);

/** Writes the exposition text. */
int cw_metrics_render(cw_buf *out, cw_metrics *metrics);

#endif
