/* Process groups: every process whose command line matches a group's regex, summed. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host_int.h"

/* Reads ROOT/PID/NAME into BUF; returns the length or -1. */
static ssize_t read_pid_file(const char *root, const char *pid, const char *name, char *buf,
                             size_t size)
{
	char path[320];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", root, pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static uint32_t count_fds(const char *root, const char *pid)
{
	char path[320];
	DIR *d;
	struct dirent *e;
	uint32_t n = 0;

	snprintf(path, sizeof(path), "%s/%s/fd", root, pid);
	d = opendir(path);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Adds one matching process to G: CPU ticks, threads and RSS from stat, I/O from io. */
static void add_process(const char *root, const char *pid, struct host_group *g)
{
	char buf[1024];
	const char *p, *rb, *wb;
	unsigned long long utime = 0, stime = 0, rss = 0;
	long threads = 0;

	if (read_pid_file(root, pid, "stat", buf, sizeof(buf)) < 0 ||
	    (p = strrchr(buf, ')')) == NULL)
		return;
	if (sscanf(p + 2,
	           "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %ld "
	           "%*d %*u %*u %llu",
	           &utime, &stime, &threads, &rss) != 4)
		return;
	g->count++;
	g->threads += (uint32_t)threads;
	g->cpu_ticks += utime + stime;
	g->rss_bytes += rss * (uint64_t)sysconf(_SC_PAGESIZE);
	g->fds += count_fds(root, pid);
	if (read_pid_file(root, pid, "io", buf, sizeof(buf)) > 0 &&
	    (rb = strstr(buf, "\nread_bytes: ")) != NULL &&
	    (wb = strstr(buf, "\nwrite_bytes: ")) != NULL) {
		g->read_bytes += strtoull(rb + 13, NULL, 10);
		g->write_bytes += strtoull(wb + 14, NULL, 10);
	}
}

void host_collect_groups(const char *root, const struct proc_group *groups, size_t ngroups,
                         struct host_sample *s)
{
	char cmd[4096], self[32];
	struct dirent *e;
	DIR *d;
	size_t i;
	ssize_t n, k;

	s->ngroups = ngroups;
	memset(s->groups, 0, sizeof(s->groups[0]) * ngroups);
	if (ngroups == 0 || (d = opendir(root)) == NULL)
		return;
	snprintf(self, sizeof(self), "%d", (int)getpid());
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || strcmp(e->d_name, self) == 0)
			continue;
		n = read_pid_file(root, e->d_name, "cmdline", cmd, sizeof(cmd));
		if (n <= 0)
			continue;           /* a kernel thread, or gone */
		for (k = 0; k < n - 1; k++) /* arguments are NUL-separated */
			if (cmd[k] == '\0')
				cmd[k] = ' ';
		for (i = 0; i < ngroups; i++)
			if (regexec(&groups[i].re, cmd, 0, NULL, 0) == 0)
				add_process(root, e->d_name, &s->groups[i]);
	}
	closedir(d);
}
