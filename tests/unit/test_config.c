/* Unit tests of src/conf/: loading, every error class with its message, env, secrets, print. */
#include "testing.h"

#include <stdbool.h>
#include <unistd.h>

#include "conf/conf.h"
#include "util/secret.h"

#define TOKEN_A "aaaaaaaaaaaaaaaaaaaaaaaa-viewer"
#define TOKEN_B "bbbbbbbbbbbbbbbbbbbbbbbb-admin"

static struct vigil_config *load(const char *text, struct conf_diag *d)
{
	return conf_load_string("t.yaml", text, strlen(text), d);
}

/* Loads TEXT expecting failure, and checks that MSG is one of the errors. */
static void expect_error(const char *text, const char *msg)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = load(text, &d);
	size_t i;

	bool found = false;

	for (i = 0; i < d.n; i++)
		found |= strcmp(d.msgs[i], msg) == 0;
	if (!found)
		for (i = 0; i < d.n; i++)
			print_message("got: %s\n", d.msgs[i]);
	conf_diag_free(&d);
	if (cfg != NULL) {
		conf_unref(cfg);
		fail_msg("config loaded, expected error: %s", msg);
	}
	if (!found)
		fail_msg("expected error: %s", msg);
}

static struct vigil_config *load_ok(const char *text)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = load(text, &d);
	size_t i;

	for (i = 0; i < d.n; i++)
		print_message("error: %s\n", d.msgs[i]);
	assert_non_null(cfg);
	conf_diag_free(&d);
	return cfg;
}

static void test_defaults(void **state)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = conf_load_default(&d);

	(void)state;
	assert_non_null(cfg);
	assert_string_equal(cfg->source, CONF_BUILTIN);
	assert_string_equal(cfg->server.listen, "127.0.0.1:8080");
	assert_string_equal(cfg->server.addr.host, "127.0.0.1");
	assert_int_equal(cfg->server.addr.port, 8080);
	assert_int_equal(cfg->server.threads, 1);
	assert_int_equal(cfg->server.connection_timeout, 15000);
	assert_string_equal(cfg->storage.path, "vigil.db");
	assert_int_equal(cfg->storage.retention.raw, 7LL * 86400000);
	assert_int_equal(cfg->storage.retention.hour, 400LL * 86400000);
	assert_int_equal(cfg->auth.tokens.n, 0);
	conf_unref(cfg);
	cfg = load_ok("");
	assert_int_equal(cfg->storage.retention.minute, 30LL * 86400000);
	conf_unref(cfg);
}

static void test_full(void **state)
{
	struct vigil_config *cfg = load_ok("server:\n"
	                                   "  listen: \"[::1]:9090\"\n"
	                                   "  threads: 4\n"
	                                   "  connection_timeout: 30s\n"
	                                   "  max_body_size: 2MiB\n"
	                                   "  trusted_proxies: [10.0.0.0/8, \"::1\"]\n"
	                                   "storage:\n"
	                                   "  path: /var/lib/vigil/v.db\n"
	                                   "  retention: {raw: 14d}\n"
	                                   "auth:\n"
	                                   "  tokens:\n"
	                                   "    - {name: ci, token: " TOKEN_A "}\n"
	                                   "    - name: ops\n"
	                                   "      token: " TOKEN_B "\n"
	                                   "      role: admin\n"
	                                   "log: {level: debug, format: json}\n");
	const struct conf_token *t = cfg->auth.tokens.v;

	(void)state;
	assert_string_equal(cfg->server.addr.host, "::1");
	assert_int_equal(cfg->server.addr.port, 9090);
	assert_int_equal(cfg->server.threads, 4);
	assert_int_equal(cfg->server.connection_timeout, 30000);
	assert_int_equal(cfg->server.max_body_size, 2 * 1024 * 1024);
	assert_int_equal(cfg->server.trusted_proxies.n, 2);
	assert_string_equal(cfg->server.trusted_proxies.v[1], "::1");
	assert_int_equal(cfg->storage.retention.raw, 14LL * 86400000);
	assert_int_equal(cfg->storage.retention.minute, 30LL * 86400000); /* default kept */
	assert_int_equal(cfg->auth.tokens.n, 2);
	assert_string_equal(t[0].name, "ci");
	assert_int_equal(t[0].role, ROLE_VIEWER);
	assert_int_equal(t[1].role, ROLE_ADMIN);
	assert_int_equal(cfg->log.level, 0);
	assert_int_equal(cfg->log.format, 1);
	assert_int_equal(secret_set_count(cfg->secrets), 2);
	conf_unref(cfg);
}

