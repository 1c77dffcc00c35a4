/* GET, POST /api/v1/incidents and POST /api/v1/incidents/{id}/updates. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "engine/snapshot.h"
#include "store/store.h"
#include "web/api.h"
#include "web/web_int.h"

#define LIST_DEFAULT 50
#define LIST_MAX     500

static const char *const impacts[] = { "none", "minor", "major", "critical", NULL };
static const char *const statuses[] = { "investigating", "identified", "monitoring",
	                                "resolved",      "scheduled",  NULL };

static bool one_of(const char *v, const char *const *list)
{
	size_t i;

	for (i = 0; v != NULL && list[i] != NULL; i++)
		if (strcmp(v, list[i]) == 0)
			return true;
	return false;
}

static int update_row(void *arg, const struct store_incident_update_row *u)
{
	json_array_append_new(arg, json_pack("{s:o,s:s,s:s,s:s}", "time", api_time(u->t), "status",
	                                     u->status, "message", u->message, "by", u->by));
	return 0;
}

struct listing {
	json_t *list;
	struct store_reader *r;
	int64_t last;
};

static int incident_row(void *arg, const struct store_incident_row *i)
{
	struct listing *l = arg;
	json_t *updates = json_array();
	json_t *mons = json_loads(i->monitors, 0, NULL);

	(void)store_incident_updates(l->r, i->id, update_row, updates);
	json_array_append_new(l->list,
	                      json_pack("{s:I,s:s,s:s,s:s,s:b,s:o,s:o,s:o,s:s,s:o}", "id",
	                                (json_int_t)i->id, "title", i->title, "impact", i->impact,
	                                "status", i->status, "automatic", i->automatic, "monitors",
	                                mons ? mons : json_array(), "started", api_time(i->started),
	                                "resolved", api_time(i->resolved), "by", i->by, "updates",
	                                updates));
	l->last = i->id;
	return 0;
}

void handle_incidents(struct web_request *req, struct web_reply *rep)
{
	const char *status = req->query(req->cls, "status");
	struct listing l = { json_array(), NULL, 0 };
	int64_t limit, cursor;

	if (status != NULL && strcmp(status, "open") != 0) {
		api_bad_param(req, rep, "status", status, "open");
		goto fail;
	}
	if (api_int_param(req, rep, "limit", LIST_DEFAULT, 1, LIST_MAX, &limit) < 0 ||
	    api_int_param(req, rep, "cursor", 0, 1, INT64_MAX, &cursor) < 0 ||
	    (l.r = api_reader(req, rep)) == NULL)
		goto fail;
	if (store_incidents_query(l.r, status != NULL, cursor, (int)limit, incident_row, &l) < 0) {
		store_reader_release(req->web->store, l.r);
		reply_json_error(rep, 500, "store_error", "cannot read the incidents");
		goto fail;
	}
	store_reader_release(req->web->store, l.r);
	api_reply_json(req, rep, 200,
	               json_pack("{s:I,s:o,s:o}", "count", (json_int_t)json_array_size(l.list),
	                         "incidents", l.list, "next_cursor",
	                         (int64_t)json_array_size(l.list) == limit && l.last > 1
	                                 ? json_sprintf("%lld", (long long)l.last)
	                                 : json_null()));
	return;
fail:
	json_decref(l.list);
}

static void finish(struct web_request *req, struct web_reply *rep, struct engine_cmd *cmd)
{
	if (cmd->status >= 400) {
		reply_cmd_error(rep, cmd);
		return;
	}
	api_reply_json(req, rep, cmd->status, json_pack("{s:s}", "id", cmd->id));
}

/* The JSON object body, or NULL after a 400. */
static json_t *body(struct web_request *req, struct web_reply *rep)
{
	json_t *b = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, NULL);

	if (!json_is_object(b)) {
		json_decref(b);
		reply_json_error(rep, 400, "bad_request", "$: the body must be a JSON object");
		return NULL;
	}
	return b;
}

