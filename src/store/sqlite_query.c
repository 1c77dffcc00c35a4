/* The SQLite backend's reads, on the read-only connections of HTTP threads. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/xmalloc.h"

#define RESULTS_MAX 10000

struct row {
	int64_t t, latency;
	int status, reason;
	char *message;  /* NULL: same as the next older row */
	char *perfdata; /* NULL: none */
};

/* The last message stored for KEY before T (messages are only stored on change). */
static char *message_before(sqlite3 *db, int64_t key, int64_t t)
{
	sqlite3_stmt *st;
	char *msg = NULL;

	if (sqlite3_prepare_v2(
	            db,
	            "SELECT message FROM results WHERE monitor = ?1 AND t < ?2 AND message"
	            " IS NOT NULL ORDER BY t DESC LIMIT 1",
	            -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_int64(st, 2, t);
	if (sqlite3_step(st) == SQLITE_ROW)
		msg = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return msg;
}

static void free_rows(struct row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].message);
		free(rows[i].perfdata);
	}
	free(rows);
}

int sq_results(void *conn, int64_t key, int64_t since, int64_t until, int limit, store_result_cb cb,
               void *arg)
{
	sqlite3 *db = conn;
	sqlite3_stmt *st;
	struct row *rows;
	size_t n = 0, i;
	char *older;

	if (limit <= 0 || limit > RESULTS_MAX)
		limit = RESULTS_MAX;
	if (sqlite3_prepare_v2(
	            db,
	            "SELECT t, status, latency, reason, message, perfdata FROM results WHERE"
	            " monitor = ?1 AND t >= ?2 AND t < ?3 ORDER BY t DESC LIMIT ?4",
	            -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	sqlite3_bind_int(st, 4, limit);
	rows = xcalloc((size_t)limit, sizeof(*rows));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *m = sqlite3_column_text(st, 4);
		const unsigned char *pd = sqlite3_column_text(st, 5);

		rows[n] = (struct row){
			sqlite3_column_int64(st, 0),         sqlite3_column_int64(st, 2),
			sqlite3_column_int(st, 1),           sqlite3_column_int(st, 3),
			m ? xstrdup((const char *)m) : NULL, pd ? xstrdup((const char *)pd) : NULL
		};
		n++;
	}
	sqlite3_finalize(st);
	/* Fill unchanged messages from older rows: oldest first. */
	older = n && rows[n - 1].message == NULL ? message_before(db, key, rows[n - 1].t) : NULL;
	for (i = n; i-- > 0;) {
		if (rows[i].message == NULL)
			rows[i].message = xstrdup(older ? older : "");
		free(older);
		older = xstrdup(rows[i].message);
	}
	free(older);
	for (i = 0; i < n; i++) {
		struct store_result_row r = { rows[i].t,      rows[i].latency, rows[i].status,
			                      rows[i].reason, rows[i].message, rows[i].perfdata };

		if (cb(arg, &r) != 0) {
			i++;
			break;
		}
	}
	free_rows(rows, n);
	return (int)i;
}

int sq_events(void *conn, int64_t key, int64_t since, int64_t before_id, int limit,
              store_event_cb cb, void *arg)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(
	            conn,
	            "SELECT id, t, old, new, reason, coalesce(message, '') FROM events WHERE"
	            " monitor = ?1 AND t >= ?2 AND (?3 <= 0 OR id < ?3) ORDER BY id DESC"
	            " LIMIT ?4",
	            -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, before_id);
	sqlite3_bind_int(st, 4, limit > 0 ? limit : 1000);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct store_event_row e = {
			sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
			sqlite3_column_int(st, 2),   sqlite3_column_int(st, 3),
			sqlite3_column_int(st, 4),   (const char *)sqlite3_column_text(st, 5),
		};

		n++;
		if (cb(arg, &e) != 0)
			break;
	}
	sqlite3_finalize(st);
	return n;
}

