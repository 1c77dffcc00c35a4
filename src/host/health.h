/* Host thresholds with hysteresis: a value hovering at a threshold does not flap. */
#ifndef VIGIL_HOST_HEALTH_H
#define VIGIL_HOST_HEALTH_H

enum host_level { HOST_OK, HOST_WARN, HOST_CRIT };

/*
 * The level for VALUE given the previous level PREV: a level is entered at
 * its threshold and left only below threshold * (1 - HYSTERESIS / 100).
 */
enum host_level host_level_next(enum host_level prev, double value, double warning, double critical,
                                double hysteresis);

#endif
