/* GET /api/v1/host and /api/v1/host/series: the host's values and their history (viewer). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/value.h"
#include "engine/snapshot.h"
#include "host/json.h"
#include "host/view.h"
#include "store/store.h"
#include "util/time.h"
#include "web/api.h"
#include "web/web_int.h"

#define SERIES_POINTS_MAX 5000

static bool have_host(struct web_request *req, struct web_reply *rep)
{
	if (req->snap->host != NULL)
		return true;
	reply_json_error(rep, 503, "unavailable",
	                 "no host sample yet (or host metrics are off: host.enabled)");
	rep->retry_after = 5;
	return false;
}

void handle_host(struct web_request *req, struct web_reply *rep)
{
	if (have_host(req, rep))
		api_reply_json(req, rep, 200, host_view_json(req->snap->host));
}

/* The series id asked for: metric=NAME, plus one of mountpoint, device or group. */
static int series_id(struct web_request *req, struct web_reply *rep, char *id, size_t size)
{
	static const char *const labels[] = { "mountpoint", "device", "group" };
	const char *metric = req->query(req->cls, "metric");
	size_t i;

	if (metric == NULL || *metric == '\0') {
		api_bad_param(req, rep, "metric", "", "a series name such as cpu.percent");
		return -1;
	}
	snprintf(id, size, "%s", metric);
	for (i = 0; i < 3 && strchr(metric, '{') == NULL; i++) {
		const char *v = req->query(req->cls, labels[i]);

		if (v != NULL) {
			snprintf(id, size, "%s{%s=\"%s\"}", metric, labels[i], v);
			break;
		}
	}
	return 0;
}

struct bucketer {
	json_t *points;
	int64_t step, cur; /* seconds; the bucket being filled */
	double min, max, sum;
	uint64_t n;
};

static void bucket_close(struct bucketer *b)
{
	char t[TIME_RFC3339_LEN];

	if (b->n == 0)
		return;
	time_format_rfc3339(b->cur * 1000, t, sizeof(t));
	json_array_append_new(b->points, json_pack("{s:s,s:f,s:f,s:f,s:I}", "time", t, "min",
	                                           b->min, "avg", b->sum / (double)b->n, "max",
	                                           b->max, "samples", (json_int_t)b->n));
	b->n = 0;
}

static void bucket_add(struct bucketer *b, int64_t t, double min, double max, double sum,
                       uint64_t n)
{
	int64_t start = t - t % b->step;

	if (b->n > 0 && start != b->cur)
		bucket_close(b);
	if (json_array_size(b->points) >= SERIES_POINTS_MAX)
		return;
	if (b->n == 0) {
		b->cur = start;
		b->min = min;
		b->max = max;
		b->sum = 0;
	}
	b->min = fmin(b->min, min);
	b->max = fmax(b->max, max);
	b->sum += sum;
	b->n += n;
}

static int store_row(void *arg, const struct store_host_row *r)
{
	bucket_add(arg, r->bucket, r->min, r->max, r->sum, r->count);
	return 0;
}

/* Fills B from the in-memory last hour. Returns false when the series is unknown. */
static bool from_rings(const struct host_view *v, const char *id, int64_t since, int64_t until,
                       struct bucketer *b)
{
	const struct host_series_copy *c = host_view_series(v, id);
	size_t i;

	if (c == NULL)
		return false;
	for (i = 0; i < c->n; i++)
		if (c->points[i].t >= since && c->points[i].t < until)
			bucket_add(b, c->points[i].t, c->points[i].v, c->points[i].v,
			           c->points[i].v, 1);
	return true;
}

/* The series ids, LIMIT after the id CURSOR (like every list of the API). */
static void list_series(struct web_request *req, struct web_reply *rep)
{
	const struct host_view *v = req->snap->host;
	const char *cursor = req->query(req->cls, "cursor");
	json_t *a;
	int64_t limit;
	size_t i = 0, end;

	if (api_int_param(req, rep, "limit", HOST_SERIES_MAX, 1, HOST_SERIES_MAX, &limit) < 0)
		return;
	if (cursor != NULL) {
		while (i < v->nseries && strcmp(v->series[i].id, cursor) != 0)
			i++;
		if (i == v->nseries) {
			api_bad_param(req, rep, "cursor", cursor,
			              "a series id of the previous page");
			return;
		}
		i++;
	}
	end = i + (size_t)limit < v->nseries ? i + (size_t)limit : v->nseries;
	a = json_array();
	for (; i < end; i++)
		json_array_append_new(a, json_string(v->series[i].id));
	api_reply_json(req, rep, 200,
	               json_pack("{s:o,s:I,s:o}", "series", a, "total", (json_int_t)v->nseries,
	                         "next_cursor",
	                         end < v->nseries && end > 0 ? json_string(v->series[end - 1].id)
	                                                     : json_null()));
}

void handle_host_series(struct web_request *req, struct web_reply *rep)
{
	int64_t now = time_wall_ms(), since, until, step_ms = 0;
	const char *step = req->query(req->cls, "step");
	struct bucketer b = { 0 };
	char id[HOST_SERIES_ID];
	struct store_reader *r;
	int rows;

	if (!have_host(req, rep))
		return;
	if (req->query(req->cls, "metric") == NULL) {
		list_series(req, rep);
		return;
	}
	if (series_id(req, rep, id, sizeof(id)) < 0 ||
	    api_time_param(req, rep, "since", now - 3600000, &since) < 0 ||
	    api_time_param(req, rep, "until", now, &until) < 0)
		return;
	if (step != NULL && (conf_duration_parse(step, &step_ms) < 0 || step_ms < 1000)) {
		api_bad_param(req, rep, "step", step, "a duration of 1s or more");
		return;
	}
	b.points = json_array();
	b.step = step_ms ? step_ms / 1000
	                 : (now - since <= 3600000 ? req->snap->host->interval_ms / 1000 : 60);
	if (b.step < 1)
		b.step = 1;
	if (now - since <= 3600000 + 60000) {
		if (!from_rings(req->snap->host, id, since / 1000, until / 1000, &b)) {
			json_decref(b.points);
			reply_json_error(rep, 404, "not_found",
			                 "no host series \"%s\" (GET "
			                 "/api/v1/host/series lists them)",
			                 id);
			return;
		}
	} else {
		if ((r = api_reader(req, rep)) == NULL) {
			json_decref(b.points);
			return;
		}
		rows = store_host_query(r, id,
		                        now - since <= 30LL * 86400000 && b.step < 3600
		                                ? STORE_RES_MINUTE
		                                : STORE_RES_HOUR,
		                        since / 1000, until / 1000, store_row, &b);
		store_reader_release(req->web->store, r);
		if (rows < 0 || (rows == 0 && host_view_series(req->snap->host, id) == NULL)) {
			json_decref(b.points);
			reply_json_error(rep, rows < 0 ? 500 : 404,
			                 rows < 0 ? "store_error" : "not_found",
			                 "no history for host series \"%s\"", id);
			return;
		}
	}
	bucket_close(&b);
	api_reply_json(req, rep, 200,
	               json_pack("{s:s,s:I,s:o}", "metric", id, "step_s", (json_int_t)b.step,
	                         "points", b.points));
}
