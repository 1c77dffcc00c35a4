/* GET /api/v1/monitors[/{id}[/results|/uptime|/events]]: monitors as JSON (viewer). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/snapshot.h"
#include "store/store.h"
#include "util/rcstr.h"
#include "util/time.h"
#include "util/timeparse.h"
#include "web/api.h"
#include "web/web_int.h"

#define RESULTS_DEFAULT 100
#define RESULTS_MAX     10000

/* A full page has a next one, from LAST on (as a string: cursors are opaque). */
static json_t *cursor_json(size_t count, int64_t limit, int64_t last)
{
	return (int64_t)count == limit && last > 0 ? json_sprintf("%lld", (long long)last)
	                                           : json_null();
}

static json_t *ratio_json(double r)
{
	return r < 0 ? json_null() : json_real(r);
}

static json_t *ms_json(int64_t ns)
{
	return ns < 0 ? json_null() : json_real(round((double)ns / 1e3) / 1e3);
}

static json_t *last_json(const struct monitor_snap *m)
{
	const struct monitor_last *l = &m->last;
	json_t *o;

	if (l->t_ms == 0)
		return json_null();
	o = json_pack("{s:o,s:s,s:o,s:s,s:s,s:i}", "time", api_time(l->t_ms), "status",
	              status_str(l->status), "latency_ms", ms_json(l->latency_ns), "reason",
	              probe_outcome_str(l->outcome), "message", rcstr_str(m->message), "attempts",
	              l->attempts ? l->attempts : 1);
	if (l->http_status > 0)
		json_object_set_new(o, "http_status", json_integer(l->http_status));
	if (l->cert_expiry > 0)
		json_object_set_new(o, "certificate_expires", api_time(l->cert_expiry * 1000));
	if (l->nvalues > 0) {
		json_t *v = json_object();
		int i;

		for (i = 0; i < l->nvalues; i++)
			json_object_set_new(v, l->values[i].name, json_real(l->values[i].v));
		json_object_set_new(o, "values", v);
	}
	if (m->perfdata != NULL)
		json_object_set_new(o, "perfdata", json_string(rcstr_str(m->perfdata)));
	return o;
}

/* The summary of one monitor, as listed by GET /api/v1/monitors. */
json_t *api_monitor_summary(const struct monitor_snap *m)
{
	const struct monitor_conf *c = m->conf;

	return json_pack("{s:s,s:s,s:s?,s:s,s:s,s:o,s:o,s:o,s:b,s:b,s:s}", "id", c->id, "name",
	                 c->name, "group", c->group, "type", c->type, "status",
	                 status_str(m->status), "since", api_time(m->since_ms), "last_result",
	                 last_json(m), "uptime_24h", ratio_json(m->uptime[HISTORY_24H]), "public",
	                 c->public, "critical", c->critical, "origin", m->api ? "api" : "file");
}

static void render_list(const struct snapshot *s, struct snapshot_body *b)
{
	json_t *list = json_array(), *doc;
	size_t i;

	for (i = 0; i < s->nmonitors; i++)
		json_array_append_new(list, api_monitor_summary(&s->monitors[i]));
	doc = json_pack("{s:o,s:I,s:I,s:n}", "monitors", list, "count", (json_int_t)s->nmonitors,
	                "total", (json_int_t)s->nmonitors, "next_cursor");
	b->data = json_dumps(doc, API_JSON_FLAGS);
	b->len = strlen(b->data);
	b->status = 200;
	json_decref(doc);
}

/* One page of the list: LIMIT monitors after the one whose id is CURSOR. */
static void list_page(struct web_request *req, struct web_reply *rep)
{
	const char *cursor = req->query(req->cls, "cursor");
	const struct snapshot *s = req->snap;
	json_t *list = json_array();
	int64_t limit;
	size_t i = 0, end;

	if (api_int_param(req, rep, "limit", RESULTS_MAX, 1, RESULTS_MAX, &limit) < 0) {
		json_decref(list);
		return;
	}
	if (cursor != NULL) {
		while (i < s->nmonitors && strcmp(s->monitors[i].conf->id, cursor) != 0)
			i++;
		if (i == s->nmonitors) {
			json_decref(list);
			api_bad_param(
			        req, rep, "cursor", cursor,
			        "the id of a monitor of the previous page (it was removed: start "
			        "again)");
			return;
		}
		i++;
	}
	end = i + (size_t)limit < s->nmonitors ? i + (size_t)limit : s->nmonitors;
	for (; i < end; i++)
		json_array_append_new(list, api_monitor_summary(&s->monitors[i]));
	api_reply_json(req, rep, 200,
	               json_pack("{s:o,s:I,s:I,s:o}", "monitors", list, "count",
	                         (json_int_t)json_array_size(list), "total",
	                         (json_int_t)s->nmonitors, "next_cursor",
	                         end < s->nmonitors && end > 0
	                                 ? json_string(s->monitors[end - 1].conf->id)
	                                 : json_null()));
}

