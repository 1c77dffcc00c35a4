/*
 * The engine: everything that runs on the libuv loop thread and owns the
 * daemon's mutable state (timers, signals, reloads, the snapshot it
 * publishes). Other threads talk to it only through the thread-safe
 * functions marked so below, or by reading published snapshots.
 */
#ifndef VIGIL_ENGINE_ENGINE_H
#define VIGIL_ENGINE_ENGINE_H

#include <stdint.h>
#include <uv.h>

/* The loop heartbeat period: /health judges the loop's lateness against it. */
#define ENGINE_HEARTBEAT_MS 1000

struct engine;
struct store;
struct snapshot_box;
struct vigil_config;

/* What the engine tells its owner through engine_options.on_event. */
enum engine_event {
	ENGINE_EVENT_RELOADING,     /* a configuration reload began (SIGHUP or the API) */
	ENGINE_EVENT_RELOADED,      /* it ended: the new configuration is in force */
	ENGINE_EVENT_RELOAD_FAILED, /* it ended: the file is invalid, the running one is kept */
};

struct engine_options {
	uv_loop_t *loop;
	struct vigil_config *config; /* the engine takes its own reference */
	const char *config_path;     /* what reload re-reads; NULL: the built-in default */
	struct store *store;
	struct snapshot_box *box;      /* where snapshots are published */
	const struct store_boot *boot; /* state left by the previous run (may be NULL) */
	/* Called on the loop thread on SIGTERM or SIGINT. */
	void (*on_stop)(void *arg);
	/* Called on the loop thread with each engine_event, never once closing (may be NULL). */
	void (*on_event)(void *arg, enum engine_event ev);
	void *arg; /* of on_stop and on_event */
};

/*
 * Starts timers and signal handlers and publishes a first snapshot. Returns 0,
 * or a negative libuv error code (nothing is left running then).
 */
int engine_start(const struct engine_options *opt, struct engine **out);

/*
 * Begins shutdown: the next snapshots say not ready, the run is recorded as
 * stopped, every handle is closed. The engine frees itself once the loop has
 * run the close callbacks; uv_run then returns.
 */
void engine_close(struct engine *e);

/* Re-reads the configuration off the loop thread and swaps it in if valid. */
void engine_reload(struct engine *e);

/* The configuration in force (loop thread only). */
struct vigil_config *engine_config(struct engine *e);

/*
 * Where security.violations_1h comes from (the web server's counter; FN is
 * thread-safe). Loop thread, before rules need it.
 */
void engine_set_security_source(struct engine *e, double (*fn)(void *arg), void *arg);

/* Thread-safe: nanoseconds since the loop's heartbeat last ran. */
int64_t engine_heartbeat_age_ns(const struct engine *e);

#endif
