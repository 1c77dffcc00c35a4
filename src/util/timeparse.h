/* Times in query strings: RFC 3339, Unix seconds or milliseconds, or "ago" durations. */
#ifndef VIGIL_UTIL_TIMEPARSE_H
#define VIGIL_UTIL_TIMEPARSE_H

#include <stdint.h>

/*
 * Parses S as a point in time, in Unix ms: "2026-11-24T05:43:50Z" (RFC 3339,
 * any offset, optional fraction), an integer of Unix seconds (< 10^11) or
 * milliseconds, or a duration meaning that long before NOW_MS ("24h", "90m").
 * Returns 0, or -1 when S is none of these.
 */
int time_parse(const char *s, int64_t now_ms, int64_t *out);

#endif
