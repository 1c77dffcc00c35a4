/* Internals of the engine shared by its files (loop thread only, unless noted). */
#ifndef VIGIL_ENGINE_INT_H
#define VIGIL_ENGINE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "engine/command.h"
#include "engine/engine.h"
#include "engine/monitor.h"
#include "engine/snapshot.h"
#include "host/procfs.h"
#include "probe/probe.h"
#include "store/store.h"
#include "util/cron.h"
#include "util/histogram.h"
#include "util/strmap.h"

#define HEARTBEAT_MS ENGINE_HEARTBEAT_MS
#define PUBLISH_MS   100
#define REPUBLISH_MS 1000 /* snapshot refresh even when nothing was marked */
#define SYSINFO_MS   5000
#define RUN_SEEN_MS  10000
#define LAG_WINDOW   10 /* heartbeats in the lag_max window (10 s) */

/* A maintenance window made through the API. */
/* The current or next occurrence of a recurring window, cached until it ends. */
struct maint_occurrence {
	int64_t from;       /* Unix ms it was searched from */
	int64_t start, end; /* [start, end); INT64_MAX when none is left */
};

struct tz;

struct api_window {
	int64_t id, start, duration; /* Unix ms, ms */
	char name[128], by[64];
	char **monitors; /* names or ids; none: every monitor */
	size_t n;
	/* a recurring window: cron[0] != '\0' (start unused) */
	char cron[128], timezone[64];
	struct cron cron_expr;
	struct tz *tz; /* owned */
	struct maint_occurrence occ;
};

/* A monitor made through the API. */
struct api_monitor {
	struct vigil_config *cfg; /* holds the monitor: cfg->monitors.v[0]; api_body */
	int64_t created_ms, updated_ms;
};

struct engine {
	uv_loop_t *loop;
	struct vigil_config *config;
	char *config_path;
	struct store *store;
	struct snapshot_box *box;
	void (*on_stop)(void *arg);
	void (*on_event)(void *arg, enum engine_event ev); /* engine_options.on_event, or NULL */
	void *arg;

	uv_timer_t heartbeat, publish, selftest;
	uv_signal_t sighup, sigterm, sigint;
	int open_handles; /* the engine is freed when this reaches 0 after close */
	bool closing;

	/* heartbeat */
	int64_t beat_expected_ns;
	_Atomic int64_t beat_ns; /* read by HTTP threads */
	struct histogram lag;
	int64_t lag_last_ns, lag_ring[LAG_WINDOW];
	int lag_pos;
	int64_t started_ms, run_seen_ns;

	/* snapshot */
	bool dirty;
	uint64_t seq;
	int64_t published_ns;

	/* system information gathered off the loop */
	uv_work_t sysinfo_req;
	bool sysinfo_busy;
	int64_t sysinfo_ns;
	struct sysinfo_result {
		struct snapshot_disk disk;
		struct snapshot_system system;
		int64_t db_size;
		bool cpu_ok;
		struct cpu_times cpu;
	} sys, sys_work;

	/* reload */
	uv_work_t reload_req;
	bool reload_busy, reload_again;
	struct vigil_config *reload_cfg;
	struct conf_diag *reload_diag;

	/* selftest store load */
	int64_t selftest_rate, selftest_seq;

	/* monitors (monitors.c) */
	struct monitor **monitors; /* in config order */
	size_t nmonitors;
	struct strmap keys; /* id -> store key of every monitor ever known */
	int64_t max_key;
	struct probe_env env;
	uv_timer_t sweep;  /* flushes closed minute buckets */
	int monitors_open; /* monitors whose timer is not closed yet */
	int checks_active; /* runs allocated and not yet done */

	/* scheduler (scheduler.c) */
	struct monitor *qhead, *qtail; /* waiting for a slot, oldest first */
	int queued, in_flight;
	struct histogram sched_lag;
	uint64_t skipped; /* slots missed because the previous run was still going */
	uint64_t checks_total[SNAP_TYPES_MAX][PROBE_OUTCOME_COUNT];

