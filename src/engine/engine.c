/* Engine lifecycle: start, signals, snapshot publication, close. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"
#include "conf/conf.h"
#include "engine/engine_int.h"
#include "host/view.h"
#include "store/store.h"
#include "util/log.h"
#include "util/rcstr.h"
#include "util/secret.h"
#include "util/time.h"
#include "util/xmalloc.h"
#include "version.h"

void engine_maybe_free(struct engine *e)
{
	if (!e->closing || e->open_handles > 0 || e->sysinfo_busy || e->reload_busy ||
	    e->monitors_open > 0 || e->checks_active > 0 || e->host != NULL)
		return;
	host_view_unref(e->host_view);
	engine_api_free(e);
	engine_maint_free(e);
	engine_incidents_free(e);
	conf_unref(e->config);
	free(e->env.proc_root);
	free(e->config_path);
	pthread_mutex_destroy(&e->mail_lock);
	free(e);
}

void engine_on_close(uv_handle_t *h)
{
	struct engine *e = h->data;

	e->open_handles--;
	engine_maybe_free(e);
}

/*
 * The snapshot is republished at most every PUBLISH_MS after a change and
 * every REPUBLISH_MS regardless: an idle daemon wakes for it once a second,
 * not ten times.
 */
static void on_publish(uv_timer_t *t);

void engine_mark_dirty(struct engine *e)
{
	int64_t wait_ms;

	if (e->dirty || e->closing || e->publish.data != e)
		return;
	e->dirty = true;
	wait_ms = (e->published_ns + PUBLISH_MS * NS_PER_MS - time_mono_ns()) / NS_PER_MS;
	uv_timer_start(&e->publish, on_publish, wait_ms > 0 ? (uint64_t)wait_ms : 0, 0);
}

static void lag_max(const struct engine *e, int64_t *max)
{
	int i;

	*max = 0;
	for (i = 0; i < LAG_WINDOW; i++)
		if (e->lag_ring[i] > *max)
			*max = e->lag_ring[i];
}

static void publish_monitors(struct engine *e, struct snapshot *s)
{
	int64_t now_ms = time_wall_ms(), now_ns = time_mono_ns();
	size_t i;

	s->monitors = xcalloc(e->nmonitors ? e->nmonitors : 1, sizeof(*s->monitors));
	s->nmonitors = e->nmonitors;
	for (i = 0; i < e->nmonitors; i++) {
		const struct monitor *m = e->monitors[i];
		struct monitor_snap *ms = &s->monitors[i];
		int w;

		ms->conf = m->conf;
		if (m->api != NULL) {
			ms->api = conf_ref(m->owner);
			ms->api_created_ms = m->api->created_ms;
			ms->api_updated_ms = m->api->updated_ms;
		}
		ms->key = m->key;
		ms->status = m->st.status;
		ms->since_ms = m->st.since_ms;
		ms->failures = m->st.failures;
		ms->successes = m->st.successes;
		ms->last = m->last;
		ms->message = rcstr_ref(m->message);
		ms->perfdata = m->perfdata ? rcstr_ref(m->perfdata) : NULL;
		ms->checks = m->checks;
		ms->running = m->check != NULL;
		ms->next_ms = now_ms + (m->due_ns - now_ns) / NS_PER_MS;
		for (w = 0; w < HISTORY_WINDOWS; w++)
			ms->uptime[w] = m->uptime[w];
		ms->rings = snapshot_rings(&m->hist); /* a public monitor's, for the status page */
	}
	s->sched.in_flight = e->in_flight;
	s->sched.queued = e->queued;
	s->sched.max_in_flight = e->config->scheduler.max_in_flight;
	s->sched.skipped = e->skipped;
	histogram_read(&e->sched_lag, &s->sched.lag);
	memcpy(s->sched.checks_total, e->checks_total, sizeof(e->checks_total));
}

