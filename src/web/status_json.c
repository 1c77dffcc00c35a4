/*
 * GET /api/v1/status: the status page's content as JSON, which status.js
 * polls too. Written straight into a buffer (1,000 components make some
 * 400,000 values, too many to build as jansson objects per render); every
 * string goes through jansson's encoder, after bytes that are not UTF-8 are
 * replaced.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/status_int.h"
#include "web/status_render.h"

static int append_cb(const char *data, size_t size, void *arg)
{
	return buf_append(arg, data, size);
}

/* S as a JSON string, or null. */
static void jstr(struct buf *b, const char *s)
{
	struct buf clean;
	json_t *j;

	if (s == NULL) {
		SP(buf_puts(b, "null"));
		return;
	}
	buf_init(&clean, 0);
	status_utf8_clean(&clean, s);
	j = json_stringn(clean.data ? clean.data : "", clean.len);
	if (j == NULL || json_dump_callback(j, append_cb, b, JSON_ENCODE_ANY) != 0)
		SP(buf_puts(b, "\"\""));
	json_decref(j);
	buf_free(&clean);
}

/* "KEY": S */
static void jkey_str(struct buf *b, const char *key, const char *s)
{
	SP(buf_printf(b, "\"%s\":", key));
	jstr(b, s);
}

/* V rounded to 4 decimals, or null when unknown (negative) or not finite. */
static void jnum(struct buf *b, double v)
{
	long long scaled;
	int frac, n;
	char tmp[8];

	if (!(v >= 0) || !isfinite(v)) {
		SP(buf_puts(b, "null"));
		return;
	}
	if (v >= 1e12) {
		SP(buf_printf(b, "%.0f", v));
		return;
	}
	scaled = llround(v * 10000);
	status_put_int(b, scaled / 10000);
	frac = (int)(scaled % 10000);
	if (frac == 0)
		return;
	for (n = 4; frac % 10 == 0; n--)
		frac /= 10;
	snprintf(tmp, sizeof(tmp), ".%0*d", n, frac);
	SP(buf_puts(b, tmp));
}

static void jtime(struct buf *b, int64_t ms)
{
	char t[STATUS_TIME_LEN];

	status_fmt_iso(ms, t, sizeof(t));
	SP(buf_putc(b, '"'));
	SP(buf_puts(b, t));
	SP(buf_putc(b, '"'));
}

static void jnames(struct buf *b, const char *const *v, size_t n)
{
	size_t i;

	SP(buf_putc(b, '['));
	for (i = 0; i < n; i++) {
		if (i > 0)
			SP(buf_putc(b, ','));
		jstr(b, v[i]);
	}
	SP(buf_putc(b, ']'));
}

static void days(struct buf *b, const struct status_component *c)
{
	char date[STATUS_TIME_LEN];
	int i;

	SP(buf_puts(b, ",\"days\":["));
	for (i = 0; i < STATUS_DAYS; i++) {
		status_fmt_date(c->days[i].start_ms, date, sizeof(date));
		SP(buf_puts(b, i ? ",{\"date\":\"" : "{\"date\":\""));
		SP(buf_puts(b, date));
		SP(buf_puts(b, "\",\"uptime\":"));
		jnum(b, c->days[i].uptime);
		SP(buf_puts(b, ",\"incidents\":"));
		status_put_int(b, c->days[i].incidents);
		SP(buf_putc(b, '}'));
	}
	SP(buf_putc(b, ']'));
}

static void hours(struct buf *b, const struct status_component *c)
{
	int i;

	SP(buf_puts(b, ",\"response_times\":["));
	for (i = 0; i < STATUS_HOURS; i++) {
		SP(buf_puts(b, i ? ",{\"time\":" : "{\"time\":"));
		jtime(b, c->hours[i].start_ms);
		SP(buf_puts(b, ",\"ms\":"));
		jnum(b, c->hours[i].latency_ms);
		SP(buf_putc(b, '}'));
	}
	SP(buf_putc(b, ']'));
}

