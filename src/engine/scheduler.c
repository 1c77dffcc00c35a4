/*
 * The scheduler: each monitor runs at its interval with a deterministic phase
 * (a hash of its id), on the monotonic clock; at most max_in_flight runs at
 * once, the rest wait in order and their wait is the scheduler lag.
 */
#include "conf/conf.h"
#include "engine/engine_int.h"
#include "util/log.h"
#include "util/time.h"

static void on_due(uv_timer_t *t);

/* Arms the timer for due_ns. */
static void arm(struct monitor *m)
{
	int64_t now = time_mono_ns(), delay = m->due_ns - now;

	if (delay < 0)
		delay = 0;
	/* Round down: libuv counts whole milliseconds, and firing up to 1 ms early
	 * costs nothing (the next slot is computed from due_ns) while late adds lag. */
	uv_timer_start(&m->timer, on_due, (uint64_t)(delay / NS_PER_MS), 0);
}

/* Moves due_ns to the next slot of the schedule that is still ahead. */
static void advance(struct monitor *m)
{
	int64_t now = time_mono_ns(), interval = m->conf->interval * NS_PER_MS;

	m->due_ns += interval;
	if (m->due_ns <= now) /* we fell behind (a long block or run): skip missed slots */
		m->due_ns += ((now - m->due_ns) / interval + 1) * interval;
}

void sched_monitor_start(struct monitor *m)
{
	int64_t interval = m->conf->interval * NS_PER_MS;

	if (m->paused)
		return;
	m->phase_ns = (int64_t)(strmap_hash(m->conf->id) % (uint64_t)interval);
	m->due_ns = time_mono_ns() + m->phase_ns;
	arm(m);
}

static void dequeue(struct engine *e, struct monitor *m)
{
	struct monitor **pp = &e->qhead, *prev = NULL;

	while (*pp != NULL && *pp != m) {
		prev = *pp;
		pp = &(*pp)->qnext;
	}
	if (*pp == NULL)
		return;
	*pp = m->qnext;
	if (e->qtail == m)
		e->qtail = prev;
	m->qnext = NULL;
	m->queued = false;
	e->queued--;
}

void sched_monitor_stop(struct monitor *m)
{
	uv_timer_stop(&m->timer);
	if (m->queued)
		dequeue(m->engine, m);
}

static void begin(struct engine *e, struct monitor *m)
{
	histogram_observe(&e->sched_lag, time_mono_ns() - m->run_due_ns);
	e->in_flight++;
	m->attempt = 1;
	check_start(m);
}

static void on_due(uv_timer_t *t)
{
	struct monitor *m = t->data;
	struct engine *e = m->engine;

	if (m->check != NULL || m->queued) {
		/* Never two runs of one monitor: this slot is skipped. */
		e->skipped++;
		log_debug("engine: %s: still running at its next slot; skipped", m->conf->id);
	} else if (e->in_flight < e->config->scheduler.max_in_flight) {
		m->run_due_ns = m->due_ns;
		begin(e, m);
	} else {
		m->run_due_ns = m->due_ns;
		m->queued = true;
		m->qnext = NULL;
		if (e->qtail != NULL)
			e->qtail->qnext = m;
		else
			e->qhead = m;
		e->qtail = m;
		e->queued++;
	}
	advance(m);
	arm(m);
}

void sched_run_now(struct monitor *m)
{
	m->run_due_ns = time_mono_ns();
	begin(m->engine, m);
}

void sched_check_done(struct engine *e)
{
	e->in_flight--;
	while (e->qhead != NULL && e->in_flight < e->config->scheduler.max_in_flight &&
	       !e->closing) {
		struct monitor *m = e->qhead;

		dequeue(e, m);
		begin(e, m);
	}
}