	/* commands from other threads (command.c) */
	uv_async_t mailbox;
	pthread_mutex_t mail_lock;
	struct engine_cmd *mail_head, *mail_tail; /* guarded by mail_lock */
	bool mail_closed;                         /* guarded by mail_lock */
	struct engine_cmd *reload_waiters;        /* RELOAD commands of the reload under way */
	struct engine_cmd *reload_next;           /* ... that came during it: for the next one */

	/* monitors made through the API (api_monitors.c) */
	struct api_monitor **api; /* in creation order */
	size_t napi, api_cap;
	/* incidents (incidents.c): the open automatic ones */
	struct auto_incident {
		int64_t monitor, id;
	} * auto_incidents;
	size_t nauto, auto_cap;
	int64_t next_incident;

	/* maintenance windows made through the API (maintenance.c) */
	struct api_window *windows;
	size_t nwindows, windows_cap;
	int64_t next_window;
	/* the current or next occurrence of each recurring window of e->config */
	struct maint_occurrence *occurrences; /* config->maintenance.n; NULL until needed */

	/* every secret: the configuration's and the API monitors' (logs, snapshots) */
	struct secret_set *secrets;

	/* alerting: monitor alerts and their notifications; NULL once closed */
	struct alerting *alerting;
	/* correlation (correlate.c): Vigil's own network looks broken */
	bool outage;
	int64_t corr_seen_ms;               /* when the monitors were last looked at */
	double (*violations_1h)(void *arg); /* the web server's counter (thread-safe) */
	void *violations_arg;

	/* host metrics (host.c) */
	struct engine_host *host;    /* NULL when off or closed */
	struct host_view *host_view; /* the latest, published with snapshots */
};

/* host.c */
int engine_host_start(struct engine *e, const struct store_boot *boot);
void engine_host_close(struct engine *e); /* frees itself once idle */

/* monitors.c */
int engine_monitors_start(struct engine *e, const struct store_boot *boot);
void engine_monitors_apply(struct engine *e); /* after e->config changed */
void engine_monitors_close(struct engine *e);
void engine_monitor_release(struct monitor *m); /* frees a removed monitor once idle */
void engine_monitor_uptime(struct monitor *m, int64_t now_ms); /* refreshes m->uptime */

/* scheduler.c */
void sched_monitor_start(struct monitor *m); /* (re)computes the phase and arms the timer */
void sched_monitor_stop(struct monitor *m);  /* disarms, leaves the queue */
void sched_check_done(struct engine *e);     /* a slot freed: start the next waiting run */
void sched_run_now(struct monitor *m);       /* starts a run out of schedule (none in flight) */

/* Tells the owner about EV through on_event, unless closing (loop thread). */
void engine_event(struct engine *e, enum engine_event ev);

/* correlate.c */
/* A network monitor's result came in at NOW: looks at them all (not more than twice a second). */
void engine_correlate(struct engine *e, int64_t now);
/* The monitors or the configuration changed: whether network failures are held. */
void engine_correlate_config(struct engine *e);

/* incidents.c */
void engine_incidents_boot(struct engine *e, const struct store_boot *boot);
void engine_incidents_free(struct engine *e);
/* M's status changed (from OLD): opens or resolves its automatic incident. */
void engine_incident_transition(struct engine *e, struct monitor *m, enum status old,
                                const char *reason, const char *message);
/* M's automatic incident turned out not to be one (correlation): resolved, impact none. */
void engine_incident_withdraw(struct engine *e, struct monitor *m, const char *why);
void engine_incident_create(struct engine *e, struct engine_cmd *c); /* c->args */
void engine_incident_update(struct engine *e, struct engine_cmd *c); /* c->id, c->args */

