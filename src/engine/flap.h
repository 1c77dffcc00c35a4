/*
 * Flap detection as Nagios does it: the share of state changes over the
 * last FLAP_WINDOW results, recent ones weighing more (0.8 to 1.2). Above
 * the high threshold a monitor is flapping (one alert instead of a storm);
 * below the low one it has settled.
 */
#ifndef VIGIL_ENGINE_FLAP_H
#define VIGIL_ENGINE_FLAP_H

#include <stdbool.h>
#include <stdint.h>

#define FLAP_WINDOW 21 /* results whose state changes make the flapping share (Nagios') */

struct flap {
	uint8_t ring[FLAP_WINDOW]; /* 1 for a down result; oldest at pos once full */
	int pos, n;
	bool flapping;
};

/*
 * Adds a result (DOWN or not). Returns true when the monitor started or
 * stopped flapping (f->flapping tells which; *SHARE the share in %), with
 * HIGH and LOW the thresholds in % (HIGH 0: off).
 */
bool flap_add(struct flap *f, bool down, double high, double low, double *share);

#endif
