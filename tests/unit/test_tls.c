/* Unit tests of src/probe/tls.c's keys and placeholders (handshakes: tests/integration). */
#include "testing.h"

#include <stdbool.h>

#include "conf/conf.h"
#include "probe/probe.h"
#include "util/time.h"

static struct vigil_config *load(const char *text, bool untrusted, struct conf_diag *d)
{
	return conf_load_text("m.yaml", text, strlen(text), untrusted, d);
}

/* Asserts that TEXT fails to load with an error containing MSG. */
static void expect_error(const char *text, bool untrusted, const char *msg)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = load(text, untrusted, &d);
	bool found = false;
	size_t i;

	for (i = 0; i < d.n; i++)
		found |= strstr(d.msgs[i], msg) != NULL;
	if (!found)
		for (i = 0; i < d.n; i++)
			print_message("got: %s\n", d.msgs[i]);
	conf_diag_free(&d);
	conf_unref(cfg);
	if (cfg != NULL || !found)
		fail_msg("expected an error with: %s", msg);
}

static void test_keys(void **state)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg =
	        load("monitors:\n  - {name: T, type: tls, host: example.com}\n", false, &d);
	char *dump;

	(void)state;
	assert_non_null(cfg);
	assert_ptr_equal(cfg->monitors.v[0].probe, &probe_tls);
	dump = conf_dump(cfg);
	assert_contains(dump, "port: 443");
	assert_contains(dump, "tls_verify: true");
	assert_contains(dump, "servername: null");
	free(dump);
	conf_unref(cfg);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("monitors:\n  - {name: T, type: tls}\n", false,
	             "monitors[0]: missing required key \"host\"");
	expect_error("monitors:\n  - {name: T, type: tls, host: h, port: 0}\n", false,
	             "monitors[0].port: 0 is out of range (1..65535)");
	expect_error("monitors:\n  - {name: T, type: tls, host: h, servername: \"\"}\n", false,
	             "monitors[0].servername: is empty");
	expect_error("monitors:\n  - {name: T, type: tls, host: h, ca_file: /nonexistent.pem}\n",
	             false, "monitors[0].ca_file: cannot read \"/nonexistent.pem\": No such file");
	/* a readable file that holds no certificate */
	expect_error("monitors:\n  - {name: T, type: tls, host: h, ca_file: \"" __FILE__ "\"}\n",
	             false, "monitors[0].ca_file: cannot load");
	expect_error("monitors:\n  - {name: T, type: tls, host: h, tls_verfy: false}\n", false,
	             "monitors[0].tls_verfy: unknown key, did you mean \"tls_verify\"?");
	/* monitors from the API may not read files of the Vigil host */
	expect_error("monitors:\n  - {name: T, type: tls, host: h, ca_file: /etc/passwd}\n", true,
	             "monitors[0].ca_file: names a file on the Vigil host");
}

static int get(const struct probe_result *r, const char *name, struct cond_value *v)
{
	return probe_tls.get(r, name, NULL, v);
}

static void test_placeholders(void **state)
{
	struct probe_result r;
	struct cond_value v;
	const char *const *p;
	int n = 0;

	(void)state;
	for (p = probe_tls.placeholders; *p != NULL; p++)
		n += strcmp(*p, "TLS_VERSION") == 0 || strcmp(*p, "CERTIFICATE_EXPIRATION") == 0;
	assert_int_equal(n, 2);
	probe_result_init(&r);
	/* nothing known yet: no version, no expiry */
	assert_int_equal(get(&r, "TLS_VERSION", &v), -1);
	assert_int_equal(get(&r, "CERTIFICATE_EXPIRATION", &v), -1);
	probe_result_value(&r, "tls_version", 1.2);
	r.cert_expiry = time_wall_ms() / 1000 + 2 * 86400;
	r.connected = true;
	snprintf(r.ip, sizeof(r.ip), "::1");
	assert_int_equal(get(&r, "TLS_VERSION", &v), 0);
	assert_int_equal(v.type, COND_STRING);
	assert_int_equal(v.len, 7);
	assert_memory_equal(v.str, "TLSv1.2", 7);
	probe_result_value(&r, "tls_version", 1.3);
	assert_int_equal(get(&r, "TLS_VERSION", &v), 0);
	assert_memory_equal(v.str, "TLSv1.3", 7);
	probe_result_value(&r, "tls_version", 1.0);
	assert_int_equal(get(&r, "TLS_VERSION", &v), 0);
	assert_int_equal(v.len, 5); /* "TLSv1", as OpenSSL names it */
	assert_int_equal(get(&r, "CERTIFICATE_EXPIRATION", &v), 0);
	assert_int_equal(v.type, COND_DURATION);
	assert_true(v.num > 2 * 86400e3 - 5000 && v.num <= 2 * 86400e3);
	assert_int_equal(get(&r, "CONNECTED", &v), 0);
	assert_true(v.type == COND_BOOL && v.num == 1);
	assert_int_equal(get(&r, "IP", &v), 0);
	assert_int_equal(v.len, 3);
	assert_int_equal(get(&r, "BODY", &v), 0);
	assert_int_equal(v.len, 0);
	assert_int_equal(get(&r, "STATUS", &v), -1);
	probe_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_placeholders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
