/*
 * GET /status/components/{id}: one component of the status page on its own:
 * its state, its 90-day bar with a tooltip per run of days, its uptimes over
 * 24 h, 7 d, 30 d and 90 d, its response-time chart, and the incidents and
 * maintenance that concern it. The compact layout of the main page links
 * here for all it leaves out.
 */
#include <string.h>

#include "web/status_html.h"
#include "web/status_int.h"
#include "web/status_render.h"
#include "web/status_svg.h"

/* Whether NAMES[N] name C; naming none (N 0) is every component, as the main page says. */
static bool concerns(const struct status_component *c, const char *const *names, size_t n)
{
	size_t i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], c->name) == 0)
			return true;
	return false;
}

static void put_head(struct buf *b, const struct status_component *c)
{
	SP(buf_puts(b, "<p class=\"back\"><a href=\"/status\">← Current status</a></p>"
	               "<section class=\"cp\" data-state=\""));
	SP(buf_puts(b, status_state_word(c->state)));
	SP(buf_puts(b, "\" aria-labelledby=\"h-comp\"><h2 id=\"h-comp\">"));
	status_esc_html(b, c->name);
	SP(buf_puts(b, "</h2><span class=\"s\">"));
	SP(buf_puts(b, status_state_label(c->state)));
	SP(buf_puts(b, "</span>"));
	if (c->group != NULL && c->group[0] != '\0') {
		SP(buf_puts(b, "<p class=\"meta\">In "));
		status_esc_html(b, c->group);
		SP(buf_puts(b, "</p>"));
	}
	SP(buf_puts(b, "<div class=\"bar\">"));
	status_html_legend(b, true);
	status_svg_bar(b, c);
	SP(buf_puts(b, "</div>"));
	status_html_uptimes(b, c, true);
	status_svg_chart(b, c);
	SP(buf_puts(b, "</section>"));
}

/*
 * Its incidents (those naming it or no component): open ones, then those of
 * the last 14 days; or a line saying there are none.
 */
static void put_incidents(struct buf *b, const struct status_view *v,
                          const struct status_component *c)
{
	bool any = false;
	size_t i;
	int pass;

	SP(buf_puts(b, "<section id=\"incidents\" aria-labelledby=\"h-incidents\">"
	               "<h2 id=\"h-incidents\">Incidents</h2>"));
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < v->nincidents; i++) {
			const struct status_incident *in = &v->incidents[i];

			if ((in->resolved_ms == 0) != (pass == 0) ||
			    !concerns(c, in->components, in->ncomponents))
				continue;
			status_html_incident(b, in, 3, false);
			any = true;
		}
	if (!any)
		SP(buf_puts(b, "<p class=\"none\">No incidents in the last 14 days.</p>"));
	SP(buf_puts(b, "</section>"));
}

static void put_maintenance(struct buf *b, const struct status_view *v,
                            const struct status_component *c)
{
	bool any = false;
	size_t i;

	for (i = 0; i < v->nmaintenance; i++) {
		const struct status_maintenance *m = &v->maintenance[i];

		if (!concerns(c, m->components, m->ncomponents))
			continue;
		if (!any)
			SP(buf_puts(b,
			            "<section id=\"maintenance\" aria-labelledby=\"h-maintenance\">"
			            "<h2 id=\"h-maintenance\">Scheduled maintenance</h2>"));
		any = true;
		status_html_window(b, m);
	}
	if (any)
		SP(buf_puts(b, "</section>"));
}

char *status_render_component(const struct status_view *v, const char *id, size_t *len)
{
	const struct status_component *c = status_view_find(v, id);
	struct buf b;

	if (c == NULL)
		return NULL;
	buf_init(&b, 0);
	status_html_open(&b, v, c->name);
	put_head(&b, c);
	put_incidents(&b, v, c);
	put_maintenance(&b, v, c);
	status_html_close(&b, v);
	*len = b.len;
	return buf_steal(&b);
}
