/* The SQLite backend's writes: one cached statement per kind of op. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

static const char *const op_sql[STORE_OP_KINDS] = {
	[STORE_OP_RUN_START] =
	        "INSERT OR REPLACE INTO daemon_runs(id, started_at, last_seen, version)"
	        " VALUES (?1, ?2, ?2, ?3)",
	[STORE_OP_RUN_SEEN] = "UPDATE daemon_runs SET last_seen = ?2 WHERE id = ?1",
	[STORE_OP_RUN_STOP] =
	        "UPDATE daemon_runs SET last_seen = ?2, stopped_at = ?2 WHERE id = ?1",
	[STORE_OP_SELFTEST] = "INSERT INTO store_selftest(seq, t) VALUES (?1, ?2)",
	[STORE_OP_MONITOR] = "INSERT INTO monitors(key, slug, name, type, created_at)"
	                     " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(key) DO UPDATE SET"
	                     " name = excluded.name, type = excluded.type",
	[STORE_OP_RESULT] =
	        "INSERT OR REPLACE INTO results(monitor, t, status, latency, reason, message,"
	        " perfdata) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[STORE_OP_EVENT] = "INSERT INTO events(monitor, t, old, new, reason, message)"
	                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[STORE_OP_STATE] = "INSERT OR REPLACE INTO monitor_state(monitor, status, since, failures,"
	                   " successes) VALUES (?1, ?2, ?3, ?4, ?5)",
	[STORE_OP_ROLLUP] =
	        "INSERT INTO rollups(monitor, res, bucket, up, degraded, down, unknown, lat_sum,"
	        " lat_min, lat_max, hist) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
	        " ON CONFLICT(monitor, res, bucket) DO UPDATE SET up = up + excluded.up,"
	        " degraded = degraded + excluded.degraded, down = down + excluded.down,"
	        " unknown = unknown + excluded.unknown, lat_sum = lat_sum + excluded.lat_sum,"
	        " lat_min = min(coalesce(lat_min, excluded.lat_min), coalesce(excluded.lat_min, "
	        "lat_min)),"
	        " lat_max = max(coalesce(lat_max, excluded.lat_max), coalesce(excluded.lat_max, "
	        "lat_max)),"
	        " hist = vigil_hist_merge(hist, excluded.hist)",
	[STORE_OP_HOST_SERIES] = "INSERT OR IGNORE INTO host_series(key, name) VALUES (?1, ?2)",
	[STORE_OP_HOST_ROLLUP] =
	        "INSERT INTO host_rollups(series, res, bucket, min, max, sum, count)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(series, res, bucket) DO UPDATE "
	        "SET"
	        " min = min(min, excluded.min), max = max(max, excluded.max),"
	        " sum = sum + excluded.sum, count = count + excluded.count",
	[STORE_OP_API_MONITOR_PUT] =
	        "INSERT INTO api_monitors(id, body, created, updated) VALUES (?1, ?2, ?3, ?4)"
	        " ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated = excluded.updated",
	[STORE_OP_API_MONITOR_DEL] = "DELETE FROM api_monitors WHERE id = ?1",
	[STORE_OP_SECURITY_EVENT] = "INSERT INTO security_events(t, type, client, route, detail)"
	                            " VALUES (?1, ?2, ?3, ?4, ?5)",
	[STORE_OP_IP_BLOCK] = "INSERT INTO ip_blocks(ip, since, until, reason, by)"
	                      " VALUES (?1, ?2, ?3, ?4, ?5)",
	[STORE_OP_IP_UNBLOCK] = "UPDATE ip_blocks SET lifted = ?2 WHERE ip = ?1 AND lifted IS NULL"
	                        " AND (until IS NULL OR until > ?2)",
	[STORE_OP_ALERT] =
	        "INSERT INTO alerts(id, monitor, rule, severity, state, started, resolved,"
	        " message, acked_by, acked_at, notified, escalation, channels) VALUES (?1, ?2,"
	        " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT(id) DO UPDATE SET"
	        " state = excluded.state, resolved = excluded.resolved,"
	        " acked_by = excluded.acked_by, acked_at = excluded.acked_at,"
	        " notified = excluded.notified, escalation = excluded.escalation",
	[STORE_OP_OUTBOX] = "UPDATE outbox SET attempts = ?2, next_at = ?3, status = ?4,"
	                    " last_error = ?5, delivered_at = ?6 WHERE id = ?1",
	[STORE_OP_MAINT_PUT] =
	        "INSERT OR REPLACE INTO maintenance(id, name, start, duration, monitors,"
	        " by, created, cron, timezone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[STORE_OP_MAINT_DEL] = "DELETE FROM maintenance WHERE id = ?1",
	[STORE_OP_INCIDENT] = "INSERT INTO incidents(id, title, impact, status, monitor, monitors,"
	                      " started, resolved, by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
	                      " ON CONFLICT(id) DO UPDATE SET status = excluded.status,"
	                      " impact = coalesce(nullif(excluded.impact, ''), impact),"
	                      " resolved = excluded.resolved",
	[STORE_OP_INCIDENT_UPDATE] =
	        "INSERT INTO incident_updates(incident, t, status, message, by)"
	        " VALUES (?1, ?2, ?3, ?4, ?5)",
	[STORE_OP_RULE_PENDING] = "INSERT OR REPLACE INTO rule_pending(name, metric, since)"
	                          " VALUES (?1, ?2, ?3)",
	[STORE_OP_PUSH] = "INSERT OR REPLACE INTO push_state(monitor, last_success, last_start,"
	                  " last_fail, exit_code, duration, message)"
	                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[STORE_OP_REQUESTS] = "INSERT INTO requests(t, method, route, path, status, duration_us,"
	                      " client, bytes_in, bytes_out, count)"
	                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
};

void sq_hist_encode(const uint32_t hist[STORE_HIST_BUCKETS], unsigned char *out)
{
	int i;

	for (i = 0; i < STORE_HIST_BUCKETS; i++) {
		out[4 * i] = (unsigned char)(hist[i] & 0xff);
		out[4 * i + 1] = (unsigned char)(hist[i] >> 8 & 0xff);
		out[4 * i + 2] = (unsigned char)(hist[i] >> 16 & 0xff);
		out[4 * i + 3] = (unsigned char)(hist[i] >> 24 & 0xff);
	}
}

void sq_hist_add(const unsigned char *blob, int len, uint32_t hist[STORE_HIST_BUCKETS])
{
	int i;

	for (i = 0; blob != NULL && i < STORE_HIST_BUCKETS && 4 * i + 3 < len; i++)
		hist[i] += (uint32_t)blob[4 * i] | (uint32_t)blob[4 * i + 1] << 8 |
		           (uint32_t)blob[4 * i + 2] << 16 | (uint32_t)blob[4 * i + 3] << 24;
}

/* vigil_hist_merge(a, b): the bucket-wise sum of two histogram blobs (either may be NULL). */
static void hist_merge(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	uint32_t hist[STORE_HIST_BUCKETS] = { 0 };
	unsigned char out[4 * STORE_HIST_BUCKETS];
	int i, any = 0;

	for (i = 0; i < argc; i++) {
		if (sqlite3_value_type(argv[i]) != SQLITE_BLOB)
			continue;
		sq_hist_add(sqlite3_value_blob(argv[i]), sqlite3_value_bytes(argv[i]), hist);
		any = 1;
	}
	if (!any) {
		sqlite3_result_null(ctx);
		return;
	}
	sq_hist_encode(hist, out);
	sqlite3_result_blob(ctx, out, sizeof(out), SQLITE_TRANSIENT);
}

