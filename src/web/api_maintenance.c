/* GET, POST /api/v1/maintenance and DELETE /api/v1/maintenance/{id}: maintenance windows. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/value.h"
#include "engine/snapshot.h"
#include "util/cron.h"
#include "util/time.h"
#include "util/timeparse.h"
#include "util/tz.h"
#include "web/api.h"
#include "web/web_int.h"

static json_t *window(json_int_t id, const char *origin, const char *name, int64_t start,
                      int64_t duration, json_t *monitors, int64_t now)
{
	return json_pack("{s:o,s:s,s:s,s:o,s:o,s:I,s:o,s:b}", "id",
	                 id ? json_integer(id) : json_null(), "origin", origin, "name", name,
	                 "start", api_time(start), "end", api_time(start + duration),
	                 "duration_seconds", (json_int_t)(duration / 1000), "monitors", monitors,
	                 "active", now >= start && now < start + duration);
}

/*
 * A recurring window (ID 0: of the file) with its occurrence running now, or
 * else its next one (START -1: none left).
 */
static json_t *recurring(json_int_t id, const char *origin, const char *name, const char *cron,
                         const char *timezone, int64_t start, int64_t duration, json_t *monitors,
                         int64_t now)
{
	json_t *w;

	if (start >= 0) {
		w = window(id, origin, name, start, duration, monitors, now);
	} else { /* it never fires again */
		w = window(id, origin, name, 0, duration, monitors, now);
		json_object_set_new(w, "end", json_null());
		json_object_set_new(w, "active", json_false());
	}
	json_object_set_new(w, "cron", json_string(cron));
	json_object_set_new(w, "timezone", json_string(timezone));
	return w;
}

static json_t *recurring_file(const struct conf_maintenance *c, json_t *monitors, int64_t now)
{
	int64_t start, end;

	if (conf_maintenance_occurrence(c, now, &start, &end) < 0)
		start = -1;
	return recurring(0, "file", c->name, c->cron, tz_name(c->tz), start, c->duration, monitors,
	                 now);
}

void handle_maintenance_list(struct web_request *req, struct web_reply *rep)
{
	const struct snapshot *s = req->snap;
	const struct conf_maintenance *c = s->config->maintenance.v;
	json_t *list = json_array();
	int64_t now = time_wall_ms();
	size_t i, j;

	for (i = 0; i < s->config->maintenance.n; i++) {
		json_t *mons = json_array();

		for (j = 0; j < c[i].monitors.n; j++)
			json_array_append_new(mons, json_string(c[i].monitors.v[j]));
		if (c[i].cron != NULL) {
			json_array_append_new(list, recurring_file(&c[i], mons, now));
			continue;
		}
		json_array_append_new(list, window(0, "file", c[i].name, c[i].start_ms,
		                                   c[i].duration, mons, now));
	}
	for (i = 0; i < s->nwindows; i++) {
		const struct snapshot_window *w = &s->windows[i];
		json_t *mons = json_array();
		char copy[sizeof(w->monitors)], *save = NULL, *tok;

		memcpy(copy, w->monitors, sizeof(copy));
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			json_array_append_new(mons, json_string(tok));
		json_array_append_new(list, w->cron[0] ? recurring(w->id, "api", w->name, w->cron,
		                                                   w->timezone, w->occ_start,
		                                                   w->duration, mons, now)
		                                       : window(w->id, "api", w->name, w->start,
		                                                w->duration, mons, now));
		json_object_set_new(json_array_get(list, json_array_size(list) - 1), "by",
		                    json_string(w->by));
	}
	api_reply_json(req, rep, 200,
	               json_pack("{s:I,s:o}", "count", (json_int_t)json_array_size(list),
	                         "maintenance", list));
}

static void finish(struct web_request *req, struct web_reply *rep, struct engine_cmd *cmd)
{
	if (cmd->status >= 400) {
		reply_cmd_error(rep, cmd);
		return;
	}
	api_reply_json(req, rep, cmd->status,
	               json_pack("{s:s,s:s}", "id", cmd->id, "message",
	                         cmd->message[0] ? cmd->message : "maintenance window made"));
}

/* Replies 400 naming FIELD; returns NULL for the caller's convenience. */
static void *bad(struct web_reply *rep, const char *field, const char *want)
{
	reply_json_error(rep, 400, "bad_request", "$.%s: %s", field, want);
	return NULL;
}

/* Replies 400 naming FIELD; returns -1. */
static int fail(struct web_reply *rep, const char *field, const char *want)
{
	(void)bad(rep, field, want);
	return -1;
}

/*
 * 0 when B's cron (if any) and timezone are fine (*TZNAME the zone's name,
 * *TZ the zone loaded here, off the loop, for the engine), else -1 after a 400.
 */
