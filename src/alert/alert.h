/*
 * Alerting: monitor alerts (down, and degraded when asked), their lifecycle
 * (firing, acknowledged, resolved) and the durable outbox of their
 * notifications. Loop thread only, owned by the engine, except where noted.
 *
 * Every notification is written to the outbox in the same (durable)
 * transaction as the alert change that caused it, and sent only once that
 * transaction is committed; it is marked delivered only when its destination
 * accepted it. Failed attempts are retried with exponential backoff and
 * jitter until alerting.give_up_after. A crash between the send and the
 * mark sends it again after the restart, with the same idempotency key.
 */
#ifndef VIGIL_ALERT_ALERT_H
#define VIGIL_ALERT_ALERT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "probe/probe.h"

struct curl_uv;
struct store;
struct store_boot;
struct vigil_config;

/* A firing alert as published in snapshots (GET /api/v1/alerts reads the store). */
struct alert_view {
	int64_t id, monitor_key, started, acked_at;
	char rule[16], severity[16], acked_by[64];
};

/* Counters for /metrics, per channel of the configuration. */
struct alert_stats {
	uint64_t delivered, retried, failed;
};

struct alerting;

/* Where rules read metric values: true and *OUT, or false when there is no value. */
typedef bool (*alert_source)(void *arg, const char *metric, double *out);

/* Rules are evaluated every second with values from SOURCE(ARG, ...). */
struct alerting *alerting_new(uv_loop_t *loop, struct store *store, struct curl_uv *curl,
                              struct vigil_config *cfg, alert_source source, void *arg);
/* Takes the firing alerts and the pending notifications a previous run left. */
void alerting_boot(struct alerting *a, const struct store_boot *boot);
/* A new configuration (channels may have changed); takes a reference. */
void alerting_set_config(struct alerting *a, struct vigil_config *cfg);

struct monitor_alerts;

/*
 * Monitor KEY (id ID, name NAME, alert settings MA) went from OLD to NEW at
 * T_MS for REASON (MESSAGE): opens or resolves its alert.
 */
void alerting_transition(struct alerting *a, int64_t key, const char *id, const char *name,
                         const struct monitor_alerts *ma, enum status old, enum status new_,
                         const char *reason, const char *message, int64_t t_ms);
/*
 * Monitor KEY's certificate expires at EXPIRY (Unix s): opens its
 * "certificate" alert when within ma->cert_days, resolves it once renewed.
 */
void alerting_certificate(struct alerting *a, int64_t key, const char *id, const char *name,
                          const struct monitor_alerts *ma, int64_t expiry, int64_t now_ms);

/*
 * Monitor KEY started (ON) or stopped flapping at SHARE %: a "flapping"
 * alert opens instead of one alert per change, and closes when it settles
 * (then a monitor still down gets its down alert). NOW is its status.
 */
void alerting_flapping(struct alerting *a, int64_t key, const char *id, const char *name,
                       const struct monitor_alerts *ma, bool on, double share, enum status now);

/* The rule name of the alert that blames Vigil's own network (correlated failure). */
#define ALERT_RULE_NETWORK "vigil.network"

/*
 * Correlation found Vigil's own network broken (ON) or working again:
 * opens or resolves the one alert that says so, MESSAGE telling why.
 */
void alerting_outage(struct alerting *a, bool on, const char *message);
/* Whether that alert is firing (a restart in the middle of an outage). */
bool alerting_outage_firing(const struct alerting *a);
/*
 * Monitor KEY's down alert turned out to be Vigil's own network failing: when
 * none of its notifications was attempted yet, they are recorded as
 * suppressed (WHY) and the alert closes unannounced (0); otherwise -1 and it
 * stays, to resolve as usual.
 */
int alerting_suppress(struct alerting *a, int64_t key, const char *why);
/* Whether a network failure's triggers wait alerting.correlation.hold (enough network monitors). */
void alerting_set_net_hold(struct alerting *a, bool on);

/* Acknowledges alert ID for WHO. Returns 0, or -1 when no such alert is firing. */
int alerting_ack(struct alerting *a, int64_t id, const char *who);

/* The firing alerts (at most MAX into OUT); returns how many there are. */
size_t alerting_firing(const struct alerting *a, struct alert_view *out, size_t max);
/* Notifications waiting to be delivered. */
size_t alerting_outbox_depth(const struct alerting *a);
/* Totals of channel I of the configuration (0 when unknown). */
struct alert_stats alerting_stats(const struct alerting *a, const char *channel);

struct conf_channel;
/*
 * Sends a test message on channel C now, blocking (not on the loop: the CLI).
 * *STATUS gets the HTTP status (0 when none), ANSWER the start of the
 * destination's answer or the error. Returns 0 when it was accepted (2xx).
 */
int alert_channel_test(const struct conf_channel *c, long *status, char *answer, size_t size);

/* Stops sending (what is pending stays in the outbox for the next run). */
void alerting_close(struct alerting *a);

#endif
