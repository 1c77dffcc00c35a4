/*
 * One check of one monitor, from start to its single completion: retries at
 * once, then the result is recorded: last result, history, state machine,
 * store rows, an event and a log line when the status changes.
 */
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"
#include "conf/conf.h"
#include "engine/engine_int.h"
#include "store/store.h"
#include "util/log.h"
#include "util/rcstr.h"
#include "util/time.h"
#include "util/xmalloc.h"

static void check_done(struct probe_run *run);

int probe_type_index(const struct probe_type *t)
{
	int i;

	for (i = 0; probe_types[i] != NULL && i < SNAP_TYPES_MAX; i++)
		if (probe_types[i] == t)
			return i;
	return 0;
}

void check_start(struct monitor *m)
{
	struct engine *e = m->engine;
	struct check *c = xcalloc(1, sizeof(*c));

	c->monitor = m;
	c->config = conf_ref(m->owner);
	c->run.mon = m->conf;
	c->run.env = &e->env;
	c->run.done = check_done;
	c->run.owner = c;
	m->check = c;
	e->checks_active++;
	probe_run_start(&c->run);
}

static void submit(struct engine *e, struct store_op *op)
{
	(void)store_submit(e->store, op); /* a full queue is counted, logged and shown in /health */
}

void check_emit_rollup(void *arg, enum store_res res, int64_t bucket, const struct store_rollup *r)
{
	struct monitor *m = arg;
	struct store_op *op = store_op_new(STORE_OP_ROLLUP);

	op->u.rollup.monitor = m->key;
	op->u.rollup.res = res;
	op->u.rollup.bucket = bucket;
	op->u.rollup.r = *r;
	submit(m->engine, op);
}

static void store_result(struct monitor *m, const struct probe_result *r, enum status status)
{
	struct store_op *op = store_op_new(STORE_OP_RESULT);
	uint64_t h = strmap_hash(r->message);

	op->u.result.monitor = m->key;
	op->u.result.t = r->started_ms;
	op->u.result.status = status;
	op->u.result.latency_us = r->latency_ns / 1000;
	op->u.result.reason = r->outcome;
	if (h != m->stored_msg) { /* messages are stored only when they change */
		op->text = xstrdup(r->message);
		m->stored_msg = h;
	}
	if (r->perfdata != NULL)
		op->blob = xstrdup(r->perfdata);
	submit(m->engine, op);
}

void engine_store_state(struct monitor *m)
{
	struct store_op *op = store_op_new(STORE_OP_STATE);

	op->u.state.monitor = m->key;
	op->u.state.status = m->st.status;
	op->u.state.since = m->st.since_ms;
	op->u.state.failures = m->st.failures;
	op->u.state.successes = m->st.successes;
	submit(m->engine, op);
}

void engine_submit_event(struct monitor *m, enum status old, int reason, char *text)
{
	struct store_op *op = store_op_new(STORE_OP_EVENT);

	op->u.event.monitor = m->key;
	op->u.event.t = m->st.since_ms;
	op->u.event.old = old;
	op->u.event.new_ = m->st.status;
	op->u.event.reason = reason;
	op->text = text;
	submit(m->engine, op);
}

static void store_event(struct monitor *m, enum status old, const struct probe_result *r)
{
	/* a network failure counted as unknown says why */
	char *text = m->st.status == STATUS_UNKNOWN && r->status == STATUS_DOWN
	                     ? xasprintf("%s (counted as unknown: Vigil's own network/DNS looks "
	                                 "broken)",
	                                 r->message)
	                     : xstrdup(r->message);

	engine_submit_event(m, old, r->outcome, xstrdup(text));
	log_info("monitor %s: %s -> %s (%s: %s)", m->conf->id, status_str(old),
	         status_str(m->st.status), probe_outcome_str(r->outcome), text);
	engine_incident_transition(m->engine, m, old, probe_outcome_str(r->outcome), text);
	if (m->engine->alerting != NULL)
		alerting_transition(m->engine->alerting, m->key, m->conf->id, m->conf->name,
		                    &m->conf->alerts, old, m->st.status,
		                    probe_outcome_str(r->outcome), text, m->st.since_ms);
	free(text);
}

static void keep_last(struct monitor *m, const struct probe_result *r)
{
	struct monitor_last *l = &m->last;

	l->t_ms = r->started_ms;
	l->latency_ns = r->latency_ns;
	l->outcome = r->outcome;
	l->status = r->status;
	l->http_status = r->http_status;
	l->cert_expiry = r->cert_expiry;
	l->t_resolve = r->t_resolve;
	l->t_connect = r->t_connect;
	l->t_tls = r->t_tls;
	l->t_processing = r->t_processing;
	l->t_transfer = r->t_transfer;
	l->attempts = r->attempts;
	l->nvalues = r->nvalues;
	memcpy(l->values, r->values, sizeof(l->values));
	if (r->perfdata == NULL) {
		rcstr_unref(m->perfdata);
		m->perfdata = NULL;
	} else if (m->perfdata == NULL || strcmp(m->perfdata->s, r->perfdata) != 0) {
		rcstr_unref(m->perfdata);
		m->perfdata = rcstr_new(r->perfdata);
	}
	if (m->message == NULL || strcmp(m->message->s, r->message) != 0) {
		rcstr_unref(m->message);
		m->message = rcstr_new(r->message);
	}
}

