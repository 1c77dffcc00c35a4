/*
 * The status page's inline SVG: a component's 90-day uptime bar and its
 * 24-hour response-time chart. Presentation comes from status.css through
 * classes; the only attributes are geometry and numbers of ours.
 */
#include <stdio.h>
#include <string.h>

#include "web/status_int.h"
#include "web/status_svg.h"

#define PCT_LEN    16
#define CHART_W    230 /* viewBox width: 10 per hour */
#define CHART_H    40
#define CHART_STEP 10

/* What a day shows; consecutive days that show the same are one rect. */
struct day_look {
	int cls;
	int incidents;
	long hundredths; /* of a percent; -1: no data */
};

static void look_of(const struct status_day *d, struct day_look *l)
{
	l->cls = status_day_class(d->uptime);
	l->incidents = d->incidents;
	l->hundredths = status_pct_hundredths(d->uptime);
}

static bool look_same(const struct day_look *a, const struct day_look *b)
{
	return a->cls == b->cls && a->incidents == b->incidents && a->hundredths == b->hundredths;
}

/* One rect for days FROM..TO (inclusive) that all look like L. */
static void put_run(struct buf *b, const struct status_component *c, int from, int to,
                    const struct day_look *l)
{
	char date[STATUS_TIME_LEN], pct[PCT_LEN];

	SP(buf_puts(b, "<rect x=\""));
	status_put_int(b, from);
	SP(buf_puts(b, "\" width=\""));
	status_put_int(b, to - from + 1);
	SP(buf_puts(b, "\" height=\"1\" class=\"b"));
	SP(buf_putc(b, (char)('0' + l->cls)));
	SP(buf_puts(b, "\"><title>"));
	status_fmt_date(c->days[from].start_ms, date, sizeof(date));
	SP(buf_puts(b, date));
	if (to > from) {
		status_fmt_date(c->days[to].start_ms, date, sizeof(date));
		SP(buf_puts(b, " to "));
		SP(buf_puts(b, date));
	}
	SP(buf_puts(b, ": "));
	if (status_fmt_pct(c->days[from].uptime, pct, sizeof(pct)) != NULL) {
		SP(buf_puts(b, pct));
		SP(buf_puts(b, ", "));
	} else {
		SP(buf_puts(b, "No data, "));
	}
	if (l->incidents == 0) {
		SP(buf_puts(b, "no incidents"));
	} else {
		status_put_int(b, l->incidents);
		SP(buf_puts(b, l->incidents == 1 ? " incident" : " incidents"));
	}
	SP(buf_puts(b, "</title></rect>"));
}

/* The bar's text alternative: the 90-day uptime, incidents and days without data. */
static void put_summary(struct buf *b, const struct status_component *c)
{
	char pct[PCT_LEN];
	int i, incidents = 0, nodata = 0;

	for (i = 0; i < STATUS_DAYS; i++) {
		incidents += c->days[i].incidents;
		nodata += c->days[i].uptime < 0;
	}
	SP(buf_puts(b, "90-day uptime "));
	SP(buf_puts(b, status_fmt_pct(c->uptime_90d, pct, sizeof(pct)) ? pct : "unknown"));
	SP(buf_puts(b, ", "));
	status_put_int(b, incidents);
	SP(buf_puts(b, incidents == 1 ? " incident" : " incidents"));
	if (nodata > 0 && nodata < STATUS_DAYS) {
		SP(buf_puts(b, ", no data for "));
		status_put_int(b, nodata);
		SP(buf_puts(b, nodata == 1 ? " day" : " days"));
	}
}

void status_svg_bar(struct buf *b, const struct status_component *c)
{
	struct day_look cur, next;
	int from = 0, i;

	SP(buf_puts(b, "<svg class=\"u\" viewBox=\"0 0 90 1\" preserveAspectRatio=\"none\" "
	               "role=\"img\" aria-label=\""));
	put_summary(b, c);
	SP(buf_puts(b, "\">"));
	look_of(&c->days[0], &cur);
	for (i = 1; i <= STATUS_DAYS; i++) {
		if (i < STATUS_DAYS) {
			look_of(&c->days[i], &next);
			if (look_same(&cur, &next))
				continue;
		}
		put_run(b, c, from, i - 1, &cur);
		cur = next;
		from = i;
	}
	SP(buf_puts(b, "</svg>"));
}

