/* Fixed-bucket latency histograms, safe to observe from any thread. */
#ifndef VIGIL_UTIL_HISTOGRAM_H
#define VIGIL_UTIL_HISTOGRAM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define HISTOGRAM_MAX_BUCKETS 16

struct histogram {
	size_t n;                                           /* finite buckets in use */
	int64_t bounds_ns[HISTOGRAM_MAX_BUCKETS];           /* upper bounds, ascending */
	_Atomic uint64_t counts[HISTOGRAM_MAX_BUCKETS + 1]; /* per bucket; last is +Inf */
	_Atomic uint64_t sum_ns;
};

/* A consistent-enough copy for rendering: cumulative counts like Prometheus. */
struct histogram_view {
	size_t n;
	int64_t bounds_ns[HISTOGRAM_MAX_BUCKETS];
	uint64_t cumulative[HISTOGRAM_MAX_BUCKETS + 1]; /* last entry = total count */
	uint64_t sum_ns;
};

/* Bounds used for request and lag latencies: 100 µs .. 10 s. */
extern const double histogram_latency_bounds[];
extern const size_t histogram_latency_nbounds;

/* Sets N ascending bucket bounds given in seconds (N <= HISTOGRAM_MAX_BUCKETS). */
void histogram_init(struct histogram *h, const double *bounds_s, size_t n);
/* Counts one observation of NS nanoseconds (negative counts as 0). */
void histogram_observe(struct histogram *h, int64_t ns);
void histogram_read(const struct histogram *h, struct histogram_view *v);
/*
 * Estimates quantile Q (0..1) in nanoseconds by linear interpolation inside
 * the bucket, as Prometheus' histogram_quantile does; 0 when empty.
 */
int64_t histogram_quantile(const struct histogram_view *v, double q);

#endif
