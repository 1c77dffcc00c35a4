/*
 * Snapshots: the engine's state as an immutable, reference-counted value,
 * published by the loop thread and read by HTTP threads without touching the
 * engine. Bodies rendered from a snapshot (/health, /metrics) are rendered at
 * most once per snapshot and cached in it.
 */
#ifndef VIGIL_ENGINE_SNAPSHOT_H
#define VIGIL_ENGINE_SNAPSHOT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert/alert.h"
#include "engine/history.h"
#include "engine/monitor.h"
#include "probe/probe.h"
#include "store/store.h"
#include "util/histogram.h"

struct vigil_config;
struct host_view;

#define SNAP_TYPES_MAX 16 /* probe types counted in checks_total */

/* A public monitor's rings of days and hours, as the status page draws them. */
struct status_rings {
	struct history_slot days[HISTORY_LONG_DAYS];
	struct history_lat lat[HISTORY_HOURS];
};

/* One monitor as published (the strings of conf live in the snapshot's config). */
struct monitor_snap {
	const struct monitor_conf *conf;
	/* a monitor made through the API: a reference to the config holding conf; else NULL */
	struct vigil_config *api;
	int64_t api_created_ms, api_updated_ms;
	int64_t key;
	enum status status;
	int64_t since_ms;
	int failures, successes;
	struct monitor_last last;
	struct rcstr *message;          /* a reference */
	struct rcstr *perfdata;         /* a reference, or NULL */
	double uptime[HISTORY_WINDOWS]; /* ratios, -1 unknown */
	int64_t checks;
	int64_t next_ms; /* wall time of the next scheduled run, 0 unknown */
	bool running;
	struct status_rings *rings; /* a public monitor's (owned); else NULL */
};

struct sched_snap {
	int in_flight, queued;
	int64_t max_in_flight;
	uint64_t skipped;
	struct histogram_view lag;
	uint64_t checks_total[SNAP_TYPES_MAX][PROBE_OUTCOME_COUNT];
};

/* A cached rendering of a snapshot, or an object derived from it (len 0, with its destroy). */
struct snapshot_body {
	char *data;
	size_t len;
	void (*destroy)(char *data); /* frees DATA with the snapshot; NULL: free() */
	int status;                  /* HTTP status to answer with */
	char etag[24];               /* quoted, from the body's hash */
};

enum snapshot_slot {
	SNAP_HEALTH,
	SNAP_METRICS,
	SNAP_MONITORS,
	SNAP_STATUS_PAGE, /* the public status page and what it is made of */
	SNAP_STATUS_JSON,
	SNAP_STATUS_SUMMARY,
	SNAP_STATUS_THEME,
	SNAP_STATUS_ATOM,
	SNAP_STATUS_RSS,
	SNAP_STATUS_VIEW, /* not a body: the status view the status page's bodies are made from */
	SNAP_SLOTS
};

struct snapshot_disk {
	bool known;
	uint64_t total, free, avail; /* bytes of the database's filesystem */
};

struct snapshot_system {
	bool cpu_known;
	double cpu_percent; /* busy share of all CPUs over the last sample */
	int ncpu;
	bool mem_known;
	uint64_t mem_total, mem_available; /* bytes */
};

struct snapshot {
	atomic_int refs;
	uint64_t seq;                /* increases with every publication */
	int64_t wall_ms;             /* when it was built */
	int64_t started_ms;          /* when the daemon started (Unix ms) */
	struct vigil_config *config; /* a reference */
	struct secret_set *secrets;  /* a reference: every secret to scrub from output */
	bool ready;                  /* store open, migrations applied, config loaded */
	struct store_stats store;
	int64_t db_size;         /* bytes incl. WAL, -1 unknown */
	int64_t loop_lag_ns;     /* lateness of the last heartbeat */
	int64_t loop_lag_max_ns; /* worst over the last 10 s */
	struct histogram_view loop_lag;
	struct snapshot_disk disk;
	struct snapshot_system system;
	struct monitor_snap *monitors; /* in config order */
	size_t nmonitors;
	struct sched_snap sched;
	struct host_view *host; /* a reference; NULL before the first sample or when off */
	struct snapshot_window {
		int64_t id, start, duration;
		char name[128], by[64];
		char monitors[1024];          /* comma-separated; empty: every monitor */
		char cron[128], timezone[64]; /* a recurring window; cron "" one-off */
		int64_t occ_start, occ_end;   /* its running or next occurrence; -1 none left */
	} * windows;                          /* maintenance windows made through the API */
	size_t nwindows;
	struct alert_view *alerts; /* firing */
	size_t nalerts, outbox_depth;
	struct snapshot_channel {
		char name[64];
		struct alert_stats stats;
	} * channels; /* alerting.channels, in order */
	size_t nchannels;

	pthread_mutex_t render_lock; /* guards bodies */
	struct snapshot_body bodies[SNAP_SLOTS];
	bool rendered[SNAP_SLOTS];
};

/* Where the current snapshot lives; shared by the engine and the web threads. */
struct snapshot_box {
	pthread_mutex_t lock; /* held only to swap or take a reference */
	struct snapshot *current;
};

/* Allocates an empty snapshot with one reference (loop thread fills it). */
struct snapshot *snapshot_new(void);
void snapshot_ref(struct snapshot *s);
/* Drops a reference; the last frees it and its config reference. NULL ok. */
void snapshot_unref(struct snapshot *s);
/* A copy of H's longer rings for the status page (caller owns it), or NULL without. */
struct status_rings *snapshot_rings(const struct history *h);

/*
 * Returns the body for SLOT, calling RENDER(s, body) the first time only;
 * concurrent callers wait for the first render. RENDER fills data (malloc'd),
 * len and status; the etag is computed here.
 */
const struct snapshot_body *snapshot_render(struct snapshot *s, enum snapshot_slot slot,
                                            void (*render)(const struct snapshot *s,
                                                           struct snapshot_body *body));
/* The same with an argument for RENDER. */
const struct snapshot_body *snapshot_render_with(
        struct snapshot *s, enum snapshot_slot slot,
        void (*render)(const struct snapshot *s, struct snapshot_body *body, void *arg), void *arg);

void snapshot_box_init(struct snapshot_box *box);
/* Publishes S (taking over the caller's reference); the old one is released. */
void snapshot_box_publish(struct snapshot_box *box, struct snapshot *s);
/* Returns the current snapshot with a new reference (release with snapshot_unref), or NULL. */
struct snapshot *snapshot_box_acquire(struct snapshot_box *box);
void snapshot_box_destroy(struct snapshot_box *box);

/* The monitor with id ID, or NULL. */
const struct monitor_snap *snapshot_monitor(const struct snapshot *s, const char *id);

#endif
