/* The status page's incidents, scheduled maintenance and incident history, as HTML. */
#include <stdio.h>
#include <string.h>

#include "util/time.h"
#include "web/status_html.h"
#include "web/status_int.h"

static const char *impact_label(const char *word)
{
	if (strcmp(word, "critical") == 0)
		return "Critical impact";
	if (strcmp(word, "major") == 0)
		return "Major impact";
	if (strcmp(word, "minor") == 0)
		return "Minor impact";
	return "No impact";
}

void status_html_time(struct buf *b, int64_t ms)
{
	char iso[TIME_RFC3339_LEN], when[STATUS_TIME_LEN];

	time_format_rfc3339(ms, iso, sizeof(iso));
	status_fmt_when(ms, when, sizeof(when));
	SP(buf_printf(b, "<time datetime=\"%s\">%s</time>", iso, when));
}

/* An update or incident status: its label, or the word itself (escaped) when it is none we know. */
static void put_status(struct buf *b, const char *status)
{
	const char *label = status_update_label(status);

	if (label != NULL)
		SP(buf_puts(b, label));
	else
		status_esc_html(b, status);
}

/* "A, B and C", or "All components" when the list is empty. */
static void put_names(struct buf *b, const char *const *names, size_t n)
{
	size_t i;

	if (n == 0) {
		SP(buf_puts(b, "All components"));
		return;
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			SP(buf_puts(b, i + 1 == n ? " and " : ", "));
		status_esc_html(b, names[i]);
	}
}

static void put_link(struct buf *b, int64_t id)
{
	SP(buf_puts(b, "<a href=\"/status/incidents/"));
	status_put_int(b, id);
	SP(buf_puts(b, "\">"));
}

static void put_updates(struct buf *b, const struct status_incident *in)
{
	size_t i;

	if (in->nupdates == 0)
		return;
	SP(buf_puts(b, "<ol class=\"upd\">"));
	for (i = 0; i < in->nupdates; i++) {
		const struct status_update *u = &in->updates[i];

		SP(buf_puts(b, "<li><p><strong>"));
		put_status(b, u->status);
		SP(buf_puts(b, "</strong> "));
		status_html_time(b, u->t_ms);
		SP(buf_puts(b, "</p><p class=\"msg\">"));
		status_esc_html(b, u->message);
		SP(buf_puts(b, "</p></li>"));
	}
	SP(buf_puts(b, "</ol>"));
}

void status_html_incident(struct buf *b, const struct status_incident *in, int level, bool page)
{
	const char *impact = status_impact_word(in->impact);
	char dur[STATUS_TIME_LEN];

	SP(buf_printf(b, "<article class=\"inc\" data-impact=\"%s\"><h%d>", impact, level));
	if (!page)
		put_link(b, in->id);
	status_esc_html(b, in->title);
	SP(buf_printf(b, "%s</h%d><p class=\"meta\"><span class=\"imp\">%s</span> · ",
	              page ? "" : "</a>", level, impact_label(impact)));
	put_status(b, in->status);
	SP(buf_puts(b, " · Started "));
	status_html_time(b, in->started_ms);
	if (in->resolved_ms != 0) {
		status_fmt_duration(in->resolved_ms - in->started_ms, dur, sizeof(dur));
		SP(buf_puts(b, " · Resolved "));
		status_html_time(b, in->resolved_ms);
		SP(buf_printf(b, " (lasted %s)", dur));
	}
	SP(buf_puts(b, "</p><p class=\"aff\">Affects: "));
	put_names(b, in->components, in->ncomponents);
	SP(buf_puts(b, "</p>"));
	put_updates(b, in);
	SP(buf_puts(b, "</article>"));
}

/* One line of an active incident beyond the first ones: its link, impact and start. */
static void put_active_line(struct buf *b, const struct status_incident *in)
{
	SP(buf_puts(b, "<li>"));
	put_link(b, in->id);
	status_esc_html(b, in->title);
	SP(buf_printf(b, "</a> <span class=\"meta\">%s · ",
	              impact_label(status_impact_word(in->impact))));
	put_status(b, in->status);
	SP(buf_puts(b, " · Started "));
	status_html_time(b, in->started_ms);
	SP(buf_puts(b, "</span></li>"));
}

/*
 * The open incidents, newest first: the first STATUS_ACTIVE_FULL whole, with
 * their updates; the next STATUS_ACTIVE_LINES as one line each linking to
 * its page; and how many more, which the pages of their components list:
 * a storm of incidents keeps the page readable and small.
 */
