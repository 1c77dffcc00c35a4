/* Unit tests of src/util/url.c and src/util/timeparse.c. */
#include "testing.h"

#include "util/secret.h"
#include "util/timeparse.h"
#include "util/url.h"

static void redact(const char *in, const char *want)
{
	static const char *const extra[] = { "session", NULL };
	char *out = url_redact(in, url_secret_params, extra);

	if (strcmp(out, want) != 0)
		fail_msg("%s -> %s, want %s", in, out, want);
	free(out);
}

static void test_redact(void **state)
{
	(void)state;
	redact("https://example.com/a?b=1", "https://example.com/a?b=1");
	redact("https://user:pw@example.com/", "https://<secret>@example.com/");
	redact("https://user@example.com/", "https://<secret>@example.com/");
	redact("http://h/x?token=abc&q=1&API_KEY=zz#frag",
	       "http://h/x?token=<secret>&q=1&API_KEY=<secret>#frag");
	redact("http://h/?session=s1&sig=", "http://h/?session=<secret>&sig=<secret>");
	redact("http://a:b@c@h/p?x=1", "http://<secret>@h/p?x=1");
	redact("http://h/path@with?signature=x", "http://h/path@with?signature=<secret>");
}

static void test_add_secrets(void **state)
{
	struct secret_set *s = secret_set_new();
	const char *text = "pw sekret q";
	size_t len;
	char *out;

	(void)state;
	url_add_secrets("https://user:pw-long@h/?apikey=sekret&q=1", url_secret_params, s);
	assert_int_equal(secret_set_count(s), 2);
	out = secret_scrub(s, "pw-long sekret q", 16, &len);
	assert_string_equal(out, "<secret> <secret> q");
	free(out);
	(void)text;
	secret_set_unref(s);
}

static void test_timeparse(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(time_parse("2026-11-24T05:43:50Z", 0, &t), 0);
	assert_int_equal(t, 1795499030000LL);
	assert_int_equal(time_parse("2026-11-24T05:43:50.5+01:00", 0, &t), 0);
	assert_int_equal(t, 1795499030000LL - 3600000 + 500);
	assert_int_equal(time_parse("1795499030", 0, &t), 0);
	assert_int_equal(t, 1795499030000LL);
	assert_int_equal(time_parse("1795499030123", 0, &t), 0);
	assert_int_equal(t, 1795499030123LL);
	assert_int_equal(time_parse("24h", 100000000, &t), 0);
	assert_int_equal(t, 100000000 - 86400000);
	assert_int_equal(time_parse("yesterday", 0, &t), -1);
	assert_int_equal(time_parse("2026-13-01T00:00:00Z", 0, &t), -1);
	assert_int_equal(time_parse("2026-11-24T05:43:50", 0, &t), -1);
	assert_int_equal(time_parse("", 0, &t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_add_secrets),
		cmocka_unit_test(test_timeparse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