void handle_monitors_list(struct web_request *req, struct web_reply *rep)
{
	const struct snapshot_body *b;

	if (req->query(req->cls, "limit") != NULL || req->query(req->cls, "cursor") != NULL) {
		list_page(req, rep);
		return;
	}
	b = snapshot_render(req->snap, SNAP_MONITORS, render_list);
	if (reply_not_modified(req, rep, b->etag))
		return;
	reply_borrowed(rep, b->status, "application/json", b->data, b->len, b->etag);
	rep->cache_control = "no-cache";
}

/* The monitor named by the {id} of the path, or a 404 reply. */
static const struct monitor_snap *find(struct web_request *req, struct web_reply *rep)
{
	const char *id = route_param(&req->params, "id");
	const struct monitor_snap *m = id ? snapshot_monitor(req->snap, id) : NULL;

	if (m == NULL)
		reply_json_error(rep, 404, "not_found", "no monitor with id \"%s\"", id ? id : "");
	return m;
}

json_t *api_monitor_last(const struct monitor_snap *m)
{
	return last_json(m);
}

json_t *api_monitor_detail(const struct monitor_snap *m)
{
	json_t *o, *up;
	int w;

	o = api_monitor_summary(m);
	up = json_object();
	for (w = 0; w < HISTORY_WINDOWS; w++)
		json_object_set_new(up, history_window_names[w], ratio_json(m->uptime[w]));
	json_object_set_new(o, "uptime", up);
	json_object_set_new(o, "state",
	                    json_pack("{s:i,s:i,s:I,s:b,s:o}", "consecutive_failures", m->failures,
	                              "consecutive_successes", m->successes, "checks",
	                              (json_int_t)m->checks, "running", m->running, "next_check",
	                              api_time(m->next_ms)));
	json_object_set_new(o, "config", conf_monitor_json(m->conf));
	if (m->api != NULL) {
		json_object_set_new(o, "created", api_time(m->api_created_ms));
		json_object_set_new(o, "updated", api_time(m->api_updated_ms));
	}
	return o;
}

void handle_monitor_get(struct web_request *req, struct web_reply *rep)
{
	const struct monitor_snap *m = find(req, rep);

	if (m != NULL)
		api_reply_json(req, rep, 200, api_monitor_detail(m));
}

struct results_ctx {
	json_t *list;
	int64_t last_t; /* of the last row: the next page's cursor */
};

static int result_row(void *arg, const struct store_result_row *r)
{
	struct results_ctx *c = arg;

	json_t *row = json_pack(
	        "{s:o,s:s,s:o,s:s,s:s}", "time", api_time(r->t), "status",
	        status_str((enum status)r->status), "latency_ms", ms_json(r->latency_us * 1000),
	        "reason", probe_outcome_str((enum probe_outcome)r->reason), "message", r->message);

	c->last_t = r->t;
	if (r->perfdata != NULL)
		json_object_set_new(row, "perfdata", json_string(r->perfdata));
	json_array_append_new(c->list, row);
	return 0;
}

void handle_monitor_results(struct web_request *req, struct web_reply *rep)
{
	const struct monitor_snap *m = find(req, rep);
	int64_t now = time_wall_ms(), since, until, limit, cursor;
	struct results_ctx ctx = { 0 };
	struct store_reader *r;

	if (m == NULL || api_time_param(req, rep, "since", now - 86400000LL, &since) < 0 ||
	    api_time_param(req, rep, "until", now + 1, &until) < 0 ||
	    api_int_param(req, rep, "limit", RESULTS_DEFAULT, 1, RESULTS_MAX, &limit) < 0 ||
	    api_int_param(req, rep, "cursor", 0, 1, INT64_MAX, &cursor) < 0)
		return;
	if (cursor > 0 && cursor < until) /* the next page: older than the last row seen */
		until = cursor;
	if ((r = api_reader(req, rep)) == NULL)
		return;
	ctx.list = json_array();
	if (store_results_query(r, m->key, since, until, (int)limit, result_row, &ctx) < 0) {
		store_reader_release(req->web->store, r);
		json_decref(ctx.list);
		reply_json_error(rep, 500, "store_error", "cannot read the results");
		return;
	}
	store_reader_release(req->web->store, r);
	api_reply_json(req, rep, 200,
	               json_pack("{s:s,s:I,s:o,s:o}", "monitor", m->conf->id, "count",
	                         (json_int_t)json_array_size(ctx.list), "results", ctx.list,
	                         "next_cursor",
	                         cursor_json(json_array_size(ctx.list), limit, ctx.last_t)));
}

