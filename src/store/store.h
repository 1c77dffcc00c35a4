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
#include <stddef.h>
#include <stdint.h>

struct store;

/* How long history is kept, in ms (0: the table is not trimmed). */
struct store_retention {
	int64_t raw, minute, hour;
	int64_t requests, requests_max_rows; /* ms and rows of the request log; 0 keep */
	int64_t security;                    /* ms of security events and blocks; 0 keep */
};

/*
 * One notification of the outbox, in the blob of an alert op: the body is
 * BODY_LEN bytes at BODY_OFF from the start of the blob.
 */
struct store_outbox {
	int64_t id, alert, created, next_at;
	char channel[64], kind[16], idem_key[80];
	size_t body_off, body_len;
	size_t summary_off, summary_len; /* summary_len 0: none */
};

/* One request to Vigil, as the request log keeps it. */
struct store_request {
	int64_t t, duration_us, bytes_in, bytes_out;
	int status, count;
	char method[8], route[64], client[48], path[200];
};

struct store_options {
	const char *path;        /* SQLite database file */
	int64_t commit_interval; /* ms a write may wait for its batch */
	int64_t batch_size;      /* ops per transaction at most */
	int64_t queue_size;      /* ops queued before store_submit refuses */
	int readers;             /* read-only connections in the pool */
	struct store_retention retention;
	int64_t first_trim_ms; /* first retention pass after start; 0: the default (60 s) */
};

enum store_op_kind {
	STORE_OP_RUN_START,       /* a daemon run began: run.id, run.t, run.version */
	STORE_OP_RUN_SEEN,        /* the run is alive at run.t */
	STORE_OP_RUN_STOP,        /* the run stopped cleanly at run.t */
	STORE_OP_SELFTEST,        /* test load: selftest.seq (only with VIGIL_TEST_STORE_LOAD) */
	STORE_OP_MONITOR,         /* register a monitor key: monitor.*, text = name */
	STORE_OP_RESULT,          /* one check: result.*, text = message or NULL when unchanged,
	                             blob = its perfdata (NUL-terminated) or NULL */
	STORE_OP_EVENT,           /* a state change: event.*, text = message */
	STORE_OP_STATE,           /* the state machine of a monitor: state.* */
	STORE_OP_ROLLUP,          /* add a closed bucket into rollups: rollup.* */
	STORE_OP_HOST_SERIES,     /* register a host series key: host_series.key, text = name */
	STORE_OP_HOST_ROLLUP,     /* add a closed bucket into host_rollups: host_rollup.* */
	STORE_OP_API_MONITOR_PUT, /* create or replace: api_monitor.*, text = its JSON */
	STORE_OP_API_MONITOR_DEL, /* delete api_monitor.id */
	STORE_OP_SECURITY_EVENT,  /* security.*, text = detail */
	STORE_OP_IP_BLOCK,        /* block.*, text = reason */
	STORE_OP_IP_UNBLOCK,      /* lift the blocks of block.ip at block.since */
	STORE_OP_REQUESTS,        /* nrows struct store_request in blob */
	STORE_OP_ALERT,           /* alert.* upserted, with nrows struct store_outbox in blob */
	STORE_OP_OUTBOX,          /* outbox.*: an attempt's outcome, text = last error */
	STORE_OP_MAINT_PUT,       /* maint.*, text = monitors (JSON array) */
	STORE_OP_MAINT_DEL,       /* maint.id */
	STORE_OP_INCIDENT,        /* incident.* upserted, text = monitors (JSON array) */
	STORE_OP_INCIDENT_UPDATE, /* incident.id, .status, .by, .t (started), text = message */
	STORE_OP_PUSH,            /* push.* upserted, text = message */
	STORE_OP_RULE_PENDING,    /* rule.* upserted (since 0: not pending) */
	STORE_OP_KINDS
};

/* Resolutions of the rollups table. */
enum store_res { STORE_RES_MINUTE, STORE_RES_HOUR, STORE_RES_DAY };

