/* The state machine of a monitor: thresholds turn results into up / degraded / down. */
#ifndef VIGIL_ENGINE_STATE_H
#define VIGIL_ENGINE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "probe/probe.h"

struct mstate {
	enum status status;
	int64_t since_ms; /* wall time of the last change */
	int failures;     /* consecutive failed results, capped at the failure threshold */
	int successes;    /* consecutive good results, capped at the success threshold */
};

/*
 * Applies one result of status RESULT at NOW_MS. Rules: failure_threshold
 * consecutive down results make the monitor down; success_threshold
 * consecutive up or degraded results bring a down monitor back; otherwise an
 * up or degraded result sets the status at once; an unknown result (Vigil
 * could not check) makes it unknown. Returns true when the status changed
 * (*OLD then holds the previous one). Counters are capped so that a steady
 * monitor's state stops changing.
 */
bool state_apply(struct mstate *s, enum status result, int failure_threshold, int success_threshold,
                 int64_t now_ms, enum status *old);

#endif
