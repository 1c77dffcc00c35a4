/* GET /api/v1/alerts, POST /api/v1/alerts/{id}/ack, GET /api/v1/notifications. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "engine/snapshot.h"
#include "store/store.h"
#include "util/time.h"
#include "web/api.h"
#include "web/web_int.h"

#define LIST_DEFAULT 100
#define LIST_MAX     1000

struct page {
	json_t *list;
	int64_t last;
};

static int alert_row(void *arg, const struct store_alert_row *a)
{
	struct page *p = arg;

	json_array_append_new(p->list,
	                      json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:o}", "id",
	                                (json_int_t)a->id, "monitor", a->monitor_slug, "rule",
	                                a->rule, "severity", a->severity, "state", a->state,
	                                "started", api_time(a->started), "resolved",
	                                api_time(a->resolved), "message", a->message, "acked_by",
	                                a->acked_by ? json_string(a->acked_by) : json_null(),
	                                "acked_at", api_time(a->acked_at)));
	p->last = a->id;
	return 0;
}

static int notification_row(void *arg, const struct store_notification_row *n)
{
	struct page *p = arg;

	json_array_append_new(
	        p->list,
	        json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:I,s:o,s:o,s:o}", "id", (json_int_t)n->id,
	                  "alert", (json_int_t)n->alert, "channel", n->channel, "kind", n->kind,
	                  "idempotency_key", n->idem_key, "status", n->status, "created",
	                  api_time(n->created), "attempts", (json_int_t)n->attempts, "next_attempt",
	                  strcmp(n->status, "pending") == 0 ? api_time(n->next_at) : json_null(),
	                  "last_error", n->last_error ? json_string(n->last_error) : json_null(),
	                  "delivered", api_time(n->delivered_at)));
	p->last = n->id;
	return 0;
}

/* Reads limit and cursor; returns -1 after a 400. */
static int paging(struct web_request *req, struct web_reply *rep, int64_t *limit, int64_t *cursor)
{
	return api_int_param(req, rep, "limit", LIST_DEFAULT, 1, LIST_MAX, limit) < 0 ||
	                       api_int_param(req, rep, "cursor", 0, 1, INT64_MAX, cursor) < 0
	               ? -1
	               : 0;
}

static void reply_page(struct web_request *req, struct web_reply *rep, const char *name,
                       struct page *p, int64_t limit)
{
	api_reply_json(req, rep, 200,
	               json_pack("{s:I,s:o,s:o}", "count", (json_int_t)json_array_size(p->list),
	                         name, p->list, "next_cursor",
	                         (int64_t)json_array_size(p->list) == limit && p->last > 1
	                                 ? json_sprintf("%lld", (long long)p->last)
	                                 : json_null()));
}

void handle_alerts(struct web_request *req, struct web_reply *rep)
{
	const char *state = req->query(req->cls, "state");
	struct page p = { json_array(), 0 };
	int64_t limit, cursor;
	struct store_reader *r;

	if (state != NULL && strcmp(state, "firing") != 0 && strcmp(state, "resolved") != 0 &&
	    strcmp(state, "suppressed") != 0) {
		api_bad_param(req, rep, "state", state, "firing, resolved or suppressed");
		goto fail;
	}
	if (paging(req, rep, &limit, &cursor) < 0 || (r = api_reader(req, rep)) == NULL)
		goto fail;
	if (store_alerts_query(r, state, cursor, (int)limit, alert_row, &p) < 0) {
		store_reader_release(req->web->store, r);
		reply_json_error(rep, 500, "store_error", "cannot read the alerts");
		goto fail;
	}
	store_reader_release(req->web->store, r);
	reply_page(req, rep, "alerts", &p, limit);
	return;
fail:
	json_decref(p.list);
}

void handle_notifications(struct web_request *req, struct web_reply *rep)
{
	const char *status = req->query(req->cls, "status");
	struct page p = { json_array(), 0 };
	int64_t limit, cursor, alert;
	struct store_reader *r;

	if (status != NULL && strcmp(status, "pending") != 0 && strcmp(status, "delivered") != 0 &&
	    strcmp(status, "failed") != 0 && strcmp(status, "suppressed") != 0) {
		api_bad_param(req, rep, "status", status,
		              "pending, delivered, failed or suppressed");
		goto fail;
	}
	if (paging(req, rep, &limit, &cursor) < 0 ||
	    api_int_param(req, rep, "alert", 0, 1, INT64_MAX, &alert) < 0 ||
	    (r = api_reader(req, rep)) == NULL)
		goto fail;
	if (store_notifications_query(r, status, alert, cursor, (int)limit, notification_row, &p) <
	    0) {
		store_reader_release(req->web->store, r);
		reply_json_error(rep, 500, "store_error", "cannot read the notifications");
		goto fail;
	}
	store_reader_release(req->web->store, r);
	reply_page(req, rep, "notifications", &p, limit);
	return;
fail:
	json_decref(p.list);
}

static void finish_ack(struct web_request *req, struct web_reply *rep, struct engine_cmd *cmd)
{
	if (cmd->status >= 400) {
		reply_cmd_error(rep, cmd);
		return;
	}
	api_reply_json(req, rep, 200,
	               json_pack("{s:s,s:s}", "id", cmd->id, "status", "acknowledged"));
}

void handle_alert_ack(struct web_request *req, struct web_reply *rep)
{
	const char *id = route_param(&req->params, "id");
	char *end;

	if (id == NULL || strtoll(id, &end, 10) <= 0 || *end != '\0') {
		reply_json_error(rep, 404, "not_found", "no alert with id \"%s\"", id ? id : "");
		return;
	}
	web_defer(req, rep, ENGINE_CMD_ALERT_ACK, id, finish_ack);
}
