/* The request log's buffer: one-by-one rows, then aggregate rows, per second. */
#include "web/reqlog.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "store/store.h"
#include "util/xmalloc.h"

#define FLUSH_ROWS 4096 /* a batch this big goes at once, not at the next tick */
#define AGG_MAX    256  /* aggregate rows per second; beyond, the client becomes "*" */

struct reqlog {
	struct store *store;
	pthread_mutex_t lock;
	struct store_request *rows;
	size_t n, cap;
	int64_t sec;      /* the second being counted (Unix s) */
	int64_t in_sec;   /* requests logged one by one in it */
	size_t agg_start; /* rows[agg_start..n) are this second's aggregates */
};

struct reqlog *reqlog_new(struct store *store)
{
	struct reqlog *l = xcalloc(1, sizeof(*l));

	l->store = store;
	pthread_mutex_init(&l->lock, NULL);
	return l;
}

/* Detaches the buffer and submits it (lock held on entry, released inside). */
static void submit_locked(struct reqlog *l)
{
	struct store_op *op;
	struct store_request *rows = l->rows;
	size_t n = l->n;

	l->rows = NULL;
	l->n = l->cap = 0;
	l->agg_start = 0;
	pthread_mutex_unlock(&l->lock);
	if (n == 0) {
		free(rows);
		return;
	}
	op = store_op_new(STORE_OP_REQUESTS);
	op->blob = rows;
	op->nrows = n;
	(void)store_submit(l->store, op); /* a full queue is counted and shown in /health */
}

void reqlog_flush(struct reqlog *l)
{
	pthread_mutex_lock(&l->lock);
	submit_locked(l);
}

void reqlog_free(struct reqlog *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->rows); /* flushed by web_stop while the store was open */
	free(l);
}

static bool same(const struct store_request *a, const struct store_request *b)
{
	return a->status == b->status && strcmp(a->route, b->route) == 0 &&
	       strcmp(a->method, b->method) == 0 && strcmp(a->client, b->client) == 0;
}

/* Adds R into this second's aggregate rows (lock held). */
static void aggregate(struct reqlog *l, const struct store_request *r)
{
	struct store_request key = *r, *a;
	size_t i;

	if (l->n - l->agg_start >= AGG_MAX)
		snprintf(key.client, sizeof(key.client), "*");
	for (i = l->agg_start; i < l->n; i++) {
		a = &l->rows[i];
		if (same(a, &key)) {
			a->count++;
			a->bytes_in += r->bytes_in;
			a->bytes_out += r->bytes_out;
			if (r->duration_us > a->duration_us)
				a->duration_us = r->duration_us;
			return;
		}
	}
	l->rows = xgrow(l->rows, &l->cap, l->n + 1, sizeof(*l->rows));
	key.count = 1;
	snprintf(key.path, sizeof(key.path), "(aggregated)");
	l->rows[l->n++] = key;
}

void reqlog_add(struct reqlog *l, const struct conf_request_log *conf,
                const struct store_request *r)
{
	int64_t sec = r->t / 1000;

	if (!conf->enabled)
		return;
	pthread_mutex_lock(&l->lock);
	if (sec != l->sec) {
		l->sec = sec;
		l->in_sec = 0;
		l->agg_start = l->n;
	}
	if (l->in_sec < conf->rows_per_second) {
		if (l->agg_start < l->n) { /* keep one-by-one rows ahead of the aggregates */
			l->rows = xgrow(l->rows, &l->cap, l->n + 1, sizeof(*l->rows));
			l->rows[l->n++] = l->rows[l->agg_start];
			l->rows[l->agg_start++] = *r;
		} else {
			l->rows = xgrow(l->rows, &l->cap, l->n + 1, sizeof(*l->rows));
			l->rows[l->n++] = *r;
			l->agg_start = l->n;
		}
		l->rows[l->agg_start - 1].count = 1;
		l->in_sec++;
	} else {
		aggregate(l, r);
	}
	if (l->n >= FLUSH_ROWS && l->agg_start == l->n) {
		submit_locked(l);
		return;
	}
	pthread_mutex_unlock(&l->lock);
}
