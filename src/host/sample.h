/*
 * One sample of the host: the raw counters and gauges read from /proc (and
 * statvfs), in fixed-size arrays so that sampling allocates nothing. Rates
 * and percentages are derived from two samples (host/rates.h).
 */
#ifndef VIGIL_HOST_SAMPLE_H
#define VIGIL_HOST_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOST_MAX_CPUS    512
#define HOST_MAX_DISKS   128
#define HOST_MAX_IFACES  128
#define HOST_MAX_FS      64
#define HOST_MAX_MEMINFO 96
#define HOST_MAX_GROUPS  32

/* CPU modes in /proc/stat order. */
enum host_cpu_mode {
	CPU_USER,
	CPU_NICE,
	CPU_SYSTEM,
	CPU_IDLE,
	CPU_IOWAIT,
	CPU_IRQ,
	CPU_SOFTIRQ,
	CPU_STEAL,
	CPU_GUEST,
	CPU_GUEST_NICE,
	CPU_MODES
};
extern const char *const host_cpu_mode_names[CPU_MODES];

struct host_cpu {
	uint64_t ticks[CPU_MODES]; /* USER_HZ ticks; absent columns are 0 */
};

struct host_meminfo {
	char name[40];  /* "MemTotal", "Active(anon)" */
	uint64_t value; /* bytes when kb, else a count */
	bool kb;
};

/* /proc/diskstats fields after the device name (kernels give 11, 15 or 17). */
enum host_disk_field {
	DISK_READS,
	DISK_READS_MERGED,
	DISK_SECTORS_READ,
	DISK_READ_MS,
	DISK_WRITES,
	DISK_WRITES_MERGED,
	DISK_SECTORS_WRITTEN,
	DISK_WRITE_MS,
	DISK_IO_NOW,
	DISK_IO_MS,
	DISK_WEIGHTED_MS,
	DISK_DISCARDS,
	DISK_DISCARDS_MERGED,
	DISK_SECTORS_DISCARDED,
	DISK_DISCARD_MS,
	DISK_FLUSHES,
	DISK_FLUSH_MS,
	DISK_FIELDS
};

struct host_disk {
	char name[32];
	int nfields; /* how many the kernel gave */
	uint64_t v[DISK_FIELDS];
};

/* /proc/net/dev columns: 8 receive, then 8 transmit. */
enum host_net_field {
	NET_RX_BYTES,
	NET_RX_PACKETS,
	NET_RX_ERRS,
	NET_RX_DROP,
	NET_RX_FIFO,
	NET_RX_FRAME,
	NET_RX_COMPRESSED,
	NET_RX_MULTICAST,
	NET_TX_BYTES,
	NET_TX_PACKETS,
	NET_TX_ERRS,
	NET_TX_DROP,
	NET_TX_FIFO,
	NET_TX_COLLS,
	NET_TX_CARRIER,
	NET_TX_COMPRESSED,
	NET_FIELDS
};

struct host_net {
	char name[32];
	uint64_t v[NET_FIELDS];
};

struct host_fs {
	char device[128];
	char mountpoint[256];
	char fstype[32];
	bool readonly;
	bool stat_ok; /* statvfs answered (it runs off the loop; may lag one sample) */
	uint64_t size, free, avail, files, files_free; /* bytes and inodes */
};

/* A named group of processes (host.processes), summed. */
struct host_group {
	uint32_t count, threads, fds;
	uint64_t cpu_ticks; /* utime + stime */
	uint64_t rss_bytes;
	uint64_t read_bytes, write_bytes; /* from /proc/PID/io when readable */
};

struct host_sample {
	int64_t mono_ns, wall_ms; /* when it was taken */
	int ncpu;
	struct host_cpu total;
	struct host_cpu cpu[HOST_MAX_CPUS];
	uint64_t ctxt, intr, forks, btime;
	uint32_t procs_running, procs_blocked;
	double load[3];
	uint32_t threads_running, threads_total; /* loadavg's 4th field */
	double uptime;                           /* seconds */
	uint64_t filefd_allocated, filefd_maximum;
	size_t nmem;
	struct host_meminfo mem[HOST_MAX_MEMINFO];
	uint64_t pswpin, pswpout, pgfault, pgmajfault, pgpgin, pgpgout, oom_kill;
	size_t ndisks;
	struct host_disk disks[HOST_MAX_DISKS];
	size_t nnet;
	struct host_net net[HOST_MAX_IFACES];
	size_t nfs;
	struct host_fs fs[HOST_MAX_FS];
	size_t ngroups;
	struct host_group groups[HOST_MAX_GROUPS];
};

/*
 * Parsers of /proc file contents into S (pure: no I/O, no allocation).
 * Each returns 0, or -1 when the text has not the expected shape (S keeps
 * what was parsed before the problem).
 */
int host_parse_stat(const char *text, struct host_sample *s);
int host_parse_meminfo(const char *text, struct host_sample *s);
int host_parse_loadavg(const char *text, struct host_sample *s);
int host_parse_uptime(const char *text, struct host_sample *s);
int host_parse_vmstat(const char *text, struct host_sample *s);
int host_parse_filenr(const char *text, struct host_sample *s);
int host_parse_diskstats(const char *text, struct host_sample *s);
int host_parse_netdev(const char *text, struct host_sample *s, bool loopback);
/*
 * Parses /proc/mounts, keeping real filesystems: those listed in ONLY when
 * it is non-empty (mountpoints), else every one whose type is not a pseudo
 * filesystem. Sizes are left for statvfs.
 */
int host_parse_mounts(const char *text, struct host_sample *s, const char *const *only,
                      size_t nonly);
/* True for pseudo filesystem types (proc, sysfs, tmpfs, overlay...). */
bool host_fstype_pseudo(const char *fstype);

/* The value of meminfo field NAME (bytes or count), or -1. */
int64_t host_meminfo_get(const struct host_sample *s, const char *name);

#endif
