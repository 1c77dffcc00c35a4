/* The writer thread: takes batches off the queue and group-commits them. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "store/health.h"
#include "store/store_int.h"
#include "util/log.h"
#include "util/testhook.h"
#include "util/time.h"

#define OPTIMIZE_EVERY_NS (3600 * NS_PER_SEC)
#define TRIM_EVERY_NS     (3600 * NS_PER_SEC)
#define TRIM_FIRST_NS     (60 * NS_PER_SEC) /* the first retention pass, after start-up */
#define RETRY_MIN_NS      (100 * NS_PER_MS)
#define RETRY_MAX_NS      (5 * NS_PER_SEC)
#define STOP_ATTEMPTS     5     /* at shutdown, give a failing batch this many tries */
#define STALL_HOLD_MAX_MS 60000 /* the test hook's longest hold */

static void wait_until(struct store *s, int64_t deadline_ns)
{
	struct timespec ts = { .tv_sec = deadline_ns / NS_PER_SEC,
		               .tv_nsec = deadline_ns % NS_PER_SEC };

	pthread_cond_timedwait(&s->wake, &s->lock, &ts);
}

/*
 * Waits for work and detaches the next batch: up to batch_size ops, once the
 * oldest has waited commit_interval, the batch is full, a flush is asked or
 * the store is stopping. Returns NULL when stopping with nothing left.
 */
static struct store_op *take_batch(struct store *s, size_t *count)
{
	struct store_op *batch, *last;
	size_t n = 1;

	pthread_mutex_lock(&s->lock);
	while (s->head == NULL && !s->stopping)
		pthread_cond_wait(&s->wake, &s->lock);
	while (s->head != NULL && !s->stopping && !s->flush &&
	       s->depth < (size_t)s->opt.batch_size &&
	       time_mono_ns() < s->first_ns + s->opt.commit_interval * NS_PER_MS)
		wait_until(s, s->first_ns + s->opt.commit_interval * NS_PER_MS);
	batch = s->head;
	if (batch == NULL) {
		pthread_mutex_unlock(&s->lock);
		return NULL;
	}
	for (last = batch; last->next != NULL && n < (size_t)s->opt.batch_size; n++)
		last = last->next;
	s->head = last->next;
	last->next = NULL;
	if (s->head == NULL) {
		s->tail = NULL;
		s->flush = false;
	} else {
		s->first_ns = time_mono_ns();
	}
	s->depth -= n;
	if (s->depth == 0)
		s->drop_logged = false;
	pthread_mutex_unlock(&s->lock);
	*count = n;
	return batch;
}

/* Runs one transaction over BATCH. Returns 0 or -1 (rolled back). */
static int write_ops(struct store *s, struct store_op *batch, int64_t *selftest_out);

/* Writes BATCH; a batch with an alert is made durable (see backend durable). */
static int write_batch(struct store *s, struct store_op *batch)
{
	struct store_op *op;
	int64_t selftest_seq = -1;
	bool durable = false;
	int r;

	for (op = batch; op != NULL && !durable; op = op->next)
		durable = op->kind == STORE_OP_ALERT;
	if (!durable)
		return write_ops(s, batch, &selftest_seq);
	s->be->durable(s->db, true);
	r = write_ops(s, batch, &selftest_seq);
	s->be->durable(s->db, false);
	return r;
}

/* Runs BATCH in one transaction. Returns 0 or -1 (rolled back). */
static int write_ops(struct store *s, struct store_op *batch, int64_t *selftest_out)
{
	struct store_op *op;
	int64_t selftest_seq = -1;

	if (s->be->begin(s->db) < 0)
		return -1;
	for (op = batch; op != NULL; op = op->next) {
		if (s->be->apply(s->db, op) < 0) {
			s->be->rollback(s->db);
			return -1;
		}
		if (op->kind == STORE_OP_SELFTEST)
			selftest_seq = op->u.selftest.seq;
	}
	if (s->be->commit(s->db) < 0) {
		s->be->rollback(s->db);
		return -1;
	}
	if (selftest_seq >= 0)
		log_info("store: selftest committed through seq %lld", (long long)selftest_seq);
	*selftest_out = selftest_seq;
	return 0;
}

static void free_batch(struct store_op *batch)
{
	while (batch != NULL) {
		struct store_op *next = batch->next;

		store_op_free(batch);
		batch = next;
	}
}

