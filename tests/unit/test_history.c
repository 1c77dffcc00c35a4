/* Unit tests of src/engine/history.c: minute buckets and uptime rings. */
#include "testing.h"

#include "engine/history.h"

#define MINUTE_MS 60000LL
#define HOUR_MS   (60 * MINUTE_MS)
#define DAY_MS    (24 * HOUR_MS)
#define T0        (1795000000000LL - 1795000000000LL % DAY_MS) /* a UTC midnight */

struct emitted {
	int n;
	enum store_res res[256];
	int64_t bucket[256];
	struct store_rollup r[256];
};

static void emit(void *arg, enum store_res res, int64_t bucket, const struct store_rollup *r)
{
	struct emitted *e = arg;

	e->res[e->n] = res;
	e->bucket[e->n] = bucket;
	e->r[e->n] = *r;
	e->n++;
}

static void test_minute_buckets(void **state)
{
	struct history h;
	struct emitted e = { 0 };

	(void)state;
	history_init(&h);
	history_add(&h, T0 + 1000, STATUS_UP, 1500, emit, &e);
	history_add(&h, T0 + 30000, STATUS_DOWN, 8000, emit, &e);
	history_add(&h, T0 + 40000, STATUS_UNKNOWN, 0, emit, &e);
	assert_int_equal(e.n, 0);
	history_add(&h, T0 + MINUTE_MS + 5, STATUS_UP, 1000, emit,
	            &e); /* the next minute closes the first */
	assert_int_equal(e.n, 3);
	assert_int_equal(e.res[0], STORE_RES_MINUTE);
	assert_int_equal(e.bucket[0], T0 / 1000);
	assert_int_equal(e.res[1], STORE_RES_HOUR);
	assert_int_equal(e.bucket[1], T0 / 1000);
	assert_int_equal(e.res[2], STORE_RES_DAY);
	assert_int_equal(e.r[0].up, 1);
	assert_int_equal(e.r[0].down, 1);
	assert_int_equal(e.r[0].unknown, 1);
	assert_int_equal(e.r[0].lat_sum, 9500);
	assert_int_equal(e.r[0].lat_min, 1500);
	assert_int_equal(e.r[0].lat_max, 8000);
	assert_int_equal(e.r[0].hist[store_hist_bucket(1500)], 1);
	assert_int_equal(e.r[0].hist[store_hist_bucket(8000)], 1);
	/* a periodic flush closes a bucket whose minute has passed, not the current one */
	history_flush(&h, T0 + MINUTE_MS + 10, 0, emit, &e);
	assert_int_equal(e.n, 3);
	history_flush(&h, T0 + 2 * MINUTE_MS, 0, emit, &e);
	assert_int_equal(e.n, 6);
	assert_int_equal(e.bucket[3], (T0 + MINUTE_MS) / 1000);
	history_flush(&h, T0 + 3 * MINUTE_MS, 0, emit, &e);
	assert_int_equal(e.n, 6); /* nothing open */
}

static void test_uptime(void **state)
{
	struct history h;
	struct emitted e = { 0 };
	int i;

	(void)state;
	history_init(&h);
	assert_true(history_uptime(&h, HISTORY_24H, T0) < 0); /* no data: unknown */
	for (i = 0; i < 10; i++)
		history_add(&h, T0 + i * MINUTE_MS, i < 9 ? STATUS_UP : STATUS_DOWN, 1000, emit,
		            &e);
	history_add(&h, T0 + 10 * MINUTE_MS, STATUS_UNKNOWN, 0, emit, &e); /* not counted */
	assert_true(history_uptime(&h, HISTORY_24H, T0 + HOUR_MS) > 0.899);
	assert_true(history_uptime(&h, HISTORY_24H, T0 + HOUR_MS) < 0.901);
	assert_true(history_uptime(&h, HISTORY_7D, T0 + HOUR_MS) > 0.899);
	/* a day later the hour ring has moved on, the day ring has not */
	assert_true(history_uptime(&h, HISTORY_24H, T0 + 25 * HOUR_MS) < 0);
	assert_true(history_uptime(&h, HISTORY_30D, T0 + 2 * DAY_MS) > 0.899);
	assert_true(history_uptime(&h, HISTORY_7D, T0 + 8 * DAY_MS) < 0);
	/* degraded counts as available */
	history_init(&h);
	history_add(&h, T0, STATUS_DEGRADED, 1000, emit, &e);
	assert_true(history_uptime(&h, HISTORY_24H, T0 + MINUTE_MS) == 1.0);
}

