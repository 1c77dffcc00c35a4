/*
 * Unit tests of src/probe/command.c and src/probe/argv_split.c: splitting,
 * the keys, and real runs of plugins on a loop (exit codes, signals, timeouts,
 * grandchildren, huge output, perfdata, placeholders, cancel).
 */
#include "testing.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "conf/conf.h"
#include "probe/argv_split.h"
#include "probe/probe.h"
#include "util/buf.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define PLUGINS "/usr/lib/nagios/plugins"

/* ---- argv_split ---- */

static void expect_split(const char *s, const char *const *want)
{
	char **argv, err[128];
	size_t argc, i;

	if (argv_split(s, &argv, &argc, err, sizeof(err)) < 0)
		fail_msg("%s: %s", s, err);
	for (i = 0; want[i] != NULL; i++) {
		if (i >= argc || strcmp(argv[i], want[i]) != 0)
			fail_msg("%s: word %zu is \"%s\", want \"%s\"", s, i,
			         i < argc ? argv[i] : "(none)", want[i]);
	}
	if (argc != i)
		fail_msg("%s: %zu words, want %zu", s, argc, i);
	assert_null(argv[argc]);
	argv_free(argv);
}

static void test_split(void **state)
{
	(void)state;
	expect_split("check_load -w 5 -c 10",
	             (const char *[]){ "check_load", "-w", "5", "-c", "10", NULL });
	expect_split("  a \t b\nc  ", (const char *[]){ "a", "b", "c", NULL });
	expect_split("a 'b c' \"d e\"", (const char *[]){ "a", "b c", "d e", NULL });
	expect_split("'it''s' x'y'z", (const char *[]){ "its", "xyz", NULL });
	expect_split("'a \\ \"b\"'", (const char *[]){ "a \\ \"b\"", NULL });
	expect_split("\"a \\\"q\\\" \\\\ \\$x \\n\"",
	             (const char *[]){ "a \"q\" \\ $x \\n", NULL });
	expect_split("a\\ b \\'c \\\\", (const char *[]){ "a b", "'c", "\\", NULL });
	expect_split("'' \"\" x", (const char *[]){ "", "", "x", NULL });
	expect_split("$HOME `id` * ?.c [ab] ~ a|b c;d e>f <g &h (i) #j",
	             (const char *[]){ "$HOME", "`id`", "*", "?.c", "[ab]", "~", "a|b", "c;d",
	                               "e>f", "<g", "&h", "(i)", "#j", NULL });
	expect_split("a\\\nb \"c\\\nd\"", (const char *[]){ "ab", "cd", NULL });
	expect_split("", (const char *[]){ NULL });
	expect_split("   ", (const char *[]){ NULL });
}

static void expect_split_error(const char *s, const char *msg)
{
	char **argv = (char **)1, err[128];
	size_t argc = 9;

	assert_int_equal(argv_split(s, &argv, &argc, err, sizeof(err)), -1);
	assert_null(argv);
	assert_int_equal(argc, 0);
	assert_string_equal(err, msg);
}

static void test_split_errors(void **state)
{
	(void)state;
	expect_split_error("echo 'abc", "unterminated single quote (column 6)");
	expect_split_error("a \"b\\\"", "unterminated double quote (column 3)");
	expect_split_error("abc\\", "ends with a backslash (column 4)");
	argv_free(NULL);
}

/* ---- the keys ---- */

static struct vigil_config *load(const char *monitor, struct conf_diag *d)
{
	char *text = xasprintf("monitors:\n  - name: c\n    type: command\n%s", monitor);
	struct vigil_config *cfg = conf_load_string("m.yaml", text, strlen(text), d);

	free(text);
	return cfg;
}

static void expect_error(const char *monitor, const char *msg)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = load(monitor, &d);
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
		fail_msg("expected error: %s", msg);
}

