/* `vigil report -c FILE`: the export read from the daemon's database, page by page. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report_int.h"
#include "conf/conf.h"
#include "probe/probe.h"
#include "store/report.h"
#include "util/time.h"

struct db_src {
	struct report_db *db;
	struct store_reader *r;
	struct rep_out *o;
	struct vigil_config *cfg;
	int64_t last;       /* the last row of a page: the next page's cursor */
	int rows;           /* rows of the page */
	const char *metric; /* the host series being read */
	bool failed;
};

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int db_result(void *arg, const struct store_result_row *row)
{
	struct db_src *s = arg;
	json_t *r = json_pack("{s:o,s:s,s:o,s:s,s:s}", "time", rep_time_json(row->t), "status",
	                      status_str((enum status)row->status), "latency_ms",
	                      rep_ms_json((double)row->latency_us / 1000), "reason",
	                      probe_outcome_str((enum probe_outcome)row->reason), "message",
	                      row->message);

	if (row->perfdata != NULL)
		json_object_set_new(r, "perfdata", json_string(row->perfdata));
	s->last = row->t;
	s->rows++;
	rep_result(s->o, r);
	rep_progress(s->o, 1);
	return 0;
}

static int db_event(void *arg, const struct store_event_row *e)
{
	struct db_src *s = arg;

	s->last = e->id;
	s->rows++;
	rep_event(s->o, json_pack("{s:I,s:o,s:s,s:s,s:s,s:s}", "id", (json_int_t)e->id, "time",
	                          rep_time_json(e->t), "from", status_str((enum status)e->old),
	                          "to", status_str((enum status)e->new_), "reason",
	                          probe_outcome_str((enum probe_outcome)e->reason), "message",
	                          e->message));
	return 0;
}

/* Uptime over 24h, 7d and 30d from the rollups, as GET .../uptime computes it. */
static json_t *db_uptime(struct db_src *s, int64_t key)
{
	static const struct {
		const char *name;
		int64_t secs;
		enum store_res res;
	} w[] = { { "24h", 86400, STORE_RES_HOUR },
		  { "7d", 7 * 86400, STORE_RES_HOUR },
		  { "30d", 30 * 86400, STORE_RES_DAY } };
	json_t *o = json_object();
	int64_t now_s = time_wall_ms() / 1000, since;
	struct store_rollup u;
	size_t i;

	for (i = 0; i < 3; i++) {
		uint64_t total;

		since = now_s - w[i].secs;
		since -= since % (w[i].res == STORE_RES_HOUR ? 3600 : 86400);
		if (key <= 0 || store_rollup_sum(s->r, key, w[i].res, since, &u) < 0) {
			json_object_set_new(o, w[i].name, json_null());
			continue;
		}
		total = (uint64_t)u.up + u.degraded + u.down;
		json_object_set_new(o, w[i].name,
		                    total ? json_real((double)(u.up + u.degraded) / (double)total)
		                          : json_null());
	}
	return o;
}

/* One monitor of the configuration: CONF's keys (secrets masked) and what the store has. */
static void db_monitor(struct db_src *s, const struct monitor_conf *m, const char *origin)
{
	struct report_monitor rm;
	int found = report_monitor_find(s->db, m->id, &rm);
	int64_t until = s->o->until;
	json_t *head;

	if (found < 0)
		s->failed = true;
	head = json_pack(
	        "{s:s,s:s,s:o,s:s,s:s,s:s,s:o,s:o,s:o}", "id", m->id, "name", m->name, "group",
	        str_or_null(m->group), "type", m->type, "origin", origin, "status",
	        found == 1 && rm.has_state ? status_str((enum status)rm.status) : "unknown",
	        "since", rep_time_json(found == 1 && rm.has_state ? rm.since : 0), "uptime",
	        db_uptime(s, found == 1 ? rm.key : 0), "config", conf_monitor_json(m));
	rep_monitor_begin(s->o, head, m->id);
	do { /* newest first, a page at a time, like the API */
		s->rows = 0;
		if (found == 1 && store_results_query(s->r, rm.key, s->o->since, until, REPORT_PAGE,
		                                      db_result, s) < 0)
			s->failed = true;
		until = s->last;
	} while (s->rows == REPORT_PAGE && !s->failed);
	rep_events_begin(s->o);
	s->last = 0;
	do {
		s->rows = 0;
		if (found == 1 && store_events_query(s->r, rm.key, s->o->since, s->last,
		                                     REPORT_PAGE, db_event, s) < 0)
			s->failed = true;
	} while (s->rows == REPORT_PAGE && !s->failed);
	rep_monitor_end(s->o);
}

/* API monitors: decoded with the file's settings, so their secrets are masked the same way. */
static int db_api_monitor(void *arg, const char *id, const char *body, int64_t created,
                          int64_t updated)
{
	struct db_src *s = arg;
	struct conf_diag d = { 0 };
	struct vigil_config *one;

	if (conf_monitor_find(&s->cfg->monitors, id) != NULL)
		return 0; /* the file's monitor wins, as in the daemon */
	one = conf_api_monitor(body, strlen(body), s->cfg, &d);
	conf_diag_free(&d);
	if (one == NULL) {
		fprintf(stderr, "vigil report: API monitor %s: its stored definition is invalid\n",
		        id);
		return 0;
	}
	db_monitor(s, &one->monitors.v[0], "api");
	conf_unref(one);
	return s->failed;
}

static int db_point(void *arg, const struct store_host_row *p)
{
	struct db_src *s = arg;

	rep_series_point(s->o, s->metric,
	                 json_pack("{s:o,s:f,s:f,s:f,s:I}", "time", rep_time_json(p->bucket * 1000),
	                           "min", p->min, "avg", p->count ? p->sum / p->count : 0.0, "max",
	                           p->max, "samples", (json_int_t)p->count));
	return 0;
}

