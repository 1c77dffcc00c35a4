/* `vigil top`'s screens: the monitor list with the host and alerts, a monitor's detail, help. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_int.h"
#include "util/time.h"

#define STATE_W         11
#define TYPE_W          8
#define NUM_W           8
#define SPARK_W         12
#define ALERTS_MAX_ROWS 5

bool top_colors_init(void)
{
	if (!has_colors() || start_color() == ERR)
		return false;
	use_default_colors();
	init_pair(PAIR_UP, COLOR_GREEN, -1);
	init_pair(PAIR_DEGRADED, COLOR_YELLOW, -1);
	init_pair(PAIR_DOWN, COLOR_RED, -1);
	init_pair(PAIR_OTHER, COLOR_CYAN, -1);
	init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_ERROR, COLOR_WHITE, COLOR_RED);
	return true;
}

/* The attributes of a status word: its colour, or bold for the bad ones without colours. */
static attr_t status_attr(const struct top *t, const char *status)
{
	int rank = model_rank(status);

	if (!t->colors)
		return rank <= 1 ? A_BOLD : A_NORMAL;
	if (rank == 0)
		return COLOR_PAIR(PAIR_DOWN) | A_BOLD;
	if (rank == 1)
		return COLOR_PAIR(PAIR_DEGRADED) | A_BOLD;
	return COLOR_PAIR(strcmp(status, "up") == 0 ? PAIR_UP : PAIR_OTHER);
}

static attr_t title_attr(const struct top *t)
{
	return t->colors ? COLOR_PAIR(PAIR_TITLE) | A_BOLD : A_REVERSE;
}

static attr_t error_attr(const struct top *t)
{
	return t->colors ? COLOR_PAIR(PAIR_ERROR) | A_BOLD : A_REVERSE | A_BOLD;
}

/* Bytes of S that make at most W cells (one per UTF-8 sequence). */
static int fit(const char *s, int w)
{
	int cells = 0, i = 0;

	while (s[i] && cells < w + 1) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (cells == w)
				break;
			cells++;
		}
		i++;
	}
	return i;
}

/* Writes S at Y, X in at most W cells. */
static void put(int y, int x, int w, const char *s)
{
	if (w > 0)
		mvaddnstr(y, x, s, fit(s, w));
}

/* A whole row at Y in ATTR: TEXT padded to the width. */
static void bar(int y, attr_t attr, const char *text)
{
	attron(attr);
	mvhline(y, 0, ' ', COLS);
	put(y, 0, COLS, text);
	attroff(attr);
}

static void draw_title(struct top *t, const char *what)
{
	char line[512];
	enum model_overall o = model_overall(&t->model);

	if (t->view == VIEW_DETAIL)
		snprintf(line, sizeof(line), " vigil top > %s   Esc back   ? help", what);
	else
		snprintf(line, sizeof(line),
		         " vigil top  %s  %s  %zu monitors: %zu down %zu degraded %zu up   %s%s",
		         client_url(t->client), t->have_data ? model_overall_str(o) : "?",
		         t->model.nmon, model_count(&t->model, "down"),
		         model_count(&t->model, "degraded"), model_count(&t->model, "up"),
		         t->updated[0] ? "updated " : "", t->updated);
	bar(0, title_attr(t), line);
}

/* A percentage, or "-" before there is one (rates need two samples). */
static void pct(double v, char *out, size_t size)
{
	if (v < 0)
		snprintf(out, size, "-");
	else
		snprintf(out, size, "%.1f%%", v);
}

static void draw_host(struct top *t, int y)
{
	const struct model_host *h = &t->model.host;
	char line[300], cpu[16], mem[16];
	int n;

	if (!h->have) {
		put(y, 0, COLS, " host: no sample (host metrics off, or not yet taken)");
		return;
	}
	pct(h->cpu, cpu, sizeof(cpu));
	pct(h->mem, mem, sizeof(mem));
	n = snprintf(line, sizeof(line), " cpu %6s  mem %6s", cpu, mem);
	if (h->disk >= 0 && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, "  disk %5.1f%% %s", h->disk,
		              h->disk_mount);
	if (h->load1 >= 0 && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, "  load %.2f %.2f %.2f%s%s", h->load1,
		         h->load5, h->load15, h->hostname[0] ? "  " : "", h->hostname);
	put(y, 0, COLS, line);
}

