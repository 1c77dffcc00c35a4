/*
 * Delivery of the outbox: one attempt at a time per message, a few at once,
 * through the engine's libcurl multi handle; each outcome written back.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/channel.h"
#include "conf/conf.h"
#include "probe/curl_uv.h"
#include "store/store.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define IN_FLIGHT_MAX 8

struct attempt {
	struct attempt *next; /* in a->attempts */
	struct alerting *a;
	struct outbox_msg *m;       /* what is sent: a message, or the group's (own) */
	struct outbox_msg **member; /* a group: the messages it stands for; else NULL */
	size_t nmember;
	CURL *easy;
	struct channel_request req;
	struct channel_upload up;
	char err[CURL_ERROR_SIZE];
	long retry_after; /* seconds, from a 429 or 503 */
};

static void on_timer(uv_timer_t *t);

void outbox_start(struct alerting *a)
{
	uv_timer_init(a->loop, &a->timer);
	a->timer.data = a;
	a->open_handles++;
}

static void unlink_attempt(struct alerting *a, struct attempt *t)
{
	struct attempt **pp = &a->attempts;

	while (*pp != NULL && *pp != t)
		pp = &(*pp)->next;
	if (*pp == t)
		*pp = t->next;
}

struct alert_stats *alerting_stat(struct alerting *a, const char *channel)
{
	size_t i;

	for (i = 0; i < a->nstats; i++)
		if (strcmp(a->stat_names[i], channel) == 0)
			return &a->stats[i];
	if (a->nstats == CHANNELS_MAX)
		return &a->stats[CHANNELS_MAX - 1];
	snprintf(a->stat_names[a->nstats], sizeof(a->stat_names[0]), "%s", channel);
	return &a->stats[a->nstats++];
}

struct alert_stats alerting_stats(const struct alerting *a, const char *channel)
{
	struct alert_stats none = { 0 };
	size_t i;

	for (i = 0; i < a->nstats; i++)
		if (strcmp(a->stat_names[i], channel) == 0)
			return a->stats[i];
	return none;
}

size_t alerting_outbox_depth(const struct alerting *a)
{
	return a->depth;
}

void outbox_add(struct alerting *a, struct outbox_msg *m)
{
	struct outbox_msg **pp = &a->queue;

	while (*pp != NULL && (*pp)->id < m->id)
		pp = &(*pp)->next;
	m->next = *pp;
	*pp = m;
	a->depth++;
}

void outbox_committed(struct alerting *a, int64_t id)
{
	struct outbox_msg *m;

	for (m = a->queue; m != NULL; m = m->next)
		if (m->id == id)
			m->ready = true;
}

void outbox_drop(struct alerting *a, struct outbox_msg *m)
{
	struct outbox_msg **pp = &a->queue;

	while (*pp != NULL && *pp != m)
		pp = &(*pp)->next;
	if (*pp == m) {
		*pp = m->next;
		a->depth--;
	}
	free(m->body);
	free(m->summary);
	free(m);
}

void outbox_save(struct alerting *a, const struct outbox_msg *m, const char *status,
                 const char *error, int64_t delivered_at)
{
	struct store_op *op;

	if (a->store == NULL)
		return;
	op = store_op_new(STORE_OP_OUTBOX);

	op->u.outbox.id = m->id;
	op->u.outbox.attempts = m->attempts;
	op->u.outbox.next_at = m->next_at;
	op->u.outbox.delivered_at = delivered_at;
	snprintf(op->u.outbox.status, sizeof(op->u.outbox.status), "%s", status);
	op->text = error ? xstrdup(error) : NULL;
	(void)store_submit(a->store, op);
}

static const struct conf_channel *channel(const struct alerting *a, const char *name)
{
	const struct conf_channel *c = a->cfg->alerting.channels.v;
	size_t i;

	for (i = 0; i < a->cfg->alerting.channels.n; i++)
		if (strcmp(c[i].name, name) == 0)
			return &c[i];
	return NULL;
}