static void test_load(void **state)
{
	struct history h;

	(void)state;
	history_init(&h);
	history_load(&h, STORE_RES_HOUR, (T0 - HOUR_MS) / 1000, 90, 0, 10, 0);
	history_load(&h, STORE_RES_DAY, (T0 - DAY_MS) / 1000, 900, 50, 50, 0);
	assert_true(history_uptime(&h, HISTORY_24H, T0) > 0.899 &&
	            history_uptime(&h, HISTORY_24H, T0) < 0.901);
	assert_true(history_uptime(&h, HISTORY_7D, T0) > 0.949 &&
	            history_uptime(&h, HISTORY_7D, T0) < 0.951);
}

/*
 * A public monitor's longer history: 90 days for its 90 d uptime, hours'
 * latency; stored rows in any order never let an older day replace a newer
 * one in the 31-day ring.
 */
static void test_long_history(void **state)
{
	struct history h;

	(void)state;
	history_init(&h);
	history_load(&h, STORE_RES_DAY, (T0 - 2 * DAY_MS) / 1000, 100, 0, 0, 0);
	assert_true(history_uptime(&h, HISTORY_90D, T0) < 0); /* not public: none */
	history_set_long(&h, true);                           /* keeps what the ring had */
	assert_true(history_uptime(&h, HISTORY_90D, T0) == 1.0);
	/* 62 days before: day % 31 is the same slot as 2 days before */
	history_load(&h, STORE_RES_DAY, (T0 - 64 * DAY_MS) / 1000, 0, 0, 100, 0);
	assert_true(history_uptime(&h, HISTORY_30D, T0) == 1.0); /* the newer day stayed */
	assert_true(history_uptime(&h, HISTORY_90D, T0) > 0.499 &&
	            history_uptime(&h, HISTORY_90D, T0) < 0.501);
	history_load(&h, STORE_RES_HOUR, (T0 - HOUR_MS) / 1000, 3, 0, 1, 4000);
	assert_int_equal(h.longer->lat[((T0 - HOUR_MS) / HOUR_MS) % HISTORY_HOURS].n, 4);
	assert_int_equal(h.longer->lat[((T0 - HOUR_MS) / HOUR_MS) % HISTORY_HOURS].sum_us, 4000);
	history_set_long(&h, false);
	assert_null(h.longer);
	assert_true(history_uptime(&h, HISTORY_90D, T0) < 0);
	history_free(&h);
}

static void test_hist_quantile(void **state)
{
	uint32_t hist[STORE_HIST_BUCKETS] = { 0 };

	(void)state;
	assert_int_equal(store_hist_quantile(hist, 0.5), -1);
	hist[store_hist_bucket(1500)] = 50;  /* 1..2 ms */
	hist[store_hist_bucket(15000)] = 50; /* 10..20 ms */
	assert_true(store_hist_quantile(hist, 0.25) >= 1000 &&
	            store_hist_quantile(hist, 0.25) <= 2000);
	assert_true(store_hist_quantile(hist, 0.95) >= 10000 &&
	            store_hist_quantile(hist, 0.95) <= 20000);
	assert_int_equal(store_hist_bucket(0), 0);
	assert_int_equal(store_hist_bucket(999999999), STORE_HIST_BUCKETS - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minute_buckets), cmocka_unit_test(test_uptime),
		cmocka_unit_test(test_load),           cmocka_unit_test(test_long_history),
		cmocka_unit_test(test_hist_quantile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
