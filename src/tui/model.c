/* The model of `vigil top` and `vigil status`: API answers into structs, sorted and filtered. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/model.h"
#include "util/xmalloc.h"

static const char *const sort_names[MODEL_SORTS] = { "state", "name", "latency", "uptime" };
static const char *const overall_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

const char *model_sort_str(enum model_sort s)
{
	return (unsigned)s < MODEL_SORTS ? sort_names[s] : "?";
}

const char *model_overall_str(enum model_overall o)
{
	return (unsigned)o <= MODEL_UNKNOWN ? overall_names[o] : "UNKNOWN";
}

void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
}

void model_free(struct model *m)
{
	free(m->mon);
	free(m->alerts);
	memset(m, 0, sizeof(*m));
}

void model_copy(char *out, size_t size, const char *s)
{
	size_t i = 0;

	if (size == 0)
		return;
	for (; s != NULL && *s && i + 1 < size; s++)
		out[i++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	/* do not leave half a UTF-8 sequence at the cut */
	if (s != NULL && *s && i > 0 && ((unsigned char)*s & 0xC0) == 0x80) {
		while (i > 0 && ((unsigned char)out[i - 1] & 0xC0) == 0x80)
			i--;
		if (i > 0 && ((unsigned char)out[i - 1] & 0xC0) == 0xC0)
			i--;
	}
	out[i] = '\0';
}

static void get_str(const json_t *o, const char *key, char *out, size_t size)
{
	model_copy(out, size, json_string_value(json_object_get(o, key)));
}

/* A number of O, or -1 when absent, null or not a number. */
static double get_num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : -1;
}

int model_rank(const char *status)
{
	static const char *const order[] = { "down",        "degraded", "unknown",
		                             "maintenance", "paused",   "up" };
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(status, order[i]) == 0)
			return (int)i;
	return 2; /* a word we do not know sorts with unknown */
}

static void spark_push(struct model_monitor *mm, double v)
{
	if (mm->nspark == MODEL_SPARK) {
		memmove(mm->spark, mm->spark + 1, (MODEL_SPARK - 1) * sizeof(mm->spark[0]));
		mm->nspark--;
	}
	mm->spark[mm->nspark++] = v;
}

/* Fills MM from one item of the list; returns -1 when it has no id. */
static int parse_monitor(const json_t *o, struct model_monitor *mm)
{
	const json_t *last = json_object_get(o, "last_result");

	memset(mm, 0, sizeof(*mm));
	if (!json_is_string(json_object_get(o, "id")))
		return -1;
	get_str(o, "id", mm->id, sizeof(mm->id));
	get_str(o, "name", mm->name, sizeof(mm->name));
	if (mm->name[0] == '\0')
		model_copy(mm->name, sizeof(mm->name), mm->id);
	get_str(o, "group", mm->group, sizeof(mm->group));
	get_str(o, "type", mm->type, sizeof(mm->type));
	get_str(o, "status", mm->status, sizeof(mm->status));
	if (mm->status[0] == '\0')
		snprintf(mm->status, sizeof(mm->status), "unknown");
	mm->uptime = get_num(o, "uptime_24h");
	mm->latency_ms = -1;
	if (json_is_object(last)) {
		get_str(last, "reason", mm->reason, sizeof(mm->reason));
		get_str(last, "message", mm->message, sizeof(mm->message));
		get_str(last, "time", mm->last_time, sizeof(mm->last_time));
		mm->latency_ms = get_num(last, "latency_ms");
	}
	return 0;
}

struct model_monitor *model_find(struct model *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->nmon; i++)
		if (strcmp(m->mon[i].id, id) == 0)
			return &m->mon[i];
	return NULL;
}

/* Carries the sparkline of OLD over to MM, adding MM's last result when it is new. */
static void carry_spark(struct model_monitor *mm, const struct model_monitor *old)
{
	if (old != NULL) {
		memcpy(mm->spark, old->spark, sizeof(mm->spark));
		mm->nspark = old->nspark;
		mm->seeded = old->seeded;
		if (strcmp(old->last_time, mm->last_time) == 0)
			return;
	}
	if (mm->last_time[0] != '\0')
		spark_push(mm, mm->latency_ms);
}

int model_set_monitors(struct model *m, const json_t *doc, char *err, size_t errlen)
{
	const json_t *list = json_object_get(doc, "monitors");
	struct model_monitor *v;
	size_t i, n = 0;

	if (!json_is_array(list)) {
		snprintf(err, errlen, "the answer has no \"monitors\" list");
		return -1;
	}
	v = xcalloc(json_array_size(list) + 1, sizeof(*v));
	for (i = 0; i < json_array_size(list); i++) {
		if (parse_monitor(json_array_get(list, i), &v[n]) < 0)
			continue;
		carry_spark(&v[n], model_find(m, v[n].id));
		n++;
	}
	free(m->mon);
	m->mon = v;
	m->nmon = n;
	return 0;
}