/* The wait before attempt N+1: doubling from retry_initial up to retry_max, ±25 % jitter. */
static int64_t backoff(const struct conf_alerting *al, int64_t attempts, long retry_after)
{
	int64_t wait = al->retry_initial;
	int64_t i;

	for (i = 1; i < attempts && wait < al->retry_max; i++)
		wait *= 2;
	if (wait > al->retry_max)
		wait = al->retry_max;
	wait += (int64_t)((double)wait * 0.25 * ((double)(rand() % 2001) / 1000.0 - 1.0));
	if (retry_after > 0 && retry_after * 1000 > wait)
		wait = retry_after * 1000; /* the destination said when */
	return wait < 100 ? 100 : wait;
}

/* The outcome of an attempt for message M (one of a group, or alone). */
static void settle(struct attempt *t, struct outbox_msg *m, bool accepted, bool retryable,
                   const char *why, int64_t now)
{
	struct alerting *a = t->a;
	struct alert_stats *st = alerting_stat(a, m->channel);

	m->in_flight = false;
	if (accepted) {
		st->delivered++;
		outbox_save(a, m, "delivered", NULL, now);
		log_info("alerting: notification %lld (%s of alert %lld) delivered to %s%s",
		         (long long)m->id, m->kind, (long long)m->alert, m->channel,
		         t->member ? " in a group" : "");
		outbox_drop(a, m);
		return;
	}
	if (!retryable || now - m->created >= a->cfg->alerting.give_up_after) {
		st->failed++;
		outbox_save(a, m, "failed", why, 0);
		log_warnx("alerting: notification %lld to %s failed for good after %lld attempt%s: "
		          "%s",
		          (long long)m->id, m->channel, (long long)m->attempts,
		          m->attempts == 1 ? "" : "s", why);
		outbox_drop(a, m);
		return;
	}
	st->retried++;
	m->next_at = now + backoff(&a->cfg->alerting, m->attempts, t->retry_after);
	outbox_save(a, m, "pending", why, 0);
	log_warnx("alerting: notification %lld to %s: %s; trying again in %.1f s", (long long)m->id,
	          m->channel, why, (double)(m->next_at - now) / 1000);
}

static void finish(struct attempt *t, CURLcode rc)
{
	struct alerting *a = t->a;
	long status = 0;
	char why[CURL_ERROR_SIZE + 64];
	int64_t now = a->clock();
	bool accepted, retryable;
	size_t i;

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	a->in_flight--;
	accepted = channel_accepted(&t->req, rc, status);
	retryable = channel_retryable(&t->req, rc, status);
	if (t->req.smtp)
		snprintf(why, sizeof(why), "SMTP %ld: %s", status,
		         t->err[0] ? t->err : curl_easy_strerror(rc));
	else if (rc != CURLE_OK)
		snprintf(why, sizeof(why), "%s", t->err[0] ? t->err : curl_easy_strerror(rc));
	else
		snprintf(why, sizeof(why), "HTTP %ld", status);
	if (t->member == NULL) {
		settle(t, t->m, accepted, retryable, why, now);
		return;
	}
	for (i = 0; i < t->nmember; i++) /* a group: each of its messages alike */
		settle(t, t->member[i], accepted, retryable, why, now);
}

static void attempt_free(struct attempt *t)
{
	channel_request_free(&t->req);
	if (t->member != NULL) { /* the group's own message */
		free(t->m->body);
		free(t->m);
	}
	free(t->member);
	free(t);
}

static void on_done(CURL *easy, CURLcode rc, void *arg)
{
	struct attempt *t = arg;
	struct alerting *a = t->a;

	unlink_attempt(a, t);
	finish(t, rc);
	curl_uv_easy_put(a->curl, easy);
	attempt_free(t);
	outbox_kick(a);
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct attempt *t = arg;
	size_t len = size * n;

	if (len > 12 && strncasecmp(data, "Retry-After:", 12) == 0)
		t->retry_after = strtol(data + 12, NULL, 10);
	return len;
}

static size_t discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

/* Marks the alerts of what T sends as told: correlation cannot take them back. */
static void announce(struct alerting *a, struct attempt *t)
{
	struct firing *f;
	size_t i;

	for (i = 0; i < (t->member ? t->nmember : 1); i++) {
		struct outbox_msg *m = t->member ? t->member[i] : t->m;

		m->attempts++;
		m->in_flight = true;
		if ((f = alert_by_id(a, m->alert)) != NULL)
			f->announced = true;
	}
}

