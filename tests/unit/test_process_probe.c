/*
 * Unit tests of src/probe/proc_scan.c (on a fake /proc tree) and of the run
 * lifecycle of the process and file probes on a real loop: a run ends in
 * exactly one done call and leaves no handle, whenever it is cancelled.
 */
#include "testing.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "conf/conf.h"
#include "probe/probe.h"
#include "probe/proc_scan.h"

/* ---- a fake /proc ---- */

struct fake_proc {
	char root[64];
};

static void put(const struct fake_proc *fp, const char *rel, const char *data, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fp->root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void dir(const struct fake_proc *fp, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", fp->root, rel);
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

/* A stat line: utime and stime of TICKS/2 each, THREADS, START and RSS pages. */
static void put_stat(const struct fake_proc *fp, const char *pid, const char *comm,
                     unsigned long long ticks, int threads, unsigned long long start, long rss)
{
	char rel[64], text[512];
	int n;

	snprintf(rel, sizeof(rel), "%s/stat", pid);
	n = snprintf(text, sizeof(text),
	             "%s (%s) S 1 %s %s 0 -1 4194560 100 0 0 0 %llu %llu 0 0 20 0 %d 0 %llu "
	             "12345678 %ld 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
	             pid, comm, pid, pid, ticks / 2, ticks - ticks / 2, threads, start, rss);
	put(fp, rel, text, (size_t)n);
}

static void put_proc(const struct fake_proc *fp, const char *pid, const char *cmdline,
                     size_t cmdlen, const char *comm, unsigned uid, int nfds)
{
	char rel[64], text[256];
	int i, n;

	dir(fp, pid);
	snprintf(rel, sizeof(rel), "%s/cmdline", pid);
	put(fp, rel, cmdline, cmdlen);
	snprintf(rel, sizeof(rel), "%s/status", pid);
	n = snprintf(text, sizeof(text),
	             "Name:\t%s\nUmask:\t0022\nState:\tS\nUid:\t0\t%u\t%u\t%u\n", comm, uid, uid,
	             uid);
	put(fp, rel, text, (size_t)n);
	put_stat(fp, pid, comm, 100, 2, 5000, 256);
	snprintf(rel, sizeof(rel), "%s/fd", pid);
	dir(fp, rel);
	for (i = 0; i < nfds; i++) {
		snprintf(rel, sizeof(rel), "%s/fd/%d", pid, i);
		put(fp, rel, "", 0);
	}
}

static int fake_setup(void **state)
{
	struct fake_proc *fp = calloc(1, sizeof(*fp));
	static const char nginx[] = "nginx\0-g\0daemon off;\0";
	static const char worker[] = "nginx: worker process";
	static const char pg[] = "postgres\0-D\0/var/lib/pg\0";

	snprintf(fp->root, sizeof(fp->root), "/tmp/vigil-proc-XXXXXX");
	assert_non_null(mkdtemp(fp->root));
	put_proc(fp, "100", nginx, sizeof(nginx) - 1, "nginx", 33, 3);
	put_proc(fp, "101", worker, sizeof(worker), "a) (b) c", 0, 1); /* setproctitle style */
	put_proc(fp, "102", "", 0, "kthreadd", 0, 0);                  /* a kernel thread */
	put_proc(fp, "103", pg, sizeof(pg) - 1, "postgres", 0, 5);
	put_proc(fp, "200", nginx, sizeof(nginx) - 1, "nginx", 0, 2); /* plays Vigil itself */
	dir(fp, "self");
	dir(fp, "12a");
	*state = fp;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake_proc *fp = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fp->root);
	assert_int_equal(system(cmd), 0);
	free(fp);
	return 0;
}

struct seen {
	int n;
	pid_t pids[8];
};

static void collect(void *arg, const struct proc_info *p)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->pids[s->n] = p->pid;
	s->n++;
}

