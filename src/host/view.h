/*
 * What the engine publishes about the host after each sample: the sample,
 * its rates, the health components and a copy of the series of the last
 * hour. Immutable and reference-counted, held by snapshots.
 */
#ifndef VIGIL_HOST_VIEW_H
#define VIGIL_HOST_VIEW_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "host/health.h"
#include "host/rates.h"
#include "host/sample.h"
#include "host/series.h"

struct host_component {
	char name[300]; /* "host:cpu", "host:disk:/var" */
	enum host_level level;
	double value;
	const char *unit; /* "percent", "load per core" */
	char output[160];
};

struct host_series_copy {
	char id[HOST_SERIES_ID];
	size_t n;
	struct host_point *points; /* oldest first */
};

struct host_uname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct host_view {
	atomic_int refs;
	int64_t interval_ms;
	struct host_sample sample;
	struct host_rates rates;
	char group_names[HOST_MAX_GROUPS][64];
	int net_up[HOST_MAX_IFACES]; /* 1 up, 0 down, -1 unknown */
	struct host_uname uname;
	struct host_component comps[4 + HOST_MAX_FS];
	size_t ncomps;
	struct host_series_copy *series;
	size_t nseries;
};

struct host_view *host_view_new(void);
struct host_view *host_view_ref(struct host_view *v);
void host_view_unref(struct host_view *v);
/* Copies every series of H into V (their last hour). */
void host_view_copy_series(struct host_view *v, const struct host_history *h);
/* The copy of series ID, or NULL. */
const struct host_series_copy *host_view_series(const struct host_view *v, const char *id);
const char *host_level_str(enum host_level l);

#endif
