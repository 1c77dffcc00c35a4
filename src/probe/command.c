/*
 * The command probe: runs a Nagios plugin without a shell, in a clean
 * environment and its own process group, and reads the plugin protocol:
 * exit 0/1/2/3, the first line as the message, performance data after '|'.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/monitors.h"
#include "probe/argv_split.h"
#include "probe/perfdata.h"
#include "probe/probe.h"
#include "probe/spawn.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define KIB(x)            ((int64_t)(x)*1024)
#define STDERR_KEEP       4096        /* bytes of stderr kept, for the message */
#define READ_CHUNK        (64 * 1024) /* bytes read at once; what is over the cap is dropped */
#define EXIT_GRACE_MS     100 /* after the plugin exits, how long its output may still flow */
#define REAP_GRACE_MS     500 /* after SIGKILL, how long to wait for the plugin to be gone */
#define PERFDATA_TEXT_MAX (8 * 1024) /* bytes of performance data text kept */

struct command_conf {
	struct conf_strlist command; /* argv: a string is split when decoded */
	struct conf_strmap env;      /* added to the clean environment */
	char *cwd;
	int64_t output_max; /* bytes of stdout kept */
	/* derived */
	char **argv; /* NULL-terminated, pointing into command */
	char **envp; /* NULL-terminated "NAME=value" strings, owned */
};

/* What every plugin gets, unless env: replaces it. */
static const char *const clean_env[][2] = {
	{ "PATH", "/usr/local/bin:/usr/bin:/bin" },
	{ "LANG", "C" },
	{ "LC_ALL", "C" },
};

struct command_run {
	struct probe_run *run;
	const struct command_conf *conf;
	uv_pipe_t out, err;
	uv_poll_t exit_poll;     /* on the pidfd: readable once the plugin exited */
	uv_timer_t exit_timer;   /* without pidfds: polls waitpid */
	uv_handle_t *exit_watch; /* one of the two, once the plugin runs; NULL before */
	int pidfd;
	uv_timer_t timer; /* the grace after the exit, or the wait after a kill */
	int open;         /* handles not closed yet */
	pid_t pid;        /* also the process group: the plugin leads its own */
	bool spawned, exited, out_done, err_done, ended;
	int64_t exit_status;
	int term_signal;
	size_t out_total;  /* bytes written to stdout, kept or not */
	struct buf errbuf; /* the first STDERR_KEEP bytes of stderr */
	char chunk[READ_CHUNK];
};

static const char *const command_placeholders[] = {
	"EXIT_CODE", "OUTPUT", "BODY", "RESPONSE_TIME", "PERFDATA", NULL,
};

/* ---- ending a run ---- */

static void on_closed(uv_handle_t *h)
{
	struct command_run *cr = h->data;
	struct probe_run *run = cr->run;

	if (h == (uv_handle_t *)&cr->exit_poll && cr->pidfd >= 0) {
		close(cr->pidfd);
		cr->pidfd = -1;
	}
	if (--cr->open > 0)
		return;
	buf_free(&cr->errbuf);
	free(cr);
	run->priv = NULL;
	probe_run_finish(run);
}

static void close_handle(struct command_run *cr, uv_handle_t *h)
{
	h->data = cr;
	if (!uv_is_closing(h))
		uv_close(h, on_closed);
}

/* Closes every handle; the process must be reaped already (or given up on). */
static void close_all(struct command_run *cr)
{
	close_handle(cr, (uv_handle_t *)&cr->out);
	close_handle(cr, (uv_handle_t *)&cr->err);
	close_handle(cr, (uv_handle_t *)&cr->timer);
	if (cr->exit_watch != NULL)
		close_handle(cr, cr->exit_watch);
}

/* Kills whatever is left of the plugin's process group (grandchildren included). */
static void kill_group(struct command_run *cr)
{
	if (cr->spawned && kill(-cr->pid, SIGKILL) < 0 && errno != ESRCH)
		log_warn("command %s: cannot kill process group %d", cr->run->mon->name,
		         (int)cr->pid);
}

/* ---- the verdict ---- */

/* Copies the first line of [S, S+LEN) before any '|' into OUT, blanks trimmed. */
static void first_line(const char *s, size_t len, char *out, size_t size)
{
	const char *nl = memchr(s, '\n', len), *bar;
	size_t n, i, w = 0;

	n = nl ? (size_t)(nl - s) : len;
	bar = memchr(s, '|', n);
	if (bar != NULL)
		n = (size_t)(bar - s);
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= size) { /* cut before a UTF-8 continuation byte, not inside a character */
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++)
		out[w++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
	out[w] = '\0';
}