static bool saw(const struct seen *s, pid_t pid)
{
	int i;

	for (i = 0; i < s->n && i < 8; i++)
		if (s->pids[i] == pid)
			return true;
	return false;
}

static void compile(regex_t *re, const char *text)
{
	assert_int_equal(regcomp(re, text, REG_EXTENDED | REG_NOSUB), 0);
}

static void test_scan_matches_joined_cmdline(void **state)
{
	struct fake_proc *fp = *state;
	struct proc_filter f = { 0 };
	struct seen s = { 0 };
	regex_t re;

	compile(&re, "^nginx -g daemon off;$"); /* NULs joined by spaces, no trailing space */
	f.re = &re;
	assert_int_equal(proc_scan(fp->root, &f, collect, &s), 2);
	assert_true(saw(&s, 100) && saw(&s, 200));
	regfree(&re);

	compile(&re, "nginx");
	memset(&s, 0, sizeof(s));
	f.exclude = 200;
	assert_int_equal(proc_scan(fp->root, &f, collect, &s), 2);
	assert_true(saw(&s, 100) && saw(&s, 101) && !saw(&s, 200));
	regfree(&re);

	compile(&re, "."); /* kernel threads (empty cmdline) never match */
	memset(&s, 0, sizeof(s));
	assert_int_equal(proc_scan(fp->root, &f, collect, &s), 3);
	assert_false(saw(&s, 102));
	regfree(&re);
}

static void test_scan_user_filter(void **state)
{
	struct fake_proc *fp = *state;
	struct proc_filter f = { .by_uid = true, .uid = 33 };
	struct seen s = { 0 };
	regex_t re;

	compile(&re, "nginx");
	f.re = &re;
	assert_int_equal(proc_scan(fp->root, &f, collect, &s), 1);
	assert_int_equal(s.pids[0], 100);
	f.uid = 0; /* the effective uid counts, not the real one (0 for every fake) */
	memset(&s, 0, sizeof(s));
	assert_int_equal(proc_scan(fp->root, &f, collect, &s), 2);
	assert_true(saw(&s, 101) && saw(&s, 200));
	f.uid = 1234;
	assert_int_equal(proc_scan(fp->root, &f, collect, &s), 0);
	regfree(&re);
}

static void test_totals_and_cpu_between_scans(void **state)
{
	struct fake_proc *fp = *state;
	struct proc_filter f = { .exclude = 200 };
	struct proc_baseline b = { 0 };
	struct proc_totals t;
	long page = sysconf(_SC_PAGESIZE);
	regex_t re;

	compile(&re, "nginx");
	f.re = &re;
	assert_int_equal(proc_scan_baseline(fp->root, &f, &b), 2);
	assert_int_equal(b.n, 2);
	assert_true(b.v[0].pid == 100 && b.v[1].pid == 101); /* sorted by pid */
	put_stat(fp, "100", "nginx", 130, 4, 5000, 512);     /* 30 more ticks */
	put_stat(fp, "101", "a) (b) c", 150, 2, 9999, 256);  /* pid reused: new start */
	assert_int_equal(proc_scan_totals(fp->root, &f, &b, &t), 2);
	assert_int_equal(t.count, 2);
	assert_int_equal(t.threads, 6);
	assert_int_equal(t.rss_bytes, (uint64_t)(512 + 256) * (uint64_t)page);
	assert_int_equal(t.cpu_ticks, 30);
	assert_int_equal(t.fds, 0); /* not asked for */
	f.fds = true;
	assert_int_equal(proc_scan_totals(fp->root, &f, &b, &t), 2);
	assert_int_equal(t.fds, 4);
	proc_baseline_free(&b);
	assert_null(b.v);
	regfree(&re);
	put_stat(fp, "100", "nginx", 100, 2, 5000, 256);
	put_stat(fp, "101", "a) (b) c", 100, 2, 5000, 256);
}