static void publish_alerts(struct engine *e, struct snapshot *s)
{
	const struct conf_channel *ch = e->config->alerting.channels.v;
	size_t n, i;

	if (e->alerting == NULL)
		return;
	n = alerting_firing(e->alerting, NULL, 0);
	s->alerts = xcalloc(n ? n : 1, sizeof(*s->alerts));
	s->nalerts = alerting_firing(e->alerting, s->alerts, n);
	s->outbox_depth = alerting_outbox_depth(e->alerting);
	s->nchannels = e->config->alerting.channels.n;
	s->channels = xcalloc(s->nchannels ? s->nchannels : 1, sizeof(*s->channels));
	for (i = 0; i < s->nchannels; i++) {
		snprintf(s->channels[i].name, sizeof(s->channels[i].name), "%s", ch[i].name);
		s->channels[i].stats = alerting_stats(e->alerting, ch[i].name);
	}
}

static void publish_windows(struct engine *e, struct snapshot *s)
{
	size_t i, j, len;

	s->nwindows = e->nwindows;
	s->windows = xcalloc(e->nwindows ? e->nwindows : 1, sizeof(*s->windows));
	for (i = 0; i < e->nwindows; i++) {
		struct api_window *w = &e->windows[i];
		struct snapshot_window *o = &s->windows[i];

		o->id = w->id;
		o->start = w->start;
		o->duration = w->duration;
		snprintf(o->cron, sizeof(o->cron), "%s", w->cron);
		snprintf(o->timezone, sizeof(o->timezone), "%s", w->timezone);
		/* a recurring window that never fires again: -1 */
		if (engine_maint_occurrence(w, time_wall_ms(), &o->occ_start, &o->occ_end) < 0)
			o->occ_start = o->occ_end = -1;
		snprintf(o->name, sizeof(o->name), "%s", w->name);
		snprintf(o->by, sizeof(o->by), "%s", w->by);
		for (j = 0, len = 0; j < w->n && len < sizeof(o->monitors); j++)
			len += (size_t)snprintf(o->monitors + len, sizeof(o->monitors) - len,
			                        "%s%s", j ? "," : "", w->monitors[j]);
	}
}

/* Builds and publishes a snapshot of the engine's state now. */
static void engine_publish(struct engine *e)
{
	struct snapshot *s = snapshot_new();

	s->seq = ++e->seq;
	s->wall_ms = time_wall_ms();
	s->started_ms = e->started_ms;
	s->config = conf_ref(e->config);
	s->secrets = secret_set_ref(e->secrets ? e->secrets : e->config->secrets);
	s->ready = !e->closing;
	store_stats_read(e->store, &s->store);
	s->db_size = e->sys.db_size;
	s->loop_lag_ns = e->lag_last_ns;
	lag_max(e, &s->loop_lag_max_ns);
	histogram_read(&e->lag, &s->loop_lag);
	s->disk = e->sys.disk;
	s->system = e->sys.system;
	publish_monitors(e, s);
	s->host = host_view_ref(e->host_view);
	publish_alerts(e, s);
	publish_windows(e, s);
	snapshot_box_publish(e->box, s);
	e->dirty = false;
	e->published_ns = time_mono_ns();
}

static void on_publish(uv_timer_t *t)
{
	struct engine *e = t->data;

	if (time_mono_ns() - e->sysinfo_ns >= SYSINFO_MS * NS_PER_MS)
		engine_sysinfo_tick(e);
	if (e->dirty || time_mono_ns() - e->published_ns >= REPUBLISH_MS * NS_PER_MS)
		engine_publish(e);
	if (!e->closing)
		uv_timer_start(&e->publish, on_publish, REPUBLISH_MS, 0);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct engine *e = h->data;

	if (signum == SIGHUP) {
		log_info("engine: SIGHUP: reloading the configuration");
		engine_reload(e);
		return;
	}
	log_info("engine: %s: shutting down", signum == SIGTERM ? "SIGTERM" : "SIGINT");
	if (e->on_stop != NULL)
		e->on_stop(e->arg);
}

