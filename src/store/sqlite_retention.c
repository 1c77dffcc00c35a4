/* Retention for SQLite: old results and rollups go in small slices, space comes back. */
#include <stdio.h>

#include "store/sqlite_int.h"
#include "util/log.h"

#define TRIM_SLICE 200 /* monitors per transaction */

/* Deletes rows of one monitor older than the cutoffs. */
static int trim_monitor(sqlite3 *db, sqlite3_stmt *const st[3], int64_t key,
                        const struct store_retention *ret, int64_t now_ms)
{
	int64_t cut[3] = { now_ms - ret->raw, (now_ms - ret->minute) / 1000,
		           (now_ms - ret->hour) / 1000 };
	int64_t keep[3] = { ret->raw, ret->minute, ret->hour };
	int i, rc;

	(void)db;
	for (i = 0; i < 3; i++) {
		if (keep[i] <= 0)
			continue;
		sqlite3_bind_int64(st[i], 1, key);
		sqlite3_bind_int64(st[i], 2, cut[i]);
		rc = sqlite3_step(st[i]);
		sqlite3_reset(st[i]);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

/* Host rollups are few: one statement per resolution. */
static int trim_host(struct sq *q, const struct store_retention *ret, int64_t now_ms)
{
	char sql[160];

	if (ret->minute > 0) {
		snprintf(sql, sizeof(sql),
		         "DELETE FROM host_rollups WHERE res = 0 AND bucket < %lld",
		         (long long)((now_ms - ret->minute) / 1000));
		if (sq_exec(q->db, sql) != SQLITE_OK)
			return -1;
	}
	if (ret->hour > 0) {
		snprintf(sql, sizeof(sql),
		         "DELETE FROM host_rollups WHERE res = 1 AND bucket < %lld",
		         (long long)((now_ms - ret->hour) / 1000));
		if (sq_exec(q->db, sql) != SQLITE_OK)
			return -1;
	}
	return 0;
}

int sq_trim(void *p, const struct store_retention *ret, int64_t now_ms, int64_t *cursor)
{
	struct sq *q = p;
	static const char *const sql[3] = {
		"DELETE FROM results WHERE monitor = ?1 AND t < ?2",
		"DELETE FROM rollups WHERE monitor = ?1 AND res = 0 AND bucket < ?2",
		"DELETE FROM rollups WHERE monitor = ?1 AND res = 1 AND bucket < ?2",
	};
	sqlite3_stmt *st[3] = { 0 }, *keys = NULL;
	int i, n = 0, rc = -1;

	for (i = 0; i < 3; i++)
		if (sqlite3_prepare_v2(q->db, sql[i], -1, &st[i], NULL) != SQLITE_OK)
			goto out;
	if (sqlite3_prepare_v2(q->db,
	                       "SELECT key FROM monitors WHERE key > ?1 ORDER BY key LIMIT ?2", -1,
	                       &keys, NULL) != SQLITE_OK ||
	    sq_exec(q->db, "BEGIN IMMEDIATE") != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(keys, 1, *cursor);
	sqlite3_bind_int(keys, 2, TRIM_SLICE);
	while (sqlite3_step(keys) == SQLITE_ROW) {
		int64_t key = sqlite3_column_int64(keys, 0);

		if (trim_monitor(q->db, st, key, ret, now_ms) < 0) {
			sq_exec(q->db, "ROLLBACK");
			goto out;
		}
		*cursor = key;
		n++;
	}
	if (sq_exec(q->db, "COMMIT") != SQLITE_OK) {
		sq_exec(q->db, "ROLLBACK");
		goto out;
	}
	if (n < TRIM_SLICE &&
	    (trim_host(q, ret, now_ms) < 0 || sq_trim_security(q->db, ret, now_ms) < 0)) {
		sqlite3_finalize(keys);
		keys = NULL;
		goto out;
	}
	if (n < TRIM_SLICE) {
		/* A full pass is done: give free pages back to the filesystem. */
		if (sq_exec(q->db, "PRAGMA incremental_vacuum(4096)") != SQLITE_OK)
			log_warnx("store: %s: incremental vacuum: %s", q->path,
			          sqlite3_errmsg(q->db));
		*cursor = 0;
		rc = 0;
	} else {
		rc = 1;
	}
out:
	if (rc < 0)
		log_warnx("store: %s: retention: %s", q->path, sqlite3_errmsg(q->db));
	for (i = 0; i < 3; i++)
		sqlite3_finalize(st[i]);
	sqlite3_finalize(keys);
	return rc;
}
