/* Unit tests of src/conf/monitors.c and the http/tcp keys: ids, errors, secrets. */
#include "testing.h"

#include <stdbool.h>

#include "conf/conf.h"
#include "probe/http.h"
#include "probe/probe.h"
#include "util/secret.h"

static struct vigil_config *load(const char *text, struct conf_diag *d)
{
	return conf_load_string("m.yaml", text, strlen(text), d);
}

static void expect_error(const char *text, const char *msg)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = load(text, &d);
	bool found = false;
	size_t i;

	for (i = 0; i < d.n; i++)
		found |= strcmp(d.msgs[i], msg) == 0;
	if (!found)
		for (i = 0; i < d.n; i++)
			print_message("got: %s\n", d.msgs[i]);
	conf_diag_free(&d);
	conf_unref(cfg);
	if (cfg != NULL || !found)
		fail_msg("expected error: %s", msg);
}

static void test_slug(void **state)
{
	char id[64];

	(void)state;
	assert_int_equal(monitor_slug("API Root", id, sizeof(id)), 8);
	assert_string_equal(id, "api-root");
	monitor_slug("  Postgres (primary) #1 ", id, sizeof(id));
	assert_string_equal(id, "postgres-primary-1");
	monitor_slug("Café—Bar", id, sizeof(id));
	assert_string_equal(id, "caf-bar");
	assert_int_equal(monitor_slug("!!!", id, sizeof(id)), 0);
}

static void test_defaults_and_types(void **state)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = load("monitors:\n"
	                                "  - {name: Web, type: http, url: \"http://127.0.0.1/\"}\n"
	                                "  - {name: Port, type: tcp, host: localhost, port: 22}\n",
	                                &d);
	const struct monitor_conf *m;
	const struct http_conf *h;

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(cfg->monitors.n, 2);
	m = &cfg->monitors.v[0];
	assert_string_equal(m->id, "web");
	assert_ptr_equal(m->probe, probe_type_find("http"));
	assert_int_equal(m->interval, 60000);
	assert_int_equal(m->timeout, 10000);
	assert_int_equal(m->retries, 0);
	assert_int_equal(m->failure_threshold, 1);
	assert_int_equal(m->success_threshold, 1);
	h = m->probe_conf;
	assert_true(h->follow_redirects);
	assert_true(h->tls_verify);
	assert_true(http_status_expected(h, 204));
	assert_false(http_status_expected(h, 301));
	assert_ptr_equal(conf_monitor_find(&cfg->monitors, "port"), &cfg->monitors.v[1]);
	assert_null(conf_monitor_find(&cfg->monitors, "nope"));
	conf_unref(cfg);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("monitors:\n  - {name: a, type: htp}\n",
	             "m.yaml:2:21: monitors[0].type: unknown monitor type \"htp\"; did you mean "
	             "\"http\"?");
	expect_error("monitors:\n  - {type: tcp, host: h, port: 1}\n",
	             "m.yaml:2:5: monitors[0]: missing required key \"name\"");
	expect_error("monitors:\n  - {name: a, type: tcp, host: h}\n",
	             "m.yaml:2:5: monitors[0]: missing required key \"port\"");
	expect_error("monitors:\n  - {name: a, type: tcp, host: h, port: 70000}\n",
	             "m.yaml:2:41: monitors[0].port: 70000 is out of range (1..65535)");
	expect_error("monitors:\n  - {name: a, type: tcp, host: h, port: 1, url: x}\n",
	             "m.yaml:2:44: monitors[0].url: unknown key");
	expect_error("monitors:\n  - {name: a, type: http, url: \"ftp://h/\"}\n",
	             "m.yaml:2:32: monitors[0].url: the scheme must be http or https, not ftp");
	expect_error(
	        "monitors:\n  - {name: a, type: http, url: \"http://h/\", interval: 5s, timeout: "
	        "10s}\n",
	        "m.yaml:2:68: monitors[0].timeout: 10000 ms is longer than the interval (5000 ms)");
	expect_error("monitors:\n  - {name: API, type: tcp, host: h, port: 1}\n"
	             "  - {name: api, type: tcp, host: h, port: 2}\n",
	             "m.yaml:3:12: monitors[1].name: \"api\" has the same id (api) as monitors[0] "
	             "\"API\"");
	expect_error("monitors:\n  - {name: a, type: tcp, host: h, port: 1}\n"
	             "  - {name: a, type: tcp, host: h, port: 2}\n",
	             "m.yaml:3:12: monitors[1].name: \"a\" is already the name of monitors[0]");
	expect_error(
	        "monitors:\n  - {name: \"***\", type: tcp, host: h, port: 1}\n",
	        "m.yaml:2:12: monitors[0].name: \"***\" has no letter or digit to make an id from");
	expect_error("monitors: {a: 1}\n",
	             "m.yaml:1:11: monitors: expected a list of monitors, got a mapping");
}

static void test_condition_errors(void **state)
{
	(void)state;
	expect_error(
	        "monitors:\n  - name: a\n    type: http\n    url: \"http://h/\"\n"
	        "    conditions: [\"[STATUS] == 200\", \"[STAUS] == 200\"]\n",
	        "m.yaml:5:37: monitors[0].conditions[1]: column 1 of \"[STAUS] == 200\": unknown "
	        "placeholder [STAUS] (did you mean [STATUS]?)");
	expect_error(
	        "monitors:\n  - name: a\n    type: tcp\n    host: h\n    port: 1\n"
	        "    degraded_if: [\"[STATUS] > 1\"]\n",
	        "m.yaml:6:19: monitors[0].degraded_if[0]: column 1 of \"[STATUS] > 1\": unknown "
	        "placeholder [STATUS] for this monitor type");
}

