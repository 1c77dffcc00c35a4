/* Internals of the SQLite backend shared by its files. */
#ifndef VIGIL_STORE_SQLITE_INT_H
#define VIGIL_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stdbool.h>

#include "store/store.h"

/* The writer connection and what it keeps between transactions. */
struct sq {
	sqlite3 *db;
	int lockfd; /* flock()ed for the lifetime of the writer: one writer per file */
	char *path;
	sqlite3_stmt *stmt[STORE_OP_KINDS];
	bool selftest_ready;
};

int sq_exec(sqlite3 *db, const char *sql);
/* Registers vigil_hist_merge(a, b): the element-wise sum of two histogram blobs. */
int sq_register_functions(sqlite3 *db);

/* sqlite_ops.c */
int sq_apply(void *p, const struct store_op *op);
void sq_finalize_ops(struct sq *q);

/* sqlite_query.c: reader-side queries (the connection is read-only). */
int sq_results(void *conn, int64_t key, int64_t since, int64_t until, int limit, store_result_cb cb,
               void *arg);
int sq_events(void *conn, int64_t key, int64_t since, int64_t before_id, int limit,
              store_event_cb cb, void *arg);
int sq_rollup_sum(void *conn, int64_t key, int res, int64_t since, struct store_rollup *out);
int sq_boot(void *conn, int64_t hour_since, int64_t day_since, struct store_boot *out);
int sq_host_query(void *conn, const char *name, int res, int64_t since, int64_t until,
                  store_host_cb cb, void *arg);

/* sqlite_security.c: the request log, security events, blocks */
int sq_requests(void *conn, const struct store_request_filter *f, store_request_cb cb, void *arg);
int sq_security_counts(void *conn, int64_t since, store_count_cb cb, void *arg);
int sq_security_top(void *conn, int64_t since, int limit, store_count_cb cb, void *arg);
int64_t sq_blocks_count(void *conn, int64_t since);
int sq_blocks_active(void *conn, int64_t now_ms, store_block_cb cb, void *arg);
int sq_apply_requests(sqlite3_stmt *st, const struct store_op *op);
/* sqlite_alerts.c */
int sq_apply_outbox(sqlite3 *db, const struct store_op *op);
int sq_boot_alerts(sqlite3 *db, struct store_boot *out);
int sq_incidents(void *conn, bool open_only, int64_t before_id, int limit, store_incident_cb cb,
                 void *arg);
int sq_incident_updates(void *conn, int64_t id, store_incident_update_cb cb, void *arg);
int sq_alerts(void *conn, const char *state, int64_t before_id, int limit, store_alert_cb cb,
              void *arg);
int sq_notifications(void *conn, const char *status, int64_t alert, int64_t before_id, int limit,
                     store_notification_cb cb, void *arg);
int sq_trim_security(sqlite3 *db, const struct store_retention *ret, int64_t now_ms);

/* sqlite_retention.c: trims a slice of monitors; returns 1 while more remain, 0 done, -1 error. */
int sq_trim(void *p, const struct store_retention *ret, int64_t now_ms, int64_t *cursor);

/* Histogram blobs: STORE_HIST_BUCKETS little-endian uint32. */
void sq_hist_encode(const uint32_t hist[STORE_HIST_BUCKETS], unsigned char *out);
void sq_hist_add(const unsigned char *blob, int len, uint32_t hist[STORE_HIST_BUCKETS]);

#endif
