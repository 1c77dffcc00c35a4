/*
 * Unit tests of src/probe/perfdata.c. With `--dump FILE` it is instead the
 * parser's command line for the differential test
 * (tests/integration/perfdata_diff.py): one normalized line per input line.
 */
#include "testing.h"

#include <locale.h>
#include <math.h>
#include <stdbool.h>

#include "probe/perfdata.h"

static struct perfdata parse(const char *text)
{
	struct perfdata pd;

	perfdata_parse(text, strlen(text), &pd);
	return pd;
}

static void assert_close(double got, double want)
{
	if (!(fabs(got - want) <= 1e-9 * fmax(1.0, fabs(want))))
		fail_msg("got %.17g, want %.17g", got, want);
}

static void test_check_load(void **state)
{
	struct perfdata pd = parse("load1=0.320;5.000;10.000;0; load5=0.390;5.000;10.000;0; "
	                           "load15=0.370;5.000;10.000;0; ");
	const struct perfdata_item *it;

	(void)state;
	assert_int_equal(pd.n, 3);
	assert_int_equal(pd.skipped, 0);
	it = perfdata_find(&pd, "load5");
	assert_non_null(it);
	assert_close(it->value, 0.39);
	assert_string_equal(it->uom, "");
	assert_int_equal(it->unit, PERFDATA_NONE);
	assert_string_equal(it->warn.text, "5.000");
	assert_true(it->warn.valid);
	assert_false(it->warn.inside);
	assert_close(it->warn.start, 0);
	assert_close(it->warn.end, 5);
	assert_string_equal(it->crit.text, "10.000");
	assert_close(it->min, 0);
	assert_true(isnan(it->max));
	assert_null(perfdata_find(&pd, "load"));
	perfdata_free(&pd);
}

static void test_units(void **state)
{
	static const struct {
		const char *text, *uom, *base;
		double value;
	} cases[] = {
		{ "t=12.5ms", "ms", "seconds", 0.0125 },
		{ "t=250us", "us", "seconds", 0.00025 },
		{ "t=3s", "s", "seconds", 3 },
		{ "t=7ns", "ns", "seconds", 7e-9 },
		{ "t=50%", "%", "percent", 50 },
		{ "t=10B", "B", "bytes", 10 },
		{ "t=2KB", "KB", "bytes", 2048 },
		{ "t=2kB", "kB", "bytes", 2048 },
		{ "t=1.5MB", "MB", "bytes", 1.5 * 1048576 },
		{ "t=3GB", "GB", "bytes", 3.0 * 1073741824 },
		{ "t=1TB", "TB", "bytes", 1099511627776.0 },
		{ "t=1MiB", "MiB", "bytes", 1048576 },
		{ "t=12345c", "c", "counter", 12345 },
		{ "t=21Celsius", "Celsius", "Celsius", 21 },
		{ "t=4mb", "mb", "mb", 4 }, /* case matters: not a known unit */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct perfdata pd = parse(cases[i].text);

		assert_int_equal(pd.n, 1);
		assert_string_equal(pd.items[0].uom, cases[i].uom);
		assert_string_equal(perfdata_unit_name(&pd.items[0]), cases[i].base);
		assert_close(pd.items[0].value, cases[i].value);
		perfdata_free(&pd);
	}
}

static void test_scaled_thresholds(void **state)
{
	struct perfdata pd = parse("time=0.5ms;100;200:300;0;1000 'used disk'=1KB;@1:2;~:3;0;4");

	(void)state;
	assert_int_equal(pd.n, 2);
	assert_close(pd.items[0].warn.end, 0.1);
	assert_close(pd.items[0].crit.start, 0.2);
	assert_close(pd.items[0].crit.end, 0.3);
	assert_close(pd.items[0].max, 1.0);
	assert_string_equal(pd.items[1].label, "used disk");
	assert_true(pd.items[1].warn.inside);
	assert_close(pd.items[1].warn.start, 1024);
	assert_close(pd.items[1].warn.end, 2048);
	assert_true(isinf(pd.items[1].crit.start) && pd.items[1].crit.start < 0);
	assert_close(pd.items[1].crit.end, 3072);
	assert_close(pd.items[1].max, 4096);
	perfdata_free(&pd);
}

