/* /health, /health/live, /health/ready and /health/detailed. */
#include "web/health.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/engine.h"
#include "engine/snapshot.h"
#include "host/procfs.h"
#include "host/view.h"
#include "util/rcstr.h"
#include "util/time.h"
#include "version.h"
#include "web/web_int.h"

#define HEALTH_TYPE "application/health+json"
#define QUEUE_WARN  0.5
#define QUEUE_FAIL  0.9
#define LAG_WARN_NS (1LL * NS_PER_SEC)
#define DISK_WARN   10.0 /* percent available */
#define DISK_FAIL   5.0

static const char *const status_names[] = { "pass", "warn", "fail" };

const char *health_status_str(enum health_status s)
{
	return status_names[s];
}

/* Appends one component check {componentType, status, observedValue, ...}. */
static enum health_status add_check(json_t *checks, const char *name, const char *type,
                                    enum health_status st, json_t *value, const char *unit,
                                    const char *output, const char *time)
{
	json_t *c = json_object();

	json_object_set_new(c, "componentType", json_string(type));
	json_object_set_new(c, "status", json_string(status_names[st]));
	json_object_set_new(c, "observedValue", value);
	if (unit != NULL)
		json_object_set_new(c, "observedUnit", json_string(unit));
	if (output != NULL && *output)
		json_object_set_new(c, "output", json_string(output));
	json_object_set_new(c, "time", json_string(time));
	json_object_set_new(checks, name, json_pack("[o]", c));
	return st;
}

static enum health_status worst(enum health_status a, enum health_status b)
{
	return a > b ? a : b;
}

static enum health_status store_checks(const struct snapshot *s, json_t *checks, const char *time)
{
	const struct store_stats *st = &s->store;
	double fill = st->queue_max ? (double)st->queue_depth / (double)st->queue_max : 0;
	enum health_status a, b;
	char out[128] = "";

	if (!st->writer_ok)
		snprintf(out, sizeof(out),
		         "commits are failing (%llu failures); writes are retried",
		         (unsigned long long)st->errors);
	a = add_check(checks, "store:connection", "datastore",
	              st->writer_ok ? HEALTH_PASS : HEALTH_FAIL,
	              json_real((double)st->last_commit_ns / 1e9), "s", out, time);
	out[0] = '\0';
	if (fill >= QUEUE_WARN)
		snprintf(out, sizeof(out), "write queue %.0f%% full", fill * 100);
	b = add_check(checks, "store:queue", "datastore",
	              fill >= QUEUE_FAIL   ? HEALTH_FAIL
	              : fill >= QUEUE_WARN ? HEALTH_WARN
	                                   : HEALTH_PASS,
	              json_integer((json_int_t)st->queue_depth), "items", out, time);
	return worst(a, b);
}

static enum health_status loop_check(const struct snapshot *s, int64_t beat_age_ns, json_t *checks,
                                     const char *time)
{
	int64_t overdue = beat_age_ns - ENGINE_HEARTBEAT_MS * NS_PER_MS;
	int64_t lag = s->loop_lag_max_ns > overdue ? s->loop_lag_max_ns : overdue;
	enum health_status st = beat_age_ns >= HEALTH_LIVE_MAX_NS ? HEALTH_FAIL
	                        : lag >= LAG_WARN_NS              ? HEALTH_WARN
	                                                          : HEALTH_PASS;
	char out[96] = "";

	if (st == HEALTH_FAIL)
		snprintf(out, sizeof(out), "the event loop has not run for %.1f s",
		         (double)beat_age_ns / 1e9);
	else if (st == HEALTH_WARN)
		snprintf(out, sizeof(out), "the event loop ran %.2f s late", (double)lag / 1e9);
	return add_check(checks, "loop:lag", "system", st, json_real((double)lag / 1e9), "s", out,
	                 time);
}

static enum health_status disk_check(const struct snapshot *s, json_t *checks, const char *time)
{
	double pct;
	enum health_status st;
	char out[128];

	if (!s->disk.known || s->disk.total == 0)
		return HEALTH_PASS;
	pct = 100.0 * (double)s->disk.avail / (double)s->disk.total;
	st = pct < DISK_FAIL ? HEALTH_FAIL : pct < DISK_WARN ? HEALTH_WARN : HEALTH_PASS;
	snprintf(out, sizeof(out), "%.1f%% available on the filesystem of the database", pct);
	return add_check(checks, "disk:free", "system", st, json_integer((json_int_t)s->disk.avail),
	                 "bytes", out, time);
}

/* Monitors marked critical: down fails /health, degraded or no data yet warns. */
static enum health_status monitor_checks(const struct snapshot *s, json_t *checks)
{
	enum health_status worst_st = HEALTH_PASS, st;
	char name[160], time[TIME_RFC3339_LEN];
	size_t i;

