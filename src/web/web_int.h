/* Internals of the web module: the server, requests, replies, handlers. */
#ifndef VIGIL_WEB_INT_H
#define VIGIL_WEB_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include <pthread.h>
#include <stdatomic.h>

#include "conf/conf.h"
#include "engine/command.h"
#include "util/buf.h"
#include "web/auth.h"
#include "web/router.h"
#include "web/stats.h"
#include "web/web.h"

struct MHD_Daemon;
struct snapshot;

/* How API bodies are written: compact, reals with 10 significant digits. */
#define API_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))

struct web {
	struct snapshot_box *box;
	struct store *store;
	struct engine *engine;
	const struct route *routes;
	size_t nroutes;
	struct web_stats stats;
	int64_t started_ns;

	/* listening (copied from the config at start: these need a restart) */
	struct conf_listen addr;
	int threads;
	unsigned connection_timeout_s;
	unsigned max_connections, max_connections_per_ip;
	size_t connection_memory;
	char *tls_cert_pem, *tls_key_pem;
	int listen_fd;
	struct MHD_Daemon *mhd;
	struct guard *guard;        /* rate limits, violations, blocks */
	struct reqlog *reqlog;      /* the request log's buffer */
	pthread_mutex_t calls_lock; /* between a deferred request and the engine's answer */
	struct web_call *calls;     /* deferred requests with a connection (calls_lock) */
};

/*
 * A request waiting for the engine (a command): its connection is suspended
 * until the command is answered, then FINISH builds the reply from the
 * outcome and a fresh snapshot.
 */
struct web_call {
	struct engine_cmd cmd;
	void (*finish)(struct web_request *req, struct web_reply *rep, struct engine_cmd *cmd);
	struct web *web;
	atomic_int refs; /* the connection's and the engine's */
	/* guarded by web->calls_lock */
	void *ctx;     /* the server's connection state; NULL once the connection is gone */
	bool answered; /* the engine answered, or the server is stopping */
	bool stopping; /* answered by the server's shutdown, not the engine */
	struct web_call *prev, *next; /* in web->calls while ctx is set */
};

/* One request, independent of MHD so tests and fuzzers can drive dispatch. */
struct web_request {
	struct web *web;
	struct snapshot *snap; /* held for the whole request */
	const char *method;
	const char *path;
	const char *client; /* client address as text */
	/* Looks up a request header (case-insensitive) or query argument. */
	const char *(*header)(void *cls, const char *name);
	const char *(*query)(void *cls, const char *name);
	void *cls;
	const char *body;
	size_t body_len;
	const struct route *route;
	struct route_params params;
	struct auth_identity who;
	int64_t start_ns;
};

/* What a handler answers; the server turns it into an HTTP response. */
struct web_reply {
	int status;
	const char *content_type;
	const char *body; /* owned, or borrowed from the snapshot (kept alive by the request) */
	size_t len;
	char *owned;   /* freed once sent; body == owned when set */
	char etag[24]; /* quoted; empty for none */
	const char *cache_control;
	char allow[64];  /* for 405 */
	int retry_after; /* seconds, 0 for none */
	bool www_authenticate;
	size_t route_index;    /* for stats: index in the table, or nroutes */
	struct web_call *call; /* set by web_defer: no reply yet */
	int violation;         /* an enum violation + 1 to record, or 0 */
};

/*
 * Defers REP: CMD (a new call of KIND for monitor ID, may be NULL) goes to
 * the engine, and FINISH answers once it is done. Returns the call so the
 * handler can fill the command's inputs.
 */
struct web_call *
web_defer(struct web_request *req, struct web_reply *rep, enum engine_cmd_kind kind, const char *id,
          void (*finish)(struct web_request *req, struct web_reply *rep, struct engine_cmd *cmd));
/* Drops one reference; the last frees the call. */
void web_call_unref(struct web_call *call);
/* A JSON error reply from a command's outcome (status, code, message, diag). */
void reply_cmd_error(struct web_reply *rep, const struct engine_cmd *cmd);

/* The Content-Security-Policy of HTML pages: nothing inline, nothing from elsewhere. */
#define WEB_CSP_HTML                                                                        \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "   \
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; " \
	"object-src 'none'"
/* ...and of SVG images served alone (badges, a logo): no script at all. */
#define WEB_CSP_SVG "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"

/* The route table (routes.c). */
extern const struct route web_routes[];
extern const size_t web_nroutes;

/*
 * Routes REQ and runs its handler or answers the error (404, 405, 400, 401,
 * 403), filling REP. Every path ends in a complete reply.
 */
void web_dispatch(struct web_request *req, struct web_reply *rep);

