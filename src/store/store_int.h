/* Internals shared by the store's files: struct store and the backend vtable. */
#ifndef VIGIL_STORE_INT_H
#define VIGIL_STORE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* What a storage engine provides; SQL dialects stay behind this line. */
struct store_backend {
	const char *name;
	/* Opens the writer connection and takes the single-writer lock. */
	void *(*open)(const char *path, char *err, size_t errlen);
	/* Applies pending migrations; sets *version and *count. Returns 0 or -1. */
	int (*migrate)(void *db, int *version, int *count, char *err, size_t errlen);
	int (*begin)(void *db);
	int (*apply)(void *db, const struct store_op *op); /* 0 or -1 */
	int (*commit)(void *db);
	/* Makes the next commits durable on disk when ON (alerts), or back to the default. */
	void (*durable)(void *db, bool on);
	void (*rollback)(void *db);
	void (*optimize)(void *db); /* periodic housekeeping, errors only logged */
	const char *(*errmsg)(void *db);
	void (*close)(void *db);
	void *(*open_reader)(const char *path); /* NULL on failure (logged) */
	void (*close_reader)(void *reader);
	int (*reader_schema_version)(void *reader);
	/* Queries on a reader connection (see store.h). */
	int (*results)(void *conn, int64_t key, int64_t since, int64_t until, int limit,
	               store_result_cb cb, void *arg);
	int (*events)(void *conn, int64_t key, int64_t since, int64_t before_id, int limit,
	              store_event_cb cb, void *arg);
	int (*rollup_sum)(void *conn, int64_t key, int res, int64_t since,
	                  struct store_rollup *out);
	int (*boot)(void *conn, int64_t hour_since, int64_t day_since, struct store_boot *out);
	int (*host_query)(void *conn, const char *name, int res, int64_t since, int64_t until,
	                  store_host_cb cb, void *arg);
	int (*requests)(void *conn, const struct store_request_filter *f, store_request_cb cb,
	                void *arg);
	int (*security_counts)(void *conn, int64_t since, store_count_cb cb, void *arg);
	int (*security_top)(void *conn, int64_t since, int limit, store_count_cb cb, void *arg);
	int64_t (*blocks_count)(void *conn, int64_t since);
	int (*alerts)(void *conn, const char *state, int64_t before_id, int limit,
	              store_alert_cb cb, void *arg);
	int (*notifications)(void *conn, const char *status, int64_t alert, int64_t before_id,
	                     int limit, store_notification_cb cb, void *arg);
	int (*incidents)(void *conn, bool open_only, int64_t before_id, int limit,
	                 store_incident_cb cb, void *arg);
	int (*incident_updates)(void *conn, int64_t id, store_incident_update_cb cb, void *arg);
	int (*blocks_active)(void *conn, int64_t now_ms, store_block_cb cb, void *arg);
	/* Retention, on the writer connection: 1 more to do, 0 done, -1 error. */
	int (*trim)(void *db, const struct store_retention *ret, int64_t now_ms, int64_t *cursor);
};

extern const struct store_backend store_sqlite_backend;

struct store_reader {
	struct store_reader *next; /* free list link */
	const struct store_backend *be;
	void *conn;
};

struct store {
	const struct store_backend *be;
	void *db; /* writer connection: used by the writer thread only after open */
	char *path;
	struct store_options opt;

	pthread_mutex_t lock; /* guards the queue fields and the flags below */
	pthread_cond_t wake;  /* writer: ops arrived, flush asked, or stopping */
	struct store_op *head, *tail;
	size_t depth;
	int64_t first_ns; /* monotonic time the oldest queued op arrived */
	bool stopping, flush, drop_logged;
	pthread_t thread;

	pthread_mutex_t rlock; /* guards the reader pool */
	pthread_cond_t rfree;
	struct store_reader *readers; /* idle connections */
	int nreaders;                 /* opened so far */

	/* Stats, written by the writer or submitters, read by anyone. */
	atomic_uint_fast64_t commits, ops_written, errors, dropped;
	atomic_int_fast64_t last_commit_ms, last_error_ms, last_commit_ns;
	atomic_bool writer_ok;
	int schema_version, migrations; /* set once at open */

	pthread_mutex_t retention_lock; /* guards retention (set on reload) */
	struct store_retention retention;
};

/* Writer thread body (writer.c). */
void *store_writer_main(void *arg);

#endif