int sq_register_functions(sqlite3 *db)
{
	return sqlite3_create_function(db, "vigil_hist_merge", 2,
	                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	                               hist_merge, NULL, NULL);
}

static sqlite3_stmt *statement(struct sq *q, enum store_op_kind kind)
{
	if (kind == STORE_OP_SELFTEST && !q->selftest_ready) {
		if (sq_exec(q->db, "CREATE TABLE IF NOT EXISTS store_selftest ("
		                   " seq INTEGER PRIMARY KEY, t INTEGER NOT NULL)") != SQLITE_OK)
			return NULL;
		q->selftest_ready = true;
	}
	if (q->stmt[kind] == NULL &&
	    sqlite3_prepare_v3(q->db, op_sql[kind], -1, SQLITE_PREPARE_PERSISTENT, &q->stmt[kind],
	                       NULL) != SQLITE_OK)
		return NULL;
	return q->stmt[kind];
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_rollup(sqlite3_stmt *st, const struct store_op *op)
{
	const struct store_rollup *r = &op->u.rollup.r;
	unsigned char hist[4 * STORE_HIST_BUCKETS];

	sqlite3_bind_int64(st, 1, op->u.rollup.monitor);
	sqlite3_bind_int(st, 2, op->u.rollup.res);
	sqlite3_bind_int64(st, 3, op->u.rollup.bucket);
	sqlite3_bind_int64(st, 4, r->up);
	sqlite3_bind_int64(st, 5, r->degraded);
	sqlite3_bind_int64(st, 6, r->down);
	sqlite3_bind_int64(st, 7, r->unknown);
	sqlite3_bind_int64(st, 8, r->lat_sum);
	if (r->lat_min >= 0) {
		sqlite3_bind_int64(st, 9, r->lat_min);
		sqlite3_bind_int64(st, 10, r->lat_max);
	}
	if (op->u.rollup.res != STORE_RES_MINUTE) {
		sq_hist_encode(r->hist, hist);
		sqlite3_bind_blob(st, 11, hist, sizeof(hist), SQLITE_TRANSIENT);
	}
}

static void bind_op(sqlite3_stmt *st, const struct store_op *op)
{
	const typeof(op->u) *u = &op->u;

	switch (op->kind) {
	case STORE_OP_RUN_START:
	case STORE_OP_RUN_SEEN:
	case STORE_OP_RUN_STOP:
		sqlite3_bind_int64(st, 1, u->run.id);
		sqlite3_bind_int64(st, 2, u->run.t);
		if (op->kind == STORE_OP_RUN_START)
			sqlite3_bind_text(st, 3, u->run.version, -1, SQLITE_STATIC);
		break;
	case STORE_OP_SELFTEST:
		sqlite3_bind_int64(st, 1, u->selftest.seq);
		sqlite3_bind_int64(st, 2, u->selftest.t);
		break;
	case STORE_OP_MONITOR:
		sqlite3_bind_int64(st, 1, u->monitor.key);
		sqlite3_bind_text(st, 2, u->monitor.slug, -1, SQLITE_STATIC);
		bind_text(st, 3, op->text ? op->text : u->monitor.slug);
		sqlite3_bind_text(st, 4, u->monitor.type, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, u->monitor.t);
		break;
	case STORE_OP_RESULT:
		sqlite3_bind_int64(st, 1, u->result.monitor);
		sqlite3_bind_int64(st, 2, u->result.t);
		sqlite3_bind_int(st, 3, u->result.status);
		sqlite3_bind_int64(st, 4, u->result.latency_us);
		sqlite3_bind_int(st, 5, u->result.reason);
		bind_text(st, 6, op->text);
		bind_text(st, 7, op->blob);
		break;
	case STORE_OP_EVENT:
		sqlite3_bind_int64(st, 1, u->event.monitor);
		sqlite3_bind_int64(st, 2, u->event.t);
		sqlite3_bind_int(st, 3, u->event.old);
		sqlite3_bind_int(st, 4, u->event.new_);
		sqlite3_bind_int(st, 5, u->event.reason);
		bind_text(st, 6, op->text);
		break;
	case STORE_OP_STATE:
		sqlite3_bind_int64(st, 1, u->state.monitor);
		sqlite3_bind_int(st, 2, u->state.status);
		sqlite3_bind_int64(st, 3, u->state.since);
		sqlite3_bind_int(st, 4, u->state.failures);
		sqlite3_bind_int(st, 5, u->state.successes);
		break;
	case STORE_OP_ROLLUP:
		bind_rollup(st, op);
		break;
	case STORE_OP_HOST_SERIES:
		sqlite3_bind_int64(st, 1, u->host_series.key);
		bind_text(st, 2, op->text);
		break;
	case STORE_OP_HOST_ROLLUP:
		sqlite3_bind_int64(st, 1, u->host_rollup.series);
		sqlite3_bind_int(st, 2, u->host_rollup.res);
		sqlite3_bind_int64(st, 3, u->host_rollup.bucket);
		sqlite3_bind_double(st, 4, u->host_rollup.min);
		sqlite3_bind_double(st, 5, u->host_rollup.max);
		sqlite3_bind_double(st, 6, u->host_rollup.sum);
		sqlite3_bind_int64(st, 7, u->host_rollup.count);
		break;
	case STORE_OP_API_MONITOR_PUT:
		sqlite3_bind_text(st, 1, u->api_monitor.id, -1, SQLITE_STATIC);
		bind_text(st, 2, op->text);
		sqlite3_bind_int64(st, 3, u->api_monitor.created);
		sqlite3_bind_int64(st, 4, u->api_monitor.updated);
		break;
	case STORE_OP_API_MONITOR_DEL:
		sqlite3_bind_text(st, 1, u->api_monitor.id, -1, SQLITE_STATIC);
		break;
	case STORE_OP_SECURITY_EVENT:
		sqlite3_bind_int64(st, 1, u->security.t);
		sqlite3_bind_text(st, 2, u->security.type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, u->security.client, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, u->security.route, -1, SQLITE_STATIC);
		bind_text(st, 5, op->text);
		break;
	case STORE_OP_IP_BLOCK:
		sqlite3_bind_text(st, 1, u->block.ip, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, u->block.since);
		if (u->block.until > 0)
			sqlite3_bind_int64(st, 3, u->block.until);
		bind_text(st, 4, op->text ? op->text : "");
		sqlite3_bind_text(st, 5, u->block.by, -1, SQLITE_STATIC);
		break;
	case STORE_OP_ALERT:
		sqlite3_bind_int64(st, 1, u->alert.id);
		sqlite3_bind_int64(st, 2, u->alert.monitor);
		sqlite3_bind_text(st, 3, u->alert.rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, u->alert.severity, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5,
		                  u->alert.suppressed ? "suppressed"
		                  : u->alert.resolved ? "resolved"
		                                      : "firing",
		                  -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, u->alert.started);
		if (u->alert.resolved)
			sqlite3_bind_int64(st, 7, u->alert.resolved);
		bind_text(st, 8, op->text);
		if (u->alert.acked_by[0]) {
			sqlite3_bind_text(st, 9, u->alert.acked_by, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 10, u->alert.acked_at);
		}
		sqlite3_bind_int64(st, 11, u->alert.notified);
		sqlite3_bind_int64(st, 12, u->alert.escalation);
		if (u->alert.channels_len > 0)
			sqlite3_bind_text(st, 13, (const char *)op->blob + u->alert.channels_off,
			                  (int)u->alert.channels_len, SQLITE_STATIC);
		break;
	case STORE_OP_RULE_PENDING:
		sqlite3_bind_text(st, 1, u->rule.name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, u->rule.metric, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, u->rule.since);
		break;
	case STORE_OP_OUTBOX:
		sqlite3_bind_int64(st, 1, u->outbox.id);
		sqlite3_bind_int64(st, 2, u->outbox.attempts);
		sqlite3_bind_int64(st, 3, u->outbox.next_at);
		sqlite3_bind_text(st, 4, u->outbox.status, -1, SQLITE_STATIC);
		bind_text(st, 5, op->text);
		if (u->outbox.delivered_at)
			sqlite3_bind_int64(st, 6, u->outbox.delivered_at);
		break;
	case STORE_OP_MAINT_PUT:
		sqlite3_bind_int64(st, 1, u->maint.id);
		sqlite3_bind_text(st, 2, u->maint.name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, u->maint.start);
		sqlite3_bind_int64(st, 4, u->maint.duration);
		bind_text(st, 5, op->text ? op->text : "[]");
		sqlite3_bind_text(st, 6, u->maint.by, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, u->maint.created);
		if (u->maint.cron[0]) {
			sqlite3_bind_text(st, 8, u->maint.cron, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 9, u->maint.timezone, -1, SQLITE_STATIC);
		}
		break;
	case STORE_OP_MAINT_DEL:
		sqlite3_bind_int64(st, 1, u->maint.id);
		break;
	case STORE_OP_INCIDENT:
		sqlite3_bind_int64(st, 1, u->incident.id);
		sqlite3_bind_text(st, 2, u->incident.title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, u->incident.impact, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, u->incident.status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, u->incident.monitor);
		bind_text(st, 6, op->text ? op->text : "[]");
		sqlite3_bind_int64(st, 7, u->incident.started);
		if (u->incident.resolved)
			sqlite3_bind_int64(st, 8, u->incident.resolved);
		sqlite3_bind_text(st, 9, u->incident.by, -1, SQLITE_STATIC);
		break;
	case STORE_OP_INCIDENT_UPDATE:
		sqlite3_bind_int64(st, 1, u->incident.id);
		sqlite3_bind_int64(st, 2, u->incident.started);
		sqlite3_bind_text(st, 3, u->incident.status, -1, SQLITE_STATIC);
		bind_text(st, 4, op->text ? op->text : "");
		sqlite3_bind_text(st, 5, u->incident.by, -1, SQLITE_STATIC);
		break;
	case STORE_OP_PUSH:
		sqlite3_bind_int64(st, 1, u->push.monitor);
		sqlite3_bind_int64(st, 2, u->push.success);
		sqlite3_bind_int64(st, 3, u->push.start);
		sqlite3_bind_int64(st, 4, u->push.fail);
		sqlite3_bind_int(st, 5, u->push.exit_code);
		sqlite3_bind_int64(st, 6, u->push.duration);
		bind_text(st, 7, op->text ? op->text : "");
		break;
	case STORE_OP_IP_UNBLOCK:
		sqlite3_bind_text(st, 1, u->block.ip, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, u->block.since);
		break;
	default:
		break;
	}
}

int sq_apply(void *p, const struct store_op *op)
{
	struct sq *q = p;
	sqlite3_stmt *st = statement(q, op->kind);
	int rc;

	if (st == NULL)
		return -1;
	if (op->kind == STORE_OP_REQUESTS)
		return sq_apply_requests(st, op);
	bind_op(st, op);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE && op->kind == STORE_OP_ALERT && op->nrows > 0)
		return sq_apply_outbox(q->db, op); /* in the same transaction */
	return rc == SQLITE_DONE ? 0 : -1;
}

void sq_finalize_ops(struct sq *q)
{
	int i;

	for (i = 0; i < STORE_OP_KINDS; i++) {
		sqlite3_finalize(q->stmt[i]);
		q->stmt[i] = NULL;
	}
}
