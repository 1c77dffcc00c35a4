/*
 * The process probe: counts the processes whose command line matches a
 * regex and sums their CPU, memory, threads and open fds. Two scans of
 * /proc, off the loop thread, a short window apart, give the CPU share
 * from the first run on.
 */
#include <errno.h>
#include <math.h>
#include <pwd.h>
#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/monitors.h"
#include "probe/probe.h"
#include "probe/proc_scan.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define PROCESS_WINDOW_MS 200 /* between the two scans (at most a quarter of the timeout) */
#define PROCESS_COUNT_MAX 1000000

struct process_conf {
	char *match;
	int64_t min;
	double max; /* NaN: no upper limit */
	char *user;
	double cpu_max;     /* percent of one core; NaN: none */
	int64_t memory_max; /* bytes; 0: none */
	/* derived */
	regex_t re;
	bool re_ok;
};

enum process_phase { PHASE_BASELINE, PHASE_WAIT, PHASE_TOTALS };

struct process_run {
	struct probe_run *run;
	const struct process_conf *conf;
	uv_work_t work;
	uv_timer_t timer;
	enum process_phase phase;
	bool working, ended;
	int64_t window_ms;
	/* written by the worker thread, read on the loop after its callback */
	struct proc_filter filter;
	char error[128]; /* why a scan could not run; "" when it ran */
	struct proc_baseline base;
	struct proc_totals totals;
	int64_t t_base, t_totals; /* monotonic ns at the start of each scan */
};

static const char *const process_placeholders[] = {
	"COUNT", "CPU", "MEMORY", "THREADS", "FDS", "RESPONSE_TIME", NULL,
};

static void process_closed(uv_handle_t *h)
{
	struct process_run *p = h->data;
	struct probe_run *run = p->run;

	proc_baseline_free(&p->base);
	free(p);
	run->priv = NULL;
	probe_run_finish(run);
}

/* Ends the run once (the outcome is set); a scan in flight is waited for. */
static void process_end(struct process_run *p)
{
	if (p->ended)
		return;
	p->ended = true;
	p->run->result.latency_ns = time_mono_ns() - p->run->start_ns;
	if (p->working) {
		/* Fails when the scan already runs: its after_work callback closes then. */
		(void)uv_cancel((uv_req_t *)&p->work);
		return;
	}
	uv_close((uv_handle_t *)&p->timer, process_closed);
}

/* The uid of user NAME (a name or a number); -1 with a reason in P->error. */
static int resolve_user(struct process_run *p, const char *name)
{
	struct passwd pw, *found = NULL;
	char buf[4096], *end;
	unsigned long uid = strtoul(name, &end, 10);
	int e;

	if (*name >= '0' && *name <= '9' && *end == '\0') {
		p->filter.uid = (uid_t)uid;
		return 0;
	}
	e = getpwnam_r(name, &pw, buf, sizeof(buf), &found);
	if (e != 0 && e != ENOENT && e != ESRCH) {
		snprintf(p->error, sizeof(p->error), "cannot look up user \"%.64s\": %s", name,
		         uv_strerror(uv_translate_sys_error(e)));
		return -1;
	}
	if (found == NULL) {
		snprintf(p->error, sizeof(p->error), "no user named \"%.64s\"", name);
		return -1;
	}
	p->filter.uid = found->pw_uid;
	return 0;
}

/* Off the loop: the first scan (and the user's uid), or the second. */
static void process_work(uv_work_t *w)
{
	struct process_run *p = w->data;
	int n;

	if (p->phase == PHASE_BASELINE) {
		if (p->conf->user != NULL && resolve_user(p, p->conf->user) < 0)
			return;
		p->t_base = time_mono_ns();
		n = proc_scan_baseline(p->run->env->proc_root, &p->filter, &p->base);
	} else {
		p->filter.fds = true;
		p->t_totals = time_mono_ns();
		n = proc_scan_totals(p->run->env->proc_root, &p->filter, &p->base, &p->totals);
	}
	if (n < 0)
		snprintf(p->error, sizeof(p->error), "cannot read /proc: %s",
		         uv_strerror(uv_translate_sys_error(errno)));
}

static void process_after(uv_work_t *w, int status);

static int process_queue(struct process_run *p, enum process_phase phase)
{
	int r;

	p->phase = phase;
	p->work.data = p;
	r = uv_queue_work(p->run->env->loop, &p->work, process_work, process_after);
	p->working = r == 0;
	return r;
}

static void on_window(uv_timer_t *t)
{
	struct process_run *p = t->data;
	int r;

	if (p->ended)
		return;
	r = process_queue(p, PHASE_TOTALS);
	if (r < 0) {
		probe_result_set(&p->run->result, PROBE_INTERNAL_ERROR, "cannot scan: %s",
		                 uv_strerror(r));
		process_end(p);
	}
}

