/* Five-field cron expressions and their next occurrence in a time zone's wall time. */
#ifndef VIGIL_UTIL_CRON_H
#define VIGIL_UTIL_CRON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tz;

/* A parsed expression: bit N set when value N matches. Plain data, no allocation. */
struct cron {
	uint64_t minutes; /* 0-59 */
	uint32_t hours;   /* 0-23 */
	uint32_t mdays;   /* 1-31 */
	uint16_t months;  /* 1-12 */
	uint8_t wdays;    /* 0-6, Sunday 0 (7 is folded into 0) */
	/* Vixie's day rule: with both day fields restricted, either matching is enough */
	bool mday_star, wday_star; /* the field starts with '*' */
	bool wild; /* the minute or hour field starts with '*': follows the actual time */
};

/*
 * Parses EXPR: "minute hour day-of-month month day-of-week", each field a
 * list of `*`, N, N-M, either with /STEP (N/STEP means N-max/STEP); months
 * JAN-DEC and days SUN-SAT by name in any case; 0 and 7 are both Sunday.
 * @yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly are
 * accepted too. Returns 0, or -1 with ERR naming the field and the column
 * (1-based) of the problem.
 */
int cron_parse(const char *expr, struct cron *out, char *err, size_t errlen)
        __attribute__((warn_unused_result));

/*
 * The first instant at or after T (Unix seconds) at which C fires in zone
 * Z, found in Z's wall time: "0 2 * * *" fires at 02:00 local in winter and
 * in summer. Across daylight saving changes, as cronie does:
 *  - a wall time skipped by a change forwards fires at the first instant
 *    after the gap (02:30 on the spring-forward day fires at 03:00 of the
 *    new offset), unless the minute or hour field starts with '*': such
 *    expressions follow the actual clock and the skipped times do not fire;
 *  - a wall time repeated by a change backwards fires once, the first time,
 *    unless the minute or hour field starts with '*': then it fires in
 *    both passes.
 * Returns -1 when C never fires within about 30 years (February 30).
 */
int64_t cron_next(const struct cron *c, const struct tz *z, int64_t t);

/*
 * The occurrence of C lasting DURATION_MS that is running at NOW_MS (the
 * earliest of them when several overlap) or else the next one to start:
 * writes its start in Unix ms and returns 0, or returns -1 when there is
 * none.
 */
int cron_occurrence(const struct cron *c, const struct tz *z, int64_t duration_ms, int64_t now_ms,
                    int64_t *start_ms);

#endif
