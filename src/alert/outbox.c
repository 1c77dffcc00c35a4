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
	struct outbox_msg *m;
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

static void drop(struct alerting *a, struct outbox_msg *m)
{
	struct outbox_msg **pp = &a->queue;

	while (*pp != NULL && *pp != m)
		pp = &(*pp)->next;
	if (*pp == m) {
		*pp = m->next;
		a->depth--;
	}
	free(m->body);
	free(m);
}

/* Writes the state of M after an attempt (STATUS pending, delivered or failed). */
static void save(struct alerting *a, const struct outbox_msg *m, const char *status,
                 const char *error, int64_t delivered_at)
{
	struct store_op *op = store_op_new(STORE_OP_OUTBOX);

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

static void finish(struct attempt *t, CURLcode rc)
{
	struct alerting *a = t->a;
	struct outbox_msg *m = t->m;
	struct alert_stats *st = alerting_stat(a, m->channel);
	long status = 0;
	char why[CURL_ERROR_SIZE + 64];
	int64_t now = time_wall_ms();

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	m->in_flight = false;
	a->in_flight--;
	if (channel_accepted(&t->req, rc, status)) {
		st->delivered++;
		save(a, m, "delivered", NULL, now);
		log_info("alerting: notification %lld (%s of alert %lld) delivered to %s",
		         (long long)m->id, m->kind, (long long)m->alert, m->channel);
		drop(a, m);
		return;
	}
	if (t->req.smtp)
		snprintf(why, sizeof(why), "SMTP %ld: %s", status,
		         t->err[0] ? t->err : curl_easy_strerror(rc));
	else if (rc != CURLE_OK)
		snprintf(why, sizeof(why), "%s", t->err[0] ? t->err : curl_easy_strerror(rc));
	else
		snprintf(why, sizeof(why), "HTTP %ld", status);
	if (!channel_retryable(&t->req, rc, status) ||
	    now - m->created >= a->cfg->alerting.give_up_after) {
		st->failed++;
		save(a, m, "failed", why, 0);
		log_warnx("alerting: notification %lld to %s failed for good after %lld attempt%s: "
		          "%s",
		          (long long)m->id, m->channel, (long long)m->attempts,
		          m->attempts == 1 ? "" : "s", why);
		drop(a, m);
		return;
	}
	st->retried++;
	m->next_at = now + backoff(&a->cfg->alerting, m->attempts, t->retry_after);
	save(a, m, "pending", why, 0);
	log_warnx("alerting: notification %lld to %s: %s; trying again in %.1f s", (long long)m->id,
	          m->channel, why, (double)(m->next_at - now) / 1000);
}

static void on_done(CURL *easy, CURLcode rc, void *arg)
{
	struct attempt *t = arg;
	struct alerting *a = t->a;

	unlink_attempt(a, t);
	finish(t, rc);
	channel_request_free(&t->req);
	curl_uv_easy_put(a->curl, easy);
	free(t);
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

/* Starts one attempt of M on channel C. Returns 0, or -1 (M stays due). */
static int send_one(struct alerting *a, struct outbox_msg *m, const struct conf_channel *c)
{
	const struct channel_kind *k = channel_kinds[c->type];
	struct attempt *t = xcalloc(1, sizeof(*t));

	t->a = a;
	t->m = m;
	t->easy = curl_uv_easy_get(a->curl);
	if (t->easy == NULL || k->prepare(c, m, &t->req) < 0) {
		if (t->easy != NULL)
			curl_uv_easy_put(a->curl, t->easy);
		channel_request_free(&t->req);
		free(t);
		return -1;
	}
	channel_easy_setup(t->easy, &t->req, t->req.body ? t->req.body : m->body, &t->up);
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, (long)c->timeout);
	curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->err);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
	if (curl_uv_add(a->curl, t->easy, on_done, t) < 0) {
		channel_request_free(&t->req);
		curl_uv_easy_put(a->curl, t->easy);
		free(t);
		return -1;
	}
	m->attempts++;
	m->in_flight = true;
	a->in_flight++;
	t->next = a->attempts;
	a->attempts = t;
	return 0;
}

void outbox_kick(struct alerting *a)
{
	struct outbox_msg *m, *next;
	int64_t now = time_wall_ms(), soonest = 0;

	if (a->closing)
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
			save(a, m, "failed", "the channel is not in the configuration any more", 0);
			drop(a, m);
			continue;
		}
		if (send_one(a, m, c) < 0 && (soonest == 0 || now + 1000 < soonest))
			soonest = now + 1000;
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

	if (--a->open_handles > 0)
		return;
	while (a->queue != NULL)
		drop(a, a->queue);
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
		channel_request_free(&t->req);
		curl_uv_easy_put(a->curl, t->easy);
		free(t);
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