/* Row 2: the filter being typed, else the error, else a notice, else sort and filter. */
static void draw_message(struct top *t, int y)
{
	char line[512];

	if (t->editing) {
		snprintf(line, sizeof(line), " filter: %s_   (Enter keep, Esc cancel)", t->edit);
		put(y, 0, COLS, line);
	} else if (t->error[0]) {
		/* the retry first: the error may be cut at the edge */
		snprintf(line, sizeof(line), " ! retrying every %lld%s (r: now): %s",
		         (long long)(t->retry_ms % 1000 ? t->retry_ms : t->retry_ms / 1000),
		         t->retry_ms % 1000 ? "ms" : "s", t->error);
		bar(y, error_attr(t), line);
	} else if (t->notice[0] && time_mono_ns() < t->notice_until) {
		snprintf(line, sizeof(line), " %s", t->notice);
		attron(A_BOLD);
		put(y, 0, COLS, line);
		attroff(A_BOLD);
	} else {
		snprintf(line, sizeof(line), " sort: %s   filter: %s   %zu shown",
		         model_sort_str(t->sort), t->filter[0] ? t->filter : "(none)", t->nidx);
		put(y, 0, COLS, line);
	}
}

struct cols {
	int name, spark, reason; /* widths */
};

static struct cols columns(void)
{
	struct cols c;
	int rest = COLS - (STATE_W + 1) - (TYPE_W + 1) - 2 * (NUM_W + 1);

	c.spark = rest >= 40 ? SPARK_W : rest >= 24 ? 8 : 0;
	rest -= c.spark ? c.spark + 1 : 0;
	c.name = rest / 2 > 12 ? rest / 2 : rest > 12 ? 12 : rest;
	if (c.name > 40)
		c.name = 40;
	c.reason = rest - c.name - 1;
	return c;
}

static void draw_header(int y, const struct cols *c)
{
	int x = 0;

	attron(A_BOLD | A_UNDERLINE);
	mvhline(y, 0, ' ', COLS);
	put(y, x, STATE_W, "STATE");
	put(y, x += STATE_W + 1, c->name, "MONITOR");
	put(y, x += c->name + 1, TYPE_W, "TYPE");
	put(y, x += TYPE_W + 1, NUM_W, "LATENCY");
	put(y, x += NUM_W + 1, NUM_W, "UP 24H");
	x += NUM_W + 1;
	if (c->spark) {
		put(y, x, c->spark, "RECENT");
		x += c->spark + 1;
	}
	put(y, x, c->reason, "REASON");
	attroff(A_BOLD | A_UNDERLINE);
}

static void draw_monitor(struct top *t, int y, const struct model_monitor *mm, const struct cols *c,
                         bool selected)
{
	char lat[24], up[24], spark[MODEL_SPARK * 4 + 1], why[300];
	int x = 0;

	model_fmt_latency(mm->latency_ms, lat, sizeof(lat));
	model_fmt_uptime(mm->uptime, up, sizeof(up));
	snprintf(why, sizeof(why), "%s%s%s", mm->reason[0] ? mm->reason : "-",
	         mm->message[0] ? ": " : "", mm->message);
	if (selected) {
		attron(A_REVERSE);
		mvhline(y, 0, ' ', COLS);
	}
	attron(status_attr(t, mm->status));
	put(y, x, STATE_W, mm->status);
	attroff(status_attr(t, mm->status));
	if (selected)
		attron(A_REVERSE);
	put(y, x += STATE_W + 1, c->name, mm->name);
	put(y, x += c->name + 1, TYPE_W, mm->type);
	put(y, x += TYPE_W + 1, NUM_W, lat);
	put(y, x += NUM_W + 1, NUM_W, up);
	x += NUM_W + 1;
	if (c->spark) {
		model_sparkline(mm->spark, mm->nspark, (size_t)c->spark, t->ascii, spark,
		                sizeof(spark));
		put(y, x, c->spark, spark);
		x += c->spark + 1;
	}
	put(y, x, c->reason, why);
	if (selected)
		attroff(A_REVERSE);
}