static void test_ranges(void **state)
{
	static const struct {
		const char *warn;
		bool valid, inside;
		double start, end;
	} cases[] = {
		{ "10", true, false, 0, 10 },
		{ "10:", true, false, 10, INFINITY },
		{ "~:10", true, false, -INFINITY, 10 },
		{ "10:20", true, false, 10, 20 },
		{ "@10:20", true, true, 10, 20 },
		{ "@5", true, true, 0, 5 },
		{ ":10", true, false, 0, 10 },
		{ "-5:-1", true, false, -5, -1 },
		{ "~:", true, false, -INFINITY, INFINITY },
		{ "1e1:2e1", true, false, 10, 20 },
		{ "20:10", false, false, 0, 0 },
		{ "~", false, false, 0, 0 },
		{ ":", false, false, 0, 0 },
		{ "@", false, true, 0, 0 },
		{ "abc", false, false, 0, 0 },
		{ "10:20:30", false, false, 0, 0 },
		{ "~10", false, false, 0, 0 },
	};
	char text[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct perfdata pd;

		snprintf(text, sizeof(text), "x=1;%s", cases[i].warn);
		pd = parse(text);
		assert_int_equal(pd.n, 1);
		assert_string_equal(pd.items[0].warn.text, cases[i].warn);
		if (pd.items[0].warn.valid != cases[i].valid)
			fail_msg("%s: valid %d", cases[i].warn, pd.items[0].warn.valid);
		if (cases[i].valid) {
			assert_int_equal(pd.items[0].warn.inside, cases[i].inside);
			assert_true(pd.items[0].warn.start == cases[i].start);
			assert_true(pd.items[0].warn.end == cases[i].end);
		}
		assert_null(pd.items[0].crit.text);
		assert_false(pd.items[0].crit.valid);
		perfdata_free(&pd);
	}
}

static void test_range_alerts(void **state)
{
	struct perfdata pd = parse("a=5;10;@4:6 b=15;10: c=U;10");

	(void)state;
	assert_int_equal(pd.n, 3);
	assert_false(perfdata_range_alerts(&pd.items[0].warn, pd.items[0].value));
	assert_true(perfdata_range_alerts(&pd.items[0].crit, pd.items[0].value));
	assert_false(perfdata_range_alerts(&pd.items[1].warn, pd.items[1].value));
	assert_true(perfdata_range_alerts(&pd.items[1].warn, 9));
	assert_false(perfdata_range_alerts(&pd.items[2].warn, pd.items[2].value));
	assert_false(perfdata_range_alerts(&pd.items[1].crit, 1e9)); /* no crit: never */
	perfdata_free(&pd);
}

static void test_labels(void **state)
{
	struct perfdata pd = parse("'with space'=1 'it''s'=2 'a=b;c'=3 /var/log=4 'é ü'=5 ''''=6");

	(void)state;
	assert_int_equal(pd.n, 6);
	assert_string_equal(pd.items[0].label, "with space");
	assert_string_equal(pd.items[1].label, "it's");
	assert_string_equal(pd.items[2].label, "a=b;c");
	assert_close(pd.items[2].value, 3);
	assert_string_equal(pd.items[3].label, "/var/log");
	assert_string_equal(pd.items[4].label, "é ü");
	assert_string_equal(pd.items[5].label, "'");
	perfdata_free(&pd);
}

static void test_fields(void **state)
{
	struct perfdata pd = parse("a=1;;;; b=2 c=3;;;;5 d=U e=-1.5e2;1;2;3;4;5;6 f=+.5 g=7.");

	(void)state;
	assert_int_equal(pd.n, 7);
	assert_null(pd.items[0].warn.text);
	assert_true(isnan(pd.items[0].min) && isnan(pd.items[0].max));
	assert_true(isnan(pd.items[2].min));
	assert_close(pd.items[2].max, 5);
	assert_string_equal(pd.items[3].label, "d");
	assert_true(isnan(pd.items[3].value));
	assert_close(pd.items[4].value, -150);
	assert_close(pd.items[4].max, 4); /* fields past max are ignored */
	assert_close(pd.items[5].value, 0.5);
	assert_close(pd.items[6].value, 7);
	perfdata_free(&pd);
}

static void test_malformed_skipped(void **state)
{
	static const char *const bad[] = {
		"junk",         "=5",      "a=",     "a=x",      "a=1,5",
		"a=1.2.3",      "a=1KB/s", "a'b=1",  "'open=1",  "''=1",
		"a=1=2",        "a=inf",   "a=nan",  "a=0x10g!", "a=-",
		"a=1e999",      "a=.",     "'x'y=1", "a=1\x01B", "a=1ABCDEFGHIJKLMNOPQ",
		"'un''escaped",
	};
	char text[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct perfdata pd;

		snprintf(text, sizeof(text), "ok=1 %s last=2", bad[i]);
		pd = parse(text);
		if (pd.n != 2 || pd.skipped != 1)
			fail_msg("\"%s\": %zu items, %zu skipped", bad[i], pd.n, pd.skipped);
		assert_string_equal(pd.items[0].label, "ok");
		assert_string_equal(pd.items[1].label, "last");
		perfdata_free(&pd);
	}
}

