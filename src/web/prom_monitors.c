/* The monitors' metrics: blackbox_exporter-compatible probe_* and vigil_monitor_*. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/snapshot.h"
#include "probe/perfdata.h"
#include "util/buf.h"
#include "util/rcstr.h"
#include "web/prom.h"
#include "web/prom_monitors.h"

static void sample1(struct buf *out, const char *name, const struct monitor_snap *m, double v)
{
	const char *labels[] = { "monitor", m->conf->name };

	prom_sample_v(out, name, NULL, labels, 1, v);
}

static bool has_result(const struct monitor_snap *m)
{
	return m->last.t_ms > 0;
}

static void probe_basic(const struct snapshot *s, struct buf *out)
{
	size_t i;

	prom_family(out, "probe_success", "gauge",
	            "1 when the monitor's last check succeeded (up or degraded), else 0.");
	for (i = 0; i < s->nmonitors; i++)
		if (has_result(&s->monitors[i]))
			sample1(out, "probe_success", &s->monitors[i],
			        s->monitors[i].last.status == STATUS_UP ||
			                s->monitors[i].last.status == STATUS_DEGRADED);
	prom_family(out, "probe_duration_seconds", "gauge",
	            "How long the monitor's last check took.");
	for (i = 0; i < s->nmonitors; i++)
		if (has_result(&s->monitors[i]))
			sample1(out, "probe_duration_seconds", &s->monitors[i],
			        (double)s->monitors[i].last.latency_ns / 1e9);
}

static void probe_http(const struct snapshot *s, struct buf *out)
{
	static const char *const phases[] = { "resolve", "connect", "tls", "processing",
		                              "transfer" };
	size_t i;
	int p;

	prom_family(out, "probe_http_status_code", "gauge", "HTTP status of the last check.");
	for (i = 0; i < s->nmonitors; i++)
		if (has_result(&s->monitors[i]) && strcmp(s->monitors[i].conf->type, "http") == 0)
			sample1(out, "probe_http_status_code", &s->monitors[i],
			        s->monitors[i].last.http_status);
	prom_family(out, "probe_http_duration_seconds", "gauge",
	            "Duration of each phase of the last HTTP check.");
	for (i = 0; i < s->nmonitors; i++) {
		const struct monitor_snap *m = &s->monitors[i];
		const int64_t t[] = { m->last.t_resolve, m->last.t_connect, m->last.t_tls,
			              m->last.t_processing, m->last.t_transfer };

		if (!has_result(m) || strcmp(m->conf->type, "http") != 0)
			continue;
		for (p = 0; p < 5; p++) {
			const char *labels[] = { "monitor", m->conf->name, "phase", phases[p] };

			prom_sample_v(out, "probe_http_duration_seconds", NULL, labels, 2,
			              t[p] > 0 ? (double)t[p] / 1e9 : 0);
		}
	}
	prom_family(out, "probe_ssl_earliest_cert_expiry", "gauge",
	            "Unix time the earliest certificate of the chain expires.");
	for (i = 0; i < s->nmonitors; i++)
		if (s->monitors[i].last.cert_expiry > 0)
			sample1(out, "probe_ssl_earliest_cert_expiry", &s->monitors[i],
			        (double)s->monitors[i].last.cert_expiry);
}

static bool last_value(const struct monitor_snap *m, const char *name, double *out)
{
	int i;

	for (i = 0; i < m->last.nvalues; i++) {
		if (strcmp(m->last.values[i].name, name) == 0) {
			*out = m->last.values[i].v;
			return true;
		}
	}
	return false;
}

static void probe_values(const struct snapshot *s, struct buf *out)
{
	size_t i;
	int v;
	double x;

	prom_family(out, "probe_dns_lookup_time_seconds", "gauge",
	            "How long the DNS lookup of the last dns check took.");
	for (i = 0; i < s->nmonitors; i++)
		if (strcmp(s->monitors[i].conf->type, "dns") == 0 &&
		    last_value(&s->monitors[i], "lookup_time_ms", &x))
			sample1(out, "probe_dns_lookup_time_seconds", &s->monitors[i], x / 1000.0);
	prom_family(out, "vigil_monitor_value", "gauge",
	            "Figures of the monitor's last check, by name as in the API's values "
	            "(packet_loss, rtt_avg_ms, count, age_seconds...).");
	for (i = 0; i < s->nmonitors; i++) {
		const struct monitor_snap *m = &s->monitors[i];

		for (v = 0; v < m->last.nvalues; v++) {
			const char *labels[] = { "monitor", m->conf->name, "name",
				                 m->last.values[v].name };

			prom_sample_v(out, "vigil_monitor_value", NULL, labels, 2,
			              m->last.values[v].v);
		}
	}
}

/* Performance data of plugins, one series per label (the first of repeated ones). */
static void perfdata(const struct snapshot *s, struct buf *out)
{
	size_t i, k;

	prom_family(out, "vigil_perfdata", "gauge",
	            "Performance data of the last command (Nagios plugin) check, in base units "
	            "(seconds, bytes).");
	for (i = 0; i < s->nmonitors; i++) {
		const struct monitor_snap *m = &s->monitors[i];
		const char *text = m->perfdata ? rcstr_str(m->perfdata) : NULL;
		struct perfdata pd;

		if (text == NULL)
			continue;
		perfdata_parse(text, strlen(text), &pd);
		for (k = 0; k < pd.n; k++) {
			const struct perfdata_item *it = &pd.items[k];
			const char *labels[] = { "monitor", m->conf->name, "label",
				                 it->label, "uom",         perfdata_unit_name(it) };

			if (perfdata_find(&pd, it->label) == it && !isnan(it->value))
				prom_sample_v(out, "vigil_perfdata", NULL, labels, 3, it->value);
		}
		perfdata_free(&pd);
	}
}