/* maintenance.c */
void engine_maint_boot(struct engine *e, const struct store_boot *boot);
void engine_maint_free(struct engine *e);
/* e->config was replaced: forgets the occurrences found for the old one. */
void engine_maint_config(struct engine *e);
/*
 * The name of the window that covers monitor M at T (Unix ms), or NULL.
 * Recurring windows cost a cron search only when their cached occurrence is
 * over (or for a T older than the search).
 */
const char *engine_maintenance(struct engine *e, const struct monitor_conf *m, int64_t t);
/* The occurrence of window W running at NOW or else its next one (see conf_maintenance_occurrence). */
int engine_maint_occurrence(struct api_window *w, int64_t now, int64_t *start, int64_t *end);
void engine_maint_create(struct engine *e, struct engine_cmd *c); /* c->args: the window */
void engine_maint_delete(struct engine *e, struct engine_cmd *c); /* c->id */

/* metric.c: a value by metric name for alert rules (an alerting source) */
bool engine_metric_value(void *arg, const char *metric, double *out);
/* host.c: the latest value of host series ID */
bool engine_host_value(struct engine *e, const char *id, double *out);

/* command.c */
void engine_commands_start(struct engine *e);
void engine_commands_close(struct engine *e); /* answers what is queued: shutting down */
void engine_cmd_reply(struct engine_cmd *c, int status, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* api_monitors.c */
void engine_api_boot(struct engine *e, const struct store_boot *boot);
void engine_api_create(struct engine *e, struct engine_cmd *c);
void engine_api_replace(struct engine *e, struct engine_cmd *c);
void engine_api_delete(struct engine *e, struct engine_cmd *c);
void engine_api_free(struct engine *e);
/* Rebuilds e->secrets after the configuration or the API monitors changed. */
void engine_secrets_rebuild(struct engine *e);
/*
 * Decodes the API monitors again under the new configuration's security
 * section (secret parameters, SSRF policy). The replaced configs go to
 * *OLDS (unref them after engine_monitors_apply); returns how many.
 */
size_t engine_api_redecode(struct engine *e, struct vigil_config ***olds);

/* control.c: run now, pause, resume */
void engine_monitor_run(struct engine *e, struct engine_cmd *c);
/* push.c: the heartbeats of push monitors */
void engine_push_cmd(struct engine *e, struct engine_cmd *c); /* a ping: id is the token */
const struct push_state *engine_push_state(void *arg, const struct monitor_conf *mon);
void engine_push_boot(struct monitor *m, const struct store_boot_monitor *b);
void engine_push_free(struct monitor *m);
void engine_monitor_pause(struct engine *e, struct engine_cmd *c, bool pause);
/* Answers the RUN commands waiting on M with its last result (or cancelled). */
void engine_monitor_answer_waiters(struct monitor *m, bool cancelled);
/* The monitor with id ID, or NULL. */
struct monitor *engine_monitor_find(struct engine *e, const char *id);

/* check.c */
void check_start(struct monitor *m);
/* Stores M's state machine (status, since, counters). */
void engine_store_state(struct monitor *m);
/* Stores a state change of M (from OLD to its status now) for REASON; takes TEXT. */
void engine_submit_event(struct monitor *m, enum status old, int reason, char *text);
/* Submits one closed history bucket of monitor ARG to the store (a history_emit). */
void check_emit_rollup(void *arg, enum store_res res, int64_t bucket, const struct store_rollup *r);
int probe_type_index(const struct probe_type *t);

void engine_mark_dirty(struct engine *e);
/* Publishes a snapshot now (so a command's answer sees its own change). */
void engine_publish_now(struct engine *e);
/* reload.c: RELOAD commands are answered once the reload under way ends. */
void engine_reload_cmd(struct engine *e, struct engine_cmd *c);
void engine_heartbeat_start(struct engine *e);
void engine_sysinfo_tick(struct engine *e);
void engine_selftest_start(struct engine *e);
/* Frees the engine once closing and nothing (handle or work) is left. */
void engine_maybe_free(struct engine *e);
/* Handle close bookkeeping: every handle's close callback goes here. */
void engine_on_close(uv_handle_t *h);

#endif