static void test_keys_errors(void **state)
{
	(void)state;
	expect_error("    command: \"check 'x\"\n",
	             "m.yaml:4:14: monitors[0].command: unterminated single quote (column 7)");
	expect_error("    command: \"\"\n", "monitors[0].command: names no program");
	expect_error("    command: []\n", "monitors[0].command: names no program");
	expect_error("    command: x\n    env: {\"A-B\": 1}\n",
	             "monitors[0].env: \"A-B\" is not an");
	expect_error("    command: x\n    cwd: /nonexistent/dir\n",
	             "monitors[0].cwd: \"/nonexistent/dir\" is not a directory");
	expect_error("    command: x\n    output_max: 10\n", "monitors[0].output_max");
	expect_error("    env: {A: b}\n", "monitors[0]: missing required key \"command\"");
}

static void test_keys_print(void **state)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = load(
	        "    command: check_x -H 'a b' \"$HOME\"\n    env: {DB_PASSWORD: hunter2}\n", &d);
	struct buf out;

	(void)state;
	assert_non_null(cfg);
	buf_init(&out, 0);
	conf_print(&conf_root_spec, cfg, &out, 0);
	assert_contains(out.data, "command: [\"check_x\", \"-H\", \"a b\", \"$HOME\"]");
	assert_not_contains(out.data, "hunter2");
	buf_free(&out);
	conf_unref(cfg);
}

/* ---- runs ---- */

struct rig {
	uv_loop_t loop;
	struct probe_env env;
	struct probe_run run;
	struct vigil_config *cfg;
	int done;
};

static void run_done(struct probe_run *run)
{
	((struct rig *)run->owner)->done++;
}

/* Loads MONITOR (the keys after type) and runs it once; check r->result after. */
static void rig_run(struct rig *g, const char *monitor, bool cancel_at_once)
{
	struct conf_diag d = { 0 };
	size_t i;

	memset(g, 0, sizeof(*g));
	g->cfg = load(monitor, &d);
	for (i = 0; i < d.n; i++)
		print_message("config: %s\n", d.msgs[i]);
	conf_diag_free(&d);
	assert_non_null(g->cfg);
	assert_int_equal(uv_loop_init(&g->loop), 0);
	g->env.loop = &g->loop;
	g->run.mon = &g->cfg->monitors.v[0];
	g->run.env = &g->env;
	g->run.done = run_done;
	g->run.owner = g;
	probe_run_start(&g->run);
	assert_int_equal(g->done, 0); /* never from inside start */
	if (cancel_at_once)
		probe_run_cancel(&g->run);
	uv_run(&g->loop, UV_RUN_DEFAULT);
	assert_int_equal(g->done, 1);
	assert_int_equal(uv_loop_close(&g->loop), 0); /* every handle closed */
}

static void rig_free(struct rig *g)
{
	probe_run_release(&g->run);
	conf_unref(g->cfg);
}

/* "command: '...'" with CMD as a YAML single-quoted scalar. */
static char *yaml_command(const char *cmd)
{
	struct buf b;

	buf_init(&b, 0);
	(void)!buf_puts(&b, "    command: '");
	for (; *cmd; cmd++) {
		if (*cmd == '\'')
			(void)!buf_putc(&b, '\''); /* '' is a quote */
		(void)!buf_putc(&b, *cmd);
	}
	(void)!buf_puts(&b, "'\n");
	return buf_steal(&b);
}

static double value(const struct probe_result *r, const char *name)
{
	double v = NAN;

	(void)probe_result_get_value(r, name, &v);
	return v;
}