/*
 * Appends [S, S+LEN) to OUT (SIZE bytes, NUL kept) as one line: control
 * characters as blanks, runs of blanks as one. Returns false when full.
 */
static bool perf_append(char *out, size_t size, size_t *used, const char *s, size_t len)
{
	size_t i;
	char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i] <= 0x20 || s[i] == 0x7f ? ' ' : s[i];
		if (c == ' ' && (*used == 0 || out[*used - 1] == ' '))
			continue;
		if (*used + 1 >= size)
			return false;
		out[(*used)++] = c;
	}
	out[*used] = '\0';
	return true;
}

/*
 * The performance data of a plugin's output (Nagios 3): after '|' on the
 * first line, and everything after the first '|' of the later lines. Joined
 * into one line; NULL when there is none.
 */
static char *perfdata_of(const char *s, size_t len)
{
	char text[PERFDATA_TEXT_MAX + 1];
	const char *nl = memchr(s, '\n', len), *bar, *rest;
	size_t n1 = nl ? (size_t)(nl - s) : len, used = 0;
	bool whole = true;

	text[0] = '\0';
	bar = memchr(s, '|', n1);
	if (bar != NULL)
		whole = perf_append(text, sizeof(text), &used, bar + 1, n1 - (size_t)(bar - s) - 1);
	if (nl != NULL && whole) {
		rest = nl + 1;
		bar = memchr(rest, '|', len - (size_t)(rest - s));
		if (bar != NULL && perf_append(text, sizeof(text), &used, " ", 1))
			whole = perf_append(text, sizeof(text), &used, bar + 1,
			                    len - (size_t)(bar + 1 - s));
	}
	if (!whole) /* cut at the last blank: no half item */
		while (used > 0 && text[used - 1] != ' ')
			text[--used] = '\0';
	while (used > 0 && text[used - 1] == ' ')
		used--;
	return used > 0 ? xstrndup(text, used) : NULL;
}

static enum probe_outcome exit_outcome(int64_t code)
{
	switch (code) {
	case 0:
		return PROBE_OK;
	case 1:
		return PROBE_DEGRADED;
	case 2:
		return PROBE_PLUGIN_CRITICAL;
	default:
		return PROBE_PLUGIN_UNKNOWN;
	}
}

static void verdict(struct command_run *cr)
{
	struct probe_result *r = &cr->run->result;
	const char *sig;
	char line[PROBE_MESSAGE_MAX - 64];
	struct perfdata pd;

	first_line(r->body.data ? r->body.data : "", r->body.len, line, sizeof(line));
	if (line[0] == '\0' && cr->errbuf.len > 0)
		first_line(cr->errbuf.data, cr->errbuf.len, line, sizeof(line));
	probe_result_value(r, "output_bytes", (double)cr->out_total);
	if (cr->term_signal != 0) {
		sig = sigabbrev_np(cr->term_signal);
		probe_result_value(r, "signal", cr->term_signal);
		probe_result_set(r, PROBE_PLUGIN_UNKNOWN, "killed by signal %d (SIG%s)%s%s",
		                 cr->term_signal, sig ? sig : "?", line[0] ? ": " : "", line);
	} else if (cr->exit_status > 3) {
		probe_result_value(r, "exit_code", (double)cr->exit_status);
		probe_result_set(r, PROBE_PLUGIN_UNKNOWN,
		                 "exit status %d is not a plugin status (0-3)%s%s",
		                 (int)cr->exit_status, line[0] ? ": " : "", line);
	} else {
		probe_result_value(r, "exit_code", (double)cr->exit_status);
		probe_result_set(r, exit_outcome(cr->exit_status), "%s",
		                 line[0] ? line : "(no output)");
	}
	r->perfdata = perfdata_of(r->body.data ? r->body.data : "", r->body.len);
	if (r->perfdata != NULL) {
		perfdata_parse(r->perfdata, strlen(r->perfdata), &pd);
		probe_result_value(r, "perfdata_items", (double)pd.n);
		perfdata_free(&pd);
	}
}

/* The plugin exited and its output is read (or given up on): judge, clean up, close. */
static void command_end(struct command_run *cr)
{
	if (cr->ended)
		return;
	cr->ended = true;
	cr->run->result.latency_ns = time_mono_ns() - cr->run->start_ns;
	kill_group(cr);
	if (cr->spawned)
		verdict(cr);
	close_all(cr);
}

