/* Unit tests of src/util/secret.c and the scrubbing in src/util/log.c. */
#include "testing.h"

#include <fcntl.h>
#include <unistd.h>

#include "util/log.h"
#include "util/secret.h"

static void test_scrub(void **state)
{
	struct secret_set *s = secret_set_new();
	const char *in = "token=hunter2hunter2 and again hunter2hunter2!";
	size_t len;
	char *out;

	(void)state;
	secret_set_add(s, "hunter2hunter2");
	secret_set_add(s, "hunter2hunter2"); /* kept once */
	secret_set_add(s, "");               /* ignored */
	secret_set_add(s, "x");              /* too short to search for in text */
	secret_set_add(s, "ab");
	assert_int_equal(secret_set_count(s), 1);
	out = secret_scrub(s, in, strlen(in), &len);
	assert_non_null(out);
	assert_string_equal(out, "token=<secret> and again <secret>!");
	assert_int_equal(len, strlen(out));
	free(out);
	assert_null(secret_scrub(s, "nothing here", 12, &len));
	assert_null(secret_scrub(NULL, "x", 1, &len));
	secret_set_unref(s);
}

static void test_longest_first(void **state)
{
	struct secret_set *s = secret_set_new();
	const char *in = "abc abcdef";
	size_t len;
	char *out;

	(void)state;
	secret_set_add(s, "abc");
	secret_set_add(s, "abcdef");
	out = secret_scrub(s, in, strlen(in), &len);
	assert_string_equal(out, "<secret> <secret>");
	free(out);
	secret_set_unref(s);
}

static void test_refcount(void **state)
{
	struct secret_set *s = secret_set_new();

	(void)state;
	secret_set_add(s, "xyz");
	assert_ptr_equal(secret_set_ref(s), s);
	secret_set_unref(s);
	assert_int_equal(secret_set_count(s), 1); /* still alive: one reference left */
	secret_set_unref(s);
	secret_set_unref(NULL);
}

/* Captures log lines written while CANARY is registered. */
static void test_log_never_prints_canary(void **state)
{
	static const char canary[] = "CANARY-7c1e4b0f9a2d";
	struct secret_set *s = secret_set_new();
	char path[] = "/tmp/vigil-log-XXXXXX", buf[4096];
	int fd = mkstemp(path), old;
	ssize_t n;

	(void)state;
	assert_true(fd >= 0);
	secret_set_add(s, canary);
	log_set_secrets(s);
	secret_set_unref(s);
	old = log_set_fd(fd);
	log_configure(LOG_LEVEL_DEBUG, LOG_FORMAT_TEXT);
	log_info("connecting to https://user:%s@example.com/", canary);
	log_warnx("bad token %s", canary);
	log_configure(LOG_LEVEL_DEBUG, LOG_FORMAT_JSON);
	log_debug("json line with \"%s\"\n", canary);
	log_configure(LOG_LEVEL_WARN, LOG_FORMAT_TEXT);
	log_info("below the level %s", "x");
	log_set_fd(old);
	log_set_secrets(NULL);
	log_configure(LOG_LEVEL_INFO, LOG_FORMAT_TEXT);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_not_contains(buf, canary);
	assert_not_contains(buf, "below the level");
	assert_contains(buf, "info  connecting to https://user:<secret>@example.com/");
	assert_contains(buf, "warn  bad token <secret>");
	assert_contains(buf, "\"level\":\"debug\",\"msg\":\"json line with \\\"<secret>\\\"\\n\"}");
}

static void test_log_names(void **state)
{
	enum log_level l;
	enum log_format f;

	(void)state;
	assert_int_equal(log_level_parse("warn", &l), 0);
	assert_int_equal(l, LOG_LEVEL_WARN);
	assert_string_equal(log_level_str(LOG_LEVEL_ERROR), "error");
	assert_int_equal(log_level_parse("WARN", &l), -1);
	assert_int_equal(log_format_parse("json", &f), 0);
	assert_string_equal(log_format_str(f), "json");
	assert_int_equal(log_format_parse("xml", &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scrub),     cmocka_unit_test(test_longest_first),
		cmocka_unit_test(test_refcount),  cmocka_unit_test(test_log_never_prints_canary),
		cmocka_unit_test(test_log_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
