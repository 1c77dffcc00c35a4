/* SQLite: alerts and the outbox. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/xmalloc.h"

int sq_apply_outbox(sqlite3 *db, const struct store_op *op)
{
	const struct store_outbox *rows = op->blob;
	sqlite3_stmt *st;
	size_t i;
	int rc = SQLITE_DONE;

	if (sqlite3_prepare_v2(
	            db,
	            "INSERT OR IGNORE INTO outbox(id, alert, channel, kind, idem_key, body,"
	            " created, next_at, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	            -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < op->nrows && rc == SQLITE_DONE; i++) {
		const struct store_outbox *o = &rows[i];

		sqlite3_bind_int64(st, 1, o->id);
		sqlite3_bind_int64(st, 2, o->alert);
		sqlite3_bind_text(st, 3, o->channel, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, o->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, o->idem_key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, (const char *)op->blob + o->body_off, (int)o->body_len,
		                  SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, o->created);
		sqlite3_bind_int64(st, 8, o->next_at);
		if (o->summary_len > 0)
			sqlite3_bind_text(st, 9, (const char *)op->blob + o->summary_off,
			                  (int)o->summary_len, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 9);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int boot_firing(sqlite3 *db, struct store_boot *out)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if (sqlite3_prepare_v2(db,
	                       "SELECT a.id, a.monitor, a.rule, a.severity, a.started, a.message,"
	                       " a.acked_by, a.acked_at, a.notified, a.escalation, m.slug, m.name,"
	                       " a.channels FROM alerts a LEFT JOIN monitors m ON m.key = a.monitor"
	                       " WHERE a.state = 'firing'",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct store_boot_alert *a;

		out->alerts = xgrow(out->alerts, &cap, out->nalerts + 1, sizeof(*a));
		a = &out->alerts[out->nalerts++];
		memset(a, 0, sizeof(*a));
		a->id = sqlite3_column_int64(st, 0);
		a->monitor = sqlite3_column_int64(st, 1);
		snprintf(a->rule, sizeof(a->rule), "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(a->severity, sizeof(a->severity), "%s",
		         (const char *)sqlite3_column_text(st, 3));
		a->started = sqlite3_column_int64(st, 4);
		a->message = xstrdup(
		        sqlite3_column_text(st, 5) ? (const char *)sqlite3_column_text(st, 5) : "");
		if (sqlite3_column_text(st, 6) != NULL)
			snprintf(a->acked_by, sizeof(a->acked_by), "%s",
			         (const char *)sqlite3_column_text(st, 6));
		a->acked_at = sqlite3_column_int64(st, 7);
		a->notified = sqlite3_column_int64(st, 8);
		a->escalation = sqlite3_column_int64(st, 9);
		if (sqlite3_column_text(st, 10) != NULL)
			snprintf(a->slug, sizeof(a->slug), "%s",
			         (const char *)sqlite3_column_text(st, 10));
		if (sqlite3_column_text(st, 11) != NULL)
			snprintf(a->name, sizeof(a->name), "%s",
			         (const char *)sqlite3_column_text(st, 11));
		if (sqlite3_column_text(st, 12) != NULL)
			a->channels = xstrdup((const char *)sqlite3_column_text(st, 12));
	}
	sqlite3_finalize(st);
	return 0;
}

static int boot_outbox(sqlite3 *db, struct store_boot *out)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if (sqlite3_prepare_v2(db,
	                       "SELECT o.id, o.alert, o.channel, o.kind, o.idem_key, o.body,"
	                       " o.created, o.attempts, o.next_at, o.summary, a.severity"
	                       " FROM outbox o LEFT JOIN alerts a ON a.id = o.alert"
	                       " WHERE o.status = 'pending' ORDER BY o.id",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct store_boot_outbox *o;

		out->outbox = xgrow(out->outbox, &cap, out->noutbox + 1, sizeof(*o));
		o = &out->outbox[out->noutbox++];
		memset(o, 0, sizeof(*o));
		o->id = sqlite3_column_int64(st, 0);
		o->alert = sqlite3_column_int64(st, 1);
		snprintf(o->channel, sizeof(o->channel), "%s",
		         (const char *)sqlite3_column_text(st, 2));
		snprintf(o->kind, sizeof(o->kind), "%s", (const char *)sqlite3_column_text(st, 3));
		snprintf(o->idem_key, sizeof(o->idem_key), "%s",
		         (const char *)sqlite3_column_text(st, 4));
		o->body = xstrdup((const char *)sqlite3_column_text(st, 5));
		o->created = sqlite3_column_int64(st, 6);
		o->attempts = sqlite3_column_int64(st, 7);
		o->next_at = sqlite3_column_int64(st, 8);
		if (sqlite3_column_text(st, 9) != NULL)
			o->summary = xstrdup((const char *)sqlite3_column_text(st, 9));
		if (sqlite3_column_text(st, 10) != NULL)
			snprintf(o->severity, sizeof(o->severity), "%s",
			         (const char *)sqlite3_column_text(st, 10));
	}
	sqlite3_finalize(st);
	return 0;
}

static int boot_rules(sqlite3 *db, struct store_boot *out)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if (sqlite3_prepare_v2(db, "SELECT name, metric, since FROM rule_pending WHERE since > 0",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct store_boot_rule *r;

		out->rules = xgrow(out->rules, &cap, out->nrules + 1, sizeof(*r));
		r = &out->rules[out->nrules++];
		snprintf(r->name, sizeof(r->name), "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(r->metric, sizeof(r->metric), "%s",
		         (const char *)sqlite3_column_text(st, 1));
		r->since = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return 0;
}

static int boot_maint(sqlite3 *db, struct store_boot *out)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if (sqlite3_prepare_v2(db,
	                       "SELECT id, name, start, duration, monitors, by, cron, timezone"
	                       " FROM maintenance ORDER BY id",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct store_boot_maint *w;

		out->maint = xgrow(out->maint, &cap, out->nmaint + 1, sizeof(*w));
		w = &out->maint[out->nmaint++];
		memset(w, 0, sizeof(*w));
		w->id = sqlite3_column_int64(st, 0);
		snprintf(w->name, sizeof(w->name), "%s", (const char *)sqlite3_column_text(st, 1));
		w->start = sqlite3_column_int64(st, 2);
		w->duration = sqlite3_column_int64(st, 3);
		w->monitors = xstrdup((const char *)sqlite3_column_text(st, 4));
		snprintf(w->by, sizeof(w->by), "%s", (const char *)sqlite3_column_text(st, 5));
		if (sqlite3_column_text(st, 6) != NULL) {
			snprintf(w->cron, sizeof(w->cron), "%s",
			         (const char *)sqlite3_column_text(st, 6));
			snprintf(w->timezone, sizeof(w->timezone), "%s",
			         sqlite3_column_text(st, 7)
			                 ? (const char *)sqlite3_column_text(st, 7)
			                 : "UTC");
		}
	}
	sqlite3_finalize(st);
	return 0;
}

static int boot_incidents(sqlite3 *db, struct store_boot *out)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if (sqlite3_prepare_v2(db,
	                       "SELECT id, monitor FROM incidents WHERE status != 'resolved' AND"
	                       " monitor != 0",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		out->incidents =
		        xgrow(out->incidents, &cap, out->nincidents + 1, sizeof(*out->incidents));
		out->incidents[out->nincidents].id = sqlite3_column_int64(st, 0);
		out->incidents[out->nincidents++].monitor = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT max(id) FROM incidents", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		out->max_incident = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int sq_boot_alerts(sqlite3 *db, struct store_boot *out)
{
	sqlite3_stmt *st;

	if (boot_firing(db, out) < 0 || boot_outbox(db, out) < 0 || boot_maint(db, out) < 0 ||
	    boot_incidents(db, out) < 0 || boot_rules(db, out) < 0)
		return -1;
	/* the largest ids ever used: new alerts and messages continue from there */
	if (sqlite3_prepare_v2(db,
	                       "SELECT (SELECT max(id) FROM alerts), (SELECT max(id) FROM outbox)",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->max_alert = sqlite3_column_int64(st, 0);
		out->max_outbox = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int sq_alerts(void *conn, const char *state, int64_t before_id, int limit, store_alert_cb cb,
              void *arg)
{
	sqlite3_stmt *st;
	struct store_alert_row a;
	int n = 0;

	if (sqlite3_prepare_v2(conn,
	                       "SELECT a.id, a.monitor, m.slug, a.rule, a.severity, a.state,"
	                       " a.started, a.resolved, a.message, a.acked_by, a.acked_at"
	                       " FROM alerts a LEFT JOIN monitors m ON m.key = a.monitor"
	                       " WHERE (?1 IS NULL OR a.state = ?1) AND (?2 <= 0 OR a.id < ?2)"
	                       " ORDER BY a.id DESC LIMIT ?3",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (state != NULL)
		sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, before_id);
	sqlite3_bind_int(st, 3, limit);
	while (sqlite3_step(st) == SQLITE_ROW) {
		a = (struct store_alert_row){
			.id = sqlite3_column_int64(st, 0),
			.monitor = sqlite3_column_int64(st, 1),
			.monitor_slug = col(st, 2) ? col(st, 2) : "",
			.rule = col(st, 3),
			.severity = col(st, 4),
			.state = col(st, 5),
			.started = sqlite3_column_int64(st, 6),
			.resolved = sqlite3_column_int64(st, 7),
			.message = col(st, 8) ? col(st, 8) : "",
			.acked_by = col(st, 9),
			.acked_at = sqlite3_column_int64(st, 10),
		};
		n++;
		if (cb(arg, &a) != 0)
			break;
	}
	sqlite3_finalize(st);
	return n;
}

int sq_notifications(void *conn, const char *status, int64_t alert, int64_t before_id, int limit,
                     store_notification_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct store_notification_row r;
	int n = 0;

	if (sqlite3_prepare_v2(
	            conn,
	            "SELECT id, alert, channel, kind, idem_key, created, attempts, next_at,"
	            " status, last_error, delivered_at FROM outbox"
	            " WHERE (?1 IS NULL OR status = ?1) AND (?2 <= 0 OR alert = ?2)"
	            " AND (?3 <= 0 OR id < ?3) ORDER BY id DESC LIMIT ?4",
	            -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (status != NULL)
		sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, alert);
	sqlite3_bind_int64(st, 3, before_id);
	sqlite3_bind_int(st, 4, limit);
	while (sqlite3_step(st) == SQLITE_ROW) {
		r = (struct store_notification_row){
			.id = sqlite3_column_int64(st, 0),
			.alert = sqlite3_column_int64(st, 1),
			.channel = col(st, 2),
			.kind = col(st, 3),
			.idem_key = col(st, 4),
			.created = sqlite3_column_int64(st, 5),
			.attempts = sqlite3_column_int64(st, 6),
			.next_at = sqlite3_column_int64(st, 7),
			.status = col(st, 8),
			.last_error = col(st, 9),
			.delivered_at = sqlite3_column_int64(st, 10),
		};
		n++;
		if (cb(arg, &r) != 0)
			break;
	}
	sqlite3_finalize(st);
	return n;
}

int sq_incidents(void *conn, bool open_only, int64_t before_id, int limit, store_incident_cb cb,
                 void *arg)
{
	sqlite3_stmt *st;
	struct store_incident_row r;
	int n = 0;

	if (sqlite3_prepare_v2(
	            conn,
	            "SELECT id, title, impact, status, monitor, monitors, started, resolved,"
	            " by FROM incidents WHERE (?1 = 0 OR status != 'resolved')"
	            " AND (?2 <= 0 OR id < ?2) ORDER BY id DESC LIMIT ?3",
	            -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, open_only);
	sqlite3_bind_int64(st, 2, before_id);
	sqlite3_bind_int(st, 3, limit);
	while (sqlite3_step(st) == SQLITE_ROW) {
		r = (struct store_incident_row){
			.id = sqlite3_column_int64(st, 0),
			.title = col(st, 1),
			.impact = col(st, 2),
			.status = col(st, 3),
			.automatic = sqlite3_column_int64(st, 4) != 0,
			.monitors = col(st, 5),
			.started = sqlite3_column_int64(st, 6),
			.resolved = sqlite3_column_int64(st, 7),
			.by = col(st, 8),
		};
		n++;
		if (cb(arg, &r) != 0)
			break;
	}
	sqlite3_finalize(st);
	return n;
}

int sq_incident_updates(void *conn, int64_t id, store_incident_update_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct store_incident_update_row u;
	int n = 0;

	if (sqlite3_prepare_v2(
	            conn,
	            "SELECT t, status, message, by FROM incident_updates WHERE incident = ?1"
	            " ORDER BY t, id",
	            -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		u = (struct store_incident_update_row){ sqlite3_column_int64(st, 0), col(st, 1),
			                                col(st, 2), col(st, 3) };
		n++;
		if (cb(arg, &u) != 0)
			break;
	}
	sqlite3_finalize(st);
	return n;
}
