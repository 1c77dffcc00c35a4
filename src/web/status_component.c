/*
 * GET /status/components/{id}: one component of the status page on its own:
 * its state, its 90-day bar with a tooltip per run of days, its uptimes over
 * 24 h, 7 d, 30 d and 90 d, its response-time chart, and the incidents and
 * maintenance that concern it. The compact layout of the main page links
 * here for all it leaves out.
 */

#include "web/status_html.h"
#include "web/status_int.h"
#include "web/status_render.h"
#include "web/status_svg.h"

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
			    !status_concerns(c, in->components, in->ncomponents))
				continue;
			status_html_incident(b, in, 3, false);
			any = true;
		}
	if (!any)
		SP(buf_puts(b, "<p class=\"none\">No incidents in the last 14 days.</p>"));
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
	status_html_maintenance(&b, v, c);
	status_html_close(&b, v);
	*len = b.len;
	return buf_steal(&b);
}