static void component(struct buf *b, const struct status_component *c)
{
	bool grouped = c->group != NULL && c->group[0] != '\0';

	SP(buf_putc(b, '{'));
	jkey_str(b, "id", c->id);
	SP(buf_putc(b, ','));
	jkey_str(b, "name", c->name);
	SP(buf_putc(b, ','));
	jkey_str(b, "group", grouped ? c->group : NULL);
	SP(buf_printf(b, ",\"status\":\"%s\",\"uptime\":{\"24h\":", status_state_word(c->state)));
	jnum(b, c->uptime_24h);
	SP(buf_puts(b, ",\"7d\":"));
	jnum(b, c->uptime_7d);
	SP(buf_puts(b, ",\"30d\":"));
	jnum(b, c->uptime_30d);
	SP(buf_puts(b, ",\"90d\":"));
	jnum(b, c->uptime_90d);
	SP(buf_puts(b, "},\"response_time_ms\":"));
	jnum(b, c->latency_ms);
	days(b, c);
	hours(b, c);
	SP(buf_putc(b, '}'));
}

static void updates(struct buf *b, const struct status_incident *in)
{
	size_t i;

	SP(buf_puts(b, ",\"updates\":["));
	for (i = 0; i < in->nupdates; i++) {
		SP(buf_puts(b, i ? ",{\"time\":" : "{\"time\":"));
		jtime(b, in->updates[i].t_ms);
		SP(buf_putc(b, ','));
		jkey_str(b, "status", in->updates[i].status);
		SP(buf_putc(b, ','));
		jkey_str(b, "message", in->updates[i].message);
		SP(buf_putc(b, '}'));
	}
	SP(buf_putc(b, ']'));
}

static void incident(struct buf *b, const struct status_incident *in)
{
	SP(buf_puts(b, "{\"id\":"));
	status_put_int(b, in->id);
	SP(buf_putc(b, ','));
	jkey_str(b, "title", in->title);
	SP(buf_putc(b, ','));
	jkey_str(b, "impact", in->impact);
	SP(buf_putc(b, ','));
	jkey_str(b, "status", in->status);
	SP(buf_puts(b, ",\"started_at\":"));
	jtime(b, in->started_ms);
	SP(buf_puts(b, ",\"resolved_at\":"));
	if (in->resolved_ms != 0)
		jtime(b, in->resolved_ms);
	else
		SP(buf_puts(b, "null"));
	SP(buf_puts(b, ",\"components\":"));
	jnames(b, in->components, in->ncomponents);
	updates(b, in);
	SP(buf_putc(b, '}'));
}

static void window(struct buf *b, const struct status_maintenance *m)
{
	SP(buf_putc(b, '{'));
	jkey_str(b, "name", m->name);
	SP(buf_puts(b, ",\"start\":"));
	jtime(b, m->start_ms);
	SP(buf_puts(b, ",\"end\":"));
	jtime(b, m->end_ms);
	SP(buf_printf(b, ",\"active\":%s,\"components\":", m->active ? "true" : "false"));
	jnames(b, m->components, m->ncomponents);
	SP(buf_putc(b, '}'));
}

static void page(struct buf *b, const struct status_view *v)
{
	SP(buf_puts(b, "{\"page\":{"));
	jkey_str(b, "title", v->title);
	SP(buf_putc(b, ','));
	jkey_str(b, "description", v->description);
	SP(buf_putc(b, ','));
	jkey_str(b, "url", v->url);
	SP(buf_puts(b, ",\"updated_at\":"));
	jtime(b, v->now_ms);
	SP(buf_printf(b, "},\"status\":{\"indicator\":\"%s\",\"description\":\"%s\"}",
	              status_banner_word(v->banner), status_banner_label(v->banner)));
}

char *status_render_json(const struct status_view *v, size_t *len)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	page(&b, v);
	SP(buf_puts(&b, ",\"components\":["));
	for (i = 0; i < v->ncomponents; i++) {
		if (i > 0)
			SP(buf_putc(&b, ','));
		component(&b, &v->components[i]);
	}
	SP(buf_puts(&b, "],\"incidents\":["));
	for (i = 0; i < v->nincidents; i++) {
		if (i > 0)
			SP(buf_putc(&b, ','));
		incident(&b, &v->incidents[i]);
	}
	SP(buf_puts(&b, "],\"scheduled_maintenances\":["));
	for (i = 0; i < v->nmaintenance; i++) {
		if (i > 0)
			SP(buf_putc(&b, ','));
		window(&b, &v->maintenance[i]);
	}
	SP(buf_puts(&b, "]}\n"));
	*len = b.len;
	return buf_steal(&b);
}
