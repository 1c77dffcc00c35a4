/* Lock-free bucket counters and their Prometheus-style reading. */
#include "util/histogram.h"

#include <assert.h>
#include <string.h>

const double histogram_latency_bounds[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
	                                    0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
	                                    1,      2.5,     5,      10 };
const size_t histogram_latency_nbounds =
        sizeof(histogram_latency_bounds) / sizeof(histogram_latency_bounds[0]);

void histogram_init(struct histogram *h, const double *bounds_s, size_t n)
{
	size_t i;

	assert(n <= HISTOGRAM_MAX_BUCKETS);
	memset(h, 0, sizeof(*h));
	h->n = n;
	for (i = 0; i < n; i++)
		h->bounds_ns[i] = (int64_t)(bounds_s[i] * 1e9 + 0.5);
	for (i = 0; i <= HISTOGRAM_MAX_BUCKETS; i++)
		atomic_init(&h->counts[i], 0);
	atomic_init(&h->sum_ns, 0);
}

void histogram_observe(struct histogram *h, int64_t ns)
{
	size_t i = 0;

	if (ns < 0)
		ns = 0;
	while (i < h->n && ns > h->bounds_ns[i])
		i++;
	atomic_fetch_add_explicit(&h->counts[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_ns, (uint64_t)ns, memory_order_relaxed);
}

void histogram_read(const struct histogram *h, struct histogram_view *v)
{
	uint64_t total = 0;
	size_t i;

	v->n = h->n;
	memcpy(v->bounds_ns, h->bounds_ns, sizeof(v->bounds_ns));
	for (i = 0; i <= h->n; i++) {
		total += atomic_load_explicit(&h->counts[i], memory_order_relaxed);
		v->cumulative[i] = total;
	}
	v->sum_ns = atomic_load_explicit(&h->sum_ns, memory_order_relaxed);
}

int64_t histogram_quantile(const struct histogram_view *v, double q)
{
	uint64_t total = v->cumulative[v->n], prev = 0;
	double rank;
	size_t i;

	if (total == 0)
		return 0;
	rank = q * (double)total;
	for (i = 0; i < v->n; i++) {
		if ((double)v->cumulative[i] >= rank) {
			int64_t lo = i ? v->bounds_ns[i - 1] : 0;
			uint64_t in = v->cumulative[i] - prev;
			double frac = in ? (rank - (double)prev) / (double)in : 1.0;

			return lo + (int64_t)(frac * (double)(v->bounds_ns[i] - lo));
		}
		prev = v->cumulative[i];
	}
	return v->n ? v->bounds_ns[v->n - 1] : 0; /* in +Inf: the highest bound, as Prometheus */
}