static void test_missing_root(void **state)
{
	struct proc_filter f = { 0 };
	struct seen s = { 0 };
	regex_t re;

	(void)state;
	compile(&re, "x");
	f.re = &re;
	assert_int_equal(proc_scan("/nonexistent/vigil-proc", &f, collect, &s), -1);
	regfree(&re);
}

static void test_parsers(void **state)
{
	struct proc_info p = { 0 };
	uid_t uid = 0;

	(void)state;
	assert_int_equal(proc_parse_stat("7 (a) b) S 1 7 7 0 -1 0 0 0 0 0 11 22 0 0 20 0 5 0 "
	                                 "777 1000 3 0",
	                                 4096, &p),
	                 0);
	assert_int_equal(p.cpu_ticks, 33);
	assert_int_equal(p.threads, 5);
	assert_int_equal(p.start_ticks, 777);
	assert_int_equal(p.rss_bytes, 3 * 4096);
	assert_int_equal(proc_parse_stat("7 (a) S 1 2 3", 4096, &p), -1);
	assert_int_equal(proc_parse_stat("no parenthesis", 4096, &p), -1);
	assert_int_equal(proc_parse_stat("", 4096, &p), -1);
	assert_int_equal(proc_parse_euid("Name:\tx\nUid:\t1000\t33\t33\t33\nGid:\t0\n", &uid), 0);
	assert_int_equal(uid, 33);
	assert_int_equal(proc_parse_euid("Uid:\t5\t6\t7\t8\n", &uid), 0);
	assert_int_equal(uid, 6);
	assert_int_equal(proc_parse_euid("Name:\tx\nUid:\t5\n", &uid), -1);
	assert_int_equal(proc_parse_euid("Name:\tx\n", &uid), -1);
}

static void test_cpu_percent(void **state)
{
	(void)state;
	assert_true(proc_cpu_percent(20, 100, 200000000) > 99.9 &&
	            proc_cpu_percent(20, 100, 200000000) < 100.1);
	assert_true(proc_cpu_percent(40, 100, 200000000) > 199.9);
	assert_true(proc_cpu_percent(5, 100, 0) == 0);
	assert_true(proc_cpu_percent(0, 100, 1000) == 0);
}

/* ---- runs on a real loop ---- */

struct tally {
	int done;
};

static void on_done(struct probe_run *run)
{
	((struct tally *)run->owner)->done++;
}

static void on_cancel_timer(uv_timer_t *t)
{
	probe_run_cancel(t->data);
}

/*
 * Runs the only monitor of YAML once, cancelling it after CANCEL_MS when
 * that is not negative. Checks one done call and a loop with nothing left
 * open; returns the outcome (the message goes to MSG).
 */
static enum probe_outcome run_once(const char *yaml, int64_t cancel_ms, char *msg, size_t size)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = conf_load_string("p.yaml", yaml, strlen(yaml), &d);
	struct tally tally = { 0 };
	struct probe_env env = { 0 };
	struct probe_run run;
	enum probe_outcome o;
	uv_timer_t cancel;
	uv_loop_t loop;

	if (cfg == NULL)
		fail_msg("config: %s", d.n ? d.msgs[0] : "?");
	uv_loop_init(&loop);
	env.loop = &loop;
	memset(&run, 0, sizeof(run));
	run.mon = &cfg->monitors.v[0];
	run.env = &env;
	run.done = on_done;
	run.owner = &tally;
	uv_timer_init(&loop, &cancel);
	cancel.data = &run;
	probe_run_start(&run);
	if (cancel_ms == 0)
		probe_run_cancel(&run); /* before the loop ever turns: the scan is queued */
	else if (cancel_ms > 0)
		uv_timer_start(&cancel, on_cancel_timer, (uint64_t)cancel_ms, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&cancel, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(tally.done, 1);
	assert_int_equal(uv_loop_close(&loop), 0);
	o = run.result.outcome;
	snprintf(msg, size, "%s", run.result.message);
	probe_run_release(&run);
	conf_unref(cfg);
	return o;
}

