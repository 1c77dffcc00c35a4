/*
 * Host metric series: for each series (an id such as "cpu.percent" or
 * "disk.percent{mountpoint=\"/\"}") a ring of the last hour of samples and
 * the open minute (min, max, sum, count) that becomes a rollup when it closes.
 */
#ifndef VIGIL_HOST_SERIES_H
#define VIGIL_HOST_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/strmap.h"

#define HOST_SERIES_MAX 256
#define HOST_SERIES_ID  128

struct host_point {
	uint32_t t; /* Unix seconds */
	float v;
};

struct host_series {
	char id[HOST_SERIES_ID];
	int64_t key; /* its key in the store, 0 before it is registered */
	struct host_point *ring;
	size_t cap, head, n; /* ring size, next slot, points held */
	int64_t minute;      /* the open minute (Unix minutes), 0 none */
	double min, max, sum;
	uint32_t count;
};

struct host_history {
	struct host_series *v;
	size_t n, cap;
	size_t points;       /* ring capacity of every series */
	struct strmap index; /* id -> position in v */
};

/* A closed bucket: series S, resolution RES, bucket start (Unix seconds). */
typedef void (*host_emit)(void *arg, const struct host_series *s, enum store_res res,
                          int64_t bucket, double min, double max, double sum, uint32_t count);

void host_history_init(struct host_history *h, size_t points);
void host_history_free(struct host_history *h);
/*
 * Appends V at T_MS to series ID (created when new, up to HOST_SERIES_MAX;
 * returns NULL past that). A point in a later minute first closes the open
 * one (emitted as minute, hour and day). Non-finite values are skipped.
 */
struct host_series *host_history_add(struct host_history *h, const char *id, int64_t t_ms, double v,
                                     host_emit emit, void *arg);
/* Closes open minutes older than NOW_MS's minute (all of them with FORCE). */
void host_history_flush(struct host_history *h, int64_t now_ms, int force, host_emit emit,
                        void *arg);
/* The series with ID, or NULL. */
struct host_series *host_history_find(const struct host_history *h, const char *id);
/* Copies the points of S from SINCE (Unix seconds) on, oldest first, into OUT (N max). */
size_t host_series_points(const struct host_series *s, uint32_t since, struct host_point *out,
                          size_t n);

#endif
