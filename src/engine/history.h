/*
 * A monitor's history in memory: the open minute bucket (written to the
 * store's rollups when it closes, merged into its hour and day) and rings of
 * hourly and daily counts for uptime over 24 h, 7 d and 30 d.
 */
#ifndef VIGIL_ENGINE_HISTORY_H
#define VIGIL_ENGINE_HISTORY_H

#include <stdint.h>

#include "probe/probe.h"
#include "store/store.h"

#define HISTORY_HOURS 24
#define HISTORY_DAYS  31

enum history_window { HISTORY_24H, HISTORY_7D, HISTORY_30D, HISTORY_WINDOWS };
extern const char *const history_window_names[HISTORY_WINDOWS];

struct history_slot {
	int32_t period; /* hour or day number since the epoch; 0: empty */
	uint32_t up, degraded, down;
};

struct history {
	int64_t minute; /* Unix minute of the open bucket, 0 none */
	struct store_rollup acc;
	struct history_slot hours[HISTORY_HOURS], days[HISTORY_DAYS];
};

/* Emits one closed bucket (minute, or its merge into hour and day). */
typedef void (*history_emit)(void *arg, enum store_res res, int64_t bucket_s,
                             const struct store_rollup *r);

void history_init(struct history *h);
/*
 * Adds a result at T_MS. When T_MS is in a later minute than the open
 * bucket, the open bucket is emitted first (as minute, hour and day deltas).
 */
void history_add(struct history *h, int64_t t_ms, enum status st, int64_t latency_us,
                 history_emit emit, void *arg);
/* Emits the open bucket if it is older than NOW_MS's minute (or always with FORCE). */
void history_flush(struct history *h, int64_t now_ms, int force, history_emit emit, void *arg);
/* Adds stored counts (from rollups at start-up) to the rings. */
void history_load(struct history *h, enum store_res res, int64_t bucket_s, uint32_t up,
                  uint32_t degraded, uint32_t down);
/* Uptime over W ending at NOW_MS: (up + degraded) / (up + degraded + down), or -1 unknown. */
double history_uptime(const struct history *h, enum history_window w, int64_t now_ms);

#endif
