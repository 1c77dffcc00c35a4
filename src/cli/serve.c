/* `vigil [serve] [-c FILE]`: build the daemon, run the loop, shut down cleanly. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "cli/cli.h"
#include "conf/conf.h"
#include "engine/engine.h"
#include "engine/snapshot.h"
#include "store/health.h"
#include "store/store.h"
#include "util/log.h"
#include "util/sdnotify.h"
#include "util/testhook.h"
#include "util/time.h"
#include "version.h"
#include "web/web.h"

static int run(int argc, char **argv);

const struct cli_verb cli_serve_verb = {
	"serve",
	run,
	"[-c FILE]",
	"run the daemon (the default verb)",
	"Runs the Vigil daemon: checks, history, alerts and the HTTP server.\n"
	"\n"
	"  -c, --config FILE   configuration file; without it $VIGIL_CONFIG, then\n"
	"                      ./vigil.yaml, else the built-in default configuration\n"
	"  -h, --help          this help\n"
	"\n"
	"Signals: SIGHUP reloads the configuration (an invalid one is logged and the\n"
	"current one kept); SIGTERM and SIGINT stop after flushing the store.\n"
	"Environment: VIGIL_LISTEN, VIGIL_STORAGE, VIGIL_LOG_LEVEL and VIGIL_LOG_FORMAT\n"
	"override the corresponding configuration keys.\n"
	"Under systemd (Type=notify; NOTIFY_SOCKET set) it reports READY=1 once serving,\n"
	"RELOADING=1 and READY=1 around a reload, STOPPING=1, and WATCHDOG=1 at half of\n"
	"WATCHDOG_USEC while the loop turns and the store writer keeps up.\n",
};

/* The daemon's one top-level state, built here and torn down here. */
struct vigil {
	uv_loop_t loop;
	struct vigil_config *config;
	struct store *store;
	struct snapshot_box box;
	struct engine *engine;
	struct web *web;
	uv_timer_t tick; /* the web's once-a-second chores (the request log) */
	char url[300];   /* where it serves, for logs and systemd's STATUS= */

	struct sdnotify notify; /* systemd's NOTIFY_SOCKET; every send a no-op without it */
	uv_timer_t watchdog;    /* WATCHDOG=1 every half WATCHDOG_USEC, while healthy */
	int64_t stall_ns;       /* writes waiting longer mean a stuck writer: no pings */
	bool writer_stuck;      /* logged once per episode */
	uv_timer_t freeze;      /* test hook: holds the loop while a file exists */
	const char *freeze_path;
};

/*
 * Writes may wait for the writer half of WATCHDOG_USEC before the pings stop,
 * but never less than two commit intervals and this.
 */
#define STALL_FLOOR_NS (NS_PER_SEC)
/* The test hook's longest hold and how often it looks for its file. */
#define FREEZE_MAX_MS  60000
#define FREEZE_POLL_MS 50

static void on_tick(uv_timer_t *t)
{
	struct vigil *v = t->data;

	web_tick(v->web);
}

static void close_timer(struct vigil *v, uv_timer_t *t)
{
	if (t->data == v && !uv_is_closing((uv_handle_t *)t))
		uv_close((uv_handle_t *)t, NULL);
}

/* Sends MSG (VAR=VALUE lines) and a STATUS= line: STATE, where Vigil serves, what it watches. */
static void notify_status(struct vigil *v, const char *msg, const char *state)
{
	char buf[SDNOTIFY_MAX], status[SDNOTIFY_MAX];
	const struct vigil_config *cfg = v->engine ? engine_config(v->engine) : v->config;

	snprintf(buf, sizeof(buf), "%s", msg);
	snprintf(status, sizeof(status), "%s; serving %s, %zu monitor%s", state, v->url,
	         cfg->monitors.n, cfg->monitors.n == 1 ? "" : "s");
	sdnotify_status_append(buf, sizeof(buf), status);
	(void)sdnotify_send(&v->notify, buf);
}

static void on_stop(void *arg)
{
	struct vigil *v = arg;

	(void)sdnotify_send(&v->notify, "STOPPING=1\nSTATUS=shutting down");
	web_stop(v->web); /* no new requests; the ones in flight finish */
	close_timer(v, &v->tick);
	close_timer(v, &v->watchdog);
	close_timer(v, &v->freeze);
	engine_close(v->engine);
}

