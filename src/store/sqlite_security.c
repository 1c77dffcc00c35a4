/* SQLite: the request log, security events and address blocks. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

static void text_col(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(out, size, "%s", t ? (const char *)t : "");
}

int sq_apply_requests(sqlite3_stmt *st, const struct store_op *op)
{
	const struct store_request *rows = op->blob;
	size_t i;
	int rc = SQLITE_DONE;

	for (i = 0; i < op->nrows && rc == SQLITE_DONE; i++) {
		const struct store_request *r = &rows[i];

		sqlite3_bind_int64(st, 1, r->t);
		sqlite3_bind_text(st, 2, r->method, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->route, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r->path, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, r->status);
		sqlite3_bind_int64(st, 6, r->duration_us);
		sqlite3_bind_text(st, 7, r->client, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, r->bytes_in);
		sqlite3_bind_int64(st, 9, r->bytes_out);
		sqlite3_bind_int(st, 10, r->count);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int sq_requests(void *conn, const struct store_request_filter *f, store_request_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct store_request r;
	int n = 0;

	if (sqlite3_prepare_v2(conn,
	                       "SELECT id, t, method, route, path, status, duration_us, client,"
	                       " bytes_in, bytes_out, count FROM requests WHERE t >= ?1"
	                       " AND (?2 <= 0 OR id < ?2)"
	                       " AND (?3 = 0 OR (?3 < 10 AND status / 100 = ?3) OR status = ?3)"
	                       " AND (?4 IS NULL OR route = ?4) ORDER BY id DESC LIMIT ?5",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, f->since);
	sqlite3_bind_int64(st, 2, f->before_id);
	sqlite3_bind_int(st, 3, f->status);
	if (f->route != NULL)
		sqlite3_bind_text(st, 4, f->route, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, f->limit);
	while (sqlite3_step(st) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.t = sqlite3_column_int64(st, 1);
		text_col(st, 2, r.method, sizeof(r.method));
		text_col(st, 3, r.route, sizeof(r.route));
		text_col(st, 4, r.path, sizeof(r.path));
		r.status = sqlite3_column_int(st, 5);
		r.duration_us = sqlite3_column_int64(st, 6);
		text_col(st, 7, r.client, sizeof(r.client));
		r.bytes_in = sqlite3_column_int64(st, 8);
		r.bytes_out = sqlite3_column_int64(st, 9);
		r.count = sqlite3_column_int(st, 10);
		n++;
		if (cb(arg, sqlite3_column_int64(st, 0), &r) != 0)
			break;
	}
	sqlite3_finalize(st);
	return n;
}

static int counts(void *conn, const char *sql, int64_t since, int limit, store_count_cb cb,
                  void *arg)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int(st, 2, limit);
	while (sqlite3_step(st) == SQLITE_ROW) {
		n++;
		if (cb(arg, (const char *)sqlite3_column_text(st, 0),
		       sqlite3_column_int64(st, 1)) != 0)
			break;
	}
	sqlite3_finalize(st);
	return n;
}

int sq_security_counts(void *conn, int64_t since, store_count_cb cb, void *arg)
{
	return counts(conn,
	              "SELECT type, count(*) FROM security_events WHERE t >= ?1 AND ?2 >= 0"
	              " GROUP BY type",
	              since, 0, cb, arg);
}

int sq_security_top(void *conn, int64_t since, int limit, store_count_cb cb, void *arg)
{
	return counts(conn,
	              "SELECT client, count(*) AS n FROM security_events WHERE t >= ?1"
	              " GROUP BY client ORDER BY n DESC, client LIMIT ?2",
	              since, limit, cb, arg);
}

int64_t sq_blocks_count(void *conn, int64_t since)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(conn, "SELECT count(*) FROM ip_blocks WHERE since >= ?1", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int sq_blocks_active(void *conn, int64_t now_ms, store_block_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct store_block b;
	int n = 0;

	if (sqlite3_prepare_v2(conn,
	                       "SELECT ip, since, until, reason, by FROM ip_blocks b WHERE"
	                       " lifted IS NULL AND (until IS NULL OR until > ?1) AND id ="
	                       " (SELECT max(id) FROM ip_blocks WHERE ip = b.ip) ORDER BY since",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, now_ms);
	while (sqlite3_step(st) == SQLITE_ROW) {
		memset(&b, 0, sizeof(b));
		text_col(st, 0, b.ip, sizeof(b.ip));
		b.since = sqlite3_column_int64(st, 1);
		b.until = sqlite3_column_int64(st, 2);
		b.reason = (const char *)sqlite3_column_text(st, 3);
		text_col(st, 4, b.by, sizeof(b.by));
		n++;
		if (cb(arg, &b) != 0)
			break;
	}
	sqlite3_finalize(st);
	return n;
}

int sq_trim_security(sqlite3 *db, const struct store_retention *ret, int64_t now_ms)
{
	char sql[200];

	if (ret->requests > 0) {
		snprintf(sql, sizeof(sql), "DELETE FROM requests WHERE t < %lld",
		         (long long)(now_ms - ret->requests));
		if (sq_exec(db, sql) != SQLITE_OK)
			return -1;
	}
	if (ret->requests_max_rows > 0) {
		snprintf(sql, sizeof(sql),
		         "DELETE FROM requests WHERE id <= (SELECT max(id) FROM requests) - %lld",
		         (long long)ret->requests_max_rows);
		if (sq_exec(db, sql) != SQLITE_OK)
			return -1;
	}
	if (ret->security > 0) {
		snprintf(sql, sizeof(sql), "DELETE FROM security_events WHERE t < %lld",
		         (long long)(now_ms - ret->security));
		if (sq_exec(db, sql) != SQLITE_OK)
			return -1;
		snprintf(sql, sizeof(sql),
		         "DELETE FROM ip_blocks WHERE since < %lld AND (lifted IS NOT NULL OR"
		         " (until IS NOT NULL AND until < %lld))",
		         (long long)(now_ms - ret->security), (long long)now_ms);
		if (sq_exec(db, sql) != SQLITE_OK)
			return -1;
	}
	return 0;
}
