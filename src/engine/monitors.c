/*
 * The set of monitors at run time: created from the config and the store's
 * boot data, reconciled on reload (unchanged monitors keep their state and
 * schedule, removed ones stop, new ones start), closed at shutdown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"
#include "conf/conf.h"
#include "engine/engine_int.h"
#include "probe/curl_uv.h"
#include "store/store.h"
#include "util/log.h"
#include "util/rcstr.h"
#include "util/time.h"
#include "util/xmalloc.h"
#include "version.h"

#define SWEEP_MS 10000

static void submit_register(struct engine *e, struct monitor *m)
{
	struct store_op *op = store_op_new(STORE_OP_MONITOR);

	op->u.monitor.key = m->key;
	snprintf(op->u.monitor.slug, sizeof(op->u.monitor.slug), "%s", m->conf->id);
	snprintf(op->u.monitor.type, sizeof(op->u.monitor.type), "%s", m->conf->type);
	op->u.monitor.t = time_wall_ms();
	op->text = xstrdup(m->conf->name);
	(void)store_submit(e->store, op);
}

/* A monitor to run and the config holding it. */
struct wanted {
	const struct monitor_conf *conf;
	struct vigil_config *owner;
	struct api_monitor *api;
};

/* The monitors to run: the file's, then the API's whose id the file does not use. */
static struct wanted *wanted_list(struct engine *e, size_t *n)
{
	const struct conf_monitors *file = &e->config->monitors;
	struct wanted *w = xcalloc(file->n + e->napi + 1, sizeof(*w));
	size_t i, k = 0;

	for (i = 0; i < file->n; i++)
		w[k++] = (struct wanted){ &file->v[i], e->config, NULL };
	for (i = 0; i < e->napi; i++) {
		const struct monitor_conf *mc = &e->api[i]->cfg->monitors.v[0];

		if (conf_monitor_find(file, mc->id) != NULL) {
			log_warnx("engine: the API monitor %s has the id of a monitor of %s, which "
			          "wins: it is not run",
			          mc->id, e->config->source);
			continue;
		}
		w[k++] = (struct wanted){ mc, e->api[i]->cfg, e->api[i] };
	}
	*n = k;
	return w;
}

static struct monitor *monitor_new(struct engine *e, const struct wanted *w)
{
	const struct monitor_conf *mc = w->conf;
	struct monitor *m = xcalloc(1, sizeof(*m));

	m->engine = e;
	m->conf = mc;
	m->owner = w->owner;
	m->api = w->api;
	m->st.status = STATUS_UNKNOWN;
	m->st.since_ms = time_wall_ms();
	history_init(&m->hist);
	history_set_long(&m->hist, mc->public); /* the status page's 90 days */
	if (!strmap_get(&e->keys, mc->id, &m->key)) {
		m->key = ++e->max_key;
		strmap_put(&e->keys, mc->id, m->key);
	}
	submit_register(e, m);
	uv_timer_init(e->loop, &m->timer);
	m->timer.data = m;
	e->monitors_open++;
	return m;
}

static void monitor_closed(uv_handle_t *h)
{
	struct monitor *m = h->data;
	struct engine *e = m->engine;

	rcstr_unref(m->message);
	rcstr_unref(m->perfdata);
	engine_push_free(m);
	history_free(&m->hist);
	free(m);
	e->monitors_open--;
	engine_maybe_free(e);
}

void engine_monitor_release(struct monitor *m)
{
	if (m->check != NULL || uv_is_closing((uv_handle_t *)&m->timer))
		return; /* check_done calls us again once the run is over */
	uv_close((uv_handle_t *)&m->timer, monitor_closed);
}

