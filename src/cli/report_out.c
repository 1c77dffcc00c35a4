/* `vigil report`'s writer: the export as one JSON document or CSV rows, as it is read. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report_int.h"
#include "util/buf.h"
#include "util/secret.h"
#include "util/time.h"
#include "util/timeparse.h"
#include "util/xmalloc.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10))

/* ---------------------------------------------------------------- output */

static void put_text(struct rep_out *o, const char *s, size_t len)
{
	size_t clean_len;
	char *clean = o->secrets ? secret_scrub(o->secrets, s, len, &clean_len) : NULL;

	fwrite(clean ? clean : s, 1, clean ? clean_len : len, o->f);
	free(clean);
}

/* A comma between siblings and the KEY of an object member. */
static void j_sep(struct rep_out *o, const char *key)
{
	if (o->depth > 0 && !o->first[o->depth])
		fputc(',', o->f);
	if (o->depth > 0)
		o->first[o->depth] = false;
	if (o->depth == 1 || (o->depth > 1 && key == NULL)) /* a line per record */
		fputc('\n', o->f);
	if (key != NULL)
		fprintf(o->f, "\"%s\":", key);
}

static void j_open(struct rep_out *o, const char *key, char bracket)
{
	if (o->csv)
		return;
	j_sep(o, key);
	fputc(bracket, o->f);
	o->depth++; /* the document's shape is fixed: at most 4 levels */
	o->first[o->depth] = true;
}

static void j_close(struct rep_out *o, char bracket)
{
	if (o->csv)
		return;
	o->depth--;
	fputc(bracket, o->f);
}

/* Writes V (a new reference, taken) as member KEY, or an element when KEY is NULL. */
static void j_put(struct rep_out *o, const char *key, json_t *v)
{
	char *text = json_dumps(v, JSON_FLAGS);

	j_sep(o, key);
	put_text(o, text ? text : "null", text ? strlen(text) : 4);
	free(text);
	json_decref(v);
}

/*
 * CSV: one row per record, the same nine columns for every kind; each kind
 * says which member of its JSON object fills which column ("@": the monitor
 * being written) and which members go into the detail column as a JSON object.
 */
static const char csv_header[] = "record,id,monitor,time,status,value,reason,message,detail\r\n";

struct csv_map {
	const char *kind;
	const char *col[7]; /* id monitor time status value reason message */
	const char *detail[6];
};

static const struct csv_map csv_maps[] = {
	{ "monitor",
	  { "id", "name", "since", "status", NULL, "type", "group" },
	  { "origin", "uptime", "config" } },
	{ "result",
	  { NULL, "@", "time", "status", "latency_ms", "reason", "message" },
	  { "perfdata" } },
	{ "event", { "id", "@", "time", "to", NULL, "reason", "message" }, { "from" } },
	{ "window",
	  { NULL, "@", "from", NULL, "uptime", NULL, NULL },
	  { "to", "results", "checks", "latency_ms" } },
	{ "host",
	  { "metric", NULL, "time", NULL, "avg", NULL, NULL },
	  { "min", "max", "samples" } },
	{ "alert",
	  { "id", "monitor", "started", "state", NULL, "rule", "message" },
	  { "severity", "resolved", "acked_by", "acked_at" } },
	{ "notification",
	  { "id", NULL, "created", "status", "attempts", "kind", "last_error" },
	  { "alert", "channel", "delivered", "next_attempt", "idempotency_key" } },
	{ "incident",
	  { "id", NULL, "started", "status", NULL, "impact", "title" },
	  { "resolved", "automatic", "by", "monitors" } },
	{ "incident_update",
	  { "incident", NULL, "time", "status", NULL, NULL, "message" },
	  { "by" } },
};

/* Appends V as one CSV field (RFC 4180: quoted when it holds , " CR or LF); B has no cap. */
static void csv_field(struct buf *b, const char *v, bool last)
{
	const char *p;

	if (v != NULL && strpbrk(v, ",\"\r\n") != NULL) {
		buf_append_some(b, "\"", 1);
		for (p = v; *p; p++) {
			if (*p == '"') /* doubled inside quotes */
				buf_append_some(b, "\"", 1);
			buf_append_some(b, p, 1);
		}
		buf_append_some(b, "\"", 1);
	} else if (v != NULL) {
		buf_append_some(b, v, strlen(v));
	}
	buf_append_some(b, last ? "\r\n" : ",", last ? 2 : 1);
}

/* The text of V for a column: strings as they are, null as nothing, the rest as JSON. */
static char *csv_text(const json_t *v)
{
	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	return json_dumps(v, JSON_FLAGS);
}