/* How many rows the alerts pane takes (its header included). */
static int alert_rows(const struct top *t)
{
	int n = (int)t->model.nalerts, max = (LINES - 8) / 3;

	if (n == 0)
		return 0;
	if (max > ALERTS_MAX_ROWS)
		max = ALERTS_MAX_ROWS;
	if (max < 1)
		max = 1;
	return 1 + (n < max ? n : max);
}

static void draw_alerts(struct top *t, int y, int rows)
{
	char line[512];
	size_t i;

	if (rows == 0)
		return;
	snprintf(line, sizeof(line), " FIRING ALERTS (%zu)%s", t->model.nalerts,
	         t->focus == FOCUS_ALERTS ? "   a acknowledge, Tab back to the monitors"
	                                  : "   Tab to select, a acknowledge");
	attron(A_BOLD | A_UNDERLINE);
	mvhline(y, 0, ' ', COLS);
	put(y, 0, COLS, line);
	attroff(A_BOLD | A_UNDERLINE);
	if (t->alert_sel < t->alert_first)
		t->alert_first = t->alert_sel;
	if (t->alert_sel >= t->alert_first + (size_t)(rows - 1))
		t->alert_first = t->alert_sel - (size_t)(rows - 2);
	for (i = t->alert_first; i < t->model.nalerts && i < t->alert_first + (size_t)(rows - 1);
	     i++) {
		const struct model_alert *a = &t->model.alerts[i];
		bool sel = t->focus == FOCUS_ALERTS && i == t->alert_sel;

		snprintf(line, sizeof(line), " #%-5lld %-8s %-20s %-8s %s%s%s%s", (long long)a->id,
		         a->severity, a->monitor, a->rule, a->message,
		         a->acked_by[0] ? "  [acked by " : "", a->acked_by,
		         a->acked_by[0] ? "]" : "");
		if (sel)
			attron(A_REVERSE);
		else if (a->acked_by[0] == '\0')
			attron(status_attr(t, "down"));
		mvhline(y + 1 + (int)(i - t->alert_first), 0, ' ', COLS);
		put(y + 1 + (int)(i - t->alert_first), 0, COLS, line);
		attrset(A_NORMAL);
	}
}

static void draw_list(struct top *t)
{
	struct cols c = columns();
	int arows = alert_rows(t), rows = LINES - 5 - arows, y;
	size_t i;

	draw_title(t, NULL);
	draw_host(t, 1);
	draw_message(t, 2);
	draw_header(3, &c);
	if (rows < 1)
		rows = 1;
	if (t->sel < t->first)
		t->first = t->sel;
	if (t->sel >= t->first + (size_t)rows)
		t->first = t->sel - (size_t)rows + 1;
	for (i = t->first, y = 4; i < t->nidx && y < 4 + rows; i++, y++)
		draw_monitor(t, y, &t->model.mon[t->idx[i]], &c,
		             i == t->sel && t->focus == FOCUS_MONITORS);
	if (t->nidx == 0 && t->have_data)
		put(4, 1, COLS - 1,
		    t->model.nmon ? "no monitor matches the filter (/ to change it)"
		                  : "no monitors configured");
	if (!t->have_data && !t->error[0])
		put(4, 1, COLS - 1, "connecting...");
	draw_alerts(t, LINES - 1 - arows, arows);
	bar(LINES - 1, A_REVERSE,
	    " q quit r refresh j/k move Enter detail / filter s sort Tab alerts a ack ? help");
}

static void draw_detail_head(struct top *t, const struct model_detail *d)
{
	char line[512], l24[24], l7[24], l30[24], lat[24], spark[MODEL_SPARK * 4 + 1];

	model_fmt_uptime(d->up24, l24, sizeof(l24));
	model_fmt_uptime(d->up7, l7, sizeof(l7));
	model_fmt_uptime(d->up30, l30, sizeof(l30));
	model_fmt_latency(d->m.latency_ms, lat, sizeof(lat));
	attron(status_attr(t, d->m.status));
	put(1, 1, STATE_W, d->m.status);
	attroff(status_attr(t, d->m.status));
	snprintf(line, sizeof(line), "since %s   type %s%s%s", d->since[0] ? d->since : "-",
	         d->m.type, d->m.group[0] ? "   group " : "", d->m.group);
	put(1, STATE_W + 2, COLS - STATE_W - 2, line);
	snprintf(line, sizeof(line),
	         " uptime 24h %s  7d %s  30d %s   checks %lld   failures in a row %d", l24, l7, l30,
	         (long long)d->checks, d->failures);
	put(3, 0, COLS, line);
	snprintf(line, sizeof(line), " last %s  %s: %s", lat, d->m.reason[0] ? d->m.reason : "-",
	         d->m.message);
	put(4, 0, COLS, line);
	model_sparkline(d->m.spark, d->m.nspark, (size_t)(COLS > 12 ? COLS - 12 : 1), t->ascii,
	                spark, sizeof(spark));
	put(5, 0, 10, " latency");
	put(5, 10, COLS - 10, spark);
}