/* Takes the state a previous run of the daemon left. */
static void apply_boot(struct monitor *m, const struct store_boot_monitor *b)
{
	if (b->has_state) {
		m->st.status = (enum status)b->status;
		m->paused = m->st.status == STATUS_PAUSED; /* paused through the API */
		m->paused_from = STATUS_UNKNOWN;
		m->st.since_ms = b->since;
		m->st.failures = b->failures;
		m->st.successes = b->successes;
	}
	if (b->has_last) {
		m->last.t_ms = b->last_t;
		m->last.latency_ns = b->last_latency_us * 1000;
		m->last.status = (enum status)b->last_status;
		m->last.outcome = (enum probe_outcome)b->last_reason;
		m->last.t_resolve = m->last.t_connect = m->last.t_tls = -1;
		m->last.t_processing = m->last.t_transfer = -1;
		m->message = rcstr_new(b->last_message ? b->last_message : "");
		m->stored_msg = strmap_hash(rcstr_str(m->message));
	}
	if (b->has_push)
		engine_push_boot(m, b);
}

static int cmp_key(const void *a, const void *b)
{
	int64_t x = (*(struct monitor *const *)a)->key, y = (*(struct monitor *const *)b)->key;

	return x < y ? -1 : x > y;
}

/* Loads the uptime rings from the rollups read at start-up. */
static void apply_boot_rollups(struct engine *e, const struct store_boot *boot)
{
	struct monitor **byk = xcalloc(e->nmonitors ? e->nmonitors : 1, sizeof(*byk));
	size_t i;

	memcpy(byk, e->monitors, e->nmonitors * sizeof(*byk));
	qsort(byk, e->nmonitors, sizeof(*byk), cmp_key);
	for (i = 0; i < boot->nrollups; i++) {
		const struct store_boot_rollup *r = &boot->rollups[i];
		struct monitor probe = { .key = r->key }, *pk = &probe, **hit;

		hit = bsearch(&pk, byk, e->nmonitors, sizeof(*byk), cmp_key);
		if (hit != NULL)
			history_load(&(*hit)->hist, (enum store_res)r->res, r->bucket, r->up,
			             r->degraded, r->down, r->lat_sum);
	}
	free(byk);
}

void engine_monitor_uptime(struct monitor *m, int64_t now_ms)
{
	int w;

	for (w = 0; w < HISTORY_WINDOWS; w++)
		m->uptime[w] = history_uptime(&m->hist, (enum history_window)w, now_ms);
}

/* Closes finished minute buckets and lets uptime windows slide. */
static void on_sweep(uv_timer_t *t)
{
	struct engine *e = t->data;
	int64_t now = time_wall_ms();
	size_t i;

	for (i = 0; i < e->nmonitors; i++) {
		struct monitor *m = e->monitors[i];

		history_flush(&m->hist, now, 0, check_emit_rollup, m);
		engine_monitor_uptime(m, now);
	}
	engine_mark_dirty(e);
}