/* Latency histogram buckets (upper bounds in µs; the last bucket has none). */
#define STORE_HIST_BUCKETS 16
extern const int64_t store_hist_bounds_us[STORE_HIST_BUCKETS - 1];
/* The bucket a latency falls in. */
int store_hist_bucket(int64_t latency_us);
/* Estimates quantile Q (0..1) of HIST in µs (linear inside the bucket); -1 when empty. */
int64_t store_hist_quantile(const uint32_t hist[STORE_HIST_BUCKETS], double q);

struct store_rollup {
	uint32_t up, degraded, down, unknown;
	int64_t lat_sum, lat_min, lat_max; /* µs over up + degraded + down; min/max -1 none */
	uint32_t hist[STORE_HIST_BUCKETS];
};

struct store_op {
	struct store_op *next; /* queue link, owned by the store */
	enum store_op_kind kind;
	char *text; /* owned, freed with the op; may be NULL */
	/*
	 * When set, called exactly once: with true once the op is committed (on
	 * the writer thread), or false when it never will be (refused by a full
	 * queue, given up at shutdown).
	 */
	void (*on_commit)(void *arg, bool committed);
	void *commit_arg;
	void *blob; /* owned, freed with the op: rows of a batch op */
	size_t nrows;
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
		struct {
			int64_t key;
			char slug[128];
			char type[16];
			int64_t t;
		} monitor;
		struct {
			int64_t monitor, t, latency_us;
			int status, reason;
		} result;
		struct {
			int64_t monitor, t;
			int old, new_, reason;
		} event;
		struct {
			int64_t monitor, since;
			int status, failures, successes;
		} state;
		struct {
			int64_t monitor, bucket; /* bucket start, Unix seconds */
			int res;                 /* enum store_res */
			struct store_rollup r;
		} rollup;
		struct {
			int64_t key;
		} host_series;
		struct {
			int64_t series, bucket;
			int res;
			double min, max, sum;
			uint32_t count;
		} host_rollup;
		struct {
			char id[128];
			int64_t created, updated; /* Unix ms */
		} api_monitor;
		struct {
			int64_t t;
			char type[16], client[64], route[128];
		} security;
		struct {
			char ip[64], by[64];
			int64_t since, until; /* until 0: no end */
		} block;
		struct {
			int64_t id, monitor, started, resolved; /* resolved 0: firing */
			char rule[16], severity[16], acked_by[64];
			int64_t acked_at, notified, escalation;
			bool suppressed; /* closed unannounced (state suppressed) */
			/* its own channels, one per line, in the blob after the rows; len 0: none */
			size_t channels_off, channels_len;
		} alert; /* text = message, blob = nrows struct store_outbox and their texts */
		struct {
			int64_t id, attempts, next_at, delivered_at;
			char status[16]; /* pending delivered failed suppressed */
		} outbox;
		struct {
			char name[128], metric[256];
			int64_t since; /* Unix ms, 0: not pending */
		} rule;
		struct {
			int64_t id, start, duration, created;
			char name[128], by[64];
			char cron[128], timezone[64]; /* a recurring window; "" one-off */
		} maint;
		struct {
			int64_t id, monitor, started, resolved; /* resolved 0: open */
			char title[200], impact[16], status[16], by[64];
		} incident;
		struct {
			int64_t monitor, success, start, fail, duration;
			int exit_code;
		} push;
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

/* One bucket of a host series. */
struct store_host_row {
	int64_t bucket; /* Unix seconds */
	double min, max, sum;
	uint32_t count;
};

typedef int (*store_host_cb)(void *arg, const struct store_host_row *row);

/*
 * Calls CB for the host_rollups of series NAME at RES with SINCE <= bucket <
 * UNTIL (Unix seconds), oldest first. Returns the rows, 0 for an unknown
 * series, or -1 on a database error.
 */
int store_host_query(struct store_reader *r, const char *name, enum store_res res, int64_t since,
                     int64_t until, store_host_cb cb, void *arg);

/* Changes how long history is kept (the writer trims hourly). */
void store_set_retention(struct store *store, const struct store_retention *ret);

/* One stored check, as queries return it. */
struct store_result_row {
	int64_t t, latency_us;
	int status, reason;
	const char *message;  /* valid during the callback; never NULL */
	const char *perfdata; /* valid during the callback; NULL: none */
};

struct store_event_row {
	int64_t id, t;
	int old, new_, reason;
	const char *message;
};

/* Row callbacks return 0 to go on, anything else to stop. */
typedef int (*store_result_cb)(void *arg, const struct store_result_row *row);
typedef int (*store_event_cb)(void *arg, const struct store_event_row *row);

/*
 * Calls CB for the results of monitor KEY with SINCE <= t < UNTIL (Unix ms),
 * newest first, at most LIMIT (<= 10000). Unchanged messages are filled in
 * from earlier rows. Returns the rows given, or -1 on a database error.
 */
int store_results_query(struct store_reader *r, int64_t key, int64_t since, int64_t until,
                        int limit, store_result_cb cb, void *arg);
/* State changes of KEY with t >= SINCE and (BEFORE_ID > 0) id < BEFORE_ID, newest first. */
int store_events_query(struct store_reader *r, int64_t key, int64_t since, int64_t before_id,
                       int limit, store_event_cb cb, void *arg);
/*
 * Sums the rollups of monitor KEY at resolution RES with bucket >= SINCE
 * (Unix seconds) into OUT. Returns the buckets found, or -1.
 */
int store_rollup_sum(struct store_reader *r, int64_t key, enum store_res res, int64_t since,
                     struct store_rollup *out);

/* What the engine needs at start-up to carry on where it stopped. */
struct store_boot_monitor {
	int64_t key;
	char *slug;
	bool has_state;
	int status, failures, successes;
	int64_t since;
	bool has_last; /* the last stored result */
	int64_t last_t, last_latency_us;
	int last_status, last_reason;
	char *last_message;
	bool has_push; /* a push monitor's last pings */
	int64_t push_success, push_start, push_fail, push_duration;
	int push_exit_code;
	char *push_message;
};

struct store_boot_rollup {
	int64_t key, bucket; /* Unix seconds */
	int res;
	uint32_t up, degraded, down, unknown;
	int64_t lat_sum; /* µs, over up + degraded + down */
};

struct store_boot_series {
	int64_t key;
	char *name;
};

/* A monitor made through the API. */
struct store_boot_api_monitor {
	char *id, *body;
	int64_t created, updated;
};

/* A firing alert and a notification still to deliver, as left by the previous run. */
struct store_boot_alert {
	int64_t id, monitor, started, acked_at, notified, escalation;
	char rule[16], severity[16], acked_by[64];
	char slug[128], name[200]; /* of its monitor ("" for a rule's) */
	char *message;
	char *channels; /* its own channels, one per line, or NULL */
};

struct store_boot_outbox {
	int64_t id, alert, created, attempts, next_at;
	char channel[64], kind[16], idem_key[80], severity[16];
	char *body;
	char *summary; /* or NULL */
};

/* A threshold rule that was pending. */
struct store_boot_rule {
	char name[128], metric[256];
	int64_t since;
};

/* An open incident opened automatically for a monitor. */
struct store_boot_incident {
	int64_t id, monitor;
};

/* A maintenance window made through the API. */
struct store_boot_maint {
	int64_t id, start, duration;
	char name[128], by[64];
	char cron[128], timezone[64]; /* a recurring window; "" one-off */
	char *monitors;               /* JSON array */
};

struct store_boot {
	struct store_boot_incident *incidents; /* open automatic ones */
	size_t nincidents;
	int64_t max_incident;
	struct store_boot_maint *maint;
	size_t nmaint;
	struct store_boot_alert *alerts; /* firing */
	size_t nalerts;
	struct store_boot_outbox *outbox; /* pending */
	size_t noutbox;
	struct store_boot_rule *rules; /* pending threshold rules */
	size_t nrules;
	int64_t max_alert, max_outbox;
	struct store_boot_monitor *monitors;
	size_t nmonitors;
	struct store_boot_api_monitor *api_monitors;
	size_t napi_monitors;
	int64_t max_key;
	struct store_boot_series *series; /* host metric series */
	size_t nseries;
	int64_t max_series;
	struct store_boot_rollup *rollups; /* hours since HOUR_SINCE and days since DAY_SINCE */
	size_t nrollups;
};

/*
 * Reads the boot data synchronously (call it before the loop runs). Returns
 * 0, or -1 with a message in ERR.
 */
int store_boot_load(struct store *store, int64_t hour_since, int64_t day_since,
                    struct store_boot *out, char *err, size_t errlen);
void store_boot_free(struct store_boot *b);

/* The request log, newest first: t >= SINCE, id < BEFORE_ID (when > 0),
 * STATUS exact (100..599), a class (1..5: 4 means 4xx) or any (0), ROUTE
 * exact or any (NULL), at most LIMIT rows. */
struct store_request_filter {
	int64_t since, before_id;
	int status;
	const char *route;
	int limit;
};
typedef int (*store_request_cb)(void *arg, int64_t id, const struct store_request *r);
int store_requests_query(struct store_reader *r, const struct store_request_filter *f,
                         store_request_cb cb, void *arg);

/* Security events since SINCE counted by type: CB(arg, type, count) per type seen. */
typedef int (*store_count_cb)(void *arg, const char *name, int64_t n);
int store_security_counts(struct store_reader *r, int64_t since, store_count_cb cb, void *arg);
/* The LIMIT addresses with the most events since SINCE, most first. */
int store_security_top(struct store_reader *r, int64_t since, int limit, store_count_cb cb,
                       void *arg);
/* Blocks begun since SINCE (0: ever). Returns the count or -1. */
int64_t store_blocks_count(struct store_reader *r, int64_t since);

/* A block of an address; reason valid during the callback. */
struct store_block {
	char ip[64], by[64];
	int64_t since, until; /* until 0: until lifted */
	const char *reason;
};
typedef int (*store_block_cb)(void *arg, const struct store_block *b);
/* The blocks in force at NOW_MS (the latest per address). */
int store_blocks_active(struct store_reader *r, int64_t now_ms, store_block_cb cb, void *arg);

/* An alert and a notification as the API lists them (strings valid during the callback). */
struct store_alert_row {
	int64_t id, monitor, started, resolved, acked_at; /* 0: not */
	const char *monitor_slug, *rule, *severity, *state, *message, *acked_by;
};
struct store_notification_row {
	int64_t id, alert, created, attempts, next_at, delivered_at;
	const char *channel, *kind, *idem_key, *status, *last_error;
};
typedef int (*store_alert_cb)(void *arg, const struct store_alert_row *a);
typedef int (*store_notification_cb)(void *arg, const struct store_notification_row *n);
/* Alerts newest first: STATE "firing", "resolved" or NULL (both), id < BEFORE_ID when > 0. */
int store_alerts_query(struct store_reader *r, const char *state, int64_t before_id, int limit,
                       store_alert_cb cb, void *arg);
/* Notifications newest first: STATUS (pending, delivered, failed) or NULL, of ALERT when > 0. */
int store_notifications_query(struct store_reader *r, const char *status, int64_t alert,
                              int64_t before_id, int limit, store_notification_cb cb, void *arg);

/* Incidents and their updates as the API lists them (strings valid during the callback). */
struct store_incident_row {
	int64_t id, started, resolved; /* resolved 0: open */
	const char *title, *impact, *status, *monitors, *by;
	bool automatic;
};
struct store_incident_update_row {
	int64_t t;
	const char *status, *message, *by;
};
typedef int (*store_incident_cb)(void *arg, const struct store_incident_row *r);
typedef int (*store_incident_update_cb)(void *arg, const struct store_incident_update_row *u);
/* Incidents newest first (OPEN_ONLY: not resolved), id < BEFORE_ID when > 0. */
int store_incidents_query(struct store_reader *r, bool open_only, int64_t before_id, int limit,
                          store_incident_cb cb, void *arg);
/* The updates of incident ID, oldest first. */
int store_incident_updates(struct store_reader *r, int64_t id, store_incident_update_cb cb,
                           void *arg);

#endif
