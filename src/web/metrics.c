/* GET /metrics: the snapshot's metrics (rendered once) plus live process and HTTP figures. */
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/snapshot.h"
#include "host/procfs.h"
#include "store/store.h"
#include "util/buf.h"
#include "version.h"
#include "web/prom.h"
#include "web/prom_host.h"
#include "web/prom_monitors.h"
#include "web/security.h"
#include "web/web_int.h"

#define PROM_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define P(expr)   (void)!(expr)

static void render_store(const struct snapshot *s, struct buf *out)
{
	const struct store_stats *st = &s->store;

	prom_family(out, "vigil_store_queue_depth", "gauge",
	            "Writes waiting for the store writer.");
	prom_sample(out, "vigil_store_queue_depth", (double)st->queue_depth, NULL);
	prom_family(out, "vigil_store_queue_capacity", "gauge",
	            "Writes the store queue holds before refusing new ones.");
	prom_sample(out, "vigil_store_queue_capacity", (double)st->queue_max, NULL);
	prom_family(out, "vigil_store_commits_total", "counter", "Store transactions committed.");
	prom_sample(out, "vigil_store_commits_total", (double)st->commits, NULL);
	prom_family(out, "vigil_store_writes_total", "counter", "Writes committed to the store.");
	prom_sample(out, "vigil_store_writes_total", (double)st->ops_written, NULL);
	prom_family(out, "vigil_store_errors_total", "counter",
	            "Store transactions that failed (their writes are retried).");
	prom_sample(out, "vigil_store_errors_total", (double)st->errors, NULL);
	prom_family(out, "vigil_store_dropped_total", "counter",
	            "Writes refused because the store queue was full.");
	prom_sample(out, "vigil_store_dropped_total", (double)st->dropped, NULL);
	prom_family(out, "vigil_store_schema_version", "gauge", "Database schema version.");
	prom_sample(out, "vigil_store_schema_version", (double)st->schema_version, NULL);
	if (s->db_size >= 0) {
		prom_family(out, "vigil_store_size_bytes", "gauge",
		            "Size of the database file and its write-ahead log.");
		prom_sample(out, "vigil_store_size_bytes", (double)s->db_size, NULL);
	}
}

/* The part that depends only on the snapshot. */
static void render_snapshot(const struct snapshot *s, struct snapshot_body *b)
{
	struct buf out;

	buf_init(&out, 0);
	prom_family(&out, "vigil_build_info", "gauge", "Vigil's version; the value is always 1.");
	prom_sample(&out, "vigil_build_info", 1, "version", VIGIL_VERSION, NULL);
	prom_family(&out, "vigil_up", "gauge", "1 while the daemon is ready.");
	prom_sample(&out, "vigil_up", s->ready ? 1 : 0, NULL);
	render_store(s, &out);
	prom_family(&out, "vigil_loop_lag_seconds", "histogram",
	            "Lateness of the event loop's heartbeat timer.");
	prom_histogram(&out, "vigil_loop_lag_seconds", NULL, 0, &s->loop_lag);
	prom_monitors_render(s, &out);
	prom_host_render(s->host, &out);
	b->len = out.len;
	b->data = buf_steal(&out);
	b->status = 200;
}

static void render_process(const struct snapshot *s, struct buf *out)
{
	struct self_stats self;

	if (procfs_self(&self) < 0)
		return;
	prom_family(out, "process_cpu_seconds_total", "counter",
	            "Total user and system CPU time spent in seconds.");
	prom_sample(out, "process_cpu_seconds_total", self.cpu_seconds, NULL);
	prom_family(out, "process_resident_memory_bytes", "gauge",
	            "Resident memory size in bytes.");
	prom_sample(out, "process_resident_memory_bytes", (double)self.rss_bytes, NULL);
	prom_family(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
	prom_sample(out, "process_virtual_memory_bytes", (double)self.vsize_bytes, NULL);
	prom_family(out, "process_open_fds", "gauge", "Number of open file descriptors.");
	prom_sample(out, "process_open_fds", (double)self.open_fds, NULL);
	prom_family(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.");
	prom_sample(out, "process_max_fds", (double)self.max_fds, NULL);
	prom_family(out, "process_start_time_seconds", "gauge",
	            "Start time of the process since unix epoch in seconds.");
	prom_sample(out, "process_start_time_seconds", self.start_time, NULL);
	prom_family(out, "process_threads", "gauge", "Number of OS threads in the process.");
	prom_sample(out, "process_threads", (double)self.threads, NULL);
	(void)s;
}

static void render_alerting(const struct snapshot *s, struct buf *out)
{
	static const char *const results[] = { "delivered", "retried", "failed" };
	size_t i, j;

	prom_family(out, "vigil_alerts_firing", "gauge", "Alerts firing now.");
	prom_sample(out, "vigil_alerts_firing", (double)s->nalerts, NULL);
	prom_family(out, "vigil_outbox_depth", "gauge", "Notifications waiting to be delivered.");
	prom_sample(out, "vigil_outbox_depth", (double)s->outbox_depth, NULL);
	prom_family(out, "vigil_notifications_total", "counter",
	            "Notification attempts since the start by channel and result (retried: an "
	            "attempt failed and another is due).");
	for (i = 0; i < s->nchannels; i++) {
		const struct alert_stats *st = &s->channels[i].stats;
		const uint64_t v[] = { st->delivered, st->retried, st->failed };

		for (j = 0; j < 3; j++)
			prom_sample(out, "vigil_notifications_total", (double)v[j], "channel",
			            s->channels[i].name, "result", results[j], NULL);
	}
}

static void render_security(struct web *w, struct buf *out)
{
	uint64_t totals[VIOLATIONS];
	int i;

	guard_totals(w->guard, totals);
	prom_family(out, "vigil_security_violations_total", "counter",
	            "Violations by clients of Vigil's API since the start, by type.");
	for (i = 0; i < VIOLATIONS; i++)
		prom_sample(out, "vigil_security_violations_total", (double)totals[i], "type",
		            violation_names[i], NULL);
	prom_family(out, "vigil_security_blocked_addresses", "gauge",
	            "Client addresses blocked now.");
	prom_sample(out, "vigil_security_blocked_addresses", (double)guard_blocked_count(w->guard),
	            NULL);
}

void handle_metrics(struct web_request *req, struct web_reply *rep)
{
	const struct snapshot_body *b = snapshot_render(req->snap, SNAP_METRICS, render_snapshot);
	struct buf out;

	buf_init(&out, 0);
	P(buf_append(&out, b->data, b->len));
	render_process(req->snap, &out);
	web_stats_render(&req->web->stats, req->web->routes, &out);
	render_security(req->web, &out);
	render_alerting(req->snap, &out);
	rep->status = 200;
	rep->content_type = PROM_TYPE;
	rep->len = out.len;
	rep->owned = buf_steal(&out);
	rep->body = rep->owned;
	rep->cache_control = "no-store";
}
