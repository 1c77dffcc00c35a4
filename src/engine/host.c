/*
 * Host collection in the engine: every host.interval the loop reads /proc,
 * statvfs runs off the loop (a dead NFS mount must not freeze it), then the
 * sample becomes rates, series, rollups, health components and a published
 * host view.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "conf/conf.h"
#include "engine/engine_int.h"
#include "host/collector.h"
#include "host/view.h"
#include "store/store.h"
#include "util/log.h"
#include "util/strmap.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define CPU_WINDOW_S 60 /* host:cpu judges the average of the last minute */

struct engine_host {
	struct engine *engine;
	struct host_collector *collector;
	uv_timer_t timer;
	uv_work_t work;
	bool busy, closing, timer_closed;
	struct host_sample *cur, *prev; /* cur is filled, then becomes prev */
	bool have_prev;
	struct host_history hist;
	struct strmap keys; /* series id -> store key */
	int64_t max_key;
	struct strmap levels; /* component name -> enum host_level */
	struct host_uname uname;
	int64_t interval_ms;
};

static void emit(void *arg, const struct host_series *s, enum store_res res, int64_t bucket,
                 double min, double max, double sum, uint32_t count)
{
	struct engine_host *h = arg;
	struct store_op *op;

	if (s->key == 0)
		return;
	op = store_op_new(STORE_OP_HOST_ROLLUP);
	op->u.host_rollup.series = s->key;
	op->u.host_rollup.res = res;
	op->u.host_rollup.bucket = bucket;
	op->u.host_rollup.min = min;
	op->u.host_rollup.max = max;
	op->u.host_rollup.sum = sum;
	op->u.host_rollup.count = count;
	(void)store_submit(h->engine->store, op);
}

/* Adds a point, registering the series with the store the first time. */
static void add(struct engine_host *h, const char *id, double v)
{
	struct host_series *s = host_history_add(&h->hist, id, h->cur->wall_ms, v, emit, h);
	struct store_op *op;

	if (s == NULL || s->key != 0)
		return;
	if (!strmap_get(&h->keys, id, &s->key)) {
		s->key = ++h->max_key;
		strmap_put(&h->keys, id, s->key);
	}
	op = store_op_new(STORE_OP_HOST_SERIES);
	op->u.host_series.key = s->key;
	op->text = xstrdup(id);
	(void)store_submit(h->engine->store, op);
}

static void add_labeled(struct engine_host *h, const char *name, const char *label,
                        const char *value, double v)
{
	char id[HOST_SERIES_ID];

	snprintf(id, sizeof(id), "%s{%s=\"%s\"}", name, label, value);
	add(h, id, v);
}

static void add_series(struct engine_host *h, const struct host_rates *r)
{
	const struct host_sample *s = h->cur;
	size_t i;

	if (r->valid) {
		add(h, "cpu.percent", r->cpu_busy);
		add(h, "cpu.user", r->cpu_pct[CPU_USER] + r->cpu_pct[CPU_NICE]);
		add(h, "cpu.system",
		    r->cpu_pct[CPU_SYSTEM] + r->cpu_pct[CPU_IRQ] + r->cpu_pct[CPU_SOFTIRQ]);
		add(h, "cpu.iowait", r->cpu_pct[CPU_IOWAIT]);
		add(h, "cpu.steal", r->cpu_pct[CPU_STEAL]);
	}
	add(h, "memory.percent", r->mem_used_pct);
	add(h, "memory.used_bytes", (double)r->mem_used);
	add(h, "swap.percent", r->swap_used_pct);
	add(h, "load.1", s->load[0]);
	add(h, "load.5", s->load[1]);
	add(h, "load.15", s->load[2]);
	add(h, "procs.running", s->procs_running);
	add(h, "procs.blocked", s->procs_blocked);
	add(h, "threads", s->threads_total);
	for (i = 0; i < s->nfs; i++)
		if (r->fs_used_pct[i] >= 0)
			add_labeled(h, "disk.percent", "mountpoint", s->fs[i].mountpoint,
			            r->fs_used_pct[i]);
	for (i = 0; i < s->ndisks && r->valid; i++) {
		add_labeled(h, "disk.read_bytes_per_s", "device", s->disks[i].name,
		            r->disk[i].read_bps);
		add_labeled(h, "disk.write_bytes_per_s", "device", s->disks[i].name,
		            r->disk[i].write_bps);
		add_labeled(h, "disk.util_percent", "device", s->disks[i].name,
		            r->disk[i].util_pct);
	}
	for (i = 0; i < s->nnet && r->valid; i++) {
		add_labeled(h, "net.rx_bytes_per_s", "device", s->net[i].name, r->net[i].rx_bps);
		add_labeled(h, "net.tx_bytes_per_s", "device", s->net[i].name, r->net[i].tx_bps);
	}
	for (i = 0; i < s->ngroups; i++) {
		const char *g = host_collector_group(h->collector, i);

		add_labeled(h, "process.count", "group", g, s->groups[i].count);
		add_labeled(h, "process.rss_bytes", "group", g, (double)s->groups[i].rss_bytes);
		if (r->valid)
			add_labeled(h, "process.cpu_percent", "group", g, r->group_cpu_pct[i]);
	}
}