static int db_series_name(void *arg, const char *name)
{
	json_array_append_new(arg, json_string(name));
	return 0;
}

static void db_host(struct db_src *s)
{
	json_t *names = json_array();
	bool hours = s->o->until - s->o->since > 30LL * 86400000;
	size_t i;

	if (report_host_series(s->db, db_series_name, names) < 0)
		s->failed = true;
	for (i = 0; i < json_array_size(names) && !s->failed; i++) {
		s->metric = json_string_value(json_array_get(names, i));
		rep_series_begin(s->o, s->metric, hours ? 3600 : 60);
		if (store_host_query(s->r, s->metric, hours ? STORE_RES_HOUR : STORE_RES_MINUTE,
		                     s->o->since / 1000, (s->o->until + 999) / 1000, db_point,
		                     s) < 0)
			s->failed = true;
		rep_series_end(s->o);
	}
	s->metric = NULL;
	json_decref(names);
}

static int db_alert(void *arg, const struct store_alert_row *a)
{
	struct db_src *s = arg;

	s->last = a->id;
	s->rows++;
	rep_alert(s->o,
	          json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:o}", "id", (json_int_t)a->id,
	                    "monitor", a->monitor_slug, "rule", a->rule, "severity", a->severity,
	                    "state", a->state, "started", rep_time_json(a->started), "resolved",
	                    rep_time_json(a->resolved), "message", a->message, "acked_by",
	                    str_or_null(a->acked_by), "acked_at", rep_time_json(a->acked_at)));
	return 0;
}

static int db_notification(void *arg, const struct store_notification_row *n)
{
	struct db_src *s = arg;

	s->last = n->id;
	s->rows++;
	rep_notification(s->o,
	                 json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:I,s:o,s:o,s:o}", "id",
	                           (json_int_t)n->id, "alert", (json_int_t)n->alert, "channel",
	                           n->channel, "kind", n->kind, "idempotency_key", n->idem_key,
	                           "status", n->status, "created", rep_time_json(n->created),
	                           "attempts", (json_int_t)n->attempts, "next_attempt",
	                           strcmp(n->status, "pending") == 0 ? rep_time_json(n->next_at)
	                                                             : json_null(),
	                           "last_error", str_or_null(n->last_error), "delivered",
	                           rep_time_json(n->delivered_at)));
	return 0;
}

static int db_update(void *arg, const struct store_incident_update_row *u)
{
	json_array_append_new(arg,
	                      json_pack("{s:o,s:s,s:s,s:s}", "time", rep_time_json(u->t), "status",
	                                u->status, "message", u->message, "by", u->by));
	return 0;
}

static int db_incident(void *arg, const struct store_incident_row *i)
{
	struct db_src *s = arg;
	json_t *ups = json_array(), *mons = json_loads(i->monitors, 0, NULL), *inc;

	s->last = i->id;
	s->rows++;
	if (store_incident_updates(s->r, i->id, db_update, ups) < 0)
		s->failed = true;
	inc = json_pack("{s:I,s:s,s:s,s:s,s:b,s:o,s:o,s:o,s:s,s:o}", "id", (json_int_t)i->id,
	                "title", i->title, "impact", i->impact, "status", i->status, "automatic",
	                i->automatic, "monitors", mons ? mons : json_array(), "started",
	                rep_time_json(i->started), "resolved", rep_time_json(i->resolved), "by",
	                i->by, "updates", ups);
	rep_incident(s->o, inc);
	return 0;
}

/* Pages a newest-first list: QUERY is one of the three calls below. */
static void db_lists(struct db_src *s)
{
	rep_section(s->o, "alerts");
	s->last = 0;
	do {
		s->rows = 0;
		if (store_alerts_query(s->r, NULL, s->last, REPORT_PAGE, db_alert, s) < 0)
			s->failed = true;
	} while (s->rows == REPORT_PAGE && !s->failed);
	rep_section(s->o, "notifications");
	s->last = 0;
	do {
		s->rows = 0;
		if (store_notifications_query(s->r, NULL, 0, s->last, REPORT_PAGE, db_notification,
		                              s) < 0)
			s->failed = true;
	} while (s->rows == REPORT_PAGE && !s->failed);
	rep_section(s->o, "incidents");
	s->last = 0;
	do {
		s->rows = 0;
		if (store_incidents_query(s->r, false, s->last, REPORT_PAGE_INC, db_incident, s) <
		    0)
			s->failed = true;
	} while (s->rows == REPORT_PAGE_INC && !s->failed);
}

int report_from_db(struct rep_out *o, struct vigil_config *cfg, struct report_db *db,
                   const char *path, char *err, size_t errlen)
{
	struct db_src s = { db, report_db_reader(db), o, cfg, 0, 0, NULL, false };
	size_t i;

	o->total = report_results_count(db, o->since, o->until);
	o->unit = "results";
	rep_begin(o, path);
	for (i = 0; i < cfg->monitors.n && !s.failed; i++)
		db_monitor(&s, &cfg->monitors.v[i], "file");
	if (!s.failed && report_api_monitors(db, db_api_monitor, &s) < 0)
		s.failed = true;
	if (!s.failed) {
		rep_section(o, "host_series");
		db_host(&s);
	}
	if (!s.failed)
		db_lists(&s);
	if (s.failed) {
		snprintf(err, errlen, "%s: cannot read the database", path);
		return -1;
	}
	rep_end(o);
	return 0;
}
