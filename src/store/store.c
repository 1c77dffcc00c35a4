/* Store lifecycle, the submit queue and the reader pool. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store_int.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xmalloc.h"

static void store_free(struct store *s)
{
	struct store_reader *r;

	while ((r = s->readers) != NULL) {
		s->readers = r->next;
		s->be->close_reader(r->conn);
		free(r);
	}
	if (s->db != NULL)
		s->be->close(s->db);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->rlock);
	pthread_cond_destroy(&s->rfree);
	pthread_mutex_destroy(&s->retention_lock);
	free(s->path);
	free(s);
}

static void store_init_sync(struct store *s)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->rlock, NULL);
	pthread_cond_init(&s->rfree, NULL);
	pthread_mutex_init(&s->retention_lock, NULL);
}

int store_open(const struct store_options *opt, struct store **out, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int r;

	s->be = &store_sqlite_backend;
	s->opt = *opt;
	s->path = xstrdup(opt->path);
	s->opt.path = s->path;
	s->retention = opt->retention;
	if (s->opt.readers < 1)
		s->opt.readers = 4;
	store_init_sync(s);
	atomic_init(&s->writer_ok, true);
	s->db = s->be->open(s->path, err, errlen);
	if (s->db == NULL)
		goto fail;
	if (s->be->migrate(s->db, &s->schema_version, &s->migrations, err, errlen) < 0)
		goto fail;
	r = pthread_create(&s->thread, NULL, store_writer_main, s);
	if (r != 0) {
		snprintf(err, errlen, "%s: cannot start the writer thread: %s", s->path,
		         strerror(r));
		goto fail;
	}
	*out = s;
	return 0;
fail:
	store_free(s);
	return -1;
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	store_free(s);
}

struct store_op *store_op_new(enum store_op_kind kind)
{
	struct store_op *op = xcalloc(1, sizeof(*op));

	op->kind = kind;
	return op;
}

void store_op_free(struct store_op *op)
{
	if (op == NULL)
		return;
	if (op->on_commit != NULL)
		op->on_commit(op->commit_arg, false);
	free(op->text);
	free(op->blob);
	free(op);
}

int store_submit(struct store *s, struct store_op *op)
{
	bool log_drop = false;

	op->next = NULL;
	pthread_mutex_lock(&s->lock);
	if (s->stopping || s->depth >= (size_t)s->opt.queue_size) {
		log_drop = !s->drop_logged;
		s->drop_logged = true;
		pthread_mutex_unlock(&s->lock);
		atomic_fetch_add(&s->dropped, 1);
		store_op_free(op);
		if (log_drop)
			log_warnx("store: write queue full (%lld ops): dropping writes until it "
			          "drains",
			          (long long)s->opt.queue_size);
		return -1;
	}
	if (s->tail != NULL)
		s->tail->next = op;
	else {
		s->head = op;
		s->first_ns = time_mono_ns();
	}
	s->tail = op;
	s->depth++;
	if (s->depth == 1 || s->depth >= (size_t)s->opt.batch_size)
		pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

void store_flush(struct store *s)
{
	pthread_mutex_lock(&s->lock);
	s->flush = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void store_stats_read(struct store *s, struct store_stats *out)
{
	pthread_mutex_lock(&s->lock);
	out->queue_depth = s->depth;
	pthread_mutex_unlock(&s->lock);
	out->queue_max = (uint64_t)s->opt.queue_size;
	/* first: the writer stores it last, so what it counts is in the fields below */
	out->ops_written = atomic_load(&s->ops_written);
	out->commits = atomic_load(&s->commits);
	out->errors = atomic_load(&s->errors);
	out->dropped = atomic_load(&s->dropped);
	out->last_commit_ms = atomic_load(&s->last_commit_ms);
	out->last_error_ms = atomic_load(&s->last_error_ms);
	out->last_commit_ns = atomic_load(&s->last_commit_ns);
	out->writer_ok = atomic_load(&s->writer_ok);
	out->schema_version = s->schema_version;
	out->migrations = s->migrations;
}

int64_t store_file_size(struct store *s)
{
	struct stat st;
	int64_t total;
	char *wal;

	if (stat(s->path, &st) < 0)
		return -1;
	total = st.st_size;
	wal = xasprintf("%s-wal", s->path);
	if (stat(wal, &st) == 0)
		total += st.st_size;
	free(wal);
	return total;
}

const char *store_path(const struct store *s)
{
	return s->path;
}

struct store_reader *store_reader_acquire(struct store *s)
{
	struct store_reader *r = NULL;
	void *conn;

	pthread_mutex_lock(&s->rlock);
	while (s->readers == NULL && s->nreaders >= s->opt.readers)
		pthread_cond_wait(&s->rfree, &s->rlock);
	if (s->readers != NULL) {
		r = s->readers;
		s->readers = r->next;
		pthread_mutex_unlock(&s->rlock);
		return r;
	}
	s->nreaders++; /* reserve a slot, open outside the lock */
	pthread_mutex_unlock(&s->rlock);
	conn = s->be->open_reader(s->path);
	if (conn == NULL) {
		pthread_mutex_lock(&s->rlock);
		s->nreaders--;
		pthread_cond_signal(&s->rfree);
		pthread_mutex_unlock(&s->rlock);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->be = s->be;
	r->conn = conn;
	return r;
}

void store_reader_release(struct store *s, struct store_reader *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&s->rlock);
	r->next = s->readers;
	s->readers = r;
	pthread_cond_signal(&s->rfree);
	pthread_mutex_unlock(&s->rlock);
}

