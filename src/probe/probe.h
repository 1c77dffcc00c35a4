/*
 * The probe interface: one small vtable per monitor type (its config keys,
 * start a run, cancel it) and the result every run ends with. A run always
 * ends in exactly one call of its done callback, whatever the target does;
 * a failed check is data (an outcome with a stable reason code), never an
 * error of Vigil's.
 */
#ifndef VIGIL_PROBE_PROBE_H
#define VIGIL_PROBE_PROBE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "conf/schema.h"
#include "probe/condition.h"
#include "util/buf.h"

/* Monitor and result status words (DESIGN.md's vocabulary). */
enum status {
	STATUS_UNKNOWN,
	STATUS_UP,
	STATUS_DEGRADED,
	STATUS_DOWN,
	STATUS_PAUSED,
	STATUS_MAINTENANCE,
	STATUS_COUNT
};

const char *status_str(enum status s);
/* Parses a status word; returns 0 or -1. */
int status_parse(const char *s, enum status *out);
/* Nagios exit code: up 0, degraded 1, down 2, anything else 3. */
int status_nagios(enum status s);

/* Why a run ended as it did: a closed set with stable reason codes. */
enum probe_outcome {
	PROBE_OK,
	PROBE_DEGRADED, /* a degraded_if condition held */
	PROBE_TIMEOUT,
	PROBE_CONNECT_REFUSED,
	PROBE_CONNECT_FAILED, /* unreachable host or network */
	PROBE_CONNECTION_RESET,
	PROBE_DNS_FAILED,
	PROBE_TLS_ERROR,
	PROBE_TLS_EXPIRED,
	PROBE_HTTP_STATUS, /* status code not expected */
	PROBE_CONDITION_FAILED,
	PROBE_BODY_TOO_LARGE,
	PROBE_TOO_MANY_REDIRECTS,
	PROBE_REDIRECT_FORBIDDEN, /* a redirect to a scheme other than http(s) */
	PROBE_PROTOCOL_ERROR,
	PROBE_UNEXPECTED_RESPONSE, /* tcp: the expected text was not read */
	PROBE_INTERNAL_ERROR,      /* Vigil could not run the check: status unknown */
	PROBE_CANCELLED,           /* stopped by Vigil (reload, shutdown): status unknown */
	PROBE_TARGET_FORBIDDEN,    /* an API monitor's address refused by security.targets */
	PROBE_DNS_NXDOMAIN,        /* dns: the name does not exist */
	PROBE_DNS_ERROR,           /* dns: SERVFAIL, REFUSED or another error rcode */
	PROBE_PACKET_LOSS,         /* icmp: every echo request lost */
	PROBE_NOT_PERMITTED,       /* Vigil lacks the privilege (icmp sockets): status unknown */
	PROBE_TLS_UNTRUSTED,       /* the peer's chain does not verify */
	PROBE_TLS_HOSTNAME,        /* the certificate does not name the host */
	PROBE_PLUGIN_CRITICAL,     /* command: exit 2 */
	PROBE_PLUGIN_UNKNOWN,      /* command: exit 3, another code or a signal: status unknown */
	PROBE_EXEC_FAILED,         /* command: could not be run: status unknown */
	PROBE_AUTH_FAILED,         /* postgres, redis: credentials refused */
	PROBE_QUERY_FAILED,        /* postgres, redis: the query or command failed */
	PROBE_PROCESS_COUNT,       /* process: matches outside min..max */
	PROBE_FILE_MISSING,        /* file: does not exist */
	PROBE_FILE_STALE,          /* file: older than max_age */
	PROBE_FILE_TOO_SMALL,      /* file: smaller than min_size */
	PROBE_HEARTBEAT_MISSED,    /* push: no success within period + grace */
	PROBE_JOB_FAILED,          /* push: the job reported failure */
	PROBE_AWAITING_PING,       /* push: no ping yet and not late yet: status unknown */
	PROBE_OUTCOME_COUNT        /* new outcomes go last: their numbers are stored */
};

/* The stable reason code of an outcome ("ok", "timeout", ...). */
const char *probe_outcome_str(enum probe_outcome o);
int probe_outcome_parse(const char *s, enum probe_outcome *out);
/* The status a result with outcome O has. */
enum status probe_outcome_status(enum probe_outcome o);
/*
 * Whether O is what a broken network or resolver on Vigil's side also gives
 * (timeout, unreachable, DNS failure, every echo lost): what correlation counts.
 */
bool probe_outcome_network(enum probe_outcome o);
/* The outcome of a libuv error ERR on a connection (refused, reset, unreachable...). */
enum probe_outcome probe_outcome_of_uv(int err);

#define PROBE_MESSAGE_MAX  256
#define PROBE_BODY_KEEP    (64 * 1024) /* bytes of a response kept for conditions */
#define PROBE_HEADERS_KEEP (16 * 1024) /* bytes of response headers kept */
#define PROBE_VALUES_MAX   16

struct probe_result {
	enum probe_outcome outcome;
	enum status status;
	char message[PROBE_MESSAGE_MAX];
	int64_t started_ms; /* wall clock, Unix ms */
	int64_t latency_ns; /* start to end */
	int attempts;       /* 1 + retries used */
	bool connected;
	char ip[INET6_ADDRSTRLEN];
	/* http */
	int http_status;
	int64_t t_resolve, t_connect, t_tls, t_processing, t_transfer; /* ns; -1 unknown */
	int64_t cert_expiry; /* Unix seconds of the earliest certificate expiry; 0 unknown */
	int64_t body_size;   /* bytes received in total */
	struct buf body;     /* the first PROBE_BODY_KEEP bytes */
	struct buf headers;  /* header block of the final response */
	/*
	 * Type-specific figures (packet loss, rtt, counts, ages, versions),
	 * named by static strings: shown by `vigil check` and the API.
	 */
	int nvalues;
	struct probe_value {
		const char *name; /* static, snake_case */
		double v;
	} values[PROBE_VALUES_MAX];
	char *perfdata; /* command: the plugin's performance data text (owned), or NULL */
};

