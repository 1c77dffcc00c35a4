/* Unit tests of src/conf/value.c: durations, sizes, integers, addresses. */
#include "testing.h"

#include "conf/value.h"

static int64_t dur(const char *s)
{
	int64_t ms = -12345;

	assert_int_equal(conf_duration_parse(s, &ms), 0);
	return ms;
}

static void test_duration_units(void **state)
{
	(void)state;
	assert_int_equal(dur("500ms"), 500);
	assert_int_equal(dur("10s"), 10000);
	assert_int_equal(dur("5m"), 300000);
	assert_int_equal(dur("2h"), 7200000);
	assert_int_equal(dur("7d"), 604800000);
	assert_int_equal(dur("1h30m"), 5400000);
	assert_int_equal(dur("1.5s"), 1500);
	assert_int_equal(dur("0"), 0);
	assert_int_equal(dur("0s"), 0);
}

static void test_duration_rejects(void **state)
{
	static const char *const bad[] = { "5x",
		                           "",
		                           "s",
		                           "10",
		                           "1.s",
		                           "-5s",
		                           "1e3s",
		                           "5 s",
		                           "0x10s",
		                           "1h 30m",
		                           "10S",
		                           "ms",
		                           "99999999999999999d" };
	size_t i;
	int64_t ms;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (conf_duration_parse(bad[i], &ms) == 0)
			fail_msg("\"%s\" parsed as a duration (%lld ms)", bad[i], (long long)ms);
}

static void test_duration_format(void **state)
{
	char out[32];

	(void)state;
	conf_duration_format(90000, out, sizeof(out));
	assert_string_equal(out, "1m30s");
	conf_duration_format(0, out, sizeof(out));
	assert_string_equal(out, "0s");
	conf_duration_format(86400000 + 1, out, sizeof(out));
	assert_string_equal(out, "1d1ms");
	conf_duration_format(250, out, sizeof(out));
	assert_string_equal(out, "250ms");
}

static void test_size(void **state)
{
	int64_t b;
	char out[32];

	(void)state;
	assert_int_equal(conf_size_parse("512", &b), 0);
	assert_int_equal(b, 512);
	assert_int_equal(conf_size_parse("64KiB", &b), 0);
	assert_int_equal(b, 65536);
	assert_int_equal(conf_size_parse("10MB", &b), 0);
	assert_int_equal(b, 10000000);
	assert_int_equal(conf_size_parse("1 GiB", &b), 0);
	assert_int_equal(b, 1073741824);
	assert_int_equal(conf_size_parse("1.5KiB", &b), 0);
	assert_int_equal(b, 1536);
	assert_int_equal(conf_size_parse("2kib", &b), 0);
	assert_int_equal(b, 2048);
	assert_int_equal(conf_size_parse("10XB", &b), -1);
	assert_int_equal(conf_size_parse("KiB", &b), -1);
	assert_int_equal(conf_size_parse("-1", &b), -1);
	assert_int_equal(conf_size_parse("1.3B", &b), -1);
	assert_int_equal(conf_size_parse("", &b), -1);
	conf_size_format(65536, out, sizeof(out));
	assert_string_equal(out, "64KiB");
	conf_size_format(1000, out, sizeof(out));
	assert_string_equal(out, "1000B");
}

static void test_int(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(conf_int_parse("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(conf_int_parse("-7", &v), 0);
	assert_int_equal(v, -7);
	assert_int_equal(conf_int_parse("4x", &v), -1);
	assert_int_equal(conf_int_parse("", &v), -1);
	assert_int_equal(conf_int_parse(" 4", &v), -1);
	assert_int_equal(conf_int_parse("99999999999999999999", &v), -1);
}

static void test_listen(void **state)
{
	struct conf_listen a;

	(void)state;
	assert_int_equal(conf_listen_parse("127.0.0.1:8080", &a), CONF_LISTEN_OK);
	assert_string_equal(a.host, "127.0.0.1");
	assert_int_equal(a.port, 8080);
	assert_int_equal(conf_listen_parse("[::1]:9000", &a), CONF_LISTEN_OK);
	assert_string_equal(a.host, "::1");
	assert_int_equal(conf_listen_parse(":80", &a), CONF_LISTEN_OK);
	assert_string_equal(a.host, "");
	assert_int_equal(conf_listen_parse("localhost:1", &a), CONF_LISTEN_OK);
	assert_int_equal(conf_listen_parse("127.0.0.1:99999", &a), CONF_LISTEN_BAD_PORT);
	assert_int_equal(conf_listen_parse("127.0.0.1:0", &a), CONF_LISTEN_BAD_PORT);
	assert_int_equal(conf_listen_parse("127.0.0.1:http", &a), CONF_LISTEN_BAD_PORT);
	assert_int_equal(conf_listen_parse("127.0.0.1:+80", &a), CONF_LISTEN_BAD_PORT);
	assert_int_equal(conf_listen_parse("127.0.0.1", &a), CONF_LISTEN_NO_PORT);
	assert_int_equal(conf_listen_parse("::1:80", &a), CONF_LISTEN_BAD_HOST);
	assert_int_equal(conf_listen_parse("[zz]:80", &a), CONF_LISTEN_BAD_HOST);
	assert_int_equal(conf_listen_parse("bad host:80", &a), CONF_LISTEN_BAD_HOST);
}

static void test_cidr(void **state)
{
	(void)state;
	assert_int_equal(conf_cidr_parse("10.0.0.0/8"), 0);
	assert_int_equal(conf_cidr_parse("192.168.1.1"), 0);
	assert_int_equal(conf_cidr_parse("fd00::/8"), 0);
	assert_int_equal(conf_cidr_parse("::1"), 0);
	assert_int_equal(conf_cidr_parse("10.0.0.0/33"), -1);
	assert_int_equal(conf_cidr_parse("10.0.0/8"), -1);
	assert_int_equal(conf_cidr_parse("10.0.0.0/"), -1);
	assert_int_equal(conf_cidr_parse("example.com"), -1);
	assert_int_equal(conf_cidr_parse("::/129"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_rejects),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_cidr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
