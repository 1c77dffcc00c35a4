/* The guard: client addresses, budgets, violations, blocks. */
#include "web/security.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "store/store.h"
#include "util/cidr.h"
#include "util/log.h"
#include "util/strmap.h"
#include "util/time.h"
#include "util/xmalloc.h"
#include "web/ratelimit.h"

#define MAX_CLIENTS 65536
#define EVENT_EVERY NS_PER_SEC /* one stored event per client and kind per second */
#define REASON_MAX  160

const char *const violation_names[VIOLATIONS] = { "rate_limit", "auth_failure", "forbidden",
	                                          "bad_input", "blocked" };

struct block {
	char ip[64], by[64], reason[REASON_MAX];
	int64_t since, until; /* until 0: until lifted */
	bool active;
};

struct guard {
	struct store *store;
	struct ratelimit *clients;
	pthread_mutex_t lock; /* blocks */
	struct block *blocks;
	size_t nblocks, cap;
	struct strmap index; /* ip -> position in blocks */
	atomic_size_t nactive;
	_Atomic uint64_t totals[VIOLATIONS];
	/* violations per minute over the last hour: slot = minute % 60 */
	_Atomic int64_t minute_of[60];
	_Atomic uint64_t per_minute[60];
};

/* Counts one violation in the slot of this minute, restarting a stale slot. */
static void count_minute(struct guard *g)
{
	int64_t minute = time_wall_ms() / 60000, seen;
	size_t i = (size_t)(minute % 60);

	seen = atomic_load(&g->minute_of[i]);
	if (seen != minute && atomic_compare_exchange_strong(&g->minute_of[i], &seen, minute))
		atomic_store(&g->per_minute[i], 0);
	atomic_fetch_add(&g->per_minute[i], 1);
}

uint64_t guard_violations_last_hour(struct guard *g)
{
	int64_t minute = time_wall_ms() / 60000, m;
	uint64_t n = 0;

	for (m = minute - 59; m <= minute; m++)
		if (atomic_load(&g->minute_of[m % 60]) == m)
			n += atomic_load(&g->per_minute[m % 60]);
	return n;
}

struct guard *guard_new(struct store *store)
{
	struct guard *g = xcalloc(1, sizeof(*g));

	g->store = store;
	g->clients = ratelimit_new(MAX_CLIENTS);
	pthread_mutex_init(&g->lock, NULL);
	return g;
}

void guard_free(struct guard *g)
{
	if (g == NULL)
		return;
	ratelimit_free(g->clients);
	pthread_mutex_destroy(&g->lock);
	strmap_free(&g->index);
	free(g->blocks);
	free(g);
}

/* Adds or renews the block of IP (lock held). */
static void put_block(struct guard *g, const char *ip, int64_t since, int64_t until, const char *by,
                      const char *reason)
{
	struct block *b;
	int64_t at;

	if (strmap_get(&g->index, ip, &at)) {
		b = &g->blocks[at];
	} else {
		g->blocks = xgrow(g->blocks, &g->cap, g->nblocks + 1, sizeof(*g->blocks));
		b = &g->blocks[g->nblocks];
		memset(b, 0, sizeof(*b));
		strmap_put(&g->index, ip, (int64_t)g->nblocks++);
	}
	if (!b->active)
		atomic_fetch_add(&g->nactive, 1);
	snprintf(b->ip, sizeof(b->ip), "%s", ip);
	snprintf(b->by, sizeof(b->by), "%s", by);
	snprintf(b->reason, sizeof(b->reason), "%s", reason ? reason : "");
	b->since = since;
	b->until = until;
	b->active = true;
}

static int load_block(void *arg, const struct store_block *b)
{
	struct guard *g = arg;

	put_block(g, b->ip, b->since, b->until, b->by, b->reason);
	return 0;
}