int model_set_alerts(struct model *m, const json_t *doc, char *err, size_t errlen)
{
	const json_t *list = json_object_get(doc, "alerts");
	struct model_alert *v;
	size_t i, n = 0;

	if (!json_is_array(list)) {
		snprintf(err, errlen, "the answer has no \"alerts\" list");
		return -1;
	}
	v = xcalloc(json_array_size(list) + 1, sizeof(*v));
	for (i = 0; i < json_array_size(list); i++) {
		const json_t *o = json_array_get(list, i);

		if (!json_is_integer(json_object_get(o, "id")))
			continue;
		v[n].id = (int64_t)json_integer_value(json_object_get(o, "id"));
		get_str(o, "monitor", v[n].monitor, sizeof(v[n].monitor));
		get_str(o, "rule", v[n].rule, sizeof(v[n].rule));
		get_str(o, "severity", v[n].severity, sizeof(v[n].severity));
		get_str(o, "state", v[n].state, sizeof(v[n].state));
		get_str(o, "started", v[n].started, sizeof(v[n].started));
		get_str(o, "message", v[n].message, sizeof(v[n].message));
		get_str(o, "acked_by", v[n].acked_by, sizeof(v[n].acked_by));
		n++;
	}
	free(m->alerts);
	m->alerts = v;
	m->nalerts = n;
	return 0;
}

/* The fullest filesystem of the host answer into H. */
static void host_disk(struct model_host *h, const json_t *list)
{
	size_t i;

	h->disk = -1;
	h->disk_mount[0] = '\0';
	for (i = 0; i < json_array_size(list); i++) {
		const json_t *fs = json_array_get(list, i);
		double p = get_num(fs, "percent");

		if (p > h->disk) {
			h->disk = p;
			get_str(fs, "mountpoint", h->disk_mount, sizeof(h->disk_mount));
		}
	}
}

int model_set_host(struct model_host *h, const json_t *doc, char *err, size_t errlen)
{
	const json_t *cpu = json_object_get(doc, "cpu"), *load = json_object_get(doc, "load");

	memset(h, 0, sizeof(*h));
	h->cpu = h->mem = h->disk = h->load1 = h->load5 = h->load15 = -1;
	if (!json_is_object(doc)) {
		snprintf(err, errlen, "the host answer is not an object");
		return -1;
	}
	h->have = true;
	h->cpu = get_num(cpu, "percent");
	h->cpus = (int)get_num(cpu, "count");
	h->mem = get_num(json_object_get(doc, "memory"), "percent");
	h->load1 = get_num(load, "1");
	h->load5 = get_num(load, "5");
	h->load15 = get_num(load, "15");
	host_disk(h, json_object_get(doc, "filesystems"));
	get_str(json_object_get(doc, "system"), "hostname", h->hostname, sizeof(h->hostname));
	return 0;
}

size_t model_seed_spark(struct model_monitor *mm, const json_t *doc)
{
	const json_t *list = json_object_get(doc, "results");
	const char *newest = json_string_value(json_object_get(json_array_get(list, 0), "time"));
	size_t n = json_array_size(list), i, added = 0;

	mm->nspark = 0;
	if (n > MODEL_SPARK)
		n = MODEL_SPARK;
	for (i = n; i-- > 0;) { /* the list is newest first */
		const json_t *r = json_array_get(list, i);

		if (!json_is_object(r))
			continue;
		spark_push(mm, get_num(r, "latency_ms"));
		added++;
	}
	/* the last result seen live may not be stored yet (commits lag up to a second) */
	if (mm->last_time[0] != '\0' && (newest == NULL || strcmp(mm->last_time, newest) > 0))
		spark_push(mm, mm->latency_ms);
	mm->seeded = true;
	return added;
}

bool model_matches(const struct model_monitor *mm, const char *filter)
{
	if (filter == NULL || *filter == '\0')
		return true;
	return strcasestr(mm->name, filter) || strcasestr(mm->id, filter) ||
	       strcasestr(mm->group, filter) || strcasestr(mm->type, filter) ||
	       strcasestr(mm->status, filter) || strcasestr(mm->reason, filter);
}

/* A value where none (< 0) sorts after every real one, whichever the direction. */
static int cmp_num(double a, double b, int dir)
{
	if (a < 0 || b < 0)
		return (a < 0) - (b < 0);
	return a < b ? -dir : a > b ? dir : 0;
}

static int cmp_monitors(const struct model_monitor *a, const struct model_monitor *b,
                        enum model_sort sort)
{
	int c = 0;

	if (sort == MODEL_SORT_STATE)
		c = model_rank(a->status) - model_rank(b->status);
	else if (sort == MODEL_SORT_LATENCY)
		c = cmp_num(a->latency_ms, b->latency_ms, -1); /* slowest first */
	else if (sort == MODEL_SORT_UPTIME)
		c = cmp_num(a->uptime, b->uptime, 1); /* worst first */
	if (c == 0)
		c = strcasecmp(a->name, b->name);
	return c != 0 ? c : strcmp(a->id, b->id);
}

