/* /proc parsing for the daemon's own figures and the system summary. */
#include "host/procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

ssize_t procfs_read(const char *root, const char *rel, char *buf, size_t size)
{
	char path[512];
	ssize_t n, got = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root && *root ? root : "/proc", rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((size_t)got + 1 < size) {
		n = read(fd, buf + got, size - 1 - (size_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

int procfs_cpu_total(const char *stat, struct cpu_times *out)
{
	unsigned long long v[8] = { 0 };
	int n;

	if (strncmp(stat, "cpu ", 4) != 0)
		return -1;
	n = sscanf(stat + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
	           &v[4], &v[5], &v[6], &v[7]);
	if (n < 4)
		return -1;
	*out = (struct cpu_times){ v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] };
	return 0;
}

int procfs_cpu_count(const char *stat)
{
	const char *p = stat;
	int n = 0;

	while ((p = strstr(p, "\ncpu")) != NULL) {
		p += 4;
		if (*p >= '0' && *p <= '9')
			n++;
	}
	return n;
}

static uint64_t cpu_sum(const struct cpu_times *t)
{
	return t->user + t->nice + t->system + t->idle + t->iowait + t->irq + t->softirq + t->steal;
}

double procfs_cpu_busy_percent(const struct cpu_times *before, const struct cpu_times *after)
{
	uint64_t total, idle;

	if (cpu_sum(after) <= cpu_sum(before))
		return -1;
	total = cpu_sum(after) - cpu_sum(before);
	idle = (after->idle + after->iowait) - (before->idle + before->iowait);
	if (idle > total)
		idle = total;
	return 100.0 * (double)(total - idle) / (double)total;
}

/* Finds "KEY:   N kB" in meminfo text; returns bytes or -1. */
static int64_t meminfo_field(const char *text, const char *key)
{
	size_t len = strlen(key);
	const char *p = text;
	unsigned long long kb;

	while ((p = strstr(p, key)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[len] == ':') {
			if (sscanf(p + len + 1, "%llu", &kb) == 1)
				return (int64_t)kb * 1024;
			return -1;
		}
		p += len;
	}
	return -1;
}

int procfs_meminfo(const char *text, struct mem_info *out)
{
	int64_t total = meminfo_field(text, "MemTotal"),
	        avail = meminfo_field(text, "MemAvailable");
	int64_t v;

	if (total < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->total = (uint64_t)total;
	out->free = (v = meminfo_field(text, "MemFree")) > 0 ? (uint64_t)v : 0;
	out->buffers = (v = meminfo_field(text, "Buffers")) > 0 ? (uint64_t)v : 0;
	out->cached = (v = meminfo_field(text, "Cached")) > 0 ? (uint64_t)v : 0;
	out->swap_total = (v = meminfo_field(text, "SwapTotal")) > 0 ? (uint64_t)v : 0;
	out->swap_free = (v = meminfo_field(text, "SwapFree")) > 0 ? (uint64_t)v : 0;
	/* Kernels before 3.14 have no MemAvailable: estimate it as they did. */
	out->available = avail >= 0 ? (uint64_t)avail : out->free + out->buffers + out->cached;
	return 0;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

static double boot_time(void)
{
	char buf[8192];
	const char *p;

	if (procfs_read(NULL, "stat", buf, sizeof(buf)) < 0 ||
	    (p = strstr(buf, "\nbtime ")) == NULL)
		return 0;
	return strtod(p + 7, NULL);
}

int procfs_self(struct self_stats *out)
{
	char buf[2048];
	const char *p;
	unsigned long long utime, stime, start, vsize;
	long long rss, threads;
	long tick = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	struct rlimit rl;

	if (procfs_read(NULL, "self/stat", buf, sizeof(buf)) < 0 || (p = strrchr(buf, ')')) == NULL)
		return -1;
	/* Fields after "(comm)": state(3) ... utime(14) stime(15) ... threads(20) ... */
	if (sscanf(p + 2,
	           "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %lld "
	           "%*d %llu %llu %lld",
	           &utime, &stime, &threads, &start, &vsize, &rss) != 6)
		return -1;
	out->cpu_seconds = (double)(utime + stime) / (double)tick;
	out->threads = (int)threads;
	out->vsize_bytes = vsize;
	out->rss_bytes = (uint64_t)rss * (uint64_t)page;
	out->start_time = boot_time() + (double)start / (double)tick;
	out->open_fds = count_fds();
	out->max_fds = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (int64_t)rl.rlim_cur : -1;
	return 0;
}