	for (i = 0; i < s->nmonitors; i++) {
		const struct monitor_snap *m = &s->monitors[i];

		if (!m->conf->critical)
			continue;
		switch (m->status) {
		case STATUS_DOWN:
			st = HEALTH_FAIL;
			break;
		case STATUS_DEGRADED:
		case STATUS_UNKNOWN:
			st = HEALTH_WARN;
			break;
		default:
			st = HEALTH_PASS;
			break;
		}
		snprintf(name, sizeof(name), "monitor:%s", m->conf->id);
		time_format_rfc3339(m->last.t_ms ? m->last.t_ms : s->wall_ms, time, sizeof(time));
		add_check(checks, name, "component", st,
		          m->last.t_ms ? json_real((double)m->last.latency_ns / 1e6) : json_null(),
		          "ms", m->status == STATUS_UP ? NULL : rcstr_str(m->message), time);
		json_object_set_new(json_array_get(json_object_get(checks, name), 0), "componentId",
		                    json_string(m->conf->id));
		worst_st = worst(worst_st, st);
	}
	return worst_st;
}

/* The host's components (host:cpu, host:memory, host:load, host:disk:<mountpoint>). */
static enum health_status host_checks(const struct snapshot *s, json_t *checks)
{
	const struct host_view *v = s->host;
	enum health_status worst_st = HEALTH_PASS;
	char time[TIME_RFC3339_LEN];
	size_t i;

	if (v == NULL)
		return HEALTH_PASS;
	time_format_rfc3339(v->sample.wall_ms, time, sizeof(time));
	for (i = 0; i < v->ncomps; i++) {
		const struct host_component *c = &v->comps[i];
		enum health_status st = c->level == HOST_CRIT   ? HEALTH_FAIL
		                        : c->level == HOST_WARN ? HEALTH_WARN
		                                                : HEALTH_PASS;

		add_check(checks, c->name, "system", st, json_real(c->value), c->unit,
		          st == HEALTH_PASS ? NULL : c->output, time);
		worst_st = worst(worst_st, st);
	}
	return worst_st;
}

json_t *health_document(const struct snapshot *s, int64_t beat_age_ns, enum health_status *out)
{
	json_t *doc = json_object(), *checks = json_object();
	enum health_status st = HEALTH_PASS;
	char time[TIME_RFC3339_LEN];

	time_format_rfc3339(s->wall_ms, time, sizeof(time));
	st = worst(st, store_checks(s, checks, time));
	st = worst(st, loop_check(s, beat_age_ns, checks, time));
	st = worst(st, disk_check(s, checks, time));
	st = worst(st, monitor_checks(s, checks));
	st = worst(st, host_checks(s, checks));
	json_object_set_new(doc, "status", json_string(status_names[st]));
	json_object_set_new(doc, "version", json_string(VIGIL_VERSION_MAJOR_STR));
	json_object_set_new(doc, "releaseId", json_string(VIGIL_VERSION));
	json_object_set_new(doc, "serviceId", json_string("vigil"));
	json_object_set_new(doc, "description", json_string("Vigil health monitor"));
	json_object_set_new(doc, "checks", checks);
	*out = st;
	return doc;
}

static void render(const struct snapshot *s, int64_t beat_age_ns, struct snapshot_body *b)
{
	enum health_status st;
	json_t *doc = health_document(s, beat_age_ns, &st);

	b->data = json_dumps(doc, API_JSON_FLAGS);
	b->len = strlen(b->data);
	b->status = st == HEALTH_FAIL ? 503 : 200;
	json_decref(doc);
}

static void render_cached(const struct snapshot *s, struct snapshot_body *b)
{
	render(s, 0, b);
}

void handle_health(struct web_request *req, struct web_reply *rep)
{
	int64_t age = engine_heartbeat_age_ns(req->web->engine);
	const struct snapshot_body *b;

	if (age >= LAG_WARN_NS) {
		/* The loop is late: this snapshot may be stale, so say so fresh. */
		struct snapshot_body fresh = { 0 };

		render(req->snap, age, &fresh);
		reply_json(rep, fresh.status, fresh.data);
		rep->content_type = HEALTH_TYPE;
		rep->cache_control = "no-store";
		return;
	}
	b = snapshot_render(req->snap, SNAP_HEALTH, render_cached);
	if (reply_not_modified(req, rep, b->etag))
		return;
	reply_borrowed(rep, b->status, HEALTH_TYPE, b->data, b->len, b->etag);
	rep->cache_control = "no-cache";
}

static void simple_status(struct web_reply *rep, bool ok, const char *why)
{
	json_t *doc = json_pack("{s:s}", "status", ok ? "pass" : "fail");

	if (!ok)
		json_object_set_new(doc, "output", json_string(why));
	reply_json(rep, ok ? 200 : 503, json_dumps(doc, API_JSON_FLAGS));
	rep->content_type = HEALTH_TYPE;
	rep->cache_control = "no-store";
	json_decref(doc);
}

void handle_health_live(struct web_request *req, struct web_reply *rep)
{
	int64_t age = engine_heartbeat_age_ns(req->web->engine);
	char why[96];

	snprintf(why, sizeof(why), "the event loop has not run for %.1f s", (double)age / 1e9);
	simple_status(rep, age < HEALTH_LIVE_MAX_NS, why);
}

void handle_health_ready(struct web_request *req, struct web_reply *rep)
{
	const struct snapshot *s = req->snap;

	if (!s->ready)
		simple_status(rep, false, "shutting down");
	else if (s->store.schema_version <= 0)
		simple_status(rep, false, "database migrations are not applied");
	else if (!s->store.writer_ok)
		simple_status(rep, false, "the database cannot be written");
	else
		simple_status(rep, true, NULL);
}