static void on_event(void *arg, enum engine_event ev)
{
	struct vigil *v = arg;
	char msg[SDNOTIFY_MAX];

	switch (ev) {
	case ENGINE_EVENT_RELOADING:
		if (sdnotify_reloading_msg(msg, sizeof(msg), time_mono_ns() / 1000,
		                           "reloading the configuration") > 0)
			(void)sdnotify_send(&v->notify, msg);
		break;
	case ENGINE_EVENT_RELOADED:
		notify_status(v, "READY=1", "configuration reloaded");
		break;
	case ENGINE_EVENT_RELOAD_FAILED:
		notify_status(v, "READY=1", "reload failed, running configuration kept");
		break;
	}
}

/*
 * WATCHDOG=1, from the loop (a blocked loop never gets here) and only while
 * the store writer keeps up: a writer stuck in a commit stops the pings, and
 * systemd restarts us once WatchdogSec passes without one.
 */
static void on_watchdog(uv_timer_t *t)
{
	struct vigil *v = t->data;
	int64_t waited;
	char msg[SDNOTIFY_MAX];

	if (store_writer_healthy(v->store, v->stall_ns, &waited)) {
		if (v->writer_stuck)
			log_info("sd_notify: the store writer keeps up again; watchdog pings "
			         "resume");
		v->writer_stuck = false;
		(void)sdnotify_send(&v->notify, "WATCHDOG=1");
		return;
	}
	if (!v->writer_stuck) {
		log_warnx("sd_notify: writes have waited %.1f s for the store writer; no watchdog "
		          "pings until it commits again",
		          (double)waited / 1e9);
		snprintf(msg, sizeof(msg), "STATUS=store writer stuck for %.0f s",
		         (double)waited / 1e9);
		(void)sdnotify_send(&v->notify, msg);
	}
	v->writer_stuck = true;
}

static void on_freeze(uv_timer_t *t)
{
	struct vigil *v = t->data;
	int64_t held = testhook_hold(v->freeze_path, FREEZE_MAX_MS);

	if (held > 0)
		log_info("test hook: the loop was held for %lld ms", (long long)held);
}

/* After READY=1: the watchdog timer and the test hook, when asked for. */
static void notify_start(struct vigil *v)
{
	uint64_t period_ms = (uint64_t)(v->notify.watchdog_usec / 2000);
	int64_t floor_ns = 2 * v->config->storage.commit_interval * NS_PER_MS + STALL_FLOOR_NS;

	if (sdnotify_enabled(&v->notify) && v->notify.watchdog_usec > 0) {
		v->stall_ns = v->notify.watchdog_usec * 1000 / 2;
		if (v->stall_ns < floor_ns)
			v->stall_ns = floor_ns;
		uv_timer_init(&v->loop, &v->watchdog);
		v->watchdog.data = v;
		uv_timer_start(&v->watchdog, on_watchdog, 0, period_ms > 0 ? period_ms : 1);
		log_info("sd_notify: watchdog pings every %llu ms", (unsigned long long)period_ms);
	}
	v->freeze_path = testhook_path("VIGIL_TEST_FREEZE_LOOP");
	if (v->freeze_path != NULL) {
		uv_timer_init(&v->loop, &v->freeze);
		v->freeze.data = v;
		uv_timer_start(&v->freeze, on_freeze, FREEZE_POLL_MS, FREEZE_POLL_MS);
	}
}

static int parse_args(int argc, char **argv, const char **config)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			*config = optarg;
			break;
		case 'h':
			return cli_verb_help(&cli_serve_verb) == CLI_OK ? 1 : -1;
		case ':':
			return cli_usage_error(&cli_serve_verb, "%s needs an argument",
			                       argv[optind - 1]),
			       -1;
		default:
			return cli_usage_error(&cli_serve_verb, "unknown option \"%s\"",
			                       argv[optind - 1]),
			       -1;
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_serve_verb, "unexpected argument \"%s\"", argv[optind]),
		       -1;
	return 0;
}

static struct vigil_config *load_config(const char *path)
{
	struct conf_diag diag = { 0 };
	struct vigil_config *cfg = path ? conf_load_file(path, &diag) : conf_load_default(&diag);
	size_t i;

	if (cfg == NULL) {
		for (i = 0; i < diag.n; i++)
			fprintf(stderr, "%s\n", diag.msgs[i]);
		fprintf(stderr, "vigil: %zu configuration error%s\n", diag.n,
		        diag.n == 1 ? "" : "s");
	}
	conf_diag_free(&diag);
	return cfg;
}

/* Security events and finished blocks are kept 90 days. */
#define SECURITY_RETENTION_MS (90LL * 86400 * 1000)