static void test_unknown_key_suggests(void **state)
{
	(void)state;
	expect_error("server:\n  lisen: \"127.0.0.1:8080\"\n",
	             "t.yaml:2:3: server.lisen: unknown key, did you mean \"listen\"?");
	expect_error("storage:\n  retention:\n    raww: 1d\n",
	             "t.yaml:3:5: storage.retention.raww: unknown key, did you mean \"raw\"?");
	expect_error("frobnicate: 1\n", "t.yaml:1:1: frobnicate: unknown key");
}

static void test_wrong_type(void **state)
{
	(void)state;
	expect_error("server:\n  threads: [1]\n",
	             "t.yaml:2:12: server.threads: expected an integer, got a list");
	expect_error("server: 5\n", "t.yaml:1:9: server: expected a mapping, got a scalar");
	expect_error("server:\n  listen: {a: b}\n",
	             "t.yaml:2:11: server.listen: expected a string, got a mapping");
	expect_error("auth:\n  tokens: {name: x}\n",
	             "t.yaml:2:11: auth.tokens: expected a list, got a mapping");
	expect_error("- a\n", "t.yaml:1:1: the configuration must be a mapping of sections");
}

static void test_out_of_range(void **state)
{
	(void)state;
	expect_error("server:\n  threads: 0\n",
	             "t.yaml:2:12: server.threads: 0 is out of range (1..64)");
	expect_error("server:\n  connection_timeout: 2h\n",
	             "t.yaml:2:23: server.connection_timeout: 2h is out of range (1s..1h)");
	expect_error("server:\n  threads: 4x\n",
	             "t.yaml:2:12: server.threads: \"4x\" is not an integer");
}

static void test_bad_duration_and_size(void **state)
{
	(void)state;
	expect_error("server:\n  connection_timeout: 5x\n",
	             "t.yaml:2:23: server.connection_timeout: \"5x\" is not a duration (examples: "
	             "500ms, 10s, 5m, 1h30m, 7d)");
	expect_error("server:\n  max_body_size: 10XB\n",
	             "t.yaml:2:18: server.max_body_size: \"10XB\" is not a size (examples: 512, "
	             "64KiB, 10MB, 1GiB)");
}

static void test_bad_listen(void **state)
{
	(void)state;
	expect_error("server:\n  listen: \"127.0.0.1:99999\"\n",
	             "t.yaml:2:11: server.listen: \"127.0.0.1:99999\" is not a valid port");
	expect_error("server:\n  listen: \"::1:80\"\n",
	             "t.yaml:2:11: server.listen: \"::1:80\" is not a valid address (expected "
	             "host:port, [v6]:port or :port)");
	expect_error("server:\n  trusted_proxies: [10.0.0.0/99]\n",
	             "t.yaml:2:20: server.trusted_proxies: \"10.0.0.0/99\" is not an IP address or "
	             "CIDR range");
}

static void test_duplicate_key(void **state)
{
	(void)state;
	expect_error("server:\n  threads: 2\n  threads: 3\n",
	             "t.yaml:3:3: server.threads: duplicate key (first defined at line 2)");
	expect_error("log: {}\nlog: {}\n",
	             "t.yaml:2:1: log: duplicate key (first defined at line 1)");
}

static void test_enum(void **state)
{
	(void)state;
	expect_error("log:\n  level: inof\n",
	             "t.yaml:2:10: log.level: \"inof\" is not one of debug, "
	             "info, warn, error; did you mean \"info\"?");
	expect_error("log:\n  format: xml\n",
	             "t.yaml:2:11: log.format: \"xml\" is not one of text, json");
}

static void test_syntax_error(void **state)
{
	struct conf_diag d = { 0 };

	(void)state;
	assert_null(load("server:\n  listen: [\n", &d));
	assert_int_equal(d.n, 1);
	assert_contains(d.msgs[0], "t.yaml:3:1: syntax error:");
	conf_diag_free(&d);
	assert_null(load("a: 1\n---\nb: 2\n", &d));
	assert_contains(d.msgs[0], "only one YAML document is allowed");
	conf_diag_free(&d);
}

static void test_all_errors_at_once(void **state)
{
	struct conf_diag d = { 0 };

	(void)state;
	assert_null(load("server:\n  lisen: x\n  threads: 0\nlog:\n  level: loud\n", &d));
	assert_int_equal(d.n, 3);
	assert_contains(d.msgs[0], "server.lisen: unknown key");
	assert_contains(d.msgs[1], "server.threads: 0 is out of range");
	assert_contains(d.msgs[2], "log.level: \"loud\" is not one of");
	conf_diag_free(&d);
}

