/* Host metrics with node_exporter's names, labels and units, plus vigil_process_*{group}. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/view.h"
#include "util/buf.h"
#include "web/prom.h"
#include "web/prom_host.h"

#define L(...) ((const char *const[]){ __VA_ARGS__ })

static void cpu(const struct host_view *v, struct buf *out)
{
	static const int modes[] = { CPU_IDLE,    CPU_IOWAIT, CPU_IRQ,    CPU_NICE,
		                     CPU_SOFTIRQ, CPU_STEAL,  CPU_SYSTEM, CPU_USER };
	const struct host_sample *s = &v->sample;
	double hz = (double)sysconf(_SC_CLK_TCK);
	char n[16];
	int c;
	size_t m;

	prom_family(out, "node_cpu_seconds_total", "counter",
	            "Seconds the CPUs spent in each mode.");
	for (c = 0; c < s->ncpu; c++) {
		snprintf(n, sizeof(n), "%d", c);
		for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			uint64_t t = s->cpu[c].ticks[modes[m]];

			/* the kernel counts guest time inside user and nice: node_exporter does not */
			if (modes[m] == CPU_USER)
				t -= t >= s->cpu[c].ticks[CPU_GUEST] ? s->cpu[c].ticks[CPU_GUEST]
				                                     : t;
			if (modes[m] == CPU_NICE)
				t -= t >= s->cpu[c].ticks[CPU_GUEST_NICE]
				             ? s->cpu[c].ticks[CPU_GUEST_NICE]
				             : t;
			prom_sample_v(out, "node_cpu_seconds_total", NULL,
			              L("cpu", n, "mode", host_cpu_mode_names[modes[m]]), 2,
			              (double)t / hz);
		}
	}
	prom_family(out, "node_cpu_guest_seconds_total", "counter",
	            "Seconds the CPUs spent in guests (VMs) for each mode.");
	for (c = 0; c < s->ncpu; c++) {
		snprintf(n, sizeof(n), "%d", c);
		prom_sample_v(out, "node_cpu_guest_seconds_total", NULL,
		              L("cpu", n, "mode", "nice"), 2,
		              (double)s->cpu[c].ticks[CPU_GUEST_NICE] / hz);
		prom_sample_v(out, "node_cpu_guest_seconds_total", NULL,
		              L("cpu", n, "mode", "user"), 2,
		              (double)s->cpu[c].ticks[CPU_GUEST] / hz);
	}
}

static void simple(const struct host_view *v, struct buf *out)
{
	const struct host_sample *s = &v->sample;

	prom_family(out, "node_load1", "gauge", "1m load average.");
	prom_sample(out, "node_load1", s->load[0], NULL);
	prom_family(out, "node_load5", "gauge", "5m load average.");
	prom_sample(out, "node_load5", s->load[1], NULL);
	prom_family(out, "node_load15", "gauge", "15m load average.");
	prom_sample(out, "node_load15", s->load[2], NULL);
	prom_family(out, "node_boot_time_seconds", "gauge", "Node boot time, in unixtime.");
	prom_sample(out, "node_boot_time_seconds", (double)s->btime, NULL);
	prom_family(out, "node_time_seconds", "gauge",
	            "System time in seconds since epoch (1970).");
	prom_sample(out, "node_time_seconds", (double)s->wall_ms / 1000, NULL);
	prom_family(out, "node_procs_running", "gauge", "Number of processes in runnable state.");
	prom_sample(out, "node_procs_running", s->procs_running, NULL);
	prom_family(out, "node_procs_blocked", "gauge",
	            "Number of processes blocked waiting for I/O to complete.");
	prom_sample(out, "node_procs_blocked", s->procs_blocked, NULL);
	prom_family(out, "node_context_switches_total", "counter",
	            "Total number of context switches.");
	prom_sample(out, "node_context_switches_total", (double)s->ctxt, NULL);
	prom_family(out, "node_intr_total", "counter", "Total number of interrupts serviced.");
	prom_sample(out, "node_intr_total", (double)s->intr, NULL);
	prom_family(out, "node_forks_total", "counter", "Total number of forks.");
	prom_sample(out, "node_forks_total", (double)s->forks, NULL);
	prom_family(out, "node_filefd_allocated", "gauge",
	            "File descriptor statistics: allocated.");
	prom_sample(out, "node_filefd_allocated", (double)s->filefd_allocated, NULL);
	prom_family(out, "node_filefd_maximum", "gauge", "File descriptor statistics: maximum.");
	prom_sample(out, "node_filefd_maximum", (double)s->filefd_maximum, NULL);
}

static void memory(const struct host_view *v, struct buf *out)
{
	const struct host_sample *s = &v->sample;
	char name[96], help[128], field[48];
	size_t i, j, k;

	for (i = 0; i < s->nmem; i++) {
		const struct host_meminfo *m = &s->mem[i];

		/* "Active(anon)" becomes Active_anon, as node_exporter names it */
		for (j = 0, k = 0; m->name[j] && k + 1 < sizeof(field); j++)
			if (m->name[j] != ')')
				field[k++] = m->name[j] == '(' ? '_' : m->name[j];
		field[k] = '\0';
		snprintf(name, sizeof(name), "node_memory_%s%s", field, m->kb ? "_bytes" : "");
		snprintf(help, sizeof(help), "Memory information field %s%s.", field,
		         m->kb ? "_bytes" : "");
		prom_family(out, name, "gauge", help);
		prom_sample(out, name, (double)m->value, NULL);
	}
}