/* The figures of the second scan as values; the verdict is the judge's. */
static void report(struct process_run *p)
{
	struct probe_result *r = &p->run->result;
	const struct proc_totals *t = &p->totals;
	double cpu = proc_cpu_percent(t->cpu_ticks, sysconf(_SC_CLK_TCK), p->t_totals - p->t_base);

	cpu = round(cpu * 10) / 10;
	probe_result_value(r, "count", t->count);
	probe_result_value(r, "cpu_percent", cpu);
	probe_result_value(r, "memory_bytes", (double)t->rss_bytes);
	probe_result_value(r, "threads", t->threads);
	probe_result_value(r, "fds", t->fds);
	probe_result_set(r, PROBE_OK, "%u process%s, %.1f%% CPU, %.1f MiB", t->count,
	                 t->count == 1 ? "" : "es", cpu, (double)t->rss_bytes / (1024.0 * 1024.0));
}

static void process_after(uv_work_t *w, int status)
{
	struct process_run *p = w->data;

	p->working = false;
	if (p->ended) { /* cancelled or timed out meanwhile */
		uv_close((uv_handle_t *)&p->timer, process_closed);
		return;
	}
	if (status < 0 || p->error[0] != '\0') {
		probe_result_set(&p->run->result, PROBE_INTERNAL_ERROR, "%s",
		                 status < 0 ? uv_strerror(status) : p->error);
		process_end(p);
		return;
	}
	if (p->phase == PHASE_BASELINE) {
		p->phase = PHASE_WAIT;
		uv_timer_start(&p->timer, on_window, (uint64_t)p->window_ms, 0);
		return;
	}
	report(p);
	process_end(p);
}

static int process_start(struct probe_run *run)
{
	struct process_run *p = xcalloc(1, sizeof(*p));
	const struct process_conf *c = run->mon->probe_conf;
	int r;

	p->run = run;
	p->conf = c;
	p->filter.re = &c->re;
	p->filter.by_uid = c->user != NULL;
	p->filter.exclude = getpid();
	p->window_ms = run->mon->timeout / 4 < PROCESS_WINDOW_MS ? run->mon->timeout / 4
	                                                         : PROCESS_WINDOW_MS;
	r = process_queue(p, PHASE_BASELINE);
	if (r < 0) {
		free(p);
		probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "cannot scan: %s",
		                 uv_strerror(r));
		return -1;
	}
	run->priv = p;
	uv_timer_init(run->env->loop, &p->timer);
	p->timer.data = p;
	return 0;
}

static void process_cancel(struct probe_run *run)
{
	struct process_run *p = run->priv;

	if (p != NULL && !p->ended)
		process_end(p);
}

static int process_get(const struct probe_result *r, const char *name, const char *key,
                       struct cond_value *out)
{
	static const char *const names[][2] = {
		{ "COUNT", "count" },     { "CPU", "cpu_percent" }, { "MEMORY", "memory_bytes" },
		{ "THREADS", "threads" }, { "FDS", "fds" },
	};
	size_t i;
	double v;

	(void)key;
	if (strcmp(name, "RESPONSE_TIME") == 0) {
		*out = (struct cond_value){ COND_DURATION, (double)r->latency_ns / 1e6, NULL, 0 };
		return 0;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i][0]) != 0)
			continue;
		if (probe_result_get_value(r, names[i][1], &v) < 0)
			return -1;
		*out = (struct cond_value){ COND_NUMBER, v, NULL, 0 };
		return 0;
	}
	return -1;
}

/* Outside min..max: down, with the numbers in the message. */
static bool judge_count(const struct process_conf *c, struct probe_result *r)
{
	char who[96] = "";
	double n = 0;
	bool few, many;

	(void)probe_result_get_value(r, "count", &n);
	few = n < (double)c->min;
	many = !isnan(c->max) && n > c->max;
	if (!few && !many)
		return false;
	if (c->user != NULL)
		snprintf(who, sizeof(who), " of user %.64s", c->user);
	probe_result_set(r, PROBE_PROCESS_COUNT, "%.0f process%s%s match%s '%.100s' (%s %.0f)", n,
	                 n == 1 ? "" : "es", who, n == 1 ? "es" : "", c->match, few ? "min" : "max",
	                 few ? (double)c->min : c->max);
	return true;
}

