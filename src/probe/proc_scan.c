/* Finding processes by command line in /proc and summing what they use. */
#include "probe/proc_scan.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/procfs.h"
#include "util/xmalloc.h"

#define PROC_STAT_MAX   2048 /* /proc/PID/stat is a few hundred bytes */
#define PROC_STATUS_MAX 4096 /* the Uid: line comes within the first kilobyte */

int proc_parse_stat(const char *text, long page_size, struct proc_info *p)
{
	const char *q = strrchr(text, ')'); /* the command name may itself hold ") " */
	unsigned long long utime, stime, start;
	long threads, rss;

	if (q == NULL || q[1] != ' ')
		return -1;
	/* Fields 3..24 of proc(5): state ... utime stime ... num_threads . starttime vsize rss */
	if (sscanf(q + 2,
	           "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %ld "
	           "%*d %llu %*u %ld",
	           &utime, &stime, &threads, &start, &rss) != 5)
		return -1;
	p->cpu_ticks = utime + stime;
	p->start_ticks = start;
	p->threads = threads > 0 ? (uint32_t)threads : 0;
	p->rss_bytes = rss > 0 ? (uint64_t)rss * (uint64_t)page_size : 0;
	return 0;
}

int proc_parse_euid(const char *text, uid_t *out)
{
	const char *q = strncmp(text, "Uid:", 4) == 0 ? text : strstr(text, "\nUid:");
	unsigned long eff;
	char *end;

	if (q == NULL)
		return -1;
	q += *q == '\n' ? 5 : 4;
	(void)strtoul(q, &end, 10); /* the real uid; the effective one follows */
	if (end == q)
		return -1;
	q = end;
	eff = strtoul(q, &end, 10);
	if (end == q)
		return -1;
	*out = (uid_t)eff;
	return 0;
}

static uint32_t count_fds(const char *root, const char *pid)
{
	char path[320];
	struct dirent *e;
	uint32_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s/fd", root, pid);
	d = opendir(path); /* glibc opens it close-on-exec */
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Reads the command line of PID with its NULs as spaces; false for kernel threads and zombies. */
static bool read_cmdline(const char *root, const char *pid, char *cmd, size_t size)
{
	char rel[300];
	ssize_t n, k;

	snprintf(rel, sizeof(rel), "%s/cmdline", pid);
	n = procfs_read(root, rel, cmd, size);
	if (n <= 0)
		return false;
	while (n > 0 && cmd[n - 1] == '\0') /* the last argument's terminator */
		n--;
	for (k = 0; k < n; k++)
		if (cmd[k] == '\0')
			cmd[k] = ' ';
	cmd[n] = '\0';
	return n > 0;
}

static bool owned_by(const char *root, const char *pid, uid_t uid)
{
	char rel[300], text[PROC_STATUS_MAX];
	uid_t euid;

	snprintf(rel, sizeof(rel), "%s/status", pid);
	return procfs_read(root, rel, text, sizeof(text)) > 0 &&
	       proc_parse_euid(text, &euid) == 0 && euid == uid;
}

/* Fills P for a process whose command line matched; false when it is gone. */
static bool read_usage(const char *root, const char *pid, const struct proc_filter *f,
                       struct proc_info *p)
{
	char rel[300], text[PROC_STAT_MAX];

	snprintf(rel, sizeof(rel), "%s/stat", pid);
	if (procfs_read(root, rel, text, sizeof(text)) <= 0 ||
	    proc_parse_stat(text, sysconf(_SC_PAGESIZE), p) < 0)
		return false;
	p->pid = (pid_t)strtol(pid, NULL, 10);
	p->fds = f->fds ? count_fds(root, pid) : 0;
	return true;
}

static bool is_pid(const char *name)
{
	if (*name < '1' || *name > '9')
		return false;
	while (*++name)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

int proc_scan(const char *root, const struct proc_filter *f,
              void (*cb)(void *arg, const struct proc_info *p), void *arg)
{
	char *cmd = xmalloc(PROC_CMDLINE_MAX);
	struct proc_info info;
	struct dirent *e;
	int n = 0;
	DIR *d;

	root = root && *root ? root : "/proc";
	d = opendir(root);
	if (d == NULL) {
		free(cmd);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!is_pid(e->d_name) ||
		    (f->exclude > 0 && strtol(e->d_name, NULL, 10) == f->exclude))
			continue;
		if (!read_cmdline(root, e->d_name, cmd, PROC_CMDLINE_MAX) ||
		    regexec(f->re, cmd, 0, NULL, 0) != 0)
			continue;
		if (f->by_uid && !owned_by(root, e->d_name, f->uid))
			continue;
		memset(&info, 0, sizeof(info));
		if (!read_usage(root, e->d_name, f, &info))
			continue;
		cb(arg, &info);
		n++;
	}
	closedir(d);
	free(cmd);
	return n;
}

static void baseline_add(void *arg, const struct proc_info *p)
{
	struct proc_baseline *b = arg;

	if (b->n == b->cap) {
		if (b->cap >= PROC_BASELINE_MAX)
			return;
		b->cap = b->cap ? b->cap * 2 : 64;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
	}
	b->v[b->n++] = (struct proc_cpu){ p->pid, p->start_ticks, p->cpu_ticks };
}

static int cpu_cmp(const void *a, const void *b)
{
	pid_t x = ((const struct proc_cpu *)a)->pid, y = ((const struct proc_cpu *)b)->pid;

	return (x > y) - (x < y);
}

int proc_scan_baseline(const char *root, const struct proc_filter *f, struct proc_baseline *b)
{
	int n;

	b->n = 0;
	n = proc_scan(root, f, baseline_add, b);
	if (b->n > 1)
		qsort(b->v, b->n, sizeof(*b->v), cpu_cmp);
	return n;
}

void proc_baseline_free(struct proc_baseline *b)
{
	free(b->v);
	memset(b, 0, sizeof(*b));
}

struct totals_ctx {
	const struct proc_baseline *base;
	struct proc_totals *out;
};

static void totals_add(void *arg, const struct proc_info *p)
{
	struct totals_ctx *c = arg;
	struct proc_cpu key = { p->pid, 0, 0 };
	const struct proc_cpu *was = NULL;

	c->out->count++;
	c->out->threads += p->threads;
	c->out->fds += p->fds;
	c->out->rss_bytes += p->rss_bytes;
	if (c->base->n > 0)
		was = bsearch(&key, c->base->v, c->base->n, sizeof(key), cpu_cmp);
	if (was != NULL && was->start_ticks == p->start_ticks && p->cpu_ticks >= was->cpu_ticks)
		c->out->cpu_ticks += p->cpu_ticks - was->cpu_ticks;
}

int proc_scan_totals(const char *root, const struct proc_filter *f, const struct proc_baseline *b,
                     struct proc_totals *out)
{
	struct totals_ctx c = { b, out };

	memset(out, 0, sizeof(*out));
	return proc_scan(root, f, totals_add, &c);
}

double proc_cpu_percent(uint64_t ticks, long ticks_per_sec, int64_t elapsed_ns)
{
	if (elapsed_ns <= 0 || ticks_per_sec <= 0)
		return 0;
	return (double)ticks * 100.0 * 1e9 / ((double)ticks_per_sec * (double)elapsed_ns);
}
