/* HTTP request counters and latency histograms per route. */
#include "web/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/time.h"
#include "util/xmalloc.h"
#include "web/prom.h"
#include "web/router.h"

#define UNMATCHED "unmatched"

void web_stats_init(struct web_stats *st, const struct route *table, size_t nroutes)
{
	size_t i, j;

	st->nroutes = nroutes;
	histogram_init(&st->all, histogram_latency_bounds, histogram_latency_nbounds);
	st->routes = xcalloc(nroutes + 1, sizeof(*st->routes));
	st->canon = xcalloc(nroutes + 1, sizeof(*st->canon));
	for (i = 0; i <= nroutes; i++) {
		st->canon[i] = i;
		for (j = 0; j < i && i < nroutes; j++)
			if (strcmp(table[j].pattern, table[i].pattern) == 0) {
				st->canon[i] = j;
				break;
			}
	}
	for (i = 0; i <= nroutes; i++) {
		for (j = 0; j < STATS_CODES; j++)
			atomic_init(&st->routes[i].codes[j], 0);
		histogram_init(&st->routes[i].duration, histogram_latency_bounds,
		               histogram_latency_nbounds);
	}
	atomic_init(&st->requests, 0);
	atomic_init(&st->client_errors, 0);
	atomic_init(&st->server_errors, 0);
}

void web_stats_free(struct web_stats *st)
{
	free(st->routes);
	free(st->canon);
	st->routes = NULL;
	st->canon = NULL;
}

/* Counts one request in the slot of second NOW_S, restarting the slot when it is stale. */
static void count_second(struct web_stats *st, int64_t now_s)
{
	size_t i = (size_t)(now_s % STATS_RATE_SECONDS);
	int64_t seen = atomic_load_explicit(&st->rate_sec[i], memory_order_relaxed);

	if (seen != now_s && atomic_compare_exchange_strong(&st->rate_sec[i], &seen, now_s))
		atomic_store_explicit(&st->rate_n[i], 0, memory_order_relaxed);
	atomic_fetch_add_explicit(&st->rate_n[i], 1, memory_order_relaxed);
}

double web_stats_rate(struct web_stats *st, int seconds, int64_t now_s)
{
	uint64_t n = 0;
	int64_t s;

	if (seconds > STATS_RATE_SECONDS - 1)
		seconds = STATS_RATE_SECONDS - 1;
	/* whole seconds only: the current one is still filling */
	for (s = now_s - seconds; s < now_s; s++) {
		size_t i = (size_t)(s % STATS_RATE_SECONDS);

		if (atomic_load_explicit(&st->rate_sec[i], memory_order_relaxed) == s)
			n += atomic_load_explicit(&st->rate_n[i], memory_order_relaxed);
	}
	return seconds > 0 ? (double)n / seconds : 0;
}

void web_stats_record(struct web_stats *st, size_t route, int status, int64_t duration_ns)
{
	struct web_route_stats *r =
	        &st->routes[st->canon[route <= st->nroutes ? route : st->nroutes]];

	if (status >= STATS_CODE_MIN && status < STATS_CODE_MIN + STATS_CODES)
		atomic_fetch_add_explicit(&r->codes[status - STATS_CODE_MIN], 1,
		                          memory_order_relaxed);
	histogram_observe(&r->duration, duration_ns);
	histogram_observe(&st->all, duration_ns);
	count_second(st, time_wall_ms() / 1000);
	atomic_fetch_add_explicit(&st->requests, 1, memory_order_relaxed);
	if (status >= 500)
		atomic_fetch_add_explicit(&st->server_errors, 1, memory_order_relaxed);
	else if (status >= 400)
		atomic_fetch_add_explicit(&st->client_errors, 1, memory_order_relaxed);
}

static const char *route_label(const struct route *table, size_t nroutes, size_t i)
{
	return i < nroutes ? table[i].pattern : UNMATCHED;
}

void web_stats_render(struct web_stats *st, const struct route *table, struct buf *out)
{
	size_t i, c;
	char code[8];
	const char *labels[4];

	prom_family(out, "vigil_http_requests_total", "counter",
	            "HTTP requests served by Vigil, by route pattern and status code.");
	for (i = 0; i <= st->nroutes; i++) {
		labels[0] = "route";
		labels[1] = route_label(table, st->nroutes, i);
		labels[2] = "code";
		labels[3] = code;
		for (c = 0; c < STATS_CODES; c++) {
			uint64_t n =
			        atomic_load_explicit(&st->routes[i].codes[c], memory_order_relaxed);

			if (n == 0)
				continue;
			snprintf(code, sizeof(code), "%zu", c + STATS_CODE_MIN);
			prom_sample_v(out, "vigil_http_requests_total", NULL, labels, 2, (double)n);
		}
	}
	prom_family(out, "vigil_http_request_duration_seconds", "histogram",
	            "Time from a request's arrival to its response being queued, by route.");
	for (i = 0; i <= st->nroutes; i++) {
		struct histogram_view v;

		histogram_read(&st->routes[i].duration, &v);
		if (v.cumulative[v.n] == 0)
			continue;
		labels[0] = "route";
		labels[1] = route_label(table, st->nroutes, i);
		prom_histogram(out, "vigil_http_request_duration_seconds", labels, 1, &v);
	}
}
