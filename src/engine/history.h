/*
 * A monitor's history in memory: the open minute bucket (written to the
 * store's rollups when it closes, merged into its hour and day) and rings of
 * hourly and daily counts for uptime over 24 h, 7 d and 30 d. A public
 * monitor also keeps 90 days and its hours' latency: the status page's bars
 * and response-time chart (and its 90 d uptime).
 */
#ifndef VIGIL_ENGINE_HISTORY_H
#define VIGIL_ENGINE_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "probe/probe.h"
#include "store/store.h"

#define HISTORY_HOURS     24
#define HISTORY_DAYS      31 /* 30 whole days and today */
#define HISTORY_LONG_DAYS 91 /* a public monitor's: 90 whole days and today */

enum history_window { HISTORY_24H, HISTORY_7D, HISTORY_30D, HISTORY_90D, HISTORY_WINDOWS };
extern const char *const history_window_names[HISTORY_WINDOWS];

struct history_slot {
	int32_t period; /* hour or day number since the epoch; 0: empty */
	uint32_t up, degraded, down;
};

/* An hour's latency: the sum of its results' and how many. */
struct history_lat {
	int32_t period; /* hour number since the epoch; 0: empty */
	uint32_t n;
	int64_t sum_us;
};

/* What a public monitor keeps besides (the status page's). */
struct history_long {
	struct history_slot days[HISTORY_LONG_DAYS];
	struct history_lat lat[HISTORY_HOURS];
};

struct history {
	int64_t minute; /* Unix minute of the open bucket, 0 none */
	struct store_rollup acc;
	struct history_slot hours[HISTORY_HOURS], days[HISTORY_DAYS];
	struct history_long *longer; /* a public monitor's; NULL otherwise */
};

/* Emits one closed bucket (minute, or its merge into hour and day). */
typedef void (*history_emit)(void *arg, enum store_res res, int64_t bucket_s,
                             const struct store_rollup *r);

void history_init(struct history *h);
/* Keeps the longer history (ON: a public monitor) or drops it; what the rings hold is kept. */
void history_set_long(struct history *h, bool on);
void history_free(struct history *h);
/*
 * Adds a result at T_MS. When T_MS is in a later minute than the open
 * bucket, the open bucket is emitted first (as minute, hour and day deltas).
 */
void history_add(struct history *h, int64_t t_ms, enum status st, int64_t latency_us,
                 history_emit emit, void *arg);
/* Emits the open bucket if it is older than NOW_MS's minute (or always with FORCE). */
void history_flush(struct history *h, int64_t now_ms, int force, history_emit emit, void *arg);
/* Adds stored counts and latency sum (from rollups at start-up) to the rings. */
void history_load(struct history *h, enum store_res res, int64_t bucket_s, uint32_t up,
                  uint32_t degraded, uint32_t down, int64_t lat_sum_us);
/*
 * Uptime over W ending at NOW_MS: (up + degraded) / (up + degraded + down),
 * or -1 unknown (90 d: for public monitors only).
 */
double history_uptime(const struct history *h, enum history_window w, int64_t now_ms);

#endif
