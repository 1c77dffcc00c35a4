/* Unit tests of src/util/cron.c: parsing, errors, and next occurrences in wall time across DST. */
#include "testing.h"

#include "util/cron.h"
#include "util/tz.h"

static int64_t utc(int y, int mo, int d, int h, int mi)
{
	return tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

static struct cron parse(const char *expr)
{
	struct cron c;
	char err[256] = "";

	if (cron_parse(expr, &c, err, sizeof(err)) < 0)
		fail_msg("cron_parse(%s): %s", expr, err);
	return c;
}

static struct tz *zone(const char *name)
{
	struct tz *z = NULL;
	char err[256] = "";

	if (tz_load(NULL, name, &z, err, sizeof(err)) < 0)
		fail_msg("tz_load(%s): %s", name, err);
	return z;
}

/* The next occurrence of EXPR at or after T in zone NAME. */
static int64_t next_in(const char *expr, const char *name, int64_t t)
{
	struct cron c = parse(expr);
	struct tz *z = zone(name);
	int64_t r = cron_next(&c, z, t);

	tz_free(z);
	return r;
}

static void expect_error(const char *expr, const char *words)
{
	struct cron c;
	char err[256] = "";

	if (cron_parse(expr, &c, err, sizeof(err)) == 0)
		fail_msg("\"%s\" parsed", expr);
	assert_contains(err, words);
}

static void test_parse(void **state)
{
	struct cron c;

	(void)state;
	c = parse("*/15 9-17 * * MON-FRI");
	assert_true(c.minutes == (1ULL << 0 | 1ULL << 15 | 1ULL << 30 | 1ULL << 45));
	assert_int_equal(c.hours, 0x3fe00);
	assert_int_equal(c.mdays, 0xfffffffe);
	assert_int_equal(c.months, 0x1ffe);
	assert_int_equal(c.wdays, 0x3e);
	assert_true(c.mday_star && !c.wday_star && c.wild);
	c = parse("5/20 0 1,15,20-22 jan,Jul-sep sun");
	assert_true(c.minutes == (1ULL << 5 | 1ULL << 25 | 1ULL << 45));
	assert_int_equal(c.hours, 1);
	assert_int_equal(c.mdays, 1 << 1 | 1 << 15 | 1 << 20 | 1 << 21 | 1 << 22);
	assert_int_equal(c.months, 1 << 1 | 1 << 7 | 1 << 8 | 1 << 9);
	assert_int_equal(c.wdays, 1);
	assert_false(c.mday_star || c.wday_star || c.wild);
	assert_int_equal(parse("0 0 * * 7").wdays, 1); /* 7 is Sunday too */
	assert_int_equal(parse("0 0 * * 5-7").wdays, 1 << 5 | 1 << 6 | 1);
	assert_int_equal(parse("0 0 * * */2").wdays, 1 | 1 << 2 | 1 << 4 | 1 << 6);
	assert_int_equal(parse("0 0 1-10/3 * *").mdays, 1 << 1 | 1 << 4 | 1 << 7 | 1 << 10);
	c = parse("  @daily ");
	assert_true(c.minutes == 1 && c.hours == 1 && c.wdays == 0x7f);
	c = parse("@hourly");
	assert_true(c.minutes == 1 && c.hours == 0xffffff);
	c = parse("\t0\t2  *  *  *\n");
	assert_int_equal(c.hours, 4);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("", "minute field missing");
	expect_error("* * * *", "day-of-week field missing: a cron expression has 5 fields");
	expect_error("* * * * * *", "column 11: \"*\" after the 5 fields");
	expect_error("60 * * * *", "minute field, column 1: out of range 0-59: \"60\"");
	expect_error("* 24 * * *", "hour field, column 3: out of range 0-23: \"24\"");
	expect_error("* * 0 * *", "day-of-month field, column 5: out of range 1-31: \"0\"");
	expect_error("* * 32 * *", "day-of-month field, column 5");
	expect_error("* * * 13 *", "month field, column 7: out of range 1-12");
	expect_error("* * * * 8", "day-of-week field, column 9: out of range 0-7: \"8\"");
	expect_error("* * * FOO *", "month field, column 7: not a name (like JAN or MON): \"FOO\"");
	expect_error("* * * * MONDAY", "day-of-week field, column 9: not a name");
	expect_error("* * * JAN-MON *", "month field, column 11: not a name");
	expect_error("a * * * *", "minute field, column 1: not a number: \"a\"");
	expect_error("*/0 * * * *",
	             "minute field, column 3: a step is a number from 1 to 59, not \"0\"");
	expect_error("*/ * * * *", "minute field, column 3: a step");
	expect_error("0 */99 * * *", "hour field, column 5: a step is a number from 1 to 23");
	expect_error("5-1 * * * *", "minute field, column 1: a range goes upwards: \"5-1\"");
	expect_error("1,,2 * * * *", "minute field, column 3: expected a number");
	expect_error("1x * * * *", "minute field, column 2: unexpected \"x\"");
	expect_error("0 0 * * 1-", "day-of-week field, column 11: expected a number");
	expect_error("99999 * * * *", "out of range");
	expect_error("@reboot", "unknown \"@reboot\"");
	expect_error("@daily 5", "column 8: \"5\" after @daily");
}

static void test_next_utc(void **state)
{
	(void)state;
	/* at or after: an exact match is itself */
	assert_int_equal(next_in("0 2 * * *", "UTC", utc(2026, 6, 1, 2, 0)), utc(2026, 6, 1, 2, 0));
	assert_int_equal(next_in("0 2 * * *", "UTC", utc(2026, 6, 1, 2, 0) + 1),
	                 utc(2026, 6, 2, 2, 0));
	/* seconds round up to the next minute */
	assert_int_equal(next_in("* * * * *", "UTC", utc(2026, 6, 1, 2, 0) + 59),
	                 utc(2026, 6, 1, 2, 1));
	/* across the end of a month and of a year */
	assert_int_equal(next_in("0 0 1 * *", "UTC", utc(2026, 1, 31, 12, 0)),
	                 utc(2026, 2, 1, 0, 0));
	assert_int_equal(next_in("0 0 1 1 *", "UTC", utc(2026, 12, 31, 23, 59)),
	                 utc(2027, 1, 1, 0, 0));
	assert_int_equal(next_in("59 23 31 12 *", "UTC", utc(2026, 12, 31, 23, 59) + 1),
	                 utc(2027, 12, 31, 23, 59));
	/* the 31st skips the months without one */
	assert_int_equal(next_in("0 0 31 * *", "UTC", utc(2026, 4, 1, 0, 0)),
	                 utc(2026, 5, 31, 0, 0));
	/* February 29: the next leap year; 2100 is not one */
	assert_int_equal(next_in("0 12 29 2 *", "UTC", utc(2026, 3, 1, 0, 0)),
	                 utc(2028, 2, 29, 12, 0));
	assert_int_equal(next_in("0 12 29 2 *", "UTC", utc(2096, 3, 1, 0, 0)),
	                 utc(2104, 2, 29, 12, 0));
	/* never */
	assert_int_equal(next_in("0 0 30 2 *", "UTC", utc(2026, 1, 1, 0, 0)), -1);
	assert_int_equal(next_in("0 0 31 4,6,9,11 *", "UTC", utc(2026, 1, 1, 0, 0)), -1);
	/* steps and lists within a day */
	assert_int_equal(next_in("*/20 9-17 * * *", "UTC", utc(2026, 6, 1, 17, 41)),
	                 utc(2026, 6, 2, 9, 0));
	assert_int_equal(next_in("15,45 */6 * * *", "UTC", utc(2026, 6, 1, 6, 16)),
	                 utc(2026, 6, 1, 6, 45));
}

static void test_day_rule(void **state)
{
	(void)state;
	/* both restricted: the 13th OR a Friday (2026-01-02 is a Friday) */
	assert_int_equal(next_in("0 0 13 * FRI", "UTC", utc(2026, 1, 1, 0, 0)),
	                 utc(2026, 1, 2, 0, 0));
	assert_int_equal(next_in("0 0 13 * FRI", "UTC", utc(2026, 1, 10, 0, 0)),
	                 utc(2026, 1, 13, 0, 0));
	/* one of them '*': only the other counts */
	assert_int_equal(next_in("0 0 13 * *", "UTC", utc(2026, 1, 1, 0, 0)),
	                 utc(2026, 1, 13, 0, 0));
	assert_int_equal(next_in("0 0 * * 5", "UTC", utc(2026, 1, 3, 0, 0)), utc(2026, 1, 9, 0, 0));
	/* Vixie: a field starting with '*' counts as unrestricted, so both must match:
	 * odd days that are Fridays (Fridays of January 2026: 2, 9, 16, 23, 30) */
	assert_int_equal(next_in("0 0 */2 * FRI", "UTC", utc(2026, 1, 3, 0, 0)),
	                 utc(2026, 1, 9, 0, 0));
	assert_int_equal(next_in("0 0 */2 * FRI", "UTC", utc(2026, 1, 10, 0, 0)),
	                 utc(2026, 1, 23, 0, 0));
	/* Sundays as 0 and as 7 */
	assert_int_equal(next_in("0 0 * * 0", "UTC", utc(2026, 1, 1, 0, 0)), utc(2026, 1, 4, 0, 0));
	assert_int_equal(next_in("0 0 * * 7", "UTC", utc(2026, 1, 1, 0, 0)), utc(2026, 1, 4, 0, 0));
	/* in February only: the 13th or any Friday, so the 6th comes first */
	assert_int_equal(next_in("0 0 13 2 FRI", "UTC", utc(2026, 2, 1, 0, 0)),
	                 utc(2026, 2, 6, 0, 0));
}

static void test_paris(void **state)
{
	int64_t t;

	(void)state;
	/* 02:00 local in winter (CET, 01:00Z) and in summer (CEST, 00:00Z) */
	assert_int_equal(next_in("0 2 * * *", "Europe/Paris", utc(2026, 1, 15, 0, 0)),
	                 utc(2026, 1, 15, 1, 0));
	assert_int_equal(next_in("0 2 * * *", "Europe/Paris", utc(2026, 7, 15, 0, 0)),
	                 utc(2026, 7, 15, 0, 0));
	/* spring forward, 2026-03-29: 02:30 does not exist; it fires at 03:00 CEST (01:00Z) */
	t = next_in("30 2 * * *", "Europe/Paris", utc(2026, 3, 28, 12, 0));
	assert_int_equal(t, utc(2026, 3, 29, 1, 0));
	assert_int_equal(next_in("30 2 * * *", "Europe/Paris", t + 1), utc(2026, 3, 30, 0, 30));
	/* ... but an expression with '*' in its hour follows the clock: 02:30 is skipped */
	assert_int_equal(next_in("30 * * * *", "Europe/Paris", utc(2026, 3, 29, 0, 45)),
	                 utc(2026, 3, 29, 1, 30));
	/* fall back, 2026-10-25: 02:30 happens twice and the job runs once, the first time */
	t = next_in("30 2 * * *", "Europe/Paris", utc(2026, 10, 24, 12, 0));
	assert_int_equal(t, utc(2026, 10, 25, 0, 30));
	assert_int_equal(next_in("30 2 * * *", "Europe/Paris", t + 1), utc(2026, 10, 26, 1, 30));
	/* ... and with '*' in its hour, in both passes */
	assert_int_equal(next_in("30 * * * *", "Europe/Paris", utc(2026, 10, 25, 0, 31)),
	                 utc(2026, 10, 25, 1, 30));
	assert_int_equal(next_in("*/30 * * * *", "Europe/Paris", utc(2026, 10, 25, 0, 45)),
	                 utc(2026, 10, 25, 1, 0));
	/* a search started in the second pass does not go back to the first */
	assert_int_equal(next_in("0 3 * * *", "Europe/Paris", utc(2026, 10, 25, 1, 10)),
	                 utc(2026, 10, 25, 2, 0));
	/* far ahead, through the footer's rule */
	assert_int_equal(next_in("30 2 * * *", "Europe/Paris", utc(2100, 3, 27, 12, 0)),
	                 utc(2100, 3, 28, 1, 0));
}

static void test_new_york(void **state)
{
	int64_t t;

	(void)state;
	/* 2026-03-08: 02:30 does not exist; it fires at 03:00 EDT (07:00Z) */
	assert_int_equal(next_in("30 2 * * *", "America/New_York", utc(2026, 3, 7, 12, 0)),
	                 utc(2026, 3, 8, 7, 0));
	t = next_in("30 1 * * *", "America/New_York", utc(2026, 10, 31, 12, 0));
	assert_int_equal(t, utc(2026, 11, 1, 5, 30)); /* 01:30 EDT, the first pass */
	assert_int_equal(next_in("30 1 * * *", "America/New_York", t + 1),
	                 utc(2026, 11, 2, 6, 30)); /* not 06:30Z the same day */
	assert_int_equal(next_in("0 9 * * MON-FRI", "America/New_York", utc(2026, 11, 1, 0, 0)),
	                 utc(2026, 11, 2, 14, 0));
}

static void test_lord_howe(void **state)
{
	(void)state;
	/* 2026-10-04 02:00 -> 02:30: 02:10 fires when the gap ends */
	assert_int_equal(next_in("10 2 * * *", "Australia/Lord_Howe", utc(2026, 10, 3, 12, 0)),
	                 utc(2026, 10, 3, 15, 30));
	/* 2026-04-05 02:00 -> 01:30: 01:45 once */
	assert_int_equal(next_in("45 1 * * *", "Australia/Lord_Howe", utc(2026, 4, 4, 12, 0)),
	                 utc(2026, 4, 4, 14, 45));
	assert_int_equal(next_in("45 1 * * *", "Australia/Lord_Howe", utc(2026, 4, 4, 14, 46)),
	                 utc(2026, 4, 5, 15, 15));
}

static void test_occurrence(void **state)
{
	struct cron c = parse("0 2 * * *"), every = parse("* * * * *");
	struct tz *z = zone("Europe/Paris");
	int64_t s = 0;

	(void)state;
	/* running: started at 02:00 CET (01:00Z), lasts an hour */
	assert_int_equal(cron_occurrence(&c, z, 3600000, utc(2026, 1, 15, 1, 30) * 1000, &s), 0);
	assert_int_equal(s, utc(2026, 1, 15, 1, 0) * 1000);
	assert_int_equal(cron_occurrence(&c, z, 3600000, utc(2026, 1, 15, 1, 0) * 1000, &s), 0);
	assert_int_equal(s, utc(2026, 1, 15, 1, 0) * 1000);
	assert_int_equal(cron_occurrence(&c, z, 3600000, utc(2026, 1, 15, 2, 0) * 1000 - 1, &s), 0);
	assert_int_equal(s, utc(2026, 1, 15, 1, 0) * 1000);
	/* over at its end: the next one */
	assert_int_equal(cron_occurrence(&c, z, 3600000, utc(2026, 1, 15, 2, 0) * 1000, &s), 0);
	assert_int_equal(s, utc(2026, 1, 16, 1, 0) * 1000);
	/* every minute for 2 minutes: the earliest still running */
	assert_int_equal(
	        cron_occurrence(&every, z, 120000, utc(2026, 1, 15, 12, 0) * 1000 + 30500, &s), 0);
	assert_int_equal(s, utc(2026, 1, 15, 11, 59) * 1000);
	c = parse("0 0 30 2 *");
	assert_int_equal(cron_occurrence(&c, z, 3600000, utc(2026, 1, 15, 2, 0) * 1000, &s), -1);
	tz_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),     cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_next_utc),  cmocka_unit_test(test_day_rule),
		cmocka_unit_test(test_paris),     cmocka_unit_test(test_new_york),
		cmocka_unit_test(test_lord_howe), cmocka_unit_test(test_occurrence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