/* ---- the plugin's life ---- */

static void maybe_end(struct command_run *cr)
{
	if (cr->exited && cr->out_done && cr->err_done)
		command_end(cr);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct command_run *cr = h->data;

	(void)suggested;
	*b = uv_buf_init(cr->chunk, sizeof(cr->chunk));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct command_run *cr = s->data;
	bool is_out = s == (uv_stream_t *)&cr->out;

	if (n > 0) {
		if (is_out) {
			cr->out_total += (size_t)n;
			buf_append_some(&cr->run->result.body, b->base, (size_t)n);
		} else {
			buf_append_some(&cr->errbuf, b->base, (size_t)n);
		}
		return;
	}
	if (n == 0)
		return;
	/* EOF, or an error: this stream is over either way */
	*(is_out ? &cr->out_done : &cr->err_done) = true;
	close_handle(cr, (uv_handle_t *)s);
	maybe_end(cr);
}

static void on_grace(uv_timer_t *t)
{
	struct command_run *cr = t->data;

	/* the plugin exited but something it started still holds its output */
	command_end(cr);
}

static void on_proc_exit(struct command_run *cr, int64_t status, int sig)
{
	cr->exited = true;
	cr->exit_status = status;
	cr->term_signal = sig;
	if (cr->ended) { /* cancelled: this was the wait for the reap */
		close_all(cr);
		return;
	}
	if (cr->out_done && cr->err_done) {
		command_end(cr);
		return;
	}
	uv_timer_start(&cr->timer, on_grace, EXIT_GRACE_MS, 0);
}