static void vmstat(const struct host_view *v, struct buf *out)
{
	const struct host_sample *s = &v->sample;
	const struct {
		const char *name;
		uint64_t value;
	} f[] = { { "oom_kill", s->oom_kill },     { "pgfault", s->pgfault },
		  { "pgmajfault", s->pgmajfault }, { "pgpgin", s->pgpgin },
		  { "pgpgout", s->pgpgout },       { "pswpin", s->pswpin },
		  { "pswpout", s->pswpout } };
	char name[64], help[96];
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		snprintf(name, sizeof(name), "node_vmstat_%s", f[i].name);
		snprintf(help, sizeof(help), "/proc/vmstat information field %s.", f[i].name);
		prom_family(out, name, "untyped", help);
		prom_sample(out, name, (double)f[i].value, NULL);
	}
}

static void filesystems(const struct host_view *v, struct buf *out)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} f[] = {
		{ "node_filesystem_size_bytes", "Filesystem size in bytes.",
		  offsetof(struct host_fs, size) },
		{ "node_filesystem_free_bytes", "Filesystem free space in bytes.",
		  offsetof(struct host_fs, free) },
		{ "node_filesystem_avail_bytes",
		  "Filesystem space available to non-root users in bytes.",
		  offsetof(struct host_fs, avail) },
		{ "node_filesystem_files", "Filesystem total file nodes.",
		  offsetof(struct host_fs, files) },
		{ "node_filesystem_files_free", "Filesystem total free file nodes.",
		  offsetof(struct host_fs, files_free) },
	};
	const struct host_sample *s = &v->sample;
	size_t i, k;

	for (k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
		prom_family(out, f[k].name, "gauge", f[k].help);
		for (i = 0; i < s->nfs; i++)
			if (s->fs[i].stat_ok)
				prom_sample_v(out, f[k].name, NULL,
				              L("device", s->fs[i].device, "fstype",
				                s->fs[i].fstype, "mountpoint", s->fs[i].mountpoint),
				              3,
				              (double)*(const uint64_t *)((const char *)&s->fs[i] +
				                                          f[k].off));
	}
	prom_family(out, "node_filesystem_readonly", "gauge", "Filesystem read-only status.");
	for (i = 0; i < s->nfs; i++)
		prom_sample_v(out, "node_filesystem_readonly", NULL,
		              L("device", s->fs[i].device, "fstype", s->fs[i].fstype, "mountpoint",
		                s->fs[i].mountpoint),
		              3, s->fs[i].readonly);
	prom_family(out, "node_filesystem_device_error", "gauge",
	            "Whether an error occurred while getting statistics for the given device.");
	for (i = 0; i < s->nfs; i++)
		prom_sample_v(out, "node_filesystem_device_error", NULL,
		              L("device", s->fs[i].device, "fstype", s->fs[i].fstype, "mountpoint",
		                s->fs[i].mountpoint),
		              3, !s->fs[i].stat_ok);
}

static void disks(const struct host_view *v, struct buf *out)
{
	static const struct {
		const char *name, *type, *help;
		int field;
		double scale;
	} f[] = {
		{ "node_disk_reads_completed_total", "counter",
		  "The total number of reads completed successfully.", DISK_READS, 1 },
		{ "node_disk_reads_merged_total", "counter", "The total number of reads merged.",
		  DISK_READS_MERGED, 1 },
		{ "node_disk_read_bytes_total", "counter",
		  "The total number of bytes read successfully.", DISK_SECTORS_READ, 512 },
		{ "node_disk_read_time_seconds_total", "counter",
		  "The total number of seconds spent by all reads.", DISK_READ_MS, 0.001 },
		{ "node_disk_writes_completed_total", "counter",
		  "The total number of writes completed successfully.", DISK_WRITES, 1 },
		{ "node_disk_writes_merged_total", "counter", "The number of writes merged.",
		  DISK_WRITES_MERGED, 1 },
		{ "node_disk_written_bytes_total", "counter",
		  "The total number of bytes written successfully.", DISK_SECTORS_WRITTEN, 512 },
		{ "node_disk_write_time_seconds_total", "counter",
		  "This is the total number of seconds spent by all writes.", DISK_WRITE_MS,
		  0.001 },
		{ "node_disk_io_now", "gauge", "The number of I/Os currently in progress.",
		  DISK_IO_NOW, 1 },
		{ "node_disk_io_time_seconds_total", "counter", "Total seconds spent doing I/Os.",
		  DISK_IO_MS, 0.001 },
		{ "node_disk_io_time_weighted_seconds_total", "counter",
		  "The weighted # of seconds spent doing I/Os.", DISK_WEIGHTED_MS, 0.001 },
		{ "node_disk_discards_completed_total", "counter",
		  "The total number of discards completed successfully.", DISK_DISCARDS, 1 },
		{ "node_disk_discards_merged_total", "counter",
		  "The total number of discards merged.", DISK_DISCARDS_MERGED, 1 },
		{ "node_disk_discarded_sectors_total", "counter",
		  "The total number of sectors discarded successfully.", DISK_SECTORS_DISCARDED,
		  1 },
		{ "node_disk_discard_time_seconds_total", "counter",
		  "This is the total number of seconds spent by all discards.", DISK_DISCARD_MS,
		  0.001 },
		{ "node_disk_flush_requests_total", "counter",
		  "The total number of flush requests completed successfully", DISK_FLUSHES, 1 },
		{ "node_disk_flush_requests_time_seconds_total", "counter",
		  "This is the total number of seconds spent by all flush requests.", DISK_FLUSH_MS,
		  0.001 },
	};
	const struct host_sample *s = &v->sample;
	size_t i, k;

	for (k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
		prom_family(out, f[k].name, f[k].type, f[k].help);
		for (i = 0; i < s->ndisks; i++)
			if (f[k].field < s->disks[i].nfields)
				prom_sample_v(out, f[k].name, NULL, L("device", s->disks[i].name),
				              1, (double)s->disks[i].v[f[k].field] * f[k].scale);
	}
}

