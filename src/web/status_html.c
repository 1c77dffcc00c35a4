/*
 * GET /status and /status/incidents/{id}: the public status page as HTML,
 * complete without JavaScript and fit for a strict Content-Security-Policy
 * (no inline script or style, no event attributes). The markup is also
 * well-formed XML, which the tests check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "web/status_html.h"
#include "web/status_int.h"
#include "web/status_render.h"
#include "web/status_svg.h"

#define PCT_LEN 16

/* How bad a state is, for a group's summary: worst wins, maintenance above operational. */
static int state_rank(enum status_state s)
{
	static const int rank[STATE_COUNT] = { 0, 2, 3, 4, 1 };

	return (unsigned)s < STATE_COUNT ? rank[s] : 0;
}

static const char *title_of(const struct status_view *v)
{
	return v->title != NULL && v->title[0] != '\0' ? v->title : "Status";
}

static void put_head(struct buf *b, const struct status_view *v, const char *subtitle, bool live)
{
	SP(buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
	               "<title>"));
	if (subtitle != NULL) {
		status_esc_html(b, subtitle);
		SP(buf_puts(b, " · "));
	}
	status_esc_html(b, title_of(v));
	SP(buf_puts(b, "</title>"));
	if (v->description != NULL && v->description[0] != '\0') {
		SP(buf_puts(b, "<meta name=\"description\" content=\""));
		status_esc_html(b, v->description);
		SP(buf_puts(b, "\"/>"));
	}
	/* an icon of our own, so the browser asks for no /favicon.ico */
	SP(buf_puts(b, v->has_logo ? "<link rel=\"icon\" href=\"/status/logo\"/>"
	                           : "<link rel=\"icon\" href=\"data:,\"/>"));
	SP(buf_puts(b, "<link rel=\"stylesheet\" href=\"/status/status.css\"/>"
	               "<link rel=\"stylesheet\" href=\"/status/theme.css\"/>"
	               "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Atom feed\" "
	               "href=\"/feed.atom\"/>"
	               "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS feed\" "
	               "href=\"/feed.rss\"/>"));
	if (live)
		SP(buf_puts(b, "<script src=\"/status/status.js\" defer=\"\"></script>"));
	SP(buf_puts(b, "</head>"));
}

void status_html_open(struct buf *b, const struct status_view *v, const char *subtitle)
{
	bool live = subtitle == NULL && v->refresh_ms > 0; /* only the main page refreshes */

	put_head(b, v, subtitle, live);
	if (live) {
		SP(buf_puts(b, "<body data-refresh=\""));
		status_put_int(b, v->refresh_ms);
		SP(buf_puts(b, "\">"));
	} else {
		SP(buf_puts(b, "<body>"));
	}
	SP(buf_puts(
	        b,
	        "<a class=\"skip\" href=\"#main\">Skip to content</a>"
	        "<header class=\"top\"><div class=\"wrap\"><a class=\"home\" href=\"/status\">"));
	if (v->has_logo) {
		SP(buf_puts(b, "<img class=\"logo\" src=\"/status/logo\" alt=\""));
		status_esc_html(b, title_of(v));
		SP(buf_puts(b, " logo\"/>"));
	}
	SP(buf_puts(b, "<h1>"));
	status_esc_html(b, title_of(v));
	SP(buf_puts(b, "</h1></a>"));
	if (v->description != NULL && v->description[0] != '\0') {
		SP(buf_puts(b, "<p class=\"desc\">"));
		status_esc_html(b, v->description);
		SP(buf_puts(b, "</p>"));
	}
	SP(buf_puts(b, "</div></header><main id=\"main\" class=\"wrap\">"));
}

void status_html_close(struct buf *b, const struct status_view *v)
{
	char iso[TIME_RFC3339_LEN], date[STATUS_TIME_LEN];
	struct status_tm tm;

	time_format_rfc3339(v->now_ms, iso, sizeof(iso));
	status_fmt_date(v->now_ms, date, sizeof(date));
	status_tm_of(v->now_ms, &tm);
	SP(buf_printf(b,
	              "</main><footer class=\"foot\"><div class=\"wrap\"><p>Powered by Vigil · "
	              "Rendered <time datetime=\"%s\">%s %02d:%02d:%02d UTC</time>"
	              " <span id=\"live\" class=\"live\" hidden=\"\"></span></p>"
	              "<p><a href=\"/feed.atom\">Atom feed</a> · <a href=\"/feed.rss\">RSS</a> · "
	              "<a href=\"/api/v1/status\">JSON</a></p></div></footer></body></html>\n",
	              iso, date, tm.hour, tm.min, tm.sec));
}