/*
 * A result during a maintenance window: kept and stored as it is, but the
 * status is maintenance, nothing alerts and uptime does not count it.
 */
static void record_maintenance(struct monitor *m, const struct probe_result *r, const char *window)
{
	enum status old = m->st.status;

	m->checks++;
	keep_last(m, r);
	history_add(&m->hist, r->started_ms, STATUS_MAINTENANCE, r->latency_ns / 1000,
	            check_emit_rollup, m);
	engine_monitor_uptime(m, r->started_ms);
	store_result(m, r, r->status);
	if (old != STATUS_MAINTENANCE) {
		m->st = (struct mstate){ STATUS_MAINTENANCE, time_wall_ms(), 0, 0 };
		engine_store_state(m);
		engine_submit_event(m, old, PROBE_OK, xasprintf("maintenance: %s", window));
		log_info("monitor %s: %s -> maintenance (%s)", m->conf->id, status_str(old),
		         window);
	}
	engine_mark_dirty(m->engine);
}

/* Flap detection (flap.c): one alert instead of a storm while a monitor flaps. */
static void flap_detect(struct monitor *m, bool down)
{
	const struct conf_alerting *al = &m->engine->config->alerting;
	double share = 0;

	if (!flap_add(&m->flap, down, al->flap_high, al->flap_low, &share))
		return;
	log_info("monitor %s: %s flapping (%.0f %% of its last %d results changed state)",
	         m->conf->id, m->flap.flapping ? "is" : "stopped", share, FLAP_WINDOW);
	if (m->engine->alerting != NULL)
		alerting_flapping(m->engine->alerting, m->key, m->conf->id, m->conf->name,
		                  &m->conf->alerts, m->flap.flapping, share, m->st.status);
}

/*
 * What result R of a network monitor counts as: while Vigil's own network
 * looks broken (correlation), a network failure says nothing about the
 * target: unknown.
 */
static enum status correlated(struct monitor *m, const struct probe_result *r)
{
	struct engine *e = m->engine;
	bool netfail = r->status == STATUS_DOWN && probe_outcome_network(r->outcome);

	if (!m->conf->probe->network)
		return r->status;
	m->corr_t = r->started_ms;
	m->corr_fail = netfail;
	engine_correlate(e, time_wall_ms());
	return netfail && e->outage ? STATUS_UNKNOWN : r->status;
}

static void record(struct monitor *m, const struct probe_result *r)
{
	const char *w = engine_maintenance(m->engine, m->conf, r->started_ms);
	struct mstate before = m->st;
	enum status old, status;
	bool changed;

	if (w != NULL) {
		record_maintenance(m, r, w);
		return;
	}
	m->checks++;
	keep_last(m, r);
	status = correlated(m, r);
	m->last.status = status;
	if (m->conf->alerts.cert_days > 0 && r->cert_expiry > 0 && m->engine->alerting != NULL)
		alerting_certificate(m->engine->alerting, m->key, m->conf->id, m->conf->name,
		                     &m->conf->alerts, r->cert_expiry, time_wall_ms());
	history_add(&m->hist, r->started_ms, status, r->latency_ns / 1000, check_emit_rollup, m);
	engine_monitor_uptime(m, r->started_ms);
	changed = state_apply(&m->st, status, (int)m->conf->failure_threshold,
	                      (int)m->conf->success_threshold, time_wall_ms(), &old);
	flap_detect(m, status == STATUS_DOWN);
	store_result(m, r, status);
	if (memcmp(&before, &m->st, sizeof(before)) != 0)
		engine_store_state(m);
	if (changed)
		store_event(m, old, r);
	engine_mark_dirty(m->engine);
}

static void check_free(struct check *c)
{
	struct monitor *m = c->monitor;
	struct engine *e = m->engine;

	probe_run_release(&c->run);
	conf_unref(c->config);
	free(c);
	m->check = NULL;
	e->checks_active--;
}

static void check_done(struct probe_run *run)
{
	struct check *c = run->owner;
	struct monitor *m = c->monitor;
	struct engine *e = m->engine;
	struct probe_result *r = &run->result;
	bool cancelled;

	if (r->status == STATUS_DOWN && m->attempt <= run->mon->retries && !m->removed &&
	    !m->paused && !e->closing) {
		m->attempt++; /* retry at once, in the same slot of the window */
		probe_run_release(run);
		probe_run_start(run);
		return;
	}
	r->attempts = m->attempt;
	e->checks_total[probe_type_index(run->mon->probe)][r->outcome]++;
	cancelled = r->outcome == PROBE_CANCELLED || m->removed || m->paused;
	if (!cancelled)
		record(m, r);
	check_free(c); /* frees R */
	engine_monitor_answer_waiters(m, cancelled);
	sched_check_done(e);
	if (m->removed)
		engine_monitor_release(m);
	engine_maybe_free(e);
}
