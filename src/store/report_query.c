/* The streaming, read-only queries of `vigil report -c FILE` on a daemon's SQLite database. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/report.h"
#include "store/store_int.h"
#include "util/xmalloc.h"

#define REPORT_SCHEMA_MIN 10 /* results.perfdata: the last column an export reads */

struct report_db {
	sqlite3 *db;
	struct store_reader reader; /* for store.h's queries */
};

static int scalar(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Checks that DB is a Vigil database recent enough; -1 with ERR. */
static int check_schema(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	int64_t v = -1;

	if (scalar(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", &v) < 0) {
		snprintf(err, errlen, "%s: not a Vigil database (%s)", path, sqlite3_errmsg(db));
		return -1;
	}
	if (v < REPORT_SCHEMA_MIN) {
		snprintf(err, errlen,
		         "%s: schema version %lld is older than %d: start vigil on it once", path,
		         (long long)v, REPORT_SCHEMA_MIN);
		return -1;
	}
	return 0;
}

struct report_db *report_db_open(const char *path, char *err, size_t errlen)
{
	struct report_db *r;
	sqlite3 *db = NULL;
	int rc;

	err[0] = '\0';
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: cannot read the database: %s", path,
		         access(path, F_OK) != 0 ? "no such file" : "permission denied");
		return NULL;
	}
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA busy_timeout=5000; PRAGMA query_only=1", NULL, NULL,
		                  NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open the database: %s", path,
		         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	if (check_schema(db, path, err, errlen) < 0 ||
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->db = db;
	r->reader.be = &store_sqlite_backend;
	r->reader.conn = db;
	return r;
}

void report_db_close(struct report_db *r)
{
	if (r == NULL)
		return;
	sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(r->db);
	free(r);
}

struct store_reader *report_db_reader(struct report_db *r)
{
	return &r->reader;
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", s ? (const char *)s : "");
}

int report_monitor_find(struct report_db *r, const char *slug, struct report_monitor *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->db,
	                       "SELECT m.key, m.name, m.type, m.source, s.status, s.since FROM"
	                       " monitors m LEFT JOIN monitor_state s ON s.monitor = m.key"
	                       " WHERE m.slug = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->key = sqlite3_column_int64(st, 0);
		copy_col(st, 1, out->name, sizeof(out->name));
		copy_col(st, 2, out->type, sizeof(out->type));
		copy_col(st, 3, out->source, sizeof(out->source));
		out->has_state = sqlite3_column_type(st, 4) != SQLITE_NULL;
		out->status = sqlite3_column_int(st, 4);
		out->since = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int report_api_monitors(struct report_db *r, report_api_monitor_cb cb, void *arg)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	if (sqlite3_prepare_v2(r->db,
	                       "SELECT id, body, created, updated FROM api_monitors"
	                       " ORDER BY created, id",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if (cb(arg, (const char *)sqlite3_column_text(st, 0),
		       (const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2),
		       sqlite3_column_int64(st, 3)) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

int64_t report_results_count(struct report_db *r, int64_t since, int64_t until)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(r->db, "SELECT count(*) FROM results WHERE t >= ?1 AND t < ?2", -1,
	                       &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int report_host_series(struct report_db *r, report_name_cb cb, void *arg)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	if (sqlite3_prepare_v2(r->db, "SELECT name FROM host_series ORDER BY name", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if (cb(arg, (const char *)sqlite3_column_text(st, 0)) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}
