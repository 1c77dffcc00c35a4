/*
 * The client table: per client address, token buckets (one per budget) and a
 * sliding count of violations. Thread-safe, bounded: when full, the entry
 * idle longest among the probed ones is reused (an idle bucket is full
 * anyway, so little is lost).
 */
#ifndef VIGIL_WEB_RATELIMIT_H
#define VIGIL_WEB_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct conf_rate;

enum rl_budget { RL_API, RL_HEALTH, RL_AUTH, RL_BUDGETS };

struct ratelimit;

struct ratelimit *ratelimit_new(uint32_t max_clients);
void ratelimit_free(struct ratelimit *rl);

/*
 * Takes one token of BUDGET for CLIENT at NOW_NS. Returns 0 when allowed,
 * else the whole seconds until a token is back (at least 1). With PEEK,
 * only looks: whether a token is there, none taken.
 */
int ratelimit_take(struct ratelimit *rl, const char *client, enum rl_budget budget,
                   const struct conf_rate *rate, int64_t now_ns, bool peek);

/*
 * Counts a violation of CLIENT at NOW_NS; returns the violations in the
 * last WINDOW_NS (a sliding estimate over two fixed windows).
 */
int64_t ratelimit_violation(struct ratelimit *rl, const char *client, int64_t window_ns,
                            int64_t now_ns);

/*
 * Whether an event of kind K (0..4) for CLIENT may be recorded at NOW_NS:
 * at most one per EVERY_NS per client and kind, so floods do not flood
 * the store. *SUPPRESSED gets how many were skipped since the last one.
 */
bool ratelimit_event_due(struct ratelimit *rl, const char *client, int k, int64_t every_ns,
                         int64_t now_ns, int64_t *suppressed);

/* Clients in the table (for tests and metrics). */
uint32_t ratelimit_clients(struct ratelimit *rl);

#endif
