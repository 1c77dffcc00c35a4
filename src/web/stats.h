/* Counters of the HTTP server's own traffic (vigil_http_* metrics), lock-free. */
#ifndef VIGIL_WEB_STATS_H
#define VIGIL_WEB_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "util/histogram.h"

struct buf;
struct route;

#define STATS_CODE_MIN     100
#define STATS_CODES        500 /* 100..599 */
#define STATS_RATE_SECONDS 301

struct web_route_stats {
	_Atomic uint64_t codes[STATS_CODES];
	struct histogram duration;
};

struct web_stats {
	size_t nroutes; /* the table's routes, plus one for requests that matched none */
	struct web_route_stats *routes;
	size_t *canon; /* route index -> first route with the same pattern (one series per path) */
	_Atomic uint64_t requests, client_errors, server_errors;
	struct histogram all; /* every request's duration, for the dashboard's p95 */
	/* requests per second over the last RATE_SECONDS: slot = second % RATE_SECONDS */
	_Atomic int64_t rate_sec[STATS_RATE_SECONDS];
	_Atomic uint64_t rate_n[STATS_RATE_SECONDS];
};

/* Requests per second over the last SECONDS (at most STATS_RATE_SECONDS) before NOW_S. */
double web_stats_rate(struct web_stats *st, int seconds, int64_t now_s);

/* Sets up counters for TABLE of NROUTES routes. */
void web_stats_init(struct web_stats *st, const struct route *table, size_t nroutes);
void web_stats_free(struct web_stats *st);
/* Counts one request: ROUTE is an index into the table, or nroutes for none. */
void web_stats_record(struct web_stats *st, size_t route, int status, int64_t duration_ns);
/* Writes vigil_http_requests_total and vigil_http_request_duration_seconds. */
void web_stats_render(struct web_stats *st, const struct route *table, struct buf *out);

#endif