static void monitor_status(const struct snapshot *s, struct buf *out)
{
	static const char *const windows[] = { "24h", "7d", "30d" };
	size_t i;
	int st, w;

	prom_family(out, "vigil_monitor_status", "gauge",
	            "1 for the monitor's current status, 0 for the others.");
	for (i = 0; i < s->nmonitors; i++) {
		for (st = 0; st < STATUS_COUNT; st++) {
			const char *labels[] = { "monitor", s->monitors[i].conf->name, "status",
				                 status_str((enum status)st) };

			prom_sample_v(out, "vigil_monitor_status", NULL, labels, 2,
			              s->monitors[i].status == (enum status)st);
		}
	}
	prom_family(out, "vigil_monitor_uptime_ratio", "gauge",
	            "Share of good checks (up or degraded) over the window.");
	for (i = 0; i < s->nmonitors; i++) {
		for (w = 0; w <= HISTORY_30D; w++) { /* the contract's windows (90d: the API's) */
			const char *labels[] = { "monitor", s->monitors[i].conf->name, "window",
				                 windows[w] };

			if (s->monitors[i].uptime[w] >= 0)
				prom_sample_v(out, "vigil_monitor_uptime_ratio", NULL, labels, 2,
				              s->monitors[i].uptime[w]);
		}
	}
}

static void scheduler(const struct snapshot *s, struct buf *out)
{
	char reason[32];
	int t, o;

	prom_family(out, "vigil_checks_total", "counter",
	            "Checks completed since start, by monitor type and reason code.");
	for (t = 0; t < SNAP_TYPES_MAX && probe_types[t] != NULL; t++) {
		for (o = 0; o < PROBE_OUTCOME_COUNT; o++) {
			const char *labels[] = { "type", probe_types[t]->name, "reason", reason };

			if (s->sched.checks_total[t][o] == 0)
				continue;
			snprintf(reason, sizeof(reason), "%s",
			         probe_outcome_str((enum probe_outcome)o));
			prom_sample_v(out, "vigil_checks_total", NULL, labels, 2,
			              (double)s->sched.checks_total[t][o]);
		}
	}
	prom_family(out, "vigil_checks_in_flight", "gauge", "Checks running now.");
	prom_sample(out, "vigil_checks_in_flight", s->sched.in_flight, NULL);
	prom_family(out, "vigil_checks_queued", "gauge",
	            "Checks due but waiting for a slot (scheduler.max_in_flight).");
	prom_sample(out, "vigil_checks_queued", s->sched.queued, NULL);
	prom_family(
	        out, "vigil_checks_skipped_total", "counter",
	        "Scheduled runs skipped because the previous run of the monitor was still going.");
	prom_sample(out, "vigil_checks_skipped_total", (double)s->sched.skipped, NULL);
	prom_family(out, "vigil_scheduler_lag_seconds", "histogram",
	            "How late checks started compared with their schedule.");
	prom_histogram(out, "vigil_scheduler_lag_seconds", NULL, 0, &s->sched.lag);
}

void prom_monitors_render(const struct snapshot *s, struct buf *out)
{
	probe_basic(s, out);
	probe_http(s, out);
	probe_values(s, out);
	perfdata(s, out);
	monitor_status(s, out);
	scheduler(s, out);
}
