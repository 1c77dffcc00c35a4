/* Rings of recent host samples and their minute rollups. */
#include "host/series.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

void host_history_init(struct host_history *h, size_t points)
{
	memset(h, 0, sizeof(*h));
	h->points = points < 60 ? 60 : points;
}

void host_history_free(struct host_history *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->v[i].ring);
	free(h->v);
	strmap_free(&h->index);
	memset(h, 0, sizeof(*h));
}

struct host_series *host_history_find(const struct host_history *h, const char *id)
{
	int64_t at;

	return strmap_get(&h->index, id, &at) ? &h->v[at] : NULL;
}

static struct host_series *create(struct host_history *h, const char *id)
{
	struct host_series *s;

	if (h->n == HOST_SERIES_MAX || strlen(id) >= HOST_SERIES_ID)
		return NULL;
	h->v = xgrow(h->v, &h->cap, h->n + 1, sizeof(*h->v));
	s = &h->v[h->n];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->ring = xcalloc(h->points, sizeof(*s->ring));
	/* touched now, so RSS is flat from the start instead of creeping for an hour */
	memset(s->ring, 0, h->points * sizeof(*s->ring));
	s->cap = h->points;
	strmap_put(&h->index, id, (int64_t)h->n);
	h->n++;
	return s;
}

static void close_minute(struct host_series *s, host_emit emit, void *arg)
{
	int64_t start = s->minute * 60;

	if (s->minute == 0 || s->count == 0)
		return;
	emit(arg, s, STORE_RES_MINUTE, start, s->min, s->max, s->sum, s->count);
	emit(arg, s, STORE_RES_HOUR, start - start % 3600, s->min, s->max, s->sum, s->count);
	emit(arg, s, STORE_RES_DAY, start - start % 86400, s->min, s->max, s->sum, s->count);
	s->minute = 0;
	s->count = 0;
}

struct host_series *host_history_add(struct host_history *h, const char *id, int64_t t_ms, double v,
                                     host_emit emit, void *arg)
{
	struct host_series *s = host_history_find(h, id);
	int64_t minute = t_ms / 60000;

	if (!isfinite(v))
		return s;
	if (s == NULL && (s = create(h, id)) == NULL)
		return NULL;
	s->ring[s->head] = (struct host_point){ (uint32_t)(t_ms / 1000), (float)v };
	s->head = (s->head + 1) % h->points;
	if (s->n < h->points)
		s->n++;
	if (s->minute != minute)
		close_minute(s, emit, arg);
	if (s->count == 0) {
		s->minute = minute;
		s->min = s->max = v;
		s->sum = 0;
	}
	s->min = v < s->min ? v : s->min;
	s->max = v > s->max ? v : s->max;
	s->sum += v;
	s->count++;
	return s;
}

void host_history_flush(struct host_history *h, int64_t now_ms, int force, host_emit emit,
                        void *arg)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->v[i].count > 0 && (force || h->v[i].minute < now_ms / 60000))
			close_minute(&h->v[i], emit, arg);
}

size_t host_series_points(const struct host_series *s, uint32_t since, struct host_point *out,
                          size_t n)
{
	size_t oldest = (s->head + s->cap - s->n) % s->cap, i, k = 0;

	for (i = 0; i < s->n && k < n; i++) {
		const struct host_point *p = &s->ring[(oldest + i) % s->cap];

		if (p->t >= since)
			out[k++] = *p;
	}
	return k;
}