/* Reaps the plugin if it exited; returns whether it did. */
static bool reap(struct command_run *cr)
{
	int status;
	pid_t r;

	do
		r = waitpid(cr->pid, &status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	if (r < 0) /* not ours to wait for any more (ECHILD): gone */
		status = 0;
	if (cr->exit_watch == (uv_handle_t *)&cr->exit_poll)
		uv_poll_stop(&cr->exit_poll);
	else
		uv_timer_stop(&cr->exit_timer);
	on_proc_exit(cr, WIFEXITED(status) ? WEXITSTATUS(status) : 0,
	             WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return true;
}

static void on_pidfd(uv_poll_t *p, int status, int events)
{
	(void)status;
	(void)events;
	reap(p->data);
}

static void on_exit_poll(uv_timer_t *t)
{
	reap(t->data);
}

static void on_reap_timeout(uv_timer_t *t)
{
	struct command_run *cr = t->data;

	log_warnx("command %s: pid %d still not gone %d ms after SIGKILL; giving up on it",
	          cr->run->mon->name, (int)cr->pid, REAP_GRACE_MS);
	close_all(cr);
}

/* ---- start and cancel ---- */

static void spawn_failed(struct command_run *cr, int err)
{
	const struct command_conf *c = cr->conf;
	bool ours = err == UV_EMFILE || err == UV_ENFILE || err == UV_ENOMEM || err == UV_EAGAIN;

	probe_result_set(&cr->run->result, ours ? PROBE_INTERNAL_ERROR : PROBE_EXEC_FAILED,
	                 "cannot run %s%s%s: %s", c->argv[0], c->cwd ? " in " : "",
	                 c->cwd ? c->cwd : "", uv_strerror(err));
	command_end(cr);
}

/* Starts the plugin and watches its pipes and its exit. Returns 0 or a libuv error. */
static int command_spawn(struct command_run *cr)
{
	uv_loop_t *loop = cr->run->env->loop;
	struct spawn_child ch;
	int r = spawn_child(cr->conf->argv, cr->conf->envp, cr->conf->cwd, &ch);

	if (r < 0)
		return uv_translate_sys_error(-r);
	cr->pid = ch.pid;
	cr->pidfd = ch.pidfd;
	if (uv_pipe_open(&cr->out, ch.out) < 0)
		close(ch.out);
	if (uv_pipe_open(&cr->err, ch.err) < 0)
		close(ch.err);
	if (ch.pidfd >= 0 && uv_poll_init(loop, &cr->exit_poll, ch.pidfd) == 0) {
		cr->exit_watch = (uv_handle_t *)&cr->exit_poll;
		uv_poll_start(&cr->exit_poll, UV_READABLE, on_pidfd);
	} else { /* no pidfds (Linux < 5.3): ask every 10 ms */
		if (ch.pidfd >= 0)
			close(ch.pidfd);
		cr->pidfd = -1;
		uv_timer_init(loop, &cr->exit_timer);
		cr->exit_watch = (uv_handle_t *)&cr->exit_timer;
		uv_timer_start(&cr->exit_timer, on_exit_poll, 10, 10);
	}
	cr->exit_watch->data = cr;
	cr->open++;
	return 0;
}

static int command_start(struct probe_run *run)
{
	struct command_run *cr = xcalloc(1, sizeof(*cr));
	uv_loop_t *loop = run->env->loop;
	int r;

	cr->run = run;
	cr->conf = run->mon->probe_conf;
	run->priv = cr;
	buf_free(&run->result.body);
	buf_init(&run->result.body, (size_t)cr->conf->output_max);
	buf_init(&cr->errbuf, STDERR_KEEP);
	uv_pipe_init(loop, &cr->out, 0);
	uv_pipe_init(loop, &cr->err, 0);
	uv_timer_init(loop, &cr->timer);
	cr->out.data = cr->err.data = cr->timer.data = cr;
	cr->open = 3;
	cr->pidfd = -1;
	r = command_spawn(cr);
	if (r < 0) {
		spawn_failed(cr, r);
		return 0; /* ends once the handles are closed */
	}
	cr->spawned = true;
	if (uv_read_start((uv_stream_t *)&cr->out, on_alloc, on_read) < 0) {
		cr->out_done = true;
		close_handle(cr, (uv_handle_t *)&cr->out);
	}
	if (uv_read_start((uv_stream_t *)&cr->err, on_alloc, on_read) < 0) {
		cr->err_done = true;
		close_handle(cr, (uv_handle_t *)&cr->err);
	}
	return 0;
}

static void command_cancel(struct probe_run *run)
{
	struct command_run *cr = run->priv;
	struct probe_result *r = &run->result;

	if (cr == NULL || cr->ended)
		return;
	cr->ended = true;
	if (r->outcome == PROBE_TIMEOUT)
		probe_result_set(r, PROBE_TIMEOUT,
		                 "no result within %lld ms: the plugin's process group was killed",
		                 (long long)run->mon->timeout);
	kill_group(cr);
	if (cr->exited || !cr->spawned) {
		close_all(cr);
		return;
	}
	/* wait for the reap, so that no zombie is left; on_proc_exit closes the rest */
	close_handle(cr, (uv_handle_t *)&cr->out);
	close_handle(cr, (uv_handle_t *)&cr->err);
	uv_timer_stop(&cr->timer);
	uv_timer_start(&cr->timer, on_reap_timeout, REAP_GRACE_MS, 0);
}

/* ---- placeholders ---- */

/* [PERFDATA].label: the item's value in base units; seconds as a duration. */
static int perfdata_get(const struct probe_result *r, const char *key, struct cond_value *out)
{
	const struct perfdata_item *it;
	struct perfdata pd;
	int found = -1;

	if (key == NULL) {
		*out = (struct cond_value){ COND_STRING, 0, r->perfdata ? r->perfdata : "",
			                    r->perfdata ? strlen(r->perfdata) : 0 };
		return 0;
	}
	if (r->perfdata == NULL)
		return -1;
	perfdata_parse(r->perfdata, strlen(r->perfdata), &pd);
	it = perfdata_find(&pd, key);
	if (it != NULL && !isnan(it->value)) {
		if (it->unit == PERFDATA_SECONDS)
			*out = (struct cond_value){ COND_DURATION, it->value * 1000.0, NULL, 0 };
		else
			*out = (struct cond_value){ COND_NUMBER, it->value, NULL, 0 };
		found = 0;
	}
	perfdata_free(&pd);
	return found;
}

static int command_get(const struct probe_result *r, const char *name, const char *key,
                       struct cond_value *out)
{
	double v;

	if (strcmp(name, "EXIT_CODE") == 0) {
		if (probe_result_get_value(r, "exit_code", &v) < 0)
			return -1;
		*out = (struct cond_value){ COND_NUMBER, v, NULL, 0 };
	} else if (strcmp(name, "OUTPUT") == 0 || strcmp(name, "BODY") == 0) {
		*out = (struct cond_value){ COND_STRING, 0, r->body.data ? r->body.data : "",
			                    r->body.len };
	} else if (strcmp(name, "RESPONSE_TIME") == 0) {
		*out = (struct cond_value){ COND_DURATION, (double)r->latency_ns / 1e6, NULL, 0 };
	} else if (strcmp(name, "PERFDATA") == 0) {
		return perfdata_get(r, key, out);
	} else {
		return -1;
	}
	return 0;
}

/* ---- configuration ---- */

/* A string command is split into words like a shell would; a list is taken as it is. */
static int command_parse(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	struct conf_strlist *l = field;
	char **words, err[128];
	size_t n;

	if (node->type != YAML_SCALAR_NODE || l->n != 1)
		return 0;
	if (argv_split(l->v[0], &words, &n, err, sizeof(err)) < 0) {
		conf_error(ctx, node, "%s", err);
		return -1;
	}
	free(l->v[0]);
	free(l->v);
	l->v = words;
	l->n = n;
	return 0;
}

static bool env_name_ok(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static int env_parse(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const struct conf_strmap *m = field;
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (!env_name_ok(m->keys[i])) {
			conf_error(
			        ctx, node,
			        "\"%s\" is not an environment variable name (letters, digits, _)",
			        m->keys[i]);
			return -1;
		}
	}
	return 0;
}

static void build_env(struct command_conf *c)
{
	size_t i, j, n = 0, cap = sizeof(clean_env) / sizeof(clean_env[0]) + c->env.n + 1;

	c->envp = xcalloc(cap, sizeof(*c->envp));
	for (i = 0; i < sizeof(clean_env) / sizeof(clean_env[0]); i++) {
		for (j = 0; j < c->env.n && strcmp(c->env.keys[j], clean_env[i][0]) != 0; j++)
			;
		if (j == c->env.n)
			c->envp[n++] = xasprintf("%s=%s", clean_env[i][0], clean_env[i][1]);
	}
	for (j = 0; j < c->env.n; j++)
		c->envp[n++] = xasprintf("%s=%s", c->env.keys[j], c->env.values[j]);
}

static void command_init(void *obj)
{
	struct command_conf *c = obj;

	memset(c, 0, sizeof(*c));
	c->output_max = KIB(64);
}

static void command_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct command_conf *c = obj;
	struct stat st;
	size_t i;

	if (c->command.n == 0 || c->command.v[0][0] == '\0') {
		if (conf_map_get(ctx->doc, node, "command") != NULL)
			conf_error_key(ctx, node, "command", "names no program");
		return;
	}
	if (c->cwd != NULL && (stat(c->cwd, &st) != 0 || !S_ISDIR(st.st_mode)))
		conf_error_key(ctx, node, "cwd", "\"%s\" is not a directory", c->cwd);
	c->argv = xcalloc(c->command.n + 1, sizeof(*c->argv));
	for (i = 0; i < c->command.n; i++)
		c->argv[i] = c->command.v[i];
	build_env(c);
}

static void command_cleanup(void *obj)
{
	struct command_conf *c = obj;
	size_t i;

	free(c->argv);
	c->argv = NULL;
	for (i = 0; c->envp != NULL && c->envp[i] != NULL; i++)
		free(c->envp[i]);
	free(c->envp);
	c->envp = NULL;
}

static const struct conf_key command_keys[] = {
	{ .name = "command",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct command_conf, command),
	  .flags = CONF_REQUIRED,
	  .parse = command_parse,
	  .help = "the plugin and its arguments: a list, or a string split like a shell would "
	          "(quotes, backslashes) without running one, e.g. \"check_load -w 5 -c 10\"" },
	{ .name = "env",
	  .type = CONF_STRMAP,
	  .offset = offsetof(struct command_conf, env),
	  .parse = env_parse,
	  .help = "environment variables added to the clean one "
	          "(PATH=/usr/local/bin:/usr/bin:/bin, "
	          "LANG=C, LC_ALL=C)" },
	{ .name = "cwd",
	  .type = CONF_STRING,
	  .offset = offsetof(struct command_conf, cwd),
	  .help = "directory the plugin runs in (default: the daemon's)" },
	{ .name = "output_max",
	  .type = CONF_SIZE,
	  .offset = offsetof(struct command_conf, output_max),
	  .min = KIB(1),
	  .max = KIB(4096),
	  .help = "bytes of the plugin's output kept; the rest is read and dropped" },
	{ 0 },
};

static const struct conf_spec command_spec = {
	.name = "command",
	.size = sizeof(struct command_conf),
	.keys = command_keys,
	.init = command_init,
	.finish = command_finish,
	.cleanup = command_cleanup,
};

const struct probe_type probe_command = {
	.name = "command",
	.spec = &command_spec,
	.placeholders = command_placeholders,
	.start = command_start,
	.cancel = command_cancel,
	.get = command_get,
};