/* The results and events of the detail, scrolled by detail_scroll rows. */
static void draw_detail_rows(struct top *t, const struct model_detail *d, int y0)
{
	char line[512], lat[24];
	int y = y0, row = 0, skip = t->detail_scroll;
	size_t i;

	for (i = 0; i < d->nresults + d->nevents + 2 && y < LINES - 1; i++, row++) {
		if (row < skip)
			continue;
		if (i == 0)
			snprintf(line, sizeof(line), " RECENT RESULTS (%zu)", d->nresults);
		else if (i <= d->nresults) {
			const struct model_result *r = &d->results[i - 1];

			model_fmt_latency(r->latency_ms, lat, sizeof(lat));
			snprintf(line, sizeof(line), " %-24s %-11s %9s  %s: %s", r->time, r->status,
			         lat, r->reason, r->message);
		} else if (i == d->nresults + 1)
			snprintf(line, sizeof(line), " EVENTS (%zu)", d->nevents);
		else {
			const struct model_event *e = &d->events[i - d->nresults - 2];

			snprintf(line, sizeof(line), " %-24s %s -> %s  %s: %s", e->time, e->from,
			         e->to, e->reason, e->message);
		}
		if (i == 0 || i == d->nresults + 1)
			attron(A_BOLD | A_UNDERLINE);
		put(y++, 0, COLS, line);
		attroff(A_BOLD | A_UNDERLINE);
	}
}

static void draw_detail(struct top *t)
{
	const struct model_detail *d = t->detail;
	char what[300];

	snprintf(what, sizeof(what), "%s (%s)", d->m.name[0] ? d->m.name : t->detail_id,
	         t->detail_id);
	draw_title(t, what);
	if (t->error[0])
		draw_message(t, 2);
	if (d->m.id[0] == '\0') {
		put(4, 1, COLS - 1, t->error[0] ? "" : "loading...");
	} else {
		draw_detail_head(t, d);
		if (t->error[0])
			draw_message(t, 2);
		draw_detail_rows(t, d, 7);
	}
	bar(LINES - 1, A_REVERSE, " Esc/q back  j/k scroll  r refresh  ? help");
}

static const char *const help_lines[] = {
	"vigil top: a live view of a running vigil daemon",
	"",
	"  r          refresh now",
	"  q          quit (in a detail: back to the list)",
	"  Up/Down j/k  move the selection (PgUp/PgDn, Home/End too)",
	"  Enter      open the selected monitor: recent results and events",
	"  Esc        back to the list",
	"  /          filter by name, id, group, type, state or reason",
	"  s          cycle the sort: state (down first), name, latency, uptime",
	"  Tab        move between the monitors and the firing alerts",
	"  a          acknowledge the selected alert (or the selected",
	"             monitor's firing alert); needs an operator token",
	"  ?          this help",
	"",
	"Press any key to go back.",
};

static void draw_help(struct top *t)
{
	size_t i, n = sizeof(help_lines) / sizeof(help_lines[0]);

	bar(0, title_attr(t), " vigil top: help");
	for (i = 0; i < n && (int)i + 2 < LINES - 1; i++)
		put((int)i + 2, 2, COLS - 2, help_lines[i]);
	bar(LINES - 1, A_REVERSE, " any key: back");
}

void top_draw(struct top *t)
{
	erase();
	if (t->view == VIEW_HELP)
		draw_help(t);
	else if (t->view == VIEW_DETAIL && t->detail != NULL)
		draw_detail(t);
	else
		draw_list(t);
	refresh();
}