size_t model_view(const struct model *m, enum model_sort sort, const char *filter, size_t *idx,
                  size_t cap)
{
	size_t n = 0, i, j;

	for (i = 0; i < m->nmon && n < cap; i++)
		if (model_matches(&m->mon[i], filter))
			idx[n++] = i;
	/* insertion sort: stable, and lists are short (qsort_r would need a context anyway) */
	for (i = 1; i < n; i++) {
		size_t x = idx[i];

		for (j = i; j > 0 && cmp_monitors(&m->mon[idx[j - 1]], &m->mon[x], sort) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = x;
	}
	return n;
}

enum model_overall model_overall(const struct model *m)
{
	enum model_overall o = MODEL_OK;
	size_t i;

	for (i = 0; i < m->nmon; i++) {
		if (strcmp(m->mon[i].status, "down") == 0)
			return MODEL_CRITICAL;
		if (strcmp(m->mon[i].status, "degraded") == 0)
			o = MODEL_WARNING;
	}
	return o;
}

size_t model_count(const struct model *m, const char *status)
{
	size_t i, n = 0;

	for (i = 0; i < m->nmon; i++)
		n += strcmp(m->mon[i].status, status) == 0;
	return n;
}

size_t model_sparkline(const double *v, size_t n, size_t width, bool ascii, char *out, size_t size)
{
	static const char *const blocks[8] = { "\u2581", "\u2582", "\u2583", "\u2584",
		                               "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char levels[] = "_.-=+*#@";
	size_t first = n > width ? n - width : 0, i, o = 0, cells = 0;
	double lo = INFINITY, hi = -INFINITY;

	if (size == 0)
		return 0;
	for (i = first; i < n; i++)
		if (v[i] >= 0) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
		}
	for (i = first; i < n; i++) {
		int level = v[i] < 0 || hi <= lo ? 0 : (int)((v[i] - lo) / (hi - lo) * 7.0 + 0.5);
		const char *cell = ascii ? NULL : blocks[level];
		size_t len = ascii ? 1 : strlen(cell);

		if (o + len >= size)
			break;
		if (v[i] < 0)
			out[o++] = ' ';
		else if (ascii)
			out[o++] = levels[level];
		else {
			memcpy(out + o, cell, len);
			o += len;
		}
		cells++;
	}
	out[o] = '\0';
	return cells;
}

static void parse_result(const json_t *r, struct model_result *out)
{
	get_str(r, "time", out->time, sizeof(out->time));
	get_str(r, "status", out->status, sizeof(out->status));
	get_str(r, "reason", out->reason, sizeof(out->reason));
	get_str(r, "message", out->message, sizeof(out->message));
	out->latency_ms = get_num(r, "latency_ms");
}

static void parse_event(const json_t *e, struct model_event *out)
{
	get_str(e, "time", out->time, sizeof(out->time));
	get_str(e, "from", out->from, sizeof(out->from));
	get_str(e, "to", out->to, sizeof(out->to));
	get_str(e, "reason", out->reason, sizeof(out->reason));
	get_str(e, "message", out->message, sizeof(out->message));
}

static void detail_lists(struct model_detail *d, const json_t *results, const json_t *events)
{
	const json_t *rl = json_object_get(results, "results");
	const json_t *el = json_object_get(events, "events");
	size_t i;

	d->nresults = d->nevents = 0;
	for (i = 0; i < json_array_size(rl) && d->nresults < MODEL_RESULTS; i++)
		if (json_is_object(json_array_get(rl, i)))
			parse_result(json_array_get(rl, i), &d->results[d->nresults++]);
	for (i = 0; i < json_array_size(el) && d->nevents < MODEL_EVENTS; i++)
		if (json_is_object(json_array_get(el, i)))
			parse_event(json_array_get(el, i), &d->events[d->nevents++]);
}

int model_set_detail(struct model_detail *d, const json_t *mon, const json_t *results,
                     const json_t *events, char *err, size_t errlen)
{
	const json_t *up = json_object_get(mon, "uptime"), *st = json_object_get(mon, "state");
	struct model_monitor keep = d->m;

	if (parse_monitor(mon, &d->m) < 0) {
		d->m = keep;
		snprintf(err, errlen, "the monitor answer has no id");
		return -1;
	}
	if (strcmp(keep.id, d->m.id) == 0)
		carry_spark(&d->m, &keep);
	get_str(mon, "since", d->since, sizeof(d->since));
	d->up24 = get_num(up, "24h");
	d->up7 = get_num(up, "7d");
	d->up30 = get_num(up, "30d");
	d->checks = (int64_t)get_num(st, "checks");
	d->failures = (int)get_num(st, "consecutive_failures");
	d->successes = (int)get_num(st, "consecutive_successes");
	get_str(st, "next_check", d->next_check, sizeof(d->next_check));
	detail_lists(d, results, events);
	return 0;
}

void model_fmt_latency(double ms, char *out, size_t size)
{
	if (ms < 0 || !isfinite(ms))
		snprintf(out, size, "-");
	else if (ms < 1000)
		snprintf(out, size, "%.1fms", ms);
	else
		snprintf(out, size, "%.2fs", ms / 1000);
}

void model_fmt_uptime(double ratio, char *out, size_t size)
{
	if (ratio < 0 || !isfinite(ratio))
		snprintf(out, size, "-");
	else
		snprintf(out, size, "%.2f%%", ratio * 100);
}
