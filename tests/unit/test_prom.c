/* Unit tests of src/web/prom.c and src/util/histogram.c. */
#include "testing.h"

#include <math.h>

#include "util/buf.h"
#include "util/histogram.h"
#include "web/prom.h"

static void test_escaping(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	prom_family(&b, "x_total", "counter", "Help with \\ and\nnewline.");
	prom_sample(&b, "x_total", 3, "monitor", "a\"b\\c\nd", "other", "ok", NULL);
	assert_string_equal(b.data, "# HELP x_total Help with \\\\ and\\nnewline.\n"
	                            "# TYPE x_total counter\n"
	                            "x_total{monitor=\"a\\\"b\\\\c\\nd\",other=\"ok\"} 3\n");
	buf_free(&b);
}

static void test_values(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	prom_sample(&b, "a", 0.25, NULL);
	prom_sample(&b, "b", NAN, NULL);
	prom_sample(&b, "c", -INFINITY, NULL);
	prom_sample(&b, "d", 1795000000, NULL);
	assert_string_equal(b.data, "a 0.25\nb NaN\nc -Inf\nd 1795000000\n");
	buf_free(&b);
}

static void test_histogram_render(void **state)
{
	static const double bounds[] = { 0.001, 0.01, 0.1 };
	struct histogram h;
	struct histogram_view v;
	struct buf b;
	const char *labels[] = { "route", "/health" };

	(void)state;
	histogram_init(&h, bounds, 3);
	histogram_observe(&h, 500000);     /* 0.5 ms */
	histogram_observe(&h, 5000000);    /* 5 ms */
	histogram_observe(&h, 5000000);    /* 5 ms */
	histogram_observe(&h, 2000000000); /* 2 s: +Inf */
	histogram_read(&h, &v);
	buf_init(&b, 0);
	prom_histogram(&b, "lat_seconds", labels, 1, &v);
	assert_string_equal(b.data, "lat_seconds_bucket{route=\"/health\",le=\"0.001\"} 1\n"
	                            "lat_seconds_bucket{route=\"/health\",le=\"0.01\"} 3\n"
	                            "lat_seconds_bucket{route=\"/health\",le=\"0.1\"} 3\n"
	                            "lat_seconds_bucket{route=\"/health\",le=\"+Inf\"} 4\n"
	                            "lat_seconds_sum{route=\"/health\"} 2.0105\n"
	                            "lat_seconds_count{route=\"/health\"} 4\n");
	buf_free(&b);
}

static void test_quantile(void **state)
{
	static const double bounds[] = { 0.001, 0.002, 0.004 };
	struct histogram h;
	struct histogram_view v;
	int i;

	(void)state;
	histogram_init(&h, bounds, 3);
	histogram_read(&h, &v);
	assert_int_equal(histogram_quantile(&v, 0.5), 0);
	for (i = 0; i < 100; i++)
		histogram_observe(&h, i < 50 ? 500000 : 1500000);
	histogram_read(&h, &v);
	assert_int_equal(histogram_quantile(&v, 0.5), 1000000);  /* top of the first bucket */
	assert_int_equal(histogram_quantile(&v, 0.75), 1500000); /* halfway into the second */
	histogram_observe(&h, -5);                               /* counted as 0 */
	histogram_read(&h, &v);
	assert_int_equal(v.cumulative[0], 51);
}

static void test_buf_cap(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "12345678"), 0);
	assert_int_equal(buf_putc(&b, '9'), -1);
	assert_int_equal(buf_printf(&b, "%d", 1), -1);
	assert_string_equal(b.data, "12345678");
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_printf(&b, "%s-%d", "ab", 7), 0);
	s = buf_steal(&b);
	assert_string_equal(s, "ab-7");
	free(s);
	assert_null(b.data);
	s = buf_steal(&b);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),         cmocka_unit_test(test_values),
		cmocka_unit_test(test_histogram_render), cmocka_unit_test(test_quantile),
		cmocka_unit_test(test_buf_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