static void test_exit_codes(void **state)
{
	static const struct {
		const char *cmd;
		enum probe_outcome o;
		enum status s;
		const char *msg;
		int code;
	} cases[] = {
		{ PLUGINS "/check_dummy 0 'all good'", PROBE_OK, STATUS_UP, "OK: all good", 0 },
		{ PLUGINS "/check_dummy 1 meh", PROBE_DEGRADED, STATUS_DEGRADED, "WARNING: meh",
		  1 },
		{ PLUGINS "/check_dummy 2 bad", PROBE_PLUGIN_CRITICAL, STATUS_DOWN, "CRITICAL: bad",
		  2 },
		{ PLUGINS "/check_dummy 3 eh", PROBE_PLUGIN_UNKNOWN, STATUS_UNKNOWN, "UNKNOWN: eh",
		  3 },
		{ "sh -c 'echo seven; exit 7'", PROBE_PLUGIN_UNKNOWN, STATUS_UNKNOWN,
		  "exit status 7 is not a plugin status (0-3): seven", 7 },
		{ "sh -c 'exit 0'", PROBE_OK, STATUS_UP, "(no output)", 0 },
		{ "sh -c 'echo oops >&2; exit 2'", PROBE_PLUGIN_CRITICAL, STATUS_DOWN, "oops", 2 },
		{ "sh -c 'echo \"  spaced | a=1\"; echo err >&2'", PROBE_OK, STATUS_UP, "spaced",
		  0 },
	};
	char *mon;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig g;

		mon = yaml_command(cases[i].cmd);
		rig_run(&g, mon, false);
		free(mon);
		if (g.run.result.outcome != cases[i].o)
			fail_msg("%s: outcome %s (%s)", cases[i].cmd,
			         probe_outcome_str(g.run.result.outcome), g.run.result.message);
		assert_int_equal(g.run.result.status, cases[i].s);
		assert_string_equal(g.run.result.message, cases[i].msg);
		assert_true(value(&g.run.result, "exit_code") == cases[i].code);
		rig_free(&g);
	}
}

static void test_signal(void **state)
{
	struct rig g;

	(void)state;
	rig_run(&g, "    command: sh -c 'echo dying; kill -9 $$'\n", false);
	assert_int_equal(g.run.result.outcome, PROBE_PLUGIN_UNKNOWN);
	assert_string_equal(g.run.result.message, "killed by signal 9 (SIGKILL): dying");
	assert_true(value(&g.run.result, "signal") == 9);
	assert_true(isnan(value(&g.run.result, "exit_code")));
	rig_free(&g);
}

static void test_exec_failures(void **state)
{
	char dir[] = "/tmp/vigil-cmd-XXXXXX", *path, *mon;
	struct rig g;
	FILE *f;

	(void)state;
	rig_run(&g, "    command: /nonexistent/plugin -v\n", false);
	assert_int_equal(g.run.result.outcome, PROBE_EXEC_FAILED);
	assert_int_equal(g.run.result.status, STATUS_UNKNOWN);
	assert_string_equal(g.run.result.message,
	                    "cannot run /nonexistent/plugin: no such file or directory");
	rig_free(&g);
	rig_run(&g, "    command: no-such-plugin-in-path\n", false);
	assert_int_equal(g.run.result.outcome, PROBE_EXEC_FAILED);
	rig_free(&g);

	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/plugin", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\necho never\n", f);
	fclose(f);
	chmod(path, 0644); /* not executable */
	mon = xasprintf("    command: %s\n", path);
	rig_run(&g, mon, false);
	assert_int_equal(g.run.result.outcome, PROBE_EXEC_FAILED);
	assert_contains(g.run.result.message, "permission denied");
	rig_free(&g);
	free(mon);
	unlink(path);
	rmdir(dir);
	free(path);
}

static bool process_gone(pid_t pid)
{
	char path[64], stat[256];
	FILE *f;
	char *p;
	bool gone = true;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return true;
	if (fgets(stat, sizeof(stat), f) != NULL && (p = strrchr(stat, ')')) != NULL)
		gone = p[2] == 'Z' || p[2] == 'X'; /* a zombie no one reaps is gone enough */
	fclose(f);
	return gone;
}

static void wait_gone(pid_t pid)
{
	int i;

	for (i = 0; i < 200 && !process_gone(pid); i++)
		usleep(10000);
	if (!process_gone(pid))
		fail_msg("process %d is still there", (int)pid);
}

