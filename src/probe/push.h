/*
 * Push monitors: heartbeats sent by the jobs themselves (cron jobs, queue
 * workers, batch tasks) to /api/v1/push/{token}. The engine keeps one
 * push_state per push monitor and records pings into it; a run of the push
 * probe only judges that state against the monitor's period and grace.
 */
#ifndef VIGIL_PROBE_PUSH_H
#define VIGIL_PROBE_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"

#define PUSH_BODY_MAX    (10 * 1024) /* bytes of a ping's body kept as its message */
#define PUSH_RATE_BURST  20          /* pings a token may send at once */
#define PUSH_RATE_PER_MS 1000        /* then one more per second */

struct push_conf {
	char *token;
	int64_t period; /* ms between expected successes */
	int64_t grace;  /* ms of lateness tolerated; also the longest a started run may take */
};

enum push_kind {
	PUSH_SUCCESS, /* /{token} or /{token}/0 */
	PUSH_START,   /* /{token}/start */
	PUSH_FAIL,    /* /{token}/fail or /{token}/{non-zero exit code} */
};

/* The heartbeats of one push monitor, owned by the engine. */
struct push_state {
	int64_t waiting_since; /* Unix ms Vigil began waiting (monitor added, daemon start) */
	int64_t last_success;  /* Unix ms; 0 never */
	int64_t last_start;    /* Unix ms; 0 never */
	int64_t last_fail;     /* Unix ms; 0 never */
	int exit_code;         /* of the last failure; -1 without one */
	int64_t duration;      /* ms from the last start to the success or failure; -1 unknown */
	char message[PROBE_MESSAGE_MAX]; /* of the last success or failure */
	char *body; /* its whole body (owned), up to PUSH_BODY_MAX; NULL none */
	size_t body_len;
	double tokens; /* rate limit bucket */
	int64_t tokens_at;
};

/*
 * Parses the last path segment of a ping: NULL or "" (success), "start",
 * "fail", or an exit code 0..255. Returns 0, or -1 when it is none of these.
 */
int push_kind_parse(const char *what, enum push_kind *kind, int *exit_code);

/* Whether one more ping may be taken at NOW (Unix ms); takes a token if so. */
bool push_rate_allow(struct push_state *s, int64_t now);

/*
 * Records a ping of KIND (with EXIT_CODE for failures, -1 for none) and its
 * BODY of LEN bytes (may be NULL) at NOW.
 */
void push_record(struct push_state *s, enum push_kind kind, int exit_code, const char *body,
                 size_t len, int64_t now);

/* Frees what S holds (not S). */
void push_state_clear(struct push_state *s);

/*
 * Judges S at NOW against CONF into R: outcome, message, values (and the
 * last body as [BODY]). Never pinged and not yet late: PROBE_AWAITING_PING.
 */
void push_evaluate(const struct push_conf *conf, const struct push_state *s, int64_t now,
                   struct probe_result *r);

#endif