/* The cpu_max and memory_max thresholds: the first one exceeded, in words; false when none. */
static bool over_threshold(const struct process_conf *c, const struct probe_result *r, char *why,
                           size_t size)
{
	double cpu = 0, mem = 0;

	(void)probe_result_get_value(r, "cpu_percent", &cpu);
	(void)probe_result_get_value(r, "memory_bytes", &mem);
	if (!isnan(c->cpu_max) && cpu > c->cpu_max) {
		snprintf(why, size, "CPU %.1f%% > cpu_max %g%%", cpu, c->cpu_max);
		return true;
	}
	if (c->memory_max > 0 && mem > (double)c->memory_max) {
		snprintf(why, size, "memory %.1f MiB > memory_max %.1f MiB", mem / 1048576.0,
		         (double)c->memory_max / 1048576.0);
		return true;
	}
	return false;
}

/*
 * The count first (down), then the thresholds (degraded). A failing
 * condition outranks a threshold, so when one is exceeded the conditions
 * are applied here, before the threshold can only degrade what is left up.
 */
static void process_judge(const struct monitor_conf *mon, struct probe_result *r)
{
	const struct process_conf *c = mon->probe_conf;
	char why[PROBE_MESSAGE_MAX];

	if (judge_count(c, r) || !over_threshold(c, r, why, sizeof(why)))
		return;
	probe_apply_conditions(mon, mon->probe, r);
	if (r->outcome == PROBE_OK)
		probe_result_set(r, PROBE_DEGRADED, "%s", why);
}

static void process_init(void *obj)
{
	struct process_conf *c = obj;

	c->min = 1;
	c->max = NAN;
	c->cpu_max = NAN;
}

static void process_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct process_conf *c = obj;
	char err[256];
	int r;

	if (c->user != NULL && *c->user == '\0')
		conf_error_key(ctx, node, "user", "is empty");
	if (!isnan(c->max) && c->max != floor(c->max))
		conf_error_key(ctx, node, "max", "%g is not a whole number", c->max);
	else if (!isnan(c->max) && c->max < (double)c->min)
		conf_error_key(ctx, node, "max", "%g is less than min (%lld)", c->max,
		               (long long)c->min);
	if (c->match == NULL)
		return;
	if (*c->match == '\0') {
		conf_error_key(ctx, node, "match", "is empty: it would match every process");
		return;
	}
	r = regcomp(&c->re, c->match, REG_EXTENDED | REG_NOSUB);
	if (r != 0) {
		regerror(r, &c->re, err, sizeof(err));
		conf_error_key(ctx, node, "match", "\"%s\" is not a valid regular expression: %s",
		               c->match, err);
		return;
	}
	c->re_ok = true;
}

static void process_cleanup(void *obj)
{
	struct process_conf *c = obj;

	if (c->re_ok)
		regfree(&c->re);
	c->re_ok = false;
}

static const struct conf_key process_keys[] = {
	{ .name = "match",
	  .type = CONF_STRING,
	  .offset = offsetof(struct process_conf, match),
	  .flags = CONF_REQUIRED,
	  .help = "POSIX extended regex over the command line (arguments joined by spaces), "
	          "e.g. \"^nginx: master\"" },
	{ .name = "min",
	  .type = CONF_INT,
	  .offset = offsetof(struct process_conf, min),
	  .min = 0,
	  .max = PROCESS_COUNT_MAX,
	  .help = "fewest matching processes for up (default 1)" },
	{ .name = "max",
	  .type = CONF_FLOAT,
	  .offset = offsetof(struct process_conf, max),
	  .fmin = 0,
	  .fmax = PROCESS_COUNT_MAX,
	  .help = "most matching processes for up (default: no limit)" },
	{ .name = "user",
	  .type = CONF_STRING,
	  .offset = offsetof(struct process_conf, user),
	  .help = "only processes running as this user (name or uid)" },
	{ .name = "cpu_max",
	  .type = CONF_FLOAT,
	  .offset = offsetof(struct process_conf, cpu_max),
	  .fmin = 0,
	  .fmax = 1e6,
	  .help = "degraded above this CPU percent (of one core, summed over matches), e.g. 80" },
	{ .name = "memory_max",
	  .type = CONF_SIZE,
	  .offset = offsetof(struct process_conf, memory_max),
	  .min = 0,
	  .max = INT64_MAX,
	  .help = "degraded above this resident memory (summed over matches), e.g. 2GiB; 0: none" },
	{ 0 },
};

static const struct conf_spec process_spec = {
	.name = "process",
	.size = sizeof(struct process_conf),
	.keys = process_keys,
	.init = process_init,
	.finish = process_finish,
	.cleanup = process_cleanup,
};

const struct probe_type probe_process = {
	.name = "process",
	.spec = &process_spec,
	.placeholders = process_placeholders,
	.start = process_start,
	.cancel = process_cancel,
	.get = process_get,
	.judge = process_judge,
};