/* The pid a plugin printed as the last word of its message. */
static pid_t printed_pid(const struct probe_result *r)
{
	const char *sp = strrchr(r->message, ' ');

	assert_non_null(sp);
	return (pid_t)strtol(sp + 1, NULL, 10);
}

static void test_timeout_kills_group(void **state)
{
	struct rig g;
	int64_t t0 = time_mono_ns();

	(void)state;
	rig_run(&g,
	        "    timeout: 300ms\n"
	        "    command: sh -c 'sleep 30 & echo started $!; exec sleep 30'\n",
	        false);
	assert_int_equal(g.run.result.outcome, PROBE_TIMEOUT);
	assert_contains(g.run.result.message, "no result within 300 ms");
	assert_true(g.run.result.latency_ns < (int64_t)1300 * 1000000);
	assert_true(time_mono_ns() - t0 < (int64_t)1300 * 1000000);
	/* the background sleep is in the group too: killed */
	assert_non_null(g.run.result.body.data);
	assert_true(strncmp(g.run.result.body.data, "started ", 8) == 0);
	wait_gone((pid_t)strtol(g.run.result.body.data + 8, NULL, 10));
	rig_free(&g);
}

static void test_grandchild_holding_stdout(void **state)
{
	struct rig g;

	(void)state;
	rig_run(&g,
	        "    timeout: 10s\n"
	        "    command: sh -c 'sleep 30 & echo \"OK - left $!\"; exit 0'\n",
	        false);
	assert_int_equal(g.run.result.outcome, PROBE_OK);
	assert_true(g.run.result.latency_ns < (int64_t)2000 * 1000000); /* not 30 s */
	wait_gone(printed_pid(&g.run.result));
	rig_free(&g);
}

static void test_huge_output(void **state)
{
	struct rig g;

	(void)state;
	rig_run(&g,
	        "    output_max: 8KiB\n"
	        "    command: sh -c 'echo \"OK - big | size=10MB\"; head -c 10000000 /dev/zero'\n",
	        false);
	assert_int_equal(g.run.result.outcome, PROBE_OK);
	assert_string_equal(g.run.result.message, "OK - big");
	assert_int_equal(g.run.result.body.len, 8192);
	assert_true(value(&g.run.result, "output_bytes") == 10000000 + 21);
	assert_string_equal(g.run.result.perfdata, "size=10MB");
	rig_free(&g);
}

static void test_perfdata_and_long_output(void **state)
{
	struct rig g;
	struct cond_value v;

	(void)state;
	rig_run(&g,
	        "    command: [printf, \"DISK OK - free | /=2643MB;5948;5958;0;5968\\n"
	        "/ 15272 MB (77%% inode=99%%)\\n/boot 68 MB (69%% inode=99%%)\\n"
	        "/home 69357 MB (27%% inode=99%%) | /boot=68MB;88;93;0;98\\n"
	        "'/home a'=69357MB;253404;253409;0;253414\\ntime=25ms\\n\"]\n",
	        false);
	assert_int_equal(g.run.result.outcome, PROBE_OK);
	assert_string_equal(g.run.result.message, "DISK OK - free");
	assert_string_equal(g.run.result.perfdata,
	                    "/=2643MB;5948;5958;0;5968 /boot=68MB;88;93;0;98 "
	                    "'/home a'=69357MB;253404;253409;0;253414 time=25ms");
	assert_true(value(&g.run.result, "perfdata_items") == 4);
	assert_int_equal(probe_command.get(&g.run.result, "PERFDATA", "/home a", &v), 0);
	assert_int_equal(v.type, COND_NUMBER);
	assert_true(v.num == 69357.0 * 1048576);
	assert_int_equal(probe_command.get(&g.run.result, "PERFDATA", "time", &v), 0);
	assert_int_equal(v.type, COND_DURATION);
	assert_true(fabs(v.num - 25) < 1e-9);
	assert_int_equal(probe_command.get(&g.run.result, "PERFDATA", "nope", &v), -1);
	assert_int_equal(probe_command.get(&g.run.result, "PERFDATA", NULL, &v), 0);
	assert_int_equal(v.len, strlen(g.run.result.perfdata));
	assert_int_equal(probe_command.get(&g.run.result, "EXIT_CODE", NULL, &v), 0);
	assert_true(v.type == COND_NUMBER && v.num == 0);
	assert_int_equal(probe_command.get(&g.run.result, "OUTPUT", NULL, &v), 0);
	assert_int_equal(v.len, g.run.result.body.len);
	assert_true(memmem(v.str, v.len, "/boot 68 MB", 11) != NULL);
	rig_free(&g);
}

