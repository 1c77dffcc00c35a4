/* Deltas between two samples turned into per-second rates and percentages. */
#include "host/rates.h"

#include <string.h>
#include <unistd.h>

#define SECTOR 512 /* /proc/diskstats counts 512-byte sectors whatever the device */

static uint64_t delta(uint64_t before, uint64_t now)
{
	return now >= before ? now - before : now; /* reset or wrap: count from zero */
}

static uint64_t cpu_sum(const struct host_cpu *c)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < CPU_GUEST; i++) /* guest time is already inside user and nice */
		s += c->ticks[i];
	return s;
}

static double busy(const struct host_cpu *a, const struct host_cpu *b)
{
	uint64_t total = delta(cpu_sum(a), cpu_sum(b));
	uint64_t idle = delta(a->ticks[CPU_IDLE] + a->ticks[CPU_IOWAIT],
	                      b->ticks[CPU_IDLE] + b->ticks[CPU_IOWAIT]);

	if (total == 0)
		return 0;
	return idle > total ? 0 : 100.0 * (double)(total - idle) / (double)total;
}

static void cpu_rates(const struct host_sample *p, const struct host_sample *c,
                      struct host_rates *out)
{
	uint64_t total = delta(cpu_sum(&p->total), cpu_sum(&c->total));
	int i;

	for (i = 0; i < CPU_MODES && total > 0; i++)
		out->cpu_pct[i] =
		        100.0 * (double)delta(p->total.ticks[i], c->total.ticks[i]) / (double)total;
	out->cpu_busy = busy(&p->total, &c->total);
	for (i = 0; i < c->ncpu && i < p->ncpu; i++)
		out->core_busy[i] = busy(&p->cpu[i], &c->cpu[i]);
}

static void memory(const struct host_sample *c, struct host_rates *out)
{
	int64_t total = host_meminfo_get(c, "MemTotal"),
	        avail = host_meminfo_get(c, "MemAvailable");
	int64_t free_ = host_meminfo_get(c, "MemFree"), stotal = host_meminfo_get(c, "SwapTotal");
	int64_t sfree = host_meminfo_get(c, "SwapFree");

	if (avail < 0) /* before Linux 3.14 */
		avail = free_ + host_meminfo_get(c, "Buffers") + host_meminfo_get(c, "Cached");
	out->mem_total = total > 0 ? (uint64_t)total : 0;
	out->mem_available = avail > 0 ? (uint64_t)avail : 0;
	out->mem_used =
	        out->mem_total > out->mem_available ? out->mem_total - out->mem_available : 0;
	out->mem_used_pct = total > 0 ? 100.0 * (double)out->mem_used / (double)total : 0;
	out->swap_total = stotal > 0 ? (uint64_t)stotal : 0;
	out->swap_used =
	        stotal > 0 && sfree >= 0 && sfree <= stotal ? (uint64_t)(stotal - sfree) : 0;
	out->swap_used_pct = stotal > 0 ? 100.0 * (double)out->swap_used / (double)stotal : 0;
}

static void disks(const struct host_sample *p, const struct host_sample *c, double secs,
                  struct host_rates *out)
{
	size_t i, j;

	for (i = 0; i < c->ndisks; i++) {
		const struct host_disk *b = &c->disks[i];
		struct host_disk_rates *r = &out->disk[i];

		memset(r, 0, sizeof(*r));
		for (j = 0; p != NULL && j < p->ndisks; j++) {
			const struct host_disk *a = &p->disks[j];

			if (strcmp(a->name, b->name) != 0)
				continue;
			r->read_bps =
			        (double)delta(a->v[DISK_SECTORS_READ], b->v[DISK_SECTORS_READ]) *
			        SECTOR / secs;
			r->write_bps = (double)delta(a->v[DISK_SECTORS_WRITTEN],
			                             b->v[DISK_SECTORS_WRITTEN]) *
			               SECTOR / secs;
			r->read_iops = (double)delta(a->v[DISK_READS], b->v[DISK_READS]) / secs;
			r->write_iops = (double)delta(a->v[DISK_WRITES], b->v[DISK_WRITES]) / secs;
			r->util_pct =
			        (double)delta(a->v[DISK_IO_MS], b->v[DISK_IO_MS]) / (secs * 10.0);
			if (r->util_pct > 100)
				r->util_pct = 100;
			break;
		}
	}
}

static void nets(const struct host_sample *p, const struct host_sample *c, double secs,
                 struct host_rates *out)
{
	size_t i, j;

	for (i = 0; i < c->nnet; i++) {
		const struct host_net *b = &c->net[i];
		struct host_net_rates *r = &out->net[i];

		memset(r, 0, sizeof(*r));
		for (j = 0; p != NULL && j < p->nnet; j++) {
			const struct host_net *a = &p->net[j];

			if (strcmp(a->name, b->name) != 0)
				continue;
#define RATE(f) ((double)delta(a->v[f], b->v[f]) / secs)
			r->rx_bps = RATE(NET_RX_BYTES);
			r->tx_bps = RATE(NET_TX_BYTES);
			r->rx_pps = RATE(NET_RX_PACKETS);
			r->tx_pps = RATE(NET_TX_PACKETS);
			r->rx_errs_ps = RATE(NET_RX_ERRS);
			r->tx_errs_ps = RATE(NET_TX_ERRS);
			r->rx_drop_ps = RATE(NET_RX_DROP);
			r->tx_drop_ps = RATE(NET_TX_DROP);
#undef RATE
			break;
		}
	}
}

static void filesystems(const struct host_sample *c, struct host_rates *out)
{
	size_t i;

	for (i = 0; i < c->nfs; i++) {
		const struct host_fs *f = &c->fs[i];
		uint64_t used = f->size - f->free;

		out->fs_used_pct[i] = -1;
		out->fs_inodes_pct[i] = -1;
		if (!f->stat_ok || f->size == 0)
			continue;
		/* as df: used / (used + available to unprivileged users) */
		out->fs_used_pct[i] =
		        used + f->avail ? 100.0 * (double)used / (double)(used + f->avail) : 0;
		if (f->files > 0)
			out->fs_inodes_pct[i] =
			        100.0 * (double)(f->files - f->files_free) / (double)f->files;
	}
}

void host_rates(const struct host_sample *prev, const struct host_sample *cur,
                struct host_rates *out)
{
	double secs = prev ? (double)(cur->mono_ns - prev->mono_ns) / 1e9 : 0;
	long tick = sysconf(_SC_CLK_TCK);
	size_t i;

	memset(out, 0, sizeof(*out));
	memory(cur, out);
	filesystems(cur, out);
	out->load_per_core = cur->ncpu > 0 ? cur->load[0] / cur->ncpu : cur->load[0];
	if (prev == NULL || secs <= 0) {
		disks(NULL, cur, 1, out);
		nets(NULL, cur, 1, out);
		return;
	}
	out->valid = true;
	out->seconds = secs;
	cpu_rates(prev, cur, out);
	disks(prev, cur, secs, out);
	nets(prev, cur, secs, out);
	out->ctxt_ps = (double)delta(prev->ctxt, cur->ctxt) / secs;
	out->forks_ps = (double)delta(prev->forks, cur->forks) / secs;
	out->intr_ps = (double)delta(prev->intr, cur->intr) / secs;
	for (i = 0; i < cur->ngroups && i < prev->ngroups; i++)
		out->group_cpu_pct[i] =
		        100.0 * (double)delta(prev->groups[i].cpu_ticks, cur->groups[i].cpu_ticks) /
		        (double)tick / secs;
}