static bool is_stopping(struct store *s)
{
	bool stop;

	pthread_mutex_lock(&s->lock);
	stop = s->stopping;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

/* Sleeps NS unless the store starts stopping (submits do not cut it short). */
static void pause_for(struct store *s, int64_t ns)
{
	int64_t deadline = time_mono_ns() + ns;

	pthread_mutex_lock(&s->lock);
	while (!s->stopping && time_mono_ns() < deadline)
		wait_until(s, deadline);
	pthread_mutex_unlock(&s->lock);
}

/* Tells the ops that wait for it that their batch is committed. */
static void notify_committed(struct store_op *batch)
{
	for (; batch != NULL; batch = batch->next) {
		if (batch->on_commit != NULL) {
			batch->on_commit(batch->commit_arg, true);
			batch->on_commit = NULL;
		}
	}
}

/*
 * Commits BATCH, retrying with backoff until it succeeds (0) or the store
 * stops (-1).
 */
static int commit_batch(struct store *s, struct store_op *batch, size_t n)
{
	int64_t backoff = RETRY_MIN_NS, start;
	int attempts = 0;

	for (;;) {
		start = time_mono_ns();
		if (write_batch(s, batch) == 0)
			break;
		attempts++;
		atomic_fetch_add(&s->errors, 1);
		atomic_store(&s->last_error_ms, time_wall_ms());
		if (atomic_exchange(&s->writer_ok, false))
			log_warnx("store: %s: cannot commit %zu writes: %s (retrying)", s->path, n,
			          s->be->errmsg(s->db));
		if (is_stopping(s) && attempts >= STOP_ATTEMPTS) {
			log_warnx("store: %s: giving up on %zu writes at shutdown: %s", s->path, n,
			          s->be->errmsg(s->db));
			return -1;
		}
		pause_for(s, backoff);
		backoff = backoff * 2 > RETRY_MAX_NS ? RETRY_MAX_NS : backoff * 2;
	}
	if (!atomic_exchange(&s->writer_ok, true))
		log_info("store: %s: commits succeed again", s->path);
	atomic_store(&s->last_commit_ms, time_wall_ms());
	atomic_store(&s->last_commit_ns, time_mono_ns() - start);
	atomic_fetch_add(&s->commits, 1);
	atomic_fetch_add(&s->ops_written, n); /* last: readers wait on this one */
	return 0;
}

/* One slice of retention when it is due; returns when the next pass is due. */
static int64_t trim_step(struct store *s, int64_t next_trim, int64_t *cursor, bool *trimming)
{
	struct store_retention ret;
	int r;

	if (!*trimming && time_mono_ns() < next_trim)
		return next_trim;
	*trimming = true;
	pthread_mutex_lock(&s->retention_lock);
	ret = s->retention;
	pthread_mutex_unlock(&s->retention_lock);
	r = s->be->trim(s->db, &ret, time_wall_ms(), cursor);
	if (r == 1)
		return next_trim; /* more slices after the next batch */
	*trimming = false;
	*cursor = 0;
	return time_mono_ns() + TRIM_EVERY_NS;
}

void *store_writer_main(void *arg)
{
	struct store *s = arg;
	int64_t next_optimize = time_mono_ns() + OPTIMIZE_EVERY_NS;
	int64_t next_trim = time_mono_ns() + (s->opt.first_trim_ms > 0
	                                              ? s->opt.first_trim_ms * NS_PER_MS
	                                              : TRIM_FIRST_NS),
	        cursor = 0;
	bool trimming = false;
	struct store_op *batch;
	size_t n;
	const char *stall = testhook_path("VIGIL_TEST_STALL_WRITER");

	while ((batch = take_batch(s, &n)) != NULL) {
		if (stall != NULL && testhook_hold(stall, STALL_HOLD_MAX_MS) > 0)
			log_info("store: test hook: the writer was held in a commit");
		if (commit_batch(s, batch, n) == 0)
			notify_committed(batch);
		free_batch(batch);
		next_trim = trim_step(s, next_trim, &cursor, &trimming);
		if (time_mono_ns() >= next_optimize) {
			s->be->optimize(s->db);
			next_optimize = time_mono_ns() + OPTIMIZE_EVERY_NS;
		}
	}
	s->be->optimize(s->db);
	return NULL;
}

bool store_writer_healthy(struct store *s, int64_t stall_ns, int64_t *waited_ns)
{
	int64_t waited = 0;

	pthread_mutex_lock(&s->lock);
	if (s->head != NULL)
		waited = time_mono_ns() - s->first_ns;
	pthread_mutex_unlock(&s->lock);
	if (waited_ns != NULL)
		*waited_ns = waited;
	return waited < stall_ns;
}