/* The days of class CLS as one path of horizontal strokes, a subpath per run; none: nothing. */
static void put_class_path(struct buf *b, const struct status_component *c, int cls)
{
	bool open = false;
	int i = 0, from;

	while (i < STATUS_DAYS) {
		if (status_day_class(c->days[i].uptime) != cls) {
			i++;
			continue;
		}
		for (from = i; i < STATUS_DAYS && status_day_class(c->days[i].uptime) == cls; i++)
			;
		SP(buf_puts(b, open ? "M" : "<path class=\"b"));
		if (!open) {
			SP(buf_putc(b, (char)('0' + cls)));
			SP(buf_puts(b, "\" d=\"M"));
		}
		status_put_int(b, from);
		SP(buf_puts(b, " 0h"));
		status_put_int(b, i - from);
		open = true;
	}
	if (open)
		SP(buf_puts(b, "\"/>"));
}

void status_svg_bar_compact(struct buf *b, const struct status_component *c)
{
	static const int classes[] = { 0, 2, 3, 4 }; /* 100% days (1) are the background */
	size_t k;

	SP(buf_puts(b, "<svg viewBox=\"0 -.5 90 1\" preserveAspectRatio=\"none\" "
	               "role=\"none\">"));
	for (k = 0; k < sizeof(classes) / sizeof(classes[0]); k++)
		put_class_path(b, c, classes[k]);
	SP(buf_puts(b, "</svg>"));
}

bool status_latency_stats(const struct status_component *c, double *min, double *avg, double *max)
{
	double sum = 0;
	int i, n = 0;

	for (i = 0; i < STATUS_HOURS; i++) {
		double ms = c->hours[i].latency_ms;

		if (!(ms >= 0))
			continue;
		if (n == 0 || ms < *min)
			*min = ms;
		if (n == 0 || ms > *max)
			*max = ms;
		sum += ms;
		n++;
	}
	if (n > 0)
		*avg = sum / n;
	return n > 0;
}

/* The path of the hours with data; gaps start a new subpath. */
static void put_path(struct buf *b, const struct status_component *c, double max)
{
	bool pen = false;
	int i;

	for (i = 0; i < STATUS_HOURS; i++) {
		double ms = c->hours[i].latency_ms;
		int y;

		if (!(ms >= 0)) {
			pen = false;
			continue;
		}
		y = CHART_H - 2 - (int)(ms / max * (CHART_H - 4) + 0.5);
		SP(buf_putc(b, pen ? 'L' : 'M'));
		status_put_int(b, i * CHART_STEP);
		SP(buf_putc(b, ' '));
		status_put_int(b, y);
		if (!pen && (i + 1 == STATUS_HOURS || !(c->hours[i + 1].latency_ms >= 0)))
			SP(buf_puts(b, "h0")); /* a lone hour: a dot (round caps) */
		pen = true;
	}
}

void status_svg_chart(struct buf *b, const struct status_component *c)
{
	char t[3][STATUS_TIME_LEN];
	double min = 0, avg = 0, max = 0;

	SP(buf_puts(b, "<p class=\"rt\">Response time, last 24 h: "));
	if (!status_latency_stats(c, &min, &avg, &max)) {
		SP(buf_puts(b, "no data</p>"));
		return;
	}
	SP(buf_printf(b, "min %s, avg %s, max %s</p>", status_fmt_ms(min, t[0], sizeof(t[0])),
	              status_fmt_ms(avg, t[1], sizeof(t[1])),
	              status_fmt_ms(max, t[2], sizeof(t[2]))));
	SP(buf_puts(b, "<svg class=\"r\" viewBox=\"0 0 230 40\" preserveAspectRatio=\"none\" "
	               "aria-hidden=\"true\"><path d=\""));
	put_path(b, c, max > 0 ? max : 1);
	SP(buf_puts(b, "\"/></svg>"));
}