static void test_limit(void **state)
{
	char text[64 * 100];
	size_t used = 0, i;
	struct perfdata pd;

	(void)state;
	for (i = 0; i < PERFDATA_ITEMS_MAX + 10; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "i%zu=%zu ", i, i);
	pd = parse(text);
	assert_int_equal(pd.n, PERFDATA_ITEMS_MAX);
	assert_int_equal(pd.dropped, 10);
	assert_string_equal(pd.items[PERFDATA_ITEMS_MAX - 1].label, "i63");
	perfdata_free(&pd);
}

static void test_label_length(void **state)
{
	char text[PERFDATA_LABEL_MAX + 16];
	struct perfdata pd;

	(void)state;
	memset(text, 'l', PERFDATA_LABEL_MAX);
	snprintf(text + PERFDATA_LABEL_MAX, 16, "=1");
	pd = parse(text);
	assert_int_equal(pd.n, 1);
	perfdata_free(&pd);
	memset(text, 'l', PERFDATA_LABEL_MAX + 1);
	snprintf(text + PERFDATA_LABEL_MAX + 1, 15, "=1");
	pd = parse(text);
	assert_int_equal(pd.n, 0);
	assert_int_equal(pd.skipped, 1);
	perfdata_free(&pd);
}

static void test_separators_and_nul(void **state)
{
	static const char text[] = "a=1\tb=2\n\nc=3\r\vd=4\0e=5";
	struct perfdata pd;

	(void)state;
	perfdata_parse(text, sizeof(text) - 1, &pd);
	assert_int_equal(pd.n, 5);
	assert_string_equal(pd.items[4].label, "e");
	perfdata_free(&pd);
	/* not NUL-terminated: only LEN bytes are read */
	perfdata_parse("a=1 b=22", 7, &pd);
	assert_int_equal(pd.n, 2);
	assert_close(pd.items[1].value, 2);
	perfdata_free(&pd);
	perfdata_parse("", 0, &pd);
	assert_int_equal(pd.n, 0);
	perfdata_free(&pd);
	perfdata_free(&pd); /* twice is fine: it zeroes */
}

/* ---- the --dump mode for the differential test ---- */

/* Prints S with tab, backslash, control and non-ASCII bytes as \xHH; NULL as \N. */
static void dump_text(const char *s)
{
	if (s == NULL) {
		fputs("\\N", stdout);
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == '\\' || c >= 0x7f)
			printf("\\x%02X", c);
		else
			putchar(c);
	}
}

static void dump_num(double v)
{
	if (isnan(v))
		fputs("nan", stdout);
	else if (isinf(v))
		fputs(v < 0 ? "-inf" : "inf", stdout);
	else
		printf("%.17g", v);
}

static void dump_range(const struct perfdata_range *r, double scale)
{
	if (!r->valid) {
		fputs("-", stdout);
		return;
	}
	printf("%s,", r->inside ? "@" : "");
	dump_num(r->start / scale);
	putchar(',');
	dump_num(r->end / scale);
}

/* label value uom warn crit min max (as written), then base value, base unit, ranges. */
static void dump_item(const struct perfdata_item *it)
{
	putchar('\t');
	dump_text(it->label);
	putchar('\t');
	dump_num(it->value / it->scale);
	putchar('\t');
	dump_text(it->uom);
	putchar('\t');
	dump_text(it->warn.text);
	putchar('\t');
	dump_text(it->crit.text);
	putchar('\t');
	dump_num(it->min / it->scale);
	putchar('\t');
	dump_num(it->max / it->scale);
	putchar('\t');
	dump_num(it->value);
	putchar('\t');
	dump_text(perfdata_unit_name(it));
	putchar('\t');
	dump_range(&it->warn, it->scale);
	putchar('\t');
	dump_range(&it->crit, it->scale);
}

static int dump(const char *path)
{
	FILE *f = fopen(path, "rb");
	locale_t c;
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t n;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	/* parse under the locale of the environment (the parser must not care), print in C */
	setlocale(LC_ALL, "");
	c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	while ((n = getline(&line, &cap, f)) >= 0) {
		struct perfdata pd;

		if (n > 0 && line[n - 1] == '\n')
			n--;
		uselocale(LC_GLOBAL_LOCALE);
		perfdata_parse(line, (size_t)n, &pd);
		uselocale(c);
		printf("%zu\t%zu\t%zu", pd.n, pd.skipped, pd.dropped);
		for (i = 0; i < pd.n; i++)
			dump_item(&pd.items[i]);
		putchar('\n');
		perfdata_free(&pd);
	}
	uselocale(LC_GLOBAL_LOCALE);
	freelocale(c);
	free(line);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_load),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_scaled_thresholds),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_range_alerts),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_malformed_skipped),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_label_length),
		cmocka_unit_test(test_separators_and_nul),
	};

	if (argc == 3 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
