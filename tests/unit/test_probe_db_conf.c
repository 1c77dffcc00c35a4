/* Unit tests of the postgres and redis probes' keys: validation, secrets, API restrictions. */
#include "testing.h"

#include <stdbool.h>

#include "conf/conf.h"
#include "util/secret.h"

static struct vigil_config *load(const char *text, bool untrusted, struct conf_diag *d)
{
	return conf_load_text("m.yaml", text, strlen(text), untrusted, d);
}

/* Loading TEXT fails with an error containing WANT, and no error mentions NEVER. */
static void expect_error(const char *text, bool untrusted, const char *want, const char *never)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = load(text, untrusted, &d);
	bool found = false;
	size_t i;

	for (i = 0; i < d.n; i++) {
		found |= strstr(d.msgs[i], want) != NULL;
		if (never != NULL && strstr(d.msgs[i], never) != NULL)
			fail_msg("error quotes \"%s\": %s", never, d.msgs[i]);
	}
	if (!found)
		for (i = 0; i < d.n; i++)
			print_message("got: %s\n", d.msgs[i]);
	conf_diag_free(&d);
	conf_unref(cfg);
	if (cfg != NULL || !found)
		fail_msg("expected an error containing: %s", want);
}

static struct vigil_config *load_ok(const char *text, bool untrusted)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = load(text, untrusted, &d);
	size_t i;

	for (i = 0; i < d.n; i++)
		print_message("error: %s\n", d.msgs[i]);
	conf_diag_free(&d);
	if (cfg == NULL)
		fail_msg("config rejected:\n%s", text);
	return cfg;
}

/* The dump shows no PASSWORD, and the registry scrubs it from any text. */
static void expect_hidden(struct vigil_config *cfg, const char *password)
{
	char *dump = conf_dump(cfg), *clean, line[256];
	size_t len;

	assert_not_contains(dump, password);
	free(dump);
	snprintf(line, sizeof(line), "log: %s!", password);
	clean = secret_scrub(cfg->secrets, line, strlen(line), &len);
	assert_non_null(clean);
	assert_not_contains(clean, password);
	free(clean);
}

static void test_postgres_keys(void **state)
{
	struct vigil_config *cfg;

	(void)state;
	cfg = load_ok(
	        "monitors:\n"
	        "  - {name: a, type: postgres, url: \"postgresql://app:Uri%2Fpw-1@db:5433/x\","
	        " query: SELECT 1, expect: \"1\"}\n"
	        "  - {name: b, type: postgres, url: \"host=db user=app password='Conn pw-2' "
	        "dbname=x\"}\n"
	        "  - {name: c, type: postgres, url: \"host=/var/run/postgresql dbname=x\"}\n",
	        false);
	assert_int_equal(cfg->monitors.n, 3);
	expect_hidden(cfg, "Uri%2Fpw-1");
	expect_hidden(cfg, "Uri/pw-1");
	expect_hidden(cfg, "Conn pw-2");
	conf_unref(cfg);
}

static void test_postgres_errors(void **state)
{
	(void)state;
	expect_error("monitors: [{name: a, type: postgres}]\n", false, "url", NULL);
	expect_error("monitors: [{name: a, type: postgres, url: \"host=h\", expect: x}]\n", false,
	             "monitors[0].expect: needs a query", NULL);
	expect_error("monitors: [{name: a, type: postgres, url: \"host=h\", query: \" ; \"}]\n",
	             false, "query: is empty", NULL);
	expect_error("monitors: [{name: a, type: postgres, url: \"host=a,b\"}]\n", false,
	             "several hosts are not supported", NULL);
	expect_error("monitors: [{name: a, type: postgres, url: \"host=a port=0\"}]\n", false,
	             "is not a number from 1 to 65535", NULL);
	expect_error("monitors: [{name: a, type: postgres, url: \"hostaddr=db.example\"}]\n", false,
	             "is not a numeric address", NULL);
	expect_error("monitors: [{name: a, type: postgres, url: \"host=h password Sekrit-9\"}]\n",
	             false, "not a libpq connection string", "Sekrit-9");
	expect_error("monitors: [{name: a, type: postgres, url: \"host=h bogus=Sekrit-9\"}]\n",
	             false, "not a libpq connection string", "Sekrit-9");
}

static void test_postgres_api_restrictions(void **state)
{
	struct vigil_config *cfg;

	(void)state;
	expect_error("monitors: [{name: a, type: postgres, url: \"dbname=x\"}]\n", true,
	             "a Unix socket is not allowed", NULL);
	expect_error("monitors: [{name: a, type: postgres, url: \"host=/tmp dbname=x\"}]\n", true,
	             "a Unix socket is not allowed", NULL);
	expect_error("monitors: [{name: a, type: postgres, url: \"host=h passfile=/etc/x\"}]\n",
	             true, "passfile= names a file of this host", NULL);
	expect_error("monitors: [{name: a, type: postgres, url: \"host=h sslkey=/etc/x\"}]\n", true,
	             "sslkey= names a file of this host", NULL);
	/* the same is fine in the configuration file, and a host is fine from the API */
	conf_unref(load_ok("monitors: [{name: a, type: postgres, url: \"host=h passfile=/x\"}]\n",
	                   false));
	cfg = load_ok("monitors: [{name: a, type: postgres, url: \"host=10.0.0.1 dbname=x\"}]\n",
	              true);
	conf_unref(cfg);
}

static void test_redis_keys(void **state)
{
	struct vigil_config *cfg;
	char *dump;

	(void)state;
	cfg = load_ok("monitors:\n"
	              "  - {name: a, type: redis, url: \"redis://:Red%40pw-3@127.0.0.1:6380/2\"}\n"
	              "  - {name: b, type: redis, url: \"redis://app:Acl-pw-4@cache\"}\n",
	              false);
	expect_hidden(cfg, "Red%40pw-3");
	expect_hidden(cfg, "Red@pw-3");
	expect_hidden(cfg, "Acl-pw-4");
	dump = conf_dump(cfg);
	assert_contains(dump, "redis://<secret>@127.0.0.1:6380/2");
	free(dump);
	conf_unref(cfg);
	expect_error("monitors: [{name: a, type: redis, url: \"rediss://:Sekrit-9@h\"}]\n", false,
	             "rediss:// (TLS) is not supported", "Sekrit-9");
	expect_error("monitors: [{name: a, type: redis, url: \"redis://Sekrit-9@h\"}]\n", false,
	             "after a colon", "Sekrit-9");
	expect_error("monitors: [{name: a, type: redis, url: \"redis://h/x\"}]\n", false,
	             "monitors[0].url: the database must be a number", NULL);
	expect_error("monitors: [{name: a, type: redis, url: \"redis://h\", command: PING}]\n",
	             false, "command", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postgres_keys),
		cmocka_unit_test(test_postgres_errors),
		cmocka_unit_test(test_postgres_api_restrictions),
		cmocka_unit_test(test_redis_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