static void test_conditions(void **state)
{
	struct rig g;

	(void)state;
	rig_run(&g,
	        "    command: [echo, \"OK - fine | load=7;5;10\"]\n"
	        "    conditions: [\"[EXIT_CODE] == 0\", \"[OUTPUT] == pat(*fine*)\"]\n"
	        "    degraded_if: [\"[RESPONSE_TIME] > 1h\"]\n",
	        false);
	assert_int_equal(g.run.result.outcome, PROBE_OK);
	rig_free(&g);
	rig_run(&g,
	        "    command: [echo, \"OK - fine\"]\n"
	        "    conditions: [\"[OUTPUT] == pat(*broken*)\"]\n",
	        false);
	assert_int_equal(g.run.result.outcome, PROBE_CONDITION_FAILED);
	rig_free(&g);
}

static void test_clean_environment(void **state)
{
	struct rig g;

	(void)state;
	setenv("VIGIL_TEST_LEAK", "leaked", 1);
	rig_run(&g,
	        "    cwd: /\n"
	        "    command: sh -c 'echo $(env | sort | tr \"\\n\" \" \")'\n"
	        "    env: {FOO: \"bar baz\", LANG: en_US.UTF-8}\n",
	        false);
	unsetenv("VIGIL_TEST_LEAK");
	assert_int_equal(g.run.result.outcome, PROBE_OK);
	assert_string_equal(g.run.result.message, "FOO=bar baz LANG=en_US.UTF-8 LC_ALL=C "
	                                          "PATH=/usr/local/bin:/usr/bin:/bin PWD=/");
	rig_free(&g);
}

static void test_cwd_and_path(void **state)
{
	struct rig g;

	(void)state;
	rig_run(&g, "    cwd: /tmp\n    command: pwd\n", false);
	assert_string_equal(g.run.result.message, "/tmp");
	rig_free(&g);
	/* env: PATH replaces the clean one, for the lookup too */
	rig_run(&g, "    command: check_dummy 0 found\n    env: {PATH: " PLUGINS "}\n", false);
	assert_string_equal(g.run.result.message, "OK: found");
	rig_free(&g);
}

static void test_no_inherited_fds(void **state)
{
	struct rig g;
	int fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC: must not leak anyway */

	(void)state;
	assert_true(fd > 2);
	/* ls, a child of sh, lists the descriptors of sh */
	rig_run(&g, "    command: sh -c 'ls -m /proc/$$/fd'\n", false);
	close(fd);
	assert_string_equal(g.run.result.message, "0, 1, 2");
	rig_free(&g);
}

static void test_cancel(void **state)
{
	struct rig g;

	(void)state;
	rig_run(&g, "    command: sh -c 'echo started $$; exec sleep 30'\n", true);
	assert_int_equal(g.run.result.outcome, PROBE_CANCELLED);
	assert_true(g.run.result.latency_ns < (int64_t)1000 * 1000000);
	rig_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_keys_errors),
		cmocka_unit_test(test_keys_print),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_exec_failures),
		cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_grandchild_holding_stdout),
		cmocka_unit_test(test_huge_output),
		cmocka_unit_test(test_perfdata_and_long_output),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_clean_environment),
		cmocka_unit_test(test_cwd_and_path),
		cmocka_unit_test(test_no_inherited_fds),
		cmocka_unit_test(test_cancel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
