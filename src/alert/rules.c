/*
 * Threshold rules (alerting.rules): every second each rule's metric is read;
 * a rule that holds is pending, fires once it held for `for`, and resolves
 * once the value is no longer beyond its resolve threshold (hysteresis).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert_int.h"
#include "conf/conf.h"
#include "store/store.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define RULES_TICK_MS             1000
#define RULES_OUTAGE_TOLERANCE_MS (3600 * 1000LL)

static bool beyond(double v, int op, double t)
{
	switch (op) {
	case OP_GT:
		return v > t;
	case OP_GE:
		return v >= t;
	case OP_LT:
		return v < t;
	case OP_LE:
		return v <= t;
	case OP_EQ:
		return v == t;
	default:
		return v != t;
	}
}

static void announce(struct alerting *a, const struct conf_rule *r, struct firing *f, bool resolve,
                     double v, int64_t now)
{
	struct render_input in = { 0 };
	char message[300];

	snprintf(message, sizeof(message), "%s = %g (%s %g)", r->metric, v, rule_op_names[r->op],
	         r->threshold);
	in.kind = resolve ? "resolve" : "trigger";
	in.alert_id = f->v.id;
	in.monitor_id = "";
	in.monitor_name = r->name;
	in.rule = r->name;
	in.severity = f->v.severity;
	in.status = resolve ? "resolved" : "firing";
	in.previous = resolve ? "firing" : "ok";
	in.reason = "threshold";
	in.message = message;
	in.started = f->v.started;
	in.t_ms = now;
	in.metric = r->metric;
	in.op = rule_op_names[r->op];
	in.value = v;
	in.threshold = r->threshold;
	alert_record(a, f, resolve ? now : 0, &in, r->channels.n ? &r->channels : NULL);
}

/* Rule R began to hold at SINCE (0: it no longer does); kept across restarts. */
static void set_pending(struct alerting *a, size_t i, const struct conf_rule *r, int64_t since)
{
	struct store_op *op;

	if (a->pending_since[i] == since)
		return;
	a->pending_since[i] = since;
	if (a->store == NULL)
		return;
	op = store_op_new(STORE_OP_RULE_PENDING);
	snprintf(op->u.rule.name, sizeof(op->u.rule.name), "%s", r->name);
	snprintf(op->u.rule.metric, sizeof(op->u.rule.metric), "%s", r->metric);
	op->u.rule.since = since;
	(void)store_submit(a->store, op);
}

static void evaluate(struct alerting *a, size_t i, const struct conf_rule *r, int64_t now)
{
	struct firing *f = alert_find(a, 0, r->name), done;
	double v, resolve_at = isnan(r->resolve_threshold) ? r->threshold : r->resolve_threshold;
	char message[300];

	if (!a->source(a->source_arg, r->metric, &v))
		return; /* no value (yet): nothing changes */
	if (f != NULL) {
		if (!beyond(v, r->op, resolve_at)) {
			alert_close(a, f, &done);
			log_info("alerting: alert %lld resolved: rule %s: %s = %g",
			         (long long)done.v.id, r->name, r->metric, v);
			announce(a, r, &done, true, v, now);
			alert_free_firing(&done);
		}
		set_pending(a, i, r, 0);
		return;
	}
	if (!beyond(v, r->op, r->threshold)) {
		set_pending(a, i, r, 0);
		return;
	}
	if (a->pending_since[i] == 0)
		set_pending(a, i, r, now); /* pending */
	if (now - a->pending_since[i] < r->for_ms)
		return;
	snprintf(message, sizeof(message), "%s = %g (%s %g)", r->metric, v, rule_op_names[r->op],
	         r->threshold);
	f = alert_open(a, 0, r->name, alert_severity_names[r->severity], message,
	               a->pending_since[i]);
	alert_subject(f, "", r->name);
	if (r->channels.n > 0)
		alert_keep_channels(f, &r->channels); /* its reminders go there too */
	log_info("alerting: alert %lld fires: rule %s: %s", (long long)f->v.id, r->name, message);
	announce(a, r, f, false, v, now);
}

void rules_tick(struct alerting *a, int64_t now)
{
	const struct conf_rule *rules = a->cfg->alerting.rules.v;
	size_t i;

	for (i = 0; i < a->cfg->alerting.rules.n && i < a->npending; i++)
		evaluate(a, i, &rules[i], now);
	alert_follow_up(a, now);
}

static void on_tick(uv_timer_t *t)
{
	struct alerting *a = t->data;

	rules_tick(a, a->clock());
}

void rules_boot(struct alerting *a, const struct store_boot *boot)
{
	const struct conf_rule *rules = a->cfg->alerting.rules.v;
	int64_t now = a->clock();
	size_t i, j;

	/*
	 * A rule pending before the restart keeps its time: `for` counts from
	 * then. Like Prometheus' outage tolerance, not after an hour past when
	 * it would have fired: nobody knows what held while Vigil was away.
	 */
	for (i = 0; i < a->npending; i++)
		for (j = 0; j < boot->nrules; j++)
			if (strcmp(rules[i].name, boot->rules[j].name) == 0 &&
			    strcmp(rules[i].metric, boot->rules[j].metric) == 0 &&
			    now - boot->rules[j].since <
			            rules[i].for_ms + RULES_OUTAGE_TOLERANCE_MS)
				a->pending_since[i] = boot->rules[j].since;
}

static void size_pending(struct alerting *a)
{
	free(a->pending_since);
	a->npending = a->cfg->alerting.rules.n;
	a->pending_since = xcalloc(a->npending ? a->npending : 1, sizeof(*a->pending_since));
}

void rules_start(struct alerting *a)
{
	size_pending(a);
	uv_timer_init(a->loop, &a->rules_timer);
	a->rules_timer.data = a;
	a->open_handles++;
	uv_timer_start(&a->rules_timer, on_tick, RULES_TICK_MS, RULES_TICK_MS);
}

void rules_config_changed(struct alerting *a, const struct vigil_config *old)
{
	const struct conf_rule *was = old->alerting.rules.v, *now = a->cfg->alerting.rules.v;
	int64_t *kept = a->pending_since;
	size_t n = a->npending, i, j;

	a->pending_since = NULL;
	size_pending(a);
	/* a rule that stays (same name and metric) keeps its pending time */
	for (i = 0; i < a->npending; i++)
		for (j = 0; j < n && j < old->alerting.rules.n; j++)
			if (strcmp(now[i].name, was[j].name) == 0 &&
			    strcmp(now[i].metric, was[j].metric) == 0)
				a->pending_since[i] = kept[j];
	free(kept);
}

void rules_close(struct alerting *a)
{
	uv_close((uv_handle_t *)&a->rules_timer, alert_handle_closed);
}
