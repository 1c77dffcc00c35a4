/*
 * Finding processes by command line in /proc and summing what they use:
 * count, RSS, threads, open fds, and the CPU time they used between two
 * scans. Blocking file reads: call it off the loop thread (uv_queue_work).
 */
#ifndef VIGIL_PROBE_PROC_SCAN_H
#define VIGIL_PROBE_PROC_SCAN_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROC_CMDLINE_MAX  4096  /* bytes of a command line that are matched */
#define PROC_BASELINE_MAX 65536 /* matches whose CPU time one scan remembers */

/* Which processes count. */
struct proc_filter {
	const regex_t *re; /* on the command line: arguments joined by spaces */
	bool by_uid;       /* only processes whose effective uid is uid */
	uid_t uid;
	pid_t exclude; /* never matched (Vigil itself); 0: none */
	bool fds;      /* count open fds: one directory read per match */
};

/* One matching process. */
struct proc_info {
	pid_t pid;
	uint64_t start_ticks; /* since boot: tells a reused pid apart */
	uint64_t cpu_ticks;   /* utime + stime, in clock ticks */
	uint64_t rss_bytes;
	uint32_t threads;
	uint32_t fds; /* 0 when not asked for or not readable (another user's, unless root) */
};

/*
 * Calls CB for every process under ROOT (a /proc; NULL means "/proc") that
 * F matches. Kernel threads, zombies and processes that end during the scan
 * are skipped. Returns the number of matches, or -1 with errno set when ROOT
 * cannot be read.
 */
int proc_scan(const char *root, const struct proc_filter *f,
              void (*cb)(void *arg, const struct proc_info *p), void *arg);

/*
 * Parses the text of /proc/PID/stat into P's start_ticks, cpu_ticks,
 * threads and rss_bytes (RSS pages times PAGE_SIZE). Returns 0, or -1 when
 * the text has not the expected shape.
 */
int proc_parse_stat(const char *text, long page_size, struct proc_info *p);

/* Parses the effective uid from the text of /proc/PID/status. Returns 0 or -1. */
int proc_parse_euid(const char *text, uid_t *out);

/* The CPU time of each match at the first of two scans, sorted by pid. */
struct proc_baseline {
	struct proc_cpu {
		pid_t pid;
		uint64_t start_ticks, cpu_ticks;
	} * v;
	size_t n, cap;
};

/* What the matches of the second scan use. */
struct proc_totals {
	uint32_t count, threads, fds;
	uint64_t rss_bytes;
	uint64_t cpu_ticks; /* used since the baseline by processes seen in both scans */
};

/*
 * The first scan: records the CPU time of each match into B (emptied
 * first; at most PROC_BASELINE_MAX are remembered). Returns the number of
 * matches, or -1 as proc_scan does. Free B with proc_baseline_free.
 */
int proc_scan_baseline(const char *root, const struct proc_filter *f, struct proc_baseline *b);
void proc_baseline_free(struct proc_baseline *b);

/*
 * The second scan: sums the matches into OUT, their CPU time as the ticks
 * used since B (a process absent from B, or whose pid was reused, adds
 * none). Returns the number of matches, or -1 as proc_scan does.
 */
int proc_scan_totals(const char *root, const struct proc_filter *f, const struct proc_baseline *b,
                     struct proc_totals *out);

/* Percent of one core that TICKS of CPU time over ELAPSED_NS mean; 0 when no time passed. */
double proc_cpu_percent(uint64_t ticks, long ticks_per_sec, int64_t elapsed_ns);

#endif
