/*
 * Correlated failure (alerting.correlation): counts the network monitors
 * checked within the window and those that failed for network reasons;
 * while Vigil's own network looks broken their network failures count as
 * unknown, and one alert says so instead of one page per monitor.
 */
#include <stdio.h>

#include "alert/alert.h"
#include "conf/conf.h"
#include "engine/correlate.h"
#include "engine/engine_int.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define CORRELATE_EVERY_MS 500 /* at most this often: each look is a pass over the monitors */

bool correlate_verdict(const struct conf_correlation *c, bool on, size_t checked, size_t failed)
{
	if (c->min_monitors <= 0)
		return false;
	if (checked == 0)
		return on; /* nothing seen lately: nothing learnt */
	if (!on)
		return (int64_t)failed >= c->min_monitors &&
		       (double)failed * 100 >= c->share * (double)checked;
	return (int64_t)failed * 2 >= c->min_monitors &&
	       (double)failed * 100 >= c->share / 2 * (double)checked;
}

/* How many network monitors there are: correlation needs min_monitors of them. */
static size_t network_monitors(const struct engine *e)
{
	size_t i, n = 0;

	for (i = 0; i < e->nmonitors; i++)
		n += e->monitors[i]->conf->probe->network && !e->monitors[i]->paused;
	return n;
}

void engine_correlate_config(struct engine *e)
{
	const struct conf_correlation *c = &e->config->alerting.correlation;

	if (e->alerting != NULL)
		alerting_set_net_hold(e->alerting,
		                      c->min_monitors > 0 && c->hold > 0 &&
		                              network_monitors(e) >= (size_t)c->min_monitors);
}

/* At the onset: monitors already down for a network reason in the window become unknown. */
static void take_back(struct engine *e, int64_t since, const char *why)
{
	size_t i;

	for (i = 0; i < e->nmonitors; i++) {
		struct monitor *m = e->monitors[i];

		if (!m->conf->probe->network || !m->corr_fail || m->corr_t < since ||
		    m->st.status != STATUS_DOWN)
			continue;
		m->st = (struct mstate){ STATUS_UNKNOWN, m->corr_t, 0, 0 };
		engine_store_state(m);
		engine_submit_event(m, STATUS_DOWN, m->last.outcome, xasprintf("%s", why));
		engine_incident_withdraw(e, m, why);
		if (e->alerting != NULL)
			(void)alerting_suppress(e->alerting, m->key, why);
		log_info("monitor %s: down -> unknown (%s)", m->conf->id, why);
	}
}

void engine_correlate(struct engine *e, int64_t now)
{
	const struct conf_correlation *c = &e->config->alerting.correlation;
	int64_t since = now - c->window;
	size_t i, checked = 0, failed = 0;
	char why[300];
	bool on;

	if (c->min_monitors <= 0 ||
	    (e->corr_seen_ms != 0 && now - e->corr_seen_ms < CORRELATE_EVERY_MS &&
	     now >= e->corr_seen_ms))
		return;
	e->corr_seen_ms = now;
	for (i = 0; i < e->nmonitors; i++) {
		const struct monitor *m = e->monitors[i];

		if (!m->conf->probe->network || m->paused || m->corr_t < since)
			continue;
		checked++;
		failed += m->corr_fail;
	}
	on = correlate_verdict(c, e->outage, checked, failed);
	if (on == e->outage)
		return;
	e->outage = on;
	snprintf(why, sizeof(why),
	         on ? "Vigil's own network/DNS looks broken: %zu of the %zu network monitors "
	              "checked in the last %lld s failed for network or DNS reasons"
	            : "Vigil's own network/DNS works again: %zu of the %zu network monitors "
	              "checked in the last %lld s failed for network or DNS reasons",
	         failed, checked, (long long)(c->window / 1000));
	log_warnx("engine: %s", why);
	if (on)
		take_back(e, since, why);
	if (e->alerting != NULL)
		alerting_outage(e->alerting, on, why);
	engine_mark_dirty(e);
}
