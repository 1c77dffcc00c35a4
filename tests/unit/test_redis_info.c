/* Unit tests of src/probe/redis_info.c: redis:// URLs and INFO fields. */
#include "testing.h"

#include "probe/redis_info.h"

static const char INFO[] = "# Server\r\n"
                           "redis_version:7.0.15\r\n"
                           "uptime_in_seconds:42\r\n"
                           "\r\n"
                           "# Clients\r\n"
                           "connected_clients:3\r\n"
                           "# Memory\r\n"
                           "used_memory:1048576\r\n"
                           "used_memory_human:1.00M\r\n"
                           "# Replication\r\n"
                           "role:master\r\n"
                           "rdb_last_bgsave_status:ok\r\n"
                           "empty:\r\n"
                           "# Keyspace\r\n"
                           "db0:keys=12,expires=1,avg_ttl=0\r\n"
                           "db10:keys=5,expires=0,avg_ttl=0\n"
                           "last:no-newline";

static void expect_field(const char *key, const char *want)
{
	const char *v;
	size_t vl;

	if (!redis_info_get(INFO, strlen(INFO), key, &v, &vl))
		fail_msg("%s: not found", key);
	if (vl != strlen(want) || memcmp(v, want, vl) != 0)
		fail_msg("%s: got \"%.*s\", want \"%s\"", key, (int)vl, v, want);
}

static void expect_absent(const char *key)
{
	const char *v;
	size_t vl;

	if (redis_info_get(INFO, strlen(INFO), key, &v, &vl))
		fail_msg("%s: found \"%.*s\", want absent", key, (int)vl, v);
}

static void test_info_fields(void **state)
{
	(void)state;
	expect_field("redis_version", "7.0.15");
	expect_field("role", "master");
	expect_field("used_memory", "1048576");
	expect_field("used_memory_human", "1.00M"); /* a longer name sharing a prefix */
	expect_field("rdb_last_bgsave_status", "ok");
	expect_field("empty", "");
	expect_field("last", "no-newline");
	expect_field("db10", "keys=5,expires=0,avg_ttl=0"); /* LF only */
	expect_absent("used_mem");                          /* prefixes do not match */
	expect_absent("Server");                            /* section headers are not fields */
	expect_absent("# Server");
	expect_absent("nope");
	expect_absent("");
}

static void test_info_subfields(void **state)
{
	(void)state;
	expect_field("db0.keys", "12");
	expect_field("db0.avg_ttl", "0");
	expect_field("db10.keys", "5");
	expect_absent("db0.key");
	expect_absent("db1.keys");
	expect_absent(".keys");
	expect_absent("role.x");
}

static void test_info_numbers(void **state)
{
	double v;

	(void)state;
	assert_true(redis_info_number(INFO, strlen(INFO), "used_memory", &v));
	assert_true(v == 1048576.0);
	assert_true(redis_info_number(INFO, strlen(INFO), "db0.keys", &v));
	assert_true(v == 12.0);
	assert_false(redis_info_number(INFO, strlen(INFO), "used_memory_human", &v));
	assert_false(redis_info_number(INFO, strlen(INFO), "empty", &v));
	assert_false(redis_info_number(INFO, strlen(INFO), "absent", &v));
	assert_false(redis_info_get(NULL, 0, "role", &(const char *){ NULL }, &(size_t){ 0 }));
}

/* Only the first LEN bytes count: a field cut by the cap is cut, not overread. */
static void test_info_bounded(void **state)
{
	const char text[] = "role:master\r\nused_memory:123456";
	const char *v;
	size_t vl;

	(void)state;
	assert_true(redis_info_get(text, 28, "used_memory", &v, &vl));
	assert_int_equal(vl, 3);
	assert_memory_equal(v, "123", 3);
	assert_false(redis_info_get(text, 20, "used_memory", &v, &vl));
}

static void url_ok(const char *url, const char *host, int port, int64_t db, const char *user,
                   const char *pw)
{
	struct redis_url u;
	char err[256];

	if (redis_url_parse(url, &u, err, sizeof(err)) < 0)
		fail_msg("%s: %s", url, err);
	assert_string_equal(u.host, host);
	assert_int_equal(u.port, port);
	assert_int_equal(u.db, db);
	if (user == NULL)
		assert_null(u.user);
	else
		assert_string_equal(u.user, user);
	if (pw == NULL)
		assert_null(u.password);
	else
		assert_string_equal(u.password, pw);
	redis_url_free(&u);
}

static void url_bad(const char *url, const char *why)
{
	struct redis_url u;
	char err[256];

	if (redis_url_parse(url, &u, err, sizeof(err)) == 0)
		fail_msg("%s: accepted", url);
	assert_contains(err, why);
	assert_null(u.host);
	assert_null(u.password);
}

static void test_url_forms(void **state)
{
	(void)state;
	url_ok("redis://localhost", "localhost", 6379, 0, NULL, NULL);
	url_ok("redis://127.0.0.1:6380/", "127.0.0.1", 6380, 0, NULL, NULL);
	url_ok("redis://h:1/15", "h", 1, 15, NULL, NULL);
	url_ok("REDIS://:pw@h/2", "h", 6379, 2, NULL, "pw");
	url_ok("redis://app:s%3Ac%20r%40t@h:7000/3", "h", 7000, 3, "app", "s:c r@t");
	url_ok("redis://app:@h", "h", 6379, 0, "app", NULL);
	url_ok("redis://[::1]:6390/1", "::1", 6390, 1, NULL, NULL);
	url_ok("redis://:p@ss@h", "h", 6379, 0, NULL, "p@ss"); /* the last @ ends the userinfo */
}

static void test_url_errors_never_quote_the_password(void **state)
{
	(void)state;
	url_bad("rediss://:pw@h", "rediss:// (TLS) is not supported");
	url_bad("http://h", "not a redis:// URL");
	url_bad("redis://", "no host");
	url_bad("redis://:pw@", "no host");
	url_bad("redis://h:0", "port");
	url_bad("redis://h:65536", "port");
	url_bad("redis://h:12x", "port");
	url_bad("redis://h/x", "database must be a number");
	url_bad("redis://h/-1", "database must be a number");
	url_bad("redis://h?db=1", "query parameters");
	url_bad("redis://secretpw@h", "after a colon");
	url_bad("redis://:bad%zzpw@h", "percent-encoding in the password");
	url_bad("redis://[::1", "IPv6");
	url_bad("redis://[::1]x", "after the [IPv6]");
	url_bad("redis://h h", "not allowed in host names");
	{
		struct redis_url u;
		char err[256];

		assert_int_equal(redis_url_parse("redis://:hunter2@h:99999", &u, err, sizeof(err)),
		                 -1);
		assert_not_contains(err, "hunter2");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_fields),
		cmocka_unit_test(test_info_subfields),
		cmocka_unit_test(test_info_numbers),
		cmocka_unit_test(test_info_bounded),
		cmocka_unit_test(test_url_forms),
		cmocka_unit_test(test_url_errors_never_quote_the_password),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