static int start_signal(struct engine *e, uv_signal_t *h, int signum)
{
	int r = uv_signal_init(e->loop, h);

	if (r < 0)
		return r;
	h->data = e;
	e->open_handles++;
	return uv_signal_start(h, on_signal, signum);
}

static void submit_run(struct engine *e, enum store_op_kind kind)
{
	struct store_op *op = store_op_new(kind);

	op->u.run.id = e->started_ms;
	op->u.run.t = time_wall_ms();
	snprintf(op->u.run.version, sizeof(op->u.run.version), "%s", VIGIL_VERSION);
	(void)store_submit(e->store, op); /* a full queue is counted and logged */
}

void engine_event(struct engine *e, enum engine_event ev)
{
	if (e->on_event != NULL && !e->closing)
		e->on_event(e->arg, ev);
}

int engine_start(const struct engine_options *opt, struct engine **out)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	int r;

	e->loop = opt->loop;
	e->config = conf_ref(opt->config);
	e->config_path = opt->config_path ? xstrdup(opt->config_path) : NULL;
	e->store = opt->store;
	e->box = opt->box;
	e->on_stop = opt->on_stop;
	e->on_event = opt->on_event;
	e->arg = opt->arg;
	e->started_ms = time_wall_ms();
	e->sys.db_size = -1;
	histogram_init(&e->lag, histogram_latency_bounds, histogram_latency_nbounds);

	uv_timer_init(e->loop, &e->publish);
	e->publish.data = e;
	e->open_handles++;
	engine_heartbeat_start(e);
	engine_selftest_start(e);
	engine_commands_start(e);
	if ((r = start_signal(e, &e->sighup, SIGHUP)) < 0 ||
	    (r = start_signal(e, &e->sigterm, SIGTERM)) < 0 ||
	    (r = start_signal(e, &e->sigint, SIGINT)) < 0) {
		engine_close(e);
		return r;
	}
	submit_run(e, STORE_OP_RUN_START);
	if (engine_monitors_start(e, opt->boot) < 0 || engine_host_start(e, opt->boot) < 0) {
		engine_close(e);
		return UV_ENOMEM;
	}
	engine_sysinfo_tick(e);
	engine_publish(e);
	uv_timer_start(&e->publish, on_publish, REPUBLISH_MS, 0);
	*out = e;
	return 0;
}

void engine_close(struct engine *e)
{
	uv_handle_t *handles[] = {
		(uv_handle_t *)&e->heartbeat, (uv_handle_t *)&e->publish,
		(uv_handle_t *)&e->selftest,  (uv_handle_t *)&e->sighup,
		(uv_handle_t *)&e->sigterm,   (uv_handle_t *)&e->sigint,
		(uv_handle_t *)&e->sweep,     (uv_handle_t *)&e->mailbox,
	};
	size_t i;

	if (e->closing)
		return;
	e->closing = true;
	engine_commands_close(e);    /* answers what waits: shutting down */
	alerting_close(e->alerting); /* before the curl handle it sends with goes */
	e->alerting = NULL;
	engine_monitors_close(e); /* cancels runs, writes the open minute buckets */
	engine_host_close(e);
	submit_run(e, STORE_OP_RUN_STOP);
	engine_publish(e); /* not ready any more: load balancers drain us */
	for (i = 0; i < sizeof(handles) / sizeof(handles[0]); i++)
		if (handles[i]->data == e && !uv_is_closing(handles[i]))
			uv_close(handles[i], engine_on_close);
}

void engine_publish_now(struct engine *e)
{
	engine_publish(e);
}

struct vigil_config *engine_config(struct engine *e)
{
	return e->config;
}

int64_t engine_heartbeat_age_ns(const struct engine *e)
{
	return time_mono_ns() - atomic_load(&e->beat_ns);
}