static void put_banner(struct buf *b, const struct status_view *v)
{
	SP(buf_printf(
	        b,
	        "<section id=\"banner\" class=\"banner\" data-state=\"%s\" "
	        "aria-labelledby=\"h-banner\"><h2 id=\"h-banner\" aria-live=\"polite\">%s</h2>"
	        "</section>",
	        status_banner_word(v->banner), status_banner_label(v->banner)));
}

void status_html_uptimes(struct buf *b, const struct status_component *c, bool week)
{
	static const char *const names[4] = { "<span>24 h <b>", "<span>7 d <b>", "<span>30 d <b>",
		                              "<span>90 d <b>" };
	double values[4] = { c->uptime_24h, c->uptime_7d, c->uptime_30d, c->uptime_90d };
	char pct[PCT_LEN];
	int i;

	SP(buf_puts(b, "<p class=\"up\">"));
	for (i = 0; i < 4; i++) {
		const char *text = status_fmt_pct(values[i], pct, sizeof(pct));

		if (i == 1 && !week)
			continue;
		SP(buf_puts(b, names[i]));
		SP(buf_puts(b, text ? text : "–"));
		SP(buf_puts(b, "</b></span>"));
	}
	SP(buf_puts(b, "</p>"));
}

/*
 * <li data-state="WORD">, NAME as a link to its page (whose last
 * segment is the component's id, for the script) and STATE.
 */
static void put_component_head(struct buf *b, const struct status_component *c)
{
	SP(buf_puts(b, "<li data-state=\""));
	SP(buf_puts(b, status_state_word(c->state)));
	SP(buf_puts(b, "\"><a href=\"/status/components/"));
	status_esc_url(b, c->id);
	SP(buf_puts(b, "\">"));
	status_esc_html(b, c->name);
	SP(buf_puts(b, "</a> <span class=\"s\">"));
	SP(buf_puts(b, status_state_label(c->state)));
	SP(buf_puts(b, "</span>"));
}

/*
 * A component. Full: its bar with a tooltip per run of days, three uptimes
 * and the response-time chart. Compact (a page of many): the bar without
 * tooltips and the 90-day uptime, some 300 bytes; its page has the rest.
 */
static void put_component(struct buf *b, const struct status_component *c, bool compact)
{
	char pct[PCT_LEN];

	put_component_head(b, c);
	if (compact) {
		status_svg_bar_compact(b, c);
		SP(buf_puts(b, "<b>"));
		SP(buf_puts(b, status_fmt_pct(c->uptime_90d, pct, sizeof(pct)) ? pct : "–"));
		SP(buf_puts(b, "</b></li>"));
		return;
	}
	status_svg_bar(b, c);
	status_html_uptimes(b, c, false);
	status_svg_chart(b, c);
	SP(buf_puts(b, "</li>"));
}

static bool has_group(const struct status_component *c)
{
	return c->group != NULL && c->group[0] != '\0';
}

/* A group: its members are idx[start..start+n), in configuration order. */
struct group_run {
	size_t start, n;
	size_t first; /* the configuration index of its first member */
};

/* Orders component indexes by group name, then by configuration order. */
static int by_group(const void *pa, const void *pb, void *arg)
{
	const struct status_component *comps = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = strcmp(comps[a].group, comps[b].group);

	if (c != 0)
		return c;
	return a < b ? -1 : a > b;
}

static int by_first(const void *pa, const void *pb)
{
	const struct group_run *a = pa, *b = pb;

	return a->first < b->first ? -1 : a->first > b->first;
}

static void put_group(struct buf *b, const struct status_view *v, const size_t *idx,
                      const struct group_run *g, bool compact)
{
	const struct status_component *first = &v->components[idx[g->start]];
	enum status_state worst = first->state;
	size_t i;

	for (i = 1; i < g->n; i++)
		if (state_rank(v->components[idx[g->start + i]].state) > state_rank(worst))
			worst = v->components[idx[g->start + i]].state;
	SP(buf_puts(b, "<li class=\"g\"><details open=\"\"><summary><h3>"));
	status_esc_html(b, first->group);
	SP(buf_printf(
	        b, "</h3> <span class=\"s\" data-state=\"%s\">%s</span></summary><ul class=\"cl\">",
	        status_state_word(worst), status_state_label(worst)));
	for (i = 0; i < g->n; i++)
		put_component(b, &v->components[idx[g->start + i]], compact);
	SP(buf_puts(b, "</ul></details></li>"));
}