void guard_load(struct guard *g)
{
	struct store_reader *r = store_reader_acquire(g->store);
	int n;

	if (r == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	n = store_blocks_active(r, time_wall_ms(), load_block, g);
	pthread_mutex_unlock(&g->lock);
	store_reader_release(g->store, r);
	if (n > 0)
		log_info("security: %d address%s blocked", n, n == 1 ? "" : "es");
}

/* Whether TEXT is an address in NETS (parsed from the configuration at load). */
static bool listed(const struct conf_nets *nets, const char *text)
{
	struct ip_addr a;

	return nets->n > 0 && ip_parse(text, &a) == 0 && cidr_list_contains(nets->v, nets->n, &a);
}

/* Copies the address part of an X-Forwarded-For or Forwarded item into OUT. */
static bool item_address(const char *p, size_t len, char *out, size_t size)
{
	char tmp[128];
	struct ip_addr a;
	char *s = tmp, *end;

	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, p, len);
	tmp[len] = '\0';
	if (*s == '"') /* Forwarded: for="[2001:db8::1]:4711" */
		s++;
	if ((end = strchr(s, '"')) != NULL)
		*end = '\0';
	if (*s == '[') {
		s++;
		if ((end = strchr(s, ']')) == NULL)
			return false;
		*end = '\0';
	} else if (strchr(s, ':') == strrchr(s, ':') && (end = strchr(s, ':')) != NULL) {
		*end = '\0'; /* a.b.c.d:port */
	}
	if (ip_parse(s, &a) < 0)
		return false;
	ip_format(&a, out, size);
	return true;
}

/* The Forwarded header's for= values as a comma list, into OUT. */
static void forwarded_for(const char *fwd, char *out, size_t size)
{
	const char *p = fwd;
	size_t n = 0;

	out[0] = '\0';
	while (p != NULL && *p) {
		const char *f = strcasestr(p, "for=");
		size_t len;

		if (f == NULL)
			break;
		f += 4;
		len = strcspn(f, ";,");
		if (n + len + 2 < size) {
			if (n > 0)
				out[n++] = ',';
			memcpy(out + n, f, len);
			n += len;
			out[n] = '\0';
		}
		p = f + len;
	}
}

void guard_client(const struct vigil_config *cfg, const char *peer, const char *xff,
                  const char *fwd, char *out, size_t size)
{
	const struct conf_nets *trusted = &cfg->server.trusted_nets;
	char list[1024], cur[64];
	const char *chain;
	size_t end;

	snprintf(out, size, "%s", peer);
	if (trusted->n == 0 || !listed(trusted, peer))
		return; /* only a trusted proxy's word is taken */
	if (xff != NULL && *xff) {
		chain = xff;
	} else if (fwd != NULL && *fwd) {
		forwarded_for(fwd, list, sizeof(list));
		chain = list;
	} else {
		return;
	}
	/* from the right: the first address that is not one of our proxies is the client */
	end = strlen(chain);
	while (end > 0) {
		size_t start = end;

		while (start > 0 && chain[start - 1] != ',')
			start--;
		if (!item_address(chain + start, end - start, cur, sizeof(cur)))
			return; /* garbage: keep the last trusted hop's word (the peer) */
		snprintf(out, size, "%s", cur);
		if (!listed(trusted, cur))
			return;
		end = start > 0 ? start - 1 : 0;
	}
}

/* The block of CLIENT in force at NOW, copied into B; expired ones are dropped. */
static bool blocked(struct guard *g, const char *client, int64_t now, struct block *out)
{
	int64_t at;
	bool hit = false;

	if (atomic_load(&g->nactive) == 0)
		return false;
	pthread_mutex_lock(&g->lock);
	if (strmap_get(&g->index, client, &at) && g->blocks[at].active) {
		struct block *b = &g->blocks[at];

		if (b->until != 0 && b->until <= now) {
			b->active = false; /* lifted by time */
			atomic_fetch_sub(&g->nactive, 1);
		} else {
			*out = *b;
			hit = true;
		}
	}
	pthread_mutex_unlock(&g->lock);
	return hit;
}