static void network(const struct host_view *v, struct buf *out)
{
	static const char *const fields[NET_FIELDS] = {
		"receive_bytes",  "receive_packets",  "receive_errs",       "receive_drop",
		"receive_fifo",   "receive_frame",    "receive_compressed", "receive_multicast",
		"transmit_bytes", "transmit_packets", "transmit_errs",      "transmit_drop",
		"transmit_fifo",  "transmit_colls",   "transmit_carrier",   "transmit_compressed",
	};
	const struct host_sample *s = &v->sample;
	char name[80], help[96];
	size_t i;
	int k;

	for (k = 0; k < NET_FIELDS; k++) {
		snprintf(name, sizeof(name), "node_network_%s_total", fields[k]);
		snprintf(help, sizeof(help), "Network device statistic %s.", fields[k]);
		prom_family(out, name, "counter", help);
		for (i = 0; i < s->nnet; i++)
			prom_sample_v(out, name, NULL, L("device", s->net[i].name), 1,
			              (double)s->net[i].v[k]);
	}
	prom_family(out, "node_network_up", "gauge",
	            "Value is 1 if operstate is 'up', 0 otherwise.");
	for (i = 0; i < s->nnet; i++)
		if (v->net_up[i] >= 0)
			prom_sample_v(out, "node_network_up", NULL, L("device", s->net[i].name), 1,
			              v->net_up[i]);
}

static void uname_info(const struct host_view *v, struct buf *out)
{
	const struct host_uname *u = &v->uname;

	prom_family(out, "node_uname_info", "gauge",
	            "Labeled system information as provided by the uname system call.");
	prom_sample_v(out, "node_uname_info", NULL,
	              L("domainname", u->domainname, "machine", u->machine, "nodename", u->nodename,
	                "release", u->release, "sysname", u->sysname, "version", u->version),
	              6, 1);
}

static void groups(const struct host_view *v, struct buf *out)
{
	static const struct {
		const char *name, *type, *help;
	} f[] = {
		{ "vigil_process_matched", "gauge",
		  "Processes whose command line matches the group." },
		{ "vigil_process_cpu_seconds_total", "counter",
		  "CPU time of the group's current processes." },
		{ "vigil_process_resident_memory_bytes", "gauge", "Resident memory of the group." },
		{ "vigil_process_threads", "gauge", "Threads of the group." },
		{ "vigil_process_open_fds", "gauge", "Open file descriptors of the group." },
		{ "vigil_process_read_bytes_total", "counter",
		  "Bytes the group read from storage." },
		{ "vigil_process_write_bytes_total", "counter",
		  "Bytes the group wrote to storage." },
	};
	const struct host_sample *s = &v->sample;
	double hz = (double)sysconf(_SC_CLK_TCK);
	size_t i, k;

	if (s->ngroups == 0)
		return;
	for (k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
		prom_family(out, f[k].name, f[k].type, f[k].help);
		for (i = 0; i < s->ngroups; i++) {
			const struct host_group *g = &s->groups[i];
			const double vals[] = { g->count,
				                (double)g->cpu_ticks / hz,
				                (double)g->rss_bytes,
				                g->threads,
				                g->fds,
				                (double)g->read_bytes,
				                (double)g->write_bytes };

			prom_sample_v(out, f[k].name, NULL, L("group", v->group_names[i]), 1,
			              vals[k]);
		}
	}
}

void prom_host_render(const struct host_view *v, struct buf *out)
{
	if (v == NULL)
		return;
	cpu(v, out);
	simple(v, out);
	memory(v, out);
	vmstat(v, out);
	filesystems(v, out);
	disks(v, out);
	network(v, out);
	uname_info(v, out);
	groups(v, out);
}