int sq_rollup_sum(void *conn, int64_t key, int res, int64_t since, struct store_rollup *out)
{
	sqlite3_stmt *st;
	int n = 0;

	memset(out, 0, sizeof(*out));
	out->lat_min = out->lat_max = -1;
	if (sqlite3_prepare_v2(conn,
	                       "SELECT up, degraded, down, unknown, lat_sum, lat_min, lat_max, hist"
	                       " FROM rollups WHERE monitor = ?1 AND res = ?2 AND bucket >= ?3",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_int(st, 2, res);
	sqlite3_bind_int64(st, 3, since);
	while (sqlite3_step(st) == SQLITE_ROW) {
		out->up += (uint32_t)sqlite3_column_int64(st, 0);
		out->degraded += (uint32_t)sqlite3_column_int64(st, 1);
		out->down += (uint32_t)sqlite3_column_int64(st, 2);
		out->unknown += (uint32_t)sqlite3_column_int64(st, 3);
		out->lat_sum += sqlite3_column_int64(st, 4);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			int64_t lo = sqlite3_column_int64(st, 5), hi = sqlite3_column_int64(st, 6);

			if (out->lat_min < 0 || lo < out->lat_min)
				out->lat_min = lo;
			if (hi > out->lat_max)
				out->lat_max = hi;
		}
		sq_hist_add(sqlite3_column_blob(st, 7), sqlite3_column_bytes(st, 7), out->hist);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

static int boot_monitors(sqlite3 *db, struct store_boot *out)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if (sqlite3_prepare_v2(db,
	                       "SELECT m.key, m.slug, s.status, s.since, s.failures, s.successes"
	                       " FROM monitors m LEFT JOIN monitor_state s ON s.monitor = m.key"
	                       " ORDER BY m.key",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct store_boot_monitor *m;

		out->monitors = xgrow(out->monitors, &cap, out->nmonitors + 1, sizeof(*m));
		m = &out->monitors[out->nmonitors++];
		memset(m, 0, sizeof(*m));
		m->key = sqlite3_column_int64(st, 0);
		m->slug = xstrdup((const char *)sqlite3_column_text(st, 1));
		m->has_state = sqlite3_column_type(st, 2) != SQLITE_NULL;
		m->status = sqlite3_column_int(st, 2);
		m->since = sqlite3_column_int64(st, 3);
		m->failures = sqlite3_column_int(st, 4);
		m->successes = sqlite3_column_int(st, 5);
		if (m->key > out->max_key)
			out->max_key = m->key;
	}
	sqlite3_finalize(st);
	return 0;
}

static int boot_last(sqlite3 *db, struct store_boot *out)
{
	sqlite3_stmt *st;
	size_t i;

	if (sqlite3_prepare_v2(db,
	                       "SELECT t, status, latency, reason FROM results WHERE monitor = ?1"
	                       " ORDER BY t DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < out->nmonitors; i++) {
		struct store_boot_monitor *m = &out->monitors[i];

		sqlite3_bind_int64(st, 1, m->key);
		if (sqlite3_step(st) == SQLITE_ROW) {
			m->has_last = true;
			m->last_t = sqlite3_column_int64(st, 0);
			m->last_status = sqlite3_column_int(st, 1);
			m->last_latency_us = sqlite3_column_int64(st, 2);
			m->last_reason = sqlite3_column_int(st, 3);
			m->last_message = message_before(db, m->key, m->last_t + 1);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

static int boot_push(sqlite3 *db, struct store_boot *out)
{
	sqlite3_stmt *st;
	size_t i;

	if (sqlite3_prepare_v2(db,
	                       "SELECT last_success, last_start, last_fail, exit_code, duration,"
	                       " message FROM push_state WHERE monitor = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < out->nmonitors; i++) {
		struct store_boot_monitor *m = &out->monitors[i];

		sqlite3_bind_int64(st, 1, m->key);
		if (sqlite3_step(st) == SQLITE_ROW) {
			m->has_push = true;
			m->push_success = sqlite3_column_int64(st, 0);
			m->push_start = sqlite3_column_int64(st, 1);
			m->push_fail = sqlite3_column_int64(st, 2);
			m->push_exit_code = sqlite3_column_int(st, 3);
			m->push_duration = sqlite3_column_int64(st, 4);
			m->push_message = xstrdup((const char *)sqlite3_column_text(st, 5));
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

static int boot_rollups(sqlite3 *db, int64_t hour_since, int64_t day_since, struct store_boot *out)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if (sqlite3_prepare_v2(
	            db,
	            "SELECT monitor, res, bucket, up, degraded, down, unknown, lat_sum FROM rollups"
	            " WHERE (res = 1 AND bucket >= ?1) OR (res = 2 AND bucket >= ?2)",
	            -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, hour_since);
	sqlite3_bind_int64(st, 2, day_since);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct store_boot_rollup *r;

		out->rollups = xgrow(out->rollups, &cap, out->nrollups + 1, sizeof(*r));
		r = &out->rollups[out->nrollups++];
		r->key = sqlite3_column_int64(st, 0);
		r->res = sqlite3_column_int(st, 1);
		r->bucket = sqlite3_column_int64(st, 2);
		r->up = (uint32_t)sqlite3_column_int64(st, 3);
		r->degraded = (uint32_t)sqlite3_column_int64(st, 4);
		r->down = (uint32_t)sqlite3_column_int64(st, 5);
		r->unknown = (uint32_t)sqlite3_column_int64(st, 6);
		r->lat_sum = sqlite3_column_int64(st, 7);
	}
	sqlite3_finalize(st);
	return 0;
}

static int boot_series(sqlite3 *db, struct store_boot *out)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if (sqlite3_prepare_v2(db, "SELECT key, name FROM host_series", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct store_boot_series *s;

		out->series = xgrow(out->series, &cap, out->nseries + 1, sizeof(*s));
		s = &out->series[out->nseries++];
		s->key = sqlite3_column_int64(st, 0);
		s->name = xstrdup((const char *)sqlite3_column_text(st, 1));
		if (s->key > out->max_series)
			out->max_series = s->key;
	}
	sqlite3_finalize(st);
	return 0;
}

static int boot_api_monitors(sqlite3 *db, struct store_boot *out)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if (sqlite3_prepare_v2(
	            db, "SELECT id, body, created, updated FROM api_monitors ORDER BY created, id",
	            -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct store_boot_api_monitor *a;

		out->api_monitors =
		        xgrow(out->api_monitors, &cap, out->napi_monitors + 1, sizeof(*a));
		a = &out->api_monitors[out->napi_monitors++];
		a->id = xstrdup((const char *)sqlite3_column_text(st, 0));
		a->body = xstrdup((const char *)sqlite3_column_text(st, 1));
		a->created = sqlite3_column_int64(st, 2);
		a->updated = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return 0;
}

int sq_boot(void *conn, int64_t hour_since, int64_t day_since, struct store_boot *out)
{
	memset(out, 0, sizeof(*out));
	if (boot_monitors(conn, out) < 0 || boot_last(conn, out) < 0 || boot_push(conn, out) < 0 ||
	    boot_rollups(conn, hour_since, day_since, out) < 0 || boot_series(conn, out) < 0 ||
	    boot_api_monitors(conn, out) < 0 || sq_boot_alerts(conn, out) < 0)
		return -1;
	return 0;
}

int sq_host_query(void *conn, const char *name, int res, int64_t since, int64_t until,
                  store_host_cb cb, void *arg)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(conn,
	                       "SELECT r.bucket, r.min, r.max, r.sum, r.count FROM host_rollups r"
	                       " JOIN host_series s ON s.key = r.series WHERE s.name = ?1 AND"
	                       " r.res = ?2 AND r.bucket >= ?3 AND r.bucket < ?4 ORDER BY r.bucket",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, res);
	sqlite3_bind_int64(st, 3, since);
	sqlite3_bind_int64(st, 4, until);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct store_host_row row = { sqlite3_column_int64(st, 0),
			                      sqlite3_column_double(st, 1),
			                      sqlite3_column_double(st, 2),
			                      sqlite3_column_double(st, 3),
			                      (uint32_t)sqlite3_column_int64(st, 4) };

		n++;
		if (cb(arg, &row) != 0)
			break;
	}
	sqlite3_finalize(st);
	return n;
}
