/* Clocks and time formatting. Schedules use the monotonic clock only. */
#ifndef VIGIL_UTIL_TIME_H
#define VIGIL_UTIL_TIME_H

#include <stddef.h>
#include <stdint.h>

#define NS_PER_MS  1000000LL
#define NS_PER_SEC 1000000000LL
#define MS_PER_SEC 1000LL

/* Monotonic nanoseconds (CLOCK_MONOTONIC), for durations and schedules. */
int64_t time_mono_ns(void);
/* Wall-clock milliseconds since the Unix epoch, for timestamps only. */
int64_t time_wall_ms(void);

/*
 * Writes MS (Unix epoch milliseconds) as RFC 3339 UTC with milliseconds,
 * "2026-11-24T05:43:50.123Z", into OUT (at least TIME_RFC3339_LEN bytes).
 */
#define TIME_RFC3339_LEN 32
void time_format_rfc3339(int64_t ms, char *out, size_t size);

#endif