static void test_env_expansion(void **state)
{
	struct vigil_config *cfg;

	(void)state;
	setenv("VIGIL_T_PORT", "9999", 1);
	unsetenv("VIGIL_T_UNSET");
	cfg = load_ok("server:\n  listen: \"127.0.0.1:${VIGIL_T_PORT}\"\n"
	              "storage:\n  path: \"${VIGIL_T_UNSET:-/tmp/x.db}\"\n");
	assert_int_equal(cfg->server.addr.port, 9999);
	assert_string_equal(cfg->storage.path, "/tmp/x.db");
	conf_unref(cfg);
	expect_error("server:\n  listen: \"${VIGIL_T_UNSET}\"\n",
	             "t.yaml:2:11: server.listen: \"${VIGIL_T_UNSET}\": environment variable "
	             "VIGIL_T_UNSET is not set");
	setenv("VIGIL_T_WORD", "many", 1);
	/* errors quote what was written, not what it expanded to */
	expect_error("server:\n  threads: ${VIGIL_T_WORD}\n",
	             "t.yaml:2:12: server.threads: \"${VIGIL_T_WORD}\" is not an integer");
	expect_error("storage:\n  path: \"${1abc}\"\n",
	             "t.yaml:2:9: storage.path: \"${1abc}\": \"${\" must be followed by a variable "
	             "name");
	cfg = load_ok("storage:\n  path: \"$${HOME}/$x\"\n");
	assert_string_equal(cfg->storage.path, "${HOME}/$x");
	conf_unref(cfg);
	unsetenv("VIGIL_T_PORT");
	unsetenv("VIGIL_T_WORD");
}

static void test_env_overrides(void **state)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg;

	(void)state;
	setenv("VIGIL_LISTEN", "127.0.0.2:7000", 1);
	setenv("VIGIL_STORAGE", "/tmp/override.db", 1);
	setenv("VIGIL_LOG_LEVEL", "warn", 1);
	setenv("VIGIL_LOG_FORMAT", "json", 1);
	cfg = load_ok("server: {listen: \"127.0.0.1:1\"}\n");
	assert_string_equal(cfg->server.listen, "127.0.0.2:7000");
	assert_int_equal(cfg->server.addr.port, 7000);
	assert_string_equal(cfg->storage.path, "/tmp/override.db");
	assert_int_equal(cfg->log.level, 2);
	assert_int_equal(cfg->log.format, 1);
	conf_unref(cfg);
	setenv("VIGIL_LISTEN", "nope", 1);
	setenv("VIGIL_LOG_LEVEL", "shouty", 1);
	assert_null(load("", &d));
	assert_int_equal(d.n, 2);
	assert_string_equal(d.msgs[0], "environment VIGIL_LISTEN: \"nope\" is not a valid address "
	                               "(expected host:port, [v6]:port or :port)");
	assert_string_equal(d.msgs[1], "environment VIGIL_LOG_LEVEL: \"shouty\" is not one of "
	                               "debug, info, warn, error");
	conf_diag_free(&d);
	unsetenv("VIGIL_LISTEN");
	unsetenv("VIGIL_STORAGE");
	unsetenv("VIGIL_LOG_LEVEL");
	unsetenv("VIGIL_LOG_FORMAT");
}

static void test_secret_file(void **state)
{
	char path[] = "/tmp/vigil-secret-XXXXXX";
	int fd = mkstemp(path);
	char *text;
	struct vigil_config *cfg;
	const struct conf_token *t;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, TOKEN_A "\n", strlen(TOKEN_A) + 1),
	                 (ssize_t)strlen(TOKEN_A) + 1);
	close(fd);
	text = NULL;
	assert_true(asprintf(&text, "auth:\n  tokens:\n    - {name: f, token_file: \"%s\"}\n",
	                     path) > 0);
	cfg = load_ok(text);
	t = cfg->auth.tokens.v;
	assert_string_equal(t[0].token, TOKEN_A); /* the trailing newline is dropped */
	assert_int_equal(secret_set_count(cfg->secrets), 1);
	conf_unref(cfg);
	free(text);
	unlink(path);
	expect_error("auth:\n  tokens:\n    - {name: f, token_file: /nonexistent/x}\n",
	             "t.yaml:3:29: auth.tokens[0].token_file: cannot read \"/nonexistent/x\": No "
	             "such file or directory");
	expect_error("auth:\n  tokens:\n    - {name: f, token: " TOKEN_A ", token_file: /x}\n",
	             "t.yaml:3:57: auth.tokens[0].token_file: give either token or token_file, not "
	             "both");
}

static void test_tokens(void **state)
{
	(void)state;
	expect_error("auth:\n  tokens:\n    - {name: a}\n",
	             "t.yaml:3:7: auth.tokens[0]: missing required key \"token\"");
	expect_error("auth:\n  tokens:\n    - {name: a, token: short}\n",
	             "t.yaml:3:24: auth.tokens[0].token: too short (16 characters at least; "
	             "\"openssl rand -hex 32\" makes a good one)");
	expect_error(
	        "auth:\n  tokens:\n    - {name: a, token: " TOKEN_A ", role: public}\n",
	        "t.yaml:3:63: auth.tokens[0].role: a token's role is viewer, operator or admin");
	expect_error("auth:\n  tokens:\n    - {name: a, token: " TOKEN_A "}\n"
	             "    - {name: a, token: " TOKEN_B "}\n",
	             "t.yaml:4:14: auth.tokens[1].name: \"a\" is already the name of tokens[0]");
	expect_error("auth:\n  tokens:\n    - {name: a, token: " TOKEN_A "}\n"
	             "    - {name: b, token: " TOKEN_A "}\n",
	             "t.yaml:4:24: auth.tokens[1].token: the same token as tokens[0]");
}