/* Starts attempt T (its message and members set) on channel C. Returns 0, or -1 (T freed). */
static int send_one(struct alerting *a, struct attempt *t, const struct conf_channel *c)
{
	const struct channel_kind *k = channel_kinds[c->type];

	t->a = a;
	t->easy = curl_uv_easy_get(a->curl);
	if (t->easy == NULL || k->prepare(c, t->m, &t->req) < 0) {
		if (t->easy != NULL)
			curl_uv_easy_put(a->curl, t->easy);
		attempt_free(t);
		return -1;
	}
	channel_easy_setup(t->easy, &t->req, t->req.body ? t->req.body : t->m->body, &t->up);
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, (long)c->timeout);
	curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->err);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
	if (curl_uv_add(a->curl, t->easy, on_done, t) < 0) {
		curl_uv_easy_put(a->curl, t->easy);
		attempt_free(t);
		return -1;
	}
	announce(a, t);
	a->in_flight++;
	t->next = a->attempts;
	a->attempts = t;
	return 0;
}

/* The request ring of channel C (sized for its cap). */
static struct sent_ring *ring_of(struct alerting *a, const struct conf_channel *c)
{
	struct sent_ring *r = &a->sent[alerting_stat(a, c->name) - a->stats];

	if (r->cap != (size_t)c->rate_limit.messages) { /* new, or the cap changed: afresh */
		free(r->t);
		r->cap = (size_t)c->rate_limit.messages;
		r->t = xcalloc(r->cap, sizeof(*r->t));
		r->head = r->n = 0;
	}
	return r;
}

/*
 * Whether channel C may take a request at NOW under its rate_limit; when
 * not, *FREE gets when a slot frees. A request allowed here is counted.
 */
static bool rate_ok(struct alerting *a, const struct conf_channel *c, int64_t now, int64_t *free)
{
	struct sent_ring *r;

	if (c->rate_limit.messages <= 0)
		return true;
	r = ring_of(a, c);
	while (r->n > 0 && r->t[r->head] <= now - c->rate_limit.per) { /* out of the window */
		r->head = (r->head + 1) % r->cap;
		r->n--;
	}
	if (r->n == r->cap) {
		*free = r->t[r->head] + c->rate_limit.per;
		return false;
	}
	r->t[(r->head + r->n++) % r->cap] = now;
	return true;
}

/* Whether Q may go in the group M leads at NOW. */
static bool joins(const struct outbox_msg *m, const struct outbox_msg *q, int64_t now)
{
	if (q == m || !q->ready || q->in_flight || strcmp(q->channel, m->channel) != 0)
		return false;
	if (m->batch != 0) /* a group tried before: the same messages again */
		return q->batch == m->batch;
	return q->batch == 0 && q->attempts == 0 && q->summary != NULL && q->not_before <= now;
}

/*
 * The messages that go with M, which is due (M first), when C groups and
 * there are several; else NULL. *N gets how many.
 */
static struct outbox_msg **gather(struct alerting *a, struct outbox_msg *m,
                                  const struct conf_channel *c, int64_t now, size_t *n)
{
	struct outbox_msg **v = NULL, *q;
	size_t cap = 0, i;

	*n = 0;
	if (m->summary == NULL || !channel_groupable(c))
		return NULL;
	/* a new group: within the window, or what piled up behind the rate limit */
	if (m->batch == 0 &&
	    (m->attempts > 0 || (channel_group_window(&a->cfg->alerting, c) <= 0 && !m->throttled)))
		return NULL;
	v = xgrow(v, &cap, 1, sizeof(*v));
	v[(*n)++] = m;
	for (q = a->queue; q != NULL; q = q->next)
		if (joins(m, q, now)) {
			v = xgrow(v, &cap, *n + 1, sizeof(*v));
			v[(*n)++] = q;
		}
	if (*n < 2) {
		free(v);
		m->batch = 0;
		return NULL;
	}
	for (i = 0; i < *n; i++)
		v[i]->batch = m->batch ? m->batch : m->id;
	return v;
}

