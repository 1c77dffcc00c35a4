/* The loop heartbeat: proves the loop turns and measures how late it turns. */
#include "conf/conf.h"
#include "engine/engine_int.h"
#include "store/store.h"
#include "util/log.h"
#include "util/time.h"

#define LAG_WARN_NS (NS_PER_SEC)

static void on_beat(uv_timer_t *t)
{
	struct engine *e = t->data;
	int64_t now = time_mono_ns();
	int64_t lag = now - e->beat_expected_ns;

	if (lag < 0)
		lag = 0;
	histogram_observe(&e->lag, lag);
	if (lag >= LAG_WARN_NS)
		log_warnx("engine: the loop was blocked for %.1f s", (double)lag / 1e9);
	e->lag_last_ns = lag;
	e->lag_ring[e->lag_pos] = lag;
	e->lag_pos = (e->lag_pos + 1) % LAG_WINDOW;
	e->beat_expected_ns = now + HEARTBEAT_MS * NS_PER_MS;
	atomic_store(&e->beat_ns, now);
	if (now - e->run_seen_ns >= RUN_SEEN_MS * NS_PER_MS) {
		struct store_op *op = store_op_new(STORE_OP_RUN_SEEN);

		op->u.run.id = e->started_ms;
		op->u.run.t = time_wall_ms();
		(void)store_submit(e->store, op);
		e->run_seen_ns = now;
	}
}

void engine_heartbeat_start(struct engine *e)
{
	int64_t now = time_mono_ns();

	uv_timer_init(e->loop, &e->heartbeat);
	e->heartbeat.data = e;
	e->open_handles++;
	e->beat_expected_ns = now + HEARTBEAT_MS * NS_PER_MS;
	e->run_seen_ns = now;
	atomic_store(&e->beat_ns, now);
	uv_timer_start(&e->heartbeat, on_beat, HEARTBEAT_MS, HEARTBEAT_MS);
}
