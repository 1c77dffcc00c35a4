/* The host's current values as JSON (GET /api/v1/host and `vigil metrics --json`). */
#include <jansson.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "host/json.h"
#include "util/time.h"

static json_t *num(double v)
{
	return isfinite(v) ? json_real(round(v * 1000) / 1000) : json_null();
}

static json_t *cpu_json(const struct host_view *v)
{
	const struct host_rates *r = &v->rates;
	json_t *modes = json_object(), *cores = json_array();
	int i;

	for (i = 0; i < CPU_MODES && r->valid; i++)
		json_object_set_new(modes, host_cpu_mode_names[i], num(r->cpu_pct[i]));
	for (i = 0; i < v->sample.ncpu && r->valid; i++)
		json_array_append_new(cores, num(r->core_busy[i]));
	return json_pack("{s:i,s:o,s:o,s:o}", "count", v->sample.ncpu, "percent",
	                 r->valid ? num(r->cpu_busy) : json_null(), "modes", modes, "cores", cores);
}

static json_t *memory_json(const struct host_view *v)
{
	const struct host_rates *r = &v->rates;
	int64_t cached = host_meminfo_get(&v->sample, "Cached");
	int64_t buffers = host_meminfo_get(&v->sample, "Buffers");
	int64_t free_ = host_meminfo_get(&v->sample, "MemFree");

	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "total_bytes", (json_int_t)r->mem_total,
	                 "available_bytes", (json_int_t)r->mem_available, "used_bytes",
	                 (json_int_t)r->mem_used, "free_bytes", (json_int_t)free_, "cached_bytes",
	                 (json_int_t)cached, "buffers_bytes", (json_int_t)buffers, "percent",
	                 num(r->mem_used_pct));
}

static json_t *filesystems_json(const struct host_view *v)
{
	const struct host_sample *s = &v->sample;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->nfs; i++) {
		const struct host_fs *f = &s->fs[i];

		if (!f->stat_ok)
			continue;
		json_array_append_new(
		        a, json_pack("{s:s,s:s,s:s,s:b,s:I,s:I,s:I,s:o,s:I,s:I,s:o}", "mountpoint",
		                     f->mountpoint, "device", f->device, "fstype", f->fstype,
		                     "readonly", f->readonly, "size_bytes", (json_int_t)f->size,
		                     "free_bytes", (json_int_t)f->free, "avail_bytes",
		                     (json_int_t)f->avail, "percent", num(v->rates.fs_used_pct[i]),
		                     "inodes", (json_int_t)f->files, "inodes_free",
		                     (json_int_t)f->files_free, "inodes_percent",
		                     v->rates.fs_inodes_pct[i] >= 0 ? num(v->rates.fs_inodes_pct[i])
		                                                    : json_null()));
	}
	return a;
}

static json_t *disks_json(const struct host_view *v)
{
	const struct host_sample *s = &v->sample;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->ndisks; i++) {
		const struct host_disk_rates *r = &v->rates.disk[i];

		json_array_append_new(
		        a, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:I}", "device",
		                     s->disks[i].name, "read_bytes_per_s", num(r->read_bps),
		                     "write_bytes_per_s", num(r->write_bps), "reads_per_s",
		                     num(r->read_iops), "writes_per_s", num(r->write_iops),
		                     "util_percent", num(r->util_pct), "read_bytes_total",
		                     (json_int_t)(s->disks[i].v[DISK_SECTORS_READ] * 512),
		                     "written_bytes_total",
		                     (json_int_t)(s->disks[i].v[DISK_SECTORS_WRITTEN] * 512)));
	}
	return a;
}