static const char PROCESS_NONE[] = "monitors:\n"
                                   "  - name: P\n"
                                   "    type: process\n"
                                   "    timeout: 5s\n"
                                   "    match: \"^vigil-unit-no-such-process-[0-9]{6}$\"\n";

static void test_process_run_completes(void **state)
{
	char msg[PROBE_MESSAGE_MAX];
	char yaml[512];

	(void)state;
	assert_int_equal(run_once(PROCESS_NONE, -1, msg, sizeof(msg)), PROBE_PROCESS_COUNT);
	assert_string_equal(msg,
	                    "0 processes match '^vigil-unit-no-such-process-[0-9]{6}$' (min 1)");
	snprintf(yaml, sizeof(yaml), "%s    min: 0\n", PROCESS_NONE);
	assert_int_equal(run_once(yaml, -1, msg, sizeof(msg)), PROBE_OK);
	assert_string_equal(msg, "0 processes, 0.0% CPU, 0.0 MiB");
	/* This test binary is the only process with its name, but Vigil never matches itself. */
	snprintf(yaml, sizeof(yaml),
	         "monitors:\n  - {name: P, type: process, match: \"^[^ ]*/test_process_probe$\", "
	         "min: 0, max: 0}\n");
	assert_int_equal(run_once(yaml, -1, msg, sizeof(msg)), PROBE_OK);
}

static void test_process_cancel_at_every_stage(void **state)
{
	static const int64_t when[] = { 0, 1, 5, 20, 60, 150, 230, 300 };
	char msg[PROBE_MESSAGE_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		enum probe_outcome o = run_once(PROCESS_NONE, when[i], msg, sizeof(msg));

		/* Cancelled, unless the run had already ended by then. */
		if (o != PROBE_CANCELLED && o != PROBE_PROCESS_COUNT)
			fail_msg("cancel after %lld ms: %s (%s)", (long long)when[i],
			         probe_outcome_str(o), msg);
	}
	assert_int_equal(run_once(PROCESS_NONE, 0, msg, sizeof(msg)), PROBE_CANCELLED);
}

static void test_process_timeout_shorter_than_window(void **state)
{
	char msg[PROBE_MESSAGE_MAX];

	(void)state;
	/* The window shrinks to a quarter of the timeout, so the run ends in time. */
	assert_int_equal(run_once("monitors:\n"
	                          "  - {name: P, type: process, timeout: 200ms, min: 0,\n"
	                          "     match: \"^vigil-unit-no-such-process$\"}\n",
	                          -1, msg, sizeof(msg)),
	                 PROBE_OK);
}

static void test_file_run_and_cancel(void **state)
{
	char msg[PROBE_MESSAGE_MAX];
	static const char yaml[] = "monitors:\n  - {name: F, type: file, path: /proc/self/stat}\n";
	static const char missing[] =
	        "monitors:\n  - {name: F, type: file, path: /nonexistent/vigil/x}\n";

	(void)state;
	assert_int_equal(run_once(yaml, -1, msg, sizeof(msg)), PROBE_OK);
	assert_int_equal(run_once(yaml, 0, msg, sizeof(msg)), PROBE_CANCELLED);
	assert_int_equal(run_once(missing, -1, msg, sizeof(msg)), PROBE_FILE_MISSING);
	assert_string_equal(msg, "/nonexistent/vigil/x does not exist");
	assert_int_equal(run_once(missing, 0, msg, sizeof(msg)), PROBE_CANCELLED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_matches_joined_cmdline),
		cmocka_unit_test(test_scan_user_filter),
		cmocka_unit_test(test_totals_and_cpu_between_scans),
		cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_cpu_percent),
		cmocka_unit_test(test_process_run_completes),
		cmocka_unit_test(test_process_cancel_at_every_stage),
		cmocka_unit_test(test_process_timeout_shorter_than_window),
		cmocka_unit_test(test_file_run_and_cancel),
	};

	return cmocka_run_group_tests(tests, fake_setup, fake_teardown);
}
