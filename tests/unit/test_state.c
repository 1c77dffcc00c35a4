/* Unit tests of src/engine/state.c: thresholds and transitions. */
#include "testing.h"

#include <stdbool.h>

#include "engine/state.h"

static struct mstate fresh(void)
{
	struct mstate s = { STATUS_UNKNOWN, 0, 0, 0 };

	return s;
}

static void test_first_result(void **state)
{
	struct mstate s = fresh();
	enum status old;

	(void)state;
	assert_true(state_apply(&s, STATUS_UP, 1, 1, 100, &old));
	assert_int_equal(old, STATUS_UNKNOWN);
	assert_int_equal(s.status, STATUS_UP);
	assert_int_equal(s.since_ms, 100);
	assert_false(state_apply(&s, STATUS_UP, 1, 1, 200, &old));
	assert_int_equal(s.since_ms, 100);
}

static void test_failure_threshold(void **state)
{
	struct mstate s = fresh();
	enum status old;

	(void)state;
	state_apply(&s, STATUS_UP, 3, 1, 1, &old);
	assert_false(state_apply(&s, STATUS_DOWN, 3, 1, 2, &old));
	assert_false(state_apply(&s, STATUS_DOWN, 3, 1, 3, &old));
	assert_int_equal(s.status, STATUS_UP);
	assert_true(state_apply(&s, STATUS_DOWN, 3, 1, 4, &old));
	assert_int_equal(old, STATUS_UP);
	assert_int_equal(s.status, STATUS_DOWN);
	assert_int_equal(s.since_ms, 4);
	/* the counter is capped: a steady down monitor's state stops changing */
	state_apply(&s, STATUS_DOWN, 3, 1, 5, &old);
	assert_int_equal(s.failures, 3);
	/* an interruption resets the count */
	s = fresh();
	state_apply(&s, STATUS_UP, 2, 1, 1, &old);
	state_apply(&s, STATUS_DOWN, 2, 1, 2, &old);
	state_apply(&s, STATUS_UP, 2, 1, 3, &old);
	assert_false(state_apply(&s, STATUS_DOWN, 2, 1, 4, &old));
	assert_int_equal(s.status, STATUS_UP);
}

static void test_success_threshold(void **state)
{
	struct mstate s = fresh();
	enum status old;

	(void)state;
	state_apply(&s, STATUS_DOWN, 1, 2, 1, &old);
	assert_int_equal(s.status, STATUS_DOWN);
	assert_false(state_apply(&s, STATUS_UP, 1, 2, 2, &old));
	assert_int_equal(s.status, STATUS_DOWN);
	assert_true(state_apply(&s, STATUS_DEGRADED, 1, 2, 3, &old));
	assert_int_equal(s.status, STATUS_DEGRADED);
	assert_true(state_apply(&s, STATUS_UP, 1, 2, 4, &old));
	assert_int_equal(old, STATUS_DEGRADED);
}

static void test_unknown_until_threshold(void **state)
{
	struct mstate s = fresh();
	enum status old;

	(void)state;
	assert_false(state_apply(&s, STATUS_DOWN, 2, 1, 1, &old));
	assert_int_equal(s.status, STATUS_UNKNOWN);
	assert_true(state_apply(&s, STATUS_DOWN, 2, 1, 2, &old));
	assert_int_equal(s.status, STATUS_DOWN);
	/* Vigil could not check: unknown at once */
	assert_true(state_apply(&s, STATUS_UNKNOWN, 2, 1, 3, &old));
	assert_int_equal(s.status, STATUS_UNKNOWN);
	assert_int_equal(s.failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_result),
		cmocka_unit_test(test_failure_threshold),
		cmocka_unit_test(test_success_threshold),
		cmocka_unit_test(test_unknown_until_threshold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
