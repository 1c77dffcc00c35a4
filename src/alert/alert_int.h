/* Internals of the alert module shared by its files. */
#ifndef VIGIL_ALERT_INT_H
#define VIGIL_ALERT_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "alert/alert.h"

#define CHANNELS_MAX 64

/* A notification to deliver. */
struct outbox_msg {
	int64_t id, alert, created, next_at, attempts;
	char channel[64], kind[16], idem_key[80], severity[16];
	char *body;
	char *summary;      /* one line for a grouped message, or NULL: sent alone */
	int64_t not_before; /* held until then (a network failure waits for correlation) */
	int64_t batch;      /* grouped: the id of the group's first message; 0 none */
	bool throttled;     /* it waited for the channel's rate limit: it may group */
	bool ready;         /* its row is committed: it may be sent */
	bool in_flight;     /* an attempt is under way */
	struct outbox_msg *next;
};

/*
 * Where the writer thread reports committed notifications. Shared with the
 * writer's pending ops by reference counting, so a commit reported after
 * the alerting closed finds the box closed instead of freed memory.
 */
struct commit_box {
	atomic_int refs;
	pthread_mutex_t lock;
	bool closed;
	uv_async_t *wake; /* NULL once closed */
	int64_t *ids;
	size_t n, cap;
};

struct attempt;
struct render_input;
struct conf_alerting;
struct conf_channel;
struct store_boot;
struct tz;
struct conf_strlist;

struct firing {
	struct alert_view v;
	char *message;          /* of the change that opened it */
	char subject_id[128];   /* the monitor's id (or "" for a rule) */
	char subject_name[200]; /* the monitor's name, or the rule's */
	int64_t notified;       /* last notice (Unix ms) */
	char **channels;        /* its own channels (a copy), or NULL: alerting.channels_on */
	size_t nchannels;
	int64_t escalation; /* escalation levels told */
	bool announced;     /* a notification of it was attempted: it cannot be taken back */
	bool network;       /* opened for a network or DNS failure (correlation may suppress it) */
	bool suppressed;    /* being closed unannounced (correlation) */
};

struct alerting {
	uv_loop_t *loop;
	struct store *store;  /* NULL: nothing is written (the rule tests) */
	struct curl_uv *curl; /* NULL: nothing is sent (the rule tests read the queue) */
	struct vigil_config *cfg;
	bool closing;
	int64_t (*clock)(void); /* wall time, Unix ms (tests set their own) */
	bool hold_network;      /* a network failure's trigger waits correlation.hold */
	/*
	 * Without curl (the rule tests): what is due is handed here, SENT the
	 * message as it would go, MEMBER[N] the messages it stands for (one, or
	 * a group's), and counts as delivered.
	 */
	void (*sink)(void *arg, const struct outbox_msg *sent, struct outbox_msg *const *member,
	             size_t n);
	void *sink_arg;

	alert_source source;
	void *source_arg;
	uv_timer_t rules_timer;
	int64_t *pending_since; /* per rule of the configuration: when it began to hold, 0 not */
	size_t npending;

	struct firing *firing;
	size_t nfiring, firing_cap;
	int64_t next_alert, next_msg; /* ids to give next */

	struct outbox_msg *queue; /* pending, in id order */
	size_t depth;
	uv_timer_t timer; /* the next attempt due */
	int in_flight;

	/* commits reported by the writer thread (which may outlive us: see commit_box) */
	uv_async_t committed;
	struct commit_box *box;
	struct attempt *attempts; /* in flight, removed and freed at close */
	int open_handles;

	char stat_names[CHANNELS_MAX][64];
	struct alert_stats stats[CHANNELS_MAX];
	size_t nstats;
	/* requests per channel (same index) within its rate_limit.per: a ring of times */
	struct sent_ring {
		int64_t *t;
		size_t cap, head, n;
	} sent[CHANNELS_MAX];
};

/* alert.c */
void commit_box_unref(struct commit_box *b);