void status_html_active(struct buf *b, const struct status_view *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->nincidents; i++) {
		const struct status_incident *in = &v->incidents[i];

		if (in->resolved_ms != 0)
			continue;
		if (n == 0)
			SP(buf_puts(b, "<section id=\"incidents\" aria-labelledby=\"h-incidents\">"
			               "<h2 id=\"h-incidents\">Active incidents</h2>"));
		if (n == STATUS_ACTIVE_FULL)
			SP(buf_puts(b, "<h3 class=\"more\">More active incidents</h3><ul "
			               "class=\"more\">"));
		if (n < STATUS_ACTIVE_FULL)
			status_html_incident(b, in, 3, false);
		else if (n < STATUS_ACTIVE_FULL + STATUS_ACTIVE_LINES)
			put_active_line(b, in);
		n++;
	}
	if (n > STATUS_ACTIVE_FULL)
		SP(buf_puts(b, "</ul>"));
	if (n > STATUS_ACTIVE_FULL + STATUS_ACTIVE_LINES)
		SP(buf_printf(b,
		              "<p class=\"none\">And %zu more open incidents: the page of each "
		              "component lists its own, and the <a href=\"/feed.atom\">feed</a> "
		              "has them all.</p>",
		              n - STATUS_ACTIVE_FULL - STATUS_ACTIVE_LINES));
	if (n > 0)
		SP(buf_puts(b, "</section>"));
}

void status_html_window(struct buf *b, const struct status_maintenance *m)
{
	SP(buf_printf(b, "<article class=\"mnt\" data-active=\"%s\"><h3>",
	              m->active ? "true" : "false"));
	status_esc_html(b, m->name);
	SP(buf_printf(b, "</h3><p class=\"meta\"><span class=\"tag\">%s</span> ",
	              m->active ? "In progress" : "Scheduled"));
	status_html_time(b, m->start_ms);
	SP(buf_puts(b, " – "));
	status_html_time(b, m->end_ms);
	SP(buf_puts(b, "</p><p class=\"aff\">Affects: "));
	put_names(b, m->components, m->ncomponents);
	SP(buf_puts(b, "</p></article>"));
}

bool status_concerns(const struct status_component *c, const char *const *names, size_t n)
{
	size_t i;

	if (c == NULL || n == 0)
		return true;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], c->name) == 0)
			return true;
	return false;
}

void status_html_maintenance(struct buf *b, const struct status_view *v,
                             const struct status_component *only)
{
	bool any = false;
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) /* the active windows first */
		for (i = 0; i < v->nmaintenance; i++) {
			const struct status_maintenance *m = &v->maintenance[i];

			if (m->active != (pass == 0) ||
			    !status_concerns(only, m->components, m->ncomponents))
				continue;
			if (!any)
				SP(buf_puts(b,
				            "<section id=\"maintenance\" "
				            "aria-labelledby=\"h-maintenance\">"
				            "<h2 id=\"h-maintenance\">Scheduled maintenance</h2>"));
			any = true;
			status_html_window(b, m);
		}
	if (any)
		SP(buf_puts(b, "</section>"));
}

/* The resolved incidents that started on the day beginning at DAY, as a list or "No incidents". */
static void put_day(struct buf *b, const struct status_view *v, int64_t day)
{
	char label[STATUS_TIME_LEN], dur[STATUS_TIME_LEN];
	bool any = false;
	size_t i;

	status_fmt_day(day, label, sizeof(label));
	SP(buf_printf(b, "<div class=\"day\"><h3>%s</h3>", label));
	for (i = 0; i < v->nincidents; i++) {
		const struct status_incident *in = &v->incidents[i];

		if (in->resolved_ms == 0 || in->started_ms < day ||
		    in->started_ms >= day + STATUS_MS_DAY)
			continue;
		SP(buf_puts(b, any ? "<li>" : "<ul><li>"));
		any = true;
		put_link(b, in->id);
		status_esc_html(b, in->title);
		status_fmt_duration(in->resolved_ms - in->started_ms, dur, sizeof(dur));
		SP(buf_printf(b, "</a> <span class=\"meta\">%s · resolved after %s</span></li>",
		              impact_label(status_impact_word(in->impact)), dur));
	}
	SP(buf_puts(b, any ? "</ul></div>" : "<p class=\"none\">No incidents reported.</p></div>"));
}

void status_html_history(struct buf *b, const struct status_view *v)
{
	int64_t today = v->now_ms - (v->now_ms % STATUS_MS_DAY + STATUS_MS_DAY) % STATUS_MS_DAY;
	int d;

	SP(buf_puts(b, "<section id=\"history\" aria-labelledby=\"h-history\">"
	               "<h2 id=\"h-history\">Past incidents</h2>"));
	for (d = 0; d < STATUS_HISTORY; d++)
		put_day(b, v, today - d * STATUS_MS_DAY);
	SP(buf_puts(b, "</section>"));
}
