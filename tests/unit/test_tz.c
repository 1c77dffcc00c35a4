/* Unit tests of src/util/tz.c: TZif files, POSIX TZ footers, offsets and wall times across DST. */
#include "testing.h"

#include <time.h>

#include "util/tz.h"

/* Unix seconds of a UTC date and time. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
	return tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

/* The same numbers read as a wall time (local seconds). */
#define local(y, mo, d, h, mi) utc(y, mo, d, h, mi)

static struct tz *load(const char *name)
{
	struct tz *z = NULL;
	char err[256] = "";

	if (tz_load(NULL, name, &z, err, sizeof(err)) < 0)
		fail_msg("tz_load(%s): %s", name, err);
	assert_string_equal(tz_name(z), name);
	return z;
}

static void expect_offset(const struct tz *z, int64_t t, int32_t off, const char *abbr)
{
	char got[TZ_ABBR_MAX];

	assert_int_equal(tz_offset(z, t, got), off);
	assert_string_equal(got, abbr);
}

static void test_civil(void **state)
{
	int64_t y;
	int m, d;

	(void)state;
	assert_int_equal(tz_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(tz_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(tz_days_from_civil(1969, 12, 31), -1);
	tz_civil_from_days(tz_days_from_civil(2028, 2, 29), &y, &m, &d);
	assert_true(y == 2028 && m == 2 && d == 29);
	tz_civil_from_days(-719468, &y, &m, &d); /* 0000-03-01 */
	assert_true(y == 0 && m == 3 && d == 1);
	assert_int_equal(tz_days_in_month(2028, 2), 29);
	assert_int_equal(tz_days_in_month(2100, 2), 28);
	assert_int_equal(tz_days_in_month(2000, 2), 29);
	assert_int_equal(tz_days_in_month(2026, 4), 30);
}

static void test_paris_offsets(void **state)
{
	struct tz *z = load("Europe/Paris");

	(void)state;
	/* spring forward 2026-03-29 at 01:00Z, fall back 2026-10-25 at 01:00Z */
	expect_offset(z, utc(2026, 3, 29, 1, 0) - 1, 3600, "CET");
	expect_offset(z, utc(2026, 3, 29, 1, 0), 7200, "CEST");
	expect_offset(z, utc(2026, 10, 25, 1, 0) - 1, 7200, "CEST");
	expect_offset(z, utc(2026, 10, 25, 1, 0), 3600, "CET");
	/* from the footer's rule, far after the table */
	expect_offset(z, utc(2100, 3, 28, 1, 0) - 1, 3600, "CET");
	expect_offset(z, utc(2100, 3, 28, 1, 0), 7200, "CEST");
	expect_offset(z, utc(2100, 10, 31, 1, 0) - 1, 7200, "CEST");
	expect_offset(z, utc(2100, 10, 31, 1, 0), 3600, "CET");
	/* history: Paris mean time before 1911 */
	expect_offset(z, utc(1900, 1, 1, 0, 0), 561, "PMT");
	tz_free(z);
}

static void test_paris_wall_times(void **state)
{
	struct tz *z = load("Europe/Paris");
	int64_t u[2];

	(void)state;
	assert_int_equal(tz_local_to_utc(z, local(2026, 1, 15, 2, 0), u), TZ_LOCAL_ONE);
	assert_int_equal(u[0], utc(2026, 1, 15, 1, 0));
	assert_int_equal(tz_local_to_utc(z, local(2026, 7, 15, 2, 0), u), TZ_LOCAL_ONE);
	assert_int_equal(u[0], utc(2026, 7, 15, 0, 0));
	/* 02:30 does not exist on 2026-03-29: the gap ends at 03:00 CEST = 01:00Z */
	assert_int_equal(tz_local_to_utc(z, local(2026, 3, 29, 2, 30), u), TZ_LOCAL_GAP);
	assert_int_equal(u[0], utc(2026, 3, 29, 1, 0));
	assert_int_equal(tz_local_to_utc(z, local(2026, 3, 29, 2, 0), u), TZ_LOCAL_GAP);
	assert_int_equal(u[0], utc(2026, 3, 29, 1, 0));
	assert_int_equal(tz_local_to_utc(z, local(2026, 3, 29, 3, 0), u), TZ_LOCAL_ONE);
	assert_int_equal(u[0], utc(2026, 3, 29, 1, 0));
	assert_int_equal(tz_local_to_utc(z, local(2026, 3, 29, 1, 59), u), TZ_LOCAL_ONE);
	assert_int_equal(u[0], utc(2026, 3, 29, 0, 59));
	/* 02:30 happens twice on 2026-10-25: CEST then CET */
	assert_int_equal(tz_local_to_utc(z, local(2026, 10, 25, 2, 30), u), TZ_LOCAL_TWICE);
	assert_int_equal(u[0], utc(2026, 10, 25, 0, 30));
	assert_int_equal(u[1], utc(2026, 10, 25, 1, 30));
	assert_int_equal(tz_local_to_utc(z, local(2026, 10, 25, 3, 0), u), TZ_LOCAL_ONE);
	assert_int_equal(u[0], utc(2026, 10, 25, 2, 0));
	/* the same through the footer in 2100 */
	assert_int_equal(tz_local_to_utc(z, local(2100, 3, 28, 2, 30), u), TZ_LOCAL_GAP);
	assert_int_equal(u[0], utc(2100, 3, 28, 1, 0));
	assert_int_equal(tz_local_to_utc(z, local(2100, 10, 31, 2, 30), u), TZ_LOCAL_TWICE);
	assert_int_equal(u[0], utc(2100, 10, 31, 0, 30));
	assert_int_equal(u[1], utc(2100, 10, 31, 1, 30));
	tz_free(z);
}

static void test_new_york(void **state)
{
	struct tz *z = load("America/New_York");
	int64_t u[2];

	(void)state;
	expect_offset(z, utc(2026, 3, 8, 7, 0) - 1, -18000, "EST");
	expect_offset(z, utc(2026, 3, 8, 7, 0), -14400, "EDT");
	expect_offset(z, utc(2026, 11, 1, 6, 0) - 1, -14400, "EDT");
	expect_offset(z, utc(2026, 11, 1, 6, 0), -18000, "EST");
	assert_int_equal(tz_local_to_utc(z, local(2026, 3, 8, 2, 30), u), TZ_LOCAL_GAP);
	assert_int_equal(u[0], utc(2026, 3, 8, 7, 0));
	assert_int_equal(tz_local_to_utc(z, local(2026, 11, 1, 1, 30), u), TZ_LOCAL_TWICE);
	assert_int_equal(u[0], utc(2026, 11, 1, 5, 30));
	assert_int_equal(u[1], utc(2026, 11, 1, 6, 30));
	assert_int_equal(tz_local_to_utc(z, local(2026, 11, 1, 2, 0), u), TZ_LOCAL_ONE);
	assert_int_equal(u[0], utc(2026, 11, 1, 7, 0));
	tz_free(z);
}

static void test_lord_howe(void **state)
{
	struct tz *z = load("Australia/Lord_Howe");
	int64_t u[2];

	(void)state;
	/* half an hour of daylight saving: +10:30, +11 from 02:00 local to 02:30 */
	expect_offset(z, utc(2026, 10, 3, 15, 30) - 1, 37800, "+1030");
	expect_offset(z, utc(2026, 10, 3, 15, 30), 39600, "+11");
	expect_offset(z, utc(2026, 4, 4, 15, 0), 37800, "+1030");
	assert_int_equal(tz_local_to_utc(z, local(2026, 10, 4, 2, 15), u), TZ_LOCAL_GAP);
	assert_int_equal(u[0], utc(2026, 10, 3, 15, 30));
	assert_int_equal(tz_local_to_utc(z, local(2026, 4, 5, 1, 45), u), TZ_LOCAL_TWICE);
	assert_int_equal(u[0], utc(2026, 4, 4, 14, 45));
	assert_int_equal(u[1], utc(2026, 4, 4, 15, 15));
	assert_int_equal(tz_local_to_utc(z, local(2026, 4, 5, 2, 0), u), TZ_LOCAL_ONE);
	tz_free(z);
}

/* Every 3 hours and 7 minutes from 1902 to 2150: the same offset as glibc's localtime_r. */
static void test_same_as_glibc(void **state)
{
	static const char *const zones[] = { "Europe/Paris",        "America/New_York",
		                             "Australia/Lord_Howe", "America/Sao_Paulo",
		                             "Asia/Kolkata",        "Pacific/Chatham" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		struct tz *z = load(zones[i]);
		char tzvar[64];
		int64_t t;

		snprintf(tzvar, sizeof(tzvar), ":%s", zones[i]);
		setenv("TZ", tzvar, 1); /* the test's own process only; tz.c never reads TZ */
		tzset();
		for (t = utc(1902, 1, 1, 0, 0); t < utc(2150, 1, 1, 0, 0); t += 3 * 3600 + 420) {
			time_t tt = (time_t)t;
			struct tm tm;
			int64_t u[2];

			assert_non_null(localtime_r(&tt, &tm));
			if (tz_offset(z, t, NULL) != tm.tm_gmtoff)
				fail_msg("%s at %lld: %d, glibc %ld", zones[i], (long long)t,
				         tz_offset(z, t, NULL), tm.tm_gmtoff);
			/* and back: the wall time of t maps to t (one of its instants) */
			switch (tz_local_to_utc(z, t + tm.tm_gmtoff, u)) {
			case TZ_LOCAL_ONE:
				assert_int_equal(u[0], t);
				break;
			case TZ_LOCAL_TWICE:
				assert_true(u[0] == t || u[1] == t);
				break;
			case TZ_LOCAL_GAP:
				fail_msg("%s at %lld: a wall time that exists is in a gap",
				         zones[i], (long long)t);
			}
		}
		tz_free(z);
	}
	unsetenv("TZ");
	tzset();
}

static void test_utc_without_files(void **state)
{
	struct tz *z = NULL;
	char err[256] = "";
	int64_t u[2];

	(void)state;
	assert_int_equal(tz_load("/nonexistent", "UTC", &z, err, sizeof(err)), 0);
	expect_offset(z, utc(2026, 7, 1, 0, 0), 0, "UTC");
	assert_int_equal(tz_local_to_utc(z, local(2026, 3, 29, 2, 30), u), TZ_LOCAL_ONE);
	assert_int_equal(u[0], utc(2026, 3, 29, 2, 30));
	tz_free(z);
	assert_int_equal(tz_load("/nonexistent", "Etc/UTC", &z, err, sizeof(err)), 0);
	assert_string_equal(tz_name(z), "Etc/UTC");
	tz_free(z);
	assert_int_equal(tz_load("/nonexistent", "Europe/Paris", &z, err, sizeof(err)), -1);
	assert_null(z);
	assert_contains(err, "unknown time zone \"Europe/Paris\"");
	tz_free(NULL);
}

static void test_unknown_and_malicious_names(void **state)
{
	static const char *const bad[] = { "../../etc/passwd",        "/etc/passwd",
		                           "Europe/../../etc/passwd", "..",
		                           "Europe/./Paris",          "",
		                           "Europe//Paris",           "Europe/Paris/",
		                           "Europe/Paris\n",          "Europe/Paris ",
		                           "Europe\\Paris",           "a%2e%2e" };
	struct tz *z = NULL;
	char err[256], longname[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(tz_name_valid(bad[i]));
		assert_int_equal(tz_load(NULL, bad[i], &z, err, sizeof(err)), -1);
		assert_null(z);
		assert_contains(err, "is not a time zone name");
	}
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(tz_load(NULL, longname, &z, err, sizeof(err)), -1);
	assert_true(tz_name_valid("America/Argentina/Buenos_Aires"));
	assert_true(tz_name_valid("Etc/GMT+5"));
	assert_true(tz_name_valid("America/Port-au-Prince"));
	assert_int_equal(tz_load(NULL, "Mars/Olympus_Mons", &z, err, sizeof(err)), -1);
	assert_contains(err, "unknown time zone \"Mars/Olympus_Mons\"");
	assert_int_equal(tz_load(NULL, "Europe", &z, err, sizeof(err)), -1); /* a directory */
	assert_contains(err, "unknown time zone");
	z = load("Etc/GMT+5"); /* POSIX sign: five hours west */
	expect_offset(z, utc(2026, 1, 1, 0, 0), -18000, "-05");
	tz_free(z);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A version 1 file: AAA (+1 h) until 1e6, BBB (+2 h, DST) until 2e6, AAA again. */
static size_t v1_file(uint8_t *f)
{
	uint8_t *p = f;

	memset(f, 0, 44);
	memcpy(f, "TZif", 4);
	put32(f + 32, 2); /* timecnt */
	put32(f + 36, 2); /* typecnt */
	put32(f + 40, 8); /* charcnt */
	p += 44;
	put32(p, 1000000);
	put32(p + 4, 2000000);
	p += 8;
	*p++ = 1;
	*p++ = 0;
	put32(p, 3600);
	p[4] = 0;
	p[5] = 0;
	put32(p + 6, 7200);
	p[10] = 1;
	p[11] = 4;
	p += 12;
	memcpy(p, "AAA\0BBB\0", 8);
	return (size_t)(p + 8 - f);
}

static void test_version1(void **state)
{
	uint8_t f[128];
	size_t len = v1_file(f);
	struct tz *z = NULL;
	char err[256] = "";
	int64_t u[2];

	(void)state;
	assert_int_equal(tz_parse("Test/V1", f, len, &z, err, sizeof(err)), 0);
	expect_offset(z, 0, 3600, "AAA");
	expect_offset(z, 999999, 3600, "AAA");
	expect_offset(z, 1000000, 7200, "BBB");
	expect_offset(z, 2000000, 3600, "AAA");
	assert_int_equal(tz_local_to_utc(z, 1000000 + 5000, u), TZ_LOCAL_GAP);
	assert_int_equal(u[0], 1000000);
	assert_int_equal(tz_local_to_utc(z, 2000000 + 4000, u), TZ_LOCAL_TWICE);
	assert_int_equal(u[0], 2000000 - 3200);
	assert_int_equal(u[1], 2000000 + 400);
	tz_free(z);
	/* broken copies are refused, never read past their end */
	for (size_t cut = 0; cut < len; cut++) {
		assert_int_equal(tz_parse("Test/V1", f, cut, &z, err, sizeof(err)), -1);
		assert_null(z);
	}
	f[44 + 8] = 7; /* a transition to a type that does not exist */
	assert_int_equal(tz_parse("Test/V1", f, len, &z, err, sizeof(err)), -1);
	assert_contains(err, "no such type");
	len = v1_file(f);
	f[44 + 8 + 2 + 11] = 9; /* an abbreviation index past the characters */
	assert_int_equal(tz_parse("Test/V1", f, len, &z, err, sizeof(err)), -1);
	len = v1_file(f);
	f[4] = '9';
	assert_int_equal(tz_parse("Test/V1", f, len, &z, err, sizeof(err)), -1);
	assert_contains(err, "version");
	assert_int_equal(tz_parse("Test/V1", "not a zone file at all, not at all, no, not at all",
	                          50, &z, err, sizeof(err)),
	                 -1);
	assert_contains(err, "not a TZif file");
}

/* Every truncation of a real version 2+ file is refused. */
static void test_truncated_v2(void **state)
{
	FILE *fp = fopen(TZ_DIR "/America/New_York", "rb");
	static uint8_t data[TZ_FILE_MAX];
	size_t len, cut;
	struct tz *z = NULL;
	char err[256];

	(void)state;
	assert_non_null(fp);
	len = fread(data, 1, sizeof(data), fp);
	fclose(fp);
	assert_true(len > 44 && data[4] >= '2');
	assert_int_equal(tz_parse("America/New_York", data, len, &z, err, sizeof(err)), 0);
	tz_free(z);
	for (cut = 0; cut < len; cut += cut < 64 ? 1 : 37) {
		assert_int_equal(tz_parse("America/New_York", data, cut, &z, err, sizeof(err)), -1);
		assert_null(z);
	}
	assert_int_equal(tz_parse("America/New_York", data, len - 1, &z, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_paris_offsets),
		cmocka_unit_test(test_paris_wall_times),
		cmocka_unit_test(test_new_york),
		cmocka_unit_test(test_lord_howe),
		cmocka_unit_test(test_same_as_glibc),
		cmocka_unit_test(test_utc_without_files),
		cmocka_unit_test(test_unknown_and_malicious_names),
		cmocka_unit_test(test_version1),
		cmocka_unit_test(test_truncated_v2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