static void csv_record(struct rep_out *o, const char *kind, const json_t *obj)
{
	const struct csv_map *m = NULL;
	struct buf b;
	json_t *detail = json_object();
	char *text;
	size_t i;

	for (i = 0; i < sizeof(csv_maps) / sizeof(csv_maps[0]); i++)
		if (strcmp(csv_maps[i].kind, kind) == 0)
			m = &csv_maps[i];
	buf_init(&b, 0);
	csv_field(&b, kind, false);
	for (i = 0; i < 7; i++) {
		const char *key = m ? m->col[i] : NULL;

		text = key == NULL             ? NULL
		       : strcmp(key, "@") == 0 ? xstrdup(o->mon ? o->mon : "")
		                               : csv_text(json_object_get(obj, key));
		csv_field(&b, text, false);
		free(text);
	}
	for (i = 0; m && i < 6 && m->detail[i]; i++)
		if (json_object_get(obj, m->detail[i]) != NULL)
			json_object_set(detail, m->detail[i], json_object_get(obj, m->detail[i]));
	text = json_object_size(detail) ? json_dumps(detail, JSON_FLAGS) : NULL;
	csv_field(&b, text, true);
	free(text);
	json_decref(detail);
	put_text(o, b.data, b.len);
	buf_free(&b);
}

/* Writes OBJ (a new reference, taken) as an element of the open list, or a CSV row of KIND. */
static void rep_emit(struct rep_out *o, const char *kind, json_t *obj)
{
	if (o->csv) {
		csv_record(o, kind, obj);
		json_decref(obj);
	} else {
		j_put(o, NULL, obj);
	}
}

/* ---------------------------------------------------------------- progress */

void rep_progress(struct rep_out *o, int64_t add)
{
	int64_t now = time_mono_ns();
	int w = 30, fill;
	double frac;

	o->done += add;
	if (!o->progress || (now - o->drawn_ns < 100 * NS_PER_MS && o->done < o->total))
		return;
	o->drawn_ns = now;
	frac = o->total > 0 ? (double)o->done / (double)o->total : 0;
	fill = (int)(fmin(frac, 1.0) * w);
	fprintf(stderr, "\r[%.*s%*s] %3d%% %lld/%lld %s", fill, "##############################",
	        w - fill, "", (int)(fmin(frac, 1.0) * 100), (long long)o->done, (long long)o->total,
	        o->unit);
	fflush(stderr);
}

void rep_progress_end(struct rep_out *o)
{
	if (o->progress)
		fprintf(stderr, "\r\033[K");
}

/* ---------------------------------------------------------------- records */

json_t *rep_time_json(int64_t ms)
{
	char t[TIME_RFC3339_LEN];

	if (ms <= 0)
		return json_null();
	time_format_rfc3339(ms, t, sizeof(t));
	return json_string(t);
}

json_t *rep_ms_json(double ms)
{
	return ms < 0 ? json_null() : json_real(round(ms * 1000) / 1000);
}

static void figures_add(struct figures *f, const char *status, double latency_ms)
{
	int64_t us = (int64_t)llround(latency_ms * 1000);
	bool counted = true;

	if (strcmp(status, "up") == 0)
		f->up++;
	else if (strcmp(status, "degraded") == 0)
		f->degraded++;
	else if (strcmp(status, "down") == 0)
		f->down++;
	else
		counted = false;
	f->other += !counted;
	if (latency_ms < 0 || !counted) /* latencies over up, degraded and down, as the rollups */
		return;
	if (f->nlat == 0 || us < f->min_us)
		f->min_us = us;
	if (f->nlat == 0 || us > f->max_us)
		f->max_us = us;
	f->sum_us += us;
	f->nlat++;
	f->hist[store_hist_bucket(us)]++;
}

static json_t *figures_json(const struct rep_out *o)
{
	const struct figures *f = &o->fig;
	uint64_t counted = f->up + f->degraded + f->down;
	json_t *lat = json_null();

	if (f->nlat > 0)
		lat = json_pack(
		        "{s:o,s:o,s:o,s:o,s:o,s:o}", "avg",
		        rep_ms_json((double)f->sum_us / (double)f->nlat / 1000), "min",
		        rep_ms_json((double)f->min_us / 1000), "max",
		        rep_ms_json((double)f->max_us / 1000), "p50",
		        rep_ms_json((double)store_hist_quantile(f->hist, 0.50) / 1000), "p95",
		        rep_ms_json((double)store_hist_quantile(f->hist, 0.95) / 1000), "p99",
		        rep_ms_json((double)store_hist_quantile(f->hist, 0.99) / 1000));
	return json_pack(
	        "{s:o,s:o,s:I,s:{s:I,s:I,s:I,s:I},s:o,s:o}", "from", rep_time_json(o->since), "to",
	        rep_time_json(o->until), "results", (json_int_t)(counted + f->other), "checks",
	        "up", (json_int_t)f->up, "degraded", (json_int_t)f->degraded, "down",
	        (json_int_t)f->down, "unknown", (json_int_t)f->other, "uptime",
	        counted ? json_real((double)(f->up + f->degraded) / (double)counted) : json_null(),
	        "latency_ms", lat);
}

/* Opens a monitor: MON (taken) holds its id, name, config...; results follow. */
void rep_monitor_begin(struct rep_out *o, json_t *mon, const char *id)
{
	const char *k;
	json_t *v;

	memset(&o->fig, 0, sizeof(o->fig));
	o->mon = id;
	o->n_monitors++;
	if (o->csv) {
		csv_record(o, "monitor", mon);
		json_decref(mon);
		return;
	}
	j_open(o, NULL, '{');
	json_object_foreach(mon, k, v) j_put(o, k, json_incref(v));
	json_decref(mon);
	j_open(o, "results", '[');
}