/* The grouped components: each group in the order of its first member. */
static void put_groups(struct buf *b, const struct status_view *v, bool compact)
{
	size_t *idx = malloc(sizeof(*idx) * (v->ncomponents + 1));
	struct group_run *runs = malloc(sizeof(*runs) * (v->ncomponents + 1));
	size_t i, n = 0, nruns = 0;

	if (idx == NULL || runs == NULL)
		abort();
	for (i = 0; i < v->ncomponents; i++)
		if (has_group(&v->components[i]))
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), by_group, (void *)(uintptr_t)v->components);
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(v->components[idx[i]].group, v->components[idx[i - 1]].group))
			runs[nruns++] = (struct group_run){ i, 0, idx[i] };
		runs[nruns - 1].n++;
	}
	qsort(runs, nruns, sizeof(*runs), by_first);
	for (i = 0; i < nruns; i++)
		put_group(b, v, idx, &runs[i], compact);
	free(idx);
	free(runs);
}

void status_html_legend(struct buf *b, bool axis)
{
	SP(buf_puts(
	        b,
	        "<ul class=\"legend\" aria-label=\"Uptime bar colours\">"
	        "<li><i class=\"k b1\"></i>100%</li><li><i class=\"k b2\"></i>99% or more</li>"
	        "<li><i class=\"k b3\"></i>95% or more</li><li><i class=\"k b4\"></i>Below 95%</li>"
	        "<li><i class=\"k b0\"></i>No data</li></ul>"));
	if (axis)
		SP(buf_puts(b, "<p class=\"axis\" aria-hidden=\"true\"><span>90 days ago</span>"
		               "<span>Today</span></p>"));
}

/* The components: ungrouped ones first, then the groups. */
static void put_components(struct buf *b, const struct status_view *v)
{
	bool compact = status_view_compact(v);
	size_t i;

	SP(buf_puts(b, compact ? "<section id=\"components\" class=\"compact\" "
	                         "aria-labelledby=\"h-components\">"
	                       : "<section id=\"components\" aria-labelledby=\"h-components\">"));
	SP(buf_puts(b, "<h2 id=\"h-components\">Components</h2>"));
	if (v->ncomponents == 0) {
		SP(buf_puts(b, "<p class=\"none\">No components yet.</p></section>"));
		return;
	}
	if (compact)
		SP(buf_puts(b, "<p class=\"note\">Each bar shows the last 90 days, oldest on the "
		               "left, and the figure beside it their uptime. Select a component "
		               "for its days, uptimes and response time.</p>"));
	status_html_legend(b, !compact);
	SP(buf_puts(b, "<ul class=\"cl\">"));
	for (i = 0; i < v->ncomponents; i++)
		if (!has_group(&v->components[i]))
			put_component(b, &v->components[i], compact);
	put_groups(b, v, compact);
	SP(buf_puts(b, "</ul></section>"));
}

char *status_render_page(const struct status_view *v, size_t *len)
{
	struct buf b;

	buf_init(&b, 0);
	status_html_open(&b, v, NULL);
	put_banner(&b, v);
	status_html_active(&b, v);
	status_html_maintenance(&b, v, NULL);
	put_components(&b, v);
	status_html_history(&b, v);
	status_html_close(&b, v);
	*len = b.len;
	return buf_steal(&b);
}

char *status_render_incident(const struct status_view *v, int64_t id, size_t *len)
{
	const struct status_incident *in = NULL;
	struct buf b;
	size_t i;

	for (i = 0; i < v->nincidents && in == NULL; i++)
		if (v->incidents[i].id == id)
			in = &v->incidents[i];
	if (in == NULL)
		return NULL;
	buf_init(&b, 0);
	status_html_open(&b, v, in->title);
	SP(buf_puts(&b, "<p class=\"back\"><a href=\"/status\">← Current status</a></p>"));
	status_html_incident(&b, in, 2, true);
	status_html_close(&b, v);
	*len = b.len;
	return buf_steal(&b);
}