static void test_tls_pair(void **state)
{
	(void)state;
	expect_error("server:\n  tls: {cert: /etc/hostname}\n",
	             "t.yaml:2:8: server.tls: give both cert and key, or neither");
	expect_error("server:\n  tls: {cert: /nonexistent.pem, key: /etc/hostname}\n",
	             "t.yaml:2:15: server.tls.cert: cannot read \"/nonexistent.pem\"");
}

static void test_storage(void **state)
{
	(void)state;
	expect_error("storage:\n  path: \"\"\n", "t.yaml:2:3: storage: path is empty");
	expect_error(
	        "storage:\n  url: postgres://x/y\n",
	        "t.yaml:2:8: storage.url: the PostgreSQL backend is not part of this build; use "
	        "storage.path (SQLite)");
}

static void test_print_masks_secrets(void **state)
{
	struct vigil_config *cfg = load_ok("auth:\n  tokens:\n    - {name: ops, token: " TOKEN_B
	                                   ", role: operator}\n");
	char *dump = conf_dump(cfg);

	(void)state;
	assert_not_contains(dump, TOKEN_B);
	assert_contains(dump, "token: \"<secret>\"");
	assert_contains(dump, "role: operator");
	assert_contains(dump, "- name: \"ops\"");
	free(dump);
	conf_unref(cfg);
}

static void test_print_round_trip(void **state)
{
	struct vigil_config *a =
	        load_ok("server: {listen: \":9000\", threads: 3, "
	                "trusted_proxies: [\"10.1.0.0/16\"]}\n"
	                "storage: {path: \"x \\\"y\\\".db\", commit_interval: 250ms}\n"
	                "log: {level: warn}\n");
	char *one = conf_dump(a), *two;
	struct vigil_config *b = load_ok(one);

	(void)state;
	two = conf_dump(b);
	/* the first line names the source; the rest must be identical */
	assert_string_equal(strchr(one, '\n'), strchr(two, '\n'));
	assert_string_equal(b->storage.path, "x \"y\".db");
	free(one);
	free(two);
	conf_unref(a);
	conf_unref(b);
}

static void test_restart_changes(void **state)
{
	struct vigil_config *a =
	        load_ok("server: {listen: \"127.0.0.1:1000\"}\nlog: {level: info}\n");
	struct vigil_config *b =
	        load_ok("server: {listen: \"127.0.0.1:2000\"}\nlog: {level: debug}\n");
	struct conf_diag d = { 0 };

	(void)state;
	assert_int_equal(conf_restart_changes(a, b, &d), 1);
	assert_string_equal(d.msgs[0], "server.listen");
	conf_diag_free(&d);
	assert_int_equal(conf_restart_changes(a, a, &d), 0);
	conf_unref(a);
	conf_unref(b);
}

static void test_null_keeps_default(void **state)
{
	struct vigil_config *cfg = load_ok("server:\n  listen:\n  tls: {cert: , key: ~}\n");

	(void)state;
	assert_string_equal(cfg->server.listen, "127.0.0.1:8080");
	assert_null(cfg->server.tls.cert);
	conf_unref(cfg);
}

static void test_file_errors(void **state)
{
	struct conf_diag d = { 0 };

	(void)state;
	assert_null(conf_load_file("/nonexistent/vigil.yaml", &d));
	assert_string_equal(d.msgs[0],
	                    "/nonexistent/vigil.yaml: cannot open: No such file or directory");
	conf_diag_free(&d);
	assert_null(conf_load_file("/tmp", &d));
	assert_string_equal(d.msgs[0], "/tmp: not a regular file");
	conf_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_unknown_key_suggests),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_bad_duration_and_size),
		cmocka_unit_test(test_bad_listen),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_all_errors_at_once),
		cmocka_unit_test(test_env_expansion),
		cmocka_unit_test(test_env_overrides),
		cmocka_unit_test(test_secret_file),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_tls_pair),
		cmocka_unit_test(test_storage),
		cmocka_unit_test(test_print_masks_secrets),
		cmocka_unit_test(test_print_round_trip),
		cmocka_unit_test(test_restart_changes),
		cmocka_unit_test(test_null_keeps_default),
		cmocka_unit_test(test_file_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
