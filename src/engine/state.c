/* Monitor state transitions (pure: no I/O, no clock). */
#include "engine/state.h"

static bool change(struct mstate *s, enum status to, int64_t now_ms, enum status *old)
{
	if (s->status == to)
		return false;
	*old = s->status;
	s->status = to;
	s->since_ms = now_ms;
	return true;
}

bool state_apply(struct mstate *s, enum status result, int failure_threshold, int success_threshold,
                 int64_t now_ms, enum status *old)
{
	switch (result) {
	case STATUS_UP:
	case STATUS_DEGRADED:
		s->failures = 0;
		if (s->successes < success_threshold)
			s->successes++;
		if (s->status == STATUS_DOWN && s->successes < success_threshold)
			return false;
		return change(s, result, now_ms, old);
	case STATUS_DOWN:
		s->successes = 0;
		if (s->failures < failure_threshold)
			s->failures++;
		if (s->failures < failure_threshold)
			return false;
		return change(s, STATUS_DOWN, now_ms, old);
	default:
		s->failures = 0;
		s->successes = 0;
		return change(s, STATUS_UNKNOWN, now_ms, old);
	}
}