/* Writes F's alert row and its notifications (IN NULL: the row only), to ONLY's channels
 * (NULL: alerting.channels_on). */
void alert_record(struct alerting *a, const struct firing *f, int64_t resolved,
                  const struct render_input *in, const struct conf_strlist *only);
/* The firing entry of monitor KEY, or (KEY 0) of rule RULE; NULL when none. */
struct firing *alert_find(struct alerting *a, int64_t key, const char *rule);
/* Opens a firing entry (its id given here). */
struct firing *alert_open(struct alerting *a, int64_t monitor_key, const char *rule,
                          const char *severity, const char *message, int64_t t_ms);
/* Closes entry F (copied into DONE first; free DONE->message after use). */
void alert_close(struct alerting *a, struct firing *f, struct firing *done);

/* Keeps a copy of ONLY (the alert's own channels) with F for its follow-ups. */
void alert_keep_channels(struct firing *f, const struct conf_strlist *only);
/* Frees what entry F holds. */
void alert_free_firing(struct firing *f);
/* The firing entry of alert ID, or NULL. */
struct firing *alert_by_id(struct alerting *a, int64_t id);

/* Sets what F is about (monitor id and name, or rule name). */
void alert_subject(struct firing *f, const char *id, const char *name);
/* Reminders and escalation of unacknowledged alerts (every tick). */
void alert_follow_up(struct alerting *a, int64_t now);

/* rules.c */
void rules_start(struct alerting *a);
void rules_config_changed(struct alerting *a, const struct vigil_config *old);
void rules_close(struct alerting *a);
/* One evaluation of every rule and the follow-ups, at NOW. */
void rules_tick(struct alerting *a, int64_t now);
/* Takes the pending times a previous run left. */
void rules_boot(struct alerting *a, const struct store_boot *boot);

/* outbox.c */
/* Close callback of every handle of A: the last one frees A. */
void alert_handle_closed(uv_handle_t *h);
void outbox_start(struct alerting *a);
void outbox_close(struct alerting *a);
/* Queues M (taken over); READY when its row is known committed. */
void outbox_add(struct alerting *a, struct outbox_msg *m);
/* Marks message ID committed (loop thread). */
void outbox_committed(struct alerting *a, int64_t id);
/* Arms the timer for the earliest message due, and sends what is due now. */
void outbox_kick(struct alerting *a);
struct alert_stats *alerting_stat(struct alerting *a, const char *channel);
/* Removes M from the queue and frees it. */
void outbox_drop(struct alerting *a, struct outbox_msg *m);
/* Writes M's state (pending, delivered, failed, suppressed) with ERROR. */
void outbox_save(struct alerting *a, const struct outbox_msg *m, const char *status,
                 const char *error, int64_t delivered_at);

/* render.c: the request body for channel type TYPE (caller frees). */
struct render_input {
	int64_t alert_id;
	const char *kind; /* trigger resolve */
	const char *idem_key;
	const char *monitor_id, *monitor_name, *rule, *severity;
	const char *status, *previous, *reason, *message;
	int64_t started, t_ms; /* Unix ms */
	/* a rule's alert: what it watched */
	const char *metric, *op;
	double value, threshold;
	const struct tz *tz; /* of the times in messages; NULL: UTC */
};
char *render_body(const struct conf_channel *c, const struct render_input *in);
/* The one line a grouped message gives IN (caller frees). */
char *render_summary(const struct render_input *in);
/*
 * The body of one message on channel C standing for the N messages M (their
 * summaries), with idempotency key KEY, at NOW in zone TZ (caller frees).
 */
char *render_group(const struct conf_channel *c, struct outbox_msg *const *m, size_t n,
                   const char *key, int64_t now, const struct tz *tz);
/* Whether channel C may group messages (not those with their own incident keys). */
bool channel_groupable(const struct conf_channel *c);
/* How long C holds a message for others to join it (0: sent at once). */
int64_t channel_group_window(const struct conf_alerting *al, const struct conf_channel *c);

#endif