void probe_result_init(struct probe_result *r);
void probe_result_free(struct probe_result *r);
/* Sets outcome and a printf-style message. */
void probe_result_set(struct probe_result *r, enum probe_outcome o, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Sets the figure NAME (a static string) to V, replacing an earlier value. */
void probe_result_value(struct probe_result *r, const char *name, double v);
/* Reads the figure NAME; returns 0, or -1 when the result has none. */
int probe_result_get_value(const struct probe_result *r, const char *name, double *out);

struct monitor_conf;
struct secret_set;
struct probe_run;
struct curl_uv;
struct push_state;

/* What probes share at run time (one per engine, or per `vigil check`). */
struct probe_env {
	uv_loop_t *loop;
	struct curl_uv *curl; /* the curl multi handle driven by the loop */
	const char *user_agent;
	char *proc_root; /* where /proc is (host.proc_root), owned by the env's maker; NULL: /proc */
	/* The daemon's push heartbeats: the state of push monitor MON, or NULL (none kept). */
	const struct push_state *(*push_state)(void *arg, const struct monitor_conf *mon);
	void *push_arg;
};

struct probe_type {
	const char *name;
	const struct conf_spec *spec;    /* the type's keys; spec->size is its struct */
	const char *const *placeholders; /* names its conditions may use */
	/*
	 * True when the type enforces the monitor's timeout itself (libcurl);
	 * the watchdog then only fires after a grace period. Otherwise the
	 * watchdog is the timeout: it fires at `timeout` and cancels the run.
	 */
	bool self_timed;
	/*
	 * Starts RUN. Returns 0 when started (run->done will be called exactly
	 * once later, never from inside start), or -1 when nothing could be
	 * started, with the reason in run->result (the caller finishes it).
	 */
	int (*start)(struct probe_run *run);
	/*
	 * Makes a started run end soon: stop its I/O, then probe_run_finish
	 * with the outcome the caller already put in run->result (cancelled,
	 * or timeout when the watchdog fired).
	 */
	void (*cancel)(struct probe_run *run);
	/* Placeholder values of a finished result (for conditions). */
	int (*get)(const struct probe_result *r, const char *name, const char *key,
	           struct cond_value *out);
	/*
	 * The default verdict when no conditions are configured (and any check
	 * of its own, like expect_status); may change the outcome. NULL: none.
	 */
	void (*judge)(const struct monitor_conf *mon, struct probe_result *r);
	/*
	 * Once the whole config is decoded: registers the values of the extra
	 * secret query parameters EXTRA (security.secret_params) found in the
	 * type's URLs into SECRETS and masks them in what it displays. NULL: none.
	 */
	void (*secure)(void *probe_conf, const char *const *extra, struct secret_set *secrets);
	/* True when it checks something across the network (what correlation looks at). */
	bool network;
};

/* One run of one monitor. Owned by whoever started it. */
struct probe_run {
	const struct monitor_conf *mon;
	struct probe_env *env;
	void (*done)(struct probe_run *run); /* called exactly once, on the loop */
	void *owner;                         /* the starter's data */
	struct probe_result result;
	/* private to probe.c and the type */
	void *priv;
	int64_t start_ns;
	uv_timer_t watchdog; /* cancels a run that outlives its timeout */
	bool started, finished, closing;
};

/* Every type, for the config and the docs. NULL-terminated. */
extern const struct probe_type *const probe_types[];
extern const struct probe_type probe_tcp, probe_dns, probe_icmp, probe_tls, probe_command,
        probe_postgres, probe_redis, probe_process, probe_file, probe_push;
const struct probe_type *probe_type_find(const char *name);

/*
 * Prepares RUN (mon, env, done, owner must be set) and starts it. Returns 0;
 * when the type cannot start, the run still completes (asynchronously, with
 * status unknown), so the caller always gets exactly one done call.
 */
int probe_run_start(struct probe_run *run);
/* Asks a started run to end soon; done is still called once. */
void probe_run_cancel(struct probe_run *run);
/*
 * For probe types: the transfer is over (outcome and fields set). Applies
 * the type's judgement and the monitor's conditions, sets the status, and
 * calls done once the watchdog is closed.
 */
void probe_run_finish(struct probe_run *run);
/* Releases what the result holds; the run may be reused or freed after. */
void probe_run_release(struct probe_run *run);

/*
 * Evaluates the monitor's conditions and degraded_if on R (whose transport
 * outcome is OK), setting outcome, status and message. Used by
 * probe_run_finish and by tests.
 */
void probe_apply_conditions(const struct monitor_conf *mon, const struct probe_type *type,
                            struct probe_result *r);

/*
 * Calls CB once per condition of MON (conditions, then degraded_if) with its
 * text, whether it holds on R, and a description with the values seen.
 */
void probe_each_condition(const struct monitor_conf *mon, const struct probe_result *r,
                          void (*cb)(void *arg, const char *kind, const char *text, bool holds,
                                     const char *desc),
                          void *arg);

#endif
