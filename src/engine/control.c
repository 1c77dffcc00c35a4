/* Commands on one monitor: run it now, pause it, resume it. */
#include <string.h>

#include "conf/conf.h"
#include "engine/engine_int.h"
#include "store/store.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xmalloc.h"

struct monitor *engine_monitor_find(struct engine *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->nmonitors; i++)
		if (strcmp(e->monitors[i]->conf->id, id) == 0)
			return e->monitors[i];
	return NULL;
}

void engine_monitor_answer_waiters(struct monitor *m, bool cancelled)
{
	struct engine_cmd *c = m->waiters, *next;

	if (c == NULL)
		return;
	m->waiters = NULL;
	if (!cancelled)
		engine_publish_now(m->engine); /* the answer reads the result from the snapshot */
	for (; c != NULL; c = next) {
		next = c->next;
		if (cancelled)
			engine_cmd_reply(
			        c, 409, "cancelled",
			        "the check of \"%s\" was cancelled (the monitor was removed "
			        "or paused, or Vigil is stopping)",
			        c->id);
		else
			engine_cmd_reply(c, 200, NULL, "checked");
	}
}

void engine_monitor_run(struct engine *e, struct engine_cmd *c)
{
	struct monitor *m = engine_monitor_find(e, c->id);

	if (m == NULL) {
		engine_cmd_reply(c, 404, "not_found", "no monitor with id \"%s\"", c->id);
		return;
	}
	if (m->paused) {
		engine_cmd_reply(c, 409, "paused",
		                 "monitor \"%s\" is paused: resume it to run checks", c->id);
		return;
	}
	c->next = m->waiters;
	m->waiters = c;
	/* one run at a time: a run in flight or waiting for a slot answers too */
	if (m->check == NULL && !m->queued) {
		log_info("engine: monitor %s checked now at the request of %s", c->id, c->who);
		sched_run_now(m);
	}
}

/* Records the paused status like any change: state row, event, log line. */
static void set_status(struct monitor *m, enum status to, const char *who)
{
	enum status from = m->st.status;
	const char *verb = to == STATUS_PAUSED ? "paused" : "resumed";

	if (from == to)
		return;
	m->st.status = to;
	m->st.since_ms = time_wall_ms();
	m->st.failures = m->st.successes = 0;
	engine_store_state(m);
	engine_submit_event(m, from, PROBE_OK, xasprintf("%s by %s", verb, who));
	log_info("monitor %s: %s -> %s (%s by %s)", m->conf->id, status_str(from), status_str(to),
	         verb, who);
}

void engine_monitor_pause(struct engine *e, struct engine_cmd *c, bool pause)
{
	struct monitor *m = engine_monitor_find(e, c->id);
	const char *who = c->who[0] ? c->who : "the API";

	if (m == NULL) {
		engine_cmd_reply(c, 404, "not_found", "no monitor with id \"%s\"", c->id);
		return;
	}
	if (m->paused == pause) {
		engine_publish_now(e);
		engine_cmd_reply(c, 200, NULL, "monitor \"%s\" was already %s", c->id,
		                 pause ? "paused" : "running");
		return;
	}
	m->paused = pause;
	if (pause) {
		m->paused_from = m->st.status;
		sched_monitor_stop(m);
		if (m->check != NULL)
			probe_run_cancel(&m->check->run);
		set_status(m, STATUS_PAUSED, who);
	} else {
		/* the old status stands until the next result; after a restart it is unknown */
		set_status(m, m->paused_from, who);
		sched_monitor_start(m);
	}
	engine_publish_now(e);
	engine_cmd_reply(c, 200, NULL, "monitor \"%s\" %s", c->id, pause ? "paused" : "resumed");
}