int engine_monitors_start(struct engine *e, const struct store_boot *boot)
{
	size_t n, i, j;
	struct wanted *list;

	e->env.loop = e->loop;
	e->env.user_agent = "Vigil/" VIGIL_VERSION;
	e->env.proc_root = xstrdup(e->config->host.proc_root); /* a restart key */
	e->env.push_state = engine_push_state;
	e->env.push_arg = e;
	e->env.curl = curl_uv_new(e->loop);
	if (e->env.curl == NULL)
		return -1;
	e->alerting =
	        alerting_new(e->loop, e->store, e->env.curl, e->config, engine_metric_value, e);
	alerting_boot(e->alerting, boot);
	e->outage = alerting_outage_firing(e->alerting); /* it resolves once results say so */
	histogram_init(&e->sched_lag, histogram_latency_bounds, histogram_latency_nbounds);
	for (i = 0; boot != NULL && i < boot->nmonitors; i++)
		strmap_put(&e->keys, boot->monitors[i].slug, boot->monitors[i].key);
	e->max_key = boot ? boot->max_key : 0;
	engine_api_boot(e, boot);
	engine_maint_boot(e, boot);
	engine_incidents_boot(e, boot);
	engine_secrets_rebuild(e);
	list = wanted_list(e, &n);
	e->monitors = xcalloc(n ? n : 1, sizeof(*e->monitors));
	for (i = 0; i < n; i++) {
		struct monitor *m = monitor_new(e, &list[i]);

		for (j = 0; boot != NULL && j < boot->nmonitors; j++)
			if (boot->monitors[j].key == m->key)
				apply_boot(m, &boot->monitors[j]);
		e->monitors[e->nmonitors++] = m;
	}
	free(list);
	if (boot != NULL)
		apply_boot_rollups(e, boot);
	for (i = 0; i < e->nmonitors; i++)
		engine_monitor_uptime(e->monitors[i], time_wall_ms());
	for (i = 0; i < e->nmonitors; i++)
		sched_monitor_start(e->monitors[i]);
	uv_timer_init(e->loop, &e->sweep);
	e->sweep.data = e;
	e->open_handles++;
	uv_timer_start(&e->sweep, on_sweep, SWEEP_MS, SWEEP_MS);
	engine_correlate_config(e);
	if (e->nmonitors)
		log_info("engine: %zu monitor%s scheduled", e->nmonitors,
		         e->nmonitors == 1 ? "" : "s");
	return 0;
}

/* Stops a monitor that left the config; it is freed once its run is over. */
static void retire(struct monitor *m)
{
	m->removed = true;
	sched_monitor_stop(m);
	history_flush(&m->hist, 0, 1, check_emit_rollup, m);
	if (m->check != NULL)
		probe_run_cancel(&m->check->run);
	else
		engine_monitor_answer_waiters(m, true);
	engine_monitor_release(m);
}

void engine_monitors_apply(struct engine *e)
{
	size_t n, i, added = 0, changed = 0;
	struct wanted *list = wanted_list(e, &n);
	struct monitor **next = xcalloc(n ? n : 1, sizeof(*next));
	struct strmap old = { 0 };
	int64_t at;

	for (i = 0; i < e->nmonitors; i++)
		strmap_put(&old, e->monitors[i]->conf->id, (int64_t)i);
	for (i = 0; i < n; i++) {
		const struct monitor_conf *mc = list[i].conf;
		struct monitor *m;

		if (strmap_get(&old, mc->id, &at) && e->monitors[at] != NULL) {
			m = e->monitors[at];
			e->monitors[at] = NULL;
			if (strcmp(m->conf->fingerprint, mc->fingerprint) != 0) {
				m->conf = mc;
				sched_monitor_stop(
				        m); /* a new interval or target: a new schedule */
				sched_monitor_start(m);
				changed++;
			}
			m->conf = mc;
			m->owner = list[i].owner;
			m->api = list[i].api;
			history_set_long(&m->hist, mc->public);
		} else {
			m = monitor_new(e, &list[i]);
			engine_monitor_uptime(m, time_wall_ms());
			sched_monitor_start(m);
			added++;
		}
		next[i] = m;
	}
	for (i = 0; i < e->nmonitors; i++)
		if (e->monitors[i] != NULL)
			retire(e->monitors[i]);
	log_info("engine: monitors: %zu added, %zu changed, %zu removed, %zu in all", added,
	         changed, e->nmonitors + added - n, n);
	free(e->monitors);
	free(list);
	e->monitors = next;
	e->nmonitors = n;
	strmap_free(&old);
	engine_correlate_config(e);
	engine_mark_dirty(e);
}

void engine_monitors_close(struct engine *e)
{
	size_t i;

	for (i = 0; i < e->nmonitors; i++)
		retire(e->monitors[i]);
	free(e->monitors);
	e->monitors = NULL;
	e->nmonitors = 0;
	curl_uv_close(e->env.curl); /* every transfer was removed by the cancels above */
	e->env.curl = NULL;
	strmap_free(&e->keys);
}