static void submit_event(struct guard *g, const char *client, enum violation v, const char *route,
                         const char *detail)
{
	struct store_op *op = store_op_new(STORE_OP_SECURITY_EVENT);

	op->u.security.t = time_wall_ms();
	snprintf(op->u.security.type, sizeof(op->u.security.type), "%s", violation_names[v]);
	snprintf(op->u.security.client, sizeof(op->u.security.client), "%s", client);
	snprintf(op->u.security.route, sizeof(op->u.security.route), "%s", route ? route : "");
	op->text = xstrdup(detail ? detail : "");
	(void)store_submit(g->store, op);
}

/* Records V for CLIENT at most once a second per kind (the rest are counted in it). */
static void record(struct guard *g, const char *client, enum violation v, const char *route,
                   const char *detail)
{
	int64_t skipped;
	char text[320];

	atomic_fetch_add(&g->totals[v], 1);
	count_minute(g);
	if (!ratelimit_event_due(g->clients, client, (int)v, EVENT_EVERY, time_mono_ns(), &skipped))
		return;
	if (skipped > 0)
		snprintf(text, sizeof(text), "%s (and %lld more since the last event)",
		         detail ? detail : "", (long long)skipped);
	else
		snprintf(text, sizeof(text), "%s", detail ? detail : "");
	submit_event(g, client, v, route, text);
}

enum guard_verdict guard_admit(struct guard *g, const struct vigil_config *cfg, const char *client,
                               const char *path, bool health, bool auth, int *retry_after)
{
	const struct conf_security *sec = &cfg->security;
	int64_t now_ns = time_mono_ns(), now = time_wall_ms();
	const char *budget = health ? "health" : "api";
	struct block b;
	char detail[200];
	int wait;

	*retry_after = 0;
	if (listed(&sec->allow_nets, client))
		return GUARD_PASS; /* never limited nor blocked */
	if (blocked(g, client, now, &b)) {
		*retry_after = b.until ? (int)((b.until - now + 999) / 1000) : 0;
		record(g, client, VIOLATION_BLOCKED, path, "request from a blocked address");
		return GUARD_BLOCKED;
	}
	wait = ratelimit_take(g->clients, client, health ? RL_HEALTH : RL_API,
	                      health ? &sec->health_rate_limit : &sec->rate_limit, now_ns, false);
	if (wait == 0 && auth) {
		budget = "failed-authentication";
		wait = ratelimit_take(g->clients, client, RL_AUTH, &sec->auth_failure_limit, now_ns,
		                      true);
	}
	if (wait == 0)
		return GUARD_PASS;
	*retry_after = wait;
	snprintf(detail, sizeof(detail), "the %s budget is exhausted (retry after %d s)", budget,
	         wait);
	guard_violation(g, cfg, client, VIOLATION_RATE_LIMIT, path, detail);
	return GUARD_LIMITED;
}

void guard_violation(struct guard *g, const struct vigil_config *cfg, const char *client,
                     enum violation v, const char *route, const char *detail)
{
	const struct conf_security *sec = &cfg->security;
	int64_t n, now = time_wall_ms();
	char reason[REASON_MAX];
	struct block b;

	if (v == VIOLATION_AUTH_FAILURE)
		(void)ratelimit_take(g->clients, client, RL_AUTH, &sec->auth_failure_limit,
		                     time_mono_ns(), false);
	record(g, client, v, route, detail);
	if (v == VIOLATION_BLOCKED || listed(&sec->allow_nets, client))
		return;
	n = ratelimit_violation(g->clients, client, sec->block_window * NS_PER_MS, time_mono_ns());
	if (n < sec->block_after || blocked(g, client, now, &b))
		return;
	snprintf(reason, sizeof(reason), "%lld violations within %llds (last: %s)", (long long)n,
	         (long long)(sec->block_window / 1000), violation_names[v]);
	if (guard_block(g, client, now + sec->block_for, "auto", reason) == 0)
		log_warnx("security: %s blocked for %llds: %s", client,
		          (long long)(sec->block_for / 1000), reason);
}