void handle_incident_create(struct web_request *req, struct web_reply *rep)
{
	json_t *b = body(req, rep), *mons;
	const char *title, *impact, *status, *message;
	size_t i, k;

	if (b == NULL)
		return;
	title = json_string_value(json_object_get(b, "title"));
	impact = json_string_value(json_object_get(b, "impact"));
	status = json_string_value(json_object_get(b, "status"));
	message = json_string_value(json_object_get(b, "message"));
	mons = json_object_get(b, "monitors");
	if (title == NULL || *title == '\0' || strlen(title) > 190) {
		reply_json_error(rep, 400, "bad_request",
		                 "$.title: a string of 1 to 190 characters");
	} else if (impact != NULL && !one_of(impact, impacts)) {
		reply_json_error(rep, 400, "bad_request",
		                 "$.impact: none, minor, major or critical");
	} else if (status != NULL && !one_of(status, statuses)) {
		reply_json_error(rep, 400, "bad_request",
		                 "$.status: investigating, identified, monitoring, resolved or "
		                 "scheduled");
	} else if (mons != NULL && !json_is_array(mons)) {
		reply_json_error(rep, 400, "bad_request", "$.monitors: an array of monitor ids");
	} else {
		for (i = 0; mons != NULL && i < json_array_size(mons); i++) {
			const char *id = json_string_value(json_array_get(mons, i));

			for (k = 0; id != NULL && k < req->snap->nmonitors; k++)
				if (strcmp(req->snap->monitors[k].conf->id, id) == 0)
					break;
			if (id == NULL || k == req->snap->nmonitors) {
				reply_json_error(rep, 400, "bad_request",
				                 "$.monitors[%zu]: not the id of a monitor", i);
				json_decref(b);
				return;
			}
		}
		web_defer(req, rep, ENGINE_CMD_INCIDENT_CREATE, NULL, finish)->cmd.args = json_pack(
		        "{s:s,s:s,s:s,s:s,s:o}", "title", title, "impact",
		        impact ? impact : "minor", "status", status ? status : "investigating",
		        "message", message ? message : "", "monitors",
		        mons ? json_deep_copy(mons) : json_array());
	}
	json_decref(b);
}

struct lookup {
	int64_t want;
	bool found;
};

static int exists(void *arg, const struct store_incident_row *i)
{
	struct lookup *l = arg;

	l->found = i->id == l->want;
	return 1;
}

void handle_incident_update(struct web_request *req, struct web_reply *rep)
{
	const char *id = route_param(&req->params, "id");
	json_t *b;
	const char *status, *message, *impact;
	struct store_reader *r;
	struct lookup look = { 0, false };
	char *end;
	int64_t n = id ? strtoll(id, &end, 10) : 0;

	if (n <= 0 || *end != '\0' || (r = api_reader(req, rep)) == NULL) {
		if (rep->status == 0)
			reply_json_error(rep, 404, "not_found", "no incident \"%s\"", id ? id : "");
		return;
	}
	look.want = n; /* the newest below N + 1 must be N itself */
	(void)store_incidents_query(r, false, n + 1, 1, exists, &look);
	store_reader_release(req->web->store, r);
	if (!look.found) {
		reply_json_error(rep, 404, "not_found", "no incident %s", id);
		return;
	}
	if ((b = body(req, rep)) == NULL)
		return;
	status = json_string_value(json_object_get(b, "status"));
	message = json_string_value(json_object_get(b, "message"));
	impact = json_string_value(json_object_get(b, "impact"));
	if (!one_of(status, statuses))
		reply_json_error(rep, 400, "bad_request",
		                 "$.status: investigating, identified, monitoring, resolved or "
		                 "scheduled");
	else if (message == NULL || *message == '\0')
		reply_json_error(rep, 400, "bad_request", "$.message: what changed, in words");
	else if (impact != NULL && !one_of(impact, impacts))
		reply_json_error(rep, 400, "bad_request",
		                 "$.impact: none, minor, major or critical");
	else
		web_defer(req, rep, ENGINE_CMD_INCIDENT_UPDATE, id, finish)->cmd.args =
		        json_pack("{s:s,s:s,s:s}", "status", status, "message", message, "impact",
		                  impact ? impact : "");
	json_decref(b);
}
