/*
 * The store: durable history behind one writer thread. Every write is an op
 * put on a bounded queue and group-committed (a transaction per batch, at
 * most commit_interval late). Reads use their own read-only connections from
 * a small pool, so HTTP threads never wait for the writer. The backend
 * (SQLite here) is hidden behind store_backend.h.
 */
#ifndef VIGIL_STORE_STORE_H
#define VIGIL_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

struct store;

struct store_options {
	const char *path;        /* SQLite database file */
	int64_t commit_interval; /* ms a write may wait for its batch */
	int64_t batch_size;      /* ops per transaction at most */
	int64_t queue_size;      /* ops queued before store_submit refuses */
	int readers;             /* read-only connections in the pool */
};

enum store_op_kind {
	STORE_OP_RUN_START, /* a daemon run began: run.id, run.t, run.version */
	STORE_OP_RUN_SEEN,  /* the run is alive at run.t */
	STORE_OP_RUN_STOP,  /* the run stopped cleanly at run.t */
	STORE_OP_SELFTEST,  /* test load: selftest.seq (only with VIGIL_TEST_STORE_LOAD) */
};

struct store_op {
	struct store_op *next; /* queue link, owned by the store */
	enum store_op_kind kind;
	union {
		struct {
			int64_t id; /* the run's start, Unix ms */
			int64_t t;  /* Unix ms */
			char version[32];
		} run;
		struct {
			int64_t seq;
			int64_t t;
		} selftest;
	} u;
};

/* Figures about the store, readable from any thread at any time. */
struct store_stats {
	uint64_t queue_depth;   /* ops waiting */
	uint64_t queue_max;     /* the cap */
	uint64_t commits;       /* transactions committed */
	uint64_t ops_written;   /* ops committed */
	uint64_t errors;        /* failed transactions (retried) */
	uint64_t dropped;       /* ops refused because the queue was full */
	int64_t last_commit_ms; /* Unix ms of the last commit, 0 before */
	int64_t last_error_ms;  /* Unix ms of the last failure, 0 if none */
	int64_t last_commit_ns; /* duration of the last commit */
	int schema_version;     /* highest migration applied */
	int migrations;         /* migrations applied in total */
	bool writer_ok;         /* the last transaction succeeded */
};

/*
 * Opens (creating if needed) the database, takes the single-writer lock,
 * applies migrations in a transaction and starts the writer thread. Returns
 * 0, or -1 with a message naming the file in ERR (another vigil holds it, not
 * a database, no permission, disk full...).
 */
int store_open(const struct store_options *opt, struct store **out, char *err, size_t errlen)
        __attribute__((warn_unused_result));
/*
 * Stops taking ops, commits everything queued, stops the writer, closes the
 * database and frees the store. NULL is a no-op.
 */
void store_close(struct store *store);

/* Allocates a zeroed op of KIND (free it with store_op_free if not submitted). */
struct store_op *store_op_new(enum store_op_kind kind);
void store_op_free(struct store_op *op);
/*
 * Queues OP for the writer, taking ownership. Returns 0, or -1 when the queue
 * is full: the op is freed and counted in stats.dropped (the caller decides
 * whether to log; the writer logs the first drop of a series).
 */
int store_submit(struct store *store, struct store_op *op);
/* Asks the writer to commit what is queued now instead of at the interval. */
void store_flush(struct store *store);

void store_stats_read(struct store *store, struct store_stats *out);
/* Size in bytes of the database file plus its WAL, or -1. */
int64_t store_file_size(struct store *store);
const char *store_path(const struct store *store);

/*
 * Read side. A reader is a read-only connection from the pool; it sees the
 * last committed state. Acquire blocks only while every pooled connection is
 * in use. Returns NULL if the database cannot be opened for reading.
 */
struct store_reader;
struct store_reader *store_reader_acquire(struct store *store);
void store_reader_release(struct store *store, struct store_reader *r);
/* Number of applied migrations as seen by a reader, or -1 (used by /health/ready). */
int store_reader_schema_version(struct store_reader *r);

#endif
