/* Threshold levels with hysteresis (pure). */
#include "host/health.h"

enum host_level host_level_next(enum host_level prev, double value, double warning, double critical,
                                double hysteresis)
{
	double keep = 1.0 - hysteresis / 100.0;

	if (value >= critical || (prev == HOST_CRIT && value >= critical * keep))
		return HOST_CRIT;
	if (value >= warning || (prev != HOST_OK && value >= warning * keep))
		return HOST_WARN;
	return HOST_OK;
}