static json_t *network_json(const struct host_view *v)
{
	const struct host_sample *s = &v->sample;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->nnet; i++) {
		const struct host_net_rates *r = &v->rates.net[i];
		const uint64_t *c = s->net[i].v;

		json_array_append_new(
		        a, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:I,s:I,s:I}", "device",
		                     s->net[i].name, "up",
		                     v->net_up[i] < 0 ? json_null() : json_boolean(v->net_up[i]),
		                     "rx_bytes_per_s", num(r->rx_bps), "tx_bytes_per_s",
		                     num(r->tx_bps), "rx_packets_per_s", num(r->rx_pps),
		                     "tx_packets_per_s", num(r->tx_pps), "rx_errors_per_s",
		                     num(r->rx_errs_ps), "tx_errors_per_s", num(r->tx_errs_ps),
		                     "rx_bytes_total", (json_int_t)c[NET_RX_BYTES],
		                     "tx_bytes_total", (json_int_t)c[NET_TX_BYTES], "rx_drop_total",
		                     (json_int_t)c[NET_RX_DROP], "tx_drop_total",
		                     (json_int_t)c[NET_TX_DROP]));
	}
	return a;
}

static json_t *groups_json(const struct host_view *v)
{
	const struct host_sample *s = &v->sample;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->ngroups; i++) {
		const struct host_group *g = &s->groups[i];

		json_array_append_new(
		        a,
		        json_pack("{s:s,s:i,s:o,s:I,s:i,s:i,s:I,s:I}", "name", v->group_names[i],
		                  "count", (int)g->count, "cpu_percent",
		                  v->rates.valid ? num(v->rates.group_cpu_pct[i]) : json_null(),
		                  "rss_bytes", (json_int_t)g->rss_bytes, "threads", (int)g->threads,
		                  "fds", (int)g->fds, "read_bytes_total", (json_int_t)g->read_bytes,
		                  "write_bytes_total", (json_int_t)g->write_bytes));
	}
	return a;
}

static json_t *health_json(const struct host_view *v)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < v->ncomps; i++)
		json_object_set_new(o, v->comps[i].name,
		                    json_pack("{s:s,s:o,s:s}", "status",
		                              host_level_str(v->comps[i].level), "value",
		                              num(v->comps[i].value), "unit", v->comps[i].unit));
	return o;
}

json_t *host_view_json(const struct host_view *v)
{
	const struct host_sample *s = &v->sample;
	const struct host_rates *r = &v->rates;
	char t[TIME_RFC3339_LEN];

	time_format_rfc3339(s->wall_ms, t, sizeof(t));
	return json_pack("{s:s,s:I,s:o,s:o,s:{s:I,s:I,s:o},s:{s:o,s:o,s:o,s:o},s:o,s:o,s:o,s:{s:i,"
	                 "s:i,s:i,s:o,s:o},"
	                 "s:o,s:{s:o,s:I,s:I,s:I,s:s,s:s},s:o}",
	                 "time", t, "interval_ms", (json_int_t)v->interval_ms, "cpu", cpu_json(v),
	                 "memory", memory_json(v), "swap", "total_bytes", (json_int_t)r->swap_total,
	                 "used_bytes", (json_int_t)r->swap_used, "percent", num(r->swap_used_pct),
	                 "load", "1", num(s->load[0]), "5", num(s->load[1]), "15", num(s->load[2]),
	                 "per_core", num(r->load_per_core), "filesystems", filesystems_json(v),
	                 "disks", disks_json(v), "network", network_json(v), "processes", "running",
	                 (int)s->procs_running, "blocked", (int)s->procs_blocked, "threads",
	                 (int)s->threads_total, "forks_per_s",
	                 r->valid ? num(r->forks_ps) : json_null(), "context_switches_per_s",
	                 r->valid ? num(r->ctxt_ps) : json_null(), "groups", groups_json(v),
	                 "system", "uptime_seconds", num(s->uptime), "boot_time",
	                 (json_int_t)s->btime, "open_files", (json_int_t)s->filefd_allocated,
	                 "max_files", (json_int_t)s->filefd_maximum, "kernel", v->uname.release,
	                 "hostname", v->uname.nodename, "health", health_json(v));
}
