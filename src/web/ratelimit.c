/* The client table: open addressing over client addresses, under one mutex. */
#include "web/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "util/strmap.h"
#include "util/xmalloc.h"

#define KEY_MAX     48 /* an IPv6 address in text fits */
#define PROBES      16 /* slots tried before reusing the stalest */
#define FIRST_SIZE  256
#define EVENT_KINDS 5

struct bucket {
	double tokens;
	int64_t last_ns; /* 0: never used (full) */
};

struct client {
	char key[KEY_MAX]; /* "" for a free slot */
	int64_t seen_ns;
	struct bucket b[RL_BUDGETS];
	int64_t viol_start_ns; /* the current violation window */
	int64_t viol_cur, viol_prev;
	int64_t event_ns[EVENT_KINDS];
	int64_t suppressed[EVENT_KINDS];
};

struct ratelimit {
	pthread_mutex_t lock;
	struct client *slots;
	uint32_t size, used, max;
};

struct ratelimit *ratelimit_new(uint32_t max_clients)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));

	pthread_mutex_init(&rl->lock, NULL);
	rl->max = max_clients < FIRST_SIZE ? FIRST_SIZE : max_clients;
	rl->size = FIRST_SIZE;
	rl->slots = xcalloc(rl->size, sizeof(*rl->slots));
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->slots);
	free(rl);
}

static struct client *probe(struct client *slots, uint32_t size, const char *key, bool *found)
{
	uint32_t h = (uint32_t)strmap_hash(key), i;
	struct client *stalest = NULL;

	*found = false;
	for (i = 0; i < PROBES && i < size; i++) {
		struct client *c = &slots[(h + i) & (size - 1)];

		if (c->key[0] == '\0')
			return c;
		if (strcmp(c->key, key) == 0) {
			*found = true;
			return c;
		}
		if (stalest == NULL || c->seen_ns < stalest->seen_ns)
			stalest = c;
	}
	return stalest;
}

/* Doubles the table while under its cap (lock held). */
static void grow(struct ratelimit *rl)
{
	struct client *old = rl->slots;
	uint32_t n = rl->size, i;
	bool found;

	rl->size *= 2;
	rl->slots = xcalloc(rl->size, sizeof(*rl->slots));
	rl->used = 0;
	for (i = 0; i < n; i++) {
		struct client *c;

		if (old[i].key[0] == '\0')
			continue;
		c = probe(rl->slots, rl->size, old[i].key, &found);
		if (c->key[0] == '\0')
			rl->used++;
		*c = old[i];
	}
	free(old);
}

/* The entry of KEY, created (or taking a stale one's slot) if needed (lock held). */
static struct client *get(struct ratelimit *rl, const char *key, int64_t now_ns)
{
	struct client *c;
	bool found;

	if (rl->used * 4 >= rl->size * 3 && rl->size * 2 <= rl->max)
		grow(rl);
	c = probe(rl->slots, rl->size, key, &found);
	if (!found) {
		if (c->key[0] == '\0')
			rl->used++;
		memset(c, 0, sizeof(*c));
		strncpy(c->key, key, KEY_MAX - 1);
	}
	c->seen_ns = now_ns;
	return c;
}

int ratelimit_take(struct ratelimit *rl, const char *client, enum rl_budget budget,
                   const struct conf_rate *rate, int64_t now_ns, bool peek)
{
	double per_ns = (double)rate->requests / ((double)rate->per * 1e6), wait_s;
	struct client *c;
	struct bucket *b;
	int r = 0;

	pthread_mutex_lock(&rl->lock);
	c = get(rl, client, now_ns);
	b = &c->b[budget];
	if (b->last_ns == 0) {
		b->tokens = (double)rate->burst;
	} else {
		b->tokens += (double)(now_ns - b->last_ns) * per_ns;
		if (b->tokens > (double)rate->burst)
			b->tokens = (double)rate->burst;
	}
	b->last_ns = now_ns;
	if (b->tokens >= 1.0) {
		if (!peek)
			b->tokens -= 1.0;
	} else {
		wait_s = (1.0 - b->tokens) / per_ns / 1e9;
		r = (int)wait_s + (wait_s > (double)(int)wait_s ? 1 : 0);
		if (r < 1)
			r = 1;
	}
	pthread_mutex_unlock(&rl->lock);
	return r;
}

int64_t ratelimit_violation(struct ratelimit *rl, const char *client, int64_t window_ns,
                            int64_t now_ns)
{
	struct client *c;
	int64_t elapsed, n;

	pthread_mutex_lock(&rl->lock);
	c = get(rl, client, now_ns);
	elapsed = now_ns - c->viol_start_ns;
	if (c->viol_start_ns == 0 || elapsed >= 2 * window_ns) {
		c->viol_start_ns = now_ns;
		c->viol_prev = c->viol_cur = 0;
		elapsed = 0;
	} else if (elapsed >= window_ns) {
		c->viol_start_ns += window_ns;
		c->viol_prev = c->viol_cur;
		c->viol_cur = 0;
		elapsed -= window_ns;
	}
	c->viol_cur++;
	/* the previous window counts for the share of it still inside the last WINDOW */
	n = c->viol_cur +
	    (int64_t)((double)c->viol_prev * (1.0 - (double)elapsed / (double)window_ns) + 0.5);
	pthread_mutex_unlock(&rl->lock);
	return n;
}

bool ratelimit_event_due(struct ratelimit *rl, const char *client, int k, int64_t every_ns,
                         int64_t now_ns, int64_t *suppressed)
{
	struct client *c;
	bool due;

	if (k < 0 || k >= EVENT_KINDS)
		k = EVENT_KINDS - 1;
	pthread_mutex_lock(&rl->lock);
	c = get(rl, client, now_ns);
	due = c->event_ns[k] == 0 || now_ns - c->event_ns[k] >= every_ns;
	if (due) {
		*suppressed = c->suppressed[k];
		c->suppressed[k] = 0;
		c->event_ns[k] = now_ns;
	} else {
		c->suppressed[k]++;
		*suppressed = 0;
	}
	pthread_mutex_unlock(&rl->lock);
	return due;
}

uint32_t ratelimit_clients(struct ratelimit *rl)
{
	uint32_t n;

	pthread_mutex_lock(&rl->lock);
	n = rl->used;
	pthread_mutex_unlock(&rl->lock);
	return n;
}
