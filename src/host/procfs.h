/* Small readers and parsers of /proc files, shared by the host collectors. */
#ifndef VIGIL_HOST_PROCFS_H
#define VIGIL_HOST_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Reads the file ROOT/REL (ROOT "" or NULL means "/proc") into BUF (SIZE
 * bytes, NUL-terminated, truncated to fit). Returns the length or -1.
 */
ssize_t procfs_read(const char *root, const char *rel, char *buf, size_t size);

struct cpu_times {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal; /* clock ticks */
};

/* Parses the aggregate "cpu " line of /proc/stat. Returns 0 or -1. */
int procfs_cpu_total(const char *stat, struct cpu_times *out);
/* Counts the "cpuN" lines of /proc/stat. */
int procfs_cpu_count(const char *stat);
/* Busy share (0..100) between two samples; -1 when no time passed. */
double procfs_cpu_busy_percent(const struct cpu_times *before, const struct cpu_times *after);

struct mem_info {
	uint64_t total, free, available, buffers, cached, swap_total, swap_free; /* bytes */
};

/* Parses /proc/meminfo. Returns 0, or -1 when MemTotal is missing. */
int procfs_meminfo(const char *text, struct mem_info *out);

/* This process, as Prometheus' process_* metrics describe it. */
struct self_stats {
	double cpu_seconds; /* user + system */
	uint64_t rss_bytes;
	uint64_t vsize_bytes;
	int threads;
	int open_fds;
	int64_t max_fds;   /* soft RLIMIT_NOFILE */
	double start_time; /* Unix seconds */
};

/* Reads /proc/self. Returns 0 or -1. */
int procfs_self(struct self_stats *out);

#endif