static void test_http_keys(void **state)
{
	(void)state;
	expect_error(
	        "monitors:\n  - name: a\n    type: http\n    url: \"http://h/\"\n"
	        "    headers: {X-A: \"x\\r\\nInjected: 1\"}\n",
	        "m.yaml:5:14: monitors[0].headers: the value of header X-A contains a line break");
	expect_error(
	        "monitors:\n  - name: a\n    type: http\n    url: \"http://h/\"\n"
	        "    headers: {\"Bad Name\": x}\n",
	        "m.yaml:5:14: monitors[0].headers: header name \"Bad Name\" has a character not "
	        "allowed in HTTP header names");
	expect_error("monitors:\n  - name: a\n    type: http\n    url: \"http://h/\"\n"
	             "    expect_status: [200, 7xx]\n",
	             "m.yaml:5:20: monitors[0].expect_status: \"7xx\" is not a status code "
	             "(100..599) or "
	             "class (2xx)");
	expect_error("monitors:\n  - name: a\n    type: http\n    url: \"http://h/\"\n"
	             "    body: \"{}\"\n",
	             "m.yaml:5:11: monitors[0].body: a body needs a method that sends one (POST, "
	             "PUT, PATCH, "
	             "DELETE)");
	expect_error(
	        "monitors:\n  - name: a\n    type: http\n    url: \"http://h/\"\n"
	        "    auth: {basic: \"nocolon\"}\n",
	        "m.yaml:5:19: monitors[0].auth.basic: expected \"user:password\" (no colon found)");
}

static void test_secrets_masked(void **state)
{
	static const char yaml[] =
	        "monitors:\n"
	        "  - name: a\n"
	        "    type: http\n"
	        "    url: \"https://bob:hunter2-pass@h/x?token=tok-123456&q=1\"\n"
	        "    headers: {Authorization: \"Bearer abcdefgh123\", Accept: text/plain}\n"
	        "    auth: {bearer: bearer-secret-1}\n"
	        "    expect_status: [200, \"3xx\"]\n";
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = load(yaml, &d);
	char *dump;
	const struct http_conf *h;

	(void)state;
	assert_non_null(cfg);
	dump = conf_dump(cfg);
	assert_not_contains(dump, "hunter2-pass");
	assert_not_contains(dump, "tok-123456");
	assert_not_contains(dump, "abcdefgh123");
	assert_not_contains(dump, "bearer-secret-1");
	assert_contains(dump, "\"Accept\": \"text/plain\"");
	assert_contains(dump, "url: \"https://<secret>@h/x?token=<secret>&q=1\"");
	h = cfg->monitors.v[0].probe_conf;
	assert_string_equal(h->display_url, "https://<secret>@h/x?token=<secret>&q=1");
	assert_true(http_status_expected(h, 301));
	assert_true(http_status_expected(h, 200));
	assert_false(http_status_expected(h, 201));
	assert_string_equal(h->expect_text, "200, 3xx");
	/* every one of them is also scrubbed from logs */
	assert_true(secret_set_count(cfg->secrets) >= 4);
	free(dump);
	conf_unref(cfg);
}

static void test_extra_secret_params(void **state)
{
	static const char yaml[] =
	        "security:\n  secret_params: [session]\n"
	        "monitors:\n  - {name: a, type: http, url: \"http://h/?session=zz-9&x=1\"}\n";
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = load(yaml, &d);
	const struct http_conf *h;
	size_t len;
	char *out;

	(void)state;
	assert_non_null(cfg);
	h = cfg->monitors.v[0].probe_conf;
	assert_string_equal(h->display_url, "http://h/?session=<secret>&x=1");
	out = secret_scrub(cfg->secrets, "log zz-9", 8, &len);
	assert_string_equal(out, "log <secret>");
	free(out);
	conf_unref(cfg);
}

static void test_fingerprint(void **state)
{
	struct conf_diag d = { 0 };
	struct vigil_config *a =
	        load("monitors:\n  - {name: a, type: tcp, host: h, port: 1}\n", &d);
	struct vigil_config *b =
	        load("monitors:\n  - name: a\n    type: tcp\n    port: 1\n    host: h\n", &d);
	struct vigil_config *c =
	        load("monitors:\n  - {name: a, type: tcp, host: h, port: 2}\n", &d);

	(void)state;
	assert_string_equal(a->monitors.v[0].fingerprint, b->monitors.v[0].fingerprint);
	assert_string_not_equal(a->monitors.v[0].fingerprint, c->monitors.v[0].fingerprint);
	conf_unref(a);
	conf_unref(b);
	conf_unref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug),        cmocka_unit_test(test_defaults_and_types),
		cmocka_unit_test(test_errors),      cmocka_unit_test(test_condition_errors),
		cmocka_unit_test(test_http_keys),   cmocka_unit_test(test_secrets_masked),
		cmocka_unit_test(test_fingerprint), cmocka_unit_test(test_extra_secret_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