/* An attempt at M on C: alone, or for the group it leads. */
static struct attempt *attempt_for(struct alerting *a, struct outbox_msg *m,
                                   const struct conf_channel *c, int64_t now)
{
	struct attempt *t = xcalloc(1, sizeof(*t));
	struct outbox_msg *g;
	char key[80];

	t->m = m;
	t->member = gather(a, m, c, now, &t->nmember);
	if (t->member == NULL)
		return t;
	/* the group's own message: a body that lists them all, a key of its own */
	g = xcalloc(1, sizeof(*g));
	*g = *m;
	g->summary = NULL;
	g->next = NULL;
	snprintf(key, sizeof(key), "vigil-group-%lld-%zu", (long long)m->batch, t->nmember);
	snprintf(g->idem_key, sizeof(g->idem_key), "%s", key);
	g->body = render_group(c, t->member, t->nmember, key, now, a->cfg->alerting.tz);
	if (g->body == NULL) { /* cannot say it as one: each alone */
		free(g);
		free(t->member);
		t->member = NULL;
		m->batch = 0;
		return t;
	}
	t->m = g;
	return t;
}

/* The rule tests: T's message goes to the sink and is delivered at once. */
static void to_sink(struct alerting *a, struct attempt *t, int64_t now)
{
	struct outbox_msg *one = t->m;
	size_t i, n = t->member ? t->nmember : 1;

	t->a = a;
	announce(a, t);
	a->sink(a->sink_arg, t->m, t->member ? t->member : &one, n);
	for (i = 0; i < n; i++)
		settle(t, t->member ? t->member[i] : one, true, false, NULL, now);
	attempt_free(t);
}

void outbox_kick(struct alerting *a)
{
	struct outbox_msg *m, *next;
	int64_t now = a->clock(), soonest = 0;

	if (a->closing || (a->curl == NULL && a->sink == NULL))
		return;
	for (m = a->queue; m != NULL; m = next) {
		const struct conf_channel *c;

		next = m->next;
		if (!m->ready || m->in_flight)
			continue;
		if (m->next_at > now) {
			if (soonest == 0 || m->next_at < soonest)
				soonest = m->next_at;
			continue;
		}
		if (a->in_flight >= IN_FLIGHT_MAX)
			break;
		if ((c = channel(a, m->channel)) == NULL) {
			alerting_stat(a, m->channel)->failed++;
			outbox_save(a, m, "failed",
			            "the channel is not in the configuration any more", 0);
			outbox_drop(a, m);
			continue;
		}
		if (!rate_ok(a, c, now, &m->next_at)) { /* waits for a slot; others may join it */
			m->throttled = true;
			if (soonest == 0 || m->next_at < soonest)
				soonest = m->next_at;
			continue;
		}
		if (a->sink != NULL) {
			to_sink(a, attempt_for(a, m, c, now), now);
			next = a->queue; /* what it delivered is gone: from the start again */
			continue;
		}
		if (send_one(a, attempt_for(a, m, c, now), c) < 0 &&
		    (soonest == 0 || now + 1000 < soonest))
			soonest = now + 1000;
		next = m->next; /* the members of a group sent with it are in flight now */
	}
	if (soonest > 0)
		uv_timer_start(&a->timer, on_timer, (uint64_t)(soonest - now), 0);
}

static void on_timer(uv_timer_t *t)
{
	outbox_kick(t->data);
}

void alert_handle_closed(uv_handle_t *h)
{
	struct alerting *a = h->data;
	size_t i;

	if (--a->open_handles > 0)
		return;
	while (a->queue != NULL)
		outbox_drop(a, a->queue);
	for (i = 0; i < CHANNELS_MAX; i++)
		free(a->sent[i].t);
	free(a->pending_since);
	conf_unref(a->cfg);
	free(a);
}

void outbox_close(struct alerting *a)
{
	struct attempt *t, *next;

	/* attempts in flight stop here; their messages stay pending for the next run */
	for (t = a->attempts; t != NULL; t = next) {
		next = t->next;
		curl_uv_remove(a->curl, t->easy);
		curl_uv_easy_put(a->curl, t->easy);
		attempt_free(t);
	}
	a->attempts = NULL;
	pthread_mutex_lock(&a->box->lock);
	a->box->closed = true;
	a->box->wake = NULL;
	pthread_mutex_unlock(&a->box->lock);
	commit_box_unref(a->box);
	a->box = NULL;
	uv_close((uv_handle_t *)&a->timer, alert_handle_closed);
	uv_close((uv_handle_t *)&a->committed, alert_handle_closed);
}
