/* Unit tests of src/probe/push.c (heartbeat judgement) and src/util/utf8.c. */
#include "testing.h"

#include "probe/push.h"
#include "util/utf8.h"

#define S 1000 /* ms */

static const struct push_conf conf = { "0123456789abcdef", 60 * S, 10 * S };

static struct push_state fresh(int64_t now)
{
	struct push_state s = { 0 };

	s.waiting_since = now;
	s.exit_code = -1;
	s.duration = -1;
	return s;
}

static enum probe_outcome judge(const struct push_state *s, int64_t now, struct probe_result *r)
{
	probe_result_free(r);
	probe_result_init(r);
	push_evaluate(&conf, s, now, r);
	return r->outcome;
}

static void test_kind_parse(void **state)
{
	enum push_kind k;
	int code;

	(void)state;
	assert_int_equal(push_kind_parse(NULL, &k, &code), 0);
	assert_int_equal(k, PUSH_SUCCESS);
	assert_int_equal(push_kind_parse("start", &k, &code), 0);
	assert_int_equal(k, PUSH_START);
	assert_int_equal(push_kind_parse("fail", &k, &code), 0);
	assert_int_equal(k, PUSH_FAIL);
	assert_int_equal(code, -1);
	assert_int_equal(push_kind_parse("0", &k, &code), 0);
	assert_int_equal(k, PUSH_SUCCESS);
	assert_int_equal(push_kind_parse("255", &k, &code), 0);
	assert_int_equal(k, PUSH_FAIL);
	assert_int_equal(code, 255);
	assert_int_equal(push_kind_parse("256", &k, &code), -1);
	assert_int_equal(push_kind_parse("-1", &k, &code), -1);
	assert_int_equal(push_kind_parse("1x", &k, &code), -1);
	assert_int_equal(push_kind_parse("0001", &k, &code), -1);
	assert_int_equal(push_kind_parse("Start", &k, &code), -1);
}

static void test_deadlines(void **state)
{
	struct push_state s = fresh(1000 * S);
	struct probe_result r;

	(void)state;
	probe_result_init(&r);
	assert_int_equal(judge(&s, 1000 * S, &r), PROBE_AWAITING_PING);
	assert_int_equal(probe_outcome_status(r.outcome), STATUS_UNKNOWN);
	/* late only after period + grace since Vigil began waiting */
	assert_int_equal(judge(&s, 1070 * S, &r), PROBE_AWAITING_PING);
	assert_int_equal(judge(&s, 1070 * S + 1, &r), PROBE_HEARTBEAT_MISSED);
	assert_contains(r.message, "no ping since Vigil began waiting 1m10s");
	push_record(&s, PUSH_SUCCESS, -1, "done\n", 5, 1100 * S);
	assert_int_equal(judge(&s, 1170 * S, &r), PROBE_OK);
	assert_string_equal(r.message, "done");
	assert_int_equal(judge(&s, 1171 * S, &r), PROBE_HEARTBEAT_MISSED);
	assert_contains(r.message, "last ping 1m11s ago (period 1m + grace 10s)");
	probe_result_free(&r);
	push_state_clear(&s);
}

static void test_failure_and_recovery(void **state)
{
	struct push_state s = fresh(0);
	struct probe_result r;
	double v;

	(void)state;
	probe_result_init(&r);
	push_record(&s, PUSH_START, -1, NULL, 0, 10 * S);
	push_record(&s, PUSH_FAIL, 4, "step 1 ok\nstep 2 failed\n\n", 25, 13 * S);
	assert_int_equal(judge(&s, 14 * S, &r), PROBE_JOB_FAILED);
	assert_string_equal(r.message, "failed with exit code 4: step 2 failed");
	assert_int_equal(probe_result_get_value(&r, "duration_s", &v), 0);
	assert_true(v == 3.0);
	assert_int_equal(probe_result_get_value(&r, "exit_code", &v), 0);
	assert_true(v == 4.0);
	assert_memory_equal(r.body.data, "step 1 ok\nstep 2 failed\n\n", 25);
	/* a failure stays down, however recent, until a success */
	assert_int_equal(judge(&s, 15 * S, &r), PROBE_JOB_FAILED);
	push_record(&s, PUSH_SUCCESS, -1, "", 0, 20 * S);
	assert_int_equal(judge(&s, 21 * S, &r), PROBE_OK);
	assert_string_equal(r.message, "ping");
	assert_int_equal(probe_result_get_value(&r, "exit_code", &v), -1);
	/* without a start, no duration */
	assert_int_equal(probe_result_get_value(&r, "duration_s", &v), -1);
	probe_result_free(&r);
	push_state_clear(&s);
}

static void test_unfinished_run(void **state)
{
	struct push_state s = fresh(0);
	struct probe_result r;

	(void)state;
	probe_result_init(&r);
	push_record(&s, PUSH_SUCCESS, -1, "ok", 2, 1 * S);
	push_record(&s, PUSH_START, -1, NULL, 0, 5 * S);
	assert_int_equal(judge(&s, 15 * S, &r), PROBE_OK); /* within grace */
	assert_int_equal(judge(&s, 15 * S + 1, &r), PROBE_HEARTBEAT_MISSED);
	assert_contains(r.message, "has not finished (grace 10s)");
	probe_result_free(&r);
	push_state_clear(&s);
}

static void test_body_cap_and_message(void **state)
{
	struct push_state s = fresh(0);
	char *big = malloc(PUSH_BODY_MAX + 100);

	(void)state;
	memset(big, 'x', PUSH_BODY_MAX + 100);
	push_record(&s, PUSH_SUCCESS, -1, big, PUSH_BODY_MAX + 100, S);
	assert_int_equal(s.body_len, PUSH_BODY_MAX);
	assert_int_equal(strlen(s.message), PROBE_MESSAGE_MAX - 1);
	push_record(&s, PUSH_SUCCESS, -1, "  first\r\n  last line  \r\n\t\n", 26, S);
	assert_string_equal(s.message, "last line");
	push_record(&s, PUSH_SUCCESS, -1, "a\0b", 3, S);
	assert_string_equal(s.message, "a");
	free(big);
	push_state_clear(&s);
}

static void test_rate_limit(void **state)
{
	struct push_state s = fresh(0);
	int i, allowed = 0;

	(void)state;
	for (i = 0; i < 50; i++)
		allowed += push_rate_allow(&s, 5 * S);
	assert_int_equal(allowed, PUSH_RATE_BURST);
	assert_false(push_rate_allow(&s, 5 * S + 500));
	assert_true(push_rate_allow(&s, 6 * S));
	assert_false(push_rate_allow(&s, 6 * S));
	/* a clock that steps back refills rather than starving the token */
	assert_true(push_rate_allow(&s, 1 * S));
}

static void test_utf8_scrub(void **state)
{
	char ok[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\ttab";
	char bad[] = "a\xff"
	             "b\xc0\xaf"
	             "c\xed\xa0\x80"
	             "d\xf4\x90\x80\x80"
	             "e\x01\x7f"
	             "f\xe2\x82";

	(void)state;
	assert_false(utf8_scrub(ok));
	assert_true(utf8_scrub(bad));
	assert_string_equal(bad, "a?b??c???d????e??f??");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_parse),           cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_failure_and_recovery), cmocka_unit_test(test_unfinished_run),
		cmocka_unit_test(test_body_cap_and_message), cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_utf8_scrub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
