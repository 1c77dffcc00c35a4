/* The latency histogram of rollups: fixed buckets from 1 ms to 60 s. */
#include "store/store.h"

const int64_t store_hist_bounds_us[STORE_HIST_BUCKETS - 1] = {
	1000,   2000,    5000,    10000,   20000,    50000,    100000,   200000,
	500000, 1000000, 2000000, 5000000, 10000000, 30000000, 60000000,
};

int store_hist_bucket(int64_t latency_us)
{
	int i;

	for (i = 0; i < STORE_HIST_BUCKETS - 1; i++)
		if (latency_us <= store_hist_bounds_us[i])
			return i;
	return STORE_HIST_BUCKETS - 1;
}

int64_t store_hist_quantile(const uint32_t hist[STORE_HIST_BUCKETS], double q)
{
	uint64_t total = 0, seen = 0;
	double rank;
	int i;

	for (i = 0; i < STORE_HIST_BUCKETS; i++)
		total += hist[i];
	if (total == 0)
		return -1;
	rank = q * (double)total;
	for (i = 0; i < STORE_HIST_BUCKETS; i++) {
		if (hist[i] > 0 && (double)(seen + hist[i]) >= rank) {
			int64_t lo = i ? store_hist_bounds_us[i - 1] : 0;
			int64_t hi = i < STORE_HIST_BUCKETS - 1 ? store_hist_bounds_us[i] : lo * 2;
			double frac = (rank - (double)seen) / (double)hist[i];

			if (frac < 0)
				frac = 0;
			return lo + (int64_t)(frac * (double)(hi - lo));
		}
		seen += hist[i];
	}
	return store_hist_bounds_us[STORE_HIST_BUCKETS - 2];
}
