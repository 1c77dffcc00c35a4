/*
 * The guard: Vigil defending itself. Who the client is (through trusted
 * proxies), rate limits per client, violations recorded as security events,
 * and addresses blocked automatically or by hand. Thread-safe; owned by the
 * web server.
 */
#ifndef VIGIL_WEB_SECURITY_H
#define VIGIL_WEB_SECURITY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct vigil_config;

enum violation {
	VIOLATION_RATE_LIMIT,
	VIOLATION_AUTH_FAILURE,
	VIOLATION_FORBIDDEN,
	VIOLATION_BAD_INPUT,
	VIOLATION_BLOCKED,
	VIOLATIONS
};

extern const char *const violation_names[VIOLATIONS];

enum guard_verdict { GUARD_PASS, GUARD_BLOCKED, GUARD_LIMITED };

struct guard;

struct guard *guard_new(struct store *store);
void guard_free(struct guard *g);
/* Takes the blocks in force from the store (at start, before serving). */
void guard_load(struct guard *g);

/*
 * The client's address: PEER, unless PEER is a trusted proxy of CFG, then
 * the nearest address of X-Forwarded-For (XFF) or Forwarded (FWD) that is
 * not a trusted proxy, read from the right. OUT gets the canonical text.
 */
void guard_client(const struct vigil_config *cfg, const char *peer, const char *xff,
                  const char *fwd, char *out, size_t size);

/*
 * Before routing (PATH is for the events): a blocked client is refused; then a token of the health
 * budget (HEALTH) or the API budget is taken, and, when the request carries
 * credentials (AUTH), the failed-authentication budget must not be empty.
 * *RETRY_AFTER gets the seconds to wait (limited) or until the block ends.
 */
enum guard_verdict guard_admit(struct guard *g, const struct vigil_config *cfg, const char *client,
                               const char *path, bool health, bool auth, int *retry_after);

/*
 * Records a violation by CLIENT on ROUTE: a security event (at most one per
 * second per client and kind; the others are counted in its detail) and
 * towards security.block_after, which blocks the address. An auth failure
 * also takes a token of the failed-authentication budget.
 */
void guard_violation(struct guard *g, const struct vigil_config *cfg, const char *client,
                     enum violation v, const char *route, const char *detail);

/* Blocks IP until UNTIL_MS (0: until unblocked) by BY for REASON. Returns 0 or -1 (bad ip). */
int guard_block(struct guard *g, const char *ip, int64_t until_ms, const char *by,
                const char *reason);
/* Whether IP is in security.allow (never limited nor blocked). */
bool guard_allowed(const struct vigil_config *cfg, const char *ip);
/* Lifts the block of IP; returns whether there was one. */
bool guard_unblock(struct guard *g, const char *ip, const char *by);

/* The blocks in force: calls CB for each (ip, since, until, by, reason). */
typedef void (*guard_block_cb)(void *arg, const char *ip, int64_t since, int64_t until,
                               const char *by, const char *reason);
size_t guard_blocks(struct guard *g, guard_block_cb cb, void *arg);
/* How many addresses are blocked now. */
size_t guard_blocked_count(struct guard *g);

/* Violations of the last 60 minutes (every one, stored as an event or not). Thread-safe. */
uint64_t guard_violations_last_hour(struct guard *g);
/* Violations seen since the start, per kind (vigil_security_violations_total). */
void guard_totals(struct guard *g, uint64_t out[VIOLATIONS]);

/* The threat level of N violations in 24 h: healthy, low_alert, moderate_alert, high_alert. */
const char *guard_level(int64_t n);

#endif