static int check_recurrence(struct web_reply *rep, json_t *b, const char **tzname, struct tz **tz)
{
	const char *cron = json_string_value(json_object_get(b, "cron"));
	json_t *tzv = json_object_get(b, "timezone");
	char err[200];
	struct cron expr;

	*tzname = tzv ? json_string_value(tzv) : "UTC";
	if (json_object_get(b, "cron") == NULL) {
		if (tzv != NULL)
			return fail(rep, "timezone", "only a recurring window (with cron) has one");
		return 0;
	}
	if (json_object_get(b, "start") != NULL)
		return fail(rep, "start", "either start (one-off) or cron (recurring), not both");
	if (cron == NULL || strlen(cron) >= 128)
		return fail(rep, "cron", "a 5-field cron expression like \"0 2 * * SUN\"");
	if (cron_parse(cron, &expr, err, sizeof(err)) < 0)
		return fail(rep, "cron", err);
	if (*tzname == NULL || strlen(*tzname) >= 64)
		return fail(rep, "timezone", "an IANA time zone name like Europe/Paris");
	if (tz_load(NULL, *tzname, tz, err, sizeof(err)) < 0)
		return fail(rep, "timezone", err);
	return 0;
}

/*
 * The body as {name, start (Unix ms), duration (ms), monitors} (and cron,
 * timezone for a recurring window), or NULL after a 400.
 */
static json_t *parse(struct web_request *req, struct web_reply *rep, struct tz **tz)
{
	json_error_t jerr;
	json_t *b = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr), *m, *v;
	const char *name, *start, *dur, *tzname = "UTC";
	int64_t start_ms = time_wall_ms(), dur_ms = 0;
	size_t i;

	if (!json_is_object(b)) {
		json_decref(b);
		return bad(rep, "",
		           "the body must be {\"name\", \"start\", \"duration\", \"monitors\"}");
	}
	name = json_string_value(json_object_get(b, "name"));
	start = json_string_value(json_object_get(b, "start"));
	dur = json_string_value(json_object_get(b, "duration"));
	m = json_object_get(b, "monitors");
	if (name == NULL || *name == '\0')
		v = bad(rep, "name", "a non-empty string");
	else if (json_object_get(b, "start") && (start == NULL || strchr(start, 'T') == NULL ||
	                                         time_parse(start, 0, &start_ms) < 0))
		v = bad(rep, "start", "an RFC 3339 time like 2026-12-01T02:00:00Z (default: now)");
	else if (dur == NULL || conf_duration_parse(dur, &dur_ms) < 0 || dur_ms < 1000 ||
	         dur_ms > 30LL * 86400000)
		v = bad(rep, "duration", "a duration from 1s to 30d, like 1h");
	else if (m != NULL && !json_is_array(m))
		v = bad(rep, "monitors",
		        "an array of monitor ids or names (default: every monitor)");
	else if (check_recurrence(rep, b, &tzname, tz) < 0)
		v = NULL;
	else
		v = b;
	for (i = 0; v != NULL && m != NULL && i < json_array_size(m); i++) {
		const char *id = json_string_value(json_array_get(m, i));
		size_t k;

		for (k = 0; id != NULL && k < req->snap->nmonitors; k++)
			if (strcmp(req->snap->monitors[k].conf->id, id) == 0 ||
			    strcmp(req->snap->monitors[k].conf->name, id) == 0)
				break;
		if (id == NULL || k == req->snap->nmonitors)
			v = bad(rep, "monitors", "every item must be the id or name of a monitor");
	}
	v = v == NULL ? NULL
	              : json_pack("{s:s,s:I,s:I,s:o}", "name", name, "start", (json_int_t)start_ms,
	                          "duration", (json_int_t)dur_ms, "monitors",
	                          m ? json_deep_copy(m) : json_array());
	if (v != NULL && json_object_get(b, "cron") != NULL) { /* checked: a recurring window */
		json_object_set(v, "cron", json_object_get(b, "cron"));
		json_object_set_new(v, "timezone", json_string(tzname));
	}
	json_decref(b);
	if (v == NULL) { /* a later field was wrong: the zone is not needed */
		tz_free(*tz);
		*tz = NULL;
	}
	return v;
}

void handle_maintenance_create(struct web_request *req, struct web_reply *rep)
{
	struct tz *tz = NULL;
	json_t *args = parse(req, rep, &tz);
	struct web_call *call;

	if (args == NULL)
		return;
	call = web_defer(req, rep, ENGINE_CMD_MAINT_CREATE, NULL, finish);
	call->cmd.args = args;
	call->cmd.tz = tz;
}

void handle_maintenance_delete(struct web_request *req, struct web_reply *rep)
{
	const char *id = route_param(&req->params, "id");
	char *end;

	if (id == NULL || strtoll(id, &end, 10) <= 0 || *end != '\0') {
		reply_json_error(rep, 404, "not_found", "no maintenance window \"%s\"",
		                 id ? id : "");
		return;
	}
	web_defer(req, rep, ENGINE_CMD_MAINT_DELETE, id, finish);
}
