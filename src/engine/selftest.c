/*
 * Test-only store load (VIGIL_TEST_STORE_LOAD=ops per second): a steady
 * stream of small writes so tests can kill the daemon mid-commit and check
 * that every batch it reported committed survived.
 */
#include <stdlib.h>

#include "engine/engine_int.h"
#include "store/store.h"
#include "util/log.h"
#include "util/time.h"

#define SELFTEST_TICK_MS 10

static void on_selftest(uv_timer_t *t)
{
	struct engine *e = t->data;
	int64_t i, n = e->selftest_rate * SELFTEST_TICK_MS / 1000;

	if (n < 1)
		n = 1;
	for (i = 0; i < n; i++) {
		struct store_op *op = store_op_new(STORE_OP_SELFTEST);

		op->u.selftest.seq = e->selftest_seq++;
		op->u.selftest.t = time_wall_ms();
		(void)store_submit(e->store, op);
	}
}

void engine_selftest_start(struct engine *e)
{
	const char *env = getenv("VIGIL_TEST_STORE_LOAD");

	if (env == NULL || (e->selftest_rate = atoll(env)) <= 0)
		return;
	e->selftest_seq = e->started_ms * 1000000;
	log_info("store: selftest load of %lld ops/s, seq from %lld", (long long)e->selftest_rate,
	         (long long)e->selftest_seq);
	uv_timer_init(e->loop, &e->selftest);
	e->selftest.data = e;
	e->open_handles++;
	uv_timer_start(&e->selftest, on_selftest, SELFTEST_TICK_MS, SELFTEST_TICK_MS);
}