static int event_row(void *arg, const struct store_event_row *e)
{
	struct results_ctx *c = arg;
	json_t *list = c->list;

	c->last_t = e->id;
	json_array_append_new(list, json_pack("{s:I,s:o,s:s,s:s,s:s,s:s}", "id", (json_int_t)e->id,
	                                      "time", api_time(e->t), "from",
	                                      status_str((enum status)e->old), "to",
	                                      status_str((enum status)e->new_), "reason",
	                                      probe_outcome_str((enum probe_outcome)e->reason),
	                                      "message", e->message));
	return 0;
}

void handle_monitor_events(struct web_request *req, struct web_reply *rep)
{
	const struct monitor_snap *m = find(req, rep);
	int64_t since, limit, cursor;
	struct store_reader *r;
	struct results_ctx ctx = { 0 };
	json_t *list;

	if (m == NULL || api_time_param(req, rep, "since", 0, &since) < 0 ||
	    api_int_param(req, rep, "limit", RESULTS_DEFAULT, 1, RESULTS_MAX, &limit) < 0 ||
	    api_int_param(req, rep, "cursor", 0, 1, INT64_MAX, &cursor) < 0)
		return;
	if ((r = api_reader(req, rep)) == NULL)
		return;
	list = ctx.list = json_array();
	if (store_events_query(r, m->key, since, cursor, (int)limit, event_row, &ctx) < 0) {
		store_reader_release(req->web->store, r);
		json_decref(list);
		reply_json_error(rep, 500, "store_error", "cannot read the events");
		return;
	}
	store_reader_release(req->web->store, r);
	api_reply_json(req, rep, 200,
	               json_pack("{s:s,s:I,s:o,s:o}", "monitor", m->conf->id, "count",
	                         (json_int_t)json_array_size(list), "events", list, "next_cursor",
	                         cursor_json(json_array_size(list), limit, ctx.last_t)));
}

static const struct {
	const char *name;
	int64_t seconds;
	enum store_res res;
} windows[] = {
	{ "24h", 86400, STORE_RES_HOUR },
	{ "7d", 7 * 86400, STORE_RES_HOUR },
	{ "30d", 30 * 86400, STORE_RES_DAY },
	{ "90d", 90 * 86400, STORE_RES_DAY },
};

static json_t *latency_json(const struct store_rollup *u)
{
	uint64_t n = (uint64_t)u->up + u->degraded + u->down;

	if (n == 0)
		return json_null();
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "avg",
	                 ms_json((int64_t)((double)u->lat_sum / (double)n * 1000)), "min",
	                 ms_json(u->lat_min * 1000), "max", ms_json(u->lat_max * 1000), "p50",
	                 ms_json(store_hist_quantile(u->hist, 0.50) * 1000), "p95",
	                 ms_json(store_hist_quantile(u->hist, 0.95) * 1000), "p99",
	                 ms_json(store_hist_quantile(u->hist, 0.99) * 1000));
}

void handle_monitor_uptime(struct web_request *req, struct web_reply *rep)
{
	const struct monitor_snap *m = find(req, rep);
	const char *w = req->query(req->cls, "window");
	int64_t now_s = time_wall_ms() / 1000, since;
	struct store_rollup u;
	struct store_reader *r;
	size_t i;
	uint64_t total;

	if (m == NULL)
		return;
	for (i = 0; w != NULL && i < sizeof(windows) / sizeof(windows[0]); i++)
		if (strcmp(w, windows[i].name) == 0)
			break;
	if (w == NULL)
		i = 0;
	else if (i == sizeof(windows) / sizeof(windows[0])) {
		api_bad_param(req, rep, "window", w, "one of 24h, 7d, 30d, 90d");
		return;
	}
	if ((r = api_reader(req, rep)) == NULL)
		return;
	/* whole buckets: the window starts at the bucket holding now - window */
	since = now_s - windows[i].seconds;
	since -= since % (windows[i].res == STORE_RES_HOUR ? 3600 : 86400);
	if (store_rollup_sum(r, m->key, windows[i].res, since, &u) < 0) {
		store_reader_release(req->web->store, r);
		reply_json_error(rep, 500, "store_error", "cannot read the rollups");
		return;
	}
	store_reader_release(req->web->store, r);
	total = (uint64_t)u.up + u.degraded + u.down;
	api_reply_json(req, rep, 200,
	               json_pack("{s:s,s:s,s:o,s:o,s:o,s:{s:I,s:I,s:I,s:I},s:o}", "monitor",
	                         m->conf->id, "window", windows[i].name, "from",
	                         api_time(since * 1000), "to", api_time(now_s * 1000), "uptime",
	                         total ? json_real((double)(u.up + u.degraded) / (double)total)
	                               : json_null(),
	                         "checks", "up", (json_int_t)u.up, "degraded",
	                         (json_int_t)u.degraded, "down", (json_int_t)u.down, "unknown",
	                         (json_int_t)u.unknown, "latency_ms", latency_json(&u)));
}