int store_reader_schema_version(struct store_reader *r)
{
	return r->be->reader_schema_version(r->conn);
}

void store_set_retention(struct store *s, const struct store_retention *ret)
{
	pthread_mutex_lock(&s->retention_lock);
	s->retention = *ret;
	pthread_mutex_unlock(&s->retention_lock);
}

int store_results_query(struct store_reader *r, int64_t key, int64_t since, int64_t until,
                        int limit, store_result_cb cb, void *arg)
{
	return r->be->results(r->conn, key, since, until, limit, cb, arg);
}

int store_events_query(struct store_reader *r, int64_t key, int64_t since, int64_t before_id,
                       int limit, store_event_cb cb, void *arg)
{
	return r->be->events(r->conn, key, since, before_id, limit, cb, arg);
}

int store_rollup_sum(struct store_reader *r, int64_t key, enum store_res res, int64_t since,
                     struct store_rollup *out)
{
	return r->be->rollup_sum(r->conn, key, (int)res, since, out);
}

int store_boot_load(struct store *s, int64_t hour_since, int64_t day_since, struct store_boot *out,
                    char *err, size_t errlen)
{
	struct store_reader *r = store_reader_acquire(s);
	int rc;

	memset(out, 0, sizeof(*out));
	if (r == NULL) {
		snprintf(err, errlen, "%s: cannot open a read connection", s->path);
		return -1;
	}
	rc = r->be->boot(r->conn, hour_since, day_since, out);
	store_reader_release(s, r);
	if (rc < 0) {
		store_boot_free(out);
		snprintf(err, errlen, "%s: cannot read the monitors' state", s->path);
	}
	return rc;
}

int store_host_query(struct store_reader *r, const char *name, enum store_res res, int64_t since,
                     int64_t until, store_host_cb cb, void *arg)
{
	return r->be->host_query(r->conn, name, (int)res, since, until, cb, arg);
}

void store_boot_free(struct store_boot *b)
{
	size_t i;

	for (i = 0; i < b->nmonitors; i++) {
		free(b->monitors[i].slug);
		free(b->monitors[i].last_message);
		free(b->monitors[i].push_message);
	}
	for (i = 0; i < b->nseries; i++)
		free(b->series[i].name);
	for (i = 0; i < b->napi_monitors; i++) {
		free(b->api_monitors[i].id);
		free(b->api_monitors[i].body);
	}
	free(b->api_monitors);
	free(b->incidents);
	for (i = 0; i < b->nmaint; i++)
		free(b->maint[i].monitors);
	free(b->maint);
	for (i = 0; i < b->nalerts; i++) {
		free(b->alerts[i].message);
		free(b->alerts[i].channels);
	}
	free(b->alerts);
	for (i = 0; i < b->noutbox; i++) {
		free(b->outbox[i].body);
		free(b->outbox[i].summary);
	}
	free(b->outbox);
	free(b->rules);
	free(b->series);
	free(b->monitors);
	free(b->rollups);
	memset(b, 0, sizeof(*b));
}

int store_requests_query(struct store_reader *r, const struct store_request_filter *f,
                         store_request_cb cb, void *arg)
{
	return r->be->requests(r->conn, f, cb, arg);
}

int store_security_counts(struct store_reader *r, int64_t since, store_count_cb cb, void *arg)
{
	return r->be->security_counts(r->conn, since, cb, arg);
}

int store_security_top(struct store_reader *r, int64_t since, int limit, store_count_cb cb,
                       void *arg)
{
	return r->be->security_top(r->conn, since, limit, cb, arg);
}

int64_t store_blocks_count(struct store_reader *r, int64_t since)
{
	return r->be->blocks_count(r->conn, since);
}

int store_blocks_active(struct store_reader *r, int64_t now_ms, store_block_cb cb, void *arg)
{
	return r->be->blocks_active(r->conn, now_ms, cb, arg);
}

int store_alerts_query(struct store_reader *r, const char *state, int64_t before_id, int limit,
                       store_alert_cb cb, void *arg)
{
	return r->be->alerts(r->conn, state, before_id, limit, cb, arg);
}

int store_notifications_query(struct store_reader *r, const char *status, int64_t alert,
                              int64_t before_id, int limit, store_notification_cb cb, void *arg)
{
	return r->be->notifications(r->conn, status, alert, before_id, limit, cb, arg);
}

int store_incidents_query(struct store_reader *r, bool open_only, int64_t before_id, int limit,
                          store_incident_cb cb, void *arg)
{
	return r->be->incidents(r->conn, open_only, before_id, limit, cb, arg);
}

int store_incident_updates(struct store_reader *r, int64_t id, store_incident_update_cb cb,
                           void *arg)
{
	return r->be->incident_updates(r->conn, id, cb, arg);
}