/* A result row (taken) of the open monitor. */
void rep_result(struct rep_out *o, json_t *r)
{
	const char *st = json_string_value(json_object_get(r, "status"));
	const json_t *lat = json_object_get(r, "latency_ms");

	figures_add(&o->fig, st ? st : "unknown",
	            json_is_number(lat) ? json_number_value(lat) : -1);
	o->n_results++;
	rep_emit(o, "result", r);
}

/* True when the span [START, END) of OBJ's members (END null: still open) meets the window. */
static bool rep_in_window(const struct rep_out *o, const json_t *obj, const char *start,
                          const char *end)
{
	const char *s = json_string_value(json_object_get(obj, start));
	const char *e = end ? json_string_value(json_object_get(obj, end)) : NULL;
	int64_t ts, te;

	if (s == NULL || time_parse(s, 0, &ts) < 0)
		return true; /* keep what cannot be placed */
	if (end == NULL)
		return ts >= o->since && ts < o->until;
	if (e != NULL && time_parse(e, 0, &te) == 0 && te < o->since)
		return false;
	return ts < o->until;
}

/* A series of host points: METRIC's header, then its points as they come. */
void rep_event(struct rep_out *o, json_t *e)
{
	if (!rep_in_window(o, e, "time", NULL)) {
		json_decref(e);
		return;
	}
	o->n_events++;
	rep_emit(o, "event", e);
}

void rep_events_begin(struct rep_out *o)
{
	j_close(o, ']');
	j_open(o, "events", '[');
}

void rep_monitor_end(struct rep_out *o)
{
	json_t *fig = figures_json(o);

	if (o->csv) {
		csv_record(o, "window", fig);
		json_decref(fig);
	} else {
		j_close(o, ']');
		j_put(o, "window", fig);
		j_close(o, '}');
	}
	o->mon = NULL;
}

void rep_series_begin(struct rep_out *o, const char *metric, int64_t step_s)
{
	o->n_series++;
	if (o->csv)
		return;
	j_open(o, NULL, '{');
	j_put(o, "metric", json_string(metric));
	j_put(o, "step_s", json_integer(step_s));
	j_open(o, "points", '[');
}

void rep_series_point(struct rep_out *o, const char *metric, json_t *p)
{
	o->n_points++;
	if (o->csv)
		json_object_set_new(p, "metric", json_string(metric));
	rep_emit(o, "host", p);
}

void rep_series_end(struct rep_out *o)
{
	j_close(o, ']');
	j_close(o, '}');
}

/* An incident (taken) with its updates: one object, or a row and a row per update. */
void rep_incident(struct rep_out *o, json_t *inc)
{
	const json_t *ups = json_object_get(inc, "updates");
	size_t i;

	o->n_inc++;
	if (!o->csv) {
		rep_emit(o, "incident", inc);
		return;
	}
	csv_record(o, "incident", inc);
	for (i = 0; i < json_array_size(ups); i++) {
		json_t *u = json_copy(json_array_get(ups, i));

		json_object_set(u, "incident", json_object_get(inc, "id"));
		csv_record(o, "incident_update", u);
		json_decref(u);
	}
	json_decref(inc);
}

void rep_alert(struct rep_out *o, json_t *a)
{
	if (!rep_in_window(o, a, "started", "resolved")) {
		json_decref(a);
		return;
	}
	o->n_alerts++;
	rep_emit(o, "alert", a);
}

void rep_notification(struct rep_out *o, json_t *n)
{
	if (!rep_in_window(o, n, "created", NULL)) {
		json_decref(n);
		return;
	}
	o->n_notes++;
	rep_emit(o, "notification", n);
}

void rep_begin(struct rep_out *o, const char *source)
{
	json_t *head =
	        json_pack("{s:s,s:i,s:o,s:s,s:o,s:o}", "format", "vigil-report", "version", 1,
	                  "generated", rep_time_json(time_wall_ms()), "source", source, "since",
	                  rep_time_json(o->since), "until", rep_time_json(o->until));

	if (o->csv) {
		fputs(csv_header, o->f);
		json_decref(head);
		return;
	}
	j_open(o, NULL, '{');
	j_put(o, "report", head);
	j_open(o, "monitors", '[');
}

/* Closes the list open before SECTION and opens SECTION's. */
void rep_section(struct rep_out *o, const char *name)
{
	j_close(o, ']');
	j_open(o, name, '[');
}

void rep_end(struct rep_out *o)
{
	if (o->csv)
		return;
	j_close(o, ']');
	j_put(o, "summary",
	      json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "monitors", (json_int_t)o->n_monitors,
	                "results", (json_int_t)o->n_results, "events", (json_int_t)o->n_events,
	                "host_series", (json_int_t)o->n_series, "host_points",
	                (json_int_t)o->n_points, "alerts", (json_int_t)o->n_alerts, "notifications",
	                (json_int_t)o->n_notes, "incidents", (json_int_t)o->n_inc));
	j_close(o, '}');
	fputc('\n', o->f);
}
