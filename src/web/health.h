/* The health documents: /health in the IETF health+json draft format, and its parts. */
#ifndef VIGIL_WEB_HEALTH_H
#define VIGIL_WEB_HEALTH_H

#include <jansson.h>
#include <stdint.h>

struct snapshot;

enum health_status { HEALTH_PASS, HEALTH_WARN, HEALTH_FAIL };

#define HEALTH_LIVE_MAX_NS (5LL * 1000000000LL) /* heartbeat older than this: not live */

const char *health_status_str(enum health_status s);

/*
 * Builds the /health document from S. BEAT_AGE_NS is how long ago the loop's
 * heartbeat ran (a stuck loop cannot publish snapshots, so it is checked at
 * request time). Returns a new JSON object and the overall status in *OUT.
 */
json_t *health_document(const struct snapshot *s, int64_t beat_age_ns, enum health_status *out);

#endif