static int open_store(struct vigil *v)
{
	const struct conf_storage *s = &v->config->storage;
	struct store_options opt = {
		.path = s->path,
		.commit_interval = s->commit_interval,
		.batch_size = s->batch_size,
		.queue_size = s->queue_size,
		.readers = (int)v->config->server.threads + 2,
		.retention = { s->retention.raw, s->retention.minute, s->retention.hour,
		               v->config->security.request_log.retention,
		               v->config->security.request_log.max_rows, SECURITY_RETENTION_MS },
	};
	char err[512];

	if (store_open(&opt, &v->store, err, sizeof(err)) < 0) {
		log_warnx("store: %s", err);
		return -1;
	}
	return 0;
}

/* Hours and days of rollups the uptime rings need at start-up. */
#define BOOT_HOURS 24
#define BOOT_DAYS  91 /* the status page's 90 days and today */

static int start(struct vigil *v, const char *path)
{
	struct engine_options eo = {
		.loop = &v->loop,
		.config = v->config,
		.config_path = path,
		.store = v->store,
		.box = &v->box,
		.on_stop = on_stop,
		.on_event = on_event,
		.arg = v,
	};
	struct store_boot boot;
	int64_t now_s = time_wall_ms() / 1000;
	struct web_options wo = {
		.server = &v->config->server,
		.box = &v->box,
		.store = v->store,
	};
	char err[512];
	int r;

	if (store_boot_load(v->store, now_s - now_s % 3600 - (BOOT_HOURS - 1) * 3600,
	                    now_s - now_s % 86400 - (BOOT_DAYS - 1) * 86400, &boot, err,
	                    sizeof(err)) < 0) {
		log_warnx("store: %s", err);
		return -1;
	}
	eo.boot = &boot;
	r = engine_start(&eo, &v->engine);
	store_boot_free(&boot);
	if (r < 0) {
		log_warnx("engine: cannot start: %s", uv_strerror(r));
		return -1;
	}
	wo.engine = v->engine;
	v->web = web_new(&wo);
	engine_set_security_source(v->engine, web_violations_1h, v->web);
	if (web_listen(v->web, err, sizeof(err)) < 0) {
		log_warnx("web: %s", err);
		engine_close(v->engine);
		return -1;
	}
	uv_timer_init(&v->loop, &v->tick);
	v->tick.data = v;
	uv_timer_start(&v->tick, on_tick, 1000, 1000);
	snprintf(v->url, sizeof(v->url), "http%s://%s%s%s:%d/",
	         v->config->server.tls.cert ? "s" : "",
	         strchr(v->config->server.addr.host, ':') ? "[" : "",
	         v->config->server.addr.host[0] ? v->config->server.addr.host : "*",
	         strchr(v->config->server.addr.host, ':') ? "]" : "", v->config->server.addr.port);
	log_info("vigil %s: serving %s (database %s)", VIGIL_VERSION, v->url,
	         v->config->storage.path);
	/* the store is open, the first snapshot published, the port answers */
	notify_status(v, "READY=1", "ready");
	notify_start(v);
	return 0;
}

static void teardown(struct vigil *v)
{
	int r;

	store_close(v->store); /* commits everything still queued; answers what waits for it */
	web_free(v->web);      /* after: those answers reach the web's deferred calls */
	snapshot_box_destroy(&v->box);
	r = uv_loop_close(&v->loop);
	if (r != 0)
		log_warnx("engine: the loop closed with handles left: %s", uv_strerror(r));
	conf_unref(v->config);
	sdnotify_close(&v->notify);
}

static int run(int argc, char **argv)
{
	struct vigil v = { 0 };
	const char *arg = NULL, *path;
	int r;

	r = parse_args(argc, argv, &arg);
	if (r != 0)
		return r > 0 ? CLI_OK : CLI_USAGE;
	path = conf_auto_path(arg);
	v.config = load_config(path);
	if (v.config == NULL)
		return CLI_USAGE;
	log_configure((enum log_level)v.config->log.level, (enum log_format)v.config->log.format);
	log_set_secrets(v.config->secrets);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* a file size limit becomes EFBIG, reported as an error */
	sdnotify_open(&v.notify);
	if (open_store(&v) < 0) {
		(void)sdnotify_send(&v.notify, "STATUS=cannot open the store");
		sdnotify_close(&v.notify);
		conf_unref(v.config);
		return CLI_FAIL;
	}
	uv_loop_init(&v.loop);
	snapshot_box_init(&v.box);
	r = start(&v, path) < 0 ? CLI_FAIL : CLI_OK;
	uv_run(&v.loop, UV_RUN_DEFAULT);
	teardown(&v);
	if (r == CLI_OK)
		log_info("vigil: stopped");
	log_set_secrets(NULL);
	return r;
}
