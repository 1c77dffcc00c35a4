/* Rollup accumulation and uptime rings. */
#include "engine/history.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

#define MS_PER_MINUTE 60000LL
#define MS_PER_HOUR   3600000LL
#define MS_PER_DAY    86400000LL

const char *const history_window_names[HISTORY_WINDOWS] = { "24h", "7d", "30d", "90d" };

static void acc_reset(struct store_rollup *r)
{
	memset(r, 0, sizeof(*r));
	r->lat_min = r->lat_max = -1;
}

void history_init(struct history *h)
{
	memset(h, 0, sizeof(*h));
	acc_reset(&h->acc);
}

void history_set_long(struct history *h, bool on)
{
	int i;

	if (!on) {
		free(h->longer);
		h->longer = NULL;
		return;
	}
	if (h->longer != NULL)
		return;
	h->longer = xcalloc(1, sizeof(*h->longer));
	for (i = 0; i < HISTORY_DAYS; i++) /* the days it has */
		if (h->days[i].period != 0)
			h->longer->days[h->days[i].period % HISTORY_LONG_DAYS] = h->days[i];
}

void history_free(struct history *h)
{
	free(h->longer);
	h->longer = NULL;
}

static struct history_slot *slot(struct history_slot *ring, int n, int32_t period)
{
	struct history_slot *s = &ring[period % n];

	if (s->period != period)
		*s = (struct history_slot){ period, 0, 0, 0 };
	return s;
}

/* The slot of PERIOD for a stored count, or NULL when the ring holds a later period there. */
static struct history_slot *load_slot(struct history_slot *ring, int n, int32_t period)
{
	return ring[period % n].period > period ? NULL : slot(ring, n, period);
}

static struct history_lat *lat_slot(struct history_long *l, int32_t hour)
{
	struct history_lat *s = &l->lat[hour % HISTORY_HOURS];

	if (s->period > hour)
		return NULL;
	if (s->period != hour)
		*s = (struct history_lat){ hour, 0, 0 };
	return s;
}

static void count(struct history_slot *s, enum status st, uint32_t n)
{
	if (st == STATUS_UP)
		s->up += n;
	else if (st == STATUS_DEGRADED)
		s->degraded += n;
	else if (st == STATUS_DOWN)
		s->down += n;
}

void history_flush(struct history *h, int64_t now_ms, int force, history_emit emit, void *arg)
{
	int64_t start;

	if (h->minute == 0 || (!force && h->minute >= now_ms / MS_PER_MINUTE))
		return;
	start = h->minute * 60;
	emit(arg, STORE_RES_MINUTE, start, &h->acc);
	emit(arg, STORE_RES_HOUR, start - start % 3600, &h->acc);
	emit(arg, STORE_RES_DAY, start - start % 86400, &h->acc);
	h->minute = 0;
	acc_reset(&h->acc);
}

void history_add(struct history *h, int64_t t_ms, enum status st, int64_t latency_us,
                 history_emit emit, void *arg)
{
	int64_t minute = t_ms / MS_PER_MINUTE;
	struct store_rollup *a = &h->acc;

	if (h->minute != 0 && h->minute != minute)
		history_flush(h, t_ms, 1, emit, arg);
	h->minute = minute;
	if (st != STATUS_UP && st != STATUS_DEGRADED && st != STATUS_DOWN) {
		a->unknown++; /* unknown, maintenance: not counted against uptime */
		return;
	}
	if (st == STATUS_UP)
		a->up++;
	else if (st == STATUS_DEGRADED)
		a->degraded++;
	else
		a->down++;
	a->lat_sum += latency_us;
	if (a->lat_min < 0 || latency_us < a->lat_min)
		a->lat_min = latency_us;
	if (latency_us > a->lat_max)
		a->lat_max = latency_us;
	a->hist[store_hist_bucket(latency_us)]++;
	count(slot(h->hours, HISTORY_HOURS, (int32_t)(t_ms / MS_PER_HOUR)), st, 1);
	count(slot(h->days, HISTORY_DAYS, (int32_t)(t_ms / MS_PER_DAY)), st, 1);
	if (h->longer != NULL) {
		struct history_lat *l = lat_slot(h->longer, (int32_t)(t_ms / MS_PER_HOUR));

		count(slot(h->longer->days, HISTORY_LONG_DAYS, (int32_t)(t_ms / MS_PER_DAY)), st,
		      1);
		if (l != NULL) {
			l->sum_us += latency_us;
			l->n++;
		}
	}
}

static void add_counts(struct history_slot *s, uint32_t up, uint32_t degraded, uint32_t down)
{
	if (s == NULL)
		return;
	s->up += up;
	s->degraded += degraded;
	s->down += down;
}

void history_load(struct history *h, enum store_res res, int64_t bucket_s, uint32_t up,
                  uint32_t degraded, uint32_t down, int64_t lat_sum_us)
{
	int32_t hour = (int32_t)(bucket_s / 3600), day = (int32_t)(bucket_s / 86400);
	struct history_lat *l;

	/* rows come in any order: a ring keeps the latest periods it can hold */
	if (res == STORE_RES_HOUR) {
		add_counts(load_slot(h->hours, HISTORY_HOURS, hour), up, degraded, down);
		if (h->longer != NULL && (l = lat_slot(h->longer, hour)) != NULL) {
			l->sum_us += lat_sum_us; /* summed over up, degraded and down */
			l->n += up + degraded + down;
		}
	} else if (res == STORE_RES_DAY) {
		add_counts(load_slot(h->days, HISTORY_DAYS, day), up, degraded, down);
		if (h->longer != NULL)
			add_counts(load_slot(h->longer->days, HISTORY_LONG_DAYS, day), up, degraded,
			           down);
	}
}

static void sum(const struct history_slot *ring, int n, int32_t from, int32_t to, uint64_t *good,
                uint64_t *total)
{
	int i;

	for (i = 0; i < n; i++) {
		if (ring[i].period <= from || ring[i].period > to)
			continue;
		*good += (uint64_t)ring[i].up + ring[i].degraded;
		*total += (uint64_t)ring[i].up + ring[i].degraded + ring[i].down;
	}
}

double history_uptime(const struct history *h, enum history_window w, int64_t now_ms)
{
	uint64_t good = 0, total = 0;
	int32_t now_hour = (int32_t)(now_ms / MS_PER_HOUR),
	        now_day = (int32_t)(now_ms / MS_PER_DAY);

	if (w == HISTORY_24H)
		sum(h->hours, HISTORY_HOURS, now_hour - HISTORY_HOURS, now_hour, &good, &total);
	else if (w != HISTORY_90D)
		sum(h->days, HISTORY_DAYS, now_day - (w == HISTORY_7D ? 7 : 30), now_day, &good,
		    &total);
	else if (h->longer != NULL)
		sum(h->longer->days, HISTORY_LONG_DAYS, now_day - 90, now_day, &good, &total);
	return total ? (double)good / (double)total : -1;
}