int guard_block(struct guard *g, const char *ip, int64_t until_ms, const char *by,
                const char *reason)
{
	struct ip_addr a;
	char canon[64];
	struct store_op *op;
	int64_t now = time_wall_ms();

	if (ip_parse(ip, &a) < 0)
		return -1;
	ip_format(&a, canon, sizeof(canon));
	pthread_mutex_lock(&g->lock);
	put_block(g, canon, now, until_ms, by, reason);
	pthread_mutex_unlock(&g->lock);
	op = store_op_new(STORE_OP_IP_BLOCK);
	snprintf(op->u.block.ip, sizeof(op->u.block.ip), "%s", canon);
	snprintf(op->u.block.by, sizeof(op->u.block.by), "%s", by);
	op->u.block.since = now;
	op->u.block.until = until_ms;
	op->text = xstrdup(reason ? reason : "");
	(void)store_submit(g->store, op);
	return 0;
}

bool guard_allowed(const struct vigil_config *cfg, const char *ip)
{
	return listed(&cfg->security.allow_nets, ip);
}

bool guard_unblock(struct guard *g, const char *ip, const char *by)
{
	struct ip_addr a;
	char canon[64];
	struct store_op *op;
	int64_t at, now = time_wall_ms();
	bool was = false;

	if (ip_parse(ip, &a) < 0)
		return false;
	ip_format(&a, canon, sizeof(canon));
	pthread_mutex_lock(&g->lock);
	if (strmap_get(&g->index, canon, &at) && g->blocks[at].active &&
	    (g->blocks[at].until == 0 || g->blocks[at].until > now)) {
		g->blocks[at].active = false;
		atomic_fetch_sub(&g->nactive, 1);
		was = true;
	}
	pthread_mutex_unlock(&g->lock);
	if (!was)
		return false;
	op = store_op_new(STORE_OP_IP_UNBLOCK);
	snprintf(op->u.block.ip, sizeof(op->u.block.ip), "%s", canon);
	op->u.block.since = now;
	(void)store_submit(g->store, op);
	log_info("security: %s unblocked by %s", canon, by);
	return true;
}

size_t guard_blocks(struct guard *g, guard_block_cb cb, void *arg)
{
	int64_t now = time_wall_ms();
	size_t i, n = 0;

	pthread_mutex_lock(&g->lock);
	for (i = 0; i < g->nblocks; i++) {
		const struct block *b = &g->blocks[i];

		if (!b->active || (b->until != 0 && b->until <= now))
			continue;
		cb(arg, b->ip, b->since, b->until, b->by, b->reason);
		n++;
	}
	pthread_mutex_unlock(&g->lock);
	return n;
}

static void count_one(void *arg, const char *ip, int64_t since, int64_t until, const char *by,
                      const char *reason)
{
	(void)ip;
	(void)since;
	(void)until;
	(void)by;
	(void)reason;
	(*(size_t *)arg)++;
}

size_t guard_blocked_count(struct guard *g)
{
	size_t n = 0;

	if (atomic_load(&g->nactive) == 0)
		return 0;
	guard_blocks(g, count_one, &n);
	return n;
}

void guard_totals(struct guard *g, uint64_t out[VIOLATIONS])
{
	int i;

	for (i = 0; i < VIOLATIONS; i++)
		out[i] = atomic_load(&g->totals[i]);
}

const char *guard_level(int64_t n)
{
	if (n < 10)
		return "healthy";
	if (n <= 50)
		return "low_alert";
	if (n <= 100)
		return "moderate_alert";
	return "high_alert";
}