/* Reply helpers (reply.c). */
void reply_json_error(struct web_reply *rep, int status, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* Takes ownership of BODY (malloc'd JSON text). */
void reply_json(struct web_reply *rep, int status, char *body);
/* Borrows BODY (must outlive the request, e.g. a snapshot body). */
void reply_borrowed(struct web_reply *rep, int status, const char *type, const char *body,
                    size_t len, const char *etag);
/* 304 when the request's If-None-Match matches ETAG. Returns true if it answered. */
bool reply_not_modified(struct web_request *req, struct web_reply *rep, const char *etag);
/*
 * Answers the embedded asset NAME (src/web/assets/) as TYPE with an ETag of
 * its bytes (or a 304) and CACHE_CONTROL. False, nothing answered, when the
 * binary has no such file (assets.c).
 */
bool web_reply_asset(struct web_request *req, struct web_reply *rep, const char *name,
                     const char *type, const char *cache_control);

/* Handlers. */
void handle_health(struct web_request *req, struct web_reply *rep);
void handle_health_live(struct web_request *req, struct web_reply *rep);
void handle_health_ready(struct web_request *req, struct web_reply *rep);
void handle_health_detailed(struct web_request *req, struct web_reply *rep);
void handle_metrics(struct web_request *req, struct web_reply *rep);
void handle_monitors_list(struct web_request *req, struct web_reply *rep);
void handle_monitor_get(struct web_request *req, struct web_reply *rep);
void handle_monitor_results(struct web_request *req, struct web_reply *rep);
void handle_monitor_uptime(struct web_request *req, struct web_reply *rep);
void handle_monitor_events(struct web_request *req, struct web_reply *rep);
void handle_host(struct web_request *req, struct web_reply *rep);
void handle_host_series(struct web_request *req, struct web_reply *rep);
void handle_monitor_create(struct web_request *req, struct web_reply *rep);
void handle_monitor_patch(struct web_request *req, struct web_reply *rep);
void handle_monitor_delete(struct web_request *req, struct web_reply *rep);
void handle_monitor_run(struct web_request *req, struct web_reply *rep);
void handle_monitor_pause(struct web_request *req, struct web_reply *rep);
void handle_monitor_resume(struct web_request *req, struct web_reply *rep);
void handle_admin_reload(struct web_request *req, struct web_reply *rep);
void handle_admin_cache_clear(struct web_request *req, struct web_reply *rep);
void handle_openapi(struct web_request *req, struct web_reply *rep);
void handle_security(struct web_request *req, struct web_reply *rep);
void handle_blocks_list(struct web_request *req, struct web_reply *rep);
void handle_block_add(struct web_request *req, struct web_reply *rep);
void handle_block_remove(struct web_request *req, struct web_reply *rep);
void handle_requests(struct web_request *req, struct web_reply *rep);
void handle_dashboard(struct web_request *req, struct web_reply *rep);
/* statuspage.c */
void handle_status_page(struct web_request *req, struct web_reply *rep);
void handle_status_incident(struct web_request *req, struct web_reply *rep);
void handle_status_component(struct web_request *req, struct web_reply *rep);
void handle_status_json(struct web_request *req, struct web_reply *rep);
void handle_status_summary(struct web_request *req, struct web_reply *rep);
void handle_status_theme(struct web_request *req, struct web_reply *rep);
void handle_status_css(struct web_request *req, struct web_reply *rep);
void handle_status_js(struct web_request *req, struct web_reply *rep);
void handle_status_logo(struct web_request *req, struct web_reply *rep);
void handle_badge(struct web_request *req, struct web_reply *rep);
void handle_badge_uptime(struct web_request *req, struct web_reply *rep);
void handle_feed_atom(struct web_request *req, struct web_reply *rep);
void handle_feed_rss(struct web_request *req, struct web_reply *rep);
void handle_alerts(struct web_request *req, struct web_reply *rep);
void handle_alert_ack(struct web_request *req, struct web_reply *rep);
void handle_notifications(struct web_request *req, struct web_reply *rep);
void handle_maintenance_list(struct web_request *req, struct web_reply *rep);
void handle_incidents(struct web_request *req, struct web_reply *rep);
void handle_incident_create(struct web_request *req, struct web_reply *rep);
void handle_incident_update(struct web_request *req, struct web_reply *rep);
void handle_maintenance_create(struct web_request *req, struct web_reply *rep);
void handle_maintenance_delete(struct web_request *req, struct web_reply *rep);
void handle_push(struct web_request *req, struct web_reply *rep);
struct store_reader;
/* Security events of the last 24 h, or -1 (api_security.c). */
int64_t api_security_violations_24h(struct store_reader *r);

/* The OpenAPI 3.1 document of the N routes of TABLE (openapi.c). */
json_t *openapi_document(const struct route *table, size_t n);

#endif