/* Average of a series over its last SECONDS, or NAN. */
static double recent_average(const struct host_history *hist, const char *id, int64_t now_ms,
                             int seconds)
{
	const struct host_series *s = host_history_find(hist, id);
	struct host_point pts[128];
	size_t n, i;
	double sum = 0;

	if (s == NULL)
		return NAN;
	n = host_series_points(s, (uint32_t)(now_ms / 1000 - seconds), pts, 128);
	for (i = 0; i < n; i++)
		sum += pts[i].v;
	return n ? sum / (double)n : NAN;
}

static void component(struct engine_host *h, struct host_view *v, const char *name, double value,
                      const struct conf_threshold *t, const char *unit, const char *what)
{
	const struct conf_host_thresholds *th = &h->engine->config->host.thresholds;
	struct host_component *c;
	int64_t prev = HOST_OK;
	enum host_level l;

	if (isnan(value) || v->ncomps == sizeof(v->comps) / sizeof(v->comps[0]))
		return;
	strmap_get(&h->levels, name, &prev);
	l = host_level_next((enum host_level)prev, value, t->warning, t->critical, th->hysteresis);
	if (l != (enum host_level)prev)
		log_info("host: %s: %s -> %s (%s %.1f)", name,
		         host_level_str((enum host_level)prev), host_level_str(l), what, value);
	strmap_put(&h->levels, name, l);
	c = &v->comps[v->ncomps++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->level = l;
	c->value = value;
	c->unit = unit;
	snprintf(c->output, sizeof(c->output), "%s %.1f (warning at %g, critical at %g)", what,
	         value, t->warning, t->critical);
}

static void components(struct engine_host *h, struct host_view *v)
{
	const struct conf_host_thresholds *t = &h->engine->config->host.thresholds;
	const struct host_sample *s = &v->sample;
	char name[300];
	size_t i;

	component(h, v, "host:cpu",
	          recent_average(&h->hist, "cpu.percent", s->wall_ms, CPU_WINDOW_S), &t->cpu,
	          "percent", "CPU busy % over the last minute");
	component(h, v, "host:memory", v->rates.mem_used_pct, &t->memory, "percent",
	          "memory used %");
	component(h, v, "host:load", v->rates.load_per_core, &t->load, "load per core",
	          "1-minute load per core");
	for (i = 0; i < s->nfs; i++) {
		if (v->rates.fs_used_pct[i] < 0)
			continue;
		snprintf(name, sizeof(name), "host:disk:%s", s->fs[i].mountpoint);
		component(h, v, name, v->rates.fs_used_pct[i], &t->disk, "percent", "disk used %");
	}
}

static void publish(struct engine_host *h, const struct host_rates *r)
{
	struct engine *e = h->engine;
	struct host_view *v = host_view_new();
	size_t i;

	v->interval_ms = h->interval_ms;
	v->sample = *h->cur;
	v->rates = *r;
	v->uname = h->uname;
	for (i = 0; i < v->sample.ngroups; i++)
		snprintf(v->group_names[i], sizeof(v->group_names[i]), "%s",
		         host_collector_group(h->collector, i));
	for (i = 0; i < v->sample.nnet; i++)
		v->net_up[i] = host_net_up(h->collector, v->sample.net[i].name);
	components(h, v);
	host_view_copy_series(v, &h->hist);
	host_view_unref(e->host_view);
	e->host_view = v;
	engine_mark_dirty(e);
}

static void try_free(struct engine_host *h);

static void fs_work(uv_work_t *req)
{
	struct engine_host *h = req->data;

	host_collect_fs(h->cur);
}

static void fs_done(uv_work_t *req, int status)
{
	struct engine_host *h = req->data;
	struct host_rates *r = xmalloc(sizeof(*r));
	struct host_sample *tmp;

	h->busy = false;
	if (status == 0 && !h->closing) {
		host_rates(h->have_prev ? h->prev : NULL, h->cur, r);
		add_series(h, r);
		publish(h, r);
		tmp = h->prev;
		h->prev = h->cur;
		h->cur = tmp;
		h->have_prev = true;
	}
	free(r);
	if (h->closing)
		try_free(h); /* may free h */
}

static void on_tick(uv_timer_t *t)
{
	struct engine_host *h = t->data;

	host_history_flush(&h->hist, time_wall_ms(), 0, emit, h);
	if (h->busy) /* the last statvfs has not come back: a filesystem hangs */
		return;
	if (host_collect(h->collector, h->cur) < 0)
		log_warnx("host: cannot read /proc under %s", h->engine->config->host.proc_root);
	h->work.data = h;
	if (uv_queue_work(h->engine->loop, &h->work, fs_work, fs_done) == 0)
		h->busy = true;
}

static void read_uname(struct host_uname *u)
{
	struct utsname n;

	if (uname(&n) == 0) {
		snprintf(u->sysname, sizeof(u->sysname), "%s", n.sysname);
		snprintf(u->nodename, sizeof(u->nodename), "%s", n.nodename);
		snprintf(u->release, sizeof(u->release), "%s", n.release);
		snprintf(u->version, sizeof(u->version), "%s", n.version);
		snprintf(u->machine, sizeof(u->machine), "%s", n.machine);
	}
	if (getdomainname(u->domainname, sizeof(u->domainname) - 1) < 0)
		snprintf(u->domainname, sizeof(u->domainname), "(none)");
}

int engine_host_start(struct engine *e, const struct store_boot *boot)
{
	const struct conf_host *conf = &e->config->host;
	struct engine_host *h;
	char err[512];
	size_t i;

	if (!conf->enabled)
		return 0;
	h = xcalloc(1, sizeof(*h));
	h->engine = e;
	h->collector = host_collector_open(conf, err, sizeof(err));
	if (h->collector == NULL) {
		log_warnx("%s; host metrics are off", err);
		free(h);
		return 0;
	}
	h->interval_ms = conf->interval;
	h->cur = xcalloc(1, sizeof(*h->cur));
	h->prev = xcalloc(1, sizeof(*h->prev));
	host_history_init(&h->hist, (size_t)(3600000 / conf->interval));
	for (i = 0; boot != NULL && i < boot->nseries; i++)
		strmap_put(&h->keys, boot->series[i].name, boot->series[i].key);
	h->max_key = boot ? boot->max_series : 0;
	read_uname(&h->uname);
	uv_timer_init(e->loop, &h->timer);
	h->timer.data = h;
	e->open_handles++;
	uv_timer_start(&h->timer, on_tick, 0, (uint64_t)conf->interval);
	e->host = h;
	return 0;
}

static void free_host(struct engine_host *h)
{
	host_collector_free(h->collector);
	host_history_free(&h->hist);
	strmap_free(&h->keys);
	strmap_free(&h->levels);
	free(h->cur);
	free(h->prev);
	free(h);
}

/* Frees the host part once closing, its timer closed and no statvfs in flight. */
static void try_free(struct engine_host *h)
{
	struct engine *e = h->engine;

	if (!h->closing || h->busy || !h->timer_closed)
		return;
	free_host(h);
	e->host = NULL;
	engine_maybe_free(e);
}

static void timer_closed(uv_handle_t *handle)
{
	struct engine_host *h = handle->data;

	h->engine->open_handles--;
	h->timer_closed = true;
	try_free(h);
}

void engine_host_close(struct engine *e)
{
	struct engine_host *h = e->host;

	if (h == NULL || h->closing)
		return;
	h->closing = true;
	host_history_flush(&h->hist, 0, 1, emit, h); /* the open minutes, written at shutdown */
	uv_close((uv_handle_t *)&h->timer, timer_closed);
}

bool engine_host_value(struct engine *e, const char *id, double *out)
{
	const struct host_series *s;

	if (e->host == NULL || (s = host_history_find(&e->host->hist, id)) == NULL || s->n == 0)
		return false;
	*out = s->ring[(s->head + s->cap - 1) % s->cap].v;
	return true;
}
