/*
 * Monitors at run time (loop thread only): schedule, state machine, last
 * result and history of each configured monitor.
 */
#ifndef VIGIL_ENGINE_MONITOR_H
#define VIGIL_ENGINE_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "engine/flap.h"
#include "engine/history.h"
#include "engine/state.h"
#include "probe/probe.h"

struct engine;
struct monitor_conf;

struct rcstr;
struct vigil_config;

/* The last result of a monitor, as shown by the API. */
struct monitor_last {
	int64_t t_ms; /* 0: no result yet */
	int64_t latency_ns;
	enum probe_outcome outcome;
	enum status status;
	int http_status;
	int64_t cert_expiry;
	int64_t t_resolve, t_connect, t_tls, t_processing, t_transfer;
	int attempts;
	int nvalues; /* the type's figures (names are static strings) */
	struct probe_value values[PROBE_VALUES_MAX];
};

/* One run in flight, holding the config it was started with. */
struct check {
	struct probe_run run;
	struct monitor *monitor;
	struct vigil_config *config; /* a reference: the run's monitor_conf lives in it */
};

struct monitor {
	struct engine *engine;
	const struct monitor_conf *conf; /* in owner */
	/* the config holding conf: the engine's, or an API monitor's (kept by the engine) */
	struct vigil_config *owner;
	struct api_monitor *api;    /* made through the API: its entry; else NULL */
	bool paused;                /* by the API: not scheduled, status paused */
	enum status paused_from;    /* the status before the pause */
	struct engine_cmd *waiters; /* RUN commands waiting for the run in flight */
	int64_t key;                /* its key in the store */
	uv_timer_t timer;
	int64_t due_ns;     /* monotonic time the current or next run is due */
	int64_t phase_ns;   /* deterministic offset inside the interval */
	int64_t run_due_ns; /* when the run in flight (or waiting) was due */
	struct mstate st;
	struct flap flap; /* flap detection */
	/* correlation: its last result (Unix ms, 0 none), and whether a network failure */
	int64_t corr_t;
	bool corr_fail;
	struct monitor_last last;
	struct rcstr *message;   /* the last message, shared with snapshots */
	struct rcstr *perfdata;  /* the last performance data, or NULL */
	struct push_state *push; /* a push monitor's heartbeats, else NULL */
	uint64_t stored_msg;     /* hash of the message last written to the store */
	struct history hist;
	double uptime[HISTORY_WINDOWS]; /* from hist, refreshed on results and by the sweep */
	struct check *check;            /* the run in flight, or NULL */
	int attempt;                    /* of the run in flight, from 1 */
	bool queued;                    /* waiting for a slot in the in-flight window */
	struct monitor *qnext;
	bool removed;   /* gone from the config: freed once idle and closed */
	int64_t checks; /* results since the daemon started */
};

#endif
